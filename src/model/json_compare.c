/* Partial matching and path-level diffs of states.
 *
 * Both walk the vtype tables. A diff of two versions of one state costs
 * what changed between them: records and maps shared by the two are
 * skipped by pointer, maps are walked in parallel (hm_map_diff).
 */
#include <string.h>

#include "json.h"
#include "log_json.h"

char *hm_value_text(const hm_vtype *t, const void *val)
{
	if (t->kind == HM_K_Z) {
		char buf[48];
		hm_z v = *(const hm_z *)val;
		/* Large values read better in hex, as addresses and PTEs are. */
		return g_strdup(v >= -65535 && v <= 65535 ? hm_format_z(v, buf) : hm_key_text(v, buf));
	}
	hm_pool *pool = hm_pool_push();
	json_t *j = hm_json_encode(t, val, NULL);
	hm_pool_pop(pool);
	char *s = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
	json_decref(j);
	if (!s)
		return g_strdup("?");
	if (strlen(s) > 240) {
		char *cut = g_strdup_printf("%.237s...", s);
		hm_json_text_free(s);
		return cut;
	}
	char *r = g_strdup(s);
	hm_json_text_free(s);
	return r;
}

static char *child_path(const char *path, const char *field)
{
	return *path ? g_strdup_printf("%s.%s", path, field) : g_strdup(field);
}

static char *key_path(const char *path, hm_z key)
{
	char buf[48];
	return g_strdup_printf("%s[%s]", path, hm_key_text(key, buf));
}

static void report_line(GString *out, const char *path, const hm_vtype *t, const void *a,
			const void *b, const char *sep_a, const char *sep_b)
{
	char *ta = hm_value_text(t, a), *tb = hm_value_text(t, b);
	g_string_append_printf(out, "%s: %s%s%s%s\n", *path ? path : "(state)", sep_a, ta, sep_b, tb);
	g_free(ta);
	g_free(tb);
}

/* ---- matching ---- */

static bool match_fields(const hm_vtype *t, const void *base, const json_t *j, const char *path,
			 GString *report, GString *err)
{
	if (!json_is_object(j)) {
		g_string_append_printf(err, "%s: expected an object", *path ? path : "(state)");
		return false;
	}
	bool all = true;
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
		if (!hm_json_match(t->fields[i].type, (const char *)base + t->fields[i].offset, v, sub,
				   report, err))
			all = false;
		g_free(sub);
		if (err->len)
			return false;
	}
	return all;
}

static bool match_map(const hm_vtype *t, const hm_map *m, const json_t *j, const char *path,
		      GString *report, GString *err)
{
	if (!json_is_object(j)) {
		g_string_append_printf(err, "%s: expected an object (a map keyed by integers)", path);
		return false;
	}
	bool all = true;
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)j, key, v)
	{
		char *sub;
		const void *elem;
		if (strcmp(key, "default") == 0) {
			sub = child_path(path, "default");
			elem = hm_map_default(m);
		} else {
			hm_z k;
			if (hm_parse_z(key, &k) != HM_OK) {
				g_string_append_printf(err, "%s[%s]: key is not an integer nor a constant name",
						       path, key);
				return false;
			}
			sub = key_path(path, k);
			elem = hm_map_get(m, k);
		}
		if (!hm_json_match(t->elem, elem, v, sub, report, err))
			all = false;
		g_free(sub);
		if (err->len)
			return false;
	}
	return all;
}

bool hm_json_match(const hm_vtype *t, const void *val, const json_t *j, const char *path,
		   GString *report, GString *err)
{
	switch (t->kind) {
	case HM_K_STRUCT:
		return match_fields(t, val, j, path, report, err);
	case HM_K_REC:
		return match_fields(t, *(void *const *)val, j, path, report, err);
	case HM_K_MAP:
		return match_map(t, *(const hm_map *const *)val, j, path, report, err);
	case HM_K_ORACLE:
		return true;
	default:
		break;
	}
	/* Leaves and lists: decode the expectation into a value of the same
	 * type (starting from the model's, so partial decoding cannot apply)
	 * and compare whole. */
	_Alignas(16) unsigned char buf[64];
	memcpy(buf, val, t->size);
	hm_val_retain(t, buf);
	hm_pool *pool = hm_pool_push();
	bool ok = hm_json_overlay(t, buf, j, path, err);
	bool same = ok && hm_val_equal(t, buf, val);
	if (ok && !same)
		report_line(report, path, t, buf, val, "expected ", ", model ");
	hm_val_release(t, buf);
	hm_pool_pop(pool);
	return same;
}

bool hm_json_match_state(const hm_rdata *st, const json_t *j, GString *report, GString *err)
{
	return hm_json_match(&hm_t_rdata, &st, j, "", report, err);
}

/* ---- diff ---- */

typedef struct map_diff_ctx {
	const hm_vtype *et;
	const char *path;
	GString *out;
} map_diff_ctx;

static void diff_entry(hm_z key, const void *va, const void *vb, void *p)
{
	map_diff_ctx *c = p;
	char *sub = key_path(c->path, key);
	hm_diff(c->et, va, vb, sub, c->out);
	g_free(sub);
}

/* Lists share their oldest cells: report how many newer events each side
 * has beyond the common tail, and the newest of them. */
static void diff_list(const hm_vtype *t, const void *a, const void *b, const char *path,
		      GString *out)
{
	if (hm_val_equal(t, a, b))
		return;
	json_t *ja = hm_json_encode(t, a, NULL), *jb = hm_json_encode(t, b, NULL);
	size_t na = json_array_size(ja), nb = json_array_size(jb);
	size_t common = 0;
	while (common < na && common < nb &&
	       json_equal(json_array_get(ja, na - 1 - common), json_array_get(jb, nb - 1 - common)))
		common++;
	g_string_append_printf(out, "%s: %zu events -> %zu events (%zu in common, oldest first)\n",
			       path, na, nb, common);
	for (size_t i = 0; i < na - common && i < 8; i++) {
		char *s = json_dumps(json_array_get(ja, i), JSON_COMPACT);
		g_string_append_printf(out, "%s[%zu]: - %.200s\n", path, i, s ? s : "?");
		hm_json_text_free(s);
	}
	for (size_t i = 0; i < nb - common && i < 8; i++) {
		char *s = json_dumps(json_array_get(jb, i), JSON_COMPACT);
		g_string_append_printf(out, "%s[%zu]: + %.200s\n", path, i, s ? s : "?");
		hm_json_text_free(s);
	}
	json_decref(ja);
	json_decref(jb);
}

static void diff_fields(const hm_vtype *t, const void *a, const void *b, const char *path,
			GString *out)
{
	for (unsigned i = 0; i < t->nfields; i++) {
		char *sub = child_path(path, t->fields[i].name);
		hm_diff(t->fields[i].type, (const char *)a + t->fields[i].offset,
			(const char *)b + t->fields[i].offset, sub, out);
		g_free(sub);
	}
}

void hm_diff(const hm_vtype *t, const void *a, const void *b, const char *path, GString *out)
{
	switch (t->kind) {
	case HM_K_STRUCT:
		diff_fields(t, a, b, path, out);
		return;
	case HM_K_REC: {
		const void *ra = *(void *const *)a, *rb = *(void *const *)b;
		if (ra == rb)
			return;
		if (!ra || !rb) {
			g_string_append_printf(out, "%s: %s -> %s\n", path, ra ? "record" : "null",
					       rb ? "record" : "null");
			return;
		}
		diff_fields(t, ra, rb, path, out);
		return;
	}
	case HM_K_MAP: {
		const hm_map *ma = *(const hm_map *const *)a, *mb = *(const hm_map *const *)b;
		if (ma == mb)
			return;
		if (!hm_val_equal(t->elem, hm_map_default(ma), hm_map_default(mb))) {
			char *sub = child_path(path, "default");
			hm_diff(t->elem, hm_map_default(ma), hm_map_default(mb), sub, out);
			g_free(sub);
		}
		map_diff_ctx c = {t->elem, path, out};
		hm_map_diff(ma, mb, diff_entry, &c);
		return;
	}
	case HM_K_MLOG:
	case HM_K_SLOG:
	case HM_K_ULIST: {
		hm_pool *pool = hm_pool_push();
		diff_list(t, a, b, path, out);
		hm_pool_pop(pool);
		return;
	}
	case HM_K_ORACLE:
		return;
	default:
		if (!hm_val_equal(t, a, b))
			report_line(out, path, t, a, b, "", " -> ");
		return;
	}
}

void hm_diff_state(const hm_rdata *a, const hm_rdata *b, GString *out)
{
	hm_diff(&hm_t_rdata, &a, &b, "", out);
}
