/* The register helpers (`_specx`) and Parameters of AbstractMachineSpec.md
 * used by the TrapHandler seed. See abstract_machine_specx.h. */
#include <string.h>

#include "abstract_machine_specx.h"

/* ---- Parameters ---- */

/* AbstractMachineSpec: Parameter verify_img */
hm_z verify_img(hm_z vmid, hm_z addr)
{
	const hm_platform *p = hm_platform_current();
	return p->verify_img(p->ctx, vmid, addr);
}

/* AbstractMachineSpec: Parameter reg_desc */
hm_z reg_desc(hm_z i)
{
	const hm_platform *p = hm_platform_current();
	return p->reg_desc(p->ctx, i);
}

/* AbstractMachineSpec: Parameter shared_kvm */
hm_z shared_kvm(hm_z vmid)
{
	const hm_platform *p = hm_platform_current();
	return p->shared_kvm(p->ctx, vmid);
}

/* AbstractMachineSpec: Parameter shared_vcpu */
hm_z shared_vcpu(hm_z vmid, hm_z vcpuid)
{
	const hm_platform *p = hm_platform_current();
	return p->shared_vcpu(p->ctx, vmid, vcpuid);
}

/* AbstractMachineSpec: Parameter exception_vector (its Z64 argument as Z) */
hm_z exception_vector(hm_z pstate)
{
	const hm_platform *p = hm_platform_current();
	return p->exception_vector(p->ctx, pstate);
}

/* The platform sees `dorc` as a C callback. */
static hm_z dorc_trampoline(void *ctx, hm_z n) { return hm_dorc_apply(*(const hm_dorc *)ctx, n); }

typedef hm_z (*decrypt_fn)(void *ctx, hm_z *regs, hm_z *states,
			   hm_z (*dorc)(void *dorc_ctx, hm_z n), void *dorc_ctx, hm_z logn);

/* The platform takes the blocks as arrays of their fields in Coq order;
 * both structs hold nothing but hm_z fields in that order. */
static hm_cregs_cstates_logn call_decrypt(decrypt_fn fn, void *pctx, const hm_ctxt_regs *cregs,
					  const hm_ctxt_states *cstates, hm_dorc dorc, hm_z logn)
{
	hm_z regs[sizeof(hm_ctxt_regs) / sizeof(hm_z)];
	hm_z states[sizeof(hm_ctxt_states) / sizeof(hm_z)];
	memcpy(regs, cregs, sizeof regs);
	memcpy(states, cstates, sizeof states);
	hm_cregs_cstates_logn r;
	r.logn = fn(pctx, regs, states, dorc_trampoline, &dorc, logn);
	memcpy(&r.cregs, regs, sizeof regs);
	memcpy(&r.cstates, states, sizeof states);
	return r;
}

/* AbstractMachineSpec: Parameter decrypt_gp_regs_specx */
hm_cregs_cstates_logn decrypt_gp_regs_specx(const hm_ctxt_regs *cregs,
					    const hm_ctxt_states *cstates, hm_dorc dorc,
					    hm_z logn)
{
	const hm_platform *p = hm_platform_current();
	return call_decrypt(p->decrypt_gp_regs, p->ctx, cregs, cstates, dorc, logn);
}

/* AbstractMachineSpec: Parameter decrypt_sys_regs_specx */
hm_cregs_cstates_logn decrypt_sys_regs_specx(const hm_ctxt_regs *cregs,
					     const hm_ctxt_states *cstates, hm_dorc dorc,
					     hm_z logn)
{
	const hm_platform *p = hm_platform_current();
	return call_decrypt(p->decrypt_sys_regs, p->ctx, cregs, cstates, dorc, logn);
}

/* ---- registers by index ----
 * The Coq tests `index =? X0`, `index =? X1`, ... in turn; the index
 * constants are distinct, so a switch over them picks the same arm. The
 * arms below are in the Coq's order. */

/* Fields of CtxtRegs (R) and CtxtStates (S) by index. */
#define GET_R(IDX, f)                        \
	case (int)IDX:                       \
		COV("index =? " #IDX);       \
		return cregs->f;
#define GET_S(IDX, f)                        \
	case (int)IDX:                       \
		COV("index =? " #IDX);       \
		return cstates->f;

/* AbstractMachineSpec: get_shadow_ctxt_specx */
hm_z get_shadow_ctxt_specx(hm_z index, const hm_ctxt_regs *cregs,
			   const hm_ctxt_states *cstates)
{
	/* Every index the Coq names is in 0 .. ESR_EL2; others read 0. */
	if (index >= X0 && index <= ESR_EL2) {
		switch ((int)index) {
		GET_R(X0, x0) GET_R(X1, x1) GET_R(X2, x2) GET_R(X3, x3) GET_R(X4, x4)
		GET_R(X5, x5) GET_R(X6, x6) GET_R(X7, x7) GET_R(X8, x8) GET_R(X9, x9)
		GET_R(X10, x10) GET_R(X11, x11) GET_R(X12, x12) GET_R(X13, x13)
		GET_R(X14, x14) GET_R(X15, x15) GET_R(X16, x16) GET_R(X17, x17)
		GET_R(X18, x18) GET_R(X19, x19) GET_R(X20, x20) GET_R(X21, x21)
		GET_R(X22, x22) GET_R(X23, x23) GET_R(X24, x24) GET_R(X25, x25)
		GET_R(X26, x26) GET_R(X27, x27) GET_R(X28, x28) GET_R(X29, x29)
		GET_R(X30, x30)
		GET_S(PC, pc)
		GET_S(PSTATE, pstate)
		GET_R(ELR_EL1, elr_el1)
		GET_R(SPSR_EL1, spsr_el1)
		GET_R(FAR_EL2, far_el2)
		GET_R(HPFAR_EL2, hpfar_el2)
		GET_R(HCR_EL2, hcr_el2)
		GET_R(EC, ec)
		GET_S(DIRTY, dirty)
		GET_S(FLAGS, flags)
		GET_R(MPIDR_EL1, mpidr_el1)
		GET_R(CSSELR_EL1, csselr_el1)
		GET_R(SCTLR_EL1, sctlr_el1)
		GET_R(ACTLR_EL1, actlr_el1)
		GET_R(CPACR_EL1, cpacr_el1)
		GET_R(TTBR0_EL1, ttbr0_el1)
		GET_R(TTBR1_EL1, ttbr1_el1)
		GET_R(TCR_EL1, tcr_el1)
		GET_S(ESR_EL1, esr_el1)
		GET_R(AFSR0_EL1, afsr0_el1)
		GET_R(AFSR1_EL1, afsr1_el1)
		GET_R(FAR_EL1, far_el1)
		GET_R(MAIR_EL1, mair_el1)
		GET_R(VBAR_EL1, vbar_el1)
		GET_R(CONTEXTIDR_EL1, contextidr_el1)
		GET_R(TPIDR_EL0, tpidr_el0)
		GET_R(TPIDRRO_EL0, tpidrro_el0)
		GET_R(TPIDR_EL1, tpidr_el1)
		GET_R(AMAIR_EL1, amair_el1)
		GET_R(CNTKCTL_EL1, cntkctl_el1)
		GET_R(PAR_EL1, par_el1)
		GET_R(MDSCR_EL1, mdscr_el1)
		case (int)MDCCINT_EL1:
			COV("index =? MDCCINT_EL1");
			return 0;
		GET_R(ELR_EL2, elr_el2)
		GET_S(SPSR_0, spsr_0)
		GET_R(ESR_EL2, esr_el2)
		default:
			break;
		}
	}
	/* SP, SP_EL1, SPSR_ABT .. SPSR_FIQ and indices out of range */
	COV("no index matches");
	return 0;
}
#undef GET_R
#undef GET_S

#define SET_R(IDX, f)                        \
	case (int)IDX:                       \
		COV("index =? " #IDX);       \
		r.cregs.f = val;             \
		return r;
#define SET_S(IDX, f)                        \
	case (int)IDX:                       \
		COV("index =? " #IDX);       \
		r.cstates.f = val;           \
		return r;

/* AbstractMachineSpec: set_shadow_ctxt_specx */
hm_cregs_cstates set_shadow_ctxt_specx(hm_z index, hm_z val, const hm_ctxt_regs *cregs,
				       const hm_ctxt_states *cstates)
{
	hm_cregs_cstates r = {*cregs, *cstates};
	if (index >= X0 && index <= ESR_EL2) {
		switch ((int)index) {
		SET_R(X0, x0) SET_R(X1, x1) SET_R(X2, x2) SET_R(X3, x3) SET_R(X4, x4)
		SET_R(X5, x5) SET_R(X6, x6) SET_R(X7, x7) SET_R(X8, x8) SET_R(X9, x9)
		SET_R(X10, x10) SET_R(X11, x11) SET_R(X12, x12) SET_R(X13, x13)
		SET_R(X14, x14) SET_R(X15, x15) SET_R(X16, x16) SET_R(X17, x17)
		SET_R(X18, x18) SET_R(X19, x19) SET_R(X20, x20) SET_R(X21, x21)
		SET_R(X22, x22) SET_R(X23, x23) SET_R(X24, x24) SET_R(X25, x25)
		SET_R(X26, x26) SET_R(X27, x27) SET_R(X28, x28) SET_R(X29, x29)
		SET_R(X30, x30)
		SET_S(PC, pc)
		SET_S(PSTATE, pstate)
		SET_R(ELR_EL1, elr_el1)
		SET_R(SPSR_EL1, spsr_el1)
		SET_R(FAR_EL2, far_el2)
		SET_R(HPFAR_EL2, hpfar_el2)
		SET_R(HCR_EL2, hcr_el2)
		SET_R(EC, ec)
		SET_S(DIRTY, dirty)
		SET_S(FLAGS, flags)
		SET_R(MPIDR_EL1, mpidr_el1)
		SET_R(CSSELR_EL1, csselr_el1)
		SET_R(SCTLR_EL1, sctlr_el1)
		SET_R(ACTLR_EL1, actlr_el1)
		SET_R(CPACR_EL1, cpacr_el1)
		SET_R(TTBR0_EL1, ttbr0_el1)
		SET_R(TTBR1_EL1, ttbr1_el1)
		SET_R(TCR_EL1, tcr_el1)
		SET_S(ESR_EL1, esr_el1)
		SET_R(AFSR0_EL1, afsr0_el1)
		SET_R(AFSR1_EL1, afsr1_el1)
		SET_R(FAR_EL1, far_el1)
		SET_R(MAIR_EL1, mair_el1)
		SET_R(VBAR_EL1, vbar_el1)
		SET_R(CONTEXTIDR_EL1, contextidr_el1)
		SET_R(TPIDR_EL0, tpidr_el0)
		SET_R(TPIDRRO_EL0, tpidrro_el0)
		SET_R(TPIDR_EL1, tpidr_el1)
		SET_R(AMAIR_EL1, amair_el1)
		SET_R(CNTKCTL_EL1, cntkctl_el1)
		SET_R(PAR_EL1, par_el1)
		SET_R(MDSCR_EL1, mdscr_el1)
		case (int)MDCCINT_EL1:
			/* (cregs, cstates): MDCCINT_EL1 is not kept */
			COV("index =? MDCCINT_EL1");
			return r;
		SET_R(ELR_EL2, elr_el2)
		SET_S(SPSR_0, spsr_0)
		SET_R(ESR_EL2, esr_el2)
		default:
			break;
		}
	}
	COV("no index matches");
	return r;
}
#undef SET_R
#undef SET_S

/* ---- whole-block helpers ---- */

#define COPY(dst, src, f) (dst).f = (src)->f;
#define X_REGS(X, d, s)                                                                   \
	X(d, s, x0) X(d, s, x1) X(d, s, x2) X(d, s, x3) X(d, s, x4) X(d, s, x5) X(d, s, x6)  \
	X(d, s, x7) X(d, s, x8) X(d, s, x9) X(d, s, x10) X(d, s, x11) X(d, s, x12)           \
	X(d, s, x13) X(d, s, x14) X(d, s, x15) X(d, s, x16) X(d, s, x17) X(d, s, x18)        \
	X(d, s, x19) X(d, s, x20) X(d, s, x21) X(d, s, x22) X(d, s, x23) X(d, s, x24)        \
	X(d, s, x25) X(d, s, x26) X(d, s, x27) X(d, s, x28) X(d, s, x29) X(d, s, x30)
#define FP_REGS(X, d, s)                                                                   \
	X(d, s, fp_q0) X(d, s, fp_q1) X(d, s, fp_q2) X(d, s, fp_q3) X(d, s, fp_q4)            \
	X(d, s, fp_q5) X(d, s, fp_q6) X(d, s, fp_q7) X(d, s, fp_q8) X(d, s, fp_q9)            \
	X(d, s, fp_q10) X(d, s, fp_q11) X(d, s, fp_q12) X(d, s, fp_q13) X(d, s, fp_q14)       \
	X(d, s, fp_q15) X(d, s, fp_q16) X(d, s, fp_q17) X(d, s, fp_q18) X(d, s, fp_q19)       \
	X(d, s, fp_q20) X(d, s, fp_q21) X(d, s, fp_q22) X(d, s, fp_q23) X(d, s, fp_q24)       \
	X(d, s, fp_q25) X(d, s, fp_q26) X(d, s, fp_q27) X(d, s, fp_q28) X(d, s, fp_q29)       \
	X(d, s, fp_q30) X(d, s, fp_q31) X(d, s, fp_fpsr) X(d, s, fp_fpcr)
#define ZERO(d, s, f) (d).f = 0;

/* AbstractMachineSpec: clear_shadow_gp_regs_specx — x0 .. x30 := 0 */
hm_ctxt_regs clear_shadow_gp_regs_specx(const hm_ctxt_regs *gp)
{
	hm_ctxt_regs r = *gp;
	X_REGS(ZERO, r, gp)
	return r;
}

/* AbstractMachineSpec: reset_fp_regs_specx — fp_q0 .. fp_q31, fp_fpsr,
 * fp_fpcr := 0 */
hm_ctxt_regs reset_fp_regs_specx(const hm_ctxt_regs *gp)
{
	hm_ctxt_regs r = *gp;
	FP_REGS(ZERO, r, gp)
	return r;
}

/* AbstractMachineSpec: host_to_core_specx — gp with x0 .. x30 of rgp */
hm_ctxt_regs host_to_core_specx(const hm_ctxt_regs *gp, const hm_ctxt_regs *rgp)
{
	hm_ctxt_regs r = *gp;
	X_REGS(COPY, r, rgp)
	return r;
}

/* AbstractMachineSpec: vm_to_core_specx — gp with x0 .. x30 of rgp */
hm_ctxt_regs vm_to_core_specx(const hm_ctxt_regs *gp, const hm_ctxt_regs *rgp)
{
	hm_ctxt_regs r = *gp;
	X_REGS(COPY, r, rgp)
	return r;
}

/* AbstractMachineSpec: core_to_host_specx — rgp with x0 .. x30 of gp */
hm_ctxt_regs core_to_host_specx(const hm_ctxt_regs *gp, const hm_ctxt_regs *rgp)
{
	hm_ctxt_regs r = *rgp;
	X_REGS(COPY, r, gp)
	return r;
}

/* AbstractMachineSpec: core_to_vm_specx — rgp with x0 .. x30 of gp */
hm_ctxt_regs core_to_vm_specx(const hm_ctxt_regs *gp, const hm_ctxt_regs *rgp)
{
	hm_ctxt_regs r = *rgp;
	X_REGS(COPY, r, gp)
	return r;
}

/* AbstractMachineSpec: exit_populate_fault_specx */
hm_ctxt_regs exit_populate_fault_specx(const hm_ctxt_regs *gp, const hm_ctxt_regs *rgp)
{
	hm_ctxt_regs r = *gp;
	r.esr_el2 = rgp->esr_el2;
	r.ec = rgp->ec;
	r.far_el2 = rgp->far_el2;
	r.hpfar_el2 = rgp->hpfar_el2;
	return r;
}

/* AbstractMachineSpec: save_sysregs_specx. Note mpidr_el1 is saved from
 * the hardware's vmpidr_el2. */
hm_ctxt_regs save_sysregs_specx(const hm_ctxt_regs *sys, const hm_ctxt_regs *rsys)
{
	hm_ctxt_regs r = *sys;
	r.csselr_el1 = rsys->csselr_el1;
	r.sctlr_el1 = rsys->sctlr_el1;
	r.cpacr_el1 = rsys->cpacr_el1;
	r.ttbr0_el1 = rsys->ttbr0_el1;
	r.ttbr1_el1 = rsys->ttbr1_el1;
	r.tcr_el1 = rsys->tcr_el1;
	r.afsr0_el1 = rsys->afsr0_el1;
	r.afsr1_el1 = rsys->afsr1_el1;
	r.far_el1 = rsys->far_el1;
	r.mair_el1 = rsys->mair_el1;
	r.vbar_el1 = rsys->vbar_el1;
	r.contextidr_el1 = rsys->contextidr_el1;
	r.amair_el1 = rsys->amair_el1;
	r.cntkctl_el1 = rsys->cntkctl_el1;
	r.par_el1 = rsys->par_el1;
	r.tpidr_el1 = rsys->tpidr_el1;
	r.spsr_el1 = rsys->spsr_el1;
	r.mdscr_el1 = rsys->mdscr_el1;
	r.sp_el0 = rsys->sp_el0;
	r.tpidr_el0 = rsys->tpidr_el0;
	r.tpidrro_el0 = rsys->tpidrro_el0;
	r.mpidr_el1 = rsys->vmpidr_el2;
	r.actlr_el1 = rsys->actlr_el1;
	r.sp_el1 = rsys->sp_el1;
	r.elr_el1 = rsys->elr_el1;
	return r;
}

/* AbstractMachineSpec: restore_sysregs_specx. spsr_el2 comes from the
 * saved pstate, elr_el2 from the saved pc, vmpidr_el2 and mpidr_el1 both
 * from the saved mpidr_el1. */
hm_ctxt_regs restore_sysregs_specx(const hm_ctxt_regs *sys, const hm_ctxt_states *csts,
				   const hm_ctxt_regs *rsys)
{
	hm_ctxt_regs r = *rsys;
	r.csselr_el1 = sys->csselr_el1;
	r.sctlr_el1 = sys->sctlr_el1;
	r.cpacr_el1 = sys->cpacr_el1;
	r.ttbr0_el1 = sys->ttbr0_el1;
	r.ttbr1_el1 = sys->ttbr1_el1;
	r.tcr_el1 = sys->tcr_el1;
	r.afsr0_el1 = sys->afsr0_el1;
	r.afsr1_el1 = sys->afsr1_el1;
	r.far_el1 = sys->far_el1;
	r.mair_el1 = sys->mair_el1;
	r.vbar_el1 = sys->vbar_el1;
	r.contextidr_el1 = sys->contextidr_el1;
	r.amair_el1 = sys->amair_el1;
	r.cntkctl_el1 = sys->cntkctl_el1;
	r.par_el1 = sys->par_el1;
	r.tpidr_el1 = sys->tpidr_el1;
	r.spsr_el1 = sys->spsr_el1;
	r.mdscr_el1 = sys->mdscr_el1;
	r.sp_el0 = sys->sp_el0;
	r.tpidr_el0 = sys->tpidr_el0;
	r.tpidrro_el0 = sys->tpidrro_el0;
	r.spsr_el2 = csts->pstate;
	r.vmpidr_el2 = sys->mpidr_el1;
	r.mpidr_el1 = sys->mpidr_el1;
	r.actlr_el1 = sys->actlr_el1;
	r.sp_el1 = sys->sp_el1;
	r.elr_el2 = csts->pc;
	r.elr_el1 = sys->elr_el1;
	r.esr_el2 = sys->esr_el2;
	r.ec = sys->ec;
	r.far_el2 = sys->far_el2;
	r.hpfar_el2 = sys->hpfar_el2;
	return r;
}

/* AbstractMachineSpec: fpsimd_save_state_specx — gp with the FP
 * registers of rgp */
hm_ctxt_regs fpsimd_save_state_specx(const hm_ctxt_regs *gp, const hm_ctxt_regs *rgp)
{
	hm_ctxt_regs r = *gp;
	FP_REGS(COPY, r, rgp)
	return r;
}

/* AbstractMachineSpec: fpsimd_restore_state_specx — rgp with the FP
 * registers of gp */
hm_ctxt_regs fpsimd_restore_state_specx(const hm_ctxt_regs *gp, const hm_ctxt_regs *rgp)
{
	hm_ctxt_regs r = *rgp;
	FP_REGS(COPY, r, gp)
	return r;
}

#undef COPY
#undef ZERO
#undef X_REGS
#undef FP_REGS

/* AbstractMachineSpec: activate_traps_specx */
hm_trap_regs activate_traps_specx(const hm_trap_regs *regt)
{
	hm_trap_regs r = *regt;
	r.pmuselr_el0 = 0;
	r.pmuserenr_el0 = ARMV8_PMU_USERENR_MASK;
	r.mdcr_el2 = HYPSEC_MDCR_EL2_FLAG;
	r.cptr_el2 = CPTR_VM;
	return r;
}

/* AbstractMachineSpec: deactivate_traps_specx (pmuselr_el0 untouched) */
hm_trap_regs deactivate_traps_specx(const hm_trap_regs *regt)
{
	hm_trap_regs r = *regt;
	r.pmuserenr_el0 = 0;
	r.mdcr_el2 = 0;
	r.cptr_el2 = CPTR_EL2_DEFAULT;
	return r;
}

/* AbstractMachineSpec: timer_enable_traps_specx — arithmetic, not bit
 * operations: cnthctl_el2 - CNTHCTL_EL1PCEN + CNTHCTL_EL1PCTEN */
hm_trap_regs timer_enable_traps_specx(const hm_trap_regs *regt)
{
	hm_trap_regs r = *regt;
	r.cnthctl_el2 = regt->cnthctl_el2 - CNTHCTL_EL1PCEN + CNTHCTL_EL1PCTEN;
	return r;
}

/* AbstractMachineSpec: vm_el2_restore_state_specx */
hm_ctxt_regs vm_el2_restore_state_specx(const hm_ctxt_regs *regc, const hm_ctxt_regs *ctxt,
					hm_z vttbr)
{
	hm_ctxt_regs r = *regc;
	r.vttbr_el2 = vttbr;
	r.tpidr_el2 = ctxt->tpidr_el2;
	r.hcr_el2 = HCR_HYPSEC_VM_FLAGS;
	return r;
}

/* AbstractMachineSpec: host_el2_restore_state_specx */
hm_ctxt_regs host_el2_restore_state_specx(const hm_ctxt_regs *regc, hm_z vttbr)
{
	hm_ctxt_regs r = *regc;
	r.vttbr_el2 = vttbr;
	r.hcr_el2 = HCR_HOST_NVHE_FLAGS;
	r.tpidr_el2 = 0;
	return r;
}
