/* Builders of Shared states for the tests of TrapHandlerSpec's
 * ConcurrentSpec (tests/test_trap_handler_concurrent*.c). Everything is
 * autoreleased; each returns a new value with one change. */
#ifndef T_CONCURRENT_H
#define T_CONCURRENT_H

#include "hm_test.h"
#include "trap_handler_concurrent.h"

/* hm_shared_empty(): s2page default (INVALID, 0, INVALID64), every NPT
 * empty (all *_next 0), vminfo states UNUSED (0), smmu_vmid default
 * INVALID, hlock default true (every lock held). */
const hm_shared *tc_sdt(void);
const hm_shared *tc_page(const hm_shared *sdt, hm_z pfn, hm_z owner, hm_z count, hm_z gfn);
const hm_shared *tc_npt(const hm_shared *sdt, hm_z vmid, const hm_npt *npt);
const hm_shared *tc_hlock(const hm_shared *sdt, hm_z id, bool v);
const hm_shared *tc_smmu(const hm_shared *sdt, hm_z id, hm_z vmid);
const hm_shared *tc_info(const hm_shared *sdt, hm_z vmid, const hm_vminfo *info);
const hm_shared *tc_fmem(const hm_shared *sdt, hm_z pfn, hm_z v);
const hm_shared *tc_spt(const hm_shared *sdt, const hm_spt *spt);
const hm_shared *tc_core(const hm_shared *sdt, hm_z next_vmid, hm_z next_remap_ptr);

/* VMInfo with vm_state and one VCPU's state (vcpuid < 0: none). */
const hm_vminfo *tc_vminfo(hm_z state, hm_z vcpuid, hm_z vcpu_state);
/* info with boot slot idx = (load_addr, size, remap, mapped), next_load_info. */
const hm_vminfo *tc_vminfo_boot(const hm_vminfo *info, hm_z next_load, hm_z idx, hm_z load_addr,
				hm_z size, hm_z remap, hm_z mapped);

/* npt with pt[gfn] = (pfn, level, pte). */
const hm_npt *tc_pt(const hm_npt *npt, hm_z gfn, hm_z pfn, hm_z level, hm_z pte);
/* npt with pt_pgd_next, pt_pud_next, pt_pmd_next set. */
const hm_npt *tc_next(const hm_npt *npt, hm_z pgd, hm_z pud, hm_z pmd);
/* spt with spt_pt[ttbr][gfn] = (pfn, pte). */
const hm_spt *tc_spt_entry(const hm_spt *spt, hm_z ttbr, hm_z gfn, hm_z pfn, hm_z pte);
const hm_spt *tc_spt_next(const hm_spt *spt, hm_z pgd, hm_z pmd);

/* A data oracle answering vmid * 1000 + logn + 7. */
hm_oracle *tc_dorc(void);
#define TC_DORC(vmid, logn) ((hm_z)(vmid) * 1000 + (logn) + 7)

/* Reads */
hm_s2page tc_page_at(const hm_shared *sdt, hm_z pfn);
hm_z3 tc_pt_at(const hm_shared *sdt, hm_z vmid, hm_z gfn);
bool tc_hlock_at(const hm_shared *sdt, hm_z id);

/* Asserts two Shared records hold the same values. */
void tc_assert_sdt_equal(const hm_shared *a, const hm_shared *b);

#endif
