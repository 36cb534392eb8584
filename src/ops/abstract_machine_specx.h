/* The register helpers of AbstractMachineSpec.md (the `_specx`
 * definitions) that the TrapHandler seed uses, and its Coq Parameters.
 *
 * Each `_specx` is a pure function on the register blocks of a Ctxt
 * (CtxtRegs, CtxtStates, TrapRegs): the blocks are inline structs, taken
 * by pointer (never written) and returned by value, so a Coq record update
 * `gp {x0: v}` is a copy of gp with x0 set.
 *
 * The Parameters (reg_desc, exception_vector, shared_kvm, shared_vcpu,
 * verify_img, decrypt_gp_regs_specx, decrypt_sys_regs_specx) call the
 * platform of the running step (hm_platform_current()).
 */
#ifndef HM_ABSTRACT_MACHINE_SPECX_H
#define HM_ABSTRACT_MACHINE_SPECX_H

#include "spec.h"
#include "state.h"

/* A `Z -> Z` data oracle: the DataOracle `o` applied to `vmid`
 * (Coq `(doracle adt) vmid`). */
typedef struct hm_dorc {
	hm_oracle *o;
	hm_z vmid;
} hm_dorc;

static inline hm_dorc hm_dorc_of(hm_oracle *o, hm_z vmid) { return (hm_dorc){o, vmid}; }

/* Coq `dorc n` */
static inline hm_z hm_dorc_apply(hm_dorc d, hm_z n) { return hm_oracle_data(d.o, d.vmid, n); }

/* The pair (cregs, cstates) */
typedef struct hm_cregs_cstates {
	hm_ctxt_regs cregs;
	hm_ctxt_states cstates;
} hm_cregs_cstates;

/* The triple ((cregs, cstates), logn) */
typedef struct hm_cregs_cstates_logn {
	hm_ctxt_regs cregs;
	hm_ctxt_states cstates;
	hm_z logn;
} hm_cregs_cstates_logn;

/* ---- Parameters (platform callbacks) ---- */
hm_z verify_img(hm_z vmid, hm_z addr);
hm_z reg_desc(hm_z i);
hm_z shared_kvm(hm_z vmid);
hm_z shared_vcpu(hm_z vmid, hm_z vcpuid);
hm_z exception_vector(hm_z pstate);
hm_cregs_cstates_logn decrypt_gp_regs_specx(const hm_ctxt_regs *cregs,
					    const hm_ctxt_states *cstates, hm_dorc dorc,
					    hm_z logn);
hm_cregs_cstates_logn decrypt_sys_regs_specx(const hm_ctxt_regs *cregs,
					     const hm_ctxt_states *cstates, hm_dorc dorc,
					     hm_z logn);

/* ---- registers by index ---- */
/* The register `index` names (X0.., PC, ..., ESR_EL2); 0 for others. */
hm_z get_shadow_ctxt_specx(hm_z index, const hm_ctxt_regs *cregs,
			   const hm_ctxt_states *cstates);
/* (cregs, cstates) with register `index` set to val; unchanged for
 * MDCCINT_EL1 and indices that name no register. */
hm_cregs_cstates set_shadow_ctxt_specx(hm_z index, hm_z val, const hm_ctxt_regs *cregs,
				       const hm_ctxt_states *cstates);

/* ---- whole-block helpers ---- */
hm_ctxt_regs clear_shadow_gp_regs_specx(const hm_ctxt_regs *gp);
hm_ctxt_regs reset_fp_regs_specx(const hm_ctxt_regs *gp);
hm_ctxt_regs host_to_core_specx(const hm_ctxt_regs *gp, const hm_ctxt_regs *rgp);
hm_ctxt_regs vm_to_core_specx(const hm_ctxt_regs *gp, const hm_ctxt_regs *rgp);
hm_ctxt_regs core_to_host_specx(const hm_ctxt_regs *gp, const hm_ctxt_regs *rgp);
hm_ctxt_regs core_to_vm_specx(const hm_ctxt_regs *gp, const hm_ctxt_regs *rgp);
hm_ctxt_regs exit_populate_fault_specx(const hm_ctxt_regs *gp, const hm_ctxt_regs *rgp);
hm_ctxt_regs save_sysregs_specx(const hm_ctxt_regs *sys, const hm_ctxt_regs *rsys);
hm_ctxt_regs restore_sysregs_specx(const hm_ctxt_regs *sys, const hm_ctxt_states *csts,
				   const hm_ctxt_regs *rsys);
hm_ctxt_regs fpsimd_save_state_specx(const hm_ctxt_regs *gp, const hm_ctxt_regs *rgp);
hm_ctxt_regs fpsimd_restore_state_specx(const hm_ctxt_regs *gp, const hm_ctxt_regs *rgp);
hm_trap_regs activate_traps_specx(const hm_trap_regs *regt);
hm_trap_regs deactivate_traps_specx(const hm_trap_regs *regt);
hm_trap_regs timer_enable_traps_specx(const hm_trap_regs *regt);
hm_ctxt_regs vm_el2_restore_state_specx(const hm_ctxt_regs *regc, const hm_ctxt_regs *ctxt,
					hm_z vttbr);
hm_ctxt_regs host_el2_restore_state_specx(const hm_ctxt_regs *regc, hm_z vttbr);

#endif
