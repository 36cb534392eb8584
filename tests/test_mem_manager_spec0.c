/* Seed MemManagerSpec.md, Section MemManagerSpecLow: every branch of the
 * ten `_spec0` definitions. The expected states are worked out by
 * following the calls of each branch through the lower specs (LocksSpec,
 * PageManagerSpec, NPTOpsSpec, MmioSPTOpsSpec, AbstractMachineSpec). */
#include "hm_test.h"
#include "mm_low_test.h"

#include "mem_manager_spec0.h"

#define PFN ((hm_z)0x40040) /* RAM: initially {HOSTVISOR, 0, PFN + SMMU_HOST_OFFSET} */
#define VM ((hm_z)3)
#define GFN ((hm_z)0x777)

/* The test state: the initial one with the known data oracle. */
static const hm_rdata *base(void) { return t_with_test_doracle(t_initial()); }

static const hm_rdata *with_page(hm_z owner, hm_z count, hm_z gfn)
{
	return t_with_page(base(), PFN, owner, count, gfn);
}

/* acquire + release of the S2PAGE lock with nothing pulled: the log is
 * REL_LOCK :: OS2_PAGE (s2page of the result) :: OPULL 2 :: WAIT_LOCK 10,
 * tstate 1, LockFalse. */
static void assert_s2_round_trip(const hm_rdata *r)
{
	assert_false(r->halt);
	assert_z_equal(r->tstate, 1);
	assert_int_equal(lock_at(r->lock, S2PAGE_ID), HM_LOCK_FALSE);
	T_ASSERT_LOG(mlog_at(r->log, S2PAGE_ID), NULL, {HM_MEV_REL_LOCK, 0, 0, NULL},
		     {HM_MEV_OS2_PAGE, 0, 0, r->shared->s2page}, {HM_MEV_OPULL, 0, S2PAGE_ID, NULL},
		     {HM_MEV_WAIT_LOCK, 0, 10, NULL});
	assert_ptr_equal(hm_mlog_next(mlog_at(r->log, S2PAGE_ID))->snap, r->shared->s2page);
}

/* panic under the S2PAGE lock: halt, tstate 0 (from the acquire), the
 * lock still held, the log OPULL 2 :: WAIT_LOCK 10 (release does nothing
 * once halted). */
static void assert_s2_held_halted(const hm_rdata *r)
{
	assert_true(r->halt);
	assert_z_equal(r->tstate, 0);
	assert_int_equal(lock_at(r->lock, S2PAGE_ID), HM_LOCK_OWN_TRUE);
	T_ASSERT_LOG(mlog_at(r->log, S2PAGE_ID), NULL, {HM_MEV_OPULL, 0, S2PAGE_ID, NULL},
		     {HM_MEV_WAIT_LOCK, 0, 10, NULL});
}

/* the NPT lock of object id taken and released around npt */
static void assert_npt_round_trip(const hm_rdata *r, hm_z id, const hm_npt *npt)
{
	assert_int_equal(lock_at(r->lock, id), HM_LOCK_FALSE);
	T_ASSERT_LOG(mlog_at(r->log, id), NULL, {HM_MEV_REL_LOCK, 0, 0, NULL},
		     {HM_MEV_ONPT, 0, 0, npt}, {HM_MEV_OPULL, 0, id, NULL},
		     {HM_MEV_WAIT_LOCK, 0, 10, NULL});
}

/* the NPT lock of id taken and kept by a halting local_mmap */
static void assert_npt_held(const hm_rdata *r, hm_z id)
{
	assert_int_equal(lock_at(r->lock, id), HM_LOCK_OWN_TRUE);
	T_ASSERT_LOG(mlog_at(r->log, id), NULL, {HM_MEV_OPULL, 0, id, NULL},
		     {HM_MEV_WAIT_LOCK, 0, 10, NULL});
}

static void assert_page(const hm_rdata *r, hm_z owner, hm_z count, hm_z gfn)
{
	hm_s2page p = t_page(r, PFN);
	assert_z_equal(p.s2_owner, owner);
	assert_z_equal(p.s2_count, count);
	assert_z_equal(p.s2_gfn, gfn);
}

static const hm_npt *host_npt(const hm_rdata *st) { return npt_at(st->shared->npts, HOSTVISOR); }

/* ==== map_page_host_spec0 ==== */

static void test_map_page_host_rely(void **state)
{
	(void)state;
	T_ASSERT_RELY(map_page_host_spec0(base(), KVM_ADDR_SPACE), "is_addr(addr)");
}

/* halted: every call below answers Some adt (getters 0): adt itself */
static void test_map_page_host_halt(void **state)
{
	(void)state;
	const hm_rdata *st = t_with_halt(base(), true);
	assert_ptr_equal(map_page_host_spec0(st, PFN * PAGE_SIZE).st, st);
}

/* S2PAGE lock already taken: acquire is None */
static void test_map_page_host_locked(void **state)
{
	(void)state;
	T_ASSERT_NONE(
		map_page_host_spec0(t_with_lock(base(), S2PAGE_ID, HM_LOCK_OWN_TRUE), 0x1000));
}

/* owner =? INVALID (pfn 0x10000 is not RAM): device mapping
 * pt[0x10000] = (0x10000, 3, 0x10000000 | PAGE_S2_DEVICE | S2_RDWR) */
static void test_map_page_host_device(void **state)
{
	(void)state;
	const hm_rdata *st = base();
	hm_z addr = 0x10000123;
	hm_sres r = map_page_host_spec0(st, addr);
	assert_non_null(r.st);
	assert_s2_round_trip(r.st);
	const hm_z3 *e = z3_at(host_npt(r.st)->pt, 0x10000);
	assert_z_equal(e->a, 0x10000);
	assert_z_equal(e->b, 3);
	assert_z_equal(e->c, z_lor(0x10000000, z_lor(PAGE_S2_DEVICE, S2_RDWR)));
	assert_npt_round_trip(r.st, NPT_ID, host_npt(r.st));
	T_ASSERT_DIFF(st, r.st, "tstate", "log[2]", "log[5]", "shared.npts[0]");
}

/* owner =? HOSTVISOR: kernel mapping pfn * PAGE_SIZE | PAGE_S2_KERNEL */
static void test_map_page_host_kernel(void **state)
{
	(void)state;
	const hm_rdata *st = base();
	hm_sres r = map_page_host_spec0(st, PFN * PAGE_SIZE);
	assert_non_null(r.st);
	assert_s2_round_trip(r.st);
	const hm_z3 *e = z3_at(host_npt(r.st)->pt, PFN);
	assert_z_equal(e->a, PFN);
	assert_z_equal(e->c, z_lor(PFN * PAGE_SIZE, PAGE_S2_KERNEL));
	assert_npt_round_trip(r.st, NPT_ID, host_npt(r.st));
}

/* owner a VM but count >? 0 (shared with the host): kernel mapping too */
static void test_map_page_host_shared(void **state)
{
	(void)state;
	const hm_rdata *st = with_page(VM, 1, GFN);
	hm_sres r = map_page_host_spec0(st, PFN * PAGE_SIZE);
	assert_non_null(r.st);
	assert_s2_round_trip(r.st);
	assert_z_equal(z3_at(host_npt(r.st)->pt, PFN)->c, z_lor(PFN * PAGE_SIZE, PAGE_S2_KERNEL));
}

/* owner a VM, count 0: panic; the NPT is not touched */
static void test_map_page_host_panic(void **state)
{
	(void)state;
	const hm_rdata *st = with_page(VM, 0, GFN);
	hm_sres r = map_page_host_spec0(st, PFN * PAGE_SIZE);
	assert_non_null(r.st);
	assert_s2_held_halted(r.st);
	T_ASSERT_DIFF(st, r.st, "halt", "log[2]", "lock[2]");
}

/* map_s2pt_spec halts (a level-2 entry at the gfn): halt, both locks
 * kept, release does nothing */
static void test_map_page_host_npt_halts(void **state)
{
	(void)state;
	const hm_rdata *st = t_with_npt_entry(base(), HOSTVISOR, PFN, PFN, 2, PFN * PAGE_SIZE | 1);
	hm_sres r = map_page_host_spec0(st, PFN * PAGE_SIZE);
	assert_non_null(r.st);
	assert_s2_held_halted(r.st);
	assert_npt_held(r.st, NPT_ID);
	T_ASSERT_DIFF(st, r.st, "halt", "log[2]", "lock[2]", "log[5]", "lock[5]");
}

/* ==== clear_vm_page_spec0 ==== */

static void test_clear_vm_page_rely(void **state)
{
	(void)state;
	T_ASSERT_RELY(clear_vm_page_spec0(base(), VM, KVM_PFN_SPACE), "is_pfn(pfn)");
}

static void test_clear_vm_page_halt(void **state)
{
	(void)state;
	const hm_rdata *st = t_with_halt(base(), true);
	assert_ptr_equal(clear_vm_page_spec0(st, HOSTVISOR, PFN).st, st);
}

/* owner <> vmid: only the lock round trip */
static void test_clear_vm_page_not_owner(void **state)
{
	(void)state;
	const hm_rdata *st = base();
	hm_sres r = clear_vm_page_spec0(st, VM, PFN);
	assert_non_null(r.st);
	assert_s2_round_trip(r.st);
	T_ASSERT_DIFF(st, r.st, "tstate", "log[2]");
}

/* owner =? vmid, the page mapped in the host NPT: the host mapping
 * becomes (0, 3, PAGE_GUEST); the page goes back to the host as
 * {HOSTVISOR, 0, pfn + SMMU_HOST_OFFSET}; its contents are zeroed
 * (flatmem, OFLATMEM logged). */
static void test_clear_vm_page_owner(void **state)
{
	(void)state;
	const hm_rdata *st = t_with_flatmem(with_page(VM, 0, GFN), PFN, 55);
	st = t_with_npt_entry(st, HOSTVISOR, PFN, PFN, 3, PFN * PAGE_SIZE | PAGE_S2_KERNEL);
	hm_sres r = clear_vm_page_spec0(st, VM, PFN);
	assert_non_null(r.st);
	assert_s2_round_trip(r.st);
	assert_page(r.st, HOSTVISOR, 0, PFN + SMMU_HOST_OFFSET);
	assert_z_equal(z3_at(host_npt(r.st)->pt, PFN)->c, PAGE_GUEST);
	assert_npt_round_trip(r.st, NPT_ID, host_npt(r.st));
	assert_z_equal(hm_map_get_z(r.st->shared->flatmem, PFN), 0);
	T_ASSERT_LOG(mlog_at(r.st->log, FLATMEM_ID), NULL,
		     {HM_MEV_OFLATMEM, 0, 0, r.st->shared->flatmem});
	T_ASSERT_DIFF(st, r.st, "tstate", "log[2]", "log[5]", "log[0]", "shared.npts[0]",
		      "shared.s2page[0x40040]", "shared.flatmem[0x40040]");
}

/* owner =? vmid but the host maps the page at level 2: clear_pfn_host
 * halts; the setters, clear_phys_page and the release do nothing */
static void test_clear_vm_page_npt_halts(void **state)
{
	(void)state;
	const hm_rdata *st = t_with_flatmem(with_page(VM, 0, GFN), PFN, 55);
	st = t_with_npt_entry(st, HOSTVISOR, PFN, PFN, 2, PFN * PAGE_SIZE | PAGE_S2_KERNEL);
	hm_sres r = clear_vm_page_spec0(st, VM, PFN);
	assert_non_null(r.st);
	assert_s2_held_halted(r.st);
	assert_npt_held(r.st, NPT_ID);
	assert_page(r.st, VM, 0, GFN);
	T_ASSERT_DIFF(st, r.st, "halt", "log[2]", "lock[2]", "log[5]", "lock[5]");
}

/* ==== assign_pfn_to_vm_spec0 ==== */

static void test_assign_vm_relies(void **state)
{
	(void)state;
	T_ASSERT_RELY(assign_pfn_to_vm_spec0(base(), VM, KVM_GFN_SPACE, PFN), "is_gfn(gfn)");
	T_ASSERT_RELY(assign_pfn_to_vm_spec0(base(), VM, GFN, -1), "is_pfn(pfn)");
}

/* owner HOSTVISOR, count 0: the host loses the page (not mapped: NPT
 * round trip only), owner vmid, gfn, contents from the data oracle at
 * data_log[VM] = 4, which becomes 5; count stays 0. */
static void test_assign_vm_from_host(void **state)
{
	(void)state;
	const hm_rdata *st = t_with_data_log(base(), VM, 4);
	hm_sres r = assign_pfn_to_vm_spec0(st, VM, GFN, PFN);
	assert_non_null(r.st);
	assert_s2_round_trip(r.st);
	assert_page(r.st, VM, 0, GFN);
	assert_npt_round_trip(r.st, NPT_ID, host_npt(st));
	assert_z_equal(hm_map_get_z(r.st->shared->flatmem, PFN), T_DORC(VM, 4));
	assert_z_equal(hm_map_get_z(r.st->data_log, VM), 5);
	T_ASSERT_LOG(mlog_at(r.st->log, FLATMEM_ID), NULL,
		     {HM_MEV_OFLATMEM, 0, 0, r.st->shared->flatmem});
	T_ASSERT_DIFF(st, r.st, "tstate", "log[2]", "log[5]", "log[0]", "shared.s2page[0x40040]",
		      "shared.flatmem[0x40040]", "data_log[3]");
}

/* the same with vmid 17: clear_pfn_host runs, then set_pfn_owner's
 * rely is_vmid refuses (the low level has no rely on vmid up front) */
static void test_assign_vm_rely_vmid_late(void **state)
{
	(void)state;
	T_ASSERT_RELY(assign_pfn_to_vm_spec0(base(), 17, GFN, PFN), "is_vmid(vmid)");
}

/* owner HOSTVISOR, count > 0: panic */
static void test_assign_vm_host_shared(void **state)
{
	(void)state;
	hm_sres r = assign_pfn_to_vm_spec0(with_page(HOSTVISOR, 2, 9), VM, GFN, PFN);
	assert_non_null(r.st);
	assert_s2_held_halted(r.st);
	assert_page(r.st, HOSTVISOR, 2, 9);
}

/* owner vmid, map INVALID64, count INVALID: gfn set, count 0 */
static void test_assign_vm_owner_nomap_invalid_count(void **state)
{
	(void)state;
	const hm_rdata *st = with_page(VM, INVALID, INVALID64);
	hm_sres r = assign_pfn_to_vm_spec0(st, VM, GFN, PFN);
	assert_non_null(r.st);
	assert_s2_round_trip(r.st);
	assert_page(r.st, VM, 0, GFN);
	T_ASSERT_DIFF(st, r.st, "tstate", "log[2]", "shared.s2page[0x40040]");
}

/* owner vmid, map INVALID64, count 2: gfn set, count kept */
static void test_assign_vm_owner_nomap_count(void **state)
{
	(void)state;
	hm_sres r = assign_pfn_to_vm_spec0(with_page(VM, 2, INVALID64), VM, GFN, PFN);
	assert_non_null(r.st);
	assert_s2_round_trip(r.st);
	assert_page(r.st, VM, 2, GFN);
}

/* owner vmid, map = gfn, count INVALID: count 0 */
static void test_assign_vm_owner_same_invalid_count(void **state)
{
	(void)state;
	hm_sres r = assign_pfn_to_vm_spec0(with_page(VM, INVALID, GFN), VM, GFN, PFN);
	assert_non_null(r.st);
	assert_s2_round_trip(r.st);
	assert_page(r.st, VM, 0, GFN);
}

/* owner vmid, map = gfn, count 2: only the lock round trip */
static void test_assign_vm_owner_same_count(void **state)
{
	(void)state;
	const hm_rdata *st = with_page(VM, 2, GFN);
	hm_sres r = assign_pfn_to_vm_spec0(st, VM, GFN, PFN);
	assert_non_null(r.st);
	assert_s2_round_trip(r.st);
	T_ASSERT_DIFF(st, r.st, "tstate", "log[2]");
}

/* owner vmid, mapped at another gfn: panic */
static void test_assign_vm_owner_other_gfn(void **state)
{
	(void)state;
	hm_sres r = assign_pfn_to_vm_spec0(with_page(VM, 0, GFN + 1), VM, GFN, PFN);
	assert_non_null(r.st);
	assert_s2_held_halted(r.st);
}

/* owner another VM: panic */
static void test_assign_vm_other_owner(void **state)
{
	(void)state;
	hm_sres r = assign_pfn_to_vm_spec0(with_page(VM + 1, 0, GFN), VM, GFN, PFN);
	assert_non_null(r.st);
	assert_s2_held_halted(r.st);
}

/* ==== map_pfn_vm_spec0 ==== */

static void test_map_pfn_vm_rely(void **state)
{
	(void)state;
	T_ASSERT_RELY(map_pfn_vm_spec0(base(), VM, -1, 0x1000, 3), "is_addr(addr)");
}

/* level 2: map_s2pt vmid addr 2 ((phys_page pte | PAGE_S2_KERNEL) &
 * NOT_PMD_TABLE_BIT): the high bits of pte are dropped, bit 1 cleared */
static void test_map_pfn_vm_level2(void **state)
{
	(void)state;
	hm_z pte = ((hm_z)0xf << 56) | 0x80000123;
	hm_sres r = map_pfn_vm_spec0(base(), VM, 0x200000, pte, 2);
	assert_non_null(r.st);
	const hm_npt *n = npt_at(r.st->shared->npts, VM);
	hm_z want = z_land(0x80000000 | PAGE_S2_KERNEL, NOT_PMD_TABLE_BIT);
	assert_int_equal(hm_map_count(n->pt), 512);
	assert_z_equal(z3_at(n->pt, 0x200)->b, 2);
	assert_z_equal(z3_at(n->pt, 0x200)->c, want);
	assert_npt_round_trip(r.st, NPT_ID + VM, n);
	assert_z_equal(r.st->tstate, 1);
}

/* any other level: level 3 with phys_page pte | PAGE_S2_KERNEL */
static void test_map_pfn_vm_level3(void **state)
{
	(void)state;
	const hm_rdata *st = base();
	hm_sres r = map_pfn_vm_spec0(st, VM, 0x200000, 0x80000123, 7);
	assert_non_null(r.st);
	const hm_npt *n = npt_at(r.st->shared->npts, VM);
	assert_int_equal(hm_map_count(n->pt), 1);
	assert_z_equal(z3_at(n->pt, 0x200)->b, 3);
	assert_z_equal(z3_at(n->pt, 0x200)->c, 0x80000fff);
	assert_npt_round_trip(r.st, NPT_ID + VM, n);
	T_ASSERT_DIFF(st, r.st, "tstate", "log[8]", "shared.npts[3]");
}

/* ==== map_vm_io_spec0 ==== */

static void test_map_vm_io_relies(void **state)
{
	(void)state;
	T_ASSERT_RELY(map_vm_io_spec0(base(), VM, KVM_ADDR_SPACE, 0), "is_addr(gpa)");
	T_ASSERT_RELY(map_vm_io_spec0(base(), VM, 0, KVM_ADDR_SPACE), "is_addr(pa)");
}

/* owner =? INVALID (device memory): map_s2pt vmid gpa 3 with the device
 * pte phys_page pa | PAGE_S2_DEVICE | S2_RDWR */
static void test_map_vm_io_device(void **state)
{
	(void)state;
	const hm_rdata *st = base();
	hm_sres r = map_vm_io_spec0(st, VM, 0x9000, 0x10000abc);
	assert_non_null(r.st);
	assert_s2_round_trip(r.st);
	const hm_npt *n = npt_at(r.st->shared->npts, VM);
	assert_z_equal(z3_at(n->pt, 9)->a, 0x10000);
	assert_z_equal(z3_at(n->pt, 9)->c, z_lor(0x10000000, z_lor(PAGE_S2_DEVICE, S2_RDWR)));
	assert_npt_round_trip(r.st, NPT_ID + VM, n);
	T_ASSERT_DIFF(st, r.st, "tstate", "log[2]", "log[8]", "shared.npts[3]");
}

/* owner a real owner (RAM): only the lock round trip */
static void test_map_vm_io_ram(void **state)
{
	(void)state;
	const hm_rdata *st = base();
	hm_sres r = map_vm_io_spec0(st, VM, 0x9000, PFN * PAGE_SIZE);
	assert_non_null(r.st);
	assert_s2_round_trip(r.st);
	T_ASSERT_DIFF(st, r.st, "tstate", "log[2]");
}

/* the vmid is checked only by map_s2pt_spec, on the device arm */
static void test_map_vm_io_rely_vmid_late(void **state)
{
	(void)state;
	T_ASSERT_RELY(map_vm_io_spec0(base(), 17, 0x9000, 0x10000000), "is_vmid(vmid)");
	assert_non_null(map_vm_io_spec0(base(), 17, 0x9000, PFN * PAGE_SIZE).st);
}

/* ==== grant_vm_page_spec0 ==== */

static void test_grant_relies(void **state)
{
	(void)state;
	T_ASSERT_RELY(grant_vm_page_spec0(base(), VM, KVM_ADDR_SPACE), "is_addr(pfn)");
	/* an address-sized pfn passes is_addr, get_pfn_owner refuses it */
	T_ASSERT_RELY(grant_vm_page_spec0(base(), VM, KVM_GFN_SPACE), "is_gfn(pfn)");
}

/* owner vmid, count < MAX_SHARE_COUNT: count + 1 */
static void test_grant_some(void **state)
{
	(void)state;
	const hm_rdata *st = with_page(VM, 99, GFN);
	hm_sres r = grant_vm_page_spec0(st, VM, PFN);
	assert_non_null(r.st);
	assert_s2_round_trip(r.st);
	assert_page(r.st, VM, 100, GFN);
	T_ASSERT_DIFF(st, r.st, "tstate", "log[2]", "shared.s2page[0x40040].s2_count");
}

/* count = MAX_SHARE_COUNT, or another owner: unchanged */
static void test_grant_refused(void **state)
{
	(void)state;
	const hm_rdata *st = with_page(VM, 100, GFN);
	hm_sres r = grant_vm_page_spec0(st, VM, PFN);
	assert_non_null(r.st);
	assert_s2_round_trip(r.st);
	T_ASSERT_DIFF(st, r.st, "tstate", "log[2]");
	r = grant_vm_page_spec0(with_page(VM, 1, GFN), VM + 1, PFN);
	assert_page(r.st, VM, 1, GFN);
}

/* ==== revoke_vm_page_spec0 ==== */

static void test_revoke_rely(void **state)
{
	(void)state;
	T_ASSERT_RELY(revoke_vm_page_spec0(base(), VM, -1), "is_addr(pfn)");
}

/* owner vmid, count 1: count 0, the host mapping is removed (mapped at
 * level 3 here), the contents come from the data oracle (data_log 0 -> 1) */
static void test_revoke_last_share(void **state)
{
	(void)state;
	const hm_rdata *st = t_with_npt_entry(with_page(VM, 1, GFN), HOSTVISOR, PFN, PFN, 3,
					      PFN * PAGE_SIZE | PAGE_S2_KERNEL);
	hm_sres r = revoke_vm_page_spec0(st, VM, PFN);
	assert_non_null(r.st);
	assert_s2_round_trip(r.st);
	assert_page(r.st, VM, 0, GFN);
	assert_z_equal(z3_at(host_npt(r.st)->pt, PFN)->c, PAGE_GUEST);
	assert_npt_round_trip(r.st, NPT_ID, host_npt(r.st));
	assert_z_equal(hm_map_get_z(r.st->shared->flatmem, PFN), T_DORC(VM, 0));
	assert_z_equal(hm_map_get_z(r.st->data_log, VM), 1);
	T_ASSERT_DIFF(st, r.st, "tstate", "log[2]", "log[5]", "log[0]", "shared.npts[0]",
		      "shared.s2page[0x40040]", "shared.flatmem[0x40040]", "data_log[3]");
}

/* owner vmid, count 3: count 2 only */
static void test_revoke_count(void **state)
{
	(void)state;
	const hm_rdata *st = with_page(VM, 3, GFN);
	hm_sres r = revoke_vm_page_spec0(st, VM, PFN);
	assert_non_null(r.st);
	assert_s2_round_trip(r.st);
	assert_page(r.st, VM, 2, GFN);
	T_ASSERT_DIFF(st, r.st, "tstate", "log[2]", "shared.s2page[0x40040].s2_count");
}

/* not shared (count 0) or not the owner: unchanged */
static void test_revoke_refused(void **state)
{
	(void)state;
	const hm_rdata *st = with_page(VM, 0, GFN);
	hm_sres r = revoke_vm_page_spec0(st, VM, PFN);
	assert_non_null(r.st);
	assert_s2_round_trip(r.st);
	T_ASSERT_DIFF(st, r.st, "tstate", "log[2]");
	r = revoke_vm_page_spec0(with_page(VM, 2, GFN), VM + 1, PFN);
	assert_page(r.st, VM, 2, GFN);
}

/* ==== assign_pfn_to_smmu_spec0 ==== */

static void test_assign_smmu_relies(void **state)
{
	(void)state;
	T_ASSERT_RELY(assign_pfn_to_smmu_spec0(base(), 17, GFN, PFN), "is_vmid(vmid)");
	T_ASSERT_RELY(assign_pfn_to_smmu_spec0(base(), VM, -1, PFN), "is_gfn(gfn)");
	T_ASSERT_RELY(assign_pfn_to_smmu_spec0(base(), VM, GFN, KVM_PFN_SPACE), "is_pfn(pfn)");
}

/* owner HOSTVISOR, count 0: host mapping dropped (none here), the page
 * becomes {vmid, INVALID, gfn}; no data oracle, flatmem untouched */
static void test_assign_smmu_from_host(void **state)
{
	(void)state;
	const hm_rdata *st = base();
	hm_sres r = assign_pfn_to_smmu_spec0(st, VM, GFN, PFN);
	assert_non_null(r.st);
	assert_s2_round_trip(r.st);
	assert_page(r.st, VM, INVALID, GFN);
	assert_npt_round_trip(r.st, NPT_ID, host_npt(st));
	T_ASSERT_DIFF(st, r.st, "tstate", "log[2]", "log[5]", "shared.s2page[0x40040]");
}

static void test_assign_smmu_host_shared(void **state)
{
	(void)state;
	hm_sres r = assign_pfn_to_smmu_spec0(with_page(HOSTVISOR, 1, 9), VM, GFN, PFN);
	assert_non_null(r.st);
	assert_s2_held_halted(r.st);
}

static void test_assign_smmu_owner(void **state)
{
	(void)state;
	const hm_rdata *st = with_page(VM, INVALID, GFN + 5);
	hm_sres r = assign_pfn_to_smmu_spec0(st, VM, GFN, PFN);
	assert_non_null(r.st);
	assert_s2_round_trip(r.st);
	T_ASSERT_DIFF(st, r.st, "tstate", "log[2]");
}

static void test_assign_smmu_other(void **state)
{
	(void)state;
	hm_sres r = assign_pfn_to_smmu_spec0(with_page(VM + 1, 0, GFN), VM, GFN, PFN);
	assert_non_null(r.st);
	assert_s2_held_halted(r.st);
}

/* ==== update_smmu_page_spec0 ==== */

#define IOVA ((hm_z)0x12345000)
#define IOGFN (IOVA / PAGE_SIZE)
#define TTBR01 SMMU_TTBR(0, 1)

static void test_update_smmu_rely(void **state)
{
	(void)state;
	T_ASSERT_RELY(update_smmu_page_spec0(base(), VM, 1, 0, -1, 0), "is_addr(iova)");
}

/* owner HOSTVISOR with gfn = iova / PAGE_SIZE, count 3 < 16: mapped in
 * the SPT, count 4 */
static void test_update_smmu_host(void **state)
{
	(void)state;
	const hm_rdata *st = with_page(HOSTVISOR, 3, IOGFN);
	hm_z pte = PFN * PAGE_SIZE | 0x7ff;
	hm_sres r = update_smmu_page_spec0(st, HOSTVISOR, 1, 0, IOVA, pte);
	assert_non_null(r.st);
	assert_s2_round_trip(r.st);
	assert_page(r.st, HOSTVISOR, 4, IOGFN);
	const hm_z2 *e = z2_at(hm_map_get_map(r.st->shared->spts->spt_pt, TTBR01), IOGFN);
	assert_z_equal(e->a, PFN);
	assert_z_equal(e->b, pte);
	assert_int_equal(lock_at(r.st->lock, SPT_ID), HM_LOCK_FALSE);
	T_ASSERT_LOG(mlog_at(r.st->log, SPT_ID), NULL, {HM_MEV_REL_LOCK, 0, 0, NULL},
		     {HM_MEV_OSPT, 0, 0, r.st->shared->spts}, {HM_MEV_OPULL, 0, SPT_ID, NULL},
		     {HM_MEV_WAIT_LOCK, 0, 10, NULL});
	T_ASSERT_DIFF(st, r.st, "tstate", "log[2]", "log[3]", "shared.spts",
		      "shared.s2page[0x40040].s2_count");
}

/* owner HOSTVISOR, count 16 = EL2_SMMU_CFG_SIZE: mapped, count kept */
static void test_update_smmu_host_full(void **state)
{
	(void)state;
	hm_sres r = update_smmu_page_spec0(with_page(HOSTVISOR, 16, IOGFN), HOSTVISOR, 1, 0, IOVA,
					   PFN * PAGE_SIZE | 0x7ff);
	assert_non_null(r.st);
	assert_s2_round_trip(r.st);
	assert_page(r.st, HOSTVISOR, 16, IOGFN);
}

/* owner a VM: mapped, the page untouched */
static void test_update_smmu_vm(void **state)
{
	(void)state;
	hm_sres r = update_smmu_page_spec0(with_page(VM, INVALID, IOGFN), VM, 1, 0, IOVA,
					   PFN * PAGE_SIZE | 0x7ff);
	assert_non_null(r.st);
	assert_s2_round_trip(r.st);
	assert_page(r.st, VM, INVALID, IOGFN);
	assert_z_equal(z2_at(hm_map_get_map(r.st->shared->spts->spt_pt, TTBR01), IOGFN)->a, PFN);
}

/* owner or gfn do not match: panic, the SPT untouched */
static void test_update_smmu_mismatch(void **state)
{
	(void)state;
	const hm_rdata *st = with_page(VM, INVALID, IOGFN + 1);
	hm_sres r = update_smmu_page_spec0(st, VM, 1, 0, IOVA, PFN * PAGE_SIZE | 0x7ff);
	assert_non_null(r.st);
	assert_s2_held_halted(r.st);
	T_ASSERT_DIFF(st, r.st, "halt", "log[2]", "lock[2]");
}

/* map_spt_spec halts (PGD pool used up): the count read under halt is 0
 * and its update does nothing; both locks kept */
static void test_update_smmu_spt_halts(void **state)
{
	(void)state;
	const hm_rdata *st = with_page(HOSTVISOR, 3, IOGFN);
	hm_spt *s = spt_edit(st->shared->spts);
	s->spt_pgd_next = SMMU_PMD_START;
	st = t_with_spt(st, s);
	hm_sres r = update_smmu_page_spec0(st, HOSTVISOR, 1, 0, IOVA, PFN * PAGE_SIZE | 0x7ff);
	assert_non_null(r.st);
	assert_s2_held_halted(r.st);
	assert_page(r.st, HOSTVISOR, 3, IOGFN);
	assert_int_equal(lock_at(r.st->lock, SPT_ID), HM_LOCK_OWN_TRUE);
	T_ASSERT_DIFF(st, r.st, "halt", "log[2]", "lock[2]", "log[3]", "lock[3]");
}

/* ==== unmap_smmu_page_spec0 ==== */

static void test_unmap_smmu_rely(void **state)
{
	(void)state;
	T_ASSERT_RELY(unmap_smmu_page_spec0(base(), 1, 0, KVM_ADDR_SPACE), "is_addr(iova)");
}

static const hm_rdata *iomapped(hm_z owner, hm_z count)
{
	return t_with_spt_entry(with_page(owner, count, IOGFN), TTBR01, IOGFN, PFN,
				PFN * PAGE_SIZE | 0x7ff);
}

/* mapped to a host page with count 2: the entry goes, count 1 */
static void test_unmap_smmu_host(void **state)
{
	(void)state;
	const hm_rdata *st = iomapped(HOSTVISOR, 2);
	hm_sres r = unmap_smmu_page_spec0(st, 1, 0, IOVA);
	assert_non_null(r.st);
	assert_s2_round_trip(r.st);
	assert_page(r.st, HOSTVISOR, 1, IOGFN);
	assert_z_equal(z2_at(hm_map_get_map(r.st->shared->spts->spt_pt, TTBR01), IOGFN)->b, 0);
	T_ASSERT_DIFF(st, r.st, "tstate", "log[2]", "log[3]", "shared.spts",
		      "shared.s2page[0x40040].s2_count");
}

/* host page with count 0: the entry goes, the count stays */
static void test_unmap_smmu_host_zero(void **state)
{
	(void)state;
	hm_sres r = unmap_smmu_page_spec0(iomapped(HOSTVISOR, 0), 1, 0, IOVA);
	assert_non_null(r.st);
	assert_s2_round_trip(r.st);
	assert_page(r.st, HOSTVISOR, 0, IOGFN);
}

/* a VM's page: the entry goes, the page untouched */
static void test_unmap_smmu_vm(void **state)
{
	(void)state;
	hm_sres r = unmap_smmu_page_spec0(iomapped(VM, 2), 1, 0, IOVA);
	assert_non_null(r.st);
	assert_s2_round_trip(r.st);
	assert_page(r.st, VM, 2, IOGFN);
}

/* nothing mapped: pte 0, pfn 0 (page_0_invalid: owner INVALID) */
static void test_unmap_smmu_unmapped(void **state)
{
	(void)state;
	const hm_rdata *st = base();
	hm_sres r = unmap_smmu_page_spec0(st, 1, 0, IOVA);
	assert_non_null(r.st);
	assert_s2_round_trip(r.st);
	T_ASSERT_DIFF(st, r.st, "tstate", "log[2]", "log[3]");
}

/* unmap_spt_spec halts: pte 0, the getters under halt give 0 (owner
 * HOSTVISOR, count 0): nothing more happens */
static void test_unmap_smmu_spt_halts(void **state)
{
	(void)state;
	const hm_rdata *st = iomapped(HOSTVISOR, 2);
	hm_spt *s = spt_edit(st->shared->spts);
	s->spt_pmd_next = SMMU_POOL_END;
	st = t_with_spt(st, s);
	hm_sres r = unmap_smmu_page_spec0(st, 1, 0, IOVA);
	assert_non_null(r.st);
	assert_s2_held_halted(r.st);
	assert_page(r.st, HOSTVISOR, 2, IOGFN);
	T_ASSERT_DIFF(st, r.st, "halt", "log[2]", "lock[2]", "log[3]", "lock[3]");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_map_page_host_rely),
		cmocka_unit_test(test_map_page_host_halt),
		cmocka_unit_test(test_map_page_host_locked),
		cmocka_unit_test(test_map_page_host_device),
		cmocka_unit_test(test_map_page_host_kernel),
		cmocka_unit_test(test_map_page_host_shared),
		cmocka_unit_test(test_map_page_host_panic),
		cmocka_unit_test(test_map_page_host_npt_halts),
		cmocka_unit_test(test_clear_vm_page_rely),
		cmocka_unit_test(test_clear_vm_page_halt),
		cmocka_unit_test(test_clear_vm_page_not_owner),
		cmocka_unit_test(test_clear_vm_page_owner),
		cmocka_unit_test(test_clear_vm_page_npt_halts),
		cmocka_unit_test(test_assign_vm_relies),
		cmocka_unit_test(test_assign_vm_from_host),
		cmocka_unit_test(test_assign_vm_rely_vmid_late),
		cmocka_unit_test(test_assign_vm_host_shared),
		cmocka_unit_test(test_assign_vm_owner_nomap_invalid_count),
		cmocka_unit_test(test_assign_vm_owner_nomap_count),
		cmocka_unit_test(test_assign_vm_owner_same_invalid_count),
		cmocka_unit_test(test_assign_vm_owner_same_count),
		cmocka_unit_test(test_assign_vm_owner_other_gfn),
		cmocka_unit_test(test_assign_vm_other_owner),
		cmocka_unit_test(test_map_pfn_vm_rely),
		cmocka_unit_test(test_map_pfn_vm_level2),
		cmocka_unit_test(test_map_pfn_vm_level3),
		cmocka_unit_test(test_map_vm_io_relies),
		cmocka_unit_test(test_map_vm_io_device),
		cmocka_unit_test(test_map_vm_io_ram),
		cmocka_unit_test(test_map_vm_io_rely_vmid_late),
		cmocka_unit_test(test_grant_relies),
		cmocka_unit_test(test_grant_some),
		cmocka_unit_test(test_grant_refused),
		cmocka_unit_test(test_revoke_rely),
		cmocka_unit_test(test_revoke_last_share),
		cmocka_unit_test(test_revoke_count),
		cmocka_unit_test(test_revoke_refused),
		cmocka_unit_test(test_assign_smmu_relies),
		cmocka_unit_test(test_assign_smmu_from_host),
		cmocka_unit_test(test_assign_smmu_host_shared),
		cmocka_unit_test(test_assign_smmu_owner),
		cmocka_unit_test(test_assign_smmu_other),
		cmocka_unit_test(test_update_smmu_rely),
		cmocka_unit_test(test_update_smmu_host),
		cmocka_unit_test(test_update_smmu_host_full),
		cmocka_unit_test(test_update_smmu_vm),
		cmocka_unit_test(test_update_smmu_mismatch),
		cmocka_unit_test(test_update_smmu_spt_halts),
		cmocka_unit_test(test_unmap_smmu_rely),
		cmocka_unit_test(test_unmap_smmu_host),
		cmocka_unit_test(test_unmap_smmu_host_zero),
		cmocka_unit_test(test_unmap_smmu_vm),
		cmocka_unit_test(test_unmap_smmu_unmapped),
		cmocka_unit_test(test_unmap_smmu_spt_halts),
	};
	return cmocka_run_group_tests(tests, t_pool_setup, t_pool_teardown);
}
