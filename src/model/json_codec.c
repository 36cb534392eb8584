/* Encoding the state to JSON and laying JSON over a state.
 *
 * The encoding is generic over the vtype tables of types.c: records are
 * objects with their Coq field names, maps are objects keyed by integer
 * text holding only the entries that differ from the default (plus a
 * "default" key when the map's default differs from the empty state's),
 * tuples are arrays, logs are arrays of events newest first.
 * docs/state.md gives the encoding of every inductive value.
 */
#include <string.h>

#include "json.h"
#include "log_json.h"

/* ---- encoding ---- */

static const char *const lock_names[] = {"LockFalse", "LockOwn false", "LockOwn true"};
static const char *const barrier_names[] = {"BarrierValid", "BarrierNeeded", "Barriered"};

typedef struct map_enc_ctx {
	json_t *obj;
	const hm_vtype *et;
	const void *etmpl; /* template of each element: the default of the template map */
} map_enc_ctx;

static bool encode_entry(hm_z key, const void *val, void *p)
{
	map_enc_ctx *c = p;
	char buf[48];
	json_object_set_new(c->obj, hm_key_text(key, buf), hm_json_encode(c->et, val, c->etmpl));
	return true;
}

static json_t *encode_fields(const hm_field *f, unsigned n, const void *base, const void *tmpl)
{
	json_t *o = json_object();
	for (unsigned i = 0; i < n; i++)
		json_object_set_new(o, f[i].name,
				    hm_json_encode(f[i].type, (const char *)base + f[i].offset,
						   tmpl ? (const char *)tmpl + f[i].offset : NULL));
	return o;
}

json_t *hm_json_encode(const hm_vtype *t, const void *val, const void *tmpl)
{
	switch (t->kind) {
	case HM_K_Z:
		return hm_json_from_z(*(const hm_z *)val);
	case HM_K_BOOL:
		return json_boolean(*(const bool *)val);
	case HM_K_TUPLE: {
		json_t *a = json_array();
		for (unsigned i = 0; i < t->arity; i++)
			json_array_append_new(a, hm_json_from_z(((const hm_z *)val)[i]));
		return a;
	}
	case HM_K_LOCK:
		return json_string(lock_names[*(const int *)val]);
	case HM_K_BARRIER:
		return json_string(barrier_names[*(const int *)val]);
	case HM_K_STRUCT:
		return encode_fields(t->fields, t->nfields, val, tmpl);
	case HM_K_REC: {
		const void *rec = *(void *const *)val;
		const void *trec = tmpl ? *(void *const *)tmpl : NULL;
		if (!rec)
			return json_null();
		return encode_fields(t->fields, t->nfields, rec, trec);
	}
	case HM_K_MAP: {
		const hm_map *m = *(const hm_map *const *)val;
		const hm_map *tm = tmpl ? *(const hm_map *const *)tmpl : NULL;
		map_enc_ctx c = {json_object(), t->elem, tm ? hm_map_default(tm) : NULL};
		if (!tm || !hm_val_equal(t->elem, hm_map_default(m), hm_map_default(tm)))
			json_object_set_new(c.obj, "default",
					    hm_json_encode(t->elem, hm_map_default(m), c.etmpl));
		/* Elements are encoded against the map's own default, so
		 * nested maps only show what differs inside them. */
		c.etmpl = hm_map_default(m);
		hm_map_foreach(m, encode_entry, &c);
		return c.obj;
	}
	case HM_K_MLOG:
		return hm_json_encode_mlog(*(const hm_mlog *const *)val);
	case HM_K_SLOG:
		return hm_json_encode_slog(*(const hm_slog *const *)val);
	case HM_K_ULIST:
		return hm_json_encode_ulist(*(const hm_ulist *const *)val);
	case HM_K_ORACLE: {
		const hm_oracle *o = *(const hm_oracle *const *)val;
		return o ? json_string(o->desc) : json_null();
	}
	}
	return json_null();
}

json_t *hm_json_encode_state(const hm_rdata *st)
{
	hm_pool *pool = hm_pool_push();
	const hm_rdata *empty = hm_rdata_empty();
	json_t *j = hm_json_encode(&hm_t_rdata, &st, &empty);
	hm_pool_pop(pool);
	return j;
}

/* ---- overlay ---- */

static void type_error(GString *err, const char *path, const char *what)
{
	g_string_append_printf(err, "%s: %s", *path ? path : "(state)", what);
}

static char *child_path(const char *path, const char *field)
{
	return *path ? g_strdup_printf("%s.%s", path, field) : g_strdup(field);
}

static bool overlay_fields(const hm_vtype *t, void *base, const json_t *j, const char *path,
			   GString *err)
{
	if (!json_is_object(j)) {
		type_error(err, path, "expected an object");
		return false;
	}
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)j, key, v)
	{
		unsigned i;
		for (i = 0; i < t->nfields; i++)
			if (strcmp(t->fields[i].name, key) == 0)
				break;
		char *sub = child_path(path, key);
		if (i == t->nfields) {
			g_string_append_printf(err, "%s: unknown field of %s", sub, t->name);
			g_free(sub);
			return false;
		}
		bool ok = hm_json_overlay(t->fields[i].type, (char *)base + t->fields[i].offset, v,
					  sub, err);
		g_free(sub);
		if (!ok)
			return false;
	}
	return true;
}

/* Overlays onto a map element: works on a private copy of the value. */
static bool overlay_elem(const hm_vtype *et, const void *cur, const json_t *j, const char *path,
			 GString *err, unsigned char *buf)
{
	memcpy(buf, cur, et->size);
	hm_val_retain(et, buf);
	if (!hm_json_overlay(et, buf, j, path, err)) {
		hm_val_release(et, buf);
		return false;
	}
	return true;
}

static bool overlay_map(const hm_vtype *t, void *slot, const json_t *j, const char *path,
			GString *err)
{
	if (!json_is_object(j)) {
		type_error(err, path, "expected an object (a map keyed by integers)");
		return false;
	}
	const hm_vtype *et = t->elem;
	hm_map *m = *(hm_map **)slot;
	_Alignas(16) unsigned char buf[512];
	if (et->size > sizeof buf) {
		type_error(err, path, "element too large");
		return false;
	}
	json_t *dv = json_object_get(j, "default");
	if (dv) {
		char *sub = child_path(path, "default");
		bool ok = overlay_elem(et, hm_map_default(m), dv, sub, err, buf);
		g_free(sub);
		if (!ok)
			return false;
		m = hm_map_with_default(m, buf);
		hm_val_release(et, buf);
	}
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)j, key, v)
	{
		if (strcmp(key, "default") == 0)
			continue;
		hm_z k;
		char *sub = g_strdup_printf("%s[%s]", path, key);
		if (hm_parse_z(key, &k) != HM_OK) {
			g_string_append_printf(err, "%s: key is not an integer nor a constant name", sub);
			g_free(sub);
			return false;
		}
		bool ok = overlay_elem(et, hm_map_get(m, k), v, sub, err, buf);
		g_free(sub);
		if (!ok)
			return false;
		m = hm_map_set(m, k, buf);
		hm_val_release(et, buf);
	}
	hm_set_ptr(slot, m);
	return true;
}

static bool overlay_name(const char *const *names, unsigned n, int *slot, const json_t *j,
			 const char *path, GString *err, const char *what)
{
	if (json_is_string(j))
		for (unsigned i = 0; i < n; i++)
			if (strcmp(json_string_value(j), names[i]) == 0) {
				*slot = (int)i;
				return true;
			}
	g_string_append_printf(err, "%s: expected %s", *path ? path : "(state)", what);
	return false;
}

bool hm_json_overlay(const hm_vtype *t, void *val, const json_t *j, const char *path, GString *err)
{
	const char *why = NULL;
	switch (t->kind) {
	case HM_K_Z:
		if (!hm_json_to_z(j, (hm_z *)val, &why)) {
			type_error(err, path, why);
			return false;
		}
		return true;
	case HM_K_BOOL:
		if (!json_is_boolean(j)) {
			type_error(err, path, "expected true or false");
			return false;
		}
		*(bool *)val = json_is_true(j);
		return true;
	case HM_K_TUPLE:
		if (!json_is_array(j) || json_array_size(j) != t->arity) {
			char *what = g_strdup_printf("expected an array of %u integers", t->arity);
			type_error(err, path, what);
			g_free(what);
			return false;
		}
		for (unsigned i = 0; i < t->arity; i++)
			if (!hm_json_to_z(json_array_get(j, i), (hm_z *)val + i, &why)) {
				char *sub = g_strdup_printf("%s[%u]", path, i);
				type_error(err, sub, why);
				g_free(sub);
				return false;
			}
		return true;
	case HM_K_LOCK:
		return overlay_name(lock_names, 3, val, j, path, err,
				    "\"LockFalse\", \"LockOwn true\" or \"LockOwn false\"");
	case HM_K_BARRIER:
		return overlay_name(barrier_names, 3, val, j, path, err,
				    "\"BarrierValid\", \"BarrierNeeded\" or \"Barriered\"");
	case HM_K_STRUCT:
		return overlay_fields(t, val, j, path, err);
	case HM_K_REC: {
		const void *cur = *(void *const *)val;
		if (!cur) {
			type_error(err, path, "no record to lay fields over");
			return false;
		}
		void *copy = hm_rec_edit(cur);
		if (!overlay_fields(t, copy, j, path, err))
			return false;
		hm_set_ptr(val, copy);
		return true;
	}
	case HM_K_MAP:
		return overlay_map(t, val, j, path, err);
	case HM_K_MLOG: {
		hm_mlog *l;
		if (!hm_json_decode_mlog(j, path, err, &l))
			return false;
		hm_set_ptr(val, l);
		return true;
	}
	case HM_K_SLOG: {
		hm_slog *l;
		if (!hm_json_decode_slog(j, path, err, &l))
			return false;
		hm_set_ptr(val, l);
		return true;
	}
	case HM_K_ULIST: {
		hm_ulist *l;
		if (!hm_json_decode_ulist(j, path, err, &l))
			return false;
		hm_set_ptr(val, l);
		return true;
	}
	case HM_K_ORACLE:
		/* Oracles are functions of the run, not data: the name is
		 * informative and the view keeps its own oracle. */
		if (!json_is_string(j) && !json_is_null(j)) {
			type_error(err, path, "expected an oracle name (ignored)");
			return false;
		}
		return true;
	}
	type_error(err, path, "unsupported value");
	return false;
}

hm_rdata *hm_json_overlay_state(const hm_rdata *st, const json_t *j, GString *err)
{
	const hm_rdata *cur = hm_retain(st);
	if (!hm_json_overlay(&hm_t_rdata, &cur, j, "", err)) {
		hm_release(cur);
		return NULL;
	}
	return hm_autorelease(cur);
}

hm_rdata *hm_json_decode_state(const json_t *j, const hm_rdata *like, GString *err)
{
	hm_rdata *base = hm_rdata_empty();
	if (like) {
		SETP(base, oracle, like->oracle);
		SETP(base, soracle, like->soracle);
		SETP(base, doracle, like->doracle);
		SETP(base, core_doracle, like->core_doracle);
	}
	return hm_json_overlay_state(base, j, err);
}
