/* NPTWalkSpec.md: local_mmap_loop and local_mmap. */
#include "npt_walk_spec.h"

#include "constants.h"
#include "spec.h"

/* NPTWalkSpec: local_mmap_loop
 * The Fixpoint recurses on n first and then sets entry gfn' of the
 * result, so unfolding it sets gfn, gfn + 1, ... gfn + n - 1 in that
 * order; the loop below does the same without recursion (level 2 maps
 * PTRS_PER_PMD = 512 entries). The pte is the same in every entry; only
 * the pfn advances. */
bool local_mmap_loop(hm_z n, hm_z gfn, hm_z pfn, hm_z level, hm_z pte, const hm_map *pt,
		     hm_z *gfn_out, hm_z *pfn_out, const hm_map **pt_out)
{
	hm_z count = z_to_nat(n);
	/* The intermediate maps die with the nested pool; only the last one
	 * is kept (and handed to the caller's pool). */
	hm_pool *pool = hm_pool_push();
	const hm_map *acc = pt;
	hm_z g = gfn, p = pfn;
	for (hm_z i = 0; i < count; i++) {
		hm_z3 e = {p, level, pte};
		acc = hm_map_set(acc, g, &e);
		g += 1;
		p += 1;
	}
	hm_retain(acc);
	hm_pool_pop(pool);
	hm_autorelease(acc);
	if (gfn_out)
		*gfn_out = g;
	if (pfn_out)
		*pfn_out = p;
	if (pt_out)
		*pt_out = acc;
	return true;
}

/* NPTWalkSpec: local_mmap */
bool local_mmap(hm_z vmid, hm_z addr, hm_z level, hm_z pte, const hm_npt *npt, bool *halt_out,
		const hm_npt **npt_out)
{
	hm_z pgd = pgd_index(addr), pud = pud_index(addr), pmd = pmd_index(addr);
	if (level == 2) {
		COV("level =? 2: true");
		hm_z gfn = z_div(z_div(addr, PAGE_SIZE), PTRS_PER_PMD) * PTRS_PER_PMD;
		hm_z pfn = z_div(phys_page(pte), PAGE_SIZE);
		if (pmd_table(pte) == PMD_TYPE_TABLE) {
			COV("level 2: pmd_table pte =? PMD_TYPE_TABLE: None");
			return false;
		}
		hm_z pgd_next_ = hm_map_get_bool(npt->pgd_t, pgd) ? npt->pt_pgd_next
								  : npt->pt_pgd_next + PAGE_SIZE;
		hm_z pud_next_ = hm_map2_get_bool(npt->pud_t, pgd, pud)
					 ? npt->pt_pud_next
					 : npt->pt_pud_next + PAGE_SIZE;
		if (pgd_next_ <= pud_start(vmid) && pud_next_ <= pmd_start(vmid)) {
			COV("level 2: pool space left: map 512 entries");
			const hm_map *pt_;
			if (!local_mmap_loop(PTRS_PER_PMD, gfn, pfn, 2, pte, npt->pt, NULL, NULL,
					     &pt_))
				return false;
			hm_npt *n = npt_edit(npt);
			SETP(n, pt, pt_);
			SETP(n, pgd_t, hm_map_set_bool(npt->pgd_t, pgd, true));
			SETP(n, pud_t, hm_map2_set_bool(npt->pud_t, pgd, pud, true));
			SETP(n, pmd_t, hm_map3_set_bool(npt->pmd_t, pgd, pud, pmd, false));
			n->pt_pgd_next = pgd_next_;
			n->pt_pud_next = pud_next_;
			*halt_out = false;
			*npt_out = n;
			return true;
		}
		COV("level 2: pool exhausted: halt");
		*halt_out = true;
		*npt_out = npt;
		return true;
	}
	COV("level =? 2: false");
	hm_z gfn = z_div(addr, PAGE_SIZE);
	hm_z pfn = z_div(phys_page(pte), PAGE_SIZE);
	const hm_z3 *e = z3_at(npt->pt, gfn); /* (pfn0, level0, pte0) */
	if (e->b == 2) {
		COV("level0 =? 2: halt");
		*halt_out = true;
		*npt_out = npt;
		return true;
	}
	hm_z pgd_next_ = hm_map_get_bool(npt->pgd_t, pgd) ? npt->pt_pgd_next
							  : npt->pt_pgd_next + PAGE_SIZE;
	hm_z pud_next_ = hm_map2_get_bool(npt->pud_t, pgd, pud) ? npt->pt_pud_next
								 : npt->pt_pud_next + PAGE_SIZE;
	hm_z pmd_next_ = hm_map3_get_bool(npt->pmd_t, pgd, pud, pmd)
				 ? npt->pt_pmd_next
				 : npt->pt_pmd_next + PAGE_SIZE;
	if (pgd_next_ <= pud_start(vmid) && pud_next_ <= pmd_start(vmid) &&
	    pmd_next_ <= pool_end(vmid)) {
		COV("level 3: pool space left: map 1 entry");
		const hm_map *pt_;
		if (!local_mmap_loop(1, gfn, pfn, 3, pte, npt->pt, NULL, NULL, &pt_))
			return false;
		hm_npt *n = npt_edit(npt);
		SETP(n, pt, pt_);
		SETP(n, pgd_t, hm_map_set_bool(npt->pgd_t, pgd, true));
		SETP(n, pud_t, hm_map2_set_bool(npt->pud_t, pgd, pud, true));
		SETP(n, pmd_t, hm_map3_set_bool(npt->pmd_t, pgd, pud, pmd, true));
		n->pt_pgd_next = pgd_next_;
		n->pt_pud_next = pud_next_;
		n->pt_pmd_next = pmd_next_;
		*halt_out = false;
		*npt_out = n;
		return true;
	}
	COV("level 3: pool exhausted: halt");
	*halt_out = true;
	*npt_out = npt;
	return true;
}
