/* TrapHandlerSpec (seed), Section HighPTSpec: local_mmap_loop_h,
 * local_mmap_h, local_spt_map_h. Expected values are worked out from the
 * Coq in the comments. */
#include "t_concurrent.h"

/* Index arithmetic used below (Constants.md):
 * addr 0x40203000: pgd_index = addr>>39 = 0, pud_index = (addr>>30)&511 = 1,
 * pmd_index = (addr>>21)&511 = 0x201&511 = 1, stage2_pgd_index = 1.
 * pud_start 1 = 65536 + 33554432 + 1052672 = 34672640,
 * pmd_start 1 = 65536 + 33554432 + 9441280 = 43061248,
 * pool_end 1 = 65536 + 2 * 33554432 = 67174400. */
#define ADDR ((hm_z)0x40203000)
#define PTE ((hm_z)0x800007ff) /* phys_page = 0x80000000, pfn 0x80000 */

static void loop_zero(void **state)
{
	/* n = O: (gfn, pfn, pt') unchanged */
	const hm_map *pt = hm_npt_empty()->pt;
	local_mmap_loop_h_ret r = local_mmap_loop_h(0, 10, 100, 3, 5, pt);
	assert_z_equal(r.gfn, 10);
	assert_z_equal(r.pfn, 100);
	assert_ptr_equal(r.pt, pt);
}

static void loop_three(void **state)
{
	/* n = 3: the innermost call sets gfn, then gfn+1, gfn+2; the result
	 * is (gfn+3, pfn+3, pt with gfn+i -> (pfn+i, level, pte)). */
	const hm_map *pt = hm_npt_empty()->pt;
	local_mmap_loop_h_ret r = local_mmap_loop_h(3, 10, 100, 2, 5, pt);
	assert_z_equal(r.gfn, 13);
	assert_z_equal(r.pfn, 103);
	for (int i = 0; i < 3; i++) {
		const hm_z3 *e = z3_at(r.pt, 10 + i);
		assert_z_equal(e->a, 100 + i);
		assert_z_equal(e->b, 2);
		assert_z_equal(e->c, 5);
	}
	assert_z_equal(z3_at(r.pt, 13)->b, 0); /* not touched */
	assert_z_equal(z3_at(r.pt, 9)->b, 0);
	assert_int_equal(hm_map_count(r.pt), 3);
	assert_int_equal(hm_map_count(pt), 0); /* input unchanged */
}

static void mmap_level2_room(void **state)
{
	/* level 2, empty NPT of VM 1: gfn = 0x40203 / 512 * 512 = 0x40200,
	 * pfn 0x80000; pgd/pud tables absent so next' = 0 + 4096 each, and
	 * 4096 <= pud_start 1, 4096 <= pmd_start 1: the loop maps 512 pages
	 * (0x40200+i -> (0x80000+i, 2, PTE)), pmd_t[0][1][1] becomes false
	 * (it was true here), pt_pmd_next is not touched. */
	hm_npt *n0 = npt_edit(hm_npt_empty());
	SETP(n0, pmd_t, hm_map3_set_bool(n0->pmd_t, 0, 1, 1, true));
	n0->pt_pmd_next = 77;
	local_mmap_h_ret r = local_mmap_h(1, ADDR, 2, PTE, n0);
	assert_false(r.halt);
	const hm_z3 *first = z3_at(r.npt->pt, 0x40200), *last = z3_at(r.npt->pt, 0x40200 + 511);
	assert_z_equal(first->a, 0x80000);
	assert_z_equal(first->b, 2);
	assert_z_equal(first->c, PTE);
	assert_z_equal(last->a, 0x80000 + 511);
	assert_z_equal(z3_at(r.npt->pt, 0x40200 + 512)->b, 0);
	assert_z_equal(z3_at(r.npt->pt, 0x401ff)->b, 0);
	assert_int_equal(hm_map_count(r.npt->pt), 512);
	assert_true(hm_map_get_bool(r.npt->pgd_t, 0));
	assert_true(hm_map2_get_bool(r.npt->pud_t, 0, 1));
	assert_false(hm_map3_get_bool(r.npt->pmd_t, 0, 1, 1));
	assert_z_equal(r.npt->pt_pgd_next, 4096);
	assert_z_equal(r.npt->pt_pud_next, 4096);
	assert_z_equal(r.npt->pt_pmd_next, 77);
	/* the input is unchanged */
	assert_true(hm_map3_get_bool(n0->pmd_t, 0, 1, 1));
	assert_int_equal(hm_map_count(n0->pt), 0);
}

static void mmap_level2_tables_exist(void **state)
{
	/* pgd_t[0] and pud_t[0][1] already true: next' = next (8192, 12288),
	 * even at the pool bounds (pud_start 1 <= pud_start 1). */
	hm_npt *n0 = npt_edit(hm_npt_empty());
	SETP(n0, pgd_t, hm_map_set_bool(n0->pgd_t, 0, true));
	SETP(n0, pud_t, hm_map2_set_bool(n0->pud_t, 0, 1, true));
	n0->pt_pgd_next = pud_start(1);
	n0->pt_pud_next = pmd_start(1);
	local_mmap_h_ret r = local_mmap_h(1, ADDR, 2, PTE, n0);
	assert_false(r.halt);
	assert_z_equal(r.npt->pt_pgd_next, 34672640);
	assert_z_equal(r.npt->pt_pud_next, 43061248);
	assert_z_equal(z3_at(r.npt->pt, 0x40200)->b, 2);
}

static void mmap_level2_no_room(void **state)
{
	/* pgd table absent and pt_pgd_next = pud_start 1: pgd_next' = pud_start 1
	 * + 4096 > pud_start 1: (true, npt). Same for the pud bound. */
	const hm_npt *n0 = tc_next(hm_npt_empty(), pud_start(1), 0, 0);
	local_mmap_h_ret r = local_mmap_h(1, ADDR, 2, PTE, n0);
	assert_true(r.halt);
	assert_ptr_equal(r.npt, n0);
	const hm_npt *n1 = tc_next(hm_npt_empty(), 0, pmd_start(1), 0);
	r = local_mmap_h(1, ADDR, 2, PTE, n1);
	assert_true(r.halt);
	assert_ptr_equal(r.npt, n1);
}

static void mmap_level3_room(void **state)
{
	/* level 3, empty NPT of VM 1: gfn = 0x40203, pt entry (0,0,0) has
	 * level 0 (not 2); every table absent: next' = 4096 each, within the
	 * bounds: pt[0x40203] = (0x80000, 3, PTE), the pgd/pud/pmd marks true. */
	local_mmap_h_ret r = local_mmap_h(1, ADDR, 3, PTE, hm_npt_empty());
	assert_false(r.halt);
	const hm_z3 *e = z3_at(r.npt->pt, 0x40203);
	assert_z_equal(e->a, 0x80000);
	assert_z_equal(e->b, 3);
	assert_z_equal(e->c, PTE);
	assert_int_equal(hm_map_count(r.npt->pt), 1);
	assert_true(hm_map_get_bool(r.npt->pgd_t, 0));
	assert_true(hm_map2_get_bool(r.npt->pud_t, 0, 1));
	assert_true(hm_map3_get_bool(r.npt->pmd_t, 0, 1, 1));
	assert_z_equal(r.npt->pt_pgd_next, 4096);
	assert_z_equal(r.npt->pt_pud_next, 4096);
	assert_z_equal(r.npt->pt_pmd_next, 4096);
}

static void mmap_other_level_is_level3(void **state)
{
	/* level 7 (not 2) takes the else branch, which maps with level 3. */
	local_mmap_h_ret r = local_mmap_h(1, ADDR, 7, PTE, hm_npt_empty());
	assert_false(r.halt);
	assert_z_equal(z3_at(r.npt->pt, 0x40203)->b, 3);
}

static void mmap_level3_at_bounds(void **state)
{
	/* every table present: next' = next = the bounds themselves, and <=
	 * holds, so the page maps and the counters stay. */
	hm_npt *n0 = npt_edit(hm_npt_empty());
	SETP(n0, pgd_t, hm_map_set_bool(n0->pgd_t, 0, true));
	SETP(n0, pud_t, hm_map2_set_bool(n0->pud_t, 0, 1, true));
	SETP(n0, pmd_t, hm_map3_set_bool(n0->pmd_t, 0, 1, 1, true));
	n0->pt_pgd_next = pud_start(1);
	n0->pt_pud_next = pmd_start(1);
	n0->pt_pmd_next = pool_end(1);
	local_mmap_h_ret r = local_mmap_h(1, ADDR, 3, PTE, n0);
	assert_false(r.halt);
	assert_z_equal(r.npt->pt_pmd_next, 67174400);
	assert_z_equal(z3_at(r.npt->pt, 0x40203)->a, 0x80000);
}

static void mmap_level3_over_level2(void **state)
{
	/* pt[0x40203] has level 2: (true, npt). */
	const hm_npt *n0 = tc_pt(hm_npt_empty(), 0x40203, 5, 2, 9);
	local_mmap_h_ret r = local_mmap_h(1, ADDR, 3, PTE, n0);
	assert_true(r.halt);
	assert_ptr_equal(r.npt, n0);
}

static void mmap_level3_no_room(void **state)
{
	/* pmd table absent, pt_pmd_next = pool_end 1: pmd_next' exceeds it. */
	const hm_npt *n0 = tc_next(hm_npt_empty(), 0, 0, pool_end(1));
	local_mmap_h_ret r = local_mmap_h(1, ADDR, 3, PTE, n0);
	assert_true(r.halt);
	assert_ptr_equal(r.npt, n0);
}

static void spt_map_room(void **state)
{
	/* cbndx 1, index 0: ttbr = 65536 + (0*8+1)*4096*2 = 73728; gfn 0x40203,
	 * pfn 0x80000; no tables: next' = 4096 each, within SMMU_PMD_START
	 * and SMMU_POOL_END. */
	local_spt_map_h_ret r = local_spt_map_h(1, 0, ADDR, PTE, hm_spt_empty());
	assert_false(r.halt);
	const hm_z2 *e = z2_at(hm_map_get_map(r.spt->spt_pt, 73728), 0x40203);
	assert_z_equal(e->a, 0x80000);
	assert_z_equal(e->b, PTE);
	assert_true(hm_map2_get_bool(r.spt->spt_pgd_t, 73728, 1));
	assert_true(hm_map3_get_bool(r.spt->spt_pmd_t, 73728, 1, 1));
	assert_false(hm_map2_get_bool(r.spt->spt_pgd_t, 65536, 1)); /* other bank */
	assert_z_equal(r.spt->spt_pgd_next, 4096);
	assert_z_equal(r.spt->spt_pmd_next, 4096);
}

static void spt_map_no_room(void **state)
{
	/* spt_pgd_next = SMMU_PMD_START with no pgd table: halt; likewise
	 * spt_pmd_next = SMMU_POOL_END with no pmd table. */
	const hm_spt *s0 = tc_spt_next(hm_spt_empty(), SMMU_PMD_START, 0);
	local_spt_map_h_ret r = local_spt_map_h(1, 0, ADDR, PTE, s0);
	assert_true(r.halt);
	assert_ptr_equal(r.spt, s0);
	const hm_spt *s1 = tc_spt_next(hm_spt_empty(), 0, SMMU_POOL_END);
	r = local_spt_map_h(1, 0, ADDR, PTE, s1);
	assert_true(r.halt);
	assert_ptr_equal(r.spt, s1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(loop_zero),
		cmocka_unit_test(loop_three),
		cmocka_unit_test(mmap_level2_room),
		cmocka_unit_test(mmap_level2_tables_exist),
		cmocka_unit_test(mmap_level2_no_room),
		cmocka_unit_test(mmap_level3_room),
		cmocka_unit_test(mmap_other_level_is_level3),
		cmocka_unit_test(mmap_level3_at_bounds),
		cmocka_unit_test(mmap_level3_over_level2),
		cmocka_unit_test(mmap_level3_no_room),
		cmocka_unit_test(spt_map_room),
		cmocka_unit_test(spt_map_no_room),
	};
	return cmocka_run_group_tests(tests, t_pool_setup, t_pool_teardown);
}
