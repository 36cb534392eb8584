#include "t_trap.h"

#include <string.h>

static hm_model *tt_m;

hm_model *tt_model(int cpus)
{
	hm_config *c = hm_config_new();
	hm_config_clear_memory(c);
	hm_config_add_memory(c, T_RAM_BASE, T_RAM_SIZE);
	hm_config_add_smmu(c, T_SMMU_BASE, T_SMMU_SIZE, T_SMMU_BANKS);
	hm_config_set_cpus(c, cpus);
	char *err = NULL;
	hm_model *m = hm_model_new(c, &err);
	hm_config_free(c);
	if (!m) {
		fprintf(stderr, "tt_model: %s\n", err);
		hm_free(err);
	}
	return m;
}

int tt_group_setup(void **state)
{
	tt_m = tt_model(1);
	return t_pool_setup(state);
}

int tt_group_teardown(void **state)
{
	int r = t_pool_teardown(state);
	hm_model_free(tt_m);
	tt_m = NULL;
	return r;
}

hm_model *tt_current_model(void) { return tt_m; }

const hm_rdata *tt_initial(void) { return hm_model_view(tt_m, 0); }

void tt_script(bool core, hm_z vmid, hm_z logn, hm_z value)
{
	hm_model_script_doracle(tt_m, core, vmid, logn, value);
}

hm_rdata *tt_with_regs(const hm_rdata *st, hm_ctxt_regs r)
{
	hm_rdata *o = rd_edit(st);
	hm_ctxt *c = ctxt_edit(st->regs);
	c->ctxt_regs = r;
	SETP(o, regs, c);
	return o;
}

hm_rdata *tt_with_trap_regs(const hm_rdata *st, hm_trap_regs t)
{
	hm_rdata *o = rd_edit(st);
	hm_ctxt *c = ctxt_edit(st->regs);
	c->trap_regs = t;
	SETP(o, regs, c);
	return o;
}

hm_rdata *tt_with_shadow(const hm_rdata *st, hm_z ctxtid, hm_ctxt_regs r, hm_ctxt_states s)
{
	hm_rdata *o = rd_edit(st);
	hm_ctxt *c = ctxt_edit(ctxt_at(st->shadow_ctxts, ctxtid));
	c->ctxt_regs = r;
	c->ctxt_states = s;
	SETP(o, shadow_ctxts, hm_map_set_ptr(st->shadow_ctxts, ctxtid, c));
	return o;
}

hm_rdata *tt_with_shared(const hm_rdata *st, const hm_shared *sh)
{
	hm_rdata *o = rd_edit(st);
	SETP(o, shared, sh);
	return o;
}

hm_rdata *tt_with_mode(const hm_rdata *st, bool ihost, bool icore)
{
	hm_rdata *o = rd_edit(st);
	o->ihost = ihost;
	o->icore = icore;
	return o;
}

hm_rdata *tt_with_cur(const hm_rdata *st, hm_z vmid, hm_z vcpuid)
{
	hm_rdata *o = rd_edit(st);
	o->cur_vmid = vmid;
	o->cur_vcpuid = vcpuid;
	return o;
}

hm_rdata *tt_with_data_log(const hm_rdata *st, hm_z vmid, hm_z n)
{
	hm_rdata *o = rd_edit(st);
	SETP(o, data_log, hm_map_set_z(st->data_log, vmid, n));
	return o;
}

hm_rdata *tt_with_core_data_log(const hm_rdata *st, hm_z vmid, hm_z n)
{
	hm_rdata *o = rd_edit(st);
	SETP(o, core_data_log, hm_map_set_z(st->core_data_log, vmid, n));
	return o;
}

hm_rdata *tt_with_hlock(const hm_rdata *st, hm_z id, bool v)
{
	return tt_with_shared(st, tc_hlock(st->shared, id, v));
}

hm_rdata *tt_with_info(const hm_rdata *st, hm_z vmid, const hm_vminfo *info)
{
	return tt_with_shared(st, tc_info(st->shared, vmid, info));
}

hm_rdata *tt_with_smmu_vmid(const hm_rdata *st, hm_z id, hm_z vmid)
{
	return tt_with_shared(st, tc_smmu(st->shared, id, vmid));
}

hm_z tt_reg(const hm_ctxt_regs *r, int i) { return (&r->x0)[i]; }

void tt_set_reg(hm_ctxt_regs *r, int i, hm_z v) { (&r->x0)[i] = v; }

hm_rdata *tt_hvc(const hm_rdata *st, hm_z x0, hm_z x1, hm_z x2, hm_z x3, hm_z x4, hm_z x5)
{
	hm_ctxt_regs r = st->regs->ctxt_regs;
	r.x0 = x0;
	r.x1 = x1;
	r.x2 = x2;
	r.x3 = x3;
	r.x4 = x4;
	r.x5 = x5;
	return tt_with_regs(st, r);
}

const hm_ctxt *tt_shadow(const hm_rdata *st, hm_z ctxtid) { return ctxt_at(st->shadow_ctxts, ctxtid); }

const hm_vminfo *tt_info(const hm_rdata *st, hm_z vmid) { return vminfo_at(st->shared->vminfos, vmid); }

hm_rdata *tt_enter_core(const hm_rdata *st)
{
	hm_z ctxtid = ctxt_id(st->cur_vmid, st->cur_vcpuid);
	const hm_ctxt *c = tt_shadow(st, ctxtid);
	hm_ctxt_regs r = c->ctxt_regs;
	for (int i = 0; i <= 30; i++)
		tt_set_reg(&r, i, tt_reg(&st->regs->ctxt_regs, i));
	hm_rdata *o = tt_with_shadow(st, ctxtid, r, c->ctxt_states);
	o->icore = true;
	return o;
}

hm_rdata *tt_return_host(const hm_rdata *st)
{
	hm_z ctxtid = ctxt_id(st->cur_vmid, st->cur_vcpuid);
	const hm_ctxt *c = tt_shadow(st, ctxtid);
	hm_ctxt_regs r = st->regs->ctxt_regs;
	for (int i = 0; i <= 30; i++)
		tt_set_reg(&r, i, tt_reg(&c->ctxt_regs, i));
	hm_rdata *o = tt_with_regs(st, r);
	o->icore = false;
	return o;
}

const hm_slog *tt_event(const hm_slog *l, size_t i)
{
	for (size_t k = 0; k < i && l; k++)
		l = l->next;
	if (!l) {
		fprintf(stderr, "tt_event: the log has no event %zu\n", i);
		fail();
	}
	return l;
}

void tt_assert_event(const hm_slog *e, hm_z cpu, hm_aev ev, const hm_z *args)
{
	assert_non_null(e);
	if (e->ev != ev)
		fprintf(stderr, "event %s, expected %s\n", hm_aev_table[e->ev].name,
			hm_aev_table[ev].name);
	assert_int_equal(e->ev, ev);
	assert_z_equal(e->cpu, cpu);
	for (unsigned i = 0; i < hm_aev_table[ev].nargs; i++) {
		if (e->a[i] != args[i])
			fprintf(stderr, "%s: argument %s differs\n", hm_aev_table[ev].name,
				hm_aev_table[ev].args[i]);
		assert_z_equal(e->a[i], args[i]);
	}
}

void tt_assert_rely(hm_sres r, const char *rely, const char *where)
{
	assert_null(r.st);
	assert_non_null(r.rely);
	if (strcmp(r.rely, rely) != 0)
		fprintf(stderr, "rely \"%s\" failed, expected \"%s\"\n", r.rely, rely);
	assert_string_equal(r.rely, rely);
	assert_string_equal(r.where, where);
}

void tt_assert_stuck(hm_sres r, const char *where)
{
	assert_null(r.st);
	assert_null(r.rely);
	assert_string_equal(r.where, where);
}
