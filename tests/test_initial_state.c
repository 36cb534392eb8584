/* The initial state of TRACE-FORMAT.md ("The initial state"), built from
 * a config, and the config's JSON form. */
#include "hm_test.h"

#include <string.h>

static void test_default_config_state(void **state)
{
	(void)state;
	hm_model *m = hm_model_new(NULL, NULL); /* 1 CPU, 1 GiB at 0x40000000 */
	assert_non_null(m);
	const hm_rdata *st = hm_model_view(m, 0);
	assert_false(st->halt);
	assert_false(st->icore);
	assert_true(st->ihost);
	assert_z_equal(st->tstate, 0);
	assert_z_equal(st->curid, 0);
	assert_z_equal(st->cur_vmid, HOSTVISOR);
	assert_z_equal(st->cur_vcpuid, 0);
	/* RAM pfns 0x40000 .. 0x7ffff belong to the host, gfn = pfn + offset */
	const hm_s2page *p = s2page_at(st->shared->s2page, 0x40000);
	assert_z_equal(p->s2_owner, HOSTVISOR);
	assert_z_equal(p->s2_count, 0);
	assert_z_equal(p->s2_gfn, 0x40000 + SMMU_HOST_OFFSET);
	p = s2page_at(st->shared->s2page, 0x7ffff);
	assert_z_equal(p->s2_owner, HOSTVISOR);
	assert_z_equal(p->s2_gfn, 0x7ffff + SMMU_HOST_OFFSET);
	/* outside RAM: INVALID, 0, INVALID64 */
	p = s2page_at(st->shared->s2page, 0x80000);
	assert_z_equal(p->s2_owner, INVALID);
	assert_z_equal(p->s2_count, 0);
	assert_z_equal(p->s2_gfn, INVALID64);
	assert_z_equal(s2page_at(st->shared->s2page, 0x3ffff)->s2_owner, INVALID);
	assert_int_equal(hm_map_count(st->shared->s2page), 0x40000);
	hm_model_free(m);
}

static void test_shared_objects_initial(void **state)
{
	(void)state;
	const hm_rdata *st = t_initial();
	const hm_shared *sh = st->shared;
	assert_z_equal(sh->core_data.next_vmid, 1);
	assert_z_equal(sh->core_data.next_remap_ptr, REMAP_START);
	assert_z_equal(hm_map_get_z(sh->smmu_vmid, 3), INVALID);
	assert_true(hm_map_get_bool(sh->hlock, S2PAGE_ID));
	assert_true(hm_map_get_bool(sh->hlock, INFO_ID + 5));
	assert_z_equal(hm_map_get_z(sh->flatmem, 0x40001), 0);
	for (hm_z vmid = 0; vmid <= COREVISOR; vmid++) {
		const hm_npt *npt = npt_at(sh->npts, vmid);
		assert_z_equal(npt->pt_pgd_next, pgd_start(vmid));
		assert_z_equal(npt->pt_pud_next, pud_start(vmid));
		assert_z_equal(npt->pt_pmd_next, pmd_start(vmid));
		assert_int_equal(hm_map_count(npt->pt), 0);
		assert_z_equal(vminfo_at(sh->vminfos, vmid)->VS.vm_state, UNUSED);
	}
	assert_z_equal(sh->spts->spt_pgd_next, SMMU_PGD_START);
	assert_z_equal(sh->spts->spt_pmd_next, SMMU_PMD_START);
	/* locks free, logs empty, data logs 0, registers 0 */
	assert_int_equal(lock_at(st->lock, S2PAGE_ID), HM_LOCK_FALSE);
	assert_null(mlog_at(st->log, S2PAGE_ID));
	assert_null(st->slog);
	assert_z_equal(hm_map_get_z(st->data_log, 1), 0);
	assert_z_equal(hm_map_get_z(st->core_data_log, 1), 0);
	assert_z_equal(st->regs->ctxt_regs.x0, 0);
	/* pfn 0 is never the host's, even inside RAM */
	hm_config *c = hm_config_new();
	hm_config_clear_memory(c);
	assert_int_equal(hm_config_add_memory(c, 0, 0x4000), HM_OK);
	hm_model *m = hm_model_new(c, NULL);
	const hm_rdata *low = hm_model_view(m, 0);
	assert_z_equal(s2page_at(low->shared->s2page, 0)->s2_owner, INVALID);
	assert_z_equal(s2page_at(low->shared->s2page, 1)->s2_owner, HOSTVISOR);
	assert_z_equal(s2page_at(low->shared->s2page, 3)->s2_owner, HOSTVISOR);
	assert_z_equal(low->region_cnt, 1);
	hm_model_free(m);
	hm_config_free(c);
}

static void test_views_per_cpu(void **state)
{
	(void)state;
	hm_model *m = t_model(3);
	for (int cpu = 0; cpu < 3; cpu++) {
		const hm_rdata *v = hm_model_view(m, cpu);
		assert_z_equal(v->curid, cpu);
		assert_z_equal(v->cur_vcpuid, cpu);
		assert_z_equal(v->cur_vmid, HOSTVISOR);
	}
	/* the views share their shared objects */
	assert_ptr_equal(hm_model_view(m, 0)->shared, hm_model_view(m, 2)->shared);
	hm_model_free(m);
}

static void test_config_json(void **state)
{
	(void)state;
	char *err = NULL;
	hm_config *c = hm_config_from_json(
		"{\"cpus\": 2, \"seed\": 7, \"memory\": [{\"base\": \"0x80000000\", \"size\": \"0x200000\"}],"
		" \"smmu\": [{\"phys_base\": \"0x2b400000\", \"size\": \"0x10000\", \"context_banks\": 8,"
		" \"smmu_pgshift\": 12}]}",
		&err);
	assert_non_null(c);
	hm_model *m = hm_model_new(c, &err);
	assert_non_null(m);
	assert_int_equal(hm_model_cpus(m), 2);
	const hm_rdata *st = hm_model_view(m, 1);
	assert_z_equal(s2page_at(st->shared->s2page, 0x80000)->s2_owner, HOSTVISOR);
	assert_z_equal(s2page_at(st->shared->s2page, 0x80200)->s2_owner, INVALID);
	assert_z_equal(st->smmu_conf->smmu_num, 1);
	assert_z_equal(hm_map_get_z(st->smmu_conf->smmu_phys_base, 0), 0x2b400000);
	assert_z_equal(hm_map_get_z(st->smmu_conf->smmu_size, 0), 0x10000);
	assert_z_equal(hm_map_get_z(st->smmu_conf->smmu_dev_context_banks, 0), 8);
	assert_z_equal(hm_map_get_z(st->smmu_conf->smmu_pgshift, 0), 12);
	hm_model_free(m);
	hm_config_free(c);
}

static void expect_config_error(const char *json, const char *message)
{
	char *err = NULL;
	hm_config *c = hm_config_from_json(json, &err);
	assert_null(c);
	assert_non_null(err);
	if (!strstr(err, message))
		fprintf(stderr, "error was: %s\n", err);
	assert_non_null(strstr(err, message));
	hm_free(err);
}

static void test_config_errors(void **state)
{
	(void)state;
	expect_config_error("{\"cpus\": 9}", "config.cpus: 9 is not in 1..8");
	expect_config_error("{\"cpus\": 0}", "config.cpus: 0 is not in 1..8");
	expect_config_error("{\"cpu\": 1}", "config.cpu: unknown field");
	expect_config_error("{\"memory\": [{\"base\": \"0x40000001\", \"size\": \"0x1000\"}]}",
			    "config.memory[0]: base and size must be page-aligned");
	expect_config_error("{\"memory\": [{\"base\": 0}]}", "config.memory[0].size: missing");
	expect_config_error("{\"smmu\": [{\"phys_base\": 0, \"banks\": 1}]}",
			    "config.smmu[0].banks: unknown field");
	expect_config_error("{\"smmu\": [{\"context_banks\": 9}]}", "9 context banks is not in 0..8");
	expect_config_error("{\"seed\": \"x\"}", "config.seed: not an integer");
	expect_config_error("{\"cpus\": ", "config: line 1");
}

static void test_config_platform_tables(void **state)
{
	(void)state;
	char *err = NULL;
	hm_config *c = hm_config_from_json(
		"{\"platform\": {\"verify_img\": {\"default\": 1, \"3\": 0}, \"exception_vector\": \"0x200\","
		" \"shared_vcpu\": {\"9\": 77}}}",
		&err);
	assert_non_null(c);
	hm_model *m = hm_model_new(c, &err);
	const hm_platform *p = &m->platform;
	assert_z_equal(p->verify_img(p->ctx, 3, 0), 0);
	assert_z_equal(p->verify_img(p->ctx, 2, 0), 1);
	assert_z_equal(p->exception_vector(p->ctx, 5), 0x200);
	/* shared_vcpu is keyed by ctxt_id: vmid 1, vcpu 1 is 9 */
	assert_z_equal(p->shared_vcpu(p->ctx, 1, 1), 77);
	assert_z_equal(p->shared_vcpu(p->ctx, 1, 2), 0);
	/* untouched parameters keep their documented defaults */
	assert_z_equal(p->shared_kvm(p->ctx, 4), SHARED_KVM_START + 4);
	assert_z_equal(p->reg_desc(p->ctx, 4), 0);
	hm_model_free(m);
	hm_config_free(c);
	expect_config_error("{\"platform\": {\"verify\": 1}}",
			    "config.platform.verify: unknown platform parameter");
	expect_config_error("{\"platform\": {\"reg_desc\": {\"x\": 1}}}",
			    "config.platform.reg_desc[x]: key is not");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_config_state),
		cmocka_unit_test(test_shared_objects_initial),
		cmocka_unit_test(test_views_per_cpu),
		cmocka_unit_test(test_config_json),
		cmocka_unit_test(test_config_errors),
		cmocka_unit_test(test_config_platform_tables),
	};
	return cmocka_run_group_tests(tests, t_pool_setup, t_pool_teardown);
}
