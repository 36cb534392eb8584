/* The `local_*` definitions of TrapHandlerSpec's ConcurrentSpec as ops,
 * so that traces can run them by name on a CPU's view.
 *
 * They take Shared, not RData, so each op is a wrapper:
 *   - it applies the definition to `shared adt`, with the op's arguments
 *     (the Coq parameter names, in order, `sdt` left out);
 *   - it returns `adt {shared: sdt'}`, and `{halt: halt'}` as well when the
 *     definition returns a halt (local_grant_vm_page and
 *     local_set_vm_poweroff do not: halt is left as it was);
 *   - definitions that return a new logn give it as the op's return value
 *     (data_log is NOT updated: the caller passes logn and reads logn');
 *   - the other results (s2p, npt, info, ... snapshots) are dropped;
 *   - a `dorc` parameter is not an argument: it is `(doracle adt) v`
 *     with v the VM the seed's own call sites use: `vmid` for
 *     local_assign_pfn_to_vm and local_revoke_vm_page, HOSTVISOR for
 *     local_save_encrypt_buf, local_load_decrypt_buf and
 *     local_load_encryted_vcpu (the HVC handlers pass (doracle adt) HOSTVISOR);
 *   - local_load_encryted_vcpu reads cregs and cstates from the shadow
 *     context ctxt_id vmid vcpuid and writes cregs'' and cstates'' back
 *     there, as the HVC_LOAD_CRYPT_VCPU handler does;
 *   - query_oracle is an op too (no arguments): adt := query_oracle adt.
 * No wrapper has a `rely`: the definitions are total, so every op
 * returns Some.
 */
#include "trap_handler_concurrent.h"

/* adt {shared: sdt'} */
static hm_rdata *with_shared(const hm_rdata *adt, const hm_shared *sdt)
{
	hm_rdata *r = rd_edit(adt);
	SETP(r, shared, sdt);
	return r;
}

/* adt {shared: sdt'} {halt: halt'} */
static hm_rdata *with_shared_halt(const hm_rdata *adt, const hm_shared *sdt, bool halt)
{
	hm_rdata *r = with_shared(adt, sdt);
	r->halt = halt;
	return r;
}

#define HALTING(call)                                           \
	do {                                                    \
		__auto_type res_ = (call);                      \
		return SOME(with_shared_halt(adt, res_.sdt, res_.halt)); \
	} while (0)

#define HALTING_LOGN(call)                                                          \
	do {                                                                        \
		__auto_type res_ = (call);                                          \
		return SOME_RET(with_shared_halt(adt, res_.sdt, res_.halt), res_.logn); \
	} while (0)

static hm_sres op_local_map_host(const hm_rdata *adt, const hm_z *a)
{
	HALTING(local_map_host(a[0], adt->shared));
}

static hm_sres op_local_clear_vm_page(const hm_rdata *adt, const hm_z *a)
{
	HALTING(local_clear_vm_page(a[0], a[1], adt->shared));
}

static hm_sres op_local_assign_pfn_to_vm(const hm_rdata *adt, const hm_z *a)
{
	/* vmid gfn pfn ((doracle adt) vmid) logn */
	HALTING_LOGN(local_assign_pfn_to_vm(a[0], a[1], a[2], adt->doracle, a[0], a[3], adt->shared));
}

static hm_sres op_local_map_pfn_vm(const hm_rdata *adt, const hm_z *a)
{
	HALTING(local_map_pfn_vm(a[0], a[1], a[2], a[3], adt->shared));
}

static hm_sres op_local_map_io(const hm_rdata *adt, const hm_z *a)
{
	HALTING(local_map_io(a[0], a[1], a[2], adt->shared));
}

static hm_sres op_local_grant_vm_page(const hm_rdata *adt, const hm_z *a)
{
	return SOME(with_shared(adt, local_grant_vm_page(a[0], a[1], adt->shared).sdt));
}

static hm_sres op_local_revoke_vm_page(const hm_rdata *adt, const hm_z *a)
{
	/* vmid pfn ((doracle adt) vmid) logn */
	HALTING_LOGN(local_revoke_vm_page(a[0], a[1], adt->doracle, a[0], a[2], adt->shared));
}

static hm_sres op_local_set_vcpu_active(const hm_rdata *adt, const hm_z *a)
{
	HALTING(local_set_vcpu_active(a[0], a[1], adt->shared));
}

static hm_sres op_local_set_vcpu_inactive(const hm_rdata *adt, const hm_z *a)
{
	HALTING(local_set_vcpu_inactive(a[0], a[1], adt->shared));
}

static hm_sres op_local_set_vm_poweroff(const hm_rdata *adt, const hm_z *a)
{
	return SOME(with_shared(adt, local_set_vm_poweroff(a[0], adt->shared).sdt));
}

static hm_sres op_local_register_vcpu(const hm_rdata *adt, const hm_z *a)
{
	HALTING(local_register_vcpu(a[0], a[1], adt->shared));
}

static hm_sres op_local_gen_vmid(const hm_rdata *adt, const hm_z *a)
{
	HALTING(local_gen_vmid(adt->shared));
}

static hm_sres op_local_register_kvm(const hm_rdata *adt, const hm_z *a)
{
	HALTING(local_register_kvm(a[0], adt->shared));
}

static hm_sres op_local_set_boot_info(const hm_rdata *adt, const hm_z *a)
{
	HALTING(local_set_boot_info(a[0], a[1], a[2], adt->shared));
}

static hm_sres op_local_remap_vm_image(const hm_rdata *adt, const hm_z *a)
{
	HALTING(local_remap_vm_image(a[0], a[1], a[2], adt->shared));
}

static hm_sres op_local_verify_vm(const hm_rdata *adt, const hm_z *a)
{
	HALTING(local_verify_vm(a[0], adt->shared));
}

static hm_sres op_local_free_smmu_pgd(const hm_rdata *adt, const hm_z *a)
{
	HALTING(local_free_smmu_pgd(a[0], a[1], adt->shared));
}

static hm_sres op_local_alloc_smmu_pgd(const hm_rdata *adt, const hm_z *a)
{
	HALTING(local_alloc_smmu_pgd(a[0], a[1], a[2], a[3], adt->shared));
}

static hm_sres op_local_smmu_assign_page(const hm_rdata *adt, const hm_z *a)
{
	HALTING(local_smmu_assign_page(a[0], a[1], a[2], a[3], adt->shared));
}

static hm_sres op_local_smmu_map_page(const hm_rdata *adt, const hm_z *a)
{
	HALTING(local_smmu_map_page(a[0], a[1], a[2], a[3], adt->shared));
}

static hm_sres op_local_smmu_clear(const hm_rdata *adt, const hm_z *a)
{
	HALTING(local_smmu_clear(a[0], a[1], a[2], adt->shared));
}

static hm_sres op_local_load_encryted_vcpu(const hm_rdata *adt, const hm_z *a)
{
	/* vmid vcpuid cregs cstates ((doracle adt) HOSTVISOR) logn, the
	 * registers of the shadow context written back */
	hm_z vmid = a[0], vcpuid = a[1], logn = a[2];
	hm_z ctxtid = ctxt_id(vmid, vcpuid);
	const hm_ctxt *ctxt = ctxt_at(adt->shadow_ctxts, ctxtid);
	local_load_encryted_vcpu_ret res =
		local_load_encryted_vcpu(vmid, vcpuid, &ctxt->ctxt_regs, &ctxt->ctxt_states,
					 adt->doracle, HOSTVISOR, logn, adt->shared);
	hm_ctxt *c = ctxt_edit(ctxt);
	c->ctxt_regs = res.cregs;
	c->ctxt_states = res.cstates;
	hm_rdata *r = with_shared_halt(adt, res.sdt, res.halt);
	SETP(r, shadow_ctxts, hm_map_set_ptr(adt->shadow_ctxts, ctxtid, c));
	return SOME_RET(r, res.logn);
}

static hm_sres op_local_save_encrypt_buf(const hm_rdata *adt, const hm_z *a)
{
	/* vmid inbuf outbuf ((doracle adt) HOSTVISOR) logn */
	HALTING_LOGN(local_save_encrypt_buf(a[0], a[1], a[2], adt->doracle, HOSTVISOR, a[3],
					    adt->shared));
}

static hm_sres op_local_load_decrypt_buf(const hm_rdata *adt, const hm_z *a)
{
	/* vmid inbuf ((doracle adt) HOSTVISOR) logn */
	HALTING_LOGN(local_load_decrypt_buf(a[0], a[1], adt->doracle, HOSTVISOR, a[2], adt->shared));
}

static hm_sres op_query_oracle(const hm_rdata *adt, const hm_z *a)
{
	return SOME(query_oracle(adt));
}

#define M "TrapHandlerSpec"
#define ARGS(...) {__VA_ARGS__}
const hm_op_def hm_ops_trap_concurrent[] = {
	{"local_map_host", M, 1, ARGS("addr"), op_local_map_host, NULL},
	{"local_clear_vm_page", M, 2, ARGS("vmid", "pfn"), op_local_clear_vm_page, NULL},
	{"local_assign_pfn_to_vm", M, 4, ARGS("vmid", "gfn", "pfn", "logn"),
	 op_local_assign_pfn_to_vm, NULL},
	{"local_map_pfn_vm", M, 4, ARGS("vmid", "addr", "pte", "level"), op_local_map_pfn_vm, NULL},
	{"local_map_io", M, 3, ARGS("vmid", "gpa", "pa"), op_local_map_io, NULL},
	{"local_grant_vm_page", M, 2, ARGS("vmid", "pfn"), op_local_grant_vm_page, NULL},
	{"local_revoke_vm_page", M, 3, ARGS("vmid", "pfn", "logn"), op_local_revoke_vm_page, NULL},
	{"local_set_vcpu_active", M, 2, ARGS("vmid", "vcpuid"), op_local_set_vcpu_active, NULL},
	{"local_set_vcpu_inactive", M, 2, ARGS("vmid", "vcpuid"), op_local_set_vcpu_inactive,
	 NULL},
	{"local_set_vm_poweroff", M, 1, ARGS("vmid"), op_local_set_vm_poweroff, NULL},
	{"local_register_vcpu", M, 2, ARGS("vmid", "vcpuid"), op_local_register_vcpu, NULL},
	{"local_gen_vmid", M, 0, ARGS(NULL), op_local_gen_vmid, NULL},
	{"local_register_kvm", M, 1, ARGS("vmid"), op_local_register_kvm, NULL},
	{"local_set_boot_info", M, 3, ARGS("vmid", "load_addr", "size"), op_local_set_boot_info,
	 NULL},
	{"local_remap_vm_image", M, 3, ARGS("vmid", "pfn", "load_idx"), op_local_remap_vm_image,
	 NULL},
	{"local_verify_vm", M, 1, ARGS("vmid"), op_local_verify_vm, NULL},
	{"local_free_smmu_pgd", M, 2, ARGS("cbndx", "index"), op_local_free_smmu_pgd, NULL},
	{"local_alloc_smmu_pgd", M, 4, ARGS("cbndx", "vmid", "index", "num"),
	 op_local_alloc_smmu_pgd, NULL},
	{"local_smmu_assign_page", M, 4, ARGS("cbndx", "index", "pfn", "gfn"),
	 op_local_smmu_assign_page, NULL},
	{"local_smmu_map_page", M, 4, ARGS("cbndx", "index", "iova", "pte"),
	 op_local_smmu_map_page, NULL},
	{"local_smmu_clear", M, 3, ARGS("iova", "cbndx", "index"), op_local_smmu_clear, NULL},
	{"local_load_encryted_vcpu", M, 3, ARGS("vmid", "vcpuid", "logn"),
	 op_local_load_encryted_vcpu, NULL},
	{"local_save_encrypt_buf", M, 4, ARGS("vmid", "inbuf", "outbuf", "logn"),
	 op_local_save_encrypt_buf, NULL},
	{"local_load_decrypt_buf", M, 3, ARGS("vmid", "inbuf", "logn"), op_local_load_decrypt_buf,
	 NULL},
	{"query_oracle", M, 0, ARGS(NULL), op_query_oracle, NULL},
};
const size_t hm_ops_trap_concurrent_count =
	sizeof hm_ops_trap_concurrent / sizeof hm_ops_trap_concurrent[0];
