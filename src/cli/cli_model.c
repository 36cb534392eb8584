/* What replay and gen both do to a model before a step. */
#include "cli.h"
#include "json.h"
#include "model.h"

bool cli_overlay(hm_model *m, int cpu, const json_t *partial, GString *err)
{
	hm_pool *pool = hm_pool_push();
	hm_rdata *st = hm_json_overlay_state(hm_model_view(m, cpu), partial, err);
	if (st)
		hm_model_commit(m, cpu, st);
	hm_pool_pop(pool);
	return st != NULL;
}

void cli_script_oracle(hm_model *m, const json_t *entries, bool core)
{
	for (size_t i = 0; entries && i < json_array_size(entries); i++) {
		const json_t *e = json_array_get(entries, i);
		hm_z vmid = 0, logn = 0, value = 0;
		const char *why;
		/* The trace reader has validated the entries. */
		hm_json_to_z(json_object_get(e, "vmid"), &vmid, &why);
		hm_json_to_z(json_object_get(e, "logn"), &logn, &why);
		hm_json_to_z(json_object_get(e, "value"), &value, &why);
		hm_model_script_doracle(m, core, vmid, logn, value);
	}
}
