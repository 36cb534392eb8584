/* The replay loop, shared by `replay` and `refine`: open a trace, build
 * its model, lay `init`, then for every step lay `set`, script the data
 * oracles, run the op at its level and report what the mode asks for.
 *
 * `replay` checks each step's expectations; `refine` (refine = true) runs
 * every step at HM_LEVEL_BOTH, ignores the expectations, reports every
 * step whose levels disagree under the refinement relation and goes on
 * from the high level's state.
 */
#ifndef HM_CLI_REPLAY_H
#define HM_CLI_REPLAY_H

#include "cli_report.h"
#include "cli_watch.h"

typedef struct cli_replay_opts {
	char *level;
	gboolean keep_going, diff, json, quiet, full_logs, coverage, coverage_untaken;
	gboolean check_invariants; /* shared_inv after each step (cli_fuzz_checks.c) */
	gboolean print_state;
	int state_cpu;
	char **watch;
	/* parsed */
	bool has_level;
	hm_level forced;
	cli_watch *watches;
	size_t nwatches;
	/* refine: compare the levels instead of checking expectations */
	bool refine;
} cli_replay_opts;

/* What a refine run counted in one trace. */
typedef struct cli_refine_counts {
	size_t steps;      /* steps run */
	size_t compared;   /* run at both levels */
	size_t disagree;   /* compared, and the levels disagreed */
	size_t vacuous;    /* compared with a high-level None: nothing asked of low */
	size_t skipped;    /* ops without a _spec0: run at high only */
	size_t first_disagreement;
} cli_refine_counts;

/* Replays files[0..n-1] each on a fresh model with one report; runs the
 * coverage report when asked and prints the JSON document. Returns the
 * exit code (the worst of the files). */
int cli_replay_files(const cli_replay_opts *o, char **files, int n);

/* refine's end of a trace: its summary line or JSON members
 * (cli_refine.c). */
void cli_refine_file_end(cli_report *rep, const cli_trace *t, cli_file_status st,
			 const cli_refine_counts *c);

#endif
