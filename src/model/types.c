/* The value types of RData.md and the empty records.
 *
 * The defaults of the maps (the `ZMap.init` values) are the model's
 * choice where RData.md leaves them to the Parameter empty_adt; they are
 * listed in docs/state.md.
 */
#include <stddef.h>

#include "constants.h"
#include "state.h"

void hm_mlog_free_obj(void *obj);
void hm_slog_free_obj(void *obj);
void hm_ulist_free_obj(void *obj);
void hm_oracle_free_obj(void *obj);

/* ---- scalar and list types ---- */

const hm_vtype hm_t_z = {.name = "Z", .kind = HM_K_Z, .size = sizeof(hm_z)};
const hm_vtype hm_t_bool = {.name = "bool", .kind = HM_K_BOOL, .size = sizeof(bool)};
const hm_vtype hm_t_z2 = {.name = "Z * Z", .kind = HM_K_TUPLE, .size = sizeof(hm_z2), .arity = 2};
const hm_vtype hm_t_z3 = {.name = "Z * Z * Z", .kind = HM_K_TUPLE, .size = sizeof(hm_z3), .arity = 3};
const hm_vtype hm_t_lock = {.name = "LockStatus", .kind = HM_K_LOCK, .size = sizeof(hm_lock_status)};
const hm_vtype hm_t_barrier = {.name = "BarrierStatus", .kind = HM_K_BARRIER,
			       .size = sizeof(hm_barrier_status)};
const hm_vtype hm_t_oracle = {.name = "Oracle", .kind = HM_K_ORACLE, .size = sizeof(void *),
			      .free_obj = hm_oracle_free_obj};
const hm_vtype hm_t_mlog = {.name = "MultiLog", .kind = HM_K_MLOG, .size = sizeof(void *),
			    .free_obj = hm_mlog_free_obj};
const hm_vtype hm_t_slog = {.name = "SingleLog", .kind = HM_K_SLOG, .size = sizeof(void *),
			    .free_obj = hm_slog_free_obj};
const hm_vtype hm_t_ulist = {.name = "list NPT_UPDATE", .kind = HM_K_ULIST, .size = sizeof(void *),
			     .free_obj = hm_ulist_free_obj};

#define FIELD(T, f, type) {#f, offsetof(T, f), &(type)}
#define NFIELDS(a) (sizeof(a) / sizeof((a)[0]))

/* ---- map types ---- */

#define MAP_TYPE(var, coq, elemt) \
	const hm_vtype var = {.name = coq, .kind = HM_K_MAP, .size = sizeof(void *), \
			      .elem = &(elemt), .free_obj = hm_map_free_obj}

MAP_TYPE(hm_t_map_z, "ZMap.t Z", hm_t_z);
MAP_TYPE(hm_t_map_bool, "ZMap.t bool", hm_t_bool);
MAP_TYPE(hm_t_map_map_bool, "ZMap.t (ZMap.t bool)", hm_t_map_bool);
MAP_TYPE(hm_t_map_map_map_bool, "ZMap.t (ZMap.t (ZMap.t bool))", hm_t_map_map_bool);
MAP_TYPE(hm_t_map_z2, "ZMap.t (Z * Z)", hm_t_z2);
MAP_TYPE(hm_t_map_map_z2, "ZMap.t (ZMap.t (Z * Z))", hm_t_map_z2);
MAP_TYPE(hm_t_map_z3, "ZMap.t (Z * Z * Z)", hm_t_z3);
MAP_TYPE(hm_t_map_s2page, "ZMap.t S2Page", hm_t_s2page);
MAP_TYPE(hm_t_map_npt, "ZMap.t NPT", hm_t_npt);
MAP_TYPE(hm_t_map_vminfo, "ZMap.t VMInfo", hm_t_vminfo);
MAP_TYPE(hm_t_map_ctxt, "ZMap.t Ctxt", hm_t_ctxt);
MAP_TYPE(hm_t_map_memblock, "ZMap.t Memblock", hm_t_memblock);
MAP_TYPE(hm_t_map_lock, "ZMap.t LockStatus", hm_t_lock);
MAP_TYPE(hm_t_map_mlog, "MultiLogPool", hm_t_mlog);

/* ---- inline records ---- */

static const hm_field memblock_fields[] = {
	FIELD(hm_memblock, mb_base, hm_t_z), FIELD(hm_memblock, mb_size, hm_t_z),
	FIELD(hm_memblock, mb_flag, hm_t_z), FIELD(hm_memblock, mb_index, hm_t_z)};
const hm_vtype hm_t_memblock = {.name = "Memblock", .kind = HM_K_STRUCT, .size = sizeof(hm_memblock),
				.fields = memblock_fields, .nfields = NFIELDS(memblock_fields), .bytewise = true};

static const hm_field core_data_fields[] = {FIELD(hm_core_data, next_vmid, hm_t_z),
					    FIELD(hm_core_data, next_remap_ptr, hm_t_z)};
const hm_vtype hm_t_core_data = {.name = "CoreData", .kind = HM_K_STRUCT, .size = sizeof(hm_core_data),
				 .fields = core_data_fields, .nfields = NFIELDS(core_data_fields), .bytewise = true};

static const hm_field s2page_fields[] = {FIELD(hm_s2page, s2_owner, hm_t_z),
					 FIELD(hm_s2page, s2_count, hm_t_z),
					 FIELD(hm_s2page, s2_gfn, hm_t_z)};
const hm_vtype hm_t_s2page = {.name = "S2Page", .kind = HM_K_STRUCT, .size = sizeof(hm_s2page),
			      .fields = s2page_fields, .nfields = NFIELDS(s2page_fields), .bytewise = true};

static const hm_field boot_info_fields[] = {
	FIELD(hm_boot_info, vm_next_load_info, hm_t_z),
	FIELD(hm_boot_info, vm_load_addr, hm_t_map_z),
	FIELD(hm_boot_info, vm_load_size, hm_t_map_z),
	FIELD(hm_boot_info, vm_remap_addr, hm_t_map_z),
	FIELD(hm_boot_info, vm_inc_exe, hm_t_z),
	FIELD(hm_boot_info, vm_mapped_pages, hm_t_map_z)};
const hm_vtype hm_t_boot_info = {.name = "BootInfo", .kind = HM_K_STRUCT, .size = sizeof(hm_boot_info),
				 .fields = boot_info_fields, .nfields = NFIELDS(boot_info_fields),
				 .has_refs = true};

static const hm_field state_info_fields[] = {
	FIELD(hm_state_info, vm_kvm, hm_t_z), FIELD(hm_state_info, vm_vcpu, hm_t_map_z),
	FIELD(hm_state_info, vm_state, hm_t_z), FIELD(hm_state_info, vm_vcpu_state, hm_t_map_z),
	FIELD(hm_state_info, vm_power, hm_t_z)};
const hm_vtype hm_t_state_info = {.name = "StateInfo", .kind = HM_K_STRUCT,
				  .size = sizeof(hm_state_info), .fields = state_info_fields,
				  .nfields = NFIELDS(state_info_fields), .has_refs = true};

#define REG_FIELD(T, n) FIELD(T, n, hm_t_z),
#define CTXT_REGS_FIELD(n) REG_FIELD(hm_ctxt_regs, n)
#define TRAP_REGS_FIELD(n) REG_FIELD(hm_trap_regs, n)
#define CTXT_STATES_FIELD(n) REG_FIELD(hm_ctxt_states, n)
static const hm_field ctxt_regs_fields[] = {HM_CTXT_REGS(CTXT_REGS_FIELD)};
static const hm_field trap_regs_fields[] = {HM_TRAP_REGS(TRAP_REGS_FIELD)};
static const hm_field ctxt_states_fields[] = {HM_CTXT_STATES(CTXT_STATES_FIELD)};
const hm_vtype hm_t_ctxt_regs = {.name = "CtxtRegs", .kind = HM_K_STRUCT, .size = sizeof(hm_ctxt_regs),
				 .fields = ctxt_regs_fields, .nfields = NFIELDS(ctxt_regs_fields), .bytewise = true};
const hm_vtype hm_t_trap_regs = {.name = "TrapRegs", .kind = HM_K_STRUCT, .size = sizeof(hm_trap_regs),
				 .fields = trap_regs_fields, .nfields = NFIELDS(trap_regs_fields), .bytewise = true};
const hm_vtype hm_t_ctxt_states = {.name = "CtxtStates", .kind = HM_K_STRUCT,
				   .size = sizeof(hm_ctxt_states), .fields = ctxt_states_fields,
				   .nfields = NFIELDS(ctxt_states_fields), .bytewise = true};

/* ---- shared records ---- */

#define REC_TYPE(var, coq, T, ftab) \
	static hm_ref_cache var##_refs; \
	const hm_vtype var = {.name = coq, .kind = HM_K_REC, .size = sizeof(void *), \
			      .fields = ftab, .nfields = NFIELDS(ftab), .obj_size = sizeof(T), \
			      .refs = &var##_refs}

static const hm_field npt_fields[] = {
	FIELD(hm_npt, pt_vttbr_pool, hm_t_map_z), FIELD(hm_npt, pt_pgd_pool, hm_t_map_z),
	FIELD(hm_npt, pt_pud_pool, hm_t_map_z), FIELD(hm_npt, pt_pmd_pool, hm_t_map_z),
	FIELD(hm_npt, pt_pgd_next, hm_t_z), FIELD(hm_npt, pt_pud_next, hm_t_z),
	FIELD(hm_npt, pt_pmd_next, hm_t_z), FIELD(hm_npt, pt_pgd_par, hm_t_map_z),
	FIELD(hm_npt, pt_pud_par, hm_t_map_z), FIELD(hm_npt, pt_pmd_par, hm_t_map_z),
	FIELD(hm_npt, pt_updates, hm_t_ulist), FIELD(hm_npt, pt, hm_t_map_z3),
	FIELD(hm_npt, pgd_t, hm_t_map_bool), FIELD(hm_npt, pud_t, hm_t_map_map_bool),
	FIELD(hm_npt, pmd_t, hm_t_map_map_map_bool)};
REC_TYPE(hm_t_npt, "NPT", hm_npt, npt_fields);

static const hm_field vminfo_fields[] = {FIELD(hm_vminfo, VS, hm_t_state_info),
					 FIELD(hm_vminfo, VB, hm_t_boot_info)};
REC_TYPE(hm_t_vminfo, "VMInfo", hm_vminfo, vminfo_fields);

#define SMMU_MAP_FIELD(n) FIELD(hm_smmu_conf, n, hm_t_map_z),
static const hm_field smmu_conf_fields[] = {FIELD(hm_smmu_conf, smmu_num, hm_t_z),
					    HM_SMMU_CONF_MAPS(SMMU_MAP_FIELD)};
REC_TYPE(hm_t_smmu_conf, "SMMUConf", hm_smmu_conf, smmu_conf_fields);

static const hm_field spt_fields[] = {
	FIELD(hm_spt, spt_vttbr_pool, hm_t_map_z), FIELD(hm_spt, spt_pgd_pool, hm_t_map_z),
	FIELD(hm_spt, spt_pmd_pool, hm_t_map_z), FIELD(hm_spt, spt_pgd_next, hm_t_z),
	FIELD(hm_spt, spt_pmd_next, hm_t_z), FIELD(hm_spt, spt_pgd_par, hm_t_map_z),
	FIELD(hm_spt, spt_pmd_par, hm_t_map_z), FIELD(hm_spt, spt_pt, hm_t_map_map_z2),
	FIELD(hm_spt, spt_pgd_t, hm_t_map_map_bool), FIELD(hm_spt, spt_pmd_t, hm_t_map_map_map_bool)};
REC_TYPE(hm_t_spt, "SPT", hm_spt, spt_fields);

static const hm_field ctxt_fields[] = {FIELD(hm_ctxt, ctxt_regs, hm_t_ctxt_regs),
				       FIELD(hm_ctxt, trap_regs, hm_t_trap_regs),
				       FIELD(hm_ctxt, ctxt_states, hm_t_ctxt_states)};
REC_TYPE(hm_t_ctxt, "Ctxt", hm_ctxt, ctxt_fields);

static const hm_field shared_fields[] = {
	FIELD(hm_shared, flatmem, hm_t_map_z), FIELD(hm_shared, npts, hm_t_map_npt),
	FIELD(hm_shared, s2page, hm_t_map_s2page), FIELD(hm_shared, core_data, hm_t_core_data),
	FIELD(hm_shared, vminfos, hm_t_map_vminfo), FIELD(hm_shared, spts, hm_t_spt),
	FIELD(hm_shared, smmu_vmid, hm_t_map_z), FIELD(hm_shared, hlock, hm_t_map_bool)};
REC_TYPE(hm_t_shared, "Shared", hm_shared, shared_fields);

static const hm_field rdata_fields[] = {
	FIELD(hm_rdata, halt, hm_t_bool), FIELD(hm_rdata, icore, hm_t_bool),
	FIELD(hm_rdata, ihost, hm_t_bool), FIELD(hm_rdata, tstate, hm_t_z),
	FIELD(hm_rdata, curid, hm_t_z), FIELD(hm_rdata, cur_vmid, hm_t_z),
	FIELD(hm_rdata, cur_vcpuid, hm_t_z), FIELD(hm_rdata, regs, hm_t_ctxt),
	FIELD(hm_rdata, lock, hm_t_map_lock), FIELD(hm_rdata, bars, hm_t_barrier),
	FIELD(hm_rdata, region_cnt, hm_t_z), FIELD(hm_rdata, regions, hm_t_map_memblock),
	FIELD(hm_rdata, shadow_ctxts, hm_t_map_ctxt), FIELD(hm_rdata, smmu_conf, hm_t_smmu_conf),
	FIELD(hm_rdata, log, hm_t_map_mlog), FIELD(hm_rdata, oracle, hm_t_oracle),
	FIELD(hm_rdata, slog, hm_t_slog), FIELD(hm_rdata, soracle, hm_t_oracle),
	FIELD(hm_rdata, doracle, hm_t_oracle), FIELD(hm_rdata, core_doracle, hm_t_oracle),
	FIELD(hm_rdata, data_log, hm_t_map_z), FIELD(hm_rdata, core_data_log, hm_t_map_z),
	FIELD(hm_rdata, shared, hm_t_shared)};
REC_TYPE(hm_t_rdata, "RData", hm_rdata, rdata_fields);

/* ---- empty maps and records ---- */

hm_map *hm_map_new_z(hm_z dflt) { return hm_map_new(&hm_t_map_z, &dflt); }
hm_map *hm_map_new_bool(bool dflt) { return hm_map_new(&hm_t_map_bool, &dflt); }

static hm_map *map_of_maps(const hm_vtype *t, const hm_map *inner) { return hm_map_new(t, &inner); }

/* ZMap.t (ZMap.t bool) whose every inner map is ZMap.init false */
static hm_map *empty_map_map_bool(void)
{
	return map_of_maps(&hm_t_map_map_bool, hm_map_new_bool(false));
}

static hm_map *empty_map_map_map_bool(void)
{
	return map_of_maps(&hm_t_map_map_map_bool, empty_map_map_bool());
}

/* Empty maps are allocated into the record with one reference each. */
#define OWN(field, value) ((field) = hm_retain(value))

hm_npt *hm_npt_empty(void)
{
	hm_npt *n = hm_obj_new(&hm_t_npt, sizeof *n);
	OWN(n->pt_vttbr_pool, hm_map_new_z(0));
	OWN(n->pt_pgd_pool, hm_map_new_z(0));
	OWN(n->pt_pud_pool, hm_map_new_z(0));
	OWN(n->pt_pmd_pool, hm_map_new_z(0));
	OWN(n->pt_pgd_par, hm_map_new_z(0));
	OWN(n->pt_pud_par, hm_map_new_z(0));
	OWN(n->pt_pmd_par, hm_map_new_z(0));
	hm_z3 zero3 = {0, 0, 0};
	OWN(n->pt, hm_map_new(&hm_t_map_z3, &zero3));
	OWN(n->pgd_t, hm_map_new_bool(false));
	OWN(n->pud_t, empty_map_map_bool());
	OWN(n->pmd_t, empty_map_map_map_bool());
	return n;
}

hm_spt *hm_spt_empty(void)
{
	hm_spt *s = hm_obj_new(&hm_t_spt, sizeof *s);
	OWN(s->spt_vttbr_pool, hm_map_new_z(0));
	OWN(s->spt_pgd_pool, hm_map_new_z(0));
	OWN(s->spt_pmd_pool, hm_map_new_z(0));
	OWN(s->spt_pgd_par, hm_map_new_z(0));
	OWN(s->spt_pmd_par, hm_map_new_z(0));
	hm_z2 zero2 = {0, 0};
	OWN(s->spt_pt, map_of_maps(&hm_t_map_map_z2, hm_map_new(&hm_t_map_z2, &zero2)));
	OWN(s->spt_pgd_t, empty_map_map_bool());
	OWN(s->spt_pmd_t, empty_map_map_map_bool());
	return s;
}

hm_vminfo *hm_vminfo_empty(void)
{
	hm_vminfo *v = hm_obj_new(&hm_t_vminfo, sizeof *v);
	OWN(v->VS.vm_vcpu, hm_map_new_z(0));
	OWN(v->VS.vm_vcpu_state, hm_map_new_z(0));
	OWN(v->VB.vm_load_addr, hm_map_new_z(0));
	OWN(v->VB.vm_load_size, hm_map_new_z(0));
	OWN(v->VB.vm_remap_addr, hm_map_new_z(0));
	OWN(v->VB.vm_mapped_pages, hm_map_new_z(0));
	return v;
}

hm_ctxt *hm_ctxt_empty(void) { return hm_obj_new(&hm_t_ctxt, sizeof(hm_ctxt)); }

hm_smmu_conf *hm_smmu_conf_empty(void)
{
	hm_smmu_conf *c = hm_obj_new(&hm_t_smmu_conf, sizeof *c);
#define OWN_SMMU_MAP(n) OWN(c->n, hm_map_new_z(0));
	HM_SMMU_CONF_MAPS(OWN_SMMU_MAP)
#undef OWN_SMMU_MAP
	return c;
}

hm_shared *hm_shared_empty(void)
{
	hm_shared *s = hm_obj_new(&hm_t_shared, sizeof *s);
	OWN(s->flatmem, hm_map_new_z(0));
	const hm_npt *npt = hm_npt_empty();
	OWN(s->npts, hm_map_new(&hm_t_map_npt, &npt));
	hm_s2page invalid_page = {INVALID, 0, INVALID64};
	OWN(s->s2page, hm_map_new(&hm_t_map_s2page, &invalid_page));
	const hm_vminfo *info = hm_vminfo_empty();
	OWN(s->vminfos, hm_map_new(&hm_t_map_vminfo, &info));
	OWN(s->spts, hm_spt_empty());
	OWN(s->smmu_vmid, hm_map_new_z(INVALID));
	OWN(s->hlock, hm_map_new_bool(true));
	return s;
}

hm_rdata *hm_rdata_empty(void)
{
	hm_rdata *r = hm_obj_new(&hm_t_rdata, sizeof *r);
	OWN(r->regs, hm_ctxt_empty());
	hm_lock_status lf = HM_LOCK_FALSE;
	OWN(r->lock, hm_map_new(&hm_t_map_lock, &lf));
	hm_memblock zero_block = {0, 0, 0, 0};
	OWN(r->regions, hm_map_new(&hm_t_map_memblock, &zero_block));
	const hm_ctxt *ctxt = hm_ctxt_empty();
	OWN(r->shadow_ctxts, hm_map_new(&hm_t_map_ctxt, &ctxt));
	OWN(r->smmu_conf, hm_smmu_conf_empty());
	const hm_mlog *nil = NULL;
	OWN(r->log, hm_map_new(&hm_t_map_mlog, &nil));
	OWN(r->data_log, hm_map_new_z(0));
	OWN(r->core_data_log, hm_map_new_z(0));
	OWN(r->shared, hm_shared_empty());
	return r;
}

/* ---- nested maps ---- */

bool hm_map2_get_bool(const hm_map *m, hm_z i, hm_z j)
{
	return hm_map_get_bool(hm_map_get_map(m, i), j);
}

bool hm_map3_get_bool(const hm_map *m, hm_z i, hm_z j, hm_z k)
{
	return hm_map2_get_bool(hm_map_get_map(m, i), j, k);
}

/* Setting the value already there gives a map equal to m, and hm_map_set
 * would find so at every level; the nested maps find it once, at the
 * bottom (local_mmap sets the table flags of every walk, mostly again). */
hm_map *hm_map2_set_bool(const hm_map *m, hm_z i, hm_z j, bool v)
{
	const hm_map *inner = hm_map_get_map(m, i);
	if (hm_map_get_bool(inner, j) == v)
		return hm_autorelease(hm_retain(m));
	return hm_map_set_ptr(m, i, hm_map_set_bool(inner, j, v));
}

hm_map *hm_map3_set_bool(const hm_map *m, hm_z i, hm_z j, hm_z k, bool v)
{
	const hm_map *inner = hm_map_get_map(m, i);
	if (hm_map2_get_bool(inner, j, k) == v)
		return hm_autorelease(hm_retain(m));
	return hm_map_set_ptr(m, i, hm_map2_set_bool(inner, j, k, v));
}
