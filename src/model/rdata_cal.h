/* The log-replay functions of RData.md: Cal* o log is the snapshot of the
 * newest event of its kind in log (events are newest first), else o. */
#ifndef HM_RDATA_CAL_H
#define HM_RDATA_CAL_H

#include "state.h"

const hm_map *CalFlatmem(const hm_map *o, const hm_mlog *log);
hm_core_data CalCoreData(hm_core_data o, const hm_mlog *log);
const hm_map *CalS2Page(const hm_map *o, const hm_mlog *log);
const hm_spt *CalSPT(const hm_spt *o, const hm_mlog *log);
const hm_map *CalSMMU(const hm_map *o, const hm_mlog *log);
const hm_npt *CalNPT(const hm_npt *o, const hm_mlog *log);
const hm_vminfo *CalVMInfo(const hm_vminfo *o, const hm_mlog *log);
/* CalState id log sdt (autoreleased when it differs from sdt). */
const hm_shared *CalState(hm_z id, const hm_mlog *log, const hm_shared *sdt);

#endif
