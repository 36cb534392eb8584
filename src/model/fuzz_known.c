/* The disagreements between the MemManager high level (_spec) and low
 * level (_spec0) that are documented, and so filtered out of the fuzzer's
 * failures. Each is asserted, field by field, by a test of
 * tests/test_mem_manager_refine.c (named below), which works the
 * difference out from the Coq of both levels.
 *
 * The filter is narrow on purpose: a disagreement is filtered only when
 * it is on the op of a documented difference, the results have the
 * documented shape (Some/Some, which side halts, Some/None), the
 * documented precondition holds in the state before the step, and every
 * differing path lies under the documented paths, with the pfn and vmid
 * of the step's own arguments. Anything else is reported.
 */
#include <string.h>

#include "fuzz_internal.h"
#include "json.h"

typedef struct known_diff {
	const char *name;
	const char *test; /* the test of tests/test_mem_manager_refine.c */
} known_diff;

enum {
	K_CLEAR_NPT,       /* clear_vm_page: low takes the host NPT lock, unmaps */
	K_CLEAR_LEVEL2,    /* clear_vm_page: host maps the page at level 2 */
	K_CLEAR_NPT_BUSY,  /* clear_vm_page: host NPT lock busy, low None */
	K_ASSIGN_LEVEL2,   /* assign_pfn_to_vm: local_mmap halts, high keeps s2p' */
	K_SMMU_DORACLE,    /* assign_pfn_to_smmu: high fills the page from doracle */
	K_COUNT
};

static const known_diff known[K_COUNT] = {
	[K_CLEAR_NPT] = {"clear_vm_page: the low level takes the host NPT lock and unmaps the page "
			 "from the host (clear_pfn_host_spec); the high level does not touch the NPT",
			 "test_clear_vm_page_owner_unmapped, test_clear_vm_page_owner_host_mapped"},
	[K_CLEAR_LEVEL2] = {"clear_vm_page: the host maps the page at level 2, so the low level's "
			    "clear_pfn_host_spec halts while the high level completes",
			    "test_clear_vm_page_owner_host_level2"},
	[K_CLEAR_NPT_BUSY] = {"clear_vm_page: the host NPT lock is not free: the low level has no "
			      "result, the high level does not need the lock",
			      "test_clear_vm_page_npt_lock_busy"},
	[K_ASSIGN_LEVEL2] = {"assign_pfn_to_vm: local_mmap halts; the high level still stores the "
			     "updated page (seed 152), the low level does not",
			     "test_assign_vm_from_host_level2"},
	[K_SMMU_DORACLE] = {"assign_pfn_to_smmu: the high level fills the page from the data oracle "
			    "(seed 361-378), the low level does not",
			    "test_assign_smmu_from_host"},
};

size_t hm_fuzz_known_count(void) { return K_COUNT; }

const char *hm_fuzz_known_name(size_t i) { return i < K_COUNT ? known[i].name : NULL; }

/* Every line of the diff report lies under one of the paths. */
static bool paths_within(const char *report, const char *const *paths)
{
	bool ok = true;
	char **lines = g_strsplit(report, "\n", -1);
	for (char **line = lines; ok && *line; line++) {
		if (!**line)
			continue;
		const char *colon = strstr(*line, ": ");
		size_t plen = colon ? (size_t)(colon - *line) : strlen(*line);
		bool matched = false;
		for (const char *const *p = paths; *p && !matched; p++) {
			size_t k = strlen(*p);
			matched = plen >= k && strncmp(*line, *p, k) == 0 &&
				  (plen == k || (*line)[k] == '.' || (*line)[k] == '[');
		}
		ok = matched;
	}
	g_strfreev(lines);
	return ok;
}

/* The paths a documented difference may touch: fixed ones and ones keyed
 * by the step's own pfn and vmid, in the diff's key notation. */
typedef struct allowed {
	const char *paths[12];
	char *own[12];
	size_t n, nown;
} allowed;

static void allow(allowed *a, const char *path) { a->paths[a->n++] = path; }

static void allow_key(allowed *a, const char *prefix, hm_z key)
{
	char buf[48];
	char *p = g_strdup_printf("%s[%s]", prefix, hm_key_text(key, buf));
	a->own[a->nown++] = p;
	allow(a, p);
}

/* The report lies within the allowed paths (and frees them). */
static bool within(allowed *a, const char *report)
{
	a->paths[a->n] = NULL;
	bool ok = paths_within(report, a->paths);
	for (size_t i = 0; i < a->nown; i++)
		g_free(a->own[i]);
	return ok;
}

/* H_CalLock of the host NPT lock, with what the oracle brings, is not
 * Some (_, LEMPTY, None), or this CPU's lock status is not LockFalse. */
static bool npt_lock_busy(const hm_rdata *pre)
{
	if (lock_at(pre->lock, NPT_ID) != HM_LOCK_FALSE)
		return true;
	const hm_mlog *l = mlog_at(pre->log, NPT_ID);
	hm_mlog *all = hm_mlog_append(hm_oracle_multi(pre->oracle, NPT_ID, pre->curid, l), l);
	hm_calock c = hm_h_calock(all);
	return !(c.some && !c.hold && !c.has_i);
}

/* The flatmem of the two levels differ only as the documented fetch
 * explains: the low level leaves flatmem as it was; the high level's is
 * the one its FLATMEM log gives (CalFlatmem: the newest OFLATMEM snapshot
 * that other CPUs logged, else this CPU's) with pfn filled. With several
 * CPUs the high level thus also shows the other CPUs' writes. */
static bool flatmem_explained(const hm_rdata *pre, hm_z pfn, const hm_rdata *h, const hm_rdata *l)
{
	if (!hm_map_equal(l->shared->flatmem, pre->shared->flatmem))
		return false;
	const hm_mlog *own = mlog_at(pre->log, FLATMEM_ID);
	const hm_mlog *pulled = hm_oracle_multi(pre->oracle, FLATMEM_ID, pre->curid, own);
	const hm_map *base = hm_mlog_newest_snap(pulled, HM_MEV_OFLATMEM);
	if (!base)
		base = pre->shared->flatmem;
	hm_map *want = hm_map_set_z(base, pfn, hm_map_get_z(h->shared->flatmem, pfn));
	return hm_map_equal(want, h->shared->flatmem);
}

int hm_fuzz_known_match(const hm_op_def *def, const hm_z *argv, const hm_rdata *pre,
			const hm_sres *high, const hm_sres *low, const char *report)
{
	const char *op = def->name;
	const hm_rdata *h = high->st, *l = low->st;
	allowed a = {0};
	if (strcmp(op, "clear_vm_page") == 0) {
		hm_z pfn = argv[1];
		if (h && !l && !low->rely)
			return npt_lock_busy(pre) ? K_CLEAR_NPT_BUSY : -1;
		if (!h || !l)
			return -1;
		if (!h->halt && !l->halt) {
			/* the owner arm ran: the page went back to the host */
			if (s2page_at(h->shared->s2page, pfn)->s2_owner != HOSTVISOR)
				return -1;
			allow_key(&a, "log", NPT_ID);
			allow_key(&a, "shared.npts", HOSTVISOR);
			return within(&a, report) ? K_CLEAR_NPT : -1;
		}
		if (!h->halt && l->halt) {
			if (z3_at(npt_at(l->shared->npts, HOSTVISOR)->pt, pfn)->b != 2)
				return -1;
			allow(&a, "halt");
			allow(&a, "tstate");
			allow_key(&a, "log", FLATMEM_ID);
			allow_key(&a, "log", S2PAGE_ID);
			allow_key(&a, "log", NPT_ID);
			allow_key(&a, "lock", S2PAGE_ID);
			allow_key(&a, "lock", NPT_ID);
			allow_key(&a, "shared.s2page", pfn);
			allow_key(&a, "shared.flatmem", pfn);
			return within(&a, report) ? K_CLEAR_LEVEL2 : -1;
		}
		return -1;
	}
	if (!h || !l)
		return -1;
	if (strcmp(op, "assign_pfn_to_vm") == 0) {
		if (!h->halt || !l->halt)
			return -1;
		allow_key(&a, "shared.s2page", argv[2]);
		return within(&a, report) ? K_ASSIGN_LEVEL2 : -1;
	}
	if (strcmp(op, "assign_pfn_to_smmu") == 0) {
		if (h->halt || l->halt || !flatmem_explained(pre, argv[2], h, l))
			return -1;
		allow(&a, "shared.flatmem");
		allow_key(&a, "data_log", argv[0]);
		allow_key(&a, "log", FLATMEM_ID);
		return within(&a, report) ? K_SMMU_DORACLE : -1;
	}
	return -1;
}
