/* LocksSpec.md, Section LocksSpec: the six acquire_lock_*_spec and six
 * release_lock_*_spec definitions. They differ only in the object they
 * lock, so each branch is one test run once per object (prestate).
 * Expected values come from the Coq text, worked out in the comments. */
#include "hm_test.h"
#include "mm_low_test.h"

#include "locks_spec.h"

/* ---- the objects ---- */

typedef struct lock_obj {
	const char *name;
	hm_z id;       /* object id of the log and lock maps */
	bool has_vmid; /* pt and vm take a vmid */
	hm_z vmid;
	hm_sres (*acq)(const hm_rdata *, hm_z);
	hm_sres (*rel)(const hm_rdata *, hm_z);
	hm_mev snap_ev;      /* the event release logs */
	const char *field;   /* the diff path of the CPU's copy */
} lock_obj;

static hm_sres acq_spt(const hm_rdata *a, hm_z v) { (void)v; return acquire_lock_spt_spec(a); }
static hm_sres acq_s2(const hm_rdata *a, hm_z v) { (void)v; return acquire_lock_s2page_spec(a); }
static hm_sres acq_core(const hm_rdata *a, hm_z v) { (void)v; return acquire_lock_core_spec(a); }
static hm_sres acq_smmu(const hm_rdata *a, hm_z v) { (void)v; return acquire_lock_smmu_spec(a); }
static hm_sres rel_spt(const hm_rdata *a, hm_z v) { (void)v; return release_lock_spt_spec(a); }
static hm_sres rel_s2(const hm_rdata *a, hm_z v) { (void)v; return release_lock_s2page_spec(a); }
static hm_sres rel_core(const hm_rdata *a, hm_z v) { (void)v; return release_lock_core_spec(a); }
static hm_sres rel_smmu(const hm_rdata *a, hm_z v) { (void)v; return release_lock_smmu_spec(a); }

/* pt of vmid 2 is object NPT_ID + 2 = 7, vm of vmid 3 is INFO_ID + 3 = 25 */
static const lock_obj OBJ_PT = {"pt", 7, true, 2, acquire_lock_pt_spec, release_lock_pt_spec,
				HM_MEV_ONPT, "shared.npts[2]"};
static const lock_obj OBJ_SPT = {"spt", 3, false, 0, acq_spt, rel_spt, HM_MEV_OSPT,
				 "shared.spts"};
static const lock_obj OBJ_S2 = {"s2page", 2, false, 0, acq_s2, rel_s2, HM_MEV_OS2_PAGE,
				"shared.s2page"};
static const lock_obj OBJ_CORE = {"core", 1, false, 0, acq_core, rel_core, HM_MEV_OCORE_DATA,
				  "shared.core_data"};
static const lock_obj OBJ_VM = {"vm", 25, true, 3, acquire_lock_vm_spec, release_lock_vm_spec,
				HM_MEV_OVMINFO, "shared.vminfos[3]"};
static const lock_obj OBJ_SMMU = {"smmu", 4, false, 0, acq_smmu, rel_smmu, HM_MEV_OSMMU,
				  "shared.smmu_vmid"};

/* A version of the object different from the initial one, as another CPU
 * would have published it. */
static const void *other_version(const lock_obj *o, const hm_rdata *st)
{
	switch (o->snap_ev) {
	case HM_MEV_OS2_PAGE: {
		hm_s2page p = {3, 1, 7};
		return hm_map_set(st->shared->s2page, 0x40001, &p);
	}
	case HM_MEV_ONPT: {
		hm_npt *n = npt_edit(npt_at(st->shared->npts, o->vmid));
		n->pt_pgd_next = 12345;
		return n;
	}
	case HM_MEV_OSPT: {
		hm_spt *s = spt_edit(st->shared->spts);
		s->spt_pgd_next = 777;
		return s;
	}
	case HM_MEV_OVMINFO: {
		hm_vminfo *v = vminfo_edit(vminfo_at(st->shared->vminfos, o->vmid));
		v->VS.vm_state = 4;
		return v;
	}
	case HM_MEV_OSMMU:
		return hm_map_set_z(st->shared->smmu_vmid, 6, 2);
	default:
		return NULL; /* core data: inline, see snap_cell */
	}
}

static const hm_core_data OTHER_CORE = {5, 9};

/* TEVENT cpu (TSHARED (snapshot of the other version)) :: next */
static hm_mlog *snap_cell(const lock_obj *o, const hm_rdata *st, hm_z cpu, const hm_mlog *next)
{
	if (o->snap_ev == HM_MEV_OCORE_DATA)
		return hm_mlog_cons_core(cpu, OTHER_CORE, next);
	return hm_mlog_cons(cpu, o->snap_ev, 0, other_version(o, st), next);
}

/* Asserts that the CPU's copy of the object in st is the other version. */
static void assert_is_other_version(const lock_obj *o, const hm_rdata *st, const void *other)
{
	const hm_shared *sh = st->shared;
	switch (o->snap_ev) {
	case HM_MEV_OS2_PAGE:
		assert_true(hm_map_equal(sh->s2page, other));
		assert_z_equal(t_page(st, 0x40001).s2_owner, 3);
		return;
	case HM_MEV_ONPT:
		assert_z_equal(npt_at(sh->npts, o->vmid)->pt_pgd_next, 12345);
		return;
	case HM_MEV_OSPT:
		assert_z_equal(sh->spts->spt_pgd_next, 777);
		return;
	case HM_MEV_OVMINFO:
		assert_z_equal(vminfo_at(sh->vminfos, o->vmid)->VS.vm_state, 4);
		return;
	case HM_MEV_OSMMU:
		assert_z_equal(hm_map_get_z(sh->smmu_vmid, 6), 2);
		return;
	default:
		assert_z_equal(sh->core_data.next_vmid, 5);
		assert_z_equal(sh->core_data.next_remap_ptr, 9);
	}
}

/* A complete critical section of CPU 1 on the object, newest first:
 * REL_LOCK, the snapshot, OPULL id, WAIT_LOCK 10. H_CalLock from the
 * tail: (10, LHOLD, 1) -> (9, LHOLD, 1) -> (8, LHOLD, 1) -> (0, LEMPTY,
 * None). */
static hm_mlog *cpu1_section(const lock_obj *o, const hm_rdata *st)
{
	hm_mlog *l = hm_mlog_cons(1, HM_MEV_WAIT_LOCK, 10, NULL, NULL);
	l = hm_mlog_cons(1, HM_MEV_OPULL, o->id, NULL, l);
	l = snap_cell(o, st, 1, l);
	return hm_mlog_cons(1, HM_MEV_REL_LOCK, 0, NULL, l);
}

#define OBJ(state) ((const lock_obj *)*(state))

/* ---- acquire ---- */

/* if halt adt then Some adt: the state itself, even for a vmid that the
 * rely after the halt test would refuse. */
static void test_acquire_halt(void **state)
{
	const lock_obj *o = OBJ(state);
	const hm_rdata *st = t_with_halt(t_initial(), true);
	hm_sres r = o->acq(st, o->has_vmid ? 99 : 0);
	assert_ptr_equal(r.st, st);
}

/* rely is_vmid vmid: 17 > COREVISOR */
static void test_acquire_rely_vmid(void **state)
{
	const lock_obj *o = OBJ(state);
	T_ASSERT_RELY(o->acq(t_initial(), 17), "is_vmid(vmid)");
	T_ASSERT_RELY(o->acq(t_initial(), -1), "is_vmid(vmid)");
}

/* id @ (lock adt) is not LockFalse: None (both LockOwn values) */
static void test_acquire_not_lockfalse(void **state)
{
	const lock_obj *o = OBJ(state);
	T_ASSERT_NONE(o->acq(t_with_lock(t_initial(), o->id, HM_LOCK_OWN_TRUE), o->vmid));
	T_ASSERT_NONE(o->acq(t_with_lock(t_initial(), o->id, HM_LOCK_OWN_FALSE), o->vmid));
}

/* The CPU's log shows CPU 1 waiting for (holding) the lock:
 * H_CalLock [WAIT_LOCK 10 by 1] = Some (10, LHOLD, Some 1); our WAIT_LOCK
 * on top matches no arm: H_CalLock l' = None. */
static void test_acquire_calock_none(void **state)
{
	const lock_obj *o = OBJ(state);
	hm_mlog *held = hm_mlog_cons(1, HM_MEV_WAIT_LOCK, 10, NULL, NULL);
	T_ASSERT_NONE(o->acq(t_with_log(t_initial(), o->id, held), o->vmid));
	/* the same when the events come from the oracle instead */
	T_ASSERT_NONE(o->acq(t_with_pulled(t_initial(), o->id, held), o->vmid));
}

/* Some: the CPU pulls CPU 1's finished section, its copy becomes CPU 1's
 * snapshot, the log is OPULL id :: WAIT_LOCK 10 :: pulled ++ l, tstate 0,
 * lock LockOwn true; nothing else changes. */
static void test_acquire_some(void **state)
{
	const lock_obj *o = OBJ(state);
	const hm_rdata *st = t_with_tstate(t_initial(), 3); /* the CPU's log l is nil */
	hm_mlog *pulled = cpu1_section(o, st);
	st = t_with_pulled(st, o->id, pulled);
	hm_sres r = o->acq(st, o->vmid);
	assert_non_null(r.st);
	assert_z_equal(r.st->tstate, 0);
	assert_int_equal(lock_at(r.st->lock, o->id), HM_LOCK_OWN_TRUE);
	T_ASSERT_LOG(mlog_at(r.st->log, o->id), pulled, {HM_MEV_OPULL, 0, o->id, NULL},
		     {HM_MEV_WAIT_LOCK, 0, 10, NULL});
	assert_is_other_version(o, r.st, hm_mlog_next(pulled)->snap);
	char logp[16], lockp[16];
	snprintf(logp, sizeof logp, "log[%d]", (int)o->id);
	snprintf(lockp, sizeof lockp, "lock[%d]", (int)o->id);
	T_ASSERT_DIFF(st, r.st, "tstate", o->field, logp, lockp);
}

/* Pulled events already followed by the CPU's own history: the log is
 * the pulled events on top of the CPU's log, and with nothing pulled the
 * copy stays as it was. */
static void test_acquire_some_nothing_pulled(void **state)
{
	const lock_obj *o = OBJ(state);
	/* the CPU's own finished section: H_CalLock = (0, LEMPTY, None) */
	hm_mlog *mine = hm_mlog_cons(0, HM_MEV_WAIT_LOCK, 10, NULL, NULL);
	mine = hm_mlog_cons(0, HM_MEV_OPULL, o->id, NULL, mine);
	mine = hm_mlog_cons(0, HM_MEV_REL_LOCK, 0, NULL, mine);
	const hm_rdata *st = t_with_log(t_initial(), o->id, mine);
	hm_sres r = o->acq(st, o->vmid);
	assert_non_null(r.st);
	T_ASSERT_LOG(mlog_at(r.st->log, o->id), mine, {HM_MEV_OPULL, 0, o->id, NULL},
		     {HM_MEV_WAIT_LOCK, 0, 10, NULL});
	char logp[16], lockp[16];
	snprintf(logp, sizeof logp, "log[%d]", (int)o->id);
	snprintf(lockp, sizeof lockp, "lock[%d]", (int)o->id);
	/* tstate was 0 already; the copy is CalX o nil = o */
	T_ASSERT_DIFF(st, r.st, logp, lockp);
}

/* ---- release ---- */

/* The state right after acquiring: lock held, log OPULL :: WAIT_LOCK. */
static const hm_rdata *held_state(const lock_obj *o)
{
	hm_mlog *l = hm_mlog_cons(0, HM_MEV_WAIT_LOCK, 10, NULL, NULL);
	l = hm_mlog_cons(0, HM_MEV_OPULL, o->id, NULL, l);
	return t_with_lock(t_with_log(t_initial(), o->id, l), o->id, HM_LOCK_OWN_TRUE);
}

static void test_release_halt(void **state)
{
	const lock_obj *o = OBJ(state);
	const hm_rdata *st = t_with_halt(t_initial(), true); /* lock not even held */
	hm_sres r = o->rel(st, o->has_vmid ? 99 : 0);
	assert_ptr_equal(r.st, st);
}

static void test_release_rely_vmid(void **state)
{
	const lock_obj *o = OBJ(state);
	T_ASSERT_RELY(o->rel(held_state(o), 16 + 1), "is_vmid(vmid)");
}

/* ZMap.get id (lock adt) is not LockOwn true: None */
static void test_release_not_held(void **state)
{
	const lock_obj *o = OBJ(state);
	T_ASSERT_NONE(o->rel(t_with_lock(held_state(o), o->id, HM_LOCK_FALSE), o->vmid));
	T_ASSERT_NONE(o->rel(t_with_lock(held_state(o), o->id, HM_LOCK_OWN_FALSE), o->vmid));
}

/* Lock flag held but the log does not show a holder: H_CalLock of the
 * snapshot over (0, LEMPTY, None) matches no arm, None. */
static void test_release_calock_none(void **state)
{
	const lock_obj *o = OBJ(state);
	T_ASSERT_NONE(o->rel(t_with_lock(t_initial(), o->id, HM_LOCK_OWN_TRUE), o->vmid));
}

/* Some: REL_LOCK :: snapshot of the CPU's copy :: l, tstate 1, LockFalse. */
static void test_release_some(void **state)
{
	const lock_obj *o = OBJ(state);
	const hm_rdata *st = held_state(o);
	hm_sres r = o->rel(st, o->vmid);
	assert_non_null(r.st);
	assert_z_equal(r.st->tstate, 1);
	assert_int_equal(lock_at(r.st->lock, o->id), HM_LOCK_FALSE);
	const void *copy = NULL;
	switch (o->snap_ev) {
	case HM_MEV_OS2_PAGE: copy = st->shared->s2page; break;
	case HM_MEV_ONPT: copy = npt_at(st->shared->npts, o->vmid); break;
	case HM_MEV_OSPT: copy = st->shared->spts; break;
	case HM_MEV_OVMINFO: copy = vminfo_at(st->shared->vminfos, o->vmid); break;
	case HM_MEV_OSMMU: copy = st->shared->smmu_vmid; break;
	default: break;
	}
	const hm_mlog *l = mlog_at(r.st->log, o->id);
	T_ASSERT_LOG(l, mlog_at(st->log, o->id), {HM_MEV_REL_LOCK, 0, 0, NULL},
		     {o->snap_ev, 0, 0, copy});
	if (o->snap_ev == HM_MEV_OCORE_DATA) {
		assert_z_equal(hm_mlog_next(l)->core_data.next_vmid, 1); /* initial core data */
		assert_z_equal(hm_mlog_next(l)->core_data.next_remap_ptr, REMAP_START);
	} else {
		assert_ptr_equal(hm_mlog_next(l)->snap, copy); /* the snapshot is the copy itself */
	}
	char logp[16], lockp[16];
	snprintf(logp, sizeof logp, "log[%d]", (int)o->id);
	snprintf(lockp, sizeof lockp, "lock[%d]", (int)o->id);
	T_ASSERT_DIFF(st, r.st, "tstate", logp, lockp);
}

#define FOR_OBJ(t, o) cmocka_unit_test_prestate(t, (void *)&o)
#define ALL_OBJS(t) \
	FOR_OBJ(t, OBJ_PT), FOR_OBJ(t, OBJ_SPT), FOR_OBJ(t, OBJ_S2), FOR_OBJ(t, OBJ_CORE), \
	FOR_OBJ(t, OBJ_VM), FOR_OBJ(t, OBJ_SMMU)

int main(void)
{
	const struct CMUnitTest tests[] = {
		ALL_OBJS(test_acquire_halt),
		FOR_OBJ(test_acquire_rely_vmid, OBJ_PT),
		FOR_OBJ(test_acquire_rely_vmid, OBJ_VM),
		ALL_OBJS(test_acquire_not_lockfalse),
		ALL_OBJS(test_acquire_calock_none),
		ALL_OBJS(test_acquire_some),
		ALL_OBJS(test_acquire_some_nothing_pulled),
		ALL_OBJS(test_release_halt),
		FOR_OBJ(test_release_rely_vmid, OBJ_PT),
		FOR_OBJ(test_release_rely_vmid, OBJ_VM),
		ALL_OBJS(test_release_not_held),
		ALL_OBJS(test_release_calock_none),
		ALL_OBJS(test_release_some),
	};
	return cmocka_run_group_tests(tests, t_pool_setup, t_pool_teardown);
}
