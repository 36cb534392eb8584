/* The line format of hardware logs, version 1 (docs/hardware-logs.md).
 *
 * A hypervisor prints one line per operation, with a printf-like
 * primitive and nothing else (no JSON, no allocation):
 *
 *   HM 1 [seq=N] cpu=C op=NAME ARG=V... [REG=V...] [doracle[VMID,LOGN]=V...] -> RESULT OBS...
 *   HM 1 [seq=N] cpu=C obs OBS...
 *
 * RESULT is ok, halt, stuck or rely. An observation OBS is ret=V,
 * owner[PFN]=V, count[PFN]=V, gfn[PFN]=V, page[PFN]=OWNER,COUNT,GFN,
 * s2[VMID,GFN]=PFN,LEVEL,PTE or s2[VMID,GFN]=unmapped,
 * smmu[INDEX,CBNDX,IOVA]=PFN,PTE or smmu[...]=unmapped, halt=0|1, or
 * REG=V for a register of the CPU's current context by its Coq name.
 * Values are decimal, 0x hexadecimal or a constant's Coq name; `_` stands
 * for a component of page, s2 or smmu that was not observed.
 *
 * A line is a record when, after an optional printk prefix (`<N>` and
 * `[...]` groups), its first word is HM; every other line is ignored.
 */
#ifndef HM_CLI_HWLOG_PARSE_H
#define HM_CLI_HWLOG_PARSE_H

#include <glib.h>

#include "hypsec_check.h"
#include "spec.h"

#define HWLOG_MARKER "HM"
#define HWLOG_VERSION 1

typedef enum hwlog_obs_kind {
	HWLOG_OBS_RET,  /* val[0] */
	HWLOG_OBS_PAGE, /* key[0] pfn; val owner, count, gfn */
	HWLOG_OBS_S2,   /* key vmid, gfn; mapped; val pfn, level, pte */
	HWLOG_OBS_SMMU, /* key index, cbndx, iova; mapped; val pfn, pte */
	HWLOG_OBS_HALT, /* val[0]: 0 or 1 */
	HWLOG_OBS_REG,  /* reg; val[0] */
} hwlog_obs_kind;

/* One observation. Components not observed are HM_UNOBSERVED. */
typedef struct hwlog_obs {
	hwlog_obs_kind kind;
	hm_z key[3];
	bool mapped;
	hm_z val[3];
	const char *reg; /* HWLOG_OBS_REG: the register's Coq name (static) */
} hwlog_obs;

/* A register laid over the CPU's current context before the operation. */
typedef struct hwlog_reg_in {
	const char *name;  /* Coq name (static) */
	const char *block; /* "ctxt_regs", "trap_regs" or "ctxt_states" */
	hm_z value;
} hwlog_reg_in;

/* A data-oracle answer: (doracle or core_doracle) vmid logn = value. */
typedef struct hwlog_oracle_in {
	bool core;
	hm_z vmid, logn, value;
} hwlog_oracle_in;

typedef struct hwlog_record {
	bool has_seq;
	hm_z seq;
	int cpu;
	const hm_op_def *op; /* NULL: a record of observations only (`obs`) */
	hm_arg args[HM_OP_MAX_ARGS]; /* in the op's order, names static */
	size_t nargs;
	hm_result_kind result; /* op records */
	GArray *inputs;        /* hwlog_reg_in */
	GArray *oracles;       /* hwlog_oracle_in */
	GArray *obs;           /* hwlog_obs */
} hwlog_record;

void hwlog_record_init(hwlog_record *r);
void hwlog_record_clear(hwlog_record *r);

/* Parses one line (with or without its newline). cpus bounds cpu=
 * (0: TOTAL_CPU). Returns 1 and fills r for a record, 0 for a line that
 * is not a record, -1 for a malformed record with the reason in err
 * (naming the word at fault; the caller adds the file and line). */
int hwlog_parse_line(const char *line, int cpus, hwlog_record *r, GString *err);

/* The register named name: its static name and its block ("ctxt_regs",
 * "trap_regs", "ctxt_states"), or NULL. */
const char *hwlog_register(const char *name, const char **block);

#endif
