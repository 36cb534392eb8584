/* The hypsec-model command: what its subcommands share.
 *
 * Exit codes (DESIGN.md: The command): 0 when everything held, 1 when a
 * divergence or violation was found, 2 on bad input or bad usage.
 */
#ifndef HM_CLI_H
#define HM_CLI_H

#include <glib.h>
#include <jansson.h>

#include "hypsec_model.h"

enum {
	CLI_EXIT_HELD = 0,
	CLI_EXIT_DIVERGED = 1,
	CLI_EXIT_BAD_INPUT = 2,
};

/* The subcommands: argv[0] is the subcommand's name. */
int cli_replay_main(int argc, char **argv);
int cli_state_main(int argc, char **argv);
int cli_gen_main(int argc, char **argv);
int cli_ops_main(int argc, char **argv);
int cli_refine_main(int argc, char **argv);
int cli_diff_main(int argc, char **argv);

/* Parses the options of a subcommand; on a usage error prints it on
 * stderr (with the subcommand's name) and returns false. */
bool cli_parse_options(GOptionContext *ctx, const char *cmd, int *argc, char ***argv);

/* Prints "hypsec-model CMD: message" on stderr. */
void cli_error(const char *cmd, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

/* The name of a level and a result kind as traces write them. */
const char *cli_level_name(hm_level l);
bool cli_level_from_name(const char *s, hm_level *out);
bool cli_result_from_name(const char *s, hm_result_kind *out);

/* Lays a partial state over the view of cpu (init, set); false with the
 * message (a path relative to the partial state) in err. */
bool cli_overlay(hm_model *m, int cpu, const json_t *partial, GString *err);
/* Scripts the data oracle from validated {vmid, logn, value} entries. */
void cli_script_oracle(hm_model *m, const json_t *entries, bool core);

/* Dumps j as text (caller g_free's): indented or compact. */
char *cli_json_text(const json_t *j, bool indent);

#endif
