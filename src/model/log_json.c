/* JSON of the logs: arrays of events, newest first (the Coq list order).
 *
 *   MultiLog event:  {"cpu": 0, "event": "WAIT_LOCK", "n": 10}
 *                    {"cpu": 0, "event": "OPULL", "id": 2}
 *                    {"cpu": 0, "event": "OS2_PAGE", "s2page": {...}}
 *   SingleLog event: {"cpu": 0, "event": "OASSIGN_VM", "vmid": 1, "gfn": .., "pfn": .., "logn": 0,
 *                     "dorc": "doracle"}
 *   NPT_UPDATE:      {"update": "UPDATE_PTE", "addr": .., "val": ..}
 * Argument names are the Coq constructor parameter names.
 */
#include <string.h>

#include "json.h"
#include "log_json.h"

typedef struct snap_kind {
	hm_mev ev;
	const char *arg; /* Coq parameter name of the snapshot */
	const hm_vtype *type;
} snap_kind;

static const snap_kind snap_kinds[] = {
	{HM_MEV_OS2_PAGE, "s2page", &hm_t_map_s2page}, {HM_MEV_ONPT, "npt", &hm_t_npt},
	{HM_MEV_OVMINFO, "info", &hm_t_vminfo},        {HM_MEV_OSPT, "smmu", &hm_t_spt},
	{HM_MEV_OSMMU, "smmu_vmid", &hm_t_map_z},      {HM_MEV_OFLATMEM, "flatmem", &hm_t_map_z},
};

static const snap_kind *snap_of(hm_mev ev)
{
	for (size_t i = 0; i < sizeof snap_kinds / sizeof snap_kinds[0]; i++)
		if (snap_kinds[i].ev == ev)
			return &snap_kinds[i];
	return NULL;
}

/* The empty value a snapshot is encoded against and decoded onto: the
 * same object of the empty state (autoreleased). */
static const void *snap_template(hm_mev ev)
{
	const hm_shared *sh = hm_shared_empty();
	switch (ev) {
	case HM_MEV_OS2_PAGE:
		return sh->s2page;
	case HM_MEV_ONPT:
		return hm_npt_empty();
	case HM_MEV_OVMINFO:
		return hm_vminfo_empty();
	case HM_MEV_OSPT:
		return sh->spts;
	case HM_MEV_OSMMU:
		return sh->smmu_vmid;
	case HM_MEV_OFLATMEM:
		return sh->flatmem;
	default:
		return NULL;
	}
}

static const char *mev_arg(hm_mev ev)
{
	if (ev == HM_MEV_INC_TICKET || ev == HM_MEV_WAIT_LOCK)
		return "n";
	if (ev == HM_MEV_OPULL)
		return "id";
	return NULL;
}

/* {"event": "COMPACTED", "count": n, "calock": ..., <newest snapshots by
 * their Coq argument names>, "core_data": ...}. calock is H_CalLock of the
 * list the cell replaced: null for None, else {"n": .., "hold": bool,
 * "holder": cpu or null}. */
static json_t *encode_compacted(const hm_mlog_compacted *c)
{
	json_t *e = json_object();
	json_object_set_new(e, "event", json_string("COMPACTED"));
	json_object_set_new(e, "count", hm_json_from_z(c->cell.n));
	const hm_calock *k = &c->cell.calock;
	if (k->some) {
		json_t *cl = json_object();
		json_object_set_new(cl, "n", hm_json_from_z(k->n));
		json_object_set_new(cl, "hold", json_boolean(k->hold));
		json_object_set_new(cl, "holder", k->has_i ? hm_json_from_z(k->i) : json_null());
		json_object_set_new(e, "calock", cl);
	} else {
		json_object_set_new(e, "calock", json_null());
	}
	for (size_t i = 0; i < sizeof snap_kinds / sizeof snap_kinds[0]; i++) {
		const void *snap = c->snaps[snap_kinds[i].ev - HM_MEV_OS2_PAGE];
		if (!snap)
			continue;
		const void *tmpl = snap_template(snap_kinds[i].ev);
		json_object_set_new(e, snap_kinds[i].arg, hm_json_encode(snap_kinds[i].type, &snap, &tmpl));
	}
	if (c->has_core)
		json_object_set_new(e, "core_data", hm_json_encode(&hm_t_core_data, &c->cell.core_data, NULL));
	return e;
}

json_t *hm_json_encode_mlog(const hm_mlog *l)
{
	json_t *a = json_array();
	hm_pool *pool = hm_pool_push();
	for (; l; l = hm_mlog_next(l)) {
		if (l->ev == HM_MEV_COMPACTED) {
			json_array_append_new(a, encode_compacted((const hm_mlog_compacted *)l));
			break;
		}
		json_t *e = json_object();
		json_object_set_new(e, "cpu", hm_json_from_z(l->cpu));
		json_object_set_new(e, "event", json_string(hm_mev_name(l->ev)));
		const char *arg = mev_arg(l->ev);
		if (arg)
			json_object_set_new(e, arg, hm_json_from_z(l->n));
		if (l->ev == HM_MEV_OCORE_DATA)
			json_object_set_new(e, "core_data",
					    hm_json_encode(&hm_t_core_data, &l->core_data, NULL));
		const snap_kind *sk = snap_of(l->ev);
		if (sk) {
			const void *tmpl = snap_template(l->ev);
			json_object_set_new(e, sk->arg, hm_json_encode(sk->type, &l->snap, &tmpl));
		}
		json_array_append_new(a, e);
	}
	hm_pool_pop(pool);
	return a;
}

json_t *hm_json_encode_slog(const hm_slog *l)
{
	json_t *a = json_array();
	for (; l; l = l->next) {
		const hm_aev_info *info = &hm_aev_table[l->ev];
		json_t *e = json_object();
		json_object_set_new(e, "cpu", hm_json_from_z(l->cpu));
		json_object_set_new(e, "event", json_string(info->name));
		for (unsigned i = 0; i < info->nargs; i++)
			json_object_set_new(e, info->args[i], hm_json_from_z(l->a[i]));
		if (info->has_dorc)
			json_object_set_new(e, "dorc",
					    l->dorc ? json_string(l->dorc->desc) : json_null());
		if (info->has_ctxt && l->ctxt) {
			const hm_ctxt *c = l->ctxt;
			json_object_set_new(e, "cregs", hm_json_encode(&hm_t_ctxt_regs, &c->ctxt_regs, NULL));
			json_object_set_new(e, "cstates",
					    hm_json_encode(&hm_t_ctxt_states, &c->ctxt_states, NULL));
		}
		json_array_append_new(a, e);
	}
	return a;
}

static const char *const upd_field_names[] = {"update", "addr", "val"};

json_t *hm_json_encode_ulist(const hm_ulist *l)
{
	json_t *a = json_array();
	for (; l; l = l->next) {
		json_t *e = json_object();
		json_object_set_new(e, upd_field_names[0], json_string(hm_upd_name(l->kind)));
		json_object_set_new(e, upd_field_names[1], hm_json_from_z(l->addr));
		json_object_set_new(e, upd_field_names[2], hm_json_from_z(l->val));
		json_array_append_new(a, e);
	}
	return a;
}

/* ---- decoding ---- */

/* Checks that every key of e is one of the allowed names. */
static bool only_keys(const json_t *e, const char *const *allowed, size_t n, const char *path,
		      GString *err)
{
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)e, key, v)
	{
		size_t i;
		for (i = 0; i < n; i++)
			if (allowed[i] && strcmp(allowed[i], key) == 0)
				break;
		if (i == n) {
			g_string_append_printf(err, "%s.%s: unknown field of this event", path, key);
			return false;
		}
	}
	return true;
}

static bool get_z(const json_t *e, const char *name, const char *path, GString *err, hm_z *out)
{
	const json_t *v = json_object_get(e, name);
	const char *why = "missing";
	if (v && hm_json_to_z(v, out, &why))
		return true;
	g_string_append_printf(err, "%s.%s: %s", path, name, why);
	return false;
}

static bool check_array(const json_t *j, const char *path, GString *err)
{
	if (json_is_array(j))
		return true;
	g_string_append_printf(err, "%s: expected an array of events, newest first", path);
	return false;
}

static bool decode_event_name(const json_t *e, const char *path, GString *err, const char **name)
{
	if (!json_is_object(e)) {
		g_string_append_printf(err, "%s: expected an event object", path);
		return false;
	}
	const json_t *n = json_object_get(e, "event");
	if (!json_is_string(n)) {
		g_string_append_printf(err, "%s.event: missing or not a string", path);
		return false;
	}
	*name = json_string_value(n);
	return true;
}

static bool decode_compacted(const json_t *e, const char *path, GString *err, hm_mlog **out)
{
	const char *allowed[] = {"event", "count", "calock", "s2page", "npt", "info", "smmu",
				 "smmu_vmid", "flatmem", "core_data"};
	if (!only_keys(e, allowed, G_N_ELEMENTS(allowed), path, err))
		return false;
	hm_z count;
	if (!get_z(e, "count", path, err, &count))
		return false;
	if (count < 1) {
		g_string_append_printf(err, "%s.count: must be at least 1", path);
		return false;
	}
	hm_mlog_compacted tmp = {0};
	const json_t *cl = json_object_get(e, "calock");
	if (json_is_object(cl)) {
		const json_t *hold = json_object_get(cl, "hold"), *holder = json_object_get(cl, "holder");
		tmp.cell.calock.some = true;
		tmp.cell.calock.hold = json_is_true(hold);
		char *p = g_strdup_printf("%s.calock", path);
		bool ok = get_z(cl, "n", p, err, &tmp.cell.calock.n);
		if (ok && holder && !json_is_null(holder)) {
			tmp.cell.calock.has_i = true;
			const char *why = NULL;
			if (!hm_json_to_z(holder, &tmp.cell.calock.i, &why)) {
				g_string_append_printf(err, "%s.holder: %s", p, why);
				ok = false;
			}
		}
		g_free(p);
		if (!ok)
			return false;
	} else if (cl && !json_is_null(cl)) {
		g_string_append_printf(err, "%s.calock: expected null or {n, hold, holder}", path);
		return false;
	}
	/* decoded snapshots are owned by this frame until the cell takes them */
	const void *snaps[HM_SNAP_KINDS] = {0};
	bool ok = true;
	for (size_t i = 0; ok && i < sizeof snap_kinds / sizeof snap_kinds[0]; i++) {
		const json_t *v = json_object_get(e, snap_kinds[i].arg);
		if (!v)
			continue;
		int slot = snap_kinds[i].ev - HM_MEV_OS2_PAGE;
		char *p = g_strdup_printf("%s.%s", path, snap_kinds[i].arg);
		snaps[slot] = hm_retain(snap_template(snap_kinds[i].ev));
		ok = hm_json_overlay(snap_kinds[i].type, &snaps[slot], v, p, err);
		g_free(p);
	}
	const json_t *cd = json_object_get(e, "core_data");
	if (ok && cd) {
		char *p = g_strdup_printf("%s.core_data", path);
		ok = hm_json_overlay(&hm_t_core_data, &tmp.cell.core_data, cd, p, err);
		tmp.has_core = true;
		g_free(p);
	}
	for (int i = 0; i < HM_SNAP_KINDS; i++)
		tmp.snaps[i] = snaps[i];
	if (ok)
		*out = hm_mlog_compacted_new(&tmp, count, NULL);
	for (int i = 0; i < HM_SNAP_KINDS; i++)
		hm_release(snaps[i]);
	return ok;
}

bool hm_json_decode_mlog(const json_t *j, const char *path, GString *err, hm_mlog **out)
{
	if (!check_array(j, path, err))
		return false;
	hm_mlog *acc = NULL;
	for (size_t i = json_array_size(j); i-- > 0;) {
		const json_t *e = json_array_get(j, i);
		char *sub = g_strdup_printf("%s[%zu]", path, i);
		const json_t *evname = json_is_object(e) ? json_object_get(e, "event") : NULL;
		if (json_is_string(evname) && strcmp(json_string_value(evname), "COMPACTED") == 0) {
			bool ok = i == json_array_size(j) - 1;
			if (!ok)
				g_string_append_printf(err, "%s: COMPACTED must be the oldest event", sub);
			ok = ok && decode_compacted(e, sub, err, &acc);
			g_free(sub);
			if (!ok)
				return false;
			continue;
		}
		const char *name;
		hm_mev ev = HM_MEV_INC_TICKET;
		hm_z cpu = 0, n = 0;
		bool ok = decode_event_name(e, sub, err, &name);
		if (ok && !hm_mev_from_name(name, &ev)) {
			g_string_append_printf(err, "%s.event: unknown MultiLog event \"%s\"", sub, name);
			ok = false;
		}
		ok = ok && get_z(e, "cpu", sub, err, &cpu);
		const char *arg = ok ? mev_arg(ev) : NULL;
		if (ok && arg)
			ok = get_z(e, arg, sub, err, &n);
		const snap_kind *sk = ok ? snap_of(ev) : NULL;
		if (ok) {
			const char *allowed[] = {"cpu", "event", arg,
						 sk ? sk->arg : (ev == HM_MEV_OCORE_DATA ? "core_data" : NULL)};
			ok = only_keys(e, allowed, 4, sub, err);
		}
		if (ok && ev == HM_MEV_OCORE_DATA) {
			hm_core_data cd = {0};
			const json_t *v = json_object_get(e, "core_data");
			char *p = g_strdup_printf("%s.core_data", sub);
			ok = v ? hm_json_overlay(&hm_t_core_data, &cd, v, p, err)
			       : (g_string_append_printf(err, "%s: missing", p), false);
			g_free(p);
			if (ok)
				acc = hm_mlog_cons_core(cpu, cd, acc);
		} else if (ok && sk) {
			const json_t *v = json_object_get(e, sk->arg);
			char *p = g_strdup_printf("%s.%s", sub, sk->arg);
			const void *snap = hm_retain(snap_template(ev));
			ok = v ? hm_json_overlay(sk->type, &snap, v, p, err)
			       : (g_string_append_printf(err, "%s: missing", p), false);
			g_free(p);
			if (ok)
				acc = hm_mlog_cons(cpu, ev, 0, snap, acc);
			hm_release(snap);
		} else if (ok) {
			acc = hm_mlog_cons(cpu, ev, n, NULL, acc);
		}
		g_free(sub);
		if (!ok)
			return false;
	}
	*out = acc;
	return true;
}

bool hm_json_decode_slog(const json_t *j, const char *path, GString *err, hm_slog **out)
{
	if (!check_array(j, path, err))
		return false;
	hm_slog *acc = NULL;
	for (size_t i = json_array_size(j); i-- > 0;) {
		const json_t *e = json_array_get(j, i);
		char *sub = g_strdup_printf("%s[%zu]", path, i);
		const char *name;
		hm_aev ev = 0;
		hm_z cpu = 0, args[HM_AEV_MAX_ARGS] = {0};
		bool ok = decode_event_name(e, sub, err, &name);
		if (ok && strcmp(name, "COMPACTED") == 0) {
			const char *allowed[] = {"cpu", "event", "count"};
			ok = i == json_array_size(j) - 1;
			if (!ok)
				g_string_append_printf(err, "%s: COMPACTED must be the oldest event", sub);
			ok = ok && only_keys(e, allowed, 3, sub, err) && get_z(e, "count", sub, err, &args[0]);
			if (ok && args[0] < 1) {
				g_string_append_printf(err, "%s.count: must be at least 1", sub);
				ok = false;
			}
			if (ok) {
				acc = hm_slog_cons(-1, HM_AEV_COMPACTED, args, NULL, NULL, NULL);
				acc->len = (size_t)args[0];
			}
			g_free(sub);
			if (!ok)
				return false;
			continue;
		}
		if (ok && !hm_aev_from_name(name, &ev)) {
			g_string_append_printf(err, "%s.event: unknown SingleLog event \"%s\"", sub, name);
			ok = false;
		}
		const hm_aev_info *info = ok ? &hm_aev_table[ev] : NULL;
		ok = ok && get_z(e, "cpu", sub, err, &cpu);
		for (unsigned a = 0; ok && a < info->nargs; a++)
			ok = get_z(e, info->args[a], sub, err, &args[a]);
		if (ok) {
			const char *allowed[8] = {"cpu", "event", "dorc", "cregs", "cstates"};
			for (unsigned a = 0; a < info->nargs; a++)
				allowed[5 + a] = info->args[a];
			/* "dorc", "cregs", "cstates" only where the constructor has them */
			if (!info->has_dorc)
				allowed[2] = NULL;
			if (!info->has_ctxt)
				allowed[3] = allowed[4] = NULL;
			ok = only_keys(e, allowed, 5 + info->nargs, sub, err);
		}
		const hm_ctxt *ctxt = NULL;
		if (ok && info->has_ctxt) {
			hm_ctxt *c = hm_ctxt_empty();
			const json_t *r = json_object_get(e, "cregs"), *s = json_object_get(e, "cstates");
			char *p = g_strdup_printf("%s.cregs", sub);
			if (r)
				ok = hm_json_overlay(&hm_t_ctxt_regs, &c->ctxt_regs, r, p, err);
			g_free(p);
			p = g_strdup_printf("%s.cstates", sub);
			if (ok && s)
				ok = hm_json_overlay(&hm_t_ctxt_states, &c->ctxt_states, s, p, err);
			g_free(p);
			ctxt = c;
		}
		if (ok)
			/* The data oracle an event carried is a function; a
			 * decoded event carries none (see docs/state.md). */
			acc = hm_slog_cons(cpu, ev, args, NULL, ctxt, acc);
		g_free(sub);
		if (!ok)
			return false;
	}
	*out = acc;
	return true;
}

bool hm_json_decode_ulist(const json_t *j, const char *path, GString *err, hm_ulist **out)
{
	if (!json_is_array(j)) {
		g_string_append_printf(err, "%s: expected an array of NPT updates", path);
		return false;
	}
	hm_ulist *acc = NULL;
	for (size_t i = json_array_size(j); i-- > 0;) {
		const json_t *e = json_array_get(j, i);
		char *sub = g_strdup_printf("%s[%zu]", path, i);
		hm_upd kind = HM_UPDATE_PGD;
		hm_z addr = 0, val = 0;
		const json_t *u = json_is_object(e) ? json_object_get(e, "update") : NULL;
		bool ok = json_is_string(u) && hm_upd_from_name(json_string_value(u), &kind);
		if (!ok)
			g_string_append_printf(err, "%s.update: expected UPDATE_PGD, UPDATE_PUD, "
						    "UPDATE_PMD or UPDATE_PTE", sub);
		ok = ok && only_keys(e, upd_field_names, 3, sub, err);
		ok = ok && get_z(e, "addr", sub, err, &addr) && get_z(e, "val", sub, err, &val);
		if (ok)
			acc = hm_ulist_cons(kind, addr, val, acc);
		g_free(sub);
		if (!ok)
			return false;
	}
	*out = acc;
	return true;
}
