/* The scenario both checking examples run: mini_hyp does the work, and
 * after each operation the driver reports the operation and everything
 * mini_hyp touched, as mini_hyp sees it, to the linked checker.
 *
 * Include mini_hyp.h (with or without its bug) before this file.
 */
#ifndef MINI_HYP_SCENARIO_H
#define MINI_HYP_SCENARIO_H

#include <stdio.h>
#include <stdlib.h>

#include "hypsec_check.h"

#define SC_CPUS 2
#define SC_RAM_BASE 0x40000000ULL
#define SC_RAM_SIZE 0x1000000ULL /* 16 MiB: pfns 0x40000 .. 0x40fff */
#define SC_VM 1u
#define SC_P1 0x40001ULL /* pages the VM gets one by one */
#define SC_P2 0x40002ULL
#define SC_P3 0x40003ULL
#define SC_P4 0x40010ULL
#define SC_BLOCK_PFN 0x40200ULL /* 512 pages mapped as one 2 MiB block */
#define SC_BLOCK_GFN 0x80200ULL
#define SC_UART 0x09000000ULL   /* MMIO, outside RAM */
#define SC_MAX_TOUCHED 1024

struct sc_touched_s2 {
	mh_u32 vmid;
	mh_u64 gfn;
};

struct driver {
	struct mini_hyp hyp;
	hm_checker *chk;
	mh_u64 pages[SC_MAX_TOUCHED];
	size_t npages;
	struct sc_touched_s2 s2[SC_MAX_TOUCHED];
	size_t ns2;
	/* operation numbers worth knowing */
	size_t op_grant_over_limit; /* the grant beyond MAX_SHARE_COUNT */
	size_t op_host_halt;        /* the host touching the VM's page */
};

static void sc_touch_page(void *ctx, mh_u64 pfn)
{
	struct driver *d = ctx;
	for (size_t i = 0; i < d->npages; i++)
		if (d->pages[i] == pfn)
			return;
	if (d->npages < SC_MAX_TOUCHED)
		d->pages[d->npages++] = pfn;
}

static void sc_touch_s2(void *ctx, mh_u32 vmid, mh_u64 gfn)
{
	struct driver *d = ctx;
	for (size_t i = 0; i < d->ns2; i++)
		if (d->s2[i].vmid == vmid && d->s2[i].gfn == gfn)
			return;
	if (d->ns2 < SC_MAX_TOUCHED)
		d->s2[d->ns2++] = (struct sc_touched_s2){vmid, gfn};
}

static void sc_fatal(struct driver *d, const char *what)
{
	fprintf(stderr, "%s: %s\n", what, hm_checker_error(d->chk));
	exit(2);
}

/* Reports page pfn and stage-2 entry (vmid, gfn) as mini_hyp holds them. */
static void sc_observe_page(struct driver *d, int cpu, mh_u64 pfn)
{
	struct mh_page pg = mh_page_info(&d->hyp, pfn);
	if (hm_checker_observe_page(d->chk, cpu, (hm_z)pfn, (hm_z)pg.owner, (hm_z)pg.count,
				    (hm_z)pg.gfn) == HM_CHECK_EINVAL)
		sc_fatal(d, "observe_page");
}

static void sc_observe_s2(struct driver *d, int cpu, mh_u32 vmid, mh_u64 gfn)
{
	mh_u64 pfn, desc;
	int level;
	bool mapped = mh_s2_translate(&d->hyp, vmid, gfn, &pfn, &level, &desc);
	if (hm_checker_observe_s2(d->chk, cpu, (hm_z)vmid, (hm_z)gfn, mapped, (hm_z)pfn,
				  (hm_z)level, (hm_z)desc) == HM_CHECK_EINVAL)
		sc_fatal(d, "observe_s2");
}

static hm_result_kind sc_result(enum mh_result r)
{
	switch (r) {
	case MH_OK:
		return HM_RESULT_OK;
	case MH_HALT:
		return HM_RESULT_HALT;
	case MH_STUCK:
		return HM_RESULT_STUCK;
	default:
		return HM_RESULT_RELY;
	}
}

/* The operation mini_hyp just ran, then everything it touched. */
static void sc_report(struct driver *d, int cpu, const char *op, const hm_arg *args, size_t nargs,
		      enum mh_result r)
{
	if (hm_checker_op(d->chk, cpu, op, args, nargs, sc_result(r)) == HM_CHECK_EINVAL)
		sc_fatal(d, op);
	for (size_t i = 0; i < d->npages; i++)
		sc_observe_page(d, cpu, d->pages[i]);
	for (size_t i = 0; i < d->ns2; i++)
		sc_observe_s2(d, cpu, d->s2[i].vmid, d->s2[i].gfn);
	if (hm_checker_observe_halt(d->chk, cpu, d->hyp.halted[cpu]) == HM_CHECK_EINVAL)
		sc_fatal(d, "observe_halt");
	d->npages = d->ns2 = 0;
}

/* ---- one wrapper per operation: run it in mini_hyp, report it ---- */

static enum mh_result sc_map_page_host(struct driver *d, int cpu, mh_u64 addr)
{
	enum mh_result r = mh_map_page_host(&d->hyp, cpu, addr);
	hm_arg a[] = {{"addr", (hm_z)addr}};
	sc_report(d, cpu, "map_page_host", a, 1, r);
	return r;
}

static enum mh_result sc_assign(struct driver *d, int cpu, mh_u32 vmid, mh_u64 gfn, mh_u64 pfn)
{
	enum mh_result r = mh_assign_pfn_to_vm(&d->hyp, cpu, vmid, gfn, pfn);
	hm_arg a[] = {{"vmid", vmid}, {"gfn", (hm_z)gfn}, {"pfn", (hm_z)pfn}};
	sc_report(d, cpu, "assign_pfn_to_vm", a, 3, r);
	return r;
}

static enum mh_result sc_map_pfn_vm(struct driver *d, int cpu, mh_u32 vmid, mh_u64 addr,
				    mh_u64 pte, int level)
{
	enum mh_result r = mh_map_pfn_vm(&d->hyp, cpu, vmid, addr, pte, level);
	hm_arg a[] = {{"vmid", vmid}, {"addr", (hm_z)addr}, {"pte", (hm_z)pte}, {"level", level}};
	sc_report(d, cpu, "map_pfn_vm", a, 4, r);
	return r;
}

static enum mh_result sc_grant(struct driver *d, int cpu, mh_u32 vmid, mh_u64 pfn)
{
	enum mh_result r = mh_grant_vm_page(&d->hyp, cpu, vmid, pfn);
	hm_arg a[] = {{"vmid", vmid}, {"pfn", (hm_z)pfn}};
	sc_report(d, cpu, "grant_vm_page", a, 2, r);
	return r;
}

static enum mh_result sc_revoke(struct driver *d, int cpu, mh_u32 vmid, mh_u64 pfn)
{
	enum mh_result r = mh_revoke_vm_page(&d->hyp, cpu, vmid, pfn);
	hm_arg a[] = {{"vmid", vmid}, {"pfn", (hm_z)pfn}};
	sc_report(d, cpu, "revoke_vm_page", a, 2, r);
	return r;
}

static enum mh_result sc_clear(struct driver *d, int cpu, mh_u32 vmid, mh_u64 pfn)
{
	enum mh_result r = mh_clear_vm_page(&d->hyp, cpu, vmid, pfn);
	hm_arg a[] = {{"vmid", vmid}, {"pfn", (hm_z)pfn}};
	sc_report(d, cpu, "clear_vm_page", a, 2, r);
	return r;
}

/* ---- the scenario ---- */

static void sc_setup(struct driver *d, hm_divergence_fn cb, void *ctx)
{
	memset(d, 0, sizeof *d);
	if (!mh_init(&d->hyp, SC_CPUS, SC_RAM_BASE, SC_RAM_SIZE)) {
		fprintf(stderr, "mini_hyp: cannot initialise\n");
		exit(2);
	}
	d->hyp.hooks = (struct mh_hooks){sc_touch_page, sc_touch_s2, d};
	hm_checker_region ram = {SC_RAM_BASE, SC_RAM_SIZE};
	hm_checker_config cfg = {.cpus = SC_CPUS, .memory = &ram, .nmemory = 1};
	char *err = NULL;
	d->chk = hm_checker_new(&cfg, &err);
	if (!d->chk) {
		fprintf(stderr, "checker: %s\n", err);
		hm_free(err);
		exit(2);
	}
	hm_checker_on_divergence(d->chk, cb, ctx);
}

static void sc_teardown(struct driver *d)
{
	hm_checker_free(d->chk);
	mh_destroy(&d->hyp);
}

/* Returns false when mini_hyp itself did not do what the scenario is
 * built to exercise (independently of the checker). */
static bool sc_run(struct driver *d)
{
	bool as_planned = true;
	/* The host faults: out of range, on its own pages, on MMIO. */
	as_planned &= sc_map_page_host(d, 0, MH_PHYS_SIZE) == MH_REJECT;
	as_planned &= sc_map_page_host(d, 0, SC_P1 << MH_PAGE_SHIFT) == MH_OK;
	as_planned &= sc_map_page_host(d, 0, (SC_P2 << MH_PAGE_SHIFT) + 0x123) == MH_OK;
	as_planned &= sc_map_page_host(d, 1, SC_P3 << MH_PAGE_SHIFT) == MH_OK;
	as_planned &= sc_map_page_host(d, 0, SC_UART) == MH_OK;

	/* VM 1 gets three pages; a repeated fault on the first is harmless. */
	as_planned &= sc_assign(d, 0, SC_VM, 0x80001, SC_P1) == MH_OK;
	as_planned &= sc_assign(d, 1, SC_VM, 0x80002, SC_P2) == MH_OK;
	as_planned &= sc_assign(d, 0, SC_VM, 0x80003, SC_P3) == MH_OK;
	as_planned &= sc_assign(d, 1, SC_VM, 0x80001, SC_P1) == MH_OK;
	as_planned &= sc_map_pfn_vm(d, 1, SC_VM, 0x80001000, SC_P1 << MH_PAGE_SHIFT, 3) == MH_OK;
	/* attribute bits in pte are the caller's and are dropped */
	as_planned &= sc_map_pfn_vm(d, 0, SC_VM, 0x80002000, (SC_P2 << MH_PAGE_SHIFT) | 0x7c3, 3) ==
		      MH_OK;
	as_planned &= sc_map_pfn_vm(d, 1, SC_VM, 0x80003000, SC_P3 << MH_PAGE_SHIFT, 3) == MH_OK;

	/* 512 more pages, mapped as one block. */
	for (mh_u64 i = 0; i < MH_PTRS_PER_TABLE; i++)
		as_planned &= sc_assign(d, (int)(i % 2), SC_VM, SC_BLOCK_GFN + i,
					SC_BLOCK_PFN + i) == MH_OK;
	as_planned &= sc_map_pfn_vm(d, 0, SC_VM, SC_BLOCK_GFN << MH_PAGE_SHIFT,
				    SC_BLOCK_PFN << MH_PAGE_SHIFT, 2) == MH_OK;

	/* The VM shares P3 one time too many; the host then uses it. */
	for (unsigned i = 0; i <= MH_MAX_SHARE; i++) {
		as_planned &= sc_grant(d, (int)(i % 2), SC_VM, SC_P3) == MH_OK;
		if (i == MH_MAX_SHARE)
			d->op_grant_over_limit = hm_checker_ops(d->chk);
	}
	as_planned &= sc_map_page_host(d, 0, SC_P3 << MH_PAGE_SHIFT) == MH_OK;
	/* ... and withdraws every share: the last takes it from the host. */
	for (unsigned i = 0; i < MH_MAX_SHARE; i++)
		as_planned &= sc_revoke(d, (int)(i % 2), SC_VM, SC_P3) == MH_OK;
	as_planned &= sc_revoke(d, 0, SC_VM, SC_P3) == MH_OK;

	/* VM 1 is torn down: P2 is scrubbed and the host may use it again. */
	as_planned &= sc_clear(d, 1, SC_VM, SC_P2) == MH_OK;
	as_planned &= sc_map_page_host(d, 0, SC_P2 << MH_PAGE_SHIFT) == MH_OK;

	/* The host touches the VM's private P1: core 1 halts, holding the
	 * page-ownership lock; core 0 can no longer take it, but can still
	 * map in the VM's stage 2. */
	as_planned &= sc_map_page_host(d, 1, SC_P1 << MH_PAGE_SHIFT) == MH_HALT;
	d->op_host_halt = hm_checker_ops(d->chk);
	as_planned &= sc_grant(d, 1, SC_VM, SC_P3) == MH_HALT;
	as_planned &= sc_grant(d, 0, SC_VM, SC_P3) == MH_STUCK;
	as_planned &= sc_map_pfn_vm(d, 0, SC_VM, 0x90000000, SC_P4 << MH_PAGE_SHIFT, 3) == MH_OK;

	/* Last, every core looks at everything the scenario used. */
	const mh_u64 pfns[] = {SC_P1, SC_P2, SC_P3, SC_P4, SC_BLOCK_PFN, SC_BLOCK_PFN + 511,
			       SC_UART >> MH_PAGE_SHIFT};
	const struct sc_touched_s2 s2[] = {
		{SC_VM, 0x80001},     {SC_VM, 0x80002},         {SC_VM, 0x80003},
		{SC_VM, SC_BLOCK_GFN}, {SC_VM, SC_BLOCK_GFN + 7}, {SC_VM, 0x90000},
		{SC_VM, 0x90001},     {MH_HOST, SC_P1},         {MH_HOST, SC_P2},
		{MH_HOST, SC_P3},     {MH_HOST, SC_P4},         {MH_HOST, SC_UART >> MH_PAGE_SHIFT},
	};
	for (int cpu = 0; cpu < SC_CPUS; cpu++) {
		for (size_t i = 0; i < sizeof pfns / sizeof pfns[0]; i++)
			sc_observe_page(d, cpu, pfns[i]);
		for (size_t i = 0; i < sizeof s2 / sizeof s2[0]; i++)
			sc_observe_s2(d, cpu, s2[i].vmid, s2[i].gfn);
		if (hm_checker_observe_halt(d->chk, cpu, d->hyp.halted[cpu]) == HM_CHECK_EINVAL)
			sc_fatal(d, "observe_halt");
	}
	return as_planned;
}

#endif
