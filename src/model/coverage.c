#include "coverage.h"

#include <string.h>

#include "spec.h"

/* One distinct branch point: (fn, label) with the hits of every site
 * that carries it. */
typedef struct cov_point {
	const char *fn, *label;
	uint64_t hits;
} cov_point;

static int point_cmp(const void *a, const void *b)
{
	const cov_point *x = a, *y = b;
	int c = strcmp(x->fn, y->fn);
	return c ? c : strcmp(x->label, y->label);
}

hm_cov_report *hm_cov_report_new(void)
{
	GArray *pts = g_array_new(FALSE, FALSE, sizeof(cov_point));
	for (const hm_cov_site *s = hm_cov_begin(); s && s < hm_cov_end(); s++) {
		cov_point p = {s->fn ? s->fn : "?", s->label ? s->label : "?", s->hits};
		g_array_append_val(pts, p);
	}
	g_array_sort(pts, point_cmp);

	hm_cov_report *r = g_new0(hm_cov_report, 1);
	r->fns = g_array_new(FALSE, TRUE, sizeof(hm_cov_fn));
	for (guint i = 0; i < pts->len;) {
		/* merge the sites of one (fn, label) */
		cov_point p = g_array_index(pts, cov_point, i);
		guint j = i + 1;
		while (j < pts->len && point_cmp(&p, &g_array_index(pts, cov_point, j)) == 0)
			p.hits += g_array_index(pts, cov_point, j++).hits;
		i = j;
		hm_cov_fn *f = r->fns->len ? &g_array_index(r->fns, hm_cov_fn, r->fns->len - 1) : NULL;
		if (!f || strcmp(f->fn, p.fn) != 0) {
			hm_cov_fn nf = {.fn = p.fn, .untaken = g_ptr_array_new()};
			g_array_append_val(r->fns, nf);
			f = &g_array_index(r->fns, hm_cov_fn, r->fns->len - 1);
		}
		f->total++;
		f->hits += p.hits;
		if (p.hits)
			f->taken++;
		else
			g_ptr_array_add(f->untaken, (gpointer)p.label);
	}
	for (guint i = 0; i < r->fns->len; i++) {
		r->taken += g_array_index(r->fns, hm_cov_fn, i).taken;
		r->total += g_array_index(r->fns, hm_cov_fn, i).total;
	}
	g_array_free(pts, TRUE);
	return r;
}

void hm_cov_report_free(hm_cov_report *r)
{
	if (!r)
		return;
	for (guint i = 0; i < r->fns->len; i++)
		g_ptr_array_free(g_array_index(r->fns, hm_cov_fn, i).untaken, TRUE);
	g_array_free(r->fns, TRUE);
	g_free(r);
}

const hm_cov_fn *hm_cov_report_find(const hm_cov_report *r, const char *fn)
{
	for (guint i = 0; i < r->fns->len; i++)
		if (strcmp(g_array_index(r->fns, hm_cov_fn, i).fn, fn) == 0)
			return &g_array_index(r->fns, hm_cov_fn, i);
	return NULL;
}

static double pct(size_t a, size_t b) { return b ? 100.0 * (double)a / (double)b : 100.0; }

void hm_cov_report_text(const hm_cov_report *r, bool untaken, GString *out)
{
	int w = 8;
	for (guint i = 0; i < r->fns->len; i++) {
		int l = (int)strlen(g_array_index(r->fns, hm_cov_fn, i).fn);
		w = l > w ? l : w;
	}
	g_string_append_printf(out, "%-*s %9s %7s\n", w, "function", "branches", "taken");
	for (guint i = 0; i < r->fns->len; i++) {
		const hm_cov_fn *f = &g_array_index(r->fns, hm_cov_fn, i);
		char frac[32];
		g_snprintf(frac, sizeof frac, "%zu/%zu", f->taken, f->total);
		g_string_append_printf(out, "%-*s %9s %6.1f%%\n", w, f->fn, frac, pct(f->taken, f->total));
		if (untaken)
			for (guint k = 0; k < f->untaken->len; k++)
				g_string_append_printf(out, "    never: %s\n",
						       (const char *)g_ptr_array_index(f->untaken, k));
	}
	char frac[32];
	g_snprintf(frac, sizeof frac, "%zu/%zu", r->taken, r->total);
	g_string_append_printf(out, "%-*s %9s %6.1f%%\n", w, "total", frac, pct(r->taken, r->total));
}

json_t *hm_cov_report_json(const hm_cov_report *r)
{
	json_t *fns = json_array();
	for (guint i = 0; i < r->fns->len; i++) {
		const hm_cov_fn *f = &g_array_index(r->fns, hm_cov_fn, i);
		json_t *u = json_array();
		for (guint k = 0; k < f->untaken->len; k++)
			json_array_append_new(u, json_string(g_ptr_array_index(f->untaken, k)));
		json_array_append_new(fns, json_pack("{s:s, s:I, s:I, s:I, s:o}", "fn", f->fn, "taken",
						     (json_int_t)f->taken, "total", (json_int_t)f->total,
						     "hits", (json_int_t)f->hits, "untaken", u));
	}
	return json_pack("{s:I, s:I, s:o}", "taken", (json_int_t)r->taken, "total",
			 (json_int_t)r->total, "functions", fns);
}
