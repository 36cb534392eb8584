/* TrapHandlerSpec (seed), Section ConcurrentSpec: the atomic steps on VM
 * and VCPU bookkeeping (VMInfo, CoreData) and on the VM's boot images.
 * local_set_boot_info and local_verify_vm follow the seed, which differs
 * from VRM's current tree. */
#include "abstract_machine_specx.h"
#include "trap_concurrent_util.h"

/* Replace a map pointer inside the inline StateInfo/BootInfo of a VMInfo
 * being edited (hm_rec_edit retained the old one for the copy). */
static void set_inline_map(hm_map **slot, const hm_map *m)
{
	hm_retain(m);
	hm_release(*slot);
	*slot = (hm_map *)m;
}

/* info {vm_vcpu_state: (vm_vcpu_state (VS info)) # vcpuid == v} */
static hm_vminfo *with_vcpu_state(const hm_vminfo *info, hm_z vcpuid, hm_z v)
{
	hm_vminfo *i = vminfo_edit(info);
	set_inline_map(&i->VS.vm_vcpu_state, hm_map_set_z(info->VS.vm_vcpu_state, vcpuid, v));
	return i;
}

/* sdt {vminfos: (vminfos sdt) # vmid == info'} */
static hm_shared *with_info(const hm_shared *sdt, hm_z vmid, const hm_vminfo *info)
{
	hm_shared *s = sh_edit(sdt);
	SETP(s, vminfos, tc_vminfos_set(sdt->vminfos, vmid, info));
	return s;
}

/* TrapHandlerSpec: local_set_vcpu_active */
local_set_vcpu_active_ret local_set_vcpu_active(hm_z vmid, hm_z vcpuid, const hm_shared *sdt)
{
	const hm_vminfo *info = vminfo_at(sdt->vminfos, vmid);
	hm_z vms = info->VS.vm_state;
	hm_z vcpus = hm_map_get_z(info->VS.vm_vcpu_state, vcpuid);
	if (vms == VERIFIED && vcpus == READY) {
		COV("vms =? VERIFIED && vcpus =? READY: true");
		hm_vminfo *info_ = with_vcpu_state(info, vcpuid, ACTIVE);
		return (local_info_ret){with_info(sdt, vmid, info_), false, true, info_};
	}
	COV("vms =? VERIFIED && vcpus =? READY: false");
	return (local_info_ret){sdt, true, true, info};
}

/* TrapHandlerSpec: local_set_vcpu_inactive */
local_set_vcpu_inactive_ret local_set_vcpu_inactive(hm_z vmid, hm_z vcpuid,
						    const hm_shared *sdt)
{
	const hm_vminfo *info = vminfo_at(sdt->vminfos, vmid);
	hm_z vcpus = hm_map_get_z(info->VS.vm_vcpu_state, vcpuid);
	if (vcpus == ACTIVE) {
		COV("vcpus =? ACTIVE: true");
		hm_vminfo *info_ = with_vcpu_state(info, vcpuid, READY);
		return (local_info_ret){with_info(sdt, vmid, info_), false, true, info_};
	}
	COV("vcpus =? ACTIVE: false");
	return (local_info_ret){sdt, true, true, info};
}

/* TrapHandlerSpec: local_set_vm_poweroff */
local_set_vm_poweroff_ret local_set_vm_poweroff(hm_z vmid, const hm_shared *sdt)
{
	const hm_vminfo *info = vminfo_at(sdt->vminfos, vmid);
	hm_vminfo *info_ = vminfo_edit(info);
	info_->VS.vm_state = POWEROFF;
	return (local_set_vm_poweroff_ret){with_info(sdt, vmid, info_), true, info_};
}

/* TrapHandlerSpec: local_register_vcpu */
local_register_vcpu_ret local_register_vcpu(hm_z vmid, hm_z vcpuid, const hm_shared *sdt)
{
	const hm_vminfo *info = vminfo_at(sdt->vminfos, vmid);
	hm_z vms = info->VS.vm_state;
	hm_z vcpus = hm_map_get_z(info->VS.vm_vcpu_state, vcpuid);
	if (vms == READY && vcpus == UNUSED) {
		COV("vms =? READY && vcpus =? UNUSED: true");
		hm_z vcpu = shared_vcpu(vmid, vcpuid);
		hm_vminfo *info_ = vminfo_edit(info);
		set_inline_map(&info_->VS.vm_vcpu, hm_map_set_z(info->VS.vm_vcpu, vcpuid, vcpu));
		set_inline_map(&info_->VS.vm_vcpu_state,
			       hm_map_set_z(info->VS.vm_vcpu_state, vcpuid, READY));
		return (local_info_ret){with_info(sdt, vmid, info_), false, true, info_};
	}
	COV("vms =? READY && vcpus =? UNUSED: false");
	return (local_info_ret){sdt, true, true, info};
}

/* TrapHandlerSpec: local_gen_vmid */
local_gen_vmid_ret local_gen_vmid(const hm_shared *sdt)
{
	hm_z vmid = sdt->core_data.next_vmid;
	if (vmid < COREVISOR) {
		COV("vmid <? COREVISOR: true");
		hm_core_data core_ = sdt->core_data;
		core_.next_vmid = vmid + 1;
		hm_shared *s = sh_edit(sdt);
		s->core_data = core_;
		return (local_gen_vmid_ret){s, false, core_};
	}
	COV("vmid <? COREVISOR: false");
	return (local_gen_vmid_ret){sdt, true, sdt->core_data};
}

/* TrapHandlerSpec: local_register_kvm */
local_register_kvm_ret local_register_kvm(hm_z vmid, const hm_shared *sdt)
{
	const hm_vminfo *info = vminfo_at(sdt->vminfos, vmid);
	hm_z vms = info->VS.vm_state;
	if (vms == UNUSED) {
		COV("vms =? UNUSED: true");
		hm_z kvm = shared_kvm(vmid);
		hm_vminfo *info_ = vminfo_edit(info);
		info_->VS.vm_kvm = kvm;
		info_->VS.vm_state = READY;
		return (local_info_ret){with_info(sdt, vmid, info_), false, true, info_};
	}
	COV("vms =? UNUSED: false");
	return (local_info_ret){sdt, true, true, info};
}

/* TrapHandlerSpec: local_set_boot_info (the seed's version) */
local_set_boot_info_ret local_set_boot_info(hm_z vmid, hm_z load_addr, hm_z size,
					    const hm_shared *sdt)
{
	const hm_vminfo *info = vminfo_at(sdt->vminfos, vmid);
	hm_core_data core = sdt->core_data;
	hm_z vms = info->VS.vm_state;
	if (vms == READY) {
		COV("vms =? READY: true");
		hm_z load_idx = info->VB.vm_next_load_info;
		if (load_idx < MAX_LOAD_INFO_NUM) {
			COV("load_idx <? MAX_LOAD_INFO_NUM: true");
			hm_z pgnum = z_div(size + 4095, PAGE_SIZE);
			hm_z remap = core.next_remap_ptr;
			if (remap + pgnum * PAGE_SIZE < REMAP_END) {
				COV("remap + pgnum * PAGE_SIZE <? REMAP_END: true");
				hm_core_data core_ = core;
				core_.next_remap_ptr = remap + pgnum * PAGE_SIZE;
				hm_vminfo *info_ = vminfo_edit(info);
				info_->VB.vm_next_load_info = load_idx + 1;
				set_inline_map(&info_->VB.vm_load_addr,
					       hm_map_set_z(info->VB.vm_load_addr, load_idx, load_addr));
				set_inline_map(&info_->VB.vm_load_size,
					       hm_map_set_z(info->VB.vm_load_size, load_idx, size));
				set_inline_map(&info_->VB.vm_remap_addr,
					       hm_map_set_z(info->VB.vm_remap_addr, load_idx, remap));
				set_inline_map(&info_->VB.vm_mapped_pages,
					       hm_map_set_z(info->VB.vm_mapped_pages, load_idx, 0));
				hm_shared *s = with_info(sdt, vmid, info_);
				s->core_data = core_;
				return (local_set_boot_info_ret){s, false, true, info_, true, core_};
			}
			COV("remap + pgnum * PAGE_SIZE <? REMAP_END: false");
			/* halts without releasing any lock in hlock */
			return (local_set_boot_info_ret){sdt, true, true, info, true, core};
		}
		COV("load_idx <? MAX_LOAD_INFO_NUM: false");
		return (local_set_boot_info_ret){sdt, false, true, info, false, {0, 0}};
	}
	COV("vms =? READY: false");
	return (local_set_boot_info_ret){sdt, true, true, info, false, {0, 0}};
}

/* TrapHandlerSpec: local_remap_vm_image */
local_remap_vm_image_ret local_remap_vm_image(hm_z vmid, hm_z pfn, hm_z load_idx,
					      const hm_shared *sdt)
{
	const hm_vminfo *info = vminfo_at(sdt->vminfos, vmid);
	const hm_npt *npt = npt_at(sdt->npts, COREVISOR);
	hm_z vms = info->VS.vm_state;
	if (vms == READY) {
		COV("vms =? READY: true");
		hm_z load_cnt = info->VB.vm_next_load_info;
		if (load_idx < load_cnt) {
			COV("load_idx <? load_cnt: true");
			hm_z size = hm_map_get_z(info->VB.vm_load_size, load_idx);
			hm_z remap = hm_map_get_z(info->VB.vm_remap_addr, load_idx);
			hm_z mapped = hm_map_get_z(info->VB.vm_mapped_pages, load_idx);
			hm_z pgnum = z_div(size + 4095, PAGE_SIZE);
			hm_z target = remap + mapped * PAGE_SIZE;
			if (mapped < pgnum) {
				COV("mapped <? pgnum: true");
				local_mmap_h_ret m = local_mmap_h(COREVISOR, target, 3,
								  z_lor(pfn * PAGE_SIZE, PAGE_HYP), npt);
				hm_shared *s = sh_edit(sdt);
				if (m.halt) {
					COV("halt': true");
					SETP(s, hlock,
					     tc_hlock_set(tc_hlock_set(sdt->hlock, INFO_ID + vmid, false),
							  NPT_ID + COREVISOR, false));
					SETP(s, npts, tc_npts_set(sdt->npts, COREVISOR, m.npt));
					return (local_remap_vm_image_ret){s, true, true, info, true, m.npt};
				}
				COV("halt': false");
				hm_vminfo *info_ = vminfo_edit(info);
				set_inline_map(&info_->VB.vm_mapped_pages,
					       hm_map_set_z(info->VB.vm_mapped_pages, load_idx,
							    mapped + 1));
				SETP(s, vminfos, tc_vminfos_set(sdt->vminfos, vmid, info_));
				SETP(s, npts, tc_npts_set(sdt->npts, COREVISOR, m.npt));
				return (local_remap_vm_image_ret){s, false, true, info_, true, m.npt};
			}
			COV("mapped <? pgnum: false");
			return (local_remap_vm_image_ret){sdt, false, true, info, false, NULL};
		}
		COV("load_idx <? load_cnt: false");
		return (local_remap_vm_image_ret){sdt, false, true, info, false, NULL};
	}
	COV("vms =? READY: false");
	hm_shared *s = sh_edit(sdt);
	SETP(s, hlock, tc_hlock_set(sdt->hlock, INFO_ID + vmid, false));
	return (local_remap_vm_image_ret){s, true, true, info, false, NULL};
}

/* TrapHandlerSpec: local_verify_vm (the seed's version: it branches on
 * the VM's lock bit in hlock, and marks the VM VERIFIED only when that
 * bit is false, setting it) */
local_verify_vm_ret local_verify_vm(hm_z vmid, const hm_shared *sdt)
{
	const hm_vminfo *info = vminfo_at(sdt->vminfos, vmid);
	hm_z state = info->VS.vm_state;
	if (hm_map_get_bool(sdt->hlock, INFO_ID + vmid)) {
		COV("(INFO_ID + vmid) @ hlock: true");
		if (state == READY) {
			COV("state =? READY: true");
			return (local_info_ret){sdt, false, true, info};
		}
		COV("state =? READY: false");
		hm_shared *s = sh_edit(sdt);
		SETP(s, hlock, tc_hlock_set(sdt->hlock, INFO_ID + vmid, false));
		return (local_info_ret){s, true, true, info};
	}
	COV("(INFO_ID + vmid) @ hlock: false");
	hm_vminfo *info_ = vminfo_edit(info);
	info_->VS.vm_state = VERIFIED;
	hm_shared *s = with_info(sdt, vmid, info_);
	SETP(s, hlock, tc_hlock_set(sdt->hlock, INFO_ID + vmid, true));
	return (local_info_ret){s, false, true, info_};
}

/* TrapHandlerSpec: local_load_encryted_vcpu (decrypt_gp_regs_specx and
 * decrypt_sys_regs_specx are platform parameters) */
local_load_encryted_vcpu_ret local_load_encryted_vcpu(hm_z vmid, hm_z vcpuid,
						      const hm_ctxt_regs *cregs,
						      const hm_ctxt_states *cstates,
						      hm_oracle *dorc, hm_z dorc_vmid, hm_z logn,
						      const hm_shared *sdt)
{
	const hm_vminfo *info = vminfo_at(sdt->vminfos, vmid);
	hm_z vms = info->VS.vm_state;
	hm_z vcpus = hm_map_get_z(info->VS.vm_vcpu_state, vcpuid);
	if (vms == READY && vcpus == READY) {
		COV("vms =? READY && vcpus =? READY: true");
		hm_dorc d = hm_dorc_of(dorc, dorc_vmid);
		hm_cregs_cstates_logn g = decrypt_gp_regs_specx(cregs, cstates, d, logn);
		hm_cregs_cstates_logn y = decrypt_sys_regs_specx(&g.cregs, &g.cstates, d, g.logn);
		hm_vminfo *info_ = vminfo_edit(info);
		info_->VB.vm_inc_exe = 1;
		return (local_load_encryted_vcpu_ret){with_info(sdt, vmid, info_), false, y.cregs,
						      y.cstates, y.logn, true, info_};
	}
	COV("vms =? READY && vcpus =? READY: false");
	hm_shared *s = sh_edit(sdt);
	SETP(s, hlock, tc_hlock_set(sdt->hlock, INFO_ID + vmid, false));
	return (local_load_encryted_vcpu_ret){s, true, *cregs, *cstates, logn, true, info};
}
