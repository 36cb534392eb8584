/* The small records of RData.md, stored inline wherever they appear. */
#ifndef HM_VALUES_H
#define HM_VALUES_H

#include "z.h"

/* Record Memblock */
typedef struct hm_memblock {
	hm_z mb_base, mb_size, mb_flag, mb_index;
} hm_memblock;

/* Record CoreData */
typedef struct hm_core_data {
	hm_z next_vmid, next_remap_ptr;
} hm_core_data;

/* Record S2Page */
typedef struct hm_s2page {
	hm_z s2_owner, s2_count, s2_gfn;
} hm_s2page;

/* NPT.pt entries: (pfn, level, pte); SPT.spt_pt entries: (pfn, pte). */
typedef struct hm_z3 {
	hm_z a, b, c;
} hm_z3;
typedef struct hm_z2 {
	hm_z a, b;
} hm_z2;

#endif
