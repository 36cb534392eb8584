/* LocksSpec.md, Section LocksSpec (the high level of the lock layer). */
#include "locks_spec.h"

#include "rdata_cal.h"

/* The tail every acquire shares once the CPU's copy of the object is
 * refreshed: `adt {tstate: 0} {shared: shared'} {log: (log adt) # id == l'}
 * {lock: (lock adt) # id == (LockOwn true)}`. */
static hm_rdata *acquired(const hm_rdata *adt, hm_z id, const hm_shared *shared1,
			  const hm_mlog *l1)
{
	hm_rdata *r = rd_edit(adt);
	r->tstate = 0;
	SETP(r, shared, shared1);
	SETP(r, log, hm_map_set_ptr(adt->log, id, l1));
	SETP(r, lock, hm_map_set_lock(adt->lock, id, HM_LOCK_OWN_TRUE));
	return r;
}

/* The tail every release shares: `adt {tstate: 1} {log: (log adt) # id ==
 * l'} {lock: ZMap.set id LockFalse (lock adt)}`. */
static hm_rdata *released(const hm_rdata *adt, hm_z id, const hm_mlog *l1)
{
	hm_rdata *r = rd_edit(adt);
	r->tstate = 1;
	SETP(r, log, hm_map_set_ptr(adt->log, id, l1));
	SETP(r, lock, hm_map_set_lock(adt->lock, id, HM_LOCK_FALSE));
	return r;
}

/* LocksSpec: acquire_lock_pt_spec */
hm_sres acquire_lock_pt_spec(const hm_rdata *adt, hm_z vmid)
{
	if (adt->halt) {
		COV("halt adt: true");
		return SOME(adt);
	}
	RELY(is_vmid(vmid));
	hm_z id = NPT_ID + vmid;
	hm_z cpu = adt->curid;
	if (lock_at(adt->lock, id) != HM_LOCK_FALSE) {
		COV("id @ (lock adt): not LockFalse");
		return NONE();
	}
	const hm_mlog *pulled = hm_log_oracle(adt, id, cpu);
	const hm_npt *npt = npt_at(adt->shared->npts, vmid);
	const hm_npt *npt1 = CalNPT(npt, pulled);
	hm_shared *shared1 = sh_edit(adt->shared);
	SETP(shared1, npts, hm_map_set_ptr(adt->shared->npts, vmid, npt1));
	hm_mlog *l1 = hm_lock_pull_log(adt, id, cpu, pulled);
	if (!hm_h_calock(l1).some) {
		COV("H_CalLock l': None");
		return NONE();
	}
	COV("H_CalLock l': Some");
	return SOME(acquired(adt, id, shared1, l1));
}

/* LocksSpec: acquire_lock_spt_spec */
hm_sres acquire_lock_spt_spec(const hm_rdata *adt)
{
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
	const hm_spt *spt1 = CalSPT(adt->shared->spts, pulled);
	hm_shared *shared1 = sh_edit(adt->shared);
	SETP(shared1, spts, spt1);
	hm_mlog *l1 = hm_lock_pull_log(adt, id, cpu, pulled);
	if (!hm_h_calock(l1).some) {
		COV("H_CalLock l': None");
		return NONE();
	}
	COV("H_CalLock l': Some");
	return SOME(acquired(adt, id, shared1, l1));
}

/* LocksSpec: acquire_lock_s2page_spec */
hm_sres acquire_lock_s2page_spec(const hm_rdata *adt)
{
	if (adt->halt) {
		COV("halt adt: true");
		return SOME(adt);
	}
	hm_z id = S2PAGE_ID;
	hm_z cpu = adt->curid;
	if (lock_at(adt->lock, id) != HM_LOCK_FALSE) {
		COV("id @ (lock adt): not LockFalse");
		return NONE();
	}
	const hm_mlog *pulled = hm_log_oracle(adt, id, cpu);
	const hm_map *s2p1 = CalS2Page(adt->shared->s2page, pulled);
	hm_shared *shared1 = sh_edit(adt->shared);
	SETP(shared1, s2page, s2p1);
	hm_mlog *l1 = hm_lock_pull_log(adt, id, cpu, pulled);
	if (!hm_h_calock(l1).some) {
		COV("H_CalLock l': None");
		return NONE();
	}
	COV("H_CalLock l': Some");
	return SOME(acquired(adt, id, shared1, l1));
}

/* LocksSpec: acquire_lock_core_spec */
hm_sres acquire_lock_core_spec(const hm_rdata *adt)
{
	if (adt->halt) {
		COV("halt adt: true");
		return SOME(adt);
	}
	hm_z id = CORE_ID;
	hm_z cpu = adt->curid;
	if (lock_at(adt->lock, id) != HM_LOCK_FALSE) {
		COV("id @ (lock adt): not LockFalse");
		return NONE();
	}
	const hm_mlog *pulled = hm_log_oracle(adt, id, cpu);
	hm_shared *shared1 = sh_edit(adt->shared);
	shared1->core_data = CalCoreData(adt->shared->core_data, pulled);
	hm_mlog *l1 = hm_lock_pull_log(adt, id, cpu, pulled);
	if (!hm_h_calock(l1).some) {
		COV("H_CalLock l': None");
		return NONE();
	}
	COV("H_CalLock l': Some");
	return SOME(acquired(adt, id, shared1, l1));
}

/* LocksSpec: acquire_lock_vm_spec */
hm_sres acquire_lock_vm_spec(const hm_rdata *adt, hm_z vmid)
{
	if (adt->halt) {
		COV("halt adt: true");
		return SOME(adt);
	}
	RELY(is_vmid(vmid));
	hm_z id = INFO_ID + vmid;
	hm_z cpu = adt->curid;
	if (lock_at(adt->lock, id) != HM_LOCK_FALSE) {
		COV("id @ (lock adt): not LockFalse");
		return NONE();
	}
	const hm_mlog *pulled = hm_log_oracle(adt, id, cpu);
	const hm_vminfo *info1 = CalVMInfo(vminfo_at(adt->shared->vminfos, vmid), pulled);
	hm_shared *shared1 = sh_edit(adt->shared);
	SETP(shared1, vminfos, hm_map_set_ptr(adt->shared->vminfos, vmid, info1));
	hm_mlog *l1 = hm_lock_pull_log(adt, id, cpu, pulled);
	if (!hm_h_calock(l1).some) {
		COV("H_CalLock l': None");
		return NONE();
	}
	COV("H_CalLock l': Some");
	return SOME(acquired(adt, id, shared1, l1));
}

/* LocksSpec: acquire_lock_smmu_spec */
hm_sres acquire_lock_smmu_spec(const hm_rdata *adt)
{
	if (adt->halt) {
		COV("halt adt: true");
		return SOME(adt);
	}
	hm_z id = SMMU_ID;
	hm_z cpu = adt->curid;
	if (lock_at(adt->lock, id) != HM_LOCK_FALSE) {
		COV("id @ (lock adt): not LockFalse");
		return NONE();
	}
	const hm_mlog *pulled = hm_log_oracle(adt, id, cpu);
	const hm_map *smmu1 = CalSMMU(adt->shared->smmu_vmid, pulled);
	hm_shared *shared1 = sh_edit(adt->shared);
	SETP(shared1, smmu_vmid, smmu1);
	hm_mlog *l1 = hm_lock_pull_log(adt, id, cpu, pulled);
	if (!hm_h_calock(l1).some) {
		COV("H_CalLock l': None");
		return NONE();
	}
	COV("H_CalLock l': Some");
	return SOME(acquired(adt, id, shared1, l1));
}

/* LocksSpec: release_lock_pt_spec */
hm_sres release_lock_pt_spec(const hm_rdata *adt, hm_z vmid)
{
	if (adt->halt) {
		COV("halt adt: true");
		return SOME(adt);
	}
	RELY(is_vmid(vmid));
	hm_z id = NPT_ID + vmid;
	hm_z cpu = adt->curid;
	const hm_npt *npt = npt_at(adt->shared->npts, vmid);
	if (lock_at(adt->lock, id) != HM_LOCK_OWN_TRUE) {
		COV("ZMap.get id (lock adt): not LockOwn true");
		return NONE();
	}
	hm_mlog *l1 = hm_lock_release_log(cpu, HM_MEV_ONPT, npt, mlog_at(adt->log, id));
	if (!hm_h_calock(l1).some) {
		COV("H_CalLock l': None");
		return NONE();
	}
	COV("H_CalLock l': Some");
	return SOME(released(adt, id, l1));
}

/* LocksSpec: release_lock_spt_spec */
hm_sres release_lock_spt_spec(const hm_rdata *adt)
{
	if (adt->halt) {
		COV("halt adt: true");
		return SOME(adt);
	}
	hm_z id = SPT_ID;
	hm_z cpu = adt->curid;
	const hm_spt *spt = adt->shared->spts;
	if (lock_at(adt->lock, id) != HM_LOCK_OWN_TRUE) {
		COV("ZMap.get id (lock adt): not LockOwn true");
		return NONE();
	}
	hm_mlog *l1 = hm_lock_release_log(cpu, HM_MEV_OSPT, spt, mlog_at(adt->log, id));
	if (!hm_h_calock(l1).some) {
		COV("H_CalLock l': None");
		return NONE();
	}
	COV("H_CalLock l': Some");
	return SOME(released(adt, id, l1));
}

/* LocksSpec: release_lock_s2page_spec */
hm_sres release_lock_s2page_spec(const hm_rdata *adt)
{
	if (adt->halt) {
		COV("halt adt: true");
		return SOME(adt);
	}
	hm_z id = S2PAGE_ID;
	hm_z cpu = adt->curid;
	const hm_map *s2p = adt->shared->s2page;
	if (lock_at(adt->lock, id) != HM_LOCK_OWN_TRUE) {
		COV("ZMap.get id (lock adt): not LockOwn true");
		return NONE();
	}
	hm_mlog *l1 = hm_lock_release_log(cpu, HM_MEV_OS2_PAGE, s2p, mlog_at(adt->log, id));
	if (!hm_h_calock(l1).some) {
		COV("H_CalLock l': None");
		return NONE();
	}
	COV("H_CalLock l': Some");
	return SOME(released(adt, id, l1));
}

/* LocksSpec: release_lock_core_spec */
hm_sres release_lock_core_spec(const hm_rdata *adt)
{
	if (adt->halt) {
		COV("halt adt: true");
		return SOME(adt);
	}
	hm_z id = CORE_ID;
	hm_z cpu = adt->curid;
	hm_core_data core = adt->shared->core_data;
	if (lock_at(adt->lock, id) != HM_LOCK_OWN_TRUE) {
		COV("ZMap.get id (lock adt): not LockOwn true");
		return NONE();
	}
	hm_mlog *l1 = hm_mlog_cons(cpu, HM_MEV_REL_LOCK, 0, NULL,
				   hm_mlog_cons_core(cpu, core, mlog_at(adt->log, id)));
	if (!hm_h_calock(l1).some) {
		COV("H_CalLock l': None");
		return NONE();
	}
	COV("H_CalLock l': Some");
	return SOME(released(adt, id, l1));
}

/* LocksSpec: release_lock_vm_spec */
hm_sres release_lock_vm_spec(const hm_rdata *adt, hm_z vmid)
{
	if (adt->halt) {
		COV("halt adt: true");
		return SOME(adt);
	}
	RELY(is_vmid(vmid));
	hm_z id = INFO_ID + vmid;
	hm_z cpu = adt->curid;
	const hm_vminfo *info = vminfo_at(adt->shared->vminfos, vmid);
	if (lock_at(adt->lock, id) != HM_LOCK_OWN_TRUE) {
		COV("ZMap.get id (lock adt): not LockOwn true");
		return NONE();
	}
	hm_mlog *l1 = hm_lock_release_log(cpu, HM_MEV_OVMINFO, info, mlog_at(adt->log, id));
	if (!hm_h_calock(l1).some) {
		COV("H_CalLock l': None");
		return NONE();
	}
	COV("H_CalLock l': Some");
	return SOME(released(adt, id, l1));
}

/* LocksSpec: release_lock_smmu_spec */
hm_sres release_lock_smmu_spec(const hm_rdata *adt)
{
	if (adt->halt) {
		COV("halt adt: true");
		return SOME(adt);
	}
	hm_z id = SMMU_ID;
	hm_z cpu = adt->curid;
	const hm_map *smmu = adt->shared->smmu_vmid;
	if (lock_at(adt->lock, id) != HM_LOCK_OWN_TRUE) {
		COV("ZMap.get id (lock adt): not LockOwn true");
		return NONE();
	}
	hm_mlog *l1 = hm_lock_release_log(cpu, HM_MEV_OSMMU, smmu, mlog_at(adt->log, id));
	if (!hm_h_calock(l1).some) {
		COV("H_CalLock l': None");
		return NONE();
	}
	COV("H_CalLock l': Some");
	return SOME(released(adt, id, l1));
}
