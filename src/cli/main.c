/* hypsec-model: dispatches to the subcommands. */
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cli_fuzz.h"
#include "json.h"

typedef struct subcommand {
	const char *name;
	int (*main)(int argc, char **argv);
	const char *summary;
} subcommand;

static const subcommand subcommands[] = {
	{"replay", cli_replay_main, "replay traces and check every expectation"},
	{"refine", cli_refine_main, "compare the high and the low level of every step"},
	{"diff", cli_diff_main, "replay a hardware log through the model, report every divergence"},
	{"state", cli_state_main, "print the initial state of a config or trace"},
	{"gen", cli_gen_main, "write the trace of a named scenario"},
	{"ops", cli_ops_main, "list the ops traces can call, with their arguments"},
	{"fuzz", cli_fuzz_main, "generate op sequences, check invariants and levels, shrink failures"},
};

static void usage(FILE *out)
{
	fprintf(out, "Usage:\n  hypsec-model SUBCOMMAND [OPTION...]\n\n"
		     "An executable reference model of the SeKVM/HypSec MemManager and TrapHandler specs.\n\n"
		     "Subcommands:\n");
	for (size_t i = 0; i < G_N_ELEMENTS(subcommands); i++)
		fprintf(out, "  %-8s %s\n", subcommands[i].name, subcommands[i].summary);
	fprintf(out, "\n`hypsec-model SUBCOMMAND --help` describes the options of each.\n"
		     "Exit status: 0 all held, 1 a divergence or violation, 2 bad input or usage.\n");
}

void cli_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "hypsec-model %s: ", cmd);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

bool cli_parse_options(GOptionContext *ctx, const char *cmd, int *argc, char ***argv)
{
	GError *e = NULL;
	if (g_option_context_parse(ctx, argc, argv, &e))
		return true;
	cli_error(cmd, "%s (see --help)", e->message);
	g_error_free(e);
	return false;
}

const char *cli_level_name(hm_level l)
{
	return l == HM_LEVEL_LOW ? "low" : l == HM_LEVEL_BOTH ? "both" : "high";
}

bool cli_level_from_name(const char *s, hm_level *out)
{
	static const char *const names[] = {"high", "low", "both"};
	for (int i = 0; i < 3; i++)
		if (strcmp(s, names[i]) == 0) {
			*out = (hm_level)i;
			return true;
		}
	return false;
}

bool cli_result_from_name(const char *s, hm_result_kind *out)
{
	for (int k = HM_RESULT_OK; k <= HM_RESULT_RELY; k++)
		if (strcmp(s, hm_result_kind_name((hm_result_kind)k)) == 0) {
			*out = (hm_result_kind)k;
			return true;
		}
	return false;
}

int main(int argc, char **argv)
{
	setlocale(LC_ALL, "");
	/* Before any JSON value exists: they are freed where they were made. */
	hm_json_use_small_alloc();
	if (argc < 2) {
		usage(stderr);
		return CLI_EXIT_BAD_INPUT;
	}
	const char *cmd = argv[1];
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
		usage(stdout);
		return CLI_EXIT_HELD;
	}
	if (strcmp(cmd, "--version") == 0) {
		printf("hypsec-model 0.1.0 (trace format hypsec-trace/1)\n");
		return CLI_EXIT_HELD;
	}
	for (size_t i = 0; i < G_N_ELEMENTS(subcommands); i++)
		if (strcmp(cmd, subcommands[i].name) == 0)
			return subcommands[i].main(argc - 1, argv + 1);
	fprintf(stderr, "hypsec-model: unknown subcommand \"%s\"\n\n", cmd);
	usage(stderr);
	return CLI_EXIT_BAD_INPUT;
}
