/* Focused partial states; see cli_focus.h. Walks the vtype tables: a
 * field name selects a field of a record, [KEY] an entry of a map. */
#include "cli_focus.h"

#include <string.h>

#include "json.h"

typedef struct cursor {
	const hm_vtype *t;
	const void *v; /* the value, stored as type t stores it */
} cursor;

static bool step_field(cursor *c, const char *name, GString *err, const char *path)
{
	if (c->t->kind != HM_K_REC && c->t->kind != HM_K_STRUCT) {
		g_string_append_printf(err, "%s: %s is not a record: no field \"%s\"", path, c->t->name,
				       name);
		return false;
	}
	const char *base = c->t->kind == HM_K_REC ? *(const char *const *)c->v : c->v;
	for (unsigned i = 0; i < c->t->nfields; i++)
		if (strcmp(c->t->fields[i].name, name) == 0) {
			c->v = base + c->t->fields[i].offset;
			c->t = c->t->fields[i].type;
			return true;
		}
	g_string_append_printf(err, "%s: no field \"%s\" in %s", path, name, c->t->name);
	return false;
}

static bool step_key(cursor *c, const char *key, GString *err, const char *path)
{
	hm_z k;
	if (c->t->kind != HM_K_MAP) {
		g_string_append_printf(err, "%s: %s is not a map: no key [%s]", path, c->t->name, key);
		return false;
	}
	if (hm_parse_z(key, &k) != HM_OK) {
		g_string_append_printf(err, "%s: [%s] is not an integer nor a constant name", path, key);
		return false;
	}
	c->v = hm_map_get(*(const hm_map *const *)c->v, k);
	c->t = c->t->elem;
	return true;
}

/* Splits a path into segments: names and [keys] (keys keep no brackets;
 * kinds[i] says which). */
static bool split_path(const char *path, GPtrArray *segs, GArray *is_key, GString *err)
{
	const char *p = path;
	while (*p) {
		gboolean key = *p == '[';
		const char *end;
		if (key) {
			end = strchr(p, ']');
			if (!end) {
				g_string_append_printf(err, "%s: unclosed [", path);
				return false;
			}
			g_ptr_array_add(segs, g_strndup(p + 1, (gsize)(end - p - 1)));
			p = end + 1;
		} else {
			end = p + strcspn(p, ".[");
			if (end == p) {
				g_string_append_printf(err, "%s: empty field name", path);
				return false;
			}
			g_ptr_array_add(segs, g_strndup(p, (gsize)(end - p)));
			p = end;
		}
		g_array_append_val(is_key, key);
		if (*p == '.')
			p++;
	}
	return segs->len > 0;
}

bool cli_focus_add(json_t *partial, const hm_rdata *st, const char *path, GString *err)
{
	GPtrArray *segs = g_ptr_array_new_with_free_func(g_free);
	GArray *is_key = g_array_new(FALSE, FALSE, sizeof(gboolean));
	bool ok = split_path(path, segs, is_key, err);
	cursor c = {&hm_t_rdata, &st};
	json_t *node = partial;
	for (guint i = 0; ok && i < segs->len; i++) {
		const char *seg = g_ptr_array_index(segs, i);
		ok = g_array_index(is_key, gboolean, i) ? step_key(&c, seg, err, path)
							: step_field(&c, seg, err, path);
		if (!ok)
			break;
		if (i + 1 == segs->len) {
			hm_pool *pool = hm_pool_push();
			json_object_set_new(node, seg, hm_json_encode(c.t, c.v, NULL));
			hm_pool_pop(pool);
		} else {
			json_t *child = json_object_get(node, seg);
			if (!json_is_object(child)) {
				child = json_object();
				json_object_set_new(node, seg, child);
			}
			node = child;
		}
	}
	g_ptr_array_free(segs, TRUE);
	g_array_free(is_key, TRUE);
	return ok;
}
