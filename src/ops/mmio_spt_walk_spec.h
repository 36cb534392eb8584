/* The pure SMMU page-table helper of MmioSPTWalkSpec.md (VRM
 * sekvm_layers) that the MemManager specs call: local_spt_map. */
#ifndef HM_MMIO_SPT_WALK_SPEC_H
#define HM_MMIO_SPT_WALK_SPEC_H

#include <stdbool.h>

#include "state.h"

/* MmioSPTWalkSpec: local_spt_map cbndx index addr pte spt :
 * option (bool * SPT). false for None (the Coq never yields it);
 * otherwise true with *halt_out and *spt_out (autoreleased or spt) set. */
bool local_spt_map(hm_z cbndx, hm_z index, hm_z addr, hm_z pte, const hm_spt *spt, bool *halt_out,
		   const hm_spt **spt_out);

#endif
