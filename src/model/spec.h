/* How spec functions are written in C.
 *
 * A Coq spec `f args (adt: RData) : option RData` becomes
 *     hm_sres f(const hm_rdata *adt, args...)
 * returning Some st (st autoreleased, never the same object mutated) or
 * None. None records why: the text of the `rely` that failed, or the
 * function that had no result. Definitions returning option Z (getters)
 * or option (RData * Z) set `ret` too.
 *
 * The macros keep the Coq's shape visible:
 *     RELY(is_pfn(pfn));                    rely is_pfn pfn;
 *     WHEN(adt1, acquire_lock_s2page_spec(adt));   when adt1 == ...;
 *     WHEN_Z(owner, adt1, get_pfn_owner_spec(pfn, adt1));  when owner == ...;
 *     return SOME(st);  return NONE();
 *     COV("s2_owner page =? INVALID");      marks a branch for coverage
 */
#ifndef HM_SPEC_H
#define HM_SPEC_H

#include "constants.h"
#include "hypsec_model.h"
#include "state.h"

typedef struct hm_sres {
	hm_rdata *st;      /* Some st; NULL for None */
	const char *rely;  /* None because this rely failed */
	const char *where; /* the function that returned None */
	hm_z ret;
	bool has_ret;
} hm_sres;

static inline hm_sres hm_some(const hm_rdata *st) { return (hm_sres){.st = (hm_rdata *)st}; }
static inline hm_sres hm_some_ret(const hm_rdata *st, hm_z v)
{
	return (hm_sres){.st = (hm_rdata *)st, .ret = v, .has_ret = true};
}

#define SOME(st) hm_some(st)
#define SOME_RET(st, v) hm_some_ret((st), (v))
#define NONE() ((hm_sres){.where = __func__})

/* rely c: the text of c names the failed rely in reports. */
#define RELY(cond)                                                              \
	do {                                                                    \
		if (!(cond))                                                    \
			return (hm_sres){.rely = #cond, .where = __func__};     \
	} while (0)

/* when x == f ...; propagates None (and its reason) upward. */
#define WHEN(var, call)                         \
	hm_sres var##_res_ = (call);            \
	if (!var##_res_.st)                     \
		return var##_res_;              \
	hm_rdata *var = var##_res_.st

/* when v == getter ...; the state is unchanged by getters. */
#define WHEN_Z(var, call)                       \
	hm_sres var##_res_ = (call);            \
	if (!var##_res_.st)                     \
		return var##_res_;              \
	hm_z var = var##_res_.ret

/* Spec-branch coverage. Every COV site is a static record placed in the
 * ELF section "hm_cov", so the library knows every branch point it has,
 * hit or not, and reports taken / total per spec function. */
typedef struct hm_cov_site {
	const char *fn;    /* the C function: named after the Coq definition */
	const char *label; /* the Coq condition and arm */
	uint64_t hits;
} hm_cov_site;

#define COV(label)                                                                     \
	do {                                                                           \
		static hm_cov_site cov_site_                                           \
			__attribute__((section("hm_cov"), used, aligned(8))) = {__func__, \
										label, 0}; \
		cov_site_.hits++;                                                      \
	} while (0)

/* All the sites of the program, in no particular order. */
hm_cov_site *hm_cov_begin(void);
hm_cov_site *hm_cov_end(void);
void hm_cov_reset(void);

/* The platform parameters of the running step (set by the model). */
const hm_platform *hm_platform_current(void);
void hm_platform_set_current(const hm_platform *p);

/* The op table: every definition callable by name from traces. Arguments
 * arrive in the order of `args`. */
typedef hm_sres (*hm_op_fn)(const hm_rdata *adt, const hm_z *args);

#define HM_OP_MAX_ARGS 6

typedef struct hm_op_def {
	const char *name;   /* Coq name without _spec */
	const char *module; /* the seed or spec file it comes from */
	unsigned nargs;
	const char *args[HM_OP_MAX_ARGS];
	hm_op_fn high;      /* the _spec definition */
	hm_op_fn low;       /* the _spec0 definition, NULL if none */
} hm_op_def;

/* Each ops file contributes a table; ops_table.c joins them. */
const hm_op_def *hm_op_find(const char *name);
const hm_op_def *hm_op_at(size_t i);
size_t hm_op_total(void);

#endif
