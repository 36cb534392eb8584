/* TrapHandlerSpec (seed), Section AuxSpec: the helpers of the trap
 * handlers — register resets and syncs over CtxtRegs/CtxtStates, the
 * loops that map, clear, load and grant pages one atomic step at a time,
 * the host MMIO emulation, and the VM exit dispatcher.
 *
 * Conventions:
 *   - A `nat` count n is taken as a Z and runs max(n, 0) iterations, as
 *     `Z.to_nat n` gives. Loops are iterative; each keeps only the state it
 *     is at (every iteration runs in an autorelease pool of its own).
 *   - `option (... * RData)` results are a struct whose `r` is the
 *     hm_sres of the RData (r.st NULL for None, with the failed rely),
 *     the other tuple components beside it.
 *   - A `dorc: Z -> Z` is an hm_dorc (abstract_machine_specx.h).
 */
#ifndef HM_TRAP_HANDLER_AUX_H
#define HM_TRAP_HANDLER_AUX_H

#include "abstract_machine_specx.h"
#include "spec.h"
#include "state.h"



/* ---- register helpers ---- */

/* reset_sys_regs_loopx n i vcpuid cregs cstates dorc logn
 *   = (cregs', cstates', logn', i') */
typedef struct reset_sys_regs_loopx_ret {
	hm_ctxt_regs cregs;
	hm_ctxt_states cstates;
	hm_z logn;
	hm_z i;
} reset_sys_regs_loopx_ret;
reset_sys_regs_loopx_ret reset_sys_regs_loopx(hm_z n, hm_z i, hm_z vcpuid,
					      const hm_ctxt_regs *cregs,
					      const hm_ctxt_states *cstates, hm_dorc dorc,
					      hm_z logn);

/* reset_sys_regs_specx vcpuid cregs cstates dorc logn = (cregs', cstates', logn') */
hm_cregs_cstates_logn reset_sys_regs_specx(hm_z vcpuid, const hm_ctxt_regs *cregs,
					   const hm_ctxt_states *cstates, hm_dorc dorc, hm_z logn);

/* sync_dirty_to_shadow_loopx n i dirty cregs cstates dorc logn
 *   = (i', cregs', cstates', logn') */
typedef struct sync_dirty_to_shadow_loopx_ret {
	hm_z i;
	hm_ctxt_regs cregs;
	hm_ctxt_states cstates;
	hm_z logn;
} sync_dirty_to_shadow_loopx_ret;
sync_dirty_to_shadow_loopx_ret sync_dirty_to_shadow_loopx(hm_z n, hm_z i, hm_z dirty,
							  const hm_ctxt_regs *cregs,
							  const hm_ctxt_states *cstates,
							  hm_dorc dorc, hm_z logn);

/* sync_dirty_to_shadow_specx vmid dirty cregs cstates logn dorc
 *   = (cregs', cstates', logn') */
hm_cregs_cstates_logn sync_dirty_to_shadow_specx(hm_z vmid, hm_z dirty, const hm_ctxt_regs *cregs,
						 const hm_ctxt_states *cstates, hm_z logn,
						 hm_dorc dorc);

/* update_exception_gp_regs_specx cregs cstates = (cregs', cstates') */
hm_cregs_cstates update_exception_gp_regs_specx(const hm_ctxt_regs *cregs,
						const hm_ctxt_states *cstates);

/* prep_wfx_specx cstates */
hm_ctxt_states prep_wfx_specx(const hm_ctxt_states *cstates);

/* prep_abort_specx cregs cstates logn doc = (cstates', logn') */
typedef struct prep_abort_specx_ret {
	hm_ctxt_states cstates;
	hm_z logn;
} prep_abort_specx_ret;
prep_abort_specx_ret prep_abort_specx(const hm_ctxt_regs *cregs, const hm_ctxt_states *cstates,
				      hm_z logn, hm_dorc doc);

/* ---- pure loops and the host MMIO emulation ---- */

/* is_smmu_range_loop_h n addr i res conf = (i', res') */
typedef struct is_smmu_range_loop_h_ret {
	hm_z i;
	hm_z res;
} is_smmu_range_loop_h_ret;
is_smmu_range_loop_h_ret is_smmu_range_loop_h(hm_z n, hm_z addr, hm_z i, hm_z res,
					      const hm_smmu_conf *conf);

/* search_load_info_loop_h n idx addr ret binfo = (idx', ret') */
typedef struct search_load_info_loop_h_ret {
	hm_z idx;
	hm_z ret;
} search_load_info_loop_h_ret;
search_load_info_loop_h_ret search_load_info_loop_h(hm_z n, hm_z idx, hm_z addr, hm_z ret,
						    const hm_boot_info *binfo);

/* handle_host_mmio_spec_h index fault_ipa len is_write rt cregs cstates
 *   rcregs dorc logn smmu = (halt, logn', cregs', cstates', rcregs') */
typedef struct handle_host_mmio_spec_h_ret {
	bool halt;
	hm_z logn;
	hm_ctxt_regs cregs;
	hm_ctxt_states cstates;
	hm_ctxt_regs rcregs;
} handle_host_mmio_spec_h_ret;
handle_host_mmio_spec_h_ret handle_host_mmio_spec_h(hm_z index, hm_z fault_ipa, hm_z len,
						    hm_z is_write, hm_z rt,
						    const hm_ctxt_regs *cregs,
						    const hm_ctxt_states *cstates,
						    const hm_ctxt_regs *rcregs, hm_dorc dorc,
						    hm_z logn, const hm_map *smmu);

/* ---- loops and steps over RData ---- */

/* prot_and_map_vm_loop_h n vmid gfn pfn adt = option (gfn', pfn', adt') */
typedef struct prot_and_map_vm_loop_h_ret {
	hm_sres r;
	hm_z gfn;
	hm_z pfn;
} prot_and_map_vm_loop_h_ret;
prot_and_map_vm_loop_h_ret prot_and_map_vm_loop_h(hm_z n, hm_z vmid, hm_z gfn, hm_z pfn,
						  const hm_rdata *adt);

/* prot_and_map_vm_s2pt_spec_h vmid addr pte level adt = option adt' */
hm_sres prot_and_map_vm_s2pt_spec_h(const hm_rdata *adt, hm_z vmid, hm_z addr, hm_z pte,
				    hm_z level);

/* clear_vm_loop_h n pfn vmid adt = option (pfn', adt') */
typedef struct clear_vm_loop_h_ret {
	hm_sres r;
	hm_z pfn;
} clear_vm_loop_h_ret;
clear_vm_loop_h_ret clear_vm_loop_h(hm_z n, hm_z pfn, hm_z vmid, const hm_rdata *adt);

/* unmap_and_load_loop_h n vmid start target remap adt
 *   = option (start', target', remap', adt') */
typedef struct unmap_and_load_loop_h_ret {
	hm_sres r;
	hm_z start;
	hm_z target;
	hm_z remap;
} unmap_and_load_loop_h_ret;
unmap_and_load_loop_h_ret unmap_and_load_loop_h(hm_z n, hm_z vmid, hm_z start, hm_z target,
						hm_z remap, const hm_rdata *adt);

/* verify_and_load_loop_h n vmid load_idx adt = option (idx', adt') */
typedef struct verify_and_load_loop_h_ret {
	hm_sres r;
	hm_z load_idx;
} verify_and_load_loop_h_ret;
verify_and_load_loop_h_ret verify_and_load_loop_h(hm_z n, hm_z vmid, hm_z load_idx,
						  const hm_rdata *adt);

/* kvm_phys_addr_ioremap_loop_h n vmid gpa pa adt = option (gpa', pa', adt') */
typedef struct kvm_phys_addr_ioremap_loop_h_ret {
	hm_sres r;
	hm_z gpa;
	hm_z pa;
} kvm_phys_addr_ioremap_loop_h_ret;
kvm_phys_addr_ioremap_loop_h_ret kvm_phys_addr_ioremap_loop_h(hm_z n, hm_z vmid, hm_z gpa,
							      hm_z pa, const hm_rdata *adt);

/* grant_stage2_loop / revoke_stage2_loop n vmid addr adt = option (addr', adt') */
typedef struct stage2_loop_ret {
	hm_sres r;
	hm_z addr;
} stage2_loop_ret;
stage2_loop_ret grant_stage2_loop(hm_z n, hm_z vmid, hm_z addr, const hm_rdata *adt);
stage2_loop_ret revoke_stage2_loop(hm_z n, hm_z vmid, hm_z addr, const hm_rdata *adt);

/* vm_exit_dispatcher_spec_h vmid vcpuid adt = option (adt', ret): the
 * hm_sres carries ret. */
hm_sres vm_exit_dispatcher_spec_h(const hm_rdata *adt, hm_z vmid, hm_z vcpuid);

/* prep_hvc_spec_h vmid vcpuid adt = option adt' */
hm_sres prep_hvc_spec_h(const hm_rdata *adt, hm_z vmid, hm_z vcpuid);

/* The definitions above that take an adt, as ops (see the table). */
extern const hm_op_def hm_ops_trap_aux[];
extern const size_t hm_ops_trap_aux_count;

#endif
