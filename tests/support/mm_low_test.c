#include "mm_low_test.h"

#include <stdio.h>
#include <string.h>

#include "json.h"

/* ---- oracles ---- */

static hm_z test_data(hm_oracle *o, hm_z vmid, hm_z logn)
{
	(void)o;
	return T_DORC(vmid, logn);
}

static const hm_oracle_ops test_doracle_ops = {.data = test_data};

hm_rdata *t_with_test_doracle(const hm_rdata *st)
{
	hm_rdata *r = rd_edit(st);
	SETP(r, doracle, hm_oracle_new(&test_doracle_ops, NULL, "test-doracle"));
	return r;
}

/* The answers of a pulled-events oracle. Contexts live until the process
 * ends (a handful per test run), holding their lists. */
#define T_PULLED_MAX 8
typedef struct pulled_ctx {
	size_t n;
	hm_z ids[T_PULLED_MAX];
	hm_mlog *events[T_PULLED_MAX];
} pulled_ctx;

#define T_PULLED_CTXS 512
static pulled_ctx pulled_ctxs[T_PULLED_CTXS];
static size_t pulled_ctx_used;

static hm_mlog *pulled_multi(hm_oracle *o, hm_z id, hm_z cpu, const hm_mlog *l)
{
	(void)cpu;
	(void)l;
	const pulled_ctx *c = o->ctx;
	for (size_t i = 0; i < c->n; i++)
		if (c->ids[i] == id)
			return c->events[i];
	return NULL;
}

static const hm_oracle_ops pulled_ops = {.multi = pulled_multi};

hm_rdata *t_with_pulled(const hm_rdata *st, hm_z id, const hm_mlog *events)
{
	if (pulled_ctx_used == T_PULLED_CTXS)
		fail_msg("t_with_pulled: out of oracle contexts");
	pulled_ctx *c = &pulled_ctxs[pulled_ctx_used++];
	if (st->oracle && st->oracle->ops == &pulled_ops)
		*c = *(const pulled_ctx *)st->oracle->ctx;
	else
		c->n = 0;
	if (c->n == T_PULLED_MAX)
		fail_msg("t_with_pulled: too many objects");
	c->ids[c->n] = id;
	c->events[c->n] = hm_retain(events); /* kept until exit */
	c->n++;
	hm_rdata *r = rd_edit(st);
	SETP(r, oracle, hm_oracle_new(&pulled_ops, c, "test-pulled"));
	return r;
}

/* ---- state builders ---- */

hm_rdata *t_with_npt(const hm_rdata *st, hm_z vmid, const hm_npt *npt)
{
	hm_shared *sh = sh_edit(st->shared);
	SETP(sh, npts, hm_map_set_ptr(sh->npts, vmid, npt));
	hm_rdata *r = rd_edit(st);
	SETP(r, shared, sh);
	return r;
}

hm_rdata *t_with_spt(const hm_rdata *st, const hm_spt *spt)
{
	hm_shared *sh = sh_edit(st->shared);
	SETP(sh, spts, spt);
	hm_rdata *r = rd_edit(st);
	SETP(r, shared, sh);
	return r;
}

hm_rdata *t_with_npt_entry(const hm_rdata *st, hm_z vmid, hm_z gfn, hm_z pfn, hm_z level,
			   hm_z pte)
{
	hm_npt *n = npt_edit(npt_at(st->shared->npts, vmid));
	hm_z3 e = {pfn, level, pte};
	SETP(n, pt, hm_map_set(n->pt, gfn, &e));
	return t_with_npt(st, vmid, n);
}

hm_rdata *t_with_spt_entry(const hm_rdata *st, hm_z ttbr, hm_z gfn, hm_z pfn, hm_z pte)
{
	hm_spt *s = spt_edit(st->shared->spts);
	hm_z2 e = {pfn, pte};
	const hm_map *pt = hm_map_get_map(s->spt_pt, ttbr);
	SETP(s, spt_pt, hm_map_set_ptr(s->spt_pt, ttbr, hm_map_set(pt, gfn, &e)));
	return t_with_spt(st, s);
}

hm_rdata *t_with_flatmem(const hm_rdata *st, hm_z pfn, hm_z v)
{
	hm_shared *sh = sh_edit(st->shared);
	SETP(sh, flatmem, hm_map_set_z(sh->flatmem, pfn, v));
	hm_rdata *r = rd_edit(st);
	SETP(r, shared, sh);
	return r;
}

hm_rdata *t_with_data_log(const hm_rdata *st, hm_z vmid, hm_z n)
{
	hm_rdata *r = rd_edit(st);
	SETP(r, data_log, hm_map_set_z(r->data_log, vmid, n));
	return r;
}

hm_rdata *t_with_tstate(const hm_rdata *st, hm_z tstate)
{
	hm_rdata *r = rd_edit(st);
	r->tstate = tstate;
	return r;
}

hm_rdata *t_with_curid(const hm_rdata *st, hm_z cpu)
{
	hm_rdata *r = rd_edit(st);
	r->curid = cpu;
	return r;
}

/* ---- assertions ---- */

void t_assert_log(const hm_mlog *l, const t_ev *want, size_t n, const hm_mlog *tail)
{
	const hm_mlog *p = l;
	for (size_t i = 0; i < n; i++, p = hm_mlog_next(p)) {
		if (!p)
			fail_msg("log has %zu events, expected at least %zu", i, n);
		if (p->ev != want[i].ev)
			fail_msg("event %zu: %s, expected %s", i, hm_mev_name(p->ev),
				 hm_mev_name(want[i].ev));
		if (p->cpu != want[i].cpu)
			fail_msg("event %zu (%s): cpu %d, expected %d", i, hm_mev_name(p->ev),
				 (int)p->cpu, (int)want[i].cpu);
		if ((p->ev == HM_MEV_WAIT_LOCK || p->ev == HM_MEV_INC_TICKET ||
		     p->ev == HM_MEV_OPULL) &&
		    p->n != want[i].n)
			fail_msg("event %zu (%s): n %d, expected %d", i, hm_mev_name(p->ev),
				 (int)p->n, (int)want[i].n);
		if (want[i].snap && p->snap != want[i].snap) {
			const hm_vtype *t = p->ev == HM_MEV_ONPT    ? &hm_t_npt
					    : p->ev == HM_MEV_OSPT  ? &hm_t_spt
					    : p->ev == HM_MEV_OVMINFO ? &hm_t_vminfo
								      : &hm_t_map_z;
			bool eq = t == &hm_t_map_z ? hm_map_equal(p->snap, want[i].snap)
						   : hm_val_equal(t, &p->snap, &want[i].snap);
			if (!eq)
				fail_msg("event %zu (%s): snapshot differs", i, hm_mev_name(p->ev));
		}
	}
	if (!hm_log_equal(HM_K_MLOG, p, tail))
		fail_msg("log tail after %zu events differs (%zu events, expected %zu)", n,
			 hm_mlog_len(p), hm_mlog_len(tail));
}

void t_assert_diff_paths(const hm_rdata *a, const hm_rdata *b, const char *const *prefixes,
			 size_t n)
{
	GString *d = g_string_new(NULL);
	hm_diff_state(a, b, d);
	bool seen[32] = {0};
	if (n > 32)
		fail_msg("t_assert_diff_paths: too many prefixes");
	bool ok = true;
	char **lines = g_strsplit(d->str, "\n", -1);
	for (char **line = lines; *line; line++) {
		if (!**line)
			continue;
		const char *colon = strstr(*line, ": ");
		size_t plen = colon ? (size_t)(colon - *line) : strlen(*line);
		bool matched = false;
		for (size_t i = 0; i < n; i++) {
			size_t k = strlen(prefixes[i]);
			if (plen >= k && strncmp(*line, prefixes[i], k) == 0 &&
			    (plen == k || (*line)[k] == '.' || (*line)[k] == '[')) {
				seen[i] = matched = true;
			}
		}
		if (!matched) {
			fprintf(stderr, "unexpected difference: %s\n", *line);
			ok = false;
		}
	}
	for (size_t i = 0; i < n; i++)
		if (!seen[i]) {
			fprintf(stderr, "expected a difference under %s\n", prefixes[i]);
			ok = false;
		}
	if (!ok)
		fprintf(stderr, "full diff:\n%s", d->str);
	g_strfreev(lines);
	g_string_free(d, TRUE);
	if (!ok)
		fail();
}
