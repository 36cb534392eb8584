/* hypsec-model replay TRACE...: run every step of every trace on a fresh
 * model and check what the trace expects (TRACE-FORMAT.md: Steps).
 * The loop also serves `refine` (cli_replay.h, cli_refine.c).
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli_fuzz.h"
#include "cli_replay.h"
#include "cli_trace_reader.h"
#include "coverage.h"
#include "json.h"
#include "model.h"

typedef cli_replay_opts replay_opts;

/* ---- progress on a terminal ---- */

typedef struct progress {
	bool on;
	gint64 start, last;
} progress;

static void progress_tick(progress *p, const cli_trace *t, size_t steps)
{
	if (!p->on || (steps & 0xfff))
		return;
	gint64 now = g_get_monotonic_time();
	if (now - p->start < G_USEC_PER_SEC || now - p->last < G_USEC_PER_SEC / 4)
		return;
	p->last = now;
	fprintf(stderr, "\r%s: %zu steps (%.0f/s)\033[K", t->file, steps,
		(double)steps * G_USEC_PER_SEC / (double)(now - p->start));
	fflush(stderr);
}

static void progress_done(progress *p)
{
	if (p->on && p->last) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
	}
}

/* ---- one step ---- */

typedef struct replay_file {
	const replay_opts *o;
	cli_report *rep;
	cli_trace *t;
	hm_model *m;
	size_t steps, divergences, first_divergence, fallback_high;
	size_t vacuous; /* refine: steps whose high level gave None */
	cli_inv_checks *inv; /* --check-invariants */
} replay_file;

static char *result_expect_line(hm_result_kind want, const hm_result *res)
{
	if (res->kind == HM_RESULT_RELY)
		return g_strdup_printf("result: expected %s, model rely (%s, in %s)",
				       hm_result_kind_name(want), res->rely ? res->rely : "?",
				       res->where ? res->where : "?");
	if (res->kind == HM_RESULT_STUCK && res->where)
		return g_strdup_printf("result: expected %s, model stuck (None from %s)",
				       hm_result_kind_name(want), res->where);
	return g_strdup_printf("result: expected %s, model %s", hm_result_kind_name(want),
			       hm_result_kind_name(res->kind));
}

/* Checks the expectations of s against the step's result; mismatch lines
 * go to lines. false on an input error (a malformed expect.state). */
static bool check_expect(replay_file *f, const cli_step *s, const hm_result *res, GPtrArray *lines,
			 GString *err)
{
	if (s->has_result && s->result != res->kind)
		g_ptr_array_add(lines, result_expect_line(s->result, res));
	if (s->has_ret) {
		char want[48], got[48];
		if (!res->has_ret)
			g_ptr_array_add(lines, g_strdup_printf("ret: expected %s, model returned no value",
							       hm_key_text(s->ret, want)));
		else if (res->ret != s->ret)
			g_ptr_array_add(lines, g_strdup_printf("ret: expected %s, model %s",
							       hm_key_text(s->ret, want),
							       hm_key_text(res->ret, got)));
	}
	if (!s->expect_state)
		return true;
	GString *report = g_string_new(NULL), *merr = g_string_new(NULL);
	hm_pool *pool = hm_pool_push();
	hm_json_match_state(hm_model_view(f->m, s->cpu), s->expect_state, report, merr);
	hm_pool_pop(pool);
	bool ok = merr->len == 0;
	if (!ok) {
		cli_step_error(err, f->t, s, "expect.state", merr->str);
	} else {
		char **ls = g_strsplit(report->str, "\n", -1);
		bool log_line = false;
		for (char **l = ls; *l; l++)
			if (**l) {
				g_ptr_array_add(lines, g_strdup(*l));
				log_line = log_line || g_str_has_prefix(*l, "log") ||
					   g_str_has_prefix(*l, "slog");
			}
		g_strfreev(ls);
		if (log_line && !f->o->full_logs)
			g_ptr_array_add(lines, g_strdup("(replay compacts logs older than their newest "
							"events: --full-logs keeps every event)"));
	}
	g_string_free(report, TRUE);
	g_string_free(merr, TRUE);
	return ok;
}

static void watch_and_diff(replay_file *f, const cli_step *s, const hm_rdata *before)
{
	const hm_rdata *after = hm_model_view(f->m, s->cpu);
	if (f->o->diff && before != after) {
		GString *d = g_string_new(NULL);
		hm_pool *pool = hm_pool_push();
		hm_diff_state(before, after, d);
		hm_pool_pop(pool);
		if (d->len)
			cli_report_step_lines(f->rep, f->t, s, "diff", d->str);
		g_string_free(d, TRUE);
	}
	if (f->o->nwatches && before != after) {
		GString *d = g_string_new(NULL);
		hm_pool *pool = hm_pool_push();
		for (size_t i = 0; i < f->o->nwatches; i++)
			cli_watch_changes(&f->o->watches[i], before, after, d);
		hm_pool_pop(pool);
		if (d->len)
			cli_report_step_lines(f->rep, f->t, s, "watch", d->str);
		g_string_free(d, TRUE);
	}
}

/* Runs one step: -1 input error (in err), 0 held, 1 diverged. */
static int run_step(replay_file *f, const cli_step *s, GString *err)
{
	hm_model *m = f->m;
	if (s->set) {
		GString *msg = g_string_new(NULL);
		bool ok = cli_overlay(m, s->cpu, s->set, msg);
		if (!ok)
			cli_step_error(err, f->t, s, "set", msg->str);
		g_string_free(msg, TRUE);
		if (!ok)
			return -1;
	}
	cli_script_oracle(m, s->doracle, false);
	cli_script_oracle(m, s->core_doracle, true);

	hm_level level = s->has_level ? s->level : HM_LEVEL_HIGH;
	if (f->o->has_level) {
		level = f->o->forced;
		if (level != HM_LEVEL_HIGH && !s->op->low) {
			level = HM_LEVEL_HIGH;
			f->fallback_high++;
		}
	}
	const hm_rdata *before = hm_retain(hm_model_view(m, s->cpu));
	hm_result res;
	char *serr = NULL;
	if (hm_model_step_index(m, s->cpu, level, s->op_index, s->argv, &res, &serr) != HM_OK) {
		cli_step_error(err, f->t, s, "", serr ? serr : "the step could not run");
		g_free(serr);
		hm_release(before);
		return -1;
	}
	GPtrArray *lines = g_ptr_array_new_with_free_func(g_free);
	/* refine compares the levels only: the expectations are not its
	 * business. A high-level None relates to anything (results_related). */
	bool ok = f->o->refine || check_expect(f, s, &res, lines, err);
	if (ok && f->inv && (res.kind == HM_RESULT_OK || res.kind == HM_RESULT_HALT))
		cli_inv_checks_step(f->inv, m, s->cpu, lines);
	if (f->o->refine && level == HM_LEVEL_BOTH &&
	    (res.kind == HM_RESULT_STUCK || res.kind == HM_RESULT_RELY))
		f->vacuous++;
	if (ok)
		watch_and_diff(f, s, before);
	hm_release(before);
	int rc = -1;
	if (ok) {
		bool disagree = res.levels_disagree;
		rc = lines->len || disagree;
		if (rc) {
			cli_divergence d = {f->t, s, level, &res, lines,
					    disagree ? m->refinement_report->str : NULL, f->o->refine};
			cli_report_divergence(f->rep, &d);
		}
	}
	g_ptr_array_free(lines, TRUE);
	return rc;
}

/* ---- one trace ---- */

static bool apply_init(replay_file *f, GString *err)
{
	if (!f->t->init)
		return true;
	for (int cpu = 0; cpu < hm_model_cpus(f->m); cpu++) {
		GString *msg = g_string_new(NULL);
		bool ok = cli_overlay(f->m, cpu, f->t->init, msg);
		if (!ok) {
			g_string_append_printf(err, "%s: ", f->t->file);
			if (f->t->jsonl)
				g_string_append(err, "line 1: ");
			cli_prefixed(err, "init", msg->str);
		}
		g_string_free(msg, TRUE);
		if (!ok)
			return false;
	}
	return true;
}

static void report_initial_watch(replay_file *f)
{
	if (!f->o->nwatches)
		return;
	GString *d = g_string_new(NULL);
	hm_pool *pool = hm_pool_push();
	for (size_t i = 0; i < f->o->nwatches; i++) {
		/* The stepping CPU is not known yet: CPU 0's view (they start equal). */
		cli_watch_initial(&f->o->watches[i], hm_model_view(f->m, 0), d);
	}
	hm_pool_pop(pool);
	cli_report_initial_lines(f->rep, f->t, "watch", d->str);
	g_string_free(d, TRUE);
}

/* The end of a trace: replay's summary, or refine's counts. */
static void file_end(replay_file *f, cli_file_status st, bool stopped)
{
	if (!f->o->refine) {
		cli_report_file_end(f->rep, f->t, st, f->steps, f->divergences, f->first_divergence,
				    stopped, f->fallback_high);
		return;
	}
	cli_refine_counts c = {
		.steps = f->steps,
		.compared = f->steps - f->fallback_high,
		.disagree = f->divergences,
		.vacuous = f->vacuous,
		.skipped = f->fallback_high,
		.first_disagreement = f->first_divergence,
	};
	cli_refine_file_end(f->rep, f->t, st, &c);
}

static void print_state(replay_file *f)
{
	int cpu = f->o->state_cpu;
	hm_pool *pool = hm_pool_push();
	json_t *st = hm_json_encode_state(hm_model_view(f->m, cpu));
	hm_pool_pop(pool);
	cli_report_state(f->rep, cpu, st);
}

/* Replays one file: the exit code it deserves. */
static int replay_one(const replay_opts *o, cli_report *rep, const char *file)
{
	cli_trace t;
	GString *err = g_string_new(NULL);
	replay_file f = {.o = o, .rep = rep, .t = &t};
	int rc = CLI_EXIT_HELD;
	bool stopped = false;
	if (!cli_trace_open(&t, file, err)) {
		t.file = t.file ? t.file : g_strdup(file);
		cli_report_file_begin(rep, &t);
		cli_report_error(rep, err->str);
		file_end(&f, CLI_FILE_ERROR, false);
		cli_trace_close(&t);
		g_string_free(err, TRUE);
		return CLI_EXIT_BAD_INPUT;
	}
	cli_report_file_begin(rep, &t);
	char *merr = NULL;
	f.m = hm_model_new(t.config, &merr);
	if (!f.m) {
		g_string_append_printf(err, "%s: config: %s", file, merr ? merr : "invalid");
		g_free(merr);
		rc = CLI_EXIT_BAD_INPUT;
	} else if (o->print_state && o->state_cpu >= hm_model_cpus(f.m)) {
		g_string_append_printf(err, "%s: --state-cpu %d: the trace has %d CPU%s", file,
				       o->state_cpu, hm_model_cpus(f.m), hm_model_cpus(f.m) == 1 ? "" : "s");
		rc = CLI_EXIT_BAD_INPUT;
	} else if (hm_model_set_full_logs(f.m, o->full_logs), !apply_init(&f, err)) {
		rc = CLI_EXIT_BAD_INPUT;
	}
	if (rc == CLI_EXIT_HELD)
		report_initial_watch(&f);
	if (rc == CLI_EXIT_HELD && o->check_invariants)
		f.inv = cli_inv_checks_new();
	progress prog = {.on = !o->quiet && isatty(STDERR_FILENO), .start = g_get_monotonic_time()};
	while (rc != CLI_EXIT_BAD_INPUT && !stopped) {
		cli_step s;
		int r = cli_trace_next(&t, &s, err);
		if (r == 0)
			break;
		if (r < 0) {
			rc = CLI_EXIT_BAD_INPUT;
			break;
		}
		int held = run_step(&f, &s, err);
		if (held < 0) {
			rc = CLI_EXIT_BAD_INPUT;
		} else {
			f.steps++;
			if (held > 0) {
				if (!f.divergences++)
					f.first_divergence = s.index;
				rc = CLI_EXIT_DIVERGED;
				stopped = !o->keep_going;
			}
		}
		cli_step_clear(&s);
		progress_tick(&prog, &t, f.steps);
	}
	progress_done(&prog);
	if (rc == CLI_EXIT_BAD_INPUT)
		cli_report_error(rep, err->str);
	else if (o->print_state)
		print_state(&f);
	cli_file_status st = rc == CLI_EXIT_BAD_INPUT ? CLI_FILE_ERROR
			     : rc == CLI_EXIT_DIVERGED  ? CLI_FILE_DIVERGED
							: CLI_FILE_HELD;
	file_end(&f, st, stopped);
	cli_inv_checks_free(f.inv);
	hm_model_free(f.m);
	cli_trace_close(&t);
	g_string_free(err, TRUE);
	return rc;
}

int cli_replay_files(const cli_replay_opts *o, char **files, int n)
{
	cli_report_opts ro = {.json = o->json, .quiet = o->quiet,
			      .summary_to_stderr = o->print_state && !o->json};
	cli_report *rep = cli_report_new(&ro);
	int rc = CLI_EXIT_HELD;
	hm_cov_reset();
	for (int i = 0; i < n; i++) {
		int r = replay_one(o, rep, files[i]);
		rc = r > rc ? r : rc;
	}
	if (o->coverage || o->coverage_untaken) {
		hm_cov_report *cov = hm_cov_report_new();
		cli_report_coverage(rep, cov, o->coverage_untaken);
		hm_cov_report_free(cov);
	}
	rc = cli_report_finish(rep, rc);
	cli_report_free(rep);
	return rc;
}

int cli_replay_main(int argc, char **argv)
{
	replay_opts o = {0};
	GOptionEntry entries[] = {
		{"level", 'l', 0, G_OPTION_ARG_STRING, &o.level,
		 "Run every step at LEVEL: high (the _spec definitions), low (_spec0) or both "
		 "(compared under the refinement relation); ops without a _spec0 run at high. "
		 "Default: each step's own \"level\", else high", "LEVEL"},
		{"keep-going", 'k', 0, G_OPTION_ARG_NONE, &o.keep_going,
		 "Report every divergence instead of stopping at the first", NULL},
		{"print-state", 's', 0, G_OPTION_ARG_NONE, &o.print_state,
		 "Print the final state (of CPU 0's view, or --state-cpu's) as JSON; summaries then "
		 "go to stderr", NULL},
		{"state-cpu", 0, 0, G_OPTION_ARG_INT, &o.state_cpu,
		 "The CPU whose view --print-state prints (default 0)", "CPU"},
		{"diff", 'd', 0, G_OPTION_ARG_NONE, &o.diff,
		 "Print the state diff of the stepping CPU's view after each step", NULL},
		{"watch", 'w', 0, G_OPTION_ARG_STRING_ARRAY, &o.watch,
		 "Report what happens to a page (pfn=N: s2page entry, flatmem, NPT and SPT entries "
		 "mapping it) or a VM (vmid=N: its VMInfo) after each step that changes it; "
		 "repeatable", "pfn=N|vmid=N"},
		{"full-logs", 0, 0, G_OPTION_ARG_NONE, &o.full_logs,
		 "Keep every log event (default: logs are compacted once the spec can no longer "
		 "read past their newest events, so that memory stays bounded on long traces)",
		 NULL},
		{"coverage", 'c', 0, G_OPTION_ARG_NONE, &o.coverage,
		 "After the replay, report which branches of each spec function ran (taken/total "
		 "per function)", NULL},
		{"coverage-untaken", 0, 0, G_OPTION_ARG_NONE, &o.coverage_untaken,
		 "Like --coverage, and list the branches that never ran", NULL},
		{"check-invariants", 'i', 0, G_OPTION_ARG_NONE, &o.check_invariants,
		 "After each step that has a result, check shared_inv (SecurityInvs) on the "
		 "stepping CPU's view, brought up to date with the other CPUs' logs; a violation is "
		 "a divergence", NULL},
		{"json", 'j', 0, G_OPTION_ARG_NONE, &o.json,
		 "Print one machine-readable JSON report instead of text", NULL},
		{"quiet", 'q', 0, G_OPTION_ARG_NONE, &o.quiet,
		 "No summary lines and no progress; divergences and errors are still reported", NULL},
		{NULL, 0, 0, 0, NULL, NULL, NULL}};
	GOptionContext *ctx = g_option_context_new("TRACE... - replay traces and check them");
	GOptionGroup *group = g_option_group_new(NULL, NULL, NULL, &o, NULL);
	g_option_group_add_entries(group, entries);
	g_option_context_set_main_group(ctx, group);
	g_option_context_set_description(
		ctx, "Each TRACE (.json: one object; .jsonl: the object without steps on line 1, then "
		     "one step a line) is replayed on a fresh model.\n"
		     "Exit status: 0 every expectation held, 1 a divergence, 2 bad input or usage.\n"
		     "docs/command.md and docs/trace-format.md describe the command and the format.");
	g_set_prgname("hypsec-model replay");
	int rc = CLI_EXIT_BAD_INPUT;
	if (!cli_parse_options(ctx, "replay", &argc, &argv))
		goto out;
	if (argc < 2) {
		cli_error("replay", "no trace given (see --help)");
		goto out;
	}
	if (o.state_cpu < 0 || o.state_cpu >= TOTAL_CPU) {
		cli_error("replay", "--state-cpu %d: expected a CPU number 0..7", o.state_cpu);
		goto out;
	}
	if (o.level) {
		if (!cli_level_from_name(o.level, &o.forced)) {
			cli_error("replay", "--level %s: expected high, low or both", o.level);
			goto out;
		}
		o.has_level = true;
	}
	o.nwatches = o.watch ? g_strv_length(o.watch) : 0;
	o.watches = g_new0(cli_watch, o.nwatches + 1);
	for (size_t i = 0; i < o.nwatches; i++) {
		GString *e = g_string_new(NULL);
		bool ok = cli_watch_parse(o.watch[i], &o.watches[i], e);
		if (!ok)
			cli_error("replay", "%s", e->str);
		g_string_free(e, TRUE);
		if (!ok)
			goto out;
	}
	rc = cli_replay_files(&o, argv + 1, argc - 1);
out:
	g_free(o.watches);
	g_strfreev(o.watch);
	g_free(o.level);
	g_option_context_free(ctx);
	return rc;
}
