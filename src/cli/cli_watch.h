/* replay --watch: what happens to one page (pfn=N: its s2page entry, its
 * flatmem word, the NPT and SPT entries that map it) or to one VM
 * (vmid=N: its VMInfo), reported after every step where it changed.
 * Each check costs what the step changed, not the size of the state:
 * maps are compared by pointer and walked with hm_map_diff.
 */
#ifndef HM_CLI_WATCH_H
#define HM_CLI_WATCH_H

#include <glib.h>

#include "state.h"

typedef struct cli_watch {
	bool pfn;  /* pfn=N; else vmid=N */
	hm_z key;
} cli_watch;

/* Parses "pfn=0x40001" or "vmid=1"; false with a message in err. */
bool cli_watch_parse(const char *spec, cli_watch *w, GString *err);

/* The watched values in st, as "PATH = VALUE" lines. */
void cli_watch_initial(const cli_watch *w, const hm_rdata *st, GString *out);

/* What changed between two versions of a view, as "PATH: OLD -> NEW"
 * lines (nothing when it did not change). */
void cli_watch_changes(const cli_watch *w, const hm_rdata *before, const hm_rdata *after,
		       GString *out);

#endif
