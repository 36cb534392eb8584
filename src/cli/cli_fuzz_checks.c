/* What `replay --check-invariants` and `--coverage` add to a replay: the
 * fuzzer's shared_inv monitors and the spec-branch coverage report. */
#include "cli.h"
#include "cli_fuzz.h"
#include "coverage.h"
#include "fuzz.h"
#include "model.h"
#include "security_invs_monitor.h"

struct cli_inv_checks {
	hm_inv_monitor *mon[8]; /* TOTAL_CPU */
};

cli_inv_checks *cli_inv_checks_new(void)
{
	cli_inv_checks *c = g_new0(cli_inv_checks, 1);
	for (int i = 0; i < 8; i++)
		c->mon[i] = hm_inv_monitor_new();
	return c;
}

void cli_inv_checks_free(cli_inv_checks *c)
{
	if (!c)
		return;
	for (int i = 0; i < 8; i++)
		hm_inv_monitor_free(c->mon[i]);
	g_free(c);
}

void cli_inv_checks_reset(cli_inv_checks *c)
{
	for (int i = 0; i < 8; i++)
		hm_inv_monitor_reset(c->mon[i]);
}

bool cli_inv_checks_step(cli_inv_checks *c, const hm_model *m, int cpu, GPtrArray *lines)
{
	hm_inv_violation v = {0};
	hm_pool *pool = hm_pool_push();
	bool ok = hm_inv_monitor_check(c->mon[cpu], hm_fuzz_current_shared(m, cpu), &v);
	hm_pool_pop(pool);
	if (ok)
		return true;
	g_ptr_array_add(lines, g_strdup_printf("invariant %s: %s", v.inv, v.detail));
	return false;
}

void cli_print_coverage(FILE *out, bool json)
{
	hm_cov_report *r = hm_cov_report_new();
	if (json) {
		json_t *j = hm_cov_report_json(r);
		char *t = cli_json_text(j, true);
		fprintf(out, "%s\n", t);
		g_free(t);
		json_decref(j);
	} else {
		GString *s = g_string_new(NULL);
		hm_cov_report_text(r, true, s);
		fputs(s->str, out);
		g_string_free(s, TRUE);
	}
	hm_cov_report_free(r);
}
