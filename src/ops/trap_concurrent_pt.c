/* TrapHandlerSpec (seed), Section HighPTSpec: the abstract page-table
 * updates the `local_*` steps use. NPT.pt maps a gfn to (pfn, level, pte);
 * the pgd_t/pud_t/pmd_t maps say which table pages exist, and the
 * pt_*_next counters stand for the pool allocation of the low level. */
#include "trap_handler_concurrent.h"

/* TrapHandlerSpec: local_mmap_loop_h
 * The Fixpoint recurses first and sets after, so step i (0-based, from
 * the innermost call) sets gfn+i to (pfn+i, level, pte); the keys are
 * distinct, so the ascending loop below gives the same map. Iterative:
 * n comes from data (PTRS_PER_PMD at most in the seed, but any nat). */
local_mmap_loop_h_ret local_mmap_loop_h(hm_z n, hm_z gfn, hm_z pfn, hm_z level, hm_z pte,
					const hm_map *pt)
{
	hm_z count = z_to_nat(n);
	for (hm_z i = 0; i < count; i++) {
		hm_z3 e = {pfn + i, level, pte};
		pt = hm_map_set(pt, gfn + i, &e);
	}
	return (local_mmap_loop_h_ret){.gfn = gfn + count, .pfn = pfn + count, .pt = pt};
}

/* TrapHandlerSpec: local_mmap_h */
local_mmap_h_ret local_mmap_h(hm_z vmid, hm_z addr, hm_z level, hm_z pte, const hm_npt *npt)
{
	hm_z pgd = pgd_index(addr), pud = pud_index(addr), pmd = pmd_index(addr);
	if (level == 2) {
		COV("level =? 2: true");
		hm_z gfn = z_div(z_div(addr, PAGE_SIZE), PTRS_PER_PMD) * PTRS_PER_PMD;
		hm_z pfn = z_div(phys_page(pte), PAGE_SIZE);
		hm_z pgd_next_ = hm_map_get_bool(npt->pgd_t, pgd) ? npt->pt_pgd_next
								  : npt->pt_pgd_next + PAGE_SIZE;
		hm_z pud_next_ = hm_map2_get_bool(npt->pud_t, pgd, pud) ? npt->pt_pud_next
									: npt->pt_pud_next + PAGE_SIZE;
		if (pgd_next_ <= pud_start(vmid) && pud_next_ <= pmd_start(vmid)) {
			COV("level 2: pool has room: true");
			local_mmap_loop_h_ret l =
				local_mmap_loop_h(z_to_nat(PTRS_PER_PMD), gfn, pfn, 2, pte, npt->pt);
			hm_npt *n = npt_edit(npt);
			SETP(n, pt, l.pt);
			SETP(n, pgd_t, hm_map_set_bool(npt->pgd_t, pgd, true));
			SETP(n, pud_t, hm_map2_set_bool(npt->pud_t, pgd, pud, true));
			/* a level-2 block: the pmd entry is not a table */
			SETP(n, pmd_t, hm_map3_set_bool(npt->pmd_t, pgd, pud, pmd, false));
			n->pt_pgd_next = pgd_next_;
			n->pt_pud_next = pud_next_;
			return (local_mmap_h_ret){.halt = false, .npt = n};
		}
		COV("level 2: pool has room: false");
		return (local_mmap_h_ret){.halt = true, .npt = npt};
	}
	COV("level =? 2: false");
	/* any level other than 2 maps a level-3 page */
	hm_z gfn = z_div(addr, PAGE_SIZE);
	hm_z pfn = z_div(phys_page(pte), PAGE_SIZE);
	const hm_z3 *old = z3_at(npt->pt, gfn);
	if (old->b == 2) {
		COV("level0 =? 2: true");
		return (local_mmap_h_ret){.halt = true, .npt = npt};
	}
	COV("level0 =? 2: false");
	hm_z pgd_next_ = hm_map_get_bool(npt->pgd_t, pgd) ? npt->pt_pgd_next
							  : npt->pt_pgd_next + PAGE_SIZE;
	hm_z pud_next_ = hm_map2_get_bool(npt->pud_t, pgd, pud) ? npt->pt_pud_next
								: npt->pt_pud_next + PAGE_SIZE;
	hm_z pmd_next_ = hm_map3_get_bool(npt->pmd_t, pgd, pud, pmd) ? npt->pt_pmd_next
								     : npt->pt_pmd_next + PAGE_SIZE;
	if (pgd_next_ <= pud_start(vmid) && pud_next_ <= pmd_start(vmid) &&
	    pmd_next_ <= pool_end(vmid)) {
		COV("level 3: pool has room: true");
		local_mmap_loop_h_ret l = local_mmap_loop_h(1, gfn, pfn, 3, pte, npt->pt);
		hm_npt *n = npt_edit(npt);
		SETP(n, pt, l.pt);
		SETP(n, pgd_t, hm_map_set_bool(npt->pgd_t, pgd, true));
		SETP(n, pud_t, hm_map2_set_bool(npt->pud_t, pgd, pud, true));
		SETP(n, pmd_t, hm_map3_set_bool(npt->pmd_t, pgd, pud, pmd, true));
		n->pt_pgd_next = pgd_next_;
		n->pt_pud_next = pud_next_;
		n->pt_pmd_next = pmd_next_;
		return (local_mmap_h_ret){.halt = false, .npt = n};
	}
	COV("level 3: pool has room: false");
	return (local_mmap_h_ret){.halt = true, .npt = npt};
}

/* TrapHandlerSpec: local_spt_map_h
 * spt_pt: ttbr -> gfn -> (pfn, pte); spt_pgd_t: ttbr -> pgd -> bool;
 * spt_pmd_t: ttbr -> pgd -> pmd -> bool. The old entry (pfn0, pte0) is
 * matched but unused in the Coq. */
local_spt_map_h_ret local_spt_map_h(hm_z cbndx, hm_z index, hm_z addr, hm_z pte,
				    const hm_spt *spt)
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
		COV("pool has room: true");
		hm_z2 e = {pfn, pte};
		hm_spt *s = spt_edit(spt);
		SETP(s, spt_pt, hm_map_set_ptr(spt->spt_pt, ttbr, hm_map_set(pt, gfn, &e)));
		SETP(s, spt_pgd_t, hm_map2_set_bool(spt->spt_pgd_t, ttbr, pgd, true));
		SETP(s, spt_pmd_t, hm_map3_set_bool(spt->spt_pmd_t, ttbr, pgd, pmd, true));
		s->spt_pgd_next = pgd_next_;
		s->spt_pmd_next = pmd_next_;
		return (local_spt_map_h_ret){.halt = false, .spt = s};
	}
	COV("pool has room: false");
	return (local_spt_map_h_ret){.halt = true, .spt = spt};
}
