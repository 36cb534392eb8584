#include "model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

/* ---- oracles derived from the global logs ---- */

/* MultiOracle of CPU cpu for object id: the events of the global log
 * that its view has not seen. Views only ever extend the global log, so
 * the unseen events are the newest len(G) - len(l). */
static hm_mlog *multi_oracle_fn(hm_oracle *o, hm_z id, hm_z cpu, const hm_mlog *l)
{
	(void)cpu;
	hm_model *m = o->ctx;
	if (!m)
		return NULL;
	const hm_mlog *g = mlog_at(m->glog, id);
	size_t gl = hm_mlog_len(g), ll = hm_mlog_len(l);
	if (gl <= ll)
		return NULL;
	return hm_mlog_prefix(g, gl - ll);
}

static hm_slog *single_oracle_fn(hm_oracle *o, hm_z cpu, const hm_slog *l)
{
	(void)cpu;
	hm_model *m = o->ctx;
	if (!m)
		return NULL;
	size_t gl = hm_slog_len(m->gslog), ll = hm_slog_len(l);
	if (gl <= ll)
		return NULL;
	return hm_slog_prefix(m->gslog, gl - ll);
}

static guint doracle_key_hash(gconstpointer p)
{
	const hm_doracle_key *k = p;
	uint64_t h = (uint64_t)k->vmid * 0x9E3779B97F4A7C15ull ^ (uint64_t)k->logn;
	return (guint)(h ^ (h >> 32));
}

static gboolean doracle_key_equal(gconstpointer a, gconstpointer b)
{
	const hm_doracle_key *x = a, *y = b;
	return x->vmid == y->vmid && x->logn == y->logn;
}

/* splitmix64: the documented default of the data oracles. */
static uint64_t splitmix64(uint64_t x)
{
	x += 0x9E3779B97F4A7C15ull;
	x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
	x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
	return x ^ (x >> 31);
}

hm_z hm_doracle_default(uint64_t seed, bool core, hm_z vmid, hm_z logn)
{
	uint64_t x = splitmix64(seed ^ (core ? 0xC0DEull : 0));
	x = splitmix64(x ^ (uint64_t)vmid);
	x = splitmix64(x ^ (uint64_t)logn);
	return (hm_z)x;
}

static hm_z data_oracle_lookup(hm_oracle *o, bool core, hm_z vmid, hm_z logn)
{
	hm_model *m = o->ctx;
	if (!m)
		return hm_doracle_default(0, core, vmid, logn);
	hm_doracle_key k = {vmid, logn};
	const hm_z *v = g_hash_table_lookup(core ? m->core_doracle_script : m->doracle_script, &k);
	return v ? *v : hm_doracle_default(m->seed, core, vmid, logn);
}

static hm_z doracle_fn(hm_oracle *o, hm_z vmid, hm_z logn)
{
	return data_oracle_lookup(o, false, vmid, logn);
}

static hm_z core_doracle_fn(hm_oracle *o, hm_z vmid, hm_z logn)
{
	return data_oracle_lookup(o, true, vmid, logn);
}

static const hm_oracle_ops multi_ops = {.multi = multi_oracle_fn};
static const hm_oracle_ops single_ops = {.single = single_oracle_fn};
static const hm_oracle_ops doracle_ops = {.data = doracle_fn};
static const hm_oracle_ops core_doracle_ops = {.data = core_doracle_fn};

void hm_model_script_doracle(hm_model *m, bool core, hm_z vmid, hm_z logn, hm_z value)
{
	hm_doracle_key *k = g_new(hm_doracle_key, 1);
	k->vmid = vmid;
	k->logn = logn;
	hm_z *v = g_new(hm_z, 1);
	*v = value;
	g_hash_table_replace(core ? m->core_doracle_script : m->doracle_script, k, v);
}

/* ---- the model ---- */

hm_model *hm_model_new(const hm_config *c, char **err)
{
	hm_config *dflt = NULL;
	if (!c)
		c = dflt = hm_config_new();
	if (c->cpus < 1 || c->cpus > TOTAL_CPU) {
		if (err)
			*err = g_strdup_printf("config.cpus: %d is not in 1..%d", c->cpus,
					       (int)TOTAL_CPU);
		hm_config_free(dflt);
		return NULL;
	}
	hm_model *m = g_new0(hm_model, 1);
	m->ncpus = c->cpus;
	m->seed = c->seed;
	m->full_logs = true;
	m->doracle_script = g_hash_table_new_full(doracle_key_hash, doracle_key_equal, g_free, g_free);
	m->core_doracle_script =
		g_hash_table_new_full(doracle_key_hash, doracle_key_equal, g_free, g_free);
	m->refinement_report = g_string_new(NULL);
	hm_platform_defaults(&m->platform);
	m->platform_tables = hm_platform_tables_dup(&c->platform);
	hm_platform_apply_tables(&m->platform, m->platform_tables);

	hm_pool *pool = hm_pool_push();
	m->multi_oracle = hm_retain(hm_oracle_new(&multi_ops, m, "multi-cpu"));
	m->single_oracle = hm_retain(hm_oracle_new(&single_ops, m, "multi-cpu"));
	m->doracle = hm_retain(hm_oracle_new(&doracle_ops, m, "doracle"));
	m->core_doracle = hm_retain(hm_oracle_new(&core_doracle_ops, m, "core_doracle"));
	const hm_mlog *nil = NULL;
	m->glog = hm_retain(hm_map_new(&hm_t_map_mlog, &nil));
	hm_rdata *first = hm_initial_state(c, 0, m);
	for (int cpu = 0; cpu < m->ncpus; cpu++) {
		/* Every view shares the objects of the first; only curid and
		 * cur_vcpuid differ. */
		hm_rdata *v = rd_edit(first);
		v->curid = cpu;
		v->cur_vcpuid = cpu;
		m->views[cpu] = hm_retain(v);
	}
	hm_pool_pop(pool);
	hm_config_free(dflt);
	return m;
}

void hm_model_free(hm_model *m)
{
	if (!m)
		return;
	/* Oracles may outlive the model inside states a caller kept: cut
	 * them loose so they answer with defaults instead of dangling. */
	m->multi_oracle->ctx = m->single_oracle->ctx = NULL;
	m->doracle->ctx = m->core_doracle->ctx = NULL;
	for (int cpu = 0; cpu < m->ncpus; cpu++)
		hm_release(m->views[cpu]);
	hm_release(m->glog);
	hm_release(m->gslog);
	hm_release(m->multi_oracle);
	hm_release(m->single_oracle);
	hm_release(m->doracle);
	hm_release(m->core_doracle);
	g_hash_table_destroy(m->doracle_script);
	g_hash_table_destroy(m->core_doracle_script);
	g_string_free(m->refinement_report, TRUE);
	hm_platform_tables_free(m->platform_tables);
	g_free(m);
}

int hm_model_cpus(const hm_model *m) { return m->ncpus; }

void hm_model_set_platform(hm_model *m, const hm_platform *p) { m->platform = *p; }

void hm_model_set_full_logs(hm_model *m, bool full) { m->full_logs = full; }

const hm_rdata *hm_model_view(const hm_model *m, int cpu) { return m->views[cpu]; }

/* Events kept as they are at the top of a compacted log: a CPU that is
 * this many events behind still receives them one by one. */
#define COMPACT_KEEP 64

static void publish_log(hm_model *m, hm_z id, const hm_mlog *l)
{
	hm_map *g = hm_map_set_ptr(m->glog, id, l);
	hm_retain(g);
	hm_release(m->glog);
	m->glog = g;
}

typedef struct commit_ctx {
	hm_model *m;
	hm_map *logs; /* the step's log pool, with the compacted logs */
	bool publish; /* several CPUs: each replaced log becomes the global one */
} commit_ctx;

/* A log the step replaced: compacted (unless full logs are kept), then
 * the global log of its ID. */
static void commit_log(hm_z id, const void *va, const void *vb, void *ctx)
{
	(void)va;
	commit_ctx *c = ctx;
	const hm_mlog *l = *(const hm_mlog *const *)vb;
	if (!c->m->full_logs) {
		const hm_mlog *k = hm_mlog_compact(l, COMPACT_KEEP);
		if (k != l) {
			c->logs = hm_map_set_ptr(c->logs, id, k);
			l = k;
		}
	}
	if (c->publish)
		publish_log(c->m, id, l);
}

void hm_model_commit(hm_model *m, int cpu, const hm_rdata *st)
{
	const hm_rdata *old = m->views[cpu];
	if (st == old)
		return;
	hm_pool *pool = hm_pool_push();
	/* One identity pass over the log pool finds the logs this step
	 * replaced (a structural diff would compare their cells). With one
	 * CPU the global log pool is the view's own (below), so the pass is
	 * needed only to compact. */
	commit_ctx c = {m, st->log, m->ncpus > 1};
	if (st->log != old->log && (c.publish || !m->full_logs))
		hm_map_diff_shallow(old->log, st->log, commit_log, &c);
	hm_map *logs = c.logs;
	hm_slog *sl = m->full_logs ? st->slog : hm_slog_compact(st->slog, COMPACT_KEEP);
	if (logs != st->log || sl != st->slog) {
		hm_rdata *r = rd_edit(st);
		SETP(r, log, logs);
		SETP(r, slog, sl);
		st = r;
	}
	if (st->slog != old->slog) {
		hm_retain(st->slog);
		hm_release(m->gslog);
		m->gslog = st->slog;
	}
	if (!c.publish && m->glog != st->log) {
		/* One CPU: every log the view holds is the newest of its ID
		 * (publishing each replaced log would rebuild this same map
		 * key by key), and the oracle answers nothing either way. */
		hm_retain(st->log);
		hm_release(m->glog);
		m->glog = st->log;
	}
	m->views[cpu] = hm_retain(st);
	hm_release(old);
	hm_pool_pop(pool);
}

const char *hm_result_kind_name(hm_result_kind k)
{
	static const char *const names[] = {"ok", "halt", "stuck", "rely"};
	return (unsigned)k < 4 ? names[k] : "?";
}

void hm_free(void *p) { g_free(p); }

static hm_result result_of(const hm_sres *r)
{
	hm_result out = {0};
	if (r->st) {
		out.kind = r->st->halt ? HM_RESULT_HALT : HM_RESULT_OK;
	} else {
		out.kind = r->rely ? HM_RESULT_RELY : HM_RESULT_STUCK;
		out.rely = r->rely;
		out.where = r->where;
	}
	out.has_ret = r->has_ret;
	out.ret = r->ret;
	return out;
}

/* MemManagerRefine.md, *_spec_exists: whenever the high level gives
 * Some habd', the low level from a related state gives Some labd' related
 * to it. A high-level None (stuck or rely) asks nothing of the low level. */
static bool results_related(const hm_sres *h, const hm_sres *l, GString *report)
{
	if (!h->st)
		return true;
	if (!l->st) {
		g_string_append_printf(report, "result: high Some, low None (%s%s%s)\n",
				       l->rely ? "rely " : "stuck in ", l->rely ? l->rely : "",
				       l->rely ? "" : (l->where ? l->where : "?"));
		return false;
	}
	return hm_refines(h->st, l->st, report);
}

/* Runs def on cpu with argv; the caller has checked op, cpu and level. */
static void run_step(hm_model *m, int cpu, hm_level level, const hm_op_def *def, const hm_z *argv,
		     hm_result *out)
{
	hm_pool *pool = hm_pool_push();
	hm_platform_set_current(&m->platform);
	const hm_rdata *adt = m->views[cpu];
	hm_sres r;
	g_string_truncate(m->refinement_report, 0);
	bool disagree = false;
	if (level == HM_LEVEL_HIGH) {
		r = def->high(adt, argv);
	} else if (level == HM_LEVEL_LOW) {
		r = def->low(adt, argv);
	} else {
		r = def->high(adt, argv);
		hm_sres low = def->low(adt, argv);
		disagree = !results_related(&r, &low, m->refinement_report);
	}
	*out = result_of(&r);
	out->levels_disagree = disagree;
	if (r.st)
		hm_model_commit(m, cpu, r.st);
	hm_platform_set_current(NULL);
	hm_pool_pop(pool);
}

static hm_error check_step(const hm_model *m, int cpu, hm_level level, const hm_op_def *def,
			   char **err)
{
	if (cpu < 0 || cpu >= m->ncpus) {
		if (err)
			*err = g_strdup_printf("cpu %d is not in 0..%d", cpu, m->ncpus - 1);
		return HM_EINVAL;
	}
	if (level != HM_LEVEL_HIGH && !def->low) {
		if (err)
			*err = g_strdup_printf("op \"%s\" has no low level (_spec0)", def->name);
		return HM_EINVAL;
	}
	return HM_OK;
}

hm_error hm_model_step(hm_model *m, int cpu, hm_level level, const char *op, const hm_arg *args,
		       size_t nargs, hm_result *out, char **err)
{
	const hm_op_def *def = hm_op_find(op);
	if (!def) {
		if (err)
			*err = g_strdup_printf("unknown op \"%s\"", op);
		return HM_ENOTFOUND;
	}
	hm_error rc = check_step(m, cpu, level, def, err);
	if (rc != HM_OK)
		return rc;
	hm_z argv[HM_OP_MAX_ARGS] = {0};
	bool seen[HM_OP_MAX_ARGS] = {0};
	for (size_t i = 0; i < nargs; i++) {
		unsigned j;
		for (j = 0; j < def->nargs; j++)
			if (strcmp(def->args[j], args[i].name) == 0)
				break;
		if (j == def->nargs) {
			if (err)
				*err = g_strdup_printf("op \"%s\" has no argument \"%s\"", op,
						       args[i].name);
			return HM_EINVAL;
		}
		argv[j] = args[i].value;
		seen[j] = true;
	}
	for (unsigned j = 0; j < def->nargs; j++)
		if (!seen[j]) {
			if (err)
				*err = g_strdup_printf("op \"%s\": missing argument \"%s\"", op,
						       def->args[j]);
			return HM_EINVAL;
		}
	run_step(m, cpu, level, def, argv, out);
	return HM_OK;
}

hm_error hm_model_step_index(hm_model *m, int cpu, hm_level level, size_t op, const hm_z *argv,
			     hm_result *out, char **err)
{
	const hm_op_def *def = op < hm_op_total() ? hm_op_at(op) : NULL;
	if (!def) {
		if (err)
			*err = g_strdup_printf("no op number %zu", op);
		return HM_ENOTFOUND;
	}
	hm_error rc = check_step(m, cpu, level, def, err);
	if (rc != HM_OK)
		return rc;
	run_step(m, cpu, level, def, argv, out);
	return HM_OK;
}

int hm_op_index(const char *op)
{
	for (size_t i = 0; i < hm_op_total(); i++)
		if (strcmp(hm_op_at(i)->name, op) == 0)
			return (int)i;
	return -1;
}

hm_page_view hm_model_s2page(const hm_model *m, int cpu, hm_z pfn)
{
	const hm_s2page *p = s2page_at(m->views[cpu]->shared->s2page, pfn);
	return (hm_page_view){p->s2_owner, p->s2_count, p->s2_gfn};
}

bool hm_model_halted(const hm_model *m, int cpu) { return m->views[cpu]->halt; }

/* ---- op table access for the public API ---- */

size_t hm_op_count(void) { return hm_op_total(); }
const char *hm_op_name(size_t i) { return hm_op_at(i)->name; }
size_t hm_op_arg_count(size_t i) { return hm_op_at(i)->nargs; }
const char *hm_op_arg_name(size_t i, size_t j) { return hm_op_at(i)->args[j]; }
bool hm_op_has_low(size_t i) { return hm_op_at(i)->low != NULL; }

/* ---- coverage sites ---- */

/* The linker defines these around the "hm_cov" section; weak so that a
 * program without any site still links. */
extern hm_cov_site __start_hm_cov[] __attribute__((weak));
extern hm_cov_site __stop_hm_cov[] __attribute__((weak));

hm_cov_site *hm_cov_begin(void) { return __start_hm_cov; }
hm_cov_site *hm_cov_end(void) { return __stop_hm_cov; }

void hm_cov_reset(void)
{
	for (hm_cov_site *s = hm_cov_begin(); s && s < hm_cov_end(); s++)
		s->hits = 0;
}
