/* TrapHandlerSpec (seed): host_vcpu_run_handler_spec, the host asking to
 * run a VCPU, in its three stages: vcpu_run_swith_to_core (save the host,
 * pick the VM from x0), vcpu_run_process (pick the VCPU, mark it active,
 * bring its context up to date, possibly map a faulting page) and
 * vcpu_run_switch_to_vm (load the VM's registers). */
#include "trap_handler_spec.h"

#include "abstract_machine_specx.h"
#include "trap_handler_aux.h"
#include "trap_handler_concurrent.h"
#include "trap_handler_util.h"

/* TrapHandlerSpec: vcpu_run_swith_to_core (a total function: RData) */
hm_rdata *vcpu_run_swith_to_core(const hm_rdata *adt)
{
	hm_z ctxtid = ctxt_id(HOSTVISOR, adt->cur_vcpuid);
	const hm_ctxt *ctxt = th_shadow_at(adt, ctxtid);
	const hm_ctxt_regs *regc = &adt->regs->ctxt_regs;
	hm_ctxt_regs cregs1 = host_to_core_specx(&ctxt->ctxt_regs, regc);
	hm_ctxt_regs cregs2 = save_sysregs_specx(&cregs1, regc);
	hm_ctxt_regs cregs3 = fpsimd_save_state_specx(&cregs2, regc);
	hm_z vmid = cregs3.x0;
	if (is_vm(vmid)) {
		COV("is_vm vmid: true");
		hm_rdata *r = rd_edit(adt);
		SETP(r, shadow_ctxts, th_shadow_set(adt->shadow_ctxts, ctxtid, th_ctxt_regs_set(ctxt, cregs3)));
		r->icore = true;
		r->cur_vmid = vmid;
		r->cur_vcpuid = -1;
		return r;
	}
	COV("is_vm vmid: false");
	return th_halted(adt);
}

/* vcpu_run_process, dirty0 =? INVALID64: the VCPU runs for the first time
 * (or was reset): from adt0, the state after local_set_vcpu_active. */
static hm_sres vcpu_run_first(const hm_rdata *adt0, hm_z vmid, hm_z vcpuid, hm_z ctxtid_)
{
	hm_rdata *adt1 = query_oracle(adt0);
	RELY(th_hlock(adt1, INFO_ID + vmid));
	hm_z ev[] = {vmid};
	const hm_slog *l__ = th_sevent(adt1->curid, HM_AEV_OVM_GET, ev, NULL, NULL, adt1->slog);
	hm_z inc_exe = vminfo_at(adt1->shared->vminfos, vmid)->VB.vm_inc_exe;
	if (inc_exe == 0) {
		COV("inc_exe =? 0: true (boot: pc from the image)");
		hm_z logn = hm_map_get_z(adt1->data_log, vmid);
		hm_z pc_ = hm_oracle_data(adt1->doracle, vmid, logn);
		hm_rdata *adt2 = rd_edit(adt1);
		SETP(adt2, slog, l__);
		SETP(adt2, data_log, hm_map_set_z(adt1->data_log, vmid, logn + 1));
		hm_rdata *adt3 = query_oracle(adt2);
		RELY(th_hlock(adt3, INFO_ID + vmid));
		const hm_slog *ll = th_sevent(adt3->curid, HM_AEV_OVM_GET, ev, NULL, NULL, adt3->slog);
		const hm_vminfo *info = vminfo_at(adt3->shared->vminfos, vmid);
		hm_z num = info->VB.vm_next_load_info;
		hm_z ret = search_load_info_loop_h(num, 0, pc_, 0, &info->VB).ret;
		if (ret == 0) {
			COV("ret =? 0: true (pc in no loaded image)");
			hm_rdata *out = rd_edit(adt3);
			SETP(out, slog, ll);
			out->halt = true;
			return SOME(out);
		}
		COV("ret =? 0: false (reset the VCPU)");
		const hm_ctxt *c3 = th_shadow_at(adt3, ctxtid_);
		hm_ctxt_regs cregs_ = clear_shadow_gp_regs_specx(&c3->ctxt_regs);
		hm_z logn_ = hm_map_get_z(adt3->data_log, vmid);
		hm_z pstate_ = hm_oracle_data(adt3->doracle, vmid, logn_);
		hm_ctxt_states cstates_ = c3->ctxt_states;
		cstates_.pstate = pstate_;
		cstates_.pc = pc_;
		hm_ctxt_regs cregs__ = reset_fp_regs_specx(&cregs_);
		hm_cregs_cstates_logn s = reset_sys_regs_specx(
			vcpuid, &cregs__, &cstates_, hm_dorc_of(adt3->doracle, vmid), logn_ + 1);
		hm_ctxt_states cstats___ = s.cstates;
		cstats___.dirty = 0;
		/* built on adt0, not adt3: the shared state adt1 and adt3
		 * queried is dropped, their slog kept */
		hm_rdata *out = rd_edit(adt0);
		SETP(out, slog, ll);
		SETP(out, data_log, hm_map_set_z(adt3->data_log, vmid, s.logn));
		SETP(out, shadow_ctxts,
		     th_shadow_set(adt3->shadow_ctxts, ctxtid_, th_ctxt_set(c3, s.cregs, cstats___)));
		return SOME(out);
	}
	COV("inc_exe =? 0: false (context loaded by the host)");
	const hm_ctxt *c1 = th_shadow_at(adt1, ctxtid_);
	hm_ctxt_states cstates_ = c1->ctxt_states;
	cstates_.dirty = 0;
	hm_rdata *out = rd_edit(adt1);
	SETP(out, slog, l__);
	SETP(out, shadow_ctxts, th_shadow_set(adt1->shadow_ctxts, ctxtid_, th_ctxt_states_set(c1, cstates_)));
	return SOME(out);
}

/* vcpu_run_process, dirty0 <> INVALID64: the VCPU ran before; apply what
 * its last exit left pending, then map the page the core oracle names. */
static hm_sres vcpu_run_resume(const hm_rdata *adt0, hm_z vmid, hm_z ctxtid_, hm_z dirty0)
{
	const hm_ctxt *c0 = th_shadow_at(adt0, ctxtid_);
	const hm_ctxt_regs *cregs = &c0->ctxt_regs;
	const hm_ctxt_states *cstates = &c0->ctxt_states;
	hm_z ec0 = cregs->ec;
	hm_z logn = hm_map_get_z(adt0->data_log, vmid);
	hm_cregs_cstates_logn s1;
	if (ec0 == ARM_EXCEPTION_TRAP) {
		COV("ec0 =? ARM_EXCEPTION_TRAP: true (sync dirty registers)");
		s1 = sync_dirty_to_shadow_specx(vmid, dirty0, cregs, cstates, logn,
						hm_dorc_of(adt0->doracle, vmid));
	} else {
		COV("ec0 =? ARM_EXCEPTION_TRAP: false");
		s1 = (hm_cregs_cstates_logn){*cregs, *cstates, logn};
	}
	hm_cregs_cstates s2;
	/* the exception is injected when the PENDING_EXCEPT_INJECT_FLAG bits
	 * are all clear, as the Coq has it */
	if (z_land(dirty0, PENDING_EXCEPT_INJECT_FLAG) == 0) {
		COV("Z.land dirty0 PENDING_EXCEPT_INJECT_FLAG =? 0: true");
		s2 = update_exception_gp_regs_specx(&s1.cregs, &s1.cstates);
	} else {
		COV("Z.land dirty0 PENDING_EXCEPT_INJECT_FLAG =? 0: false");
		s2 = (hm_cregs_cstates){s1.cregs, s1.cstates};
	}
	hm_ctxt_states cstates3 = s2.cstates;
	if (z_land(dirty0, DIRTY_PC_FLAG) == 0) {
		COV("Z.land dirty0 DIRTY_PC_FLAG =? 0: true");
	} else {
		COV("Z.land dirty0 DIRTY_PC_FLAG =? 0: false (pc + 4)");
		cstates3.pc = cstates3.pc + 4;
	}
	hm_ctxt_states cstates4 = cstates3;
	cstates4.dirty = 0;
	hm_ctxt_regs cregs3 = s2.cregs;
	cregs3.far_el2 = 0;
	hm_z clogn = hm_map_get_z(adt0->core_data_log, vmid);
	hm_z addr = hm_oracle_data(adt0->core_doracle, vmid, clogn);
	const hm_map *shadow_ = th_shadow_set(adt0->shadow_ctxts, ctxtid_, th_ctxt_set(c0, cregs3, cstates4));
	const hm_map *data_log_ = hm_map_set_z(adt0->data_log, vmid, s1.logn);
	if (PAGE_SIZE <= addr && addr < KVM_ADDR_SPACE) {
		COV("PAGE_SIZE <= addr < KVM_ADDR_SPACE: true (map the faulting page)");
		hm_z pte = hm_oracle_data(adt0->core_doracle, vmid, clogn + 1);
		hm_z level = hm_oracle_data(adt0->core_doracle, vmid, clogn + 2);
		hm_rdata *adt1 = rd_edit(adt0);
		SETP(adt1, core_data_log, hm_map_set_z(adt0->core_data_log, vmid, clogn + 3));
		SETP(adt1, data_log, data_log_);
		SETP(adt1, shadow_ctxts, shadow_);
		return prot_and_map_vm_s2pt_spec_h(adt1, vmid, addr, pte, level);
	}
	COV("PAGE_SIZE <= addr < KVM_ADDR_SPACE: false");
	hm_rdata *out = rd_edit(adt0);
	SETP(out, core_data_log, hm_map_set_z(adt0->core_data_log, vmid, clogn + 1));
	SETP(out, data_log, data_log_);
	SETP(out, shadow_ctxts, shadow_);
	return SOME(out);
}

/* TrapHandlerSpec: vcpu_run_process */
hm_sres vcpu_run_process(const hm_rdata *adt)
{
	hm_z vmid = adt->cur_vmid;
	hm_z clogn = hm_map_get_z(adt->core_data_log, vmid);
	hm_z vcpuid = hm_oracle_data(adt->core_doracle, vmid, clogn);
	hm_z ctxtid_ = ctxt_id(vmid, vcpuid);
	if (!is_vcpu(vcpuid)) {
		COV("is_vcpu vcpuid: false");
		return SOME(th_halted(adt));
	}
	COV("is_vcpu vcpuid: true");
	hm_rdata *adt_ = rd_edit(adt);
	adt_->cur_vcpuid = vcpuid;
	SETP(adt_, core_data_log, hm_map_set_z(adt->core_data_log, vmid, clogn + 1));
	hm_rdata *adt__ = query_oracle(adt_);
	hm_z ev[] = {vmid, vcpuid};
	const hm_slog *l_ = th_sevent(adt__->curid, HM_AEV_OVM_ACTIVE, ev, NULL, NULL, adt__->slog);
	local_set_vcpu_active_ret r = local_set_vcpu_active(vmid, vcpuid, adt__->shared);
	hm_rdata *adt0 = th_atomic(adt__, r.sdt, r.halt, l_);
	if (r.halt) {
		COV("local_set_vcpu_active: halt' true");
		return SOME(adt0);
	}
	COV("local_set_vcpu_active: halt' false");
	hm_z dirty0 = th_shadow_at(adt0, ctxtid_)->ctxt_states.dirty;
	if (dirty0 == INVALID64) {
		COV("dirty0 =? INVALID64: true");
		return vcpu_run_first(adt0, vmid, vcpuid, ctxtid_);
	}
	COV("dirty0 =? INVALID64: false");
	return vcpu_run_resume(adt0, vmid, ctxtid_, dirty0);
}

/* TrapHandlerSpec: vcpu_run_switch_to_vm */
hm_sres vcpu_run_switch_to_vm(const hm_rdata *adt)
{
	COV("vcpu_run_switch_to_vm");
	hm_z vmid = adt->cur_vmid;
	hm_z vcpuid = adt->cur_vcpuid;
	hm_z ctxtid_ = ctxt_id(vmid, vcpuid);
	const hm_ctxt *ctxt = th_shadow_at(adt, ctxtid_);
	const hm_ctxt_regs *creg = &ctxt->ctxt_regs;
	const hm_ctxt_regs *regc = &adt->regs->ctxt_regs;
	const hm_ctxt_states *csts = &ctxt->ctxt_states;
	const hm_trap_regs *regt = &adt->regs->trap_regs;
	hm_z vttbr = pt_vttbr(vmid);
	hm_ctxt_regs regc_ = vm_el2_restore_state_specx(regc, creg, vttbr);
	hm_trap_regs timer = timer_enable_traps_specx(regt);
	hm_trap_regs regt_ = activate_traps_specx(&timer);
	hm_ctxt_regs regc__ = restore_sysregs_specx(creg, csts, &regc_);
	hm_ctxt_regs regc3 = fpsimd_restore_state_specx(creg, &regc__);
	hm_ctxt_regs regc4 = core_to_vm_specx(creg, &regc3);
	hm_ctxt *regs = ctxt_edit(adt->regs);
	regs->ctxt_regs = regc4;
	regs->trap_regs = regt_;
	hm_rdata *out = rd_edit(adt);
	SETP(out, regs, regs);
	out->icore = false;
	out->ihost = false;
	return SOME(out);
}

/* TrapHandlerSpec: host_vcpu_run_handler_spec */
hm_sres host_vcpu_run_handler_spec(const hm_rdata *adt)
{
	if (!(adt->ihost && !adt->icore)) {
		COV("(ihost adt, icore adt) <> (true, false)");
		return NONE();
	}
	COV("(ihost adt, icore adt) = (true, false)");
	if (adt->halt) {
		COV("halt adt: true");
		return SOME(adt);
	}
	hm_rdata *adt_ = vcpu_run_swith_to_core(adt);
	if (adt_->halt) {
		COV("halt adt' (after vcpu_run_swith_to_core): true");
		return SOME(adt_);
	}
	COV("halt adt' (after vcpu_run_swith_to_core): false");
	WHEN(adt__, vcpu_run_process(adt_));
	if (adt__->halt) {
		COV("halt adt'' (after vcpu_run_process): true");
		return SOME(adt__);
	}
	COV("halt adt'' (after vcpu_run_process): false");
	return vcpu_run_switch_to_vm(adt__);
}
