#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "state.h"

/* ---- MultiLog ---- */

static const char *const mev_names[HM_MEV_COUNT + 1] = {
	"INC_TICKET", "INC_NOW", "GET_NOW", "CAS_TICKET", "HOLD_LOCK", "WAIT_LOCK", "REL_LOCK",
	"OPULL", "OCORE_DATA", "OS2_PAGE", "ONPT", "OVMINFO", "OSPT", "OSMMU", "OFLATMEM",
	"COMPACTED",
};

const char *hm_mev_name(hm_mev e) { return e <= HM_MEV_COMPACTED ? mev_names[e] : "?"; }

bool hm_mev_from_name(const char *name, hm_mev *out)
{
	for (unsigned i = 0; i < HM_MEV_COUNT; i++)
		if (strcmp(name, mev_names[i]) == 0) {
			*out = (hm_mev)i;
			return true;
		}
	return false;
}

/* The type of the snapshot an event carries, NULL if none. */
static const hm_vtype *mev_snap_type(hm_mev e)
{
	switch (e) {
	case HM_MEV_OS2_PAGE:
	case HM_MEV_OSMMU:
	case HM_MEV_OFLATMEM:
		return &hm_t_map_z; /* any map vtype: only the kind matters */
	case HM_MEV_ONPT:
		return &hm_t_npt;
	case HM_MEV_OVMINFO:
		return &hm_t_vminfo;
	case HM_MEV_OSPT:
		return &hm_t_spt;
	default:
		return NULL;
	}
}

/* LocksSpec: H_CalLock, one cons at a time.
 *   H_CalLock nil = Some (O, LEMPTY, None)
 *   H_CalLock (TEVENT i e :: l') = match H_CalLock l', e with ... */
static hm_calock calock_cons(hm_calock prev, hm_z i, hm_mev e, hm_z n)
{
	hm_calock none = {0};
	if (!prev.some)
		return none; /* | _, _ => None */
	if (prev.hold && prev.has_i) {
		if (e == HM_MEV_REL_LOCK) {
			/* Some (self_c, LHOLD, Some i'), TTICKET REL_LOCK */
			if (i != prev.i)
				return none;
			return (hm_calock){.some = true};
		}
		if (!hm_mev_is_ticket(e)) {
			/* Some (self_c, LHOLD, Some i'), TSHARED _ */
			if (i != prev.i)
				return none;
			if (prev.n == 0)
				return none;
			hm_calock r = prev;
			r.n = prev.n - 1;
			return r;
		}
		return none;
	}
	if (!prev.hold && !prev.has_i && e == HM_MEV_WAIT_LOCK)
		/* Some (_, LEMPTY, None), TTICKET (WAIT_LOCK n) */
		return (hm_calock){.some = true, .hold = true, .has_i = true, .n = n, .i = i};
	return none;
}

/* Serials: a per-thread counter under a per-thread tag, so that cells
 * made by different threads never share one. */
static uint64_t thread_tags;
static _Thread_local uint64_t last_serial;

static inline uint64_t next_serial(void)
{
	uint64_t s = last_serial;
	if (__builtin_expect(!s, 0))
		s = __atomic_add_fetch(&thread_tags, 1, __ATOMIC_RELAXED) << 40;
	return last_serial = s + 1;
}

/* A lazy prefix with its next, fresh and calock set (copying its
 * events); any other list as it is. */
static const hm_mlog *forced(const hm_mlog *l)
{
	if (l && l->lazy)
		hm_mlog_next_slow(l);
	return l;
}

hm_calock hm_h_calock(const hm_mlog *l)
{
	if (!l)
		return (hm_calock){.some = true}; /* Some (O, LEMPTY, None) */
	return forced(l)->calock;
}

static size_t fresh_above(const hm_mlog *next)
{
	return (!next || next->ev == HM_MEV_COMPACTED) ? 1 : forced(next)->fresh + 1;
}

/* Cells are line-aligned blocks (see the layout in log.h), owned by the
 * caller: reference count 1, not in the pool. */
static void *cell_alloc_owned(size_t size)
{
	hm_obj *o = hm_alloc_lines(size);
	o->rc = 1;
	o->size = (uint32_t)size;
	o->type = &hm_t_mlog;
	return o;
}

/* A cell with every field set (no zeroing first: cons is the most
 * frequent allocation of a step), autoreleased. */
static hm_mlog *mlog_alloc(hm_z cpu, hm_mev ev, hm_z n, hm_core_data cd, const void *snap,
			   const hm_mlog *next)
{
	hm_mlog *c = hm_autorelease(cell_alloc_owned(sizeof *c));
	c->next = hm_retain(next);
	c->len = hm_mlog_len(next) + 1;
	c->fresh = fresh_above(next);
	c->calock = calock_cons(hm_h_calock(next), cpu, ev, n);
	c->cpu = cpu;
	c->ev = ev;
	c->n = n;
	c->core_data = cd;
	c->snap = hm_retain(snap);
	c->prefix_of = NULL;
	c->lazy = false;
	c->serial = next_serial();
	return c;
}

hm_mlog *hm_mlog_cons(hm_z cpu, hm_mev ev, hm_z n, const void *snap, const hm_mlog *next)
{
	return mlog_alloc(cpu, ev, n, (hm_core_data){0}, snap, next);
}

hm_mlog *hm_mlog_cons_core(hm_z cpu, hm_core_data cd, const hm_mlog *next)
{
	return mlog_alloc(cpu, HM_MEV_OCORE_DATA, 0, cd, NULL, next);
}

/* A compacted cell standing for `count` events, on top of next. Its
 * H_CalLock value is the one of the list it replaced: valid on top of the
 * suffix that list had, which is where the oracle and append put it. */
static hm_mlog *compacted_cell(const hm_mlog_compacted *from, hm_z count, hm_calock memo,
			       const hm_mlog *next);

hm_mlog *hm_mlog_compacted_new(const hm_mlog_compacted *from, hm_z count, const hm_mlog *next)
{
	return compacted_cell(from, count, from->cell.calock, next);
}

static hm_mlog *compacted_cell(const hm_mlog_compacted *from, hm_z count, hm_calock memo,
			       const hm_mlog *next)
{
	hm_mlog_compacted *c = cell_alloc_owned(sizeof *c);
	memset((char *)c + sizeof c->cell.o, 0, sizeof *c - sizeof c->cell.o);
	hm_autorelease(c);
	c->cell.ev = HM_MEV_COMPACTED;
	c->cell.cpu = -1;
	c->cell.n = count;
	c->cell.calock = memo;
	c->cell.next = hm_retain(next);
	c->cell.len = (size_t)count + hm_mlog_len(next);
	c->cell.serial = next_serial();
	if (from) {
		for (int i = 0; i < HM_SNAP_KINDS; i++)
			c->snaps[i] = hm_retain(from->snaps[i]);
		c->has_core = from->has_core;
		c->cell.core_data = from->cell.core_data;
		/* the same list when it stands for as many events as `from`,
		 * both at the bottom */
		if (from->cell.ev == HM_MEV_COMPACTED && count == from->cell.n &&
		    !from->cell.next && !next)
			c->origin = from->origin;
	}
	return &c->cell;
}

/* A copy of the event cell c (not a compacted one) on top of next, owned
 * by the caller rather than the pool: a rebuilt list is a chain of such
 * cells, each holding the only reference to the one below, and only its
 * head goes to the pool. `adopt`: the caller's reference to next passes
 * to the copy (else the copy retains next). */
static hm_mlog *mlog_copy_event(const hm_mlog *c, hm_mlog *next, bool adopt)
{
	hm_mlog *n = hm_alloc_lines(sizeof *n);
	*n = *c; /* the event: cpu, ev, n, core_data, snap; o.size and o.type */
	n->o.rc = 1;
	n->next = adopt ? next : hm_retain(next);
	n->len = hm_mlog_len(next) + 1;
	n->fresh = fresh_above(next);
	n->calock = calock_cons(hm_h_calock(next), c->cpu, c->ev,
				c->ev == HM_MEV_OCORE_DATA ? 0 : c->n);
	hm_retain(n->snap);
	n->prefix_of = NULL;
	n->lazy = false;
	n->serial = next_serial();
	return n;
}

/* Rebuilds the first k events of a on top of tail. A compacted cell met
 * among them stands for the rest of the k. */
static hm_mlog *mlog_rebuild(const hm_mlog *a, size_t k, const hm_mlog *tail)
{
	if (k == 0)
		return (hm_mlog *)tail;
	/* Collect the cells, then cons them back from the last (on the
	 * stack for the usual handful: pulls copy a few events). */
	const hm_mlog *small[64];
	const hm_mlog **cells = k <= sizeof small / sizeof small[0] ? small : malloc(k * sizeof *cells);
	if (!cells)
		abort();
	size_t n = 0, events = 0, last_count = 1;
	for (const hm_mlog *p = a;; p = hm_mlog_next(p)) {
		cells[n++] = p;
		if (p->ev == HM_MEV_COMPACTED) {
			last_count = k - events;
			break;
		}
		if (++events == k)
			break;
	}
	hm_mlog *acc = (hm_mlog *)tail;
	bool acc_owned = false; /* we hold acc's reference, not the pool */
	for (size_t i = n; i-- > 0;) {
		const hm_mlog *c = cells[i];
		if (c->ev == HM_MEV_COMPACTED) { /* only the deepest cell */
			acc = compacted_cell((const hm_mlog_compacted *)c, (hm_z)last_count,
					     c->calock, acc);
			continue;
		}
		acc = mlog_copy_event(c, acc, acc_owned);
		acc_owned = true;
	}
	if (cells != small)
		free(cells);
	return acc_owned ? hm_autorelease(acc) : acc;
}

static int snap_slot(hm_mev ev)
{
	return (ev >= HM_MEV_OS2_PAGE && ev <= HM_MEV_OFLATMEM) ? (int)(ev - HM_MEV_OS2_PAGE) : -1;
}

/* Where a walk of l's events starts and how many it may take: a lazy
 * prefix is read in place, as the first len events of the list it was
 * taken from (what its copy would hold). */
static const hm_mlog *walk_from(const hm_mlog *l, size_t *limit)
{
	*limit = (l && l->lazy) ? l->len : SIZE_MAX;
	return (l && l->lazy) ? l->prefix_of : l;
}

const void *hm_mlog_newest_snap(const hm_mlog *l, hm_mev ev)
{
	size_t limit;
	l = walk_from(l, &limit);
	for (; l && limit > 0; l = hm_mlog_next(l), limit--) {
		if (l->ev == ev)
			return l->snap;
		if (l->ev == HM_MEV_COMPACTED)
			return ((const hm_mlog_compacted *)l)->snaps[snap_slot(ev)];
	}
	return NULL;
}

bool hm_mlog_newest_core(const hm_mlog *l, hm_core_data *out)
{
	size_t limit;
	l = walk_from(l, &limit);
	for (; l && limit > 0; l = hm_mlog_next(l), limit--) {
		if (l->ev == HM_MEV_OCORE_DATA) {
			*out = l->core_data;
			return true;
		}
		if (l->ev == HM_MEV_COMPACTED) {
			const hm_mlog_compacted *c = (const hm_mlog_compacted *)l;
			*out = c->cell.core_data;
			return c->has_core;
		}
	}
	return false;
}

/* What the spec can still read of the events from l down: the newest
 * snapshot of each kind and the newest core data (into `into`'s snaps,
 * has_core and cell.core_data), as a compacted cell keeps them. */
static void mlog_summary(const hm_mlog *l, hm_mlog_compacted *into)
{
	hm_mlog_compacted tmp = {0};
	bool found_core = false;
	int missing = HM_SNAP_KINDS;
	for (const hm_mlog *p = l; p && (missing > 0 || !found_core); p = hm_mlog_next(p)) {
		if (p->ev == HM_MEV_COMPACTED) {
			const hm_mlog_compacted *c = (const hm_mlog_compacted *)p;
			for (int i = 0; i < HM_SNAP_KINDS; i++)
				if (!tmp.snaps[i])
					tmp.snaps[i] = c->snaps[i];
			if (!found_core && c->has_core) {
				tmp.cell.core_data = c->cell.core_data;
				found_core = true;
			}
			break;
		}
		int slot = snap_slot(p->ev);
		if (slot >= 0 && !tmp.snaps[slot]) {
			tmp.snaps[slot] = p->snap;
			missing--;
		}
		if (p->ev == HM_MEV_OCORE_DATA && !found_core) {
			tmp.cell.core_data = p->core_data;
			found_core = true;
		}
	}
	tmp.has_core = found_core;
	*into = tmp;
}

hm_mlog *hm_mlog_compact(const hm_mlog *l, size_t keep)
{
	if (!l || l->ev == HM_MEV_COMPACTED || forced(l)->fresh <= HM_COMPACT_SLACK * keep)
		return (hm_mlog *)l;
	/* The events below the newest `keep` become one compacted cell. */
	const hm_mlog *cut = l;
	for (size_t i = 0; i < keep; i++)
		cut = hm_mlog_next(cut);
	hm_mlog_compacted tmp;
	mlog_summary(cut, &tmp);
	hm_mlog *bottom = compacted_cell(&tmp, (hm_z)hm_mlog_len(cut), cut->calock, NULL);
	((hm_mlog_compacted *)bottom)->origin = cut->serial;
	return mlog_rebuild(l, keep, bottom);
}

static bool calock_equal(hm_calock a, hm_calock b);
static bool summaries_equal(const hm_mlog_compacted *x, const hm_mlog_compacted *y);

/* Whether a and b are the same list as far as the spec can tell: equal
 * (hm_log_equal), or equal event for event down to where one of them is
 * compacted and, from there, the same number of events with the same
 * H_CalLock and the same newest snapshots (what a compacted cell keeps;
 * see hm_mlog_compact). Without compaction this is equality. */
static bool mlog_equivalent(const hm_mlog *a, const hm_mlog *b)
{
	if (hm_mlog_len(a) != hm_mlog_len(b))
		return false;
	for (; a != b; a = hm_mlog_next(a), b = hm_mlog_next(b)) {
		if (a->ev == HM_MEV_COMPACTED || b->ev == HM_MEV_COMPACTED)
			break;
		if (!hm_mlog_cells_equal(a, b))
			return false;
	}
	if (a == b)
		return true;
	/* Both have the same number of events left (the walk took one from
	 * each per step), and one of them is a compacted cell. When it
	 * replaced the other list itself (a view that has not pulled since
	 * the global log was compacted), they are the same events. */
	if (a->ev == HM_MEV_COMPACTED && ((const hm_mlog_compacted *)a)->origin == b->serial)
		return true;
	if (b->ev == HM_MEV_COMPACTED && ((const hm_mlog_compacted *)b)->origin == a->serial)
		return true;
	if (!calock_equal(a->calock, b->calock))
		return false;
	hm_mlog_compacted sa, sb;
	mlog_summary(a, &sa);
	mlog_summary(b, &sb);
	return summaries_equal(&sa, &sb);
}

/* The list after the first k events of l, when they end on a cell
 * boundary above any compacted cell; NULL otherwise (*ok false). */
static const hm_mlog *mlog_drop(const hm_mlog *l, size_t k, bool *ok)
{
	for (; k > 0; k--, l = hm_mlog_next(l)) {
		if (!l || l->ev == HM_MEV_COMPACTED) {
			*ok = false;
			return NULL;
		}
	}
	*ok = true;
	return l;
}

hm_mlog *hm_mlog_append(const hm_mlog *a, const hm_mlog *b)
{
	if (!a)
		return hm_autorelease(hm_retain(b));
	if (a->prefix_of) {
		/* a is the first a->len events of L: if the rest of L is b
		 * (the same cells, equal ones, or the same list compacted
		 * elsewhere), a ++ b is L. */
		bool ok;
		const hm_mlog *rest = mlog_drop(a->prefix_of, a->len, &ok);
		if (ok && (rest == b || mlog_equivalent(rest, b)))
			return hm_autorelease(hm_retain(a->prefix_of));
	}
	/* A lazy a is the first a->len events of its prefix_of: copy them
	 * from there, without copying them into a first. */
	return mlog_rebuild(a->lazy ? a->prefix_of : a, a->len, b);
}

hm_mlog *hm_mlog_prefix(const hm_mlog *l, size_t k)
{
	l = forced(l); /* a lazy l has no next for the copy to read */
	if (k > hm_mlog_len(l))
		k = hm_mlog_len(l);
	if (k >= 2 && l->ev != HM_MEV_COMPACTED) {
		/* The head alone, holding l's first event; the other k - 1
		 * are copied if a walk ever gets past it (hm_mlog_next_slow). */
		hm_mlog *v = hm_alloc_lines(sizeof *v);
		*v = *l; /* the event: cpu, ev, n, core_data, snap; o.size and o.type */
		v->o.rc = 1;
		v->next = NULL;
		v->len = k;
		v->fresh = 0;
		v->calock = (hm_calock){0};
		hm_retain(v->snap);
		v->prefix_of = hm_retain(l);
		v->lazy = true;
		v->serial = next_serial();
		return hm_autorelease(v);
	}
	hm_mlog *p = mlog_rebuild(l, k, NULL);
	if (p && p != l)
		p->prefix_of = hm_retain(l);
	return p;
}

const hm_mlog *hm_mlog_next_slow(const hm_mlog *c)
{
	if (!c->lazy)
		return c->next;
	/* Filling in a lazy prefix does not change its value (the events
	 * it stands for), only how it is stored: the cast is memoization. */
	hm_mlog *v = (hm_mlog *)c;
	const hm_mlog *rest = mlog_rebuild(v->prefix_of->next, v->len - 1, NULL);
	v->next = hm_retain(rest);
	v->fresh = fresh_above(rest);
	v->calock = calock_cons(hm_h_calock(rest), v->cpu, v->ev,
				v->ev == HM_MEV_OCORE_DATA ? 0 : v->n);
	v->lazy = false;
	return v->next;
}

static void mlog_free(void *obj)
{
	/* Free a chain iteratively: a long log must not recurse per cell. */
	hm_mlog *c = obj;
	while (c) {
		hm_mlog *next = c->next;
		hm_release(c->snap);
		hm_release(c->prefix_of);
		if (c->ev == HM_MEV_COMPACTED)
			for (int i = 0; i < HM_SNAP_KINDS; i++)
				hm_release(((hm_mlog_compacted *)c)->snaps[i]);
		hm_dealloc_lines(c, c->o.size);
		if (next && --next->o.rc == 0)
			c = next;
		else
			c = NULL;
	}
}

static bool calock_equal(hm_calock a, hm_calock b)
{
	return a.some == b.some && a.hold == b.hold && a.has_i == b.has_i && a.n == b.n && a.i == b.i;
}

static const hm_vtype *mev_snap_type(hm_mev e);

/* The newest snapshots and core data two compacted cells (or two
 * mlog_summary results) keep. */
static bool summaries_equal(const hm_mlog_compacted *x, const hm_mlog_compacted *y)
{
	if (x->has_core != y->has_core ||
	    (x->has_core && (x->cell.core_data.next_vmid != y->cell.core_data.next_vmid ||
			     x->cell.core_data.next_remap_ptr != y->cell.core_data.next_remap_ptr)))
		return false;
	for (int i = 0; i < HM_SNAP_KINDS; i++) {
		if (!x->snaps[i] || !y->snaps[i]) {
			if (x->snaps[i] != y->snaps[i])
				return false;
			continue;
		}
		if (!hm_val_equal(mev_snap_type(HM_MEV_OS2_PAGE + i), &x->snaps[i], &y->snaps[i]))
			return false;
	}
	return true;
}

bool hm_mlog_cells_equal(const hm_mlog *a, const hm_mlog *b)
{
	if (a->cpu != b->cpu || a->ev != b->ev || a->n != b->n)
		return false;
	if (a->ev == HM_MEV_COMPACTED)
		return calock_equal(a->calock, b->calock) &&
		       summaries_equal((const hm_mlog_compacted *)a, (const hm_mlog_compacted *)b);
	if (a->ev == HM_MEV_OCORE_DATA)
		return a->core_data.next_vmid == b->core_data.next_vmid &&
		       a->core_data.next_remap_ptr == b->core_data.next_remap_ptr;
	const hm_vtype *st = mev_snap_type(a->ev);
	if (!st)
		return true;
	return hm_val_equal(st, &a->snap, &b->snap);
}

/* ---- SingleLog ---- */

#define A(...) {__VA_ARGS__}
const hm_aev_info hm_aev_table[HM_AEV_COUNT + 1] = {
	[HM_AEV_OPT_GET] = {"OPT_GET", 1, A("vmid")},
	[HM_AEV_OMAP_HOST] = {"OMAP_HOST", 1, A("addr")},
	[HM_AEV_OCLEAR_VM] = {"OCLEAR_VM", 2, A("vmid", "pfn")},
	[HM_AEV_OASSIGN_VM] = {"OASSIGN_VM", 4, A("vmid", "gfn", "pfn", "logn"), true},
	[HM_AEV_OMAP_VM] = {"OMAP_VM", 4, A("vmid", "addr", "pte", "level")},
	[HM_AEV_OMAP_IO] = {"OMAP_IO", 3, A("vmid", "gpa", "pa")},
	[HM_AEV_OGRANT] = {"OGRANT", 2, A("vmid", "pfn")},
	[HM_AEV_OREVOKE] = {"OREVOKE", 3, A("vmid", "pfn", "logn"), true},
	[HM_AEV_OVM_GET] = {"OVM_GET", 1, A("vmid")},
	[HM_AEV_OVM_ACTIVE] = {"OVM_ACTIVE", 2, A("vmid", "vcpuid")},
	[HM_AEV_OVM_INACTIVE] = {"OVM_INACTIVE", 2, A("vmid", "vcpuid")},
	[HM_AEV_OVM_POWEROFF] = {"OVM_POWEROFF", 1, A("vmid")},
	[HM_AEV_OREG_VCPU] = {"OREG_VCPU", 2, A("vmid", "vcpuid")},
	[HM_AEV_OGEN_VMID] = {"OGEN_VMID", 0, A(NULL)},
	[HM_AEV_OREG_KVM] = {"OREG_KVM", 1, A("vmid")},
	[HM_AEV_OBOOT_INFO] = {"OBOOT_INFO", 3, A("vmid", "load_addr", "size")},
	[HM_AEV_OREMAP_IMAGE] = {"OREMAP_IMAGE", 3, A("vmid", "pfn", "load_idx")},
	[HM_AEV_OVERIFY] = {"OVERIFY", 1, A("vmid")},
	[HM_AEV_OSMMU_GET] = {"OSMMU_GET", 0, A(NULL)},
	[HM_AEV_OASSIGN_SMMU] = {"OASSIGN_SMMU", 4, A("cbndx", "index", "gfn", "pfn")},
	[HM_AEV_OSMMU_FREE] = {"OSMMU_FREE", 2, A("cbndx", "index")},
	[HM_AEV_OSMMU_ALLOC] = {"OSMMU_ALLOC", 4, A("cbndx", "vmid", "index", "num")},
	[HM_AEV_OSMMU_MAP] = {"OSMMU_MAP", 4, A("cbndx", "index", "iova", "pte")},
	[HM_AEV_OSMMU_CLEAR] = {"OSMMU_CLEAR", 3, A("iova", "cbndx", "index")},
	[HM_AEV_OLOAD_ENC_VCPU] = {"OLOAD_ENC_VCPU", 3, A("vmid", "vcpuid", "logn"), true, true},
	[HM_AEV_OSAVE_ENC_BUF] = {"OSAVE_ENC_BUF", 4, A("vmid", "inbuf", "outbuf", "logn"), true},
	[HM_AEV_OLOAD_ENC_BUF] = {"OLOAD_ENC_BUF", 3, A("vmid", "inbuf", "logn"), true},
	[HM_AEV_COMPACTED] = {"COMPACTED", 1, A("count")},
};
#undef A

bool hm_aev_from_name(const char *name, hm_aev *out)
{
	for (unsigned i = 0; i < HM_AEV_COUNT; i++)
		if (strcmp(name, hm_aev_table[i].name) == 0) {
			*out = (hm_aev)i;
			return true;
		}
	return false;
}

hm_slog *hm_slog_cons(hm_z cpu, hm_aev ev, const hm_z *args, hm_oracle *dorc,
		      const void *ctxt, const hm_slog *next)
{
	hm_slog *c = hm_obj_new(&hm_t_slog, sizeof *c);
	c->cpu = cpu;
	c->ev = ev;
	for (unsigned i = 0; i < hm_aev_table[ev].nargs; i++)
		c->a[i] = args[i];
	c->dorc = hm_retain(dorc);
	c->ctxt = hm_retain(ctxt);
	c->next = hm_retain(next);
	c->len = hm_slog_len(next) + 1;
	c->fresh = (!next || next->ev == HM_AEV_COMPACTED) ? 1 : next->fresh + 1;
	return c;
}

/* Rebuilds the first k events of a on top of tail; a compacted cell met
 * among them stands for the rest of the k. */
static hm_slog *slog_rebuild(const hm_slog *a, size_t k, const hm_slog *tail)
{
	if (k == 0)
		return (hm_slog *)tail;
	const hm_slog **cells = malloc(k * sizeof *cells);
	if (!cells)
		abort();
	size_t n = 0, events = 0;
	hm_z last_count = 1;
	for (const hm_slog *p = a; events < k; p = p->next) {
		cells[n++] = p;
		if (p->ev == HM_AEV_COMPACTED) {
			last_count = (hm_z)(k - events);
			break;
		}
		events++;
	}
	hm_slog *acc = (hm_slog *)tail;
	for (size_t i = n; i-- > 0;) {
		const hm_slog *c = cells[i];
		if (c->ev == HM_AEV_COMPACTED) {
			acc = hm_slog_cons(c->cpu, c->ev, &last_count, NULL, NULL, acc);
			acc->len = (size_t)last_count + hm_slog_len(acc->next);
		} else {
			acc = hm_slog_cons(c->cpu, c->ev, c->a, c->dorc, c->ctxt, acc);
		}
	}
	free(cells);
	return acc;
}

hm_slog *hm_slog_compact(const hm_slog *l, size_t keep)
{
	if (!l || l->ev == HM_AEV_COMPACTED || l->fresh <= HM_COMPACT_SLACK * keep)
		return (hm_slog *)l;
	const hm_slog *cut = l;
	for (size_t i = 0; i < keep; i++)
		cut = cut->next;
	hm_z count = (hm_z)hm_slog_len(cut);
	hm_slog *bottom = hm_slog_cons(-1, HM_AEV_COMPACTED, &count, NULL, NULL, NULL);
	bottom->len = (size_t)count;
	return slog_rebuild(l, keep, bottom);
}

hm_slog *hm_slog_append(const hm_slog *a, const hm_slog *b)
{
	if (!a)
		return hm_autorelease(hm_retain(b));
	return slog_rebuild(a, a->len, b);
}

hm_slog *hm_slog_prefix(const hm_slog *l, size_t k)
{
	if (k > hm_slog_len(l))
		k = hm_slog_len(l);
	return slog_rebuild(l, k, NULL);
}

static void slog_free(void *obj)
{
	hm_slog *c = obj;
	while (c) {
		hm_slog *next = c->next;
		hm_release(c->dorc);
		hm_release(c->ctxt);
		hm_obj_free(c);
		c = (next && --next->o.rc == 0) ? next : NULL;
	}
}

static bool slog_cells_equal(const hm_slog *a, const hm_slog *b)
{
	if (a->cpu != b->cpu || a->ev != b->ev)
		return false;
	for (unsigned i = 0; i < hm_aev_table[a->ev].nargs; i++)
		if (a->a[i] != b->a[i])
			return false;
	if (hm_aev_table[a->ev].has_ctxt)
		return hm_val_equal(&hm_t_ctxt, &a->ctxt, &b->ctxt);
	return true; /* oracles are functions: not compared */
}

/* ---- NPT_UPDATE lists ---- */

static const char *const upd_names[] = {"UPDATE_PGD", "UPDATE_PUD", "UPDATE_PMD", "UPDATE_PTE"};

const char *hm_upd_name(hm_upd u) { return upd_names[u]; }

bool hm_upd_from_name(const char *name, hm_upd *out)
{
	for (unsigned i = 0; i < 4; i++)
		if (strcmp(name, upd_names[i]) == 0) {
			*out = (hm_upd)i;
			return true;
		}
	return false;
}

hm_ulist *hm_ulist_cons(hm_upd kind, hm_z addr, hm_z val, const hm_ulist *next)
{
	hm_ulist *c = hm_obj_new(&hm_t_ulist, sizeof *c);
	c->kind = kind;
	c->addr = addr;
	c->val = val;
	c->next = hm_retain(next);
	c->len = (next ? next->len : 0) + 1;
	return c;
}

static void ulist_free(void *obj)
{
	hm_ulist *c = obj;
	while (c) {
		hm_ulist *next = c->next;
		hm_obj_free(c);
		c = (next && --next->o.rc == 0) ? next : NULL;
	}
}

/* ---- list equality, used by hm_val_equal ---- */

bool hm_log_equal(hm_kind kind, const void *a, const void *b)
{
	if (kind == HM_K_MLOG) {
		const hm_mlog *x = a, *y = b;
		if (hm_mlog_len(x) != hm_mlog_len(y))
			return false;
		for (; x != y; x = hm_mlog_next(x), y = hm_mlog_next(y))
			if (!hm_mlog_cells_equal(x, y))
				return false;
		return true;
	}
	if (kind == HM_K_SLOG) {
		const hm_slog *x = a, *y = b;
		if (hm_slog_len(x) != hm_slog_len(y))
			return false;
		for (; x != y; x = x->next, y = y->next)
			if (!slog_cells_equal(x, y))
				return false;
		return true;
	}
	const hm_ulist *x = a, *y = b;
	if ((x ? x->len : 0) != (y ? y->len : 0))
		return false;
	for (; x != y; x = x->next, y = y->next)
		if (x->kind != y->kind || x->addr != y->addr || x->val != y->val)
			return false;
	return true;
}

/* ---- oracles ---- */

static void oracle_free(void *obj) { hm_obj_free(obj); }

hm_oracle *hm_oracle_new(const hm_oracle_ops *ops, void *ctx, const char *desc)
{
	hm_oracle *o = hm_obj_new(&hm_t_oracle, sizeof *o);
	o->ops = ops;
	o->ctx = ctx;
	snprintf(o->desc, sizeof o->desc, "%s", desc);
	return o;
}

hm_mlog *hm_oracle_multi(hm_oracle *o, hm_z id, hm_z cpu, const hm_mlog *l)
{
	if (!o || !o->ops || !o->ops->multi)
		return NULL;
	return o->ops->multi(o, id, cpu, l);
}

hm_slog *hm_oracle_single(hm_oracle *o, hm_z cpu, const hm_slog *l)
{
	if (!o || !o->ops || !o->ops->single)
		return NULL;
	return o->ops->single(o, cpu, l);
}

hm_z hm_oracle_data(hm_oracle *o, hm_z vmid, hm_z logn)
{
	if (!o || !o->ops || !o->ops->data)
		return 0;
	return o->ops->data(o, vmid, logn);
}

/* free_obj hooks for the vtypes of types.c */
void hm_mlog_free_obj(void *obj) { mlog_free(obj); }
void hm_slog_free_obj(void *obj) { slog_free(obj); }
void hm_ulist_free_obj(void *obj) { ulist_free(obj); }
void hm_oracle_free_obj(void *obj) { oracle_free(obj); }
