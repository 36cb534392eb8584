/* The named scenarios of `hypsec-model gen`: a config, an optional
 * init, and steps without expectations. `gen` runs them on the model and
 * writes the expectations it computes: the result, the return value, and
 * the values of the scenario's focus paths (the fields the scenario is
 * about, not the whole state).
 *
 * Step texts are JSON written with ' for " so that they read in C.
 */
#ifndef HM_CLI_SCENARIOS_H
#define HM_CLI_SCENARIOS_H

#include <stddef.h>

typedef struct cli_scenario_step {
	const char *step;  /* {cpu, op, args, set, oracle}, ' for " */
	const char *focus; /* paths separated by spaces: "halt shared.s2page[0x40001]" */
} cli_scenario_step;

typedef struct cli_scenario {
	const char *name;
	const char *summary;     /* one line, for gen --list */
	const char *description; /* the trace's description */
	const char *config;      /* ' for " */
	const char *init;        /* ' for ", or NULL */
	const char *requires;    /* an op the scenario needs in the op table, or NULL */
	const cli_scenario_step *steps; /* ends with {NULL, NULL} */
} cli_scenario;

const cli_scenario *cli_scenario_at(size_t i); /* NULL past the end */
const cli_scenario *cli_scenario_find(const char *name);

#endif
