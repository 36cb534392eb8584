/* Reading traces (TRACE-FORMAT.md): `NAME.json` holds one object;
 * `NAME.jsonl` holds the object without its steps on line 1 and one step
 * a line after it, read a line at a time so that a trace of millions of
 * steps is never in memory whole.
 *
 * Every step is validated as it is read: unknown fields, an unknown op,
 * missing or unknown arguments, values of the wrong type or out of range
 * are input errors whose message names the file, the line (JSON Lines)
 * or the step index (counted from 0, as in `steps[N]`), and the field.
 */
#ifndef HM_CLI_TRACE_READER_H
#define HM_CLI_TRACE_READER_H

#include <stdio.h>

#include "cli.h"
#include "spec.h"

typedef struct cli_trace {
	char *file;
	bool jsonl;
	FILE *fp;         /* JSON Lines: positioned after the header line */
	json_t *root;     /* .json: the whole object; .jsonl: the header line */
	const json_t *steps; /* .json: the steps array (borrowed from root) */
	size_t next;      /* index of the next step */
	size_t line;      /* JSON Lines: the line last read (1-based) */
	char *buf;
	size_t cap, len; /* JSON Lines: the line last read, len bytes in buf */
	hm_config *config;
	int cpus;
	const json_t *init; /* borrowed from root; NULL when absent */
	const char *name, *description;
} cli_trace;

/* One validated step. Pointers into `json` are borrowed from it. */
typedef struct cli_step {
	size_t index; /* counted from 0 */
	size_t line;  /* JSON Lines: 1-based line; 0 for .json */
	json_t *json; /* owned */
	int cpu;
	const hm_op_def *op;
	size_t op_index; /* in the op table */
	hm_arg args[HM_OP_MAX_ARGS];
	hm_z argv[HM_OP_MAX_ARGS]; /* the values of args, in the op's order */
	size_t nargs;
	bool has_level;
	hm_level level;
	const json_t *set;
	const json_t *doracle, *core_doracle; /* arrays of {vmid, logn, value}, validated */
	bool has_result;
	hm_result_kind result;
	const json_t *expect_state;
	bool has_ret;
	hm_z ret;
} cli_step;

/* Opens a trace and reads its header (format, name, description, config,
 * init). false on error, with the message in err. */
bool cli_trace_open(cli_trace *t, const char *file, GString *err);
void cli_trace_close(cli_trace *t);

/* Whether file holds a trace (1: an object with a field of the trace
 * object; for .jsonl, its first line) or a bare config object (0); -1
 * with a message in err when it is neither or cannot be read. */
int cli_looks_like_trace(const char *file, GString *err);

/* Reads and validates the next step: 1 when one was read, 0 at the end,
 * -1 on an input error (message in err). Release with cli_step_clear. */
int cli_trace_next(cli_trace *t, cli_step *s, GString *err);
void cli_step_clear(cli_step *s);

/* "FILE: " or "FILE: line L: " then "step N: " (s may be NULL), for
 * messages about a step. */
void cli_step_where(GString *out, const cli_trace *t, const cli_step *s);

/* Appends "FILE: [line L: ]step N: PREFIX.PATH: what" for an error
 * message `msg` of the library whose path is relative to `prefix`
 * (e.g. "set", "expect.state"). */
void cli_step_error(GString *err, const cli_trace *t, const cli_step *s, const char *prefix,
		    const char *msg);

/* Appends msg, a library message whose path is relative to the value it
 * was given ("shared.s2page[0x1]: ...", "(state): ..."), with prefix put
 * in front of the path: "init.shared.s2page[0x1]: ...", "init: ...". */
void cli_prefixed(GString *out, const char *prefix, const char *msg);

#endif
