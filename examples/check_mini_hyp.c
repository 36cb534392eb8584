/* Checks mini_hyp (examples/mini_hyp/mini_hyp.h), an independent
 * implementation of six MemManager operations, against the spec as it
 * runs: every operation and everything it touched is reported to the
 * linked checker (include/hypsec_check.h). Exits 0 when the checker finds
 * no divergence and mini_hyp did what the scenario exercises. */
#include "mini_hyp/mini_hyp.h"
#include "mini_hyp/scenario.h"

static void print_divergence(const hm_divergence *d, void *ctx)
{
	(void)ctx;
	printf("%s\n", d->report);
}

int main(void)
{
	struct driver d;
	sc_setup(&d, print_divergence, NULL);
	bool as_planned = sc_run(&d);
	size_t ops = hm_checker_ops(d.chk), divergences = hm_checker_divergences(d.chk);
	printf("mini_hyp: %zu operations checked, %zu divergences; "
	       "core 1 halted at operation %zu\n",
	       ops, divergences, d.op_host_halt);
	if (!as_planned)
		printf("mini_hyp did not behave as the scenario expects\n");
	sc_teardown(&d);
	return divergences == 0 && as_planned ? 0 : 1;
}
