/* TrapHandlerSpec (seed), ConcurrentSpec: CalStateH, query_oracle (also
 * with a 2-CPU model where another CPU appended events), and the op
 * wrappers of the `local_*` definitions (trap_concurrent_ops.c). */
#include "t_concurrent.h"

#define PFN ((hm_z)0x40000)
#define ADDR ((hm_z)0x40000000)
#define PFN2 ((hm_z)0x40001)
#define ADDR2 ((hm_z)0x40001000)
#define DEV_RW (((hm_z)1 << 54) | 0x7c7) /* PAGE_S2_DEVICE lor S2_RDWR */

static hm_slog *ev1(hm_z cpu, hm_aev e, hm_z a0, hm_z a1, const hm_slog *next)
{
	hm_z args[HM_AEV_MAX_ARGS] = {a0, a1, 0, 0};
	return hm_slog_cons(cpu, e, args, NULL, NULL, next);
}

/* local_map_host on the default (INVALID) page at pfn p of an empty
 * Shared maps host gfn p to (p, 3, (p*4096) lor DEVICE lor RDWR). */
static void assert_host_io_mapped(const hm_shared *s, hm_z pfn)
{
	hm_z3 e = tc_pt_at(s, HOSTVISOR, pfn);
	assert_z_equal(e.a, pfn);
	assert_z_equal(e.b, 3);
	assert_z_equal(e.c, (pfn * PAGE_SIZE) | DEV_RW);
}

/* ---- CalStateH ---- */

static void calstate_nil(void **state)
{
	const hm_shared *s0 = tc_sdt();
	assert_ptr_equal(CalStateH(NULL, s0), s0);
}

static void calstate_map_host(void **state)
{
	/* [OMAP_HOST ADDR]: local_map_host ADDR sdt, first component */
	const hm_shared *s0 = tc_sdt();
	const hm_shared *s = CalStateH(ev1(1, HM_AEV_OMAP_HOST, ADDR, 0, NULL), s0);
	assert_host_io_mapped(s, PFN);
	assert_int_equal(hm_map_count(npt_at(s0->npts, HOSTVISOR)->pt), 0);
}

static void calstate_other_event_on_top(void **state)
{
	/* [OGRANT 3 PFN; OMAP_HOST ADDR] (OGRANT newest): the head is not
	 * OMAP_HOST, so the result is the ORIGINAL sdt: the OMAP_HOST below
	 * is never applied (the recursive result is dropped). */
	const hm_shared *s0 = tc_sdt();
	const hm_slog *l = ev1(1, HM_AEV_OGRANT, 3, PFN, ev1(1, HM_AEV_OMAP_HOST, ADDR, 0, NULL));
	const hm_shared *s = CalStateH(l, s0);
	assert_ptr_equal(s, s0);
	assert_z_equal(tc_pt_at(s, HOSTVISOR, PFN).b, 0);
}

static void calstate_two_map_host(void **state)
{
	/* [OMAP_HOST ADDR2; OMAP_HOST ADDR]: the OMAP_HOST arm applies
	 * local_map_host to the ORIGINAL sdt too: only ADDR2 ends up mapped. */
	const hm_slog *l =
		ev1(1, HM_AEV_OMAP_HOST, ADDR2, 0, ev1(1, HM_AEV_OMAP_HOST, ADDR, 0, NULL));
	const hm_shared *s = CalStateH(l, tc_sdt());
	assert_host_io_mapped(s, PFN2);
	assert_z_equal(tc_pt_at(s, HOSTVISOR, PFN).b, 0);
}

static void calstate_long_log(void **state)
{
	/* 200000 events: the result depends on the head only (ADDR), and the
	 * replay must not recurse down the log. */
	const hm_slog *l = NULL;
	for (int i = 0; i < 200000; i++)
		l = ev1(1, HM_AEV_OMAP_HOST, ADDR2, 0, l);
	l = ev1(1, HM_AEV_OMAP_HOST, ADDR, 0, l);
	const hm_shared *s = CalStateH(l, tc_sdt());
	assert_host_io_mapped(s, PFN);
	assert_z_equal(tc_pt_at(s, HOSTVISOR, PFN2).b, 0);
}

/* ---- query_oracle ---- */

static void query_no_oracle(void **state)
{
	/* soracle gives nil: slog ++ nil = slog, CalStateH nil = shared */
	hm_rdata *a = rd_edit(hm_rdata_empty());
	SETP(a, slog, ev1(0, HM_AEV_OGEN_VMID, 0, 0, NULL));
	hm_rdata *q = query_oracle(a);
	assert_ptr_equal(q->shared, a->shared);
	assert_ptr_equal(q->slog, a->slog);
	assert_false(q == a);
}

/* A 2-CPU model: CPU 0's view gets shared := an empty Shared, then CPU 1
 * logs `events` (its slog, published to the global single log). */
static hm_model *two_cpus(const hm_slog *events)
{
	hm_model *m = t_model(2);
	assert_non_null(m);
	hm_rdata *v0 = rd_edit(hm_model_view(m, 0));
	SETP(v0, shared, tc_sdt());
	hm_model_commit(m, 0, v0);
	hm_rdata *v1 = rd_edit(hm_model_view(m, 1));
	SETP(v1, slog, events);
	hm_model_commit(m, 1, v1);
	return m;
}

static void query_other_cpu_mapped(void **state)
{
	/* CPU 1 logged [OMAP_HOST ADDR; OGRANT 3 PFN] (newest first). CPU 0 has
	 * seen nothing: the oracle gives both events; slog' = both ++ nil, and
	 * shared' = local_map_host ADDR shared (the head is OMAP_HOST). */
	const hm_slog *l = ev1(1, HM_AEV_OMAP_HOST, ADDR, 0, ev1(1, HM_AEV_OGRANT, 3, PFN, NULL));
	hm_model *m = two_cpus(l);
	const hm_rdata *v0 = hm_model_view(m, 0);
	assert_z_equal(v0->curid, 0);
	hm_rdata *q = query_oracle(v0);
	assert_int_equal(hm_slog_len(q->slog), 2);
	assert_z_equal(q->slog->cpu, 1);
	assert_int_equal(q->slog->ev, HM_AEV_OMAP_HOST);
	assert_z_equal(q->slog->a[0], ADDR);
	assert_int_equal(q->slog->next->ev, HM_AEV_OGRANT);
	assert_host_io_mapped(q->shared, PFN);
	assert_z_equal(tc_pt_at(v0->shared, HOSTVISOR, PFN).b, 0); /* view unchanged */
	/* Once CPU 0 has caught up, the oracle gives nil: nothing changes. */
	hm_model_commit(m, 0, q);
	const hm_rdata *v0b = hm_model_view(m, 0);
	hm_rdata *q2 = query_oracle(v0b);
	assert_ptr_equal(q2->slog, v0b->slog);
	assert_ptr_equal(q2->shared, v0b->shared);
	hm_model_free(m);
}

static void query_other_cpu_quirk(void **state)
{
	/* CPU 1 logged [OGRANT 3 PFN; OMAP_HOST ADDR] (OGRANT newest): slog'
	 * has both, but shared' is CPU 0's shared unchanged (CalStateH only
	 * looks at the head). */
	const hm_slog *l = ev1(1, HM_AEV_OGRANT, 3, PFN, ev1(1, HM_AEV_OMAP_HOST, ADDR, 0, NULL));
	hm_model *m = two_cpus(l);
	const hm_rdata *v0 = hm_model_view(m, 0);
	hm_rdata *q = query_oracle(v0);
	assert_int_equal(hm_slog_len(q->slog), 2);
	assert_int_equal(q->slog->ev, HM_AEV_OGRANT);
	assert_ptr_equal(q->shared, v0->shared);
	hm_model_free(m);
}

/* ---- the op wrappers ---- */

static hm_rdata *adt_with(const hm_shared *s, bool halt)
{
	hm_rdata *a = rd_edit(hm_rdata_empty());
	SETP(a, shared, s);
	SETP(a, doracle, tc_dorc());
	a->halt = halt;
	return a;
}

static hm_sres run(const char *name, const hm_rdata *adt, const hm_z *args)
{
	const hm_op_def *d = hm_op_find(name);
	assert_non_null(d);
	assert_string_equal(d->module, "TrapHandlerSpec");
	return d->high(adt, args);
}

static void op_table_entries(void **state)
{
	/* every local_* is there with its Coq parameters, dorc and sdt left out */
	static const struct {
		const char *name;
		unsigned nargs;
		const char *last;
	} want[] = {
		{"local_map_host", 1, "addr"},
		{"local_clear_vm_page", 2, "pfn"},
		{"local_assign_pfn_to_vm", 4, "logn"},
		{"local_map_pfn_vm", 4, "level"},
		{"local_map_io", 3, "pa"},
		{"local_grant_vm_page", 2, "pfn"},
		{"local_revoke_vm_page", 3, "logn"},
		{"local_set_vcpu_active", 2, "vcpuid"},
		{"local_set_vcpu_inactive", 2, "vcpuid"},
		{"local_set_vm_poweroff", 1, "vmid"},
		{"local_register_vcpu", 2, "vcpuid"},
		{"local_gen_vmid", 0, NULL},
		{"local_register_kvm", 1, "vmid"},
		{"local_set_boot_info", 3, "size"},
		{"local_remap_vm_image", 3, "load_idx"},
		{"local_verify_vm", 1, "vmid"},
		{"local_free_smmu_pgd", 2, "index"},
		{"local_alloc_smmu_pgd", 4, "num"},
		{"local_smmu_assign_page", 4, "gfn"},
		{"local_smmu_map_page", 4, "pte"},
		{"local_smmu_clear", 3, "index"},
		{"local_load_encryted_vcpu", 3, "logn"},
		{"local_save_encrypt_buf", 4, "logn"},
		{"local_load_decrypt_buf", 3, "logn"},
		{"query_oracle", 0, NULL},
	};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		const hm_op_def *d = hm_op_find(want[i].name);
		assert_non_null(d);
		assert_int_equal(d->nargs, want[i].nargs);
		if (want[i].last)
			assert_string_equal(d->args[d->nargs - 1], want[i].last);
		assert_null(d->low);
	}
}

static void op_map_host_sets_halt(void **state)
{
	/* a VM page: local_map_host halts: halt true, S2PAGE lock bit false */
	hm_z args[] = {ADDR};
	hm_sres r = run("local_map_host", adt_with(tc_page(tc_sdt(), PFN, 3, 0, 1), false), args);
	assert_non_null(r.st);
	assert_true(r.st->halt);
	assert_false(tc_hlock_at(r.st->shared, S2PAGE_ID));
	assert_false(r.has_ret);
	/* a mappable page on a halted state: {halt: false} as the seed's callers do */
	r = run("local_map_host", adt_with(tc_sdt(), true), args);
	assert_false(r.st->halt);
	assert_host_io_mapped(r.st->shared, PFN);
}

static void op_assign_uses_vm_oracle(void **state)
{
	/* dorc = (doracle adt) vmid: flatmem[PFN] = 3*1000 + 5 + 7 = 3012; ret logn' 6 */
	hm_z args[] = {3, 0x123, PFN, 5};
	hm_sres r = run("local_assign_pfn_to_vm",
			adt_with(tc_page(tc_sdt(), PFN, HOSTVISOR, 0, PFN), false), args);
	assert_false(r.st->halt);
	assert_true(r.has_ret);
	assert_z_equal(r.ret, 6);
	assert_z_equal(hm_map_get_z(r.st->shared->flatmem, PFN), 3012);
	assert_z_equal(hm_map_get_z(r.st->data_log, 3), 0); /* data_log not touched */
}

static void op_save_enc_uses_host_oracle(void **state)
{
	/* dorc = (doracle adt) HOSTVISOR: flatmem[0x40001] = 0 + 9 + 7 = 16 */
	hm_z args[] = {3, 0x40000010, 0x40001020, 9};
	const hm_shared *s0 =
		tc_page(tc_page(tc_sdt(), PFN, 3, 0, 0x10), 0x40001, HOSTVISOR, 0, 0x40001);
	hm_sres r = run("local_save_encrypt_buf", adt_with(s0, false), args);
	assert_z_equal(r.ret, 10);
	assert_z_equal(hm_map_get_z(r.st->shared->flatmem, 0x40001), 16);
}

static void op_grant_keeps_halt(void **state)
{
	/* no halt in the result: halt stays as it was (true) */
	hm_z args[] = {3, PFN};
	hm_sres r = run("local_grant_vm_page", adt_with(tc_page(tc_sdt(), PFN, 3, 1, 0x10), true),
			args);
	assert_true(r.st->halt);
	assert_z_equal(tc_page_at(r.st->shared, PFN).s2_count, 2);
}

static hm_z gp_x0(void *ctx, hm_z *regs, hm_z *states, hm_z (*dorc)(void *, hm_z), void *dctx,
		  hm_z logn)
{
	regs[0] = dorc(dctx, logn);
	return logn + 1;
}

static void op_load_enc_vcpu_writes_ctxt(void **state)
{
	/* VM 2 READY, VCPU 1 READY; gp decryption sets x0 = dorc HOSTVISOR 9 =
	 * 16 and the shadow context ctxt_id 2 1 = 17 receives it; logn' 10 */
	hm_platform p;
	hm_platform_defaults(&p);
	p.decrypt_gp_regs = gp_x0;
	hm_platform_set_current(&p);
	hm_rdata *a = adt_with(tc_info(tc_sdt(), 2, tc_vminfo(READY, 1, READY)), false);
	hm_z args[] = {2, 1, 9};
	hm_sres r = run("local_load_encryted_vcpu", a, args);
	hm_platform_set_current(NULL);
	assert_false(r.st->halt);
	assert_z_equal(r.ret, 10);
	assert_z_equal(ctxt_at(r.st->shadow_ctxts, 17)->ctxt_regs.x0, 16);
	assert_z_equal(ctxt_at(a->shadow_ctxts, 17)->ctxt_regs.x0, 0);
	assert_z_equal(vminfo_at(r.st->shared->vminfos, 2)->VB.vm_inc_exe, 1);
}

static void op_query_oracle(void **state)
{
	const hm_slog *l = ev1(1, HM_AEV_OMAP_HOST, ADDR, 0, NULL);
	hm_model *m = two_cpus(l);
	hm_sres r = run("query_oracle", hm_model_view(m, 0), NULL);
	assert_int_equal(hm_slog_len(r.st->slog), 1);
	assert_host_io_mapped(r.st->shared, PFN);
	hm_model_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(calstate_nil),
		cmocka_unit_test(calstate_map_host),
		cmocka_unit_test(calstate_other_event_on_top),
		cmocka_unit_test(calstate_two_map_host),
		cmocka_unit_test(calstate_long_log),
		cmocka_unit_test(query_no_oracle),
		cmocka_unit_test(query_other_cpu_mapped),
		cmocka_unit_test(query_other_cpu_quirk),
		cmocka_unit_test(op_table_entries),
		cmocka_unit_test(op_map_host_sets_halt),
		cmocka_unit_test(op_assign_uses_vm_oracle),
		cmocka_unit_test(op_save_enc_uses_host_oracle),
		cmocka_unit_test(op_grant_keeps_halt),
		cmocka_unit_test(op_load_enc_vcpu_writes_ctxt),
		cmocka_unit_test(op_query_oracle),
	};
	return cmocka_run_group_tests(tests, t_pool_setup, t_pool_teardown);
}
