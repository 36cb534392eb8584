/* TrapHandlerSpec (seed): host_npt_handler_spec, a stage-2 fault of the
 * host. A fault outside every SMMU's register range maps the page into
 * the host's NPT (local_map_host); a fault inside one is an SMMU register
 * access, emulated by handle_host_mmio_spec_h. */
#include "trap_handler_spec.h"

#include "abstract_machine_specx.h"
#include "trap_handler_aux.h"
#include "trap_handler_concurrent.h"
#include "trap_handler_util.h"

/* The `match (let fault_ipa := ... ) with` scrutinee of
 * host_npt_handler_spec: adt is the handler's input, adt' and ctxt' the
 * state and host context after host_to_core. */
static hm_sres host_npt_fault(const hm_rdata *adt, const hm_rdata *adt_, const hm_ctxt *ctxt_,
			      hm_z ctxtid, hm_z addr, hm_z esr)
{
	hm_z fault_ipa = z_lor(addr, z_land(adt_->regs->ctxt_regs.far_el2, 4095));
	hm_z len = host_dabt_get_as_(esr);
	hm_z is_write = host_dabt_is_write_(esr);
	hm_z rt = host_dabt_get_rd_(esr);
	hm_rdata *adt0 = query_oracle(adt_);
	/* SEVENT (curid adt) OSMMU_GET :: slog adt0 */
	const hm_slog *log_ = th_sevent(adt->curid, HM_AEV_OSMMU_GET, NULL, NULL, NULL, adt0->slog);
	RELY(th_hlock(adt0, SMMU_ID));
	const hm_smmu_conf *conf = adt_->smmu_conf;
	hm_z num = conf->smmu_num;
	hm_z res = is_smmu_range_loop_h(num, addr, 0, INVALID, conf).res;
	if (res == INVALID) {
		COV("res =? INVALID: true (map the page for the host)");
		hm_rdata *adt__ = rd_edit(adt0);
		SETP(adt__, slog, log_);
		hm_rdata *adt1 = query_oracle(adt__);
		hm_z ev[] = {addr};
		const hm_slog *log2 = th_sevent(adt1->curid, HM_AEV_OMAP_HOST, ev, NULL, NULL, adt1->slog);
		RELY(th_hlock(adt1, S2PAGE_ID));
		RELY(th_hlock(adt1, NPT_ID));
		local_map_host_ret r = local_map_host(addr, adt1->shared);
		return SOME(th_atomic(adt1, r.sdt, r.halt, log2));
	}
	COV("res =? INVALID: false (SMMU register access)");
	const hm_map *smmu = adt0->shared->smmu_vmid;
	hm_z logn = hm_map_get_z(adt0->data_log, HOSTVISOR);
	handle_host_mmio_spec_h_ret m = handle_host_mmio_spec_h(
		res, fault_ipa, len, is_write, rt, &ctxt_->ctxt_regs, &ctxt_->ctxt_states,
		&adt0->regs->ctxt_regs, hm_dorc_of(adt0->doracle, HOSTVISOR), logn, smmu);
	hm_rdata *out = rd_edit(adt0);
	out->halt = m.halt;
	SETP(out, slog, log_);
	SETP(out, regs, th_ctxt_regs_set(adt->regs, m.rcregs));
	SETP(out, data_log, hm_map_set_z(adt->data_log, HOSTVISOR, m.logn));
	SETP(out, shadow_ctxts,
	     th_shadow_set(adt->shadow_ctxts, ctxtid, th_ctxt_set(ctxt_, m.cregs, m.cstates)));
	return SOME(out);
}

/* TrapHandlerSpec: host_npt_handler_spec */
hm_sres host_npt_handler_spec(const hm_rdata *adt)
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
	hm_z vmid = adt->cur_vmid;
	hm_z vcpuid = adt->cur_vcpuid;
	hm_z ctxtid = ctxt_id(vmid, vcpuid);
	const hm_ctxt *ctxt = th_shadow_at(adt, ctxtid);
	hm_ctxt *ctxt_ = th_ctxt_regs_set(ctxt, host_to_core_specx(&ctxt->ctxt_regs, &adt->regs->ctxt_regs));
	hm_rdata *adt_ = rd_edit(adt);
	SETP(adt_, shadow_ctxts, th_shadow_set(adt->shadow_ctxts, ctxtid, ctxt_));
	adt_->icore = true;
	hm_z hpfar = adt_->regs->ctxt_regs.hpfar_el2;
	hm_z addr = z_land(hpfar, HPFAR_MASK) * 256;
	/* Z.land with the non-negative HPFAR_MASK is in [0, 0xffff], so addr is
	 * below 2^24 and is_addr addr always holds: the else arm is dead. */
	if (!is_addr(addr)) {
		COV("is_addr addr: false");
		return SOME(th_halted(adt_));
	}
	COV("is_addr addr: true");
	hm_z esr = adt_->regs->ctxt_regs.esr_el2;
	hm_sres res = host_npt_fault(adt, adt_, ctxt_, ctxtid, addr, esr);
	if (!res.st) {
		COV("fault handling: None");
		return res;
	}
	const hm_rdata *adt__ = res.st;
	if (adt__->halt) {
		COV("fault handling: Some adt'', halt adt'': true");
		return SOME(adt__);
	}
	COV("fault handling: Some adt'', halt adt'': false");
	const hm_ctxt *c = th_shadow_at(adt__, ctxtid);
	hm_ctxt *regs = th_ctxt_regs_set(adt__->regs,
					 core_to_host_specx(&c->ctxt_regs, &adt__->regs->ctxt_regs));
	hm_rdata *out = rd_edit(adt__);
	SETP(out, regs, regs);
	out->icore = false;
	return SOME(out);
}
