/* TrapHandlerSpec (seed): the VCPU run and VM exit paths, one test per
 * branch: vcpu_run_swith_to_core, vcpu_run_process, vcpu_run_switch_to_vm,
 * host_vcpu_run_handler_spec, prep_exit_vm, vm_exit_pre_process,
 * switch_to_host, vm_exit_handler_spec.
 *
 * States start from the initial view of CPU 0 (curid 0, every hlock held);
 * VM 1's VCPU 2 has the shadow context ctxt_id 1 2 = 10. The data oracles
 * are scripted per test (tt_script), so every value read is known. */
#include "t_trap.h"
#include "trap_handler_spec.h"

#include <string.h>

#define CPU 0
#define VM 1
#define VCPU 2
#define CTX ((hm_z)10) /* ctxt_id VM VCPU */

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

static hm_rdata *with_cur_vcpuid(const hm_rdata *st, hm_z vcpuid)
{
	hm_rdata *o = rd_edit(st);
	o->cur_vcpuid = vcpuid;
	return o;
}

static const hm_ctxt_regs zero_regs;
static const hm_ctxt_states zero_states;

/* ================= vcpu_run_swith_to_core ================= */

static void test_swith_to_core_picks_vm(void **state)
{
	(void)state;
	/* x0 = 1 is a VM: the host's context (ctxt_id 0 0) gets x0..x30,
	 * the saved system registers (mpidr_el1 from vmpidr_el2) and the FP
	 * registers; hcr_el2 is not saved. icore, cur_vmid 1, cur_vcpuid -1. */
	hm_ctxt_regs r = zero_regs;
	r.x0 = VM;
	r.x7 = 7;
	r.sctlr_el1 = 0x11;
	r.vmpidr_el2 = 0x22;
	r.fp_q3 = 0x33;
	r.sp_el0 = 0x44;
	r.elr_el1 = 0x55;
	r.hcr_el2 = 0x66;
	const hm_rdata *st = tt_with_regs(tt_initial(), r);
	hm_rdata *out = vcpu_run_swith_to_core(st);
	hm_ctxt_regs s = zero_regs;
	s.x0 = VM;
	s.x7 = 7;
	s.sctlr_el1 = 0x11;
	s.mpidr_el1 = 0x22;
	s.fp_q3 = 0x33;
	s.sp_el0 = 0x44;
	s.elr_el1 = 0x55;
	hm_rdata *e = tt_with_shadow(st, 0, s, zero_states);
	e->icore = true;
	e->cur_vmid = VM;
	e->cur_vcpuid = -1;
	t_assert_state_equal(out, e);
}

static void test_swith_to_core_not_a_vm_halts(void **state)
{
	(void)state;
	/* x0 = 0 or COREVISOR: adt {halt: true}, nothing saved */
	const hm_rdata *st = tt_hvc(tt_initial(), 0, 0, 0, 0, 0, 0);
	t_assert_state_equal(vcpu_run_swith_to_core(st), t_with_halt(st, true));
	st = tt_hvc(tt_initial(), COREVISOR, 0, 0, 0, 0, 0);
	t_assert_state_equal(vcpu_run_swith_to_core(st), t_with_halt(st, true));
}

/* ================= vcpu_run_process ================= */

/* After vcpu_run_swith_to_core for VM 1: core running, cur_vcpuid -1.
 * VM 1 VERIFIED with VCPU 2 in vcpu_state, an image slot 0 at 0x200000
 * (0x3000 bytes, remapped at REMAP_START); VCPU 2's context with dirty. */
static const hm_rdata *process_st(hm_z vcpu_state, hm_z inc_exe, hm_ctxt_regs cr, hm_ctxt_states cs)
{
	const hm_rdata *st = tt_with_mode(tt_with_cur(tt_initial(), VM, -1), true, true);
	hm_vminfo *info = vminfo_edit(tc_vminfo_boot(tc_vminfo(VERIFIED, VCPU, vcpu_state), 1, 0, 0x200000,
						     0x3000, REMAP_START, 3));
	info->VB.vm_inc_exe = inc_exe;
	st = tt_with_info(st, VM, info);
	return tt_with_shadow(st, CTX, cr, cs);
}

static hm_ctxt_states states_dirty(hm_z dirty)
{
	hm_ctxt_states s = zero_states;
	s.dirty = dirty;
	return s;
}

/* VM 1's info in st with VCPU 2 ACTIVE */
static const hm_vminfo *active(const hm_rdata *st)
{
	hm_vminfo *i = vminfo_edit(tt_info(st, VM));
	SETP(i, VS.vm_vcpu_state, hm_map_set_z(i->VS.vm_vcpu_state, VCPU, ACTIVE));
	return i;
}

static void test_process_bad_vcpuid_halts(void **state)
{
	(void)state;
	/* core_doracle 1 0 = 8, not a VCPU: adt {halt: true} */
	tt_script(true, VM, 0, 8);
	const hm_rdata *st = process_st(READY, 0, zero_regs, states_dirty(INVALID64));
	hm_sres r = vcpu_run_process(st);
	t_assert_state_equal(r.st, t_with_halt(st, true));
}

static void test_process_vcpu_not_ready_halts(void **state)
{
	(void)state;
	/* VCPU 2 UNUSED: local_set_vcpu_active halts after the event */
	tt_script(true, VM, 0, VCPU);
	const hm_rdata *st = process_st(UNUSED, 0, zero_regs, states_dirty(INVALID64));
	hm_sres r = vcpu_run_process(st);
	hm_rdata *e = t_with_halt(with_cur_vcpuid(st, VCPU), true);
	e = tt_with_core_data_log(e, VM, 1);
	e = with_slog(e, ev(HM_AEV_OVM_ACTIVE, TT_ARGS(VM, VCPU), NULL));
	t_assert_state_equal(r.st, e);
}

static void test_process_first_run_pc_outside_images_halts(void **state)
{
	(void)state;
	/* dirty INVALID64, inc_exe 0: pc' = doracle 1 0 = 0x900000 lies in no
	 * image (slot 0 is [0x200000, 0x203000)): ret 0, halt */
	tt_script(true, VM, 0, VCPU);
	tt_script(false, VM, 0, 0x900000);
	const hm_rdata *st = process_st(READY, 0, zero_regs, states_dirty(INVALID64));
	hm_sres r = vcpu_run_process(st);
	hm_rdata *e = t_with_halt(with_cur_vcpuid(st, VCPU), true);
	e = tt_with_core_data_log(e, VM, 1);
	e = tt_with_info(e, VM, active(st));
	e = tt_with_data_log(e, VM, 1);
	e = with_slog(e, ev(HM_AEV_OVM_GET, TT_ARGS(VM),
			    ev(HM_AEV_OVM_GET, TT_ARGS(VM), ev(HM_AEV_OVM_ACTIVE, TT_ARGS(VM, VCPU), NULL))));
	t_assert_state_equal(r.st, e);
}

static void test_process_first_run_resets_vcpu(void **state)
{
	(void)state;
	/* pc' = doracle 1 0 = 0x200010 is in image 0 (ret = 0x10 + REMAP_START):
	 * the general and FP registers are cleared, pstate = doracle 1 1,
	 * pc = pc'; reset_sys_regs from logn 2 sets MPIDR_EL1 = 2 + 2^31,
	 * ACTLR_EL1 = doracle 1 2 and the other registers of index 47..70 to
	 * reg_desc (0 by default); dirty 0; the data log ends at 3. Registers
	 * outside 47..70 (hcr_el2, esr_el2, flags, spsr_0) keep their values. */
	tt_script(true, VM, 0, VCPU);
	tt_script(false, VM, 0, 0x200010);
	tt_script(false, VM, 1, 0x3c5);
	tt_script(false, VM, 2, 0xac);
	hm_ctxt_regs cr = zero_regs;
	cr.x3 = 33;
	cr.fp_q1 = 5;
	cr.sctlr_el1 = 7;
	cr.elr_el2 = 0x70;
	cr.hcr_el2 = 0x99;
	cr.esr_el2 = 0x98;
	hm_ctxt_states cs = states_dirty(INVALID64);
	cs.esr_el1 = 0x12;
	cs.flags = 5;
	cs.spsr_0 = 6;
	const hm_rdata *st = process_st(READY, 0, cr, cs);
	hm_sres r = vcpu_run_process(st);
	assert_non_null(r.st);
	hm_ctxt_regs er = zero_regs;
	er.hcr_el2 = 0x99;
	er.esr_el2 = 0x98;
	er.mpidr_el1 = 2 + 2147483648LL;
	er.actlr_el1 = 0xac;
	hm_ctxt_states es = zero_states;
	es.pc = 0x200010;
	es.pstate = 0x3c5;
	es.flags = 5;
	es.spsr_0 = 6;
	hm_rdata *e = with_cur_vcpuid(st, VCPU);
	e = tt_with_core_data_log(e, VM, 1);
	e = tt_with_info(e, VM, active(st));
	e = tt_with_data_log(e, VM, 3);
	e = tt_with_shadow(e, CTX, er, es);
	e = with_slog(e, ev(HM_AEV_OVM_GET, TT_ARGS(VM),
			    ev(HM_AEV_OVM_GET, TT_ARGS(VM), ev(HM_AEV_OVM_ACTIVE, TT_ARGS(VM, VCPU), NULL))));
	t_assert_state_equal(r.st, e);
}

static void test_process_first_run_loaded_context(void **state)
{
	(void)state;
	/* inc_exe 1 (the host loaded the context): only dirty := 0 */
	tt_script(true, VM, 0, VCPU);
	hm_ctxt_regs cr = zero_regs;
	cr.x3 = 33;
	const hm_rdata *st = process_st(READY, 1, cr, states_dirty(INVALID64));
	hm_sres r = vcpu_run_process(st);
	hm_rdata *e = with_cur_vcpuid(st, VCPU);
	e = tt_with_core_data_log(e, VM, 1);
	e = tt_with_info(e, VM, active(st));
	e = tt_with_shadow(e, CTX, cr, zero_states);
	e = with_slog(e, ev(HM_AEV_OVM_GET, TT_ARGS(VM), ev(HM_AEV_OVM_ACTIVE, TT_ARGS(VM, VCPU), NULL)));
	t_assert_state_equal(r.st, e);
}

static void test_process_first_run_rely(void **state)
{
	(void)state;
	tt_script(true, VM, 0, VCPU);
	const hm_rdata *st = tt_with_hlock(process_st(READY, 0, zero_regs, states_dirty(INVALID64)), INFO_ID + VM,
					   false);
	tt_assert_rely(vcpu_run_process(st), "th_hlock(adt1, INFO_ID + vmid)", "vcpu_run_first");
}

/* The resume path: dirty0 <> INVALID64; VCPU 2 READY; core_doracle 1 0 = 2
 * and core_doracle 1 1 = addr. */
static const hm_rdata *resume_st(hm_z ec, hm_z dirty, hm_z addr)
{
	tt_script(true, VM, 0, VCPU);
	tt_script(true, VM, 1, addr);
	hm_ctxt_regs cr = zero_regs;
	cr.ec = ec;
	cr.far_el2 = 0x77;
	cr.x3 = 3;
	hm_ctxt_states cs = states_dirty(dirty);
	cs.pc = 0x1000;
	cs.pstate = 0x3c5;
	return process_st(READY, 1, cr, cs);
}

/* The common expectation of the resume path without a mapping. */
static hm_rdata *resumed(const hm_rdata *st, hm_ctxt_regs er, hm_ctxt_states es, hm_z data_log)
{
	hm_rdata *e = with_cur_vcpuid(st, VCPU);
	e = tt_with_core_data_log(e, VM, 2);
	e = tt_with_info(e, VM, active(st));
	e = tt_with_data_log(e, VM, data_log);
	e = tt_with_shadow(e, CTX, er, es);
	return with_slog(e, ev(HM_AEV_OVM_ACTIVE, TT_ARGS(VM, VCPU), NULL));
}

static void test_process_resume_plain(void **state)
{
	(void)state;
	/* ec INTERRUPT (no sync), a pending-exception bit set (no injection),
	 * DIRTY_PC clear, addr 0 < PAGE_SIZE (no mapping): dirty 0, far_el2 0,
	 * core data log at 2 */
	const hm_rdata *st = resume_st(ARM_EXCEPTION_INTERRUPT, PENDING_EXCEPT_INJECT_FLAG, 0);
	hm_sres r = vcpu_run_process(st);
	hm_ctxt_regs er = tt_shadow(st, CTX)->ctxt_regs;
	er.far_el2 = 0;
	hm_ctxt_states es = tt_shadow(st, CTX)->ctxt_states;
	es.dirty = 0;
	t_assert_state_equal(r.st, resumed(st, er, es, 0));
}

static void test_process_resume_trap_syncs_dirty_and_pc(void **state)
{
	(void)state;
	/* ec TRAP, dirty0 = x3 | DIRTY_PC_FLAG | pending bit: x3 = doracle 1 0
	 * (data log 1), pc + 4, no injection */
	tt_script(false, VM, 0, 0x333);
	const hm_rdata *st = resume_st(ARM_EXCEPTION_TRAP,
				       ((hm_z)1 << 3) | DIRTY_PC_FLAG | PENDING_EXCEPT_INJECT_FLAG, 0);
	hm_sres r = vcpu_run_process(st);
	hm_ctxt_regs er = tt_shadow(st, CTX)->ctxt_regs;
	er.far_el2 = 0;
	er.x3 = 0x333;
	hm_ctxt_states es = tt_shadow(st, CTX)->ctxt_states;
	es.dirty = 0;
	es.pc = 0x1004;
	t_assert_state_equal(r.st, resumed(st, er, es, 1));
}

static void test_process_resume_injects_exception(void **state)
{
	(void)state;
	/* dirty0 = 0: Z.land dirty0 PENDING_EXCEPT_INJECT_FLAG =? 0, so
	 * update_exception_gp_regs_specx runs: elr_el1 = pc, spsr_0 = pstate,
	 * esr_el1 = ESR_ELx_EC_UNKNOWN, pstate = PSTATE_FAULT_BITS_64; pc
	 * itself is not moved to the vector */
	const hm_rdata *st = resume_st(ARM_EXCEPTION_INTERRUPT, 0, 0);
	hm_sres r = vcpu_run_process(st);
	hm_ctxt_regs er = tt_shadow(st, CTX)->ctxt_regs;
	er.far_el2 = 0;
	er.elr_el1 = 0x1000;
	hm_ctxt_states es = tt_shadow(st, CTX)->ctxt_states;
	es.dirty = 0;
	es.spsr_0 = 0x3c5;
	es.esr_el1 = ESR_ELx_EC_UNKNOWN;
	es.pstate = PSTATE_FAULT_BITS_64;
	t_assert_state_equal(r.st, resumed(st, er, es, 0));
}

static void test_process_resume_maps_fault(void **state)
{
	(void)state;
	/* addr = core_doracle 1 1 = 0x5000, pte = core_doracle 1 2, level =
	 * core_doracle 1 3 = 3: the host page 0x40300 goes to VM 1 at gfn 5
	 * (flatmem doracle 1 0, data log 1) and VM 1's NPT maps gfn 5 to it;
	 * the core data log ends at 4 */
	hm_z pte = 0x40300000 | 0xfff;
	tt_script(true, VM, 2, pte);
	tt_script(true, VM, 3, 3);
	tt_script(false, VM, 0, 0x4242);
	const hm_rdata *st = resume_st(ARM_EXCEPTION_INTERRUPT, PENDING_EXCEPT_INJECT_FLAG, 0x5000);
	hm_sres r = vcpu_run_process(st);
	assert_non_null(r.st);
	const hm_rdata *out = r.st;
	assert_false(out->halt);
	assert_z_equal(hm_map_get_z(out->core_data_log, VM), 4);
	assert_z_equal(hm_map_get_z(out->data_log, VM), 1);
	const hm_s2page *p = s2page_at(out->shared->s2page, 0x40300);
	assert_z_equal(p->s2_owner, VM);
	assert_z_equal(p->s2_gfn, 5);
	assert_z_equal(hm_map_get_z(out->shared->flatmem, 0x40300), 0x4242);
	const hm_z3 *e = z3_at(npt_at(out->shared->npts, VM)->pt, 5);
	assert_z_equal(e->a, 0x40300);
	assert_z_equal(e->b, 3);
	assert_z_equal(e->c, z_lor(0x40300000, PAGE_S2_KERNEL));
	assert_z_equal(tt_shadow(out, CTX)->ctxt_states.dirty, 0);
	assert_z_equal(tt_shadow(out, CTX)->ctxt_regs.far_el2, 0);
	tt_assert_event(tt_event(out->slog, 0), CPU, HM_AEV_OMAP_VM, TT_ARGS(VM, 0x5000, pte, 3));
	tt_assert_event(tt_event(out->slog, 1), CPU, HM_AEV_OASSIGN_VM, TT_ARGS(VM, 5, 0x40300, 0));
	tt_assert_event(tt_event(out->slog, 2), CPU, HM_AEV_OVM_ACTIVE, TT_ARGS(VM, VCPU));
	assert_int_equal(hm_slog_len(out->slog), 3);
}

/* ================= vcpu_run_switch_to_vm ================= */

static void test_switch_to_vm_loads_registers(void **state)
{
	(void)state;
	/* regs take every register the VM's context restores; vttbr_el2 =
	 * pt_vttbr 1, hcr_el2 = HCR_HYPSEC_VM_FLAGS; trap regs: cnthctl_el2
	 * 100 - CNTHCTL_EL1PCEN + CNTHCTL_EL1PCTEN = 101, then activate_traps */
	hm_ctxt_regs cr = zero_regs;
	cr.x0 = 10;
	cr.x30 = 30;
	cr.tpidr_el2 = 7;
	cr.sctlr_el1 = 0x11;
	cr.mpidr_el1 = 0x22;
	cr.fp_q0 = 0x33;
	cr.esr_el2 = 0x44;
	cr.hcr_el2 = 0x55;
	hm_ctxt_states cs = zero_states;
	cs.pc = 0x1000;
	cs.pstate = 0x3c5;
	const hm_rdata *st = tt_with_mode(tt_with_cur(tt_initial(), VM, VCPU), true, true);
	st = tt_with_shadow(st, CTX, cr, cs);
	hm_ctxt_regs rr = zero_regs;
	rr.sctlr_el1 = 0x999;
	rr.x5 = 0x5;
	st = tt_with_regs(st, rr);
	hm_trap_regs tr = {0};
	tr.cnthctl_el2 = 100;
	tr.pmuselr_el0 = 9;
	st = tt_with_trap_regs(st, tr);
	hm_sres r = vcpu_run_switch_to_vm(st);
	hm_ctxt_regs er = zero_regs;
	er.vttbr_el2 = pt_vttbr(VM);
	er.tpidr_el2 = 7;
	er.hcr_el2 = HCR_HYPSEC_VM_FLAGS;
	er.sctlr_el1 = 0x11;
	er.vmpidr_el2 = 0x22;
	er.mpidr_el1 = 0x22;
	er.spsr_el2 = 0x3c5;
	er.elr_el2 = 0x1000;
	er.esr_el2 = 0x44;
	er.fp_q0 = 0x33;
	er.x0 = 10;
	er.x30 = 30;
	hm_trap_regs et = {.pmuselr_el0 = 0, .pmuserenr_el0 = ARMV8_PMU_USERENR_MASK,
			   .mdcr_el2 = HYPSEC_MDCR_EL2_FLAG, .cptr_el2 = CPTR_VM, .cnthctl_el2 = 101};
	hm_rdata *e = tt_with_trap_regs(tt_with_regs(st, er), et);
	e = tt_with_mode(e, false, false);
	t_assert_state_equal(r.st, e);
}

/* ================= host_vcpu_run_handler_spec ================= */

static void test_run_handler_guards(void **state)
{
	(void)state;
	const hm_rdata *st = tt_hvc(tt_initial(), VM, 0, 0, 0, 0, 0);
	tt_assert_stuck(host_vcpu_run_handler_spec(tt_with_mode(st, false, false)), "host_vcpu_run_handler_spec");
	tt_assert_stuck(host_vcpu_run_handler_spec(tt_with_mode(st, true, true)), "host_vcpu_run_handler_spec");
	const hm_rdata *h = t_with_halt(st, true);
	assert_ptr_equal(host_vcpu_run_handler_spec(h).st, h);
}

static void test_run_handler_not_a_vm_halts(void **state)
{
	(void)state;
	const hm_rdata *st = tt_hvc(tt_initial(), 0, 0, 0, 0, 0, 0);
	t_assert_state_equal(host_vcpu_run_handler_spec(st).st, t_with_halt(st, true));
}

/* The host asks to run VM 1 (x0 = 1): VM 1 VERIFIED with VCPU 2 READY,
 * VCPU 2's context resumable (dirty = a pending bit, ec INTERRUPT). */
static const hm_rdata *run_st(void)
{
	hm_ctxt_regs cr = zero_regs;
	cr.ec = ARM_EXCEPTION_INTERRUPT;
	cr.x1 = 0x1111;
	hm_ctxt_states cs = states_dirty(PENDING_EXCEPT_INJECT_FLAG);
	cs.pc = 0x2000;
	const hm_rdata *st = tt_hvc(tt_initial(), VM, 0, 0, 0, 0, 0);
	st = tt_with_info(st, VM, tc_vminfo(VERIFIED, VCPU, READY));
	return tt_with_shadow(st, CTX, cr, cs);
}

static void test_run_handler_process_halts(void **state)
{
	(void)state;
	/* core_doracle 1 0 = 9: vcpu_run_process halts on the state after
	 * vcpu_run_swith_to_core */
	tt_script(true, VM, 0, 9);
	const hm_rdata *st = run_st();
	hm_sres r = host_vcpu_run_handler_spec(st);
	t_assert_state_equal(r.st, t_with_halt(vcpu_run_swith_to_core(st), true));
	assert_true(r.st->icore);
	assert_z_equal(r.st->cur_vcpuid, -1);
}

static void test_run_handler_process_none(void **state)
{
	(void)state;
	/* first run (dirty INVALID64) with INFO_ID + 1 released: None */
	tt_script(true, VM, 0, VCPU);
	const hm_rdata *st = tt_with_shadow(run_st(), CTX, zero_regs, states_dirty(INVALID64));
	st = tt_with_hlock(st, INFO_ID + VM, false);
	tt_assert_rely(host_vcpu_run_handler_spec(st), "th_hlock(adt1, INFO_ID + vmid)", "vcpu_run_first");
}

static void test_run_handler_enters_vm(void **state)
{
	(void)state;
	/* the three stages: VCPU 2 ACTIVE, the VM's registers loaded (x1 from
	 * its context, pc into elr_el2, its page table in vttbr_el2), the
	 * host's x0 saved in its own context, and the CPU out of host and core */
	tt_script(true, VM, 0, VCPU);
	tt_script(true, VM, 1, 0);
	const hm_rdata *st = run_st();
	hm_sres r = host_vcpu_run_handler_spec(st);
	assert_non_null(r.st);
	const hm_rdata *out = r.st;
	assert_false(out->halt);
	assert_false(out->ihost);
	assert_false(out->icore);
	assert_z_equal(out->cur_vmid, VM);
	assert_z_equal(out->cur_vcpuid, VCPU);
	assert_z_equal(hm_map_get_z(tt_info(out, VM)->VS.vm_vcpu_state, VCPU), ACTIVE);
	assert_z_equal(out->regs->ctxt_regs.x1, 0x1111);
	assert_z_equal(out->regs->ctxt_regs.x0, 0);
	assert_z_equal(out->regs->ctxt_regs.elr_el2, 0x2000);
	assert_z_equal(out->regs->ctxt_regs.vttbr_el2, pt_vttbr(VM));
	assert_z_equal(tt_shadow(out, 0)->ctxt_regs.x0, VM);
	assert_z_equal(tt_shadow(out, CTX)->ctxt_states.dirty, 0);
	tt_assert_event(tt_event(out->slog, 0), CPU, HM_AEV_OVM_ACTIVE, TT_ARGS(VM, VCPU));
}

/* ================= prep_exit_vm ================= */

/* VM 1 VCPU 2 just trapped (after vm_exit_pre_process): core running,
 * VCPU 2 ACTIVE, its context with ec and esr_el2; regs hold the VM's
 * system and FP registers, trap regs those activate_traps set. */
static const hm_rdata *exit_st(hm_z ec, hm_z esr, hm_z x0, hm_z vcpu_state)
{
	const hm_rdata *st = tt_with_mode(tt_with_cur(tt_initial(), VM, VCPU), false, true);
	st = tt_with_info(st, VM, tc_vminfo(VERIFIED, VCPU, vcpu_state));
	hm_ctxt_regs cr = zero_regs;
	cr.ec = ec;
	cr.esr_el2 = esr;
	cr.x0 = x0;
	cr.hpfar_el2 = 0x100;
	st = tt_with_shadow(st, CTX, cr, zero_states);
	hm_ctxt_regs rr = zero_regs;
	rr.sctlr_el1 = 0x11;
	rr.fp_q2 = 0x22;
	rr.vmpidr_el2 = 0x33;
	st = tt_with_regs(st, rr);
	hm_trap_regs tr = {.pmuselr_el0 = 0, .pmuserenr_el0 = 4, .mdcr_el2 = 5, .cptr_el2 = 6, .cnthctl_el2 = 100};
	return tt_with_trap_regs(st, tr);
}

/* st with the VM's registers saved in its context (states cs), the traps
 * deactivated (cnthctl_el2 101) */
static hm_rdata *exit_saved(const hm_rdata *st, hm_ctxt_states cs)
{
	hm_ctxt_regs cr = tt_shadow(st, CTX)->ctxt_regs;
	cr.sctlr_el1 = 0x11;
	cr.fp_q2 = 0x22;
	cr.mpidr_el1 = 0x33;
	hm_rdata *e = tt_with_shadow(st, CTX, cr, cs);
	hm_trap_regs tr = {.pmuselr_el0 = 0, .pmuserenr_el0 = 0, .mdcr_el2 = 0,
			   .cptr_el2 = CPTR_EL2_DEFAULT, .cnthctl_el2 = 101};
	return tt_with_trap_regs(e, tr);
}

/* the VCPU made inactive (READY) with its event on top of l */
static hm_rdata *inactive(const hm_rdata *e, const hm_slog *l)
{
	hm_vminfo *i = vminfo_edit(tt_info(e, VM));
	SETP(i, VS.vm_vcpu_state, hm_map_set_z(i->VS.vm_vcpu_state, VCPU, READY));
	return with_slog(tt_with_info(e, VM, i), ev(HM_AEV_OVM_INACTIVE, TT_ARGS(VM, VCPU), l));
}

#define HSR(ec_) ((hm_z)(ec_) << ESR_ELx_EC_SHIFT)

static void test_prep_exit_interrupt(void **state)
{
	(void)state;
	const hm_rdata *st = exit_st(ARM_EXCEPTION_INTERRUPT, 0, 0, ACTIVE);
	hm_sres r = prep_exit_vm(st);
	t_assert_state_equal(r.st, inactive(exit_saved(st, zero_states), NULL));
}

static void test_prep_exit_wfx(void **state)
{
	(void)state;
	/* WFx: dirty = DIRTY_PC_FLAG */
	const hm_rdata *st = exit_st(ARM_EXCEPTION_TRAP, HSR(ESR_ELx_EC_WFx), 0, ACTIVE);
	hm_sres r = prep_exit_vm(st);
	t_assert_state_equal(r.st, inactive(exit_saved(st, states_dirty(DIRTY_PC_FLAG)), NULL));
}

static void test_prep_exit_hvc_system_off(void **state)
{
	(void)state;
	/* HVC64 with x0 = SYSTEM_OFF (bits above 32 ignored by the INVALID
	 * mask): VM 1 POWEROFF, then the VCPU inactive */
	const hm_rdata *st =
		exit_st(ARM_EXCEPTION_TRAP, HSR(ESR_ELx_EC_HVC64), ((hm_z)1 << 32) | PSCI_0_2_FN_SYSTEM_OFF, ACTIVE);
	hm_sres r = prep_exit_vm(st);
	hm_rdata *e = exit_saved(st, zero_states);
	hm_vminfo *i = vminfo_edit(tt_info(e, VM));
	i->VS.vm_state = POWEROFF;
	e = tt_with_info(e, VM, i);
	t_assert_state_equal(r.st, inactive(e, ev(HM_AEV_OVM_POWEROFF, TT_ARGS(VM), NULL)));
}

static void test_prep_exit_hvc_other(void **state)
{
	(void)state;
	const hm_rdata *st = exit_st(ARM_EXCEPTION_TRAP, HSR(ESR_ELx_EC_HVC64), 5, ACTIVE);
	hm_sres r = prep_exit_vm(st);
	t_assert_state_equal(r.st, inactive(exit_saved(st, zero_states), NULL));
	/* SYSTEM_OFF with INFO_ID + 1 released: prep_hvc_spec_h's rely */
	st = exit_st(ARM_EXCEPTION_TRAP, HSR(ESR_ELx_EC_HVC64), PSCI_0_2_FN_SYSTEM_OFF, ACTIVE);
	hm_sres n = prep_exit_vm(tt_with_hlock(st, INFO_ID + VM, false));
	assert_null(n.st);
	assert_non_null(strstr(n.rely, "INFO_ID + vmid"));
}

static void test_prep_exit_abort(void **state)
{
	(void)state;
	/* DABT: esr = doracle 1 0 = (Rd 7), a read: fault_ipa = 0x100 / 16 *
	 * 4096 = 0x10000 < MAX_MMIO_ADDR, so dirty = 1 << 7; data log 1 */
	tt_script(false, VM, 0, (hm_z)7 << 16);
	const hm_rdata *st = exit_st(ARM_EXCEPTION_TRAP, HSR(ESR_ELx_EC_DABT_LOW), 0, ACTIVE);
	hm_sres r = prep_exit_vm(st);
	hm_rdata *e = tt_with_data_log(exit_saved(st, states_dirty((hm_z)1 << 7)), VM, 1);
	t_assert_state_equal(r.st, inactive(e, NULL));
	/* IABT with WNR in the oracle's esr: dirty = DIRTY_PC_FLAG */
	tt_script(false, VM, 0, ((hm_z)7 << 16) | ESR_ELx_WNR);
	st = exit_st(ARM_EXCEPTION_TRAP, HSR(ESR_ELx_EC_IABT_LOW), 0, ACTIVE);
	r = prep_exit_vm(st);
	e = tt_with_data_log(exit_saved(st, states_dirty(DIRTY_PC_FLAG)), VM, 1);
	t_assert_state_equal(r.st, inactive(e, NULL));
}

static void test_prep_exit_unknown_class_halts(void **state)
{
	(void)state;
	/* exception class 0x3f: adt {halt: true}, nothing saved */
	const hm_rdata *st = exit_st(ARM_EXCEPTION_TRAP, HSR(0x3f), 0, ACTIVE);
	t_assert_state_equal(prep_exit_vm(st).st, t_with_halt(st, true));
}

static void test_prep_exit_vcpu_not_active_halts(void **state)
{
	(void)state;
	/* VCPU 2 READY: local_set_vcpu_inactive halts after the event */
	const hm_rdata *st = exit_st(ARM_EXCEPTION_INTERRUPT, 0, 0, READY);
	hm_rdata *e = with_slog(t_with_halt(exit_saved(st, zero_states), true),
				ev(HM_AEV_OVM_INACTIVE, TT_ARGS(VM, VCPU), NULL));
	t_assert_state_equal(prep_exit_vm(st).st, e);
}

/* ================= vm_exit_pre_process ================= */

/* VM 1 VCPU 2 running (ihost, icore false): regs hold the exit (ec,
 * esr_el2, far_el2, hpfar_el2) and the VM's x0..x30 (x0 = x0v, x1 = 11) */
static const hm_rdata *vm_st(hm_z ec, hm_z esr, hm_z x0v)
{
	const hm_rdata *st = tt_with_mode(tt_with_cur(tt_initial(), VM, VCPU), false, false);
	st = tt_with_info(st, VM, tc_vminfo(VERIFIED, VCPU, ACTIVE));
	hm_ctxt_regs rr = zero_regs;
	rr.ec = ec;
	rr.esr_el2 = esr;
	rr.far_el2 = 0xf0;
	rr.hpfar_el2 = 0x100;
	rr.elr_el2 = 0x3000;
	rr.x0 = x0v;
	rr.x1 = 11;
	rr.x2 = 0x40300000;
	rr.x3 = 0x1000;
	return tt_with_regs(st, rr);
}

/* adt': the VM's x0..x30 and exit registers saved in its context, icore */
static hm_rdata *vm_saved(const hm_rdata *st)
{
	const hm_ctxt_regs *rr = &st->regs->ctxt_regs;
	hm_ctxt_regs cr = tt_shadow(st, CTX)->ctxt_regs;
	for (int i = 0; i <= 30; i++)
		tt_set_reg(&cr, i, tt_reg(rr, i));
	cr.esr_el2 = rr->esr_el2;
	cr.ec = rr->ec;
	cr.far_el2 = rr->far_el2;
	cr.hpfar_el2 = rr->hpfar_el2;
	hm_rdata *e = tt_with_shadow(st, CTX, cr, tt_shadow(st, CTX)->ctxt_states);
	e->icore = true;
	return e;
}

static void test_pre_process_sys64_resumes_vm(void **state)
{
	(void)state;
	/* TRAP with class SYS64: the dispatcher sets esr_el2 = elr_el2 + 4 in
	 * regs, ret 0: x0..x30 go back to regs (unchanged), icore false */
	const hm_rdata *st = vm_st(ARM_EXCEPTION_TRAP, HSR(ESR_ELx_EC_SYS64), 5);
	hm_sres r = vm_exit_pre_process(st);
	assert_true(r.has_ret);
	assert_z_equal(r.ret, 0);
	hm_rdata *e = vm_saved(st);
	hm_ctxt_regs rr = e->regs->ctxt_regs;
	rr.esr_el2 = 0x3004;
	e = tt_with_regs(e, rr);
	e->icore = false;
	t_assert_state_equal(r.st, e);
}

static void test_pre_process_hvc_exits_to_host(void **state)
{
	(void)state;
	/* TRAP with class HVC64, x0 = 5 (no descriptor hypercall): the
	 * dispatcher returns 1, prep_exit_vm makes the VCPU inactive; ret 1 */
	const hm_rdata *st = vm_st(ARM_EXCEPTION_TRAP, HSR(ESR_ELx_EC_HVC64), 5);
	hm_sres r = vm_exit_pre_process(st);
	assert_z_equal(r.ret, 1);
	hm_sres p = prep_exit_vm(vm_saved(st));
	t_assert_state_equal(r.st, p.st);
	assert_z_equal(hm_map_get_z(tt_info(r.st, VM)->VS.vm_vcpu_state, VCPU), READY);
	assert_true(r.st->icore);
}

static void test_pre_process_interrupt(void **state)
{
	(void)state;
	const hm_rdata *st = vm_st(ARM_EXCEPTION_INTERRUPT, 0, 5);
	hm_sres r = vm_exit_pre_process(st);
	assert_z_equal(r.ret, 1);
	t_assert_state_equal(r.st, prep_exit_vm(vm_saved(st)).st);
	tt_assert_event(tt_event(r.st->slog, 0), CPU, HM_AEV_OVM_INACTIVE, TT_ARGS(VM, VCPU));
}

static void test_pre_process_other_exit_halts(void **state)
{
	(void)state;
	const hm_rdata *st = vm_st(7, 0, 5);
	hm_sres r = vm_exit_pre_process(st);
	assert_z_equal(r.ret, 1);
	t_assert_state_equal(r.st, t_with_halt(vm_saved(st), true));
}

static void test_pre_process_dispatcher_none(void **state)
{
	(void)state;
	/* HVC_KVM_SET_DESC_PFN (addr x2, size x3) with VM 1's NPT lock
	 * released: grant_stage2_loop's rely fails */
	const hm_rdata *st = vm_st(ARM_EXCEPTION_TRAP, HSR(ESR_ELx_EC_HVC64), HVC_KVM_SET_DESC_PFN);
	hm_sres r = vm_exit_pre_process(tt_with_hlock(st, NPT_ID + VM, false));
	assert_null(r.st);
	assert_non_null(strstr(r.rely, "NPT_ID + vmid"));
}

static void test_pre_process_prep_exit_none(void **state)
{
	(void)state;
	/* HVC64 x0 = SYSTEM_OFF: ret 1 from the dispatcher, prep_hvc_spec_h's
	 * rely on INFO_ID + 1 fails */
	const hm_rdata *st = vm_st(ARM_EXCEPTION_TRAP, HSR(ESR_ELx_EC_HVC64), PSCI_0_2_FN_SYSTEM_OFF);
	hm_sres r = vm_exit_pre_process(tt_with_hlock(st, INFO_ID + VM, false));
	assert_null(r.st);
	assert_non_null(strstr(r.rely, "INFO_ID + vmid"));
}

/* ================= switch_to_host ================= */

/* The host's context of CPU `cpu` (ctxt_id 0 cpu) with a few registers. */
static const hm_rdata *host_ctxt_st(const hm_rdata *st, hm_z cpu)
{
	hm_ctxt_regs hr = zero_regs;
	hr.x0 = 0xa;
	hr.x30 = 0x1e;
	hr.sctlr_el1 = 0x11;
	hr.fp_q0 = 0x22;
	hr.mpidr_el1 = 0x33;
	hr.esr_el2 = 0x44;
	hr.tpidr_el2 = 0x55; /* not restored: host_el2_restore_state sets 0 */
	hm_ctxt_states hs = zero_states;
	hs.pc = 0x500;
	hs.pstate = 0x3c5;
	return tt_with_shadow(st, ctxt_id(HOSTVISOR, cpu), hr, hs);
}

static hm_ctxt_regs host_regs_expected(void)
{
	hm_ctxt_regs er = zero_regs;
	er.vttbr_el2 = pt_vttbr(HOSTVISOR);
	er.hcr_el2 = HCR_HOST_NVHE_FLAGS;
	er.tpidr_el2 = 0;
	er.sctlr_el1 = 0x11;
	er.vmpidr_el2 = 0x33;
	er.mpidr_el1 = 0x33;
	er.spsr_el2 = 0x3c5;
	er.elr_el2 = 0x500;
	er.esr_el2 = 0x44;
	er.fp_q0 = 0x22;
	er.x0 = 0xa;
	er.x30 = 0x1e;
	return er;
}

static void test_switch_to_host(void **state)
{
	(void)state;
	/* curid 3: the host's context ctxt_id 0 3 = 3 is loaded; cur_vmid 0,
	 * cur_vcpuid = curid, ihost, not icore */
	hm_rdata *st = rd_edit(tt_with_mode(tt_with_cur(tt_initial(), VM, VCPU), false, true));
	st->curid = 3;
	hm_ctxt_regs rr = zero_regs;
	rr.x0 = 0x99;
	rr.vttbr_el2 = pt_vttbr(VM);
	rr.hcr_el2 = HCR_HYPSEC_VM_FLAGS;
	rr.tpidr_el2 = 7;
	const hm_rdata *in = host_ctxt_st(tt_with_regs(st, rr), 3);
	hm_rdata *out = switch_to_host(in);
	hm_rdata *e = tt_with_regs(in, host_regs_expected());
	e = tt_with_cur(tt_with_mode(e, true, false), HOSTVISOR, 3);
	t_assert_state_equal(out, e);
}

/* ================= vm_exit_handler_spec ================= */

static void test_exit_handler_guards(void **state)
{
	(void)state;
	const hm_rdata *st = vm_st(ARM_EXCEPTION_INTERRUPT, 0, 5);
	tt_assert_stuck(vm_exit_handler_spec(tt_with_mode(st, true, false)), "vm_exit_handler_spec");
	tt_assert_stuck(vm_exit_handler_spec(tt_with_mode(st, false, true)), "vm_exit_handler_spec");
	const hm_rdata *h = t_with_halt(st, true);
	assert_ptr_equal(vm_exit_handler_spec(h).st, h);
}

static void test_exit_handler_pre_process_none(void **state)
{
	(void)state;
	const hm_rdata *st = vm_st(ARM_EXCEPTION_TRAP, HSR(ESR_ELx_EC_HVC64), PSCI_0_2_FN_SYSTEM_OFF);
	hm_sres r = vm_exit_handler_spec(tt_with_hlock(st, INFO_ID + VM, false));
	assert_null(r.st);
	assert_non_null(strstr(r.rely, "INFO_ID + vmid"));
}

static void test_exit_handler_halted(void **state)
{
	(void)state;
	const hm_rdata *st = vm_st(7, 0, 5);
	t_assert_state_equal(vm_exit_handler_spec(st).st, t_with_halt(vm_saved(st), true));
}

static void test_exit_handler_back_to_vm(void **state)
{
	(void)state;
	const hm_rdata *st = vm_st(ARM_EXCEPTION_TRAP, HSR(ESR_ELx_EC_SYS64), 5);
	hm_sres r = vm_exit_handler_spec(st);
	t_assert_state_equal(r.st, vm_exit_pre_process(st).st);
	assert_false(r.st->ihost);
	assert_false(r.st->icore);
	assert_z_equal(r.st->regs->ctxt_regs.esr_el2, 0x3004);
}

static void test_exit_handler_to_host(void **state)
{
	(void)state;
	/* an interrupt: the VCPU inactive, then the host's context of CPU 0
	 * loaded (ihost, cur_vmid 0, cur_vcpuid 0) */
	const hm_rdata *st = host_ctxt_st(vm_st(ARM_EXCEPTION_INTERRUPT, 0, 5), 0);
	hm_sres r = vm_exit_handler_spec(st);
	assert_non_null(r.st);
	hm_rdata *e = tt_with_regs(prep_exit_vm(vm_saved(st)).st, host_regs_expected());
	e = tt_with_cur(tt_with_mode(e, true, false), HOSTVISOR, 0);
	t_assert_state_equal(r.st, e);
	assert_z_equal(hm_map_get_z(tt_info(r.st, VM)->VS.vm_vcpu_state, VCPU), READY);
	/* the VM's registers stay in its context */
	assert_z_equal(tt_shadow(r.st, CTX)->ctxt_regs.x1, 11);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_swith_to_core_picks_vm),
		cmocka_unit_test(test_swith_to_core_not_a_vm_halts),
		cmocka_unit_test(test_process_bad_vcpuid_halts),
		cmocka_unit_test(test_process_vcpu_not_ready_halts),
		cmocka_unit_test(test_process_first_run_pc_outside_images_halts),
		cmocka_unit_test(test_process_first_run_resets_vcpu),
		cmocka_unit_test(test_process_first_run_loaded_context),
		cmocka_unit_test(test_process_first_run_rely),
		cmocka_unit_test(test_process_resume_plain),
		cmocka_unit_test(test_process_resume_trap_syncs_dirty_and_pc),
		cmocka_unit_test(test_process_resume_injects_exception),
		cmocka_unit_test(test_process_resume_maps_fault),
		cmocka_unit_test(test_switch_to_vm_loads_registers),
		cmocka_unit_test(test_run_handler_guards),
		cmocka_unit_test(test_run_handler_not_a_vm_halts),
		cmocka_unit_test(test_run_handler_process_halts),
		cmocka_unit_test(test_run_handler_process_none),
		cmocka_unit_test(test_run_handler_enters_vm),
		cmocka_unit_test(test_prep_exit_interrupt),
		cmocka_unit_test(test_prep_exit_wfx),
		cmocka_unit_test(test_prep_exit_hvc_system_off),
		cmocka_unit_test(test_prep_exit_hvc_other),
		cmocka_unit_test(test_prep_exit_abort),
		cmocka_unit_test(test_prep_exit_unknown_class_halts),
		cmocka_unit_test(test_prep_exit_vcpu_not_active_halts),
		cmocka_unit_test(test_pre_process_sys64_resumes_vm),
		cmocka_unit_test(test_pre_process_hvc_exits_to_host),
		cmocka_unit_test(test_pre_process_interrupt),
		cmocka_unit_test(test_pre_process_other_exit_halts),
		cmocka_unit_test(test_pre_process_dispatcher_none),
		cmocka_unit_test(test_pre_process_prep_exit_none),
		cmocka_unit_test(test_switch_to_host),
		cmocka_unit_test(test_exit_handler_guards),
		cmocka_unit_test(test_exit_handler_pre_process_none),
		cmocka_unit_test(test_exit_handler_halted),
		cmocka_unit_test(test_exit_handler_back_to_vm),
		cmocka_unit_test(test_exit_handler_to_host),
	};
	return cmocka_run_group_tests(tests, tt_group_setup, tt_group_teardown);
}
