/* Reporting replays: text as it happens, or one JSON document. */
#include "cli_report.h"

#include <stdio.h>
#include <string.h>

#include "coverage.h"
#include "json.h"

struct cli_report {
	cli_report_opts o;
	json_t *doc;    /* --json: the report */
	json_t *files;  /* its "traces" array */
	json_t *file;   /* the trace being replayed */
	json_t *errors; /* input errors not tied to a trace */
};

#define REPORT_FORMAT "hypsec-model-report/1"

cli_report *cli_report_new(const cli_report_opts *o)
{
	cli_report *r = g_new0(cli_report, 1);
	r->o = *o;
	if (o->json) {
		r->doc = json_object();
		r->files = json_array();
		r->errors = json_array();
		json_object_set_new(r->doc, "format", json_string(REPORT_FORMAT));
	}
	return r;
}

void cli_report_free(cli_report *r)
{
	if (!r)
		return;
	json_decref(r->doc);
	json_decref(r->files);
	json_decref(r->errors);
	json_decref(r->file);
	g_free(r);
}

static FILE *summary_out(const cli_report *r)
{
	return r->o.summary_to_stderr ? stderr : stdout;
}

char *cli_step_call_text(const cli_step *s)
{
	if (!s->op)
		return g_strdup("observations");
	GString *g = g_string_new(s->op->name);
	g_string_append_c(g, '(');
	for (size_t i = 0; i < s->nargs; i++) {
		char buf[48];
		g_string_append_printf(g, "%s%s=%s", i ? ", " : "", s->args[i].name,
				       hm_key_text(s->args[i].value, buf));
	}
	g_string_append_c(g, ')');
	return g_string_free(g, FALSE);
}

static json_t *args_json(const cli_step *s)
{
	json_t *a = json_object();
	for (size_t i = 0; i < s->nargs; i++)
		json_object_set_new(a, s->args[i].name, hm_json_from_z(s->args[i].value));
	return a;
}

static json_t *step_json(const cli_step *s)
{
	json_t *o = json_object();
	json_object_set_new(o, "step", json_integer((json_int_t)s->index));
	if (s->line)
		json_object_set_new(o, "line", json_integer((json_int_t)s->line));
	json_object_set_new(o, "cpu", json_integer(s->cpu));
	json_object_set_new(o, "op", s->op ? json_string(s->op->name) : json_null());
	json_object_set_new(o, "args", args_json(s));
	return o;
}

void cli_report_file_begin(cli_report *r, const cli_trace *t)
{
	if (!r->o.json)
		return;
	json_decref(r->file);
	r->file = json_object();
	json_object_set_new(r->file, "file", json_string(t->file));
	json_object_set_new(r->file, "name", t->name ? json_string(t->name) : json_null());
	json_object_set_new(r->file, "divergences", json_array());
}

/* Text of the model's result: "halt", "rely (is_paddr addr, in f)". */
static char *result_text(const hm_result *res)
{
	const char *k = hm_result_kind_name(res->kind);
	if (res->kind == HM_RESULT_RELY)
		return g_strdup_printf("%s (rely %s failed in %s)", k, res->rely ? res->rely : "?",
				       res->where ? res->where : "?");
	if (res->kind == HM_RESULT_STUCK && res->where)
		return g_strdup_printf("%s (None from %s)", k, res->where);
	return g_strdup(k);
}

/* Splits "PATH: expected X, model Y" into its parts (false if it is not
 * of that shape). */
static bool split_mismatch(const char *line, char **path, char **expected, char **model)
{
	const char *e = strstr(line, ": expected ");
	const char *m = e ? strstr(e, ", model ") : NULL;
	if (!e || !m)
		return false;
	*path = g_strndup(line, (gsize)(e - line));
	*expected = g_strndup(e + strlen(": expected "), (gsize)(m - e - strlen(": expected ")));
	*model = g_strdup(m + strlen(", model "));
	return true;
}

static json_t *lines_json(const char *text)
{
	json_t *a = json_array();
	if (!text)
		return a;
	char **lines = g_strsplit(text, "\n", -1);
	for (char **l = lines; *l; l++)
		if (**l)
			json_array_append_new(a, json_string(*l));
	g_strfreev(lines);
	return a;
}

void cli_report_divergence(cli_report *r, const cli_divergence *d)
{
	char *call = cli_step_call_text(d->s), *res = result_text(d->res);
	if (r->o.json) {
		json_t *o = step_json(d->s);
		json_object_set_new(o, "level", json_string(cli_level_name(d->level)));
		json_object_set_new(o, "result", json_string(hm_result_kind_name(d->res->kind)));
		json_object_set_new(o, "result_detail", json_string(res));
		if (d->res->has_ret)
			json_object_set_new(o, "ret", hm_json_from_z(d->res->ret));
		json_t *mm = json_array();
		for (guint i = 0; i < d->lines->len; i++) {
			const char *line = g_ptr_array_index(d->lines, i);
			json_t *e = json_object();
			char *p, *x, *y;
			if (split_mismatch(line, &p, &x, &y)) {
				json_object_set_new(e, "path", json_string(p));
				json_object_set_new(e, "expected", json_string(x));
				json_object_set_new(e, "model", json_string(y));
				g_free(p);
				g_free(x);
				g_free(y);
			}
			json_object_set_new(e, "text", json_string(line));
			json_array_append_new(mm, e);
		}
		json_object_set_new(o, "mismatches", mm);
		if (d->refinement)
			json_object_set_new(o, "refinement", lines_json(d->refinement));
		json_array_append_new(json_object_get(r->file, "divergences"), o);
	} else {
		GString *out = g_string_new(NULL);
		cli_step_where(out, d->t, d->s);
		if (d->refine)
			g_string_append_printf(out, "levels disagree in %s on cpu %d\n", call, d->s->cpu);
		else
			g_string_append_printf(out, "divergence in %s on cpu %d at level %s\n", call,
					       d->s->cpu, cli_level_name(d->level));
		for (guint i = 0; i < d->lines->len; i++)
			g_string_append_printf(out, "  %s\n", (const char *)g_ptr_array_index(d->lines, i));
		if (d->refinement) {
			g_string_append(out, d->refine ? "  high -> low:\n"
						       : "  the levels disagree (high -> low):\n");
			char **lines = g_strsplit(d->refinement, "\n", -1);
			for (char **l = lines; *l; l++)
				if (**l)
					g_string_append_printf(out, "    %s\n", *l);
			g_strfreev(lines);
		}
		bool result_line = false;
		for (guint i = 0; i < d->lines->len; i++)
			result_line = result_line ||
				      g_str_has_prefix(g_ptr_array_index(d->lines, i), "result:");
		if (!result_line)
			g_string_append_printf(out, "  %s result: %s\n", d->refine ? "high" : "model",
					       res);
		fputs(out->str, stdout);
		fflush(stdout);
		g_string_free(out, TRUE);
	}
	g_free(call);
	g_free(res);
}

void cli_report_observed(cli_report *r, const cli_trace *t, const cli_step *s, hm_level level,
			 const cli_observed *obs, size_t n)
{
	if (r->o.json) {
		json_t *o = step_json(s);
		json_object_set_new(o, "level", json_string(cli_level_name(level)));
		json_t *mm = json_array();
		for (size_t i = 0; i < n; i++) {
			json_t *e = json_object();
			json_object_set_new(e, "kind", json_string(obs[i].kind));
			json_object_set_new(e, "path", json_string(obs[i].path));
			json_object_set_new(e, "implementation", json_string(obs[i].implementation));
			json_object_set_new(e, "model", json_string(obs[i].model));
			json_object_set_new(e, "text", json_string(obs[i].text));
			json_array_append_new(mm, e);
		}
		json_object_set_new(o, "mismatches", mm);
		json_array_append_new(json_object_get(r->file, "divergences"), o);
		return;
	}
	GString *out = g_string_new(NULL);
	char *call = cli_step_call_text(s);
	cli_step_where(out, t, s);
	if (s->op)
		g_string_append_printf(out, "divergence in %s on cpu %d at level %s\n", call, s->cpu,
				       cli_level_name(level));
	else
		g_string_append_printf(out, "divergence in the observations on cpu %d\n", s->cpu);
	for (size_t i = 0; i < n; i++)
		g_string_append_printf(out, "  %s\n", obs[i].text);
	fputs(out->str, stdout);
	fflush(stdout);
	g_string_free(out, TRUE);
	g_free(call);
}

static void text_block(const char *head, const char *lines)
{
	fputs(head, stdout);
	char **ls = g_strsplit(lines, "\n", -1);
	for (char **l = ls; *l; l++)
		if (**l)
			printf("  %s\n", *l);
	g_strfreev(ls);
}

void cli_report_step_lines(cli_report *r, const cli_trace *t, const cli_step *s, const char *kind,
			   const char *lines)
{
	if (r->o.json) {
		json_t *events = json_object_get(r->file, "events");
		if (!events) {
			events = json_array();
			json_object_set_new(r->file, "events", events);
		}
		json_t *o = step_json(s);
		json_object_set_new(o, "kind", json_string(kind));
		json_object_set_new(o, "lines", lines_json(lines));
		json_array_append_new(events, o);
		return;
	}
	GString *head = g_string_new(NULL);
	char *call = cli_step_call_text(s);
	cli_step_where(head, t, s);
	g_string_append_printf(head, "%s %s on cpu %d\n", kind, call, s->cpu);
	text_block(head->str, lines);
	g_string_free(head, TRUE);
	g_free(call);
}

void cli_report_initial_lines(cli_report *r, const cli_trace *t, const char *kind, const char *lines)
{
	if (r->o.json) {
		json_t *o = json_object();
		json_object_set_new(o, "kind", json_string(kind));
		json_object_set_new(o, "lines", lines_json(lines));
		json_object_set_new(r->file, "initial", o);
		return;
	}
	char *head = g_strdup_printf("%s: %s before the first step\n", t->file, kind);
	text_block(head, lines);
	g_free(head);
}

void cli_report_state(cli_report *r, int cpu, json_t *state)
{
	if (r->o.json) {
		json_object_set_new(r->file, "final_state_cpu", json_integer(cpu));
		json_object_set_new(r->file, "final_state", state);
		return;
	}
	char *text = cli_json_text(state, true);
	puts(text);
	fflush(stdout);
	g_free(text);
	json_decref(state);
}

void cli_report_error(cli_report *r, const char *msg)
{
	fprintf(stderr, "%s\n", msg);
	if (!r->o.json)
		return;
	if (r->file)
		json_object_set_new(r->file, "error", json_string(msg));
	else
		json_array_append_new(r->errors, json_string(msg));
}

static const char *const status_names[] = {"held", "diverged", "error"};

void cli_report_file_end(cli_report *r, const cli_trace *t, cli_file_status st, size_t steps,
			 size_t divergences, size_t first_divergence, bool stopped,
			 size_t fallback_high)
{
	if (r->o.json) {
		if (!r->file)
			cli_report_file_begin(r, t);
		json_object_set_new(r->file, "status", json_string(status_names[st]));
		json_object_set_new(r->file, "steps", json_integer((json_int_t)steps));
		json_object_set_new(r->file, "stopped", json_boolean(stopped));
		json_object_set_new(r->file, "ran_at_high_without_low",
				    json_integer((json_int_t)fallback_high));
		json_array_append_new(r->files, r->file);
		r->file = NULL;
		return;
	}
	if (r->o.quiet)
		return;
	FILE *out = summary_out(r);
	fflush(stdout);
	const char *plural = steps == 1 ? "" : "s";
	if (st == CLI_FILE_HELD)
		fprintf(out, "%s: %zu step%s, all expectations held", t->file, steps, plural);
	else if (st == CLI_FILE_ERROR)
		fprintf(out, "%s: bad input, replay stopped after %zu step%s", t->file, steps, plural);
	else if (stopped)
		fprintf(out, "%s: divergence at step %zu, replay stopped there (--keep-going replays "
			     "the rest)", t->file, first_divergence);
	else
		fprintf(out, "%s: %zu step%s, %zu divergence%s (first at step %zu)", t->file, steps,
			plural, divergences, divergences == 1 ? "" : "s", first_divergence);
	if (fallback_high)
		fprintf(out, " (%zu step%s of ops without a _spec0 ran at high)", fallback_high,
			fallback_high == 1 ? "" : "s");
	fputc('\n', out);
	fflush(out);
}

void cli_report_file_summary(cli_report *r, const cli_trace *t, cli_file_status st,
			     const char *text, json_t *fields)
{
	if (r->o.json) {
		if (!r->file)
			cli_report_file_begin(r, t);
		json_object_set_new(r->file, "status", json_string(status_names[st]));
		if (fields)
			json_object_update(r->file, fields);
		json_decref(fields);
		json_array_append_new(r->files, r->file);
		r->file = NULL;
		return;
	}
	json_decref(fields);
	if (r->o.quiet || !text)
		return;
	FILE *out = summary_out(r);
	fflush(stdout);
	fprintf(out, "%s\n", text);
	fflush(out);
}

void cli_report_coverage(cli_report *r, const hm_cov_report *cov, bool untaken)
{
	if (r->o.json) {
		json_object_set_new(r->doc, "coverage", hm_cov_report_json(cov));
		return;
	}
	GString *out = g_string_new(NULL);
	hm_cov_report_text(cov, untaken, out);
	FILE *f = summary_out(r);
	fflush(stdout);
	fputs(out->str, f);
	fflush(f);
	g_string_free(out, TRUE);
}

int cli_report_finish(cli_report *r, int exit_code)
{
	if (!r->o.json)
		return exit_code;
	static const char *const overall[] = {"held", "diverged", "error"};
	json_object_set_new(r->doc, "status", json_string(overall[exit_code]));
	json_object_set_new(r->doc, "exit", json_integer(exit_code));
	json_object_set(r->doc, "traces", r->files);
	json_object_set(r->doc, "errors", r->errors);
	char *text = cli_json_text(r->doc, true);
	puts(text);
	g_free(text);
	return exit_code;
}
