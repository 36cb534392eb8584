/* NPTOpsSpec.md, Section NPTOpsSpec: the stage-2 page table operations of
 * a VM taken as one atomic step each: take the NPT lock of the VM (pull
 * the other CPUs' NPT), read or update the table, and release the lock
 * with a snapshot of the table (unless the update halts the machine, in
 * which case the lock stays held). */
#ifndef HM_NPT_OPS_SPEC_H
#define HM_NPT_OPS_SPEC_H

#include "spec.h"

/* NPTOpsSpec: get_level_s2pt_spec : option (RData * Z), the level in ret */
hm_sres get_level_s2pt_spec(const hm_rdata *adt, hm_z vmid, hm_z addr);
/* NPTOpsSpec: walk_s2pt_spec : option (RData * Z64), the pte in ret */
hm_sres walk_s2pt_spec(const hm_rdata *adt, hm_z vmid, hm_z addr);
/* NPTOpsSpec: map_s2pt_spec */
hm_sres map_s2pt_spec(const hm_rdata *adt, hm_z vmid, hm_z addr, hm_z level, hm_z pte);
/* NPTOpsSpec: clear_pfn_host_spec */
hm_sres clear_pfn_host_spec(const hm_rdata *adt, hm_z pfn);

#endif
