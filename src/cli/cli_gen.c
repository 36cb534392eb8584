/* hypsec-model gen SCENARIO [-o FILE] and gen --list: writes the trace of
 * a named scenario (cli_scenarios.c) with the expectations the model
 * computes for it: each step's result, its return value, and the values
 * of the scenario's focus paths after the step.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cli_focus.h"
#include "cli_scenarios.h"
#include "json.h"
#include "model.h"

/* The JSON of a scenario text, written with ' for ". */
static json_t *scenario_json(const char *text, GString *err, const char *what)
{
	char *s = g_strdup(text);
	for (char *p = s; *p; p++)
		if (*p == '\'')
			*p = '"';
	json_error_t jerr;
	json_t *j = json_loads(s, JSON_REJECT_DUPLICATES, &jerr);
	if (!j)
		g_string_append_printf(err, "%s: %s at column %d", what, jerr.text, jerr.column);
	g_free(s);
	return j;
}

/* Runs step j (a step without expect) and adds its expect. */
static bool gen_step(hm_model *m, json_t *j, const char *focus, size_t index, GString *err)
{
	const char *why = NULL;
	hm_z cpu = 0;
	const json_t *jc = json_object_get(j, "cpu");
	if (jc && !hm_json_to_z(jc, &cpu, &why)) {
		g_string_append_printf(err, "step %zu: cpu: %s", index, why);
		return false;
	}
	const char *op = json_string_value(json_object_get(j, "op"));
	const hm_op_def *def = op ? hm_op_find(op) : NULL;
	if (!def) {
		g_string_append_printf(err, "step %zu: op %s is not in the op table", index,
				       op ? op : "(missing)");
		return false;
	}
	hm_arg args[HM_OP_MAX_ARGS];
	const json_t *ja = json_object_get(j, "args");
	for (unsigned i = 0; i < def->nargs; i++) {
		args[i].name = def->args[i];
		if (!hm_json_to_z(json_object_get(ja, def->args[i]), &args[i].value, &why)) {
			g_string_append_printf(err, "step %zu: args.%s: %s", index, def->args[i],
					       why ? why : "missing");
			return false;
		}
	}
	const json_t *set = json_object_get(j, "set");
	if (set && !cli_overlay(m, (int)cpu, set, err))
		return false;
	const json_t *oracle = json_object_get(j, "oracle");
	cli_script_oracle(m, json_object_get(oracle, "doracle"), false);
	cli_script_oracle(m, json_object_get(oracle, "core_doracle"), true);
	hm_level level = HM_LEVEL_HIGH;
	const json_t *jl = json_object_get(j, "level");
	if (jl)
		cli_level_from_name(json_string_value(jl), &level);
	hm_result res;
	char *serr = NULL;
	if (hm_model_step(m, (int)cpu, level, op, args, def->nargs, &res, &serr) != HM_OK) {
		g_string_append_printf(err, "step %zu: %s", index, serr ? serr : "did not run");
		g_free(serr);
		return false;
	}
	json_t *expect = json_object();
	json_object_set_new(expect, "result", json_string(hm_result_kind_name(res.kind)));
	json_t *state = json_object();
	char **paths = g_strsplit(focus ? focus : "", " ", -1);
	bool ok = true;
	for (char **p = paths; ok && *p; p++)
		if (**p)
			ok = cli_focus_add(state, hm_model_view(m, (int)cpu), *p, err);
	g_strfreev(paths);
	if (json_object_size(state))
		json_object_set(expect, "state", state);
	json_decref(state);
	if (res.has_ret)
		json_object_set_new(expect, "ret", hm_json_from_z(res.ret));
	json_object_set_new(j, "expect", expect);
	return ok;
}

/* The trace of scenario sc (a new reference), or NULL with err set. */
static json_t *gen_trace(const cli_scenario *sc, GString *err)
{
	json_t *trace = json_object(), *steps = json_array();
	json_object_set_new(trace, "format", json_string("hypsec-trace/1"));
	json_object_set_new(trace, "name", json_string(sc->name));
	json_object_set_new(trace, "description", json_string(sc->description));
	json_t *config = scenario_json(sc->config, err, "config");
	json_t *init = sc->init ? scenario_json(sc->init, err, "init") : NULL;
	hm_model *m = NULL;
	bool ok = config && (!sc->init || init);
	if (ok) {
		json_object_set(trace, "config", config);
		if (init)
			json_object_set(trace, "init", init);
		char *text = cli_json_text(config, false), *cerr = NULL;
		hm_config *c = hm_config_from_json(text, &cerr);
		g_free(text);
		m = c ? hm_model_new(c, &cerr) : NULL;
		hm_config_free(c);
		if (!m)
			g_string_append_printf(err, "%s", cerr ? cerr : "config: invalid");
		g_free(cerr);
		ok = m != NULL;
	}
	for (int cpu = 0; ok && init && cpu < hm_model_cpus(m); cpu++)
		ok = cli_overlay(m, cpu, init, err);
	for (size_t i = 0; ok && sc->steps[i].step; i++) {
		json_t *step = scenario_json(sc->steps[i].step, err, "step");
		ok = step && gen_step(m, step, sc->steps[i].focus, i, err);
		if (step)
			json_array_append_new(steps, step);
	}
	json_object_set_new(trace, "steps", steps);
	json_decref(config);
	json_decref(init);
	hm_model_free(m);
	if (!ok) {
		json_decref(trace);
		return NULL;
	}
	return trace;
}

static bool available(const cli_scenario *sc)
{
	return !sc->requires || hm_op_find(sc->requires);
}

static void list_scenarios(void)
{
	for (size_t i = 0; cli_scenario_at(i); i++) {
		const cli_scenario *sc = cli_scenario_at(i);
		if (available(sc))
			printf("%-28s %s\n", sc->name, sc->summary);
	}
}

int cli_gen_main(int argc, char **argv)
{
	char *output = NULL;
	gboolean list = FALSE;
	GOptionEntry entries[] = {
		{"output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
		 "Write the trace to FILE instead of stdout", "FILE"},
		{"list", 0, 0, G_OPTION_ARG_NONE, &list, "List the scenarios", NULL},
		{NULL, 0, 0, 0, NULL, NULL, NULL}};
	GOptionContext *ctx = g_option_context_new("SCENARIO - write the trace of a named scenario");
	g_option_context_add_main_entries(ctx, entries, NULL);
	g_option_context_set_description(
		ctx, "The trace carries the expectations the model computes: each step's result, its "
		     "return value and the fields the scenario is about.\n`hypsec-model gen --list` "
		     "names the scenarios.");
	g_set_prgname("hypsec-model gen");
	int rc = CLI_EXIT_BAD_INPUT;
	GString *err = g_string_new(NULL);
	if (!cli_parse_options(ctx, "gen", &argc, &argv))
		goto out;
	if (list) {
		list_scenarios();
		rc = CLI_EXIT_HELD;
		goto out;
	}
	if (argc != 2) {
		cli_error("gen", argc < 2 ? "no scenario given (gen --list names them)"
					  : "one scenario at a time");
		goto out;
	}
	const cli_scenario *sc = cli_scenario_find(argv[1]);
	if (!sc || !available(sc)) {
		cli_error("gen", "unknown scenario \"%s\" (gen --list names them)", argv[1]);
		goto out;
	}
	json_t *trace = gen_trace(sc, err);
	if (!trace) {
		cli_error("gen", "scenario %s: %s", sc->name, err->str);
		goto out;
	}
	char *text = cli_json_text(trace, true);
	json_decref(trace);
	if (output) {
		GError *e = NULL;
		char *with_nl = g_strconcat(text, "\n", NULL);
		bool ok = g_file_set_contents(output, with_nl, -1, &e);
		g_free(with_nl);
		if (!ok) {
			cli_error("gen", "%s", e->message);
			g_error_free(e);
			g_free(text);
			goto out;
		}
	} else {
		puts(text);
	}
	g_free(text);
	rc = CLI_EXIT_HELD;
out:
	g_string_free(err, TRUE);
	g_free(output);
	g_option_context_free(ctx);
	return rc;
}
