/* hypsec-model fuzz, and the checks `replay` borrows from it
 * (--check-invariants, --coverage). */
#ifndef HM_CLI_FUZZ_H
#define HM_CLI_FUZZ_H

#include <glib.h>
#include <stdio.h>

#include "hypsec_model.h"

int cli_fuzz_main(int argc, char **argv);

/* shared_inv after replay steps: one incremental monitor per CPU. */
typedef struct cli_inv_checks cli_inv_checks;

cli_inv_checks *cli_inv_checks_new(void);
void cli_inv_checks_free(cli_inv_checks *c);
/* A new trace: the next checks start from scratch. */
void cli_inv_checks_reset(cli_inv_checks *c);
/* Checks the view of cpu; on a violation appends "invariant NAME: witness"
 * to lines (g_free'd strings) and returns false. */
bool cli_inv_checks_step(cli_inv_checks *c, const hm_model *m, int cpu, GPtrArray *lines);

/* The spec-branch coverage of everything run since hm_cov_reset, as text
 * (with the labels never taken) on out, or as JSON when json. */
void cli_print_coverage(FILE *out, bool json);

#endif
