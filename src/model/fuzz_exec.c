/* Running one fuzz step on a model and checking it: what a trace step
 * does (set registers, script the core data oracle, run the op) plus the
 * fuzzer's checks (shared_inv, the caller's extra check, high vs low). */
#include <string.h>

#include "fuzz_internal.h"
#include "json.h"
#include "rdata_cal.h"

void hm_fuzz_exec_init(hm_fuzz_exec *x, const hm_fuzz_checks *checks, hm_model *m,
		       hm_inv_monitor **mon)
{
	memset(x, 0, sizeof *x);
	x->checks = checks;
	x->m = m;
	for (int c = 0; c < m->ncpus; c++)
		x->mon[c] = mon[c];
}

/* set.regs.ctxt_regs: the view of cpu with the step's registers */
static void set_regs(hm_model *m, const hm_fuzz_step *s)
{
	const hm_rdata *v = hm_model_view(m, s->cpu);
	hm_ctxt *c = ctxt_edit(v->regs);
	for (unsigned i = 0; i < s->nregs; i++) {
		const hm_field *f = &hm_t_ctxt_regs.fields[s->reg[i]];
		*(hm_z *)((char *)&c->ctxt_regs + f->offset) = s->regv[i];
	}
	hm_rdata *nv = rd_edit(v);
	SETP(nv, regs, c);
	hm_model_commit(m, s->cpu, nv);
}

static hm_result result_of(const hm_sres *r)
{
	hm_result out = {0};
	if (r->st)
		out.kind = r->st->halt ? HM_RESULT_HALT : HM_RESULT_OK;
	else {
		out.kind = r->rely ? HM_RESULT_RELY : HM_RESULT_STUCK;
		out.rely = r->rely;
		out.where = r->where;
	}
	out.has_ret = r->has_ret;
	out.ret = r->ret;
	return out;
}

/* High against low: true when related or the difference is documented
 * (x->filtered / x->low_only say which); false with the report. */
static bool compare_levels(hm_fuzz_exec *x, const hm_op_def *def, const hm_z *argv,
			   const hm_rdata *pre, const hm_sres *hi, const hm_sres *lo, GString *report)
{
	if (!hi->st && !lo->st)
		return true;
	if (!hi->st) {
		/* the relation asks nothing of the low level when the high
		 * level has no result */
		x->low_only = true;
		return true;
	}
	if (lo->st) {
		if (hm_refines(hi->st, lo->st, report))
			return true;
	} else {
		g_string_append_printf(report, "result: high Some, low None (%s%s%s)\n",
				       lo->rely ? "rely " : "stuck in ", lo->rely ? lo->rely : "",
				       lo->rely ? "" : (lo->where ? lo->where : "?"));
	}
	int k = hm_fuzz_known_match(def, argv, pre, hi, lo, lo->st ? report->str : "");
	if (k < 0)
		return false;
	x->filtered = true;
	x->known = (size_t)k;
	return true;
}

typedef struct refresh {
	const hm_rdata *v;
	const hm_shared *sdt;
} refresh;

static bool refresh_one(hm_z id, const void *val, void *p)
{
	(void)val;
	refresh *r = p;
	const hm_mlog *own = mlog_at(r->v->log, id);
	const hm_mlog *pulled = hm_oracle_multi(r->v->oracle, id, r->v->curid, own);
	if (pulled)
		r->sdt = CalState(id, pulled, r->sdt);
	return true;
}

const hm_shared *hm_fuzz_current_shared(const hm_model *m, int cpu)
{
	const hm_rdata *v = hm_model_view(m, cpu);
	refresh r = {v, v->shared};
	if (m->ncpus > 1)
		hm_map_foreach(m->glog, refresh_one, &r);
	return r.sdt;
}

static bool check_invariants(hm_fuzz_exec *x, int cpu, hm_fuzz_failure *fail)
{
	const hm_rdata *v = hm_model_view(x->m, cpu);
	hm_inv_violation viol = {0};
	hm_pool *pool = hm_pool_push();
	bool ok = !x->checks->invariants ||
		  hm_inv_monitor_check(x->mon[cpu], hm_fuzz_current_shared(x->m, cpu), &viol);
	hm_pool_pop(pool);
	if (!ok) {
		fail->kind = HM_FUZZ_INVARIANT;
		fail->inv = viol.inv;
		fail->detail = g_strdup(viol.detail);
		return false;
	}
	if (x->checks->extra && !x->checks->extra(v, x->checks->extra_ctx, &viol)) {
		fail->kind = HM_FUZZ_INVARIANT;
		fail->inv = viol.inv;
		fail->detail = g_strdup(viol.detail);
		return false;
	}
	return true;
}

bool hm_fuzz_exec_step(hm_fuzz_exec *x, const hm_fuzz_step *s, hm_fuzz_outcome *o,
		       hm_fuzz_failure *fail)
{
	hm_model *m = x->m;
	const hm_op_def *def = hm_op_at(s->op);
	x->filtered = x->low_only = x->compared = false;
	memset(o, 0, sizeof *o);
	hm_pool *pool = hm_pool_push();
	if (s->nregs)
		set_regs(m, s);
	if (s->ncore) {
		o->core_logn = hm_map_get_z(hm_model_view(m, s->cpu)->core_data_log, s->core_vmid);
		for (unsigned i = 0; i < s->ncore; i++)
			hm_model_script_doracle(m, true, s->core_vmid, o->core_logn + i, s->core[i]);
	}
	const hm_rdata *pre = hm_model_view(m, s->cpu);
	hm_platform_set_current(&m->platform);
	hm_sres hi = def->high(pre, s->argv);
	bool ok = true;
	GString *report = NULL;
	if (x->checks->levels && def->low) {
		x->compared = true;
		hm_sres lo = def->low(pre, s->argv);
		report = g_string_new(NULL);
		ok = compare_levels(x, def, s->argv, pre, &hi, &lo, report);
	}
	o->res = result_of(&hi);
	if (hi.st)
		hm_model_commit(m, s->cpu, hi.st);
	hm_platform_set_current(NULL);
	hm_pool_pop(pool);

	fail->step = 0;
	fail->cpu = s->cpu;
	fail->op = def->name;
	fail->result = o->res.kind;
	if (!ok) {
		o->both = true;
		o->res.levels_disagree = true;
		fail->kind = HM_FUZZ_DISAGREE;
		fail->detail = g_string_free(report, FALSE);
		return false;
	}
	if (report)
		g_string_free(report, TRUE);
	if (!o->res.kind || o->res.kind == HM_RESULT_HALT || x->checks->extra)
		/* a None leaves the view as it was: nothing to check */
		return check_invariants(x, s->cpu, fail);
	return true;
}
