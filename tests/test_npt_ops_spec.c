/* NPTOpsSpec.md, Section NPTOpsSpec: get_level_s2pt_spec, walk_s2pt_spec,
 * map_s2pt_spec, clear_pfn_host_spec. Expected states are worked out from
 * the Coq (and from local_mmap of NPTWalkSpec.md where they call it). */
#include "hm_test.h"
#include "mm_low_test.h"

#include "npt_ops_spec.h"

#define VM ((hm_z)2)
#define ID_VM (NPT_ID + VM)               /* 7 */
#define ADDR ((hm_z)0x40000000)           /* gfn 0x40000; pgd 0, pud 1, pmd 0 */
#define GFN (ADDR / PAGE_SIZE)

static const hm_npt *npt_of(const hm_rdata *st, hm_z vmid)
{
	return npt_at(st->shared->npts, vmid);
}

/* A log in which CPU 1 holds the lock: WAIT_LOCK 10 by 1. */
static hm_mlog *held_by_cpu1(void) { return hm_mlog_cons(1, HM_MEV_WAIT_LOCK, 10, NULL, NULL); }

/* CPU 1's finished section publishing npt (newest first). */
static hm_mlog *cpu1_published(hm_z id, const hm_npt *npt)
{
	hm_mlog *l = hm_mlog_cons(1, HM_MEV_WAIT_LOCK, 10, NULL, NULL);
	l = hm_mlog_cons(1, HM_MEV_OPULL, id, NULL, l);
	l = hm_mlog_cons(1, HM_MEV_ONPT, 0, npt, l);
	return hm_mlog_cons(1, HM_MEV_REL_LOCK, 0, NULL, l);
}

/* The released log: REL_LOCK :: ONPT npt :: OPULL id :: WAIT_LOCK 10 :: tail */
#define ASSERT_RELEASED_LOG(l, id, npt, tail)                                        \
	T_ASSERT_LOG((l), (tail), {HM_MEV_REL_LOCK, 0, 0, NULL}, {HM_MEV_ONPT, 0, 0, (npt)}, \
		     {HM_MEV_OPULL, 0, (id), NULL}, {HM_MEV_WAIT_LOCK, 0, 10, NULL})

/* ---- get_level_s2pt_spec ---- */

static void test_get_level_relies(void **state)
{
	(void)state;
	T_ASSERT_RELY(get_level_s2pt_spec(t_initial(), 17, ADDR), "is_vmid(vmid)");
	T_ASSERT_RELY(get_level_s2pt_spec(t_initial(), VM, KVM_ADDR_SPACE), "is_addr(addr)");
}

static void test_get_level_halt(void **state)
{
	(void)state;
	const hm_rdata *st = t_with_halt(t_initial(), true);
	hm_sres r = get_level_s2pt_spec(st, VM, ADDR);
	assert_ptr_equal(r.st, st);
	assert_z_equal(r.ret, 0);
}

static void test_get_level_locked(void **state)
{
	(void)state;
	T_ASSERT_NONE(
		get_level_s2pt_spec(t_with_lock(t_initial(), ID_VM, HM_LOCK_OWN_TRUE), VM, ADDR));
}

static void test_get_level_rely_level(void **state)
{
	(void)state;
	const hm_rdata *st = t_with_npt_entry(t_initial(), VM, GFN, 5, -1, 0x5000);
	T_ASSERT_RELY(get_level_s2pt_spec(st, VM, ADDR), "is_int(level)");
}

static void test_get_level_calock_none(void **state)
{
	(void)state;
	T_ASSERT_NONE(
		get_level_s2pt_spec(t_with_log(t_initial(), ID_VM, held_by_cpu1()), VM, ADDR));
}

/* phys_page pte =? 0: res 0 even for level 3 (0xfff has no page bits);
 * the state: tstate 1, npts[VM] = CalNPT (here unchanged), the released
 * log, LockFalse. */
static void test_get_level_unmapped(void **state)
{
	(void)state;
	const hm_rdata *st = t_with_tstate(t_with_npt_entry(t_initial(), VM, GFN, 5, 3, 0xfff), 4);
	hm_sres r = get_level_s2pt_spec(st, VM, ADDR);
	assert_non_null(r.st);
	assert_z_equal(r.ret, 0);
	assert_z_equal(r.st->tstate, 1);
	assert_int_equal(lock_at(r.st->lock, ID_VM), HM_LOCK_FALSE);
	ASSERT_RELEASED_LOG(mlog_at(r.st->log, ID_VM), ID_VM, npt_of(st, VM), NULL);
	T_ASSERT_DIFF(st, r.st, "tstate", "log[7]");
}

/* phys_page pte <> 0: res = level; CPU 1's NPT (with the entry) is
 * pulled and becomes the copy */
static void test_get_level_mapped(void **state)
{
	(void)state;
	const hm_rdata *st = t_initial();
	const hm_npt *theirs = npt_of(t_with_npt_entry(st, VM, GFN, 5, 2, 0x5000), VM);
	hm_mlog *pulled = cpu1_published(ID_VM, theirs);
	st = t_with_pulled(st, ID_VM, pulled);
	hm_sres r = get_level_s2pt_spec(st, VM, ADDR);
	assert_non_null(r.st);
	assert_z_equal(r.ret, 2);
	assert_ptr_equal(npt_of(r.st, VM), theirs);
	ASSERT_RELEASED_LOG(mlog_at(r.st->log, ID_VM), ID_VM, theirs, pulled);
	T_ASSERT_DIFF(st, r.st, "tstate", "log[7]", "shared.npts[2]");
}

/* ---- walk_s2pt_spec ---- */

static void test_walk_relies(void **state)
{
	(void)state;
	T_ASSERT_RELY(walk_s2pt_spec(t_initial(), -1, ADDR), "is_vmid(vmid)");
	T_ASSERT_RELY(walk_s2pt_spec(t_initial(), VM, -1), "is_addr(addr)");
	const hm_rdata *st = t_with_npt_entry(t_initial(), VM, GFN, 5, 3, INVALID64 + 1);
	T_ASSERT_RELY(walk_s2pt_spec(st, VM, ADDR), "is_int64(pte)");
}

static void test_walk_halt(void **state)
{
	(void)state;
	const hm_rdata *st = t_with_halt(t_initial(), true);
	hm_sres r = walk_s2pt_spec(st, VM, ADDR);
	assert_ptr_equal(r.st, st);
	assert_z_equal(r.ret, 0);
}

static void test_walk_locked_and_calock(void **state)
{
	(void)state;
	T_ASSERT_NONE(walk_s2pt_spec(t_with_lock(t_initial(), ID_VM, HM_LOCK_OWN_FALSE), VM, ADDR));
	T_ASSERT_NONE(walk_s2pt_spec(t_with_log(t_initial(), ID_VM, held_by_cpu1()), VM, ADDR));
}

/* Some (adt', VZ64 pte): the raw pte, whatever its page bits */
static void test_walk_some(void **state)
{
	(void)state;
	const hm_rdata *st = t_with_npt_entry(t_initial(), VM, GFN, 5, 3, 0x40000fff);
	hm_sres r = walk_s2pt_spec(st, VM, ADDR + 0x123); /* same gfn */
	assert_non_null(r.st);
	assert_z_equal(r.ret, 0x40000fff);
	assert_z_equal(r.st->tstate, 1);
	ASSERT_RELEASED_LOG(mlog_at(r.st->log, ID_VM), ID_VM, npt_of(st, VM), NULL);
	T_ASSERT_DIFF(st, r.st, "tstate", "log[7]");
}

/* ---- map_s2pt_spec ---- */

static void test_map_relies(void **state)
{
	(void)state;
	T_ASSERT_RELY(map_s2pt_spec(t_initial(), 17, ADDR, 3, 0x1fff), "is_vmid(vmid)");
	T_ASSERT_RELY(map_s2pt_spec(t_initial(), VM, KVM_ADDR_SPACE, 3, 0x1fff), "is_addr(addr)");
	T_ASSERT_RELY(map_s2pt_spec(t_initial(), VM, ADDR, 3, INVALID64 + 1), "is_int64(pte)");
}

static void test_map_halt(void **state)
{
	(void)state;
	const hm_rdata *st = t_with_halt(t_initial(), true);
	assert_ptr_equal(map_s2pt_spec(st, VM, ADDR, 7, 0).st, st); /* before the level test */
}

static void test_map_locked(void **state)
{
	(void)state;
	T_ASSERT_NONE(map_s2pt_spec(t_with_lock(t_initial(), ID_VM, HM_LOCK_OWN_TRUE), VM, ADDR, 3,
				    0x1fff));
}

/* (level =? 2) || (level =? 3) false: None; pte =? 0: None */
static void test_map_bad_level_or_zero_pte(void **state)
{
	(void)state;
	T_ASSERT_NONE(map_s2pt_spec(t_initial(), VM, ADDR, 1, 0x1fff));
	T_ASSERT_NONE(map_s2pt_spec(t_initial(), VM, ADDR, 4, 0x1fff));
	T_ASSERT_NONE(map_s2pt_spec(t_initial(), VM, ADDR, 3, 0));
}

/* local_mmap at level 2 with pmd_table pte =? PMD_TYPE_TABLE: None */
static void test_map_local_mmap_none(void **state)
{
	(void)state;
	T_ASSERT_NONE(map_s2pt_spec(t_initial(), VM, ADDR, 2, 0x80000003));
}

/* level 3 into the empty NPT of VM 2: pt[gfn] = (0x80000, 3, pte),
 * pgd_t[0], pud_t[0][1], pmd_t[0][1][0] set, each cursor one page on;
 * halt false, tstate 1, released log with the new NPT, LockFalse. */
static void test_map_level3(void **state)
{
	(void)state;
	const hm_rdata *st = t_initial();
	const hm_npt *n0 = npt_of(st, VM);
	hm_z pte = 0x80000000 | PAGE_S2_KERNEL;
	hm_sres r = map_s2pt_spec(st, VM, ADDR, 3, pte);
	assert_non_null(r.st);
	assert_false(r.st->halt);
	assert_z_equal(r.st->tstate, 1);
	const hm_npt *n1 = npt_of(r.st, VM);
	const hm_z3 *e = z3_at(n1->pt, GFN);
	assert_z_equal(e->a, 0x80000);
	assert_z_equal(e->b, 3);
	assert_z_equal(e->c, pte);
	assert_true(hm_map_get_bool(n1->pgd_t, 0));
	assert_true(hm_map2_get_bool(n1->pud_t, 0, 1));
	assert_true(hm_map3_get_bool(n1->pmd_t, 0, 1, 0));
	assert_z_equal(n1->pt_pgd_next, pgd_start(VM) + PAGE_SIZE);
	assert_z_equal(n1->pt_pud_next, pud_start(VM) + PAGE_SIZE);
	assert_z_equal(n1->pt_pmd_next, pmd_start(VM) + PAGE_SIZE);
	assert_z_equal(n0->pt_pgd_next, pgd_start(VM)); /* input untouched */
	assert_int_equal(lock_at(r.st->lock, ID_VM), HM_LOCK_FALSE);
	ASSERT_RELEASED_LOG(mlog_at(r.st->log, ID_VM), ID_VM, n1, NULL);
	T_ASSERT_DIFF(st, r.st, "tstate", "log[7]", "shared.npts[2]");
}

/* level 2: 512 entries from the PMD-aligned gfn, all (pfn + i, 2, pte) */
static void test_map_level2(void **state)
{
	(void)state;
	hm_z pte = z_land(0x80000000 | PAGE_S2_KERNEL, NOT_PMD_TABLE_BIT);
	hm_sres r = map_s2pt_spec(t_initial(), VM, ADDR + 0x5000, 2, pte);
	assert_non_null(r.st);
	assert_z_equal(r.st->tstate, 1);
	const hm_npt *n1 = npt_of(r.st, VM);
	assert_int_equal(hm_map_count(n1->pt), 512);
	assert_z_equal(z3_at(n1->pt, GFN)->a, 0x80000);
	assert_z_equal(z3_at(n1->pt, GFN + 511)->a, 0x80000 + 511);
	assert_z_equal(z3_at(n1->pt, GFN + 511)->b, 2);
	assert_false(hm_map3_get_bool(n1->pmd_t, 0, 1, 0));
}

/* local_mmap gives Some (true, npt) (a level-2 entry is in the way of a
 * level-3 map): halt, tstate 0, npts[VM] = npt, the log is l' (no
 * REL_LOCK), the lock stays LockOwn true. */
static void test_map_halts(void **state)
{
	(void)state;
	const hm_rdata *st = t_with_npt_entry(t_initial(), VM, GFN, 0x80000, 2, 0x80000fff);
	hm_sres r = map_s2pt_spec(st, VM, ADDR, 3, 0x90000fff);
	assert_non_null(r.st);
	assert_true(r.st->halt);
	assert_z_equal(r.st->tstate, 0);
	assert_int_equal(lock_at(r.st->lock, ID_VM), HM_LOCK_OWN_TRUE);
	T_ASSERT_LOG(mlog_at(r.st->log, ID_VM), NULL, {HM_MEV_OPULL, 0, ID_VM, NULL},
		     {HM_MEV_WAIT_LOCK, 0, 10, NULL});
	assert_ptr_equal(npt_of(r.st, VM), npt_of(st, VM));
	T_ASSERT_DIFF(st, r.st, "halt", "log[7]", "lock[7]");
}

static void test_map_calock_none(void **state)
{
	(void)state;
	T_ASSERT_NONE(map_s2pt_spec(t_with_log(t_initial(), ID_VM, held_by_cpu1()), VM, ADDR, 3,
				    0x1fff));
}

/* ---- clear_pfn_host_spec ---- */

#define PFN ((hm_z)0x40030)

static void test_clear_relies(void **state)
{
	(void)state;
	T_ASSERT_RELY(clear_pfn_host_spec(t_initial(), KVM_PFN_SPACE), "is_pfn(pfn)");
	const hm_rdata *st =
		t_with_npt_entry(t_initial(), HOSTVISOR, PFN, PFN, INVALID + 1, 0x1000);
	T_ASSERT_RELY(clear_pfn_host_spec(st, PFN), "is_int(level)");
}

static void test_clear_halt(void **state)
{
	(void)state;
	const hm_rdata *st = t_with_halt(t_initial(), true);
	T_ASSERT_RELY(clear_pfn_host_spec(st, -5), "is_pfn(pfn)"); /* rely before halt */
	assert_ptr_equal(clear_pfn_host_spec(st, PFN).st, st);
}

static void test_clear_locked(void **state)
{
	(void)state;
	T_ASSERT_NONE(clear_pfn_host_spec(t_with_lock(t_initial(), NPT_ID, HM_LOCK_OWN_TRUE), PFN));
}

/* Not mapped in the host NPT (default entry, level 0): Some (false,
 * npt); tstate 1, npts[0] unchanged, the released log, LockFalse. And an
 * entry whose pte has no page bits counts as level 0 too. */
static void test_clear_unmapped(void **state)
{
	(void)state;
	const hm_rdata *st = t_initial();
	hm_sres r = clear_pfn_host_spec(st, PFN);
	assert_non_null(r.st);
	assert_z_equal(r.st->tstate, 1);
	ASSERT_RELEASED_LOG(mlog_at(r.st->log, NPT_ID), NPT_ID, npt_of(st, 0), NULL);
	T_ASSERT_DIFF(st, r.st, "tstate", "log[5]");

	const hm_rdata *st2 = t_with_npt_entry(st, HOSTVISOR, PFN, 0, 3, 0xfff);
	hm_sres r2 = clear_pfn_host_spec(st2, PFN);
	assert_non_null(r2.st);
	assert_ptr_equal(npt_of(r2.st, 0), npt_of(st2, 0));
}

/* Mapped at level 3: local_mmap HOSTVISOR (pfn * PAGE_SIZE) 3 PAGE_GUEST:
 * pt[pfn] = (phys_page PAGE_GUEST / PAGE_SIZE = 0, 3, PAGE_GUEST); the
 * entry was placed directly, so the walk flags are fresh and each cursor
 * moves one page. */
static void test_clear_mapped(void **state)
{
	(void)state;
	const hm_rdata *st = t_with_npt_entry(t_initial(), HOSTVISOR, PFN, PFN, 3,
					      PFN * PAGE_SIZE | PAGE_S2_KERNEL);
	hm_sres r = clear_pfn_host_spec(st, PFN);
	assert_non_null(r.st);
	assert_false(r.st->halt);
	assert_z_equal(r.st->tstate, 1);
	const hm_npt *n1 = npt_of(r.st, 0);
	const hm_z3 *e = z3_at(n1->pt, PFN);
	assert_z_equal(e->a, 0);
	assert_z_equal(e->b, 3);
	assert_z_equal(e->c, PAGE_GUEST);
	assert_z_equal(n1->pt_pmd_next, pmd_start(0) + PAGE_SIZE);
	assert_int_equal(lock_at(r.st->lock, NPT_ID), HM_LOCK_FALSE);
	ASSERT_RELEASED_LOG(mlog_at(r.st->log, NPT_ID), NPT_ID, n1, NULL);
	T_ASSERT_DIFF(st, r.st, "tstate", "log[5]", "shared.npts[0]");
}

/* Mapped at level 2: local_mmap at level 3 meets level0 = 2 and returns
 * Some (true, npt): halt, tstate 0, lock kept, log l'. */
static void test_clear_halts(void **state)
{
	(void)state;
	const hm_rdata *st = t_with_npt_entry(t_initial(), HOSTVISOR, PFN, PFN, 2,
					      PFN * PAGE_SIZE | PAGE_S2_KERNEL);
	st = t_with_tstate(st, 1);
	hm_sres r = clear_pfn_host_spec(st, PFN);
	assert_non_null(r.st);
	assert_true(r.st->halt);
	assert_z_equal(r.st->tstate, 0);
	assert_int_equal(lock_at(r.st->lock, NPT_ID), HM_LOCK_OWN_TRUE);
	T_ASSERT_LOG(mlog_at(r.st->log, NPT_ID), NULL, {HM_MEV_OPULL, 0, NPT_ID, NULL},
		     {HM_MEV_WAIT_LOCK, 0, 10, NULL});
	T_ASSERT_DIFF(st, r.st, "halt", "tstate", "log[5]", "lock[5]");
}

static void test_clear_calock_none(void **state)
{
	(void)state;
	T_ASSERT_NONE(clear_pfn_host_spec(t_with_log(t_initial(), NPT_ID, held_by_cpu1()), PFN));
}

/* Pulled: CPU 1's host NPT maps PFN; the CPU's copy is replaced by it
 * before the lookup, so the page is unmapped from CPU 1's version. */
static void test_clear_pulled(void **state)
{
	(void)state;
	const hm_rdata *st = t_initial();
	const hm_npt *theirs =
		npt_of(t_with_npt_entry(st, HOSTVISOR, PFN, PFN, 3, PFN * PAGE_SIZE | 0xfff), 0);
	hm_mlog *pulled = cpu1_published(NPT_ID, theirs);
	st = t_with_pulled(st, NPT_ID, pulled);
	hm_sres r = clear_pfn_host_spec(st, PFN);
	assert_non_null(r.st);
	assert_z_equal(z3_at(npt_of(r.st, 0)->pt, PFN)->c, PAGE_GUEST);
	ASSERT_RELEASED_LOG(mlog_at(r.st->log, NPT_ID), NPT_ID, npt_of(r.st, 0), pulled);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_get_level_relies),
		cmocka_unit_test(test_get_level_halt),
		cmocka_unit_test(test_get_level_locked),
		cmocka_unit_test(test_get_level_rely_level),
		cmocka_unit_test(test_get_level_calock_none),
		cmocka_unit_test(test_get_level_unmapped),
		cmocka_unit_test(test_get_level_mapped),
		cmocka_unit_test(test_walk_relies),
		cmocka_unit_test(test_walk_halt),
		cmocka_unit_test(test_walk_locked_and_calock),
		cmocka_unit_test(test_walk_some),
		cmocka_unit_test(test_map_relies),
		cmocka_unit_test(test_map_halt),
		cmocka_unit_test(test_map_locked),
		cmocka_unit_test(test_map_bad_level_or_zero_pte),
		cmocka_unit_test(test_map_local_mmap_none),
		cmocka_unit_test(test_map_level3),
		cmocka_unit_test(test_map_level2),
		cmocka_unit_test(test_map_halts),
		cmocka_unit_test(test_map_calock_none),
		cmocka_unit_test(test_clear_relies),
		cmocka_unit_test(test_clear_halt),
		cmocka_unit_test(test_clear_locked),
		cmocka_unit_test(test_clear_unmapped),
		cmocka_unit_test(test_clear_mapped),
		cmocka_unit_test(test_clear_halts),
		cmocka_unit_test(test_clear_calock_none),
		cmocka_unit_test(test_clear_pulled),
	};
	return cmocka_run_group_tests(tests, t_pool_setup, t_pool_teardown);
}
