/* TrapHandlerSpec (seed), ConcurrentSpec: the SMMU steps
 * local_free_smmu_pgd, local_alloc_smmu_pgd, local_smmu_assign_page,
 * local_smmu_map_page, local_smmu_clear. One test per branch; expected
 * values worked out from the Coq.
 *
 * Context bank cbndx 1 of SMMU 0 throughout: smmu_id 0 1 = 1, SMMU_TTBR
 * 0 1 = 65536 + 1 * 4096 * 2 = 73728. */
#include "t_concurrent.h"

#define CB 1
#define IDX 0
#define SID ((hm_z)1)
#define TTBR ((hm_z)73728)
#define PFN ((hm_z)0x40000)
#define IOVA ((hm_z)0x40203000) /* gfn 0x40203, s2 pgd 1, pmd 1 */
#define SPTE ((hm_z)0x800007ff) /* pfn 0x80000 */
#define SPFN ((hm_z)0x80000)

/* VM 2 in `state`, owning the bank */
static const hm_shared *bank(hm_z state)
{
	return tc_smmu(tc_info(tc_sdt(), 2, tc_vminfo(state, -1, 0)), SID, 2);
}

/* ---- local_free_smmu_pgd ---- */

static void free_unused(void **state)
{
	/* smmu_vmid[1] INVALID (default): (sdt, false, Some smmu, None) */
	const hm_shared *s0 = tc_sdt();
	local_free_smmu_pgd_ret r = local_free_smmu_pgd(CB, IDX, s0);
	assert_ptr_equal(r.sdt, s0);
	assert_false(r.halt);
	assert_ptr_equal(r.smmu, s0->smmu_vmid);
	assert_false(r.has_info);
}

static void free_poweroff(void **state)
{
	/* VM 2 POWEROFF: smmu_vmid[1] := INVALID */
	local_free_smmu_pgd_ret r = local_free_smmu_pgd(CB, IDX, bank(POWEROFF));
	assert_false(r.halt);
	assert_z_equal(hm_map_get_z(r.sdt->smmu_vmid, SID), INVALID);
	assert_ptr_equal(r.smmu, r.sdt->smmu_vmid);
	assert_true(r.has_info);
	tc_assert_sdt_equal(r.sdt, tc_info(tc_sdt(), 2, tc_vminfo(POWEROFF, -1, 0)));
}

static void free_running(void **state)
{
	/* VM 2 READY: SMMU lock released, halt */
	const hm_shared *s0 = bank(READY);
	local_free_smmu_pgd_ret r = local_free_smmu_pgd(CB, IDX, s0);
	assert_true(r.halt);
	assert_true(r.has_info);
	tc_assert_sdt_equal(r.sdt, tc_hlock(s0, SMMU_ID, false));
}

/* ---- local_alloc_smmu_pgd ---- */

static void alloc_bad_cbndx(void **state)
{
	/* cbndx 1 >= num 1: SMMU released, halt, None, None */
	const hm_shared *s0 = tc_sdt();
	local_alloc_smmu_pgd_ret r = local_alloc_smmu_pgd(CB, 2, IDX, 1, s0);
	assert_true(r.halt);
	assert_false(r.has_info);
	assert_false(r.has_spt);
	tc_assert_sdt_equal(r.sdt, tc_hlock(s0, SMMU_ID, false));
}

static void alloc_taken(void **state)
{
	/* the bank is already VM 3's: (sdt, false, Some smmu, None, None) */
	const hm_shared *s0 = tc_smmu(tc_sdt(), SID, 3);
	local_alloc_smmu_pgd_ret r = local_alloc_smmu_pgd(CB, 2, IDX, 8, s0);
	assert_false(r.halt);
	assert_ptr_equal(r.sdt, s0);
	assert_false(r.has_info);
}

static void alloc_verified_vm(void **state)
{
	/* VM 2 VERIFIED: INFO_ID + 2 and SMMU released, halt, Some info */
	const hm_shared *s0 = tc_info(tc_sdt(), 2, tc_vminfo(VERIFIED, -1, 0));
	local_alloc_smmu_pgd_ret r = local_alloc_smmu_pgd(CB, 2, IDX, 8, s0);
	assert_true(r.halt);
	assert_true(r.has_info);
	assert_false(r.has_spt);
	tc_assert_sdt_equal(r.sdt, tc_hlock(tc_hlock(s0, INFO_ID + 2, false), SMMU_ID, false));
}

static void alloc_ok(void **state)
{
	/* VM 2 READY: smmu_vmid[1] = 2; the bank's tables reset: spt_pt[TTBR]
	 * = ZMap.init (0,0), spt_pgd_t[TTBR] = ZMap.init false, spt_pmd_t[TTBR]
	 * = ZMap.init (ZMap.init false); other banks kept. */
	const hm_spt *sp = tc_spt_entry(tc_spt_entry(hm_spt_empty(), TTBR, 0x40203, 1, 2), 65536, 7,
					3, 4);
	hm_spt *sp2 = spt_edit(sp);
	SETP(sp2, spt_pgd_t, hm_map2_set_bool(sp->spt_pgd_t, TTBR, 1, true));
	SETP(sp2, spt_pmd_t, hm_map3_set_bool(sp->spt_pmd_t, TTBR, 1, 1, true));
	const hm_shared *s0 = tc_spt(tc_info(tc_sdt(), 2, tc_vminfo(READY, -1, 0)), sp2);
	local_alloc_smmu_pgd_ret r = local_alloc_smmu_pgd(CB, 2, IDX, 8, s0);
	assert_false(r.halt);
	assert_z_equal(hm_map_get_z(r.sdt->smmu_vmid, SID), 2);
	assert_z_equal(z2_at(hm_map_get_map(r.sdt->spts->spt_pt, TTBR), 0x40203)->b, 0);
	assert_int_equal(hm_map_count(hm_map_get_map(r.sdt->spts->spt_pt, TTBR)), 0);
	assert_false(hm_map2_get_bool(r.sdt->spts->spt_pgd_t, TTBR, 1));
	assert_false(hm_map3_get_bool(r.sdt->spts->spt_pmd_t, TTBR, 1, 1));
	assert_z_equal(z2_at(hm_map_get_map(r.sdt->spts->spt_pt, 65536), 7)->b, 4);
	assert_true(r.has_spt);
	assert_ptr_equal(r.spt, r.sdt->spts);
	assert_ptr_equal(r.smmu, r.sdt->smmu_vmid);
}

static void alloc_for_host(void **state)
{
	/* vmid HOSTVISOR is not is_vm: allocated even if its state says
	 * VERIFIED */
	const hm_shared *s0 = tc_info(tc_sdt(), HOSTVISOR, tc_vminfo(VERIFIED, -1, 0));
	local_alloc_smmu_pgd_ret r = local_alloc_smmu_pgd(CB, HOSTVISOR, IDX, 8, s0);
	assert_false(r.halt);
	assert_z_equal(hm_map_get_z(r.sdt->smmu_vmid, SID), HOSTVISOR);
}

/* ---- local_smmu_assign_page ---- */

static void assign_unused_bank(void **state)
{
	const hm_shared *s0 = tc_sdt();
	local_smmu_assign_page_ret r = local_smmu_assign_page(CB, IDX, PFN, 0x123, s0);
	assert_ptr_equal(r.sdt, s0);
	assert_false(r.halt);
	assert_false(r.has_info);
}

static void assign_host_bank(void **state)
{
	/* the bank is the host's: not is_vm: (sdt, false, smmu, Some info, None, None) */
	const hm_shared *s0 = tc_smmu(tc_sdt(), SID, HOSTVISOR);
	local_smmu_assign_page_ret r = local_smmu_assign_page(CB, IDX, PFN, 0x123, s0);
	assert_ptr_equal(r.sdt, s0);
	assert_false(r.halt);
	assert_true(r.has_info);
	assert_false(r.has_s2p);
}

static void assign_verified(void **state)
{
	const hm_shared *s0 = bank(VERIFIED);
	local_smmu_assign_page_ret r = local_smmu_assign_page(CB, IDX, PFN, 0x123, s0);
	assert_true(r.halt);
	assert_false(r.has_s2p);
	tc_assert_sdt_equal(r.sdt, tc_hlock(tc_hlock(s0, SMMU_ID, false), INFO_ID + 2, false));
}

static void assign_host_page_unmapped(void **state)
{
	/* free host page, host pte 0: page = (2, INVALID, 0x123), npt kept */
	const hm_shared *s0 = tc_page(bank(READY), PFN, HOSTVISOR, 0, PFN);
	local_smmu_assign_page_ret r = local_smmu_assign_page(CB, IDX, PFN, 0x123, s0);
	assert_false(r.halt);
	hm_s2page p = tc_page_at(r.sdt, PFN);
	assert_z_equal(p.s2_owner, 2);
	assert_z_equal(p.s2_count, INVALID);
	assert_z_equal(p.s2_gfn, 0x123);
	assert_true(r.has_npt);
	tc_assert_sdt_equal(r.sdt, tc_page(s0, PFN, 2, INVALID, 0x123));
}

static void assign_host_page_mapped(void **state)
{
	/* host pte non-zero: host entry becomes (0, 3, PAGE_GUEST) */
	const hm_shared *s0 = tc_npt(tc_page(bank(READY), PFN, HOSTVISOR, 0, PFN), HOSTVISOR,
				     tc_pt(hm_npt_empty(), PFN, PFN, 3, 0x40000fff));
	local_smmu_assign_page_ret r = local_smmu_assign_page(CB, IDX, PFN, 0x123, s0);
	assert_false(r.halt);
	hm_z3 e = tc_pt_at(r.sdt, HOSTVISOR, PFN);
	assert_z_equal(e.a, 0);
	assert_z_equal(e.b, 3);
	assert_z_equal(e.c, PAGE_GUEST);
}

static void assign_mmap_halts(void **state)
{
	/* level-2 host entry: SMMU, INFO_ID+2, S2PAGE, NPT released; s2page
	 * unchanged, Some s2p the old one */
	const hm_shared *s0 = tc_npt(tc_page(bank(READY), PFN, HOSTVISOR, 0, PFN), HOSTVISOR,
				     tc_pt(hm_npt_empty(), PFN, PFN, 2, 0x40000fff));
	local_smmu_assign_page_ret r = local_smmu_assign_page(CB, IDX, PFN, 0x123, s0);
	assert_true(r.halt);
	assert_ptr_equal(r.s2p, s0->s2page);
	const hm_shared *e = tc_hlock(tc_hlock(s0, SMMU_ID, false), INFO_ID + 2, false);
	tc_assert_sdt_equal(r.sdt, tc_hlock(tc_hlock(e, S2PAGE_ID, false), NPT_ID, false));
}

static void assign_host_page_shared(void **state)
{
	/* host page count 1: SMMU, INFO_ID+2, S2PAGE released, halt */
	const hm_shared *s0 = tc_page(bank(READY), PFN, HOSTVISOR, 1, PFN);
	local_smmu_assign_page_ret r = local_smmu_assign_page(CB, IDX, PFN, 0x123, s0);
	assert_true(r.halt);
	assert_true(r.has_s2p);
	assert_false(r.has_npt);
	tc_assert_sdt_equal(r.sdt, tc_hlock(tc_hlock(tc_hlock(s0, SMMU_ID, false), INFO_ID + 2,
						     false),
					    S2PAGE_ID, false));
}

static void assign_own_page(void **state)
{
	/* already VM 2's page: (sdt, false, ..., Some s2p, None) */
	const hm_shared *s0 = tc_page(bank(READY), PFN, 2, 0, 0x123);
	local_smmu_assign_page_ret r = local_smmu_assign_page(CB, IDX, PFN, 0x123, s0);
	assert_false(r.halt);
	assert_ptr_equal(r.sdt, s0);
	assert_true(r.has_s2p);
}

static void assign_other_vm_page(void **state)
{
	const hm_shared *s0 = tc_page(bank(READY), PFN, 3, 0, 0x123);
	local_smmu_assign_page_ret r = local_smmu_assign_page(CB, IDX, PFN, 0x123, s0);
	assert_true(r.halt);
	tc_assert_sdt_equal(r.sdt, tc_hlock(tc_hlock(tc_hlock(s0, SMMU_ID, false), INFO_ID + 2,
						     false),
					    S2PAGE_ID, false));
}

/* ---- local_smmu_map_page ---- */

static void map_unused_bank(void **state)
{
	const hm_shared *s0 = tc_sdt();
	local_smmu_map_page_ret r = local_smmu_map_page(CB, IDX, IOVA, SPTE, s0);
	assert_ptr_equal(r.sdt, s0);
	assert_false(r.halt);
	assert_false(r.has_info);
}

static void map_verified(void **state)
{
	const hm_shared *s0 = bank(VERIFIED);
	local_smmu_map_page_ret r = local_smmu_map_page(CB, IDX, IOVA, SPTE, s0);
	assert_true(r.halt);
	assert_false(r.has_spt);
	tc_assert_sdt_equal(r.sdt, tc_hlock(tc_hlock(s0, SMMU_ID, false), INFO_ID + 2, false));
}

static void map_vm_page(void **state)
{
	/* page 0x80000 = (2, 0, 0x40203) matches: spt_pt[TTBR][0x40203] =
	 * (0x80000, SPTE); the owner is not the host, so s2page kept */
	const hm_shared *s0 = tc_page(bank(READY), SPFN, 2, 0, 0x40203);
	local_smmu_map_page_ret r = local_smmu_map_page(CB, IDX, IOVA, SPTE, s0);
	assert_false(r.halt);
	const hm_z2 *e = z2_at(hm_map_get_map(r.sdt->spts->spt_pt, TTBR), 0x40203);
	assert_z_equal(e->a, SPFN);
	assert_z_equal(e->b, SPTE);
	assert_z_equal(r.sdt->spts->spt_pgd_next, 4096);
	assert_z_equal(tc_page_at(r.sdt, SPFN).s2_count, 0);
	assert_ptr_equal(r.s2p, s0->s2page);
}

static void map_host_page(void **state)
{
	/* the host's bank, page (HOSTVISOR, 3, 0x40203): count 4 (3 < 16) */
	const hm_shared *s0 = tc_page(tc_smmu(tc_sdt(), SID, HOSTVISOR), SPFN, HOSTVISOR, 3, 0x40203);
	local_smmu_map_page_ret r = local_smmu_map_page(CB, IDX, IOVA, SPTE, s0);
	assert_false(r.halt);
	assert_z_equal(tc_page_at(r.sdt, SPFN).s2_count, 4);
	assert_ptr_equal(r.s2p, r.sdt->s2page);
	/* count 16 = EL2_SMMU_CFG_SIZE: kept */
	const hm_shared *s1 = tc_page(s0, SPFN, HOSTVISOR, 16, 0x40203);
	r = local_smmu_map_page(CB, IDX, IOVA, SPTE, s1);
	assert_z_equal(tc_page_at(r.sdt, SPFN).s2_count, 16);
}

static void map_spt_halts(void **state)
{
	/* spt_pgd_next at SMMU_PMD_START: SMMU, INFO_ID+2, S2PAGE, SPT released */
	const hm_shared *s0 = tc_spt(tc_page(bank(READY), SPFN, 2, 0, 0x40203),
				     tc_spt_next(hm_spt_empty(), SMMU_PMD_START, 0));
	local_smmu_map_page_ret r = local_smmu_map_page(CB, IDX, IOVA, SPTE, s0);
	assert_true(r.halt);
	assert_ptr_equal(r.spt, s0->spts);
	const hm_shared *e = tc_hlock(tc_hlock(s0, SMMU_ID, false), INFO_ID + 2, false);
	tc_assert_sdt_equal(r.sdt, tc_hlock(tc_hlock(e, S2PAGE_ID, false), SPT_ID, false));
}

static void map_wrong_gfn(void **state)
{
	/* page (2, 0, 0x999): gfn 0x40203 differs: SMMU, INFO_ID+2, S2PAGE
	 * released, halt */
	const hm_shared *s0 = tc_page(bank(READY), SPFN, 2, 0, 0x999);
	local_smmu_map_page_ret r = local_smmu_map_page(CB, IDX, IOVA, SPTE, s0);
	assert_true(r.halt);
	assert_false(r.has_spt);
	tc_assert_sdt_equal(r.sdt, tc_hlock(tc_hlock(tc_hlock(s0, SMMU_ID, false), INFO_ID + 2,
						     false),
					    S2PAGE_ID, false));
}

/* ---- local_smmu_clear ---- */

static void clear_unused_bank(void **state)
{
	const hm_shared *s0 = tc_sdt();
	local_smmu_clear_ret r = local_smmu_clear(IOVA, CB, IDX, s0);
	assert_ptr_equal(r.sdt, s0);
	assert_false(r.halt);
}

static void clear_verified_or_later(void **state)
{
	/* POWEROFF (4) >= VERIFIED (3): SMMU, INFO_ID + 2 released, halt */
	const hm_shared *s0 = bank(POWEROFF);
	local_smmu_clear_ret r = local_smmu_clear(IOVA, CB, IDX, s0);
	assert_true(r.halt);
	tc_assert_sdt_equal(r.sdt, tc_hlock(tc_hlock(s0, SMMU_ID, false), INFO_ID + 2, false));
}

static void clear_nothing_mapped(void **state)
{
	/* no entry: pte 0, spt kept; pfn0 = phys_page 0 / 4096 = 0, and page 0,
	 * here the host's with count 2, is decremented to 1 (quirk) */
	const hm_shared *s0 = tc_page(bank(READY), 0, HOSTVISOR, 2, 0);
	local_smmu_clear_ret r = local_smmu_clear(IOVA, CB, IDX, s0);
	assert_false(r.halt);
	assert_ptr_equal(r.spt, s0->spts);
	assert_z_equal(tc_page_at(r.sdt, 0).s2_count, 1);
	tc_assert_sdt_equal(r.sdt, tc_page(s0, 0, HOSTVISOR, 1, 0));
}

static void clear_host_page(void **state)
{
	/* entry (0x80000, SPTE): local_spt_map_h ... iova 0 writes (0, 0) at
	 * gfn 0x40203, marks pgd/pmd, next 4096 each; page 0x80000 is the
	 * host's with count 3: count 2 */
	const hm_shared *s0 =
		tc_spt(tc_page(bank(READY), SPFN, HOSTVISOR, 3, 0x40203),
		       tc_spt_entry(hm_spt_empty(), TTBR, 0x40203, SPFN, SPTE));
	local_smmu_clear_ret r = local_smmu_clear(IOVA, CB, IDX, s0);
	assert_false(r.halt);
	const hm_z2 *e = z2_at(hm_map_get_map(r.sdt->spts->spt_pt, TTBR), 0x40203);
	assert_z_equal(e->a, 0);
	assert_z_equal(e->b, 0);
	assert_z_equal(r.sdt->spts->spt_pgd_next, 4096);
	assert_z_equal(r.sdt->spts->spt_pmd_next, 4096);
	assert_z_equal(tc_page_at(r.sdt, SPFN).s2_count, 2);
}

static void clear_vm_page(void **state)
{
	/* the page is VM 2's: s2page kept */
	const hm_shared *s0 = tc_spt(tc_page(bank(READY), SPFN, 2, 3, 0x40203),
				     tc_spt_entry(hm_spt_empty(), TTBR, 0x40203, SPFN, SPTE));
	local_smmu_clear_ret r = local_smmu_clear(IOVA, CB, IDX, s0);
	assert_false(r.halt);
	assert_ptr_equal(r.s2p, s0->s2page);
	assert_z_equal(tc_page_at(r.sdt, SPFN).s2_count, 3);
}

static void clear_spt_halts(void **state)
{
	/* mapped entry but no pgd room: SMMU, INFO_ID+2, S2PAGE, SPT released */
	const hm_shared *s0 =
		tc_spt(bank(READY),
		       tc_spt_next(tc_spt_entry(hm_spt_empty(), TTBR, 0x40203, SPFN, SPTE),
				   SMMU_PMD_START, 0));
	local_smmu_clear_ret r = local_smmu_clear(IOVA, CB, IDX, s0);
	assert_true(r.halt);
	const hm_shared *e = tc_hlock(tc_hlock(s0, SMMU_ID, false), INFO_ID + 2, false);
	tc_assert_sdt_equal(r.sdt, tc_hlock(tc_hlock(e, S2PAGE_ID, false), SPT_ID, false));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(free_unused),
		cmocka_unit_test(free_poweroff),
		cmocka_unit_test(free_running),
		cmocka_unit_test(alloc_bad_cbndx),
		cmocka_unit_test(alloc_taken),
		cmocka_unit_test(alloc_verified_vm),
		cmocka_unit_test(alloc_ok),
		cmocka_unit_test(alloc_for_host),
		cmocka_unit_test(assign_unused_bank),
		cmocka_unit_test(assign_host_bank),
		cmocka_unit_test(assign_verified),
		cmocka_unit_test(assign_host_page_unmapped),
		cmocka_unit_test(assign_host_page_mapped),
		cmocka_unit_test(assign_mmap_halts),
		cmocka_unit_test(assign_host_page_shared),
		cmocka_unit_test(assign_own_page),
		cmocka_unit_test(assign_other_vm_page),
		cmocka_unit_test(map_unused_bank),
		cmocka_unit_test(map_verified),
		cmocka_unit_test(map_vm_page),
		cmocka_unit_test(map_host_page),
		cmocka_unit_test(map_spt_halts),
		cmocka_unit_test(map_wrong_gfn),
		cmocka_unit_test(clear_unused_bank),
		cmocka_unit_test(clear_verified_or_later),
		cmocka_unit_test(clear_nothing_mapped),
		cmocka_unit_test(clear_host_page),
		cmocka_unit_test(clear_vm_page),
		cmocka_unit_test(clear_spt_halts),
	};
	return cmocka_run_group_tests(tests, t_pool_setup, t_pool_teardown);
}
