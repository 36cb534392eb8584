/* The public stepping API: argument checking, the fast path, and the
 * level comparison of HM_LEVEL_BOTH (MemManagerRefine.md: a high-level
 * Some must be matched by a related low-level Some; a high-level None
 * asks nothing). */
#include "hm_test.h"

#include <string.h>

static void expect_step_error(hm_model *m, int cpu, hm_level level, const char *op,
			      const hm_arg *args, size_t n, hm_error code, const char *message)
{
	hm_result r;
	char *err = NULL;
	const hm_rdata *before = hm_model_view(m, 0);
	assert_int_equal(hm_model_step(m, cpu, level, op, args, n, &r, &err), code);
	assert_non_null(err);
	if (!strstr(err, message))
		fprintf(stderr, "error was: %s\n", err);
	assert_non_null(strstr(err, message));
	hm_free(err);
	assert_ptr_equal(hm_model_view(m, 0), before);
}

static void test_bad_steps_are_errors(void **state)
{
	(void)state;
	hm_model *m = t_model(1);
	hm_arg addr = {"addr", 0x40001000};
	expect_step_error(m, 0, HM_LEVEL_HIGH, "map_page_hots", &addr, 1, HM_ENOTFOUND,
			  "unknown op \"map_page_hots\"");
	expect_step_error(m, 1, HM_LEVEL_HIGH, "map_page_host", &addr, 1, HM_EINVAL, "cpu 1 is not in 0..0");
	expect_step_error(m, 0, HM_LEVEL_HIGH, "map_page_host", NULL, 0, HM_EINVAL,
			  "missing argument \"addr\"");
	hm_arg bad = {"adr", 1};
	expect_step_error(m, 0, HM_LEVEL_HIGH, "map_page_host", &bad, 1, HM_EINVAL,
			  "has no argument \"adr\"");
	expect_step_error(m, 0, HM_LEVEL_LOW, "host_hvc_handler", NULL, 0, HM_EINVAL,
			  "has no low level");
	hm_model_free(m);
}

static void test_step_index_matches_step_by_name(void **state)
{
	(void)state;
	hm_model *a = t_model(1), *b = t_model(1);
	int op = hm_op_index("map_page_host");
	assert_true(op >= 0);
	assert_int_equal(hm_op_index("no_such_op"), -1);
	hm_z argv[1] = {0x40002000};
	hm_arg arg = {"addr", 0x40002000};
	hm_result ra, rb;
	assert_int_equal(hm_model_step_index(a, 0, HM_LEVEL_HIGH, (size_t)op, argv, &ra, NULL), HM_OK);
	assert_int_equal(hm_model_step(b, 0, HM_LEVEL_HIGH, "map_page_host", &arg, 1, &rb, NULL), HM_OK);
	assert_int_equal(ra.kind, HM_RESULT_OK);
	assert_int_equal(rb.kind, HM_RESULT_OK);
	t_assert_state_equal(hm_model_view(a, 0), hm_model_view(b, 0));
	/* the host NPT maps gfn 0x40002 to its own page: pte = pfn * 4096 | PAGE_S2_KERNEL */
	const hm_z3 *e = z3_at(npt_at(hm_model_view(a, 0)->shared->npts, HOSTVISOR)->pt, 0x40002);
	assert_z_equal(e->a, 0x40002);
	assert_z_equal(e->b, 3);
	assert_z_equal(e->c, z_lor(0x40002000, PAGE_S2_KERNEL));
	char *err = NULL;
	assert_int_equal(hm_model_step_index(a, 0, HM_LEVEL_HIGH, 100000, argv, &ra, &err), HM_ENOTFOUND);
	hm_free(err);
	hm_model_free(a);
	hm_model_free(b);
}

static void test_both_high_none_asks_nothing(void **state)
{
	(void)state;
	hm_model *m = t_model(1);
	/* KVM_PHYS_SIZE <= addr < KVM_ADDR_SPACE: the high level's
	 * `rely is_paddr addr` fails, the low level's `rely is_addr addr`
	 * holds: no obligation, no disagreement. */
	hm_arg addr = {"addr", KVM_PHYS_SIZE};
	hm_result r;
	assert_int_equal(hm_model_step(m, 0, HM_LEVEL_BOTH, "map_page_host", &addr, 1, &r, NULL), HM_OK);
	assert_int_equal(r.kind, HM_RESULT_RELY);
	assert_false(r.levels_disagree);
	hm_model_free(m);
}

static void test_both_high_some_low_none_disagrees(void **state)
{
	(void)state;
	hm_model *m = t_model(1);
	/* A page of VM 1, and the host NPT lock flag held: the high
	 * clear_vm_page never looks at the NPT lock (Some); the low one
	 * acquires it in clear_pfn_host_spec and finds LockOwn (None). */
	char *err = NULL;
	assert_int_equal(hm_model_overlay_json(m, 0,
					       "{\"shared\": {\"s2page\": {\"0x40010\": {\"s2_owner\": 1,"
					       " \"s2_gfn\": \"0x80000\"}}}, \"lock\": {\"NPT_ID\": \"LockOwn true\"}}",
					       &err),
			 HM_OK);
	hm_arg args[2] = {{"vmid", 1}, {"pfn", 0x40010}};
	hm_result r;
	assert_int_equal(hm_model_step(m, 0, HM_LEVEL_BOTH, "clear_vm_page", args, 2, &r, NULL), HM_OK);
	assert_int_equal(r.kind, HM_RESULT_OK);
	assert_true(r.levels_disagree);
	assert_non_null(strstr(m->refinement_report->str, "result: high Some, low None"));
	/* the high level's result is the one kept */
	assert_z_equal(hm_model_s2page(m, 0, 0x40010).s2_owner, HOSTVISOR);
	hm_model_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_steps_are_errors),
		cmocka_unit_test(test_step_index_matches_step_by_name),
		cmocka_unit_test(test_both_high_none_asks_nothing),
		cmocka_unit_test(test_both_high_some_low_none_disagrees),
	};
	return cmocka_run_group_tests(tests, t_pool_setup, t_pool_teardown);
}
