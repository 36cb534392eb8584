/* hypsec_check.h: checking a hypervisor implementation against the spec
 * while it runs (docs/linked-checking.md).
 *
 * The implementation links libhypsecmodel, reports every operation it
 * performs (its Coq name, the CPU, the arguments, how it ended), and then
 * reports what it can see of its own state: the owner, share count and gfn
 * of the pages it touched, the stage-2 and SMMU entries it touched, whether
 * the core halted, selected registers. The checker steps the model with
 * each operation and compares every observation with the model's state;
 * the first divergence reaches a callback, and every divergence is counted.
 *
 * Plain C: stdint, stdbool and hypsec_model.h, nothing else. The library
 * itself uses glib and jansson; code including this header does not.
 */
#ifndef HYPSEC_CHECK_H
#define HYPSEC_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hypsec_model.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Pass for a field the implementation does not keep: it is not compared.
 * No 64-bit value an implementation holds is equal to it. */
#define HM_UNOBSERVED (-((hm_z)1 << 100))

typedef struct hm_checker hm_checker;

typedef struct hm_checker_region {
	hm_z base, size; /* page-aligned, base + size <= KVM_PHYS_SIZE */
} hm_checker_region;

typedef struct hm_checker_smmu {
	hm_z phys_base, size, context_banks;
} hm_checker_smmu;

typedef struct hm_checker_config {
	int cpus;                        /* 1 .. 8; 0 means 1 */
	const hm_checker_region *memory; /* the RAM regions; none: 1 GiB at 0x40000000 */
	size_t nmemory;
	const hm_checker_smmu *smmu; /* the SMMU devices; none by default */
	size_t nsmmu;
	uint64_t seed;  /* seeds the model's default data oracle */
	hm_level level; /* HM_LEVEL_HIGH (the default, 0) or HM_LEVEL_LOW */
	/* How many divergences reach the callback: 0 means 1 (the first
	 * only); SIZE_MAX means all. Every divergence is counted. */
	size_t report_limit;
} hm_checker_config;

/* cfg NULL: every default. NULL on a bad config, with *err set (hm_free). */
hm_checker *hm_checker_new(const hm_checker_config *cfg, char **err);
void hm_checker_free(hm_checker *c);

/* The model the checker steps (borrowed): for hm_model_state_json,
 * hm_model_set_platform, hm_model_overlay_json ... */
hm_model *hm_checker_model(hm_checker *c);

/* ---- divergences ---- */

typedef enum hm_divergence_kind {
	HM_DIV_RESULT = 0, /* how the operation ended: ok, halt, stuck, rely */
	HM_DIV_RET = 1,    /* the value the operation returned */
	HM_DIV_PAGE = 2,   /* shared.s2page[pfn] */
	HM_DIV_S2 = 3,     /* shared.npts[vmid].pt[gfn] */
	HM_DIV_SMMU = 4,   /* shared.spts.spt_pt[ttbr][gfn] */
	HM_DIV_HALT = 5,   /* halt */
	HM_DIV_REG = 6,    /* regs.ctxt_regs.*, regs.trap_regs.*, regs.ctxt_states.* */
	HM_DIV_STATE = 7,  /* any path of a partial state (hm_checker_observe_state) */
} hm_divergence_kind;

const char *hm_divergence_kind_name(hm_divergence_kind k); /* "result", "page" ... */

/* Every string is valid during the callback only. */
typedef struct hm_divergence {
	size_t number;    /* 1 for the first divergence, 2 for the next ... */
	size_t op_number; /* the operation the observation follows, counted
			   * from 1; 0: before the first operation */
	const char *op;   /* its Coq name; NULL when op_number is 0 */
	int cpu;          /* the CPU it ran on (-1 when op_number is 0) */
	const hm_arg *args; /* its arguments, in the order of the Coq definition */
	size_t nargs;
	int observer_cpu; /* the CPU whose observation differs */
	hm_divergence_kind kind;
	const char *path;           /* "shared.s2page[0x40001].s2_owner" */
	const char *implementation; /* what the implementation observed: "0" */
	const char *model;          /* what the model holds: "1" */
	/* "shared.s2page[0x40001].s2_owner: implementation 0, model 1" */
	const char *text;
	/* The whole report: "divergence 1 after operation 5,
	 * grant_vm_page(vmid=1, pfn=0x40001) on cpu 0" then text. */
	const char *report;
} hm_divergence;

typedef void (*hm_divergence_fn)(const hm_divergence *d, void *ctx);

void hm_checker_on_divergence(hm_checker *c, hm_divergence_fn cb, void *ctx);

size_t hm_checker_divergences(const hm_checker *c); /* how many so far */
size_t hm_checker_ops(const hm_checker *c);         /* operations checked */
/* The report of the first divergence (NULL if none; owned by the checker). */
const char *hm_checker_first_divergence(const hm_checker *c);
/* The message of the last HM_CHECK_EINVAL (owned by the checker). */
const char *hm_checker_error(const hm_checker *c);

/* ---- reporting operations and observations ----
 * Every call returns HM_CHECK_OK when the model agrees, HM_CHECK_DIVERGED
 * when it found at least one divergence, HM_CHECK_EINVAL when the call
 * itself was wrong (then nothing is stepped or compared; see
 * hm_checker_error). */
typedef enum hm_check_status {
	HM_CHECK_OK = 0,
	HM_CHECK_DIVERGED = 1,
	HM_CHECK_EINVAL = 2,
} hm_check_status;

/* The implementation performed op (its Coq name without _spec, e.g.
 * "assign_pfn_to_vm") on cpu, with arguments by Coq parameter name, and
 * it ended as observed_result: HM_RESULT_OK, HM_RESULT_HALT (the core
 * halted), HM_RESULT_STUCK (it cannot proceed: a lock held by a halted
 * core), HM_RESULT_RELY (it refused arguments outside the operation's
 * precondition). Steps the model; compares the results. */
hm_check_status hm_checker_op(hm_checker *c, int cpu, const char *op, const hm_arg *args,
			      size_t nargs, hm_result_kind observed_result);

/* The value the last operation returned (for definitions returning one). */
hm_check_status hm_checker_observe_ret(hm_checker *c, hm_z ret);

/* Observations are compared with the view of `cpu` brought up to date
 * with every CPU's published updates (what cpu would read on its next
 * lock acquisition), so any CPU may observe anything at any time. */

/* Page pfn: its owner (HOSTVISOR 0, a vmid, INVALID for no RAM), share
 * count and gfn; HM_UNOBSERVED for a field the implementation lacks. */
hm_check_status hm_checker_observe_page(hm_checker *c, int cpu, hm_z pfn, hm_z owner, hm_z count,
					hm_z gfn);

/* The stage-2 translation of gfn in vmid's page table. mapped: the walk
 * ends in a valid leaf (a level-3 page or a level-2 block) whose output
 * address is not 0; then pfn is the page gfn translates to (for a block,
 * the block's first page plus gfn's offset in it), level 3 or 2 and pte
 * the leaf descriptor as stored. Not mapped: pfn, level and pte are not
 * compared. Any of pfn, level, pte may be HM_UNOBSERVED. */
hm_check_status hm_checker_observe_s2(hm_checker *c, int cpu, hm_z vmid, hm_z gfn, bool mapped,
				      hm_z pfn, hm_z level, hm_z pte);

/* The SMMU translation of iova in context bank cbndx of SMMU index.
 * mapped: the entry is not 0; then pfn is the page of its output address
 * and pte the entry as stored (either may be HM_UNOBSERVED). */
hm_check_status hm_checker_observe_smmu(hm_checker *c, int cpu, hm_z index, hm_z cbndx, hm_z iova,
					bool mapped, hm_z pfn, hm_z pte);

/* Whether the core cpu has halted. */
hm_check_status hm_checker_observe_halt(hm_checker *c, int cpu, bool halted);

/* A register of cpu's current context by its Coq name: a CtxtRegs field
 * ("x0", "esr_el2", "far_el2" ...), a TrapRegs field ("mdcr_el2" ...) or a
 * CtxtStates field ("pc", "pstate" ...). */
hm_check_status hm_checker_observe_reg(hm_checker *c, int cpu, const char *name, hm_z value);

/* Anything else: a partial state in JSON (TRACE-FORMAT.md), every field
 * it names compared with cpu's up-to-date view. */
hm_check_status hm_checker_observe_state(hm_checker *c, int cpu, const char *partial_json);

#ifdef __cplusplus
}
#endif

#endif
