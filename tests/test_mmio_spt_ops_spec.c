/* MmioSPTOpsSpec.md, Section MmioSPTOpsSpec: init_spt_spec, walk_spt_spec,
 * map_spt_spec, unmap_spt_spec. Expected states follow the Coq (and
 * local_spt_map of MmioSPTWalkSpec.md). */
#include "hm_test.h"
#include "mm_low_test.h"

#include "mmio_spt_ops_spec.h"

#define IDX ((hm_z)0)
#define CB ((hm_z)1)
#define TTBR SMMU_TTBR(IDX, CB) /* 65536 + (0 * 8 + 1) * 4096 * 2 = 73728 */
#define IOVA ((hm_z)0x12345000) /* gfn 0x12345; stage2 pgd 0, pmd 0x91 */
#define GFN (IOVA / PAGE_SIZE)

static hm_mlog *held_by_cpu1(void) { return hm_mlog_cons(1, HM_MEV_WAIT_LOCK, 10, NULL, NULL); }

#define ASSERT_RELEASED_LOG(l, spt, tail)                                                     \
	T_ASSERT_LOG((l), (tail), {HM_MEV_REL_LOCK, 0, 0, NULL}, {HM_MEV_OSPT, 0, 0, (spt)},  \
		     {HM_MEV_OPULL, 0, SPT_ID, NULL}, {HM_MEV_WAIT_LOCK, 0, 10, NULL})

#define ASSERT_HELD_LOG(l)                                                                  \
	T_ASSERT_LOG((l), NULL, {HM_MEV_OPULL, 0, SPT_ID, NULL}, {HM_MEV_WAIT_LOCK, 0, 10, NULL})

static hm_z2 entry(const hm_rdata *st, hm_z ttbr, hm_z gfn)
{
	return *z2_at(hm_map_get_map(st->shared->spts->spt_pt, ttbr), gfn);
}

/* ---- init_spt_spec ---- */

static void test_init_relies(void **state)
{
	(void)state;
	T_ASSERT_RELY(init_spt_spec(t_initial(), CB, SMMU_NUM), "is_smmu(index)");
	T_ASSERT_RELY(init_spt_spec(t_initial(), SMMU_NUM_CTXT_BANKS, IDX), "is_smmu_cfg(cbndx)");
}

static void test_init_halt_locked_calock(void **state)
{
	(void)state;
	const hm_rdata *st = t_with_halt(t_initial(), true);
	assert_ptr_equal(init_spt_spec(st, CB, IDX).st, st);
	T_ASSERT_NONE(init_spt_spec(t_with_lock(t_initial(), SPT_ID, HM_LOCK_OWN_TRUE), CB, IDX));
	T_ASSERT_NONE(init_spt_spec(t_with_log(t_initial(), SPT_ID, held_by_cpu1()), CB, IDX));
}

/* The table of TTBR is emptied (an entry and its walk flags go), another
 * table stays; tstate 1, released log, LockFalse. */
static void test_init_some(void **state)
{
	(void)state;
	const hm_rdata *st = t_with_spt_entry(t_initial(), TTBR, GFN, 7, 0x7fff);
	st = t_with_spt_entry(st, SMMU_TTBR(1, 0), GFN, 8, 0x8fff);
	hm_spt *s = spt_edit(st->shared->spts);
	SETP(s, spt_pgd_t, hm_map2_set_bool(s->spt_pgd_t, TTBR, 0, true));
	st = t_with_spt(st, s);
	hm_sres r = init_spt_spec(st, CB, IDX);
	assert_non_null(r.st);
	assert_z_equal(r.st->tstate, 1);
	const hm_spt *s1 = r.st->shared->spts;
	assert_z_equal(entry(r.st, TTBR, GFN).b, 0);
	assert_z_equal(entry(r.st, SMMU_TTBR(1, 0), GFN).b, 0x8fff);
	assert_false(hm_map2_get_bool(s1->spt_pgd_t, TTBR, 0));
	assert_int_equal(lock_at(r.st->lock, SPT_ID), HM_LOCK_FALSE);
	ASSERT_RELEASED_LOG(mlog_at(r.st->log, SPT_ID), s1, NULL);
	T_ASSERT_DIFF(st, r.st, "tstate", "log[3]", "shared.spts.spt_pt[0x12000]",
		      "shared.spts.spt_pgd_t[0x12000]");
}

/* ---- walk_spt_spec ---- */

static void test_walk_relies(void **state)
{
	(void)state;
	T_ASSERT_RELY(walk_spt_spec(t_initial(), CB, -1, IOVA), "is_smmu(index)");
	T_ASSERT_RELY(walk_spt_spec(t_initial(), -1, IDX, IOVA), "is_smmu_cfg(cbndx)");
	T_ASSERT_RELY(walk_spt_spec(t_initial(), CB, IDX, (hm_z)1 << 40), "is_smmu_addr(addr)");
	const hm_rdata *st = t_with_spt_entry(t_initial(), TTBR, GFN, 7, -1);
	T_ASSERT_RELY(walk_spt_spec(st, CB, IDX, IOVA), "is_int64(pte)");
}

static void test_walk_halt_locked_calock(void **state)
{
	(void)state;
	const hm_rdata *st = t_with_halt(t_initial(), true);
	hm_sres r = walk_spt_spec(st, CB, IDX, IOVA);
	assert_ptr_equal(r.st, st);
	assert_z_equal(r.ret, 0);
	T_ASSERT_NONE(
		walk_spt_spec(t_with_lock(t_initial(), SPT_ID, HM_LOCK_OWN_TRUE), CB, IDX, IOVA));
	T_ASSERT_NONE(
		walk_spt_spec(t_with_log(t_initial(), SPT_ID, held_by_cpu1()), CB, IDX, IOVA));
}

/* Some (adt', pte): the pulled SPT of CPU 1 holds the entry */
static void test_walk_some(void **state)
{
	(void)state;
	const hm_rdata *st = t_initial();
	const hm_spt *theirs = t_with_spt_entry(st, TTBR, GFN, 7, 0x7fff)->shared->spts;
	hm_mlog *pulled = hm_mlog_cons(1, HM_MEV_REL_LOCK, 0, NULL,
				       hm_mlog_cons(1, HM_MEV_OSPT, 0, theirs,
						    hm_mlog_cons(1, HM_MEV_OPULL, SPT_ID, NULL,
								 held_by_cpu1())));
	st = t_with_pulled(st, SPT_ID, pulled);
	hm_sres r = walk_spt_spec(st, CB, IDX, IOVA + 0x10);
	assert_non_null(r.st);
	assert_z_equal(r.ret, 0x7fff);
	assert_ptr_equal(r.st->shared->spts, theirs);
	assert_z_equal(r.st->tstate, 1);
	ASSERT_RELEASED_LOG(mlog_at(r.st->log, SPT_ID), theirs, pulled);
}

/* ---- map_spt_spec ---- */

static void test_map_relies(void **state)
{
	(void)state;
	T_ASSERT_RELY(map_spt_spec(t_initial(), CB, 2, IOVA, 1), "is_smmu(index)");
	T_ASSERT_RELY(map_spt_spec(t_initial(), 8, IDX, IOVA, 1), "is_smmu_cfg(cbndx)");
	T_ASSERT_RELY(map_spt_spec(t_initial(), CB, IDX, -1, 1), "is_smmu_addr(addr)");
	T_ASSERT_RELY(map_spt_spec(t_initial(), CB, IDX, IOVA, -1), "is_int64(pte)");
}

static void test_map_halt_locked_calock(void **state)
{
	(void)state;
	const hm_rdata *st = t_with_halt(t_initial(), true);
	assert_ptr_equal(map_spt_spec(st, CB, IDX, IOVA, 0x7fff).st, st);
	T_ASSERT_NONE(map_spt_spec(t_with_lock(t_initial(), SPT_ID, HM_LOCK_OWN_FALSE), CB, IDX,
				   IOVA, 0x7fff));
	T_ASSERT_NONE(map_spt_spec(t_with_log(t_initial(), SPT_ID, held_by_cpu1()), CB, IDX, IOVA,
				   0x7fff));
}

/* Some (false, spt'): entry (phys_page pte / PAGE_SIZE, pte), walk flags,
 * both cursors one page on; tstate 1, released log, LockFalse. */
static void test_map_some(void **state)
{
	(void)state;
	const hm_rdata *st = t_initial();
	hm_z pte = 0x40007000 | 0x7ff;
	hm_sres r = map_spt_spec(st, CB, IDX, IOVA, pte);
	assert_non_null(r.st);
	assert_false(r.st->halt);
	assert_z_equal(r.st->tstate, 1);
	hm_z2 e = entry(r.st, TTBR, GFN);
	assert_z_equal(e.a, 0x40007);
	assert_z_equal(e.b, pte);
	const hm_spt *s1 = r.st->shared->spts;
	assert_true(hm_map2_get_bool(s1->spt_pgd_t, TTBR, stage2_pgd_index(IOVA)));
	assert_true(hm_map3_get_bool(s1->spt_pmd_t, TTBR, stage2_pgd_index(IOVA), pmd_index(IOVA)));
	assert_z_equal(s1->spt_pgd_next, SMMU_PGD_START + PAGE_SIZE);
	assert_z_equal(s1->spt_pmd_next, SMMU_PMD_START + PAGE_SIZE);
	assert_int_equal(lock_at(r.st->lock, SPT_ID), HM_LOCK_FALSE);
	ASSERT_RELEASED_LOG(mlog_at(r.st->log, SPT_ID), s1, NULL);
	T_ASSERT_DIFF(st, r.st, "tstate", "log[3]", "shared.spts");
}

/* The PGD pool is used up (cursor at SMMU_PMD_START, one more page would
 * pass it): Some (true, spt): halt, tstate 0, lock kept, log l'. */
static void test_map_halts(void **state)
{
	(void)state;
	hm_spt *s = spt_edit(t_initial()->shared->spts);
	s->spt_pgd_next = SMMU_PMD_START;
	const hm_rdata *st = t_with_tstate(t_with_spt(t_initial(), s), 1);
	hm_sres r = map_spt_spec(st, CB, IDX, IOVA, 0x40007fff);
	assert_non_null(r.st);
	assert_true(r.st->halt);
	assert_z_equal(r.st->tstate, 0);
	assert_ptr_equal(r.st->shared->spts, s);
	assert_int_equal(lock_at(r.st->lock, SPT_ID), HM_LOCK_OWN_TRUE);
	ASSERT_HELD_LOG(mlog_at(r.st->log, SPT_ID));
	T_ASSERT_DIFF(st, r.st, "halt", "tstate", "log[3]", "lock[3]");
}

/* ---- unmap_spt_spec ---- */

static void test_unmap_relies(void **state)
{
	(void)state;
	T_ASSERT_RELY(unmap_spt_spec(t_initial(), CB, 2, IOVA), "is_smmu(index)");
	T_ASSERT_RELY(unmap_spt_spec(t_initial(), 8, IDX, IOVA), "is_smmu_cfg(cbndx)");
	T_ASSERT_RELY(unmap_spt_spec(t_initial(), CB, IDX, (hm_z)1 << 40), "is_smmu_addr(addr)");
	const hm_rdata *st = t_with_spt_entry(t_initial(), TTBR, GFN, 7, INVALID64 + 1);
	T_ASSERT_RELY(unmap_spt_spec(st, CB, IDX, IOVA), "is_int64(pte)");
}

static void test_unmap_halt_locked_calock(void **state)
{
	(void)state;
	const hm_rdata *st = t_with_halt(t_initial(), true);
	hm_sres r = unmap_spt_spec(st, CB, IDX, IOVA);
	assert_ptr_equal(r.st, st);
	assert_z_equal(r.ret, 0);
	T_ASSERT_NONE(
		unmap_spt_spec(t_with_lock(t_initial(), SPT_ID, HM_LOCK_OWN_TRUE), CB, IDX, IOVA));
	T_ASSERT_NONE(
		unmap_spt_spec(t_with_log(t_initial(), SPT_ID, held_by_cpu1()), CB, IDX, IOVA));
}

/* pte =? 0: Some (false, spt): nothing changes but the lock round trip;
 * the result value is 0 */
static void test_unmap_not_mapped(void **state)
{
	(void)state;
	const hm_rdata *st = t_initial();
	hm_sres r = unmap_spt_spec(st, CB, IDX, IOVA);
	assert_non_null(r.st);
	assert_z_equal(r.ret, 0);
	assert_z_equal(r.st->tstate, 1);
	ASSERT_RELEASED_LOG(mlog_at(r.st->log, SPT_ID), st->shared->spts, NULL);
	T_ASSERT_DIFF(st, r.st, "tstate", "log[3]");
}

/* pte <> 0: local_spt_map with pte 0 stores (0, 0), the default: the
 * entry is gone; walk flags and cursors as for a map; the result is the
 * old pte. */
static void test_unmap_mapped(void **state)
{
	(void)state;
	const hm_rdata *st = t_with_spt_entry(t_initial(), TTBR, GFN, 0x40007, 0x40007fff);
	hm_sres r = unmap_spt_spec(st, CB, IDX, IOVA);
	assert_non_null(r.st);
	assert_z_equal(r.ret, 0x40007fff);
	assert_false(r.st->halt);
	hm_z2 e = entry(r.st, TTBR, GFN);
	assert_z_equal(e.a, 0);
	assert_z_equal(e.b, 0);
	const hm_spt *s1 = r.st->shared->spts;
	assert_z_equal(s1->spt_pgd_next, SMMU_PGD_START + PAGE_SIZE);
	ASSERT_RELEASED_LOG(mlog_at(r.st->log, SPT_ID), s1, NULL);
}

/* pte <> 0 and the pool is used up: Some (true, spt), result 0 */
static void test_unmap_halts(void **state)
{
	(void)state;
	const hm_rdata *st = t_with_spt_entry(t_initial(), TTBR, GFN, 0x40007, 0x40007fff);
	hm_spt *s = spt_edit(st->shared->spts);
	s->spt_pmd_next = SMMU_POOL_END;
	st = t_with_spt(st, s);
	hm_sres r = unmap_spt_spec(st, CB, IDX, IOVA);
	assert_non_null(r.st);
	assert_z_equal(r.ret, 0);
	assert_true(r.st->halt);
	assert_z_equal(r.st->tstate, 0);
	assert_int_equal(lock_at(r.st->lock, SPT_ID), HM_LOCK_OWN_TRUE);
	ASSERT_HELD_LOG(mlog_at(r.st->log, SPT_ID));
	assert_z_equal(entry(r.st, TTBR, GFN).b, 0x40007fff);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_relies),
		cmocka_unit_test(test_init_halt_locked_calock),
		cmocka_unit_test(test_init_some),
		cmocka_unit_test(test_walk_relies),
		cmocka_unit_test(test_walk_halt_locked_calock),
		cmocka_unit_test(test_walk_some),
		cmocka_unit_test(test_map_relies),
		cmocka_unit_test(test_map_halt_locked_calock),
		cmocka_unit_test(test_map_some),
		cmocka_unit_test(test_map_halts),
		cmocka_unit_test(test_unmap_relies),
		cmocka_unit_test(test_unmap_halt_locked_calock),
		cmocka_unit_test(test_unmap_not_mapped),
		cmocka_unit_test(test_unmap_mapped),
		cmocka_unit_test(test_unmap_halts),
	};
	return cmocka_run_group_tests(tests, t_pool_setup, t_pool_teardown);
}
