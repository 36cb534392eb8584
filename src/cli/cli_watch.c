/* replay --watch; see cli_watch.h. */
#include "cli_watch.h"

#include <string.h>

#include "json.h"

bool cli_watch_parse(const char *spec, cli_watch *w, GString *err)
{
	const char *eq = strchr(spec, '=');
	if (eq && (size_t)(eq - spec) == 3 && strncmp(spec, "pfn", 3) == 0)
		w->pfn = true;
	else if (eq && (size_t)(eq - spec) == 4 && strncmp(spec, "vmid", 4) == 0)
		w->pfn = false;
	else {
		g_string_append_printf(err, "--watch %s: expected pfn=N or vmid=N", spec);
		return false;
	}
	if (hm_parse_z(eq + 1, &w->key) != HM_OK) {
		g_string_append_printf(err, "--watch %s: \"%s\" is not an integer nor a constant name",
				       spec, eq + 1);
		return false;
	}
	return true;
}

typedef struct watch_ctx {
	hm_z pfn;
	hm_z outer; /* the vmid (NPT) or the ttbr (SPT) being walked */
	const char *what;
	GString *out;
} watch_ctx;

static void value_line(GString *out, const char *path, const hm_vtype *t, const void *v)
{
	char *text = hm_value_text(t, v);
	g_string_append_printf(out, "%s = %s\n", path, text);
	g_free(text);
}

/* ---- entries of the NPTs and the SPT that map the page ---- */

static void npt_entry(hm_z gfn, const void *va, const void *vb, void *p)
{
	watch_ctx *c = p;
	const hm_z3 *a = va, *b = vb;
	if (a->a != c->pfn && b->a != c->pfn)
		return;
	char kv[48], kg[48];
	char *path = g_strdup_printf("shared.npts[%s].pt[%s]", hm_key_text(c->outer, kv),
				     hm_key_text(gfn, kg));
	hm_diff(&hm_t_z3, a, b, path, c->out);
	g_free(path);
}

static void npt_changed(hm_z vmid, const void *va, const void *vb, void *p)
{
	watch_ctx *c = p;
	const hm_npt *a = *(const hm_npt *const *)va, *b = *(const hm_npt *const *)vb;
	if (a->pt == b->pt)
		return;
	c->outer = vmid;
	hm_map_diff(a->pt, b->pt, npt_entry, c);
}

static void spt_entry(hm_z gfn, const void *va, const void *vb, void *p)
{
	watch_ctx *c = p;
	const hm_z2 *a = va, *b = vb;
	if (a->a != c->pfn && b->a != c->pfn)
		return;
	char kt[48], kg[48];
	char *path = g_strdup_printf("shared.spts.spt_pt[%s][%s]", hm_key_text(c->outer, kt),
				     hm_key_text(gfn, kg));
	hm_diff(&hm_t_z2, a, b, path, c->out);
	g_free(path);
}

static void spt_changed(hm_z ttbr, const void *va, const void *vb, void *p)
{
	watch_ctx *c = p;
	c->outer = ttbr;
	hm_map_diff(*(const hm_map *const *)va, *(const hm_map *const *)vb, spt_entry, c);
}

/* The entries that map the page in st (for the initial report): a walk
 * of every NPT against the empty one. */
static void mapping_entries(const watch_ctx *c0, const hm_shared *sh, GString *out)
{
	hm_pool *pool = hm_pool_push();
	watch_ctx c = *c0;
	c.out = out;
	const hm_shared *empty = hm_shared_empty();
	hm_map_diff(empty->npts, sh->npts, npt_changed, &c);
	hm_map_diff(empty->spts->spt_pt, sh->spts->spt_pt, spt_changed, &c);
	hm_pool_pop(pool);
}

static char *key_path(const char *fmt, hm_z key)
{
	char buf[48];
	return g_strdup_printf(fmt, hm_key_text(key, buf));
}

void cli_watch_initial(const cli_watch *w, const hm_rdata *st, GString *out)
{
	const hm_shared *sh = st->shared;
	if (!w->pfn) {
		const hm_vminfo *info = vminfo_at(sh->vminfos, w->key);
		char *p = key_path("shared.vminfos[%s]", w->key);
		value_line(out, p, &hm_t_vminfo, &info);
		g_free(p);
		return;
	}
	char *p = key_path("shared.s2page[%s]", w->key);
	value_line(out, p, &hm_t_s2page, s2page_at(sh->s2page, w->key));
	g_free(p);
	p = key_path("shared.flatmem[%s]", w->key);
	value_line(out, p, &hm_t_z, hm_map_get(sh->flatmem, w->key));
	g_free(p);
	/* Existing mappings show as "path: [0, 0, 0] -> entry". */
	watch_ctx c = {.pfn = w->key};
	mapping_entries(&c, sh, out);
}

void cli_watch_changes(const cli_watch *w, const hm_rdata *before, const hm_rdata *after,
		       GString *out)
{
	const hm_shared *a = before->shared, *b = after->shared;
	if (a == b)
		return;
	if (!w->pfn) {
		if (a->vminfos == b->vminfos)
			return;
		const hm_vminfo *ia = vminfo_at(a->vminfos, w->key), *ib = vminfo_at(b->vminfos, w->key);
		char *p = key_path("shared.vminfos[%s]", w->key);
		hm_diff(&hm_t_vminfo, &ia, &ib, p, out);
		g_free(p);
		return;
	}
	if (a->s2page != b->s2page) {
		char *p = key_path("shared.s2page[%s]", w->key);
		hm_diff(&hm_t_s2page, s2page_at(a->s2page, w->key), s2page_at(b->s2page, w->key), p, out);
		g_free(p);
	}
	if (a->flatmem != b->flatmem) {
		char *p = key_path("shared.flatmem[%s]", w->key);
		hm_diff(&hm_t_z, hm_map_get(a->flatmem, w->key), hm_map_get(b->flatmem, w->key), p, out);
		g_free(p);
	}
	watch_ctx c = {.pfn = w->key, .out = out};
	if (a->npts != b->npts)
		hm_map_diff(a->npts, b->npts, npt_changed, &c);
	if (a->spts != b->spts && a->spts->spt_pt != b->spts->spt_pt)
		hm_map_diff(a->spts->spt_pt, b->spts->spt_pt, spt_changed, &c);
}
