/* Helpers for the tests of the low MemManager layer and the layers under
 * it (locks, page manager, NPT and SPT operations): state builders for
 * the fields those specs read, oracles with known answers, and log
 * assertions. */
#ifndef HM_MM_LOW_TEST_H
#define HM_MM_LOW_TEST_H

#include "hm_test.h"

/* The answer of the test data oracle for (vmid, logn): a value no page
 * holds by accident. */
#define T_DORC(vmid, logn) ((hm_z)0x5000000 + (hm_z)(vmid) * 1000 + (hm_z)(logn))

/* st whose DataOracle answers T_DORC(vmid, logn). */
hm_rdata *t_with_test_doracle(const hm_rdata *st);

/* st whose MultiOracle answers `events` (newest first) for object id,
 * whatever the CPU's log, and nil for every object not given so far.
 * Calls accumulate: an oracle set by this function keeps its earlier
 * answers. */
hm_rdata *t_with_pulled(const hm_rdata *st, hm_z id, const hm_mlog *events);

/* st with the NPT of vmid holding (pfn, level, pte) at gfn. */
hm_rdata *t_with_npt_entry(const hm_rdata *st, hm_z vmid, hm_z gfn, hm_z pfn, hm_z level,
			   hm_z pte);
/* st with the SPT table of ttbr holding (pfn, pte) at gfn. */
hm_rdata *t_with_spt_entry(const hm_rdata *st, hm_z ttbr, hm_z gfn, hm_z pfn, hm_z pte);
hm_rdata *t_with_flatmem(const hm_rdata *st, hm_z pfn, hm_z v);
hm_rdata *t_with_data_log(const hm_rdata *st, hm_z vmid, hm_z n);
hm_rdata *t_with_tstate(const hm_rdata *st, hm_z tstate);
hm_rdata *t_with_curid(const hm_rdata *st, hm_z cpu);
hm_rdata *t_with_npt(const hm_rdata *st, hm_z vmid, const hm_npt *npt);
hm_rdata *t_with_spt(const hm_rdata *st, const hm_spt *spt);

/* One expected MultiLog event: kind, cpu, and the nat/id (checked for
 * WAIT_LOCK, INC_TICKET and OPULL) or the snapshot (checked by pointer
 * when not NULL, for the snapshot events). */
typedef struct t_ev {
	hm_mev ev;
	hm_z cpu;
	hm_z n;
	const void *snap;
} t_ev;

/* Asserts that l starts with the n events of want (newest first) and
 * that the rest of l is exactly `tail` (pointer-equal cell sharing is
 * not required: compared by hm_log_equal). */
void t_assert_log(const hm_mlog *l, const t_ev *want, size_t n, const hm_mlog *tail);
#define T_ASSERT_LOG(l, tail, ...)                                                    \
	do {                                                                          \
		const t_ev want_[] = {__VA_ARGS__};                                   \
		t_assert_log((l), want_, sizeof want_ / sizeof want_[0], (tail));     \
	} while (0)

/* The S2Page entry of pfn in st. */
static inline hm_s2page t_page(const hm_rdata *st, hm_z pfn)
{
	return *s2page_at(st->shared->s2page, pfn);
}

/* Asserts that two states differ exactly in the given top-level diff
 * paths: every line of hm_diff_state(a, b) starts with one of the
 * prefixes, and every prefix starts at least one line. */
void t_assert_diff_paths(const hm_rdata *a, const hm_rdata *b, const char *const *prefixes,
			 size_t n);
#define T_ASSERT_DIFF(a, b, ...)                                                          \
	do {                                                                              \
		const char *const p_[] = {__VA_ARGS__};                                   \
		t_assert_diff_paths((a), (b), p_, sizeof p_ / sizeof p_[0]);              \
	} while (0)

/* Asserts a spec result is None because `rely` (its C text) failed. */
#define T_ASSERT_RELY(res, text)                                              \
	do {                                                                  \
		hm_sres r_ = (res);                                           \
		assert_null(r_.st);                                           \
		assert_non_null(r_.rely);                                     \
		assert_string_equal(r_.rely, (text));                         \
	} while (0)

/* Asserts a spec result is None without a failed rely. */
#define T_ASSERT_NONE(res)                        \
	do {                                      \
		hm_sres r_ = (res);               \
		assert_null(r_.st);               \
		assert_null(r_.rely);             \
	} while (0)

#endif
