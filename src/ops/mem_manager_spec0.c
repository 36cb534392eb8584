/* Seed MemManagerSpec.md, Section MemManagerSpecLow: the `_spec0`
 * definitions, step for step. Each `when x == f ...` is a WHEN/WHEN_Z,
 * so a None anywhere below propagates with its reason. */
#include "mem_manager_spec0.h"

#include "abstract_machine_spec.h"
#include "locks_spec.h"
#include "mmio_spt_ops_spec.h"
#include "npt_ops_spec.h"
#include "page_manager_spec.h"

/* MemManagerSpec: map_page_host_spec0 */
hm_sres map_page_host_spec0(const hm_rdata *adt, hm_z addr)
{
	RELY(is_addr(addr));
	hm_z pfn = z_div(addr, PAGE_SIZE);
	WHEN(adt0, acquire_lock_s2page_spec(adt));
	WHEN_Z(owner, get_pfn_owner_spec(adt0, pfn));
	RELY(is_int(owner));
	WHEN_Z(count, get_pfn_count_spec(adt0, pfn));
	RELY(is_int(count));
	if (owner == INVALID) {
		COV("owner =? INVALID: true");
		hm_z perm = z_lor(PAGE_S2_DEVICE, S2_RDWR);
		hm_z pte = z_lor(pfn * PAGE_SIZE, perm);
		WHEN(adt1, map_s2pt_spec(adt0, HOSTVISOR, addr, 3, pte));
		return release_lock_s2page_spec(adt1);
	} else {
		if (owner == HOSTVISOR || count > 0) {
			COV("(owner =? HOSTVISOR) || (count >? 0): true");
			hm_z perm = PAGE_S2_KERNEL;
			hm_z pte = z_lor(pfn * PAGE_SIZE, perm);
			WHEN(adt1, map_s2pt_spec(adt0, HOSTVISOR, addr, 3, pte));
			return release_lock_s2page_spec(adt1);
		} else {
			COV("(owner =? HOSTVISOR) || (count >? 0): false");
			WHEN(adt1, panic_spec(adt0));
			return release_lock_s2page_spec(adt1);
		}
	}
}

/* MemManagerSpec: clear_vm_page_spec0 */
hm_sres clear_vm_page_spec0(const hm_rdata *adt, hm_z vmid, hm_z pfn)
{
	RELY(is_pfn(pfn));
	WHEN(adt1, acquire_lock_s2page_spec(adt));
	WHEN_Z(owner, get_pfn_owner_spec(adt1, pfn));
	RELY(is_int(owner));
	if (owner == vmid) {
		COV("owner =? vmid: true");
		WHEN(adt2, clear_pfn_host_spec(adt1, pfn));
		WHEN(adt3, set_pfn_owner_spec(adt2, pfn, HOSTVISOR));
		WHEN(adt4, set_pfn_count_spec(adt3, pfn, 0));
		WHEN(adt5, set_pfn_map_spec(adt4, pfn, pfn + SMMU_HOST_OFFSET));
		WHEN(adt6, clear_phys_page_spec(adt5, pfn));
		return release_lock_s2page_spec(adt6);
	} else {
		COV("owner =? vmid: false");
		return release_lock_s2page_spec(adt1);
	}
}

/* MemManagerSpec: assign_pfn_to_vm_spec0 */
hm_sres assign_pfn_to_vm_spec0(const hm_rdata *adt, hm_z vmid, hm_z gfn, hm_z pfn)
{
	RELY(is_gfn(gfn));
	RELY(is_pfn(pfn));
	WHEN(adt1, acquire_lock_s2page_spec(adt));
	WHEN_Z(owner, get_pfn_owner_spec(adt1, pfn));
	RELY(is_int(owner));
	WHEN_Z(count, get_pfn_count_spec(adt1, pfn));
	RELY(is_int(count));
	if (owner == HOSTVISOR) {
		if (count == 0) {
			COV("owner =? HOSTVISOR, count =? 0");
			WHEN(adt2, clear_pfn_host_spec(adt1, pfn));
			WHEN(adt3, set_pfn_owner_spec(adt2, pfn, vmid));
			WHEN(adt4, set_pfn_map_spec(adt3, pfn, gfn));
			WHEN(adt5, fetch_from_doracle_spec(adt4, vmid, pfn, 1));
			return release_lock_s2page_spec(adt5);
		} else {
			COV("owner =? HOSTVISOR, count <> 0: panic");
			WHEN(adt2, panic_spec(adt1));
			return release_lock_s2page_spec(adt2);
		}
	} else {
		if (owner == vmid) {
			WHEN_Z(map, get_pfn_map_spec(adt1, pfn));
			RELY(is_int64(map));
			if (map == INVALID64 || gfn == map) {
				if (map == INVALID64) {
					if (count == INVALID) {
						COV("owner vmid, map =? INVALID64, count =? INVALID");
						WHEN(adt2, set_pfn_map_spec(adt1, pfn, gfn));
						WHEN(adt3, set_pfn_count_spec(adt2, pfn, 0));
						return release_lock_s2page_spec(adt3);
					} else {
						COV("owner vmid, map =? INVALID64, count <> INVALID");
						WHEN(adt2, set_pfn_map_spec(adt1, pfn, gfn));
						return release_lock_s2page_spec(adt2);
					}
				} else {
					if (count == INVALID) {
						COV("owner =? vmid, gfn =? map, count =? INVALID");
						WHEN(adt2, set_pfn_count_spec(adt1, pfn, 0));
						return release_lock_s2page_spec(adt2);
					} else {
						COV("owner =? vmid, gfn =? map, count <> INVALID");
						return release_lock_s2page_spec(adt1);
					}
				}
			} else {
				COV("owner =? vmid, map is another gfn: panic");
				WHEN(adt2, panic_spec(adt1));
				return release_lock_s2page_spec(adt2);
			}
		} else {
			COV("owner neither HOSTVISOR nor vmid: panic");
			WHEN(adt2, panic_spec(adt1));
			return release_lock_s2page_spec(adt2);
		}
	}
}

/* MemManagerSpec: map_pfn_vm_spec0 */
hm_sres map_pfn_vm_spec0(const hm_rdata *adt, hm_z vmid, hm_z addr, hm_z pte, hm_z level)
{
	RELY(is_addr(addr));
	hm_z paddr = phys_page(pte);
	hm_z perm = PAGE_S2_KERNEL;
	if (level == 2) {
		COV("level =? 2: true");
		hm_z pte1 = z_land(z_lor(paddr, perm), NOT_PMD_TABLE_BIT);
		return map_s2pt_spec(adt, vmid, addr, 2, pte1);
	} else {
		COV("level =? 2: false");
		hm_z pte1 = z_lor(paddr, perm);
		return map_s2pt_spec(adt, vmid, addr, 3, pte1);
	}
}

/* MemManagerSpec: map_vm_io_spec0 */
hm_sres map_vm_io_spec0(const hm_rdata *adt, hm_z vmid, hm_z gpa, hm_z pa)
{
	RELY(is_addr(gpa));
	RELY(is_addr(pa));
	hm_z gfn = z_div(gpa, PAGE_SIZE);
	(void)gfn; /* bound by the Coq, never read */
	hm_z pfn = z_div(pa, PAGE_SIZE);
	hm_z pte = z_lor(phys_page(pa), z_lor(PAGE_S2_DEVICE, S2_RDWR));
	WHEN(adt1, acquire_lock_s2page_spec(adt));
	WHEN_Z(owner, get_pfn_owner_spec(adt1, pfn));
	RELY(is_int(owner));
	if (owner == INVALID) {
		COV("owner =? INVALID: true");
		WHEN(adt2, map_s2pt_spec(adt1, vmid, gpa, 3, pte));
		return release_lock_s2page_spec(adt2);
	} else {
		COV("owner =? INVALID: false");
		return release_lock_s2page_spec(adt1);
	}
}

/* MemManagerSpec: grant_vm_page_spec0 */
hm_sres grant_vm_page_spec0(const hm_rdata *adt, hm_z vmid, hm_z pfn)
{
	RELY(is_addr(pfn));
	WHEN(adt1, acquire_lock_s2page_spec(adt));
	WHEN_Z(owner, get_pfn_owner_spec(adt1, pfn));
	RELY(is_int(owner));
	WHEN_Z(count, get_pfn_count_spec(adt1, pfn));
	RELY(is_int(count));
	if (owner == vmid && count < MAX_SHARE_COUNT) {
		COV("(owner =? vmid) && (count <? MAX_SHARE_COUNT): true");
		WHEN(adt2, set_pfn_count_spec(adt1, pfn, count + 1));
		return release_lock_s2page_spec(adt2);
	} else {
		COV("(owner =? vmid) && (count <? MAX_SHARE_COUNT): false");
		return release_lock_s2page_spec(adt1);
	}
}

/* MemManagerSpec: revoke_vm_page_spec0 */
hm_sres revoke_vm_page_spec0(const hm_rdata *adt, hm_z vmid, hm_z pfn)
{
	RELY(is_addr(pfn));
	WHEN(adt1, acquire_lock_s2page_spec(adt));
	WHEN_Z(owner, get_pfn_owner_spec(adt1, pfn));
	RELY(is_int(owner));
	WHEN_Z(count, get_pfn_count_spec(adt1, pfn));
	RELY(is_int(count));
	if (owner == vmid && count > 0) {
		WHEN(adt2, set_pfn_count_spec(adt1, pfn, count - 1));
		if (count == 1) {
			COV("owner =? vmid, count =? 1");
			WHEN(adt3, clear_pfn_host_spec(adt2, pfn));
			WHEN(adt4, fetch_from_doracle_spec(adt3, vmid, pfn, 1));
			return release_lock_s2page_spec(adt4);
		} else {
			COV("owner =? vmid, count >? 1");
			return release_lock_s2page_spec(adt2);
		}
	} else {
		COV("(owner =? vmid) && (count >? 0): false");
		return release_lock_s2page_spec(adt1);
	}
}

/* MemManagerSpec: assign_pfn_to_smmu_spec0 */
hm_sres assign_pfn_to_smmu_spec0(const hm_rdata *adt, hm_z vmid, hm_z gfn, hm_z pfn)
{
	RELY(is_vmid(vmid));
	RELY(is_gfn(gfn));
	RELY(is_pfn(pfn));
	WHEN(adt1, acquire_lock_s2page_spec(adt));
	WHEN_Z(owner, get_pfn_owner_spec(adt1, pfn));
	RELY(is_int(owner));
	WHEN_Z(count, get_pfn_count_spec(adt1, pfn));
	RELY(is_int(count));
	WHEN_Z(map, get_pfn_map_spec(adt1, pfn));
	RELY(is_int64(map));
	if (owner == HOSTVISOR) {
		if (count == 0) {
			COV("owner =? HOSTVISOR, count =? 0");
			WHEN(adt3, clear_pfn_host_spec(adt1, pfn));
			WHEN(adt4, set_pfn_owner_spec(adt3, pfn, vmid));
			WHEN(adt5, set_pfn_map_spec(adt4, pfn, gfn));
			WHEN(adt6, set_pfn_count_spec(adt5, pfn, INVALID));
			return release_lock_s2page_spec(adt6);
		} else {
			COV("owner =? HOSTVISOR, count <> 0: panic");
			WHEN(adt2, panic_spec(adt1));
			return release_lock_s2page_spec(adt2);
		}
	} else {
		if (owner == vmid) {
			COV("owner =? vmid: true");
			return release_lock_s2page_spec(adt1);
		} else {
			COV("owner neither HOSTVISOR nor vmid: panic");
			WHEN(adt2, panic_spec(adt1));
			return release_lock_s2page_spec(adt2);
		}
	}
}

/* MemManagerSpec: update_smmu_page_spec0 */
hm_sres update_smmu_page_spec0(const hm_rdata *adt, hm_z vmid, hm_z cbndx, hm_z index,
			       hm_z iova, hm_z pte)
{
	RELY(is_addr(iova));
	WHEN(adt1, acquire_lock_s2page_spec(adt));
	hm_z pfn = z_div(phys_page(pte), PAGE_SIZE);
	hm_z gfn = z_div(iova, PAGE_SIZE);
	WHEN_Z(owner, get_pfn_owner_spec(adt1, pfn));
	RELY(is_int(owner));
	WHEN_Z(map, get_pfn_map_spec(adt1, pfn));
	RELY(is_int64(map));
	if (vmid == owner && gfn == map) {
		WHEN(adt2, map_spt_spec(adt1, cbndx, index, iova, pte));
		if (owner == HOSTVISOR) {
			WHEN_Z(count, get_pfn_count_spec(adt2, pfn));
			RELY(is_int(count));
			if (count < EL2_SMMU_CFG_SIZE) {
				COV("owner =? HOSTVISOR, count <? EL2_SMMU_CFG_SIZE");
				WHEN(adt3, set_pfn_count_spec(adt2, pfn, count + 1));
				return release_lock_s2page_spec(adt3);
			} else {
				COV("owner =? HOSTVISOR, count >= EL2_SMMU_CFG_SIZE");
				return release_lock_s2page_spec(adt2);
			}
		} else {
			COV("owner is a VM");
			return release_lock_s2page_spec(adt2);
		}
	} else {
		COV("(vmid =? owner) && (gfn =? map): false, panic");
		WHEN(adt2, panic_spec(adt1));
		return release_lock_s2page_spec(adt2);
	}
}

/* MemManagerSpec: unmap_smmu_page_spec0 */
hm_sres unmap_smmu_page_spec0(const hm_rdata *adt, hm_z cbndx, hm_z index, hm_z iova)
{
	RELY(is_addr(iova));
	WHEN(adt1, acquire_lock_s2page_spec(adt));
	WHEN(adt2, unmap_spt_spec(adt1, cbndx, index, iova));
	hm_z pte = adt2_res_.ret;
	RELY(is_int64(pte));
	hm_z pfn = z_div(phys_page(pte), PAGE_SIZE);
	WHEN_Z(owner, get_pfn_owner_spec(adt2, pfn));
	RELY(is_int(owner));
	if (owner == HOSTVISOR) {
		WHEN_Z(count, get_pfn_count_spec(adt2, pfn));
		RELY(is_int(count));
		if (count > 0) {
			COV("owner =? HOSTVISOR, count >? 0");
			WHEN(adt3, set_pfn_count_spec(adt2, pfn, count - 1));
			return release_lock_s2page_spec(adt3);
		} else {
			COV("owner =? HOSTVISOR, count =? 0");
			return release_lock_s2page_spec(adt2);
		}
	} else {
		COV("owner =? HOSTVISOR: false");
		return release_lock_s2page_spec(adt2);
	}
}

/* ---- op-table entries ---- */

hm_sres hm_op_map_page_host_spec0(const hm_rdata *adt, const hm_z *args)
{
	return map_page_host_spec0(adt, args[0]);
}

hm_sres hm_op_clear_vm_page_spec0(const hm_rdata *adt, const hm_z *args)
{
	return clear_vm_page_spec0(adt, args[0], args[1]);
}

hm_sres hm_op_assign_pfn_to_vm_spec0(const hm_rdata *adt, const hm_z *args)
{
	return assign_pfn_to_vm_spec0(adt, args[0], args[1], args[2]);
}

hm_sres hm_op_map_pfn_vm_spec0(const hm_rdata *adt, const hm_z *args)
{
	return map_pfn_vm_spec0(adt, args[0], args[1], args[2], args[3]);
}

hm_sres hm_op_map_vm_io_spec0(const hm_rdata *adt, const hm_z *args)
{
	return map_vm_io_spec0(adt, args[0], args[1], args[2]);
}

hm_sres hm_op_grant_vm_page_spec0(const hm_rdata *adt, const hm_z *args)
{
	return grant_vm_page_spec0(adt, args[0], args[1]);
}

hm_sres hm_op_revoke_vm_page_spec0(const hm_rdata *adt, const hm_z *args)
{
	return revoke_vm_page_spec0(adt, args[0], args[1]);
}

hm_sres hm_op_assign_pfn_to_smmu_spec0(const hm_rdata *adt, const hm_z *args)
{
	return assign_pfn_to_smmu_spec0(adt, args[0], args[1], args[2]);
}

hm_sres hm_op_update_smmu_page_spec0(const hm_rdata *adt, const hm_z *args)
{
	return update_smmu_page_spec0(adt, args[0], args[1], args[2], args[3], args[4]);
}

hm_sres hm_op_unmap_smmu_page_spec0(const hm_rdata *adt, const hm_z *args)
{
	return unmap_smmu_page_spec0(adt, args[0], args[1], args[2]);
}
