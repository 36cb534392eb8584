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
	for (int i = 0; i < 4; i++, p = hm_mlog_next(p))
		assert_int_not_equal(p->ev, HM_MEV_COMPACTED);
	assert_int_equal(p->ev, HM_MEV_COMPACTED);
	assert_null(hm_mlog_next(p));
	/* the newest snapshot of each kind is the same (i = 95 wrote the last) */
	const hm_map *s = hm_mlog_newest_snap(c, HM_MEV_OS2_PAGE);
	assert_ptr_equal(s, hm_mlog_newest_snap(l, HM_MEV_OS2_PAGE));
	assert_z_equal(s2page_at(s, 7)->s2_owner, 95);
	assert_null(hm_mlog_newest_snap(c, HM_MEV_ONPT));
	hm_core_data cd;
	assert_true(hm_mlog_newest_core(c, &cd));
	assert_z_equal(cd.next_vmid, 3);
	/* compacting again does nothing until the top grows past HM_COMPACT_SLACK * keep */
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

/* Drops the first k cells of l. */
static const hm_mlog *drop(const hm_mlog *l, int k)
{
	while (k-- > 0)
		l = hm_mlog_next(l);
	return l;
}

/* A pull appends the oracle's events (a prefix of the global log G) to
 * the view's log; when the view's log is the rest of G, the result is G
 * itself, sharing its cells, whatever form the rest takes. */
static void test_append_of_a_prefix_to_its_rest_is_the_list(void **state)
{
	(void)state;
	hm_mlog *g = long_log(10); /* 31 events, no compacted cell */
	const hm_mlog *rest = drop(g, 6);
	hm_mlog *o = hm_mlog_prefix(g, 6);
	assert_int_equal(hm_mlog_len(o), 6);
	/* the same cells */
	assert_ptr_equal(hm_mlog_append(o, rest), g);
	/* equal cells, not the same ones */
	hm_mlog *rest_copy = hm_mlog_prefix(rest, hm_mlog_len(rest));
	assert_ptr_not_equal(rest_copy, rest);
	assert_ptr_equal(hm_mlog_append(o, rest_copy), g);
	/* another list: a copy of o on top of it, as before */
	hm_mlog *other = hm_mlog_cons(2, HM_MEV_REL_LOCK, 0, NULL, drop(rest, 1));
	hm_mlog *all = hm_mlog_append(o, other);
	assert_ptr_not_equal(all, g);
	assert_int_equal(hm_mlog_len(all), 6 + hm_mlog_len(other));
	assert_true(hm_log_equal(HM_K_MLOG, drop(all, 6), other));
	assert_int_equal(all->ev, g->ev);
	/* a list that is not a prefix is copied too */
	hm_mlog *plain = hm_mlog_cons(0, HM_MEV_REL_LOCK, 0, NULL, NULL);
	hm_mlog *both = hm_mlog_append(plain, rest);
	assert_int_equal(hm_mlog_len(both), 1 + hm_mlog_len(rest));
	assert_ptr_equal(hm_mlog_next(both), rest);
}

static void test_append_sees_through_compaction(void **state)
{
	(void)state;
	/* G compacted (4 events kept), the view's log the same events in
	 * full: the rest of G is the view's log, compacted. */
	hm_mlog *full = long_log(40);
	hm_mlog *g = hm_mlog_compact(full, 4);
	assert_ptr_not_equal(g, full);
	hm_mlog *o = hm_mlog_prefix(g, 2);
	assert_ptr_equal(hm_mlog_append(o, drop(full, 2)), g);
	/* the compacted cell knows the cell whose list it replaced (the view
	 * still on that list is equivalent without a walk) */
	const hm_mlog_compacted *bottom = (const hm_mlog_compacted *)drop(g, 4);
	assert_int_equal(bottom->cell.ev, HM_MEV_COMPACTED);
	assert_true(bottom->origin == drop(full, 4)->serial);
	/* the same events in other cells: equivalent by the walk */
	hm_mlog *again = long_log(40);
	assert_true(drop(again, 4)->serial != bottom->origin);
	assert_ptr_equal(hm_mlog_append(o, drop(again, 2)), g);
	/* the same top events, then a list as long as the compacted one but
	 * with another newest snapshot: not the origin, and not equivalent */
	hm_s2page other_pg = {77, 0, 0};
	const hm_mlog *x = drop(full, 4);
	hm_mlog *x_ = hm_mlog_cons(x->cpu, HM_MEV_OS2_PAGE, 0,
				   hm_map_set(hm_shared_empty()->s2page, 7, &other_pg), drop(full, 5));
	assert_int_equal(hm_mlog_len(x_), hm_mlog_len(x));
	const hm_mlog *c3 = drop(full, 3), *c2 = drop(full, 2);
	hm_mlog *view = hm_mlog_cons(c3->cpu, c3->ev, c3->n, c3->snap, x_);
	view = hm_mlog_cons(c2->cpu, c2->ev, c2->n, c2->snap, view);
	assert_ptr_not_equal(hm_mlog_append(o, view), g);
	/* a copy of the whole list keeps the origin; a cell standing for
	 * fewer events than the one it copies does not */
	hm_mlog *whole = hm_mlog_prefix(g, hm_mlog_len(g));
	const hm_mlog_compacted *wb = (const hm_mlog_compacted *)drop(whole, 4);
	assert_true(wb->origin == bottom->origin);
	hm_mlog *part = hm_mlog_prefix(g, 10);
	const hm_mlog_compacted *pb = (const hm_mlog_compacted *)drop(part, 4);
	assert_int_equal(pb->cell.ev, HM_MEV_COMPACTED);
	assert_z_equal(pb->cell.n, 6);
	assert_true(pb->origin == 0);
	/* a view's log with a different newest snapshot below the cut is
	 * another list: copied */
	const hm_shared *sh = hm_shared_empty();
	hm_s2page pg = {99, 0, 0};
	hm_mlog *changed = hm_mlog_cons(0, HM_MEV_OS2_PAGE, 0, hm_map_set(sh->s2page, 7, &pg),
					drop(full, 4));
	changed = hm_mlog_cons(0, HM_MEV_REL_LOCK, 0, NULL, changed);
	hm_mlog *all = hm_mlog_append(o, changed);
	assert_ptr_not_equal(all, g);
	/* a prefix reaching into the compacted cell: copied, lengths add up */
	hm_mlog *deep = hm_mlog_prefix(g, 10);
	hm_mlog *all2 = hm_mlog_append(deep, drop(full, 10));
	assert_ptr_not_equal(all2, g);
	assert_int_equal(hm_mlog_len(all2), hm_mlog_len(full));
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
	for (const hm_mlog *l = mlog_at(hm_model_view(compact, 0)->log, S2PAGE_ID); l; l = hm_mlog_next(l))
		cells++;
	assert_true(cells <= HM_COMPACT_SLACK * 64 + 1);
	hm_model_free(full);
	hm_model_free(compact);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_compact_preserves_what_the_spec_reads),
		cmocka_unit_test(test_compacted_prefix_and_append),
		cmocka_unit_test(test_append_of_a_prefix_to_its_rest_is_the_list),
		cmocka_unit_test(test_append_sees_through_compaction),
		cmocka_unit_test(test_compacted_json_round_trip),
		cmocka_unit_test(test_model_runs_agree_with_and_without_compaction),
	};
	return cmocka_run_group_tests(tests, t_pool_setup, t_pool_teardown);
}
