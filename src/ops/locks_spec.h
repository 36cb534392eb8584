/* LocksSpec.md, Section LocksSpec: taking and giving back the lock of a
 * shared object at the level where a lock is a log of ticket events.
 *
 * Acquiring pulls what the other CPUs logged for the object (its oracle),
 * replays their snapshots into the CPU's copy and logs
 *     TEVENT cpu (TSHARED (OPULL id)) :: TEVENT cpu (TTICKET (WAIT_LOCK 10))
 * on top of the pulled events; releasing logs a snapshot of the object and
 * REL_LOCK. H_CalLock (hm_h_calock) decides whether the result is a well
 * formed lock history. The helpers below build those event lists, which
 * the NPTOps, MmioSPTOps and MemManager specs write out by hand too.
 */
#ifndef HM_LOCKS_SPEC_H
#define HM_LOCKS_SPEC_H

#include "spec.h"

/* `orac cpu l` for object id: the events of the other CPUs that the
 * CPU's log l = id @ (log adt) has not seen (newest first). */
static inline hm_mlog *hm_log_oracle(const hm_rdata *adt, hm_z id, hm_z cpu)
{
	return hm_oracle_multi(adt->oracle, id, cpu, mlog_at(adt->log, id));
}

/* TEVENT cpu (TSHARED (OPULL id)) :: TEVENT cpu (TTICKET (WAIT_LOCK
 * local_lock_bound)) :: pulled ++ (id @ (log adt)), where pulled is
 * hm_log_oracle(adt, id, cpu). */
static inline hm_mlog *hm_lock_pull_log(const hm_rdata *adt, hm_z id, hm_z cpu,
					const hm_mlog *pulled)
{
	hm_mlog *l = hm_mlog_append(pulled, mlog_at(adt->log, id));
	l = hm_mlog_cons(cpu, HM_MEV_WAIT_LOCK, local_lock_bound, NULL, l);
	return hm_mlog_cons(cpu, HM_MEV_OPULL, id, NULL, l);
}

/* TEVENT cpu (TTICKET REL_LOCK) :: TEVENT cpu (TSHARED (ev snap)) :: l */
static inline hm_mlog *hm_lock_release_log(hm_z cpu, hm_mev ev, const void *snap,
					   const hm_mlog *l)
{
	return hm_mlog_cons(cpu, HM_MEV_REL_LOCK, 0, NULL, hm_mlog_cons(cpu, ev, 0, snap, l));
}

/* LocksSpec: acquire_lock_*_spec */
hm_sres acquire_lock_pt_spec(const hm_rdata *adt, hm_z vmid);
hm_sres acquire_lock_spt_spec(const hm_rdata *adt);
hm_sres acquire_lock_s2page_spec(const hm_rdata *adt);
hm_sres acquire_lock_core_spec(const hm_rdata *adt);
hm_sres acquire_lock_vm_spec(const hm_rdata *adt, hm_z vmid);
hm_sres acquire_lock_smmu_spec(const hm_rdata *adt);

/* LocksSpec: release_lock_*_spec */
hm_sres release_lock_pt_spec(const hm_rdata *adt, hm_z vmid);
hm_sres release_lock_spt_spec(const hm_rdata *adt);
hm_sres release_lock_s2page_spec(const hm_rdata *adt);
hm_sres release_lock_core_spec(const hm_rdata *adt);
hm_sres release_lock_vm_spec(const hm_rdata *adt, hm_z vmid);
hm_sres release_lock_smmu_spec(const hm_rdata *adt);

#endif
