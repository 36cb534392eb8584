/* What `replay` reports, as text or as one JSON document (--json) with
 * the same facts. Text goes to stdout as it happens; input errors always
 * go to stderr as well.
 */
#ifndef HM_CLI_REPORT_H
#define HM_CLI_REPORT_H

#include "cli_trace_reader.h"

typedef struct cli_report cli_report;

typedef struct cli_report_opts {
	bool json;             /* one JSON document at the end */
	bool quiet;            /* no summary lines */
	bool summary_to_stderr; /* stdout carries something else (--print-state) */
} cli_report_opts;

/* A step whose result differs from what the trace expects. */
typedef struct cli_divergence {
	const cli_trace *t;
	const cli_step *s;
	hm_level level;          /* the level it ran at */
	const hm_result *res;
	const GPtrArray *lines;  /* "PATH: expected X, model Y" */
	const char *refinement;  /* HM_LEVEL_BOTH: "PATH: HIGH -> LOW" lines, or NULL */
	bool refine;             /* refine: a level disagreement, worded as one */
} cli_divergence;

cli_report *cli_report_new(const cli_report_opts *o);
void cli_report_free(cli_report *r);

void cli_report_file_begin(cli_report *r, const cli_trace *t);
void cli_report_divergence(cli_report *r, const cli_divergence *d);
/* One observation of an implementation that differs from the model
 * (diff: the hm_divergence fields of include/hypsec_check.h). */
typedef struct cli_observed {
	const char *kind;           /* hm_divergence_kind_name: "page", "s2" ... */
	const char *path;           /* "shared.s2page[0x40001].s2_owner" */
	const char *implementation; /* what the log says */
	const char *model;          /* what the model holds */
	const char *text;           /* "PATH: implementation X, model Y" */
} cli_observed;

/* The observations of one record of a hardware log (s: its step; s->op
 * NULL for a record of observations only) that differ from the model. */
void cli_report_observed(cli_report *r, const cli_trace *t, const cli_step *s, hm_level level,
			 const cli_observed *obs, size_t n);

/* Lines about one step: kind "diff" (--diff) or "watch" (--watch). */
void cli_report_step_lines(cli_report *r, const cli_trace *t, const cli_step *s, const char *kind,
			   const char *lines);
/* Lines about the trace before its first step (the watched values). */
void cli_report_initial_lines(cli_report *r, const cli_trace *t, const char *kind, const char *lines);
/* The final state of a CPU's view (--print-state); steals `state`. */
void cli_report_state(cli_report *r, int cpu, json_t *state);
/* An input error: printed on stderr, recorded in the JSON report. */
void cli_report_error(cli_report *r, const char *msg);

typedef enum cli_file_status {
	CLI_FILE_HELD,
	CLI_FILE_DIVERGED,
	CLI_FILE_ERROR,
} cli_file_status;

/* steps: the steps run; stopped: the replay ended at the first divergence. */
void cli_report_file_end(cli_report *r, const cli_trace *t, cli_file_status st, size_t steps,
			 size_t divergences, size_t first_divergence, bool stopped,
			 size_t fallback_high);

/* The end of a file for subcommands with their own counts (refine,
 * diff): text is the summary line (printed unless quiet or JSON), fields
 * (stolen, may be NULL) are merged into the file's JSON object. */
void cli_report_file_summary(cli_report *r, const cli_trace *t, cli_file_status st,
			     const char *text, json_t *fields);

/* The spec-branch coverage of the run (--coverage): a table, or the
 * "coverage" member of the JSON document. */
struct hm_cov_report;
void cli_report_coverage(cli_report *r, const struct hm_cov_report *cov, bool untaken);

/* Prints the JSON document (--json) and returns exit_code. */
int cli_report_finish(cli_report *r, int exit_code);

/* "assign_pfn_to_vm(vmid=1, gfn=0x80000, pfn=0x40001)", or "observations"
 * for a step without an op (caller frees) */
char *cli_step_call_text(const cli_step *s);

#endif
