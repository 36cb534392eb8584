/* JSON text for people: objects and arrays break over lines only when
 * their one-line form would not fit, so that an NPT entry [pfn, level,
 * pte] or an s2page record stays on one line. */
#include <string.h>

#include "cli.h"
#include "json.h"

#define WIDTH 100

static char *compact(const json_t *j)
{
	char *s = json_dumps(j, JSON_PRESERVE_ORDER | JSON_ENCODE_ANY | JSON_COMPACT);
	/* JSON_COMPACT leaves no space after ':' and ','; one reads better. */
	GString *g = g_string_new(NULL);
	bool in_string = false;
	for (const char *p = s ? s : "null"; *p; p++) {
		g_string_append_c(g, *p);
		if (in_string && *p == '\\' && p[1])
			g_string_append_c(g, *++p); /* an escaped character, '"' included */
		else if (*p == '"')
			in_string = !in_string;
		else if (!in_string && (*p == ',' || *p == ':'))
			g_string_append_c(g, ' ');
	}
	hm_json_text_free(s);
	return g_string_free(g, FALSE);
}

/* An empty object or array reads like a scalar. */
static bool nested(const json_t *v)
{
	return (json_is_object(v) && json_object_size(v)) || (json_is_array(v) && json_array_size(v));
}

static bool all_scalars(const json_t *j)
{
	const char *key;
	json_t *v;
	if (json_is_object(j)) {
		json_object_foreach((json_t *)j, key, v)
		{
			if (nested(v))
				return false;
		}
		return true;
	}
	for (size_t i = 0; i < json_array_size(j); i++)
		if (nested(json_array_get(j, i)))
			return false;
	return true;
}

/* A long object or array of scalars, its members packed into lines of
 * WIDTH: the 100 registers of a context take a dozen lines, not 100. */
static void fill(GString *out, const json_t *j, int indent)
{
	bool obj = json_is_object(j);
	g_string_append_c(out, obj ? '{' : '[');
	size_t col = WIDTH, n = obj ? json_object_size(j) : json_array_size(j);
	void *it = obj ? json_object_iter((json_t *)j) : NULL;
	for (size_t i = 0; i < n; i++) {
		GString *item = g_string_new(NULL);
		const json_t *v;
		if (obj) {
			json_t *k = json_string(json_object_iter_key(it));
			char *kt = compact(k);
			json_decref(k);
			g_string_append_printf(item, "%s: ", kt);
			g_free(kt);
			v = json_object_iter_value(it);
			it = json_object_iter_next((json_t *)j, it);
		} else {
			v = json_array_get(j, i);
		}
		char *vt = compact(v);
		g_string_append(item, vt);
		g_free(vt);
		if (i + 1 < n)
			g_string_append_c(item, ',');
		if (col + 1 + item->len > WIDTH) {
			g_string_append_printf(out, "\n%*s", indent + 2, "");
			col = (size_t)indent + 2;
		} else {
			g_string_append_c(out, ' ');
			col++;
		}
		g_string_append(out, item->str);
		col += item->len;
		g_string_free(item, TRUE);
	}
	g_string_append_printf(out, "\n%*s%c", indent, "", obj ? '}' : ']');
}

static void pretty(GString *out, const json_t *j, int indent)
{
	char *one = compact(j);
	if ((!json_is_object(j) && !json_is_array(j)) || strlen(one) + (size_t)indent <= WIDTH ||
	    (json_is_object(j) ? json_object_size(j) : json_array_size(j)) == 0) {
		g_string_append(out, one);
		g_free(one);
		return;
	}
	g_free(one);
	bool obj = json_is_object(j);
	if (all_scalars(j)) {
		fill(out, j, indent);
		return;
	}
	g_string_append_c(out, obj ? '{' : '[');
	size_t n = 0;
	if (obj) {
		const char *key;
		json_t *v;
		json_object_foreach((json_t *)j, key, v)
		{
			json_t *k = json_string(key);
			char *kt = compact(k);
			json_decref(k);
			g_string_append_printf(out, "%s\n%*s%s: ", n++ ? "," : "", indent + 2, "", kt);
			g_free(kt);
			pretty(out, v, indent + 2);
		}
	} else {
		for (size_t i = 0; i < json_array_size(j); i++) {
			g_string_append_printf(out, "%s\n%*s", i ? "," : "", indent + 2, "");
			pretty(out, json_array_get(j, i), indent + 2);
		}
	}
	g_string_append_printf(out, "\n%*s%c", indent, "", obj ? '}' : ']');
}

char *cli_json_text(const json_t *j, bool indent)
{
	if (!indent) {
		char *s = json_dumps(j, JSON_PRESERVE_ORDER | JSON_ENCODE_ANY | JSON_COMPACT);
		char *r = g_strdup(s ? s : "null");
		hm_json_text_free(s);
		return r;
	}
	GString *out = g_string_new(NULL);
	pretty(out, j, 0);
	return g_string_free(out, FALSE);
}
