/* hypsec_model.h: the public interface of libhypsecmodel, an executable
 * reference model of the SeKVM/HypSec MemManager and TrapHandler specs.
 *
 * Plain C: nothing here needs glib or jansson. Every function that can
 * fail returns an hm_error code and, where it says so, a message the
 * caller frees with hm_free.
 *
 * Values are Coq Z: hm_z is a 128-bit signed integer, wide enough for
 * every 64-bit input and every result the specs compute from them.
 */
#ifndef HYPSEC_MODEL_H
#define HYPSEC_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef __int128 hm_z;

typedef enum hm_error {
	HM_OK = 0,
	HM_EINVAL = 1,    /* bad argument or bad input (a message says which) */
	HM_ENOTFOUND = 2, /* unknown op, field or constant */
	HM_EMISMATCH = 3, /* a partial state did not match */
} hm_error;

/* What a step did (DESIGN.md: option RData). */
typedef enum hm_result_kind {
	HM_RESULT_OK = 0,    /* Some adt', halt not set */
	HM_RESULT_HALT = 1,  /* Some adt' with halt set */
	HM_RESULT_STUCK = 2, /* None, not caused by a rely */
	HM_RESULT_RELY = 3,  /* None because a rely failed */
} hm_result_kind;

typedef enum hm_level {
	HM_LEVEL_HIGH = 0, /* the _spec function */
	HM_LEVEL_LOW = 1,  /* the _spec0 function */
	HM_LEVEL_BOTH = 2, /* both, compared under the refinement relation */
} hm_level;

typedef struct hm_result {
	hm_result_kind kind;
	/* RELY: the condition that failed, as written in the spec, and the
	 * spec function it belongs to. STUCK: the function that returned
	 * None. Static strings. */
	const char *rely;
	const char *where;
	bool has_ret; /* the definition returns a value besides the state */
	hm_z ret;
	/* HM_LEVEL_BOTH: the levels disagreed; hm_model_last_refinement
	 * gives the paths. */
	bool levels_disagree;
} hm_result;

const char *hm_result_kind_name(hm_result_kind k); /* "ok", "halt", ... */

void hm_free(void *p); /* frees strings the library returned */

/* ---- configuration (TRACE-FORMAT.md: config) ---- */

typedef struct hm_config hm_config;

hm_config *hm_config_new(void); /* 1 CPU, 1 GiB of RAM at 0x40000000, seed 0 */
void hm_config_free(hm_config *c);
/* Parses the JSON `config` object of a trace; NULL on error (*err set). */
hm_config *hm_config_from_json(const char *json, char **err);
hm_error hm_config_set_cpus(hm_config *c, int cpus);      /* 1 .. TOTAL_CPU */
hm_error hm_config_clear_memory(hm_config *c);
hm_error hm_config_add_memory(hm_config *c, hm_z base, hm_z size);
hm_error hm_config_add_smmu(hm_config *c, hm_z phys_base, hm_z size, hm_z context_banks);
void hm_config_set_seed(hm_config *c, uint64_t seed);

/* ---- platform parameters (the Coq Parameters the seeds use) ----
 * Each has a documented default (docs/platform.md); an embedding program
 * may replace it before stepping. */
typedef struct hm_platform {
	/* verify_img: Z -> Z64 -> Z (AbstractMachineSpec.md) */
	hm_z (*verify_img)(void *ctx, hm_z vmid, hm_z arg);
	/* reg_desc: Z -> Z, the reset value of system register i */
	hm_z (*reg_desc)(void *ctx, hm_z i);
	/* shared_kvm: Z -> Z, shared_vcpu: Z -> Z -> Z: the host addresses of
	 * the kvm and vcpu structures shared with the host */
	hm_z (*shared_kvm)(void *ctx, hm_z vmid);
	hm_z (*shared_vcpu)(void *ctx, hm_z vmid, hm_z vcpuid);
	/* exception_vector: Z64 -> Z, the vector address for a pstate */
	hm_z (*exception_vector)(void *ctx, hm_z pstate);
	/* decrypt_gp_regs_specx and decrypt_sys_regs_specx:
	 * CtxtRegs -> CtxtStates -> (Z -> Z) -> Z -> ((CtxtRegs * CtxtStates) * Z).
	 * regs and states are the CtxtRegs and CtxtStates fields in Coq order
	 * (hm_ctxt_regs_count() and hm_ctxt_states_count() of them), updated in
	 * place; dorc(dorc_ctx, n) is the data oracle of the VM; returns logn'. */
	hm_z (*decrypt_gp_regs)(void *ctx, hm_z *regs, hm_z *states,
				hm_z (*dorc)(void *dorc_ctx, hm_z n), void *dorc_ctx, hm_z logn);
	hm_z (*decrypt_sys_regs)(void *ctx, hm_z *regs, hm_z *states,
				 hm_z (*dorc)(void *dorc_ctx, hm_z n), void *dorc_ctx, hm_z logn);
	void *ctx;
} hm_platform;

size_t hm_ctxt_regs_count(void);
size_t hm_ctxt_states_count(void);

void hm_platform_defaults(hm_platform *p);

/* ---- the model ---- */

typedef struct hm_model hm_model;

hm_model *hm_model_new(const hm_config *c, char **err);
void hm_model_free(hm_model *m);
int hm_model_cpus(const hm_model *m);
void hm_model_set_platform(hm_model *m, const hm_platform *p);
/* Keep every log event (default); when false, logs are cut once the
 * spec can no longer read past their latest snapshot. */
void hm_model_set_full_logs(hm_model *m, bool full);

/* Runs op (its Coq name without _spec, e.g. "assign_pfn_to_vm") on cpu,
 * with arguments by their Coq parameter names. Unknown op or missing
 * argument: *err set, result kind STUCK with where = NULL. */
typedef struct hm_arg {
	const char *name;
	hm_z value;
} hm_arg;

hm_error hm_model_step(hm_model *m, int cpu, hm_level level, const char *op, const hm_arg *args,
		       size_t nargs, hm_result *out, char **err);

/* The fast path for callers that step millions of times: look the op up
 * once, then pass its arguments in the order hm_op_arg_name gives. */
int hm_op_index(const char *op); /* -1 if unknown */
hm_error hm_model_step_index(hm_model *m, int cpu, hm_level level, size_t op, const hm_z *argv,
			     hm_result *out, char **err);

/* The ops the model knows, with their parameter names. */
size_t hm_op_count(void);
const char *hm_op_name(size_t i);
size_t hm_op_arg_count(size_t i);
const char *hm_op_arg_name(size_t i, size_t j);
bool hm_op_has_low(size_t i); /* has a _spec0 */

/* Scripts the data oracle (core = false: doracle, true: core_doracle):
 * its answer for (vmid, logn) becomes value (TRACE-FORMAT.md:
 * oracle.doracle). Unscripted queries get the documented default. */
void hm_model_script_doracle(hm_model *m, bool core, hm_z vmid, hm_z logn, hm_z value);

/* ---- inspecting the state of one CPU's view ---- */

/* The whole state as JSON (Coq field names); caller frees. */
char *hm_model_state_json(const hm_model *m, int cpu);
/* Lays a partial state over the view (TRACE-FORMAT.md: set, init). */
hm_error hm_model_overlay_json(hm_model *m, int cpu, const char *partial, char **err);
/* Compares a partial state with the view: HM_OK when it matches,
 * HM_EMISMATCH with a report of the differing paths otherwise. */
hm_error hm_model_match_json(const hm_model *m, int cpu, const char *partial, char **report);

typedef struct hm_page_view {
	hm_z s2_owner, s2_count, s2_gfn;
} hm_page_view;

hm_page_view hm_model_s2page(const hm_model *m, int cpu, hm_z pfn);
bool hm_model_halted(const hm_model *m, int cpu);

/* Values in text: decimal, 0x hex, or a constant's Coq name. */
hm_error hm_parse_z(const char *text, hm_z *out);
/* Decimal text of v into buf (at least 48 bytes); returns buf. */
char *hm_format_z(hm_z v, char *buf);

#ifdef __cplusplus
}
#endif

#endif
