/* hypsec-model diff TRACE-OR-CONFIG HWLOG: replay the log a real
 * hypervisor wrote through the model and report every divergence with
 * the line of the log it comes from (docs/hardware-logs.md).
 *
 * The log is the linked checker's calls written down: each record is one
 * hm_checker_op (the operation and how it ended) followed by the
 * hm_checker_observe_* calls of its observations, so a log is compared
 * under exactly the relation of include/hypsec_check.h (observations
 * against the observing CPU's up-to-date view, stage-2 entries by the
 * phys_page test ...). Two notations: the HM line format
 * (cli_hwlog_parse.h), or JSON Lines of trace steps whose `expect` holds
 * the observations, read by the trace reader.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli_hwlog_parse.h"
#include "cli_report.h"
#include "cli_trace_reader.h"
#include "hypsec_check.h"
#include "json.h"
#include "model.h"

typedef struct diff_opts {
	char *level;
	gboolean skip_bad_lines, json, quiet, full_logs;
	hm_level lvl;
} diff_opts;

typedef struct diff_run {
	const diff_opts *o;
	cli_report *rep;
	cli_trace log; /* the log as the trace reader sees it (file, lines) */
	bool jsonl;
	hm_checker *chk;
	hm_model *m; /* the checker's */
	/* the record being checked: its divergences (cli_observed, owned
	 * strings), and whether it observed how its operation ended */
	GArray *found;
	bool result_observed;
	/* counts */
	size_t records, ops, observations, divergences, divergent_records, first_line;
	bool has_seq;
	hm_z last_seq;
	json_t *skipped; /* --skip-bad-lines: [{"line", "error"}] */
} diff_run;

/* ---- the model the log is replayed on ---- */

/* The config and init of the first argument: a trace (its config and
 * init; `holder` keeps them) or a bare config object. */
typedef struct diff_base {
	cli_trace holder;
	bool is_trace;
	hm_config *own; /* a bare config */
	const hm_config *config;
	const json_t *init;
} diff_base;

static bool base_open(diff_base *b, const char *file, GString *err)
{
	memset(b, 0, sizeof *b);
	int trace = cli_looks_like_trace(file, err);
	if (trace < 0)
		return false;
	if (trace) {
		b->is_trace = true;
		if (!cli_trace_open(&b->holder, file, err))
			return false;
		b->config = b->holder.config;
		b->init = b->holder.init;
		return true;
	}
	gchar *text = NULL;
	GError *e = NULL;
	if (!g_file_get_contents(file, &text, NULL, &e)) {
		g_string_append_printf(err, "%s: %s", file, e->message);
		g_error_free(e);
		return false;
	}
	char *cerr = NULL;
	b->own = hm_config_from_json(text, &cerr);
	g_free(text);
	if (!b->own) {
		g_string_append_printf(err, "%s: %s", file, cerr ? cerr : "invalid config");
		g_free(cerr);
		return false;
	}
	b->config = b->own;
	return true;
}

static void base_close(diff_base *b)
{
	if (b->is_trace)
		cli_trace_close(&b->holder);
	hm_config_free(b->own);
}

/* A checker on the machine of config c. hm_checker_config carries the
 * CPUs, the seed and the level, but not everything a trace's config can
 * say (SMMUConf fields by name, no RAM at all, platform parameters): the
 * checker is made on a one-page machine and its views are then replaced
 * by c's initial state, exactly as hm_model_new builds them, and c's
 * platform parameters are installed. c must outlive the checker. */
static hm_checker *checker_of(const hm_config *c, hm_level level, GString *err)
{
	const hm_checker_region page = {0x40000000, PAGE_SIZE};
	hm_checker_config cfg = {.cpus = c->cpus, .memory = &page, .nmemory = 1, .seed = c->seed,
				 .level = level, .report_limit = SIZE_MAX};
	char *e = NULL;
	hm_checker *chk = hm_checker_new(&cfg, &e);
	if (!chk) {
		g_string_append(err, e ? e : "invalid config");
		g_free(e);
		return NULL;
	}
	hm_model *m = hm_checker_model(chk);
	hm_pool *pool = hm_pool_push();
	hm_rdata *first = hm_initial_state(c, 0, m);
	for (int cpu = 0; cpu < m->ncpus; cpu++) {
		hm_rdata *v = rd_edit(first);
		v->curid = cpu;
		v->cur_vcpuid = cpu;
		hm_model_commit(m, cpu, v);
	}
	hm_pool_pop(pool);
	hm_platform p;
	hm_platform_defaults(&p);
	hm_platform_apply_tables(&p, &c->platform);
	hm_model_set_platform(m, &p);
	return chk;
}

/* ---- divergences of the record being checked ---- */

static void on_divergence(const hm_divergence *dv, void *ctx)
{
	diff_run *d = ctx;
	/* A JSON Lines step without expect.result does not observe how its
	 * operation ended: the checker was told "ok" for want of a value. */
	if (dv->kind == HM_DIV_RESULT && !d->result_observed)
		return;
	cli_observed o = {hm_divergence_kind_name(dv->kind), g_strdup(dv->path),
			  g_strdup(dv->implementation), g_strdup(dv->model), g_strdup(dv->text)};
	g_array_append_val(d->found, o);
}

static void found_clear(diff_run *d)
{
	for (guint i = 0; i < d->found->len; i++) {
		cli_observed *o = &g_array_index(d->found, cli_observed, i);
		g_free((char *)o->path);
		g_free((char *)o->implementation);
		g_free((char *)o->model);
		g_free((char *)o->text);
	}
	g_array_set_size(d->found, 0);
}

/* The observed return value, right after hm_checker_op succeeded: the
 * checker's only refusal then is a definition that returns no value,
 * which the log contradicts, a divergence as in replay. */
static void observe_ret(diff_run *d, hm_z ret)
{
	d->observations++;
	if (hm_checker_observe_ret(d->chk, ret) != HM_CHECK_EINVAL)
		return;
	char buf[48];
	char *impl = g_strdup(hm_key_text(ret, buf));
	cli_observed o = {hm_divergence_kind_name(HM_DIV_RET), g_strdup("ret"), impl,
			  g_strdup("no value"),
			  g_strdup_printf("ret: implementation %s, model returned no value", impl)};
	g_array_append_val(d->found, o);
}

/* Reports what the record found and counts it. */
static void record_done(diff_run *d, const cli_step *s)
{
	d->records++;
	if (!d->found->len)
		return;
	if (!d->divergent_records++)
		d->first_line = s->line;
	d->divergences += d->found->len;
	cli_report_observed(d->rep, &d->log, s, d->o->lvl,
			    (const cli_observed *)(void *)d->found->data, d->found->len);
	found_clear(d);
}

/* The checker's verdict on a call: false on HM_CHECK_EINVAL, with its
 * message. */
static bool call_ok(diff_run *d, hm_check_status st, GString *msg)
{
	if (st != HM_CHECK_EINVAL)
		return true;
	g_string_append(msg, hm_checker_error(d->chk));
	return false;
}

/* ---- HM records ---- */

static bool lay_inputs(diff_run *d, const hwlog_record *r, GString *msg)
{
	if (r->inputs->len) {
		json_t *regs = json_object();
		for (guint i = 0; i < r->inputs->len; i++) {
			const hwlog_reg_in *in = &g_array_index(r->inputs, hwlog_reg_in, i);
			json_t *block = json_object_get(regs, in->block);
			if (!block) {
				block = json_object();
				json_object_set_new(regs, in->block, block);
			}
			json_object_set_new(block, in->name, hm_json_from_z(in->value));
		}
		json_t *partial = json_pack("{s:o}", "regs", regs);
		bool ok = cli_overlay(d->m, r->cpu, partial, msg);
		json_decref(partial);
		if (!ok)
			return false;
	}
	for (guint i = 0; i < r->oracles->len; i++) {
		const hwlog_oracle_in *o = &g_array_index(r->oracles, hwlog_oracle_in, i);
		hm_model_script_doracle(d->m, o->core, o->vmid, o->logn, o->value);
	}
	return true;
}

static bool observe(diff_run *d, int cpu, const hwlog_obs *o, GString *msg)
{
	switch (o->kind) {
	case HWLOG_OBS_RET:
		observe_ret(d, o->val[0]);
		return true;
	case HWLOG_OBS_PAGE:
		d->observations++;
		return call_ok(d, hm_checker_observe_page(d->chk, cpu, o->key[0], o->val[0], o->val[1],
							  o->val[2]),
			       msg);
	case HWLOG_OBS_S2:
		d->observations++;
		return call_ok(d, hm_checker_observe_s2(d->chk, cpu, o->key[0], o->key[1], o->mapped,
							o->val[0], o->val[1], o->val[2]),
			       msg);
	case HWLOG_OBS_SMMU:
		d->observations++;
		return call_ok(d, hm_checker_observe_smmu(d->chk, cpu, o->key[0], o->key[1], o->key[2],
							  o->mapped, o->val[0], o->val[1]),
			       msg);
	case HWLOG_OBS_HALT:
		d->observations++;
		return call_ok(d, hm_checker_observe_halt(d->chk, cpu, o->val[0] != 0), msg);
	case HWLOG_OBS_REG:
		d->observations++;
		return call_ok(d, hm_checker_observe_reg(d->chk, cpu, o->reg, o->val[0]), msg);
	}
	return true;
}

static bool bad_line(diff_run *d, size_t line, const char *msg, const char *note, GString *err);

/* A record whose seq= does not follow the previous one: records were
 * lost or reordered, so what follows is compared with a model that
 * missed operations. An input error; with --skip-bad-lines reported, and
 * the record itself (which is well formed) still runs. */
static bool check_seq(diff_run *d, const hwlog_record *r, const cli_step *s, GString *msg)
{
	if (!r->has_seq)
		return true;
	hm_z prev = d->last_seq;
	bool follows = !d->has_seq || r->seq == prev + 1;
	d->has_seq = true;
	d->last_seq = r->seq;
	if (follows)
		return true;
	char a[48], b[48];
	GString *m = g_string_new(msg->str);
	g_string_append_printf(m, "seq=%s follows seq=%s: ", hm_key_text(r->seq, a),
			       hm_key_text(prev, b));
	if (r->seq > prev + 1)
		g_string_append_printf(m, "%s record%s lost", hm_key_text(r->seq - prev - 1, a),
				       r->seq - prev - 1 == 1 ? "" : "s");
	else
		g_string_append(m, "out of order");
	GString *fatal = g_string_new(NULL);
	bool ok = bad_line(d, s->line, m->str, "reported: --skip-bad-lines; the record runs", fatal);
	if (!ok)
		g_string_assign(msg, fatal->str);
	g_string_free(m, TRUE);
	g_string_free(fatal, TRUE);
	return ok;
}

/* Checks one record: false on an input error (msg: the whole message). */
static bool run_record(diff_run *d, const hwlog_record *r, cli_step *s, GString *msg)
{
	size_t head = msg->len;
	if (!check_seq(d, r, s, msg))
		return false;
	g_string_truncate(msg, head);
	s->cpu = r->cpu;
	s->op = r->op;
	s->nargs = r->nargs;
	memcpy(s->args, r->args, sizeof s->args);
	if (r->op) {
		if (!lay_inputs(d, r, msg))
			return false;
		d->result_observed = true;
		d->ops++;
		d->observations++;
		if (!call_ok(d, hm_checker_op(d->chk, r->cpu, r->op->name, r->args, r->nargs, r->result),
			     msg))
			return false;
	}
	for (guint i = 0; i < r->obs->len; i++)
		if (!observe(d, r->cpu, &g_array_index(r->obs, hwlog_obs, i), msg))
			return false;
	record_done(d, s);
	return true;
}

/* ---- JSON Lines steps ---- */

static bool run_step(diff_run *d, const cli_step *s, GString *msg)
{
	if (s->set && !cli_overlay(d->m, s->cpu, s->set, msg))
		return false;
	cli_script_oracle(d->m, s->doracle, false);
	cli_script_oracle(d->m, s->core_doracle, true);
	d->result_observed = s->has_result;
	d->ops++;
	d->observations += s->has_result;
	if (!call_ok(d, hm_checker_op(d->chk, s->cpu, s->op->name, s->args, s->nargs,
				      s->has_result ? s->result : HM_RESULT_OK),
		     msg))
		return false;
	if (s->has_ret)
		observe_ret(d, s->ret);
	if (s->expect_state) {
		char *text = cli_json_text(s->expect_state, false);
		hm_check_status st = hm_checker_observe_state(d->chk, s->cpu, text);
		g_free(text);
		d->observations++;
		if (st == HM_CHECK_EINVAL) {
			const char *why = hm_checker_error(d->chk);
			if (g_str_has_prefix(why, "partial state: "))
				why += strlen("partial state: ");
			cli_prefixed(msg, "expect.state", why);
			return false;
		}
	}
	record_done(d, s);
	return true;
}

/* ---- the log ---- */

/* A bad line: with --skip-bad-lines reported (with note) and counted
 * (true: go on), else the input error that stops the log (false). */
static bool bad_line(diff_run *d, size_t line, const char *msg, const char *note, GString *err)
{
	if (!d->o->skip_bad_lines) {
		g_string_append(err, msg);
		return false;
	}
	fprintf(stderr, "%s (%s)\n", msg, note);
	json_t *e = json_object();
	json_object_set_new(e, "line", json_integer((json_int_t)line));
	json_object_set_new(e, "error", json_string(msg));
	json_array_append_new(d->skipped, e);
	return true;
}

/* Whether the first non-blank line of fp starts with '{' (JSON Lines);
 * rewinds fp. */
static bool sniff_jsonl(FILE *fp)
{
	char *buf = NULL;
	size_t cap = 0;
	bool jsonl = false;
	while (getline(&buf, &cap, fp) >= 0) {
		const char *p = buf;
		while (g_ascii_isspace(*p))
			p++;
		if (*p) {
			jsonl = *p == '{';
			break;
		}
	}
	free(buf);
	rewind(fp);
	return jsonl;
}

/* Every record of an HM log: false on an input error (in err). */
static bool read_hm(diff_run *d, int cpus, GString *err)
{
	hwlog_record r;
	hwlog_record_init(&r);
	char *buf = NULL;
	size_t cap = 0;
	bool ok = true;
	for (size_t line = 1; ok; line++) {
		errno = 0;
		if (getline(&buf, &cap, d->log.fp) < 0) {
			if (ferror(d->log.fp)) {
				g_string_append_printf(err, "%s: line %zu: cannot read: %s", d->log.file,
						       line, g_strerror(errno));
				ok = false;
			}
			break;
		}
		GString *msg = g_string_new(NULL);
		g_string_printf(msg, "%s: line %zu: ", d->log.file, line);
		size_t head = msg->len;
		int pr = hwlog_parse_line(buf, cpus, &r, msg);
		if (pr > 0) {
			cli_step s;
			memset(&s, 0, sizeof s);
			s.index = d->records;
			s.line = line;
			if (!run_record(d, &r, &s, msg)) {
				found_clear(d);
				pr = -1;
			}
		}
		if (pr < 0 && msg->len > head)
			ok = bad_line(d, line, msg->str, "skipped: --skip-bad-lines", err);
		g_string_free(msg, TRUE);
	}
	free(buf);
	hwlog_record_clear(&r);
	return ok;
}

/* Every step of a JSON Lines log: false on an input error (in err). */
static bool read_jsonl(diff_run *d, GString *err)
{
	for (;;) {
		cli_step s;
		GString *msg = g_string_new(NULL);
		int r = cli_trace_next(&d->log, &s, msg);
		bool ok = true;
		if (r > 0) {
			if (!run_step(d, &s, msg)) {
				found_clear(d);
				GString *full = g_string_new(NULL);
				cli_step_where(full, &d->log, &s);
				g_string_append(full, msg->str);
				g_string_assign(msg, full->str);
				g_string_free(full, TRUE);
				r = -1;
			}
			cli_step_clear(&s);
		}
		if (r < 0)
			ok = bad_line(d, d->log.line, msg->str, "skipped: --skip-bad-lines", err);
		g_string_free(msg, TRUE);
		if (!ok)
			return false;
		if (r == 0)
			return true;
	}
}

static void summary(diff_run *d, cli_file_status st, const char *base_file)
{
	GString *text = g_string_new(NULL);
	size_t nskipped = json_array_size(d->skipped);
	if (st == CLI_FILE_ERROR) {
		g_string_printf(text, "%s: bad input, stopped after %zu record%s", d->log.file,
				d->records, d->records == 1 ? "" : "s");
	} else {
		g_string_printf(text, "%s: %zu record%s (%zu operation%s, %zu observation%s), ",
				d->log.file, d->records, d->records == 1 ? "" : "s", d->ops,
				d->ops == 1 ? "" : "s", d->observations, d->observations == 1 ? "" : "s");
		if (!d->divergences)
			g_string_append(text, "all observations held");
		else
			g_string_append_printf(text, "%zu divergence%s in %zu record%s (first at line %zu)",
					       d->divergences, d->divergences == 1 ? "" : "s",
					       d->divergent_records, d->divergent_records == 1 ? "" : "s",
					       d->first_line);
	}
	if (nskipped)
		g_string_append_printf(text, "; %zu bad line%s reported (--skip-bad-lines)", nskipped,
				       nskipped == 1 ? "" : "s");
	json_t *f = json_object();
	json_object_set_new(f, "config", json_string(base_file));
	json_object_set_new(f, "log_format", json_string(d->jsonl ? "jsonl" : "hm/1"));
	json_object_set_new(f, "records", json_integer((json_int_t)d->records));
	json_object_set_new(f, "operations", json_integer((json_int_t)d->ops));
	json_object_set_new(f, "observations", json_integer((json_int_t)d->observations));
	json_object_set_new(f, "divergence_count", json_integer((json_int_t)d->divergences));
	json_object_set_new(f, "divergent_records", json_integer((json_int_t)d->divergent_records));
	if (d->divergences)
		json_object_set_new(f, "first_divergence_line", json_integer((json_int_t)d->first_line));
	json_object_set(f, "bad_lines", d->skipped);
	cli_report_file_summary(d->rep, &d->log, st, text->str, f);
	g_string_free(text, TRUE);
}

/* Replays log on the machine of base_file: the exit code. */
static int diff_one(const diff_opts *o, cli_report *rep, const char *base_file, const char *log)
{
	diff_run d = {.o = o, .rep = rep};
	d.found = g_array_new(FALSE, FALSE, sizeof(cli_observed));
	d.skipped = json_array();
	d.log.file = g_strdup(log);
	d.log.jsonl = true; /* messages name lines */
	GString *err = g_string_new(NULL);
	diff_base b;
	bool ok = base_open(&b, base_file, err);
	int cpus = ok ? b.config->cpus : 0;
	if (ok && g_file_test(log, G_FILE_TEST_IS_DIR)) {
		g_string_append_printf(err, "%s: is a directory, not a log", log);
		ok = false;
	}
	if (ok && !(d.log.fp = fopen(log, "r"))) {
		g_string_append_printf(err, "%s: cannot open: %s", log, g_strerror(errno));
		ok = false;
	}
	if (ok) {
		d.jsonl = sniff_jsonl(d.log.fp);
		d.log.cpus = cpus;
		GString *cerr = g_string_new(NULL);
		d.chk = checker_of(b.config, o->lvl, cerr);
		if (!d.chk) {
			g_string_append_printf(err, "%s: config: %s", base_file, cerr->str);
			ok = false;
		}
		g_string_free(cerr, TRUE);
	}
	cli_report_file_begin(rep, &d.log);
	if (ok) {
		d.m = hm_checker_model(d.chk);
		hm_model_set_full_logs(d.m, o->full_logs);
		hm_checker_on_divergence(d.chk, on_divergence, &d);
		for (int cpu = 0; ok && b.init && cpu < cpus; cpu++) {
			GString *msg = g_string_new(NULL);
			if (!cli_overlay(d.m, cpu, b.init, msg)) {
				g_string_append_printf(err, "%s: ", base_file);
				if (b.holder.jsonl)
					g_string_append(err, "line 1: ");
				cli_prefixed(err, "init", msg->str);
				ok = false;
			}
			g_string_free(msg, TRUE);
		}
	}
	if (ok)
		ok = d.jsonl ? read_jsonl(&d, err) : read_hm(&d, cpus, err);
	if (ok && d.records == 0) {
		g_string_append_printf(err, "%s: no %s in the log%s", log, d.jsonl ? "step" : "HM record",
				       d.jsonl ? ""
					       : " (a record is a line whose first word, after any "
						 "printk prefix, is HM; docs/hardware-logs.md)");
		ok = false;
	}
	int rc = !ok ? CLI_EXIT_BAD_INPUT : d.divergences ? CLI_EXIT_DIVERGED : CLI_EXIT_HELD;
	if (!ok)
		cli_report_error(rep, err->str);
	summary(&d, !ok ? CLI_FILE_ERROR : d.divergences ? CLI_FILE_DIVERGED : CLI_FILE_HELD,
		base_file);
	found_clear(&d);
	g_array_free(d.found, TRUE);
	json_decref(d.skipped);
	hm_checker_free(d.chk);
	cli_trace_close(&d.log);
	base_close(&b);
	g_string_free(err, TRUE);
	return rc;
}

int cli_diff_main(int argc, char **argv)
{
	diff_opts o = {0};
	GOptionEntry entries[] = {
		{"level", 'l', 0, G_OPTION_ARG_STRING, &o.level,
		 "Replay the log at LEVEL: high (the _spec definitions, the default) or low (_spec0)",
		 "LEVEL"},
		{"skip-bad-lines", 0, 0, G_OPTION_ARG_NONE, &o.skip_bad_lines,
		 "Report a malformed record and go on with the next line instead of stopping", NULL},
		{"full-logs", 0, 0, G_OPTION_ARG_NONE, &o.full_logs,
		 "Keep every log event of the model (default: compacted, so that memory stays bounded "
		 "on long logs)", NULL},
		{"json", 'j', 0, G_OPTION_ARG_NONE, &o.json,
		 "Print one machine-readable JSON report instead of text", NULL},
		{"quiet", 'q', 0, G_OPTION_ARG_NONE, &o.quiet,
		 "No summary line; divergences and errors are still reported", NULL},
		{NULL, 0, 0, 0, NULL, NULL, NULL}};
	GOptionContext *ctx = g_option_context_new(
		"TRACE-OR-CONFIG HWLOG - replay a hardware log through the model");
	GOptionGroup *group = g_option_group_new(NULL, NULL, NULL, &o, NULL);
	g_option_group_add_entries(group, entries);
	g_option_context_set_main_group(ctx, group);
	g_option_context_set_description(
		ctx,
		"TRACE-OR-CONFIG gives the machine: a trace (.json or .jsonl), whose config and init "
		"are used, or a bare config object. HWLOG is what the hypervisor printed: lines\n"
		"  HM 1 cpu=0 op=assign_pfn_to_vm vmid=1 gfn=0x80000 pfn=0x40001 -> ok "
		"owner[0x40001]=1 count[0x40001]=0\n"
		"(other lines are ignored, so a whole kernel log will do), or JSON Lines of trace "
		"steps whose expect holds the observations. Every divergence is reported with its "
		"line.\n"
		"Exit status: 0 every observation held, 1 a divergence, 2 bad input or usage.\n"
		"docs/hardware-logs.md describes the format, docs/command.md the command.");
	g_set_prgname("hypsec-model diff");
	int rc = CLI_EXIT_BAD_INPUT;
	if (!cli_parse_options(ctx, "diff", &argc, &argv))
		goto out;
	if (argc != 3) {
		cli_error("diff", "expected TRACE-OR-CONFIG and HWLOG, got %d argument%s (see --help)",
			  argc - 1, argc - 1 == 1 ? "" : "s");
		goto out;
	}
	o.lvl = HM_LEVEL_HIGH;
	if (o.level && (!cli_level_from_name(o.level, &o.lvl) || o.lvl == HM_LEVEL_BOTH)) {
		cli_error("diff", "--level %s: expected high or low", o.level);
		goto out;
	}
	cli_report_opts ro = {.json = o.json, .quiet = o.quiet};
	cli_report *rep = cli_report_new(&ro);
	rc = diff_one(&o, rep, argv[1], argv[2]);
	rc = cli_report_finish(rep, rc);
	cli_report_free(rep);
out:
	g_free(o.level);
	g_option_context_free(ctx);
	return rc;
}
