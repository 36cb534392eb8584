#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "state.h"

/* ---- MultiLog ---- */

static const char *const mev_names[HM_MEV_COUNT] = {
	"INC_TICKET", "INC_NOW", "GET_NOW", "CAS_TICKET", "HOLD_LOCK", "WAIT_LOCK", "REL_LOCK",
	"OPULL", "OCORE_DATA", "OS2_PAGE", "ONPT", "OVMINFO", "OSPT", "OSMMU", "OFLATMEM",
};

const char *hm_mev_name(hm_mev e) { return e < HM_MEV_COUNT ? mev_names[e] : "?"; }

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

hm_calock hm_h_calock(const hm_mlog *l)
{
	if (!l)
		return (hm_calock){.some = true}; /* Some (O, LEMPTY, None) */
	return l->calock;
}

static hm_mlog *mlog_alloc(hm_z cpu, hm_mev ev, const hm_mlog *next)
{
	hm_mlog *c = hm_obj_new(&hm_t_mlog, sizeof *c);
	c->cpu = cpu;
	c->ev = ev;
	c->next = hm_retain(next);
	c->len = hm_mlog_len(next) + 1;
	return c;
}

hm_mlog *hm_mlog_cons(hm_z cpu, hm_mev ev, hm_z n, const void *snap, const hm_mlog *next)
{
	hm_mlog *c = mlog_alloc(cpu, ev, next);
	c->n = n;
	c->snap = hm_retain(snap);
	c->calock = calock_cons(hm_h_calock(next), cpu, ev, n);
	return c;
}

hm_mlog *hm_mlog_cons_core(hm_z cpu, hm_core_data cd, const hm_mlog *next)
{
	hm_mlog *c = mlog_alloc(cpu, HM_MEV_OCORE_DATA, next);
	c->core_data = cd;
	c->calock = calock_cons(hm_h_calock(next), cpu, HM_MEV_OCORE_DATA, 0);
	return c;
}

static hm_mlog *mlog_copy_cell(const hm_mlog *c, const hm_mlog *next)
{
	if (c->ev == HM_MEV_OCORE_DATA)
		return hm_mlog_cons_core(c->cpu, c->core_data, next);
	return hm_mlog_cons(c->cpu, c->ev, c->n, c->snap, next);
}

/* Rebuilds cells [0, k) of a on top of tail. */
static hm_mlog *mlog_rebuild(const hm_mlog *a, size_t k, const hm_mlog *tail)
{
	if (k == 0)
		return (hm_mlog *)tail;
	/* Collect the first k cells, then cons them back from the last. */
	const hm_mlog **cells = malloc(k * sizeof *cells);
	if (!cells)
		abort();
	const hm_mlog *p = a;
	for (size_t i = 0; i < k; i++, p = p->next)
		cells[i] = p;
	hm_mlog *acc = (hm_mlog *)tail;
	for (size_t i = k; i-- > 0;)
		acc = mlog_copy_cell(cells[i], acc);
	free(cells);
	return acc;
}

hm_mlog *hm_mlog_append(const hm_mlog *a, const hm_mlog *b)
{
	if (!a)
		return hm_autorelease(hm_retain(b));
	return mlog_rebuild(a, a->len, b);
}

hm_mlog *hm_mlog_prefix(const hm_mlog *l, size_t k)
{
	if (k > hm_mlog_len(l))
		k = hm_mlog_len(l);
	return mlog_rebuild(l, k, NULL);
}

static void mlog_free(void *obj)
{
	/* Free a chain iteratively: a long log must not recurse per cell. */
	hm_mlog *c = obj;
	while (c) {
		hm_mlog *next = c->next;
		hm_release(c->snap);
		free(c);
		if (next && --next->o.rc == 0)
			c = next;
		else
			c = NULL;
	}
}

bool hm_mlog_cells_equal(const hm_mlog *a, const hm_mlog *b)
{
	if (a->cpu != b->cpu || a->ev != b->ev || a->n != b->n)
		return false;
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
const hm_aev_info hm_aev_table[HM_AEV_COUNT] = {
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
	return c;
}

static hm_slog *slog_rebuild(const hm_slog *a, size_t k, const hm_slog *tail)
{
	if (k == 0)
		return (hm_slog *)tail;
	const hm_slog **cells = malloc(k * sizeof *cells);
	if (!cells)
		abort();
	const hm_slog *p = a;
	for (size_t i = 0; i < k; i++, p = p->next)
		cells[i] = p;
	hm_slog *acc = (hm_slog *)tail;
	for (size_t i = k; i-- > 0;)
		acc = hm_slog_cons(cells[i]->cpu, cells[i]->ev, cells[i]->a, cells[i]->dorc,
				   cells[i]->ctxt, acc);
	free(cells);
	return acc;
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
		free(c);
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
		free(c);
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
		for (; x != y; x = x->next, y = y->next)
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

static void oracle_free(void *obj) { free(obj); }

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
