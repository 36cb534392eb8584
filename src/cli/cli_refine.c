/* hypsec-model refine TRACE...: run the high (_spec) and the low (_spec0)
 * level of every step on the same state and report every step where they
 * are not related by the refinement relation of MemManagerRefine.md
 * (results_related in src/model/model.c: a high-level Some needs a
 * low-level Some with an equal state; a high-level None asks nothing),
 * then go on from the high level's state.
 *
 * It is `replay --level both --keep-going` without the expectations: the
 * same loop (cli_replay_files), the same step runner and the same report.
 */
#include <stdio.h>

#include "cli_replay.h"

void cli_refine_file_end(cli_report *rep, const cli_trace *t, cli_file_status st,
			 const cli_refine_counts *c)
{
	size_t agree = c->compared - c->disagree;
	GString *text = g_string_new(NULL);
	if (st == CLI_FILE_ERROR) {
		g_string_printf(text, "%s: bad input, stopped after %zu step%s", t->file, c->steps,
				c->steps == 1 ? "" : "s");
	} else {
		g_string_printf(text, "%s: %zu step%s: %zu compared, %zu agree", t->file, c->steps,
				c->steps == 1 ? "" : "s", c->compared, agree);
		if (c->vacuous)
			g_string_append_printf(text, " (%zu vacuously: the high level gave None)",
					       c->vacuous);
		g_string_append_printf(text, ", %zu disagree", c->disagree);
		if (c->disagree)
			g_string_append_printf(text, " (first at step %zu)", c->first_disagreement);
		g_string_append_printf(text, ", %zu skipped (no low level)", c->skipped);
	}
	json_t *fields = json_object();
	json_object_set_new(fields, "steps", json_integer((json_int_t)c->steps));
	json_object_set_new(fields, "compared", json_integer((json_int_t)c->compared));
	json_object_set_new(fields, "agreements", json_integer((json_int_t)agree));
	json_object_set_new(fields, "vacuous_agreements", json_integer((json_int_t)c->vacuous));
	json_object_set_new(fields, "disagreements", json_integer((json_int_t)c->disagree));
	json_object_set_new(fields, "skipped_no_low_level", json_integer((json_int_t)c->skipped));
	if (c->disagree)
		json_object_set_new(fields, "first_disagreement",
				    json_integer((json_int_t)c->first_disagreement));
	cli_report_file_summary(rep, t, st, text->str, fields);
	g_string_free(text, TRUE);
}

int cli_refine_main(int argc, char **argv)
{
	cli_replay_opts o = {0};
	GOptionEntry entries[] = {
		{"full-logs", 0, 0, G_OPTION_ARG_NONE, &o.full_logs,
		 "Keep every log event (default: logs are compacted once the spec can no longer "
		 "read past their newest events)", NULL},
		{"coverage", 'c', 0, G_OPTION_ARG_NONE, &o.coverage,
		 "After the run, report which branches of each spec function ran, at both levels",
		 NULL},
		{"coverage-untaken", 0, 0, G_OPTION_ARG_NONE, &o.coverage_untaken,
		 "Like --coverage, and list the branches that never ran", NULL},
		{"json", 'j', 0, G_OPTION_ARG_NONE, &o.json,
		 "Print one machine-readable JSON report instead of text", NULL},
		{"quiet", 'q', 0, G_OPTION_ARG_NONE, &o.quiet,
		 "No summary lines and no progress; disagreements and errors are still reported",
		 NULL},
		{NULL, 0, 0, 0, NULL, NULL, NULL}};
	GOptionContext *ctx =
		g_option_context_new("TRACE... - compare the high and the low level of every step");
	GOptionGroup *group = g_option_group_new(NULL, NULL, NULL, &o, NULL);
	g_option_group_add_entries(group, entries);
	g_option_context_set_main_group(ctx, group);
	g_option_context_set_description(
		ctx,
		"Runs every step of each TRACE at both levels on the same state: the _spec definition "
		"(high) and the _spec0 one (low). A step disagrees when the high level gives a state "
		"and the low level gives none or a different one; a high-level None asks nothing. "
		"Every disagreement is reported with the differing paths (high -> low), and the run "
		"goes on from the high level's state. Ops without a _spec0 run at high and are counted "
		"as skipped. The steps' expectations are not checked (replay does that).\n"
		"Exit status: 0 no disagreement, 1 a disagreement, 2 bad input or usage.\n"
		"docs/command.md describes the command.");
	g_set_prgname("hypsec-model refine");
	int rc = CLI_EXIT_BAD_INPUT;
	if (!cli_parse_options(ctx, "refine", &argc, &argv))
		goto out;
	if (argc < 2) {
		cli_error("refine", "no trace given (see --help)");
		goto out;
	}
	o.refine = true;
	o.keep_going = true;
	o.has_level = true;
	o.forced = HM_LEVEL_BOTH;
	rc = cli_replay_files(&o, argv + 1, argc - 1);
out:
	g_option_context_free(ctx);
	return rc;
}
