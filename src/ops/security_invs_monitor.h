/* Incremental checking of shared_inv (SecurityInvs.md) along a run.
 *
 * hm_shared_inv walks every entry of every map: fine once, too slow after
 * each of millions of steps. A monitor remembers the last Shared it
 * checked, and when that one satisfied every invariant, checks the next
 * one from what changed between the two (hm_map_diff on the persistent
 * maps costs what changed, not what they hold):
 *
 * - changed s2page entries: host_s2_map, smmu_count (negative counts and
 *   count_smmu_map of that pfn), and every map entry that points at the
 *   pfn: the host NPT entry at gfn = pfn (host_flatmap makes it the only
 *   one), the VM NPT entries and SPT entries found in reverse indexes
 *   (pfn -> entries mapping it) kept up to date from the same diffs;
 * - changed host NPT entries: host_npt_cons, host_flatmap, host_iso;
 * - changed VM NPT entries: vm_iso; a VM whose vm_state changed: vm_iso
 *   over its whole NPT, smmu_iso over its context banks;
 * - changed SPT entries: spt_cons, smmu_iso, smmu_count of the host pfn
 *   the gfn names; a context bank whose smmu_vmid changed: smmu_vm, and
 *   smmu_iso and smmu_count over its entries;
 * - page_0_invalid always (one lookup).
 *
 * Every invariant is universally quantified over map entries and the
 * entries that did not change were checked before, so the verdict is the
 * full check's. The monitor falls back to the full check on the first
 * call, after a violation (the previous state is then no base for the
 * induction), and when a map's default changed (absent keys changed
 * meaning). Reported witnesses may differ from the full check's when
 * several entries are wrong at once; the verdict does not.
 */
#ifndef HM_SECURITY_INVS_MONITOR_H
#define HM_SECURITY_INVS_MONITOR_H

#include <stdint.h>

#include "security_invs.h"

typedef struct hm_inv_monitor hm_inv_monitor;

typedef struct hm_inv_monitor_stats {
	uint64_t full;        /* full checks */
	uint64_t incremental; /* checks from a diff */
	uint64_t unchanged;   /* the Shared was the one checked last */
	uint64_t touched;     /* map entries the incremental checks looked at */
} hm_inv_monitor_stats;

hm_inv_monitor *hm_inv_monitor_new(void);
void hm_inv_monitor_free(hm_inv_monitor *m);

/* false: every check is the full one (the reference the tests compare
 * against). Default true. */
void hm_inv_monitor_set_incremental(hm_inv_monitor *m, bool on);

/* Forgets the previous state: the next check is a full one. */
void hm_inv_monitor_reset(hm_inv_monitor *m);

/* Checks sdt: true when every invariant holds; false with the first
 * counterexample found in *out. */
bool hm_inv_monitor_check(hm_inv_monitor *m, const hm_shared *sdt, hm_inv_violation *out);

/* A hash of the last checked Shared's s2page, NPT and SPT entries,
 * smmu_vmid and VM states, kept up to date from the same diffs: equal
 * states have equal fingerprints. */
uint64_t hm_inv_monitor_fingerprint(const hm_inv_monitor *m);

const hm_inv_monitor_stats *hm_inv_monitor_stats_get(const hm_inv_monitor *m);

#endif
