/* NPTOpsSpec.md, Section NPTOpsSpec. */
#include "npt_ops_spec.h"

#include "locks_spec.h"
#include "npt_walk_spec.h"
#include "rdata_cal.h"

/* adt {halt: halt'} {tstate: t} {shared: (shared adt) {npts: (npts (shared
 * adt)) # vmid == npt'}} {log: (log adt) # id == l} {lock: (lock adt) # id
 * == lk}: the result shape of every definition here. */
static hm_rdata *npt_result(const hm_rdata *adt, bool halt1, hm_z tstate, hm_z vmid,
			    const hm_npt *npt1, hm_z id, const hm_mlog *l, hm_lock_status lk)
{
	hm_shared *sh = sh_edit(adt->shared);
	SETP(sh, npts, hm_map_set_ptr(adt->shared->npts, vmid, npt1));
	hm_rdata *r = rd_edit(adt);
	r->halt = halt1;
	r->tstate = tstate;
	SETP(r, shared, sh);
	SETP(r, log, hm_map_set_ptr(adt->log, id, l));
	SETP(r, lock, hm_map_set_lock(adt->lock, id, lk));
	return r;
}

/* NPTOpsSpec: get_level_s2pt_spec */
hm_sres get_level_s2pt_spec(const hm_rdata *adt, hm_z vmid, hm_z addr)
{
	RELY(is_vmid(vmid));
	RELY(is_addr(addr));
	if (adt->halt) {
		COV("halt adt: true");
		return SOME_RET(adt, 0);
	}
	hm_z id = NPT_ID + vmid;
	hm_z cpu = adt->curid;
	if (lock_at(adt->lock, id) != HM_LOCK_FALSE) {
		COV("id @ (lock adt): not LockFalse");
		return NONE();
	}
	const hm_mlog *pulled = hm_log_oracle(adt, id, cpu);
	const hm_npt *npt = CalNPT(npt_at(adt->shared->npts, vmid), pulled);
	hm_mlog *l1 = hm_lock_pull_log(adt, id, cpu, pulled);
	hm_z gfn = z_div(addr, PAGE_SIZE);
	hm_z3 e = *z3_at(npt->pt, gfn);
	hm_z level = e.b, pte = e.c;
	RELY(is_int(level));
	hm_z res = phys_page(pte) == 0 ? 0 : level;
	hm_mlog *l2 = hm_lock_release_log(cpu, HM_MEV_ONPT, npt, l1);
	hm_rdata *adt1 = npt_result(adt, adt->halt, 1, vmid, npt, id, l2, HM_LOCK_FALSE);
	if (!hm_h_calock(l2).some) {
		COV("H_CalLock l'': None");
		return NONE();
	}
	if (phys_page(pte) == 0)
		COV("phys_page pte =? 0: true");
	else
		COV("phys_page pte =? 0: false");
	return SOME_RET(adt1, res);
}

/* NPTOpsSpec: walk_s2pt_spec */
hm_sres walk_s2pt_spec(const hm_rdata *adt, hm_z vmid, hm_z addr)
{
	RELY(is_vmid(vmid));
	RELY(is_addr(addr));
	if (adt->halt) {
		COV("halt adt: true");
		return SOME_RET(adt, 0);
	}
	hm_z id = NPT_ID + vmid;
	hm_z cpu = adt->curid;
	if (lock_at(adt->lock, id) != HM_LOCK_FALSE) {
		COV("id @ (lock adt): not LockFalse");
		return NONE();
	}
	const hm_mlog *pulled = hm_log_oracle(adt, id, cpu);
	const hm_npt *npt = CalNPT(npt_at(adt->shared->npts, vmid), pulled);
	hm_mlog *l1 = hm_lock_pull_log(adt, id, cpu, pulled);
	hm_z gfn = z_div(addr, PAGE_SIZE);
	hm_z pte = z3_at(npt->pt, gfn)->c;
	RELY(is_int64(pte));
	hm_mlog *l2 = hm_lock_release_log(cpu, HM_MEV_ONPT, npt, l1);
	hm_rdata *adt1 = npt_result(adt, adt->halt, 1, vmid, npt, id, l2, HM_LOCK_FALSE);
	if (!hm_h_calock(l2).some) {
		COV("H_CalLock l'': None");
		return NONE();
	}
	COV("H_CalLock l'': Some");
	return SOME_RET(adt1, pte);
}

/* NPTOpsSpec: map_s2pt_spec */
hm_sres map_s2pt_spec(const hm_rdata *adt, hm_z vmid, hm_z addr, hm_z level, hm_z pte)
{
	RELY(is_vmid(vmid));
	RELY(is_addr(addr));
	RELY(is_int64(pte));
	if (adt->halt) {
		COV("halt adt: true");
		return SOME(adt);
	}
	hm_z id = NPT_ID + vmid;
	hm_z cpu = adt->curid;
	if (lock_at(adt->lock, id) != HM_LOCK_FALSE) {
		COV("id @ (lock adt): not LockFalse");
		return NONE();
	}
	const hm_mlog *pulled = hm_log_oracle(adt, id, cpu);
	const hm_npt *npt = CalNPT(npt_at(adt->shared->npts, vmid), pulled);
	hm_mlog *l1 = hm_lock_pull_log(adt, id, cpu, pulled);
	if (!(level == 2 || level == 3)) {
		COV("(level =? 2) || (level =? 3): false");
		return NONE();
	}
	if (pte == 0) {
		COV("pte =? 0: true");
		return NONE();
	}
	bool halt1;
	const hm_npt *npt1;
	if (!local_mmap(vmid, addr, level, pte, npt, &halt1, &npt1)) {
		COV("local_mmap: None");
		return NONE();
	}
	hm_mlog *l2 = hm_lock_release_log(cpu, HM_MEV_ONPT, npt1, l1);
	hm_rdata *adt1 = npt_result(adt, halt1, halt1 ? 0 : 1, vmid, npt1, id, halt1 ? l1 : l2,
				    halt1 ? HM_LOCK_OWN_TRUE : HM_LOCK_FALSE);
	if (!hm_h_calock(l2).some) {
		COV("H_CalLock l'': None");
		return NONE();
	}
	if (halt1)
		COV("local_mmap: Some (true, npt')");
	else
		COV("local_mmap: Some (false, npt')");
	return SOME(adt1);
}

/* NPTOpsSpec: clear_pfn_host_spec */
hm_sres clear_pfn_host_spec(const hm_rdata *adt, hm_z pfn)
{
	RELY(is_pfn(pfn));
	if (adt->halt) {
		COV("halt adt: true");
		return SOME(adt);
	}
	hm_z id = NPT_ID + HOSTVISOR;
	hm_z cpu = adt->curid;
	if (lock_at(adt->lock, id) != HM_LOCK_FALSE) {
		COV("id @ (lock adt): not LockFalse");
		return NONE();
	}
	const hm_mlog *pulled = hm_log_oracle(adt, id, cpu);
	const hm_npt *npt = CalNPT(npt_at(adt->shared->npts, HOSTVISOR), pulled);
	hm_mlog *l1 = hm_lock_pull_log(adt, id, cpu, pulled);
	hm_z3 e = *z3_at(npt->pt, pfn);
	hm_z level = e.b, pte = e.c;
	RELY(is_int(level));
	bool halt1;
	const hm_npt *npt1;
	if ((phys_page(pte) == 0 ? 0 : level) == 0) {
		COV("(if phys_page pte =? 0 then 0 else level) =? 0: true");
		halt1 = false;
		npt1 = npt;
	} else {
		COV("(if phys_page pte =? 0 then 0 else level) =? 0: false");
		if (!local_mmap(HOSTVISOR, pfn * PAGE_SIZE, 3, PAGE_GUEST, npt, &halt1, &npt1)) {
			COV("local_mmap: None");
			return NONE();
		}
	}
	hm_mlog *l2 = hm_lock_release_log(cpu, HM_MEV_ONPT, npt1, l1);
	hm_rdata *adt1 = npt_result(adt, halt1, halt1 ? 0 : 1, HOSTVISOR, npt1, id,
				    halt1 ? l1 : l2, halt1 ? HM_LOCK_OWN_TRUE : HM_LOCK_FALSE);
	if (!hm_h_calock(l2).some) {
		COV("H_CalLock l'': None");
		return NONE();
	}
	if (halt1)
		COV("Some (halt', npt'): halt' true");
	else
		COV("Some (halt', npt'): halt' false");
	return SOME(adt1);
}
