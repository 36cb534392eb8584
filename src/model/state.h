/* The state records of RData.md (VeriGu/VRM proofs/sekvm/sekvm_layers),
 * field for field, with their Coq names.
 *
 * Records small enough to copy (S2Page, CoreData, Memblock, StateInfo,
 * BootInfo, the register blocks) are inline structs. Records that are
 * shared between versions of the state (RData, Shared, NPT, SPT, VMInfo,
 * Ctxt, SMMUConf) are immutable reference-counted objects: a Coq update
 * `r {f: v}` is hm_rec_edit(r) followed by setting f on the copy, and
 * nothing else ever writes to a record once it is in a state.
 */
#ifndef HM_STATE_H
#define HM_STATE_H

#include <stdbool.h>

#include "log.h"
#include "values.h"
#include "vtype.h"
#include "zmap.h"

/* Record NPT */
typedef struct hm_npt {
	hm_obj o;
	/* low level */
	hm_map *pt_vttbr_pool, *pt_pgd_pool, *pt_pud_pool, *pt_pmd_pool; /* ZMap Z */
	hm_z pt_pgd_next, pt_pud_next, pt_pmd_next;
	hm_map *pt_pgd_par, *pt_pud_par, *pt_pmd_par; /* ZMap Z */
	hm_ulist *pt_updates;                           /* list NPT_UPDATE */
	/* high level */
	hm_map *pt;    /* ZMap (Z * Z * Z) */
	hm_map *pgd_t; /* ZMap bool */
	hm_map *pud_t; /* ZMap (ZMap bool) */
	hm_map *pmd_t; /* ZMap (ZMap (ZMap bool)) */
} hm_npt;

/* Record BootInfo */
typedef struct hm_boot_info {
	hm_z vm_next_load_info;
	hm_map *vm_load_addr, *vm_load_size, *vm_remap_addr; /* ZMap Z */
	hm_z vm_inc_exe;
	hm_map *vm_mapped_pages; /* ZMap Z */
} hm_boot_info;

/* Record StateInfo */
typedef struct hm_state_info {
	hm_z vm_kvm;
	hm_map *vm_vcpu; /* ZMap Z */
	hm_z vm_state;
	hm_map *vm_vcpu_state; /* ZMap Z */
	hm_z vm_power;
} hm_state_info;

/* Record VMInfo */
typedef struct hm_vminfo {
	hm_obj o;
	hm_state_info VS;
	hm_boot_info VB;
} hm_vminfo;

/* Record SMMUConf: smmu_num and per-device ZMap Z fields. */
#define HM_SMMU_CONF_MAPS(X) \
	X(smmu_phys_base) X(smmu_size) X(smmu_pgshift) X(smmu_features) X(smmu_options) \
	X(smmu_dev_context_banks) X(num_s2_context_banks) X(smmu_dev_mapping_groups) \
	X(smmu_va_size) X(smmu_ipa_size) X(smmu_pa_size) X(smmu_dev_global_irqs) \
	X(smmu_dev_context_irqs) X(smmu_exists) X(smmu_hyp_base)

typedef struct hm_smmu_conf {
	hm_obj o;
	hm_z smmu_num;
#define HM_DECL_MAP(n) hm_map *n;
	HM_SMMU_CONF_MAPS(HM_DECL_MAP)
#undef HM_DECL_MAP
} hm_smmu_conf;

/* Record SPT */
typedef struct hm_spt {
	hm_obj o;
	hm_map *spt_vttbr_pool, *spt_pgd_pool, *spt_pmd_pool; /* ZMap Z */
	hm_z spt_pgd_next, spt_pmd_next;
	hm_map *spt_pgd_par, *spt_pmd_par; /* ZMap Z */
	hm_map *spt_pt;    /* ZMap (ZMap (Z * Z)) */
	hm_map *spt_pgd_t; /* ZMap (ZMap bool) */
	hm_map *spt_pmd_t; /* ZMap (ZMap (ZMap bool)) */
} hm_spt;

/* Record CtxtRegs, in the Coq order. */
#define HM_CTXT_REGS(X) \
	X(x0) X(x1) X(x2) X(x3) X(x4) X(x5) X(x6) X(x7) X(x8) X(x9) X(x10) X(x11) X(x12) \
	X(x13) X(x14) X(x15) X(x16) X(x17) X(x18) X(x19) X(x20) X(x21) X(x22) X(x23) \
	X(x24) X(x25) X(x26) X(x27) X(x28) X(x29) X(x30) \
	X(fp_q0) X(fp_q1) X(fp_q2) X(fp_q3) X(fp_q4) X(fp_q5) X(fp_q6) X(fp_q7) X(fp_q8) \
	X(fp_q9) X(fp_q10) X(fp_q11) X(fp_q12) X(fp_q13) X(fp_q14) X(fp_q15) X(fp_q16) \
	X(fp_q17) X(fp_q18) X(fp_q19) X(fp_q20) X(fp_q21) X(fp_q22) X(fp_q23) X(fp_q24) \
	X(fp_q25) X(fp_q26) X(fp_q27) X(fp_q28) X(fp_q29) X(fp_q30) X(fp_q31) \
	X(fp_fpsr) X(fp_fpcr) X(csselr_el1) X(sctlr_el1) X(cpacr_el1) X(ttbr0_el1) \
	X(ttbr1_el1) X(tcr_el1) X(afsr0_el1) X(afsr1_el1) X(far_el1) X(mair_el1) \
	X(vbar_el1) X(contextidr_el1) X(amair_el1) X(cntkctl_el1) X(par_el1) X(tpidr_el1) \
	X(spsr_el1) X(mdscr_el1) X(sp_el0) X(tpidr_el0) X(tpidrro_el0) X(spsr_el2) \
	X(vmpidr_el2) X(mpidr_el1) X(actlr_el1) X(sp_el1) X(elr_el1) X(elr_el2) \
	X(vttbr_el2) X(hcr_el2) X(tpidr_el2) X(esr_el2) X(ec) X(far_el2) X(hpfar_el2)

/* Record TrapRegs */
#define HM_TRAP_REGS(X) X(pmuselr_el0) X(pmuserenr_el0) X(mdcr_el2) X(cptr_el2) X(cnthctl_el2)

/* Record CtxtStates */
#define HM_CTXT_STATES(X) X(pc) X(pstate) X(dirty) X(flags) X(esr_el1) X(spsr_0)

#define HM_DECL_Z(n) hm_z n;
typedef struct hm_ctxt_regs {
	HM_CTXT_REGS(HM_DECL_Z)
} hm_ctxt_regs;
typedef struct hm_trap_regs {
	HM_TRAP_REGS(HM_DECL_Z)
} hm_trap_regs;
typedef struct hm_ctxt_states {
	HM_CTXT_STATES(HM_DECL_Z)
} hm_ctxt_states;
#undef HM_DECL_Z

/* Record Ctxt */
typedef struct hm_ctxt {
	hm_obj o;
	hm_ctxt_regs ctxt_regs;
	hm_trap_regs trap_regs;
	hm_ctxt_states ctxt_states;
} hm_ctxt;

/* Record Shared */
typedef struct hm_shared {
	hm_obj o;
	hm_map *flatmem;        /* ZMap Z */
	hm_map *npts;           /* ZMap NPT */
	hm_map *s2page;         /* ZMap S2Page */
	hm_core_data core_data;
	hm_map *vminfos;        /* ZMap VMInfo */
	hm_spt *spts;
	hm_map *smmu_vmid;      /* ZMap Z */
	hm_map *hlock;          /* ZMap bool */
} hm_shared;

/* Record RData */
typedef struct hm_rdata {
	hm_obj o;
	bool halt, icore, ihost;
	hm_z tstate;
	hm_z curid, cur_vmid, cur_vcpuid;
	hm_ctxt *regs;
	hm_map *lock; /* ZMap LockStatus */
	hm_barrier_status bars;
	hm_z region_cnt;
	hm_map *regions;      /* ZMap Memblock */
	hm_map *shadow_ctxts; /* ZMap Ctxt */
	hm_smmu_conf *smmu_conf;
	hm_map *log;          /* MultiLogPool = ZMap MultiLog */
	hm_oracle *oracle;    /* MultiOraclePool */
	hm_slog *slog;        /* SingleLog */
	hm_oracle *soracle;   /* SingleOracle */
	hm_oracle *doracle;   /* DataOracle */
	hm_oracle *core_doracle;
	hm_map *data_log;      /* ZMap Z */
	hm_map *core_data_log; /* ZMap Z */
	hm_shared *shared;
} hm_rdata;

/* Value types, one per Coq type of the state. */
extern const hm_vtype hm_t_z, hm_t_bool, hm_t_z2, hm_t_z3, hm_t_lock, hm_t_barrier,
	hm_t_oracle, hm_t_mlog, hm_t_slog, hm_t_ulist;
extern const hm_vtype hm_t_memblock, hm_t_core_data, hm_t_s2page, hm_t_boot_info,
	hm_t_state_info, hm_t_ctxt_regs, hm_t_trap_regs, hm_t_ctxt_states;
extern const hm_vtype hm_t_npt, hm_t_vminfo, hm_t_smmu_conf, hm_t_spt, hm_t_ctxt,
	hm_t_shared, hm_t_rdata;
/* Map types: ZMap Z, ZMap bool, ZMap (ZMap bool) ... */
extern const hm_vtype hm_t_map_z, hm_t_map_bool, hm_t_map_map_bool, hm_t_map_map_map_bool,
	hm_t_map_z2, hm_t_map_map_z2, hm_t_map_z3, hm_t_map_s2page, hm_t_map_npt,
	hm_t_map_vminfo, hm_t_map_ctxt, hm_t_map_memblock, hm_t_map_lock, hm_t_map_mlog;

/* Empty maps with the defaults the model uses (autoreleased). */
hm_map *hm_map_new_z(hm_z dflt);
hm_map *hm_map_new_bool(bool dflt);

/* Empty records: every map empty with its default, numbers 0. */
hm_npt *hm_npt_empty(void);
hm_spt *hm_spt_empty(void);
hm_vminfo *hm_vminfo_empty(void);
hm_ctxt *hm_ctxt_empty(void);
hm_smmu_conf *hm_smmu_conf_empty(void);
hm_shared *hm_shared_empty(void);
hm_rdata *hm_rdata_empty(void);

/* Typed record updates (autoreleased copies). */
static inline hm_rdata *rd_edit(const hm_rdata *r) { return hm_rec_edit(r); }
static inline hm_shared *sh_edit(const hm_shared *s) { return hm_rec_edit(s); }
static inline hm_npt *npt_edit(const hm_npt *n) { return hm_rec_edit(n); }
static inline hm_spt *spt_edit(const hm_spt *s) { return hm_rec_edit(s); }
static inline hm_vminfo *vminfo_edit(const hm_vminfo *v) { return hm_rec_edit(v); }
static inline hm_ctxt *ctxt_edit(const hm_ctxt *c) { return hm_rec_edit(c); }
static inline hm_smmu_conf *smmu_conf_edit(const hm_smmu_conf *c) { return hm_rec_edit(c); }

/* Field setters for records being edited: `SETP(r, field, value)`. */
#define SETP(rec, field, value) hm_set_ptr(&(rec)->field, (value))

/* Reads of map entries by their element types. */
static inline const hm_s2page *s2page_at(const hm_map *m, hm_z pfn)
{
	return hm_map_get(m, pfn);
}
static inline const hm_z3 *z3_at(const hm_map *m, hm_z k) { return hm_map_get(m, k); }
static inline const hm_z2 *z2_at(const hm_map *m, hm_z k) { return hm_map_get(m, k); }
static inline const hm_npt *npt_at(const hm_map *m, hm_z vmid) { return hm_map_get_ptr(m, vmid); }
static inline const hm_vminfo *vminfo_at(const hm_map *m, hm_z vmid)
{
	return hm_map_get_ptr(m, vmid);
}
static inline const hm_ctxt *ctxt_at(const hm_map *m, hm_z id) { return hm_map_get_ptr(m, id); }
static inline hm_lock_status lock_at(const hm_map *m, hm_z id)
{
	return *(const hm_lock_status *)hm_map_get(m, id);
}
static inline hm_mlog *mlog_at(const hm_map *m, hm_z id)
{
	return (hm_mlog *)hm_map_get_ptr(m, id);
}
static inline hm_map *hm_map_set_lock(const hm_map *m, hm_z id, hm_lock_status s)
{
	return hm_map_set(m, id, &s);
}

static inline hm_map *hm_map_set_lock2(const hm_map *m, hm_z k1, hm_lock_status s1, hm_z k2,
				       hm_lock_status s2)
{
	const hm_z keys[2] = {k1, k2};
	const void *const vals[2] = {&s1, &s2};
	return hm_map_set_all(m, 2, keys, vals);
}

/* Nested-map helpers: m # i == ((i @ m) # j == v) and so on. */
hm_map *hm_map2_set_bool(const hm_map *m, hm_z i, hm_z j, bool v);
hm_map *hm_map3_set_bool(const hm_map *m, hm_z i, hm_z j, hm_z k, bool v);
bool hm_map2_get_bool(const hm_map *m, hm_z i, hm_z j);
bool hm_map3_get_bool(const hm_map *m, hm_z i, hm_z j, hm_z k);

#endif
