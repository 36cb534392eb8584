#include "hm_test.h"

#include <stdio.h>

#include "json.h"

static hm_pool *test_pool;
static hm_model *shared_model;

int t_pool_setup(void **state)
{
	(void)state;
	test_pool = hm_pool_push();
	return 0;
}

int t_pool_teardown(void **state)
{
	(void)state;
	hm_pool_pop(test_pool);
	test_pool = NULL;
	return 0;
}

hm_model *t_model(int cpus)
{
	hm_config *c = hm_config_new();
	hm_config_clear_memory(c);
	hm_config_add_memory(c, T_RAM_BASE, T_RAM_SIZE);
	hm_config_set_cpus(c, cpus);
	char *err = NULL;
	hm_model *m = hm_model_new(c, &err);
	hm_config_free(c);
	if (!m) {
		fprintf(stderr, "t_model: %s\n", err);
		hm_free(err);
	}
	return m;
}

static void free_shared_model(void) { hm_model_free(shared_model); }

const hm_rdata *t_initial(void)
{
	if (!shared_model) {
		shared_model = t_model(1);
		atexit(free_shared_model);
	}
	return hm_model_view(shared_model, 0);
}

hm_rdata *t_with_page(const hm_rdata *st, hm_z pfn, hm_z owner, hm_z count, hm_z gfn)
{
	hm_rdata *r = rd_edit(st);
	hm_shared *s = sh_edit(st->shared);
	hm_s2page p = {owner, count, gfn};
	SETP(s, s2page, hm_map_set(s->s2page, pfn, &p));
	SETP(r, shared, s);
	return r;
}

hm_rdata *t_with_halt(const hm_rdata *st, bool halt)
{
	hm_rdata *r = rd_edit(st);
	r->halt = halt;
	return r;
}

hm_rdata *t_with_lock(const hm_rdata *st, hm_z id, hm_lock_status s)
{
	hm_rdata *r = rd_edit(st);
	SETP(r, lock, hm_map_set_lock(r->lock, id, s));
	return r;
}

hm_rdata *t_with_log(const hm_rdata *st, hm_z id, const hm_mlog *l)
{
	hm_rdata *r = rd_edit(st);
	SETP(r, log, hm_map_set_ptr(r->log, id, l));
	return r;
}

void t_assert_state_equal(const hm_rdata *a, const hm_rdata *b)
{
	if (hm_val_equal(&hm_t_rdata, &a, &b))
		return;
	GString *d = g_string_new(NULL);
	hm_diff_state(a, b, d);
	fprintf(stderr, "states differ:\n%s", d->str);
	g_string_free(d, TRUE);
	fail();
}
