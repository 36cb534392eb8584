/* The small-object allocator (alloc.h): line-aligned blocks stay aligned
 * whatever other blocks of their size were freed before, and log cells
 * are made of them; jansson can allocate from it (json.h), as the
 * command makes it. */
#include "hm_test.h"

#include <string.h>

#include "alloc.h"
#include "json.h"
#include "log.h"

#define BLOCKS 64

static bool on_a_line(const void *p) { return ((uintptr_t)p % HM_LINE) == 0; }

static void test_line_blocks_start_on_a_line(void **state)
{
	(void)state;
	/* 192 bytes is a size plain blocks come in too (a trie node of 22
	 * children): free plenty of those first, from malloc's 16-byte
	 * alignment, so that a shared free list would hand them back. */
	void *plain[BLOCKS], *lines[BLOCKS];
	for (int i = 0; i < BLOCKS; i++)
		plain[i] = hm_alloc(192);
	for (int i = 0; i < BLOCKS; i++)
		hm_dealloc(plain[i], 192);
	for (int i = 0; i < BLOCKS; i++) {
		lines[i] = hm_alloc_lines(192);
		assert_true(on_a_line(lines[i]));
		memset(lines[i], 0xa5, 192); /* the whole block is usable */
	}
	/* and the line blocks freed and taken again are still aligned */
	for (int i = 0; i < BLOCKS; i++)
		hm_dealloc_lines(lines[i], 192);
	for (int i = 0; i < BLOCKS; i++) {
		lines[i] = hm_alloc_lines(256);
		assert_true(on_a_line(lines[i]));
	}
	for (int i = 0; i < BLOCKS; i++)
		hm_dealloc_lines(lines[i], 256);
}

static void test_log_cells_start_on_a_line(void **state)
{
	(void)state;
	const hm_mlog *l = NULL;
	for (int i = 0; i < BLOCKS; i++) {
		l = hm_mlog_cons(i % 3, HM_MEV_INC_NOW, 0, NULL, l);
		assert_true(on_a_line(l));
	}
	/* a compaction's bottom cell (hm_mlog_compacted) and the copies it
	 * rebuilds on top of it */
	const hm_mlog *c = hm_mlog_compact(l, 2);
	assert_ptr_not_equal(c, l);
	for (const hm_mlog *p = c; p; p = hm_mlog_next(p))
		assert_true(on_a_line(p));
	/* the oracle's lazy prefix, and the copy a walk past it makes */
	const hm_mlog *pre = hm_mlog_prefix(l, 5);
	for (const hm_mlog *p = pre; p; p = hm_mlog_next(p))
		assert_true(on_a_line(p));
}

/* main switched jansson to the small-object allocator before anything
 * else: values, and the text json_dumps makes, go through it. */
static void test_jansson_on_the_small_allocator(void **state)
{
	(void)state;
	json_malloc_t m = NULL;
	json_free_t f = NULL;
	json_get_alloc_funcs(&m, &f);
	assert_ptr_not_equal(m, malloc);
	assert_ptr_not_equal(f, free);
	json_error_t err;
	for (int round = 0; round < 100; round++) {
		json_t *j = json_loads("{\"op\": \"map_page_host\", \"args\": {\"addr\": "
				       "\"0x40001000\"}, \"expect\": {\"result\": \"ok\"}}",
				       0, &err);
		assert_non_null(j);
		json_object_set_new(j, "cpu", json_integer(round));
		char *text = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
		assert_non_null(text);
		assert_non_null(strstr(text, "\"addr\":\"0x40001000\""));
		/* free() here would be handed a pointer inside a block */
		hm_json_text_free(text);
		json_decref(j);
	}
}

int main(void)
{
	hm_json_use_small_alloc();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_line_blocks_start_on_a_line),
		cmocka_unit_test(test_log_cells_start_on_a_line),
		cmocka_unit_test(test_jansson_on_the_small_allocator),
	};
	return cmocka_run_group_tests(tests, t_pool_setup, t_pool_teardown);
}
