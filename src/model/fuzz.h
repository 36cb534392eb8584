/* The fuzz engine (DESIGN.md: the `fuzz` command), as library code.
 *
 * A run is a series of episodes, each a fresh model (config: the CPUs
 * asked for, 16 MiB of RAM at 0x40000000, one SMMU) driven by generated
 * steps. The generator reads the stepping CPU's view to pick arguments
 * that mean something there (pages a VM owns, registered VMs, mapped
 * gfns, context banks given to a VM; hypercalls with their registers set
 * as a trace's `set` would, core_doracle answers as its `oracle` would)
 * and, at a chosen rate, hostile ones (out of range, another owner's page,
 * INVALID, boundaries, a handler called in the wrong context).
 *
 * After each step the engine checks
 * - shared_inv on the stepping CPU's view (incrementally, see
 *   security_invs_monitor.h), and the caller's extra check if any;
 * - for ops with a low level, high against low under the refinement
 *   relation; a disagreement that fuzz_known.c recognises as one of the
 *   documented ones is counted, not reported;
 * - a None (stuck, or a failed rely) reached by a sequence in which every
 *   step had valid arguments and no CPU had halted: a finding, recorded
 *   (once per op and reason) without stopping the run.
 * The first invariant violation or unknown disagreement stops the run.
 *
 * Everything is a function of the seed: the same options give the same
 * steps, arguments and results (the PRNG is xoshiro256** seeded through
 * splitmix64, one stream per episode).
 *
 * A failing sequence can be shrunk (hm_fuzz_shrink: drop steps, then
 * simplify arguments, re-running from a fresh model each time, until no
 * single change keeps the failure) and written as a trace
 * (hm_fuzz_trace_json) that `hypsec-model replay` reproduces.
 */
#ifndef HM_FUZZ_H
#define HM_FUZZ_H

#include <glib.h>
#include <jansson.h>
#include <stdint.h>

#include "security_invs.h"
#include "spec.h"
#include "state.h"

#define HM_FUZZ_MAX_REGS 6
#define HM_FUZZ_MAX_CORE 4

/* One step, concrete: everything needed to run it again. */
typedef struct hm_fuzz_step {
	int cpu;
	uint32_t op;               /* index in the op table (hm_op_at) */
	hm_z argv[HM_OP_MAX_ARGS]; /* in the op's argument order */
	/* registers of the stepping CPU set before the op (a trace's
	 * set.regs.ctxt_regs): field numbers in CtxtRegs' Coq order */
	uint8_t nregs;
	uint8_t reg[HM_FUZZ_MAX_REGS];
	hm_z regv[HM_FUZZ_MAX_REGS];
	/* core_doracle answers for core_vmid at logn, logn + 1, ... where logn
	 * is the view's core_data_log[core_vmid] before the op */
	uint8_t ncore;
	hm_z core_vmid;
	hm_z core[HM_FUZZ_MAX_CORE];
	bool hostile;    /* some argument or the context was chosen to be wrong */
	uint16_t action; /* the generator action that made it (hm_fuzz_action_name) */
} hm_fuzz_step;

typedef enum hm_fuzz_kind {
	HM_FUZZ_NONE = 0,
	HM_FUZZ_INVARIANT, /* shared_inv (or the extra check) fails after the step */
	HM_FUZZ_DISAGREE,  /* high and low disagree, not a documented difference */
	HM_FUZZ_STUCK,     /* a valid sequence reached None (stuck or a rely) */
} hm_fuzz_kind;

const char *hm_fuzz_kind_name(hm_fuzz_kind k);

typedef struct hm_fuzz_failure {
	hm_fuzz_kind kind;
	size_t step; /* index of the failing step in its sequence */
	int cpu;
	const char *op;
	const char *inv;   /* INVARIANT: the invariant's name (static) */
	hm_result_kind result; /* the step's result (STUCK: stuck or rely) */
	const char *where, *rely; /* STUCK: from the result (static) */
	char *detail;      /* witness, level diff, or None's reason (owned) */
} hm_fuzz_failure;

void hm_fuzz_failure_clear(hm_fuzz_failure *f);

/* Whether a failure is "the same" as another (shrinking keeps it):
 * same kind, and the same invariant / op / op and reason. */
bool hm_fuzz_failure_same(const hm_fuzz_failure *a, const hm_fuzz_failure *b);

/* An extra check run after every step on the stepping CPU's view, like
 * an invariant: false with out->inv and out->detail set. */
typedef bool (*hm_fuzz_check_fn)(const hm_rdata *view, void *ctx, hm_inv_violation *out);

typedef struct hm_fuzz_stats {
	uint64_t steps, episodes;
	uint64_t states;     /* distinct fingerprints of the checked views (capped) */
	uint64_t hostile;    /* steps with hostile arguments */
	uint64_t results[4]; /* by hm_result_kind */
	uint64_t compared;   /* steps run at both levels */
	uint64_t filtered;   /* disagreements recognised as documented */
	uint64_t low_only;   /* high None, low Some: allowed by the relation */
	uint64_t *filtered_by; /* per documented difference (hm_fuzz_known_count) */
	uint64_t inv_full, inv_incremental;
	uint64_t findings;   /* distinct stuck findings recorded */
	uint64_t idle;       /* turns no enabled op fitted the state */
	uint64_t failures;   /* keep_going: failures seen (each ends its episode) */
	/* per generator action (hm_fuzz_action_count of them): steps, then
	 * results by hm_result_kind */
	uint64_t (*by_action)[5];
} hm_fuzz_stats;

typedef struct hm_fuzz_opts {
	uint64_t seed;
	uint64_t steps;          /* total steps over all episodes */
	int cpus;                /* 1 .. TOTAL_CPU */
	const char *const *ops;  /* NULL-terminated op names; NULL: the default set */
	unsigned episode_len;    /* steps per episode; 0: 400 */
	int hostile_pct;         /* share of hostile steps; < 0: 10 */
	/* hostile values also in the arguments the handlers establish before
	 * calling a MemManager op (the VM, the page just assigned, the context
	 * bank's owner): those calls break the ops' preconditions, and the
	 * invariants with them (see fuzz_gen.c) */
	bool hostile_internal;
	bool no_invariants;      /* skip shared_inv */
	bool no_levels;          /* skip high vs low */
	bool full_invariants;    /* the full check after every step (no incremental) */
	bool no_findings;        /* do not record stuck findings */
	/* record failures as findings (once per invariant, or op for a
	 * disagreement) and go on with a new episode, instead of stopping */
	bool keep_going;
	hm_fuzz_check_fn extra;
	void *extra_ctx;
	/* called after every step of the run (tests, tracing) */
	void (*on_step)(const hm_fuzz_step *s, const hm_result *res, void *ctx);
	void *on_step_ctx;
	/* called every few thousand steps */
	void (*progress)(const hm_fuzz_stats *s, void *ctx);
	void *progress_ctx;
} hm_fuzz_opts;

/* A recorded finding (a stuck state reached by a valid sequence, or with
 * keep_going a failure): the episode's steps up to the step concerned. */
typedef struct hm_fuzz_finding {
	hm_fuzz_failure failure;
	GArray *steps; /* hm_fuzz_step */
} hm_fuzz_finding;

typedef struct hm_fuzz hm_fuzz;

/* NULL with *err on bad options (an unknown op, cpus out of range). */
hm_fuzz *hm_fuzz_new(const hm_fuzz_opts *opts, char **err);
void hm_fuzz_free(hm_fuzz *f);

/* Runs until the step budget is spent or a failure stops it: true when
 * it stopped on a failure (hm_fuzz_failure_get, hm_fuzz_failing_steps). */
bool hm_fuzz_run(hm_fuzz *f);

const hm_fuzz_stats *hm_fuzz_stats_get(const hm_fuzz *f);
const hm_fuzz_failure *hm_fuzz_failure_get(const hm_fuzz *f);
/* The failing episode's steps, the failing one last. */
const GArray *hm_fuzz_failing_steps(const hm_fuzz *f);
size_t hm_fuzz_findings_count(const hm_fuzz *f);
const hm_fuzz_finding *hm_fuzz_finding_at(const hm_fuzz *f, size_t i);

/* The config of the run's models, as a trace's `config` (borrowed). */
const json_t *hm_fuzz_config_json(const hm_fuzz *f);
int hm_fuzz_cpus(const hm_fuzz *f);

/* ---- re-running, shrinking, traces ---- */

/* What each step of a re-run did (for the trace's expect fields). */
typedef struct hm_fuzz_outcome {
	hm_result res;
	bool both;           /* run and reported at both levels */
	hm_z core_logn;      /* where the core_doracle answers went */
} hm_fuzz_outcome;

/* Runs steps on a fresh model with `cpus` CPUs under the run's checks;
 * returns the index of the first failing step (its failure in *out) or
 * n. outcomes (may be NULL) receives one entry per step run. */
size_t hm_fuzz_rerun(hm_fuzz *f, const hm_fuzz_step *steps, size_t n, int cpus,
		     hm_fuzz_failure *out, GArray *outcomes);

/* Shrinks steps (in place) to a minimal sequence that still fails like
 * `target`; *cpus may shrink too. Returns the number of re-runs. */
size_t hm_fuzz_shrink(hm_fuzz *f, GArray *steps, int *cpus, const hm_fuzz_failure *target);

/* The trace of steps (TRACE-FORMAT.md) with every step's expect.result
 * (and expect.ret) as the model computes them; the failing step runs at
 * level "both" when the failure is a disagreement. */
json_t *hm_fuzz_trace_json(hm_fuzz *f, const hm_fuzz_step *steps, size_t n, int cpus,
			   const char *name, const char *description);

/* The Shared the invariants are checked on after a step of cpu: its view's,
 * brought up to date with what the other CPUs logged (CalState of the
 * events its oracle would pull, for every object ID). A view refreshes
 * only the objects an op reads, so with several CPUs it may pair a new
 * s2page with an old host NPT: a state no CPU sees whole (autoreleased). */
const hm_shared *hm_fuzz_current_shared(const hm_model *m, int cpu);

/* ---- the generator's vocabulary ---- */

const char *hm_fuzz_action_name(uint16_t action);
size_t hm_fuzz_action_count(void);
/* The ops fuzzed when opts.ops is NULL (NULL-terminated). */
const char *const *hm_fuzz_default_ops(void);

/* ---- the documented level disagreements (fuzz_known.c) ---- */

size_t hm_fuzz_known_count(void);
const char *hm_fuzz_known_name(size_t i);

#endif
