/* hypsec-model fuzz: generate op sequences, check shared_inv and high vs
 * low after each step, shrink the first failure to a minimal trace
 * (src/model/fuzz.h does the work). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cli_fuzz.h"
#include "fuzz.h"
#include "model.h"
#include "spec.h"

typedef struct fuzz_opts {
	gint64 seed, steps;
	int cpus, hostile, episode;
	char *ops, *out;
	gboolean coverage, json_coverage, keep_going, hostile_internal;
	gboolean no_invariants, no_levels, full_invariants, quiet;
} fuzz_opts;

/* ---- progress on a terminal ---- */

typedef struct progress {
	gint64 start, last;
	uint64_t total;
} progress;

static void progress_cb(const hm_fuzz_stats *s, void *ctx)
{
	progress *p = ctx;
	gint64 now = g_get_monotonic_time();
	if (now - p->last < G_USEC_PER_SEC / 4)
		return;
	p->last = now;
	double secs = (double)(now - p->start) / G_USEC_PER_SEC;
	fprintf(stderr, "\rfuzz: %llu/%llu steps (%.0f/s), %llu episodes, %llu states, %llu findings\033[K",
		(unsigned long long)s->steps, (unsigned long long)p->total,
		secs > 0 ? (double)s->steps / secs : 0.0, (unsigned long long)s->episodes,
		(unsigned long long)s->states, (unsigned long long)s->findings);
	fflush(stderr);
}

/* ---- writing a shrunk sequence ---- */

static char *failure_text(const hm_fuzz_failure *f)
{
	switch (f->kind) {
	case HM_FUZZ_INVARIANT:
		return g_strdup_printf("invariant %s violated after %s on CPU %d: %s", f->inv, f->op,
				       f->cpu, f->detail ? f->detail : "");
	case HM_FUZZ_DISAGREE:
		return g_strdup_printf("high and low levels disagree on %s (CPU %d):\n%s", f->op, f->cpu,
				       f->detail ? f->detail : "");
	default:
		return g_strdup_printf("%s on CPU %d reached from valid steps: %s", f->op, f->cpu,
				       f->detail ? f->detail : "");
	}
}

static const char *how_to_replay(hm_fuzz_kind k)
{
	switch (k) {
	case HM_FUZZ_INVARIANT:
		return "`hypsec-model replay --check-invariants` reports the violation after the last "
		       "step.";
	case HM_FUZZ_DISAGREE:
		return "The last step runs at level \"both\": `hypsec-model replay` reports the "
		       "disagreement.";
	default:
		return "The last step's expect.result is the None the model gives.";
	}
}

/* Shrinks steps, writes DIR/NAME.json; returns the path (g_free) or NULL
 * with the error printed. *nsteps: the shrunk length. */
static char *shrink_and_write(hm_fuzz *f, const fuzz_opts *o, const GArray *steps,
			      const hm_fuzz_failure *fail, const char *name, size_t *nsteps,
			      size_t *runs)
{
	GArray *seq = g_array_new(FALSE, FALSE, sizeof(hm_fuzz_step));
	g_array_append_vals(seq, steps->data, steps->len);
	int cpus = hm_fuzz_cpus(f);
	*runs = hm_fuzz_shrink(f, seq, &cpus, fail);
	*nsteps = seq->len;
	char *what = failure_text(fail);
	char *desc = g_strdup_printf("Found by `hypsec-model fuzz --seed %lld` (%s, %u step%s before "
				     "shrinking, %u after). %s %s",
				     (long long)o->seed, hm_fuzz_kind_name(fail->kind), steps->len,
				     steps->len == 1 ? "" : "s", seq->len, how_to_replay(fail->kind),
				     what);
	json_t *t = hm_fuzz_trace_json(f, (const hm_fuzz_step *)(const void *)seq->data, seq->len,
				       cpus, name, desc);
	char *path = g_build_filename(o->out ? o->out : ".", name, NULL);
	char *path_json = g_strconcat(path, ".json", NULL);
	char *text = cli_json_text(t, true);
	GError *e = NULL;
	char *body = g_strconcat(text, "\n", NULL);
	if (!g_file_set_contents(path_json, body, -1, &e)) {
		cli_error("fuzz", "cannot write %s: %s", path_json, e->message);
		g_error_free(e);
		g_free(path_json);
		path_json = NULL;
	}
	g_free(body);
	g_free(text);
	g_free(path);
	json_decref(t);
	g_free(desc);
	g_free(what);
	g_array_free(seq, TRUE);
	return path_json;
}

/* ---- the summary ---- */

static void summary(FILE *out, hm_fuzz *f, const fuzz_opts *o, double secs)
{
	const hm_fuzz_stats *s = hm_fuzz_stats_get(f);
	fprintf(out, "fuzz seed %lld: %llu steps in %llu episodes on %d CPU%s (%.0f steps/s), %llu "
		     "distinct states\n",
		(long long)o->seed, (unsigned long long)s->steps, (unsigned long long)s->episodes,
		o->cpus, o->cpus == 1 ? "" : "s", secs > 0 ? (double)s->steps / secs : 0.0,
		(unsigned long long)s->states);
	fprintf(out, "  results: %llu ok, %llu halt, %llu stuck, %llu rely; %llu hostile steps\n",
		(unsigned long long)s->results[HM_RESULT_OK], (unsigned long long)s->results[HM_RESULT_HALT],
		(unsigned long long)s->results[HM_RESULT_STUCK],
		(unsigned long long)s->results[HM_RESULT_RELY], (unsigned long long)s->hostile);
	if (!o->no_levels) {
		fprintf(out, "  levels: %llu steps compared; %llu documented disagreements filtered, "
			     "%llu with only the low level answering (allowed)\n",
			(unsigned long long)s->compared, (unsigned long long)s->filtered,
			(unsigned long long)s->low_only);
		for (size_t k = 0; k < hm_fuzz_known_count(); k++)
			if (s->filtered_by[k])
				fprintf(out, "    %llu x %s\n", (unsigned long long)s->filtered_by[k],
					hm_fuzz_known_name(k));
	}
	if (!o->no_invariants)
		fprintf(out, "  invariants: %llu incremental checks, %llu full\n",
			(unsigned long long)s->inv_incremental, (unsigned long long)s->inv_full);
	fprintf(out, "  findings: %llu\n", (unsigned long long)s->findings);
}

/* --keep-going and stuck findings: each shrunk and written (with --out) */
static bool write_findings(FILE *out, hm_fuzz *f, const fuzz_opts *o)
{
	bool failures = false;
	for (size_t i = 0; i < hm_fuzz_findings_count(f); i++) {
		const hm_fuzz_finding *x = hm_fuzz_finding_at(f, i);
		failures = failures || x->failure.kind != HM_FUZZ_STUCK;
		char *what = failure_text(&x->failure);
		fprintf(out, "  [%zu] %s: %s\n", i + 1, hm_fuzz_kind_name(x->failure.kind), what);
		g_free(what);
		if (!o->out)
			continue;
		char *name = g_strdup_printf("fuzz-%lld-%zu", (long long)o->seed, i + 1);
		size_t n, runs;
		char *path = shrink_and_write(f, o, x->steps, &x->failure, name, &n, &runs);
		if (path)
			fprintf(out, "      %zu step%s: %s\n", n, n == 1 ? "" : "s", path);
		g_free(path);
		g_free(name);
	}
	return failures;
}

/* ---- options ---- */

static bool check_opts(fuzz_opts *o, char ***ops)
{
	if (o->steps < 1) {
		cli_error("fuzz", "--steps %lld: expected a positive count", (long long)o->steps);
		return false;
	}
	if (o->seed < 0) {
		cli_error("fuzz", "--seed %lld: expected a non-negative number", (long long)o->seed);
		return false;
	}
	if (o->cpus < 1 || o->cpus > TOTAL_CPU) {
		cli_error("fuzz", "--cpus %d: expected 1..%d", o->cpus, (int)TOTAL_CPU);
		return false;
	}
	if (o->hostile < 0 || o->hostile > 100) {
		cli_error("fuzz", "--hostile %d: expected a percentage 0..100", o->hostile);
		return false;
	}
	if (o->episode < 1) {
		cli_error("fuzz", "--episode %d: expected a positive length", o->episode);
		return false;
	}
	if (o->ops) {
		*ops = g_strsplit(o->ops, ",", -1);
		for (char **p = *ops; *p; p++) {
			g_strstrip(*p);
			if (hm_op_index(*p) < 0) {
				cli_error("fuzz", "--ops: unknown op \"%s\" (`hypsec-model ops` lists them)",
					  *p);
				return false;
			}
		}
	}
	if (o->out && !g_file_test(o->out, G_FILE_TEST_IS_DIR) &&
	    g_mkdir_with_parents(o->out, 0755) != 0) {
		cli_error("fuzz", "--out %s: %s", o->out, g_strerror(errno));
		return false;
	}
	return true;
}

int cli_fuzz_main(int argc, char **argv)
{
	fuzz_opts o = {.seed = 0, .steps = 100000, .cpus = 2, .hostile = 10, .episode = 400};
	GOptionEntry entries[] = {
		{"seed", 0, 0, G_OPTION_ARG_INT64, &o.seed, "Seed of the run (default 0)", "N"},
		{"steps", 0, 0, G_OPTION_ARG_INT64, &o.steps, "Steps to run in all (default 100000)",
		 "K"},
		{"cpus", 0, 0, G_OPTION_ARG_INT, &o.cpus, "CPUs of the model, 1..8 (default 2)", "C"},
		{"ops", 0, 0, G_OPTION_ARG_STRING, &o.ops,
		 "Fuzz only these ops (comma-separated Coq names; default: the MemManager ops and the "
		 "TrapHandler entry points)", "a,b,.."},
		{"out", 0, 0, G_OPTION_ARG_FILENAME, &o.out,
		 "Write the shrunk failure (and, with findings, each finding) to DIR (default: the "
		 "current directory, failure only)", "DIR"},
		{"coverage", 0, 0, G_OPTION_ARG_NONE, &o.coverage,
		 "Print which branches of each spec function ran, and those that never did", NULL},
		{"json-coverage", 0, 0, G_OPTION_ARG_NONE, &o.json_coverage,
		 "The same as JSON", NULL},
		{"hostile", 0, 0, G_OPTION_ARG_INT, &o.hostile,
		 "Percentage of steps with a hostile argument or context (default 10)", "PCT"},
		{"hostile-internal", 0, 0, G_OPTION_ARG_NONE, &o.hostile_internal,
		 "Also corrupt the MemManager ops' arguments that their callers establish (breaks "
		 "their preconditions, and the invariants with them)", NULL},
		{"episode", 0, 0, G_OPTION_ARG_INT, &o.episode,
		 "Steps before starting again from the initial state (default 400)", "LEN"},
		{"keep-going", 'k', 0, G_OPTION_ARG_NONE, &o.keep_going,
		 "Record each distinct failure as a finding and go on", NULL},
		{"no-invariants", 0, 0, G_OPTION_ARG_NONE, &o.no_invariants,
		 "Do not check shared_inv", NULL},
		{"no-levels", 0, 0, G_OPTION_ARG_NONE, &o.no_levels,
		 "Do not run the low level against the high level", NULL},
		{"full-invariants", 0, 0, G_OPTION_ARG_NONE, &o.full_invariants,
		 "Check every entry of every map after each step (default: only what changed)", NULL},
		{"quiet", 'q', 0, G_OPTION_ARG_NONE, &o.quiet, "No progress and no summary", NULL},
		{NULL, 0, 0, 0, NULL, NULL, NULL}};
	GOptionContext *ctx = g_option_context_new("- generate op sequences and check them");
	g_option_context_add_main_entries(ctx, entries, NULL);
	g_option_context_set_description(
		ctx,
		"After each step: shared_inv (SecurityInvs) on the stepping CPU's view; for ops with a "
		"_spec0, the low level against the high level (the disagreements documented in "
		"tests/test_mem_manager_refine.c are counted, not reported); a None reached by valid "
		"steps is recorded as a finding. The first failure is shrunk to a minimal trace, "
		"written to DIR/fuzz-SEED.json, which `hypsec-model replay` reproduces.\n"
		"Exit status: 0 nothing failed, 1 a failure (written), 2 bad usage.");
	g_set_prgname("hypsec-model fuzz");
	int rc = CLI_EXIT_BAD_INPUT;
	char **ops = NULL;
	hm_fuzz *f = NULL;
	if (!cli_parse_options(ctx, "fuzz", &argc, &argv))
		goto out;
	if (argc > 1) {
		cli_error("fuzz", "unexpected argument \"%s\" (see --help)", argv[1]);
		goto out;
	}
	if (!check_opts(&o, &ops))
		goto out;
	progress prog = {.start = g_get_monotonic_time(), .total = (uint64_t)o.steps};
	bool tty = !o.quiet && isatty(STDERR_FILENO);
	hm_fuzz_opts fo = {.seed = (uint64_t)o.seed,
			   .steps = (uint64_t)o.steps,
			   .cpus = o.cpus,
			   .ops = (const char *const *)ops,
			   .episode_len = (unsigned)o.episode,
			   .hostile_pct = o.hostile,
			   .hostile_internal = o.hostile_internal,
			   .no_invariants = o.no_invariants,
			   .no_levels = o.no_levels,
			   .full_invariants = o.full_invariants,
			   .keep_going = o.keep_going,
			   .progress = tty ? progress_cb : NULL,
			   .progress_ctx = &prog};
	char *err = NULL;
	f = hm_fuzz_new(&fo, &err);
	if (!f) {
		cli_error("fuzz", "%s", err ? err : "bad options");
		g_free(err);
		goto out;
	}
	if (o.coverage || o.json_coverage)
		hm_cov_reset();
	bool failed = hm_fuzz_run(f);
	double secs = (double)(g_get_monotonic_time() - prog.start) / G_USEC_PER_SEC;
	if (tty) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
	}
	/* coverage of the run itself, before shrinking re-runs anything */
	if (o.coverage || o.json_coverage)
		cli_print_coverage(stdout, o.json_coverage);
	if (!o.quiet)
		summary(stdout, f, &o, secs);
	rc = CLI_EXIT_HELD;
	if (write_findings(stdout, f, &o))
		rc = CLI_EXIT_DIVERGED;
	if (failed) {
		const hm_fuzz_failure *fail = hm_fuzz_failure_get(f);
		char *name = g_strdup_printf("fuzz-%lld", (long long)o.seed);
		size_t n, runs;
		char *path = shrink_and_write(f, &o, hm_fuzz_failing_steps(f), fail, name, &n, &runs);
		char *what = failure_text(fail);
		printf("FAILED at step %zu of its episode: %s\n", fail->step, what);
		if (path)
			printf("shrunk to %zu step%s (%zu re-runs): %s\n", n, n == 1 ? "" : "s", runs, path);
		g_free(what);
		g_free(path);
		g_free(name);
		rc = CLI_EXIT_DIVERGED;
	}
out:
	hm_fuzz_free(f);
	g_strfreev(ops);
	g_free(o.ops);
	g_free(o.out);
	g_option_context_free(ctx);
	return rc;
}
