/* What the fuzz engine's files share (fuzz.c, fuzz_gen.c, fuzz_exec.c,
 * fuzz_known.c, fuzz_shrink.c, fuzz_trace.c). Not installed. */
#ifndef HM_FUZZ_INTERNAL_H
#define HM_FUZZ_INTERNAL_H

#include "fuzz.h"
#include "model.h"
#include "security_invs_monitor.h"

/* ---- xoshiro256**, seeded with splitmix64 ---- */

typedef struct hm_rng {
	uint64_t s[4];
} hm_rng;

static inline uint64_t hm_splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static inline void hm_rng_seed(hm_rng *r, uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		r->s[i] = hm_splitmix64(&seed);
}

static inline uint64_t hm_rng_next(hm_rng *r)
{
	uint64_t *s = r->s;
	uint64_t x = s[1] * 5;
	uint64_t out = ((x << 7) | (x >> 57)) * 9;
	uint64_t t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = (s[3] << 45) | (s[3] >> 19);
	return out;
}

/* uniform in 0 .. n-1 (n > 0) */
static inline uint64_t hm_rng_below(hm_rng *r, uint64_t n)
{
	return (uint64_t)(((unsigned __int128)hm_rng_next(r) * n) >> 64);
}

/* true with probability pct / 100 */
static inline bool hm_rng_pct(hm_rng *r, int pct) { return (int)hm_rng_below(r, 100) < pct; }

/* ---- the generator (fuzz_gen.c) ---- */

typedef struct hm_fuzz_gen hm_fuzz_gen;

/* allowed[i]: op number i may be generated. NULL when no action can
 * generate any allowed op. */
hm_fuzz_gen *hm_fuzz_gen_new(const bool *allowed);
void hm_fuzz_gen_free(hm_fuzz_gen *g);

/* The two layers the actions belong to. MemManager ops share objects
 * between CPUs through the MultiLogs; the TrapHandler entry points (and
 * the concurrent local_* ops) through the single log and CalStateH,
 * which carries host mappings only. A state changed by both from several
 * CPUs is one no CPU sees consistently, so multi-CPU episodes keep to
 * one layer (fuzz.c). */
#define HM_FUZZ_LAYER_MEM 1u
#define HM_FUZZ_LAYER_TRAP 2u
unsigned hm_fuzz_gen_layers(const hm_fuzz_gen *g);

/* Fills *s with a step for model m from the actions of `layers`; cpu
 * chosen among the non-halted ones
 * when there are any. hostile_pct: the chance of a hostile step;
 * hostile_internal: the MemManager ops may get hostile values in the
 * arguments their callers establish too (and run without them). false
 * when no enabled action found arguments in 64 tries. */
bool hm_fuzz_gen_step(hm_fuzz_gen *g, hm_rng *rng, const hm_model *m, int hostile_pct,
		      bool hostile_internal, unsigned layers, hm_fuzz_step *s);

/* Whether step s may run from pre in a fuzz sequence: the sizes the
 * handlers loop over stay small (64 MiB), and with `callers`, a
 * MemManager op gets what the handlers establish before calling it (the
 * generator's valid arguments): a registered VM; for clear_vm_page a
 * powered-off one; for map_pfn_vm a page it owns at that gfn (level 2: the
 * whole block); for update_smmu_page the context bank's owner. */
bool hm_fuzz_step_precondition(const hm_rdata *pre, const hm_fuzz_step *s, bool callers);

/* ---- running one step (fuzz_exec.c) ---- */

typedef struct hm_fuzz_checks {
	bool invariants, levels, full_invariants;
	hm_fuzz_check_fn extra;
	void *extra_ctx;
} hm_fuzz_checks;

/* The per-run state of the checks: one monitor per CPU (borrowed: the
 * monitors outlive the runs; each checks from the last state it saw, so
 * a fresh model's views cost what differs from the previous run's). */
typedef struct hm_fuzz_exec {
	const hm_fuzz_checks *checks;
	hm_model *m;
	hm_inv_monitor *mon[8];
	/* filled by hm_fuzz_exec_step */
	bool filtered, low_only, compared;
	size_t known; /* which documented difference, when filtered */
} hm_fuzz_exec;

void hm_fuzz_exec_init(hm_fuzz_exec *x, const hm_fuzz_checks *checks, hm_model *m,
		       hm_inv_monitor **mon);

/* Runs s; fills *o; returns false with *fail set when a check failed
 * (kinds INVARIANT and DISAGREE; the caller decides about STUCK). */
bool hm_fuzz_exec_step(hm_fuzz_exec *x, const hm_fuzz_step *s, hm_fuzz_outcome *o,
		       hm_fuzz_failure *fail);

/* ---- documented level disagreements (fuzz_known.c) ---- */

/* The documented difference that explains high/low disagreeing on def
 * with these arguments from state pre, or -1. report: the diff lines of
 * hm_refines (for Some/Some), "" otherwise. */
int hm_fuzz_known_match(const hm_op_def *def, const hm_z *argv, const hm_rdata *pre,
			const hm_sres *high, const hm_sres *low, const char *report);

/* ---- the fuzz object ---- */

struct hm_fuzz {
	hm_fuzz_opts o;
	hm_fuzz_checks checks;
	bool *allowed;
	hm_fuzz_gen *gen;
	json_t *config_json;
	void *cache; /* the models, by CPU count (fuzz.c) */
	hm_inv_monitor *mon[8];
	hm_fuzz_stats stats;
	hm_fuzz_failure failure;
	GArray *failing; /* hm_fuzz_step */
	GPtrArray *findings; /* hm_fuzz_finding * */
	GHashTable *finding_keys;
	GHashTable *states;
};

/* A model in its initial state for a re-run or an episode with `cpus`
 * CPUs; give it back with hm_fuzz_model_done. */
hm_model *hm_fuzz_model_new(hm_fuzz *f, int cpus);
void hm_fuzz_model_done(hm_fuzz *f, hm_model *m);

/* hm_fuzz_rerun that, for a STUCK target, also stops at a None like the
 * target's reached before any CPU halted. */
size_t hm_fuzz_rerun_for(hm_fuzz *f, const hm_fuzz_step *steps, size_t n, int cpus,
			 const hm_fuzz_failure *target, hm_fuzz_failure *out, GArray *outcomes);

#endif
