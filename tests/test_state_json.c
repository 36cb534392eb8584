/* The JSON form of the state: values, round trips, overlay, partial
 * matching, diff paths, and rejection of bad input. */
#include "hm_test.h"

#include <string.h>

#include "json.h"

static json_t *parse(const char *text)
{
	json_error_t e;
	json_t *j = json_loads(text, JSON_DECODE_ANY, &e);
	assert_non_null(j);
	return j;
}

static bool z_of(const char *text, hm_z *out)
{
	json_t *j = parse(text);
	const char *why = NULL;
	bool ok = hm_json_to_z(j, out, &why);
	json_decref(j);
	return ok;
}

static void test_values_accepted(void **state)
{
	(void)state;
	hm_z v;
	assert_true(z_of("\"0x40001fff\"", &v));
	assert_z_equal(v, 0x40001fff);
	assert_true(z_of("\"-1\"", &v));
	assert_z_equal(v, -1);
	assert_true(z_of("-1", &v));
	assert_z_equal(v, -1);
	assert_true(z_of("\"18446744073709551615\"", &v));
	assert_z_equal(v, INVALID64);
	assert_true(z_of("\"0xffffffffffffffff\"", &v));
	assert_z_equal(v, INVALID64);
	assert_true(z_of("\"INVALID64\"", &v));
	assert_z_equal(v, INVALID64);
	assert_true(z_of("\"HOSTVISOR\"", &v));
	assert_z_equal(v, 0);
	assert_true(z_of("\"PAGE_GUEST\"", &v));
	assert_z_equal(v, (hm_z)144115188075855872LL);
	assert_true(z_of("\"S2PAGE_ID\"", &v));
	assert_z_equal(v, 2);
	assert_true(z_of("\"HVC_REGISTER_KVM\"", &v));
	assert_z_equal(v, 24);
	assert_true(z_of("\"-9223372036854775808\"", &v));
	assert_z_equal(v, -((hm_z)1 << 63));
}

static void test_values_rejected(void **state)
{
	(void)state;
	hm_z v;
	assert_false(z_of("\"18446744073709551616\"", &v)); /* 2^64 */
	assert_false(z_of("\"-9223372036854775809\"", &v)); /* below -2^63 */
	assert_false(z_of("\"0x\"", &v));
	assert_false(z_of("\"12abc\"", &v));
	assert_false(z_of("\"NO_SUCH_CONSTANT\"", &v));
	assert_false(z_of("1.5", &v));
	assert_false(z_of("true", &v));
	assert_false(z_of("null", &v));
	assert_false(z_of("\"\"", &v));
	assert_int_equal(hm_parse_z("0x1g", &v), HM_ENOTFOUND);
	assert_int_equal(hm_parse_z("99999999999999999999999", &v), HM_EINVAL);
}

static void test_values_written(void **state)
{
	(void)state;
	json_t *j = hm_json_from_z(((hm_z)1 << 53) - 1);
	assert_true(json_is_integer(j));
	json_decref(j);
	j = hm_json_from_z((hm_z)1 << 53);
	assert_string_equal(json_string_value(j), "0x20000000000000");
	json_decref(j);
	j = hm_json_from_z(INVALID64);
	assert_string_equal(json_string_value(j), "0xffffffffffffffff");
	json_decref(j);
	j = hm_json_from_z(-1);
	assert_int_equal(json_integer_value(j), -1);
	json_decref(j);
	char buf[48];
	assert_string_equal(hm_key_text(0x40001, buf), "0x40001");
	assert_string_equal(hm_key_text(12, buf), "12");
}

/* A state touching every kind of value: pages, NPT entries, nested maps,
 * logs with snapshots, the single log, registers, locks. */
static const hm_rdata *rich_state(void)
{
	const hm_rdata *st = t_initial();
	hm_rdata *r = t_with_page(st, 0x40001, 1, 0, 0x80000);
	r = t_with_lock(r, S2PAGE_ID, HM_LOCK_OWN_TRUE);
	hm_rdata *e = rd_edit(r);
	e->halt = true;
	e->tstate = 1;
	hm_ctxt *regs = ctxt_edit(e->regs);
	regs->ctxt_regs.x0 = INVALID64;
	regs->ctxt_regs.x1 = -1;
	regs->ctxt_states.pc = 0x1000;
	SETP(e, regs, regs);
	hm_shared *sh = sh_edit(e->shared);
	hm_npt *npt = npt_edit(npt_at(sh->npts, 0));
	hm_z3 entry = {0x40001, 3, 0x40001fff};
	SETP(npt, pt, hm_map_set(npt->pt, 0x40001, &entry));
	SETP(npt, pud_t, hm_map2_set_bool(npt->pud_t, 0, 1, true));
	SETP(npt, pt_updates, hm_ulist_cons(HM_UPDATE_PTE, 0x1000, 0x40001fff, NULL));
	SETP(sh, npts, hm_map_set_ptr(sh->npts, 0, npt));
	SETP(sh, flatmem, hm_map_set_z(sh->flatmem, 0x40001, 0xdeadbeef));
	SETP(e, shared, sh);
	hm_mlog *l = hm_mlog_cons(0, HM_MEV_WAIT_LOCK, 10, NULL, NULL);
	l = hm_mlog_cons(0, HM_MEV_OPULL, S2PAGE_ID, NULL, l);
	l = hm_mlog_cons(0, HM_MEV_OS2_PAGE, 0, sh->s2page, l);
	l = hm_mlog_cons(0, HM_MEV_ONPT, 0, npt, l);
	l = hm_mlog_cons_core(0, (hm_core_data){2, 3}, l);
	SETP(e, log, hm_map_set_ptr(e->log, S2PAGE_ID, l));
	hm_z args[4] = {0x40001000};
	SETP(e, slog, hm_slog_cons(0, HM_AEV_OMAP_HOST, args, NULL, NULL, NULL));
	SETP(e, data_log, hm_map_set_z(e->data_log, 1, 4));
	return e;
}

static void test_round_trip_is_identity(void **state)
{
	(void)state;
	const hm_rdata *st = rich_state();
	json_t *j = hm_json_encode_state(st);
	GString *err = g_string_new(NULL);
	hm_rdata *back = hm_json_decode_state(j, st, err);
	if (!back)
		fprintf(stderr, "%s\n", err->str);
	assert_non_null(back);
	t_assert_state_equal(st, back);
	json_t *j2 = hm_json_encode_state(back);
	assert_true(json_equal(j, j2));
	json_decref(j);
	json_decref(j2);
	g_string_free(err, TRUE);
}

static void test_overlay_changes_only_named_fields(void **state)
{
	(void)state;
	const hm_rdata *st = t_initial();
	json_t *j = parse("{\"halt\": true, \"shared\": {\"s2page\": {\"0x40001\": {\"s2_owner\": 1}}}}");
	GString *err = g_string_new(NULL);
	hm_rdata *after = hm_json_overlay_state(st, j, err);
	assert_non_null(after);
	GString *d = g_string_new(NULL);
	hm_diff_state(st, after, d);
	assert_string_equal(d->str, "halt: false -> true\n"
				    "shared.s2page[0x40001].s2_owner: 0 -> 1\n");
	/* the other fields of the page keep their values */
	assert_z_equal(s2page_at(after->shared->s2page, 0x40001)->s2_gfn, 0x40001 + SMMU_HOST_OFFSET);
	/* the input is untouched */
	assert_false(st->halt);
	json_decref(j);
	g_string_free(err, TRUE);
	g_string_free(d, TRUE);
}

static void test_overlay_by_constant_names(void **state)
{
	(void)state;
	const hm_rdata *st = t_initial();
	json_t *j = parse("{\"lock\": {\"S2PAGE_ID\": \"LockOwn true\"},"
			  " \"shared\": {\"vminfos\": {\"1\": {\"VS\": {\"vm_state\": \"VERIFIED\"}}}}}");
	GString *err = g_string_new(NULL);
	hm_rdata *after = hm_json_overlay_state(st, j, err);
	assert_non_null(after);
	assert_int_equal(lock_at(after->lock, S2PAGE_ID), HM_LOCK_OWN_TRUE);
	assert_z_equal(vminfo_at(after->shared->vminfos, 1)->VS.vm_state, VERIFIED);
	json_decref(j);
	g_string_free(err, TRUE);
}

static void expect_overlay_error(const char *text, const char *message)
{
	json_t *j = parse(text);
	GString *err = g_string_new(NULL);
	assert_null(hm_json_overlay_state(t_initial(), j, err));
	if (!strstr(err->str, message))
		fprintf(stderr, "error was: %s\n", err->str);
	assert_non_null(strstr(err->str, message));
	json_decref(j);
	g_string_free(err, TRUE);
}

static void test_overlay_rejects_bad_input(void **state)
{
	(void)state;
	expect_overlay_error("{\"hlt\": true}", "hlt: unknown field of RData");
	expect_overlay_error("{\"halt\": 1}", "halt: expected true or false");
	expect_overlay_error("{\"tstate\": \"x\"}", "tstate: not an integer");
	expect_overlay_error("{\"shared\": {\"s2page\": {\"zz\": {}}}}", "shared.s2page[zz]: key is not");
	expect_overlay_error("{\"shared\": {\"s2page\": {\"5\": {\"owner\": 1}}}}",
			     "shared.s2page[5].owner: unknown field of S2Page");
	expect_overlay_error("{\"shared\": {\"npts\": {\"0\": {\"pt\": {\"1\": [1, 2]}}}}}",
			     "shared.npts[0].pt[1]: expected an array of 3 integers");
	expect_overlay_error("{\"lock\": {\"2\": \"Locked\"}}", "lock[2]: expected \"LockFalse\"");
	expect_overlay_error("{\"log\": {\"2\": [{\"cpu\": 0, \"event\": \"NOPE\"}]}}",
			     "log[2][0].event: unknown MultiLog event \"NOPE\"");
	expect_overlay_error("{\"log\": {\"2\": [{\"cpu\": 0, \"event\": \"WAIT_LOCK\"}]}}",
			     "log[2][0].n: missing");
	expect_overlay_error("{\"slog\": [{\"cpu\": 0, \"event\": \"OMAP_HOST\", \"adr\": 1}]}",
			     "slog[0].addr: missing");
	expect_overlay_error("{\"tstate\": \"18446744073709551616\"}", "tstate: out of range");
}

static void test_match_reports_paths(void **state)
{
	(void)state;
	const hm_rdata *st = t_with_page(t_initial(), 0x40001, 1, 0, 0x80000);
	GString *report = g_string_new(NULL), *err = g_string_new(NULL);
	json_t *ok = parse("{\"shared\": {\"s2page\": {\"0x40001\": {\"s2_owner\": 1, \"s2_gfn\": \"0x80000\"},"
			   " \"0x10\": {\"s2_owner\": \"INVALID\"}}}, \"halt\": false}");
	assert_true(hm_json_match_state(st, ok, report, err));
	assert_int_equal(report->len, 0);
	json_t *bad = parse("{\"shared\": {\"s2page\": {\"0x40001\": {\"s2_owner\": 5}}}, \"tstate\": 1}");
	assert_false(hm_json_match_state(st, bad, report, err));
	assert_int_equal(err->len, 0);
	assert_string_equal(report->str, "shared.s2page[0x40001].s2_owner: expected 5, model 1\n"
					 "tstate: expected 1, model 0\n");
	json_decref(ok);
	json_decref(bad);
	/* a malformed expectation is an error, not a mismatch */
	g_string_truncate(report, 0);
	json_t *malformed = parse("{\"shared\": {\"s2pages\": {}}}");
	assert_false(hm_json_match_state(st, malformed, report, err));
	assert_non_null(strstr(err->str, "shared.s2pages: unknown field of Shared"));
	json_decref(malformed);
	g_string_free(report, TRUE);
	g_string_free(err, TRUE);
}

static void test_match_logs_whole(void **state)
{
	(void)state;
	const hm_rdata *st = t_initial();
	hm_mlog *l = hm_mlog_cons(0, HM_MEV_REL_LOCK, 0, NULL,
				  hm_mlog_cons(0, HM_MEV_WAIT_LOCK, 10, NULL, NULL));
	st = t_with_log(st, S2PAGE_ID, l);
	GString *report = g_string_new(NULL), *err = g_string_new(NULL);
	json_t *j = parse("{\"log\": {\"S2PAGE_ID\": [{\"cpu\": 0, \"event\": \"REL_LOCK\"},"
			  " {\"cpu\": 0, \"event\": \"WAIT_LOCK\", \"n\": 10}]}}");
	assert_true(hm_json_match_state(st, j, report, err));
	json_decref(j);
	j = parse("{\"log\": {\"S2PAGE_ID\": [{\"cpu\": 0, \"event\": \"REL_LOCK\"}]}}");
	assert_false(hm_json_match_state(st, j, report, err));
	assert_non_null(strstr(report->str, "log[2]: expected"));
	json_decref(j);
	g_string_free(report, TRUE);
	g_string_free(err, TRUE);
}

static void test_diff_of_logs_and_registers(void **state)
{
	(void)state;
	const hm_rdata *a = t_initial();
	hm_rdata *b = rd_edit(a);
	hm_ctxt *regs = ctxt_edit(b->regs);
	regs->ctxt_regs.x3 = 0x40001000;
	SETP(b, regs, regs);
	SETP(b, log, hm_map_set_ptr(b->log, NPT_ID, hm_mlog_cons(1, HM_MEV_OPULL, NPT_ID, NULL, NULL)));
	GString *d = g_string_new(NULL);
	hm_diff_state(a, b, d);
	assert_non_null(strstr(d->str, "regs.ctxt_regs.x3: 0 -> 0x40001000\n"));
	assert_non_null(strstr(d->str, "log[5]: 0 events -> 1 events (0 in common, oldest first)\n"));
	assert_non_null(strstr(d->str, "log[5][0]: + {\"cpu\":1,\"event\":\"OPULL\",\"id\":5}"));
	g_string_free(d, TRUE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_values_accepted),
		cmocka_unit_test(test_values_rejected),
		cmocka_unit_test(test_values_written),
		cmocka_unit_test(test_round_trip_is_identity),
		cmocka_unit_test(test_overlay_changes_only_named_fields),
		cmocka_unit_test(test_overlay_by_constant_names),
		cmocka_unit_test(test_overlay_rejects_bad_input),
		cmocka_unit_test(test_match_reports_paths),
		cmocka_unit_test(test_match_logs_whole),
		cmocka_unit_test(test_diff_of_logs_and_registers),
	};
	return cmocka_run_group_tests(tests, t_pool_setup, t_pool_teardown);
}
