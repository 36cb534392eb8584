/* PageManagerSpec.md, Section PageManagerSpec: get/set of the owner,
 * count and gfn of a page's S2Page entry under the S2PAGE lock.
 * Expected values are read off the Coq, case by case. */
#include "hm_test.h"
#include "mm_low_test.h"

#include "page_manager_spec.h"

#define PFN ((hm_z)0x40010) /* a RAM page: initially {HOSTVISOR, 0, pfn + SMMU_HOST_OFFSET} */

/* The S2PAGE lock held by the CPU, page PFN = {owner, count, gfn}. */
static const hm_rdata *locked_with(hm_z owner, hm_z count, hm_z gfn)
{
	const hm_rdata *st = t_with_page(t_initial(), PFN, owner, count, gfn);
	return t_with_lock(st, S2PAGE_ID, HM_LOCK_OWN_TRUE);
}

typedef hm_sres (*getter)(const hm_rdata *, hm_z);

/* rely is_gfn pfn: KVM_GFN_SPACE = 2^36 is out, so is -1 */
static void test_getters_rely_gfn(void **state)
{
	(void)state;
	const getter g[] = {get_pfn_owner_spec, get_pfn_count_spec, get_pfn_map_spec};
	const hm_rdata *st = locked_with(5, 1, 9);
	for (int i = 0; i < 3; i++) {
		T_ASSERT_RELY(g[i](st, KVM_GFN_SPACE), "is_gfn(pfn)");
		T_ASSERT_RELY(g[i](st, -1), "is_gfn(pfn)");
		/* rely comes before the halt test */
		T_ASSERT_RELY(g[i](t_with_halt(st, true), KVM_GFN_SPACE), "is_gfn(pfn)");
	}
}

/* if halt adt then Some 0 (Some (VZ64 0)), whatever the lock */
static void test_getters_halt(void **state)
{
	(void)state;
	const getter g[] = {get_pfn_owner_spec, get_pfn_count_spec, get_pfn_map_spec};
	const hm_rdata *st = t_with_halt(t_with_page(t_initial(), PFN, 5, 1, 9), true);
	for (int i = 0; i < 3; i++) {
		hm_sres r = g[i](st, PFN);
		assert_ptr_equal(r.st, st);
		assert_true(r.has_ret);
		assert_z_equal(r.ret, 0);
	}
}

/* lock not LockOwn true: None (LockFalse and LockOwn false) */
static void test_getters_not_held(void **state)
{
	(void)state;
	const getter g[] = {get_pfn_owner_spec, get_pfn_count_spec, get_pfn_map_spec};
	for (int i = 0; i < 3; i++) {
		T_ASSERT_NONE(g[i](t_with_page(t_initial(), PFN, 5, 1, 9), PFN));
		T_ASSERT_NONE(g[i](t_with_lock(t_initial(), S2PAGE_ID, HM_LOCK_OWN_FALSE), PFN));
	}
}

/* LockOwn true: Some (field of pfn @ s2page), the state unchanged */
static void test_getters_value(void **state)
{
	(void)state;
	const hm_rdata *st = locked_with(5, 1, 9);
	hm_sres r = get_pfn_owner_spec(st, PFN);
	assert_ptr_equal(r.st, st);
	assert_z_equal(r.ret, 5);
	r = get_pfn_count_spec(st, PFN);
	assert_ptr_equal(r.st, st);
	assert_z_equal(r.ret, 1);
	r = get_pfn_map_spec(st, PFN);
	assert_ptr_equal(r.st, st);
	assert_z_equal(r.ret, 9);
	/* a page outside RAM reads the default {INVALID, 0, INVALID64} */
	assert_z_equal(get_pfn_owner_spec(st, 5).ret, INVALID);
	assert_z_equal(get_pfn_count_spec(st, 5).ret, 0);
	assert_z_equal(get_pfn_map_spec(st, 5).ret, INVALID64);
}

/* rely is_int (s2_owner page) / (s2_count page); is_int64 (s2_gfn page) */
static void test_getters_rely_value(void **state)
{
	(void)state;
	T_ASSERT_RELY(get_pfn_owner_spec(locked_with(-1, 0, 0), PFN), "is_int(page.s2_owner)");
	T_ASSERT_RELY(get_pfn_owner_spec(locked_with(INVALID + 1, 0, 0), PFN),
		      "is_int(page.s2_owner)");
	T_ASSERT_RELY(get_pfn_count_spec(locked_with(0, INVALID + 1, 0), PFN),
		      "is_int(page.s2_count)");
	T_ASSERT_RELY(get_pfn_map_spec(locked_with(0, 0, INVALID64 + 1), PFN),
		      "is_int64(page.s2_gfn)");
	/* the bounds themselves are fine */
	assert_z_equal(get_pfn_owner_spec(locked_with(INVALID, 0, 0), PFN).ret, INVALID);
	assert_z_equal(get_pfn_map_spec(locked_with(0, 0, INVALID64), PFN).ret, INVALID64);
}

/* ---- setters ---- */

static hm_sres set_owner(const hm_rdata *st, hm_z v) { return set_pfn_owner_spec(st, PFN, v); }
static hm_sres set_count(const hm_rdata *st, hm_z v) { return set_pfn_count_spec(st, PFN, v); }
static hm_sres set_map(const hm_rdata *st, hm_z v) { return set_pfn_map_spec(st, PFN, v); }

static void test_setters_rely_gfn(void **state)
{
	(void)state;
	const hm_rdata *st = locked_with(5, 1, 9);
	T_ASSERT_RELY(set_pfn_owner_spec(st, KVM_GFN_SPACE, 1), "is_gfn(pfn)");
	T_ASSERT_RELY(set_pfn_count_spec(st, -1, 1), "is_gfn(pfn)");
	T_ASSERT_RELY(set_pfn_map_spec(st, KVM_GFN_SPACE, 1), "is_gfn(pfn)");
}

/* if halt adt then Some adt */
static void test_setters_halt(void **state)
{
	(void)state;
	const hm_rdata *st = t_with_halt(t_initial(), true);
	hm_sres (*const f[])(const hm_rdata *, hm_z) = {set_owner, set_count, set_map};
	for (int i = 0; i < 3; i++)
		assert_ptr_equal(f[i](st, 3).st, st);
}

static void test_setters_not_held(void **state)
{
	(void)state;
	hm_sres (*const f[])(const hm_rdata *, hm_z) = {set_owner, set_count, set_map};
	for (int i = 0; i < 3; i++) {
		T_ASSERT_NONE(f[i](t_initial(), 3));
		T_ASSERT_NONE(f[i](t_with_lock(t_initial(), S2PAGE_ID, HM_LOCK_OWN_FALSE), 3));
	}
}

/* s2_owner page =? INVALID: Some adt, unchanged (even for a vmid the
 * other arm's rely would refuse) */
static void test_setters_invalid_owner(void **state)
{
	(void)state;
	const hm_rdata *st = locked_with(INVALID, 4, 8);
	assert_ptr_equal(set_owner(st, 99).st, st);
	assert_ptr_equal(set_count(st, 2).st, st);
	assert_ptr_equal(set_map(st, 2).st, st);
}

/* otherwise the field is replaced; only shared.s2page[PFN] changes */
static void test_set_owner(void **state)
{
	(void)state;
	const hm_rdata *st = locked_with(5, 1, 9);
	hm_sres r = set_owner(st, COREVISOR);
	assert_non_null(r.st);
	hm_s2page p = t_page(r.st, PFN);
	assert_z_equal(p.s2_owner, COREVISOR);
	assert_z_equal(p.s2_count, 1);
	assert_z_equal(p.s2_gfn, 9);
	T_ASSERT_DIFF(st, r.st, "shared.s2page[0x40010].s2_owner");
}

/* rely is_vmid vmid, only on the updating arm */
static void test_set_owner_rely_vmid(void **state)
{
	(void)state;
	T_ASSERT_RELY(set_owner(locked_with(5, 1, 9), COREVISOR + 1), "is_vmid(vmid)");
}

static void test_set_count(void **state)
{
	(void)state;
	const hm_rdata *st = locked_with(5, 1, 9);
	/* count is not range-checked: INVALID is stored as is */
	hm_sres r = set_count(st, INVALID);
	assert_non_null(r.st);
	hm_s2page p = t_page(r.st, PFN);
	assert_z_equal(p.s2_owner, 5);
	assert_z_equal(p.s2_count, INVALID);
	assert_z_equal(p.s2_gfn, 9);
	T_ASSERT_DIFF(st, r.st, "shared.s2page[0x40010].s2_count");
}

static void test_set_map(void **state)
{
	(void)state;
	const hm_rdata *st = locked_with(5, 1, 9);
	hm_sres r = set_map(st, 0x1234);
	assert_non_null(r.st);
	hm_s2page p = t_page(r.st, PFN);
	assert_z_equal(p.s2_owner, 5);
	assert_z_equal(p.s2_count, 1);
	assert_z_equal(p.s2_gfn, 0x1234);
	T_ASSERT_DIFF(st, r.st, "shared.s2page[0x40010].s2_gfn");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_getters_rely_gfn),
		cmocka_unit_test(test_getters_halt),
		cmocka_unit_test(test_getters_not_held),
		cmocka_unit_test(test_getters_value),
		cmocka_unit_test(test_getters_rely_value),
		cmocka_unit_test(test_setters_rely_gfn),
		cmocka_unit_test(test_setters_halt),
		cmocka_unit_test(test_setters_not_held),
		cmocka_unit_test(test_setters_invalid_owner),
		cmocka_unit_test(test_set_owner),
		cmocka_unit_test(test_set_owner_rely_vmid),
		cmocka_unit_test(test_set_count),
		cmocka_unit_test(test_set_map),
	};
	return cmocka_run_group_tests(tests, t_pool_setup, t_pool_teardown);
}
