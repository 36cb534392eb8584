/* The pure page-table helpers of NPTWalkSpec.md (VRM sekvm_layers) that
 * the MemManager specs call: local_mmap_loop and local_mmap, the abstract
 * NPT update (high-level view: pt, pgd_t/pud_t/pmd_t and the pool
 * cursors). */
#ifndef HM_NPT_WALK_SPEC_H
#define HM_NPT_WALK_SPEC_H

#include <stdbool.h>

#include "state.h"

/* NPTWalkSpec: local_mmap_loop n gfn pfn level pte pt'.
 * Some (gfn + n, pfn + n, pt' with gfn + i -> (pfn + i, level, pte) for
 * i < n): returns true and fills the outputs (any of them may be NULL);
 * the Coq never yields None. n is the nat (negative counts as 0). */
bool local_mmap_loop(hm_z n, hm_z gfn, hm_z pfn, hm_z level, hm_z pte, const hm_map *pt,
		     hm_z *gfn_out, hm_z *pfn_out, const hm_map **pt_out);

/* NPTWalkSpec: local_mmap vmid addr level pte npt : option (bool * NPT).
 * false for None; otherwise true with *halt_out and *npt_out (autoreleased
 * or npt itself) set. */
bool local_mmap(hm_z vmid, hm_z addr, hm_z level, hm_z pte, const hm_npt *npt, bool *halt_out,
		const hm_npt **npt_out);

#endif
