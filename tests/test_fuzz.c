/* The fuzz engine (src/model/fuzz*.c): determinism of the generator, the
 * shrinker on planted failures, the written trace replayed through the
 * public API, the incremental shared_inv monitor against the full check,
 * and the filter of documented level disagreements. */
#include <string.h>

#include "hm_test.h"

#include "fuzz_internal.h"
#include "json.h"
#include "security_invs_monitor.h"

/* ---- helpers ---- */

static hm_fuzz *new_fuzz(uint64_t seed, uint64_t steps, int cpus, const char *const *ops)
{
	hm_fuzz_opts o = {.seed = seed, .steps = steps, .cpus = cpus, .ops = ops, .hostile_pct = -1};
	char *err = NULL;
	hm_fuzz *f = hm_fuzz_new(&o, &err);
	if (!f)
		fail_msg("hm_fuzz_new: %s", err);
	return f;
}

static void record_step(const hm_fuzz_step *s, const hm_result *res, void *ctx)
{
	(void)res;
	g_array_append_val((GArray *)ctx, *s);
}

/* Every step of a run of `steps` steps. */
static GArray *run_steps(uint64_t seed, uint64_t steps, int cpus, bool *failed)
{
	GArray *a = g_array_new(FALSE, FALSE, sizeof(hm_fuzz_step));
	hm_fuzz_opts o = {.seed = seed, .steps = steps, .cpus = cpus, .hostile_pct = -1,
			  .keep_going = true, .on_step = record_step, .on_step_ctx = a};
	hm_fuzz *f = hm_fuzz_new(&o, NULL);
	*failed = hm_fuzz_run(f);
	hm_fuzz_free(f);
	return a;
}

static bool steps_equal(const hm_fuzz_step *a, const hm_fuzz_step *b)
{
	if (a->cpu != b->cpu || a->op != b->op || a->nregs != b->nregs || a->ncore != b->ncore ||
	    a->hostile != b->hostile || a->action != b->action)
		return false;
	for (unsigned i = 0; i < HM_OP_MAX_ARGS; i++)
		if (a->argv[i] != b->argv[i])
			return false;
	for (unsigned i = 0; i < a->nregs; i++)
		if (a->reg[i] != b->reg[i] || a->regv[i] != b->regv[i])
			return false;
	for (unsigned i = 0; i < a->ncore; i++)
		if (a->core[i] != b->core[i])
			return false;
	return !a->ncore || a->core_vmid == b->core_vmid;
}

/* ---- determinism ---- */

/* Same seed: the same steps, one by one (ops, arguments, registers,
 * oracle answers, CPUs); another seed: another sequence. */
static void test_same_seed_same_steps(void **state)
{
	(void)state;
	bool f1, f2, f3;
	GArray *a = run_steps(42, 3000, 2, &f1);
	GArray *b = run_steps(42, 3000, 2, &f2);
	GArray *c = run_steps(43, 3000, 2, &f3);
	assert_int_equal(f1, f2);
	assert_int_equal(a->len, b->len);
	assert_true(a->len > 100);
	for (guint i = 0; i < a->len; i++)
		assert_true(steps_equal(&g_array_index(a, hm_fuzz_step, i),
					&g_array_index(b, hm_fuzz_step, i)));
	guint same = 0, n = MIN(a->len, c->len);
	for (guint i = 0; i < n; i++)
		same += steps_equal(&g_array_index(a, hm_fuzz_step, i), &g_array_index(c, hm_fuzz_step, i));
	assert_true(same < n / 2);
	g_array_free(a, TRUE);
	g_array_free(b, TRUE);
	g_array_free(c, TRUE);
}

/* The generator reaches the states the fuzzer is for: registered and
 * verified VMs, SMMU context banks given out, vCPU runs, VM exits. */
static void test_reaches_deep_states(void **state)
{
	(void)state;
	hm_fuzz *f = new_fuzz(3, 20000, 1, NULL);
	f->o.keep_going = true;
	hm_cov_reset();
	hm_fuzz_run(f);
	const hm_fuzz_stats *s = hm_fuzz_stats_get(f);
	assert_true(s->steps == 20000);
	assert_true(s->states > 1000);
	const char *want[] = {"HVC_REGISTER_KVM", "HVC_VERIFY_VM_IMAGE: state =? READY: true",
			      "HVC_SMMU_ALLOC_PGD: argument checks: true"};
	size_t seen = 0;
	for (hm_cov_site *c = hm_cov_begin(); c < hm_cov_end(); c++)
		for (size_t i = 0; i < G_N_ELEMENTS(want); i++)
			if (c->hits && strcmp(c->label, want[i]) == 0)
				seen |= 1u << i;
	assert_int_equal(seen, 7);
	uint64_t runs_ok = 0, exits = 0;
	for (size_t a = 0; a < hm_fuzz_action_count(); a++) {
		if (strcmp(hm_fuzz_action_name((uint16_t)a), "host_vcpu_run_handler") == 0)
			runs_ok += s->by_action[a][1 + HM_RESULT_OK];
		if (strcmp(hm_fuzz_action_name((uint16_t)a), "vm_exit_handler") == 0)
			exits += s->by_action[a][0];
	}
	assert_true(runs_ok > 0);
	assert_true(exits > 0);
	hm_fuzz_free(f);
}

/* ---- planted failures and the shrinker ---- */

typedef struct plant {
	hm_z owner;
	bool need_share; /* the page must also be granted (s2_count > 0) */
} plant;

static bool find_owned(hm_z pfn, const void *val, void *ctx)
{
	const plant *p = ctx;
	const hm_s2page *page = val;
	(void)pfn;
	return !(page->s2_owner == p->owner && (!p->need_share || page->s2_count > 0));
}

/* The extra check: no page has owner 3 (and, with need_share, a count). */
static bool no_owner3(const hm_rdata *view, void *ctx, hm_inv_violation *out)
{
	if (hm_map_foreach(view->shared->s2page, find_owned, ctx))
		return true;
	out->inv = "planted_owner3";
	snprintf(out->detail, sizeof out->detail, "a page belongs to vmid 3");
	return false;
}

static hm_fuzz *planted(plant *p, const char *const *ops, int cpus)
{
	hm_fuzz_opts o = {.seed = 11, .steps = 5000, .cpus = cpus, .ops = ops, .hostile_pct = 10,
			  .extra = no_owner3, .extra_ctx = p};
	hm_fuzz *f = hm_fuzz_new(&o, NULL);
	assert_non_null(f);
	return f;
}

static GArray *failing_copy(const hm_fuzz *f)
{
	GArray *seq = g_array_new(FALSE, FALSE, sizeof(hm_fuzz_step));
	g_array_append_vals(seq, hm_fuzz_failing_steps(f)->data, hm_fuzz_failing_steps(f)->len);
	return seq;
}

/* The fuzzer finds a page of vmid 3 among 2-CPU assign_pfn_to_vm runs;
 * the shrinker keeps one step on CPU 0 of a 1-CPU config: vmid 3 cannot
 * get simpler (0, 1 and 3/2 = 1 give another owner), gfn becomes 0 (a
 * valid gfn), and pfn becomes 0x40000, the first pfn of RAM: 0 and 1 are
 * not RAM (owner INVALID: assign halts), the generator's hot pfns are all
 * 0x40000 .. 0x40fff, so clearing their low 12 bits gives 0x40000, a host
 * page with count 0 that assign_pfn_to_vm gives to vmid 3. */
static void test_shrink_to_one_step(void **state)
{
	(void)state;
	plant p = {3, false};
	const char *ops[] = {"assign_pfn_to_vm", NULL};
	hm_fuzz *f = planted(&p, ops, 2);
	assert_true(hm_fuzz_run(f));
	const hm_fuzz_failure *fail = hm_fuzz_failure_get(f);
	assert_int_equal(fail->kind, HM_FUZZ_INVARIANT);
	assert_string_equal(fail->inv, "planted_owner3");
	GArray *seq = failing_copy(f);
	int cpus = 2;
	assert_true(hm_fuzz_shrink(f, seq, &cpus, fail) > 0);
	assert_int_equal(seq->len, 1);
	assert_int_equal(cpus, 1);
	const hm_fuzz_step *s = &g_array_index(seq, hm_fuzz_step, 0);
	assert_int_equal(s->cpu, 0);
	assert_string_equal(hm_op_at(s->op)->name, "assign_pfn_to_vm");
	assert_z_equal(s->argv[0], 3);
	assert_z_equal(s->argv[1], 0);
	assert_z_equal(s->argv[2], 0x40000);
	g_array_free(seq, TRUE);
	hm_fuzz_free(f);
}

/* Owner 3 with s2_count > 0 needs two steps: assign_pfn_to_vm (3, _,
 * pfn) then grant_vm_page (3, pfn). Shrunk: those two, gfn 0 and pfn
 * 0x40000 in both (the grant's pfn must name the assigned page). */
static void test_shrink_keeps_two_steps(void **state)
{
	(void)state;
	plant p = {3, true};
	const char *ops[] = {"assign_pfn_to_vm", "grant_vm_page", "map_page_host", NULL};
	hm_fuzz *f = planted(&p, ops, 1);
	assert_true(hm_fuzz_run(f));
	const hm_fuzz_failure *fail = hm_fuzz_failure_get(f);
	GArray *seq = failing_copy(f);
	int cpus = 1;
	hm_fuzz_shrink(f, seq, &cpus, fail);
	assert_int_equal(seq->len, 2);
	const hm_fuzz_step *a = &g_array_index(seq, hm_fuzz_step, 0);
	const hm_fuzz_step *b = &g_array_index(seq, hm_fuzz_step, 1);
	assert_string_equal(hm_op_at(a->op)->name, "assign_pfn_to_vm");
	assert_z_equal(a->argv[0], 3);
	assert_z_equal(a->argv[1], 0);
	assert_z_equal(a->argv[2], 0x40000);
	assert_string_equal(hm_op_at(b->op)->name, "grant_vm_page");
	assert_z_equal(b->argv[0], 3);
	assert_z_equal(b->argv[1], 0x40000);
	/* dropping either step loses the failure */
	hm_fuzz_failure out;
	assert_int_equal(hm_fuzz_rerun(f, b, 1, 1, &out, NULL), 1);
	assert_int_equal(out.kind, HM_FUZZ_NONE);
	assert_int_equal(hm_fuzz_rerun(f, a, 1, 1, &out, NULL), 1);
	assert_int_equal(out.kind, HM_FUZZ_NONE);
	g_array_free(seq, TRUE);
	hm_fuzz_free(f);
}

/* The trace of the shrunk sequence, replayed through the public API: its
 * structure, every step's expect.result, and the planted invariant
 * failing after the last step only. */
static void test_trace_replays(void **state)
{
	(void)state;
	plant p = {3, true};
	const char *ops[] = {"assign_pfn_to_vm", "grant_vm_page", NULL};
	hm_fuzz *f = planted(&p, ops, 1);
	assert_true(hm_fuzz_run(f));
	GArray *seq = failing_copy(f);
	int cpus = 1;
	hm_fuzz_shrink(f, seq, &cpus, hm_fuzz_failure_get(f));
	json_t *t = hm_fuzz_trace_json(f, (hm_fuzz_step *)(void *)seq->data, seq->len, cpus, "planted",
				       "test");
	assert_string_equal(json_string_value(json_object_get(t, "format")), "hypsec-trace/1");
	assert_string_equal(json_string_value(json_object_get(t, "name")), "planted");
	json_t *config = json_object_get(t, "config");
	assert_int_equal(json_integer_value(json_object_get(config, "cpus")), 1);
	json_t *steps = json_object_get(t, "steps");
	assert_int_equal(json_array_size(steps), 2);

	char *ctext = json_dumps(config, 0);
	hm_config *c = hm_config_from_json(ctext, NULL);
	free(ctext);
	assert_non_null(c);
	hm_model *m = hm_model_new(c, NULL);
	hm_model_set_full_logs(m, false);
	for (size_t i = 0; i < json_array_size(steps); i++) {
		json_t *st = json_array_get(steps, i);
		assert_null(json_object_get(st, "cpu")); /* one CPU: omitted */
		const char *op = json_string_value(json_object_get(st, "op"));
		json_t *args = json_object_get(st, "args");
		hm_arg argv[HM_OP_MAX_ARGS];
		size_t n = 0;
		const char *key;
		json_t *val;
		json_object_foreach(args, key, val) {
			const char *why;
			argv[n].name = key;
			assert_true(hm_json_to_z(val, &argv[n].value, &why));
			n++;
		}
		hm_result res;
		assert_int_equal(hm_model_step(m, 0, HM_LEVEL_HIGH, op, argv, n, &res, NULL), HM_OK);
		const char *want =
			json_string_value(json_object_get(json_object_get(st, "expect"), "result"));
		assert_string_equal(hm_result_kind_name(res.kind), want);
		hm_inv_violation v;
		bool holds = no_owner3(hm_model_view(m, 0), &p, &v);
		assert_int_equal(holds, i + 1 < json_array_size(steps));
	}
	hm_model_free(m);
	hm_config_free(c);
	json_decref(t);
	g_array_free(seq, TRUE);
	hm_fuzz_free(f);
}

/* ---- the incremental monitor against the full check ---- */

/* Random sequences (hostile arguments everywhere, so that states break
 * the invariants too): after every step the incremental monitor and
 * hm_shared_inv give the same verdict; a violation the monitor reports is
 * one the full check of that invariant confirms; the fingerprint kept
 * from diffs equals the one a fresh monitor computes from scratch. */
static void check_monitor_agrees(int cpus, uint64_t seed, unsigned steps)
{
	hm_fuzz_opts o = {.seed = seed, .steps = 1, .cpus = cpus, .hostile_pct = 25,
			  .hostile_internal = true};
	hm_fuzz *f = hm_fuzz_new(&o, NULL);
	hm_fuzz_checks none = {0};
	hm_inv_monitor *mon[8];
	for (int i = 0; i < 8; i++)
		mon[i] = hm_inv_monitor_new();
	hm_rng rng;
	hm_rng_seed(&rng, seed);
	unsigned fails = 0, checks = 0;
	for (unsigned ep = 0; ep < 40; ep++) {
		hm_model *m = hm_fuzz_model_new(f, cpus);
		hm_fuzz_exec x;
		hm_fuzz_exec_init(&x, &none, m, mon);
		for (unsigned i = 0; i < steps; i++) {
			hm_fuzz_step s;
			if (!hm_fuzz_gen_step(f->gen, &rng, m, 25, true, 3, &s))
				continue;
			hm_fuzz_outcome out;
			hm_fuzz_failure fail = {0};
			hm_fuzz_exec_step(&x, &s, &out, &fail);
			hm_fuzz_failure_clear(&fail);
			hm_pool *pool = hm_pool_push();
			const hm_shared *sdt = hm_fuzz_current_shared(m, s.cpu);
			hm_inv_violation vi = {0}, vf = {0};
			bool inc = hm_inv_monitor_check(mon[s.cpu], sdt, &vi);
			bool full = hm_shared_inv(sdt, &vf);
			checks++;
			assert_int_equal(inc, full);
			if (!inc) {
				fails++;
				bool confirmed = false;
				for (size_t k = 0; k < hm_shared_invs_count; k++)
					if (strcmp(hm_shared_invs[k].name, vi.inv) == 0) {
						hm_inv_violation w;
						confirmed = !hm_shared_invs[k].check(sdt, &w);
					}
				assert_true(confirmed);
			}
			hm_inv_monitor *fresh = hm_inv_monitor_new();
			hm_inv_violation vr;
			hm_inv_monitor_check(fresh, sdt, &vr);
			assert_true(hm_inv_monitor_fingerprint(fresh) ==
				    hm_inv_monitor_fingerprint(mon[s.cpu]));
			hm_inv_monitor_free(fresh);
			hm_pool_pop(pool);
			bool live = false;
			for (int c = 0; c < cpus; c++)
				live = live || !hm_model_halted(m, c);
			if (!live)
				break;
		}
		hm_fuzz_model_done(f, m);
	}
	uint64_t incr = 0;
	for (int i = 0; i < 8; i++) {
		incr += hm_inv_monitor_stats_get(mon[i])->incremental;
		hm_inv_monitor_free(mon[i]);
	}
	print_message("monitor %d cpus: %u checks, %u violations, %llu incremental\n", cpus, checks,
		      fails, (unsigned long long)incr);
	/* both verdicts were exercised; a check after a violation is a full
	 * one (no base for the induction), the others incremental */
	assert_true(fails > 0);
	assert_true(fails < checks);
	assert_true(incr > checks / 4);
	hm_fuzz_free(f);
}

static void test_incremental_equals_full_1cpu(void **state)
{
	(void)state;
	check_monitor_agrees(1, 5, 300);
}

static void test_incremental_equals_full_3cpus(void **state)
{
	(void)state;
	check_monitor_agrees(3, 6, 300);
}

/* The same through the engine: with the incremental and with the full
 * check, a run gives the same statistics and the same findings. */
static void test_engine_incremental_equals_full(void **state)
{
	(void)state;
	hm_fuzz_stats s[2];
	size_t nf[2];
	for (int full = 0; full < 2; full++) {
		hm_fuzz_opts o = {.seed = 9, .steps = 4000, .cpus = 1, .hostile_pct = -1,
				  .keep_going = true, .full_invariants = full};
		hm_fuzz *f = hm_fuzz_new(&o, NULL);
		hm_fuzz_run(f);
		s[full] = *hm_fuzz_stats_get(f);
		nf[full] = hm_fuzz_findings_count(f);
		hm_fuzz_free(f);
	}
	assert_int_equal(s[0].steps, s[1].steps);
	assert_int_equal(s[0].states, s[1].states);
	assert_int_equal(s[0].failures, s[1].failures);
	assert_int_equal(nf[0], nf[1]);
	for (int k = 0; k < 4; k++)
		assert_int_equal(s[0].results[k], s[1].results[k]);
	assert_true(s[0].inv_incremental > s[0].inv_full);
	assert_int_equal(s[1].inv_incremental, 0);
}

/* ---- documented disagreements ---- */

static hm_fuzz_step mm_step(const char *op, int cpu, hm_z a0, hm_z a1, hm_z a2)
{
	hm_fuzz_step s = {0};
	s.cpu = cpu;
	s.op = (uint32_t)hm_op_index(op);
	s.argv[0] = a0;
	s.argv[1] = a1;
	s.argv[2] = a2;
	return s;
}

static int known_index(const char *prefix)
{
	for (size_t i = 0; i < hm_fuzz_known_count(); i++)
		if (g_str_has_prefix(hm_fuzz_known_name(i), prefix))
			return (int)i;
	return -1;
}

/* assign_pfn_to_smmu from a host page: the high level fetches the page
 * from the data oracle (FLATMEM log, data_log), the low level does not
 * (test_assign_smmu_from_host). With two CPUs the high level also replays
 * the FLATMEM event of CPU 1 (whose assign_pfn_to_vm filled pfn 0x40010):
 * flatmem differs at that pfn too, and the filter still recognises the
 * documented difference, the high level's flatmem being CalFlatmem of the
 * pulled events with the page filled. */
static void test_known_smmu_doracle_two_cpus(void **state)
{
	(void)state;
	hm_fuzz *f = new_fuzz(1, 1, 2, NULL);
	hm_model *m = hm_fuzz_model_new(f, 2);
	hm_fuzz_exec x;
	hm_fuzz_exec_init(&x, &f->checks, m, f->mon);
	hm_fuzz_outcome o;
	hm_fuzz_failure fail = {0};
	hm_fuzz_step a = mm_step("assign_pfn_to_vm", 1, 1, 0x80000, 0x40010);
	assert_true(hm_fuzz_exec_step(&x, &a, &o, &fail));
	assert_true(x.compared);
	assert_false(x.filtered);
	hm_fuzz_step b = mm_step("assign_pfn_to_smmu", 0, 2, 0x100, 0x40020);
	assert_true(hm_fuzz_exec_step(&x, &b, &o, &fail));
	assert_true(x.compared);
	assert_true(x.filtered);
	assert_int_equal(x.known, known_index("assign_pfn_to_smmu"));
	hm_fuzz_model_done(f, m);
	hm_fuzz_free(f);
}

/* The filter is narrow: the same disagreement with one more differing
 * path (tstate) is not recognised, nor the same report on another op. */
static void test_known_filter_is_narrow(void **state)
{
	(void)state;
	const hm_rdata *st = t_initial();
	const hm_op_def *smmu = hm_op_find("assign_pfn_to_smmu"), *grant = hm_op_find("grant_vm_page");
	hm_z args[3] = {1, 0x100, 0x40020};
	hm_sres h = smmu->high(st, args), l = smmu->low(st, args);
	assert_non_null(h.st);
	assert_non_null(l.st);
	GString *rep = g_string_new(NULL);
	assert_false(hm_refines(h.st, l.st, rep));
	assert_int_equal(hm_fuzz_known_match(smmu, args, st, &h, &l, rep->str),
			 known_index("assign_pfn_to_smmu"));
	g_string_append(rep, "tstate: 0 -> 1\n");
	assert_int_equal(hm_fuzz_known_match(smmu, args, st, &h, &l, rep->str), -1);
	assert_int_equal(hm_fuzz_known_match(grant, args, st, &h, &l, rep->str), -1);
	g_string_free(rep, TRUE);
}

/* ---- failures and options ---- */

static void test_failure_same(void **state)
{
	(void)state;
	hm_fuzz_failure a = {.kind = HM_FUZZ_INVARIANT, .inv = "vm_iso", .op = "map_pfn_vm"};
	hm_fuzz_failure b = a;
	b.op = "assign_pfn_to_vm";
	assert_true(hm_fuzz_failure_same(&a, &b)); /* an invariant, whatever the op */
	b.inv = "host_iso";
	assert_false(hm_fuzz_failure_same(&a, &b));
	hm_fuzz_failure c = {.kind = HM_FUZZ_STUCK, .op = "mem_load", .result = HM_RESULT_RELY,
			     .where = "mem_load_spec", .rely = "reg < X30"};
	hm_fuzz_failure d = c;
	assert_true(hm_fuzz_failure_same(&c, &d));
	d.result = HM_RESULT_STUCK;
	assert_false(hm_fuzz_failure_same(&c, &d));
	assert_false(hm_fuzz_failure_same(&a, &c));
}

static void test_bad_options(void **state)
{
	(void)state;
	char *err = NULL;
	const char *ops[] = {"no_such_op", NULL};
	hm_fuzz_opts o = {.steps = 1, .cpus = 1, .ops = ops};
	assert_null(hm_fuzz_new(&o, &err));
	assert_non_null(strstr(err, "no_such_op"));
	g_free(err);
	err = NULL;
	o.ops = NULL;
	o.cpus = 9;
	assert_null(hm_fuzz_new(&o, &err));
	assert_non_null(strstr(err, "cpus"));
	g_free(err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_seed_same_steps),
		cmocka_unit_test(test_reaches_deep_states),
		cmocka_unit_test(test_shrink_to_one_step),
		cmocka_unit_test(test_shrink_keeps_two_steps),
		cmocka_unit_test(test_trace_replays),
		cmocka_unit_test(test_incremental_equals_full_1cpu),
		cmocka_unit_test(test_incremental_equals_full_3cpus),
		cmocka_unit_test(test_engine_incremental_equals_full),
		cmocka_unit_test(test_known_smmu_doracle_two_cpus),
		cmocka_unit_test(test_known_filter_is_narrow),
		cmocka_unit_test(test_failure_same),
		cmocka_unit_test(test_bad_options),
	};
	return cmocka_run_group_tests(tests, t_pool_setup, t_pool_teardown);
}
