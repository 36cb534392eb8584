/* MemManagerRefine.md: the relation between the high level (`_spec`,
 * Section MemManagerSpec of the seed) and the low level (`_spec0`,
 * Section MemManagerSpecLow) is relate_RData: hadt = ladt, the identity
 * (hm_refines). The obligation: whenever the high level answers Some, the
 * low level answers Some of the same state.
 *
 * Every branch of every high definition that answers Some is run here on
 * the two levels from one state. Where the seed's two levels agree the
 * test asserts hm_refines; where they do not, the test asserts the exact
 * disagreement (which fields, which values on each side), worked out from
 * the Coq of both levels. A third group records inputs on which only the
 * low level answers (its relies are weaker), which the relation allows. */
#include "hm_test.h"
#include "mm_low_test.h"

#include "mem_manager_spec.h"
#include "mem_manager_spec0.h"

#define PFN ((hm_z)0x40040) /* RAM: initially {HOSTVISOR, 0, PFN + SMMU_HOST_OFFSET} */
#define VM ((hm_z)3)
#define GFN ((hm_z)0x777)
#define IOVA ((hm_z)0x12345000)
#define IOGFN (IOVA / PAGE_SIZE)
#define TTBR01 SMMU_TTBR(0, 1)

static const hm_rdata *base(void) { return t_with_test_doracle(t_initial()); }

static const hm_rdata *with_page(hm_z owner, hm_z count, hm_z gfn)
{
	return t_with_page(base(), PFN, owner, count, gfn);
}

/* host NPT maps PFN at `level` */
static const hm_rdata *host_mapped(const hm_rdata *st, hm_z level)
{
	return t_with_npt_entry(st, HOSTVISOR, PFN, PFN, level, PFN * PAGE_SIZE | PAGE_S2_KERNEL);
}

/* Both levels answer Some and the states are related. */
static void assert_refines(hm_sres high, hm_sres low)
{
	assert_non_null(high.st);
	assert_non_null(low.st);
	GString *rep = g_string_new(NULL);
	bool ok = hm_refines(high.st, low.st, rep);
	if (!ok)
		fprintf(stderr, "levels disagree:\n%s", rep->str);
	g_string_free(rep, TRUE);
	assert_true(ok);
}

/* Both answer Some, not related; the diff paths are checked by the
 * caller (T_ASSERT_DIFF(high, low, ...)). */
static void assert_not_refines(hm_sres high, hm_sres low)
{
	assert_non_null(high.st);
	assert_non_null(low.st);
	GString *rep = g_string_new(NULL);
	bool ok = hm_refines(high.st, low.st, rep);
	g_string_free(rep, TRUE);
	assert_false(ok);
}

#define BOTH(fn, st, ...) fn##_spec((st), __VA_ARGS__), fn##_spec0((st), __VA_ARGS__)

/* ==== map_page_host ==== */

static void test_map_page_host_halt(void **state)
{
	(void)state;
	const hm_rdata *st = t_with_halt(base(), true);
	assert_refines(BOTH(map_page_host, st, PFN * PAGE_SIZE));
}

/* owner INVALID: device mapping on both levels */
static void test_map_page_host_device(void **state)
{
	(void)state;
	assert_refines(BOTH(map_page_host, base(), 0x10000000));
}

/* owner HOSTVISOR: kernel mapping */
static void test_map_page_host_kernel(void **state)
{
	(void)state;
	assert_refines(BOTH(map_page_host, base(), PFN * PAGE_SIZE + 8));
}

/* owner a VM, count > 0 */
static void test_map_page_host_shared(void **state)
{
	(void)state;
	assert_refines(BOTH(map_page_host, with_page(VM, 2, GFN), PFN * PAGE_SIZE));
}

/* local_mmap halts: both keep both locks */
static void test_map_page_host_npt_halts(void **state)
{
	(void)state;
	assert_refines(BOTH(map_page_host, host_mapped(base(), 2), PFN * PAGE_SIZE));
}

/* owner a VM, count 0: both halt under the S2PAGE lock */
static void test_map_page_host_panic(void **state)
{
	(void)state;
	assert_refines(BOTH(map_page_host, with_page(VM, 0, GFN), PFN * PAGE_SIZE));
}

/* another CPU's S2Page and host NPT are pulled by both */
static void test_map_page_host_pulled(void **state)
{
	(void)state;
	const hm_rdata *st = base();
	const hm_rdata *theirs = host_mapped(with_page(VM, 1, GFN), 3);
	hm_mlog *sp =
		hm_mlog_cons(1, HM_MEV_REL_LOCK, 0, NULL,
			     hm_mlog_cons(1, HM_MEV_OS2_PAGE, 0, theirs->shared->s2page, NULL));
	sp = hm_mlog_append(sp, hm_mlog_cons(1, HM_MEV_OPULL, S2PAGE_ID, NULL,
					     hm_mlog_cons(1, HM_MEV_WAIT_LOCK, 10, NULL, NULL)));
	hm_mlog *pp = hm_mlog_cons(1, HM_MEV_REL_LOCK, 0, NULL,
				   hm_mlog_cons(1, HM_MEV_ONPT, 0, npt_at(theirs->shared->npts, 0),
						hm_mlog_cons(1, HM_MEV_OPULL, NPT_ID, NULL,
							     hm_mlog_cons(1, HM_MEV_WAIT_LOCK, 10,
									  NULL, NULL))));
	st = t_with_pulled(t_with_pulled(st, S2PAGE_ID, sp), NPT_ID, pp);
	hm_sres h = map_page_host_spec(st, PFN * PAGE_SIZE),
		l = map_page_host_spec0(st, PFN * PAGE_SIZE);
	assert_refines(h, l);
	assert_z_equal(t_page(h.st, PFN).s2_owner, VM); /* the pulled page was used */
}

/* ==== clear_vm_page ==== */

static void test_clear_vm_page_halt(void **state)
{
	(void)state;
	assert_refines(BOTH(clear_vm_page, t_with_halt(base(), true), HOSTVISOR, PFN));
}

static void test_clear_vm_page_not_owner(void **state)
{
	(void)state;
	assert_refines(BOTH(clear_vm_page, base(), VM, PFN));
}

/* DISAGREE. owner =? vmid, the host does not map the page.
 * High (seed l.96-103): only S2PAGE and FLATMEM change; the NPT is not
 * touched. Low (l.534-540): clear_pfn_host_spec (NPTOpsSpec) takes and
 * releases the host NPT lock: log[NPT_ID] gets OPULL 5, WAIT_LOCK 10,
 * ONPT npt, REL_LOCK (npt = the CPU's host NPT, unchanged here). */
static void test_clear_vm_page_owner_unmapped(void **state)
{
	(void)state;
	const hm_rdata *st = t_with_flatmem(with_page(VM, 0, GFN), PFN, 55);
	hm_sres h = clear_vm_page_spec(st, VM, PFN), l = clear_vm_page_spec0(st, VM, PFN);
	assert_not_refines(h, l);
	T_ASSERT_DIFF(h.st, l.st, "log[5]");
	assert_null(mlog_at(h.st->log, NPT_ID));
	T_ASSERT_LOG(mlog_at(l.st->log, NPT_ID), NULL, {HM_MEV_REL_LOCK, 0, 0, NULL},
		     {HM_MEV_ONPT, 0, 0, npt_at(st->shared->npts, 0)},
		     {HM_MEV_OPULL, 0, NPT_ID, NULL}, {HM_MEV_WAIT_LOCK, 0, 10, NULL});
	/* what they agree on */
	assert_z_equal(t_page(h.st, PFN).s2_owner, HOSTVISOR);
	assert_z_equal(hm_map_get_z(l.st->shared->flatmem, PFN), 0);
}

/* DISAGREE. owner =? vmid, the host maps the page at level 3: besides
 * log[5], the low level unmaps it from the host NPT (pt[PFN] = (0, 3,
 * PAGE_GUEST), walk flags and cursors advanced by local_mmap); the high
 * level leaves the host NPT as it was. */
static void test_clear_vm_page_owner_host_mapped(void **state)
{
	(void)state;
	const hm_rdata *st = host_mapped(with_page(VM, 0, GFN), 3);
	hm_sres h = clear_vm_page_spec(st, VM, PFN), l = clear_vm_page_spec0(st, VM, PFN);
	assert_not_refines(h, l);
	T_ASSERT_DIFF(h.st, l.st, "log[5]", "shared.npts[0]");
	const hm_z3 *eh = z3_at(npt_at(h.st->shared->npts, 0)->pt, PFN);
	const hm_z3 *el = z3_at(npt_at(l.st->shared->npts, 0)->pt, PFN);
	assert_z_equal(eh->c, PFN * PAGE_SIZE | PAGE_S2_KERNEL);
	assert_z_equal(el->a, 0);
	assert_z_equal(el->c, PAGE_GUEST);
}

/* DISAGREE. owner =? vmid, the host maps the page at level 2: the low
 * level's clear_pfn_host halts (local_mmap meets level0 = 2), so it stops
 * holding both locks with the page unchanged; the high level completes:
 *   high: halt false, tstate 1, page {HOSTVISOR, 0, PFN + SMMU_HOST_OFFSET},
 *         flatmem[PFN] 0, log[2] = REL_LOCK :: OS2_PAGE :: OPULL :: WAIT,
 *         log[0] = OFLATMEM, locks free, log[5] nil
 *   low:  halt true, tstate 0, page {VM, 0, GFN}, flatmem[PFN] 55,
 *         log[2] = OPULL :: WAIT, log[0] nil, lock[2] = lock[5] = LockOwn
 *         true, log[5] = OPULL 5 :: WAIT_LOCK 10 */
static void test_clear_vm_page_owner_host_level2(void **state)
{
	(void)state;
	const hm_rdata *st = host_mapped(t_with_flatmem(with_page(VM, 0, GFN), PFN, 55), 2);
	hm_sres h = clear_vm_page_spec(st, VM, PFN), l = clear_vm_page_spec0(st, VM, PFN);
	assert_not_refines(h, l);
	T_ASSERT_DIFF(h.st, l.st, "halt", "tstate", "log[0]", "log[2]", "log[5]", "lock[2]",
		      "lock[5]", "shared.s2page[0x40040]", "shared.flatmem[0x40040]");
	assert_false(h.st->halt);
	assert_true(l.st->halt);
	assert_z_equal(h.st->tstate, 1);
	assert_z_equal(l.st->tstate, 0);
	assert_z_equal(t_page(h.st, PFN).s2_owner, HOSTVISOR);
	assert_z_equal(t_page(h.st, PFN).s2_gfn, PFN + SMMU_HOST_OFFSET);
	assert_z_equal(t_page(l.st, PFN).s2_owner, VM);
	assert_z_equal(t_page(l.st, PFN).s2_gfn, GFN);
	assert_z_equal(hm_map_get_z(h.st->shared->flatmem, PFN), 0);
	assert_z_equal(hm_map_get_z(l.st->shared->flatmem, PFN), 55);
	assert_int_equal(lock_at(h.st->lock, S2PAGE_ID), HM_LOCK_FALSE);
	assert_int_equal(lock_at(l.st->lock, S2PAGE_ID), HM_LOCK_OWN_TRUE);
	assert_int_equal(lock_at(l.st->lock, NPT_ID), HM_LOCK_OWN_TRUE);
	assert_int_equal(hm_mlog_len(mlog_at(h.st->log, S2PAGE_ID)), 4);
	assert_int_equal(hm_mlog_len(mlog_at(l.st->log, S2PAGE_ID)), 2);
	assert_int_equal(hm_mlog_len(mlog_at(h.st->log, FLATMEM_ID)), 1);
	assert_null(mlog_at(l.st->log, FLATMEM_ID));
}

/* DISAGREE (refinement broken: high Some, low None). owner =? vmid and
 * the host NPT lock is not free in the CPU's view: the high level does
 * not look at it; the low level's clear_pfn_host_spec needs NPT_ID @
 * (lock adt) = LockFalse and H_CalLock (pulled ++ log[5]) = Some (_,
 * LEMPTY, None), else None. */
static void test_clear_vm_page_npt_lock_busy(void **state)
{
	(void)state;
	const hm_rdata *st = t_with_lock(with_page(VM, 0, GFN), NPT_ID, HM_LOCK_OWN_TRUE);
	assert_non_null(clear_vm_page_spec(st, VM, PFN).st);
	T_ASSERT_NONE(clear_vm_page_spec0(st, VM, PFN));
	/* CPU 1 holds the host NPT lock according to the log */
	st = t_with_log(with_page(VM, 0, GFN), NPT_ID,
			hm_mlog_cons(1, HM_MEV_WAIT_LOCK, 10, NULL, NULL));
	assert_non_null(clear_vm_page_spec(st, VM, PFN).st);
	T_ASSERT_NONE(clear_vm_page_spec0(st, VM, PFN));
}

/* ==== assign_pfn_to_vm ==== */

static void test_assign_vm_halt(void **state)
{
	(void)state;
	assert_refines(BOTH(assign_pfn_to_vm, t_with_halt(base(), true), VM, GFN, PFN));
}

/* owner HOSTVISOR, count 0, not mapped by the host */
static void test_assign_vm_from_host(void **state)
{
	(void)state;
	assert_refines(BOTH(assign_pfn_to_vm, t_with_data_log(base(), VM, 4), VM, GFN, PFN));
}

/* owner HOSTVISOR, count 0, mapped by the host at level 3 */
static void test_assign_vm_from_host_mapped(void **state)
{
	(void)state;
	assert_refines(BOTH(assign_pfn_to_vm, host_mapped(base(), 3), VM, GFN, PFN));
}

/* the same with every object pulled from CPU 1 */
static void test_assign_vm_from_host_pulled(void **state)
{
	(void)state;
	const hm_rdata *st = base();
	const hm_rdata *theirs = host_mapped(t_with_flatmem(st, PFN + 1, 99), 3);
	hm_mlog *sp = hm_mlog_cons(1, HM_MEV_REL_LOCK, 0, NULL,
				   hm_mlog_cons(1, HM_MEV_OS2_PAGE, 0, theirs->shared->s2page,
						hm_mlog_cons(1, HM_MEV_OPULL, S2PAGE_ID, NULL,
							     hm_mlog_cons(1, HM_MEV_WAIT_LOCK, 10,
									  NULL, NULL))));
	hm_mlog *pp = hm_mlog_cons(1, HM_MEV_REL_LOCK, 0, NULL,
				   hm_mlog_cons(1, HM_MEV_ONPT, 0, npt_at(theirs->shared->npts, 0),
						hm_mlog_cons(1, HM_MEV_OPULL, NPT_ID, NULL,
							     hm_mlog_cons(1, HM_MEV_WAIT_LOCK, 10,
									  NULL, NULL))));
	hm_mlog *fp = hm_mlog_cons(1, HM_MEV_OFLATMEM, 0, theirs->shared->flatmem, NULL);
	st = t_with_pulled(t_with_pulled(t_with_pulled(st, S2PAGE_ID, sp), NPT_ID, pp), FLATMEM_ID,
			   fp);
	hm_sres h = assign_pfn_to_vm_spec(st, VM, GFN, PFN),
		l = assign_pfn_to_vm_spec0(st, VM, GFN, PFN);
	assert_refines(h, l);
	assert_z_equal(hm_map_get_z(h.st->shared->flatmem, PFN + 1), 99);
	assert_z_equal(z3_at(npt_at(h.st->shared->npts, 0)->pt, PFN)->c, PAGE_GUEST);
}

/* DISAGREE. owner HOSTVISOR, count 0, the host maps the page at level 2:
 * local_mmap halts. High (seed l.152): {s2page: s2p'} whatever halt' is,
 * so the halted state already gives the page to the VM: {VM, 0, GFN}.
 * Low (l.556-560): clear_pfn_host_spec halts first and set_pfn_owner /
 * set_pfn_map do nothing once halted: the page stays {HOSTVISOR, 0,
 * PFN + SMMU_HOST_OFFSET}. Everything else agrees (halt, tstate 0, both
 * locks held, data_log and flatmem unchanged). Compare
 * assign_pfn_to_smmu_spec, l.375: {s2page: if halt' then s2p else s2p'}. */
static void test_assign_vm_from_host_level2(void **state)
{
	(void)state;
	const hm_rdata *st = host_mapped(base(), 2);
	hm_sres h = assign_pfn_to_vm_spec(st, VM, GFN, PFN),
		l = assign_pfn_to_vm_spec0(st, VM, GFN, PFN);
	assert_not_refines(h, l);
	T_ASSERT_DIFF(h.st, l.st, "shared.s2page[0x40040]");
	assert_true(h.st->halt);
	assert_true(l.st->halt);
	hm_s2page ph = t_page(h.st, PFN), pl = t_page(l.st, PFN);
	assert_z_equal(ph.s2_owner, VM);
	assert_z_equal(ph.s2_count, 0);
	assert_z_equal(ph.s2_gfn, GFN);
	assert_z_equal(pl.s2_owner, HOSTVISOR);
	assert_z_equal(pl.s2_count, 0);
	assert_z_equal(pl.s2_gfn, PFN + SMMU_HOST_OFFSET);
}

static void test_assign_vm_host_shared(void **state)
{
	(void)state;
	assert_refines(BOTH(assign_pfn_to_vm, with_page(HOSTVISOR, 1, 9), VM, GFN, PFN));
}

/* owner vmid with gfn unset or equal, all four (gfn, count) cases */
static void test_assign_vm_owner_keep(void **state)
{
	(void)state;
	assert_refines(BOTH(assign_pfn_to_vm, with_page(VM, INVALID, INVALID64), VM, GFN, PFN));
	assert_refines(BOTH(assign_pfn_to_vm, with_page(VM, 2, INVALID64), VM, GFN, PFN));
	assert_refines(BOTH(assign_pfn_to_vm, with_page(VM, INVALID, GFN), VM, GFN, PFN));
	assert_refines(BOTH(assign_pfn_to_vm, with_page(VM, 2, GFN), VM, GFN, PFN));
}

/* owner vmid at another gfn; owner another VM: both halt */
static void test_assign_vm_panic(void **state)
{
	(void)state;
	assert_refines(BOTH(assign_pfn_to_vm, with_page(VM, 0, GFN + 1), VM, GFN, PFN));
	assert_refines(BOTH(assign_pfn_to_vm, with_page(VM + 1, 0, GFN), VM, GFN, PFN));
}

/* ==== map_pfn_vm ==== */

static void test_map_pfn_vm_halt(void **state)
{
	(void)state;
	assert_refines(BOTH(map_pfn_vm, t_with_halt(base(), true), VM, 0x200000, 0x80000000, 3));
}

static void test_map_pfn_vm_levels(void **state)
{
	(void)state;
	assert_refines(BOTH(map_pfn_vm, base(), VM, 0x200000, 0x80000123, 2));
	assert_refines(BOTH(map_pfn_vm, base(), VM, 0x200000, 0x80000123, 3));
	assert_refines(BOTH(map_pfn_vm, base(), VM, 0x200000, 0x80000123, 0));
}

/* local_mmap halts (a level-2 entry in the way) */
static void test_map_pfn_vm_halts(void **state)
{
	(void)state;
	const hm_rdata *st = t_with_npt_entry(base(), VM, 0x200, 0x80000, 2, 0x80000ffd);
	assert_refines(BOTH(map_pfn_vm, st, VM, 0x200000, 0x90000000, 3));
}

/* ==== map_vm_io ==== */

static void test_map_vm_io_halt(void **state)
{
	(void)state;
	assert_refines(BOTH(map_vm_io, t_with_halt(base(), true), VM, 0x9000, 0x10000000));
}

static void test_map_vm_io_device(void **state)
{
	(void)state;
	assert_refines(BOTH(map_vm_io, base(), VM, 0x9000, 0x10000abc));
}

static void test_map_vm_io_device_halts(void **state)
{
	(void)state;
	const hm_rdata *st = t_with_npt_entry(base(), VM, 9, 0x10000, 2, 0x10000ffd);
	assert_refines(BOTH(map_vm_io, st, VM, 0x9000, 0x10000abc));
}

static void test_map_vm_io_ram(void **state)
{
	(void)state;
	assert_refines(BOTH(map_vm_io, base(), VM, 0x9000, PFN * PAGE_SIZE));
}

/* ==== grant_vm_page ==== */

static void test_grant(void **state)
{
	(void)state;
	assert_refines(BOTH(grant_vm_page, t_with_halt(base(), true), VM, PFN));
	assert_refines(BOTH(grant_vm_page, with_page(VM, 5, GFN), VM, PFN));
	assert_refines(BOTH(grant_vm_page, with_page(VM, MAX_SHARE_COUNT, GFN), VM, PFN));
	assert_refines(BOTH(grant_vm_page, with_page(VM + 1, 5, GFN), VM, PFN));
}

/* ==== revoke_vm_page ==== */

static void test_revoke_halt(void **state)
{
	(void)state;
	assert_refines(BOTH(revoke_vm_page, t_with_halt(base(), true), VM, PFN));
}

/* count 1: back to the host's contents; unmapped and mapped at level 3 */
static void test_revoke_last(void **state)
{
	(void)state;
	assert_refines(
		BOTH(revoke_vm_page, t_with_data_log(with_page(VM, 1, GFN), VM, 6), VM, PFN));
	assert_refines(BOTH(revoke_vm_page, host_mapped(with_page(VM, 1, GFN), 3), VM, PFN));
}

/* count 1 and the host mapping at level 2: local_mmap halts. Here both
 * levels keep the decremented count (the low level set it before
 * clear_pfn_host_spec; the high level's s2p' has it), so they agree. */
static void test_revoke_last_halts(void **state)
{
	(void)state;
	hm_sres h, l;
	const hm_rdata *st = host_mapped(with_page(VM, 1, GFN), 2);
	h = revoke_vm_page_spec(st, VM, PFN);
	l = revoke_vm_page_spec0(st, VM, PFN);
	assert_refines(h, l);
	assert_true(h.st->halt);
	assert_z_equal(t_page(h.st, PFN).s2_count, 0);
}

static void test_revoke_other(void **state)
{
	(void)state;
	assert_refines(BOTH(revoke_vm_page, with_page(VM, 4, GFN), VM, PFN));
	assert_refines(BOTH(revoke_vm_page, with_page(VM, 0, GFN), VM, PFN));
	assert_refines(BOTH(revoke_vm_page, with_page(VM + 1, 2, GFN), VM, PFN));
}

/* ==== assign_pfn_to_smmu ==== */

static void test_assign_smmu_halt(void **state)
{
	(void)state;
	assert_refines(BOTH(assign_pfn_to_smmu, t_with_halt(base(), true), VM, GFN, PFN));
}

/* DISAGREE. owner HOSTVISOR, count 0, no halt. High (seed l.361-378):
 * also fills the page from the data oracle: flatmem[PFN] = doracle VM
 * logn (logn = data_log[VM] = 4), data_log[VM] = 5, log[FLATMEM_ID] =
 * OFLATMEM fmem' :: pulled ++ l. Low (l.672-676): no fetch_from_doracle:
 * flatmem, data_log and log[0] unchanged. S2Page, NPT and locks agree. */
static void test_assign_smmu_from_host(void **state)
{
	(void)state;
	const hm_rdata *st = t_with_flatmem(t_with_data_log(base(), VM, 4), PFN, 55);
	hm_sres h = assign_pfn_to_smmu_spec(st, VM, GFN, PFN);
	hm_sres l = assign_pfn_to_smmu_spec0(st, VM, GFN, PFN);
	assert_not_refines(h, l);
	T_ASSERT_DIFF(h.st, l.st, "shared.flatmem[0x40040]", "data_log[3]", "log[0]");
	assert_z_equal(hm_map_get_z(h.st->shared->flatmem, PFN), T_DORC(VM, 4));
	assert_z_equal(hm_map_get_z(l.st->shared->flatmem, PFN), 55);
	assert_z_equal(hm_map_get_z(h.st->data_log, VM), 5);
	assert_z_equal(hm_map_get_z(l.st->data_log, VM), 4);
	T_ASSERT_LOG(mlog_at(h.st->log, FLATMEM_ID), NULL,
		     {HM_MEV_OFLATMEM, 0, 0, h.st->shared->flatmem});
	assert_null(mlog_at(l.st->log, FLATMEM_ID));
	/* the page itself: {VM, INVALID, GFN} on both */
	assert_z_equal(t_page(h.st, PFN).s2_count, INVALID);
	assert_z_equal(t_page(l.st, PFN).s2_count, INVALID);
}

/* DISAGREE, the same with the host mapping at level 3 (the NPT parts
 * agree, the data-oracle parts do not) */
static void test_assign_smmu_from_host_mapped(void **state)
{
	(void)state;
	const hm_rdata *st = host_mapped(base(), 3);
	hm_sres h = assign_pfn_to_smmu_spec(st, VM, GFN, PFN);
	hm_sres l = assign_pfn_to_smmu_spec0(st, VM, GFN, PFN);
	assert_not_refines(h, l);
	T_ASSERT_DIFF(h.st, l.st, "shared.flatmem[0x40040]", "data_log[3]", "log[0]");
}

/* owner HOSTVISOR, count 0, local_mmap halts: here the high level keeps
 * s2p (l.375) and leaves flatmem/data_log: both agree */
static void test_assign_smmu_from_host_halts(void **state)
{
	(void)state;
	assert_refines(BOTH(assign_pfn_to_smmu, host_mapped(base(), 2), VM, GFN, PFN));
}

static void test_assign_smmu_other_arms(void **state)
{
	(void)state;
	assert_refines(BOTH(assign_pfn_to_smmu, with_page(HOSTVISOR, 2, 9), VM, GFN, PFN));
	assert_refines(BOTH(assign_pfn_to_smmu, with_page(VM, INVALID, GFN), VM, GFN, PFN));
	assert_refines(BOTH(assign_pfn_to_smmu, with_page(VM + 1, 0, GFN), VM, GFN, PFN));
}

/* ==== update_smmu_page ==== */

static void test_update_smmu_halt(void **state)
{
	(void)state;
	assert_refines(BOTH(update_smmu_page, t_with_halt(base(), true), VM, 1, 0, IOVA, 0x1000));
}

static void test_update_smmu_arms(void **state)
{
	(void)state;
	hm_z pte = PFN * PAGE_SIZE | 0x7ff;
	/* host page, count < 16 and count = 16 */
	assert_refines(
		BOTH(update_smmu_page, with_page(HOSTVISOR, 3, IOGFN), HOSTVISOR, 1, 0, IOVA, pte));
	assert_refines(BOTH(update_smmu_page, with_page(HOSTVISOR, 16, IOGFN), HOSTVISOR, 1, 0,
			    IOVA, pte));
	/* a VM's page */
	assert_refines(BOTH(update_smmu_page, with_page(VM, INVALID, IOGFN), VM, 1, 0, IOVA, pte));
	/* owner or gfn mismatch */
	assert_refines(
		BOTH(update_smmu_page, with_page(VM, INVALID, IOGFN + 1), VM, 1, 0, IOVA, pte));
	assert_refines(
		BOTH(update_smmu_page, with_page(VM + 1, INVALID, IOGFN), VM, 1, 0, IOVA, pte));
}

/* local_spt_map halts */
static void test_update_smmu_halts(void **state)
{
	(void)state;
	const hm_rdata *st = with_page(HOSTVISOR, 3, IOGFN);
	hm_spt *s = spt_edit(st->shared->spts);
	s->spt_pgd_next = SMMU_PMD_START;
	st = t_with_spt(st, s);
	assert_refines(BOTH(update_smmu_page, st, HOSTVISOR, 1, 0, IOVA, PFN * PAGE_SIZE | 0x7ff));
}

/* ==== unmap_smmu_page ==== */

static const hm_rdata *iomapped(hm_z owner, hm_z count)
{
	return t_with_spt_entry(with_page(owner, count, IOGFN), TTBR01, IOGFN, PFN,
				PFN * PAGE_SIZE | 0x7ff);
}

static void test_unmap_smmu_halt(void **state)
{
	(void)state;
	assert_refines(BOTH(unmap_smmu_page, t_with_halt(base(), true), 1, 0, IOVA));
}

static void test_unmap_smmu_arms(void **state)
{
	(void)state;
	assert_refines(BOTH(unmap_smmu_page, base(), 1, 0, IOVA)); /* pte 0 */
	assert_refines(BOTH(unmap_smmu_page, iomapped(HOSTVISOR, 2), 1, 0, IOVA));
	assert_refines(BOTH(unmap_smmu_page, iomapped(HOSTVISOR, 0), 1, 0, IOVA));
	assert_refines(BOTH(unmap_smmu_page, iomapped(VM, 2), 1, 0, IOVA));
}

static void test_unmap_smmu_halts(void **state)
{
	(void)state;
	const hm_rdata *st = iomapped(HOSTVISOR, 2);
	hm_spt *s = spt_edit(st->shared->spts);
	s->spt_pmd_next = SMMU_POOL_END;
	st = t_with_spt(st, s);
	assert_refines(BOTH(unmap_smmu_page, st, 1, 0, IOVA));
}

/* ==== only the low level answers (allowed by the relation) ==== */

/* The low level's relies are weaker than the high level's, and it takes
 * the NPT/SPT locks only on the arms that use them. On these inputs the
 * high level is None (a rely or a lock it checks up front) and the low
 * level answers Some. */
static void test_low_only(void **state)
{
	(void)state;
	hm_sres h, l;
	/* map_page_host: is_paddr (2^40) up front vs is_addr (2^48) */
	h = map_page_host_spec(base(), KVM_PHYS_SIZE);
	l = map_page_host_spec0(base(), KVM_PHYS_SIZE);
	T_ASSERT_RELY(h, "is_paddr(addr)");
	assert_non_null(l.st);
	/* map_page_host, panic arm, host NPT lock busy: the high level wants
	 * both locks free before looking at the page */
	const hm_rdata *st = t_with_lock(with_page(VM, 0, GFN), NPT_ID, HM_LOCK_OWN_TRUE);
	T_ASSERT_NONE(map_page_host_spec(st, PFN * PAGE_SIZE));
	assert_true(map_page_host_spec0(st, PFN * PAGE_SIZE).st->halt);
	/* clear_vm_page: no is_vmid on the low level */
	T_ASSERT_RELY(clear_vm_page_spec(base(), 17, PFN), "is_vmid(vmid)");
	assert_non_null(clear_vm_page_spec0(base(), 17, PFN).st);
	/* assign_pfn_to_vm: vmid checked only by set_pfn_owner_spec */
	T_ASSERT_RELY(assign_pfn_to_vm_spec(with_page(VM, 0, GFN), 17, GFN, PFN), "is_vmid(vmid)");
	assert_true(assign_pfn_to_vm_spec0(with_page(VM, 0, GFN), 17, GFN, PFN).st->halt);
	/* grant/revoke: is_pfn vs is_addr + is_gfn */
	T_ASSERT_RELY(grant_vm_page_spec(base(), VM, KVM_PFN_SPACE), "is_pfn(pfn)");
	assert_non_null(grant_vm_page_spec0(base(), VM, KVM_PFN_SPACE).st);
	T_ASSERT_RELY(revoke_vm_page_spec(base(), VM, KVM_PFN_SPACE), "is_pfn(pfn)");
	assert_non_null(revoke_vm_page_spec0(base(), VM, KVM_PFN_SPACE).st);
	/* update_smmu_page: index checked only by map_spt_spec */
	T_ASSERT_RELY(update_smmu_page_spec(with_page(VM, 0, 1), VM, 1, 5, IOVA, 0),
		      "is_smmu(index)");
	assert_true(update_smmu_page_spec0(with_page(VM, 0, 1), VM, 1, 5, IOVA, 0).st->halt);
}

/* ==== through the model, two CPUs ==== */

static hm_result step(hm_model *m, int cpu, hm_level level, const char *op, const hm_arg *args,
		      size_t n)
{
	hm_result r;
	char *err = NULL;
	hm_error rc = hm_model_step(m, cpu, level, op, args, n, &r, &err);
	if (rc != HM_OK)
		fail_msg("%s: %s", op, err ? err : "?");
	return r;
}

/* The op table's `.low` entries run the `_spec0` definitions. CPU 0
 * gives PFN to VM 3 at the low level; with both levels, the model finds
 * grant_vm_page related and assign_pfn_to_smmu (the data-oracle
 * disagreement above) not. CPU 0 then gives PFN + 2 to the VM (low).
 * CPU 1, at the low level, pulls CPU 0's S2Page through the oracle of
 * the global logs: PFN + 2 is a VM page with count 0, so map_page_host
 * halts holding the S2PAGE lock; after that CPU 0 cannot take the lock:
 * None on both levels (related). */
static void test_model_low_and_both(void **state)
{
	(void)state;
	hm_model *m = t_model(2);
	const hm_arg assign[] = {{"vmid", VM}, {"gfn", GFN}, {"pfn", PFN}};
	hm_result r = step(m, 0, HM_LEVEL_LOW, "assign_pfn_to_vm", assign, 3);
	assert_int_equal(r.kind, HM_RESULT_OK);
	assert_z_equal(t_page(hm_model_view(m, 0), PFN).s2_owner, VM);

	const hm_arg grant[] = {{"vmid", VM}, {"pfn", PFN}};
	r = step(m, 0, HM_LEVEL_BOTH, "grant_vm_page", grant, 2);
	assert_int_equal(r.kind, HM_RESULT_OK);
	assert_false(r.levels_disagree);
	const hm_arg smmu[] = {{"vmid", VM}, {"gfn", GFN}, {"pfn", PFN + 1}};
	r = step(m, 0, HM_LEVEL_BOTH, "assign_pfn_to_smmu", smmu, 3);
	assert_int_equal(r.kind, HM_RESULT_OK);
	assert_true(r.levels_disagree);
	const hm_arg assign2[] = {{"vmid", VM}, {"gfn", GFN + 2}, {"pfn", PFN + 2}};
	r = step(m, 0, HM_LEVEL_LOW, "assign_pfn_to_vm", assign2, 3);
	assert_int_equal(r.kind, HM_RESULT_OK);

	const hm_arg host[] = {{"addr", (PFN + 2) * PAGE_SIZE}};
	r = step(m, 1, HM_LEVEL_LOW, "map_page_host", host, 1);
	assert_int_equal(r.kind, HM_RESULT_HALT);
	const hm_rdata *v0 = hm_model_view(m, 0), *v1 = hm_model_view(m, 1);
	hm_s2page p1 = t_page(v1, PFN);
	assert_z_equal(p1.s2_owner, VM);
	assert_z_equal(p1.s2_count, 1); /* granted once */
	/* CPU 1's S2PAGE log: its OPULL, WAIT_LOCK on top of all of CPU 0's */
	T_ASSERT_LOG(mlog_at(v1->log, S2PAGE_ID), mlog_at(v0->log, S2PAGE_ID),
		     {HM_MEV_OPULL, 1, S2PAGE_ID, NULL}, {HM_MEV_WAIT_LOCK, 1, 10, NULL});

	r = step(m, 0, HM_LEVEL_BOTH, "grant_vm_page", grant, 2);
	assert_int_equal(r.kind, HM_RESULT_STUCK);
	assert_false(r.levels_disagree);
	hm_model_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_map_page_host_halt),
		cmocka_unit_test(test_map_page_host_device),
		cmocka_unit_test(test_map_page_host_kernel),
		cmocka_unit_test(test_map_page_host_shared),
		cmocka_unit_test(test_map_page_host_npt_halts),
		cmocka_unit_test(test_map_page_host_panic),
		cmocka_unit_test(test_map_page_host_pulled),
		cmocka_unit_test(test_clear_vm_page_halt),
		cmocka_unit_test(test_clear_vm_page_not_owner),
		cmocka_unit_test(test_clear_vm_page_owner_unmapped),
		cmocka_unit_test(test_clear_vm_page_owner_host_mapped),
		cmocka_unit_test(test_clear_vm_page_owner_host_level2),
		cmocka_unit_test(test_clear_vm_page_npt_lock_busy),
		cmocka_unit_test(test_assign_vm_halt),
		cmocka_unit_test(test_assign_vm_from_host),
		cmocka_unit_test(test_assign_vm_from_host_mapped),
		cmocka_unit_test(test_assign_vm_from_host_pulled),
		cmocka_unit_test(test_assign_vm_from_host_level2),
		cmocka_unit_test(test_assign_vm_host_shared),
		cmocka_unit_test(test_assign_vm_owner_keep),
		cmocka_unit_test(test_assign_vm_panic),
		cmocka_unit_test(test_map_pfn_vm_halt),
		cmocka_unit_test(test_map_pfn_vm_levels),
		cmocka_unit_test(test_map_pfn_vm_halts),
		cmocka_unit_test(test_map_vm_io_halt),
		cmocka_unit_test(test_map_vm_io_device),
		cmocka_unit_test(test_map_vm_io_device_halts),
		cmocka_unit_test(test_map_vm_io_ram),
		cmocka_unit_test(test_grant),
		cmocka_unit_test(test_revoke_halt),
		cmocka_unit_test(test_revoke_last),
		cmocka_unit_test(test_revoke_last_halts),
		cmocka_unit_test(test_revoke_other),
		cmocka_unit_test(test_assign_smmu_halt),
		cmocka_unit_test(test_assign_smmu_from_host),
		cmocka_unit_test(test_assign_smmu_from_host_mapped),
		cmocka_unit_test(test_assign_smmu_from_host_halts),
		cmocka_unit_test(test_assign_smmu_other_arms),
		cmocka_unit_test(test_update_smmu_halt),
		cmocka_unit_test(test_update_smmu_arms),
		cmocka_unit_test(test_update_smmu_halts),
		cmocka_unit_test(test_unmap_smmu_halt),
		cmocka_unit_test(test_unmap_smmu_arms),
		cmocka_unit_test(test_unmap_smmu_halts),
		cmocka_unit_test(test_low_only),
		cmocka_unit_test(test_model_low_and_both),
	};
	return cmocka_run_group_tests(tests, t_pool_setup, t_pool_teardown);
}
