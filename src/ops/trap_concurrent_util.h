/* Small helpers shared by the trap_concurrent_*.c files: the Coq map
 * updates on Shared that the `local_*` definitions repeat. Each returns a
 * new map (autoreleased); none writes to its input. */
#ifndef HM_TRAP_CONCURRENT_UTIL_H
#define HM_TRAP_CONCURRENT_UTIL_H

#include "trap_handler_concurrent.h"

/* (hlock sdt) # id == v */
static inline hm_map *tc_hlock_set(const hm_map *hlock, hm_z id, bool v)
{
	return hm_map_set_bool(hlock, id, v);
}

/* (npts sdt) # vmid == npt' */
static inline hm_map *tc_npts_set(const hm_map *npts, hm_z vmid, const hm_npt *npt)
{
	return hm_map_set_ptr(npts, vmid, npt);
}

/* (vminfos sdt) # vmid == info' */
static inline hm_map *tc_vminfos_set(const hm_map *vminfos, hm_z vmid, const hm_vminfo *info)
{
	return hm_map_set_ptr(vminfos, vmid, info);
}

/* s2p # pfn == page */
static inline hm_map *tc_s2p_set(const hm_map *s2p, hm_z pfn, hm_s2page page)
{
	return hm_map_set(s2p, pfn, &page);
}

/* mkS2Page owner count gfn */
static inline hm_s2page tc_mkS2Page(hm_z owner, hm_z count, hm_z gfn)
{
	return (hm_s2page){.s2_owner = owner, .s2_count = count, .s2_gfn = gfn};
}

#endif
