/* TrapHandlerSpec (seed): a VM's boot, run, exits, descriptor grant and
 * revoke, power-off and teardown through the entry points, on the public
 * model API (tests/support/boot_scenario.c asserts the key fields after
 * each step). */
#include "boot_scenario.h"
#include "security_invs.h"
#include "t_trap.h"

#include <string.h>

typedef struct seen {
	int steps;
	hm_z last_slog_len;
} seen;

/* After every step: the step labels come in order, no step halts, the
 * single log only grows, and every image page is the host's or the VM's. */
static void check_step(hm_model *m, int cpu, const char *step, void *ctx)
{
	seen *s = ctx;
	assert_string_equal(step, boot_scenario_steps[s->steps]);
	s->steps++;
	const hm_rdata *v = hm_model_view(m, cpu);
	assert_false(v->halt);
	assert_true((hm_z)hm_slog_len(v->slog) >= s->last_slog_len);
	s->last_slog_len = hm_slog_len(v->slog);
	for (hm_z i = 0; i < 512; i += 51) {
		hm_z owner = hm_model_s2page(m, cpu, BOOT_IMAGE_PFN + i).s2_owner;
		assert_true(owner == HOSTVISOR || owner == 1);
	}
}

/* SecurityInvs.md: shared_inv holds after every step of the VM's life. */
static void check_shared_inv(hm_model *m, int cpu, const char *step, void *ctx)
{
	int *steps = ctx;
	(*steps)++;
	hm_inv_violation v;
	if (!hm_shared_inv(hm_model_view(m, cpu)->shared, &v)) {
		fprintf(stderr, "after %s: %s: %s\n", step, v.inv, v.detail);
		fail();
	}
}

static void test_boot_scenario_keeps_shared_inv(void **state)
{
	(void)state;
	hm_model *m = tt_model(1);
	int steps = 0;
	hm_inv_violation v;
	assert_true(hm_shared_inv(hm_model_view(m, 0)->shared, &v));
	boot_scenario_run(m, 0, check_shared_inv, &steps);
	assert_int_equal(steps, 13);
	hm_model_free(m);
}

static void test_boot_scenario_cpu0(void **state)
{
	(void)state;
	hm_model *m = tt_model(1);
	seen s = {0, 0};
	hm_z vmid = boot_scenario_run(m, 0, check_step, &s);
	assert_z_equal(vmid, 1);
	assert_int_equal(s.steps, 13);
	hm_model_free(m);
}

static void test_boot_scenario_on_second_cpu(void **state)
{
	(void)state;
	/* on CPU 1 of two: the host's context is ctxt_id 0 1, cur_vcpuid 1 */
	hm_model *m = tt_model(2);
	seen s = {0, 0};
	assert_z_equal(boot_scenario_run(m, 1, check_step, &s), 1);
	const hm_rdata *v = hm_model_view(m, 1);
	assert_z_equal(v->cur_vcpuid, 1);
	/* the last hypercall's x0 went through the host's context of CPU 1 */
	assert_z_equal(ctxt_at(v->shadow_ctxts, ctxt_id(HOSTVISOR, 1))->ctxt_regs.x0, HVC_CLEAR_VM_S2_RANGE);
	/* CPU 0 never stepped: its view is still the initial one */
	assert_null(hm_model_view(m, 0)->slog);
	hm_model_free(m);
}

static void test_boot_leaves_host_info_lock_released(void **state)
{
	(void)state;
	/* HVC_VERIFY_VM_IMAGE releases INFO_ID + cur_vmid (the host's, 22), not
	 * the VM's, and nothing takes it back: afterwards the host's SMMU
	 * hypercalls, which rely on INFO_ID + cur_vmid, are None */
	hm_model *m = tt_model(1);
	boot_scenario_run(m, 0, NULL, NULL);
	assert_false(hm_map_get_bool(hm_model_view(m, 0)->shared->hlock, INFO_ID + HOSTVISOR));
	char b[48];
	char *json = g_strdup_printf("{\"regs\": {\"ctxt_regs\": {\"x0\": \"%s\", \"x1\": 1, \"x2\": 0}}}",
				     hm_format_z(HVC_SMMU_FREE_PGD, b));
	assert_int_equal(hm_model_overlay_json(m, 0, json, NULL), HM_OK);
	g_free(json);
	hm_result r;
	assert_int_equal(hm_model_step(m, 0, HM_LEVEL_HIGH, "host_hvc_handler", NULL, 0, &r, NULL), HM_OK);
	assert_int_equal(r.kind, HM_RESULT_RELY);
	assert_string_equal(r.rely, "th_hlock(adt1, INFO_ID + vmid)");
	hm_model_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_boot_scenario_cpu0),
		cmocka_unit_test(test_boot_scenario_keeps_shared_inv),
		cmocka_unit_test(test_boot_scenario_on_second_cpu),
		cmocka_unit_test(test_boot_leaves_host_info_lock_released),
	};
	return cmocka_run_group_tests(tests, t_pool_setup, t_pool_teardown);
}
