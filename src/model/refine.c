/* MemManagerRefine.md: the relation between the high (_spec) and the low
 * (_spec0) level of MemManager is the identity on RData, so two results
 * refine each other when the states are equal in every field: shared
 * objects, logs, locks, registers, halt and tstate alike. */
#include "json.h"
#include "model.h"

bool hm_refines(const hm_rdata *high, const hm_rdata *low, GString *report)
{
	if (hm_val_equal(&hm_t_rdata, &high, &low))
		return true;
	hm_diff_state(high, low, report);
	return false;
}
