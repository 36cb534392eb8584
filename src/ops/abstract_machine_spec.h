/* AbstractMachineSpec.md: the definitions of the abstract machine that the
 * low level of MemManager calls (halting, and the page contents in
 * flatmem: zeroing a page, filling pages from the data oracle). The
 * register helpers (`_specx`) live in abstract_machine_specx.h. */
#ifndef HM_ABSTRACT_MACHINE_SPEC_H
#define HM_ABSTRACT_MACHINE_SPEC_H

#include "spec.h"

/* The triple (pfn, flatmem, logn) that sync_from_doracle returns. */
typedef struct hm_sync_res {
	hm_z pfn;
	const hm_map *flatmem;
	hm_z logn;
} hm_sync_res;

/* AbstractMachineSpec: sync_from_doracle. n is the nat (values below 0 run
 * no step, as Z.to_nat gives); doracle is the DataOracle. */
hm_sync_res sync_from_doracle(hm_z n, hm_z vmid, hm_z pfn, const hm_map *flatmem, hm_z logn,
			      hm_oracle *doracle);

/* AbstractMachineSpec: panic_spec */
hm_sres panic_spec(const hm_rdata *adt);
/* AbstractMachineSpec: fetch_from_doracle_spec */
hm_sres fetch_from_doracle_spec(const hm_rdata *adt, hm_z vmid, hm_z pfn, hm_z pgnum);
/* AbstractMachineSpec: clear_phys_page_spec */
hm_sres clear_phys_page_spec(const hm_rdata *adt, hm_z pfn);

#endif
