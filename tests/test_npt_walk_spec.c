/* NPTWalkSpec: local_mmap_loop, local_mmap; MmioSPTWalkSpec: local_spt_map.
 * Every expected value is worked out from the Coq definitions in the
 * comments next to it. */
#include "hm_test.h"

#include "mmio_spt_walk_spec.h"
#include "npt_walk_spec.h"

/* The NPT of vmid in the initial state: empty, cursors at pgd_start,
 * pud_start, pmd_start of vmid. */
static const hm_npt *initial_npt(hm_z vmid) { return npt_at(t_initial()->shared->npts, vmid); }

static void assert_entry(const hm_map *pt, hm_z gfn, hm_z pfn, hm_z level, hm_z pte)
{
	const hm_z3 *e = z3_at(pt, gfn);
	assert_z_equal(e->a, pfn);
	assert_z_equal(e->b, level);
	assert_z_equal(e->c, pte);
}

/* ---- local_mmap_loop ---- */

static void test_loop_zero_and_negative_counts(void **state)
{
	(void)state;
	const hm_map *pt = initial_npt(1)->pt;
	hm_z g, p;
	const hm_map *out;
	/* n = O: Some (gfn, pfn, pt') unchanged */
	assert_true(local_mmap_loop(0, 7, 9, 3, 0x55, pt, &g, &p, &out));
	assert_z_equal(g, 7);
	assert_z_equal(p, 9);
	assert_true(hm_map_equal(out, pt));
	assert_int_equal(hm_map_count(out), 0);
	/* Z.to_nat of a negative count is O */
	assert_true(local_mmap_loop(-4, 7, 9, 3, 0x55, pt, &g, &p, &out));
	assert_z_equal(g, 7);
	assert_z_equal(p, 9);
	assert_int_equal(hm_map_count(out), 0);
}

static void test_loop_three_entries(void **state)
{
	(void)state;
	const hm_map *pt = initial_npt(1)->pt;
	hm_z g, p;
	const hm_map *out;
	/* n = 3 unfolds to sets of gfn 10, 11, 12 -> (20 + i, 2, 0x99);
	 * the result's counters are 13 and 23 */
	assert_true(local_mmap_loop(3, 10, 20, 2, 0x99, pt, &g, &p, &out));
	assert_z_equal(g, 13);
	assert_z_equal(p, 23);
	assert_int_equal(hm_map_count(out), 3);
	assert_entry(out, 10, 20, 2, 0x99);
	assert_entry(out, 11, 21, 2, 0x99);
	assert_entry(out, 12, 22, 2, 0x99);
	assert_entry(out, 13, 0, 0, 0); /* not set: the default (0, 0, 0) */
	/* the input map is not changed */
	assert_int_equal(hm_map_count(pt), 0);
}

/* ---- local_mmap, level 3 ---- */

static void test_mmap_level3_fresh(void **state)
{
	(void)state;
	const hm_npt *npt = initial_npt(1);
	/* addr 0x1234000: gfn 0x1234, pgd_index 0, pud_index 0,
	 * pmd_index (0x1234000 >> 21) & 511 = 9. pte 0x40005003: pfn 0x40005.
	 * No table exists: every cursor advances by PAGE_SIZE, all within
	 * bounds, so Some (false, npt'). */
	bool halt = true;
	const hm_npt *out = NULL;
	assert_true(local_mmap(1, 0x1234000, 3, 0x40005003, npt, &halt, &out));
	assert_false(halt);
	assert_entry(out->pt, 0x1234, 0x40005, 3, 0x40005003);
	assert_int_equal(hm_map_count(out->pt), 1);
	assert_true(hm_map_get_bool(out->pgd_t, 0));
	assert_true(hm_map2_get_bool(out->pud_t, 0, 0));
	assert_true(hm_map3_get_bool(out->pmd_t, 0, 0, 9));
	assert_false(hm_map3_get_bool(out->pmd_t, 0, 0, 8));
	assert_z_equal(out->pt_pgd_next, pgd_start(1) + PAGE_SIZE);
	assert_z_equal(out->pt_pud_next, pud_start(1) + PAGE_SIZE);
	assert_z_equal(out->pt_pmd_next, pmd_start(1) + PAGE_SIZE);
	/* the input is untouched */
	assert_int_equal(hm_map_count(npt->pt), 0);
	assert_z_equal(npt->pt_pgd_next, pgd_start(1));

	/* a second page in the same 2 MiB region (gfn 0x1235, pmd_index 9):
	 * all three tables exist, no cursor moves */
	const hm_npt *out2 = NULL;
	assert_true(local_mmap(1, 0x1235000, 3, 0x40006fff, out, &halt, &out2));
	assert_false(halt);
	assert_entry(out2->pt, 0x1235, 0x40006, 3, 0x40006fff);
	assert_entry(out2->pt, 0x1234, 0x40005, 3, 0x40005003);
	assert_z_equal(out2->pt_pgd_next, pgd_start(1) + PAGE_SIZE);
	assert_z_equal(out2->pt_pud_next, pud_start(1) + PAGE_SIZE);
	assert_z_equal(out2->pt_pmd_next, pmd_start(1) + PAGE_SIZE);
}

static void test_mmap_level3_over_level2_halts(void **state)
{
	(void)state;
	hm_npt *n = npt_edit(initial_npt(1));
	hm_z3 e = {0x40005, 2, 0x40005ffd};
	SETP(n, pt, hm_map_set(n->pt, 0x1234, &e));
	/* level0 =? 2: Some (true, npt), npt itself */
	bool halt = false;
	const hm_npt *out = NULL;
	assert_true(local_mmap(1, 0x1234000, 3, 0x40009fff, n, &halt, &out));
	assert_true(halt);
	assert_ptr_equal(out, n);
}

static void test_mmap_level3_pool_bounds(void **state)
{
	(void)state;
	bool halt;
	const hm_npt *out;
	/* pgd cursor at pud_start - PAGE_SIZE: pgd_next' = pud_start, and
	 * pgd_next' <=? pud_start holds: mapped */
	hm_npt *n = npt_edit(initial_npt(1));
	n->pt_pgd_next = pud_start(1) - PAGE_SIZE;
	assert_true(local_mmap(1, 0x1234000, 3, 0x40005fff, n, &halt, &out));
	assert_false(halt);
	assert_z_equal(out->pt_pgd_next, pud_start(1));
	/* pgd cursor at pud_start: pgd_next' = pud_start + PAGE_SIZE: halt */
	n = npt_edit(initial_npt(1));
	n->pt_pgd_next = pud_start(1);
	assert_true(local_mmap(1, 0x1234000, 3, 0x40005fff, n, &halt, &out));
	assert_true(halt);
	assert_ptr_equal(out, n);
	/* pud cursor at pmd_start: halt */
	n = npt_edit(initial_npt(1));
	n->pt_pud_next = pmd_start(1);
	assert_true(local_mmap(1, 0x1234000, 3, 0x40005fff, n, &halt, &out));
	assert_true(halt);
	/* pmd cursor at pool_end: halt */
	n = npt_edit(initial_npt(1));
	n->pt_pmd_next = pool_end(1);
	assert_true(local_mmap(1, 0x1234000, 3, 0x40005fff, n, &halt, &out));
	assert_true(halt);
	assert_ptr_equal(out, n);
	/* pmd cursor at pool_end but the pmd table exists (pmd_t true):
	 * pmd_next' = pt_pmd_next = pool_end, within bounds: mapped */
	n = npt_edit(initial_npt(1));
	n->pt_pmd_next = pool_end(1);
	SETP(n, pmd_t, hm_map3_set_bool(n->pmd_t, 0, 0, 9, true));
	assert_true(local_mmap(1, 0x1234000, 3, 0x40005fff, n, &halt, &out));
	assert_false(halt);
	assert_z_equal(out->pt_pmd_next, pool_end(1));
}

static void test_mmap_other_level_maps_level3(void **state)
{
	(void)state;
	/* level 7 is not 2: the level-3 arm, which writes level 3 */
	bool halt;
	const hm_npt *out;
	assert_true(local_mmap(1, 0x1234000, 7, 0x40005fff, initial_npt(1), &halt, &out));
	assert_false(halt);
	assert_entry(out->pt, 0x1234, 0x40005, 3, 0x40005fff);
}

/* ---- local_mmap, level 2 ---- */

static void test_mmap_level2_maps_512(void **state)
{
	(void)state;
	const hm_npt *npt = initial_npt(1);
	/* addr 0x40203000: gfn = 0x40203 / 512 * 512 = 0x40200;
	 * pgd_index 0, pud_index 1, pmd_index (0x40203000 >> 21) & 511 = 1.
	 * pte 0x80000ffd: pmd_table = 0xffd & 3 = 1 (not a table);
	 * pfn = 0x80000. Entries gfn 0x40200 + i -> (0x80000 + i, 2, pte),
	 * i < 512. pmd_t[0][1][1] := false; pgd and pud cursors advance, the
	 * pmd cursor does not. */
	bool halt = true;
	const hm_npt *out = NULL;
	assert_true(local_mmap(1, 0x40203000, 2, 0x80000ffd, npt, &halt, &out));
	assert_false(halt);
	assert_int_equal(hm_map_count(out->pt), 512);
	assert_entry(out->pt, 0x40200, 0x80000, 2, 0x80000ffd);
	assert_entry(out->pt, 0x40203, 0x80003, 2, 0x80000ffd);
	assert_entry(out->pt, 0x40200 + 511, 0x80000 + 511, 2, 0x80000ffd);
	assert_entry(out->pt, 0x40200 + 512, 0, 0, 0);
	assert_entry(out->pt, 0x40200 - 1, 0, 0, 0);
	assert_true(hm_map_get_bool(out->pgd_t, 0));
	assert_true(hm_map2_get_bool(out->pud_t, 0, 1));
	assert_false(hm_map2_get_bool(out->pud_t, 0, 0));
	assert_false(hm_map3_get_bool(out->pmd_t, 0, 1, 1));
	assert_z_equal(out->pt_pgd_next, pgd_start(1) + PAGE_SIZE);
	assert_z_equal(out->pt_pud_next, pud_start(1) + PAGE_SIZE);
	assert_z_equal(out->pt_pmd_next, pmd_start(1));
}

static void test_mmap_level2_unaligned_pfn(void **state)
{
	(void)state;
	/* the gfn is rounded down to 512 pages, the pfn is not:
	 * pte 0x80003ffd gives pfn 0x80003 for gfn 0x40200 */
	bool halt;
	const hm_npt *out;
	assert_true(local_mmap(1, 0x40200000, 2, 0x80003ffd, initial_npt(1), &halt, &out));
	assert_false(halt);
	assert_entry(out->pt, 0x40200, 0x80003, 2, 0x80003ffd);
	assert_entry(out->pt, 0x40200 + 511, 0x80003 + 511, 2, 0x80003ffd);
}

static void test_mmap_level2_table_pte_is_none(void **state)
{
	(void)state;
	/* pmd_table pte = pte & 3 = 3 = PMD_TYPE_TABLE: None */
	bool halt;
	const hm_npt *out = NULL;
	assert_false(local_mmap(1, 0x40200000, 2, 0x80000003, initial_npt(1), &halt, &out));
	assert_null(out);
}

static void test_mmap_level2_pool_exhausted(void **state)
{
	(void)state;
	bool halt = false;
	const hm_npt *out;
	/* pgd cursor at pud_start, no pgd table: pgd_next' > pud_start: halt */
	hm_npt *n = npt_edit(initial_npt(1));
	n->pt_pgd_next = pud_start(1);
	assert_true(local_mmap(1, 0x40200000, 2, 0x80000ffd, n, &halt, &out));
	assert_true(halt);
	assert_ptr_equal(out, n);
	/* pud cursor at pmd_start, no pud table: halt */
	n = npt_edit(initial_npt(1));
	n->pt_pud_next = pmd_start(1);
	halt = false;
	assert_true(local_mmap(1, 0x40200000, 2, 0x80000ffd, n, &halt, &out));
	assert_true(halt);
	/* the pmd cursor is not checked at level 2: at pool_end it still maps */
	n = npt_edit(initial_npt(1));
	n->pt_pmd_next = pool_end(1);
	assert_true(local_mmap(1, 0x40200000, 2, 0x80000ffd, n, &halt, &out));
	assert_false(halt);
	assert_z_equal(out->pt_pmd_next, pool_end(1));
}

/* ---- local_spt_map ---- */

static void test_spt_map_fresh_and_again(void **state)
{
	(void)state;
	const hm_spt *spt = t_initial()->shared->spts;
	/* cbndx 1, index 0: ttbr = SMMU_POOL_START + (0 * 8 + 1) * 4096 * 2 = 73728.
	 * addr 0x40005000: gfn 0x40005, stage2_pgd_index = 1, pmd_index = 0.
	 * pte 0x50006003: pfn 0x50006. Cursors advance from SMMU_PGD_START
	 * and SMMU_PMD_START, within bounds: Some (false, spt'). */
	hm_z ttbr = 73728;
	assert_z_equal(SMMU_TTBR(0, 1), ttbr);
	bool halt = true;
	const hm_spt *out = NULL;
	assert_true(local_spt_map(1, 0, 0x40005000, 0x50006003, spt, &halt, &out));
	assert_false(halt);
	const hm_z2 *e = z2_at(hm_map_get_map(out->spt_pt, ttbr), 0x40005);
	assert_z_equal(e->a, 0x50006);
	assert_z_equal(e->b, 0x50006003);
	assert_true(hm_map2_get_bool(out->spt_pgd_t, ttbr, 1));
	assert_true(hm_map3_get_bool(out->spt_pmd_t, ttbr, 1, 0));
	assert_z_equal(out->spt_pgd_next, SMMU_PGD_START + PAGE_SIZE);
	assert_z_equal(out->spt_pmd_next, SMMU_PMD_START + PAGE_SIZE);
	/* another ttbr (cbndx 0) is untouched */
	assert_int_equal(hm_map_count(hm_map_get_map(out->spt_pt, SMMU_TTBR(0, 0))), 0);
	assert_false(hm_map2_get_bool(out->spt_pgd_t, SMMU_TTBR(0, 0), 1));

	/* a second page in the same tables: cursors stay; overwriting the
	 * first entry with pte 0 writes (0, 0) */
	const hm_spt *out2 = NULL;
	assert_true(local_spt_map(1, 0, 0x40005000, 0, out, &halt, &out2));
	assert_false(halt);
	e = z2_at(hm_map_get_map(out2->spt_pt, ttbr), 0x40005);
	assert_z_equal(e->a, 0);
	assert_z_equal(e->b, 0);
	assert_z_equal(out2->spt_pgd_next, SMMU_PGD_START + PAGE_SIZE);
	assert_z_equal(out2->spt_pmd_next, SMMU_PMD_START + PAGE_SIZE);
}

static void test_spt_map_pool_bounds(void **state)
{
	(void)state;
	bool halt;
	const hm_spt *out;
	/* pgd cursor at SMMU_PMD_START: pgd_next' > SMMU_PMD_START: halt */
	hm_spt *s = spt_edit(t_initial()->shared->spts);
	s->spt_pgd_next = SMMU_PMD_START;
	halt = false;
	assert_true(local_spt_map(1, 0, 0x40005000, 0x50006003, s, &halt, &out));
	assert_true(halt);
	assert_ptr_equal(out, s);
	/* pmd cursor at SMMU_POOL_END: halt */
	s = spt_edit(t_initial()->shared->spts);
	s->spt_pmd_next = SMMU_POOL_END;
	halt = false;
	assert_true(local_spt_map(1, 0, 0x40005000, 0x50006003, s, &halt, &out));
	assert_true(halt);
	/* pmd cursor at SMMU_POOL_END - PAGE_SIZE: pmd_next' = SMMU_POOL_END: maps */
	s = spt_edit(t_initial()->shared->spts);
	s->spt_pmd_next = SMMU_POOL_END - PAGE_SIZE;
	assert_true(local_spt_map(1, 0, 0x40005000, 0x50006003, s, &halt, &out));
	assert_false(halt);
	assert_z_equal(out->spt_pmd_next, SMMU_POOL_END);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_loop_zero_and_negative_counts),
		cmocka_unit_test(test_loop_three_entries),
		cmocka_unit_test(test_mmap_level3_fresh),
		cmocka_unit_test(test_mmap_level3_over_level2_halts),
		cmocka_unit_test(test_mmap_level3_pool_bounds),
		cmocka_unit_test(test_mmap_other_level_maps_level3),
		cmocka_unit_test(test_mmap_level2_maps_512),
		cmocka_unit_test(test_mmap_level2_unaligned_pfn),
		cmocka_unit_test(test_mmap_level2_table_pte_is_none),
		cmocka_unit_test(test_mmap_level2_pool_exhausted),
		cmocka_unit_test(test_spt_map_fresh_and_again),
		cmocka_unit_test(test_spt_map_pool_bounds),
	};
	return cmocka_run_group_tests(tests, t_pool_setup, t_pool_teardown);
}
