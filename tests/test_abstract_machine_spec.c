/* AbstractMachineSpec.md: sync_from_doracle, panic_spec,
 * fetch_from_doracle_spec, clear_phys_page_spec. The data oracle of the
 * tests answers T_DORC(vmid, logn); expected values follow the Coq. */
#include "hm_test.h"
#include "mm_low_test.h"

#include "abstract_machine_spec.h"

#define PFN ((hm_z)0x40020)

/* ---- sync_from_doracle ---- */

/* n = O: (pfn, flatmem', logn) unchanged */
static void test_sync_zero(void **state)
{
	(void)state;
	const hm_rdata *st = t_with_test_doracle(t_initial());
	const hm_map *fm = st->shared->flatmem;
	hm_sync_res r = sync_from_doracle(0, 3, PFN, fm, 11, st->doracle);
	assert_z_equal(r.pfn, PFN);
	assert_z_equal(r.logn, 11);
	assert_ptr_equal(r.flatmem, fm);
	/* a negative count runs no step (the callers pass Z.to_nat) */
	r = sync_from_doracle(-2, 3, PFN, fm, 11, st->doracle);
	assert_z_equal(r.pfn, PFN);
	assert_ptr_equal(r.flatmem, fm);
}

/* n = 3: S (S (S O)) unfolds innermost first: pfn, pfn+1, pfn+2 get the
 * oracle at logn 11, 12, 13; the result is (pfn + 3, ..., 14). */
static void test_sync_three(void **state)
{
	(void)state;
	const hm_rdata *st = t_with_test_doracle(t_with_flatmem(t_initial(), PFN + 3, 42));
	hm_sync_res r = sync_from_doracle(3, 3, PFN, st->shared->flatmem, 11, st->doracle);
	assert_z_equal(r.pfn, PFN + 3);
	assert_z_equal(r.logn, 14);
	assert_z_equal(hm_map_get_z(r.flatmem, PFN), T_DORC(3, 11));
	assert_z_equal(hm_map_get_z(r.flatmem, PFN + 1), T_DORC(3, 12));
	assert_z_equal(hm_map_get_z(r.flatmem, PFN + 2), T_DORC(3, 13));
	assert_z_equal(hm_map_get_z(r.flatmem, PFN + 3), 42); /* untouched */
	assert_int_equal(hm_map_count(r.flatmem), 4);
}

/* ---- panic_spec ---- */

/* Some adt {halt: true}: only halt changes, tstate stays */
static void test_panic(void **state)
{
	(void)state;
	const hm_rdata *st = t_with_tstate(t_initial(), 1);
	hm_sres r = panic_spec(st);
	assert_non_null(r.st);
	assert_true(r.st->halt);
	T_ASSERT_DIFF(st, r.st, "halt");
	/* already halted: same contents */
	hm_sres r2 = panic_spec(r.st);
	t_assert_state_equal(r2.st, r.st);
}

/* ---- fetch_from_doracle_spec ---- */

/* if halt adt then Some adt, before any rely */
static void test_fetch_halt(void **state)
{
	(void)state;
	const hm_rdata *st = t_with_halt(t_initial(), true);
	assert_ptr_equal(fetch_from_doracle_spec(st, 99, -1, -1).st, st);
}

static void test_fetch_relies(void **state)
{
	(void)state;
	const hm_rdata *st = t_initial();
	T_ASSERT_RELY(fetch_from_doracle_spec(st, COREVISOR + 1, PFN, 1), "is_vmid(vmid)");
	T_ASSERT_RELY(fetch_from_doracle_spec(st, 1, KVM_PFN_SPACE, 1), "is_pfn(pfn)");
	T_ASSERT_RELY(fetch_from_doracle_spec(st, 1, PFN, -1), "is_pfn(pgnum)");
	/* pfn + pgnum - 1 = KVM_PFN_SPACE: out */
	T_ASSERT_RELY(fetch_from_doracle_spec(st, 1, KVM_PFN_SPACE - 1, 2),
		      "is_pfn(pfn + pgnum - 1)");
	/* pgnum = 0 passes all relies (pfn - 1 is a pfn) */
	assert_non_null(fetch_from_doracle_spec(st, 1, PFN, 0).st);
}

/* The CPU pulls CPU 1's flatmem (PFN + 5 = 77) and fills two pages from
 * data_log[2] = 5: PFN <- T_DORC(2, 5), PFN + 1 <- T_DORC(2, 6),
 * data_log[2] = 7, log FLATMEM = OFLATMEM fmem' :: pulled ++ l. tstate
 * is not touched. */
static void test_fetch_two_pages(void **state)
{
	(void)state;
	const hm_rdata *st = t_with_test_doracle(t_with_data_log(t_initial(), 2, 5));
	st = t_with_tstate(st, 3);
	const hm_map *theirs = hm_map_set_z(st->shared->flatmem, PFN + 5, 77);
	hm_mlog *pulled = hm_mlog_cons(1, HM_MEV_OFLATMEM, 0, theirs, NULL);
	hm_mlog *mine = hm_mlog_cons(0, HM_MEV_OFLATMEM, 0, st->shared->flatmem, NULL);
	st = t_with_log(t_with_pulled(st, FLATMEM_ID, pulled), FLATMEM_ID, mine);
	hm_sres r = fetch_from_doracle_spec(st, 2, PFN, 2);
	assert_non_null(r.st);
	const hm_map *fm = r.st->shared->flatmem;
	assert_z_equal(hm_map_get_z(fm, PFN), T_DORC(2, 5));
	assert_z_equal(hm_map_get_z(fm, PFN + 1), T_DORC(2, 6));
	assert_z_equal(hm_map_get_z(fm, PFN + 5), 77);
	assert_int_equal(hm_map_count(fm), 3);
	assert_z_equal(hm_map_get_z(r.st->data_log, 2), 7);
	assert_z_equal(r.st->tstate, 3);
	hm_mlog *tail = hm_mlog_append(pulled, mine);
	T_ASSERT_LOG(mlog_at(r.st->log, FLATMEM_ID), tail, {HM_MEV_OFLATMEM, 0, 0, fm});
	assert_ptr_equal(mlog_at(r.st->log, FLATMEM_ID)->snap, fm);
	T_ASSERT_DIFF(st, r.st, "shared.flatmem", "log[0]", "data_log[2]");
}

/* ---- clear_phys_page_spec ---- */

static void test_clear_phys_page_halt(void **state)
{
	(void)state;
	const hm_rdata *st = t_with_halt(t_initial(), true);
	assert_ptr_equal(clear_phys_page_spec(st, -1).st, st);
}

static void test_clear_phys_page_rely(void **state)
{
	(void)state;
	T_ASSERT_RELY(clear_phys_page_spec(t_initial(), KVM_PFN_SPACE), "is_pfn(pfn)");
}

/* fmem' = (CalFlatmem ... pulled) # pfn == 0: CPU 1's PFN + 1 = 66 comes
 * in, PFN (9 in the CPU's own copy) is zeroed; tstate 1; the log is
 * OFLATMEM fmem' :: pulled ++ l. */
static void test_clear_phys_page(void **state)
{
	(void)state;
	const hm_rdata *st = t_with_flatmem(t_initial(), PFN, 9);
	hm_map *theirs = hm_map_set_z(hm_map_set_z(st->shared->flatmem, PFN + 1, 66), PFN, 8);
	hm_mlog *pulled = hm_mlog_cons(1, HM_MEV_OFLATMEM, 0, theirs, NULL);
	st = t_with_pulled(st, FLATMEM_ID, pulled);
	hm_sres r = clear_phys_page_spec(st, PFN);
	assert_non_null(r.st);
	const hm_map *fm = r.st->shared->flatmem;
	assert_z_equal(hm_map_get_z(fm, PFN), 0);
	assert_z_equal(hm_map_get_z(fm, PFN + 1), 66);
	assert_int_equal(hm_map_count(fm), 1);
	assert_z_equal(r.st->tstate, 1);
	T_ASSERT_LOG(mlog_at(r.st->log, FLATMEM_ID), pulled, {HM_MEV_OFLATMEM, 0, 0, fm});
	T_ASSERT_DIFF(st, r.st, "shared.flatmem", "log[0]", "tstate");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sync_zero),
		cmocka_unit_test(test_sync_three),
		cmocka_unit_test(test_panic),
		cmocka_unit_test(test_fetch_halt),
		cmocka_unit_test(test_fetch_relies),
		cmocka_unit_test(test_fetch_two_pages),
		cmocka_unit_test(test_clear_phys_page_halt),
		cmocka_unit_test(test_clear_phys_page_rely),
		cmocka_unit_test(test_clear_phys_page),
	};
	return cmocka_run_group_tests(tests, t_pool_setup, t_pool_teardown);
}
