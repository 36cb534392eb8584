#include "trap_aux_fixture.h"

#include <string.h>

/* ---- data oracle ---- */

typedef struct tf_script {
	hm_z vmid, logn, value;
} tf_script;

static tf_script scripts[16];
static unsigned nscripts;

static hm_z tf_data(hm_oracle *o, hm_z vmid, hm_z logn)
{
	(void)o;
	for (unsigned i = 0; i < nscripts; i++)
		if (scripts[i].vmid == vmid && scripts[i].logn == logn)
			return scripts[i].value;
	return TF_DORC(vmid, logn);
}

static const hm_oracle_ops tf_data_ops = {.data = tf_data};

hm_oracle *tf_doracle(void) { return hm_oracle_new(&tf_data_ops, NULL, "tf-data"); }

void tf_doracle_script(hm_z vmid, hm_z logn, hm_z value)
{
	assert_true(nscripts < 16);
	scripts[nscripts++] = (tf_script){vmid, logn, value};
}

/* ---- single oracle ---- */

static hm_slog *tf_single(hm_oracle *o, hm_z cpu, const hm_slog *l)
{
	(void)o, (void)cpu, (void)l;
	hm_z a[] = {TF_OTHER_VMID};
	return hm_slog_cons(TF_OTHER_CPU, HM_AEV_OVM_GET, a, NULL, NULL, NULL);
}

static const hm_oracle_ops tf_single_ops = {.single = tf_single};

hm_oracle *tf_soracle_one(void) { return hm_oracle_new(&tf_single_ops, NULL, "tf-single"); }

static unsigned at_calls, at_call;
static hm_z at_addr;

static hm_slog *tf_single_at(hm_oracle *o, hm_z cpu, const hm_slog *l)
{
	(void)o, (void)cpu, (void)l;
	if (++at_calls != at_call)
		return NULL;
	hm_z a[] = {at_addr};
	return hm_slog_cons(TF_OTHER_CPU, HM_AEV_OMAP_HOST, a, NULL, NULL, NULL);
}

static const hm_oracle_ops tf_single_at_ops = {.single = tf_single_at};

hm_oracle *tf_soracle_at(unsigned call, hm_z addr)
{
	at_calls = 0;
	at_call = call;
	at_addr = addr;
	return hm_oracle_new(&tf_single_at_ops, NULL, "tf-single-at");
}

/* ---- platform ---- */

static hm_z tf_reg_desc(void *ctx, hm_z i)
{
	(void)ctx;
	return TF_REG_DESC(i);
}

static hm_z tf_exception_vector(void *ctx, hm_z pstate)
{
	(void)ctx;
	return 0x800 + pstate;
}

/* decrypt_gp_regs: regs[0] (x0) := dorc logn, states[0] (pc) := dorc
 * (logn + 1); consumes two values. */
static hm_z tf_decrypt_gp(void *ctx, hm_z *regs, hm_z *states,
			  hm_z (*dorc)(void *dorc_ctx, hm_z n), void *dorc_ctx, hm_z logn)
{
	(void)ctx;
	regs[0] = dorc(dorc_ctx, logn);
	states[0] = dorc(dorc_ctx, logn + 1);
	return logn + 2;
}

/* decrypt_sys_regs: regs[31] (fp_q0) := 0xABC, states[5] (spsr_0) := 0xDEF;
 * consumes one value (not read). */
static hm_z tf_decrypt_sys(void *ctx, hm_z *regs, hm_z *states,
			   hm_z (*dorc)(void *dorc_ctx, hm_z n), void *dorc_ctx, hm_z logn)
{
	(void)ctx, (void)dorc, (void)dorc_ctx;
	regs[31] = 0xABC;
	states[5] = 0xDEF;
	return logn + 1;
}

static hm_platform tf_platform;

void tf_platform_install(void)
{
	hm_platform_defaults(&tf_platform);
	tf_platform.reg_desc = tf_reg_desc;
	tf_platform.exception_vector = tf_exception_vector;
	tf_platform.decrypt_gp_regs = tf_decrypt_gp;
	tf_platform.decrypt_sys_regs = tf_decrypt_sys;
	hm_platform_set_current(&tf_platform);
}

void tf_platform_remove(void) { hm_platform_set_current(NULL); }

void tf_reset(void)
{
	nscripts = 0;
	at_calls = 0;
	at_call = 0;
}

/* ---- states ---- */

hm_rdata *tf_state(void)
{
	hm_rdata *r = rd_edit(hm_rdata_empty());
	r->curid = TF_CPU;
	SETP(r, doracle, tf_doracle());
	return r;
}

hm_rdata *tf_with_hlock(const hm_rdata *st, hm_z id, bool v)
{
	hm_rdata *r = rd_edit(st);
	hm_shared *s = sh_edit(st->shared);
	SETP(s, hlock, hm_map_set_bool(s->hlock, id, v));
	SETP(r, shared, s);
	return r;
}

static hm_rdata *with_npt(const hm_rdata *st, hm_z vmid, const hm_npt *npt)
{
	hm_rdata *r = rd_edit(st);
	hm_shared *s = sh_edit(st->shared);
	SETP(s, npts, hm_map_set_ptr(s->npts, vmid, npt));
	SETP(r, shared, s);
	return r;
}

hm_rdata *tf_with_pt(const hm_rdata *st, hm_z vmid, hm_z gfn, hm_z pfn, hm_z level, hm_z pte)
{
	hm_npt *n = npt_edit(npt_at(st->shared->npts, vmid));
	hm_z3 e = {pfn, level, pte};
	SETP(n, pt, hm_map_set(n->pt, gfn, &e));
	return with_npt(st, vmid, n);
}

hm_rdata *tf_with_npt_next(const hm_rdata *st, hm_z vmid, hm_z pgd_next, hm_z pud_next,
			   hm_z pmd_next)
{
	hm_npt *n = npt_edit(npt_at(st->shared->npts, vmid));
	n->pt_pgd_next = pgd_next;
	n->pt_pud_next = pud_next;
	n->pt_pmd_next = pmd_next;
	return with_npt(st, vmid, n);
}

hm_rdata *tf_with_vm_state(const hm_rdata *st, hm_z vmid, hm_z state)
{
	hm_vminfo *info = vminfo_edit(vminfo_at(st->shared->vminfos, vmid));
	info->VS.vm_state = state;
	hm_rdata *r = rd_edit(st);
	hm_shared *s = sh_edit(st->shared);
	SETP(s, vminfos, hm_map_set_ptr(s->vminfos, vmid, info));
	SETP(r, shared, s);
	return r;
}

hm_rdata *tf_with_data_log(const hm_rdata *st, hm_z vmid, hm_z logn)
{
	hm_rdata *r = rd_edit(st);
	SETP(r, data_log, hm_map_set_z(r->data_log, vmid, logn));
	return r;
}

hm_rdata *tf_with_shadow(const hm_rdata *st, hm_z ctxtid, const hm_ctxt_regs *cregs,
			 const hm_ctxt_states *cstates)
{
	hm_ctxt *c = ctxt_edit(ctxt_at(st->shadow_ctxts, ctxtid));
	c->ctxt_regs = *cregs;
	c->ctxt_states = *cstates;
	hm_rdata *r = rd_edit(st);
	SETP(r, shadow_ctxts, hm_map_set_ptr(r->shadow_ctxts, ctxtid, c));
	return r;
}

hm_rdata *tf_with_soracle(const hm_rdata *st, hm_oracle *o)
{
	hm_rdata *r = rd_edit(st);
	SETP(r, soracle, o);
	return r;
}

hm_z3 tf_pt(const hm_rdata *st, hm_z vmid, hm_z gfn)
{
	return *z3_at(npt_at(st->shared->npts, vmid)->pt, gfn);
}

hm_s2page tf_page(const hm_rdata *st, hm_z pfn) { return *s2page_at(st->shared->s2page, pfn); }

bool tf_hlock(const hm_rdata *st, hm_z id) { return hm_map_get_bool(st->shared->hlock, id); }

const hm_slog *tf_assert_sevent_a(const hm_slog *e, hm_z cpu, hm_aev ev, hm_oracle *dorc,
				  const hm_z *args, size_t nargs)
{
	assert_non_null(e);
	assert_z_equal(e->cpu, cpu);
	assert_int_equal(e->ev, ev);
	assert_int_equal(hm_aev_table[ev].nargs, nargs);
	assert_ptr_equal(e->dorc, dorc);
	for (size_t i = 0; i < nargs; i++)
		assert_z_equal(e->a[i], args[i]);
	return e->next;
}

hm_ctxt_regs tf_regs_pattern(hm_z base)
{
	hm_ctxt_regs r;
	hm_z *f = (hm_z *)&r;
	for (size_t k = 0; k < sizeof r / sizeof(hm_z); k++)
		f[k] = base + (hm_z)k;
	return r;
}

hm_ctxt_states tf_states_pattern(hm_z base)
{
	hm_ctxt_states s;
	hm_z *f = (hm_z *)&s;
	for (size_t k = 0; k < sizeof s / sizeof(hm_z); k++)
		f[k] = base + (hm_z)k;
	return s;
}
