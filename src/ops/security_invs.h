/* The invariants of SecurityInvs.md (shared_inv) as monitors: each checks
 * a Shared and returns its first counterexample.
 *
 * The Coq quantifies over every key; a map's absent keys all read its
 * default, so each monitor checks the stored entries and, once, the
 * default itself (reported with has_key = false).
 */
#ifndef HM_SECURITY_INVS_H
#define HM_SECURITY_INVS_H

#include "state.h"

typedef struct hm_inv_violation {
	const char *inv;      /* the Coq field name: "host_iso", ... */
	char detail[256];     /* which pfn, gfn, VM and what was found */
} hm_inv_violation;

typedef bool (*hm_inv_check_fn)(const hm_shared *sdt, hm_inv_violation *out);

typedef struct hm_inv_def {
	const char *name;
	hm_inv_check_fn check;
} hm_inv_def;

extern const hm_inv_def hm_shared_invs[];
extern const size_t hm_shared_invs_count;

/* Checks every invariant; returns false at the first violation. */
bool hm_shared_inv(const hm_shared *sdt, hm_inv_violation *out);

/* SecurityInvs: count_smmu_map (Z.to_nat EL2_SMMU_CFG_SIZE) pfn smmu spt */
hm_z count_smmu_map(hm_z n, hm_z pfn, const hm_map *smmu, const hm_spt *spt);

bool inv_spt_cons(const hm_shared *sdt, hm_inv_violation *out);
bool inv_host_npt_cons(const hm_shared *sdt, hm_inv_violation *out);
bool inv_host_flatmap(const hm_shared *sdt, hm_inv_violation *out);
bool inv_host_s2_map(const hm_shared *sdt, hm_inv_violation *out);
bool inv_page_0_invalid(const hm_shared *sdt, hm_inv_violation *out);
bool inv_host_iso(const hm_shared *sdt, hm_inv_violation *out);
bool inv_vm_iso(const hm_shared *sdt, hm_inv_violation *out);
bool inv_smmu_vm(const hm_shared *sdt, hm_inv_violation *out);
bool inv_smmu_iso(const hm_shared *sdt, hm_inv_violation *out);
bool inv_smmu_count(const hm_shared *sdt, hm_inv_violation *out);

#endif
