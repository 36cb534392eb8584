#include "platform_table.h"

#include <string.h>

#include "constants.h"
#include "json.h"

static guint z_hash(gconstpointer p)
{
	const hm_z *z = p;
	uint64_t lo = (uint64_t)*z, hi = (uint64_t)((hm_uz)*z >> 64);
	return g_int64_hash(&lo) ^ (guint)hi;
}

static gboolean z_equal(gconstpointer a, gconstpointer b) { return *(const hm_z *)a == *(const hm_z *)b; }

static hm_z *z_box(hm_z v)
{
	hm_z *p = g_new(hm_z, 1);
	*p = v;
	return p;
}

static hm_z table_get(const hm_param_table *t, hm_z key)
{
	const hm_z *v = t->values ? g_hash_table_lookup(t->values, &key) : NULL;
	return v ? *v : t->dflt;
}

static bool parse_param(hm_param_table *t, const json_t *j, const char *path, GString *err)
{
	const char *why = NULL;
	t->set = true;
	if (!json_is_object(j)) {
		if (!hm_json_to_z(j, &t->dflt, &why)) {
			g_string_append_printf(err, "%s: %s", path, why);
			return false;
		}
		return true;
	}
	t->values = g_hash_table_new_full(z_hash, z_equal, g_free, g_free);
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)j, key, v)
	{
		hm_z k, val;
		if (strcmp(key, "default") != 0 && hm_parse_z(key, &k) != HM_OK) {
			g_string_append_printf(err, "%s[%s]: key is not an integer nor a constant name", path, key);
			return false;
		}
		if (!hm_json_to_z(v, &val, &why)) {
			g_string_append_printf(err, "%s[%s]: %s", path, key, why);
			return false;
		}
		if (strcmp(key, "default") == 0)
			t->dflt = val;
		else
			g_hash_table_replace(t->values, z_box(k), z_box(val));
	}
	return true;
}

bool hm_platform_tables_parse(hm_platform_tables *t, const json_t *j, GString *err)
{
	if (!json_is_object(j)) {
		g_string_append(err, "config.platform: expected an object");
		return false;
	}
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)j, key, v)
	{
		hm_param_table *p = NULL;
		if (strcmp(key, "verify_img") == 0)
			p = &t->verify_img;
		else if (strcmp(key, "reg_desc") == 0)
			p = &t->reg_desc;
		else if (strcmp(key, "shared_kvm") == 0)
			p = &t->shared_kvm;
		else if (strcmp(key, "shared_vcpu") == 0)
			p = &t->shared_vcpu;
		else if (strcmp(key, "exception_vector") == 0)
			p = &t->exception_vector;
		char *path = g_strdup_printf("config.platform.%s", key);
		if (!p)
			g_string_append_printf(err, "%s: unknown platform parameter (verify_img, reg_desc, "
						    "shared_kvm, shared_vcpu, exception_vector)", path);
		bool ok = p && parse_param(p, v, path, err);
		g_free(path);
		if (!ok)
			return false;
	}
	return true;
}

static void dup_param(hm_param_table *to, const hm_param_table *from)
{
	*to = *from;
	to->values = NULL;
	if (!from->values)
		return;
	to->values = g_hash_table_new_full(z_hash, z_equal, g_free, g_free);
	GHashTableIter it;
	gpointer k, v;
	g_hash_table_iter_init(&it, from->values);
	while (g_hash_table_iter_next(&it, &k, &v))
		g_hash_table_replace(to->values, z_box(*(hm_z *)k), z_box(*(hm_z *)v));
}

hm_platform_tables *hm_platform_tables_dup(const hm_platform_tables *t)
{
	hm_platform_tables *d = g_new0(hm_platform_tables, 1);
	dup_param(&d->verify_img, &t->verify_img);
	dup_param(&d->reg_desc, &t->reg_desc);
	dup_param(&d->shared_kvm, &t->shared_kvm);
	dup_param(&d->shared_vcpu, &t->shared_vcpu);
	dup_param(&d->exception_vector, &t->exception_vector);
	return d;
}

void hm_platform_tables_clear(hm_platform_tables *t)
{
	hm_param_table *all[] = {&t->verify_img, &t->reg_desc, &t->shared_kvm, &t->shared_vcpu,
				 &t->exception_vector};
	for (size_t i = 0; i < G_N_ELEMENTS(all); i++)
		if (all[i]->values)
			g_hash_table_destroy(all[i]->values);
	memset(t, 0, sizeof *t);
}

void hm_platform_tables_free(hm_platform_tables *t)
{
	if (!t)
		return;
	hm_platform_tables_clear(t);
	g_free(t);
}

static hm_z tab_verify_img(void *ctx, hm_z vmid, hm_z arg)
{
	(void)arg;
	return table_get(&((const hm_platform_tables *)ctx)->verify_img, vmid);
}

static hm_z tab_reg_desc(void *ctx, hm_z i)
{
	return table_get(&((const hm_platform_tables *)ctx)->reg_desc, i);
}

static hm_z tab_shared_kvm(void *ctx, hm_z vmid)
{
	return table_get(&((const hm_platform_tables *)ctx)->shared_kvm, vmid);
}

static hm_z tab_shared_vcpu(void *ctx, hm_z vmid, hm_z vcpuid)
{
	return table_get(&((const hm_platform_tables *)ctx)->shared_vcpu, ctxt_id(vmid, vcpuid));
}

static hm_z tab_exception_vector(void *ctx, hm_z pstate)
{
	return table_get(&((const hm_platform_tables *)ctx)->exception_vector, pstate);
}

void hm_platform_apply_tables(hm_platform *p, const hm_platform_tables *t)
{
	/* One ctx serves every callback, so the callbacks a config leaves
	 * alone must not read ctx: they are the defaults, which ignore it. */
	p->ctx = (void *)t;
	if (t->verify_img.set)
		p->verify_img = tab_verify_img;
	if (t->reg_desc.set)
		p->reg_desc = tab_reg_desc;
	if (t->shared_kvm.set)
		p->shared_kvm = tab_shared_kvm;
	if (t->shared_vcpu.set)
		p->shared_vcpu = tab_shared_vcpu;
	if (t->exception_vector.set)
		p->exception_vector = tab_exception_vector;
}
