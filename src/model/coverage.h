/* Spec-branch coverage (DESIGN.md: replay --coverage, fuzz --coverage).
 *
 * Every COV site of the program (spec.h) is one branch point of a spec
 * function: `fn` names the function after its Coq definition, `label` the
 * condition and arm. The report groups the sites by function, sorted by
 * function name: for each, how many of its branch points ran at least
 * once (taken) out of how many it has (total), and the labels that never
 * ran. Sites that share a function and a label (a COV in an inline helper
 * compiled into several files) count as one branch point.
 *
 * The counters are global to the process: hm_cov_reset() before the run
 * to be measured, hm_cov_report_new() after it.
 */
#ifndef HM_COVERAGE_H
#define HM_COVERAGE_H

#include <glib.h>
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct hm_cov_fn {
	const char *fn;
	size_t taken, total;
	uint64_t hits;       /* runs of all its branch points together */
	GPtrArray *untaken;  /* const char *labels (static), sorted */
} hm_cov_fn;

typedef struct hm_cov_report {
	GArray *fns; /* hm_cov_fn, sorted by fn */
	size_t taken, total;
} hm_cov_report;

/* The report of the counters as they are now. */
hm_cov_report *hm_cov_report_new(void);
void hm_cov_report_free(hm_cov_report *r);

/* The entry of one function, NULL if it has no branch point. */
const hm_cov_fn *hm_cov_report_find(const hm_cov_report *r, const char *fn);

/* The text table: one line per function "fn  taken/total  pct", then,
 * when `untaken`, each label never taken indented under its function;
 * a total line at the end. */
void hm_cov_report_text(const hm_cov_report *r, bool untaken, GString *out);

/* {"taken": N, "total": N, "functions": [{"fn", "taken", "total",
 *  "hits", "untaken": [labels]}]} */
json_t *hm_cov_report_json(const hm_cov_report *r);

#endif
