/* MmioSPTOpsSpec.md, Section MmioSPTOpsSpec: the SMMU page table
 * operations, each one atomic step under the SPT lock: pull the other
 * CPUs' SPT, read or update it, release the lock with a snapshot (unless
 * the update halts, which keeps the lock held). */
#ifndef HM_MMIO_SPT_OPS_SPEC_H
#define HM_MMIO_SPT_OPS_SPEC_H

#include "spec.h"

/* MmioSPTOpsSpec: init_spt_spec */
hm_sres init_spt_spec(const hm_rdata *adt, hm_z cbndx, hm_z index);
/* MmioSPTOpsSpec: walk_spt_spec : option (RData * Z64), the pte in ret */
hm_sres walk_spt_spec(const hm_rdata *adt, hm_z cbndx, hm_z index, hm_z addr);
/* MmioSPTOpsSpec: map_spt_spec */
hm_sres map_spt_spec(const hm_rdata *adt, hm_z cbndx, hm_z index, hm_z addr, hm_z pte);
/* MmioSPTOpsSpec: unmap_spt_spec : option (RData * Z64), the old pte in ret */
hm_sres unmap_spt_spec(const hm_rdata *adt, hm_z cbndx, hm_z index, hm_z addr);

#endif
