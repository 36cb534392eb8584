/* TrapHandlerSpec (seed), Section AuxSpec. See trap_handler_aux.h.
 *
 * Every Coq Fixpoint here recurses on n first and then does one step on
 * the result (`match loop n' ... with (..) => step`), so it is the step
 * applied n times to the initial values: a for loop, in the same order.
 * The step of each loop is a function of its own, named after the loop. */
#include "trap_handler_aux.h"

#include "trap_handler_concurrent.h"

/* (hlock (shared a)) @ id */
static bool hlock_at(const hm_rdata *a, hm_z id) { return hm_map_get_bool(a->shared->hlock, id); }

/* SEVENT (curid a) (ev args) :: (slog a) */
static hm_slog *sevent(hm_z cpu, hm_aev ev, const hm_z *args, hm_oracle *dorc, const hm_slog *l)
{
	return hm_slog_cons(cpu, ev, args, dorc, NULL, l);
}

/* The running state of a loop over RData: an owned reference, so that
 * each iteration can run in a pool of its own and a long loop holds only
 * the state it is at. */
static const hm_rdata *loop_start(const hm_rdata *adt) { return hm_retain(adt); }

/* Ends the iteration that ran in `pool`: keeps r.st (Some) as the new
 * running state, or drops the running state (None). */
static bool loop_keep(const hm_rdata **cur, hm_sres r, hm_pool *pool)
{
	if (r.st)
		hm_retain(r.st);
	hm_pool_pop(pool);
	hm_release(*cur);
	*cur = r.st;
	return r.st != NULL;
}

/* The result of a finished loop: Some cur, handed to the caller's pool. */
static hm_sres loop_end(const hm_rdata *cur) { return SOME(hm_autorelease(cur)); }

/* ------------------------------------------------------------------ */
/* register helpers */

/* One step of reset_sys_regs_loopx on (cregs', cstates', logn', i'). */
static void reset_sys_regs_step(reset_sys_regs_loopx_ret *s, hm_z vcpuid, hm_dorc dorc)
{
	hm_z i_ = s->i;
	if (i_ == MPIDR_EL1) {
		COV("i' =? MPIDR_EL1: true");
		hm_z mpidr = z_land(vcpuid, 15) + z_land(z_div(vcpuid, 16), 255) * 256 +
			     z_land(z_div(vcpuid, 4096), 255) * 65536;
		hm_cregs_cstates c = set_shadow_ctxt_specx(i_, mpidr + 2147483648LL, &s->cregs,
							   &s->cstates);
		s->cregs = c.cregs;
		s->cstates = c.cstates;
		s->i = i_ + 1;
	} else if (i_ == ACTLR_EL1) {
		COV("i' =? ACTLR_EL1: true");
		hm_z val = hm_dorc_apply(dorc, s->logn);
		hm_cregs_cstates c = set_shadow_ctxt_specx(i_, val, &s->cregs, &s->cstates);
		s->cregs = c.cregs;
		s->cstates = c.cstates;
		s->logn = s->logn + 1;
		s->i = i_ + 1;
	} else {
		COV("i' =? ACTLR_EL1: false");
		hm_z val = reg_desc(i_);
		hm_cregs_cstates c = set_shadow_ctxt_specx(i_, val, &s->cregs, &s->cstates);
		s->cregs = c.cregs;
		s->cstates = c.cstates;
		s->i = i_ + 1;
	}
}

/* TrapHandlerSpec: reset_sys_regs_loopx */
reset_sys_regs_loopx_ret reset_sys_regs_loopx(hm_z n, hm_z i, hm_z vcpuid,
					      const hm_ctxt_regs *cregs,
					      const hm_ctxt_states *cstates, hm_dorc dorc,
					      hm_z logn)
{
	reset_sys_regs_loopx_ret s = {*cregs, *cstates, logn, i};
	for (hm_z k = z_to_nat(n); k > 0; k--)
		reset_sys_regs_step(&s, vcpuid, dorc);
	return s;
}

/* TrapHandlerSpec: reset_sys_regs_specx — the SHADOW_SYS_REGS_SIZE system
 * registers from SYSREGS_START (MPIDR_EL1 .. ELR_EL2). */
hm_cregs_cstates_logn reset_sys_regs_specx(hm_z vcpuid, const hm_ctxt_regs *cregs,
					   const hm_ctxt_states *cstates, hm_dorc dorc, hm_z logn)
{
	reset_sys_regs_loopx_ret s = reset_sys_regs_loopx(z_to_nat(SHADOW_SYS_REGS_SIZE),
							  SYSREGS_START, vcpuid, cregs, cstates,
							  dorc, logn);
	return (hm_cregs_cstates_logn){s.cregs, s.cstates, s.logn};
}

/* TrapHandlerSpec: sync_dirty_to_shadow_loopx. The value written is
 * `dorc logn` with the loop's initial logn, not the running logn' (as in
 * the Coq); logn' still counts the registers written. */
sync_dirty_to_shadow_loopx_ret sync_dirty_to_shadow_loopx(hm_z n, hm_z i, hm_z dirty,
							  const hm_ctxt_regs *cregs,
							  const hm_ctxt_states *cstates,
							  hm_dorc dorc, hm_z logn)
{
	sync_dirty_to_shadow_loopx_ret s = {i, *cregs, *cstates, logn};
	for (hm_z k = z_to_nat(n); k > 0; k--) {
		hm_z i_ = s.i;
		if (z_land(dirty, z_shiftl(1, i_)) == 0) {
			COV("Z.land dirty (Z.shiftl 1 i') =? 0: true");
			s.i = i_ + 1;
		} else {
			COV("Z.land dirty (Z.shiftl 1 i') =? 0: false");
			hm_z reg = hm_dorc_apply(dorc, logn);
			hm_cregs_cstates c = set_shadow_ctxt_specx(i_, reg, &s.cregs, &s.cstates);
			s.i = i_ + 1;
			s.cregs = c.cregs;
			s.cstates = c.cstates;
			s.logn = s.logn + 1;
		}
	}
	return s;
}

/* TrapHandlerSpec: sync_dirty_to_shadow_specx — X0 .. X30 (31 registers
 * from 0); vmid is unused. */
hm_cregs_cstates_logn sync_dirty_to_shadow_specx(hm_z vmid, hm_z dirty, const hm_ctxt_regs *cregs,
						 const hm_ctxt_states *cstates, hm_z logn,
						 hm_dorc dorc)
{
	sync_dirty_to_shadow_loopx_ret s =
		sync_dirty_to_shadow_loopx(31, 0, dirty, cregs, cstates, dorc, logn);
	return (hm_cregs_cstates_logn){s.cregs, s.cstates, s.logn};
}

/* TrapHandlerSpec: update_exception_gp_regs_specx. The Coq binds new_pc
 * (exception_vector of pstate) but never uses it: pc is left as it was,
 * so the Parameter is not consulted. */
hm_cregs_cstates update_exception_gp_regs_specx(const hm_ctxt_regs *cregs,
						const hm_ctxt_states *cstates)
{
	hm_z pstate0 = cstates->pstate;
	hm_z pc0 = cstates->pc;
	hm_cregs_cstates r = {*cregs, *cstates};
	r.cregs.elr_el1 = pc0;
	r.cstates.spsr_0 = pstate0;
	r.cstates.esr_el1 = ESR_ELx_EC_UNKNOWN;
	r.cstates.pstate = PSTATE_FAULT_BITS_64;
	return r;
}

/* TrapHandlerSpec: prep_wfx_specx */
hm_ctxt_states prep_wfx_specx(const hm_ctxt_states *cstates)
{
	hm_ctxt_states r = *cstates;
	r.dirty = DIRTY_PC_FLAG;
	return r;
}

/* TrapHandlerSpec: prep_abort_specx. A read (neither WNR nor S1PTW) marks
 * only register Rd dirty, without DIRTY_PC_FLAG (as in the Coq). */
prep_abort_specx_ret prep_abort_specx(const hm_ctxt_regs *cregs, const hm_ctxt_states *cstates,
				      hm_z logn, hm_dorc doc)
{
	hm_z esr = hm_dorc_apply(doc, logn);
	hm_z Rd = z_mod(z_div(esr, 65536), 32);
	hm_z hpfar_el2 = cregs->hpfar_el2;
	hm_z fault_ipa = z_div(hpfar_el2, 16) * 4096;
	if (fault_ipa < MAX_MMIO_ADDR) {
		hm_ctxt_states cst_ = *cstates;
		cst_.dirty = DIRTY_PC_FLAG;
		if (z_land(esr, ESR_ELx_WNR) == 0 && z_land(esr, ESR_ELx_S1PTW) == 0) {
			COV("fault_ipa <? MAX_MMIO_ADDR: true, read");
			hm_ctxt_states cst__ = *cstates;
			cst__.dirty = z_shiftl(1, Rd);
			return (prep_abort_specx_ret){cst__, logn + 1};
		}
		COV("fault_ipa <? MAX_MMIO_ADDR: true, write or S1PTW");
		return (prep_abort_specx_ret){cst_, logn + 1};
	}
	COV("fault_ipa <? MAX_MMIO_ADDR: false");
	return (prep_abort_specx_ret){*cstates, logn + 1};
}

/* ------------------------------------------------------------------ */
/* pure loops and the host MMIO emulation */

/* TrapHandlerSpec: is_smmu_range_loop_h — res' is the last SMMU i' whose
 * [base, base + size) holds addr. */
is_smmu_range_loop_h_ret is_smmu_range_loop_h(hm_z n, hm_z addr, hm_z i, hm_z res,
					      const hm_smmu_conf *conf)
{
	is_smmu_range_loop_h_ret s = {i, res};
	for (hm_z k = z_to_nat(n); k > 0; k--) {
		hm_z i_ = s.i;
		hm_z base = hm_map_get_z(conf->smmu_phys_base, i_);
		hm_z size = hm_map_get_z(conf->smmu_size, i_);
		if (base <= addr && addr < base + size) {
			COV("addr in SMMU i': true");
			s = (is_smmu_range_loop_h_ret){i_ + 1, i_};
		} else {
			COV("addr in SMMU i': false");
			s = (is_smmu_range_loop_h_ret){i_ + 1, s.res};
		}
	}
	return s;
}

/* TrapHandlerSpec: search_load_info_loop_h */
search_load_info_loop_h_ret search_load_info_loop_h(hm_z n, hm_z idx, hm_z addr, hm_z ret,
						    const hm_boot_info *binfo)
{
	search_load_info_loop_h_ret s = {idx, ret};
	for (hm_z k = z_to_nat(n); k > 0; k--) {
		hm_z idx_ = s.idx;
		hm_z base = hm_map_get_z(binfo->vm_load_addr, idx_);
		hm_z size = hm_map_get_z(binfo->vm_load_size, idx_);
		hm_z remap = hm_map_get_z(binfo->vm_remap_addr, idx_);
		if (addr >= base && addr < base + size) {
			COV("addr in load info idx': true");
			s = (search_load_info_loop_h_ret){idx_ + 1, (addr - base) + remap};
		} else {
			COV("addr in load info idx': false");
			s = (search_load_info_loop_h_ret){idx_ + 1, s.ret};
		}
	}
	return s;
}

/* The tuple (halt, logn, cregs, cstates, rcregs). */
static handle_host_mmio_spec_h_ret mmio_ret(bool halt, hm_z logn, const hm_ctxt_regs *cregs,
					    const hm_ctxt_states *cstates,
					    const hm_ctxt_regs *rcregs)
{
	return (handle_host_mmio_spec_h_ret){halt, logn, *cregs, *cstates, *rcregs};
}

/* TrapHandlerSpec: handle_host_mmio_spec_h. The Coq advances the host by
 * writing elr_el2 + 4 into esr_el2 (not elr_el2); reproduced. */
handle_host_mmio_spec_h_ret handle_host_mmio_spec_h(hm_z index, hm_z fault_ipa, hm_z len,
						    hm_z is_write, hm_z rt,
						    const hm_ctxt_regs *cregs,
						    const hm_ctxt_states *cstates,
						    const hm_ctxt_regs *rcregs, hm_dorc dorc,
						    hm_z logn, const hm_map *smmu)
{
	/* rcregs {esr_el2: (elr_el2 rcregs) + 4} */
	hm_ctxt_regs rc_skip = *rcregs;
	rc_skip.esr_el2 = rcregs->elr_el2 + 4;

	if (is_write == 0) {
		hm_z data = hm_dorc_apply(dorc, logn);
		if (len == 8) {
			COV("is_write =? 0: true, len =? 8");
			hm_cregs_cstates c = set_shadow_ctxt_specx(rt, data, cregs, cstates);
			return mmio_ret(false, logn + 1, &c.cregs, &c.cstates, &rc_skip);
		} else if (len == 4) {
			COV("is_write =? 0: true, len =? 4");
			hm_cregs_cstates c =
				set_shadow_ctxt_specx(rt, z_land(data, INVALID), cregs, cstates);
			return mmio_ret(false, logn + 1, &c.cregs, &c.cstates, &rc_skip);
		}
		COV("is_write =? 0: true, other len");
		return mmio_ret(true, logn, cregs, cstates, rcregs);
	}

	hm_z data = get_shadow_ctxt_specx(rt, cregs, cstates);
	handle_host_mmio_spec_h_ret ret_state;
	if (len == 8)
		ret_state = mmio_ret(false, logn, cregs, cstates, &rc_skip);
	else if (len == 4)
		ret_state = mmio_ret(false, logn, cregs, cstates, &rc_skip);
	else
		ret_state = mmio_ret(true, logn, cregs, cstates, rcregs);
	hm_z offset = z_land(fault_ipa, SMMU_OFFSET_MASK);
	if (offset < SMMU_GLOBAL_BASE) {
		hm_z ret;
		if (offset >= 0 && offset <= ARM_SMMU_GR1_BASE) {
			if (offset == ARM_SMMU_GR0_sCR0) {
				COV("offset <? SMMU_GLOBAL_BASE, GR0, sCR0");
				hm_z smmu_enable = z_land(z_shiftr(data, sCR0_SMCFCFG_SHIFT), 1);
				ret = smmu_enable == 0 ? 0 : 1;
			} else if (offset == ARM_SMMU_GR0_sCR2) {
				COV("offset <? SMMU_GLOBAL_BASE, GR0, sCR2");
				ret = z_land(data, 255) == 0 ? 1 : 0;
			} else {
				COV("offset <? SMMU_GLOBAL_BASE, GR0, other");
				ret = 1;
			}
		} else if (offset >= ARM_SMMU_GR1_BASE && offset < ARM_SMMU_GR1_END) {
			COV("offset <? SMMU_GLOBAL_BASE, GR1");
			hm_z n = z_div(offset - ARM_SMMU_GR1_BASE, 4);
			hm_z vmid = hm_map_get_z(smmu, smmu_id(index, n));
			hm_z type = z_shiftr(data, CBAR_TYPE_SHIFT);
			hm_z t_vmid = z_land(data, CBAR_VMID_MASK);
			if (vmid == 0) {
				COV("GR1: vmid =? 0");
				ret = 1;
			} else if (type == CBAR_TYPE_S2_TRANS && vmid == t_vmid) {
				COV("GR1: S2 translation for the bank's vmid");
				ret = 1;
			} else {
				COV("GR1: other type or vmid");
				ret = 0;
			}
		} else {
			COV("offset <? SMMU_GLOBAL_BASE, neither GR0 nor GR1");
			ret = 1;
		}
		if (ret == 0) {
			COV("ret =? 0: true");
			return mmio_ret(true, logn, cregs, cstates, rcregs);
		}
		COV("ret =? 0: false");
		return ret_state;
	}
	hm_z off_ = offset - SMMU_GLOBAL_BASE;
	hm_z cb_offset = z_land(off_, ARM_SMMU_PGSHIFT_MASK);
	if (cb_offset == ARM_SMMU_CB_TTBR0) {
		/* the Coq computes cbndx here and does not use it */
		COV("cb_offset =? ARM_SMMU_CB_TTBR0");
		return ret_state;
	}
	if (cb_offset == ARM_SMMU_CB_CONTEXTIDR) {
		COV("cb_offset =? ARM_SMMU_CB_CONTEXTIDR");
		return mmio_ret(true, logn, cregs, cstates, rcregs);
	}
	COV("cb_offset: other");
	return ret_state;
}

/* ------------------------------------------------------------------ */
/* loops and steps over RData */

/* One step of prot_and_map_vm_loop_h on (gfn', pfn', adt') that is not
 * halted. The event records the loop's initial gfn and pfn, the page
 * assigned is gfn' / pfn', and data_log is updated from the loop's input
 * adt (all as in the Coq). */
static hm_sres prot_and_map_vm_loop_h_step(const hm_rdata *adt_, hm_z vmid, hm_z gfn, hm_z pfn,
					   hm_z gfn_, hm_z pfn_, const hm_rdata *adt)
{
	hm_rdata *adt0 = query_oracle(adt_);
	hm_z logn0 = hm_map_get_z(adt0->data_log, vmid);
	hm_z ev[] = {vmid, gfn, pfn, logn0};
	hm_slog *log_ = sevent(adt0->curid, HM_AEV_OASSIGN_VM, ev, adt0->doracle, adt0->slog);
	RELY(hlock_at(adt0, S2PAGE_ID));
	RELY(hlock_at(adt0, NPT_ID));
	local_assign_pfn_to_vm_ret a =
		local_assign_pfn_to_vm(vmid, gfn_, pfn_, adt0->doracle, vmid, logn0, adt0->shared);
	hm_rdata *r = rd_edit(adt0);
	SETP(r, shared, a.sdt);
	r->halt = a.halt;
	SETP(r, slog, log_);
	SETP(r, data_log, hm_map_set_z(adt->data_log, vmid, a.logn));
	return SOME(r);
}

/* TrapHandlerSpec: prot_and_map_vm_loop_h */
prot_and_map_vm_loop_h_ret prot_and_map_vm_loop_h(hm_z n, hm_z vmid, hm_z gfn, hm_z pfn,
						  const hm_rdata *adt)
{
	prot_and_map_vm_loop_h_ret ret = {.gfn = gfn, .pfn = pfn};
	const hm_rdata *cur = loop_start(adt);
	for (hm_z k = z_to_nat(n); k > 0; k--) {
		if (cur->halt) {
			/* Some (gfn' + 1, pfn' + 1, adt'): adt' stays halted, so
			 * the k iterations left all take this arm. */
			COV("halt adt': true");
			ret.gfn += k;
			ret.pfn += k;
			break;
		}
		COV("halt adt': false");
		hm_pool *pool = hm_pool_push();
		hm_sres r = prot_and_map_vm_loop_h_step(cur, vmid, gfn, pfn, ret.gfn, ret.pfn, adt);
		if (!loop_keep(&cur, r, pool)) {
			ret.r = r;
			return ret;
		}
		ret.gfn += 1;
		ret.pfn += 1;
	}
	ret.r = loop_end(cur);
	return ret;
}

/* TrapHandlerSpec: prot_and_map_vm_s2pt_spec_h */
hm_sres prot_and_map_vm_s2pt_spec_h(const hm_rdata *adt, hm_z vmid, hm_z addr, hm_z pte,
				    hm_z level)
{
	if (adt->halt) {
		COV("halt adt: true");
		return SOME(adt);
	}
	hm_z target = phys_page(pte);
	hm_z pfn = z_div(target, PAGE_SIZE);
	hm_z gfn = z_div(addr, PAGE_SIZE);
	if (level == 2) {
		hm_z gfn_ = z_div(gfn, PTRS_PER_PMD) * PTRS_PER_PMD;
		hm_z num = PMD_PAGE_NUM;
		prot_and_map_vm_loop_h_ret l = prot_and_map_vm_loop_h(z_to_nat(num), vmid, gfn_, pfn, adt);
		if (!l.r.st)
			return l.r;
		const hm_rdata *adt_ = l.r.st;
		if (adt_->halt) {
			COV("level =? 2: true, loop halted");
			return SOME(adt_);
		}
		COV("level =? 2: true, loop not halted");
		hm_rdata *adt0 = query_oracle(adt_);
		hm_z ev[] = {vmid, addr, pte, 2};
		hm_slog *log_ = sevent(adt0->curid, HM_AEV_OMAP_VM, ev, NULL, adt0->slog);
		RELY(hlock_at(adt0, NPT_ID + vmid));
		local_map_pfn_vm_ret m = local_map_pfn_vm(vmid, addr, pte, 2, adt0->shared);
		hm_rdata *r = rd_edit(adt0);
		r->halt = m.halt;
		SETP(r, shared, m.sdt);
		SETP(r, slog, log_);
		return SOME(r);
	}
	/* Any level other than 2 assigns the page and maps it at level 3,
	 * even when the assignment halts (its halt is then overwritten). */
	COV("level =? 2: false");
	hm_rdata *adt0 = query_oracle(adt);
	hm_z logn0 = hm_map_get_z(adt0->data_log, vmid);
	hm_z ev[] = {vmid, gfn, pfn, logn0};
	hm_slog *log_ = sevent(adt0->curid, HM_AEV_OASSIGN_VM, ev, adt0->doracle, adt0->slog);
	RELY(hlock_at(adt0, S2PAGE_ID));
	RELY(hlock_at(adt0, NPT_ID));
	local_assign_pfn_to_vm_ret a =
		local_assign_pfn_to_vm(vmid, gfn, pfn, adt0->doracle, vmid, logn0, adt0->shared);
	hm_rdata *adt__ = rd_edit(adt0);
	SETP(adt__, shared, a.sdt);
	adt__->halt = a.halt;
	SETP(adt__, slog, log_);
	SETP(adt__, data_log, hm_map_set_z(adt->data_log, vmid, a.logn));
	hm_rdata *adt1 = query_oracle(adt__);
	hm_z ev2[] = {vmid, addr, pte, 3};
	hm_slog *log2 = sevent(adt1->curid, HM_AEV_OMAP_VM, ev2, NULL, adt1->slog);
	RELY(hlock_at(adt1, NPT_ID + vmid));
	local_map_pfn_vm_ret m = local_map_pfn_vm(vmid, addr, pte, 3, adt1->shared);
	hm_rdata *r = rd_edit(adt1);
	r->halt = m.halt;
	SETP(r, shared, m.sdt);
	SETP(r, slog, log2);
	return SOME(r);
}

/* One step of clear_vm_loop_h on (pfn', adt') not halted. */
static hm_sres clear_vm_loop_h_step(const hm_rdata *adt_, hm_z pfn_, hm_z vmid)
{
	hm_rdata *adt1 = query_oracle(adt_);
	RELY(hlock_at(adt1, S2PAGE_ID));
	RELY(hlock_at(adt1, NPT_ID));
	hm_z ev[] = {vmid, pfn_};
	hm_slog *log_ = sevent(adt1->curid, HM_AEV_OCLEAR_VM, ev, NULL, adt1->slog);
	local_clear_vm_page_ret c = local_clear_vm_page(vmid, pfn_, adt1->shared);
	hm_rdata *r = rd_edit(adt1);
	SETP(r, shared, c.sdt);
	r->halt = c.halt;
	SETP(r, slog, log_);
	return SOME(r);
}

/* TrapHandlerSpec: clear_vm_loop_h */
clear_vm_loop_h_ret clear_vm_loop_h(hm_z n, hm_z pfn, hm_z vmid, const hm_rdata *adt)
{
	clear_vm_loop_h_ret ret = {.pfn = pfn};
	const hm_rdata *cur = loop_start(adt);
	for (hm_z k = z_to_nat(n); k > 0; k--) {
		if (cur->halt) {
			/* the k iterations left only advance pfn' */
			COV("halt adt': true");
			ret.pfn += k;
			break;
		}
		COV("halt adt': false");
		hm_pool *pool = hm_pool_push();
		hm_sres r = clear_vm_loop_h_step(cur, ret.pfn, vmid);
		if (!loop_keep(&cur, r, pool)) {
			ret.r = r;
			return ret;
		}
		ret.pfn += 1;
	}
	ret.r = loop_end(cur);
	return ret;
}

/* One step of unmap_and_load_loop_h on (start', target', remap', adt')
 * not halted; the counters it returns are the same in every arm. */
static hm_sres unmap_and_load_loop_h_step(const hm_rdata *adt_, hm_z vmid, hm_z start_,
					  hm_z remap_)
{
	hm_rdata *adt0 = query_oracle(adt_);
	RELY(hlock_at(adt0, NPT_ID + COREVISOR));
	hm_z ev[] = {COREVISOR};
	hm_rdata *adt__ = rd_edit(adt0);
	SETP(adt__, slog, sevent(adt0->curid, HM_AEV_OPT_GET, ev, NULL, adt0->slog));
	const hm_npt *npt = npt_at(adt__->shared->npts, COREVISOR);
	hm_z pte = z3_at(npt->pt, z_div(remap_, PAGE_SIZE))->c;
	hm_z pfn = z_div(phys_page(pte), PMD_SIZE) * PTRS_PER_PMD;
	hm_z gfn = z_div(start_, PAGE_SIZE);
	if (pte == 0) {
		COV("pte =? 0: true");
		hm_rdata *r = rd_edit(adt__);
		r->halt = true;
		return SOME(r);
	}
	COV("pte =? 0: false");
	return prot_and_map_vm_s2pt_spec_h(adt__, vmid, gfn * PAGE_SIZE, pfn * PAGE_SIZE, 2);
}

/* TrapHandlerSpec: unmap_and_load_loop_h */
unmap_and_load_loop_h_ret unmap_and_load_loop_h(hm_z n, hm_z vmid, hm_z start, hm_z target,
						hm_z remap, const hm_rdata *adt)
{
	unmap_and_load_loop_h_ret ret = {.start = start, .target = target, .remap = remap};
	const hm_rdata *cur = loop_start(adt);
	for (hm_z k = z_to_nat(n); k > 0; k--) {
		hm_z s_ = ret.start, t_ = ret.target, r_ = ret.remap;
		if (cur->halt) {
			/* This arm: (start' + PMD_SIZE, start' + PMD_SIZE,
			 * remap' + (start' + PMD_SIZE - target')). After it
			 * target' = start', so each of the k - 1 iterations
			 * left adds PMD_SIZE to all three. */
			COV("halt adt': true");
			ret.start = s_ + k * PMD_SIZE;
			ret.target = ret.start;
			ret.remap = r_ + (s_ + PMD_SIZE - t_) + (k - 1) * PMD_SIZE;
			break;
		}
		COV("halt adt': false");
		hm_pool *pool = hm_pool_push();
		hm_sres r = unmap_and_load_loop_h_step(cur, vmid, s_, r_);
		if (!loop_keep(&cur, r, pool)) {
			ret.r = r;
			return ret;
		}
		ret.start = s_ + PMD_SIZE;
		ret.target = s_ + PMD_SIZE;
		ret.remap = r_ + (s_ + PMD_SIZE - t_);
	}
	ret.r = loop_end(cur);
	return ret;
}

/* One step of verify_and_load_loop_h on (idx', adt'). */
static hm_sres verify_and_load_loop_h_step(const hm_rdata *adt_, hm_z vmid, hm_z idx_)
{
	const hm_vminfo *info = vminfo_at(adt_->shared->vminfos, vmid);
	hm_z load_addr = hm_map_get_z(info->VB.vm_load_addr, idx_);
	hm_z remap_addr = hm_map_get_z(info->VB.vm_remap_addr, idx_);
	hm_z mapped = hm_map_get_z(info->VB.vm_mapped_pages, idx_);
	hm_z start = z_div(load_addr, PMD_SIZE) * PMD_SIZE;
	hm_z end_ = load_addr + mapped * PAGE_SIZE;
	hm_z num = z_div(end_ - start + 2097151, PMD_SIZE);
	unmap_and_load_loop_h_ret u =
		unmap_and_load_loop_h(z_to_nat(num), vmid, start, load_addr, remap_addr, adt_);
	return u.r;
}

/* TrapHandlerSpec: verify_and_load_loop_h. Each step returns
 * load_idx + 1 with the loop's initial load_idx, not idx' + 1: from the
 * second iteration on, every iteration loads entry load_idx + 1 again
 * (as in the Coq). */
verify_and_load_loop_h_ret verify_and_load_loop_h(hm_z n, hm_z vmid, hm_z load_idx,
						  const hm_rdata *adt)
{
	verify_and_load_loop_h_ret ret = {.load_idx = load_idx};
	const hm_rdata *cur = loop_start(adt);
	for (hm_z k = z_to_nat(n); k > 0; k--) {
		COV("S n'");
		hm_pool *pool = hm_pool_push();
		hm_sres r = verify_and_load_loop_h_step(cur, vmid, ret.load_idx);
		if (!loop_keep(&cur, r, pool)) {
			ret.r = r;
			return ret;
		}
		ret.load_idx = load_idx + 1;
	}
	ret.r = loop_end(cur);
	return ret;
}

/* One step of kvm_phys_addr_ioremap_loop_h on (gpa', pa', adt') not halted. */
static hm_sres kvm_phys_addr_ioremap_loop_h_step(const hm_rdata *adt_, hm_z vmid, hm_z gpa_,
						 hm_z pa_)
{
	hm_rdata *adt1 = query_oracle(adt_);
	RELY(hlock_at(adt1, INFO_ID + vmid));
	RELY(hlock_at(adt1, S2PAGE_ID));
	RELY(hlock_at(adt1, NPT_ID + vmid));
	hm_z ev[] = {vmid, gpa_, pa_};
	hm_slog *log_ = sevent(adt1->curid, HM_AEV_OMAP_IO, ev, NULL, adt1->slog);
	local_map_io_ret m = local_map_io(vmid, gpa_, pa_, adt1->shared);
	hm_rdata *r = rd_edit(adt1);
	SETP(r, shared, m.sdt);
	r->halt = m.halt;
	SETP(r, slog, log_);
	return SOME(r);
}

/* TrapHandlerSpec: kvm_phys_addr_ioremap_loop_h */
kvm_phys_addr_ioremap_loop_h_ret kvm_phys_addr_ioremap_loop_h(hm_z n, hm_z vmid, hm_z gpa,
							      hm_z pa, const hm_rdata *adt)
{
	kvm_phys_addr_ioremap_loop_h_ret ret = {.gpa = gpa, .pa = pa};
	const hm_rdata *cur = loop_start(adt);
	for (hm_z k = z_to_nat(n); k > 0; k--) {
		if (cur->halt) {
			/* the k iterations left only advance gpa' and pa' */
			COV("halt adt': true");
			ret.gpa += k * PAGE_SIZE;
			ret.pa += k * PAGE_SIZE;
			break;
		}
		COV("halt adt': false");
		hm_pool *pool = hm_pool_push();
		hm_sres r = kvm_phys_addr_ioremap_loop_h_step(cur, vmid, ret.gpa, ret.pa);
		if (!loop_keep(&cur, r, pool)) {
			ret.r = r;
			return ret;
		}
		ret.gpa += PAGE_SIZE;
		ret.pa += PAGE_SIZE;
	}
	ret.r = loop_end(cur);
	return ret;
}

/* The first part of a step of grant_stage2_loop and revoke_stage2_loop:
 * two OPT_GET reads of the VM's NPT at gfn', the first giving pte, the
 * second the level. Sets *adt1 (the state after the second query, whose
 * hlock the S2PAGE_ID rely of the Coq reads) and the state adt''. */
typedef struct stage2_read {
	hm_sres r; /* adt'' (None when a rely fails) */
	const hm_rdata *adt1;
	hm_z pte;
	hm_z level;
} stage2_read;

static stage2_read stage2_read_pt(const hm_rdata *adt_, hm_z vmid, hm_z gfn_)
{
	stage2_read s = {0};
	hm_z ev[] = {vmid};
	hm_rdata *adt0 = query_oracle(adt_);
	if (!hlock_at(adt0, NPT_ID + vmid)) {
		s.r = (hm_sres){.rely = "hlock_at(adt0, NPT_ID + vmid)", .where = __func__};
		return s;
	}
	hm_rdata *adt_1 = rd_edit(adt0);
	SETP(adt_1, slog, sevent(adt0->curid, HM_AEV_OPT_GET, ev, NULL, adt0->slog));
	s.pte = z3_at(npt_at(adt_1->shared->npts, vmid)->pt, gfn_)->c;
	hm_rdata *adt1 = query_oracle(adt_1);
	if (!hlock_at(adt1, NPT_ID + vmid)) {
		s.r = (hm_sres){.rely = "hlock_at(adt1, NPT_ID + vmid)", .where = __func__};
		return s;
	}
	hm_rdata *adt__ = rd_edit(adt1);
	SETP(adt__, slog, sevent(adt1->curid, HM_AEV_OPT_GET, ev, NULL, adt1->slog));
	s.level = z3_at(npt_at(adt__->shared->npts, vmid)->pt, gfn_)->b;
	s.adt1 = adt1;
	s.r = SOME(adt__);
	return s;
}

/* One step of grant_stage2_loop on (addr', adt'). The Coq computes pfn'
 * (pfn plus the offset in a level-2 block) but grants pfn, and its
 * S2PAGE_ID rely reads adt1, not adt2; reproduced. */
static hm_sres grant_stage2_loop_step(const hm_rdata *adt_, hm_z vmid, hm_z addr_)
{
	hm_z gfn_ = z_div(addr_, PAGE_SIZE);
	stage2_read s = stage2_read_pt(adt_, vmid, gfn_);
	if (!s.r.st)
		return s.r;
	const hm_rdata *adt__ = s.r.st;
	hm_z pfn = z_div(phys_page(s.pte), PAGE_SIZE);
	if (pfn == 0) {
		COV("pfn =? 0: true");
		return SOME(adt__);
	}
	COV("pfn =? 0: false");
	hm_rdata *adt2 = query_oracle(adt__);
	RELY(hlock_at(s.adt1, S2PAGE_ID));
	local_grant_vm_page_ret g = local_grant_vm_page(vmid, pfn, adt2->shared);
	hm_z ev[] = {vmid, pfn};
	hm_rdata *r = rd_edit(adt2);
	SETP(r, shared, g.sdt);
	SETP(r, slog, sevent(adt2->curid, HM_AEV_OGRANT, ev, NULL, adt2->slog));
	return SOME(r);
}

/* TrapHandlerSpec: grant_stage2_loop (no halt check: every iteration runs) */
stage2_loop_ret grant_stage2_loop(hm_z n, hm_z vmid, hm_z addr, const hm_rdata *adt)
{
	stage2_loop_ret ret = {.addr = addr};
	const hm_rdata *cur = loop_start(adt);
	for (hm_z k = z_to_nat(n); k > 0; k--) {
		hm_pool *pool = hm_pool_push();
		hm_sres r = grant_stage2_loop_step(cur, vmid, ret.addr);
		if (!loop_keep(&cur, r, pool)) {
			ret.r = r;
			return ret;
		}
		ret.addr += PAGE_SIZE;
	}
	ret.r = loop_end(cur);
	return ret;
}

/* One step of revoke_stage2_loop on (addr', adt'); as in the grant, pfn
 * (not pfn') is revoked and the relies read adt1. Its halt' replaces the
 * halt of the state, whatever an earlier iteration set. */
static hm_sres revoke_stage2_loop_step(const hm_rdata *adt_, hm_z vmid, hm_z addr_)
{
	hm_z gfn_ = z_div(addr_, PAGE_SIZE);
	stage2_read s = stage2_read_pt(adt_, vmid, gfn_);
	if (!s.r.st)
		return s.r;
	const hm_rdata *adt__ = s.r.st;
	hm_z pfn = z_div(phys_page(s.pte), PAGE_SIZE);
	if (pfn == 0) {
		COV("pfn =? 0: true");
		return SOME(adt__);
	}
	COV("pfn =? 0: false");
	hm_rdata *adt2 = query_oracle(adt__);
	RELY(hlock_at(s.adt1, S2PAGE_ID));
	RELY(hlock_at(s.adt1, NPT_ID));
	hm_z logn2 = hm_map_get_z(adt2->data_log, vmid);
	hm_z ev[] = {vmid, pfn, logn2};
	hm_slog *log_ = sevent(adt2->curid, HM_AEV_OREVOKE, ev, adt2->doracle, adt2->slog);
	local_revoke_vm_page_ret v =
		local_revoke_vm_page(vmid, pfn, adt2->doracle, vmid, logn2, adt2->shared);
	hm_rdata *r = rd_edit(adt2);
	r->halt = v.halt;
	SETP(r, shared, v.sdt);
	SETP(r, slog, log_);
	SETP(r, data_log, hm_map_set_z(adt2->data_log, vmid, v.logn));
	return SOME(r);
}

/* TrapHandlerSpec: revoke_stage2_loop (no halt check: every iteration runs) */
stage2_loop_ret revoke_stage2_loop(hm_z n, hm_z vmid, hm_z addr, const hm_rdata *adt)
{
	stage2_loop_ret ret = {.addr = addr};
	const hm_rdata *cur = loop_start(adt);
	for (hm_z k = z_to_nat(n); k > 0; k--) {
		hm_pool *pool = hm_pool_push();
		hm_sres r = revoke_stage2_loop_step(cur, vmid, ret.addr);
		if (!loop_keep(&cur, r, pool)) {
			ret.r = r;
			return ret;
		}
		ret.addr += PAGE_SIZE;
	}
	ret.r = loop_end(cur);
	return ret;
}

/* TrapHandlerSpec: vm_exit_dispatcher_spec_h */
hm_sres vm_exit_dispatcher_spec_h(const hm_rdata *adt, hm_z vmid, hm_z vcpuid)
{
	const hm_ctxt *ctxt = ctxt_at(adt->shadow_ctxts, ctxt_id(vmid, vcpuid));
	const hm_ctxt_regs *cregs = &ctxt->ctxt_regs;
	hm_z esrel2 = cregs->esr_el2;
	hm_z exit_type = z_mod(z_div(esrel2, 67108864), 64);
	if (exit_type == ESR_ELx_EC_SYS64) {
		/* the host's elr_el2 + 4 written into its esr_el2 */
		COV("exit_type =? ESR_ELx_EC_SYS64");
		hm_z pc = adt->regs->ctxt_regs.elr_el2;
		hm_ctxt *regs = ctxt_edit(adt->regs);
		regs->ctxt_regs.esr_el2 = pc + 4;
		hm_rdata *r = rd_edit(adt);
		SETP(r, regs, regs);
		return SOME_RET(r, 0);
	}
	if (exit_type == ESR_ELx_EC_HVC64) {
		hm_z arg = cregs->x0;
		hm_z addr = cregs->x2;
		hm_z size = cregs->x3;
		if (arg == HVC_KVM_SET_DESC_PFN) {
			COV("exit_type =? ESR_ELx_EC_HVC64, arg =? HVC_KVM_SET_DESC_PFN");
			hm_z len = z_div(size + 4095, PAGE_SIZE);
			stage2_loop_ret l = grant_stage2_loop(z_to_nat(len), vmid, addr, adt);
			if (!l.r.st)
				return l.r;
			return SOME_RET(l.r.st, 0);
		}
		if (arg == HVC_KVM_UNSET_DESC_PFN) {
			COV("exit_type =? ESR_ELx_EC_HVC64, arg =? HVC_KVM_UNSET_DESC_PFN");
			hm_z len = z_div(size + 4095, PAGE_SIZE);
			stage2_loop_ret l = revoke_stage2_loop(z_to_nat(len), vmid, addr, adt);
			if (!l.r.st)
				return l.r;
			return SOME_RET(l.r.st, 0);
		}
		COV("exit_type =? ESR_ELx_EC_HVC64, other arg");
		return SOME_RET(adt, 1);
	}
	COV("exit_type: other");
	hm_rdata *r = rd_edit(adt);
	r->halt = true;
	return SOME_RET(r, 0);
}

/* TrapHandlerSpec: prep_hvc_spec_h. The event is stamped with curid adt
 * (query_oracle keeps curid). */
hm_sres prep_hvc_spec_h(const hm_rdata *adt, hm_z vmid, hm_z vcpuid)
{
	hm_z ctxtid = ctxt_id(vmid, vcpuid);
	const hm_ctxt *ctxt = ctxt_at(adt->shadow_ctxts, ctxtid);
	hm_z psci_fn0 = ctxt->ctxt_regs.x0;
	hm_z psci_fn = z_land(psci_fn0, INVALID);
	if (psci_fn == PSCI_0_2_FN_SYSTEM_OFF) {
		COV("psci_fn =? PSCI_0_2_FN_SYSTEM_OFF: true");
		hm_rdata *adt0 = query_oracle(adt);
		RELY(hlock_at(adt0, INFO_ID + vmid));
		hm_z ev[] = {vmid};
		hm_slog *l_ = sevent(adt->curid, HM_AEV_OVM_POWEROFF, ev, NULL, adt0->slog);
		local_set_vm_poweroff_ret p = local_set_vm_poweroff(vmid, adt0->shared);
		hm_rdata *r = rd_edit(adt0);
		SETP(r, shared, p.sdt);
		SETP(r, slog, l_);
		return SOME(r);
	}
	COV("psci_fn =? PSCI_0_2_FN_SYSTEM_OFF: false");
	return SOME(adt);
}

/* ------------------------------------------------------------------ */
/* the op table: the loops give their state (the counters stay internal) */

static hm_sres op_prot_and_map_vm_s2pt_h(const hm_rdata *adt, const hm_z *a)
{
	return prot_and_map_vm_s2pt_spec_h(adt, a[0], a[1], a[2], a[3]);
}
static hm_sres op_vm_exit_dispatcher_h(const hm_rdata *adt, const hm_z *a)
{
	return vm_exit_dispatcher_spec_h(adt, a[0], a[1]);
}
static hm_sres op_prep_hvc_h(const hm_rdata *adt, const hm_z *a)
{
	return prep_hvc_spec_h(adt, a[0], a[1]);
}
static hm_sres op_prot_and_map_vm_loop_h(const hm_rdata *adt, const hm_z *a)
{
	return prot_and_map_vm_loop_h(a[0], a[1], a[2], a[3], adt).r;
}
static hm_sres op_clear_vm_loop_h(const hm_rdata *adt, const hm_z *a)
{
	return clear_vm_loop_h(a[0], a[1], a[2], adt).r;
}
static hm_sres op_unmap_and_load_loop_h(const hm_rdata *adt, const hm_z *a)
{
	return unmap_and_load_loop_h(a[0], a[1], a[2], a[3], a[4], adt).r;
}
static hm_sres op_verify_and_load_loop_h(const hm_rdata *adt, const hm_z *a)
{
	return verify_and_load_loop_h(a[0], a[1], a[2], adt).r;
}
static hm_sres op_kvm_phys_addr_ioremap_loop_h(const hm_rdata *adt, const hm_z *a)
{
	return kvm_phys_addr_ioremap_loop_h(a[0], a[1], a[2], a[3], adt).r;
}
static hm_sres op_grant_stage2_loop(const hm_rdata *adt, const hm_z *a)
{
	return grant_stage2_loop(a[0], a[1], a[2], adt).r;
}
static hm_sres op_revoke_stage2_loop(const hm_rdata *adt, const hm_z *a)
{
	return revoke_stage2_loop(a[0], a[1], a[2], adt).r;
}

#define M "TrapHandlerSpec"
const hm_op_def hm_ops_trap_aux[] = {
	{"prot_and_map_vm_s2pt_h", M, 4, {"vmid", "addr", "pte", "level"}, op_prot_and_map_vm_s2pt_h, NULL},
	{"vm_exit_dispatcher_h", M, 2, {"vmid", "vcpuid"}, op_vm_exit_dispatcher_h, NULL},
	{"prep_hvc_h", M, 2, {"vmid", "vcpuid"}, op_prep_hvc_h, NULL},
	{"prot_and_map_vm_loop_h", M, 4, {"n", "vmid", "gfn", "pfn"}, op_prot_and_map_vm_loop_h, NULL},
	{"clear_vm_loop_h", M, 3, {"n", "pfn", "vmid"}, op_clear_vm_loop_h, NULL},
	{"unmap_and_load_loop_h", M, 5, {"n", "vmid", "start", "target", "remap"},
	 op_unmap_and_load_loop_h, NULL},
	{"verify_and_load_loop_h", M, 3, {"n", "vmid", "load_idx"}, op_verify_and_load_loop_h, NULL},
	{"kvm_phys_addr_ioremap_loop_h", M, 4, {"n", "vmid", "gpa", "pa"},
	 op_kvm_phys_addr_ioremap_loop_h, NULL},
	{"grant_stage2_loop", M, 3, {"n", "vmid", "addr"}, op_grant_stage2_loop, NULL},
	{"revoke_stage2_loop", M, 3, {"n", "vmid", "addr"}, op_revoke_stage2_loop, NULL},
};
#undef M
const size_t hm_ops_trap_aux_count = sizeof hm_ops_trap_aux / sizeof hm_ops_trap_aux[0];
