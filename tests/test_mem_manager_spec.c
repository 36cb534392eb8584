/* MemManagerSpec (seed MemManagerSpec.md, Section MemManagerSpec): the ten
 * high-level definitions, branch by branch, and their multi-CPU behaviour
 * through the public API. The expected states are worked out from the Coq
 * by hand in the comments next to them.
 *
 * Notation: P is pfn 0x40005 (in the test RAM, owned by HOSTVISOR, count
 * 0, gfn P + SMMU_HOST_OFFSET initially), A = P * PAGE_SIZE. A released
 * object log reads, newest first, REL_LOCK :: O<snapshot> :: OPULL id ::
 * WAIT_LOCK 10 :: what came before. */
#include "hm_test.h"

#include <string.h>

#include "mem_manager_spec.h"

#define P ((hm_z)0x40005)
#define A ((hm_z)0x40005000)
#define HOST_KERNEL_PTE ((hm_z)0x40005fff) /* A | PAGE_S2_KERNEL */

/* ---- oracles of the tests ---- */

/* A data oracle whose values are easy to compute by hand. */
static hm_z test_data(hm_oracle *o, hm_z vmid, hm_z logn)
{
	(void)o;
	return 0x1000 * vmid + logn + 0x77;
}
static const hm_oracle_ops data_ops = {.data = test_data};

/* A multi oracle answering a fixed list of events for one object. */
typedef struct fixed_events {
	hm_z id;
	const hm_mlog *events;
} fixed_events;

static hm_mlog *fixed_multi(hm_oracle *o, hm_z id, hm_z cpu, const hm_mlog *l)
{
	(void)cpu;
	(void)l;
	const fixed_events *f = o->ctx;
	return id == f->id ? (hm_mlog *)f->events : NULL;
}
static const hm_oracle_ops multi_ops = {.multi = fixed_multi};

/* ---- state builders ---- */

/* The initial state of CPU 0 with the test data oracle. */
static const hm_rdata *base(void)
{
	hm_rdata *r = rd_edit(t_initial());
	SETP(r, doracle, hm_oracle_new(&data_ops, NULL, "test"));
	return r;
}

static const hm_rdata *with_npt(const hm_rdata *st, hm_z vmid, const hm_npt *npt)
{
	hm_rdata *r = rd_edit(st);
	hm_shared *s = sh_edit(st->shared);
	SETP(s, npts, hm_map_set_ptr(s->npts, vmid, npt));
	SETP(r, shared, s);
	return r;
}

static const hm_rdata *with_spt(const hm_rdata *st, const hm_spt *spt)
{
	hm_rdata *r = rd_edit(st);
	hm_shared *s = sh_edit(st->shared);
	SETP(s, spts, spt);
	SETP(r, shared, s);
	return r;
}

static const hm_rdata *with_flat(const hm_rdata *st, hm_z pfn, hm_z v)
{
	hm_rdata *r = rd_edit(st);
	hm_shared *s = sh_edit(st->shared);
	SETP(s, flatmem, hm_map_set_z(s->flatmem, pfn, v));
	SETP(r, shared, s);
	return r;
}

static const hm_rdata *with_data_log(const hm_rdata *st, hm_z vmid, hm_z n)
{
	hm_rdata *r = rd_edit(st);
	SETP(r, data_log, hm_map_set_z(r->data_log, vmid, n));
	return r;
}

static const hm_rdata *with_oracle(const hm_rdata *st, fixed_events *f)
{
	hm_rdata *r = rd_edit(st);
	SETP(r, oracle, hm_oracle_new(&multi_ops, f, "fixed"));
	return r;
}

/* The NPT of vmid with its pgd cursor at pud_start: any mapping that needs
 * a new pgd table halts (pgd_next' = pud_start + PAGE_SIZE). */
static const hm_npt *exhausted_npt(const hm_rdata *st, hm_z vmid)
{
	hm_npt *n = npt_edit(npt_at(st->shared->npts, vmid));
	n->pt_pgd_next = pud_start(vmid);
	return n;
}

/* The host NPT mapping P (level 3, pte A | PAGE_S2_KERNEL) and exhausted,
 * so that remapping P halts. */
static const hm_rdata *with_host_mapping_exhausted(const hm_rdata *st)
{
	hm_npt *n = npt_edit(exhausted_npt(st, HOSTVISOR));
	hm_z3 e = {P, 3, HOST_KERNEL_PTE};
	SETP(n, pt, hm_map_set(n->pt, P, &e));
	return with_npt(st, HOSTVISOR, n);
}

/* A log held by another CPU: TEVENT 1 (WAIT_LOCK 10) :: nil. */
static const hm_rdata *with_busy_log(const hm_rdata *st, hm_z id)
{
	return t_with_log(st, id, hm_mlog_cons(1, HM_MEV_WAIT_LOCK, 10, NULL, NULL));
}

/* ---- assertions ---- */

typedef struct xev {
	hm_z cpu;
	hm_mev ev;
	hm_z n;
} xev;

static void expect_log(const hm_mlog *l, const xev *want, size_t n)
{
	assert_int_equal(hm_mlog_len(l), n);
	for (size_t i = 0; i < n; i++, l = hm_mlog_next(l)) {
		assert_z_equal(l->cpu, want[i].cpu);
		assert_int_equal(l->ev, want[i].ev);
		assert_z_equal(l->n, want[i].n);
	}
}
#define EXPECT_LOG(l, ...)                                              \
	do {                                                            \
		const xev w_[] = {__VA_ARGS__};                         \
		expect_log((l), w_, sizeof w_ / sizeof w_[0]);          \
	} while (0)
#define REL(c) {c, HM_MEV_REL_LOCK, 0}
#define EV(c, e) {c, e, 0}
#define PULL(c, id) {c, HM_MEV_OPULL, id}
#define WAIT(c) {c, HM_MEV_WAIT_LOCK, 10}

static const hm_mlog *cell(const hm_mlog *l, int i)
{
	while (i-- > 0)
		l = hm_mlog_next(l);
	return l;
}

static void assert_page(const hm_rdata *st, hm_z pfn, hm_z owner, hm_z count, hm_z gfn)
{
	const hm_s2page *p = s2page_at(st->shared->s2page, pfn);
	assert_z_equal(p->s2_owner, owner);
	assert_z_equal(p->s2_count, count);
	assert_z_equal(p->s2_gfn, gfn);
}

static void assert_entry(const hm_npt *npt, hm_z gfn, hm_z pfn, hm_z level, hm_z pte)
{
	const hm_z3 *e = z3_at(npt->pt, gfn);
	assert_z_equal(e->a, pfn);
	assert_z_equal(e->b, level);
	assert_z_equal(e->c, pte);
}

static void assert_rely(hm_sres r, const char *text)
{
	assert_null(r.st);
	assert_non_null(r.rely);
	assert_string_equal(r.rely, text);
}

static void assert_stuck(hm_sres r)
{
	assert_null(r.st);
	assert_null(r.rely);
	assert_non_null(r.where);
}

static const hm_npt *host_npt(const hm_rdata *st) { return npt_at(st->shared->npts, HOSTVISOR); }

/* The S2PAGE log of a released step on a log that was empty, with the
 * snapshot of the resulting s2page. */
static void expect_s2_released(const hm_rdata *st)
{
	const hm_mlog *l = mlog_at(st->log, S2PAGE_ID);
	EXPECT_LOG(l, REL(0), EV(0, HM_MEV_OS2_PAGE), PULL(0, S2PAGE_ID), WAIT(0));
	assert_true(hm_map_equal(cell(l, 1)->snap, st->shared->s2page));
	assert_int_equal(lock_at(st->lock, S2PAGE_ID), HM_LOCK_FALSE);
}

/* The S2PAGE side of a halt: OPULL :: WAIT_LOCK, the lock kept. */
static void expect_s2_halted(const hm_rdata *st)
{
	assert_true(st->halt);
	assert_z_equal(st->tstate, 0);
	EXPECT_LOG(mlog_at(st->log, S2PAGE_ID), PULL(0, S2PAGE_ID), WAIT(0));
	assert_int_equal(lock_at(st->lock, S2PAGE_ID), HM_LOCK_OWN_TRUE);
}

/* ================= map_page_host_spec ================= */

static void test_mph_relies(void **state)
{
	(void)state;
	/* rely is_paddr addr: 0 <= addr < KVM_PHYS_SIZE */
	assert_rely(map_page_host_spec(base(), KVM_PHYS_SIZE), "is_paddr(addr)");
	assert_rely(map_page_host_spec(base(), -1), "is_paddr(addr)");
	/* rely is_int (s2_owner page); rely is_int (s2_count page) */
	assert_rely(map_page_host_spec(t_with_page(base(), P, 4294967296LL, 0, 0), A),
		    "is_int(page->s2_owner)");
	assert_rely(map_page_host_spec(t_with_page(base(), P, 3, -1, 0), A),
		    "is_int(page->s2_count)");
}

static void test_mph_halted(void **state)
{
	(void)state;
	/* if halt adt then Some adt */
	const hm_rdata *st = t_with_halt(base(), true);
	hm_sres r = map_page_host_spec(st, A);
	assert_ptr_equal(r.st, st);
}

static void test_mph_locks_and_calock(void **state)
{
	(void)state;
	/* S2PAGE_ID or NPT_ID not LockFalse: no arm matches: None */
	assert_stuck(map_page_host_spec(t_with_lock(base(), S2PAGE_ID, HM_LOCK_OWN_TRUE), A));
	assert_stuck(map_page_host_spec(t_with_lock(base(), NPT_ID, HM_LOCK_OWN_FALSE), A));
	/* H_CalLock (WAIT_LOCK by CPU 1 :: nil) = Some (10, LHOLD, Some 1): None */
	assert_stuck(map_page_host_spec(with_busy_log(base(), S2PAGE_ID), A));
	assert_stuck(map_page_host_spec(with_busy_log(base(), NPT_ID), A));
}

static void test_mph_host_page(void **state)
{
	(void)state;
	const hm_rdata *st = base();
	/* addr A + 0x123: pfn P, owner HOSTVISOR: pte = A | PAGE_S2_KERNEL.
	 * local_mmap HOSTVISOR (A + 0x123) 3 pte: gfn P, no table yet, every
	 * cursor advances: Some (false, npt'). */
	hm_sres r = map_page_host_spec(st, A + 0x123);
	assert_non_null(r.st);
	assert_false(r.st->halt);
	assert_z_equal(r.st->tstate, 1);
	const hm_npt *npt = host_npt(r.st);
	assert_entry(npt, P, P, 3, HOST_KERNEL_PTE);
	assert_z_equal(npt->pt_pgd_next, pgd_start(0) + PAGE_SIZE);
	assert_z_equal(npt->pt_pmd_next, pmd_start(0) + PAGE_SIZE);
	/* s2page is CalS2Page of nothing new: the same map */
	assert_true(hm_map_equal(r.st->shared->s2page, st->shared->s2page));
	expect_s2_released(r.st);
	const hm_mlog *pl = mlog_at(r.st->log, NPT_ID);
	EXPECT_LOG(pl, REL(0), EV(0, HM_MEV_ONPT), PULL(0, NPT_ID), WAIT(0));
	assert_ptr_equal(cell(pl, 1)->snap, npt);
	assert_int_equal(lock_at(r.st->lock, NPT_ID), HM_LOCK_FALSE);
	assert_null(mlog_at(r.st->log, FLATMEM_ID));
	/* the input is unchanged */
	assert_null(mlog_at(st->log, S2PAGE_ID));
	assert_entry(host_npt(st), P, 0, 0, 0);
}

static void test_mph_invalid_page_is_device(void **state)
{
	(void)state;
	/* pfn 0x10000 is outside the RAM: owner INVALID:
	 * pte = 0x10000000 | PAGE_S2_DEVICE | S2_RDWR
	 *     = 0x10000000 | (2^54 | 0x747) | 0xc0 = 2^54 | 0x100007c7 */
	hm_sres r = map_page_host_spec(base(), 0x10000000);
	assert_non_null(r.st);
	assert_false(r.st->halt);
	assert_entry(host_npt(r.st), 0x10000, 0x10000, 3, ((hm_z)1 << 54) | 0x100007c7);
	expect_s2_released(r.st);
}

static void test_mph_shared_vm_page(void **state)
{
	(void)state;
	/* owner VM 3 with count 2 > 0: mapped with PAGE_S2_KERNEL */
	hm_sres r = map_page_host_spec(t_with_page(base(), P, 3, 2, 0x88), A);
	assert_non_null(r.st);
	assert_false(r.st->halt);
	assert_entry(host_npt(r.st), P, P, 3, HOST_KERNEL_PTE);
	assert_page(r.st, P, 3, 2, 0x88);
}

static void test_mph_vm_page_halts(void **state)
{
	(void)state;
	/* owner VM 3, count 0: halt; the NPT lock is never taken */
	const hm_rdata *st = t_with_page(base(), P, 3, 0, 0x88);
	hm_sres r = map_page_host_spec(st, A);
	assert_non_null(r.st);
	expect_s2_halted(r.st);
	assert_page(r.st, P, 3, 0, 0x88);
	assert_null(mlog_at(r.st->log, NPT_ID));
	assert_int_equal(lock_at(r.st->lock, NPT_ID), HM_LOCK_FALSE);
	assert_ptr_equal(host_npt(r.st), host_npt(st));
}

static void test_mph_npt_exhausted(void **state)
{
	(void)state;
	/* local_mmap gives Some (true, pt): halt, logs spl and ptl, both locks
	 * LockOwn true, npts gets pt itself */
	const hm_npt *ex = exhausted_npt(base(), HOSTVISOR);
	hm_sres r = map_page_host_spec(with_npt(base(), HOSTVISOR, ex), A);
	assert_non_null(r.st);
	expect_s2_halted(r.st);
	EXPECT_LOG(mlog_at(r.st->log, NPT_ID), PULL(0, NPT_ID), WAIT(0));
	assert_int_equal(lock_at(r.st->lock, NPT_ID), HM_LOCK_OWN_TRUE);
	assert_ptr_equal(host_npt(r.st), ex);
}

/* The events of CPU 1 releasing S2PAGE with snapshot snap:
 * REL 1 :: OS2_PAGE 1 snap :: OPULL 1 :: WAIT 1 (H_CalLock: Some (0, LEMPTY, None)). */
static const hm_mlog *cpu1_released_s2page(const hm_map *snap)
{
	const hm_mlog *ev = hm_mlog_cons(1, HM_MEV_WAIT_LOCK, 10, NULL, NULL);
	ev = hm_mlog_cons(1, HM_MEV_OPULL, S2PAGE_ID, NULL, ev);
	ev = hm_mlog_cons(1, HM_MEV_OS2_PAGE, 0, snap, ev);
	return hm_mlog_cons(1, HM_MEV_REL_LOCK, 0, NULL, ev);
}

static void test_mph_sees_oracle_events(void **state)
{
	(void)state;
	/* CPU 1 released S2PAGE after making P a VM 3 page with count 0:
	 * CalS2Page gives snap; owner 3, count 0: halt, and the log is
	 * OPULL 0 :: WAIT 0 :: the oracle's events. */
	const hm_rdata *b = base();
	const hm_map *snap = t_with_page(b, P, 3, 0, 0x88)->shared->s2page;
	static fixed_events f;
	f = (fixed_events){S2PAGE_ID, cpu1_released_s2page(snap)};
	hm_sres r = map_page_host_spec(with_oracle(b, &f), A);
	assert_non_null(r.st);
	assert_true(r.st->halt);
	assert_page(r.st, P, 3, 0, 0x88);
	EXPECT_LOG(mlog_at(r.st->log, S2PAGE_ID), PULL(0, S2PAGE_ID), WAIT(0), REL(1),
		   EV(1, HM_MEV_OS2_PAGE), PULL(1, S2PAGE_ID), WAIT(1));
	/* without the oracle the same state maps the host page */
	hm_sres r0 = map_page_host_spec(b, A);
	assert_false(r0.st->halt);

	/* CPU 1 made P shared (VM 3, count 2): mapped, and the new s2page
	 * is snap */
	const hm_map *snap2 = t_with_page(b, P, 3, 2, 0x88)->shared->s2page;
	static fixed_events f2;
	f2 = (fixed_events){S2PAGE_ID, cpu1_released_s2page(snap2)};
	r = map_page_host_spec(with_oracle(b, &f2), A);
	assert_non_null(r.st);
	assert_false(r.st->halt);
	assert_page(r.st, P, 3, 2, 0x88);
	assert_entry(host_npt(r.st), P, P, 3, HOST_KERNEL_PTE);
	assert_int_equal(hm_mlog_len(mlog_at(r.st->log, S2PAGE_ID)), 8);
}

/* ================= clear_vm_page_spec ================= */

static void test_clear_relies(void **state)
{
	(void)state;
	assert_rely(clear_vm_page_spec(base(), COREVISOR + 1, P), "is_vmid(vmid)");
	assert_rely(clear_vm_page_spec(base(), -1, P), "is_vmid(vmid)");
	assert_rely(clear_vm_page_spec(base(), 2, KVM_PFN_SPACE), "is_pfn(pfn)");
	assert_rely(clear_vm_page_spec(t_with_page(base(), P, -1, 0, 0), 2, P),
		    "is_int(page->s2_owner)");
}

static void test_clear_halted_locks_calock(void **state)
{
	(void)state;
	const hm_rdata *h = t_with_halt(base(), true);
	assert_ptr_equal(clear_vm_page_spec(h, 2, P).st, h);
	assert_stuck(clear_vm_page_spec(t_with_lock(base(), S2PAGE_ID, HM_LOCK_OWN_TRUE), 2, P));
	assert_stuck(clear_vm_page_spec(with_busy_log(base(), S2PAGE_ID), 2, P));
	/* the FLATMEM log's lock state is not checked */
	assert_non_null(clear_vm_page_spec(with_busy_log(base(), FLATMEM_ID), 2, P).st);
}

static void test_clear_owned_page(void **state)
{
	(void)state;
	/* owner 2 = vmid: page' = (HOSTVISOR, 0, P + SMMU_HOST_OFFSET),
	 * flatmem P := 0, FLATMEM log OFLATMEM fmem' :: nil */
	const hm_rdata *st = with_flat(t_with_page(base(), P, 2, 0, 0x88), P, 99);
	hm_sres r = clear_vm_page_spec(st, 2, P);
	assert_non_null(r.st);
	assert_false(r.st->halt);
	assert_z_equal(r.st->tstate, 1);
	assert_page(r.st, P, HOSTVISOR, 0, P + SMMU_HOST_OFFSET);
	assert_z_equal(hm_map_get_z(r.st->shared->flatmem, P), 0);
	expect_s2_released(r.st);
	const hm_mlog *fl = mlog_at(r.st->log, FLATMEM_ID);
	EXPECT_LOG(fl, EV(0, HM_MEV_OFLATMEM));
	assert_ptr_equal(fl->snap, r.st->shared->flatmem);
	assert_z_equal(hm_map_get_z(st->shared->flatmem, P), 99);
}

static void test_clear_other_owner(void **state)
{
	(void)state;
	/* owner HOSTVISOR <> 2: only the S2PAGE lock cycle, flatmem kept */
	const hm_rdata *st = with_flat(base(), P, 99);
	hm_sres r = clear_vm_page_spec(st, 2, P);
	assert_non_null(r.st);
	assert_z_equal(r.st->tstate, 1);
	assert_page(r.st, P, HOSTVISOR, 0, P + SMMU_HOST_OFFSET);
	assert_z_equal(hm_map_get_z(r.st->shared->flatmem, P), 99);
	expect_s2_released(r.st);
	assert_null(mlog_at(r.st->log, FLATMEM_ID));
}

/* ================= assign_pfn_to_vm_spec ================= */

static void test_assign_relies(void **state)
{
	(void)state;
	assert_rely(assign_pfn_to_vm_spec(base(), COREVISOR + 1, 0x300, P), "is_vmid(vmid)");
	assert_rely(assign_pfn_to_vm_spec(base(), 2, KVM_GFN_SPACE, P), "is_gfn(gfn)");
	assert_rely(assign_pfn_to_vm_spec(base(), 2, 0x300, -1), "is_pfn(pfn)");
	assert_rely(assign_pfn_to_vm_spec(t_with_page(base(), P, INVALID + 1, 0, 0), 2, 0x300, P),
		    "is_int(page->s2_owner)");
	assert_rely(assign_pfn_to_vm_spec(t_with_page(base(), P, 0, INVALID + 1, 0), 2, 0x300, P),
		    "is_int(page->s2_count)");
	assert_rely(assign_pfn_to_vm_spec(t_with_page(base(), P, 0, 0, -1), 2, 0x300, P),
		    "is_int64(page->s2_gfn)");
	/* rely is_int level on the host's entry for P */
	hm_npt *n = npt_edit(host_npt(base()));
	hm_z3 e = {P, -1, HOST_KERNEL_PTE};
	SETP(n, pt, hm_map_set(n->pt, P, &e));
	assert_rely(assign_pfn_to_vm_spec(with_npt(base(), HOSTVISOR, n), 2, 0x300, P),
		    "is_int(level)");
}

static void test_assign_halted_locks_calock(void **state)
{
	(void)state;
	const hm_rdata *h = t_with_halt(base(), true);
	assert_ptr_equal(assign_pfn_to_vm_spec(h, 2, 0x300, P).st, h);
	assert_stuck(assign_pfn_to_vm_spec(t_with_lock(base(), S2PAGE_ID, HM_LOCK_OWN_TRUE), 2,
					   0x300, P));
	assert_stuck(assign_pfn_to_vm_spec(t_with_lock(base(), NPT_ID, HM_LOCK_OWN_TRUE), 2, 0x300,
					   P));
	assert_stuck(assign_pfn_to_vm_spec(with_busy_log(base(), S2PAGE_ID), 2, 0x300, P));
	assert_stuck(assign_pfn_to_vm_spec(with_busy_log(base(), NPT_ID), 2, 0x300, P));
}

static void test_assign_host_page_unmapped(void **state)
{
	(void)state;
	/* owner HOSTVISOR, count 0: s2p' = P -> (2, 0, 0x300); logn = 0;
	 * fmem' P = doracle 2 0 = 0x2000 + 0 + 0x77. The host does not map P
	 * (phys_page 0): Some (false, npt). data_log 2 := 1. */
	const hm_rdata *st = base();
	hm_sres r = assign_pfn_to_vm_spec(st, 2, 0x300, P);
	assert_non_null(r.st);
	assert_false(r.st->halt);
	assert_z_equal(r.st->tstate, 1);
	assert_page(r.st, P, 2, 0, 0x300);
	assert_z_equal(hm_map_get_z(r.st->shared->flatmem, P), 0x2077);
	assert_z_equal(hm_map_get_z(r.st->data_log, 2), 1);
	assert_ptr_equal(host_npt(r.st), host_npt(st));
	expect_s2_released(r.st);
	const hm_mlog *pl = mlog_at(r.st->log, NPT_ID);
	EXPECT_LOG(pl, REL(0), EV(0, HM_MEV_ONPT), PULL(0, NPT_ID), WAIT(0));
	assert_ptr_equal(cell(pl, 1)->snap, host_npt(st));
	const hm_mlog *fl = mlog_at(r.st->log, FLATMEM_ID);
	EXPECT_LOG(fl, EV(0, HM_MEV_OFLATMEM));
	assert_ptr_equal(fl->snap, r.st->shared->flatmem);
	assert_int_equal(lock_at(r.st->lock, NPT_ID), HM_LOCK_FALSE);
}

static void test_assign_data_log_advances(void **state)
{
	(void)state;
	/* data_log 2 = 4: fmem' P = 0x2000 + 4 + 0x77 = 0x207b; data_log 2 := 5 */
	hm_sres r = assign_pfn_to_vm_spec(with_data_log(base(), 2, 4), 2, 0x300, P);
	assert_non_null(r.st);
	assert_z_equal(hm_map_get_z(r.st->shared->flatmem, P), 0x207b);
	assert_z_equal(hm_map_get_z(r.st->data_log, 2), 5);
	assert_z_equal(hm_map_get_z(r.st->data_log, 3), 0);
}

static void test_assign_host_page_mapped(void **state)
{
	(void)state;
	/* the host maps P first (map_page_host: pt P = (P, 3, A | KERNEL));
	 * assigning then remaps P in the host NPT with PAGE_GUEST:
	 * local_mmap HOSTVISOR A 3 PAGE_GUEST, pfn = phys_page PAGE_GUEST / 4096
	 * = (2^57 & PHYS_MASK) / 4096 = 0; the tables exist, no cursor moves */
	hm_sres m = map_page_host_spec(base(), A);
	assert_non_null(m.st);
	hm_sres r = assign_pfn_to_vm_spec(m.st, 2, 0x300, P);
	assert_non_null(r.st);
	assert_false(r.st->halt);
	assert_entry(host_npt(r.st), P, 0, 3, PAGE_GUEST);
	assert_z_equal(host_npt(r.st)->pt_pmd_next, host_npt(m.st)->pt_pmd_next);
	assert_z_equal(host_npt(r.st)->pt_pgd_next, host_npt(m.st)->pt_pgd_next);
	/* each log grows by a full lock cycle on top of map_page_host's */
	EXPECT_LOG(mlog_at(r.st->log, NPT_ID), REL(0), EV(0, HM_MEV_ONPT), PULL(0, NPT_ID),
		   WAIT(0), REL(0), EV(0, HM_MEV_ONPT), PULL(0, NPT_ID), WAIT(0));
	EXPECT_LOG(mlog_at(r.st->log, S2PAGE_ID), REL(0), EV(0, HM_MEV_OS2_PAGE),
		   PULL(0, S2PAGE_ID), WAIT(0), REL(0), EV(0, HM_MEV_OS2_PAGE),
		   PULL(0, S2PAGE_ID), WAIT(0));
	assert_page(r.st, P, 2, 0, 0x300);
}

static void test_assign_after_guest_remap(void **state)
{
	(void)state;
	/* after map_page_host, assign (host entry P -> (0, 3, PAGE_GUEST)) and
	 * clear, a second assign finds phys_page PAGE_GUEST = 0: the test
	 * (if phys_page pte =? 0 then 0 else level) =? 0 holds, Some (false,
	 * npt): no remapping */
	hm_sres m = map_page_host_spec(base(), A);
	hm_sres a1 = assign_pfn_to_vm_spec(m.st, 2, 0x300, P);
	hm_sres c = clear_vm_page_spec(a1.st, 2, P);
	assert_non_null(c.st);
	assert_page(c.st, P, HOSTVISOR, 0, P + SMMU_HOST_OFFSET);
	hm_sres a2 = assign_pfn_to_vm_spec(c.st, 3, 0x400, P);
	assert_non_null(a2.st);
	assert_false(a2.st->halt);
	assert_page(a2.st, P, 3, 0, 0x400);
	assert_entry(host_npt(a2.st), P, 0, 3, PAGE_GUEST);

	/* the same entry (0, 3, PAGE_GUEST) in an exhausted host NPT without
	 * tables: local_mmap would halt, but it is not called: no halt */
	hm_npt *n = npt_edit(exhausted_npt(base(), HOSTVISOR));
	hm_z3 e = {0, 3, PAGE_GUEST};
	SETP(n, pt, hm_map_set(n->pt, P, &e));
	hm_sres r = assign_pfn_to_vm_spec(with_npt(base(), HOSTVISOR, n), 3, 0x400, P);
	assert_non_null(r.st);
	assert_false(r.st->halt);
	assert_page(r.st, P, 3, 0, 0x400);
	assert_ptr_equal(host_npt(r.st), n);
}

static void test_assign_host_npt_exhausted(void **state)
{
	(void)state;
	/* the host maps P and its pool is exhausted: local_mmap halts.
	 * halt' = true: data_log and flatmem keep their values, s2page is
	 * s2p' all the same (P -> (2, 0, 0x300)), logs spl and ptl, FLATMEM
	 * log untouched, both locks LockOwn true. */
	const hm_rdata *st = with_flat(with_host_mapping_exhausted(base()), P, 99);
	hm_sres r = assign_pfn_to_vm_spec(st, 2, 0x300, P);
	assert_non_null(r.st);
	expect_s2_halted(r.st);
	assert_page(r.st, P, 2, 0, 0x300);
	assert_z_equal(hm_map_get_z(r.st->shared->flatmem, P), 99);
	assert_z_equal(hm_map_get_z(r.st->data_log, 2), 0);
	EXPECT_LOG(mlog_at(r.st->log, NPT_ID), PULL(0, NPT_ID), WAIT(0));
	assert_null(mlog_at(r.st->log, FLATMEM_ID));
	assert_int_equal(lock_at(r.st->lock, NPT_ID), HM_LOCK_OWN_TRUE);
	assert_ptr_equal(host_npt(r.st), host_npt(st));
}

static void test_assign_host_page_shared_halts(void **state)
{
	(void)state;
	/* owner HOSTVISOR, count 1: halt, s2page unchanged, NPT untouched */
	hm_sres r = assign_pfn_to_vm_spec(t_with_page(base(), P, 0, 1, 0x88), 2, 0x300, P);
	assert_non_null(r.st);
	expect_s2_halted(r.st);
	assert_page(r.st, P, 0, 1, 0x88);
	assert_null(mlog_at(r.st->log, NPT_ID));
	assert_int_equal(lock_at(r.st->lock, NPT_ID), HM_LOCK_FALSE);
}

static void test_assign_owned_page(void **state)
{
	(void)state;
	/* owner 2, gfn INVALID64: page' count (INVALID -> 0), gfn 0x300 */
	hm_sres r = assign_pfn_to_vm_spec(t_with_page(base(), P, 2, INVALID, INVALID64), 2, 0x300,
					  P);
	assert_non_null(r.st);
	assert_false(r.st->halt);
	assert_z_equal(r.st->tstate, 1);
	assert_page(r.st, P, 2, 0, 0x300);
	expect_s2_released(r.st);
	assert_null(mlog_at(r.st->log, NPT_ID));
	assert_null(mlog_at(r.st->log, FLATMEM_ID));
	assert_z_equal(hm_map_get_z(r.st->data_log, 2), 0);
	/* owner 2, same gfn, count 3: count kept */
	r = assign_pfn_to_vm_spec(t_with_page(base(), P, 2, 3, 0x300), 2, 0x300, P);
	assert_non_null(r.st);
	assert_false(r.st->halt);
	assert_page(r.st, P, 2, 3, 0x300);
}

static void test_assign_conflicts_halt(void **state)
{
	(void)state;
	/* owner 2 with another gfn 0x301: halt */
	hm_sres r = assign_pfn_to_vm_spec(t_with_page(base(), P, 2, 0, 0x301), 2, 0x300, P);
	assert_non_null(r.st);
	expect_s2_halted(r.st);
	assert_page(r.st, P, 2, 0, 0x301);
	/* owner VM 3: halt */
	r = assign_pfn_to_vm_spec(t_with_page(base(), P, 3, 0, 0x300), 2, 0x300, P);
	assert_non_null(r.st);
	expect_s2_halted(r.st);
}

/* ================= map_pfn_vm_spec ================= */

static void test_mpv_relies_halt_locks(void **state)
{
	(void)state;
	assert_rely(map_pfn_vm_spec(base(), COREVISOR + 1, 0x8000000, A, 3), "is_vmid(vmid)");
	assert_rely(map_pfn_vm_spec(base(), 1, KVM_ADDR_SPACE, A, 3), "is_addr(addr)");
	assert_rely(map_pfn_vm_spec(base(), 1, 0x8000000, -1, 3), "is_int64(pte)");
	const hm_rdata *h = t_with_halt(base(), true);
	assert_ptr_equal(map_pfn_vm_spec(h, 1, 0x8000000, A, 3).st, h);
	/* id = NPT_ID + 1 = 6 */
	assert_stuck(map_pfn_vm_spec(t_with_lock(base(), 6, HM_LOCK_OWN_TRUE), 1, 0x8000000, A, 3));
	assert_stuck(map_pfn_vm_spec(with_busy_log(base(), 6), 1, 0x8000000, A, 3));
	/* another VM's lock does not matter */
	assert_non_null(
		map_pfn_vm_spec(t_with_lock(base(), 7, HM_LOCK_OWN_TRUE), 1, 0x8000000, A, 3).st);
}

static void test_mpv_level3(void **state)
{
	(void)state;
	/* pte A | 3: paddr A, pte' = A | PAGE_S2_KERNEL = 0x40005fff;
	 * gfn 0x8000 -> (P, 3, 0x40005fff) in the NPT of VM 1 */
	const hm_rdata *st = base();
	hm_sres r = map_pfn_vm_spec(st, 1, 0x8000000, A | 3, 3);
	assert_non_null(r.st);
	assert_false(r.st->halt);
	assert_z_equal(r.st->tstate, 1);
	const hm_npt *npt = npt_at(r.st->shared->npts, 1);
	assert_entry(npt, 0x8000, P, 3, HOST_KERNEL_PTE);
	const hm_mlog *l = mlog_at(r.st->log, 6);
	EXPECT_LOG(l, REL(0), EV(0, HM_MEV_ONPT), PULL(0, 6), WAIT(0));
	assert_ptr_equal(cell(l, 1)->snap, npt);
	assert_int_equal(lock_at(r.st->lock, 6), HM_LOCK_FALSE);
	assert_null(mlog_at(r.st->log, S2PAGE_ID));
	assert_ptr_equal(host_npt(r.st), host_npt(st));
	/* level 0 is not 2: level' = 3 as well */
	r = map_pfn_vm_spec(st, 1, 0x8000000, A | 3, 0);
	assert_entry(npt_at(r.st->shared->npts, 1), 0x8000, P, 3, HOST_KERNEL_PTE);
}

static void test_mpv_level2(void **state)
{
	(void)state;
	/* pte 0x40200000, level 2: pte' = (0x40200000 | 0xfff) & NOT_PMD_TABLE_BIT
	 * = 0x40200ffd; gfn 0x8000 (already 512-aligned); 512 entries
	 * 0x8000 + i -> (0x40200 + i, 2, 0x40200ffd) */
	hm_sres r = map_pfn_vm_spec(base(), 1, 0x8000000, 0x40200000, 2);
	assert_non_null(r.st);
	assert_false(r.st->halt);
	const hm_npt *npt = npt_at(r.st->shared->npts, 1);
	assert_entry(npt, 0x8000, 0x40200, 2, 0x40200ffd);
	assert_entry(npt, 0x81ff, 0x403ff, 2, 0x40200ffd);
	assert_entry(npt, 0x8200, 0, 0, 0);
	assert_int_equal(hm_map_count(npt->pt), 512);
	assert_z_equal(npt->pt_pmd_next, pmd_start(1));
}

static void test_mpv_exhausted(void **state)
{
	(void)state;
	/* local_mmap halts: log l' (OPULL 6 :: WAIT), lock 6 LockOwn true */
	const hm_npt *ex = exhausted_npt(base(), 1);
	hm_sres r = map_pfn_vm_spec(with_npt(base(), 1, ex), 1, 0x8000000, A, 3);
	assert_non_null(r.st);
	assert_true(r.st->halt);
	assert_z_equal(r.st->tstate, 0);
	EXPECT_LOG(mlog_at(r.st->log, 6), PULL(0, 6), WAIT(0));
	assert_int_equal(lock_at(r.st->lock, 6), HM_LOCK_OWN_TRUE);
	assert_ptr_equal(npt_at(r.st->shared->npts, 1), ex);
}

/* ================= map_vm_io_spec ================= */

static void test_io_relies_halt_locks(void **state)
{
	(void)state;
	assert_rely(map_vm_io_spec(base(), -1, 0x10000000, 0x9000000), "is_vmid(vmid)");
	assert_rely(map_vm_io_spec(base(), 2, KVM_ADDR_SPACE, 0x9000000), "is_addr(gpa)");
	assert_rely(map_vm_io_spec(base(), 2, 0x10000000, -1), "is_addr(pa)");
	assert_rely(map_vm_io_spec(t_with_page(base(), 0x9000, -1, 0, 0), 2, 0x10000000, 0x9000000),
		    "is_int(page->s2_owner)");
	const hm_rdata *h = t_with_halt(base(), true);
	assert_ptr_equal(map_vm_io_spec(h, 2, 0x10000000, 0x9000000).st, h);
	/* ptid = NPT_ID + 2 = 7 */
	assert_stuck(map_vm_io_spec(t_with_lock(base(), 7, HM_LOCK_OWN_TRUE), 2, 0x10000000,
				    0x9000000));
	assert_stuck(map_vm_io_spec(t_with_lock(base(), S2PAGE_ID, HM_LOCK_OWN_FALSE), 2,
				    0x10000000, 0x9000000));
	assert_stuck(map_vm_io_spec(with_busy_log(base(), S2PAGE_ID), 2, 0x10000000, 0x9000000));
	assert_stuck(map_vm_io_spec(with_busy_log(base(), 7), 2, 0x10000000, 0x9000000));
}

static void test_io_device_page(void **state)
{
	(void)state;
	/* pa 0x9000123: pfn 0x9000 outside RAM, owner INVALID:
	 * pte = 0x9000000 | PAGE_S2_DEVICE | S2_RDWR = 2^54 | 0x90007c7;
	 * gpa 0x10000000: gfn 0x10000 -> (0x9000, 3, pte) in VM 2's NPT */
	hm_sres r = map_vm_io_spec(base(), 2, 0x10000000, 0x9000123);
	assert_non_null(r.st);
	assert_false(r.st->halt);
	assert_z_equal(r.st->tstate, 1);
	assert_entry(npt_at(r.st->shared->npts, 2), 0x10000, 0x9000, 3,
		     ((hm_z)1 << 54) | 0x90007c7);
	expect_s2_released(r.st);
	EXPECT_LOG(mlog_at(r.st->log, 7), REL(0), EV(0, HM_MEV_ONPT), PULL(0, 7), WAIT(0));
	assert_int_equal(lock_at(r.st->lock, 7), HM_LOCK_FALSE);
}

static void test_io_sees_oracle_s2page(void **state)
{
	(void)state;
	/* CPU 1 changed page 0x40006 (to VM 4): the s2page of the result is
	 * CalS2Page's, with that change, in the mapping branch too */
	const hm_rdata *b = base();
	const hm_map *snap = t_with_page(b, 0x40006, 4, 0, 0x10)->shared->s2page;
	static fixed_events f;
	f = (fixed_events){S2PAGE_ID, cpu1_released_s2page(snap)};
	hm_sres r = map_vm_io_spec(with_oracle(b, &f), 2, 0x10000000, 0x9000000);
	assert_non_null(r.st);
	assert_false(r.st->halt);
	assert_entry(npt_at(r.st->shared->npts, 2), 0x10000, 0x9000, 3,
		     ((hm_z)1 << 54) | 0x90007c7);
	assert_page(r.st, 0x40006, 4, 0, 0x10);
	assert_int_equal(hm_mlog_len(mlog_at(r.st->log, S2PAGE_ID)), 8);
}

static void test_io_ram_page_not_mapped(void **state)
{
	(void)state;
	/* pa A is RAM (owner HOSTVISOR): only the S2PAGE lock cycle */
	const hm_rdata *st = base();
	hm_sres r = map_vm_io_spec(st, 2, 0x10000000, A);
	assert_non_null(r.st);
	assert_false(r.st->halt);
	assert_z_equal(r.st->tstate, 1);
	expect_s2_released(r.st);
	assert_null(mlog_at(r.st->log, 7));
	assert_int_equal(lock_at(r.st->lock, 7), HM_LOCK_FALSE);
	assert_ptr_equal(npt_at(r.st->shared->npts, 2), npt_at(st->shared->npts, 2));
}

static void test_io_exhausted(void **state)
{
	(void)state;
	hm_sres r = map_vm_io_spec(with_npt(base(), 2, exhausted_npt(base(), 2)), 2, 0x10000000,
				   0x9000000);
	assert_non_null(r.st);
	expect_s2_halted(r.st);
	EXPECT_LOG(mlog_at(r.st->log, 7), PULL(0, 7), WAIT(0));
	assert_int_equal(lock_at(r.st->lock, 7), HM_LOCK_OWN_TRUE);
}

/* ================= grant_vm_page_spec ================= */

static void test_grant_relies_halt_locks(void **state)
{
	(void)state;
	assert_rely(grant_vm_page_spec(base(), 17, P), "is_vmid(vmid)");
	assert_rely(grant_vm_page_spec(base(), 2, -1), "is_pfn(pfn)");
	assert_rely(grant_vm_page_spec(t_with_page(base(), P, 2, -5, 0), 2, P),
		    "is_int(page->s2_count)");
	const hm_rdata *h = t_with_halt(base(), true);
	assert_ptr_equal(grant_vm_page_spec(h, 2, P).st, h);
	assert_stuck(grant_vm_page_spec(t_with_lock(base(), S2PAGE_ID, HM_LOCK_OWN_TRUE), 2, P));
	assert_stuck(grant_vm_page_spec(with_busy_log(base(), S2PAGE_ID), 2, P));
}

static void test_grant_counts(void **state)
{
	(void)state;
	/* owner 2, count 5 < MAX_SHARE_COUNT: 6 */
	hm_sres r = grant_vm_page_spec(t_with_page(base(), P, 2, 5, 0x300), 2, P);
	assert_non_null(r.st);
	assert_z_equal(r.st->tstate, 1);
	assert_false(r.st->halt);
	assert_page(r.st, P, 2, 6, 0x300);
	expect_s2_released(r.st);
	/* count 99 = MAX_SHARE_COUNT - 1: 100 */
	r = grant_vm_page_spec(t_with_page(base(), P, 2, MAX_SHARE_COUNT - 1, 0x300), 2, P);
	assert_page(r.st, P, 2, MAX_SHARE_COUNT, 0x300);
	/* count 100: not < MAX_SHARE_COUNT: unchanged, still a lock cycle */
	r = grant_vm_page_spec(t_with_page(base(), P, 2, MAX_SHARE_COUNT, 0x300), 2, P);
	assert_page(r.st, P, 2, MAX_SHARE_COUNT, 0x300);
	expect_s2_released(r.st);
	/* owner HOSTVISOR <> 2: unchanged */
	r = grant_vm_page_spec(base(), 2, P);
	assert_page(r.st, P, HOSTVISOR, 0, P + SMMU_HOST_OFFSET);
	assert_z_equal(r.st->tstate, 1);
	expect_s2_released(r.st);
}

/* ================= revoke_vm_page_spec ================= */

static void test_revoke_relies_halt_locks(void **state)
{
	(void)state;
	assert_rely(revoke_vm_page_spec(base(), 17, P), "is_vmid(vmid)");
	assert_rely(revoke_vm_page_spec(base(), 2, KVM_PFN_SPACE), "is_pfn(pfn)");
	assert_rely(revoke_vm_page_spec(t_with_page(base(), P, -2, 0, 0), 2, P),
		    "is_int(page->s2_owner)");
	const hm_rdata *h = t_with_halt(base(), true);
	assert_ptr_equal(revoke_vm_page_spec(h, 2, P).st, h);
	assert_stuck(revoke_vm_page_spec(t_with_lock(base(), NPT_ID, HM_LOCK_OWN_TRUE), 2, P));
	assert_stuck(revoke_vm_page_spec(t_with_lock(base(), S2PAGE_ID, HM_LOCK_OWN_TRUE), 2, P));
	assert_stuck(revoke_vm_page_spec(with_busy_log(base(), NPT_ID), 2, P));
	assert_stuck(revoke_vm_page_spec(with_busy_log(base(), S2PAGE_ID), 2, P));
}

static void test_revoke_count_above_one(void **state)
{
	(void)state;
	/* owner 2, count 3: count 2, only the S2PAGE lock cycle */
	hm_sres r = revoke_vm_page_spec(t_with_page(base(), P, 2, 3, 0x300), 2, P);
	assert_non_null(r.st);
	assert_z_equal(r.st->tstate, 1);
	assert_page(r.st, P, 2, 2, 0x300);
	expect_s2_released(r.st);
	assert_null(mlog_at(r.st->log, NPT_ID));
	assert_null(mlog_at(r.st->log, FLATMEM_ID));
	assert_z_equal(hm_map_get_z(r.st->data_log, 2), 0);
}

static void test_revoke_last_share(void **state)
{
	(void)state;
	/* owner 2, count 1: count 0; logn = 7: fmem' P = 0x2000 + 7 + 0x77 =
	 * 0x207e; data_log 2 := 8; host does not map P: npt kept */
	const hm_rdata *st = with_data_log(t_with_page(base(), P, 2, 1, 0x300), 2, 7);
	hm_sres r = revoke_vm_page_spec(st, 2, P);
	assert_non_null(r.st);
	assert_false(r.st->halt);
	assert_z_equal(r.st->tstate, 1);
	assert_page(r.st, P, 2, 0, 0x300);
	assert_z_equal(hm_map_get_z(r.st->shared->flatmem, P), 0x207e);
	assert_z_equal(hm_map_get_z(r.st->data_log, 2), 8);
	expect_s2_released(r.st);
	EXPECT_LOG(mlog_at(r.st->log, NPT_ID), REL(0), EV(0, HM_MEV_ONPT), PULL(0, NPT_ID),
		   WAIT(0));
	EXPECT_LOG(mlog_at(r.st->log, FLATMEM_ID), EV(0, HM_MEV_OFLATMEM));
	assert_ptr_equal(host_npt(r.st), host_npt(st));
}

static void test_revoke_last_share_host_mapped(void **state)
{
	(void)state;
	/* a shared VM page (count 1) mapped by the host (map_page_host maps
	 * it since count > 0); revoking the last share remaps it PAGE_GUEST */
	hm_sres m = map_page_host_spec(t_with_page(base(), P, 2, 1, 0x300), A);
	assert_non_null(m.st);
	assert_entry(host_npt(m.st), P, P, 3, HOST_KERNEL_PTE);
	hm_sres r = revoke_vm_page_spec(m.st, 2, P);
	assert_non_null(r.st);
	assert_false(r.st->halt);
	assert_entry(host_npt(r.st), P, 0, 3, PAGE_GUEST);
	assert_page(r.st, P, 2, 0, 0x300);
}

static void test_revoke_last_share_exhausted(void **state)
{
	(void)state;
	/* halt': s2page s2p' all the same (count 0), flatmem and data_log
	 * kept, logs spl and ptl, both locks LockOwn true */
	const hm_rdata *st =
		with_flat(with_host_mapping_exhausted(t_with_page(base(), P, 2, 1, 0x300)), P, 99);
	hm_sres r = revoke_vm_page_spec(st, 2, P);
	assert_non_null(r.st);
	expect_s2_halted(r.st);
	assert_page(r.st, P, 2, 0, 0x300);
	assert_z_equal(hm_map_get_z(r.st->shared->flatmem, P), 99);
	assert_z_equal(hm_map_get_z(r.st->data_log, 2), 0);
	EXPECT_LOG(mlog_at(r.st->log, NPT_ID), PULL(0, NPT_ID), WAIT(0));
	assert_null(mlog_at(r.st->log, FLATMEM_ID));
	assert_int_equal(lock_at(r.st->lock, NPT_ID), HM_LOCK_OWN_TRUE);
}

static void test_revoke_nothing_to_revoke(void **state)
{
	(void)state;
	/* owner 2, count 0: not > 0: unchanged */
	hm_sres r = revoke_vm_page_spec(t_with_page(base(), P, 2, 0, 0x300), 2, P);
	assert_non_null(r.st);
	assert_z_equal(r.st->tstate, 1);
	assert_page(r.st, P, 2, 0, 0x300);
	expect_s2_released(r.st);
	assert_null(mlog_at(r.st->log, NPT_ID));
	/* owner 3 <> 2: unchanged */
	r = revoke_vm_page_spec(t_with_page(base(), P, 3, 4, 0x300), 2, P);
	assert_page(r.st, P, 3, 4, 0x300);
	expect_s2_released(r.st);
}

/* ================= assign_pfn_to_smmu_spec ================= */

static void test_smmu_assign_relies_halt_locks(void **state)
{
	(void)state;
	assert_rely(assign_pfn_to_smmu_spec(base(), 17, 0x300, P), "is_vmid(vmid)");
	assert_rely(assign_pfn_to_smmu_spec(base(), 2, -1, P), "is_gfn(gfn)");
	assert_rely(assign_pfn_to_smmu_spec(base(), 2, 0x300, KVM_PFN_SPACE), "is_pfn(pfn)");
	assert_rely(assign_pfn_to_smmu_spec(t_with_page(base(), P, 0, 0, INVALID64 + 1), 2, 0x300,
					    P),
		    "is_int64(page->s2_gfn)");
	const hm_rdata *h = t_with_halt(base(), true);
	assert_ptr_equal(assign_pfn_to_smmu_spec(h, 2, 0x300, P).st, h);
	assert_stuck(assign_pfn_to_smmu_spec(t_with_lock(base(), NPT_ID, HM_LOCK_OWN_TRUE), 2,
					     0x300, P));
	assert_stuck(assign_pfn_to_smmu_spec(with_busy_log(base(), NPT_ID), 2, 0x300, P));
	assert_stuck(assign_pfn_to_smmu_spec(with_busy_log(base(), S2PAGE_ID), 2, 0x300, P));
}

static void test_smmu_assign_host_page(void **state)
{
	(void)state;
	/* owner HOSTVISOR count 0: P -> (2, INVALID, 0x300); fmem' P =
	 * 0x2077; data_log 2 := 1; the three logs as for assign_pfn_to_vm */
	hm_sres r = assign_pfn_to_smmu_spec(base(), 2, 0x300, P);
	assert_non_null(r.st);
	assert_false(r.st->halt);
	assert_z_equal(r.st->tstate, 1);
	assert_page(r.st, P, 2, INVALID, 0x300);
	assert_z_equal(hm_map_get_z(r.st->shared->flatmem, P), 0x2077);
	assert_z_equal(hm_map_get_z(r.st->data_log, 2), 1);
	expect_s2_released(r.st);
	EXPECT_LOG(mlog_at(r.st->log, NPT_ID), REL(0), EV(0, HM_MEV_ONPT), PULL(0, NPT_ID),
		   WAIT(0));
	EXPECT_LOG(mlog_at(r.st->log, FLATMEM_ID), EV(0, HM_MEV_OFLATMEM));
}

static void test_smmu_assign_exhausted(void **state)
{
	(void)state;
	/* halt': unlike assign_pfn_to_vm, s2page stays s2p (P still the
	 * host's) */
	hm_sres r = assign_pfn_to_smmu_spec(with_host_mapping_exhausted(base()), 2, 0x300, P);
	assert_non_null(r.st);
	expect_s2_halted(r.st);
	assert_page(r.st, P, HOSTVISOR, 0, P + SMMU_HOST_OFFSET);
	assert_z_equal(hm_map_get_z(r.st->data_log, 2), 0);
	assert_z_equal(hm_map_get_z(r.st->shared->flatmem, P), 0);
	EXPECT_LOG(mlog_at(r.st->log, NPT_ID), PULL(0, NPT_ID), WAIT(0));
	assert_int_equal(lock_at(r.st->lock, NPT_ID), HM_LOCK_OWN_TRUE);
	assert_null(mlog_at(r.st->log, FLATMEM_ID));
}

static void test_smmu_assign_other_branches(void **state)
{
	(void)state;
	/* owner HOSTVISOR, count 2: halt */
	hm_sres r = assign_pfn_to_smmu_spec(t_with_page(base(), P, 0, 2, 0x88), 2, 0x300, P);
	expect_s2_halted(r.st);
	assert_page(r.st, P, 0, 2, 0x88);
	/* owner 2 = vmid: the page is kept as it is (gfn not compared) */
	r = assign_pfn_to_smmu_spec(t_with_page(base(), P, 2, 5, 0x999), 2, 0x300, P);
	assert_non_null(r.st);
	assert_false(r.st->halt);
	assert_z_equal(r.st->tstate, 1);
	assert_page(r.st, P, 2, 5, 0x999);
	expect_s2_released(r.st);
	assert_null(mlog_at(r.st->log, NPT_ID));
	/* owner VM 3: halt */
	r = assign_pfn_to_smmu_spec(t_with_page(base(), P, 3, 0, 0x300), 2, 0x300, P);
	expect_s2_halted(r.st);
}

/* ================= update_smmu_page_spec ================= */

#define TTBR_0_1 ((hm_z)73728) /* SMMU_TTBR 0 1 = 65536 + (0 * 8 + 1) * 4096 * 2 */

static void test_usp_relies_halt_locks(void **state)
{
	(void)state;
	assert_rely(update_smmu_page_spec(base(), 17, 1, 0, 0x300000, A), "is_vmid(vmid)");
	assert_rely(update_smmu_page_spec(base(), 2, 1, SMMU_NUM, 0x300000, A), "is_smmu(index)");
	assert_rely(update_smmu_page_spec(base(), 2, SMMU_NUM_CTXT_BANKS, 0, 0x300000, A),
		    "is_smmu_cfg(cbndx)");
	assert_rely(update_smmu_page_spec(base(), 2, 1, 0, (hm_z)1 << 40, A),
		    "is_smmu_addr(iova)");
	assert_rely(update_smmu_page_spec(base(), 2, 1, 0, 0x300000, INVALID64 + 1),
		    "is_int64(pte)");
	assert_rely(update_smmu_page_spec(t_with_page(base(), P, 2, 0, -1), 2, 1, 0, 0x300000, A),
		    "is_int64(page->s2_gfn)");
	const hm_rdata *h = t_with_halt(base(), true);
	assert_ptr_equal(update_smmu_page_spec(h, 2, 1, 0, 0x300000, A).st, h);
	assert_stuck(update_smmu_page_spec(t_with_lock(base(), SPT_ID, HM_LOCK_OWN_TRUE), 2, 1, 0,
					   0x300000, A));
	assert_stuck(update_smmu_page_spec(with_busy_log(base(), SPT_ID), 2, 1, 0, 0x300000, A));
	assert_stuck(
		update_smmu_page_spec(with_busy_log(base(), S2PAGE_ID), 2, 1, 0, 0x300000, A));
}

static void test_usp_vm_page(void **state)
{
	(void)state;
	/* page P = (2, 0, 0x300); pte 0x40005fff: pfn P; iova 0x300000: gfn
	 * 0x300 = s2_gfn: local_spt_map 1 0 0x300000 pte: spt_pt TTBR_0_1
	 * 0x300 -> (P, pte); stage2_pgd_index 0, pmd_index 1; cursors advance.
	 * Owner not HOSTVISOR: count unchanged. */
	const hm_rdata *st = t_with_page(base(), P, 2, 0, 0x300);
	hm_sres r = update_smmu_page_spec(st, 2, 1, 0, 0x300000, HOST_KERNEL_PTE);
	assert_non_null(r.st);
	assert_false(r.st->halt);
	assert_z_equal(r.st->tstate, 1);
	const hm_spt *spt = r.st->shared->spts;
	const hm_z2 *e = z2_at(hm_map_get_map(spt->spt_pt, TTBR_0_1), 0x300);
	assert_z_equal(e->a, P);
	assert_z_equal(e->b, HOST_KERNEL_PTE);
	assert_true(hm_map3_get_bool(spt->spt_pmd_t, TTBR_0_1, 0, 1));
	assert_z_equal(spt->spt_pgd_next, SMMU_PGD_START + PAGE_SIZE);
	assert_z_equal(spt->spt_pmd_next, SMMU_PMD_START + PAGE_SIZE);
	assert_page(r.st, P, 2, 0, 0x300);
	expect_s2_released(r.st);
	const hm_mlog *l = mlog_at(r.st->log, SPT_ID);
	EXPECT_LOG(l, REL(0), EV(0, HM_MEV_OSPT), PULL(0, SPT_ID), WAIT(0));
	assert_ptr_equal(cell(l, 1)->snap, spt);
	assert_int_equal(lock_at(r.st->lock, SPT_ID), HM_LOCK_FALSE);
}

static void test_usp_host_page_counts(void **state)
{
	(void)state;
	/* vmid HOSTVISOR, page (0, 15, 0x300): count 15 < EL2_SMMU_CFG_SIZE:
	 * 16; then 16 is not < 16: stays */
	hm_sres r = update_smmu_page_spec(t_with_page(base(), P, 0, EL2_SMMU_CFG_SIZE - 1, 0x300),
					  0, 1, 0, 0x300000, HOST_KERNEL_PTE);
	assert_non_null(r.st);
	assert_false(r.st->halt);
	assert_page(r.st, P, 0, EL2_SMMU_CFG_SIZE, 0x300);
	r = update_smmu_page_spec(r.st, 0, 1, 0, 0x300000, HOST_KERNEL_PTE);
	assert_non_null(r.st);
	assert_false(r.st->halt);
	assert_page(r.st, P, 0, EL2_SMMU_CFG_SIZE, 0x300);
	/* two lock cycles on each log */
	assert_int_equal(hm_mlog_len(mlog_at(r.st->log, SPT_ID)), 8);
	assert_int_equal(hm_mlog_len(mlog_at(r.st->log, S2PAGE_ID)), 8);
}

static void test_usp_mismatch_halts(void **state)
{
	(void)state;
	/* iova 0x301000: gfn 0x301 <> s2_gfn 0x300: halt, SPT untouched */
	const hm_rdata *st = t_with_page(base(), P, 2, 0, 0x300);
	hm_sres r = update_smmu_page_spec(st, 2, 1, 0, 0x301000, HOST_KERNEL_PTE);
	assert_non_null(r.st);
	expect_s2_halted(r.st);
	assert_null(mlog_at(r.st->log, SPT_ID));
	assert_int_equal(lock_at(r.st->lock, SPT_ID), HM_LOCK_FALSE);
	assert_ptr_equal(r.st->shared->spts, st->shared->spts);
	/* vmid 3 <> owner 2: halt */
	r = update_smmu_page_spec(st, 3, 1, 0, 0x300000, HOST_KERNEL_PTE);
	expect_s2_halted(r.st);
}

static void test_usp_spt_exhausted(void **state)
{
	(void)state;
	/* spt_pgd_next at SMMU_PMD_START: local_spt_map halts: both logs
	 * OPULL :: WAIT, both locks LockOwn true, spts the input spt */
	hm_spt *s = spt_edit(base()->shared->spts);
	s->spt_pgd_next = SMMU_PMD_START;
	const hm_rdata *st = with_spt(t_with_page(base(), P, 2, 0, 0x300), s);
	hm_sres r = update_smmu_page_spec(st, 2, 1, 0, 0x300000, HOST_KERNEL_PTE);
	assert_non_null(r.st);
	expect_s2_halted(r.st);
	EXPECT_LOG(mlog_at(r.st->log, SPT_ID), PULL(0, SPT_ID), WAIT(0));
	assert_int_equal(lock_at(r.st->lock, SPT_ID), HM_LOCK_OWN_TRUE);
	assert_ptr_equal(r.st->shared->spts, s);
	assert_page(r.st, P, 2, 0, 0x300);
}

/* ================= unmap_smmu_page_spec ================= */

static void test_unmap_relies_halt_locks(void **state)
{
	(void)state;
	assert_rely(unmap_smmu_page_spec(base(), 1, -1, 0x300000), "is_smmu(index)");
	assert_rely(unmap_smmu_page_spec(base(), -1, 0, 0x300000), "is_smmu_cfg(cbndx)");
	assert_rely(unmap_smmu_page_spec(base(), 1, 0, -1), "is_smmu_addr(iova)");
	const hm_rdata *h = t_with_halt(base(), true);
	assert_ptr_equal(unmap_smmu_page_spec(h, 1, 0, 0x300000).st, h);
	assert_stuck(unmap_smmu_page_spec(t_with_lock(base(), SPT_ID, HM_LOCK_OWN_FALSE), 1, 0,
					  0x300000));
	assert_stuck(unmap_smmu_page_spec(with_busy_log(base(), SPT_ID), 1, 0, 0x300000));
	assert_stuck(unmap_smmu_page_spec(with_busy_log(base(), S2PAGE_ID), 1, 0, 0x300000));
	/* rely is_int64 pte on the entry */
	hm_spt *s = spt_edit(base()->shared->spts);
	hm_z2 e = {P, -1};
	SETP(s, spt_pt,
	     hm_map_set_ptr(s->spt_pt, TTBR_0_1,
			    hm_map_set(hm_map_get_map(s->spt_pt, TTBR_0_1), 0x300, &e)));
	assert_rely(unmap_smmu_page_spec(with_spt(base(), s), 1, 0, 0x300000), "is_int64(pte)");
}

static void test_unmap_nothing_mapped(void **state)
{
	(void)state;
	/* pte 0: Some (false, spt); pfn 0: page 0 (INVALID, 0, INVALID64),
	 * not the host's: s2p kept; both lock cycles logged */
	const hm_rdata *st = base();
	hm_sres r = unmap_smmu_page_spec(st, 1, 0, 0x300000);
	assert_non_null(r.st);
	assert_false(r.st->halt);
	assert_z_equal(r.st->tstate, 1);
	assert_ptr_equal(r.st->shared->spts, st->shared->spts);
	expect_s2_released(r.st);
	const hm_mlog *l = mlog_at(r.st->log, SPT_ID);
	EXPECT_LOG(l, REL(0), EV(0, HM_MEV_OSPT), PULL(0, SPT_ID), WAIT(0));
	assert_ptr_equal(cell(l, 1)->snap, st->shared->spts);
	assert_int_equal(lock_at(r.st->lock, SPT_ID), HM_LOCK_FALSE);
}

static void test_unmap_host_page(void **state)
{
	(void)state;
	/* map P for the host through update_smmu_page (count 3 -> 4), then
	 * unmap: local_spt_map writes (0, 0), owner HOSTVISOR count 4 > 0: 3 */
	hm_sres m = update_smmu_page_spec(t_with_page(base(), P, 0, 3, 0x300), 0, 1, 0, 0x300000,
					  HOST_KERNEL_PTE);
	assert_page(m.st, P, 0, 4, 0x300);
	hm_sres r = unmap_smmu_page_spec(m.st, 1, 0, 0x300000);
	assert_non_null(r.st);
	assert_false(r.st->halt);
	assert_z_equal(r.st->tstate, 1);
	assert_page(r.st, P, 0, 3, 0x300);
	const hm_z2 *e = z2_at(hm_map_get_map(r.st->shared->spts->spt_pt, TTBR_0_1), 0x300);
	assert_z_equal(e->a, 0);
	assert_z_equal(e->b, 0);
	/* the tables exist: no cursor moves */
	assert_z_equal(r.st->shared->spts->spt_pgd_next, m.st->shared->spts->spt_pgd_next);
	assert_z_equal(r.st->shared->spts->spt_pmd_next, m.st->shared->spts->spt_pmd_next);
	EXPECT_LOG(mlog_at(r.st->log, SPT_ID), REL(0), EV(0, HM_MEV_OSPT), PULL(0, SPT_ID), WAIT(0),
		   REL(0), EV(0, HM_MEV_OSPT), PULL(0, SPT_ID), WAIT(0));
}

static void test_unmap_vm_page_count_kept(void **state)
{
	(void)state;
	hm_sres m = update_smmu_page_spec(t_with_page(base(), P, 2, 1, 0x300), 2, 1, 0, 0x300000,
					  HOST_KERNEL_PTE);
	hm_sres r = unmap_smmu_page_spec(m.st, 1, 0, 0x300000);
	assert_non_null(r.st);
	assert_false(r.st->halt);
	assert_page(r.st, P, 2, 1, 0x300);
	assert_int_equal(hm_map_count(hm_map_get_map(r.st->shared->spts->spt_pt, TTBR_0_1)), 0);
}

static void test_unmap_host_page_count_zero(void **state)
{
	(void)state;
	/* an entry at 0x300 for the host page P whose count is 0: not > 0,
	 * the count stays 0 */
	hm_spt *s = spt_edit(base()->shared->spts);
	hm_z2 e = {P, HOST_KERNEL_PTE};
	SETP(s, spt_pt,
	     hm_map_set_ptr(s->spt_pt, TTBR_0_1,
			    hm_map_set(hm_map_get_map(s->spt_pt, TTBR_0_1), 0x300, &e)));
	hm_sres r = unmap_smmu_page_spec(with_spt(base(), s), 1, 0, 0x300000);
	assert_non_null(r.st);
	assert_false(r.st->halt);
	assert_page(r.st, P, HOSTVISOR, 0, P + SMMU_HOST_OFFSET);
	assert_int_equal(hm_map_count(hm_map_get_map(r.st->shared->spts->spt_pt, TTBR_0_1)), 0);
}

static void test_unmap_exhausted(void **state)
{
	(void)state;
	/* an entry at 0x300 but no table bits and the pgd cursor at
	 * SMMU_PMD_START: local_spt_map halts */
	hm_spt *s = spt_edit(base()->shared->spts);
	hm_z2 e = {P, HOST_KERNEL_PTE};
	SETP(s, spt_pt,
	     hm_map_set_ptr(s->spt_pt, TTBR_0_1,
			    hm_map_set(hm_map_get_map(s->spt_pt, TTBR_0_1), 0x300, &e)));
	s->spt_pgd_next = SMMU_PMD_START;
	hm_sres r = unmap_smmu_page_spec(with_spt(base(), s), 1, 0, 0x300000);
	assert_non_null(r.st);
	expect_s2_halted(r.st);
	EXPECT_LOG(mlog_at(r.st->log, SPT_ID), PULL(0, SPT_ID), WAIT(0));
	assert_int_equal(lock_at(r.st->lock, SPT_ID), HM_LOCK_OWN_TRUE);
	assert_ptr_equal(r.st->shared->spts, s);
}

/* ================= the op table ================= */

static void test_op_table(void **state)
{
	(void)state;
	const hm_op_def *d = hm_op_find("update_smmu_page");
	assert_non_null(d);
	assert_int_equal(d->nargs, 5);
	assert_string_equal(d->args[0], "vmid");
	assert_string_equal(d->args[4], "pte");
	/* the table passes the arguments in Coq order */
	hm_z args[] = {2, 0x300, P};
	hm_sres r = hm_op_find("assign_pfn_to_vm")->high(base(), args);
	assert_non_null(r.st);
	assert_page(r.st, P, 2, 0, 0x300);
	const char *names[] = {"map_page_host", "clear_vm_page", "map_pfn_vm", "map_vm_io",
			       "grant_vm_page", "revoke_vm_page", "assign_pfn_to_smmu",
			       "unmap_smmu_page"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		assert_non_null(hm_op_find(names[i]));
}

/* ================= several CPUs, through the public API ================= */

static hm_result step(hm_model *m, int cpu, const char *op, const hm_arg *args, size_t n)
{
	hm_result out;
	char *err = NULL;
	hm_error e = hm_model_step(m, cpu, HM_LEVEL_HIGH, op, args, n, &out, &err);
	if (err)
		fprintf(stderr, "%s\n", err);
	assert_int_equal(e, HM_OK);
	hm_free(err);
	return out;
}

static void test_two_cpus_assign_seen_by_other(void **state)
{
	(void)state;
	hm_model *m = t_model(2);
	/* CPU 0 gives P to VM 1 at gfn 5 */
	hm_arg a0[] = {{"vmid", 1}, {"gfn", 5}, {"pfn", P}};
	assert_int_equal(step(m, 0, "assign_pfn_to_vm", a0, 3).kind, HM_RESULT_OK);
	hm_page_view p0 = hm_model_s2page(m, 0, P);
	assert_z_equal(p0.s2_owner, 1);
	assert_z_equal(p0.s2_gfn, 5);
	/* CPU 1's own view still has the host's page */
	assert_z_equal(hm_model_s2page(m, 1, P).s2_owner, HOSTVISOR);
	/* CPU 1 assigns P to VM 2: its oracle yields CPU 0's four S2PAGE
	 * events, CalS2Page gives owner 1 <> HOSTVISOR, <> 2: halt */
	hm_arg a1[] = {{"vmid", 2}, {"gfn", 6}, {"pfn", P}};
	assert_int_equal(step(m, 1, "assign_pfn_to_vm", a1, 3).kind, HM_RESULT_HALT);
	hm_page_view p1 = hm_model_s2page(m, 1, P);
	assert_z_equal(p1.s2_owner, 1);
	assert_z_equal(p1.s2_gfn, 5);
	const hm_rdata *v1 = hm_model_view(m, 1);
	EXPECT_LOG(mlog_at(v1->log, S2PAGE_ID), PULL(1, S2PAGE_ID), WAIT(1), REL(0),
		   EV(0, HM_MEV_OS2_PAGE), PULL(0, S2PAGE_ID), WAIT(0));
	assert_int_equal(lock_at(v1->lock, S2PAGE_ID), HM_LOCK_OWN_TRUE);
	assert_false(hm_model_halted(m, 0));
	hm_model_free(m);
}

static void test_two_cpus_clear_after_assign(void **state)
{
	(void)state;
	hm_model *m = t_model(2);
	hm_model_script_doracle(m, false, 1, 0, 0x1234);
	hm_arg a0[] = {{"vmid", 1}, {"gfn", 5}, {"pfn", P}};
	assert_int_equal(step(m, 0, "assign_pfn_to_vm", a0, 3).kind, HM_RESULT_OK);
	/* doracle 1 0 = 0x1234 scripted */
	assert_z_equal(hm_map_get_z(hm_model_view(m, 0)->shared->flatmem, P), 0x1234);
	/* CPU 1 sees VM 1 own P and clears it: flatmem P := 0 on top of the
	 * oracle's OFLATMEM from CPU 0 */
	hm_arg a1[] = {{"vmid", 1}, {"pfn", P}};
	assert_int_equal(step(m, 1, "clear_vm_page", a1, 2).kind, HM_RESULT_OK);
	const hm_rdata *v1 = hm_model_view(m, 1);
	hm_page_view p1 = hm_model_s2page(m, 1, P);
	assert_z_equal(p1.s2_owner, HOSTVISOR);
	assert_z_equal(p1.s2_gfn, P + SMMU_HOST_OFFSET);
	assert_z_equal(hm_map_get_z(v1->shared->flatmem, P), 0);
	EXPECT_LOG(mlog_at(v1->log, FLATMEM_ID), EV(1, HM_MEV_OFLATMEM), EV(0, HM_MEV_OFLATMEM));
	assert_int_equal(hm_mlog_len(mlog_at(v1->log, S2PAGE_ID)), 8);
	hm_model_free(m);
}

static void test_stuck_and_rely_leave_view(void **state)
{
	(void)state;
	hm_model *m = t_model(2);
	/* CPU 0 assigns pfn 0x10 (outside RAM, owner INVALID): halt with the
	 * S2PAGE lock held: its log ends OPULL 0 :: WAIT_LOCK 0 */
	hm_arg a0[] = {{"vmid", 1}, {"gfn", 5}, {"pfn", 0x10}};
	assert_int_equal(step(m, 0, "assign_pfn_to_vm", a0, 3).kind, HM_RESULT_HALT);

	/* CPU 1: H_CalLock (OPULL 0 :: WAIT 0 :: nil) = Some (9, LHOLD, Some 0):
	 * None, the view is kept as it was */
	const hm_rdata *before = hm_model_view(m, 1);
	char *json_before = hm_model_state_json(m, 1);
	hm_arg a1[] = {{"vmid", 1}, {"pfn", P}};
	hm_result r = step(m, 1, "grant_vm_page", a1, 2);
	assert_int_equal(r.kind, HM_RESULT_STUCK);
	assert_non_null(r.where);
	assert_string_equal(r.where, "grant_vm_page_spec");
	assert_ptr_equal(hm_model_view(m, 1), before);
	t_assert_state_equal(before, hm_model_view(m, 1));
	char *json_after = hm_model_state_json(m, 1);
	assert_string_equal(json_before, json_after);
	hm_free(json_after);

	/* a failed rely on CPU 1: the same */
	hm_arg bad[] = {{"vmid", 1}, {"pfn", -1}};
	r = step(m, 1, "grant_vm_page", bad, 2);
	assert_int_equal(r.kind, HM_RESULT_RELY);
	assert_string_equal(r.rely, "is_pfn(pfn)");
	assert_ptr_equal(hm_model_view(m, 1), before);
	json_after = hm_model_state_json(m, 1);
	assert_string_equal(json_before, json_after);
	hm_free(json_after);
	hm_free(json_before);

	/* the halted CPU 0: Some adt, the view object itself */
	const hm_rdata *v0 = hm_model_view(m, 0);
	assert_int_equal(step(m, 0, "grant_vm_page", a1, 2).kind, HM_RESULT_HALT);
	assert_ptr_equal(hm_model_view(m, 0), v0);
	hm_model_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mph_relies),
		cmocka_unit_test(test_mph_halted),
		cmocka_unit_test(test_mph_locks_and_calock),
		cmocka_unit_test(test_mph_host_page),
		cmocka_unit_test(test_mph_invalid_page_is_device),
		cmocka_unit_test(test_mph_shared_vm_page),
		cmocka_unit_test(test_mph_vm_page_halts),
		cmocka_unit_test(test_mph_npt_exhausted),
		cmocka_unit_test(test_mph_sees_oracle_events),
		cmocka_unit_test(test_clear_relies),
		cmocka_unit_test(test_clear_halted_locks_calock),
		cmocka_unit_test(test_clear_owned_page),
		cmocka_unit_test(test_clear_other_owner),
		cmocka_unit_test(test_assign_relies),
		cmocka_unit_test(test_assign_halted_locks_calock),
		cmocka_unit_test(test_assign_host_page_unmapped),
		cmocka_unit_test(test_assign_data_log_advances),
		cmocka_unit_test(test_assign_host_page_mapped),
		cmocka_unit_test(test_assign_after_guest_remap),
		cmocka_unit_test(test_assign_host_npt_exhausted),
		cmocka_unit_test(test_assign_host_page_shared_halts),
		cmocka_unit_test(test_assign_owned_page),
		cmocka_unit_test(test_assign_conflicts_halt),
		cmocka_unit_test(test_mpv_relies_halt_locks),
		cmocka_unit_test(test_mpv_level3),
		cmocka_unit_test(test_mpv_level2),
		cmocka_unit_test(test_mpv_exhausted),
		cmocka_unit_test(test_io_relies_halt_locks),
		cmocka_unit_test(test_io_device_page),
		cmocka_unit_test(test_io_sees_oracle_s2page),
		cmocka_unit_test(test_io_ram_page_not_mapped),
		cmocka_unit_test(test_io_exhausted),
		cmocka_unit_test(test_grant_relies_halt_locks),
		cmocka_unit_test(test_grant_counts),
		cmocka_unit_test(test_revoke_relies_halt_locks),
		cmocka_unit_test(test_revoke_count_above_one),
		cmocka_unit_test(test_revoke_last_share),
		cmocka_unit_test(test_revoke_last_share_host_mapped),
		cmocka_unit_test(test_revoke_last_share_exhausted),
		cmocka_unit_test(test_revoke_nothing_to_revoke),
		cmocka_unit_test(test_smmu_assign_relies_halt_locks),
		cmocka_unit_test(test_smmu_assign_host_page),
		cmocka_unit_test(test_smmu_assign_exhausted),
		cmocka_unit_test(test_smmu_assign_other_branches),
		cmocka_unit_test(test_usp_relies_halt_locks),
		cmocka_unit_test(test_usp_vm_page),
		cmocka_unit_test(test_usp_host_page_counts),
		cmocka_unit_test(test_usp_mismatch_halts),
		cmocka_unit_test(test_usp_spt_exhausted),
		cmocka_unit_test(test_unmap_relies_halt_locks),
		cmocka_unit_test(test_unmap_nothing_mapped),
		cmocka_unit_test(test_unmap_host_page),
		cmocka_unit_test(test_unmap_vm_page_count_kept),
		cmocka_unit_test(test_unmap_host_page_count_zero),
		cmocka_unit_test(test_unmap_exhausted),
		cmocka_unit_test(test_op_table),
		cmocka_unit_test(test_two_cpus_assign_seen_by_other),
		cmocka_unit_test(test_two_cpus_clear_after_assign),
		cmocka_unit_test(test_stuck_and_rely_leave_view),
	};
	return cmocka_run_group_tests(tests, t_pool_setup, t_pool_teardown);
}
