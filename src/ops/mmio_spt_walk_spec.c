/* MmioSPTWalkSpec.md: local_spt_map. */
#include "mmio_spt_walk_spec.h"

#include "constants.h"
#include "spec.h"

/* MmioSPTWalkSpec: local_spt_map
 * The entry at gfn is read and ignored ((pfn0, pte0) are unused): the
 * mapping is written whatever was there. */
bool local_spt_map(hm_z cbndx, hm_z index, hm_z addr, hm_z pte, const hm_spt *spt, bool *halt_out,
		   const hm_spt **spt_out)
{
	hm_z gfn = z_div(addr, PAGE_SIZE);
	hm_z pfn = z_div(phys_page(pte), PAGE_SIZE);
	hm_z ttbr = SMMU_TTBR(index, cbndx);
	const hm_map *pt = hm_map_get_map(spt->spt_pt, ttbr);
	hm_z pgd = stage2_pgd_index(addr), pmd = pmd_index(addr);
	hm_z pgd_next_ = hm_map2_get_bool(spt->spt_pgd_t, ttbr, pgd) ? spt->spt_pgd_next
								     : spt->spt_pgd_next + PAGE_SIZE;
	hm_z pmd_next_ = hm_map3_get_bool(spt->spt_pmd_t, ttbr, pgd, pmd)
				 ? spt->spt_pmd_next
				 : spt->spt_pmd_next + PAGE_SIZE;
	if (pgd_next_ <= SMMU_PMD_START && pmd_next_ <= SMMU_POOL_END) {
		COV("pool space left: map");
		hm_z2 e = {pfn, pte};
		hm_spt *s = spt_edit(spt);
		SETP(s, spt_pt, hm_map_set_ptr(spt->spt_pt, ttbr, hm_map_set(pt, gfn, &e)));
		SETP(s, spt_pgd_t, hm_map2_set_bool(spt->spt_pgd_t, ttbr, pgd, true));
		SETP(s, spt_pmd_t, hm_map3_set_bool(spt->spt_pmd_t, ttbr, pgd, pmd, true));
		s->spt_pgd_next = pgd_next_;
		s->spt_pmd_next = pmd_next_;
		*halt_out = false;
		*spt_out = s;
		return true;
	}
	COV("pool exhausted: halt");
	*halt_out = true;
	*spt_out = spt;
	return true;
}
