/* AbstractMachineSpec.md: panic, fetch_from_doracle, clear_phys_page. */
#include "abstract_machine_spec.h"

#include "locks_spec.h"
#include "rdata_cal.h"

/* AbstractMachineSpec: sync_from_doracle. The Fixpoint first runs n - 1
 * steps and then one more, so it is n forward steps from (pfn, flatmem,
 * logn), each storing `doracle vmid logn` at pfn and moving both on:
 * a loop, whatever n is. */
hm_sync_res sync_from_doracle(hm_z n, hm_z vmid, hm_z pfn, const hm_map *flatmem, hm_z logn,
			      hm_oracle *doracle)
{
	hm_sync_res r = {pfn, flatmem, logn};
	for (hm_z k = 0; k < n; k++) {
		r.flatmem = hm_map_set_z(r.flatmem, r.pfn, hm_oracle_data(doracle, vmid, r.logn));
		r.pfn += 1;
		r.logn += 1;
	}
	return r;
}

/* AbstractMachineSpec: panic_spec */
hm_sres panic_spec(const hm_rdata *adt)
{
	COV("Some adt {halt: true}");
	hm_rdata *r = rd_edit(adt);
	r->halt = true;
	return SOME(r);
}

/* AbstractMachineSpec: fetch_from_doracle_spec */
hm_sres fetch_from_doracle_spec(const hm_rdata *adt, hm_z vmid, hm_z pfn, hm_z pgnum)
{
	if (adt->halt) {
		COV("halt adt: true");
		return SOME(adt);
	}
	RELY(is_vmid(vmid));
	RELY(is_pfn(pfn));
	RELY(is_pfn(pgnum));
	RELY(is_pfn(pfn + pgnum - 1));
	COV("halt adt: false");
	hm_z id = FLATMEM_ID;
	hm_z cpu = adt->curid;
	const hm_mlog *l = mlog_at(adt->log, id);
	const hm_mlog *pulled = hm_log_oracle(adt, id, cpu);
	const hm_map *fmem = CalFlatmem(adt->shared->flatmem, pulled);
	hm_z logn = hm_map_get_z(adt->data_log, vmid);
	hm_sync_res s = sync_from_doracle(z_to_nat(pgnum), vmid, pfn, fmem, logn, adt->doracle);
	hm_mlog *l1 = hm_mlog_cons(cpu, HM_MEV_OFLATMEM, 0, s.flatmem, hm_mlog_append(pulled, l));
	hm_shared *sh = sh_edit(adt->shared);
	SETP(sh, flatmem, s.flatmem);
	hm_rdata *r = rd_edit(adt);
	SETP(r, shared, sh);
	SETP(r, log, hm_map_set_ptr(adt->log, id, l1));
	SETP(r, data_log, hm_map_set_z(adt->data_log, vmid, s.logn));
	return SOME(r);
}

/* AbstractMachineSpec: clear_phys_page_spec */
hm_sres clear_phys_page_spec(const hm_rdata *adt, hm_z pfn)
{
	if (adt->halt) {
		COV("halt adt: true");
		return SOME(adt);
	}
	RELY(is_pfn(pfn));
	COV("halt adt: false");
	hm_z id = FLATMEM_ID;
	hm_z cpu = adt->curid;
	const hm_mlog *l = mlog_at(adt->log, id);
	const hm_mlog *pulled = hm_log_oracle(adt, id, cpu);
	const hm_map *fmem = CalFlatmem(adt->shared->flatmem, pulled);
	hm_map *fmem1 = hm_map_set_z(fmem, pfn, 0);
	hm_shared *sh = sh_edit(adt->shared);
	SETP(sh, flatmem, fmem1);
	hm_mlog *l1 = hm_mlog_cons(cpu, HM_MEV_OFLATMEM, 0, fmem1, hm_mlog_append(pulled, l));
	hm_rdata *r = rd_edit(adt);
	r->tstate = 1;
	SETP(r, shared, sh);
	SETP(r, log, hm_map_set_ptr(adt->log, id, l1));
	return SOME(r);
}
