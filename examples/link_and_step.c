/* link_and_step: a program that links libhypsecmodel through its public
 * header only, drives a few MemManager steps and checks what the spec
 * says they do. Exits 0 when every check holds.
 *
 * Build it against an installed library with
 *   cc link_and_step.c $(pkg-config --cflags --libs hypsec_model) -o link_and_step
 * (static linking also needs: pkg-config --static --libs hypsec_model).
 */
#include <stdio.h>
#include <string.h>

#include <hypsec_model.h>

static int failures;

static void check(int ok, const char *what)
{
	printf("%s %s\n", ok ? "ok  " : "FAIL", what);
	if (!ok)
		failures++;
}

/* Runs op on CPU 0 at the high level; returns the result kind, or -1 if
 * the step could not run at all. */
static int step(hm_model *m, const char *op, const hm_arg *args, size_t nargs, hm_result *res)
{
	char *err = NULL;
	if (hm_model_step(m, 0, HM_LEVEL_HIGH, op, args, nargs, res, &err) != HM_OK) {
		printf("     %s: %s\n", op, err ? err : "?");
		hm_free(err);
		return -1;
	}
	return (int)res->kind;
}

int main(void)
{
	char *err = NULL;
	hm_config *c = hm_config_new();
	hm_config_clear_memory(c);
	hm_config_add_memory(c, 0x40000000, 0x100000); /* pfns 0x40000 .. 0x400ff */
	hm_model *m = hm_model_new(c, &err);
	hm_config_free(c);
	if (!m) {
		printf("hm_model_new: %s\n", err ? err : "?");
		return 1;
	}
	hm_result res;

	/* The host faults on a RAM page it owns (map_page_host_spec): the
	 * host NPT maps pfn 0x40001 with pte 0x40001000 | PAGE_S2_KERNEL. */
	hm_arg fault[] = {{"addr", 0x40001000}};
	check(step(m, "map_page_host", fault, 1, &res) == HM_RESULT_OK, "map_page_host: ok");
	char *report = NULL;
	check(hm_model_match_json(m, 0,
				  "{\"tstate\": 1, \"shared\": {\"npts\": {\"HOSTVISOR\": {\"pt\": "
				  "{\"0x40001\": [\"0x40001\", 3, \"0x40001fff\"]}}}}}",
				  &report) == HM_OK,
	      "map_page_host: host NPT entry (0x40001, 3, 0x40001fff)");
	hm_free(report);

	/* VM 1 takes the page (assign_pfn_to_vm_spec): owner 1, count 0,
	 * gfn 0x80000; the host entry becomes PAGE_GUEST. */
	hm_arg assign[] = {{"vmid", 1}, {"gfn", 0x80000}, {"pfn", 0x40001}};
	check(step(m, "assign_pfn_to_vm", assign, 3, &res) == HM_RESULT_OK, "assign_pfn_to_vm: ok");
	hm_page_view p = hm_model_s2page(m, 0, 0x40001);
	check(p.s2_owner == 1 && p.s2_count == 0 && p.s2_gfn == 0x80000,
	      "assign_pfn_to_vm: s2page[0x40001] = (1, 0, 0x80000)");

	/* A wrong expectation is reported path by path. */
	report = NULL;
	hm_error rc = hm_model_match_json(
		m, 0, "{\"shared\": {\"s2page\": {\"0x40001\": {\"s2_owner\": 2}}}}", &report);
	check(rc == HM_EMISMATCH && report &&
		      strstr(report, "shared.s2page[0x40001].s2_owner: expected 2, model 1"),
	      "match: a wrong owner is reported with its path");
	hm_free(report);

	/* The host touches the page again: owner 1, count 0: the spec halts
	 * (result halt, tstate 0). */
	check(step(m, "map_page_host", fault, 1, &res) == HM_RESULT_HALT && hm_model_halted(m, 0),
	      "map_page_host on VM 1's page: halt");

	/* Once halted, every step returns the state unchanged. */
	hm_arg grant[] = {{"vmid", 1}, {"pfn", 0x40001}};
	check(step(m, "grant_vm_page", grant, 2, &res) == HM_RESULT_HALT &&
		      hm_model_s2page(m, 0, 0x40001).s2_count == 0,
	      "grant_vm_page after the halt: halt, count unchanged");

	/* Unknown ops are errors, not results. */
	err = NULL;
	check(hm_model_step(m, 0, HM_LEVEL_HIGH, "no_such_op", NULL, 0, &res, &err) == HM_ENOTFOUND,
	      "an unknown op: HM_ENOTFOUND");
	hm_free(err);
	hm_model_free(m);

	/* A fresh model: an address beyond KVM_PHYS_SIZE fails the spec's
	 * `rely is_paddr addr`, and the report names it. */
	m = hm_model_new(NULL, &err);
	hm_arg far[] = {{"addr", (hm_z)1 << 40}};
	check(step(m, "map_page_host", far, 1, &res) == HM_RESULT_RELY && res.rely &&
		      strstr(res.rely, "is_paddr"),
	      "map_page_host beyond KVM_PHYS_SIZE: rely is_paddr");
	hm_model_free(m);

	printf("%s\n", failures ? "some checks failed" : "all checks held");
	return failures ? 1 : 0;
}
