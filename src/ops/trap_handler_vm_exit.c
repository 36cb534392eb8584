/* TrapHandlerSpec (seed): vm_exit_handler_spec, a VM trapping to the
 * hypervisor: vm_exit_pre_process saves the VM's registers and either
 * handles the exit in the core and resumes the VM (ret 0) or prepares the
 * exit to the host (prep_exit_vm, ret 1), after which switch_to_host
 * loads the host's registers. */
#include "trap_handler_spec.h"

#include "abstract_machine_specx.h"
#include "trap_handler_aux.h"
#include "trap_handler_concurrent.h"
#include "trap_handler_util.h"

/* adt {regs: (regs adt) {trap_regs: rtregs2}}
 *     {shadow_ctxts: (shadow_ctxts adt) # ctxtid == ctxt'} */
static hm_rdata *exit_saved(const hm_rdata *adt, hm_trap_regs rtregs2, hm_z ctxtid,
			    const hm_ctxt *ctxt_)
{
	hm_rdata *r = rd_edit(adt);
	SETP(r, regs, th_trap_regs_set(adt->regs, rtregs2));
	SETP(r, shadow_ctxts, th_shadow_set(adt->shadow_ctxts, ctxtid, ctxt_));
	return r;
}

/* The `match (if ec' =? ARM_EXCEPTION_TRAP ...) with` scrutinee of
 * prep_exit_vm. */
static hm_sres prep_exit_vm_save(const hm_rdata *adt, hm_z vmid, hm_z vcpuid, hm_z ctxtid,
				 const hm_ctxt *ctxt, hm_ctxt_regs cregs2, hm_trap_regs rtregs2)
{
	hm_z ec_ = cregs2.ec;
	if (ec_ != ARM_EXCEPTION_TRAP) {
		COV("ec' =? ARM_EXCEPTION_TRAP: false");
		return SOME(exit_saved(adt, rtregs2, ctxtid, th_ctxt_regs_set(ctxt, cregs2)));
	}
	COV("ec' =? ARM_EXCEPTION_TRAP: true");
	hm_z hsr = cregs2.esr_el2;
	hm_z hsr_ec = z_shiftr(z_land(hsr, ESR_ELx_EC_MASK), ESR_ELx_EC_SHIFT);
	if (hsr_ec == ESR_ELx_EC_WFx) {
		COV("hsr_ec =? ESR_ELx_EC_WFx");
		hm_ctxt_states cstates_ = prep_wfx_specx(&ctxt->ctxt_states);
		return SOME(exit_saved(adt, rtregs2, ctxtid, th_ctxt_set(ctxt, cregs2, cstates_)));
	}
	if (hsr_ec == ESR_ELx_EC_HVC64) {
		COV("hsr_ec =? ESR_ELx_EC_HVC64");
		hm_rdata *adt_ = exit_saved(adt, rtregs2, ctxtid, th_ctxt_regs_set(ctxt, cregs2));
		return prep_hvc_spec_h(adt_, vmid, vcpuid);
	}
	if (hsr_ec == ESR_ELx_EC_IABT_LOW || hsr_ec == ESR_ELx_EC_DABT_LOW) {
		COV("hsr_ec =? ESR_ELx_EC_IABT_LOW || hsr_ec =? ESR_ELx_EC_DABT_LOW");
		prep_abort_specx_ret p =
			prep_abort_specx(&cregs2, &ctxt->ctxt_states, hm_map_get_z(adt->data_log, vmid),
					 hm_dorc_of(adt->doracle, vmid));
		hm_rdata *r = exit_saved(adt, rtregs2, ctxtid, th_ctxt_set(ctxt, cregs2, p.cstates));
		SETP(r, data_log, hm_map_set_z(adt->data_log, vmid, p.logn));
		return SOME(r);
	}
	COV("hsr_ec: another exception class (halt)");
	return SOME(th_halted(adt));
}

/* TrapHandlerSpec: prep_exit_vm */
hm_sres prep_exit_vm(const hm_rdata *adt)
{
	hm_z vmid = adt->cur_vmid;
	hm_z vcpuid = adt->cur_vcpuid;
	hm_z ctxtid = ctxt_id(vmid, vcpuid);
	const hm_ctxt *ctxt = th_shadow_at(adt, ctxtid);
	const hm_ctxt_regs *cregs = &ctxt->ctxt_regs;
	const hm_ctxt_regs *rcregs = &adt->regs->ctxt_regs;
	hm_ctxt_regs cregs1 = save_sysregs_specx(cregs, rcregs);
	hm_ctxt_regs cregs2 = fpsimd_save_state_specx(&cregs1, rcregs);
	hm_trap_regs rtregs1 = deactivate_traps_specx(&adt->regs->trap_regs);
	hm_trap_regs rtregs2 = timer_enable_traps_specx(&rtregs1);
	WHEN(adt1, prep_exit_vm_save(adt, vmid, vcpuid, ctxtid, ctxt, cregs2, rtregs2));
	if (adt1->halt) {
		COV("halt adt1: true");
		return SOME(adt1);
	}
	COV("halt adt1: false");
	hm_rdata *adt2 = query_oracle(adt1);
	hm_z ev[] = {vmid, vcpuid};
	const hm_slog *l_ = th_sevent(adt2->curid, HM_AEV_OVM_INACTIVE, ev, NULL, NULL, adt2->slog);
	local_set_vcpu_inactive_ret r = local_set_vcpu_inactive(vmid, vcpuid, adt2->shared);
	return SOME(th_atomic(adt2, r.sdt, r.halt, l_));
}

/* TrapHandlerSpec: vm_exit_pre_process (option (RData * Z): ret is the Z) */
hm_sres vm_exit_pre_process(const hm_rdata *adt)
{
	hm_z vmid = adt->cur_vmid;
	hm_z vcpuid = adt->cur_vcpuid;
	hm_z ctxtid = ctxt_id(vmid, vcpuid);
	const hm_ctxt *ctxt = th_shadow_at(adt, ctxtid);
	const hm_ctxt_regs *rcregs = &adt->regs->ctxt_regs;
	hm_ctxt_regs cregs1 = vm_to_core_specx(&ctxt->ctxt_regs, rcregs);
	hm_ctxt_regs cregs2 = exit_populate_fault_specx(&cregs1, rcregs);
	hm_rdata *adt_ = rd_edit(adt);
	SETP(adt_, shadow_ctxts, th_shadow_set(adt->shadow_ctxts, ctxtid, th_ctxt_regs_set(ctxt, cregs2)));
	adt_->icore = true;
	hm_z ec_ = cregs2.ec;
	if (ec_ == ARM_EXCEPTION_TRAP) {
		COV("ec' =? ARM_EXCEPTION_TRAP");
		hm_sres d = vm_exit_dispatcher_spec_h(adt_, vmid, vcpuid);
		if (!d.st) {
			COV("vm_exit_dispatcher_spec_h: None");
			return d;
		}
		const hm_rdata *adt__ = d.st;
		if (d.ret == 0) {
			COV("vm_exit_dispatcher_spec_h: ret =? 0: true (resume the VM)");
			const hm_ctxt *c = th_shadow_at(adt__, ctxtid);
			hm_rdata *out = rd_edit(adt__);
			SETP(out, regs, th_ctxt_regs_set(adt__->regs, core_to_vm_specx(&c->ctxt_regs,
										  &adt__->regs->ctxt_regs)));
			out->icore = false;
			return SOME_RET(out, 0);
		}
		COV("vm_exit_dispatcher_spec_h: ret =? 0: false (exit to the host)");
		WHEN(adt3, prep_exit_vm(adt__));
		return SOME_RET(adt3, 1);
	}
	if (ec_ == ARM_EXCEPTION_INTERRUPT) {
		COV("ec' =? ARM_EXCEPTION_INTERRUPT");
		WHEN(adt__, prep_exit_vm(adt_));
		return SOME_RET(adt__, 1);
	}
	COV("ec': neither TRAP nor INTERRUPT (halt)");
	return SOME_RET(th_halted(adt_), 1);
}

/* TrapHandlerSpec: switch_to_host (a total function: RData) */
hm_rdata *switch_to_host(const hm_rdata *adt)
{
	hm_z vmid = HOSTVISOR;
	hm_rdata *adt0 = rd_edit(adt);
	adt0->cur_vmid = vmid;
	adt0->cur_vcpuid = -1;
	hm_z vcpuid = adt0->curid;
	hm_z ctxtid = ctxt_id(vmid, vcpuid);
	const hm_ctxt *c = th_shadow_at(adt0, ctxtid);
	const hm_ctxt_regs *cregs = &c->ctxt_regs;
	const hm_ctxt_states *cstates = &c->ctxt_states;
	const hm_ctxt_regs *rcregs = &adt0->regs->ctxt_regs;
	hm_z vttbr = pt_vttbr(HOSTVISOR);
	hm_ctxt_regs rcregs1 = host_el2_restore_state_specx(rcregs, vttbr);
	hm_ctxt_regs rcregs2 = restore_sysregs_specx(cregs, cstates, &rcregs1);
	hm_ctxt_regs rcregs3 = fpsimd_restore_state_specx(cregs, &rcregs2);
	hm_ctxt_regs rcregs4 = core_to_host_specx(cregs, &rcregs3);
	SETP(adt0, regs, th_ctxt_regs_set(adt0->regs, rcregs4));
	adt0->cur_vcpuid = vcpuid;
	adt0->ihost = true;
	adt0->icore = false;
	return adt0;
}

/* TrapHandlerSpec: vm_exit_handler_spec */
hm_sres vm_exit_handler_spec(const hm_rdata *adt)
{
	if (!(!adt->ihost && !adt->icore)) {
		COV("(ihost adt, icore adt) <> (false, false)");
		return NONE();
	}
	COV("(ihost adt, icore adt) = (false, false)");
	if (adt->halt) {
		COV("halt adt: true");
		return SOME(adt);
	}
	hm_sres p = vm_exit_pre_process(adt);
	if (!p.st) {
		COV("vm_exit_pre_process: None");
		return p;
	}
	hm_z ret = p.ret;
	const hm_rdata *adt_ = p.st;
	if (adt_->halt) {
		COV("halt adt': true");
		return SOME(adt_);
	}
	if (ret == 0) {
		COV("halt adt': false, ret =? 0: true (back to the VM)");
		return SOME(adt_);
	}
	COV("halt adt': false, ret =? 0: false (switch_to_host)");
	return SOME(switch_to_host(adt_));
}
