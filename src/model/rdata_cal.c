#include "rdata_cal.h"

#include "constants.h"

/* The Fixpoints recurse to the tail first and let the head override, so
 * the result is the snapshot of the first (newest) matching event. */

/* RData: CalFlatmem */
const hm_map *CalFlatmem(const hm_map *o, const hm_mlog *log)
{
	const hm_map *m = hm_mlog_newest_snap(log, HM_MEV_OFLATMEM);
	return m ? m : o;
}

/* RData: CalCoreData */
hm_core_data CalCoreData(hm_core_data o, const hm_mlog *log)
{
	hm_core_data cd;
	return hm_mlog_newest_core(log, &cd) ? cd : o;
}

/* RData: CalS2Page */
const hm_map *CalS2Page(const hm_map *o, const hm_mlog *log)
{
	const hm_map *m = hm_mlog_newest_snap(log, HM_MEV_OS2_PAGE);
	return m ? m : o;
}

/* RData: CalSPT */
const hm_spt *CalSPT(const hm_spt *o, const hm_mlog *log)
{
	const hm_spt *s = hm_mlog_newest_snap(log, HM_MEV_OSPT);
	return s ? s : o;
}

/* RData: CalSMMU */
const hm_map *CalSMMU(const hm_map *o, const hm_mlog *log)
{
	const hm_map *m = hm_mlog_newest_snap(log, HM_MEV_OSMMU);
	return m ? m : o;
}

/* RData: CalNPT */
const hm_npt *CalNPT(const hm_npt *o, const hm_mlog *log)
{
	const hm_npt *n = hm_mlog_newest_snap(log, HM_MEV_ONPT);
	return n ? n : o;
}

/* RData: CalVMInfo */
const hm_vminfo *CalVMInfo(const hm_vminfo *o, const hm_mlog *log)
{
	const hm_vminfo *v = hm_mlog_newest_snap(log, HM_MEV_OVMINFO);
	return v ? v : o;
}

/* RData: CalState */
const hm_shared *CalState(hm_z id, const hm_mlog *log, const hm_shared *sdt)
{
	hm_shared *s;
	if (id == FLATMEM_ID) {
		s = sh_edit(sdt);
		SETP(s, flatmem, CalFlatmem(sdt->flatmem, log));
	} else if (id == CORE_ID) {
		s = sh_edit(sdt);
		s->core_data = CalCoreData(sdt->core_data, log);
	} else if (id == S2PAGE_ID) {
		s = sh_edit(sdt);
		SETP(s, s2page, CalS2Page(sdt->s2page, log));
	} else if (id == SPT_ID) {
		s = sh_edit(sdt);
		SETP(s, spts, CalSPT(sdt->spts, log));
	} else if (id == SMMU_ID) {
		s = sh_edit(sdt);
		SETP(s, smmu_vmid, CalSMMU(sdt->smmu_vmid, log));
	} else if (NPT_ID <= id && id < INFO_ID) {
		hm_z vmid = id - NPT_ID;
		s = sh_edit(sdt);
		SETP(s, npts, hm_map_set_ptr(sdt->npts, vmid, CalNPT(npt_at(sdt->npts, vmid), log)));
	} else if (INFO_ID <= id && id < ID_END) {
		hm_z vmid = id - INFO_ID;
		s = sh_edit(sdt);
		SETP(s, vminfos,
		     hm_map_set_ptr(sdt->vminfos, vmid, CalVMInfo(vminfo_at(sdt->vminfos, vmid), log)));
	} else {
		return sdt;
	}
	return s;
}
