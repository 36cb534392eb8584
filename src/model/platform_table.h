/* Platform parameters given by a trace's config as tables: each Coq
 * Parameter is a constant, or a default with values for chosen keys
 * (docs/platform.md). */
#ifndef HM_PLATFORM_TABLE_H
#define HM_PLATFORM_TABLE_H

#include <glib.h>
#include <jansson.h>

#include "hypsec_model.h"

typedef struct hm_param_table {
	bool set;
	hm_z dflt;
	GHashTable *values; /* hm_z key -> hm_z value */
} hm_param_table;

typedef struct hm_platform_tables {
	hm_param_table verify_img;       /* key: vmid */
	hm_param_table reg_desc;         /* key: i */
	hm_param_table shared_kvm;       /* key: vmid */
	hm_param_table shared_vcpu;      /* key: ctxt_id vmid vcpuid */
	hm_param_table exception_vector; /* key: pstate */
} hm_platform_tables;

/* Parses config.platform; false with a message naming the field. */
bool hm_platform_tables_parse(hm_platform_tables *t, const json_t *j, GString *err);
hm_platform_tables *hm_platform_tables_dup(const hm_platform_tables *t);
void hm_platform_tables_free(hm_platform_tables *t);
void hm_platform_tables_clear(hm_platform_tables *t); /* frees the tables, keeps t */
/* Fills p with callbacks reading t where t sets a parameter, keeping p's
 * other callbacks. t must outlive p. */
void hm_platform_apply_tables(hm_platform *p, const hm_platform_tables *t);

#endif
