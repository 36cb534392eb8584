/* libFuzzer harness: any bytes as a trace file, through the reader the
 * command uses (src/cli/cli_trace_reader.c). The first byte picks the
 * file's kind (.json or .jsonl), the rest is its text. Each input is
 * opened, its config made into a model, its `init` laid over it, and
 * every step read and validated, its `set` laid and its oracle answers
 * scripted, its expect.state matched: all the input-driven work of a
 * replay except running the ops (whose loops take counts from the data:
 * fuzz_ops.c runs ops). Nothing may crash, leak or hang. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <glib/gstdio.h>

#include "cli.h"
#include "cli_trace_reader.h"
#include "json.h"
#include "model.h"

static void read_trace(const char *path)
{
	cli_trace t;
	GString *err = g_string_new(NULL);
	if (!cli_trace_open(&t, path, err)) {
		cli_trace_close(&t);
		g_string_free(err, TRUE);
		return;
	}
	hm_model *m = hm_model_new(t.config, NULL);
	for (int cpu = 0; m && t.init && cpu < hm_model_cpus(m); cpu++)
		cli_overlay(m, cpu, t.init, err);
	for (;;) {
		cli_step s;
		int r = cli_trace_next(&t, &s, err);
		if (r <= 0)
			break;
		if (m && s.cpu < hm_model_cpus(m)) {
			if (s.set)
				cli_overlay(m, s.cpu, s.set, err);
			cli_script_oracle(m, s.doracle, false);
			cli_script_oracle(m, s.core_doracle, true);
			if (s.expect_state) {
				GString *report = g_string_new(NULL), *merr = g_string_new(NULL);
				hm_pool *pool = hm_pool_push();
				hm_json_match_state(hm_model_view(m, s.cpu), s.expect_state, report, merr);
				hm_pool_pop(pool);
				g_string_free(report, TRUE);
				g_string_free(merr, TRUE);
			}
		}
		cli_step_clear(&s);
	}
	hm_model_free(m);
	cli_trace_close(&t);
	g_string_free(err, TRUE);
}

static char *dir; /* where each input is written, once a run */

static void remove_dir(void)
{
	g_rmdir(dir);
	g_free(dir);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!dir) {
		dir = g_dir_make_tmp("hm-fuzz-trace-XXXXXX", NULL);
		atexit(remove_dir);
	}
	if (size < 1 || !dir)
		return 0;
	char *path = g_build_filename(dir, data[0] & 1 ? "input.jsonl" : "input.json", NULL);
	if (g_file_set_contents(path, (const char *)data + 1, (gssize)(size - 1), NULL))
		read_trace(path);
	g_unlink(path);
	g_free(path);
	return 0;
}
