/* The JSON form of the state (TRACE-FORMAT.md: Values, Partial state)
 * and the semantic comparisons built on it: encoding, decoding a partial
 * state and laying it over a state, matching a partial state, and the
 * path-level diff of two states. docs/state.md describes the encoding.
 */
#ifndef HM_JSON_H
#define HM_JSON_H

#include <glib.h>
#include <jansson.h>

#include "state.h"

/* ---- values ---- */

/* Reads an integer: a JSON integer, or a string holding a decimal or 0x
 * hexadecimal integer (optionally negative) or a constant's Coq name.
 * Accepts -2^63 .. 2^64-1. On failure returns false and sets *why. */
bool hm_json_to_z(const json_t *j, hm_z *out, const char **why);
/* Writes an integer: a JSON integer below 2^53 in absolute value, else a
 * "0x..." string. */
json_t *hm_json_from_z(hm_z v);
/* Map keys and diff paths: decimal below 65536, 0x hex above. */
char *hm_key_text(hm_z key, char *buf); /* buf of at least 48 bytes */

/* ---- whole values ---- */

/* Encodes a value of type t; tmpl (may be NULL) is the same field of the
 * empty state, so that maps say "default" only when theirs differs. */
json_t *hm_json_encode(const hm_vtype *t, const void *val, const void *tmpl);
json_t *hm_json_encode_state(const hm_rdata *st);

/* Lays JSON j over the value at *val of type t, replacing *val (which the
 * caller owns) with the result. Named fields and keys are written; lists
 * are replaced whole. Errors: false, with a message naming the path in
 * err. */
bool hm_json_overlay(const hm_vtype *t, void *val, const json_t *j, const char *path, GString *err);

/* st laid over with j (autoreleased); NULL on error. */
hm_rdata *hm_json_overlay_state(const hm_rdata *st, const json_t *j, GString *err);
/* A state from a full encoding (autoreleased; the oracles of `like`). */
hm_rdata *hm_json_decode_state(const json_t *j, const hm_rdata *like, GString *err);

/* ---- comparisons ---- */

/* Matches partial j against val: appends "path: expected X, model Y"
 * lines for every mismatch and returns whether all matched. A malformed
 * partial state is reported in err (and does not match). */
bool hm_json_match(const hm_vtype *t, const void *val, const json_t *j, const char *path,
		   GString *report, GString *err);
bool hm_json_match_state(const hm_rdata *st, const json_t *j, GString *report, GString *err);

/* The semantic diff of two values as "path: old -> new" lines. */
void hm_diff(const hm_vtype *t, const void *a, const void *b, const char *path, GString *out);
void hm_diff_state(const hm_rdata *a, const hm_rdata *b, GString *out);

/* Compact text of a value for reports (JSON, truncated when long). */
char *hm_value_text(const hm_vtype *t, const void *val);

/* ---- memory ---- */

/* Frees text jansson made (json_dumps) with jansson's free function: that
 * is free() only until someone calls json_set_alloc_funcs. */
void hm_json_text_free(char *text);

/* Makes jansson allocate from the small-object allocator (alloc.h). A
 * replayed JSON Lines line makes and frees 23 small blocks,
 * and malloc and free were 11 % of its cost. Process-wide and for good:
 * call it before any JSON value exists (the command does, first thing);
 * a library user who owns the process may too. */
void hm_json_use_small_alloc(void);

#endif
