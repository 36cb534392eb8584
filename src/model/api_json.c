/* The public functions that take or give JSON text. */
#include <string.h>

#include "json.h"
#include "model.h"

static char *take_error(GString *e)
{
	return g_string_free(e, FALSE);
}

static bool config_z(const json_t *j, const char *path, hm_z *out, GString *err)
{
	const char *why = "missing";
	if (j && hm_json_to_z(j, out, &why))
		return true;
	g_string_append_printf(err, "%s: %s", path, why);
	return false;
}

static bool unknown_keys(const json_t *o, const char *const *known, const char *path, GString *err)
{
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)o, key, v)
	{
		bool ok = false;
		for (const char *const *k = known; *k; k++)
			ok = ok || strcmp(*k, key) == 0;
		if (!ok) {
			g_string_append_printf(err, "%s.%s: unknown field", path, key);
			return true;
		}
	}
	return false;
}

static const char *const smmu_conf_names[] = {
#define NAME(n) #n,
	HM_SMMU_CONF_MAPS(NAME)
#undef NAME
};

static bool parse_smmu(hm_config *c, const json_t *dev, size_t i, GString *err)
{
	char *path = g_strdup_printf("config.smmu[%zu]", i);
	bool ok = json_is_object(dev);
	if (!ok)
		g_string_append_printf(err, "%s: expected an object", path);
	hm_smmu_dev d = {0};
	const char *key;
	json_t *v;
	if (ok)
		json_object_foreach((json_t *)dev, key, v)
		{
			/* Short names of the contract, or SMMUConf fields by Coq name. */
			const char *field = NULL;
			if (strcmp(key, "phys_base") == 0)
				field = "smmu_phys_base";
			else if (strcmp(key, "size") == 0)
				field = "smmu_size";
			else if (strcmp(key, "context_banks") == 0)
				field = "smmu_dev_context_banks";
			else
				for (size_t n = 0; n < G_N_ELEMENTS(smmu_conf_names); n++)
					if (strcmp(key, smmu_conf_names[n]) == 0)
						field = smmu_conf_names[n];
			char *sub = g_strdup_printf("%s.%s", path, key);
			if (!field) {
				g_string_append_printf(err, "%s: unknown field (phys_base, size, "
							    "context_banks or an SMMUConf field)", sub);
				ok = false;
			} else if (d.nfields < HM_MAX_SMMU_FIELDS) {
				hm_z value;
				ok = config_z(v, sub, &value, err);
				if (ok && strcmp(field, "smmu_dev_context_banks") == 0 &&
				    (value < 0 || value > SMMU_NUM_CTXT_BANKS)) {
					g_string_append_printf(err, "%s: %d context banks is not in 0..%d", sub,
							       (int)value, (int)SMMU_NUM_CTXT_BANKS);
					ok = false;
				}
				d.names[d.nfields] = field;
				d.values[d.nfields++] = value;
			}
			g_free(sub);
			if (!ok)
				break;
		}
	if (ok && c->smmu->len >= SMMU_NUM) {
		g_string_append_printf(err, "%s: at most %d SMMUs (SMMU_NUM)", path, (int)SMMU_NUM);
		ok = false;
	}
	if (ok)
		g_array_append_val(c->smmu, d);
	g_free(path);
	return ok;
}

hm_config *hm_config_from_json(const char *text, char **err_out)
{
	GString *err = g_string_new(NULL);
	json_error_t jerr;
	json_t *j = json_loads(text, 0, &jerr);
	hm_config *c = hm_config_new();
	static const char *const known[] = {"cpus", "memory", "smmu", "seed", "platform", NULL};
	if (!j) {
		g_string_append_printf(err, "config: line %d: %s", jerr.line, jerr.text);
		goto fail;
	}
	if (!json_is_object(j)) {
		g_string_append(err, "config: expected an object");
		goto fail;
	}
	if (unknown_keys(j, known, "config", err))
		goto fail;
	hm_z v;
	const json_t *cpus = json_object_get(j, "cpus");
	if (cpus) {
		if (!config_z(cpus, "config.cpus", &v, err))
			goto fail;
		if (v < 1 || v > TOTAL_CPU) {
			g_string_append_printf(err, "config.cpus: %d is not in 1..%d", (int)v, (int)TOTAL_CPU);
			goto fail;
		}
		c->cpus = (int)v;
	}
	const json_t *seed = json_object_get(j, "seed");
	if (seed) {
		if (!config_z(seed, "config.seed", &v, err))
			goto fail;
		if (v < 0) {
			g_string_append(err, "config.seed: must not be negative");
			goto fail;
		}
		c->seed = (uint64_t)v;
	}
	const json_t *mem = json_object_get(j, "memory");
	if (mem) {
		if (!json_is_array(mem)) {
			g_string_append(err, "config.memory: expected an array of {base, size}");
			goto fail;
		}
		hm_config_clear_memory(c);
		for (size_t i = 0; i < json_array_size(mem); i++) {
			const json_t *r = json_array_get(mem, i);
			char *path = g_strdup_printf("config.memory[%zu]", i);
			static const char *const rk[] = {"base", "size", NULL};
			hm_z base, size;
			bool ok = json_is_object(r);
			if (!ok)
				g_string_append_printf(err, "%s: expected an object {base, size}", path);
			ok = ok && !unknown_keys(r, rk, path, err);
			char *pb = g_strdup_printf("%s.base", path), *ps = g_strdup_printf("%s.size", path);
			ok = ok && config_z(json_object_get(r, "base"), pb, &base, err) &&
			     config_z(json_object_get(r, "size"), ps, &size, err);
			if (ok && hm_config_add_memory(c, base, size) != HM_OK) {
				g_string_append_printf(err, "%s: base and size must be page-aligned, size > 0, "
							    "end <= KVM_PHYS_SIZE, at most %d regions",
						       path, (int)MAX_MEMBLOCK_NUM);
				ok = false;
			}
			g_free(pb);
			g_free(ps);
			g_free(path);
			if (!ok)
				goto fail;
		}
	}
	const json_t *smmu = json_object_get(j, "smmu");
	if (smmu) {
		if (!json_is_array(smmu)) {
			g_string_append(err, "config.smmu: expected an array of devices");
			goto fail;
		}
		for (size_t i = 0; i < json_array_size(smmu); i++)
			if (!parse_smmu(c, json_array_get(smmu, i), i, err))
				goto fail;
	}
	const json_t *platform = json_object_get(j, "platform");
	if (platform && !hm_platform_tables_parse(&c->platform, platform, err))
		goto fail;
	json_decref(j);
	g_string_free(err, TRUE);
	return c;
fail:
	json_decref(j);
	hm_config_free(c);
	if (err_out)
		*err_out = take_error(err);
	else
		g_string_free(err, TRUE);
	return NULL;
}

char *hm_model_state_json(const hm_model *m, int cpu)
{
	if (cpu < 0 || cpu >= m->ncpus)
		return NULL;
	json_t *j = hm_json_encode_state(m->views[cpu]);
	char *s = json_dumps(j, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	json_decref(j);
	char *r = g_strdup(s);
	hm_json_text_free(s);
	return r;
}

hm_error hm_model_overlay_json(hm_model *m, int cpu, const char *partial, char **err_out)
{
	GString *err = g_string_new(NULL);
	json_error_t jerr;
	if (cpu < 0 || cpu >= m->ncpus) {
		g_string_append_printf(err, "cpu %d is not in 0..%d", cpu, m->ncpus - 1);
		goto fail;
	}
	json_t *j = json_loads(partial, 0, &jerr);
	if (!j) {
		g_string_append_printf(err, "line %d: %s", jerr.line, jerr.text);
		goto fail;
	}
	hm_pool *pool = hm_pool_push();
	hm_rdata *st = hm_json_overlay_state(m->views[cpu], j, err);
	if (st)
		hm_model_commit(m, cpu, st);
	hm_pool_pop(pool);
	json_decref(j);
	if (!st)
		goto fail;
	g_string_free(err, TRUE);
	return HM_OK;
fail:
	if (err_out)
		*err_out = take_error(err);
	else
		g_string_free(err, TRUE);
	return HM_EINVAL;
}

hm_error hm_model_match_json(const hm_model *m, int cpu, const char *partial, char **report_out)
{
	GString *err = g_string_new(NULL), *report = g_string_new(NULL);
	json_error_t jerr;
	hm_error rc = HM_EINVAL;
	json_t *j = NULL;
	if (cpu < 0 || cpu >= m->ncpus) {
		g_string_append_printf(err, "cpu %d is not in 0..%d", cpu, m->ncpus - 1);
	} else if (!(j = json_loads(partial, 0, &jerr))) {
		g_string_append_printf(err, "line %d: %s", jerr.line, jerr.text);
	} else {
		hm_pool *pool = hm_pool_push();
		bool same = hm_json_match_state(m->views[cpu], j, report, err);
		hm_pool_pop(pool);
		rc = err->len ? HM_EINVAL : same ? HM_OK : HM_EMISMATCH;
	}
	json_decref(j);
	if (report_out)
		*report_out = g_strdup(err->len ? err->str : report->str);
	g_string_free(err, TRUE);
	g_string_free(report, TRUE);
	return rc;
}
