/* TrapHandlerSpec (seed): host_npt_handler_spec, one test per branch.
 *
 * The input is the initial view of CPU 0 (host, ctxtid 0, every hlock
 * held) of a model with one SMMU whose registers are at T_SMMU_BASE. The
 * fault is described by regs: addr = (hpfar_el2 & HPFAR_MASK) * 256,
 * fault_ipa = addr | (far_el2 & 4095), esr_el2 gives the access size
 * (1 << SAS), direction (WNR) and register (SRT).
 *
 * The `is_addr addr` else arm is unreachable: Z.land with HPFAR_MASK
 * (65535) is in [0, 65535], so addr is below 2^24 < KVM_ADDR_SPACE. */
#include "t_trap.h"
#include "trap_handler_spec.h"

#define CPU 0
#define ESR_SAS(n) ((hm_z)(n) << 22)
#define ESR_SRT(r) ((hm_z)(r) << 16)

/* regs with hpfar_el2, far_el2, esr_el2 and elr_el2 set */
static const hm_rdata *fault_st(hm_z hpfar, hm_z far, hm_z esr)
{
	hm_ctxt_regs r = tt_initial()->regs->ctxt_regs;
	r.hpfar_el2 = hpfar;
	r.far_el2 = far;
	r.esr_el2 = esr;
	r.elr_el2 = 0x1000;
	r.x5 = 0x55;
	return tt_with_regs(tt_initial(), r);
}

static const hm_rdata *run_ok(const hm_rdata *st)
{
	hm_sres r = host_npt_handler_spec(st);
	assert_non_null(r.st);
	return r.st;
}

static hm_slog *ev(hm_aev e, const hm_z *args, const hm_slog *next)
{
	return hm_slog_cons(CPU, e, args, NULL, NULL, next);
}

static hm_rdata *with_slog(const hm_rdata *st, const hm_slog *l)
{
	hm_rdata *o = rd_edit(st);
	SETP(o, slog, l);
	return o;
}

static void test_not_host_mode_is_none(void **state)
{
	(void)state;
	const hm_rdata *st = fault_st(0x100, 0, 0);
	tt_assert_stuck(host_npt_handler_spec(tt_with_mode(st, false, false)), "host_npt_handler_spec");
	tt_assert_stuck(host_npt_handler_spec(tt_with_mode(st, true, true)), "host_npt_handler_spec");
}

static void test_halted_is_unchanged(void **state)
{
	(void)state;
	const hm_rdata *st = t_with_halt(fault_st(0x100, 0, 0), true);
	assert_ptr_equal(host_npt_handler_spec(st).st, st);
}

/* The host NPT entry for gfn and the cursors after one level-3 mapping of
 * a fresh table. */
static void assert_host_mapped(const hm_rdata *out, hm_z gfn, hm_z pte)
{
	const hm_npt *npt = npt_at(out->shared->npts, HOSTVISOR);
	const hm_z3 *e = z3_at(npt->pt, gfn);
	assert_z_equal(e->a, gfn);
	assert_z_equal(e->b, 3);
	assert_z_equal(e->c, pte);
	assert_z_equal(npt->pt_pgd_next, pgd_start(HOSTVISOR) + PAGE_SIZE);
	assert_z_equal(npt->pt_pud_next, pud_start(HOSTVISOR) + PAGE_SIZE);
	assert_z_equal(npt->pt_pmd_next, pmd_start(HOSTVISOR) + PAGE_SIZE);
}

static void test_maps_unowned_page_as_device(void **state)
{
	(void)state;
	/* hpfar 0x100: addr 0x10000, pfn 0x10, outside RAM (owner INVALID):
	 * pte = 0x10000 | PAGE_S2_DEVICE | S2_RDWR. Events OSMMU_GET then
	 * OMAP_HOST 0x10000; registers go back to the host. */
	const hm_rdata *st = fault_st(0x100, 0x123, 0);
	const hm_rdata *out = run_ok(st);
	assert_host_mapped(out, 0x10, z_lor(0x10000, z_lor(PAGE_S2_DEVICE, S2_RDWR)));
	hm_rdata *e = with_slog(tt_enter_core(st), ev(HM_AEV_OMAP_HOST, TT_ARGS(0x10000),
						      ev(HM_AEV_OSMMU_GET, NULL, NULL)));
	/* everything but the mapped NPT, checked above */
	t_assert_state_equal(out, tt_with_shared(tt_return_host(e), out->shared));
	/* the rest of shared is untouched */
	assert_true(hm_map_equal(out->shared->s2page, st->shared->s2page));
	assert_true(hm_map_equal(out->shared->hlock, st->shared->hlock));
	assert_true(hm_map_equal(out->shared->flatmem, st->shared->flatmem));
}

static void test_maps_host_page_as_kernel(void **state)
{
	(void)state;
	/* the page is the host's: pte = 0x10000 | PAGE_S2_KERNEL */
	const hm_rdata *st = t_with_page(fault_st(0x100, 0, 0), 0x10, HOSTVISOR, 0, 0x10 + SMMU_HOST_OFFSET);
	const hm_rdata *out = run_ok(st);
	assert_false(out->halt);
	assert_false(out->icore);
	assert_host_mapped(out, 0x10, z_lor(0x10000, PAGE_S2_KERNEL));
}

static void test_vm_page_halts(void **state)
{
	(void)state;
	/* owned by VM 3, not shared: halt, S2PAGE_ID released, no mapping */
	const hm_rdata *st = t_with_page(fault_st(0x100, 0, 0), 0x10, 3, 0, 5);
	const hm_rdata *out = run_ok(st);
	hm_rdata *e = t_with_halt(tt_enter_core(st), true);
	e = tt_with_hlock(e, S2PAGE_ID, false);
	e = with_slog(e, ev(HM_AEV_OMAP_HOST, TT_ARGS(0x10000), ev(HM_AEV_OSMMU_GET, NULL, NULL)));
	t_assert_state_equal(out, e);
}

static void test_relies(void **state)
{
	(void)state;
	const hm_rdata *st = fault_st(0x100, 0, 0);
	tt_assert_rely(host_npt_handler_spec(tt_with_hlock(st, SMMU_ID, false)), "th_hlock(adt0, SMMU_ID)",
		       "host_npt_fault");
	tt_assert_rely(host_npt_handler_spec(tt_with_hlock(st, S2PAGE_ID, false)), "th_hlock(adt1, S2PAGE_ID)",
		       "host_npt_fault");
	tt_assert_rely(host_npt_handler_spec(tt_with_hlock(st, NPT_ID, false)), "th_hlock(adt1, NPT_ID)",
		       "host_npt_fault");
	/* the SMMU path relies on SMMU_ID only */
	const hm_rdata *mmio = fault_st(T_SMMU_BASE / 256, 0x10, ESR_SAS(3));
	assert_non_null(host_npt_handler_spec(tt_with_hlock(mmio, S2PAGE_ID, false)).st);
	tt_assert_rely(host_npt_handler_spec(tt_with_hlock(mmio, SMMU_ID, false)), "th_hlock(adt0, SMMU_ID)",
		       "host_npt_fault");
}

static void test_smmu_read_8_bytes(void **state)
{
	(void)state;
	/* hpfar T_SMMU_BASE / 256: addr T_SMMU_BASE, inside SMMU 0. A read
	 * (WNR 0) of 8 bytes (SAS 3) into x5 (SRT 5): x5 = doracle 0 3 (the
	 * host's data log at 3), log 4, esr_el2 = elr_el2 + 4 = 0x1004. */
	tt_script(false, HOSTVISOR, 3, 0x77);
	const hm_rdata *st = tt_with_data_log(fault_st(T_SMMU_BASE / 256, 0x20, ESR_SAS(3) | ESR_SRT(5)),
					      HOSTVISOR, 3);
	const hm_rdata *out = run_ok(st);
	hm_rdata *e = tt_enter_core(st);
	const hm_ctxt *c = tt_shadow(e, 0);
	hm_ctxt_regs cr = c->ctxt_regs;
	cr.x5 = 0x77;
	e = tt_with_shadow(e, 0, cr, c->ctxt_states);
	hm_ctxt_regs rr = e->regs->ctxt_regs;
	rr.esr_el2 = 0x1004;
	e = tt_with_regs(e, rr);
	e = tt_with_data_log(e, HOSTVISOR, 4);
	e = with_slog(e, ev(HM_AEV_OSMMU_GET, NULL, NULL));
	t_assert_state_equal(out, tt_return_host(e));
	assert_z_equal(out->regs->ctxt_regs.x5, 0x77);
}

static void test_smmu_read_bad_size_halts(void **state)
{
	(void)state;
	/* SAS 1: len 2, neither 8 nor 4: halt with registers and log unchanged */
	const hm_rdata *st = fault_st(T_SMMU_BASE / 256, 0x20, ESR_SAS(1) | ESR_SRT(5));
	const hm_rdata *out = run_ok(st);
	hm_rdata *e = t_with_halt(tt_enter_core(st), true);
	e = with_slog(e, ev(HM_AEV_OSMMU_GET, NULL, NULL));
	t_assert_state_equal(out, e);
}

static void test_smmu_write_accepted(void **state)
{
	(void)state;
	/* a write (WNR) of 8 bytes at offset 0x10 of the global space: neither
	 * sCR0 nor sCR2, accepted; esr_el2 = elr_el2 + 4, data log unchanged */
	const hm_rdata *st = fault_st(T_SMMU_BASE / 256, 0x10, ESR_SAS(3) | ESR_SRT(5) | ESR_ELx_WNR);
	const hm_rdata *out = run_ok(st);
	hm_rdata *e = tt_enter_core(st);
	hm_ctxt_regs rr = e->regs->ctxt_regs;
	rr.esr_el2 = 0x1004;
	e = with_slog(tt_with_regs(e, rr), ev(HM_AEV_OSMMU_GET, NULL, NULL));
	t_assert_state_equal(out, tt_return_host(e));
}

static void test_smmu_write_rejected_halts(void **state)
{
	(void)state;
	/* a write of x5 = 0x55 to sCR0 (offset 0): bit sCR0_SMCFCFG_SHIFT of
	 * the data is 0, the write is refused: halt */
	const hm_rdata *st = fault_st(T_SMMU_BASE / 256, 0, ESR_SAS(3) | ESR_SRT(5) | ESR_ELx_WNR);
	const hm_rdata *out = run_ok(st);
	hm_rdata *e = t_with_halt(tt_enter_core(st), true);
	e = with_slog(e, ev(HM_AEV_OSMMU_GET, NULL, NULL));
	t_assert_state_equal(out, e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_not_host_mode_is_none),
		cmocka_unit_test(test_halted_is_unchanged),
		cmocka_unit_test(test_maps_unowned_page_as_device),
		cmocka_unit_test(test_maps_host_page_as_kernel),
		cmocka_unit_test(test_vm_page_halts),
		cmocka_unit_test(test_relies),
		cmocka_unit_test(test_smmu_read_8_bytes),
		cmocka_unit_test(test_smmu_read_bad_size_halts),
		cmocka_unit_test(test_smmu_write_accepted),
		cmocka_unit_test(test_smmu_write_rejected_halts),
	};
	return cmocka_run_group_tests(tests, tt_group_setup, tt_group_teardown);
}
