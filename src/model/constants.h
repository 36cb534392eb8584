/* The constants of Constants.md and the object IDs of RData.md
 * (VeriGu/VRM proofs/sekvm/sekvm_layers), with the helpers Constants.md
 * defines on them. Generated once from the definitions; names are the Coq
 * names so that spec code reads like the Coq. */
#ifndef HM_CONSTANTS_H
#define HM_CONSTANTS_H

#include <stdbool.h>

#include "z.h"

/* Constants.md */
#define INVALID ((hm_z)4294967295LL)
#define INVALID64 ((hm_z)18446744073709551615ULL)
#define KVM_PHYS_SIZE ((hm_z)1099511627776LL)
#define KVM_ADDR_SPACE ((hm_z)281474976710656LL)
#define KVM_PFN_SPACE ((hm_z)268435456LL)
#define KVM_GFN_SPACE ((hm_z)68719476736LL)
#define PT_POOL_START ((hm_z)65536LL)
#define PT_POOL_PER_VM ((hm_z)33554432LL)
#define PT_POOL_SIZE ((hm_z)503316480LL)
#define PT_POOL_END ((hm_z)503382016LL)
#define PGD_OFFSET ((hm_z)4096LL)
#define PUD_OFFSET ((hm_z)1052672LL)
#define PMD_OFFSET ((hm_z)9441280LL)
#define MAX_VM_NUM ((hm_z)15LL)
#define VCPU_PER_VM ((hm_z)8LL)
#define MAX_LOAD_INFO_NUM ((hm_z)5LL)
#define MAX_MEMBLOCK_NUM ((hm_z)32LL)
#define MAX_S2PAGE_NUM ((hm_z)16777216LL)
#define MAX_REGISTER_NUM ((hm_z)256LL)
#define REMAP_START ((hm_z)33554432LL)
#define REMAP_SIZE ((hm_z)33554432LL)
#define REMAP_END ((hm_z)67108864LL)
#define HOSTVISOR ((hm_z)0LL)
#define COREVISOR ((hm_z)16LL)
#define MAX_SHARE_COUNT ((hm_z)100LL)
#define SMMU_NUM ((hm_z)2LL)
#define SMMU_NUM_CTXT_BANKS ((hm_z)8LL)
#define EL2_SMMU_CFG_SIZE ((hm_z)16LL)
#define SMMU_POOL_START ((hm_z)65536LL)
#define SMMU_PGD_START ((hm_z)1114112LL)
#define SMMU_PMD_START ((hm_z)2162688LL)
#define SMMU_POOL_END ((hm_z)3211264LL)
#define PAGE_SIZE ((hm_z)4096LL)
#define CTXT_POOL_SIZE ((hm_z)136LL)
#define PAGE_MASK ((hm_z)1152921504606842880LL)
#define PMD_PAGE_MASK ((hm_z)1152921504604749824LL)
#define PHYS_MASK ((hm_z)281474976710655LL)
#define S2_PGDIR_SHIFT ((hm_z)30LL)
#define PTRS_PER_S2_PGD ((hm_z)1024LL)
#define PGDIR_SHIFT ((hm_z)39LL)
#define PTRS_PER_PGD ((hm_z)512LL)
#define PUD_SHIFT ((hm_z)30LL)
#define PMD_SHIFT ((hm_z)21LL)
#define PTRS_PER_PMD ((hm_z)512LL)
#define PAGE_SHIFT ((hm_z)12LL)
#define PTRS_PER_PTE ((hm_z)200LL)
#define PUD_TYPE_TABLE ((hm_z)3LL)
#define PMD_TYPE_TABLE ((hm_z)3LL)
#define PMD_TABLE_BIT ((hm_z)2LL)
#define NOT_PMD_TABLE_BIT ((hm_z)18446744073709551613ULL)
#define PMD_PAGE_NUM ((hm_z)512LL)
#define PMD_SIZE ((hm_z)2097152LL)
#define VTTBR_VMID_SHIFT ((hm_z)48LL)
#define PAGE_S2_DEVICE ((hm_z)18014398509483847LL)
#define S2_RDWR ((hm_z)192LL)
#define PAGE_S2_KERNEL ((hm_z)4095LL)
#define PAGE_NONE ((hm_z)315251973915938706LL)
#define PAGE_GUEST ((hm_z)144115188075855872LL)
#define PAGE_HYP ((hm_z)18014398509483859LL)
#define TOTAL_CPU ((hm_z)8LL)
#define MAX_MMIO_ADDR ((hm_z)1073741824LL)
#define SMMU_HOST_OFFSET ((hm_z)1000000000LL)
#define UNUSED ((hm_z)0LL)
#define MAPPED ((hm_z)1LL)
#define READY ((hm_z)2LL)
#define VERIFIED ((hm_z)3LL)
#define POWEROFF ((hm_z)4LL)
#define ACTIVE ((hm_z)5LL)
#define ARM_SMMU_FEAT_COHERENT_WALK ((hm_z)1LL)
#define ARM_SMMU_FEAT_STREAM_MATCH ((hm_z)2LL)
#define ARM_SMMU_FEAT_TRANS_S1 ((hm_z)4LL)
#define ARM_SMMU_FEAT_TRANS_S2 ((hm_z)8LL)
#define ARM_SMMU_FEAT_TRANS_NESTED ((hm_z)16LL)
#define ARM_SMMU_OPT_SECURE_CFG_ACCESS ((hm_z)1LL)
#define SHARED_KVM_START ((hm_z)1LL)
#define SHARED_VCPU_START ((hm_z)1LL)
#define DIRTY_PC_FLAG ((hm_z)4294967296LL)
#define PSCI_0_2_FN64_CPU_ON ((hm_z)3288334339LL)
#define PSCI_0_2_FN_AFFINITY_INFO ((hm_z)2214592516LL)
#define PSCI_0_2_FN64_AFFINITY_INFO ((hm_z)1073741828LL)
#define PSCI_0_2_FN_SYSTEM_OFF ((hm_z)2214592520LL)
#define ESR_ELx_WNR ((hm_z)64LL)
#define ESR_ELx_S1PTW ((hm_z)128LL)
#define ARM_EXCEPTION_TRAP ((hm_z)2LL)
#define ESR_ELx_EC_MASK ((hm_z)4227858432LL)
#define ESR_ELx_EC_SHIFT ((hm_z)26LL)
#define ESR_ELx_EC_UNKNOWN ((hm_z)0LL)
#define ESR_ELx_EC_WFx ((hm_z)1LL)
#define ESR_ELx_EC_HVC32 ((hm_z)18LL)
#define ESR_ELx_EC_HVC64 ((hm_z)22LL)
#define ESR_ELx_EC_IABT_LOW ((hm_z)32LL)
#define ESR_ELx_EC_DABT_LOW ((hm_z)36LL)
#define ESR_ELx_SRT_SHIFT ((hm_z)16LL)
#define ESR_ELx_SRT_MASK ((hm_z)31LL)
#define ESR_ELx_SAS_SHIFT ((hm_z)22LL)
#define ESR_ELx_SAS ((hm_z)12582912LL)
#define PTE_AF_OR_SH_IS ((hm_z)65536LL)
#define SMMU_PTE_ADDR_MASK ((hm_z)281474976710655LL)
#define ARM_SMMU_CB_TTBR0 ((hm_z)32LL)
#define ARM_SMMU_CB_CONTEXTIDR ((hm_z)52LL)
#define ARM_SMMU_GR0_sCR0 ((hm_z)0LL)
#define ARM_SMMU_GR0_sCR2 ((hm_z)8LL)
#define sCR0_SMCFCFG_SHIFT ((hm_z)21LL)
#define CBAR_TYPE_SHIFT ((hm_z)16LL)
#define CBAR_TYPE_S2_TRANS ((hm_z)0LL)
#define CBAR_VMID_SHIFT ((hm_z)0LL)
#define CBAR_VMID_MASK ((hm_z)255LL)
#define ARM_SMMU_GR1_BASE ((hm_z)4096LL)
#define ARM_SMMU_GR1_END ((hm_z)6144LL)
#define ARM_SMMU_PGSHIFT_MASK ((hm_z)4095LL)
#define SMMU_OFFSET_MASK ((hm_z)65535LL)
#define HPFAR_MASK ((hm_z)65535LL)
#define PSTATE_FAULT_BITS_64 ((hm_z)965LL)
#define PENDING_EXCEPT_INJECT_FLAG ((hm_z)60129542144LL)
#define PENDING_FSC_FAULT ((hm_z)2LL)
#define HCR_VI ((hm_z)1LL)
#define HCR_VF ((hm_z)2LL)
#define HCR_HYPSEC_VM_FLAGS ((hm_z)3LL)
#define ARMV8_PMU_USERENR_MASK ((hm_z)4LL)
#define HYPSEC_MDCR_EL2_FLAG ((hm_z)5LL)
#define CPTR_VM ((hm_z)6LL)
#define CPTR_EL2_DEFAULT ((hm_z)7LL)
#define HCR_HOST_NVHE_FLAGS ((hm_z)8LL)
#define CNTHCTL_EL1PCEN ((hm_z)9LL)
#define CNTHCTL_EL1PCTEN ((hm_z)10LL)
#define HVC_KVM_SET_DESC_PFN ((hm_z)11LL)
#define HVC_KVM_UNSET_DESC_PFN ((hm_z)12LL)
#define HVC_TIMER_SET_CNTVOFF ((hm_z)13LL)
#define HVC_CLEAR_VM_S2_RANGE ((hm_z)14LL)
#define HVC_SET_BOOT_INFO ((hm_z)15LL)
#define HVC_REMAP_VM_IMAGE ((hm_z)16LL)
#define HVC_VERIFY_VM_IMAGE ((hm_z)17LL)
#define HVC_SMMU_FREE_PGD ((hm_z)18LL)
#define HVC_SMMU_ALLOC_PGD ((hm_z)19LL)
#define HVC_SMMU_LPAE_MAP ((hm_z)20LL)
#define HVC_SMMU_LPAE_IOVA_TO_PHYS ((hm_z)21LL)
#define HVC_SMMU_CLEAR ((hm_z)22LL)
#define HVC_PHYS_ADDR_IOREMAP ((hm_z)23LL)
#define HVC_REGISTER_KVM ((hm_z)24LL)
#define HVC_REGISTER_VCPU ((hm_z)25LL)
#define HVC_ENCRYPT_BUF ((hm_z)26LL)
#define HVC_DECRYPT_BUF ((hm_z)27LL)
#define HVC_SAVE_CRYPT_VCPU ((hm_z)28LL)
#define HVC_LOAD_CRYPT_VCPU ((hm_z)29LL)
#define ESR_ELx_EC_SYS64 ((hm_z)30LL)
#define ARM_EXCEPTION_INTERRUPT ((hm_z)31LL)
#define X0 ((hm_z)0LL)
#define X1 ((hm_z)1LL)
#define X2 ((hm_z)2LL)
#define X3 ((hm_z)3LL)
#define X4 ((hm_z)4LL)
#define X5 ((hm_z)5LL)
#define X6 ((hm_z)6LL)
#define X7 ((hm_z)7LL)
#define X8 ((hm_z)8LL)
#define X9 ((hm_z)9LL)
#define X10 ((hm_z)10LL)
#define X11 ((hm_z)11LL)
#define X12 ((hm_z)12LL)
#define X13 ((hm_z)13LL)
#define X14 ((hm_z)14LL)
#define X15 ((hm_z)15LL)
#define X16 ((hm_z)16LL)
#define X17 ((hm_z)17LL)
#define X18 ((hm_z)18LL)
#define X19 ((hm_z)19LL)
#define X20 ((hm_z)20LL)
#define X21 ((hm_z)21LL)
#define X22 ((hm_z)22LL)
#define X23 ((hm_z)23LL)
#define X24 ((hm_z)24LL)
#define X25 ((hm_z)25LL)
#define X26 ((hm_z)26LL)
#define X27 ((hm_z)27LL)
#define X28 ((hm_z)28LL)
#define X29 ((hm_z)29LL)
#define X30 ((hm_z)30LL)
#define SP ((hm_z)31LL)
#define PC ((hm_z)32LL)
#define PSTATE ((hm_z)33LL)
#define SP_EL1 ((hm_z)34LL)
#define ELR_EL1 ((hm_z)35LL)
#define SPSR_EL1 ((hm_z)36LL)
#define SPSR_ABT ((hm_z)37LL)
#define SPSR_UND ((hm_z)38LL)
#define SPSR_IRQ ((hm_z)39LL)
#define SPSR_FIQ ((hm_z)40LL)
#define FAR_EL2 ((hm_z)41LL)
#define HPFAR_EL2 ((hm_z)42LL)
#define HCR_EL2 ((hm_z)43LL)
#define EC ((hm_z)44LL)
#define DIRTY ((hm_z)45LL)
#define FLAGS ((hm_z)46LL)
#define SYSREGS_START ((hm_z)47LL)
#define SHADOW_SYS_REGS_SIZE ((hm_z)24LL)
#define MPIDR_EL1 ((hm_z)47LL)
#define CSSELR_EL1 ((hm_z)48LL)
#define SCTLR_EL1 ((hm_z)49LL)
#define ACTLR_EL1 ((hm_z)50LL)
#define CPACR_EL1 ((hm_z)51LL)
#define TTBR0_EL1 ((hm_z)52LL)
#define TTBR1_EL1 ((hm_z)53LL)
#define TCR_EL1 ((hm_z)54LL)
#define ESR_EL1 ((hm_z)55LL)
#define AFSR0_EL1 ((hm_z)56LL)
#define AFSR1_EL1 ((hm_z)57LL)
#define FAR_EL1 ((hm_z)58LL)
#define MAIR_EL1 ((hm_z)59LL)
#define VBAR_EL1 ((hm_z)60LL)
#define CONTEXTIDR_EL1 ((hm_z)61LL)
#define TPIDR_EL0 ((hm_z)62LL)
#define TPIDRRO_EL0 ((hm_z)63LL)
#define TPIDR_EL1 ((hm_z)64LL)
#define AMAIR_EL1 ((hm_z)65LL)
#define CNTKCTL_EL1 ((hm_z)66LL)
#define PAR_EL1 ((hm_z)67LL)
#define MDSCR_EL1 ((hm_z)68LL)
#define MDCCINT_EL1 ((hm_z)69LL)
#define ELR_EL2 ((hm_z)70LL)
#define SPSR_0 ((hm_z)71LL)
#define ESR_EL2 ((hm_z)72LL)

/* RData.md: object IDs and lock indices */
#define FLATMEM_ID ((hm_z)0LL)
#define CORE_ID ((hm_z)1LL)
#define S2PAGE_ID ((hm_z)2LL)
#define SPT_ID ((hm_z)3LL)
#define SMMU_ID ((hm_z)4LL)
#define NPT_ID ((hm_z)5LL)
#define INFO_ID ((hm_z)22LL)
#define ID_END ((hm_z)39LL)
#define lock_idx_core ((hm_z)0LL)
#define lock_idx_s2page ((hm_z)1LL)
#define lock_idx_spt ((hm_z)2LL)
#define lock_idx_smmu ((hm_z)3LL)
#define lock_idx_pt_base ((hm_z)4LL)
#define lock_idx_vm_base ((hm_z)21LL)
#define lock_range ((hm_z)39LL)

/* MmioRawSpec.md: the SMMU constants the TrapHandler seed names
 * Spec.SMMU_GLOBAL_BASE and Spec.ARM_SMMU_PGSHIFT */
#define SMMU_GLOBAL_BASE ((hm_z)32768)
#define ARM_SMMU_PGSHIFT ((hm_z)12)

/* LocksSpec.md */
#define local_lock_bound ((hm_z)10)

/* Constants.md: the helpers */
#define SMMU_TTBR(idx, cbndx) (SMMU_POOL_START + ((idx) * SMMU_NUM_CTXT_BANKS + (cbndx)) * PAGE_SIZE * 2)

static inline bool is_vm(hm_z vmid) { return HOSTVISOR < vmid && vmid < COREVISOR; }
static inline bool is_vmid(hm_z vmid) { return HOSTVISOR <= vmid && vmid <= COREVISOR; }
static inline bool is_vcpu(hm_z v) { return 0 <= v && v < VCPU_PER_VM; }
static inline bool is_addr(hm_z a) { return 0 <= a && a < KVM_ADDR_SPACE; }
static inline bool is_paddr(hm_z a) { return 0 <= a && a < KVM_PHYS_SIZE; }
static inline bool is_pfn(hm_z p) { return 0 <= p && p < KVM_PFN_SPACE; }
static inline bool is_gfn(hm_z g) { return 0 <= g && g < KVM_GFN_SPACE; }
static inline bool is_pt_addr(hm_z a) { return PT_POOL_START <= a && a < PT_POOL_END; }
static inline bool is_spt_addr(hm_z a) { return SMMU_POOL_START <= a && a < SMMU_POOL_END; }
static inline bool is_load_idx(hm_z i) { return 0 <= i && i < MAX_LOAD_INFO_NUM; }
static inline bool is_reg(hm_z i) { return 0 <= i && i < MAX_REGISTER_NUM; }
static inline bool is_memblock(hm_z i) { return 0 <= i && i < MAX_MEMBLOCK_NUM; }
static inline bool is_s2page(hm_z i) { return 0 <= i && i < MAX_S2PAGE_NUM; }
static inline bool is_count(hm_z c) { return 0 <= c && c <= MAX_SHARE_COUNT; }
static inline bool is_ctxt(hm_z i) { return 0 <= i && i < CTXT_POOL_SIZE; }
static inline bool is_smmu(hm_z i) { return 0 <= i && i < SMMU_NUM; }
static inline bool is_smmu_cfg(hm_z i) { return 0 <= i && i < SMMU_NUM_CTXT_BANKS; }
static inline bool is_dirty_bit(hm_z i) { return 0 <= i && i <= 32; }
static inline bool is_int(hm_z n) { return 0 <= n && n <= (hm_z)4294967295LL; }
static inline bool is_int64(hm_z n) { return 0 <= n && n <= INVALID64; }
static inline bool is_smmu_addr(hm_z a) { return 0 <= a && a < (hm_z)1099511627776LL; }

static inline hm_z phys_page(hm_z addr) { return z_land(z_land(addr, PHYS_MASK), PAGE_MASK); }
static inline hm_z pmd_page(hm_z addr) { return z_land(z_land(addr, PHYS_MASK), PMD_PAGE_MASK); }
static inline hm_z stage2_pgd_index(hm_z a) { return z_land(z_shiftr(a, S2_PGDIR_SHIFT), 1023); }
static inline hm_z pgd_index(hm_z a) { return z_land(z_shiftr(a, PGDIR_SHIFT), 511); }
static inline hm_z pud_index(hm_z a) { return z_land(z_shiftr(a, PUD_SHIFT), 511); }
static inline hm_z pmd_index(hm_z a) { return z_land(z_shiftr(a, PMD_SHIFT), 511); }
static inline hm_z pte_index(hm_z a) { return z_land(z_shiftr(a, PAGE_SHIFT), 511); }
static inline hm_z pmd_table(hm_z pmd) { return z_land(pmd, PMD_TYPE_TABLE); }
static inline hm_z pool_start(hm_z vm) { return PT_POOL_START + PT_POOL_PER_VM * vm; }
static inline hm_z pgd_start(hm_z vm) { return PT_POOL_START + PT_POOL_PER_VM * vm + PGD_OFFSET; }
static inline hm_z pud_start(hm_z vm) { return PT_POOL_START + PT_POOL_PER_VM * vm + PUD_OFFSET; }
static inline hm_z pmd_start(hm_z vm) { return PT_POOL_START + PT_POOL_PER_VM * vm + PMD_OFFSET; }
static inline hm_z pool_end(hm_z vm) { return PT_POOL_START + PT_POOL_PER_VM * (vm + 1); }
static inline hm_z pt_vttbr(hm_z vm)
{
	return z_lor(PT_POOL_START + PT_POOL_PER_VM * vm, vm * (hm_z)281474976710656LL);
}
static inline hm_z ctxt_id(hm_z vmid, hm_z vcpuid) { return vmid * VCPU_PER_VM + vcpuid; }
static inline hm_z smmu_id(hm_z index, hm_z cbndx) { return index * SMMU_NUM_CTXT_BANKS + cbndx; }

static inline hm_z host_dabt_get_rd_(hm_z hsr) { return z_land(z_shiftr(hsr, ESR_ELx_SRT_SHIFT), ESR_ELx_SRT_MASK); }
static inline hm_z host_dabt_get_as_(hm_z hsr)
{
	return z_shiftl(1, z_shiftr(z_land(hsr, ESR_ELx_SAS), ESR_ELx_SAS_SHIFT));
}
static inline hm_z host_dabt_is_write_(hm_z hsr) { return z_land(hsr, ESR_ELx_WNR); }
static inline hm_z smmu_pte_addr(hm_z addr) { return z_land(addr, SMMU_PTE_ADDR_MASK); }

/* The name table: every constant above by its Coq name. */
typedef struct hm_constant {
	const char *name;
	hm_z value;
} hm_constant;
extern const hm_constant hm_constants[];
extern const size_t hm_constants_count;

/* Looks a constant up by name; false when there is none. */
bool hm_constant_lookup(const char *name, hm_z *value);

#endif
