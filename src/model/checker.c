/* The linked checker (include/hypsec_check.h, docs/linked-checking.md):
 * an implementation reports its operations and what it observes, the
 * model steps with it, and every observation is compared with the model's
 * state under the relation the documentation fixes. */
#include "hypsec_check.h"

#include <stdarg.h>
#include <string.h>

#include <glib.h>
#include <jansson.h>

#include "json.h"
#include "model.h"
#include "rdata_cal.h"

/* The up-to-date view of a CPU, kept while neither the view nor the
 * global logs it was computed from change (both retained, so that
 * pointer equality means the same state). */
typedef struct view_cache {
	const hm_rdata *view;
	const hm_map *glog;
	const hm_rdata *current;
} view_cache;

struct hm_checker {
	hm_model *m;
	view_cache cache[TOTAL_CPU];
	hm_level level;
	size_t report_limit;
	hm_divergence_fn cb;
	void *cb_ctx;
	size_t ops, divergences;
	/* the last operation: its definition (static names), CPU, arguments
	 * in Coq order, and the model's result */
	const hm_op_def *last_def;
	int last_cpu;
	hm_arg last_args[HM_OP_MAX_ARGS];
	hm_result last_result;
	char *first;
	GString *error;
};

const char *hm_divergence_kind_name(hm_divergence_kind k)
{
	static const char *const names[] = {"result", "ret",  "page", "s2",
					    "smmu",   "halt", "reg",  "state"};
	return (unsigned)k < G_N_ELEMENTS(names) ? names[k] : "?";
}

/* ---- creation ---- */

static hm_checker *fail_new(hm_config *cfg, char **err, const char *fmt, ...)
{
	if (err) {
		va_list ap;
		va_start(ap, fmt);
		*err = g_strdup_vprintf(fmt, ap);
		va_end(ap);
	}
	hm_config_free(cfg);
	return NULL;
}

hm_checker *hm_checker_new(const hm_checker_config *in, char **err)
{
	static const hm_checker_config defaults = {0};
	if (!in)
		in = &defaults;
	hm_config *cfg = hm_config_new();
	int cpus = in->cpus ? in->cpus : 1;
	if (hm_config_set_cpus(cfg, cpus) != HM_OK)
		return fail_new(cfg, err, "cpus: %d is not in 1..%d", cpus, (int)TOTAL_CPU);
	if (in->nmemory) {
		if (!in->memory)
			return fail_new(cfg, err, "memory: NULL with nmemory %zu", in->nmemory);
		hm_config_clear_memory(cfg);
		for (size_t i = 0; i < in->nmemory; i++) {
			const hm_checker_region *r = &in->memory[i];
			if (hm_config_add_memory(cfg, r->base, r->size) != HM_OK)
				return fail_new(cfg, err,
						"memory[%zu]: base and size must be page-"
						"aligned, size > 0, end <= KVM_PHYS_SIZE, "
						"at most %d regions",
						i, (int)MAX_MEMBLOCK_NUM);
		}
	}
	if (in->nsmmu && !in->smmu)
		return fail_new(cfg, err, "smmu: NULL with nsmmu %zu", in->nsmmu);
	for (size_t i = 0; i < in->nsmmu; i++)
		if (hm_config_add_smmu(cfg, in->smmu[i].phys_base, in->smmu[i].size,
				       in->smmu[i].context_banks) != HM_OK)
			return fail_new(cfg, err,
					"smmu[%zu]: at most %d devices, of 0..%d context banks, no "
					"negative base or size",
					i, (int)SMMU_NUM, (int)SMMU_NUM_CTXT_BANKS);
	if (in->level != HM_LEVEL_HIGH && in->level != HM_LEVEL_LOW)
		return fail_new(cfg, err, "level: %d is not HM_LEVEL_HIGH or HM_LEVEL_LOW",
				(int)in->level);
	hm_config_set_seed(cfg, in->seed);
	hm_model *m = hm_model_new(cfg, err);
	hm_config_free(cfg);
	if (!m)
		return NULL;
	hm_checker *c = g_new0(hm_checker, 1);
	c->m = m;
	c->level = in->level;
	c->report_limit = in->report_limit ? in->report_limit : 1;
	c->last_cpu = -1;
	c->error = g_string_new(NULL);
	return c;
}

void hm_checker_free(hm_checker *c)
{
	if (!c)
		return;
	for (int cpu = 0; cpu < TOTAL_CPU; cpu++) {
		hm_release(c->cache[cpu].view);
		hm_release(c->cache[cpu].glog);
		hm_release(c->cache[cpu].current);
	}
	hm_model_free(c->m);
	g_free(c->first);
	g_string_free(c->error, TRUE);
	g_free(c);
}

hm_model *hm_checker_model(hm_checker *c) { return c->m; }

void hm_checker_on_divergence(hm_checker *c, hm_divergence_fn cb, void *ctx)
{
	c->cb = cb;
	c->cb_ctx = ctx;
}

size_t hm_checker_divergences(const hm_checker *c) { return c->divergences; }
size_t hm_checker_ops(const hm_checker *c) { return c->ops; }
const char *hm_checker_first_divergence(const hm_checker *c) { return c->first; }
const char *hm_checker_error(const hm_checker *c) { return c->error->str; }

static hm_check_status einval(hm_checker *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	g_string_vprintf(c->error, fmt, ap);
	va_end(ap);
	return HM_CHECK_EINVAL;
}

static bool cpu_ok(hm_checker *c, int cpu)
{
	if (cpu >= 0 && cpu < c->m->ncpus)
		return true;
	einval(c, "cpu %d is not in 0..%d", cpu, c->m->ncpus - 1);
	return false;
}

/* ---- texts ---- */

/* Values as the model's reports write them: small ones in decimal,
 * addresses and descriptors in hex; "_" for an unobserved field. */
static char *ztext(hm_z v, char *buf)
{
	if (v == HM_UNOBSERVED)
		return strcpy(buf, "_");
	return v >= -65535 && v <= 65535 ? hm_format_z(v, buf) : hm_key_text(v, buf);
}

static void append_z(GString *s, hm_z v)
{
	char buf[48];
	g_string_append(s, ztext(v, buf));
}

static void append_call(GString *s, const hm_op_def *def, const hm_arg *args)
{
	g_string_append_printf(s, "%s(", def->name);
	for (unsigned i = 0; i < def->nargs; i++) {
		g_string_append_printf(s, "%s%s=", i ? ", " : "", args[i].name);
		append_z(s, args[i].value);
	}
	g_string_append(s, ")");
}

/* Records one divergence: counts it, keeps the first report, and passes
 * it to the callback while under the report limit. */
static void diverge(hm_checker *c, int observer, hm_divergence_kind kind, const char *path,
		    const char *impl, const char *model)
{
	c->divergences++;
	GString *text = g_string_new(NULL), *report = g_string_new(NULL);
	g_string_printf(text, "%s: implementation %s, model %s", path, impl, model);
	g_string_printf(report, "divergence %zu ", c->divergences);
	if (c->last_def) {
		g_string_append_printf(report, "after operation %zu, ", c->ops);
		append_call(report, c->last_def, c->last_args);
		g_string_append_printf(report, " on cpu %d", c->last_cpu);
	} else {
		g_string_append(report, "before the first operation");
	}
	g_string_append_printf(report, ", observed on cpu %d:\n  %s", observer, text->str);
	if (!c->first)
		c->first = g_strdup(report->str);
	if (c->cb && c->divergences <= c->report_limit) {
		hm_divergence d = {
			.number = c->divergences,
			.op_number = c->last_def ? c->ops : 0,
			.op = c->last_def ? c->last_def->name : NULL,
			.cpu = c->last_def ? c->last_cpu : -1,
			.args = c->last_def ? c->last_args : NULL,
			.nargs = c->last_def ? c->last_def->nargs : 0,
			.observer_cpu = observer,
			.kind = kind,
			.path = path,
			.implementation = impl,
			.model = model,
			.text = text->str,
			.report = report->str,
		};
		c->cb(&d, c->cb_ctx);
	}
	g_string_free(text, TRUE);
	g_string_free(report, TRUE);
}

/* One compared integer field: a divergence when observed and different. */
static bool compare_z(hm_checker *c, int observer, hm_divergence_kind kind, const char *path,
		      hm_z observed, hm_z model)
{
	if (observed == HM_UNOBSERVED || observed == model)
		return true;
	char a[48], b[48];
	diverge(c, observer, kind, path, ztext(observed, a), ztext(model, b));
	return false;
}

/* ---- the state an observation is compared with ---- */

typedef struct refresh_ctx {
	const hm_rdata *view;
	hm_z cpu;
	const hm_shared *shared;
} refresh_ctx;

static bool refresh_id(hm_z id, const void *val, void *p)
{
	(void)val;
	refresh_ctx *r = p;
	/* What the spec pulls on its next acquisition of object id: CalState
	 * of the events the CPU's oracle returns for it. */
	const hm_mlog *unseen =
		hm_oracle_multi(r->view->oracle, id, r->cpu, mlog_at(r->view->log, id));
	if (unseen)
		r->shared = CalState(id, unseen, r->shared);
	return true;
}

/* cpu's view with every shared object brought up to date with the global
 * logs (or the view itself). Computing it costs the events the view has
 * not seen, so it is cached until a step or an overlay changes the view
 * or the global logs; the cache holds the reference. */
static const hm_rdata *current_view(hm_checker *c, int cpu)
{
	const hm_rdata *v = hm_model_view(c->m, cpu);
	view_cache *k = &c->cache[cpu];
	if (k->view == v && k->glog == c->m->glog)
		return k->current;
	hm_pool *pool = hm_pool_push();
	refresh_ctx r = {v, cpu, v->shared};
	hm_map_foreach(c->m->glog, refresh_id, &r);
	const hm_rdata *cur = v;
	if (r.shared != v->shared) {
		hm_rdata *n = rd_edit(v);
		SETP(n, shared, r.shared);
		cur = n;
	}
	hm_retain(cur);
	hm_retain(v);
	hm_retain(c->m->glog);
	hm_pool_pop(pool);
	hm_release(k->current);
	hm_release(k->view);
	hm_release(k->glog);
	*k = (view_cache){v, c->m->glog, cur};
	return cur;
}

/* ---- operations ---- */

static const char *result_text(const hm_result *r, GString *buf)
{
	g_string_assign(buf, hm_result_kind_name(r->kind));
	if (r->kind == HM_RESULT_RELY)
		g_string_append_printf(buf, " (%s in %s)", r->rely, r->where);
	else if (r->kind == HM_RESULT_STUCK && r->where)
		g_string_append_printf(buf, " (in %s)", r->where);
	return buf->str;
}

hm_check_status hm_checker_op(hm_checker *c, int cpu, const char *op, const hm_arg *args,
			      size_t nargs, hm_result_kind observed)
{
	if (!op)
		return einval(c, "op is NULL");
	if (!cpu_ok(c, cpu))
		return HM_CHECK_EINVAL;
	if ((unsigned)observed > HM_RESULT_RELY)
		return einval(c, "observed result %d is not a hm_result_kind", (int)observed);
	if (nargs && !args)
		return einval(c, "args is NULL with nargs %zu", nargs);
	for (size_t i = 0; i < nargs; i++)
		if (!args[i].name)
			return einval(c, "args[%zu].name is NULL", i);
	char *err = NULL;
	hm_result res;
	hm_error rc = hm_model_step(c->m, cpu, c->level, op, args, nargs, &res, &err);
	if (rc != HM_OK) {
		einval(c, "%s", err ? err : "bad operation");
		g_free(err);
		return HM_CHECK_EINVAL;
	}
	/* hm_model_step accepted the names: keep the values in Coq order. */
	const hm_op_def *def = hm_op_find(op);
	for (unsigned j = 0; j < def->nargs; j++) {
		c->last_args[j].name = def->args[j];
		for (size_t i = 0; i < nargs; i++)
			if (strcmp(args[i].name, def->args[j]) == 0)
				c->last_args[j].value = args[i].value;
	}
	c->ops++;
	c->last_def = def;
	c->last_cpu = cpu;
	c->last_result = res;
	if (res.kind == observed)
		return HM_CHECK_OK;
	GString *buf = g_string_new(NULL);
	diverge(c, cpu, HM_DIV_RESULT, "result", hm_result_kind_name(observed),
		result_text(&res, buf));
	g_string_free(buf, TRUE);
	return HM_CHECK_DIVERGED;
}

hm_check_status hm_checker_observe_ret(hm_checker *c, hm_z ret)
{
	if (!c->last_def)
		return einval(c, "no operation has run");
	if (!c->last_result.has_ret)
		return einval(c, "operation %zu (%s) returns no value", c->ops, c->last_def->name);
	return compare_z(c, c->last_cpu, HM_DIV_RET, "ret", ret, c->last_result.ret)
		       ? HM_CHECK_OK
		       : HM_CHECK_DIVERGED;
}

/* ---- observations ---- */

hm_check_status hm_checker_observe_page(hm_checker *c, int cpu, hm_z pfn, hm_z owner, hm_z count,
					hm_z gfn)
{
	if (!cpu_ok(c, cpu))
		return HM_CHECK_EINVAL;
	hm_pool *pool = hm_pool_push();
	const hm_s2page page = *s2page_at(current_view(c, cpu)->shared->s2page, pfn);
	hm_pool_pop(pool);
	char key[48];
	hm_key_text(pfn, key);
	bool same = true;
	static const char *const fields[] = {"s2_owner", "s2_count", "s2_gfn"};
	const hm_z observed[] = {owner, count, gfn};
	const hm_z model[] = {page.s2_owner, page.s2_count, page.s2_gfn};
	for (int f = 0; f < 3; f++) {
		char *path = g_strdup_printf("shared.s2page[%s].%s", key, fields[f]);
		same = compare_z(c, cpu, HM_DIV_PAGE, path, observed[f], model[f]) && same;
		g_free(path);
	}
	return same ? HM_CHECK_OK : HM_CHECK_DIVERGED;
}

static void append_entry(GString *s, int n, const hm_z *v)
{
	g_string_append(s, "[");
	for (int i = 0; i < n; i++) {
		if (i)
			g_string_append(s, ", ");
		append_z(s, v[i]);
	}
	g_string_append(s, "]");
}

/* The texts of an entry compared whole: "unmapped", "[pfn, level, pte]",
 * and for a model entry that counts as unmapped but is not the empty
 * entry, "unmapped [0, 3, 0x200000000000000]". */
static void entry_text(GString *s, bool mapped, int n, const hm_z *v)
{
	bool empty = true;
	for (int i = 0; i < n; i++)
		empty = empty && v[i] == 0;
	if (!mapped)
		g_string_append(s, "unmapped");
	if (!mapped && !empty)
		g_string_append(s, " ");
	if (mapped || !empty)
		append_entry(s, n, v);
}

/* Compares an observed entry with the model's: the mapped flags, and when
 * both are mapped every observed component. */
static bool compare_entry(hm_checker *c, int cpu, hm_divergence_kind kind, const char *path,
			  int n, bool mapped, const hm_z *observed, bool model_mapped,
			  const hm_z *model)
{
	bool same = mapped == model_mapped;
	for (int i = 0; same && mapped && i < n; i++)
		same = observed[i] == HM_UNOBSERVED || observed[i] == model[i];
	if (same)
		return true;
	GString *a = g_string_new(NULL), *b = g_string_new(NULL);
	if (mapped)
		append_entry(a, n, observed);
	else
		g_string_append(a, "unmapped");
	entry_text(b, model_mapped, n, model);
	diverge(c, cpu, kind, path, a->str, b->str);
	g_string_free(a, TRUE);
	g_string_free(b, TRUE);
	return false;
}

hm_check_status hm_checker_observe_s2(hm_checker *c, int cpu, hm_z vmid, hm_z gfn, bool mapped,
				      hm_z pfn, hm_z level, hm_z pte)
{
	if (!cpu_ok(c, cpu))
		return HM_CHECK_EINVAL;
	if (!is_vmid(vmid))
		return einval(c, "vmid %d is not in 0..%d", (int)vmid, (int)COREVISOR);
	if (!is_gfn(gfn))
		return einval(c, "gfn is not in 0..KVM_GFN_SPACE-1");
	hm_pool *pool = hm_pool_push();
	const hm_npt *npt = npt_at(current_view(c, cpu)->shared->npts, vmid);
	const hm_z3 e = *z3_at(npt->pt, gfn);
	hm_pool_pop(pool);
	/* NPT.pt[gfn] = (pfn, level, pte); the spec itself takes an entry
	 * whose phys_page is 0 for no mapping (get_npt_level_spec). */
	const hm_z model[] = {e.a, e.b, e.c};
	const hm_z observed[] = {pfn, level, pte};
	char k1[48], k2[48];
	char *path = g_strdup_printf("shared.npts[%s].pt[%s]", hm_key_text(vmid, k1),
				     hm_key_text(gfn, k2));
	bool same = compare_entry(c, cpu, HM_DIV_S2, path, 3, mapped, observed,
				  phys_page(e.c) != 0, model);
	g_free(path);
	return same ? HM_CHECK_OK : HM_CHECK_DIVERGED;
}

hm_check_status hm_checker_observe_smmu(hm_checker *c, int cpu, hm_z index, hm_z cbndx, hm_z iova,
					bool mapped, hm_z pfn, hm_z pte)
{
	if (!cpu_ok(c, cpu))
		return HM_CHECK_EINVAL;
	if (!is_smmu(index) || !is_smmu_cfg(cbndx) || !is_smmu_addr(iova))
		return einval(c, "smmu %d, context bank %d, iova: need is_smmu index, is_smmu_cfg "
				 "cbndx, is_smmu_addr iova",
			      (int)index, (int)cbndx);
	hm_z ttbr = SMMU_TTBR(index, cbndx), gfn = z_div(iova, PAGE_SIZE);
	hm_pool *pool = hm_pool_push();
	const hm_spt *spt = current_view(c, cpu)->shared->spts;
	const hm_z2 e = *z2_at(hm_map_get_map(spt->spt_pt, ttbr), gfn);
	hm_pool_pop(pool);
	/* SPT.spt_pt[ttbr][gfn] = (pfn, pte); unmap_smmu_page_spec takes
	 * pte = 0 for no mapping and writes (0, 0). */
	const hm_z model[] = {e.a, e.b};
	const hm_z observed[] = {pfn, pte};
	char k1[48], k2[48];
	char *path = g_strdup_printf("shared.spts.spt_pt[%s][%s]", hm_key_text(ttbr, k1),
				     hm_key_text(gfn, k2));
	bool same =
		compare_entry(c, cpu, HM_DIV_SMMU, path, 2, mapped, observed, e.b != 0, model);
	g_free(path);
	return same ? HM_CHECK_OK : HM_CHECK_DIVERGED;
}

hm_check_status hm_checker_observe_halt(hm_checker *c, int cpu, bool halted)
{
	if (!cpu_ok(c, cpu))
		return HM_CHECK_EINVAL;
	bool model = hm_model_view(c->m, cpu)->halt;
	if (model == halted)
		return HM_CHECK_OK;
	diverge(c, cpu, HM_DIV_HALT, "halt", halted ? "true" : "false", model ? "true" : "false");
	return HM_CHECK_DIVERGED;
}

/* The registers of RData.regs by Coq name. */
typedef struct reg_desc {
	const char *name, *block;
	size_t block_off, off;
} reg_desc;

#define REG_CTXT(n) {#n, "ctxt_regs", offsetof(hm_ctxt, ctxt_regs), offsetof(hm_ctxt_regs, n)},
#define REG_TRAP(n) {#n, "trap_regs", offsetof(hm_ctxt, trap_regs), offsetof(hm_trap_regs, n)},
#define REG_STATE(n) \
	{#n, "ctxt_states", offsetof(hm_ctxt, ctxt_states), offsetof(hm_ctxt_states, n)},
static const reg_desc regs[] = {HM_CTXT_REGS(REG_CTXT) HM_TRAP_REGS(REG_TRAP)
					HM_CTXT_STATES(REG_STATE)};
#undef REG_CTXT
#undef REG_TRAP
#undef REG_STATE

hm_check_status hm_checker_observe_reg(hm_checker *c, int cpu, const char *name, hm_z value)
{
	if (!cpu_ok(c, cpu))
		return HM_CHECK_EINVAL;
	const reg_desc *r = NULL;
	for (size_t i = 0; name && i < G_N_ELEMENTS(regs) && !r; i++)
		if (strcmp(regs[i].name, name) == 0)
			r = &regs[i];
	if (!r)
		return einval(c, "no register \"%s\" in CtxtRegs, TrapRegs or CtxtStates",
			      name ? name : "(null)");
	const char *ctxt = (const char *)hm_model_view(c->m, cpu)->regs;
	hm_z model;
	memcpy(&model, ctxt + r->block_off + r->off, sizeof model);
	char *path = g_strdup_printf("regs.%s.%s", r->block, r->name);
	bool same = compare_z(c, cpu, HM_DIV_REG, path, value, model);
	g_free(path);
	return same ? HM_CHECK_OK : HM_CHECK_DIVERGED;
}

/* One line of hm_json_match's report, "path: expected X, model Y", as a
 * divergence. */
static void state_line(hm_checker *c, int cpu, const char *line)
{
	const char *e = strstr(line, ": expected "), *m = e ? strstr(e, ", model ") : NULL;
	if (!m) {
		diverge(c, cpu, HM_DIV_STATE, line, "?", "?");
		return;
	}
	char *path = g_strndup(line, (gsize)(e - line));
	char *impl = g_strndup(e + strlen(": expected "), (gsize)(m - e - strlen(": expected ")));
	diverge(c, cpu, HM_DIV_STATE, path, impl, m + strlen(", model "));
	g_free(path);
	g_free(impl);
}

hm_check_status hm_checker_observe_state(hm_checker *c, int cpu, const char *partial)
{
	if (!cpu_ok(c, cpu))
		return HM_CHECK_EINVAL;
	if (!partial)
		return einval(c, "partial state is NULL");
	json_error_t jerr;
	json_t *j = json_loads(partial, 0, &jerr);
	if (!j)
		return einval(c, "partial state: line %d: %s", jerr.line, jerr.text);
	GString *report = g_string_new(NULL), *err = g_string_new(NULL);
	hm_pool *pool = hm_pool_push();
	bool same = hm_json_match_state(current_view(c, cpu), j, report, err);
	hm_pool_pop(pool);
	json_decref(j);
	hm_check_status st = HM_CHECK_OK;
	if (err->len) {
		st = einval(c, "partial state: %s", err->str);
	} else if (!same) {
		gchar **lines = g_strsplit(report->str, "\n", -1);
		for (gchar **l = lines; *l; l++)
			if (**l)
				state_line(c, cpu, *l);
		g_strfreev(lines);
		st = HM_CHECK_DIVERGED;
	}
	g_string_free(report, TRUE);
	g_string_free(err, TRUE);
	return st;
}
