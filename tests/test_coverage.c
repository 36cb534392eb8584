/* coverage.c: the per-function table of branch points built from the
 * "hm_cov" section. The probes below are COV sites of this executable, so
 * the expected counts are known exactly; the last tests read the sites of
 * a real spec function. */
#include <string.h>

#include "hm_test.h"

#include "coverage.h"
#include "mem_manager_spec.h"

/* four branch points */
static __attribute__((noinline)) void cov_probe(int x)
{
	if (x == 0) {
		COV("x =? 0: true");
		return;
	}
	COV("x =? 0: false");
	if (x > 5) {
		COV("x >? 5: true");
	} else {
		COV("x >? 5: false");
	}
}

/* two sites with one label: one branch point */
static __attribute__((noinline)) void cov_probe_dup(int x)
{
	if (x) {
		COV("same arm");
	} else {
		COV("same arm");
	}
}

static const char *untaken_at(const hm_cov_fn *f, guint i)
{
	return g_ptr_array_index(f->untaken, i);
}

/* After a reset nothing is taken: every label of cov_probe is listed,
 * sorted (strcmp: "x =? 0: false" < "x =? 0: true" < "x >? 5: false" <
 * "x >? 5: true", since '=' < '>'). */
static void test_reset_nothing_taken(void **state)
{
	(void)state;
	hm_cov_reset();
	hm_cov_report *r = hm_cov_report_new();
	const hm_cov_fn *f = hm_cov_report_find(r, "cov_probe");
	assert_non_null(f);
	assert_int_equal(f->total, 4);
	assert_int_equal(f->taken, 0);
	assert_int_equal(f->hits, 0);
	assert_int_equal(f->untaken->len, 4);
	assert_string_equal(untaken_at(f, 0), "x =? 0: false");
	assert_string_equal(untaken_at(f, 1), "x =? 0: true");
	assert_string_equal(untaken_at(f, 2), "x >? 5: false");
	assert_string_equal(untaken_at(f, 3), "x >? 5: true");
	assert_int_equal(r->taken, 0);
	hm_cov_report_free(r);
}

/* cov_probe(0) runs "x =? 0: true"; cov_probe(7) runs "x =? 0: false"
 * and "x >? 5: true": 3 of 4 taken, 3 hits, only "x >? 5: false" left. */
static void test_taken_and_untaken(void **state)
{
	(void)state;
	hm_cov_reset();
	cov_probe(0);
	cov_probe(7);
	hm_cov_report *r = hm_cov_report_new();
	const hm_cov_fn *f = hm_cov_report_find(r, "cov_probe");
	assert_int_equal(f->total, 4);
	assert_int_equal(f->taken, 3);
	assert_int_equal(f->hits, 3);
	assert_int_equal(f->untaken->len, 1);
	assert_string_equal(untaken_at(f, 0), "x >? 5: false");
	/* the grand total counts them too */
	assert_int_equal(r->taken, 3);
	hm_cov_report_free(r);
}

static void test_same_label_merged(void **state)
{
	(void)state;
	hm_cov_reset();
	hm_cov_report *r = hm_cov_report_new();
	const hm_cov_fn *f = hm_cov_report_find(r, "cov_probe_dup");
	assert_int_equal(f->total, 1);
	assert_int_equal(f->taken, 0);
	hm_cov_report_free(r);
	/* either arm takes the one branch point; both arms: 2 hits */
	cov_probe_dup(1);
	cov_probe_dup(0);
	r = hm_cov_report_new();
	f = hm_cov_report_find(r, "cov_probe_dup");
	assert_int_equal(f->total, 1);
	assert_int_equal(f->taken, 1);
	assert_int_equal(f->hits, 2);
	assert_int_equal(f->untaken->len, 0);
	hm_cov_report_free(r);
}

static void test_sorted_by_function(void **state)
{
	(void)state;
	hm_cov_report *r = hm_cov_report_new();
	assert_true(r->fns->len > 10); /* the spec functions of the library */
	size_t total = 0;
	for (guint i = 0; i < r->fns->len; i++) {
		const hm_cov_fn *f = &g_array_index(r->fns, hm_cov_fn, i);
		if (i)
			assert_true(strcmp(g_array_index(r->fns, hm_cov_fn, i - 1).fn, f->fn) < 0);
		assert_int_equal(f->taken + f->untaken->len, f->total);
		total += f->total;
	}
	assert_int_equal(total, r->total);
	assert_null(hm_cov_report_find(r, "no_such_function"));
	hm_cov_report_free(r);
}

/* map_page_host_spec has six branch points (halt; locks; H_CalLock;
 * local_mmap None / Some; the VM-page halt); on a halted state it takes
 * "halt adt: true" only (is_paddr holds for 0x40040000). */
static void test_spec_function(void **state)
{
	(void)state;
	hm_cov_reset();
	hm_rdata *st = rd_edit(t_initial());
	st->halt = true;
	assert_non_null(map_page_host_spec(st, 0x40040000).st);
	hm_cov_report *r = hm_cov_report_new();
	const hm_cov_fn *f = hm_cov_report_find(r, "map_page_host_spec");
	assert_non_null(f);
	assert_int_equal(f->total, 6);
	assert_int_equal(f->taken, 1);
	assert_int_equal(f->untaken->len, 5);
	for (guint i = 0; i < f->untaken->len; i++)
		assert_string_not_equal(untaken_at(f, i), "halt adt: true");
	/* nothing else ran */
	assert_int_equal(r->taken, 1);
	hm_cov_report_free(r);
}

static void test_text_and_json(void **state)
{
	(void)state;
	hm_cov_reset();
	cov_probe(0);
	cov_probe(7);
	hm_cov_report *r = hm_cov_report_new();
	GString *s = g_string_new(NULL);
	hm_cov_report_text(r, true, s);
	/* the function's line, then its one untaken label under it */
	const char *line = strstr(s->str, "\ncov_probe ");
	assert_non_null(line);
	const char *eol = strchr(line + 1, '\n');
	assert_non_null(strstr(line, "3/4"));
	assert_true(strstr(line, "3/4") < eol);
	const char *want = "    never: x >? 5: false\n";
	assert_int_equal(strncmp(eol + 1, want, strlen(want)), 0);
	assert_non_null(strstr(s->str, "\ntotal "));
	g_string_truncate(s, 0);
	hm_cov_report_text(r, false, s);
	assert_null(strstr(s->str, "never:"));
	g_string_free(s, TRUE);

	json_t *j = hm_cov_report_json(r);
	assert_int_equal(json_integer_value(json_object_get(j, "taken")), 3);
	json_t *fns = json_object_get(j, "functions");
	assert_int_equal(json_array_size(fns), r->fns->len);
	bool seen = false;
	for (size_t i = 0; i < json_array_size(fns); i++) {
		json_t *f = json_array_get(fns, i);
		if (strcmp(json_string_value(json_object_get(f, "fn")), "cov_probe") != 0)
			continue;
		seen = true;
		assert_int_equal(json_integer_value(json_object_get(f, "taken")), 3);
		assert_int_equal(json_integer_value(json_object_get(f, "total")), 4);
		assert_int_equal(json_integer_value(json_object_get(f, "hits")), 3);
		json_t *u = json_object_get(f, "untaken");
		assert_int_equal(json_array_size(u), 1);
		assert_string_equal(json_string_value(json_array_get(u, 0)), "x >? 5: false");
	}
	assert_true(seen);
	json_decref(j);
	hm_cov_report_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reset_nothing_taken), cmocka_unit_test(test_taken_and_untaken),
		cmocka_unit_test(test_same_label_merged),   cmocka_unit_test(test_sorted_by_function),
		cmocka_unit_test(test_spec_function),       cmocka_unit_test(test_text_and_json),
	};
	return cmocka_run_group_tests(tests, t_pool_setup, t_pool_teardown);
}
