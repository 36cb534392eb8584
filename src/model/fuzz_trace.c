/* A fuzz sequence as a trace (TRACE-FORMAT.md): the run's config, and
 * each step with its registers (`set`), its core_doracle answers
 * (`oracle`) and the result the model gives it (`expect`), so that
 * `hypsec-model replay` runs the same steps to the same results. */
#include <string.h>

#include "fuzz_internal.h"
#include "json.h"

/* x0 of a hypercall by its constant's name, for readers */
static const struct {
	hm_z nr;
	const char *name;
} hvc_names[] = {
	{HVC_KVM_SET_DESC_PFN, "HVC_KVM_SET_DESC_PFN"},
	{HVC_KVM_UNSET_DESC_PFN, "HVC_KVM_UNSET_DESC_PFN"},
	{HVC_TIMER_SET_CNTVOFF, "HVC_TIMER_SET_CNTVOFF"},
	{HVC_CLEAR_VM_S2_RANGE, "HVC_CLEAR_VM_S2_RANGE"},
	{HVC_SET_BOOT_INFO, "HVC_SET_BOOT_INFO"},
	{HVC_REMAP_VM_IMAGE, "HVC_REMAP_VM_IMAGE"},
	{HVC_VERIFY_VM_IMAGE, "HVC_VERIFY_VM_IMAGE"},
	{HVC_SMMU_FREE_PGD, "HVC_SMMU_FREE_PGD"},
	{HVC_SMMU_ALLOC_PGD, "HVC_SMMU_ALLOC_PGD"},
	{HVC_SMMU_LPAE_MAP, "HVC_SMMU_LPAE_MAP"},
	{HVC_SMMU_LPAE_IOVA_TO_PHYS, "HVC_SMMU_LPAE_IOVA_TO_PHYS"},
	{HVC_SMMU_CLEAR, "HVC_SMMU_CLEAR"},
	{HVC_PHYS_ADDR_IOREMAP, "HVC_PHYS_ADDR_IOREMAP"},
	{HVC_REGISTER_KVM, "HVC_REGISTER_KVM"},
	{HVC_REGISTER_VCPU, "HVC_REGISTER_VCPU"},
	{HVC_ENCRYPT_BUF, "HVC_ENCRYPT_BUF"},
	{HVC_DECRYPT_BUF, "HVC_DECRYPT_BUF"},
	{HVC_SAVE_CRYPT_VCPU, "HVC_SAVE_CRYPT_VCPU"},
	{HVC_LOAD_CRYPT_VCPU, "HVC_LOAD_CRYPT_VCPU"},
};

static json_t *reg_value(const hm_op_def *def, const char *reg, hm_z v)
{
	if (strcmp(def->name, "host_hvc_handler") == 0 && strcmp(reg, "x0") == 0)
		for (size_t i = 0; i < G_N_ELEMENTS(hvc_names); i++)
			if (hvc_names[i].nr == v)
				return json_string(hvc_names[i].name);
	return hm_json_from_z(v);
}

static json_t *step_json(const hm_fuzz_step *s, const hm_fuzz_outcome *o, int cpus)
{
	const hm_op_def *def = hm_op_at(s->op);
	json_t *j = json_object();
	if (cpus > 1)
		json_object_set_new(j, "cpu", json_integer(s->cpu));
	json_object_set_new(j, "op", json_string(def->name));
	if (def->nargs) {
		json_t *args = json_object();
		for (unsigned i = 0; i < def->nargs; i++)
			json_object_set_new(args, def->args[i], hm_json_from_z(s->argv[i]));
		json_object_set_new(j, "args", args);
	}
	if (o && o->both)
		json_object_set_new(j, "level", json_string("both"));
	if (s->nregs) {
		json_t *regs = json_object();
		for (unsigned i = 0; i < s->nregs; i++) {
			const char *name = hm_t_ctxt_regs.fields[s->reg[i]].name;
			json_object_set_new(regs, name, reg_value(def, name, s->regv[i]));
		}
		json_object_set_new(j, "set", json_pack("{s:{s:o}}", "regs", "ctxt_regs", regs));
	}
	if (s->ncore && o) {
		json_t *answers = json_array();
		for (unsigned i = 0; i < s->ncore; i++)
			json_array_append_new(answers,
					      json_pack("{s:o, s:o, s:o}", "vmid", hm_json_from_z(s->core_vmid),
							"logn", hm_json_from_z(o->core_logn + i), "value",
							hm_json_from_z(s->core[i])));
		json_object_set_new(j, "oracle", json_pack("{s:o}", "core_doracle", answers));
	}
	if (o) {
		json_t *expect = json_pack("{s:s}", "result", hm_result_kind_name(o->res.kind));
		if (o->res.has_ret)
			json_object_set_new(expect, "ret", hm_json_from_z(o->res.ret));
		json_object_set_new(j, "expect", expect);
	}
	return j;
}

json_t *hm_fuzz_trace_json(hm_fuzz *f, const hm_fuzz_step *steps, size_t n, int cpus,
			   const char *name, const char *description)
{
	GArray *outcomes = g_array_new(FALSE, FALSE, sizeof(hm_fuzz_outcome));
	hm_fuzz_failure fail;
	hm_fuzz_rerun(f, steps, n, cpus, &fail, outcomes);
	hm_fuzz_failure_clear(&fail);
	json_t *config = json_deep_copy(f->config_json);
	json_object_set_new(config, "cpus", json_integer(cpus));
	json_t *js = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(js, step_json(&steps[i],
						    i < outcomes->len
							    ? &g_array_index(outcomes, hm_fuzz_outcome, i)
							    : NULL,
						    cpus));
	g_array_free(outcomes, TRUE);
	return json_pack("{s:s, s:s, s:s, s:o, s:o}", "format", "hypsec-trace/1", "name", name,
			 "description", description ? description : "", "config", config, "steps",
			 js);
}
