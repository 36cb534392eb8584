/* TrapHandlerSpec (seed): mem_load_spec, mem_store_spec, dev_load_spec,
 * dev_store_spec: a load or store of the running principal (the host or
 * a verified VM) through its stage-2 table (mem_*) or an SMMU table
 * (dev_*), moving one value between a register of its shadow context and
 * a page of flat memory.
 *
 * The seed decides what a page holds from its S2Page: for the host,
 * `s2_owner =? HOSTVISOR` (flat memory) or else the data oracle; for a VM,
 * `s2_count =? 0` (flat memory) or else the oracle. VRM's current tree
 * tests the owner against INVALID instead; the seed is implemented. */
#include "trap_handler_spec.h"

#include "abstract_machine_specx.h"
#include "trap_handler_concurrent.h"
#include "trap_handler_util.h"

/* ctxt {ctxt_regs: cregs'} {ctxt_states: cstates'} for
 * set_shadow_ctxt_specx reg val (ctxt_regs ctxt) (ctxt_states ctxt) */
static hm_ctxt *ctxt_with_reg(const hm_ctxt *ctxt, hm_z reg, hm_z val)
{
	hm_cregs_cstates s = set_shadow_ctxt_specx(reg, val, &ctxt->ctxt_regs, &ctxt->ctxt_states);
	return th_ctxt_set(ctxt, s.cregs, s.cstates);
}

/* adt {shadow_ctxts: (shadow_ctxts adt) # ctxtid == ctxt'} {slog: log'} */
static hm_rdata *loaded(const hm_rdata *adt, hm_z ctxtid, const hm_ctxt *ctxt_, const hm_slog *log_)
{
	hm_rdata *out = rd_edit(adt);
	SETP(out, shadow_ctxts, th_shadow_set(adt->shadow_ctxts, ctxtid, ctxt_));
	SETP(out, slog, log_);
	return out;
}

/* adt {shared: (shared adt) {flatmem: (flatmem (shared adt)) # pfn == val}} {slog: log'} */
static hm_rdata *stored(const hm_rdata *adt, hm_z pfn, hm_z val, const hm_slog *log_)
{
	hm_rdata *out = rd_edit(adt);
	hm_shared *sh = sh_edit(adt->shared);
	SETP(sh, flatmem, hm_map_set_z(adt->shared->flatmem, pfn, val));
	SETP(out, shared, sh);
	SETP(out, slog, log_);
	return out;
}

/* adt {slog: log'} */
static hm_rdata *logged(const hm_rdata *adt, const hm_slog *log_)
{
	hm_rdata *out = rd_edit(adt);
	SETP(out, slog, log_);
	return out;
}

/* (doracle adt) vmid (vmid @ (data_log adt)) */
static hm_z oracle_value(const hm_rdata *adt, hm_z vmid)
{
	return hm_oracle_data(adt->doracle, vmid, hm_map_get_z(adt->data_log, vmid));
}

/* pfn @ (flatmem (shared adt)) */
static hm_z flat_value(const hm_rdata *adt, hm_z pfn)
{
	return hm_map_get_z(adt->shared->flatmem, pfn);
}

/* pfn @ (s2page (shared adt)) */
static const hm_s2page *page_of(const hm_rdata *adt, hm_z pfn)
{
	return s2page_at(adt->shared->s2page, pfn);
}

/* (vm_state (VS (cur_vmid adt) @ (vminfos (shared adt))) =? VERIFIED) */
static bool cur_vm_verified(const hm_rdata *adt)
{
	return vminfo_at(adt->shared->vminfos, adt->cur_vmid)->VS.vm_state == VERIFIED;
}

/* SEVENT (curid adt) (OPT_GET (cur_vmid adt)) :: (slog adt) */
static const hm_slog *pt_get_event(const hm_rdata *adt)
{
	hm_z ev[] = {adt->cur_vmid};
	return th_sevent(adt->curid, HM_AEV_OPT_GET, ev, NULL, NULL, adt->slog);
}

/* gfn @ (pt (vmid @ (npts (shared adt)))): the pfn of the entry */
static hm_z npt_pfn(const hm_rdata *adt, hm_z vmid, hm_z gfn)
{
	return z3_at(npt_at(adt->shared->npts, vmid)->pt, gfn)->a;
}

/* gfn @ spt where spt := (SMMU_TTBR index cbndx) @ (spt_pt (spts (shared adt))) */
static hm_z spt_pfn(const hm_rdata *adt, hm_z cbndx, hm_z index, hm_z gfn)
{
	const hm_map *spt = hm_map_get_map(adt->shared->spts->spt_pt, SMMU_TTBR(index, cbndx));
	return z2_at(spt, gfn)->a;
}

/* TrapHandlerSpec: mem_load_spec */
hm_sres mem_load_spec(const hm_rdata *adt_in, hm_z gfn, hm_z reg)
{
	if (adt_in->icore) {
		COV("icore adt: true");
		return NONE();
	}
	COV("icore adt: false");
	const hm_rdata *adt = query_oracle(adt_in);
	const hm_slog *log_ = pt_get_event(adt);
	hm_z vmid = adt->cur_vmid;
	hm_z vcpuid = adt->cur_vcpuid;
	hm_z ctxtid = ctxt_id(vmid, vcpuid);
	hm_z val;
	if (vmid == HOSTVISOR) {
		hm_z pfn = npt_pfn(adt, vmid, gfn);
		if (pfn == 0) {
			COV("host: pfn =? 0: true");
			return NONE();
		}
		if (page_of(adt, pfn)->s2_owner == HOSTVISOR) {
			COV("host: s2_owner =? HOSTVISOR: true (flat memory)");
			val = flat_value(adt, pfn);
		} else {
			COV("host: s2_owner =? HOSTVISOR: false (data oracle)");
			val = oracle_value(adt, vmid);
		}
	} else {
		RELY(cur_vm_verified(adt));
		hm_z pfn = npt_pfn(adt, vmid, gfn);
		if (pfn == 0) {
			COV("vm: pfn =? 0: true");
			return NONE();
		}
		if (page_of(adt, pfn)->s2_count == 0) {
			COV("vm: s2_count =? 0: true (flat memory)");
			val = flat_value(adt, pfn);
		} else {
			COV("vm: s2_count =? 0: false (data oracle)");
			val = oracle_value(adt, vmid);
		}
	}
	const hm_ctxt *ctxt = th_shadow_at(adt, ctxtid);
	RELY(reg < X30);
	return SOME(loaded(adt, ctxtid, ctxt_with_reg(ctxt, reg, val), log_));
}

/* TrapHandlerSpec: mem_store_spec */
hm_sres mem_store_spec(const hm_rdata *adt_in, hm_z gfn, hm_z reg)
{
	if (adt_in->icore) {
		COV("icore adt: true");
		return NONE();
	}
	COV("icore adt: false");
	const hm_rdata *adt = query_oracle(adt_in);
	const hm_slog *log_ = pt_get_event(adt);
	hm_z vmid = adt->cur_vmid;
	hm_z vcpuid = adt->cur_vcpuid;
	hm_z ctxtid = ctxt_id(vmid, vcpuid);
	const hm_ctxt *ctxt = th_shadow_at(adt, ctxtid);
	hm_z val = get_shadow_ctxt_specx(reg, &ctxt->ctxt_regs, &ctxt->ctxt_states);
	if (vmid == HOSTVISOR) {
		hm_z pfn = npt_pfn(adt, vmid, gfn);
		if (pfn == 0) {
			COV("host: pfn =? 0: true");
			return NONE();
		}
		if (page_of(adt, pfn)->s2_owner == HOSTVISOR) {
			COV("host: s2_owner =? HOSTVISOR: true (write flat memory)");
			return SOME(stored(adt, pfn, val, log_));
		}
		COV("host: s2_owner =? HOSTVISOR: false (write dropped)");
		return SOME(logged(adt, log_));
	}
	RELY(cur_vm_verified(adt));
	hm_z pfn = npt_pfn(adt, vmid, gfn);
	if (pfn == 0) {
		COV("vm: pfn =? 0: true");
		return NONE();
	}
	if (page_of(adt, pfn)->s2_count == 0) {
		COV("vm: s2_count =? 0: true (write flat memory)");
		return SOME(stored(adt, pfn, val, log_));
	}
	COV("vm: s2_count =? 0: false (write dropped)");
	return SOME(logged(adt, log_));
}

/* TrapHandlerSpec: dev_load_spec */
hm_sres dev_load_spec(const hm_rdata *adt_in, hm_z gfn, hm_z reg, hm_z cbndx, hm_z index)
{
	if (adt_in->icore) {
		COV("icore adt: true");
		return NONE();
	}
	COV("icore adt: false");
	RELY(is_smmu(index));
	RELY(is_smmu_cfg(cbndx));
	const hm_rdata *adt = query_oracle(adt_in);
	const hm_slog *log_ = pt_get_event(adt);
	hm_z vmid = adt->cur_vmid;
	hm_z vcpuid = adt->cur_vcpuid;
	hm_z ctxtid = ctxt_id(vmid, vcpuid);
	hm_z smmuid = smmu_id(index, cbndx);
	RELY(hm_map_get_z(adt->shared->smmu_vmid, smmuid) == vmid);
	hm_z val;
	if (vmid == HOSTVISOR) {
		hm_z pfn = spt_pfn(adt, cbndx, index, gfn);
		if (pfn == 0) {
			COV("host: pfn =? 0: true");
			return NONE();
		}
		if (page_of(adt, pfn)->s2_owner == HOSTVISOR) {
			COV("host: s2_owner =? HOSTVISOR: true (flat memory)");
			val = flat_value(adt, pfn);
		} else {
			COV("host: s2_owner =? HOSTVISOR: false (data oracle)");
			val = oracle_value(adt, vmid);
		}
	} else {
		RELY(cur_vm_verified(adt));
		hm_z pfn = spt_pfn(adt, cbndx, index, gfn);
		if (pfn == 0) {
			COV("vm: pfn =? 0: true");
			return NONE();
		}
		if (page_of(adt, pfn)->s2_count == 0) {
			COV("vm: s2_count =? 0: true (flat memory)");
			val = flat_value(adt, pfn);
		} else {
			COV("vm: s2_count =? 0: false (data oracle)");
			val = oracle_value(adt, vmid);
		}
	}
	const hm_ctxt *ctxt = th_shadow_at(adt, ctxtid);
	RELY(reg < X30);
	return SOME(loaded(adt, ctxtid, ctxt_with_reg(ctxt, reg, val), log_));
}

/* TrapHandlerSpec: dev_store_spec */
hm_sres dev_store_spec(const hm_rdata *adt_in, hm_z gfn, hm_z reg, hm_z cbndx, hm_z index)
{
	if (adt_in->icore) {
		COV("icore adt: true");
		return NONE();
	}
	COV("icore adt: false");
	RELY(is_smmu(index));
	RELY(is_smmu_cfg(cbndx));
	const hm_rdata *adt = query_oracle(adt_in);
	const hm_slog *log_ = pt_get_event(adt);
	hm_z vmid = adt->cur_vmid;
	hm_z vcpuid = adt->cur_vcpuid;
	hm_z ctxtid = ctxt_id(vmid, vcpuid);
	hm_z smmuid = smmu_id(index, cbndx);
	RELY(hm_map_get_z(adt->shared->smmu_vmid, smmuid) == vmid);
	const hm_ctxt *ctxt = th_shadow_at(adt, ctxtid);
	hm_z val = get_shadow_ctxt_specx(reg, &ctxt->ctxt_regs, &ctxt->ctxt_states);
	if (vmid == HOSTVISOR) {
		hm_z pfn = spt_pfn(adt, cbndx, index, gfn);
		if (pfn == 0) {
			COV("host: pfn =? 0: true");
			return NONE();
		}
		if (page_of(adt, pfn)->s2_owner == HOSTVISOR) {
			COV("host: s2_owner =? HOSTVISOR: true (write flat memory)");
			return SOME(stored(adt, pfn, val, log_));
		}
		COV("host: s2_owner =? HOSTVISOR: false (write dropped)");
		return SOME(logged(adt, log_));
	}
	RELY(cur_vm_verified(adt));
	hm_z pfn = spt_pfn(adt, cbndx, index, gfn);
	if (pfn == 0) {
		COV("vm: pfn =? 0: true");
		return NONE();
	}
	if (page_of(adt, pfn)->s2_count == 0) {
		COV("vm: s2_count =? 0: true (write flat memory)");
		return SOME(stored(adt, pfn, val, log_));
	}
	COV("vm: s2_count =? 0: false (write dropped)");
	return SOME(logged(adt, log_));
}
