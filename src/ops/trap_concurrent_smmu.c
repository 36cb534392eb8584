/* TrapHandlerSpec (seed), Section ConcurrentSpec: the atomic steps on the
 * SMMU: which VM owns a context bank (smmu_vmid), its page tables (spts)
 * and the pages it maps (s2page, the host NPT). */
#include "trap_concurrent_util.h"

/* sdt {hlock: h} */
static hm_shared *with_hlock(const hm_shared *sdt, const hm_map *h)
{
	hm_shared *s = sh_edit(sdt);
	SETP(s, hlock, h);
	return s;
}

/* ((hlock sdt) # SMMU_ID == false) # (INFO_ID + vmid) == false */
static hm_map *release_smmu_info(const hm_shared *sdt, hm_z vmid)
{
	return tc_hlock_set(tc_hlock_set(sdt->hlock, SMMU_ID, false), INFO_ID + vmid, false);
}

/* TrapHandlerSpec: local_free_smmu_pgd */
local_free_smmu_pgd_ret local_free_smmu_pgd(hm_z cbndx, hm_z index, const hm_shared *sdt)
{
	hm_z vmid = hm_map_get_z(sdt->smmu_vmid, smmu_id(index, cbndx));
	if (vmid == INVALID) {
		COV("vmid =? INVALID: true");
		return (local_free_smmu_pgd_ret){sdt, false, true, sdt->smmu_vmid, false, NULL};
	}
	COV("vmid =? INVALID: false");
	const hm_vminfo *info = vminfo_at(sdt->vminfos, vmid);
	if (info->VS.vm_state == POWEROFF) {
		COV("vm_state =? POWEROFF: true");
		hm_map *smmu_ = hm_map_set_z(sdt->smmu_vmid, smmu_id(index, cbndx), INVALID);
		hm_shared *s = sh_edit(sdt);
		SETP(s, smmu_vmid, smmu_);
		return (local_free_smmu_pgd_ret){s, false, true, smmu_, true, info};
	}
	COV("vm_state =? POWEROFF: false");
	return (local_free_smmu_pgd_ret){with_hlock(sdt, tc_hlock_set(sdt->hlock, SMMU_ID, false)),
					 true, true, sdt->smmu_vmid, true, info};
}

/* TrapHandlerSpec: local_alloc_smmu_pgd */
local_alloc_smmu_pgd_ret local_alloc_smmu_pgd(hm_z cbndx, hm_z vmid, hm_z index, hm_z num,
					      const hm_shared *sdt)
{
	if (cbndx < num) {
		COV("cbndx <? num: true");
		hm_z target = hm_map_get_z(sdt->smmu_vmid, smmu_id(index, cbndx));
		if (target == INVALID) {
			COV("target =? INVALID: true");
			const hm_vminfo *info = vminfo_at(sdt->vminfos, vmid);
			hm_z state = info->VS.vm_state;
			if (is_vm(vmid) && state == VERIFIED) {
				COV("is_vm vmid && state =? VERIFIED: true");
				return (local_alloc_smmu_pgd_ret){
					with_hlock(sdt, release_smmu_info(sdt, vmid)), true, true,
					sdt->smmu_vmid, true, info, false, NULL};
			}
			COV("is_vm vmid && state =? VERIFIED: false");
			hm_map *smmu_ = hm_map_set_z(sdt->smmu_vmid, smmu_id(index, cbndx), vmid);
			hm_z ttbr = SMMU_TTBR(index, cbndx);
			const hm_spt *spt = sdt->spts;
			/* ZMap.init (0, 0), ZMap.init false, ZMap.init (ZMap.init false) */
			hm_z2 zero2 = {0, 0};
			const hm_map *init_pt = hm_map_new(&hm_t_map_z2, &zero2);
			const hm_map *init_pgd = hm_map_new_bool(false);
			const hm_map *init_bool = hm_map_new_bool(false);
			const hm_map *init_pmd = hm_map_new(&hm_t_map_map_bool, &init_bool);
			hm_spt *spt_ = spt_edit(spt);
			SETP(spt_, spt_pt, hm_map_set_ptr(spt->spt_pt, ttbr, init_pt));
			SETP(spt_, spt_pgd_t, hm_map_set_ptr(spt->spt_pgd_t, ttbr, init_pgd));
			SETP(spt_, spt_pmd_t, hm_map_set_ptr(spt->spt_pmd_t, ttbr, init_pmd));
			hm_shared *s = sh_edit(sdt);
			SETP(s, smmu_vmid, smmu_);
			SETP(s, spts, spt_);
			return (local_alloc_smmu_pgd_ret){s, false, true, smmu_, true, info, true, spt_};
		}
		COV("target =? INVALID: false");
		return (local_alloc_smmu_pgd_ret){sdt, false, true, sdt->smmu_vmid, false, NULL,
						  false, NULL};
	}
	COV("cbndx <? num: false");
	return (local_alloc_smmu_pgd_ret){with_hlock(sdt, tc_hlock_set(sdt->hlock, SMMU_ID, false)),
					  true, true, sdt->smmu_vmid, false, NULL, false, NULL};
}

/* TrapHandlerSpec: local_smmu_assign_page */
local_smmu_assign_page_ret local_smmu_assign_page(hm_z cbndx, hm_z index, hm_z pfn, hm_z gfn,
						  const hm_shared *sdt)
{
	const hm_map *smmu = sdt->smmu_vmid;
	hm_z vmid = hm_map_get_z(sdt->smmu_vmid, smmu_id(index, cbndx));
	const hm_vminfo *info = vminfo_at(sdt->vminfos, vmid);
	const hm_map *s2p = sdt->s2page;
	const hm_npt *npt = npt_at(sdt->npts, HOSTVISOR);
	if (vmid == INVALID) {
		COV("vmid =? INVALID: true");
		return (local_smmu_assign_page_ret){sdt, false, true, smmu, false, NULL,
						    false, NULL, false, NULL};
	}
	COV("vmid =? INVALID: false");
	hm_z state = info->VS.vm_state;
	if (is_vm(vmid)) {
		COV("is_vm vmid: true");
		if (state == VERIFIED) {
			COV("state =? VERIFIED: true");
			return (local_smmu_assign_page_ret){
				with_hlock(sdt, release_smmu_info(sdt, vmid)), true, true, smmu,
				true, info, false, NULL, false, NULL};
		}
		COV("state =? VERIFIED: false");
		const hm_s2page *page = s2page_at(s2p, pfn);
		if (page->s2_owner == HOSTVISOR) {
			COV("s2_owner page =? HOSTVISOR: true");
			if (page->s2_count == 0) {
				COV("s2_count page =? 0: true");
				/* the count becomes INVALID: the page is now the VM's via the SMMU */
				hm_map *s2p_ = tc_s2p_set(s2p, pfn, tc_mkS2Page(vmid, INVALID, gfn));
				hm_z pte = z3_at(npt->pt, pfn)->c;
				local_mmap_h_ret m;
				if (pte == 0) {
					COV("pte =? 0: true");
					m = (local_mmap_h_ret){false, npt};
				} else {
					COV("pte =? 0: false");
					m = local_mmap_h(HOSTVISOR, pfn * PAGE_SIZE, 3, PAGE_GUEST, npt);
				}
				hm_shared *s = sh_edit(sdt);
				if (m.halt) {
					COV("halt': true");
					hm_map *h = release_smmu_info(sdt, vmid);
					h = tc_hlock_set(h, S2PAGE_ID, false);
					h = tc_hlock_set(h, NPT_ID, false);
					SETP(s, hlock, h);
					SETP(s, npts, tc_npts_set(sdt->npts, HOSTVISOR, m.npt));
					return (local_smmu_assign_page_ret){s, true, true, smmu, true, info,
									    true, s2p, true, m.npt};
				}
				COV("halt': false");
				SETP(s, npts, tc_npts_set(sdt->npts, HOSTVISOR, m.npt));
				SETP(s, s2page, s2p_);
				return (local_smmu_assign_page_ret){s, false, true, smmu, true, info,
								    true, s2p_, true, m.npt};
			}
			COV("s2_count page =? 0: false");
			return (local_smmu_assign_page_ret){
				with_hlock(sdt, tc_hlock_set(release_smmu_info(sdt, vmid), S2PAGE_ID,
							     false)),
				true, true, smmu, true, info, true, s2p, false, NULL};
		}
		COV("s2_owner page =? HOSTVISOR: false");
		if (page->s2_owner == vmid) {
			COV("s2_owner page =? vmid: true");
			return (local_smmu_assign_page_ret){sdt, false, true, smmu, true, info,
							    true, s2p, false, NULL};
		}
		COV("s2_owner page =? vmid: false");
		return (local_smmu_assign_page_ret){
			with_hlock(sdt, tc_hlock_set(release_smmu_info(sdt, vmid), S2PAGE_ID, false)),
			true, true, smmu, true, info, true, s2p, false, NULL};
	}
	COV("is_vm vmid: false");
	return (local_smmu_assign_page_ret){sdt, false, true, smmu, true, info, false, NULL,
					    false, NULL};
}

/* TrapHandlerSpec: local_smmu_map_page */
local_smmu_map_page_ret local_smmu_map_page(hm_z cbndx, hm_z index, hm_z iova, hm_z pte,
					    const hm_shared *sdt)
{
	const hm_map *smmu = sdt->smmu_vmid;
	hm_z vmid = hm_map_get_z(smmu, smmu_id(index, cbndx));
	const hm_vminfo *info = vminfo_at(sdt->vminfos, vmid);
	const hm_map *s2p = sdt->s2page;
	const hm_spt *spt = sdt->spts;
	if (vmid == INVALID) {
		COV("vmid =? INVALID: true");
		return (local_smmu_spt_ret){sdt, false, true, smmu, false, NULL, false, NULL,
					    false, NULL};
	}
	COV("vmid =? INVALID: false");
	hm_z state = info->VS.vm_state;
	if (is_vm(vmid) && state == VERIFIED) {
		COV("is_vm vmid && state =? VERIFIED: true");
		return (local_smmu_spt_ret){with_hlock(sdt, release_smmu_info(sdt, vmid)), true,
					    true, smmu, true, info, false, NULL, false, NULL};
	}
	COV("is_vm vmid && state =? VERIFIED: false");
	hm_z pfn = z_div(phys_page(pte), PAGE_SIZE);
	hm_z gfn = z_div(iova, PAGE_SIZE);
	const hm_s2page *page = s2page_at(s2p, pfn);
	if (vmid == page->s2_owner && gfn == page->s2_gfn) {
		COV("vmid =? s2_owner page && gfn =? s2_gfn page: true");
		local_spt_map_h_ret m = local_spt_map_h(cbndx, index, iova, pte, spt);
		hm_shared *s = sh_edit(sdt);
		if (m.halt) {
			COV("halt': true");
			hm_map *h = release_smmu_info(sdt, vmid);
			h = tc_hlock_set(h, S2PAGE_ID, false);
			h = tc_hlock_set(h, SPT_ID, false);
			SETP(s, hlock, h);
			SETP(s, spts, m.spt);
			return (local_smmu_spt_ret){s, true, true, smmu, true, info, true, s2p,
						    true, m.spt};
		}
		COV("halt': false");
		const hm_map *s2p_;
		if (page->s2_owner == HOSTVISOR && page->s2_count < EL2_SMMU_CFG_SIZE) {
			COV("owner HOSTVISOR && count < EL2_SMMU_CFG_SIZE: true");
			hm_s2page p = *page;
			p.s2_count = page->s2_count + 1;
			s2p_ = tc_s2p_set(s2p, pfn, p);
		} else {
			COV("owner HOSTVISOR && count < EL2_SMMU_CFG_SIZE: false");
			s2p_ = s2p;
		}
		SETP(s, s2page, s2p_);
		SETP(s, spts, m.spt);
		return (local_smmu_spt_ret){s, false, true, smmu, true, info, true, s2p_, true, m.spt};
	}
	COV("vmid =? s2_owner page && gfn =? s2_gfn page: false");
	return (local_smmu_spt_ret){
		with_hlock(sdt, tc_hlock_set(release_smmu_info(sdt, vmid), S2PAGE_ID, false)), true,
		true, smmu, true, info, true, s2p, false, NULL};
}

/* TrapHandlerSpec: local_smmu_clear */
local_smmu_clear_ret local_smmu_clear(hm_z iova, hm_z cbndx, hm_z index, const hm_shared *sdt)
{
	const hm_map *smmu = sdt->smmu_vmid;
	hm_z vmid = hm_map_get_z(smmu, smmu_id(index, cbndx));
	const hm_vminfo *info = vminfo_at(sdt->vminfos, vmid);
	const hm_map *s2p = sdt->s2page;
	const hm_spt *spt = sdt->spts;
	if (vmid == INVALID) {
		COV("vmid =? INVALID: true");
		return (local_smmu_spt_ret){sdt, false, true, smmu, false, NULL, false, NULL,
					    false, NULL};
	}
	COV("vmid =? INVALID: false");
	hm_z state = info->VS.vm_state;
	if (is_vm(vmid) && state >= VERIFIED) {
		COV("is_vm vmid && state >=? VERIFIED: true");
		return (local_smmu_spt_ret){with_hlock(sdt, release_smmu_info(sdt, vmid)), true,
					    true, smmu, true, info, false, NULL, false, NULL};
	}
	COV("is_vm vmid && state >=? VERIFIED: false");
	hm_z ttbr = SMMU_TTBR(index, cbndx);
	const hm_map *pt = hm_map_get_map(spt->spt_pt, ttbr);
	hm_z gfn = z_div(iova, PAGE_SIZE);
	hm_z pte = z2_at(pt, gfn)->b;
	local_spt_map_h_ret m;
	if (pte == 0) {
		COV("pte =? 0: true");
		m = (local_spt_map_h_ret){false, spt};
	} else {
		COV("pte =? 0: false");
		m = local_spt_map_h(cbndx, index, iova, 0, spt);
	}
	hm_shared *s = sh_edit(sdt);
	if (m.halt) {
		COV("halt': true");
		hm_map *h = release_smmu_info(sdt, vmid);
		h = tc_hlock_set(h, S2PAGE_ID, false);
		h = tc_hlock_set(h, SPT_ID, false);
		SETP(s, hlock, h);
		SETP(s, spts, m.spt);
		return (local_smmu_spt_ret){s, true, true, smmu, true, info, true, s2p, true, m.spt};
	}
	COV("halt': false");
	/* pte 0 (nothing mapped) gives pfn0 = 0: page 0's count is looked at too */
	hm_z pfn0 = z_div(phys_page(pte), PAGE_SIZE);
	const hm_s2page *page = s2page_at(s2p, pfn0);
	const hm_map *s2p_;
	if (page->s2_owner == HOSTVISOR && page->s2_count > 0) {
		COV("owner HOSTVISOR && count > 0: true");
		hm_s2page p = *page;
		p.s2_count = page->s2_count - 1;
		s2p_ = tc_s2p_set(s2p, pfn0, p);
	} else {
		COV("owner HOSTVISOR && count > 0: false");
		s2p_ = s2p;
	}
	SETP(s, s2page, s2p_);
	SETP(s, spts, m.spt);
	return (local_smmu_spt_ret){s, false, true, smmu, true, info, true, s2p_, true, m.spt};
}
