/* MmioSPTOpsSpec.md, Section MmioSPTOpsSpec. */
#include "mmio_spt_ops_spec.h"

#include "locks_spec.h"
#include "mmio_spt_walk_spec.h"
#include "rdata_cal.h"

/* adt {halt: halt'} {tstate: t} {shared: (shared adt) {spts: spt'}}
 * {log: (log adt) # id == l} {lock: (lock adt) # id == lk} */
static hm_rdata *spt_result(const hm_rdata *adt, bool halt1, hm_z tstate, const hm_spt *spt1,
			    hm_z id, const hm_mlog *l, hm_lock_status lk)
{
	hm_shared *sh = sh_edit(adt->shared);
	SETP(sh, spts, spt1);
	hm_rdata *r = rd_edit(adt);
	r->halt = halt1;
	r->tstate = tstate;
	SETP(r, shared, sh);
	SETP(r, log, hm_map_set_ptr(adt->log, id, l));
	SETP(r, lock, hm_map_set_lock(adt->lock, id, lk));
	return r;
}

/* MmioSPTOpsSpec: init_spt_spec */
hm_sres init_spt_spec(const hm_rdata *adt, hm_z cbndx, hm_z index)
{
	RELY(is_smmu(index));
	RELY(is_smmu_cfg(cbndx));
	if (adt->halt) {
		COV("halt adt: true");
		return SOME(adt);
	}
	hm_z id = SPT_ID;
	hm_z cpu = adt->curid;
	if (lock_at(adt->lock, id) != HM_LOCK_FALSE) {
		COV("id @ (lock adt): not LockFalse");
		return NONE();
	}
	const hm_mlog *pulled = hm_log_oracle(adt, id, cpu);
	const hm_spt *spt = CalSPT(adt->shared->spts, pulled);
	hm_mlog *l1 = hm_lock_pull_log(adt, id, cpu, pulled);
	hm_z ttbr = SMMU_TTBR(index, cbndx);
	hm_z2 zero2 = {0, 0};
	const hm_map *pt0 = hm_map_new(&hm_t_map_z2, &zero2);
	const hm_map *pgd_t0 = hm_map_new_bool(false);
	const hm_map *pmd_t0_inner = hm_map_new_bool(false);
	const hm_map *pmd_t0 = hm_map_new(&hm_t_map_map_bool, &pmd_t0_inner);
	hm_spt *spt1 = spt_edit(spt);
	SETP(spt1, spt_pt, hm_map_set_ptr(spt->spt_pt, ttbr, pt0));
	SETP(spt1, spt_pgd_t, hm_map_set_ptr(spt->spt_pgd_t, ttbr, pgd_t0));
	SETP(spt1, spt_pmd_t, hm_map_set_ptr(spt->spt_pmd_t, ttbr, pmd_t0));
	hm_mlog *l2 = hm_lock_release_log(cpu, HM_MEV_OSPT, spt1, l1);
	hm_rdata *adt1 = spt_result(adt, adt->halt, 1, spt1, id, l2, HM_LOCK_FALSE);
	if (!hm_h_calock(l2).some) {
		COV("H_CalLock l'': None");
		return NONE();
	}
	COV("H_CalLock l'': Some");
	return SOME(adt1);
}

/* MmioSPTOpsSpec: walk_spt_spec */
hm_sres walk_spt_spec(const hm_rdata *adt, hm_z cbndx, hm_z index, hm_z addr)
{
	RELY(is_smmu(index));
	RELY(is_smmu_cfg(cbndx));
	RELY(is_smmu_addr(addr));
	if (adt->halt) {
		COV("halt adt: true");
		return SOME_RET(adt, 0);
	}
	hm_z id = SPT_ID;
	hm_z cpu = adt->curid;
	if (lock_at(adt->lock, id) != HM_LOCK_FALSE) {
		COV("id @ (lock adt): not LockFalse");
		return NONE();
	}
	const hm_mlog *pulled = hm_log_oracle(adt, id, cpu);
	const hm_spt *spt = CalSPT(adt->shared->spts, pulled);
	hm_mlog *l1 = hm_lock_pull_log(adt, id, cpu, pulled);
	hm_z ttbr = SMMU_TTBR(index, cbndx);
	const hm_map *pt = hm_map_get_map(spt->spt_pt, ttbr);
	hm_z gfn = z_div(addr, PAGE_SIZE);
	hm_z pte = z2_at(pt, gfn)->b;
	RELY(is_int64(pte));
	hm_mlog *l2 = hm_lock_release_log(cpu, HM_MEV_OSPT, spt, l1);
	hm_rdata *adt1 = spt_result(adt, adt->halt, 1, spt, id, l2, HM_LOCK_FALSE);
	if (!hm_h_calock(l2).some) {
		COV("H_CalLock l'': None");
		return NONE();
	}
	COV("H_CalLock l'': Some");
	return SOME_RET(adt1, pte);
}

/* MmioSPTOpsSpec: map_spt_spec */
hm_sres map_spt_spec(const hm_rdata *adt, hm_z cbndx, hm_z index, hm_z addr, hm_z pte)
{
	RELY(is_smmu(index));
	RELY(is_smmu_cfg(cbndx));
	RELY(is_smmu_addr(addr));
	RELY(is_int64(pte));
	if (adt->halt) {
		COV("halt adt: true");
		return SOME(adt);
	}
	hm_z id = SPT_ID;
	hm_z cpu = adt->curid;
	if (lock_at(adt->lock, id) != HM_LOCK_FALSE) {
		COV("id @ (lock adt): not LockFalse");
		return NONE();
	}
	const hm_mlog *pulled = hm_log_oracle(adt, id, cpu);
	const hm_spt *spt = CalSPT(adt->shared->spts, pulled);
	hm_mlog *l1 = hm_lock_pull_log(adt, id, cpu, pulled);
	bool halt1;
	const hm_spt *spt1;
	if (!local_spt_map(cbndx, index, addr, pte, spt, &halt1, &spt1)) {
		COV("local_spt_map: None");
		return NONE();
	}
	hm_mlog *l2 = hm_lock_release_log(cpu, HM_MEV_OSPT, spt1, l1);
	hm_rdata *adt1 = spt_result(adt, halt1, halt1 ? 0 : 1, spt1, id, halt1 ? l1 : l2,
				    halt1 ? HM_LOCK_OWN_TRUE : HM_LOCK_FALSE);
	if (!hm_h_calock(l2).some) {
		COV("H_CalLock l'': None");
		return NONE();
	}
	if (halt1)
		COV("local_spt_map: Some (true, spt')");
	else
		COV("local_spt_map: Some (false, spt')");
	return SOME(adt1);
}

/* MmioSPTOpsSpec: unmap_spt_spec */
hm_sres unmap_spt_spec(const hm_rdata *adt, hm_z cbndx, hm_z index, hm_z addr)
{
	RELY(is_smmu(index));
	RELY(is_smmu_cfg(cbndx));
	RELY(is_smmu_addr(addr));
	if (adt->halt) {
		COV("halt adt: true");
		return SOME_RET(adt, 0);
	}
	hm_z id = SPT_ID;
	hm_z cpu = adt->curid;
	if (lock_at(adt->lock, id) != HM_LOCK_FALSE) {
		COV("id @ (lock adt): not LockFalse");
		return NONE();
	}
	const hm_mlog *pulled = hm_log_oracle(adt, id, cpu);
	const hm_spt *spt = CalSPT(adt->shared->spts, pulled);
	hm_mlog *l1 = hm_lock_pull_log(adt, id, cpu, pulled);
	hm_z ttbr = SMMU_TTBR(index, cbndx);
	const hm_map *pt = hm_map_get_map(spt->spt_pt, ttbr);
	hm_z gfn = z_div(addr, PAGE_SIZE);
	hm_z pte = z2_at(pt, gfn)->b;
	RELY(is_int64(pte));
	bool halt1;
	const hm_spt *spt1;
	if (pte == 0) {
		COV("pte =? 0: true");
		halt1 = false;
		spt1 = spt;
	} else {
		COV("pte =? 0: false");
		if (!local_spt_map(cbndx, index, addr, 0, spt, &halt1, &spt1)) {
			COV("local_spt_map: None");
			return NONE();
		}
	}
	hm_mlog *l2 = hm_lock_release_log(cpu, HM_MEV_OSPT, spt1, l1);
	hm_rdata *adt1 = spt_result(adt, halt1, halt1 ? 0 : 1, spt1, id, halt1 ? l1 : l2,
				    halt1 ? HM_LOCK_OWN_TRUE : HM_LOCK_FALSE);
	if (!hm_h_calock(l2).some) {
		COV("H_CalLock l'': None");
		return NONE();
	}
	if (halt1)
		COV("Some (halt', spt'): halt' true");
	else
		COV("Some (halt', spt'): halt' false");
	return SOME_RET(adt1, halt1 ? 0 : pte);
}
