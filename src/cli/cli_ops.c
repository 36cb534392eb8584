/* hypsec-model ops: the ops a trace can call, from the op table. */
#include <stdio.h>

#include "cli.h"
#include "spec.h"

int cli_ops_main(int argc, char **argv)
{
	gboolean names = FALSE, json = FALSE;
	GOptionEntry entries[] = {
		{"names", 'n', 0, G_OPTION_ARG_NONE, &names, "Only the names, one a line", NULL},
		{"json", 'j', 0, G_OPTION_ARG_NONE, &json, "A JSON array of {op, module, args, low}",
		 NULL},
		{NULL, 0, 0, 0, NULL, NULL, NULL}};
	GOptionContext *ctx = g_option_context_new("- list the ops traces can call");
	g_option_context_add_main_entries(ctx, entries, NULL);
	g_option_context_set_description(
		ctx, "Each line: the op (the Coq name without _spec), its arguments by their Coq "
		     "names, whether it has a low level (_spec0), and the spec module it comes from.");
	g_set_prgname("hypsec-model ops");
	int rc = CLI_EXIT_BAD_INPUT;
	if (!cli_parse_options(ctx, "ops", &argc, &argv))
		goto out;
	if (argc > 1) {
		cli_error("ops", "unexpected argument \"%s\"", argv[1]);
		goto out;
	}
	json_t *a = json_array();
	for (size_t i = 0; i < hm_op_total(); i++) {
		const hm_op_def *d = hm_op_at(i);
		if (json) {
			json_t *o = json_object(), *args = json_array();
			for (unsigned j = 0; j < d->nargs; j++)
				json_array_append_new(args, json_string(d->args[j]));
			json_object_set_new(o, "op", json_string(d->name));
			json_object_set_new(o, "module", json_string(d->module));
			json_object_set_new(o, "args", args);
			json_object_set_new(o, "low", json_boolean(d->low != NULL));
			json_array_append_new(a, o);
		} else if (names) {
			printf("%s\n", d->name);
		} else {
			GString *args = g_string_new(NULL);
			for (unsigned j = 0; j < d->nargs; j++)
				g_string_append_printf(args, "%s%s", j ? ", " : "", d->args[j]);
			printf("%-32s (%s)%s  [%s]\n", d->name, args->str, d->low ? " high+low" : "",
			       d->module);
			g_string_free(args, TRUE);
		}
	}
	if (json) {
		char *text = cli_json_text(a, true);
		puts(text);
		g_free(text);
	}
	json_decref(a);
	rc = CLI_EXIT_HELD;
out:
	g_option_context_free(ctx);
	return rc;
}
