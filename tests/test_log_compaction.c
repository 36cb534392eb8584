/* Log compaction keeps every spec computation on a log unchanged:
 * H_CalLock, length, and the newest snapshot of each kind (Cal*). A
 * model run with compacted logs gives the same results and the same
 * shared objects, step by step, as one with full logs. */
#include "hm_test.h"

#include "json.h"

static hm_mlog *long_log(int n)
{
	const hm_shared *sh = hm_shared_empty();
	hm_mlog *l = NULL;
	for (int i = 0; i < n; i++) {
		/* acquire, a snapshot, release: what a spec appends */
		l = hm_mlog_cons(i % 3, HM_MEV_WAIT_LOCK, 10, NULL, l);
		l = hm_mlog_cons(i % 3, HM_MEV_OPULL, S2PAGE_ID, NULL, l);
		if (i % 5 == 0) {
			hm_s2page pg = {i, 0, 0};
			l = hm_mlog_cons(i % 3, HM_MEV_OS2_PAGE, 0, hm_map_set(sh->s2page, 7, &pg), l);
		}
		if (i == 3)
			l = hm_mlog_cons_core(i % 3, (hm_core_data){3, 4}, l);
		l = hm_mlog_cons(i % 3, HM_MEV_REL_LOCK, 0, NULL, l);
	}
	return l;
}

static void test_compact_preserves_what_the_spec_reads(void **state)
{
	(void)state;
	hm_mlog *l = long_log(100);
	hm_mlog *c = hm_mlog_compact(l, 4);
	assert_ptr_not_equal(c, l);
	assert_int_equal(hm_mlog_len(c), hm_mlog_len(l));
	hm_calock a = hm_h_calock(l), b = hm_h_calock(c);
	assert_true(a.some == b.some && a.hold == b.hold && a.n == b.n);
	/* four events as they were, then the compacted cell */
	const hm_mlog *p = c;
	for (int i = 0; i < 4; i++, p = p->next)
		assert_int_not_equal(p->ev, HM_MEV_COMPACTED);
	assert_int_equal(p->ev, HM_MEV_COMPACTED);
	assert_null(p->next);
	/* the newest snapshot of each kind is the same (i = 95 wrote the last) */
	const hm_map *s = hm_mlog_newest_snap(c, HM_MEV_OS2_PAGE);
	assert_ptr_equal(s, hm_mlog_newest_snap(l, HM_MEV_OS2_PAGE));
	assert_z_equal(s2page_at(s, 7)->s2_owner, 95);
	assert_null(hm_mlog_newest_snap(c, HM_MEV_ONPT));
	hm_core_data cd;
	assert_true(hm_mlog_newest_core(c, &cd));
	assert_z_equal(cd.next_vmid, 3);
	/* compacting again does nothing until the top grows past 4 * keep */
	assert_ptr_equal(hm_mlog_compact(c, 4), c);
	/* consing on top of the compacted cell folds H_CalLock from its memo */
	hm_mlog *more = hm_mlog_cons(1, HM_MEV_WAIT_LOCK, 10, NULL, c);
	assert_true(hm_h_calock(more).hold);
	assert_z_equal(hm_h_calock(more).i, 1);
}

static void test_compacted_prefix_and_append(void **state)
{
	(void)state;
	hm_mlog *c = hm_mlog_compact(long_log(50), 4);
	/* a prefix reaching into the compacted cell keeps the length asked */
	hm_mlog *p = hm_mlog_prefix(c, 10);
	assert_int_equal(hm_mlog_len(p), 10);
	hm_mlog *tail = long_log(2);
	hm_mlog *all = hm_mlog_append(p, tail);
	assert_int_equal(hm_mlog_len(all), 10 + hm_mlog_len(tail));
}

static void test_compacted_json_round_trip(void **state)
{
	(void)state;
	hm_rdata *st = t_with_log(t_initial(), S2PAGE_ID, hm_mlog_compact(long_log(40), 3));
	hm_rdata *sl = rd_edit(st);
	hm_slog *s = NULL;
	for (int i = 0; i < 20; i++) {
		hm_z args[4] = {0x40000000 + i * 4096};
		s = hm_slog_cons(0, HM_AEV_OMAP_HOST, args, NULL, NULL, s);
	}
	SETP(sl, slog, hm_slog_compact(s, 2));
	assert_int_equal(hm_slog_len(sl->slog), 20);
	json_t *j = hm_json_encode_state(sl);
	GString *err = g_string_new(NULL);
	hm_rdata *back = hm_json_decode_state(j, sl, err);
	if (!back)
		fprintf(stderr, "%s\n", err->str);
	assert_non_null(back);
	t_assert_state_equal(sl, back);
	json_decref(j);
	g_string_free(err, TRUE);
}

/* Two CPUs, one of them idle for hundreds of events, on a model with
 * compacted logs and on one with full logs: same results, same shared
 * objects after every step. */
static void test_model_runs_agree_with_and_without_compaction(void **state)
{
	(void)state;
	hm_model *full = t_model(2), *compact = t_model(2);
	hm_model_set_full_logs(compact, false);
	int assign = hm_op_index("assign_pfn_to_vm"), clear = hm_op_index("clear_vm_page");
	int host = hm_op_index("map_page_host");
	assert_true(assign >= 0 && clear >= 0 && host >= 0);
	for (int i = 0; i < 400; i++) {
		/* CPU 1 only acts every 150 steps: its view falls far behind */
		int cpu = (i % 150 == 149) ? 1 : 0;
		hm_z pfn = 0x40001 + (i / 2) % 64;
		hm_z args[3];
		int op;
		if (i % 7 == 6) {
			op = host;
			args[0] = (0x40100 + i % 32) * PAGE_SIZE;
		} else if (i % 2 == 0) {
			op = assign;
			args[0] = 1;
			args[1] = 0x80000 + i;
			args[2] = pfn;
		} else {
			op = clear;
			args[0] = 1;
			args[1] = pfn;
		}
		hm_result rf, rc;
		assert_int_equal(hm_model_step_index(full, cpu, HM_LEVEL_HIGH, op, args, &rf, NULL), HM_OK);
		assert_int_equal(hm_model_step_index(compact, cpu, HM_LEVEL_HIGH, op, args, &rc, NULL), HM_OK);
		assert_int_equal(rf.kind, rc.kind);
		const hm_rdata *vf = hm_model_view(full, cpu), *vc = hm_model_view(compact, cpu);
		assert_true(hm_val_equal(&hm_t_shared, &vf->shared, &vc->shared));
		assert_true(vf->halt == vc->halt && vf->tstate == vc->tstate);
		assert_true(hm_map_equal(vf->lock, vc->lock));
		assert_int_equal(hm_mlog_len(mlog_at(vf->log, S2PAGE_ID)),
				 hm_mlog_len(mlog_at(vc->log, S2PAGE_ID)));
	}
	/* the compacted model holds far fewer cells */
	size_t cells = 0;
	for (const hm_mlog *l = mlog_at(hm_model_view(compact, 0)->log, S2PAGE_ID); l; l = l->next)
		cells++;
	assert_true(cells <= 4 * 64 + 1);
	hm_model_free(full);
	hm_model_free(compact);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_compact_preserves_what_the_spec_reads),
		cmocka_unit_test(test_compacted_prefix_and_append),
		cmocka_unit_test(test_compacted_json_round_trip),
		cmocka_unit_test(test_model_runs_agree_with_and_without_compaction),
	};
	return cmocka_run_group_tests(tests, t_pool_setup, t_pool_teardown);
}
