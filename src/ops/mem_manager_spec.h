/* The high level of MemManager (seed MemManagerSpec.md, Section
 * MemManagerSpec): the ten `_spec` definitions, each a function of the
 * CPU's view and its arguments in Coq order (Z64 arguments as plain Z). */
#ifndef HM_MEM_MANAGER_SPEC_H
#define HM_MEM_MANAGER_SPEC_H

#include "spec.h"

hm_sres map_page_host_spec(const hm_rdata *adt, hm_z addr);
hm_sres clear_vm_page_spec(const hm_rdata *adt, hm_z vmid, hm_z pfn);
hm_sres assign_pfn_to_vm_spec(const hm_rdata *adt, hm_z vmid, hm_z gfn, hm_z pfn);
hm_sres map_pfn_vm_spec(const hm_rdata *adt, hm_z vmid, hm_z addr, hm_z pte, hm_z level);
hm_sres map_vm_io_spec(const hm_rdata *adt, hm_z vmid, hm_z gpa, hm_z pa);
hm_sres grant_vm_page_spec(const hm_rdata *adt, hm_z vmid, hm_z pfn);
hm_sres revoke_vm_page_spec(const hm_rdata *adt, hm_z vmid, hm_z pfn);
hm_sres assign_pfn_to_smmu_spec(const hm_rdata *adt, hm_z vmid, hm_z gfn, hm_z pfn);
hm_sres update_smmu_page_spec(const hm_rdata *adt, hm_z vmid, hm_z cbndx, hm_z index, hm_z iova,
			      hm_z pte);
hm_sres unmap_smmu_page_spec(const hm_rdata *adt, hm_z cbndx, hm_z index, hm_z iova);

/* The op table of these definitions (names without _spec). */
extern const hm_op_def hm_ops_mem_manager[];
extern const size_t hm_ops_mem_manager_count;

#endif
