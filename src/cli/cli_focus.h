/* Focused partial states: the values of a few paths of a state
 * ("shared.s2page[0x40001]", "lock[S2PAGE_ID]", "halt"), as the partial
 * state JSON that matches exactly those fields (TRACE-FORMAT.md: Partial
 * state). `gen` writes them as expectations.
 */
#ifndef HM_CLI_FOCUS_H
#define HM_CLI_FOCUS_H

#include <glib.h>
#include <jansson.h>

#include "state.h"

/* Adds the value at path in st to the partial state `partial` (an
 * object). Map keys keep the text the path gives them. false with a
 * message in err for a path that names no field. */
bool cli_focus_add(json_t *partial, const hm_rdata *st, const char *path, GString *err);

#endif
