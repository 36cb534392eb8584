/* TrapHandlerSpec (seed), Sections HighPTSpec and ConcurrentSpec: the
 * atomic steps of the trap handler over the Shared part of the state
 * (`local_*`), the page-table helpers they use, and the replay of the
 * single log (CalStateH, query_oracle).
 *
 * The Coq definitions are total functions returning tuples; each becomes
 * a C function returning a struct `<name>_ret` with one field per tuple
 * component, in the Coq order:
 *   - `sdt`  the new Shared (the input itself when the Coq returns sdt),
 *   - `halt` the bool the Coq returns,
 *   - `logn` the new data-log index,
 *   - an `option X` component is `has_<x>` plus the value: maps and
 *     records as const pointers (s2p: ZMap S2Page, fmem: ZMap Z flatmem,
 *     smmu: ZMap Z smmu_vmid, npt, spt, info: VMInfo), CoreData inline.
 * Every pointer is either one of the inputs or autoreleased into the
 * current pool.
 *
 * A `dorc: Z -> Z` parameter is the partial application
 * `(doracle adt) dorc_vmid`, passed as (dorc, dorc_vmid); dorc n is
 * hm_oracle_data(dorc, dorc_vmid, n).
 */
#ifndef HM_TRAP_HANDLER_CONCURRENT_H
#define HM_TRAP_HANDLER_CONCURRENT_H

#include <stdbool.h>

#include "spec.h"
#include "state.h"

/* ---- Section HighPTSpec ---- */

/* local_mmap_loop_h n gfn pfn level pte pt' = (gfn', pfn', pt'').
 * n is the nat count (negative treated as 0). */
typedef struct local_mmap_loop_h_ret {
	hm_z gfn;
	hm_z pfn;
	const hm_map *pt; /* ZMap (Z * Z * Z) */
} local_mmap_loop_h_ret;
local_mmap_loop_h_ret local_mmap_loop_h(hm_z n, hm_z gfn, hm_z pfn, hm_z level, hm_z pte,
					const hm_map *pt);

/* local_mmap_h vmid addr level pte npt = (halt, npt'). */
typedef struct local_mmap_h_ret {
	bool halt;
	const hm_npt *npt;
} local_mmap_h_ret;
local_mmap_h_ret local_mmap_h(hm_z vmid, hm_z addr, hm_z level, hm_z pte, const hm_npt *npt);

/* local_spt_map_h cbndx index addr pte spt = (halt, spt'). */
typedef struct local_spt_map_h_ret {
	bool halt;
	const hm_spt *spt;
} local_spt_map_h_ret;
local_spt_map_h_ret local_spt_map_h(hm_z cbndx, hm_z index, hm_z addr, hm_z pte,
				    const hm_spt *spt);

/* ---- Section ConcurrentSpec ---- */

/* (sdt', halt', Some s2p, Some npt' | None) */
typedef struct local_map_host_ret {
	const hm_shared *sdt;
	bool halt;
	bool has_s2p;
	const hm_map *s2p;
	bool has_npt;
	const hm_npt *npt;
} local_map_host_ret;
local_map_host_ret local_map_host(hm_z addr, const hm_shared *sdt);

/* (sdt', halt', Some s2p, Some npt | None, Some fmem | None) */
typedef struct local_clear_vm_page_ret {
	const hm_shared *sdt;
	bool halt;
	bool has_s2p;
	const hm_map *s2p;
	bool has_npt;
	const hm_npt *npt;
	bool has_fmem;
	const hm_map *fmem;
} local_clear_vm_page_ret;
local_clear_vm_page_ret local_clear_vm_page(hm_z vmid, hm_z pfn, const hm_shared *sdt);

/* (sdt', halt', logn', Some s2p, Some npt | None, Some fmem | None) */
typedef struct local_assign_pfn_to_vm_ret {
	const hm_shared *sdt;
	bool halt;
	hm_z logn;
	bool has_s2p;
	const hm_map *s2p;
	bool has_npt;
	const hm_npt *npt;
	bool has_fmem;
	const hm_map *fmem;
} local_assign_pfn_to_vm_ret;
local_assign_pfn_to_vm_ret local_assign_pfn_to_vm(hm_z vmid, hm_z gfn, hm_z pfn, hm_oracle *dorc,
						  hm_z dorc_vmid, hm_z logn,
						  const hm_shared *sdt);

/* (sdt', halt', Some npt') */
typedef struct local_map_pfn_vm_ret {
	const hm_shared *sdt;
	bool halt;
	bool has_npt;
	const hm_npt *npt;
} local_map_pfn_vm_ret;
local_map_pfn_vm_ret local_map_pfn_vm(hm_z vmid, hm_z addr, hm_z pte, hm_z level,
				      const hm_shared *sdt);

/* (sdt', halt', Some info, Some s2p | None, Some npt' | None) */
typedef struct local_map_io_ret {
	const hm_shared *sdt;
	bool halt;
	bool has_info;
	const hm_vminfo *info;
	bool has_s2p;
	const hm_map *s2p;
	bool has_npt;
	const hm_npt *npt;
} local_map_io_ret;
local_map_io_ret local_map_io(hm_z vmid, hm_z gpa, hm_z pa, const hm_shared *sdt);

/* (sdt', Some s2p') */
typedef struct local_grant_vm_page_ret {
	const hm_shared *sdt;
	bool has_s2p;
	const hm_map *s2p;
} local_grant_vm_page_ret;
local_grant_vm_page_ret local_grant_vm_page(hm_z vmid, hm_z pfn, const hm_shared *sdt);

/* (sdt', halt', logn', Some s2p, Some npt | None, Some fmem | None) */
typedef struct local_revoke_vm_page_ret {
	const hm_shared *sdt;
	bool halt;
	hm_z logn;
	bool has_s2p;
	const hm_map *s2p;
	bool has_npt;
	const hm_npt *npt;
	bool has_fmem;
	const hm_map *fmem;
} local_revoke_vm_page_ret;
local_revoke_vm_page_ret local_revoke_vm_page(hm_z vmid, hm_z pfn, hm_oracle *dorc,
					      hm_z dorc_vmid, hm_z logn, const hm_shared *sdt);

/* (sdt', halt', Some info) -- shared by the VMInfo steps below. */
typedef struct local_info_ret {
	const hm_shared *sdt;
	bool halt;
	bool has_info;
	const hm_vminfo *info;
} local_info_ret;
typedef local_info_ret local_set_vcpu_active_ret;
typedef local_info_ret local_set_vcpu_inactive_ret;
typedef local_info_ret local_register_vcpu_ret;
typedef local_info_ret local_register_kvm_ret;
typedef local_info_ret local_verify_vm_ret;

local_set_vcpu_active_ret local_set_vcpu_active(hm_z vmid, hm_z vcpuid, const hm_shared *sdt);
local_set_vcpu_inactive_ret local_set_vcpu_inactive(hm_z vmid, hm_z vcpuid,
						    const hm_shared *sdt);

/* (sdt', Some info') */
typedef struct local_set_vm_poweroff_ret {
	const hm_shared *sdt;
	bool has_info;
	const hm_vminfo *info;
} local_set_vm_poweroff_ret;
local_set_vm_poweroff_ret local_set_vm_poweroff(hm_z vmid, const hm_shared *sdt);

/* uses the platform parameter shared_vcpu */
local_register_vcpu_ret local_register_vcpu(hm_z vmid, hm_z vcpuid, const hm_shared *sdt);

/* (sdt', halt', core) -- core is not an option here */
typedef struct local_gen_vmid_ret {
	const hm_shared *sdt;
	bool halt;
	hm_core_data core;
} local_gen_vmid_ret;
local_gen_vmid_ret local_gen_vmid(const hm_shared *sdt);

/* uses the platform parameter shared_kvm */
local_register_kvm_ret local_register_kvm(hm_z vmid, const hm_shared *sdt);

/* (sdt', halt', Some info, Some core | None) */
typedef struct local_set_boot_info_ret {
	const hm_shared *sdt;
	bool halt;
	bool has_info;
	const hm_vminfo *info;
	bool has_core;
	hm_core_data core;
} local_set_boot_info_ret;
local_set_boot_info_ret local_set_boot_info(hm_z vmid, hm_z load_addr, hm_z size,
					    const hm_shared *sdt);

/* (sdt', halt', Some info, Some npt' | None) */
typedef struct local_remap_vm_image_ret {
	const hm_shared *sdt;
	bool halt;
	bool has_info;
	const hm_vminfo *info;
	bool has_npt;
	const hm_npt *npt;
} local_remap_vm_image_ret;
local_remap_vm_image_ret local_remap_vm_image(hm_z vmid, hm_z pfn, hm_z load_idx,
					      const hm_shared *sdt);

local_verify_vm_ret local_verify_vm(hm_z vmid, const hm_shared *sdt);

/* (sdt', halt', Some smmu, Some info | None) */
typedef struct local_free_smmu_pgd_ret {
	const hm_shared *sdt;
	bool halt;
	bool has_smmu;
	const hm_map *smmu;
	bool has_info;
	const hm_vminfo *info;
} local_free_smmu_pgd_ret;
local_free_smmu_pgd_ret local_free_smmu_pgd(hm_z cbndx, hm_z index, const hm_shared *sdt);

/* (sdt', halt', Some smmu, Some info | None, Some spt' | None) */
typedef struct local_alloc_smmu_pgd_ret {
	const hm_shared *sdt;
	bool halt;
	bool has_smmu;
	const hm_map *smmu;
	bool has_info;
	const hm_vminfo *info;
	bool has_spt;
	const hm_spt *spt;
} local_alloc_smmu_pgd_ret;
local_alloc_smmu_pgd_ret local_alloc_smmu_pgd(hm_z cbndx, hm_z vmid, hm_z index, hm_z num,
					      const hm_shared *sdt);

/* (sdt', halt', Some smmu, Some info | None, Some s2p | None, Some npt' | None) */
typedef struct local_smmu_assign_page_ret {
	const hm_shared *sdt;
	bool halt;
	bool has_smmu;
	const hm_map *smmu;
	bool has_info;
	const hm_vminfo *info;
	bool has_s2p;
	const hm_map *s2p;
	bool has_npt;
	const hm_npt *npt;
} local_smmu_assign_page_ret;
local_smmu_assign_page_ret local_smmu_assign_page(hm_z cbndx, hm_z index, hm_z pfn, hm_z gfn,
						  const hm_shared *sdt);

/* (sdt', halt', Some smmu, Some info | None, Some s2p | None, Some spt' | None)
 * -- shared by local_smmu_map_page and local_smmu_clear. */
typedef struct local_smmu_spt_ret {
	const hm_shared *sdt;
	bool halt;
	bool has_smmu;
	const hm_map *smmu;
	bool has_info;
	const hm_vminfo *info;
	bool has_s2p;
	const hm_map *s2p;
	bool has_spt;
	const hm_spt *spt;
} local_smmu_spt_ret;
typedef local_smmu_spt_ret local_smmu_map_page_ret;
typedef local_smmu_spt_ret local_smmu_clear_ret;

local_smmu_map_page_ret local_smmu_map_page(hm_z cbndx, hm_z index, hm_z iova, hm_z pte,
					    const hm_shared *sdt);
local_smmu_clear_ret local_smmu_clear(hm_z iova, hm_z cbndx, hm_z index, const hm_shared *sdt);

/* (sdt', halt', cregs'', cstates'', logn'', Some info) -- uses the platform
 * parameters decrypt_gp_regs_specx and decrypt_sys_regs_specx. */
typedef struct local_load_encryted_vcpu_ret {
	const hm_shared *sdt;
	bool halt;
	hm_ctxt_regs cregs;
	hm_ctxt_states cstates;
	hm_z logn;
	bool has_info;
	const hm_vminfo *info;
} local_load_encryted_vcpu_ret;
local_load_encryted_vcpu_ret local_load_encryted_vcpu(hm_z vmid, hm_z vcpuid,
						      const hm_ctxt_regs *cregs,
						      const hm_ctxt_states *cstates,
						      hm_oracle *dorc, hm_z dorc_vmid, hm_z logn,
						      const hm_shared *sdt);

/* (sdt', halt', logn', Some s2p, Some fmem' | None) */
typedef struct local_save_encrypt_buf_ret {
	const hm_shared *sdt;
	bool halt;
	hm_z logn;
	bool has_s2p;
	const hm_map *s2p;
	bool has_fmem;
	const hm_map *fmem;
} local_save_encrypt_buf_ret;
local_save_encrypt_buf_ret local_save_encrypt_buf(hm_z vmid, hm_z inbuf, hm_z outbuf,
						  hm_oracle *dorc, hm_z dorc_vmid, hm_z logn,
						  const hm_shared *sdt);

/* (sdt', halt', logn', Some info, Some s2p | None, Some npt' | None, Some fmem' | None) */
typedef struct local_load_decrypt_buf_ret {
	const hm_shared *sdt;
	bool halt;
	hm_z logn;
	bool has_info;
	const hm_vminfo *info;
	bool has_s2p;
	const hm_map *s2p;
	bool has_npt;
	const hm_npt *npt;
	bool has_fmem;
	const hm_map *fmem;
} local_load_decrypt_buf_ret;
local_load_decrypt_buf_ret local_load_decrypt_buf(hm_z vmid, hm_z inbuf, hm_oracle *dorc,
						  hm_z dorc_vmid, hm_z logn,
						  const hm_shared *sdt);

/* CalStateH slog sdt: replays the OMAP_HOST events of a single log.
 * Reproduces the Coq exactly, including that any event other than
 * OMAP_HOST makes the result the ORIGINAL sdt (the replay of the older
 * events is dropped). Iterative. */
const hm_shared *CalStateH(const hm_slog *slog, const hm_shared *sdt);

/* query_oracle adt: appends the events the single oracle reports for
 * curid and replays them over shared (autoreleased). Never None. */
hm_rdata *query_oracle(const hm_rdata *adt);

/* The `local_*` definitions as ops over adt->shared (see the table). */
extern const hm_op_def hm_ops_trap_concurrent[];
extern const size_t hm_ops_trap_concurrent_count;

#endif
