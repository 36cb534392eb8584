/* hypsec-model state [--config FILE]: the initial state (TRACE-FORMAT.md:
 * The initial state) of a config as JSON. FILE holds a config object or
 * a trace (.json or .jsonl); for a trace, its `init` is laid over the
 * state as well, giving the state its first step starts from.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli_trace_reader.h"
#include "json.h"
#include "model.h"

static const char *const trace_keys[] = {"format", "name", "description", "config", "init", "steps"};

/* cli_trace_reader.h: whether the JSON in file (its first line for
 * .jsonl) is a trace object. */
int cli_looks_like_trace(const char *file, GString *err)
{
	json_error_t jerr;
	json_t *j;
	if (g_file_test(file, G_FILE_TEST_IS_DIR)) {
		g_string_append_printf(err, "%s: is a directory, not a config", file);
		return -1;
	}
	if (g_str_has_suffix(file, ".jsonl")) {
		FILE *fp = fopen(file, "r");
		if (!fp) {
			g_string_append_printf(err, "%s: cannot open: %s", file, g_strerror(errno));
			return -1;
		}
		char *line = NULL;
		size_t cap = 0;
		ssize_t n = getline(&line, &cap, fp);
		fclose(fp);
		j = n > 0 ? json_loads(line, JSON_REJECT_DUPLICATES, &jerr) : NULL;
		if (n <= 0)
			snprintf(jerr.text, sizeof jerr.text, "empty file");
		free(line);
	} else {
		j = json_load_file(file, JSON_REJECT_DUPLICATES, &jerr);
	}
	if (!j) {
		g_string_append_printf(err, "%s: invalid JSON: %s", file, jerr.text);
		return -1;
	}
	int trace = 0;
	if (!json_is_object(j)) {
		g_string_append_printf(err, "%s: expected a config object or a trace object", file);
		trace = -1;
	}
	for (size_t i = 0; trace == 0 && i < G_N_ELEMENTS(trace_keys); i++)
		if (json_object_get(j, trace_keys[i]))
			trace = 1;
	json_decref(j);
	return trace;
}

/* The model of a config file (a bare config object). */
static hm_model *model_of_config(const char *file, GString *err)
{
	gchar *text = NULL;
	GError *e = NULL;
	if (!g_file_get_contents(file, &text, NULL, &e)) {
		g_string_append_printf(err, "%s: %s", file, e->message);
		g_error_free(e);
		return NULL;
	}
	char *cerr = NULL, *merr = NULL;
	hm_config *c = hm_config_from_json(text, &cerr);
	g_free(text);
	hm_model *m = c ? hm_model_new(c, &merr) : NULL;
	if (!m)
		g_string_append_printf(err, "%s: %s", file, cerr ? cerr : merr ? merr : "invalid config");
	g_free(cerr);
	g_free(merr);
	hm_config_free(c);
	return m;
}

/* The model of a trace file, init laid over every view. */
static hm_model *model_of_trace(const char *file, GString *err)
{
	cli_trace t;
	hm_model *m = NULL;
	if (cli_trace_open(&t, file, err)) {
		char *merr = NULL;
		m = hm_model_new(t.config, &merr);
		if (!m)
			g_string_append_printf(err, "%s: %s", file, merr ? merr : "invalid config");
		g_free(merr);
		for (int cpu = 0; m && t.init && cpu < hm_model_cpus(m); cpu++) {
			GString *msg = g_string_new(NULL);
			if (!cli_overlay(m, cpu, t.init, msg)) {
				g_string_append_printf(err, "%s: ", file);
				cli_prefixed(err, "init", msg->str);
				hm_model_free(m);
				m = NULL;
			}
			g_string_free(msg, TRUE);
		}
	}
	cli_trace_close(&t);
	return m;
}

int cli_state_main(int argc, char **argv)
{
	char *config = NULL;
	int cpu = 0;
	gboolean compact = FALSE;
	GOptionEntry entries[] = {
		{"config", 'c', 0, G_OPTION_ARG_FILENAME, &config,
		 "A file holding a config object, or a trace (.json or .jsonl) whose config and "
		 "init are used; default: the default config", "FILE"},
		{"cpu", 0, 0, G_OPTION_ARG_INT, &cpu, "Print the view of this CPU (default 0)", "CPU"},
		{"compact", 0, 0, G_OPTION_ARG_NONE, &compact, "One line of JSON instead of indented",
		 NULL},
		{NULL, 0, 0, 0, NULL, NULL, NULL}};
	GOptionContext *ctx = g_option_context_new("- print the initial state of a config as JSON");
	g_option_context_add_main_entries(ctx, entries, NULL);
	g_option_context_set_description(
		ctx, "The default config is 1 CPU and 1 GiB of RAM at 0x40000000, whose s2page map "
		     "alone has 262144 entries: a smaller config prints faster, e.g.\n"
		     "  {\"memory\": [{\"base\": \"0x40000000\", \"size\": \"0x100000\"}]}");
	g_set_prgname("hypsec-model state");
	int rc = CLI_EXIT_BAD_INPUT;
	GString *err = g_string_new(NULL);
	hm_model *m = NULL;
	if (!cli_parse_options(ctx, "state", &argc, &argv))
		goto out;
	if (argc > 1) {
		cli_error("state", "unexpected argument \"%s\" (the file goes after --config)", argv[1]);
		goto out;
	}
	if (!config) {
		m = hm_model_new(NULL, NULL);
	} else {
		int trace = cli_looks_like_trace(config, err);
		m = trace < 0 ? NULL : trace ? model_of_trace(config, err) : model_of_config(config, err);
	}
	if (!m) {
		fprintf(stderr, "%s\n", err->str);
		goto out;
	}
	if (cpu < 0 || cpu >= hm_model_cpus(m)) {
		cli_error("state", "--cpu %d: the config has %d CPU%s", cpu, hm_model_cpus(m),
			  hm_model_cpus(m) == 1 ? "" : "s");
		goto out;
	}
	hm_pool *pool = hm_pool_push();
	json_t *j = hm_json_encode_state(hm_model_view(m, cpu));
	hm_pool_pop(pool);
	char *text = cli_json_text(j, !compact);
	puts(text);
	g_free(text);
	json_decref(j);
	rc = CLI_EXIT_HELD;
out:
	hm_model_free(m);
	g_string_free(err, TRUE);
	g_free(config);
	g_option_context_free(ctx);
	return rc;
}
