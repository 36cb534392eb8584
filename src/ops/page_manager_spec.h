/* PageManagerSpec.md, Section PageManagerSpec: the fields of a physical
 * page's S2Page entry (owner, share count, guest frame), read and written
 * while the CPU holds the S2PAGE lock. Getters return the value in ret
 * and the state unchanged. */
#ifndef HM_PAGE_MANAGER_SPEC_H
#define HM_PAGE_MANAGER_SPEC_H

#include "spec.h"

/* PageManagerSpec: get_pfn_owner_spec (option Z) */
hm_sres get_pfn_owner_spec(const hm_rdata *adt, hm_z pfn);
/* PageManagerSpec: set_pfn_owner_spec */
hm_sres set_pfn_owner_spec(const hm_rdata *adt, hm_z pfn, hm_z vmid);
/* PageManagerSpec: get_pfn_count_spec (option Z) */
hm_sres get_pfn_count_spec(const hm_rdata *adt, hm_z pfn);
/* PageManagerSpec: set_pfn_count_spec */
hm_sres set_pfn_count_spec(const hm_rdata *adt, hm_z pfn, hm_z count);
/* PageManagerSpec: get_pfn_map_spec (option Z64) */
hm_sres get_pfn_map_spec(const hm_rdata *adt, hm_z pfn);
/* PageManagerSpec: set_pfn_map_spec */
hm_sres set_pfn_map_spec(const hm_rdata *adt, hm_z pfn, hm_z gfn);

#endif
