/* MemManagerSpec.md, Section MemManagerSpec: the high-level MemManager
 * specifications. Each one pulls the shared objects it needs (the oracle
 * tells what other CPUs logged since this view last looked), checks that
 * no CPU holds their locks, computes the new objects and appends the
 * events of one acquire-update-release to the logs. */
#include "mem_manager_spec.h"
#include "mem_manager_spec0.h"

#include "mmio_spt_walk_spec.h"
#include "npt_walk_spec.h"
#include "rdata_cal.h"

/* One shared object as the specs pull it. */
typedef struct pulled {
	const hm_mlog *l0;  /* id @ (log adt) */
	const hm_mlog *o;   /* (id @ (oracle adt)) cpu l0 */
	const hm_mlog *all; /* (o cpu l0) ++ l0 */
	const hm_mlog *acq; /* TEVENT cpu (TSHARED (OPULL id)) ::
			       TEVENT cpu (TTICKET (WAIT_LOCK local_lock_bound)) :: all */
} pulled;

static pulled pull(const hm_rdata *adt, hm_z id)
{
	hm_z cpu = adt->curid;
	pulled p;
	p.l0 = mlog_at(adt->log, id);
	p.o = hm_oracle_multi(adt->oracle, id, cpu, p.l0);
	p.all = hm_mlog_append(p.o, p.l0);
	p.acq = hm_mlog_cons(cpu, HM_MEV_OPULL, id, NULL,
			     hm_mlog_cons(cpu, HM_MEV_WAIT_LOCK, local_lock_bound, NULL, p.all));
	return p;
}

/* TEVENT cpu (TTICKET REL_LOCK) :: TEVENT cpu (TSHARED (ev snap)) :: l */
static const hm_mlog *released(hm_z cpu, hm_mev ev, const void *snap, const hm_mlog *l)
{
	return hm_mlog_cons(cpu, HM_MEV_REL_LOCK, 0, NULL, hm_mlog_cons(cpu, ev, 0, snap, l));
}

/* H_CalLock l = Some (_, LEMPTY, None): nobody holds the lock. */
static bool lock_empty(const hm_mlog *l)
{
	hm_calock c = hm_h_calock(l);
	return c.some && !c.hold && !c.has_i;
}

/* adt {halt: true} {tstate: 0} {shared: (shared adt) {s2page: s2p}}
 *     {log: (log adt) # S2PAGE_ID == spl} {lock: (lock adt) # S2PAGE_ID == (LockOwn true)} */
static hm_rdata *halt_s2page(const hm_rdata *adt, const hm_map *s2p, const hm_mlog *spl)
{
	hm_rdata *r = rd_edit(adt);
	r->halt = true;
	r->tstate = 0;
	hm_shared *sh = sh_edit(adt->shared);
	SETP(sh, s2page, s2p);
	SETP(r, shared, sh);
	SETP(r, log, hm_map_set_ptr(adt->log, S2PAGE_ID, spl));
	SETP(r, lock, hm_map_set_lock(adt->lock, S2PAGE_ID, HM_LOCK_OWN_TRUE));
	return r;
}

/* adt {tstate: 1} {shared: (shared adt) {s2page: s2p}}
 *     {log: (log adt) # S2PAGE_ID == spl'} {lock: (lock adt) # S2PAGE_ID == LockFalse} */
static hm_rdata *release_s2page(const hm_rdata *adt, const hm_map *s2p, const hm_mlog *spl_)
{
	hm_rdata *r = rd_edit(adt);
	r->tstate = 1;
	hm_shared *sh = sh_edit(adt->shared);
	SETP(sh, s2page, s2p);
	SETP(r, shared, sh);
	SETP(r, log, hm_map_set_ptr(adt->log, S2PAGE_ID, spl_));
	SETP(r, lock, hm_map_set_lock(adt->lock, S2PAGE_ID, HM_LOCK_FALSE));
	return r;
}

static hm_lock_status own_if(bool halt_) { return halt_ ? HM_LOCK_OWN_TRUE : HM_LOCK_FALSE; }

/* The outcome of map_page_host_spec and map_vm_io_spec once local_mmap
 * answered Some (halt', npt'):
 *   adt {halt: halt'} {tstate: if halt' then 0 else 1}
 *       {shared: (shared adt) {npts: (npts (shared adt)) # vmid == npt'} {s2page: s2p}}
 *       {log: ((log adt) # S2PAGE_ID == (if halt' then spl else spl'))
 *                        # ptid == (if halt' then ptl else ptl')}
 *       {lock: ((lock adt) # S2PAGE_ID == (if halt' then LockOwn true else LockFalse))
 *                          # ptid == (if halt' then LockOwn true else LockFalse)}
 * where ptl' := TEVENT cpu (TTICKET REL_LOCK) :: TEVENT cpu (TSHARED (ONPT npt')) :: ptl.
 * (map_page_host_spec: vmid HOSTVISOR, ptid NPT_ID; map_vm_io_spec: ptid NPT_ID + vmid.) */
static hm_rdata *mapped(const hm_rdata *adt, hm_z vmid, hm_z ptid, const hm_npt *npt_,
			const hm_map *s2p, bool halt_, const hm_mlog *spl, const hm_mlog *spl_,
			const hm_mlog *ptl)
{
	const hm_mlog *ptl_ = released(adt->curid, HM_MEV_ONPT, npt_, ptl);
	hm_rdata *r = rd_edit(adt);
	r->halt = halt_;
	r->tstate = halt_ ? 0 : 1;
	hm_shared *sh = sh_edit(adt->shared);
	SETP(sh, npts, hm_map_set_ptr(adt->shared->npts, vmid, npt_));
	SETP(sh, s2page, s2p);
	SETP(r, shared, sh);
	SETP(r, log,
	     hm_map_set_ptr2(adt->log, S2PAGE_ID, halt_ ? spl : spl_, ptid, halt_ ? ptl : ptl_));
	SETP(r, lock, hm_map_set_lock2(adt->lock, S2PAGE_ID, own_if(halt_), ptid, own_if(halt_)));
	return r;
}

static const hm_map *set_page(const hm_map *s2p, hm_z pfn, hm_s2page page)
{
	return hm_map_set(s2p, pfn, &page);
}

/* MemManagerSpec: map_page_host_spec */
hm_sres map_page_host_spec(const hm_rdata *adt, hm_z addr)
{
	RELY(is_paddr(addr));
	hm_z pfn = z_div(addr, PAGE_SIZE);
	if (adt->halt) {
		COV("halt adt: true");
		return SOME(adt);
	}
	hm_z cpu = adt->curid;
	hm_z ptid = NPT_ID;
	if (!(lock_at(adt->lock, S2PAGE_ID) == HM_LOCK_FALSE &&
	      lock_at(adt->lock, ptid) == HM_LOCK_FALSE)) {
		COV("locks LockFalse, LockFalse: no match");
		return NONE();
	}
	pulled sp = pull(adt, S2PAGE_ID), pp = pull(adt, ptid);
	const hm_map *s2p = CalS2Page(adt->shared->s2page, sp.o);
	const hm_npt *pt = CalNPT(npt_at(adt->shared->npts, HOSTVISOR), pp.o);
	const hm_mlog *spl = sp.acq, *ptl = pp.acq;
	if (!(lock_empty(sp.all) && lock_empty(pp.all))) {
		COV("H_CalLock: not both Some (_, LEMPTY, None)");
		return NONE();
	}
	const hm_mlog *spl_ = released(cpu, HM_MEV_OS2_PAGE, s2p, spl);
	const hm_s2page *page = s2page_at(s2p, pfn);
	RELY(is_int(page->s2_owner));
	RELY(is_int(page->s2_count));
	if (page->s2_owner == INVALID || page->s2_owner == HOSTVISOR || page->s2_count > 0) {
		hm_z pte = page->s2_owner == INVALID
				   ? z_lor(pfn * PAGE_SIZE, z_lor(PAGE_S2_DEVICE, S2_RDWR))
				   : z_lor(pfn * PAGE_SIZE, PAGE_S2_KERNEL);
		bool halt_;
		const hm_npt *npt_;
		if (!local_mmap(HOSTVISOR, addr, 3, pte, pt, &halt_, &npt_)) {
			COV("owner INVALID/HOSTVISOR or shared: local_mmap None");
			return NONE();
		}
		COV("owner INVALID/HOSTVISOR or shared: local_mmap Some");
		return SOME(mapped(adt, HOSTVISOR, ptid, npt_, s2p, halt_, spl, spl_, ptl));
	}
	COV("owner a VM and count 0: halt");
	return SOME(halt_s2page(adt, s2p, spl));
}

/* MemManagerSpec: clear_vm_page_spec */
hm_sres clear_vm_page_spec(const hm_rdata *adt, hm_z vmid, hm_z pfn)
{
	RELY(is_vmid(vmid));
	RELY(is_pfn(pfn));
	if (adt->halt) {
		COV("halt adt: true");
		return SOME(adt);
	}
	hm_z cpu = adt->curid;
	if (lock_at(adt->lock, S2PAGE_ID) != HM_LOCK_FALSE) {
		COV("lock LockFalse: no match");
		return NONE();
	}
	pulled sp = pull(adt, S2PAGE_ID);
	const hm_mlog *fml0 = mlog_at(adt->log, FLATMEM_ID);
	const hm_mlog *fmo_l = hm_oracle_multi(adt->oracle, FLATMEM_ID, cpu, fml0);
	const hm_map *s2p = CalS2Page(adt->shared->s2page, sp.o);
	const hm_mlog *spl = sp.acq;
	const hm_map *fmem = CalFlatmem(adt->shared->flatmem, fmo_l);
	if (!lock_empty(sp.all)) {
		COV("H_CalLock: not Some (_, LEMPTY, None)");
		return NONE();
	}
	const hm_s2page *page = s2page_at(s2p, pfn);
	RELY(is_int(page->s2_owner));
	if (page->s2_owner == vmid) {
		COV("s2_owner page =? vmid: true");
		const hm_map *s2p_ = set_page(s2p, pfn, (hm_s2page){HOSTVISOR, 0, pfn + SMMU_HOST_OFFSET});
		const hm_map *fmem_ = hm_map_set_z(fmem, pfn, 0);
		const hm_mlog *spl_ = released(cpu, HM_MEV_OS2_PAGE, s2p_, spl);
		const hm_mlog *fml_ =
			hm_mlog_cons(cpu, HM_MEV_OFLATMEM, 0, fmem_, hm_mlog_append(fmo_l, fml0));
		hm_rdata *r = rd_edit(adt);
		r->tstate = 1;
		hm_shared *sh = sh_edit(adt->shared);
		SETP(sh, s2page, s2p_);
		SETP(sh, flatmem, fmem_);
		SETP(r, shared, sh);
		SETP(r, log, hm_map_set_ptr2(adt->log, S2PAGE_ID, spl_, FLATMEM_ID, fml_));
		SETP(r, lock, hm_map_set_lock(adt->lock, S2PAGE_ID, HM_LOCK_FALSE));
		return SOME(r);
	}
	COV("s2_owner page =? vmid: false");
	const hm_mlog *spl_ = released(cpu, HM_MEV_OS2_PAGE, s2p, spl);
	return SOME(release_s2page(adt, s2p, spl_));
}

/* The tail shared by assign_pfn_to_vm_spec, revoke_vm_page_spec and
 * assign_pfn_to_smmu_spec once the page goes from the host to a VM or
 * back: the host's mapping of pfn is replaced by a PAGE_GUEST one when
 * there is one:
 *   match pfn @ (pt npt) with (_, level, pte) => rely is_int level;
 *   match (if (if phys_page pte =? 0 then 0 else level) =? 0 then Some (false, npt)
 *          else local_mmap HOSTVISOR (pfn * PAGE_SIZE) 3 PAGE_GUEST npt) with ...
 * UNMAP_RELY stands for a failed `rely is_int level`. */
typedef enum unmap_res { UNMAP_SOME, UNMAP_NONE, UNMAP_RELY } unmap_res;

static unmap_res host_unmap(const hm_npt *npt, hm_z pfn, bool *halt_, const hm_npt **npt_)
{
	const hm_z3 *e = z3_at(npt->pt, pfn);
	hm_z level = e->b, pte = e->c;
	if (!is_int(level))
		return UNMAP_RELY;
	if ((phys_page(pte) == 0 ? 0 : level) == 0) {
		COV("(if phys_page pte =? 0 then 0 else level) =? 0: Some (false, npt)");
		*halt_ = false;
		*npt_ = npt;
		return UNMAP_SOME;
	}
	COV("host maps pfn: local_mmap HOSTVISOR (pfn * PAGE_SIZE) 3 PAGE_GUEST");
	return local_mmap(HOSTVISOR, pfn * PAGE_SIZE, 3, PAGE_GUEST, npt, halt_, npt_) ? UNMAP_SOME
										       : UNMAP_NONE;
}

#define HOST_UNMAP_RELY "is_int(level)"

/* The result of the three definitions above after host_unmap (they differ
 * only in the s2page of the halting case, passed as s2p_halt):
 *   Some adt {halt: halt'} {tstate: if halt' then 0 else 1}
 *     {data_log: if halt' then data_log adt else data_log adt # vmid == logn + 1}
 *     {shared: (shared adt) {npts: # HOSTVISOR == npt'} {s2page: ...}
 *                           {flatmem: if halt' then flatmem (shared adt) else fmem'}}
 *     {log: if halt' then ((log adt) # S2PAGE_ID == spl) # ptid == ptl
 *           else (((log adt) # S2PAGE_ID == spl') # ptid == ptl') # FLATMEM_ID == fml'}
 *     {lock: ((lock adt) # S2PAGE_ID == own) # ptid == own} */
static hm_rdata *host_page_moved(const hm_rdata *adt, hm_z vmid, hm_z logn, bool halt_,
				 const hm_npt *npt_, const hm_map *s2p_page, const hm_map *fmem_,
				 const hm_mlog *spl, const hm_mlog *spl_, const hm_mlog *ptl,
				 const hm_mlog *ptl_, const hm_mlog *fml_)
{
	hm_z ptid = NPT_ID;
	hm_rdata *r = rd_edit(adt);
	r->halt = halt_;
	r->tstate = halt_ ? 0 : 1;
	if (!halt_)
		SETP(r, data_log, hm_map_set_z(adt->data_log, vmid, logn + 1));
	hm_shared *sh = sh_edit(adt->shared);
	SETP(sh, npts, hm_map_set_ptr(adt->shared->npts, HOSTVISOR, npt_));
	SETP(sh, s2page, s2p_page);
	SETP(sh, flatmem, halt_ ? adt->shared->flatmem : fmem_);
	SETP(r, shared, sh);
	if (halt_)
		SETP(r, log, hm_map_set_ptr2(adt->log, S2PAGE_ID, spl, ptid, ptl));
	else
		SETP(r, log,
		     hm_map_set_ptr3(adt->log, S2PAGE_ID, spl_, ptid, ptl_, FLATMEM_ID, fml_));
	SETP(r, lock, hm_map_set_lock2(adt->lock, S2PAGE_ID, own_if(halt_), ptid, own_if(halt_)));
	return r;
}

/* MemManagerSpec: assign_pfn_to_vm_spec */
hm_sres assign_pfn_to_vm_spec(const hm_rdata *adt, hm_z vmid, hm_z gfn, hm_z pfn)
{
	RELY(is_vmid(vmid));
	RELY(is_gfn(gfn));
	RELY(is_pfn(pfn));
	if (adt->halt) {
		COV("halt adt: true");
		return SOME(adt);
	}
	hm_z cpu = adt->curid;
	hm_z ptid = NPT_ID;
	if (!(lock_at(adt->lock, S2PAGE_ID) == HM_LOCK_FALSE &&
	      lock_at(adt->lock, ptid) == HM_LOCK_FALSE)) {
		COV("locks LockFalse, LockFalse: no match");
		return NONE();
	}
	pulled sp = pull(adt, S2PAGE_ID), pp = pull(adt, ptid);
	const hm_mlog *fml0 = mlog_at(adt->log, FLATMEM_ID);
	const hm_mlog *fmo_l = hm_oracle_multi(adt->oracle, FLATMEM_ID, cpu, fml0);
	const hm_map *s2p = CalS2Page(adt->shared->s2page, sp.o);
	const hm_npt *npt = CalNPT(npt_at(adt->shared->npts, HOSTVISOR), pp.o);
	const hm_map *fmem = CalFlatmem(adt->shared->flatmem, fmo_l);
	const hm_mlog *spl = sp.acq, *ptl = pp.acq;
	if (!(lock_empty(sp.all) && lock_empty(pp.all))) {
		COV("H_CalLock: not both Some (_, LEMPTY, None)");
		return NONE();
	}
	const hm_s2page *page = s2page_at(s2p, pfn);
	RELY(is_int(page->s2_owner));
	RELY(is_int(page->s2_count));
	RELY(is_int64(page->s2_gfn));
	if (page->s2_owner == HOSTVISOR) {
		if (page->s2_count == 0) {
			const hm_map *s2p_ = set_page(s2p, pfn, (hm_s2page){vmid, 0, gfn});
			hm_z logn = hm_map_get_z(adt->data_log, vmid);
			const hm_map *fmem_ =
				hm_map_set_z(fmem, pfn, hm_oracle_data(adt->doracle, vmid, logn));
			bool halt_;
			const hm_npt *npt_;
			switch (host_unmap(npt, pfn, &halt_, &npt_)) {
			case UNMAP_RELY:
				return (hm_sres){.rely = HOST_UNMAP_RELY, .where = __func__};
			case UNMAP_NONE:
				COV("owner HOSTVISOR, count 0: local_mmap None");
				return NONE();
			case UNMAP_SOME:
				break;
			}
			COV("owner HOSTVISOR, count 0: assign");
			const hm_mlog *ptl_ = released(cpu, HM_MEV_ONPT, npt_, ptl);
			const hm_mlog *spl_ = released(cpu, HM_MEV_OS2_PAGE, s2p_, spl);
			const hm_mlog *fml_ = hm_mlog_cons(cpu, HM_MEV_OFLATMEM, 0, fmem_,
							   hm_mlog_append(fmo_l, fml0));
			/* s2page is s2p' even when halting */
			return SOME(host_page_moved(adt, vmid, logn, halt_, npt_, s2p_, fmem_, spl,
						    spl_, ptl, ptl_, fml_));
		}
		COV("owner HOSTVISOR, count <> 0: halt");
		return SOME(halt_s2page(adt, s2p, spl));
	}
	if (page->s2_owner == vmid && (page->s2_gfn == INVALID64 || gfn == page->s2_gfn)) {
		COV("owner vmid, gfn unset or equal: keep");
		hm_s2page page_ = *page;
		page_.s2_count = page->s2_count == INVALID ? 0 : page->s2_count;
		page_.s2_gfn = gfn;
		const hm_map *s2p_ = set_page(s2p, pfn, page_);
		const hm_mlog *spl_ = released(cpu, HM_MEV_OS2_PAGE, s2p_, spl);
		return SOME(release_s2page(adt, s2p_, spl_));
	}
	COV("owner another VM or gfn differs: halt");
	return SOME(halt_s2page(adt, s2p, spl));
}

/* MemManagerSpec: map_pfn_vm_spec */
hm_sres map_pfn_vm_spec(const hm_rdata *adt, hm_z vmid, hm_z addr, hm_z pte, hm_z level)
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
		COV("lock LockFalse: no match");
		return NONE();
	}
	pulled p = pull(adt, id);
	const hm_npt *npt = CalNPT(npt_at(adt->shared->npts, vmid), p.o);
	const hm_mlog *l_ = p.acq;
	if (!lock_empty(p.all)) {
		COV("H_CalLock: not Some (_, LEMPTY, None)");
		return NONE();
	}
	hm_z paddr = phys_page(pte);
	hm_z perm = PAGE_S2_KERNEL;
	hm_z pte_ = level == 2 ? z_land(z_lor(paddr, perm), NOT_PMD_TABLE_BIT) : z_lor(paddr, perm);
	hm_z level_ = level == 2 ? 2 : 3;
	bool halt_;
	const hm_npt *npt_;
	if (!local_mmap(vmid, addr, level_, pte_, npt, &halt_, &npt_)) {
		COV("local_mmap None");
		return NONE();
	}
	COV("local_mmap Some");
	const hm_mlog *l__ = released(cpu, HM_MEV_ONPT, npt_, l_);
	hm_rdata *r = rd_edit(adt);
	r->halt = halt_;
	r->tstate = halt_ ? 0 : 1;
	hm_shared *sh = sh_edit(adt->shared);
	SETP(sh, npts, hm_map_set_ptr(adt->shared->npts, vmid, npt_));
	SETP(r, shared, sh);
	SETP(r, log, hm_map_set_ptr(adt->log, id, halt_ ? l_ : l__));
	SETP(r, lock, hm_map_set_lock(adt->lock, id, own_if(halt_)));
	return SOME(r);
}

/* MemManagerSpec: map_vm_io_spec */
hm_sres map_vm_io_spec(const hm_rdata *adt, hm_z vmid, hm_z gpa, hm_z pa)
{
	RELY(is_vmid(vmid));
	RELY(is_addr(gpa));
	RELY(is_addr(pa));
	if (adt->halt) {
		COV("halt adt: true");
		return SOME(adt);
	}
	hm_z cpu = adt->curid;
	hm_z ptid = NPT_ID + vmid;
	if (!(lock_at(adt->lock, S2PAGE_ID) == HM_LOCK_FALSE &&
	      lock_at(adt->lock, ptid) == HM_LOCK_FALSE)) {
		COV("locks LockFalse, LockFalse: no match");
		return NONE();
	}
	pulled sp = pull(adt, S2PAGE_ID), pp = pull(adt, ptid);
	const hm_map *s2p = CalS2Page(adt->shared->s2page, sp.o);
	const hm_npt *npt = CalNPT(npt_at(adt->shared->npts, vmid), pp.o);
	const hm_mlog *spl = sp.acq, *ptl = pp.acq;
	if (!(lock_empty(sp.all) && lock_empty(pp.all))) {
		COV("H_CalLock: not both Some (_, LEMPTY, None)");
		return NONE();
	}
	const hm_mlog *spl_ = released(cpu, HM_MEV_OS2_PAGE, s2p, spl);
	/* gfn := gpa / PAGE_SIZE is unused */
	hm_z pfn = z_div(pa, PAGE_SIZE);
	hm_z pte = z_lor(phys_page(pa), z_lor(PAGE_S2_DEVICE, S2_RDWR));
	const hm_s2page *page = s2page_at(s2p, pfn);
	RELY(is_int(page->s2_owner));
	if (page->s2_owner == INVALID) {
		bool halt_;
		const hm_npt *npt_;
		if (!local_mmap(vmid, gpa, 3, pte, npt, &halt_, &npt_)) {
			COV("s2_owner page =? INVALID: local_mmap None");
			return NONE();
		}
		COV("s2_owner page =? INVALID: local_mmap Some");
		return SOME(mapped(adt, vmid, ptid, npt_, s2p, halt_, spl, spl_, ptl));
	}
	COV("s2_owner page =? INVALID: false");
	return SOME(release_s2page(adt, s2p, spl_));
}

/* MemManagerSpec: grant_vm_page_spec */
hm_sres grant_vm_page_spec(const hm_rdata *adt, hm_z vmid, hm_z pfn)
{
	RELY(is_vmid(vmid));
	RELY(is_pfn(pfn));
	if (adt->halt) {
		COV("halt adt: true");
		return SOME(adt);
	}
	hm_z cpu = adt->curid;
	if (lock_at(adt->lock, S2PAGE_ID) != HM_LOCK_FALSE) {
		COV("lock LockFalse: no match");
		return NONE();
	}
	pulled sp = pull(adt, S2PAGE_ID);
	const hm_map *s2p = CalS2Page(adt->shared->s2page, sp.o);
	const hm_mlog *spl = sp.acq;
	if (!lock_empty(sp.all)) {
		COV("H_CalLock: not Some (_, LEMPTY, None)");
		return NONE();
	}
	const hm_s2page *page = s2page_at(s2p, pfn);
	RELY(is_int(page->s2_owner));
	RELY(is_int(page->s2_count));
	const hm_map *s2p_;
	if (page->s2_owner == vmid && page->s2_count < MAX_SHARE_COUNT) {
		COV("owner vmid, count < MAX_SHARE_COUNT: count + 1");
		hm_s2page page_ = *page;
		page_.s2_count = page->s2_count + 1;
		s2p_ = set_page(s2p, pfn, page_);
	} else {
		COV("not (owner vmid, count < MAX_SHARE_COUNT): unchanged");
		s2p_ = s2p;
	}
	const hm_mlog *spl_ = released(cpu, HM_MEV_OS2_PAGE, s2p_, spl);
	return SOME(release_s2page(adt, s2p_, spl_));
}

/* MemManagerSpec: revoke_vm_page_spec */
hm_sres revoke_vm_page_spec(const hm_rdata *adt, hm_z vmid, hm_z pfn)
{
	RELY(is_vmid(vmid));
	RELY(is_pfn(pfn));
	if (adt->halt) {
		COV("halt adt: true");
		return SOME(adt);
	}
	hm_z cpu = adt->curid;
	hm_z ptid = NPT_ID;
	if (!(lock_at(adt->lock, S2PAGE_ID) == HM_LOCK_FALSE &&
	      lock_at(adt->lock, ptid) == HM_LOCK_FALSE)) {
		COV("locks LockFalse, LockFalse: no match");
		return NONE();
	}
	pulled sp = pull(adt, S2PAGE_ID), pp = pull(adt, ptid);
	const hm_mlog *fml0 = mlog_at(adt->log, FLATMEM_ID);
	const hm_mlog *fmo_l = hm_oracle_multi(adt->oracle, FLATMEM_ID, cpu, fml0);
	const hm_map *s2p = CalS2Page(adt->shared->s2page, sp.o);
	const hm_npt *npt = CalNPT(npt_at(adt->shared->npts, HOSTVISOR), pp.o);
	const hm_map *fmem = CalFlatmem(adt->shared->flatmem, fmo_l);
	const hm_mlog *spl = sp.acq, *ptl = pp.acq;
	if (!(lock_empty(sp.all) && lock_empty(pp.all))) {
		COV("H_CalLock: not both Some (_, LEMPTY, None)");
		return NONE();
	}
	const hm_s2page *page = s2page_at(s2p, pfn);
	RELY(is_int(page->s2_owner));
	RELY(is_int(page->s2_count));
	if (page->s2_owner == vmid && page->s2_count > 0) {
		hm_s2page page_ = *page;
		page_.s2_count = page->s2_count - 1;
		const hm_map *s2p_ = set_page(s2p, pfn, page_);
		const hm_mlog *spl_ = released(cpu, HM_MEV_OS2_PAGE, s2p_, spl);
		if (page->s2_count == 1) {
			hm_z logn = hm_map_get_z(adt->data_log, vmid);
			const hm_map *fmem_ =
				hm_map_set_z(fmem, pfn, hm_oracle_data(adt->doracle, vmid, logn));
			bool halt_;
			const hm_npt *npt_;
			switch (host_unmap(npt, pfn, &halt_, &npt_)) {
			case UNMAP_RELY:
				return (hm_sres){.rely = HOST_UNMAP_RELY, .where = __func__};
			case UNMAP_NONE:
				COV("owner vmid, count 1: local_mmap None");
				return NONE();
			case UNMAP_SOME:
				break;
			}
			COV("owner vmid, count 1: last share revoked");
			const hm_mlog *ptl_ = released(cpu, HM_MEV_ONPT, npt_, ptl);
			const hm_mlog *fml_ = hm_mlog_cons(cpu, HM_MEV_OFLATMEM, 0, fmem_,
							   hm_mlog_append(fmo_l, fml0));
			/* s2page is s2p' even when halting */
			return SOME(host_page_moved(adt, vmid, logn, halt_, npt_, s2p_, fmem_, spl,
						    spl_, ptl, ptl_, fml_));
		}
		COV("owner vmid, count > 1: count - 1");
		return SOME(release_s2page(adt, s2p_, spl_));
	}
	COV("not (owner vmid, count > 0): unchanged");
	const hm_mlog *spl_ = released(cpu, HM_MEV_OS2_PAGE, s2p, spl);
	return SOME(release_s2page(adt, s2p, spl_));
}

/* MemManagerSpec: assign_pfn_to_smmu_spec */
hm_sres assign_pfn_to_smmu_spec(const hm_rdata *adt, hm_z vmid, hm_z gfn, hm_z pfn)
{
	RELY(is_vmid(vmid));
	RELY(is_gfn(gfn));
	RELY(is_pfn(pfn));
	if (adt->halt) {
		COV("halt adt: true");
		return SOME(adt);
	}
	hm_z cpu = adt->curid;
	hm_z ptid = NPT_ID;
	if (!(lock_at(adt->lock, S2PAGE_ID) == HM_LOCK_FALSE &&
	      lock_at(adt->lock, ptid) == HM_LOCK_FALSE)) {
		COV("locks LockFalse, LockFalse: no match");
		return NONE();
	}
	pulled sp = pull(adt, S2PAGE_ID), pp = pull(adt, ptid);
	const hm_mlog *fml0 = mlog_at(adt->log, FLATMEM_ID);
	const hm_mlog *fmo_l = hm_oracle_multi(adt->oracle, FLATMEM_ID, cpu, fml0);
	const hm_map *s2p = CalS2Page(adt->shared->s2page, sp.o);
	const hm_npt *npt = CalNPT(npt_at(adt->shared->npts, HOSTVISOR), pp.o);
	const hm_map *fmem = CalFlatmem(adt->shared->flatmem, fmo_l);
	const hm_mlog *spl = sp.acq, *ptl = pp.acq;
	if (!(lock_empty(sp.all) && lock_empty(pp.all))) {
		COV("H_CalLock: not both Some (_, LEMPTY, None)");
		return NONE();
	}
	const hm_s2page *page = s2page_at(s2p, pfn);
	RELY(is_int(page->s2_owner));
	RELY(is_int(page->s2_count));
	RELY(is_int64(page->s2_gfn));
	if (page->s2_owner == HOSTVISOR) {
		if (page->s2_count == 0) {
			const hm_map *s2p_ = set_page(s2p, pfn, (hm_s2page){vmid, INVALID, gfn});
			hm_z logn = hm_map_get_z(adt->data_log, vmid);
			const hm_map *fmem_ =
				hm_map_set_z(fmem, pfn, hm_oracle_data(adt->doracle, vmid, logn));
			bool halt_;
			const hm_npt *npt_;
			switch (host_unmap(npt, pfn, &halt_, &npt_)) {
			case UNMAP_RELY:
				return (hm_sres){.rely = HOST_UNMAP_RELY, .where = __func__};
			case UNMAP_NONE:
				COV("owner HOSTVISOR, count 0: local_mmap None");
				return NONE();
			case UNMAP_SOME:
				break;
			}
			COV("owner HOSTVISOR, count 0: assign");
			const hm_mlog *spl_ = released(cpu, HM_MEV_OS2_PAGE, s2p_, spl);
			const hm_mlog *ptl_ = released(cpu, HM_MEV_ONPT, npt_, ptl);
			const hm_mlog *fml_ = hm_mlog_cons(cpu, HM_MEV_OFLATMEM, 0, fmem_,
							   hm_mlog_append(fmo_l, fml0));
			/* here the halting case keeps s2p */
			return SOME(host_page_moved(adt, vmid, logn, halt_, npt_, halt_ ? s2p : s2p_,
						    fmem_, spl, spl_, ptl, ptl_, fml_));
		}
		COV("owner HOSTVISOR, count <> 0: halt");
		return SOME(halt_s2page(adt, s2p, spl));
	}
	if (page->s2_owner == vmid) {
		COV("s2_owner page =? vmid: true");
		const hm_mlog *spl_ = released(cpu, HM_MEV_OS2_PAGE, s2p, spl);
		return SOME(release_s2page(adt, s2p, spl_));
	}
	COV("owner neither HOSTVISOR nor vmid: halt");
	return SOME(halt_s2page(adt, s2p, spl));
}

/* The two SMMU definitions end alike when local_spt_map halts:
 *   Some adt {halt: halt'} {tstate: 0} {shared: (shared adt) {spts: spt'} {s2page: s2p}}
 *     {log: ((log adt) # S2PAGE_ID == spl) # SPT_ID == ptl}
 *     {lock: ((lock adt) # S2PAGE_ID == (LockOwn true)) # SPT_ID == (LockOwn true)}
 * and when it does not:
 *   Some adt {halt: halt'} {tstate: 1} {shared: (shared adt) {spts: spt'} {s2page: s2p'}}
 *     {log: ((log adt) # S2PAGE_ID == spl') # SPT_ID == ptl'}
 *     {lock: ((lock adt) # S2PAGE_ID == LockFalse) # SPT_ID == LockFalse} */
static hm_rdata *smmu_result(const hm_rdata *adt, bool halt_, hm_z tstate, const hm_spt *spt_,
			     const hm_map *s2p, const hm_mlog *spl, const hm_mlog *ptl,
			     hm_lock_status lk)
{
	hm_rdata *r = rd_edit(adt);
	r->halt = halt_;
	r->tstate = tstate;
	hm_shared *sh = sh_edit(adt->shared);
	SETP(sh, spts, spt_);
	SETP(sh, s2page, s2p);
	SETP(r, shared, sh);
	SETP(r, log, hm_map_set_ptr2(adt->log, S2PAGE_ID, spl, SPT_ID, ptl));
	SETP(r, lock, hm_map_set_lock2(adt->lock, S2PAGE_ID, lk, SPT_ID, lk));
	return r;
}

/* MemManagerSpec: update_smmu_page_spec */
hm_sres update_smmu_page_spec(const hm_rdata *adt, hm_z vmid, hm_z cbndx, hm_z index, hm_z iova,
			      hm_z pte)
{
	RELY(is_vmid(vmid));
	RELY(is_smmu(index));
	RELY(is_smmu_cfg(cbndx));
	RELY(is_smmu_addr(iova));
	RELY(is_int64(pte));
	if (adt->halt) {
		COV("halt adt: true");
		return SOME(adt);
	}
	hm_z cpu = adt->curid;
	if (!(lock_at(adt->lock, S2PAGE_ID) == HM_LOCK_FALSE &&
	      lock_at(adt->lock, SPT_ID) == HM_LOCK_FALSE)) {
		COV("locks LockFalse, LockFalse: no match");
		return NONE();
	}
	pulled sp = pull(adt, S2PAGE_ID), pp = pull(adt, SPT_ID);
	const hm_map *s2p = CalS2Page(adt->shared->s2page, sp.o);
	const hm_spt *spt = CalSPT(adt->shared->spts, pp.o);
	const hm_mlog *spl = sp.acq, *ptl = pp.acq;
	if (!(lock_empty(sp.all) && lock_empty(pp.all))) {
		COV("H_CalLock: not both Some (_, LEMPTY, None)");
		return NONE();
	}
	hm_z pfn = z_div(phys_page(pte), PAGE_SIZE);
	hm_z gfn = z_div(iova, PAGE_SIZE);
	const hm_s2page *page = s2page_at(s2p, pfn);
	RELY(is_int(page->s2_owner));
	RELY(is_int(page->s2_count));
	RELY(is_int64(page->s2_gfn));
	if (vmid == page->s2_owner && gfn == page->s2_gfn) {
		bool halt_;
		const hm_spt *spt_;
		if (!local_spt_map(cbndx, index, iova, pte, spt, &halt_, &spt_)) {
			COV("owner vmid, gfn equal: local_spt_map None");
			return NONE();
		}
		if (halt_) {
			COV("owner vmid, gfn equal: local_spt_map halts");
			return SOME(smmu_result(adt, halt_, 0, spt_, s2p, spl, ptl,
						HM_LOCK_OWN_TRUE));
		}
		COV("owner vmid, gfn equal: mapped");
		const hm_map *s2p_;
		if (page->s2_owner == HOSTVISOR && page->s2_count < EL2_SMMU_CFG_SIZE) {
			hm_s2page page_ = *page;
			page_.s2_count = page->s2_count + 1;
			s2p_ = set_page(s2p, pfn, page_);
		} else {
			s2p_ = s2p;
		}
		const hm_mlog *ptl_ = released(cpu, HM_MEV_OSPT, spt_, ptl);
		const hm_mlog *spl_ = released(cpu, HM_MEV_OS2_PAGE, s2p_, spl);
		return SOME(smmu_result(adt, halt_, 1, spt_, s2p_, spl_, ptl_, HM_LOCK_FALSE));
	}
	COV("not (owner vmid, gfn equal): halt");
	return SOME(halt_s2page(adt, s2p, spl));
}

/* MemManagerSpec: unmap_smmu_page_spec */
hm_sres unmap_smmu_page_spec(const hm_rdata *adt, hm_z cbndx, hm_z index, hm_z iova)
{
	RELY(is_smmu(index));
	RELY(is_smmu_cfg(cbndx));
	RELY(is_smmu_addr(iova));
	if (adt->halt) {
		COV("halt adt: true");
		return SOME(adt);
	}
	hm_z cpu = adt->curid;
	if (!(lock_at(adt->lock, S2PAGE_ID) == HM_LOCK_FALSE &&
	      lock_at(adt->lock, SPT_ID) == HM_LOCK_FALSE)) {
		COV("locks LockFalse, LockFalse: no match");
		return NONE();
	}
	pulled sp = pull(adt, S2PAGE_ID), pp = pull(adt, SPT_ID);
	const hm_map *s2p = CalS2Page(adt->shared->s2page, sp.o);
	const hm_spt *spt = CalSPT(adt->shared->spts, pp.o);
	const hm_mlog *spl = sp.acq, *ptl = pp.acq;
	if (!(lock_empty(sp.all) && lock_empty(pp.all))) {
		COV("H_CalLock: not both Some (_, LEMPTY, None)");
		return NONE();
	}
	hm_z ttbr = SMMU_TTBR(index, cbndx);
	const hm_map *pt = hm_map_get_map(spt->spt_pt, ttbr);
	hm_z gfn = z_div(iova, PAGE_SIZE);
	hm_z pte = z2_at(pt, gfn)->b;
	RELY(is_int64(pte));
	bool halt_;
	const hm_spt *spt_;
	if (pte == 0) {
		COV("pte =? 0: nothing mapped");
		halt_ = false;
		spt_ = spt;
	} else {
		if (!local_spt_map(cbndx, index, iova, 0, spt, &halt_, &spt_)) {
			COV("pte <> 0: local_spt_map None");
			return NONE();
		}
		COV("pte <> 0: local_spt_map Some");
	}
	if (halt_) {
		COV("local_spt_map halts");
		return SOME(smmu_result(adt, halt_, 0, spt_, s2p, spl, ptl, HM_LOCK_OWN_TRUE));
	}
	hm_z pfn = z_div(phys_page(pte), PAGE_SIZE);
	const hm_s2page *page = s2page_at(s2p, pfn);
	RELY(is_int(page->s2_owner));
	RELY(is_int(page->s2_count));
	const hm_map *s2p_;
	if (page->s2_owner == HOSTVISOR && page->s2_count > 0) {
		COV("unmapped: owner HOSTVISOR, count > 0: count - 1");
		hm_s2page page_ = *page;
		page_.s2_count = page->s2_count - 1;
		s2p_ = set_page(s2p, pfn, page_);
	} else {
		COV("unmapped: count unchanged");
		s2p_ = s2p;
	}
	const hm_mlog *spl_ = released(cpu, HM_MEV_OS2_PAGE, s2p_, spl);
	const hm_mlog *ptl_ = released(cpu, HM_MEV_OSPT, spt_, ptl);
	return SOME(smmu_result(adt, halt_, 1, spt_, s2p_, spl_, ptl_, HM_LOCK_FALSE));
}

/* ---- the op table ---- */

static hm_sres op_map_page_host(const hm_rdata *adt, const hm_z *a)
{
	return map_page_host_spec(adt, a[0]);
}
static hm_sres op_clear_vm_page(const hm_rdata *adt, const hm_z *a)
{
	return clear_vm_page_spec(adt, a[0], a[1]);
}
static hm_sres op_assign_pfn_to_vm(const hm_rdata *adt, const hm_z *a)
{
	return assign_pfn_to_vm_spec(adt, a[0], a[1], a[2]);
}
static hm_sres op_map_pfn_vm(const hm_rdata *adt, const hm_z *a)
{
	return map_pfn_vm_spec(adt, a[0], a[1], a[2], a[3]);
}
static hm_sres op_map_vm_io(const hm_rdata *adt, const hm_z *a)
{
	return map_vm_io_spec(adt, a[0], a[1], a[2]);
}
static hm_sres op_grant_vm_page(const hm_rdata *adt, const hm_z *a)
{
	return grant_vm_page_spec(adt, a[0], a[1]);
}
static hm_sres op_revoke_vm_page(const hm_rdata *adt, const hm_z *a)
{
	return revoke_vm_page_spec(adt, a[0], a[1]);
}
static hm_sres op_assign_pfn_to_smmu(const hm_rdata *adt, const hm_z *a)
{
	return assign_pfn_to_smmu_spec(adt, a[0], a[1], a[2]);
}
static hm_sres op_update_smmu_page(const hm_rdata *adt, const hm_z *a)
{
	return update_smmu_page_spec(adt, a[0], a[1], a[2], a[3], a[4]);
}
static hm_sres op_unmap_smmu_page(const hm_rdata *adt, const hm_z *a)
{
	return unmap_smmu_page_spec(adt, a[0], a[1], a[2]);
}

#define MM "MemManagerSpec"
const hm_op_def hm_ops_mem_manager[] = {
	{"map_page_host", MM, 1, {"addr"}, op_map_page_host, hm_op_map_page_host_spec0},
	{"clear_vm_page", MM, 2, {"vmid", "pfn"}, op_clear_vm_page, hm_op_clear_vm_page_spec0},
	{"assign_pfn_to_vm", MM, 3, {"vmid", "gfn", "pfn"}, op_assign_pfn_to_vm,
	 hm_op_assign_pfn_to_vm_spec0},
	{"map_pfn_vm", MM, 4, {"vmid", "addr", "pte", "level"}, op_map_pfn_vm, hm_op_map_pfn_vm_spec0},
	{"map_vm_io", MM, 3, {"vmid", "gpa", "pa"}, op_map_vm_io, hm_op_map_vm_io_spec0},
	{"grant_vm_page", MM, 2, {"vmid", "pfn"}, op_grant_vm_page, hm_op_grant_vm_page_spec0},
	{"revoke_vm_page", MM, 2, {"vmid", "pfn"}, op_revoke_vm_page, hm_op_revoke_vm_page_spec0},
	{"assign_pfn_to_smmu", MM, 3, {"vmid", "gfn", "pfn"}, op_assign_pfn_to_smmu,
	 hm_op_assign_pfn_to_smmu_spec0},
	{"update_smmu_page", MM, 5, {"vmid", "cbndx", "index", "iova", "pte"}, op_update_smmu_page,
	 hm_op_update_smmu_page_spec0},
	{"unmap_smmu_page", MM, 3, {"cbndx", "index", "iova"}, op_unmap_smmu_page,
	 hm_op_unmap_smmu_page_spec0},
};
#undef MM
const size_t hm_ops_mem_manager_count = sizeof hm_ops_mem_manager / sizeof hm_ops_mem_manager[0];
