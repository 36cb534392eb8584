/* The low level of MemManager (seed MemManagerSpec.md, Section
 * MemManagerSpecLow): the ten `_spec0` definitions, written as the C code
 * of MemManager is, on top of the lock, page-manager, NPT and SPT
 * operations of the layers below. Arguments in Coq order (Z64 as Z). */
#ifndef HM_MEM_MANAGER_SPEC0_H
#define HM_MEM_MANAGER_SPEC0_H

#include "spec.h"

hm_sres map_page_host_spec0(const hm_rdata *adt, hm_z addr);
hm_sres clear_vm_page_spec0(const hm_rdata *adt, hm_z vmid, hm_z pfn);
hm_sres assign_pfn_to_vm_spec0(const hm_rdata *adt, hm_z vmid, hm_z gfn, hm_z pfn);
hm_sres map_pfn_vm_spec0(const hm_rdata *adt, hm_z vmid, hm_z addr, hm_z pte, hm_z level);
hm_sres map_vm_io_spec0(const hm_rdata *adt, hm_z vmid, hm_z gpa, hm_z pa);
hm_sres grant_vm_page_spec0(const hm_rdata *adt, hm_z vmid, hm_z pfn);
hm_sres revoke_vm_page_spec0(const hm_rdata *adt, hm_z vmid, hm_z pfn);
hm_sres assign_pfn_to_smmu_spec0(const hm_rdata *adt, hm_z vmid, hm_z gfn, hm_z pfn);
hm_sres update_smmu_page_spec0(const hm_rdata *adt, hm_z vmid, hm_z cbndx, hm_z index,
			       hm_z iova, hm_z pte);
hm_sres unmap_smmu_page_spec0(const hm_rdata *adt, hm_z cbndx, hm_z index, hm_z iova);

/* Op-table entries (`.low` of hm_ops_mem_manager): the arguments in the
 * order of the table's `args`, which is the Coq parameter order. */
hm_sres hm_op_map_page_host_spec0(const hm_rdata *adt, const hm_z *args);
hm_sres hm_op_clear_vm_page_spec0(const hm_rdata *adt, const hm_z *args);
hm_sres hm_op_assign_pfn_to_vm_spec0(const hm_rdata *adt, const hm_z *args);
hm_sres hm_op_map_pfn_vm_spec0(const hm_rdata *adt, const hm_z *args);
hm_sres hm_op_map_vm_io_spec0(const hm_rdata *adt, const hm_z *args);
hm_sres hm_op_grant_vm_page_spec0(const hm_rdata *adt, const hm_z *args);
hm_sres hm_op_revoke_vm_page_spec0(const hm_rdata *adt, const hm_z *args);
hm_sres hm_op_assign_pfn_to_smmu_spec0(const hm_rdata *adt, const hm_z *args);
hm_sres hm_op_update_smmu_page_spec0(const hm_rdata *adt, const hm_z *args);
hm_sres hm_op_unmap_smmu_page_spec0(const hm_rdata *adt, const hm_z *args);

#endif
