/* The fuzz driver: episodes of generated steps, the checks after each,
 * statistics, stuck findings, and re-runs of concrete sequences. */
#include <string.h>

#include "fuzz_internal.h"
#include "json.h"

/* The machine every episode runs on: 16 MiB of RAM at 0x40000000 (pfns
 * 0x40000 .. 0x40fff, so that the generator's hot pages collide) and one
 * SMMU with 8 context banks, as in the `gen` scenarios. */
static const char *const base_config =
	"{\"memory\": [{\"base\": \"0x40000000\", \"size\": \"0x1000000\"}],"
	" \"smmu\": [{\"phys_base\": \"0x2b400000\", \"size\": \"0x10000\", \"context_banks\": 8}],"
	" \"seed\": 0}";

/* Cap of the set of distinct fingerprints behind stats.states. */
#define STATES_CAP (1u << 22)

const char *hm_fuzz_kind_name(hm_fuzz_kind k)
{
	static const char *const names[] = {"none", "invariant", "disagreement", "stuck"};
	return (unsigned)k < 4 ? names[k] : "?";
}

void hm_fuzz_failure_clear(hm_fuzz_failure *f)
{
	g_free(f->detail);
	memset(f, 0, sizeof *f);
}

static bool str_same(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

bool hm_fuzz_failure_same(const hm_fuzz_failure *a, const hm_fuzz_failure *b)
{
	if (a->kind != b->kind)
		return false;
	switch (a->kind) {
	case HM_FUZZ_INVARIANT:
		return str_same(a->inv, b->inv);
	case HM_FUZZ_DISAGREE:
		return str_same(a->op, b->op);
	case HM_FUZZ_STUCK:
		return str_same(a->op, b->op) && a->result == b->result && str_same(a->where, b->where) &&
		       str_same(a->rely, b->rely);
	default:
		return true;
	}
}

/* ---- construction ---- */

static bool resolve_ops(hm_fuzz *f, const char *const *ops, char **err)
{
	size_t n = hm_op_total();
	f->allowed = g_new0(bool, n);
	for (const char *const *p = ops ? ops : hm_fuzz_default_ops(); *p; p++) {
		int i = hm_op_index(*p);
		if (i < 0) {
			if (err)
				*err = g_strdup_printf("unknown op \"%s\" (`hypsec-model ops` lists them)", *p);
			return false;
		}
		f->allowed[i] = true;
	}
	return true;
}

hm_fuzz *hm_fuzz_new(const hm_fuzz_opts *opts, char **err)
{
	if (opts->cpus < 1 || opts->cpus > TOTAL_CPU) {
		if (err)
			*err = g_strdup_printf("cpus %d is not in 1..%d", opts->cpus, (int)TOTAL_CPU);
		return NULL;
	}
	hm_fuzz *f = g_new0(hm_fuzz, 1);
	f->o = *opts;
	f->o.ops = NULL; /* not kept: the caller's */
	if (!f->o.episode_len)
		f->o.episode_len = 400;
	if (f->o.hostile_pct < 0)
		f->o.hostile_pct = 10;
	f->checks = (hm_fuzz_checks){.invariants = !opts->no_invariants,
				     .levels = !opts->no_levels,
				     .full_invariants = opts->full_invariants,
				     .extra = opts->extra,
				     .extra_ctx = opts->extra_ctx};
	f->failing = g_array_new(FALSE, FALSE, sizeof(hm_fuzz_step));
	f->findings = g_ptr_array_new();
	f->finding_keys = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	f->states = g_hash_table_new(g_int64_hash, g_int64_equal);
	f->stats.filtered_by = g_new0(uint64_t, hm_fuzz_known_count());
	for (int c = 0; c < 8; c++) {
		f->mon[c] = hm_inv_monitor_new();
		hm_inv_monitor_set_incremental(f->mon[c], !opts->full_invariants);
	}
	f->stats.by_action = g_malloc0(sizeof *f->stats.by_action * hm_fuzz_action_count());
	json_error_t je;
	f->config_json = json_loads(base_config, 0, &je);
	json_object_set_new(f->config_json, "cpus", json_integer(opts->cpus));
	if (!resolve_ops(f, opts->ops, err) || !(f->gen = hm_fuzz_gen_new(f->allowed))) {
		if (err && !*err)
			*err = g_strdup("no op to fuzz");
		hm_fuzz_free(f);
		return NULL;
	}
	return f;
}

static void finding_free(hm_fuzz_finding *x)
{
	hm_fuzz_failure_clear(&x->failure);
	g_array_free(x->steps, TRUE);
	g_free(x);
}

static void free_state_key(gpointer k, gpointer v, gpointer u)
{
	(void)v;
	(void)u;
	g_free(k);
}

/* Models are made once per CPU count and put back in their initial state
 * for each episode and re-run: building the initial state (an s2page
 * entry per page of RAM) costs more than a whole episode. */
typedef struct model_cache {
	hm_model *m;
	hm_rdata *views[8]; /* the initial views, retained */
	hm_map *glog;
	bool busy;
} model_cache;

static void cache_free(hm_fuzz *f)
{
	model_cache *ks = f->cache;
	for (int i = 0; ks && i < 8; i++) {
		for (int c = 0; c < 8; c++)
			hm_release(ks[i].views[c]);
		hm_release(ks[i].glog);
		hm_model_free(ks[i].m);
	}
	g_free(ks);
}

void hm_fuzz_free(hm_fuzz *f)
{
	if (!f)
		return;
	hm_fuzz_gen_free(f->gen);
	g_free(f->allowed);
	json_decref(f->config_json);
	cache_free(f);
	for (int c = 0; c < 8; c++)
		hm_inv_monitor_free(f->mon[c]);
	hm_fuzz_failure_clear(&f->failure);
	g_array_free(f->failing, TRUE);
	for (guint i = 0; i < f->findings->len; i++)
		finding_free(g_ptr_array_index(f->findings, i));
	g_ptr_array_free(f->findings, TRUE);
	g_hash_table_destroy(f->finding_keys);
	g_hash_table_foreach(f->states, free_state_key, NULL);
	g_hash_table_destroy(f->states);
	g_free(f->stats.filtered_by);
	g_free(f->stats.by_action);
	g_free(f);
}

static hm_model *make_model(hm_fuzz *f, int cpus)
{
	json_t *c = json_deep_copy(f->config_json);
	json_object_set_new(c, "cpus", json_integer(cpus));
	char *text = json_dumps(c, 0);
	hm_config *config = hm_config_from_json(text, NULL);
	hm_json_text_free(text);
	json_decref(c);
	hm_model *m = hm_model_new(config, NULL);
	hm_config_free(config);
	/* as `replay` runs traces by default */
	hm_model_set_full_logs(m, false);
	return m;
}

hm_model *hm_fuzz_model_new(hm_fuzz *f, int cpus)
{
	if (!f->cache)
		f->cache = g_new0(model_cache, 8);
	model_cache *k = &((model_cache *)f->cache)[cpus - 1];
	if (k->busy) /* not expected: one model at a time */
		return make_model(f, cpus);
	k->busy = true;
	if (!k->m) {
		k->m = make_model(f, cpus);
		for (int c = 0; c < cpus; c++)
			k->views[c] = hm_retain(k->m->views[c]);
		k->glog = hm_retain(k->m->glog);
		return k->m;
	}
	hm_model *m = k->m;
	for (int c = 0; c < cpus; c++) {
		hm_retain(k->views[c]);
		hm_release(m->views[c]);
		m->views[c] = k->views[c];
	}
	hm_retain(k->glog);
	hm_release(m->glog);
	m->glog = k->glog;
	hm_release(m->gslog);
	m->gslog = NULL;
	g_hash_table_remove_all(m->doracle_script);
	g_hash_table_remove_all(m->core_doracle_script);
	g_string_truncate(m->refinement_report, 0);
	return m;
}

void hm_fuzz_model_done(hm_fuzz *f, hm_model *m)
{
	model_cache *k = &((model_cache *)f->cache)[m->ncpus - 1];
	if (k->m == m)
		k->busy = false;
	else
		hm_model_free(m);
}


const hm_fuzz_stats *hm_fuzz_stats_get(const hm_fuzz *f) { return &f->stats; }
const hm_fuzz_failure *hm_fuzz_failure_get(const hm_fuzz *f) { return &f->failure; }
const GArray *hm_fuzz_failing_steps(const hm_fuzz *f) { return f->failing; }
size_t hm_fuzz_findings_count(const hm_fuzz *f) { return f->findings->len; }
const hm_fuzz_finding *hm_fuzz_finding_at(const hm_fuzz *f, size_t i)
{
	return i < f->findings->len ? g_ptr_array_index(f->findings, i) : NULL;
}
const json_t *hm_fuzz_config_json(const hm_fuzz *f) { return f->config_json; }
int hm_fuzz_cpus(const hm_fuzz *f) { return f->o.cpus; }

/* ---- None reached by a valid sequence ---- */

static void stuck_failure(hm_fuzz_failure *fail, const hm_fuzz_step *s, const hm_result *res)
{
	fail->kind = HM_FUZZ_STUCK;
	fail->cpu = s->cpu;
	fail->op = hm_op_at(s->op)->name;
	fail->result = res->kind;
	fail->where = res->where;
	fail->rely = res->rely;
	fail->detail = res->kind == HM_RESULT_RELY
			       ? g_strdup_printf("rely %s failed in %s", res->rely ? res->rely : "?",
						 res->where ? res->where : "?")
			       : g_strdup_printf("stuck: None from %s", res->where ? res->where : "?");
}

/* Keeps fail (taken over) with the episode so far, once per key. */
static void keep_finding(hm_fuzz *f, const GArray *episode, hm_fuzz_failure *fail, char *key)
{
	if (g_hash_table_contains(f->finding_keys, key) || f->findings->len >= 64) {
		g_free(key);
		hm_fuzz_failure_clear(fail);
		return;
	}
	g_hash_table_add(f->finding_keys, key);
	hm_fuzz_finding *x = g_new0(hm_fuzz_finding, 1);
	x->failure = *fail;
	memset(fail, 0, sizeof *fail);
	x->failure.step = episode->len - 1;
	x->steps = g_array_sized_new(FALSE, FALSE, sizeof(hm_fuzz_step), episode->len);
	g_array_append_vals(x->steps, episode->data, episode->len);
	g_ptr_array_add(f->findings, x);
	f->stats.findings++;
}

static void record_stuck(hm_fuzz *f, const GArray *episode, const hm_fuzz_step *s,
			 const hm_result *res)
{
	char *key = g_strdup_printf("stuck|%s|%d|%s|%s", hm_fuzz_action_name(s->action), res->kind,
				    res->where ? res->where : "", res->rely ? res->rely : "");
	hm_fuzz_failure fail = {0};
	stuck_failure(&fail, s, res);
	keep_finding(f, episode, &fail, key);
}

/* --keep-going: a failure becomes a finding, once per invariant (or op
 * for disagreements), and the episode ends. */
static void record_failure(hm_fuzz *f, const GArray *episode, hm_fuzz_failure *fail)
{
	char *key = g_strdup_printf("%s|%s", hm_fuzz_kind_name(fail->kind),
				    fail->kind == HM_FUZZ_INVARIANT ? fail->inv : fail->op);
	keep_finding(f, episode, fail, key);
}

static void count_state(hm_fuzz *f, uint64_t fp)
{
	if (g_hash_table_size(f->states) >= STATES_CAP)
		return;
	if (g_hash_table_contains(f->states, &fp))
		return;
	uint64_t *k = g_new(uint64_t, 1);
	*k = fp;
	g_hash_table_add(f->states, k);
	f->stats.states++;
}

static bool all_halted(const hm_model *m)
{
	for (int c = 0; c < m->ncpus; c++)
		if (!m->views[c]->halt)
			return false;
	return true;
}

/* ---- the run ---- */

bool hm_fuzz_run(hm_fuzz *f)
{
	hm_fuzz_stats *st = &f->stats;
	GArray *episode = g_array_new(FALSE, FALSE, sizeof(hm_fuzz_step));
	bool failed = false;
	uint64_t next_progress = 4096;
	for (uint64_t e = 0; !failed && st->steps < f->o.steps; e++) {
		hm_rng rng;
		hm_rng_seed(&rng, f->o.seed ^ (0xD1B54A32D192ED03ull * (e + 1)));
		/* one episode in four keeps to valid arguments: those are the
		 * sequences whose stuck states are findings */
		int hostile = e % 4 == 3 ? 0 : f->o.hostile_pct;
		/* several CPUs: one layer an episode, in turn */
		unsigned layers = hm_fuzz_gen_layers(f->gen);
		if (f->o.cpus > 1 && layers == (HM_FUZZ_LAYER_MEM | HM_FUZZ_LAYER_TRAP))
			layers = e % 2 ? HM_FUZZ_LAYER_MEM : HM_FUZZ_LAYER_TRAP;
		hm_model *m = hm_fuzz_model_new(f, f->o.cpus);
		hm_fuzz_exec x;
		hm_fuzz_exec_init(&x, &f->checks, m, f->mon);
		g_array_set_size(episode, 0);
		bool valid = true;
		unsigned stalled = 0; /* None results in a row */
		unsigned after_halt = 0; /* steps since the first halt */
		st->episodes++;
		for (unsigned i = 0; i < f->o.episode_len && st->steps < f->o.steps; i++) {
			hm_fuzz_step s;
			if (!hm_fuzz_gen_step(f->gen, &rng, m, hostile, f->o.hostile_internal, layers, &s)) {
				/* nothing enabled fits this state: counted, so that
				 * the budget still ends the run */
				st->steps++;
				st->idle++;
				continue;
			}
			g_array_append_val(episode, s);
			hm_fuzz_outcome o;
			hm_fuzz_failure fail = {0};
			bool ok = hm_fuzz_exec_step(&x, &s, &o, &fail);
			st->steps++;
			st->hostile += s.hostile;
			if (f->o.on_step)
				f->o.on_step(&s, &o.res, f->o.on_step_ctx);
			st->results[o.res.kind]++;
			st->by_action[s.action][0]++;
			st->by_action[s.action][1 + o.res.kind]++;
			st->compared += x.compared;
			st->low_only += x.low_only;
			if (x.filtered) {
				st->filtered++;
				st->filtered_by[x.known]++;
			}
			if (!ok && f->o.keep_going) {
				st->failures++;
				record_failure(f, episode, &fail);
				break;
			}
			if (!ok) {
				fail.step = i;
				f->failure = fail;
				g_array_append_vals(f->failing, episode->data, episode->len);
				failed = true;
				break;
			}
			hm_fuzz_failure_clear(&fail);
			bool none = o.res.kind == HM_RESULT_STUCK || o.res.kind == HM_RESULT_RELY;
			if (none && valid && !s.hostile && !f->o.no_findings)
				record_stuck(f, episode, &s, &o.res);
			if (s.hostile || o.res.kind == HM_RESULT_HALT)
				valid = false;
			if (f->checks.invariants && !none)
				count_state(f, hm_inv_monitor_fingerprint(x.mon[s.cpu]));
			if (st->steps >= next_progress) {
				next_progress = st->steps + 4096;
				if (f->o.progress)
					f->o.progress(st, f->o.progress_ctx);
			}
			stalled = none ? stalled + 1 : 0;
			if (after_halt || o.res.kind == HM_RESULT_HALT)
				after_halt++;
			/* every CPU halted, or the live ones wait for locks a
			 * halted CPU holds: little more to see */
			if (all_halted(m) || stalled > 32 || after_halt > 48)
				break;
		}
		hm_fuzz_model_done(f, m);
	}
	g_array_free(episode, TRUE);
	st->inv_full = st->inv_incremental = 0;
	for (int c = 0; c < 8; c++) {
		st->inv_full += hm_inv_monitor_stats_get(f->mon[c])->full;
		st->inv_incremental += hm_inv_monitor_stats_get(f->mon[c])->incremental;
	}
	return failed;
}

/* ---- re-running a concrete sequence ---- */

size_t hm_fuzz_rerun_for(hm_fuzz *f, const hm_fuzz_step *steps, size_t n, int cpus,
			 const hm_fuzz_failure *target, hm_fuzz_failure *out, GArray *outcomes)
{
	hm_model *m = hm_fuzz_model_new(f, cpus);
	hm_fuzz_exec x;
	hm_fuzz_exec_init(&x, &f->checks, m, f->mon);
	bool halted = false;
	size_t i;
	memset(out, 0, sizeof *out);
	for (i = 0; i < n; i++) {
		const hm_fuzz_step *s = &steps[i];
		if (s->cpu >= cpus)
			break;
		/* a shrunk sequence must still call the MemManager ops as their
		 * callers would, and keep loops small */
		if (!hm_fuzz_step_precondition(hm_model_view(m, s->cpu), s, !f->o.hostile_internal))
			break;
		hm_fuzz_outcome o;
		hm_fuzz_failure fail = {0};
		bool ok = hm_fuzz_exec_step(&x, s, &o, &fail);
		if (outcomes)
			g_array_append_val(outcomes, o);
		if (!ok) {
			fail.step = i;
			*out = fail;
			break;
		}
		hm_fuzz_failure_clear(&fail);
		bool none = o.res.kind == HM_RESULT_STUCK || o.res.kind == HM_RESULT_RELY;
		if (none && !halted && target && target->kind == HM_FUZZ_STUCK) {
			stuck_failure(&fail, s, &o.res);
			if (hm_fuzz_failure_same(&fail, target)) {
				fail.step = i;
				*out = fail;
				break;
			}
			hm_fuzz_failure_clear(&fail);
		}
		halted = halted || o.res.kind == HM_RESULT_HALT;
	}
	hm_fuzz_model_done(f, m);
	return i;
}

size_t hm_fuzz_rerun(hm_fuzz *f, const hm_fuzz_step *steps, size_t n, int cpus,
		     hm_fuzz_failure *out, GArray *outcomes)
{
	return hm_fuzz_rerun_for(f, steps, n, cpus, NULL, out, outcomes);
}
