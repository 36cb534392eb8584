/* TrapHandlerSpec (seed): host_hvc_handler_spec, the host's hypercalls.
 *
 * The Coq is one definition: save the host's registers into its shadow
 * context, run one arm of a chain of `if arg =? HVC_...` (arg = x0), and
 * unless the arm halted, copy the shadow registers back. Here the chain is
 * host_hvc_dispatch and each arm a function of its own, in the Coq order,
 * named after the hypercall; each arm reads like its Coq text. The
 * arm's inputs (adt', ctxt', vmid, ctxtid, the arguments x0..x5) are in
 * an hvc_in. */
#include "trap_handler_spec.h"

#include "abstract_machine_specx.h"
#include "trap_handler_aux.h"
#include "trap_handler_concurrent.h"
#include "trap_handler_util.h"

typedef struct hvc_in {
	const hm_rdata *adt_;  /* adt' */
	const hm_ctxt *ctxt_;  /* ctxt' */
	hm_z vmid, ctxtid;     /* cur_vmid adt, ctxt_id vmid vcpuid */
	hm_z arg, arg1, arg2, arg3, arg4, arg5;
} hvc_in;

/* adt1 {shared: sdt'} {halt: halt'} {slog: SEVENT (curid adt1) ev :: slog adt1} */
static hm_rdata *hvc_logged_step(const hm_rdata *adt1, hm_aev ev, const hm_z *args,
				 hm_oracle *dorc, const hm_ctxt *evctxt, const hm_shared *sdt_,
				 bool halt_)
{
	const hm_slog *log_ = th_sevent(adt1->curid, ev, args, dorc, evctxt, adt1->slog);
	return th_atomic(adt1, sdt_, halt_, log_);
}

/* arm HVC_CLEAR_VM_S2_RANGE */
static hm_sres hvc_clear_vm_s2_range(const hvc_in *h)
{
	hm_z vmid = h->vmid, arg1 = h->arg1, arg2 = h->arg2, arg3 = h->arg3;
	if (!(is_vm(arg1) && is_paddr(arg2) && is_paddr(arg3))) {
		COV("HVC_CLEAR_VM_S2_RANGE: is_vm arg1 && is_paddr arg2 && is_paddr arg3: false");
		return SOME(th_halted(h->adt_));
	}
	COV("HVC_CLEAR_VM_S2_RANGE: is_vm arg1 && is_paddr arg2 && is_paddr arg3: true");
	hm_rdata *adt1 = query_oracle(h->adt_);
	RELY(th_hlock(adt1, NPT_ID + arg1));
	const hm_vminfo *info = vminfo_at(adt1->shared->vminfos, arg1);
	/* the event names vmid (cur_vmid), not arg1 */
	hm_z ev[] = {vmid};
	hm_rdata *adt__ = rd_edit(adt1);
	SETP(adt__, slog, th_sevent(adt1->curid, HM_AEV_OVM_GET, ev, NULL, NULL, adt1->slog));
	if (info->VS.vm_state == POWEROFF) {
		COV("HVC_CLEAR_VM_S2_RANGE: vm_state =? POWEROFF: true");
		hm_z pfn = z_div(arg2, PAGE_SIZE);
		hm_z num = z_div(arg3, PAGE_SIZE);
		clear_vm_loop_h_ret r = clear_vm_loop_h(num, pfn, arg1, adt__);
		return r.r; /* Some (_, adt0) => Some adt0 | None => None */
	}
	COV("HVC_CLEAR_VM_S2_RANGE: vm_state =? POWEROFF: false");
	return SOME(adt__);
}

/* arm HVC_SET_BOOT_INFO */
static hm_sres hvc_set_boot_info(const hvc_in *h)
{
	hm_z arg1 = h->arg1, arg2 = h->arg2, arg3 = h->arg3;
	/* the Coq checks is_paddr arg1 (not arg3) and is_pfn (arg2 + arg3) */
	if (!(is_vm(arg1) && is_paddr(arg2) && is_paddr(arg1) && is_pfn(arg2 + arg3))) {
		COV("HVC_SET_BOOT_INFO: argument checks: false");
		return SOME(th_halted(h->adt_));
	}
	COV("HVC_SET_BOOT_INFO: argument checks: true");
	hm_rdata *adt1 = query_oracle(h->adt_);
	RELY(th_hlock(adt1, INFO_ID + arg1));
	RELY(th_hlock(adt1, CORE_ID));
	local_set_boot_info_ret r = local_set_boot_info(arg1, arg2, arg3, adt1->shared);
	hm_z ev[] = {arg1, arg2, arg3};
	return SOME(hvc_logged_step(adt1, HM_AEV_OBOOT_INFO, ev, NULL, NULL, r.sdt, r.halt));
}

/* arm HVC_REMAP_VM_IMAGE */
static hm_sres hvc_remap_vm_image(const hvc_in *h)
{
	hm_z arg1 = h->arg1, arg2 = h->arg2, arg3 = h->arg3;
	/* the Coq checks is_pfn arg3 (the load index), not arg2 (the pfn) */
	if (!(is_vm(arg1) && is_pfn(arg3) && is_load_idx(arg3))) {
		COV("HVC_REMAP_VM_IMAGE: is_vm arg1 && is_pfn arg3 && is_load_idx arg3: false");
		return SOME(th_halted(h->adt_));
	}
	COV("HVC_REMAP_VM_IMAGE: is_vm arg1 && is_pfn arg3 && is_load_idx arg3: true");
	hm_rdata *adt1 = query_oracle(h->adt_);
	RELY(th_hlock(adt1, INFO_ID + arg1));
	RELY(th_hlock(adt1, NPT_ID + COREVISOR));
	local_remap_vm_image_ret r = local_remap_vm_image(arg1, arg2, arg3, adt1->shared);
	hm_z ev[] = {arg1, arg2, arg3};
	return SOME(hvc_logged_step(adt1, HM_AEV_OREMAP_IMAGE, ev, NULL, NULL, r.sdt, r.halt));
}

/* arm HVC_VERIFY_VM_IMAGE */
static hm_sres hvc_verify_vm_image(const hvc_in *h)
{
	hm_z vmid = h->vmid, arg1 = h->arg1;
	if (!is_vm(arg1)) {
		COV("HVC_VERIFY_VM_IMAGE: is_vm arg1: false");
		return SOME(th_halted(h->adt_));
	}
	COV("HVC_VERIFY_VM_IMAGE: is_vm arg1: true");
	hm_rdata *adt1 = query_oracle(h->adt_);
	RELY(th_hlock(adt1, INFO_ID + arg1));
	const hm_vminfo *info = vminfo_at(adt1->shared->vminfos, arg1);
	hm_z state = info->VS.vm_state;
	/* sdt' releases the lock of INFO_ID + vmid (cur_vmid), not arg1 */
	hm_shared *sdt_ = sh_edit(adt1->shared);
	SETP(sdt_, hlock, hm_map_set_bool(adt1->shared->hlock, INFO_ID + vmid, false));
	hm_z ev[] = {arg1};
	hm_rdata *adt__ = rd_edit(adt1);
	SETP(adt__, slog, th_sevent(adt1->curid, HM_AEV_OVERIFY, ev, NULL, NULL, adt1->slog));
	SETP(adt__, shared, sdt_);
	if (state != READY) {
		COV("HVC_VERIFY_VM_IMAGE: state =? READY: false");
		return SOME(th_halted(adt__));
	}
	COV("HVC_VERIFY_VM_IMAGE: state =? READY: true");
	hm_z cnt = info->VB.vm_next_load_info;
	verify_and_load_loop_h_ret r = verify_and_load_loop_h(cnt, arg1, 0, adt__);
	if (!r.r.st) {
		COV("HVC_VERIFY_VM_IMAGE: verify_and_load_loop_h: None");
		return r.r;
	}
	const hm_rdata *adt0 = r.r.st;
	if (adt0->halt) {
		COV("HVC_VERIFY_VM_IMAGE: halt adt0: true");
		return SOME(adt0);
	}
	COV("HVC_VERIFY_VM_IMAGE: halt adt0: false");
	/* info' is the VMInfo read before the loop, now VERIFIED */
	hm_vminfo *info_ = vminfo_edit(info);
	info_->VS.vm_state = VERIFIED;
	hm_shared *sh = sh_edit(adt0->shared);
	SETP(sh, hlock, hm_map_set_bool(adt0->shared->hlock, INFO_ID + arg1, true));
	SETP(sh, vminfos, hm_map_set_ptr(adt0->shared->vminfos, arg1, info_));
	hm_rdata *out = rd_edit(adt0);
	SETP(out, shared, sh);
	SETP(out, slog, th_sevent(adt0->curid, HM_AEV_OVERIFY, ev, NULL, NULL, adt0->slog));
	return SOME(out);
}

/* arm HVC_SMMU_FREE_PGD */
static hm_sres hvc_smmu_free_pgd(const hvc_in *h)
{
	hm_z vmid = h->vmid, arg1 = h->arg1, arg2 = h->arg2;
	if (!(is_smmu_cfg(arg1) && is_smmu(arg2))) {
		COV("HVC_SMMU_FREE_PGD: is_smmu_cfg arg1 && is_smmu arg2: false");
		return SOME(th_halted(h->adt_));
	}
	COV("HVC_SMMU_FREE_PGD: is_smmu_cfg arg1 && is_smmu arg2: true");
	hm_rdata *adt1 = query_oracle(h->adt_);
	RELY(th_hlock(adt1, SMMU_ID));
	RELY(th_hlock(adt1, INFO_ID + vmid));
	local_free_smmu_pgd_ret r = local_free_smmu_pgd(arg1, arg2, adt1->shared);
	hm_z ev[] = {arg1, arg2};
	return SOME(hvc_logged_step(adt1, HM_AEV_OSMMU_FREE, ev, NULL, NULL, r.sdt, r.halt));
}

/* arm HVC_SMMU_ALLOC_PGD */
static hm_sres hvc_smmu_alloc_pgd(const hvc_in *h)
{
	hm_z vmid = h->vmid, arg1 = h->arg1, arg2 = h->arg2, arg3 = h->arg3;
	if (!(is_smmu_cfg(arg1) && HOSTVISOR <= arg2 && arg2 < COREVISOR && is_smmu(arg3))) {
		COV("HVC_SMMU_ALLOC_PGD: argument checks: false");
		return SOME(th_halted(h->adt_));
	}
	COV("HVC_SMMU_ALLOC_PGD: argument checks: true");
	hm_rdata *adt1 = query_oracle(h->adt_);
	hm_z num = hm_map_get_z(adt1->smmu_conf->smmu_dev_context_banks, arg3);
	RELY(th_hlock(adt1, SMMU_ID));
	RELY(th_hlock(adt1, INFO_ID + vmid));
	RELY(th_hlock(adt1, SPT_ID));
	local_alloc_smmu_pgd_ret r = local_alloc_smmu_pgd(arg1, arg2, arg3, num, adt1->shared);
	hm_z ev[] = {arg1, arg2, arg3, num};
	return SOME(hvc_logged_step(adt1, HM_AEV_OSMMU_ALLOC, ev, NULL, NULL, r.sdt, r.halt));
}

/* arm HVC_SMMU_LPAE_MAP */
static hm_sres hvc_smmu_lpae_map(const hvc_in *h)
{
	hm_z vmid = h->vmid;
	hm_z arg1 = h->arg1, arg2 = h->arg2, arg3 = h->arg3, arg4 = h->arg4, arg5 = h->arg5;
	if (!(is_paddr(arg1) && is_paddr(arg2) && 0 <= arg3 && arg3 < (hm_z)9223372036854775807LL &&
	      phys_page(arg3) == 0 && is_smmu_cfg(arg4) && is_smmu(arg5))) {
		COV("HVC_SMMU_LPAE_MAP: argument checks: false");
		return SOME(th_halted(h->adt_));
	}
	COV("HVC_SMMU_LPAE_MAP: argument checks: true");
	hm_z pfn = z_div(arg2, PAGE_SIZE);
	hm_z gfn = z_div(arg1, PAGE_SIZE);
	hm_z pte = z_lor(arg2, z_lor(arg3, PTE_AF_OR_SH_IS));
	hm_rdata *adt1 = query_oracle(h->adt_);
	RELY(th_hlock(adt1, SMMU_ID));
	RELY(th_hlock(adt1, INFO_ID + vmid));
	RELY(th_hlock(adt1, S2PAGE_ID));
	RELY(th_hlock(adt1, NPT_ID));
	local_smmu_assign_page_ret r = local_smmu_assign_page(arg4, arg5, pfn, gfn, adt1->shared);
	/* OASSIGN_SMMU (cbndx index gfn pfn) is given pfn before gfn */
	hm_z ev[] = {arg4, arg5, pfn, gfn};
	hm_rdata *adt__ = hvc_logged_step(adt1, HM_AEV_OASSIGN_SMMU, ev, NULL, NULL, r.sdt, r.halt);
	if (adt__->halt) {
		COV("HVC_SMMU_LPAE_MAP: halt after local_smmu_assign_page: true");
		return SOME(adt__);
	}
	COV("HVC_SMMU_LPAE_MAP: halt after local_smmu_assign_page: false");
	hm_rdata *adt2 = query_oracle(adt__);
	{
		/* The Coq rebinds vmid here: smmu_id arg4 arg5 is index arg4,
		 * cbndx arg5, while the steps take cbndx arg4, index arg5. */
		hm_z vmid = hm_map_get_z(adt2->shared->smmu_vmid, smmu_id(arg4, arg5));
		RELY(th_hlock(adt2, SMMU_ID));
		RELY(th_hlock(adt2, INFO_ID + vmid));
		RELY(th_hlock(adt2, SPT_ID));
		RELY(th_hlock(adt2, SPT_ID));
	}
	local_smmu_map_page_ret r2 = local_smmu_map_page(arg4, arg5, arg1, pte, adt2->shared);
	hm_z ev2[] = {arg4, arg5, arg1, pte};
	return SOME(hvc_logged_step(adt2, HM_AEV_OSMMU_MAP, ev2, NULL, NULL, r2.sdt, r2.halt));
}

/* arm HVC_SMMU_LPAE_IOVA_TO_PHYS */
static hm_sres hvc_smmu_lpae_iova_to_phys(const hvc_in *h)
{
	hm_z arg1 = h->arg1, arg2 = h->arg2, arg3 = h->arg3;
	if (!(is_paddr(arg1) && is_smmu_cfg(arg2) && is_smmu(arg3))) {
		COV("HVC_SMMU_LPAE_IOVA_TO_PHYS: is_paddr arg1 && is_smmu_cfg arg2 && is_smmu arg3: false");
		return SOME(th_halted(h->adt_));
	}
	COV("HVC_SMMU_LPAE_IOVA_TO_PHYS: is_paddr arg1 && is_smmu_cfg arg2 && is_smmu arg3: true");
	hm_rdata *adt1 = query_oracle(h->adt_);
	RELY(th_hlock(adt1, SPT_ID));
	/* the Coq builds log' (OSMMU_GET) and never uses it: slog stays
	 * slog adt1 */
	hm_z ttbr = SMMU_TTBR(arg3, arg2);
	const hm_map *pt = hm_map_get_map(adt1->shared->spts->spt_pt, ttbr);
	const hm_z2 *e = z2_at(pt, z_div(arg1, PAGE_SIZE)); /* (pfn, pte) */
	hm_z ret = phys_page(e->b) + z_land(arg1, 4095);
	hm_ctxt_regs cregs = h->ctxt_->ctxt_regs;
	cregs.x0 = ret;
	hm_rdata *out = rd_edit(adt1);
	SETP(out, shadow_ctxts,
	     th_shadow_set(h->adt_->shadow_ctxts, h->ctxtid, th_ctxt_regs_set(h->ctxt_, cregs)));
	return SOME(out);
}

/* arm HVC_SMMU_CLEAR */
static hm_sres hvc_smmu_clear(const hvc_in *h)
{
	hm_z arg1 = h->arg1, arg2 = h->arg2, arg3 = h->arg3;
	if (!(is_paddr(arg1) && is_smmu_cfg(arg2) && is_smmu(arg3))) {
		COV("HVC_SMMU_CLEAR: is_paddr arg1 && is_smmu_cfg arg2 && is_smmu arg3: false");
		return SOME(th_halted(h->adt_));
	}
	COV("HVC_SMMU_CLEAR: is_paddr arg1 && is_smmu_cfg arg2 && is_smmu arg3: true");
	hm_rdata *adt1 = query_oracle(h->adt_);
	/* smmu_id arg2 arg3: index arg2, cbndx arg3 (local_smmu_clear takes
	 * cbndx arg2, index arg3) */
	hm_z vmid = hm_map_get_z(adt1->shared->smmu_vmid, smmu_id(arg2, arg3));
	RELY(th_hlock(adt1, SMMU_ID));
	RELY(th_hlock(adt1, INFO_ID + vmid));
	RELY(th_hlock(adt1, S2PAGE_ID));
	RELY(th_hlock(adt1, SPT_ID));
	local_smmu_clear_ret r = local_smmu_clear(arg1, arg2, arg3, adt1->shared);
	hm_z ev[] = {arg1, arg2, arg3};
	return SOME(hvc_logged_step(adt1, HM_AEV_OSMMU_CLEAR, ev, NULL, NULL, r.sdt, r.halt));
}

/* arm HVC_PHYS_ADDR_IOREMAP */
static hm_sres hvc_phys_addr_ioremap(const hvc_in *h)
{
	hm_z arg1 = h->arg1, arg2 = h->arg2, arg3 = h->arg3, arg4 = h->arg4;
	hm_z span = z_div(arg4 + 4095, PAGE_SIZE) * PAGE_SIZE;
	if (!(is_vm(arg1) && is_addr(arg2) && is_paddr(arg3) && is_paddr(arg4) &&
	      is_addr(arg2 + span) && is_paddr(arg3 + span) && 0 <= arg4)) {
		COV("HVC_PHYS_ADDR_IOREMAP: argument checks: false");
		return SOME(th_halted(h->adt_));
	}
	COV("HVC_PHYS_ADDR_IOREMAP: argument checks: true");
	hm_z num = z_div(arg4 + 4095, PAGE_SIZE);
	kvm_phys_addr_ioremap_loop_h_ret r = kvm_phys_addr_ioremap_loop_h(num, arg1, arg2, arg3, h->adt_);
	return r.r; /* Some (_, _, adt'') => Some adt'' | None => None */
}

/* arm HVC_REGISTER_KVM */
static hm_sres hvc_register_kvm(const hvc_in *h)
{
	COV("HVC_REGISTER_KVM");
	hm_rdata *adt1 = query_oracle(h->adt_);
	RELY(th_hlock(adt1, CORE_ID));
	hm_z vmid = adt1->shared->core_data.next_vmid;
	local_gen_vmid_ret r = local_gen_vmid(adt1->shared);
	hm_rdata *adt__ = hvc_logged_step(adt1, HM_AEV_OGEN_VMID, NULL, NULL, NULL, r.sdt, r.halt);
	if (adt__->halt) {
		COV("HVC_REGISTER_KVM: halt after local_gen_vmid: true");
		return SOME(adt__);
	}
	COV("HVC_REGISTER_KVM: halt after local_gen_vmid: false");
	hm_rdata *adt2 = query_oracle(adt__);
	RELY(th_hlock(adt2, INFO_ID + vmid));
	local_register_kvm_ret r2 = local_register_kvm(vmid, adt2->shared);
	hm_z ev[] = {vmid};
	hm_rdata *out = hvc_logged_step(adt2, HM_AEV_OREG_KVM, ev, NULL, NULL, r2.sdt, r2.halt);
	hm_ctxt_regs cregs = h->ctxt_->ctxt_regs;
	cregs.x0 = vmid;
	SETP(out, shadow_ctxts,
	     th_shadow_set(h->adt_->shadow_ctxts, h->ctxtid, th_ctxt_regs_set(h->ctxt_, cregs)));
	return SOME(out);
}

/* arm HVC_REGISTER_VCPU */
static hm_sres hvc_register_vcpu(const hvc_in *h)
{
	hm_z arg1 = h->arg1, arg2 = h->arg2;
	if (!(is_vm(arg1) && is_vcpu(arg2))) {
		COV("HVC_REGISTER_VCPU: is_vm arg1 && is_vcpu arg2: false");
		return SOME(th_halted(h->adt_));
	}
	COV("HVC_REGISTER_VCPU: is_vm arg1 && is_vcpu arg2: true");
	hm_rdata *adt1 = query_oracle(h->adt_);
	RELY(th_hlock(adt1, INFO_ID + arg1));
	local_register_vcpu_ret r = local_register_vcpu(arg1, arg2, adt1->shared);
	hm_z ev[] = {arg1, arg2};
	return SOME(hvc_logged_step(adt1, HM_AEV_OREG_VCPU, ev, NULL, NULL, r.sdt, r.halt));
}

/* adt {data_log: (data_log adt) # HOSTVISOR == logn'} */
static hm_rdata *hvc_host_data_log(hm_rdata *adt, hm_z logn_)
{
	SETP(adt, data_log, hm_map_set_z(adt->data_log, HOSTVISOR, logn_));
	return adt;
}

/* arm HVC_ENCRYPT_BUF */
static hm_sres hvc_encrypt_buf(const hvc_in *h)
{
	hm_z arg1 = h->arg1, arg2 = h->arg2, arg3 = h->arg3;
	if (!(is_vm(arg1) && is_paddr(arg2) && is_paddr(arg3))) {
		COV("HVC_ENCRYPT_BUF: is_vm arg1 && is_paddr arg2 && is_paddr arg3: false");
		return SOME(th_halted(h->adt_));
	}
	COV("HVC_ENCRYPT_BUF: is_vm arg1 && is_paddr arg2 && is_paddr arg3: true");
	hm_rdata *adt1 = query_oracle(h->adt_);
	RELY(th_hlock(adt1, S2PAGE_ID));
	hm_oracle *dorc = adt1->doracle; /* (doracle adt1) HOSTVISOR */
	hm_z logn = hm_map_get_z(adt1->data_log, HOSTVISOR);
	local_save_encrypt_buf_ret r =
		local_save_encrypt_buf(arg1, arg2, arg3, dorc, HOSTVISOR, logn, adt1->shared);
	hm_z ev[] = {arg1, arg2, arg3, logn};
	hm_rdata *out = hvc_logged_step(adt1, HM_AEV_OSAVE_ENC_BUF, ev, dorc, NULL, r.sdt, r.halt);
	return SOME(hvc_host_data_log(out, r.logn));
}

/* arm HVC_DECRYPT_BUF */
static hm_sres hvc_decrypt_buf(const hvc_in *h)
{
	hm_z arg1 = h->arg1, arg2 = h->arg2;
	if (!(is_vm(arg1) && is_paddr(arg2))) {
		COV("HVC_DECRYPT_BUF: is_vm arg1 && is_paddr arg2: false");
		return SOME(th_halted(h->adt_));
	}
	COV("HVC_DECRYPT_BUF: is_vm arg1 && is_paddr arg2: true");
	hm_rdata *adt1 = query_oracle(h->adt_);
	RELY(th_hlock(adt1, S2PAGE_ID));
	RELY(th_hlock(adt1, INFO_ID + arg1));
	RELY(th_hlock(adt1, NPT_ID));
	hm_oracle *dorc = adt1->doracle; /* (doracle adt1) HOSTVISOR */
	hm_z logn = hm_map_get_z(adt1->data_log, HOSTVISOR);
	local_load_decrypt_buf_ret r =
		local_load_decrypt_buf(arg1, arg2, dorc, HOSTVISOR, logn, adt1->shared);
	hm_z ev[] = {arg1, arg2, logn};
	hm_rdata *out = hvc_logged_step(adt1, HM_AEV_OLOAD_ENC_BUF, ev, dorc, NULL, r.sdt, r.halt);
	return SOME(hvc_host_data_log(out, r.logn));
}

/* arm HVC_SAVE_CRYPT_VCPU */
static hm_sres hvc_save_crypt_vcpu(const hvc_in *h)
{
	if (!(is_vm(h->arg1) && is_vcpu(h->arg2))) {
		COV("HVC_SAVE_CRYPT_VCPU: is_vm arg1 && is_vcpu arg2: false");
		return SOME(th_halted(h->adt_));
	}
	COV("HVC_SAVE_CRYPT_VCPU: is_vm arg1 && is_vcpu arg2: true");
	return SOME(h->adt_);
}

/* arm HVC_LOAD_CRYPT_VCPU */
static hm_sres hvc_load_crypt_vcpu(const hvc_in *h)
{
	hm_z arg1 = h->arg1, arg2 = h->arg2;
	if (!(is_vm(arg1) && is_vcpu(arg2))) {
		COV("HVC_LOAD_CRYPT_VCPU: is_vm arg1 && is_vcpu arg2: false");
		return SOME(th_halted(h->adt_));
	}
	COV("HVC_LOAD_CRYPT_VCPU: is_vm arg1 && is_vcpu arg2: true");
	const hm_ctxt_regs *cregs_ = &h->ctxt_->ctxt_regs;
	const hm_ctxt_states *cstates_ = &h->ctxt_->ctxt_states;
	hm_rdata *adt1 = query_oracle(h->adt_);
	RELY(th_hlock(adt1, INFO_ID + arg1));
	hm_oracle *dorc = adt1->doracle; /* (doracle adt1) HOSTVISOR */
	hm_z logn = hm_map_get_z(adt1->data_log, HOSTVISOR);
	local_load_encryted_vcpu_ret r = local_load_encryted_vcpu(arg1, arg2, cregs_, cstates_, dorc,
								  HOSTVISOR, logn, adt1->shared);
	/* the event carries cregs' and cstates' in a Ctxt of their own */
	hm_ctxt *evctxt = th_ctxt_set(hm_ctxt_empty(), *cregs_, *cstates_);
	hm_z ev[] = {arg1, arg2, logn};
	hm_rdata *out = hvc_logged_step(adt1, HM_AEV_OLOAD_ENC_VCPU, ev, dorc, evctxt, r.sdt, r.halt);
	hvc_host_data_log(out, r.logn);
	SETP(out, shadow_ctxts,
	     th_shadow_set(h->adt_->shadow_ctxts, h->ctxtid, th_ctxt_set(h->ctxt_, r.cregs, r.cstates)));
	return SOME(out);
}

/* The `match (if arg =? HVC_... ) with` scrutinee of host_hvc_handler_spec. */
static hm_sres host_hvc_dispatch(const hvc_in *h)
{
	hm_z arg = h->arg;
	if (arg == HVC_TIMER_SET_CNTVOFF) {
		COV("arg =? HVC_TIMER_SET_CNTVOFF");
		return SOME(h->adt_);
	}
	if (arg == HVC_CLEAR_VM_S2_RANGE)
		return hvc_clear_vm_s2_range(h);
	if (arg == HVC_SET_BOOT_INFO)
		return hvc_set_boot_info(h);
	if (arg == HVC_REMAP_VM_IMAGE)
		return hvc_remap_vm_image(h);
	if (arg == HVC_VERIFY_VM_IMAGE)
		return hvc_verify_vm_image(h);
	if (arg == HVC_SMMU_FREE_PGD)
		return hvc_smmu_free_pgd(h);
	if (arg == HVC_SMMU_ALLOC_PGD)
		return hvc_smmu_alloc_pgd(h);
	if (arg == HVC_SMMU_LPAE_MAP)
		return hvc_smmu_lpae_map(h);
	if (arg == HVC_SMMU_LPAE_IOVA_TO_PHYS)
		return hvc_smmu_lpae_iova_to_phys(h);
	if (arg == HVC_SMMU_CLEAR)
		return hvc_smmu_clear(h);
	if (arg == HVC_PHYS_ADDR_IOREMAP)
		return hvc_phys_addr_ioremap(h);
	if (arg == HVC_REGISTER_KVM)
		return hvc_register_kvm(h);
	if (arg == HVC_REGISTER_VCPU)
		return hvc_register_vcpu(h);
	if (arg == HVC_ENCRYPT_BUF)
		return hvc_encrypt_buf(h);
	if (arg == HVC_DECRYPT_BUF)
		return hvc_decrypt_buf(h);
	if (arg == HVC_SAVE_CRYPT_VCPU)
		return hvc_save_crypt_vcpu(h);
	if (arg == HVC_LOAD_CRYPT_VCPU)
		return hvc_load_crypt_vcpu(h);
	COV("arg: no hypercall (Some adt')");
	return SOME(h->adt_);
}

/* TrapHandlerSpec: host_hvc_handler_spec */
hm_sres host_hvc_handler_spec(const hm_rdata *adt)
{
	if (!(adt->ihost && !adt->icore)) {
		COV("(ihost adt, icore adt) <> (true, false)");
		return NONE();
	}
	COV("(ihost adt, icore adt) = (true, false)");
	if (adt->halt) {
		COV("halt adt: true");
		return SOME(adt);
	}
	hm_z vmid = adt->cur_vmid;
	hm_z vcpuid = adt->cur_vcpuid;
	hm_z ctxtid = ctxt_id(vmid, vcpuid);
	const hm_ctxt *ctxt = th_shadow_at(adt, ctxtid);
	hm_ctxt *ctxt_ = th_ctxt_regs_set(ctxt, host_to_core_specx(&ctxt->ctxt_regs, &adt->regs->ctxt_regs));
	hm_rdata *adt_ = rd_edit(adt);
	SETP(adt_, shadow_ctxts, th_shadow_set(adt->shadow_ctxts, ctxtid, ctxt_));
	adt_->icore = true;
	const hm_ctxt_regs *cregs_ = &ctxt_->ctxt_regs;
	hvc_in h = {adt_, ctxt_, vmid, ctxtid,
		    cregs_->x0, cregs_->x1, cregs_->x2, cregs_->x3, cregs_->x4, cregs_->x5};
	hm_sres res = host_hvc_dispatch(&h);
	if (!res.st) {
		COV("hypercall: None");
		return res;
	}
	const hm_rdata *adt__ = res.st;
	if (adt__->halt) {
		COV("hypercall: Some adt'', halt adt'': true");
		return SOME(adt__);
	}
	COV("hypercall: Some adt'', halt adt'': false");
	const hm_ctxt *c = th_shadow_at(adt__, ctxtid);
	hm_ctxt *regs = th_ctxt_regs_set(adt__->regs,
					 core_to_host_specx(&c->ctxt_regs, &adt__->regs->ctxt_regs));
	hm_rdata *out = rd_edit(adt__);
	SETP(out, regs, regs);
	out->icore = false;
	return SOME(out);
}
