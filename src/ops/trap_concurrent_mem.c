/* TrapHandlerSpec (seed), Section ConcurrentSpec: the atomic steps on
 * memory ownership (s2page), the host and VM NPTs and flatmem. Each is a
 * total function of Shared; `halt` true means the step gave up and
 * released the locks it names in hlock. */
#include "trap_concurrent_util.h"

/* TrapHandlerSpec: local_map_host */
local_map_host_ret local_map_host(hm_z addr, const hm_shared *sdt)
{
	hm_z ptid = NPT_ID;
	hm_z pfn = z_div(addr, PAGE_SIZE);
	const hm_s2page *page = s2page_at(sdt->s2page, pfn);
	if (page->s2_owner == INVALID || page->s2_owner == HOSTVISOR || page->s2_count > 0) {
		COV("owner INVALID || owner HOSTVISOR || count > 0: true");
		hm_z pte = page->s2_owner == INVALID
				   ? z_lor(pfn * PAGE_SIZE, z_lor(PAGE_S2_DEVICE, S2_RDWR))
				   : z_lor(pfn * PAGE_SIZE, PAGE_S2_KERNEL);
		local_mmap_h_ret m = local_mmap_h(HOSTVISOR, addr, 3, pte,
						  npt_at(sdt->npts, HOSTVISOR));
		hm_shared *s = sh_edit(sdt);
		SETP(s, npts, tc_npts_set(sdt->npts, HOSTVISOR, m.npt));
		if (m.halt) {
			COV("halt': true");
			SETP(s, hlock, tc_hlock_set(tc_hlock_set(sdt->hlock, S2PAGE_ID, false), ptid,
						    false));
			return (local_map_host_ret){s, true, true, sdt->s2page, true, m.npt};
		}
		COV("halt': false");
		return (local_map_host_ret){s, false, true, sdt->s2page, true, m.npt};
	}
	COV("owner INVALID || owner HOSTVISOR || count > 0: false");
	hm_shared *s = sh_edit(sdt);
	SETP(s, hlock, tc_hlock_set(sdt->hlock, S2PAGE_ID, false));
	return (local_map_host_ret){s, true, true, sdt->s2page, false, NULL};
}

/* TrapHandlerSpec: local_clear_vm_page */
local_clear_vm_page_ret local_clear_vm_page(hm_z vmid, hm_z pfn, const hm_shared *sdt)
{
	const hm_map *s2p = sdt->s2page;
	const hm_map *fmem = sdt->flatmem;
	const hm_s2page *page = s2page_at(s2p, pfn);
	const hm_npt *npt = npt_at(sdt->npts, HOSTVISOR);
	if (page->s2_owner == vmid) {
		COV("s2_owner page =? vmid: true");
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
			SETP(s, hlock, tc_hlock_set(tc_hlock_set(sdt->hlock, S2PAGE_ID, false), NPT_ID,
						    false));
			SETP(s, npts, tc_npts_set(sdt->npts, HOSTVISOR, m.npt));
			return (local_clear_vm_page_ret){s, true, true, s2p, true, m.npt, false, NULL};
		}
		COV("halt': false");
		/* the page goes back to the host, its gfn marked as an SMMU host page */
		hm_map *s2p_ = tc_s2p_set(s2p, pfn, tc_mkS2Page(HOSTVISOR, 0, pfn + SMMU_HOST_OFFSET));
		hm_map *fmem_ = hm_map_set_z(fmem, pfn, 0);
		SETP(s, npts, tc_npts_set(sdt->npts, HOSTVISOR, m.npt));
		SETP(s, s2page, s2p_);
		SETP(s, flatmem, fmem_);
		return (local_clear_vm_page_ret){s, false, true, s2p_, true, m.npt, true, fmem_};
	}
	COV("s2_owner page =? vmid: false");
	return (local_clear_vm_page_ret){sdt, false, true, s2p, false, NULL, false, NULL};
}

/* TrapHandlerSpec: local_assign_pfn_to_vm */
local_assign_pfn_to_vm_ret local_assign_pfn_to_vm(hm_z vmid, hm_z gfn, hm_z pfn, hm_oracle *dorc,
						  hm_z dorc_vmid, hm_z logn,
						  const hm_shared *sdt)
{
	const hm_map *s2p = sdt->s2page;
	const hm_npt *npt = npt_at(sdt->npts, HOSTVISOR);
	const hm_map *fmem = sdt->flatmem;
	const hm_s2page *page = s2page_at(s2p, pfn);
	if (page->s2_owner == HOSTVISOR) {
		COV("s2_owner page =? HOSTVISOR: true");
		if (page->s2_count == 0) {
			COV("s2_count page =? 0: true");
			hm_map *s2p_ = tc_s2p_set(s2p, pfn, tc_mkS2Page(vmid, 0, gfn));
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
				/* s2page is updated even though the step halts */
				SETP(s, hlock, tc_hlock_set(tc_hlock_set(sdt->hlock, S2PAGE_ID, false),
							    NPT_ID, false));
				SETP(s, npts, tc_npts_set(sdt->npts, HOSTVISOR, m.npt));
				SETP(s, s2page, s2p_);
				return (local_assign_pfn_to_vm_ret){s, true, logn, true, s2p_,
								    true, m.npt, false, NULL};
			}
			COV("halt': false");
			/* fmem' := fmem # pfn == dorc logn: the oracle is asked only here */
			hm_map *fmem_ = hm_map_set_z(fmem, pfn, hm_oracle_data(dorc, dorc_vmid, logn));
			SETP(s, npts, tc_npts_set(sdt->npts, HOSTVISOR, m.npt));
			SETP(s, s2page, s2p_);
			SETP(s, flatmem, fmem_);
			return (local_assign_pfn_to_vm_ret){s, false, logn + 1, true, s2p_,
							    true, m.npt, true, fmem_};
		}
		COV("s2_count page =? 0: false");
		hm_shared *s = sh_edit(sdt);
		SETP(s, hlock, tc_hlock_set(sdt->hlock, S2PAGE_ID, false));
		return (local_assign_pfn_to_vm_ret){s, true, logn, true, s2p, false, NULL, false, NULL};
	}
	COV("s2_owner page =? HOSTVISOR: false");
	if (page->s2_owner == vmid && (page->s2_gfn == INVALID64 || gfn == page->s2_gfn)) {
		COV("owner vmid && (gfn INVALID64 || gfn matches): true");
		/* The Coq builds page' (count and gfn fixed up) but stores `page`,
		 * the unchanged entry: s2p' equals s2p. page' is not computed
		 * here since nothing reads it. */
		hm_map *s2p_ = tc_s2p_set(s2p, pfn, *page);
		hm_shared *s = sh_edit(sdt);
		SETP(s, s2page, s2p_);
		return (local_assign_pfn_to_vm_ret){s, false, logn, true, s2p_, false, NULL, false, NULL};
	}
	COV("owner vmid && (gfn INVALID64 || gfn matches): false");
	hm_shared *s = sh_edit(sdt);
	SETP(s, hlock, tc_hlock_set(sdt->hlock, S2PAGE_ID, false));
	return (local_assign_pfn_to_vm_ret){s, true, logn, true, s2p, false, NULL, false, NULL};
}

/* TrapHandlerSpec: local_map_pfn_vm */
local_map_pfn_vm_ret local_map_pfn_vm(hm_z vmid, hm_z addr, hm_z pte, hm_z level,
				      const hm_shared *sdt)
{
	const hm_npt *npt = npt_at(sdt->npts, vmid);
	hm_z paddr = phys_page(pte);
	hm_z perm = PAGE_S2_KERNEL;
	hm_z pte_, level_;
	if (level == 2) {
		COV("level =? 2: true");
		pte_ = z_land(z_lor(paddr, perm), NOT_PMD_TABLE_BIT);
		level_ = 2;
	} else {
		COV("level =? 2: false");
		pte_ = z_lor(paddr, perm);
		level_ = 3;
	}
	local_mmap_h_ret m = local_mmap_h(vmid, addr, level_, pte_, npt);
	hm_shared *s = sh_edit(sdt);
	SETP(s, npts, tc_npts_set(sdt->npts, vmid, m.npt));
	if (m.halt) {
		COV("halt': true");
		SETP(s, hlock, tc_hlock_set(sdt->hlock, NPT_ID + vmid, false));
		return (local_map_pfn_vm_ret){s, true, true, m.npt};
	}
	COV("halt': false");
	return (local_map_pfn_vm_ret){s, false, true, m.npt};
}

/* TrapHandlerSpec: local_map_io */
local_map_io_ret local_map_io(hm_z vmid, hm_z gpa, hm_z pa, const hm_shared *sdt)
{
	const hm_vminfo *info = vminfo_at(sdt->vminfos, vmid);
	hm_z state = info->VS.vm_state;
	if (state == READY) {
		COV("state =? READY: true");
		const hm_map *s2p = sdt->s2page;
		const hm_npt *npt = npt_at(sdt->npts, vmid);
		hm_z pfn = z_div(pa, PAGE_SIZE);
		hm_z pte = z_lor(phys_page(pa), z_lor(PAGE_S2_DEVICE, S2_RDWR));
		const hm_s2page *page = s2page_at(s2p, pfn);
		if (page->s2_owner == INVALID) {
			COV("s2_owner page =? INVALID: true");
			local_mmap_h_ret m = local_mmap_h(vmid, gpa, 3, pte, npt);
			hm_shared *s = sh_edit(sdt);
			if (m.halt) {
				COV("halt': true");
				hm_map *h = tc_hlock_set(sdt->hlock, INFO_ID + vmid, false);
				h = tc_hlock_set(h, S2PAGE_ID, false);
				h = tc_hlock_set(h, NPT_ID + vmid, false);
				SETP(s, hlock, h);
				SETP(s, npts, tc_npts_set(sdt->npts, vmid, m.npt));
				return (local_map_io_ret){s, true, true, info, true, s2p, true, m.npt};
			}
			COV("halt': false");
			SETP(s, npts, tc_npts_set(sdt->npts, vmid, m.npt));
			return (local_map_io_ret){s, false, true, info, true, s2p, true, m.npt};
		}
		COV("s2_owner page =? INVALID: false");
		return (local_map_io_ret){sdt, false, true, info, true, s2p, false, NULL};
	}
	COV("state =? READY: false");
	hm_shared *s = sh_edit(sdt);
	SETP(s, hlock, tc_hlock_set(sdt->hlock, INFO_ID + vmid, false));
	return (local_map_io_ret){s, true, true, info, false, NULL, false, NULL};
}

/* TrapHandlerSpec: local_grant_vm_page */
local_grant_vm_page_ret local_grant_vm_page(hm_z vmid, hm_z pfn, const hm_shared *sdt)
{
	const hm_map *s2p = sdt->s2page;
	const hm_s2page *page = s2page_at(s2p, pfn);
	const hm_map *s2p_;
	if (page->s2_owner == vmid && page->s2_count < MAX_SHARE_COUNT) {
		COV("owner vmid && count < MAX_SHARE_COUNT: true");
		hm_s2page p = *page;
		p.s2_count = page->s2_count + 1;
		s2p_ = tc_s2p_set(s2p, pfn, p);
	} else {
		COV("owner vmid && count < MAX_SHARE_COUNT: false");
		s2p_ = s2p;
	}
	hm_shared *s = sh_edit(sdt);
	SETP(s, s2page, s2p_);
	return (local_grant_vm_page_ret){s, true, s2p_};
}

/* TrapHandlerSpec: local_revoke_vm_page */
local_revoke_vm_page_ret local_revoke_vm_page(hm_z vmid, hm_z pfn, hm_oracle *dorc,
					      hm_z dorc_vmid, hm_z logn, const hm_shared *sdt)
{
	const hm_map *s2p = sdt->s2page;
	const hm_npt *npt = npt_at(sdt->npts, HOSTVISOR);
	const hm_map *fmem = sdt->flatmem;
	const hm_s2page *page = s2page_at(s2p, pfn);
	if (page->s2_owner == vmid && page->s2_count > 0) {
		COV("owner vmid && count > 0: true");
		hm_s2page p = *page;
		p.s2_count = page->s2_count - 1;
		hm_map *s2p_ = tc_s2p_set(s2p, pfn, p);
		if (page->s2_count == 1) {
			COV("s2_count page =? 1: true");
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
				SETP(s, hlock, tc_hlock_set(tc_hlock_set(sdt->hlock, S2PAGE_ID, false),
							    NPT_ID, false));
				SETP(s, npts, tc_npts_set(sdt->npts, HOSTVISOR, m.npt));
				SETP(s, s2page, s2p_);
				return (local_revoke_vm_page_ret){s, true, logn, true, s2p_,
								  true, m.npt, false, NULL};
			}
			COV("halt': false");
			hm_map *fmem_ = hm_map_set_z(fmem, pfn, hm_oracle_data(dorc, dorc_vmid, logn));
			SETP(s, npts, tc_npts_set(sdt->npts, HOSTVISOR, m.npt));
			SETP(s, s2page, s2p_);
			SETP(s, flatmem, fmem_);
			return (local_revoke_vm_page_ret){s, false, logn + 1, true, s2p_,
							  true, m.npt, true, fmem_};
		}
		COV("s2_count page =? 1: false");
		hm_shared *s = sh_edit(sdt);
		SETP(s, s2page, s2p_);
		return (local_revoke_vm_page_ret){s, false, logn, true, s2p_, false, NULL, false, NULL};
	}
	COV("owner vmid && count > 0: false");
	return (local_revoke_vm_page_ret){sdt, false, logn, true, s2p, false, NULL, false, NULL};
}

/* TrapHandlerSpec: local_save_encrypt_buf */
local_save_encrypt_buf_ret local_save_encrypt_buf(hm_z vmid, hm_z inbuf, hm_z outbuf,
						  hm_oracle *dorc, hm_z dorc_vmid, hm_z logn,
						  const hm_shared *sdt)
{
	hm_z inpfn = z_div(inbuf, PAGE_SIZE);
	hm_z outpfn = z_div(outbuf, PAGE_SIZE);
	const hm_s2page *inpage = s2page_at(sdt->s2page, inpfn);
	const hm_s2page *outpage = s2page_at(sdt->s2page, outpfn);
	if (inpage->s2_owner == vmid && outpage->s2_owner == HOSTVISOR) {
		COV("in owned by vmid && out owned by HOSTVISOR: true");
		hm_map *fmem_ = hm_map_set_z(sdt->flatmem, outpfn, hm_oracle_data(dorc, dorc_vmid, logn));
		hm_shared *s = sh_edit(sdt);
		SETP(s, flatmem, fmem_);
		return (local_save_encrypt_buf_ret){s, false, logn + 1, true, sdt->s2page, true, fmem_};
	}
	COV("in owned by vmid && out owned by HOSTVISOR: false");
	hm_shared *s = sh_edit(sdt);
	SETP(s, hlock, tc_hlock_set(sdt->hlock, S2PAGE_ID, false));
	return (local_save_encrypt_buf_ret){s, true, logn, true, sdt->s2page, false, NULL};
}

/* TrapHandlerSpec: local_load_decrypt_buf */
local_load_decrypt_buf_ret local_load_decrypt_buf(hm_z vmid, hm_z inbuf, hm_oracle *dorc,
						  hm_z dorc_vmid, hm_z logn,
						  const hm_shared *sdt)
{
	hm_z pfn = z_div(inbuf, PAGE_SIZE);
	const hm_vminfo *info = vminfo_at(sdt->vminfos, vmid);
	const hm_map *s2p = sdt->s2page;
	const hm_npt *npt = npt_at(sdt->npts, HOSTVISOR);
	hm_z vms = info->VS.vm_state;
	const hm_s2page *page = s2page_at(s2p, pfn);
	if (vms == READY) {
		COV("vms =? READY: true");
		if (page->s2_owner == HOSTVISOR && page->s2_count == 0) {
			COV("owner HOSTVISOR && count 0: true");
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
				hm_map *h = tc_hlock_set(sdt->hlock, INFO_ID + vmid, false);
				h = tc_hlock_set(h, S2PAGE_ID, false);
				h = tc_hlock_set(h, NPT_ID, false);
				SETP(s, hlock, h);
				SETP(s, npts, tc_npts_set(sdt->npts, HOSTVISOR, m.npt));
				return (local_load_decrypt_buf_ret){s, true, logn, true, info, true, s2p,
								    true, m.npt, false, NULL};
			}
			COV("halt': false");
			hm_map *s2p_ = tc_s2p_set(s2p, pfn, tc_mkS2Page(vmid, 0, INVALID64));
			hm_map *fmem_ =
				hm_map_set_z(sdt->flatmem, pfn, hm_oracle_data(dorc, dorc_vmid, logn));
			SETP(s, npts, tc_npts_set(sdt->npts, HOSTVISOR, m.npt));
			SETP(s, s2page, s2p_);
			SETP(s, flatmem, fmem_);
			return (local_load_decrypt_buf_ret){s, false, logn + 1, true, info, true, s2p_,
							    true, m.npt, true, fmem_};
		}
		COV("owner HOSTVISOR && count 0: false");
		hm_shared *s = sh_edit(sdt);
		SETP(s, hlock, tc_hlock_set(tc_hlock_set(sdt->hlock, INFO_ID + vmid, false), S2PAGE_ID,
					    false));
		return (local_load_decrypt_buf_ret){s, true, logn, true, info, true, s2p,
						    false, NULL, false, NULL};
	}
	COV("vms =? READY: false");
	hm_shared *s = sh_edit(sdt);
	SETP(s, hlock, tc_hlock_set(sdt->hlock, INFO_ID + vmid, false));
	return (local_load_decrypt_buf_ret){s, true, logn, true, info, false, NULL, false, NULL,
					    false, NULL};
}
