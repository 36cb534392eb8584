/* The logs of RData.md: H_CalLock (LocksSpec.md) as memoized on cons,
 * append and prefix, and the Cal* replay functions. */
#include "hm_test.h"

/* Builds TEVENT cpu e :: l. */
static hm_mlog *ev(const hm_mlog *l, hm_z cpu, hm_mev e, hm_z n)
{
	return hm_mlog_cons(cpu, e, n, NULL, l);
}

/* An s2page map whose page 5 is {owner, 0, 7}: a snapshot to log. */
static hm_map *s2page_snapshot(const hm_shared *sh, hm_z owner)
{
	hm_s2page pg = {owner, 0, 7};
	return hm_map_set(sh->s2page, 5, &pg);
}

static void test_calock_nil_is_empty(void **state)
{
	(void)state;
	/* H_CalLock nil = Some (O, LEMPTY, None) */
	hm_calock c = hm_h_calock(NULL);
	assert_true(c.some);
	assert_false(c.hold);
	assert_false(c.has_i);
	assert_z_equal(c.n, 0);
}

static void test_calock_wait_then_shared_then_release(void **state)
{
	(void)state;
	/* WAIT_LOCK 10 on an empty lock: Some (10, LHOLD, Some 1) */
	hm_mlog *l = ev(NULL, 1, HM_MEV_WAIT_LOCK, 10);
	hm_calock c = hm_h_calock(l);
	assert_true(c.some && c.hold && c.has_i);
	assert_z_equal(c.n, 10);
	assert_z_equal(c.i, 1);
	/* a shared event by the holder uses one: Some (9, LHOLD, Some 1) */
	l = ev(l, 1, HM_MEV_OPULL, S2PAGE_ID);
	c = hm_h_calock(l);
	assert_true(c.some && c.hold);
	assert_z_equal(c.n, 9);
	/* REL_LOCK by the holder: Some (O, LEMPTY, None) */
	l = ev(l, 1, HM_MEV_REL_LOCK, 0);
	c = hm_h_calock(l);
	assert_true(c.some);
	assert_false(c.hold);
	assert_false(c.has_i);
	assert_z_equal(c.n, 0);
}

static void test_calock_other_cpu_events_are_none(void **state)
{
	(void)state;
	hm_mlog *held = ev(NULL, 0, HM_MEV_WAIT_LOCK, 10);
	/* REL_LOCK by another CPU: if negb (zeq i i') then None */
	assert_false(hm_h_calock(ev(held, 1, HM_MEV_REL_LOCK, 0)).some);
	/* a shared event by another CPU: None */
	assert_false(hm_h_calock(ev(held, 1, HM_MEV_OPULL, 2)).some);
	/* WAIT_LOCK while held: no arm matches, None */
	assert_false(hm_h_calock(ev(held, 1, HM_MEV_WAIT_LOCK, 10)).some);
	/* None stays None whatever follows */
	hm_mlog *bad = ev(held, 1, HM_MEV_REL_LOCK, 0);
	assert_false(hm_h_calock(ev(bad, 0, HM_MEV_REL_LOCK, 0)).some);
}

static void test_calock_bound_exhausted(void **state)
{
	(void)state;
	/* WAIT_LOCK 2 allows two shared events; the third finds self_c = O */
	hm_mlog *l = ev(NULL, 0, HM_MEV_WAIT_LOCK, 2);
	l = ev(l, 0, HM_MEV_OPULL, 2);
	l = ev(l, 0, HM_MEV_OPULL, 2);
	assert_true(hm_h_calock(l).some);
	assert_z_equal(hm_h_calock(l).n, 0);
	assert_false(hm_h_calock(ev(l, 0, HM_MEV_OPULL, 2)).some);
}

static void test_calock_empty_lock_rejects_others(void **state)
{
	(void)state;
	/* on an empty lock only WAIT_LOCK has an arm */
	assert_false(hm_h_calock(ev(NULL, 0, HM_MEV_REL_LOCK, 0)).some);
	assert_false(hm_h_calock(ev(NULL, 0, HM_MEV_OPULL, 2)).some);
	assert_false(hm_h_calock(ev(NULL, 0, HM_MEV_INC_NOW, 0)).some);
	/* a ticket event other than REL_LOCK while held: None */
	assert_false(hm_h_calock(ev(ev(NULL, 0, HM_MEV_WAIT_LOCK, 3), 0, HM_MEV_GET_NOW, 0)).some);
}

static void test_append_and_prefix(void **state)
{
	(void)state;
	/* a = [REL 0; WAIT 0], b = [OPULL 1] ; a ++ b keeps a's order on top */
	hm_mlog *b = ev(NULL, 1, HM_MEV_OPULL, 3);
	hm_mlog *a = ev(ev(NULL, 0, HM_MEV_WAIT_LOCK, 10), 0, HM_MEV_REL_LOCK, 0);
	hm_mlog *ab = hm_mlog_append(a, b);
	assert_int_equal(hm_mlog_len(ab), 3);
	assert_int_equal(ab->ev, HM_MEV_REL_LOCK);
	assert_int_equal(hm_mlog_next(ab)->ev, HM_MEV_WAIT_LOCK);
	assert_ptr_equal(hm_mlog_next(hm_mlog_next(ab)), b);
	/* the memo is recomputed over the new tail: OPULL on an empty lock
	 * is None already, so the whole list is None */
	assert_false(hm_h_calock(ab).some);
	assert_ptr_equal(hm_mlog_append(NULL, b), b);
	hm_mlog *p = hm_mlog_prefix(ab, 2);
	assert_int_equal(hm_mlog_len(p), 2);
	assert_int_equal(p->ev, HM_MEV_REL_LOCK);
	assert_null(hm_mlog_next(hm_mlog_next(p)));
	assert_true(hm_h_calock(p).some); /* [REL 0; WAIT 0]: released */
}

/* hm_mlog_prefix copies lazily: the oracle's answer is read in place
 * (Cal*), appended back onto the rest of its list without a copy, and
 * copied only when walked past its head; every reading gives what the
 * copied list [c0; c1; c2; c3] gives. */
static void test_prefix_is_lazy_and_reads_as_its_copy(void **state)
{
	(void)state;
	const hm_shared *sh = hm_shared_empty();
	hm_map *older = s2page_snapshot(sh, 3), *newer = s2page_snapshot(sh, 4);
	hm_mlog *rest = hm_mlog_cons(0, HM_MEV_OS2_PAGE, 0, older, NULL);
	rest = hm_mlog_cons(0, HM_MEV_OFLATMEM, 0, sh->flatmem, rest);
	hm_mlog *g = ev(rest, 1, HM_MEV_WAIT_LOCK, 10);              /* c3 */
	g = ev(g, 1, HM_MEV_OPULL, S2PAGE_ID);                        /* c2 */
	g = hm_mlog_cons(1, HM_MEV_OS2_PAGE, 0, newer, g);            /* c1 */
	g = ev(g, 1, HM_MEV_REL_LOCK, 0);                             /* c0 */
	hm_mlog *p = hm_mlog_prefix(g, 4);
	assert_int_equal(hm_mlog_len(p), 4);
	assert_true(p->lazy);
	assert_int_equal(p->ev, HM_MEV_REL_LOCK);
	/* Cal* sees c1's snapshot, and no OFLATMEM: that one is below c3 */
	assert_ptr_equal(CalS2Page(sh->s2page, p), newer);
	assert_null(hm_mlog_newest_snap(p, HM_MEV_OFLATMEM));
	assert_true(p->lazy);
	/* p ++ rest is g itself; p ++ nil is a copy of the four events */
	assert_ptr_equal(hm_mlog_append(p, rest), g);
	assert_true(p->lazy);
	hm_mlog *q = hm_mlog_append(p, NULL);
	assert_int_equal(hm_mlog_len(q), 4);
	assert_ptr_not_equal(q, g);
	assert_null(hm_mlog_newest_snap(q, HM_MEV_OFLATMEM));
	/* walking past the head copies c1..c3 and sets the H_CalLock memo:
	 * [REL 1; OS2_PAGE 1; OPULL 1; WAIT 10 by 1] is Some (0, LEMPTY, None) */
	hm_mlog *eager = ev(NULL, 1, HM_MEV_WAIT_LOCK, 10);
	eager = ev(eager, 1, HM_MEV_OPULL, S2PAGE_ID);
	eager = hm_mlog_cons(1, HM_MEV_OS2_PAGE, 0, newer, eager);
	eager = ev(eager, 1, HM_MEV_REL_LOCK, 0);
	hm_calock c = hm_h_calock(p);
	assert_false(p->lazy);
	assert_true(c.some);
	assert_false(c.hold || c.has_i);
	assert_int_equal(hm_mlog_len(hm_mlog_next(p)), 3);
	assert_null(hm_mlog_next(hm_mlog_next(hm_mlog_next(hm_mlog_next(p)))));
	assert_true(hm_val_equal(&hm_t_mlog, &p, &eager));
	assert_true(hm_val_equal(&hm_t_mlog, &q, &eager));
	/* once copied, p ++ rest is still g */
	assert_ptr_equal(hm_mlog_append(p, rest), g);
}

/* A lazy prefix that reaches into a compacted cell reads its snapshots,
 * as the copy would (a compacted cell stands for the rest of the k). */
static void test_lazy_prefix_into_a_compacted_cell(void **state)
{
	(void)state;
	const hm_shared *sh = hm_shared_empty();
	hm_map *snap = s2page_snapshot(sh, 3);
	hm_mlog *l = hm_mlog_cons(0, HM_MEV_OS2_PAGE, 0, snap, NULL);
	for (int i = 0; i < 29; i++)
		l = ev(l, 0, HM_MEV_GET_NOW, 0);
	hm_mlog *c = hm_mlog_compact(l, 2); /* [GET_NOW; GET_NOW; COMPACTED 28] */
	assert_int_equal(hm_mlog_len(c), 30);
	assert_int_equal(hm_mlog_next(hm_mlog_next(c))->ev, HM_MEV_COMPACTED);
	hm_mlog *p = hm_mlog_prefix(c, 5);
	assert_true(p->lazy);
	assert_ptr_equal(hm_mlog_newest_snap(p, HM_MEV_OS2_PAGE), snap);
	assert_true(p->lazy);
	const hm_mlog *third = hm_mlog_next(hm_mlog_next(p));
	assert_false(p->lazy);
	assert_int_equal(third->ev, HM_MEV_COMPACTED);
	assert_z_equal(third->n, 3);
	assert_int_equal(hm_mlog_len(p), 5);
	assert_ptr_equal(hm_mlog_newest_snap(p, HM_MEV_OS2_PAGE), snap);
}

static void test_cal_replays_take_newest_snapshot(void **state)
{
	(void)state;
	const hm_shared *sh = hm_shared_empty();
	hm_map *older = s2page_snapshot(sh, 3), *newer = s2page_snapshot(sh, 4);
	hm_mlog *l = hm_mlog_cons(0, HM_MEV_OS2_PAGE, 0, older, NULL);
	l = hm_mlog_cons(0, HM_MEV_REL_LOCK, 0, NULL, l);
	l = hm_mlog_cons(1, HM_MEV_OS2_PAGE, 0, newer, l);
	l = hm_mlog_cons(1, HM_MEV_OPULL, S2PAGE_ID, NULL, l);
	assert_ptr_equal(CalS2Page(sh->s2page, l), newer);
	assert_ptr_equal(CalS2Page(sh->s2page, hm_mlog_next(hm_mlog_next(hm_mlog_next(l)))), older);
	/* no snapshot of the kind: the original */
	assert_ptr_equal(CalS2Page(sh->s2page, NULL), sh->s2page);
	assert_ptr_equal(CalFlatmem(sh->flatmem, l), sh->flatmem);
	hm_core_data cd = {4, 5};
	hm_mlog *lc = hm_mlog_cons_core(2, cd, NULL);
	hm_core_data got = CalCoreData(sh->core_data, lc);
	assert_z_equal(got.next_vmid, 4);
	assert_z_equal(got.next_remap_ptr, 5);
}

static void test_calstate_npt_and_info_ids(void **state)
{
	(void)state;
	const hm_shared *sh = hm_shared_empty();
	hm_npt *npt = npt_edit(hm_npt_empty());
	npt->pt_pgd_next = 1234;
	hm_mlog *l = hm_mlog_cons(0, HM_MEV_ONPT, 0, npt, NULL);
	/* id NPT_ID + 3 replays into npts[3] */
	const hm_shared *s2 = CalState(NPT_ID + 3, l, sh);
	assert_z_equal(npt_at(s2->npts, 3)->pt_pgd_next, 1234);
	assert_z_equal(npt_at(s2->npts, 2)->pt_pgd_next, 0);
	hm_vminfo *info = vminfo_edit(hm_vminfo_empty());
	info->VS.vm_state = VERIFIED;
	hm_mlog *li = hm_mlog_cons(0, HM_MEV_OVMINFO, 0, info, NULL);
	const hm_shared *s3 = CalState(INFO_ID + 2, li, sh);
	assert_z_equal(vminfo_at(s3->vminfos, 2)->VS.vm_state, VERIFIED);
	/* an id past ID_END leaves sdt as it is */
	assert_ptr_equal(CalState(ID_END, l, sh), sh);
}

static void test_slog_cons_and_append(void **state)
{
	(void)state;
	hm_z args[4] = {1, 0x80000, 0x40001, 0};
	hm_slog *a = hm_slog_cons(0, HM_AEV_OASSIGN_VM, args, NULL, NULL, NULL);
	hm_z host[4] = {0x40002000};
	hm_slog *b = hm_slog_cons(1, HM_AEV_OMAP_HOST, host, NULL, NULL, NULL);
	hm_slog *ab = hm_slog_append(a, b);
	assert_int_equal(hm_slog_len(ab), 2);
	assert_int_equal(ab->ev, HM_AEV_OASSIGN_VM);
	assert_z_equal(ab->a[2], 0x40001);
	assert_ptr_equal(ab->next, b);
	assert_true(hm_val_equal(&hm_t_slog, &ab, &ab));
	hm_slog *p = hm_slog_prefix(ab, 1);
	assert_int_equal(hm_slog_len(p), 1);
	assert_false(hm_val_equal(&hm_t_slog, &p, &ab));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_calock_nil_is_empty),
		cmocka_unit_test(test_calock_wait_then_shared_then_release),
		cmocka_unit_test(test_calock_other_cpu_events_are_none),
		cmocka_unit_test(test_calock_bound_exhausted),
		cmocka_unit_test(test_calock_empty_lock_rejects_others),
		cmocka_unit_test(test_append_and_prefix),
		cmocka_unit_test(test_prefix_is_lazy_and_reads_as_its_copy),
		cmocka_unit_test(test_lazy_prefix_into_a_compacted_cell),
		cmocka_unit_test(test_cal_replays_take_newest_snapshot),
		cmocka_unit_test(test_calstate_npt_and_info_ids),
		cmocka_unit_test(test_slog_cons_and_append),
	};
	return cmocka_run_group_tests(tests, t_pool_setup, t_pool_teardown);
}
