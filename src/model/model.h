/* The model: N per-CPU views of RData, one global log per object ID and
 * one global single log, the oracles derived from them, the data oracles,
 * and the platform parameters (DESIGN.md: Multi-CPU).
 */
#ifndef HM_MODEL_H
#define HM_MODEL_H

#include <glib.h>

#include "platform_table.h"
#include "spec.h"
#include "state.h"

typedef struct hm_region {
	hm_z base, size;
} hm_region;

#define HM_MAX_SMMU_FIELDS 16

typedef struct hm_smmu_dev {
	/* SMMUConf fields for this device, by Coq name */
	const char *names[HM_MAX_SMMU_FIELDS];
	hm_z values[HM_MAX_SMMU_FIELDS];
	unsigned nfields;
} hm_smmu_dev;

struct hm_config {
	int cpus;
	GArray *memory; /* hm_region */
	GArray *smmu;   /* hm_smmu_dev */
	uint64_t seed;
	hm_platform_tables platform; /* config.platform */
};

/* A scripted data-oracle answer. */
typedef struct hm_doracle_key {
	hm_z vmid, logn;
} hm_doracle_key;

struct hm_model {
	int ncpus;
	hm_rdata *views[8]; /* TOTAL_CPU; owned */
	hm_map *glog;       /* MultiLogPool: the global log of each object ID; with
	                     * one CPU, the view's own log pool */
	hm_slog *gslog;     /* the global single log */
	hm_oracle *multi_oracle, *single_oracle, *doracle, *core_doracle;
	GHashTable *doracle_script, *core_doracle_script; /* hm_doracle_key -> hm_z */
	uint64_t seed;
	hm_platform platform;
	hm_platform_tables *platform_tables; /* what config.platform set */
	bool full_logs;
	/* the last HM_LEVEL_BOTH step's disagreement, as path lines */
	GString *refinement_report;
};

/* The view of a CPU (borrowed). */
const hm_rdata *hm_model_view(const hm_model *m, int cpu);
/* Replaces the view of a CPU (takes a new reference) and publishes the
 * logs it changed to the global logs. */
void hm_model_commit(hm_model *m, int cpu, const hm_rdata *st);

/* The documented defaults: a function of seed, vmid and logn. */
hm_z hm_doracle_default(uint64_t seed, bool core, hm_z vmid, hm_z logn);

/* TRACE-FORMAT.md: the initial state of CPU cpu (autoreleased). */
hm_rdata *hm_initial_state(const hm_config *c, int cpu, hm_model *m);

/* The refinement relation of MemManagerRefine.md (the identity on
 * RData): appends the differing paths of high and low to report and
 * returns whether they are related. */
bool hm_refines(const hm_rdata *high, const hm_rdata *low, GString *report);

#endif
