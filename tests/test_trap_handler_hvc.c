/* TrapHandlerSpec (seed): host_hvc_handler_spec, one test per branch of
 * the handler and of every hypercall.
 *
 * The input is the initial view of CPU 0 (host running, cur_vmid 0,
 * cur_vcpuid 0, so the host's shadow context is ctxt_id 0 0 = 0; every
 * hlock held, i.e. true) with the hypercall in regs x0..x5. With one CPU
 * the single oracle returns nothing, so query_oracle leaves slog and
 * shared as they are. Expected states are built by hand from the Coq:
 * tt_enter_core is adt' (host x0..x30 saved into the shadow context,
 * icore true) and tt_return_host the final core_to_host copy (icore
 * false). */
#include "t_trap.h"
#include "trap_handler_spec.h"

#include <string.h>

#define CPU 0

static const hm_rdata *hvc_st(hm_z x0, hm_z x1, hm_z x2, hm_z x3, hm_z x4, hm_z x5)
{
	return tt_hvc(tt_initial(), x0, x1, x2, x3, x4, x5);
}

static const hm_rdata *run_ok(const hm_rdata *st)
{
	hm_sres r = host_hvc_handler_spec(st);
	if (!r.st)
		fprintf(stderr, "None: rely %s in %s\n", r.rely ? r.rely : "-", r.where);
	assert_non_null(r.st);
	return r.st;
}

/* SEVENT CPU ev :: next */
static hm_slog *ev(hm_aev e, const hm_z *args, const hm_slog *next)
{
	return hm_slog_cons(CPU, e, args, NULL, NULL, next);
}

/* adt' {slog: l} */
static hm_rdata *with_slog(const hm_rdata *st, const hm_slog *l)
{
	hm_rdata *o = rd_edit(st);
	SETP(o, slog, l);
	return o;
}

/* A guard failed: Some adt' {halt: true}. */
static void assert_guard_halts(const hm_rdata *st)
{
	const hm_rdata *out = run_ok(st);
	t_assert_state_equal(out, t_with_halt(tt_enter_core(st), true));
}

/* The shadow context of the host, x0 set to v. */
static hm_rdata *shadow_x0(const hm_rdata *st, hm_z v)
{
	const hm_ctxt *c = tt_shadow(st, 0);
	hm_ctxt_regs r = c->ctxt_regs;
	r.x0 = v;
	return tt_with_shadow(st, 0, r, c->ctxt_states);
}

/* ---- the handler ---- */

static void test_not_host_mode_is_none(void **state)
{
	(void)state;
	/* match (ihost, icore) with (true, false) => ... | _ => None */
	const hm_rdata *st = hvc_st(HVC_TIMER_SET_CNTVOFF, 0, 0, 0, 0, 0);
	tt_assert_stuck(host_hvc_handler_spec(tt_with_mode(st, false, false)), "host_hvc_handler_spec");
	tt_assert_stuck(host_hvc_handler_spec(tt_with_mode(st, true, true)), "host_hvc_handler_spec");
	tt_assert_stuck(host_hvc_handler_spec(tt_with_mode(st, false, true)), "host_hvc_handler_spec");
}

static void test_halted_is_unchanged(void **state)
{
	(void)state;
	const hm_rdata *st = t_with_halt(hvc_st(HVC_REGISTER_KVM, 0, 0, 0, 0, 0), true);
	hm_sres r = host_hvc_handler_spec(st);
	assert_ptr_equal(r.st, st);
}

static void test_timer_set_cntvoff(void **state)
{
	(void)state;
	/* Some adt': registers saved, then copied back unchanged; x30 shows
	 * that all of x0..x30 travel. */
	hm_ctxt_regs r = hvc_st(HVC_TIMER_SET_CNTVOFF, 1, 2, 3, 4, 5)->regs->ctxt_regs;
	r.x30 = 77;
	r.sctlr_el1 = 9; /* not a general register: stays in regs only */
	const hm_rdata *st = tt_with_regs(tt_initial(), r);
	const hm_rdata *out = run_ok(st);
	assert_false(out->icore);
	assert_z_equal(tt_shadow(out, 0)->ctxt_regs.x30, 77);
	assert_z_equal(tt_shadow(out, 0)->ctxt_regs.x0, HVC_TIMER_SET_CNTVOFF);
	assert_z_equal(tt_shadow(out, 0)->ctxt_regs.sctlr_el1, 0);
	assert_z_equal(out->regs->ctxt_regs.sctlr_el1, 9);
	t_assert_state_equal(out, tt_return_host(tt_enter_core(st)));
}

static void test_unknown_hypercall_falls_through(void **state)
{
	(void)state;
	const hm_rdata *st = hvc_st(1000, 1, 2, 3, 4, 5);
	t_assert_state_equal(run_ok(st), tt_return_host(tt_enter_core(st)));
	/* HVC_KVM_SET_DESC_PFN is a VM's hypercall: the host's falls through */
	st = hvc_st(HVC_KVM_SET_DESC_PFN, 1, 2, 3, 4, 5);
	t_assert_state_equal(run_ok(st), tt_return_host(tt_enter_core(st)));
}

/* ---- HVC_CLEAR_VM_S2_RANGE vmid addr size ---- */

static void test_clear_vm_s2_range_invalid_args_halt(void **state)
{
	(void)state;
	assert_guard_halts(hvc_st(HVC_CLEAR_VM_S2_RANGE, 0, 0x40000000, 0x1000, 0, 0));
	assert_guard_halts(hvc_st(HVC_CLEAR_VM_S2_RANGE, 16, 0x40000000, 0x1000, 0, 0));
	assert_guard_halts(hvc_st(HVC_CLEAR_VM_S2_RANGE, 3, KVM_PHYS_SIZE, 0x1000, 0, 0));
	assert_guard_halts(hvc_st(HVC_CLEAR_VM_S2_RANGE, 3, 0x40000000, -1, 0, 0));
}

static void test_clear_vm_s2_range_rely_npt_lock(void **state)
{
	(void)state;
	const hm_rdata *st = hvc_st(HVC_CLEAR_VM_S2_RANGE, 3, 0x40010000, 0x2000, 0, 0);
	st = tt_with_hlock(st, NPT_ID + 3, false);
	tt_assert_rely(host_hvc_handler_spec(st), "th_hlock(adt1, NPT_ID + arg1)", "hvc_clear_vm_s2_range");
}

static void test_clear_vm_s2_range_not_poweroff(void **state)
{
	(void)state;
	/* VM 3 READY: only the OVM_GET event, which names cur_vmid (0), not 3 */
	const hm_rdata *st = hvc_st(HVC_CLEAR_VM_S2_RANGE, 3, 0x40010000, 0x2000, 0, 0);
	st = tt_with_info(st, 3, tc_vminfo(READY, -1, 0));
	st = t_with_page(st, 0x40010, 3, 0, 5);
	const hm_rdata *out = run_ok(st);
	hm_rdata *e = with_slog(tt_enter_core(st), ev(HM_AEV_OVM_GET, TT_ARGS(0), NULL));
	t_assert_state_equal(out, tt_return_host(e));
	assert_z_equal(s2page_at(out->shared->s2page, 0x40010)->s2_owner, 3);
}

static void test_clear_vm_s2_range_poweroff_clears_pages(void **state)
{
	(void)state;
	/* VM 3 POWEROFF, pfns P, P+1 its own: addr = P * PAGE_SIZE, size 2 pages:
	 * clear_vm_loop_h 2 P 3: each page goes back to the host
	 * (HOSTVISOR, 0, pfn + SMMU_HOST_OFFSET) with flatmem 0 (its host pt
	 * entry is empty, so no remap). */
	hm_z P = 0x40010;
	const hm_rdata *st = hvc_st(HVC_CLEAR_VM_S2_RANGE, 3, P * PAGE_SIZE, 2 * PAGE_SIZE, 0, 0);
	st = tt_with_info(st, 3, tc_vminfo(POWEROFF, -1, 0));
	st = t_with_page(st, P, 3, 0, 5);
	st = t_with_page(st, P + 1, 3, 0, 6);
	st = tt_with_shared(st, tc_fmem(tc_fmem(st->shared, P, 11), P + 1, 12));
	const hm_rdata *out = run_ok(st);
	hm_rdata *e = tt_enter_core(st);
	e = t_with_page(e, P, HOSTVISOR, 0, P + SMMU_HOST_OFFSET);
	e = t_with_page(e, P + 1, HOSTVISOR, 0, P + 1 + SMMU_HOST_OFFSET);
	e = tt_with_shared(e, tc_fmem(tc_fmem(e->shared, P, 0), P + 1, 0));
	e = with_slog(e, ev(HM_AEV_OCLEAR_VM, TT_ARGS(3, P + 1),
			    ev(HM_AEV_OCLEAR_VM, TT_ARGS(3, P), ev(HM_AEV_OVM_GET, TT_ARGS(0), NULL))));
	t_assert_state_equal(out, tt_return_host(e));
}

static void test_clear_vm_s2_range_loop_rely(void **state)
{
	(void)state;
	/* POWEROFF, but the loop's rely S2PAGE_ID @ hlock fails: None */
	const hm_rdata *st = hvc_st(HVC_CLEAR_VM_S2_RANGE, 3, 0x40010000, 0x1000, 0, 0);
	st = tt_with_info(st, 3, tc_vminfo(POWEROFF, -1, 0));
	st = tt_with_hlock(st, S2PAGE_ID, false);
	hm_sres r = host_hvc_handler_spec(st);
	assert_null(r.st);
	assert_non_null(r.rely);
	assert_non_null(strstr(r.rely, "S2PAGE_ID"));
}

/* ---- HVC_SET_BOOT_INFO vmid load_addr size ---- */

static void test_set_boot_info_invalid_args_halt(void **state)
{
	(void)state;
	assert_guard_halts(hvc_st(HVC_SET_BOOT_INFO, 0, 0x200000, 0x3000, 0, 0));
	assert_guard_halts(hvc_st(HVC_SET_BOOT_INFO, 1, KVM_PHYS_SIZE, 0x3000, 0, 0));
	/* is_pfn (arg2 + arg3): the sum must be below KVM_PFN_SPACE */
	assert_guard_halts(hvc_st(HVC_SET_BOOT_INFO, 1, 0x200000, KVM_PFN_SPACE, 0, 0));
	/* a paddr in RAM (0x40000000) is rejected: 0x40003000 is no pfn */
	assert_guard_halts(hvc_st(HVC_SET_BOOT_INFO, 1, 0x40000000, 0x3000, 0, 0));
}

static void test_set_boot_info_relies(void **state)
{
	(void)state;
	const hm_rdata *st = hvc_st(HVC_SET_BOOT_INFO, 1, 0x200000, 0x3000, 0, 0);
	tt_assert_rely(host_hvc_handler_spec(tt_with_hlock(st, INFO_ID + 1, false)),
		       "th_hlock(adt1, INFO_ID + arg1)", "hvc_set_boot_info");
	tt_assert_rely(host_hvc_handler_spec(tt_with_hlock(st, CORE_ID, false)),
		       "th_hlock(adt1, CORE_ID)", "hvc_set_boot_info");
}

static void test_set_boot_info_records_image(void **state)
{
	(void)state;
	/* VM 1 READY, load index 0: pgnum = (0x3000 + 4095) / 4096 = 3, remap at
	 * REMAP_START, next_remap_ptr moves 3 pages, next_load_info 1. */
	const hm_rdata *st = hvc_st(HVC_SET_BOOT_INFO, 1, 0x200000, 0x3000, 0, 0);
	st = tt_with_info(st, 1, tc_vminfo(READY, -1, 0));
	const hm_rdata *out = run_ok(st);
	hm_rdata *e = tt_enter_core(st);
	e = tt_with_info(e, 1, tc_vminfo_boot(tc_vminfo(READY, -1, 0), 1, 0, 0x200000, 0x3000, REMAP_START, 0));
	e = tt_with_shared(e, tc_core(e->shared, 1, REMAP_START + 3 * PAGE_SIZE));
	e = with_slog(e, ev(HM_AEV_OBOOT_INFO, TT_ARGS(1, 0x200000, 0x3000), NULL));
	t_assert_state_equal(out, tt_return_host(e));
}

static void test_set_boot_info_vm_not_ready_halts(void **state)
{
	(void)state;
	/* VM 1 UNUSED: local_set_boot_info halts (state unchanged), the event
	 * is logged and the host does not get its registers back */
	const hm_rdata *st = hvc_st(HVC_SET_BOOT_INFO, 1, 0x200000, 0x3000, 0, 0);
	const hm_rdata *out = run_ok(st);
	hm_rdata *e = t_with_halt(tt_enter_core(st), true);
	e = with_slog(e, ev(HM_AEV_OBOOT_INFO, TT_ARGS(1, 0x200000, 0x3000), NULL));
	t_assert_state_equal(out, e);
	assert_true(out->icore);
}

/* ---- HVC_REMAP_VM_IMAGE vmid pfn load_idx ---- */

static const hm_rdata *remap_ready(hm_z pfn, hm_z load_idx)
{
	const hm_rdata *st = hvc_st(HVC_REMAP_VM_IMAGE, 1, pfn, load_idx, 0, 0);
	return tt_with_info(st, 1, tc_vminfo_boot(tc_vminfo(READY, -1, 0), 1, 0, 0x200000, 0x3000,
						  REMAP_START, 0));
}

static void test_remap_vm_image_invalid_args_halt(void **state)
{
	(void)state;
	assert_guard_halts(hvc_st(HVC_REMAP_VM_IMAGE, 0, 0x40200, 0, 0, 0));
	assert_guard_halts(hvc_st(HVC_REMAP_VM_IMAGE, 1, 0x40200, MAX_LOAD_INFO_NUM, 0, 0));
	assert_guard_halts(hvc_st(HVC_REMAP_VM_IMAGE, 1, 0x40200, -1, 0, 0));
}

static void test_remap_vm_image_relies(void **state)
{
	(void)state;
	const hm_rdata *st = remap_ready(0x40200, 0);
	tt_assert_rely(host_hvc_handler_spec(tt_with_hlock(st, INFO_ID + 1, false)),
		       "th_hlock(adt1, INFO_ID + arg1)", "hvc_remap_vm_image");
	tt_assert_rely(host_hvc_handler_spec(tt_with_hlock(st, NPT_ID + COREVISOR, false)),
		       "th_hlock(adt1, NPT_ID + COREVISOR)", "hvc_remap_vm_image");
}

static void test_remap_vm_image_maps_page_for_core(void **state)
{
	(void)state;
	/* target = remap + mapped * PAGE_SIZE = REMAP_START; the COREVISOR NPT
	 * gets pt[REMAP_START / PAGE_SIZE] = (pfn, 3, pfn * PAGE_SIZE | PAGE_HYP),
	 * one table page at each level, and mapped becomes 1. */
	hm_z pfn = 0x40200;
	const hm_rdata *out = run_ok(remap_ready(pfn, 0));
	assert_false(out->halt);
	assert_false(out->icore);
	const hm_npt *npt = npt_at(out->shared->npts, COREVISOR);
	const hm_z3 *e = z3_at(npt->pt, REMAP_START / PAGE_SIZE);
	assert_z_equal(e->a, pfn);
	assert_z_equal(e->b, 3);
	assert_z_equal(e->c, z_lor(pfn * PAGE_SIZE, PAGE_HYP));
	assert_z_equal(npt->pt_pgd_next, pgd_start(COREVISOR) + PAGE_SIZE);
	assert_z_equal(npt->pt_pud_next, pud_start(COREVISOR) + PAGE_SIZE);
	assert_z_equal(npt->pt_pmd_next, pmd_start(COREVISOR) + PAGE_SIZE);
	assert_z_equal(hm_map_get_z(tt_info(out, 1)->VB.vm_mapped_pages, 0), 1);
	tt_assert_event(tt_event(out->slog, 0), CPU, HM_AEV_OREMAP_IMAGE, TT_ARGS(1, pfn, 0));
	assert_int_equal(hm_slog_len(out->slog), 1);
}

static void test_remap_vm_image_vm_not_ready_halts(void **state)
{
	(void)state;
	/* VM 1 UNUSED: halt, the lock of INFO_ID + 1 released (false) */
	const hm_rdata *st = hvc_st(HVC_REMAP_VM_IMAGE, 1, 0x40200, 0, 0, 0);
	const hm_rdata *out = run_ok(st);
	hm_rdata *e = t_with_halt(tt_enter_core(st), true);
	e = tt_with_hlock(e, INFO_ID + 1, false);
	e = with_slog(e, ev(HM_AEV_OREMAP_IMAGE, TT_ARGS(1, 0x40200, 0), NULL));
	t_assert_state_equal(out, e);
}

/* ---- HVC_VERIFY_VM_IMAGE vmid ---- */

static void test_verify_vm_image_invalid_args_halt(void **state)
{
	(void)state;
	assert_guard_halts(hvc_st(HVC_VERIFY_VM_IMAGE, 0, 0, 0, 0, 0));
	assert_guard_halts(hvc_st(HVC_VERIFY_VM_IMAGE, COREVISOR, 0, 0, 0, 0));
}

static void test_verify_vm_image_rely(void **state)
{
	(void)state;
	const hm_rdata *st = tt_with_hlock(hvc_st(HVC_VERIFY_VM_IMAGE, 1, 0, 0, 0, 0), INFO_ID + 1, false);
	tt_assert_rely(host_hvc_handler_spec(st), "th_hlock(adt1, INFO_ID + arg1)", "hvc_verify_vm_image");
}

static void test_verify_vm_image_not_ready_halts(void **state)
{
	(void)state;
	/* VM 1 UNUSED: Some adt'' {halt: true}; adt'' released the lock of
	 * INFO_ID + vmid with vmid = cur_vmid = 0, not INFO_ID + 1 */
	const hm_rdata *st = hvc_st(HVC_VERIFY_VM_IMAGE, 1, 0, 0, 0, 0);
	const hm_rdata *out = run_ok(st);
	hm_rdata *e = t_with_halt(tt_enter_core(st), true);
	e = tt_with_hlock(e, INFO_ID + 0, false);
	e = with_slog(e, ev(HM_AEV_OVERIFY, TT_ARGS(1), NULL));
	t_assert_state_equal(out, e);
	assert_true(hm_map_get_bool(out->shared->hlock, INFO_ID + 1));
}

static void test_verify_vm_image_no_images(void **state)
{
	(void)state;
	/* READY, vm_next_load_info 0: the loop does nothing; info' VERIFIED,
	 * INFO_ID + 1 held (true), OVERIFY logged twice */
	const hm_rdata *st = hvc_st(HVC_VERIFY_VM_IMAGE, 1, 0, 0, 0, 0);
	st = tt_with_info(st, 1, tc_vminfo(READY, -1, 0));
	const hm_rdata *out = run_ok(st);
	hm_rdata *e = tt_enter_core(st);
	e = tt_with_hlock(e, INFO_ID + 0, false);
	e = tt_with_info(e, 1, tc_vminfo(VERIFIED, -1, 0));
	e = with_slog(e, ev(HM_AEV_OVERIFY, TT_ARGS(1), ev(HM_AEV_OVERIFY, TT_ARGS(1), NULL)));
	t_assert_state_equal(out, tt_return_host(e));
}

/* VM 1 READY with image slot 0 at 0x200000, `mapped` pages remapped at
 * REMAP_START; the core's NPT maps REMAP_START to pfn (if pfn). */
static const hm_rdata *verify_st(hm_z mapped, hm_z pfn)
{
	const hm_rdata *st = hvc_st(HVC_VERIFY_VM_IMAGE, 1, 0, 0, 0, 0);
	st = tt_with_info(st, 1, tc_vminfo_boot(tc_vminfo(READY, -1, 0), 1, 0, 0x200000,
						mapped * PAGE_SIZE, REMAP_START, mapped));
	if (pfn) {
		const hm_npt *core = npt_at(st->shared->npts, COREVISOR);
		core = tc_pt(core, REMAP_START / PAGE_SIZE, pfn, 3, z_lor(pfn * PAGE_SIZE, PAGE_HYP));
		st = tt_with_shared(st, tc_npt(st->shared, COREVISOR, core));
	}
	return st;
}

static void test_verify_vm_image_not_remapped_halts(void **state)
{
	(void)state;
	/* one page mapped in the boot info, none in the core's NPT: the
	 * unmap_and_load loop reads pte 0 and halts; the VM stays READY */
	const hm_rdata *out = run_ok(verify_st(1, 0));
	assert_true(out->halt);
	assert_true(out->icore);
	assert_z_equal(tt_info(out, 1)->VS.vm_state, READY);
	tt_assert_event(tt_event(out->slog, 0), CPU, HM_AEV_OPT_GET, TT_ARGS(COREVISOR));
	tt_assert_event(tt_event(out->slog, 1), CPU, HM_AEV_OVERIFY, TT_ARGS(1));
	assert_int_equal(hm_slog_len(out->slog), 2);
}

static void test_verify_vm_image_loop_rely(void **state)
{
	(void)state;
	/* the unmap_and_load loop relies on the core's NPT lock: None */
	const hm_rdata *st = tt_with_hlock(verify_st(1, 0x40200), NPT_ID + COREVISOR, false);
	hm_sres r = host_hvc_handler_spec(st);
	assert_null(r.st);
	assert_non_null(strstr(r.rely, "NPT_ID + COREVISOR"));
}

static void test_verify_vm_image_loads_image(void **state)
{
	(void)state;
	/* The image's first page sits at pfn 0x40200 (2 MiB aligned): the loop
	 * gives the VM the 512 pages 0x40200.. at gfns 0x200.. (owner 1, count
	 * 0, each flatmem from doracle 1 logn, logn 0..511), maps them with one
	 * level-2 entry, and the VM becomes VERIFIED. */
	hm_z P = 0x40200;
	for (hm_z i = 0; i < 512; i++)
		tt_script(false, 1, i, 0x5000 + i);
	const hm_rdata *out = run_ok(verify_st(1, P));
	assert_false(out->halt);
	assert_false(out->icore);
	assert_z_equal(tt_info(out, 1)->VS.vm_state, VERIFIED);
	assert_true(hm_map_get_bool(out->shared->hlock, INFO_ID + 1));
	assert_false(hm_map_get_bool(out->shared->hlock, INFO_ID + 0));
	assert_z_equal(hm_map_get_z(out->data_log, 1), 512);
	for (hm_z i = 0; i < 512; i += 511) {
		const hm_s2page *p = s2page_at(out->shared->s2page, P + i);
		assert_z_equal(p->s2_owner, 1);
		assert_z_equal(p->s2_count, 0);
		assert_z_equal(p->s2_gfn, 0x200 + i);
		assert_z_equal(hm_map_get_z(out->shared->flatmem, P + i), 0x5000 + i);
	}
	const hm_z3 *e = z3_at(npt_at(out->shared->npts, 1)->pt, 0x200 + 7);
	assert_z_equal(e->a, P + 7);
	assert_z_equal(e->b, 2);
	/* OVERIFY, OPT_GET COREVISOR, 512 OASSIGN_VM, OMAP_VM, OVERIFY */
	assert_int_equal(hm_slog_len(out->slog), 516);
	tt_assert_event(tt_event(out->slog, 0), CPU, HM_AEV_OVERIFY, TT_ARGS(1));
	tt_assert_event(tt_event(out->slog, 1), CPU, HM_AEV_OMAP_VM,
			TT_ARGS(1, 0x200 * PAGE_SIZE, P * PAGE_SIZE, 2));
	/* the loop logs OASSIGN_VM with its initial gfn and pfn every time, and
	 * the running logn (511 for the last page) */
	tt_assert_event(tt_event(out->slog, 2), CPU, HM_AEV_OASSIGN_VM, TT_ARGS(1, 0x200, P, 511));
	tt_assert_event(tt_event(out->slog, 513), CPU, HM_AEV_OASSIGN_VM, TT_ARGS(1, 0x200, P, 0));
	tt_assert_event(tt_event(out->slog, 514), CPU, HM_AEV_OPT_GET, TT_ARGS(COREVISOR));
}

/* ---- HVC_SMMU_FREE_PGD cbndx index ---- */

static void test_smmu_free_pgd_invalid_args_halt(void **state)
{
	(void)state;
	assert_guard_halts(hvc_st(HVC_SMMU_FREE_PGD, SMMU_NUM_CTXT_BANKS, 0, 0, 0, 0));
	assert_guard_halts(hvc_st(HVC_SMMU_FREE_PGD, -1, 0, 0, 0, 0));
	assert_guard_halts(hvc_st(HVC_SMMU_FREE_PGD, 1, SMMU_NUM, 0, 0, 0));
}

static void test_smmu_free_pgd_relies(void **state)
{
	(void)state;
	const hm_rdata *st = hvc_st(HVC_SMMU_FREE_PGD, 1, 0, 0, 0, 0);
	tt_assert_rely(host_hvc_handler_spec(tt_with_hlock(st, SMMU_ID, false)),
		       "th_hlock(adt1, SMMU_ID)", "hvc_smmu_free_pgd");
	/* the lock relied on is INFO_ID + cur_vmid */
	tt_assert_rely(host_hvc_handler_spec(tt_with_hlock(st, INFO_ID + 0, false)),
		       "th_hlock(adt1, INFO_ID + vmid)", "hvc_smmu_free_pgd");
}

static void test_smmu_free_pgd_unallocated(void **state)
{
	(void)state;
	const hm_rdata *st = hvc_st(HVC_SMMU_FREE_PGD, 1, 0, 0, 0, 0);
	const hm_rdata *out = run_ok(st);
	t_assert_state_equal(out, tt_return_host(with_slog(tt_enter_core(st),
							   ev(HM_AEV_OSMMU_FREE, TT_ARGS(1, 0), NULL))));
}

static void test_smmu_free_pgd_poweroff_vm(void **state)
{
	(void)state;
	/* cbndx 1, index 0: smmu_id 0 1 = 1 belongs to VM 2, powered off */
	const hm_rdata *st = hvc_st(HVC_SMMU_FREE_PGD, 1, 0, 0, 0, 0);
	st = tt_with_smmu_vmid(st, smmu_id(0, 1), 2);
	st = tt_with_info(st, 2, tc_vminfo(POWEROFF, -1, 0));
	const hm_rdata *out = run_ok(st);
	hm_rdata *e = tt_with_smmu_vmid(tt_enter_core(st), smmu_id(0, 1), INVALID);
	e = with_slog(e, ev(HM_AEV_OSMMU_FREE, TT_ARGS(1, 0), NULL));
	t_assert_state_equal(out, tt_return_host(e));
}

static void test_smmu_free_pgd_live_vm_halts(void **state)
{
	(void)state;
	const hm_rdata *st = hvc_st(HVC_SMMU_FREE_PGD, 1, 0, 0, 0, 0);
	st = tt_with_smmu_vmid(st, smmu_id(0, 1), 2);
	st = tt_with_info(st, 2, tc_vminfo(READY, -1, 0));
	const hm_rdata *out = run_ok(st);
	hm_rdata *e = t_with_halt(tt_enter_core(st), true);
	e = tt_with_hlock(e, SMMU_ID, false);
	e = with_slog(e, ev(HM_AEV_OSMMU_FREE, TT_ARGS(1, 0), NULL));
	t_assert_state_equal(out, e);
}

/* ---- HVC_SMMU_ALLOC_PGD cbndx vmid index ---- */

static void test_smmu_alloc_pgd_invalid_args_halt(void **state)
{
	(void)state;
	assert_guard_halts(hvc_st(HVC_SMMU_ALLOC_PGD, SMMU_NUM_CTXT_BANKS, 2, 0, 0, 0));
	assert_guard_halts(hvc_st(HVC_SMMU_ALLOC_PGD, 1, COREVISOR, 0, 0, 0));
	assert_guard_halts(hvc_st(HVC_SMMU_ALLOC_PGD, 1, -1, 0, 0, 0));
	assert_guard_halts(hvc_st(HVC_SMMU_ALLOC_PGD, 1, 2, SMMU_NUM, 0, 0));
}

static void test_smmu_alloc_pgd_relies(void **state)
{
	(void)state;
	const hm_rdata *st = hvc_st(HVC_SMMU_ALLOC_PGD, 1, 2, 0, 0, 0);
	tt_assert_rely(host_hvc_handler_spec(tt_with_hlock(st, SMMU_ID, false)),
		       "th_hlock(adt1, SMMU_ID)", "hvc_smmu_alloc_pgd");
	tt_assert_rely(host_hvc_handler_spec(tt_with_hlock(st, INFO_ID + 0, false)),
		       "th_hlock(adt1, INFO_ID + vmid)", "hvc_smmu_alloc_pgd");
	tt_assert_rely(host_hvc_handler_spec(tt_with_hlock(st, SPT_ID, false)),
		       "th_hlock(adt1, SPT_ID)", "hvc_smmu_alloc_pgd");
}

static void test_smmu_alloc_pgd_allocates(void **state)
{
	(void)state;
	/* cbndx 1 < num = T_SMMU_BANKS (context banks of device 0); the bank
	 * goes to VM 2 (READY) and its tables at SMMU_TTBR 0 1 are emptied */
	hm_z ttbr = SMMU_TTBR(0, 1);
	const hm_rdata *st = hvc_st(HVC_SMMU_ALLOC_PGD, 1, 2, 0, 0, 0);
	st = tt_with_info(st, 2, tc_vminfo(READY, -1, 0));
	st = tt_with_shared(st, tc_spt(st->shared, tc_spt_entry(st->shared->spts, ttbr, 5, 7, 9)));
	const hm_rdata *out = run_ok(st);
	hm_rdata *e = tt_enter_core(st);
	e = tt_with_smmu_vmid(e, smmu_id(0, 1), 2);
	e = tt_with_shared(e, tc_spt(e->shared, tc_spt_entry(e->shared->spts, ttbr, 5, 0, 0)));
	e = with_slog(e, ev(HM_AEV_OSMMU_ALLOC, TT_ARGS(1, 2, 0, T_SMMU_BANKS), NULL));
	t_assert_state_equal(out, tt_return_host(e));
}

static void test_smmu_alloc_pgd_bank_out_of_range_halts(void **state)
{
	(void)state;
	/* cbndx 5 is a valid smmu cfg but not below the device's 4 banks */
	const hm_rdata *st = hvc_st(HVC_SMMU_ALLOC_PGD, 5, 2, 0, 0, 0);
	const hm_rdata *out = run_ok(st);
	hm_rdata *e = t_with_halt(tt_enter_core(st), true);
	e = tt_with_hlock(e, SMMU_ID, false);
	e = with_slog(e, ev(HM_AEV_OSMMU_ALLOC, TT_ARGS(5, 2, 0, T_SMMU_BANKS), NULL));
	t_assert_state_equal(out, e);
}

static void test_smmu_alloc_pgd_taken_or_verified(void **state)
{
	(void)state;
	/* bank already owned by VM 3: nothing changes */
	const hm_rdata *st = tt_with_smmu_vmid(hvc_st(HVC_SMMU_ALLOC_PGD, 1, 2, 0, 0, 0), smmu_id(0, 1), 3);
	t_assert_state_equal(run_ok(st),
			     tt_return_host(with_slog(tt_enter_core(st),
						      ev(HM_AEV_OSMMU_ALLOC, TT_ARGS(1, 2, 0, T_SMMU_BANKS), NULL))));
	/* VM 2 VERIFIED: halt, INFO_ID + 2 and SMMU_ID released */
	st = tt_with_info(hvc_st(HVC_SMMU_ALLOC_PGD, 1, 2, 0, 0, 0), 2, tc_vminfo(VERIFIED, -1, 0));
	hm_rdata *e = t_with_halt(tt_enter_core(st), true);
	e = tt_with_hlock(tt_with_hlock(e, INFO_ID + 2, false), SMMU_ID, false);
	e = with_slog(e, ev(HM_AEV_OSMMU_ALLOC, TT_ARGS(1, 2, 0, T_SMMU_BANKS), NULL));
	t_assert_state_equal(run_ok(st), e);
}

/* ---- HVC_SMMU_LPAE_MAP iova paddr prot cbndx index ---- */

#define MAP_IOVA ((hm_z)0x10000) /* gfn 0x10 */
/* PTE_AF_OR_SH_IS is 65536 (Constants.md), an address bit: pte =
 * paddr | prot | PTE_AF_OR_SH_IS names the page paddr | 0x10000. MAP_PFN has
 * that bit set, so the pte names MAP_PFN itself. */
#define MAP_PFN ((hm_z)0x40310)
#define MAP_PROT ((hm_z)3)

static const hm_rdata *map_st(hm_z page_owner, hm_z page_count, hm_z page_gfn, hm_z vm_state)
{
	const hm_rdata *st = hvc_st(HVC_SMMU_LPAE_MAP, MAP_IOVA, MAP_PFN * PAGE_SIZE, MAP_PROT, 1, 0);
	st = tt_with_smmu_vmid(st, smmu_id(0, 1), 2);
	st = tt_with_info(st, 2, tc_vminfo(vm_state, -1, 0));
	return t_with_page(st, MAP_PFN, page_owner, page_count, page_gfn);
}

static void test_smmu_lpae_map_invalid_args_halt(void **state)
{
	(void)state;
	hm_z pa = MAP_PFN * PAGE_SIZE;
	assert_guard_halts(hvc_st(HVC_SMMU_LPAE_MAP, KVM_PHYS_SIZE, pa, 3, 1, 0));
	assert_guard_halts(hvc_st(HVC_SMMU_LPAE_MAP, MAP_IOVA, KVM_PHYS_SIZE, 3, 1, 0));
	assert_guard_halts(hvc_st(HVC_SMMU_LPAE_MAP, MAP_IOVA, pa, -1, 1, 0));
	assert_guard_halts(hvc_st(HVC_SMMU_LPAE_MAP, MAP_IOVA, pa, (hm_z)9223372036854775807LL, 1, 0));
	assert_guard_halts(hvc_st(HVC_SMMU_LPAE_MAP, MAP_IOVA, pa, 0x1000, 1, 0)); /* phys_page prot <> 0 */
	assert_guard_halts(hvc_st(HVC_SMMU_LPAE_MAP, MAP_IOVA, pa, 3, SMMU_NUM_CTXT_BANKS, 0));
	assert_guard_halts(hvc_st(HVC_SMMU_LPAE_MAP, MAP_IOVA, pa, 3, 1, SMMU_NUM));
}

static void test_smmu_lpae_map_first_relies(void **state)
{
	(void)state;
	const hm_rdata *st = map_st(HOSTVISOR, 0, MAP_PFN + SMMU_HOST_OFFSET, READY);
	const char *where = "hvc_smmu_lpae_map";
	tt_assert_rely(host_hvc_handler_spec(tt_with_hlock(st, SMMU_ID, false)), "th_hlock(adt1, SMMU_ID)", where);
	tt_assert_rely(host_hvc_handler_spec(tt_with_hlock(st, INFO_ID + 0, false)),
		       "th_hlock(adt1, INFO_ID + vmid)", where);
	tt_assert_rely(host_hvc_handler_spec(tt_with_hlock(st, S2PAGE_ID, false)),
		       "th_hlock(adt1, S2PAGE_ID)", where);
	tt_assert_rely(host_hvc_handler_spec(tt_with_hlock(st, NPT_ID, false)), "th_hlock(adt1, NPT_ID)", where);
}

static void test_smmu_lpae_map_second_relies(void **state)
{
	(void)state;
	/* After the assignment the Coq reads smmu_id arg4 arg5 = smmu_id 1 0 =
	 * 8 (index 1, cbndx 0), not the device's bank smmu_id 0 1: its owner 5
	 * is the VM whose lock it relies on. */
	const hm_rdata *st = map_st(HOSTVISOR, 0, MAP_PFN + SMMU_HOST_OFFSET, READY);
	st = tt_with_smmu_vmid(st, smmu_id(1, 0), 5);
	tt_assert_rely(host_hvc_handler_spec(tt_with_hlock(st, INFO_ID + 5, false)),
		       "th_hlock(adt2, INFO_ID + vmid)", "hvc_smmu_lpae_map");
	/* with the lock of VM 2 (the device's) released the step still runs */
	assert_non_null(host_hvc_handler_spec(tt_with_hlock(st, INFO_ID + 2, false)).st);
	tt_assert_rely(host_hvc_handler_spec(tt_with_hlock(st, SPT_ID, false)),
		       "th_hlock(adt2, SPT_ID)", "hvc_smmu_lpae_map");
}

static void test_smmu_lpae_map_maps_vm_page(void **state)
{
	(void)state;
	/* VM 2 (READY) owns bank (cbndx 1, index 0); the host page MAP_PFN
	 * goes to VM 2 as (2, INVALID, gfn 0x10), then the SPT maps gfn 0x10
	 * to (MAP_PFN, pte) with pte = paddr | prot | PTE_AF_OR_SH_IS; the
	 * page's count is untouched (its owner is not the host). */
	const hm_rdata *st = map_st(HOSTVISOR, 0, MAP_PFN + SMMU_HOST_OFFSET, READY);
	const hm_rdata *out = run_ok(st);
	hm_z pte = z_lor(MAP_PFN * PAGE_SIZE, z_lor(MAP_PROT, PTE_AF_OR_SH_IS));
	const hm_s2page *p = s2page_at(out->shared->s2page, MAP_PFN);
	assert_z_equal(p->s2_owner, 2);
	assert_z_equal(p->s2_count, INVALID);
	assert_z_equal(p->s2_gfn, 0x10);
	assert_false(out->halt);
	const hm_z2 *e = z2_at(hm_map_get_map(out->shared->spts->spt_pt, SMMU_TTBR(0, 1)), 0x10);
	assert_z_equal(e->a, MAP_PFN);
	assert_z_equal(e->b, pte);
	assert_false(out->icore);
	/* OASSIGN_SMMU's Coq arguments are (cbndx index gfn pfn); the
	 * hypercall passes pfn then gfn */
	tt_assert_event(tt_event(out->slog, 0), CPU, HM_AEV_OSMMU_MAP, TT_ARGS(1, 0, MAP_IOVA, pte));
	tt_assert_event(tt_event(out->slog, 1), CPU, HM_AEV_OASSIGN_SMMU, TT_ARGS(1, 0, MAP_PFN, 0x10));
	assert_int_equal(hm_slog_len(out->slog), 2);
}

static void test_smmu_lpae_map_flag_moves_the_page(void **state)
{
	(void)state;
	/* paddr 0x40300000 (bit 16 clear): the page assigned is 0x40300, but
	 * the pte 0x40300000 | 3 | 0x10000 names pfn 0x40310, the host's, so
	 * local_smmu_map_page finds another owner and halts */
	hm_z pfn = 0x40300;
	const hm_rdata *st = hvc_st(HVC_SMMU_LPAE_MAP, MAP_IOVA, pfn * PAGE_SIZE, MAP_PROT, 1, 0);
	st = tt_with_smmu_vmid(st, smmu_id(0, 1), 2);
	st = tt_with_info(st, 2, tc_vminfo(READY, -1, 0));
	const hm_rdata *out = run_ok(st);
	assert_true(out->halt);
	assert_z_equal(s2page_at(out->shared->s2page, pfn)->s2_owner, 2);
	assert_false(hm_map_get_bool(out->shared->hlock, S2PAGE_ID));
	hm_z pte = z_lor(pfn * PAGE_SIZE, z_lor(MAP_PROT, PTE_AF_OR_SH_IS));
	assert_z_equal(phys_page(pte) / PAGE_SIZE, 0x40310);
	tt_assert_event(tt_event(out->slog, 0), CPU, HM_AEV_OSMMU_MAP, TT_ARGS(1, 0, MAP_IOVA, pte));
}

static void test_smmu_lpae_map_assign_halts(void **state)
{
	(void)state;
	/* VM 2 VERIFIED: local_smmu_assign_page halts, nothing mapped */
	const hm_rdata *st = map_st(HOSTVISOR, 0, MAP_PFN + SMMU_HOST_OFFSET, VERIFIED);
	const hm_rdata *out = run_ok(st);
	hm_rdata *e = t_with_halt(tt_enter_core(st), true);
	e = tt_with_hlock(tt_with_hlock(e, SMMU_ID, false), INFO_ID + 2, false);
	e = with_slog(e, ev(HM_AEV_OASSIGN_SMMU, TT_ARGS(1, 0, MAP_PFN, 0x10), NULL));
	t_assert_state_equal(out, e);
}

static void test_smmu_lpae_map_map_halts(void **state)
{
	(void)state;
	/* the page is VM 2's already but for gfn 0x99: the assignment keeps it
	 * (no halt), the mapping finds gfn 0x10 <> 0x99 and halts */
	const hm_rdata *st = map_st(2, 0, 0x99, READY);
	const hm_rdata *out = run_ok(st);
	hm_rdata *e = t_with_halt(tt_enter_core(st), true);
	e = tt_with_hlock(e, SMMU_ID, false);
	e = tt_with_hlock(e, INFO_ID + 2, false);
	e = tt_with_hlock(e, S2PAGE_ID, false);
	hm_z pte = z_lor(MAP_PFN * PAGE_SIZE, z_lor(MAP_PROT, PTE_AF_OR_SH_IS));
	e = with_slog(e, ev(HM_AEV_OSMMU_MAP, TT_ARGS(1, 0, MAP_IOVA, pte),
			    ev(HM_AEV_OASSIGN_SMMU, TT_ARGS(1, 0, MAP_PFN, 0x10), NULL)));
	t_assert_state_equal(out, e);
}

/* ---- HVC_SMMU_LPAE_IOVA_TO_PHYS iova cbndx index ---- */

static void test_smmu_iova_to_phys_invalid_args_halt(void **state)
{
	(void)state;
	assert_guard_halts(hvc_st(HVC_SMMU_LPAE_IOVA_TO_PHYS, KVM_PHYS_SIZE, 2, 1, 0, 0));
	assert_guard_halts(hvc_st(HVC_SMMU_LPAE_IOVA_TO_PHYS, 0x10123, SMMU_NUM_CTXT_BANKS, 1, 0, 0));
	assert_guard_halts(hvc_st(HVC_SMMU_LPAE_IOVA_TO_PHYS, 0x10123, 2, SMMU_NUM, 0, 0));
}

static void test_smmu_iova_to_phys_rely(void **state)
{
	(void)state;
	const hm_rdata *st = tt_with_hlock(hvc_st(HVC_SMMU_LPAE_IOVA_TO_PHYS, 0x10123, 2, 1, 0, 0), SPT_ID, false);
	tt_assert_rely(host_hvc_handler_spec(st), "th_hlock(adt1, SPT_ID)", "hvc_smmu_lpae_iova_to_phys");
}

static void test_smmu_iova_to_phys_returns_in_x0(void **state)
{
	(void)state;
	/* cbndx 2, index 1: the table at SMMU_TTBR 1 2 maps gfn 0x10 to
	 * (0x40300, 0x40300000 | 0x703); ret = phys_page pte + (iova & 4095)
	 * = 0x40300123 comes back in x0. The Coq logs nothing here. */
	const hm_rdata *st = hvc_st(HVC_SMMU_LPAE_IOVA_TO_PHYS, 0x10123, 2, 1, 0, 0);
	st = tt_with_shared(st, tc_spt(st->shared, tc_spt_entry(st->shared->spts, SMMU_TTBR(1, 2), 0x10, 0x40300,
								 0x40300000 | 0x703)));
	const hm_rdata *out = run_ok(st);
	assert_z_equal(out->regs->ctxt_regs.x0, 0x40300123);
	assert_null(out->slog);
	t_assert_state_equal(out, tt_return_host(shadow_x0(tt_enter_core(st), 0x40300123)));
}

/* ---- HVC_SMMU_CLEAR iova cbndx index ---- */

static void test_smmu_clear_invalid_args_halt(void **state)
{
	(void)state;
	assert_guard_halts(hvc_st(HVC_SMMU_CLEAR, KVM_PHYS_SIZE, 1, 0, 0, 0));
	assert_guard_halts(hvc_st(HVC_SMMU_CLEAR, MAP_IOVA, SMMU_NUM_CTXT_BANKS, 0, 0, 0));
	assert_guard_halts(hvc_st(HVC_SMMU_CLEAR, MAP_IOVA, 1, SMMU_NUM, 0, 0));
}

static void test_smmu_clear_relies(void **state)
{
	(void)state;
	/* the lock relied on is INFO_ID + (smmu_id arg2 arg3) @ smmu_vmid, i.e.
	 * smmu_id 1 0 = 8, while the bank cleared is (cbndx 1, index 0) */
	const hm_rdata *st = hvc_st(HVC_SMMU_CLEAR, MAP_IOVA, 1, 0, 0, 0);
	st = tt_with_smmu_vmid(st, smmu_id(1, 0), 5);
	tt_assert_rely(host_hvc_handler_spec(tt_with_hlock(st, INFO_ID + 5, false)),
		       "th_hlock(adt1, INFO_ID + vmid)", "hvc_smmu_clear");
	tt_assert_rely(host_hvc_handler_spec(tt_with_hlock(st, SMMU_ID, false)), "th_hlock(adt1, SMMU_ID)",
		       "hvc_smmu_clear");
	tt_assert_rely(host_hvc_handler_spec(tt_with_hlock(st, S2PAGE_ID, false)),
		       "th_hlock(adt1, S2PAGE_ID)", "hvc_smmu_clear");
	tt_assert_rely(host_hvc_handler_spec(tt_with_hlock(st, SPT_ID, false)), "th_hlock(adt1, SPT_ID)",
		       "hvc_smmu_clear");
}

static void test_smmu_clear_unmaps_host_page(void **state)
{
	(void)state;
	/* The host owns bank (cbndx 1, index 0); its SPT maps gfn 0x10 to the
	 * host page MAP_PFN, count 2: the entry becomes (0, 0) and the count 1. */
	hm_z ttbr = SMMU_TTBR(0, 1);
	const hm_rdata *st = hvc_st(HVC_SMMU_CLEAR, MAP_IOVA, 1, 0, 0, 0);
	st = tt_with_smmu_vmid(st, smmu_id(0, 1), HOSTVISOR);
	st = tt_with_shared(st, tc_spt(st->shared, tc_spt_entry(st->shared->spts, ttbr, 0x10, MAP_PFN,
								 MAP_PFN * PAGE_SIZE | 3)));
	st = t_with_page(st, MAP_PFN, HOSTVISOR, 2, MAP_PFN + SMMU_HOST_OFFSET);
	const hm_rdata *out = run_ok(st);
	assert_false(out->halt);
	const hm_z2 *e = z2_at(hm_map_get_map(out->shared->spts->spt_pt, ttbr), 0x10);
	assert_z_equal(e->a, 0);
	assert_z_equal(e->b, 0);
	assert_z_equal(s2page_at(out->shared->s2page, MAP_PFN)->s2_count, 1);
	tt_assert_event(tt_event(out->slog, 0), CPU, HM_AEV_OSMMU_CLEAR, TT_ARGS(MAP_IOVA, 1, 0));
	assert_int_equal(hm_slog_len(out->slog), 1);
	assert_false(out->icore);
}

static void test_smmu_clear_verified_vm_halts(void **state)
{
	(void)state;
	const hm_rdata *st = hvc_st(HVC_SMMU_CLEAR, MAP_IOVA, 1, 0, 0, 0);
	st = tt_with_smmu_vmid(st, smmu_id(0, 1), 2);
	st = tt_with_info(st, 2, tc_vminfo(VERIFIED, -1, 0));
	const hm_rdata *out = run_ok(st);
	hm_rdata *e = t_with_halt(tt_enter_core(st), true);
	e = tt_with_hlock(tt_with_hlock(e, SMMU_ID, false), INFO_ID + 2, false);
	e = with_slog(e, ev(HM_AEV_OSMMU_CLEAR, TT_ARGS(MAP_IOVA, 1, 0), NULL));
	t_assert_state_equal(out, e);
}

/* ---- HVC_PHYS_ADDR_IOREMAP vmid gpa pa size ---- */

static void test_ioremap_invalid_args_halt(void **state)
{
	(void)state;
	assert_guard_halts(hvc_st(HVC_PHYS_ADDR_IOREMAP, 0, 0x9000000, 0x9000000, 0x1000, 0));
	assert_guard_halts(hvc_st(HVC_PHYS_ADDR_IOREMAP, 2, KVM_ADDR_SPACE, 0x9000000, 0x1000, 0));
	assert_guard_halts(hvc_st(HVC_PHYS_ADDR_IOREMAP, 2, 0x9000000, KVM_PHYS_SIZE, 0x1000, 0));
	assert_guard_halts(hvc_st(HVC_PHYS_ADDR_IOREMAP, 2, 0x9000000, 0x9000000, -1, 0));
	/* the range must end inside the spaces */
	assert_guard_halts(hvc_st(HVC_PHYS_ADDR_IOREMAP, 2, KVM_ADDR_SPACE - PAGE_SIZE, 0x9000000, 0x2000, 0));
	assert_guard_halts(hvc_st(HVC_PHYS_ADDR_IOREMAP, 2, 0x9000000, KVM_PHYS_SIZE - PAGE_SIZE, 0x2000, 0));
}

static void test_ioremap_maps_device_pages(void **state)
{
	(void)state;
	/* size 0x1800: (0x1800 + 4095) / 4096 = 2 pages; outside RAM the pages
	 * are INVALID-owned, so VM 2's NPT maps each gpa to
	 * phys_page pa | PAGE_S2_DEVICE | S2_RDWR. */
	const hm_rdata *st = hvc_st(HVC_PHYS_ADDR_IOREMAP, 2, 0x9000000, 0xa000000, 0x1800, 0);
	st = tt_with_info(st, 2, tc_vminfo(READY, -1, 0));
	const hm_rdata *out = run_ok(st);
	assert_false(out->halt);
	assert_false(out->icore);
	for (hm_z i = 0; i < 2; i++) {
		const hm_z3 *e = z3_at(npt_at(out->shared->npts, 2)->pt, 0x9000 + i);
		assert_z_equal(e->a, 0xa000 + i);
		assert_z_equal(e->b, 3);
		assert_z_equal(e->c, z_lor((0xa000 + i) * PAGE_SIZE, z_lor(PAGE_S2_DEVICE, S2_RDWR)));
	}
	tt_assert_event(tt_event(out->slog, 0), CPU, HM_AEV_OMAP_IO, TT_ARGS(2, 0x9001000, 0xa001000));
	tt_assert_event(tt_event(out->slog, 1), CPU, HM_AEV_OMAP_IO, TT_ARGS(2, 0x9000000, 0xa000000));
	assert_int_equal(hm_slog_len(out->slog), 2);
}

static void test_ioremap_vm_not_ready_halts(void **state)
{
	(void)state;
	/* VM 2 UNUSED: the first page halts (INFO_ID + 2 released), the rest
	 * of the loop does nothing */
	const hm_rdata *st = hvc_st(HVC_PHYS_ADDR_IOREMAP, 2, 0x9000000, 0xa000000, 0x1800, 0);
	const hm_rdata *out = run_ok(st);
	hm_rdata *e = t_with_halt(tt_enter_core(st), true);
	e = tt_with_hlock(e, INFO_ID + 2, false);
	e = with_slog(e, ev(HM_AEV_OMAP_IO, TT_ARGS(2, 0x9000000, 0xa000000), NULL));
	t_assert_state_equal(out, e);
}

static void test_ioremap_loop_rely(void **state)
{
	(void)state;
	const hm_rdata *st = hvc_st(HVC_PHYS_ADDR_IOREMAP, 2, 0x9000000, 0xa000000, 0x1000, 0);
	st = tt_with_hlock(tt_with_info(st, 2, tc_vminfo(READY, -1, 0)), NPT_ID + 2, false);
	hm_sres r = host_hvc_handler_spec(st);
	assert_null(r.st);
	assert_non_null(strstr(r.rely, "NPT_ID + vmid"));
}

/* ---- HVC_REGISTER_KVM ---- */

static void test_register_kvm_rely(void **state)
{
	(void)state;
	const hm_rdata *st = hvc_st(HVC_REGISTER_KVM, 0, 0, 0, 0, 0);
	tt_assert_rely(host_hvc_handler_spec(tt_with_hlock(st, CORE_ID, false)), "th_hlock(adt1, CORE_ID)",
		       "hvc_register_kvm");
	/* vmid = next_vmid = 1: the second rely is on INFO_ID + 1 */
	tt_assert_rely(host_hvc_handler_spec(tt_with_hlock(st, INFO_ID + 1, false)),
		       "th_hlock(adt2, INFO_ID + vmid)", "hvc_register_kvm");
}

static void test_register_kvm_registers_vm_1(void **state)
{
	(void)state;
	/* next_vmid 1 -> 2; VM 1: vm_kvm = shared_kvm 1 (default platform:
	 * SHARED_KVM_START + 1), vm_state READY; x0 = 1 returned */
	const hm_rdata *st = hvc_st(HVC_REGISTER_KVM, 0, 0, 0, 0, 0);
	const hm_rdata *out = run_ok(st);
	hm_rdata *e = tt_enter_core(st);
	e = tt_with_shared(e, tc_core(e->shared, 2, REMAP_START));
	hm_vminfo *info = vminfo_edit(tc_vminfo(READY, -1, 0));
	info->VS.vm_kvm = SHARED_KVM_START + 1;
	e = tt_with_info(e, 1, info);
	e = with_slog(e, ev(HM_AEV_OREG_KVM, TT_ARGS(1), ev(HM_AEV_OGEN_VMID, NULL, NULL)));
	e = shadow_x0(e, 1);
	t_assert_state_equal(out, tt_return_host(e));
	assert_z_equal(out->regs->ctxt_regs.x0, 1);
}

static void test_register_kvm_no_vmid_left_halts(void **state)
{
	(void)state;
	/* next_vmid = COREVISOR: local_gen_vmid halts before any registration */
	const hm_rdata *st = hvc_st(HVC_REGISTER_KVM, 0, 0, 0, 0, 0);
	st = tt_with_shared(st, tc_core(st->shared, COREVISOR, REMAP_START));
	const hm_rdata *out = run_ok(st);
	hm_rdata *e = t_with_halt(tt_enter_core(st), true);
	e = with_slog(e, ev(HM_AEV_OGEN_VMID, NULL, NULL));
	t_assert_state_equal(out, e);
}

static void test_register_kvm_vm_in_use_halts(void **state)
{
	(void)state;
	/* VM 1 already READY: local_register_kvm halts; the shadow x0 holds 1
	 * but registers are not returned */
	const hm_rdata *st = hvc_st(HVC_REGISTER_KVM, 0, 0, 0, 0, 0);
	st = tt_with_info(st, 1, tc_vminfo(READY, -1, 0));
	const hm_rdata *out = run_ok(st);
	hm_rdata *e = t_with_halt(tt_enter_core(st), true);
	e = tt_with_shared(e, tc_core(e->shared, 2, REMAP_START));
	e = with_slog(e, ev(HM_AEV_OREG_KVM, TT_ARGS(1), ev(HM_AEV_OGEN_VMID, NULL, NULL)));
	e = shadow_x0(e, 1);
	t_assert_state_equal(out, e);
	assert_z_equal(out->regs->ctxt_regs.x0, HVC_REGISTER_KVM);
}

/* ---- HVC_REGISTER_VCPU vmid vcpuid ---- */

static void test_register_vcpu_invalid_args_halt(void **state)
{
	(void)state;
	assert_guard_halts(hvc_st(HVC_REGISTER_VCPU, 0, 0, 0, 0, 0));
	assert_guard_halts(hvc_st(HVC_REGISTER_VCPU, 1, VCPU_PER_VM, 0, 0, 0));
	assert_guard_halts(hvc_st(HVC_REGISTER_VCPU, 1, -1, 0, 0, 0));
}

static void test_register_vcpu_rely(void **state)
{
	(void)state;
	const hm_rdata *st = tt_with_hlock(hvc_st(HVC_REGISTER_VCPU, 1, 3, 0, 0, 0), INFO_ID + 1, false);
	tt_assert_rely(host_hvc_handler_spec(st), "th_hlock(adt1, INFO_ID + arg1)", "hvc_register_vcpu");
}

static void test_register_vcpu_registers(void **state)
{
	(void)state;
	/* VM 1 READY, VCPU 3 UNUSED: vm_vcpu[3] = shared_vcpu 1 3 (default
	 * SHARED_VCPU_START + 1 * VCPU_PER_VM + 3 = 12), state READY */
	const hm_rdata *st = tt_with_info(hvc_st(HVC_REGISTER_VCPU, 1, 3, 0, 0, 0), 1, tc_vminfo(READY, -1, 0));
	const hm_rdata *out = run_ok(st);
	hm_vminfo *info = vminfo_edit(tc_vminfo(READY, 3, READY));
	SETP(info, VS.vm_vcpu, hm_map_set_z(info->VS.vm_vcpu, 3, SHARED_VCPU_START + VCPU_PER_VM + 3));
	hm_rdata *e = tt_with_info(tt_enter_core(st), 1, info);
	e = with_slog(e, ev(HM_AEV_OREG_VCPU, TT_ARGS(1, 3), NULL));
	t_assert_state_equal(out, tt_return_host(e));
}

static void test_register_vcpu_vm_not_ready_halts(void **state)
{
	(void)state;
	const hm_rdata *st = hvc_st(HVC_REGISTER_VCPU, 1, 3, 0, 0, 0);
	const hm_rdata *out = run_ok(st);
	hm_rdata *e = with_slog(t_with_halt(tt_enter_core(st), true), ev(HM_AEV_OREG_VCPU, TT_ARGS(1, 3), NULL));
	t_assert_state_equal(out, e);
}

/* ---- HVC_ENCRYPT_BUF vmid inbuf outbuf ---- */

#define IN_PFN ((hm_z)0x40300)
#define OUT_PFN ((hm_z)0x40301)

static void test_encrypt_buf_invalid_args_halt(void **state)
{
	(void)state;
	assert_guard_halts(hvc_st(HVC_ENCRYPT_BUF, 0, IN_PFN * PAGE_SIZE, OUT_PFN * PAGE_SIZE, 0, 0));
	assert_guard_halts(hvc_st(HVC_ENCRYPT_BUF, 1, KVM_PHYS_SIZE, OUT_PFN * PAGE_SIZE, 0, 0));
	assert_guard_halts(hvc_st(HVC_ENCRYPT_BUF, 1, IN_PFN * PAGE_SIZE, -1, 0, 0));
}

static void test_encrypt_buf_rely(void **state)
{
	(void)state;
	const hm_rdata *st = hvc_st(HVC_ENCRYPT_BUF, 1, IN_PFN * PAGE_SIZE, OUT_PFN * PAGE_SIZE, 0, 0);
	tt_assert_rely(host_hvc_handler_spec(tt_with_hlock(st, S2PAGE_ID, false)),
		       "th_hlock(adt1, S2PAGE_ID)", "hvc_encrypt_buf");
}

static void test_encrypt_buf_writes_host_page(void **state)
{
	(void)state;
	/* inbuf VM 1's, outbuf the host's: flatmem[outpfn] = doracle 0 4 (the
	 * host's data log is at 4), the log moves to 5 */
	tt_script(false, HOSTVISOR, 4, 0xabc);
	const hm_rdata *st = hvc_st(HVC_ENCRYPT_BUF, 1, IN_PFN * PAGE_SIZE + 8, OUT_PFN * PAGE_SIZE, 0, 0);
	st = t_with_page(st, IN_PFN, 1, 0, 7);
	st = tt_with_data_log(st, HOSTVISOR, 4);
	const hm_rdata *out = run_ok(st);
	hm_rdata *e = tt_enter_core(st);
	e = tt_with_shared(e, tc_fmem(e->shared, OUT_PFN, 0xabc));
	e = tt_with_data_log(e, HOSTVISOR, 5);
	e = with_slog(e, ev(HM_AEV_OSAVE_ENC_BUF, TT_ARGS(1, IN_PFN * PAGE_SIZE + 8, OUT_PFN * PAGE_SIZE, 4), NULL));
	t_assert_state_equal(out, tt_return_host(e));
	assert_ptr_equal(out->slog->dorc, st->doracle);
}

static void test_encrypt_buf_wrong_owner_halts(void **state)
{
	(void)state;
	/* outbuf owned by VM 1: halt, S2PAGE_ID released, log unchanged */
	const hm_rdata *st = hvc_st(HVC_ENCRYPT_BUF, 1, IN_PFN * PAGE_SIZE, OUT_PFN * PAGE_SIZE, 0, 0);
	st = t_with_page(t_with_page(st, IN_PFN, 1, 0, 7), OUT_PFN, 1, 0, 8);
	const hm_rdata *out = run_ok(st);
	hm_rdata *e = tt_with_hlock(t_with_halt(tt_enter_core(st), true), S2PAGE_ID, false);
	e = with_slog(e, ev(HM_AEV_OSAVE_ENC_BUF, TT_ARGS(1, IN_PFN * PAGE_SIZE, OUT_PFN * PAGE_SIZE, 0), NULL));
	t_assert_state_equal(out, e);
}

/* ---- HVC_DECRYPT_BUF vmid inbuf ---- */

static void test_decrypt_buf_invalid_args_halt(void **state)
{
	(void)state;
	assert_guard_halts(hvc_st(HVC_DECRYPT_BUF, COREVISOR, IN_PFN * PAGE_SIZE, 0, 0, 0));
	assert_guard_halts(hvc_st(HVC_DECRYPT_BUF, 1, KVM_PHYS_SIZE, 0, 0, 0));
}

static void test_decrypt_buf_relies(void **state)
{
	(void)state;
	const hm_rdata *st = hvc_st(HVC_DECRYPT_BUF, 1, IN_PFN * PAGE_SIZE, 0, 0, 0);
	const char *w = "hvc_decrypt_buf";
	tt_assert_rely(host_hvc_handler_spec(tt_with_hlock(st, S2PAGE_ID, false)), "th_hlock(adt1, S2PAGE_ID)", w);
	tt_assert_rely(host_hvc_handler_spec(tt_with_hlock(st, INFO_ID + 1, false)),
		       "th_hlock(adt1, INFO_ID + arg1)", w);
	tt_assert_rely(host_hvc_handler_spec(tt_with_hlock(st, NPT_ID, false)), "th_hlock(adt1, NPT_ID)", w);
}

static void test_decrypt_buf_gives_page_to_vm(void **state)
{
	(void)state;
	/* VM 1 READY, host page count 0 with no host mapping: the page becomes
	 * (1, 0, INVALID64) holding doracle 0 2, the host's log moves to 3 */
	tt_script(false, HOSTVISOR, 2, 0xdef);
	const hm_rdata *st = hvc_st(HVC_DECRYPT_BUF, 1, IN_PFN * PAGE_SIZE, 0, 0, 0);
	st = tt_with_info(st, 1, tc_vminfo(READY, -1, 0));
	st = tt_with_data_log(st, HOSTVISOR, 2);
	const hm_rdata *out = run_ok(st);
	hm_rdata *e = t_with_page(tt_enter_core(st), IN_PFN, 1, 0, INVALID64);
	e = tt_with_shared(e, tc_fmem(e->shared, IN_PFN, 0xdef));
	e = tt_with_data_log(e, HOSTVISOR, 3);
	e = with_slog(e, ev(HM_AEV_OLOAD_ENC_BUF, TT_ARGS(1, IN_PFN * PAGE_SIZE, 2), NULL));
	t_assert_state_equal(out, tt_return_host(e));
}

static void test_decrypt_buf_halts(void **state)
{
	(void)state;
	/* VM 1 not READY: halt, INFO_ID + 1 released */
	const hm_rdata *st = hvc_st(HVC_DECRYPT_BUF, 1, IN_PFN * PAGE_SIZE, 0, 0, 0);
	hm_rdata *e = tt_with_hlock(t_with_halt(tt_enter_core(st), true), INFO_ID + 1, false);
	e = with_slog(e, ev(HM_AEV_OLOAD_ENC_BUF, TT_ARGS(1, IN_PFN * PAGE_SIZE, 0), NULL));
	t_assert_state_equal(run_ok(st), e);
	/* READY but the page is shared (count 1): INFO_ID + 1 and S2PAGE_ID released */
	st = tt_with_info(st, 1, tc_vminfo(READY, -1, 0));
	st = t_with_page(st, IN_PFN, HOSTVISOR, 1, IN_PFN + SMMU_HOST_OFFSET);
	e = t_with_halt(tt_enter_core(st), true);
	e = tt_with_hlock(tt_with_hlock(e, INFO_ID + 1, false), S2PAGE_ID, false);
	e = with_slog(e, ev(HM_AEV_OLOAD_ENC_BUF, TT_ARGS(1, IN_PFN * PAGE_SIZE, 0), NULL));
	t_assert_state_equal(run_ok(st), e);
}

/* ---- HVC_SAVE_CRYPT_VCPU vmid vcpuid ---- */

static void test_save_crypt_vcpu(void **state)
{
	(void)state;
	const hm_rdata *st = hvc_st(HVC_SAVE_CRYPT_VCPU, 1, 2, 0, 0, 0);
	t_assert_state_equal(run_ok(st), tt_return_host(tt_enter_core(st)));
	assert_guard_halts(hvc_st(HVC_SAVE_CRYPT_VCPU, 0, 2, 0, 0, 0));
	assert_guard_halts(hvc_st(HVC_SAVE_CRYPT_VCPU, 1, VCPU_PER_VM, 0, 0, 0));
}

/* ---- HVC_LOAD_CRYPT_VCPU vmid vcpuid ---- */

/* A platform whose decrypt_gp_regs writes dorc logn into x5 and whose
 * decrypt_sys_regs writes dorc logn into pc, each consuming one value. */
static hm_z decrypt_gp_x5(void *ctx, hm_z *regs, hm_z *states, hm_z (*dorc)(void *, hm_z),
			  void *dorc_ctx, hm_z logn)
{
	(void)ctx, (void)states;
	regs[5] = dorc(dorc_ctx, logn);
	return logn + 1;
}

static hm_z decrypt_sys_pc(void *ctx, hm_z *regs, hm_z *states, hm_z (*dorc)(void *, hm_z),
			   void *dorc_ctx, hm_z logn)
{
	(void)ctx, (void)regs;
	states[0] = dorc(dorc_ctx, logn);
	return logn + 1;
}

static void test_load_crypt_vcpu_invalid_args_halt(void **state)
{
	(void)state;
	assert_guard_halts(hvc_st(HVC_LOAD_CRYPT_VCPU, 0, 2, 0, 0, 0));
	assert_guard_halts(hvc_st(HVC_LOAD_CRYPT_VCPU, 1, -1, 0, 0, 0));
}

static void test_load_crypt_vcpu_rely(void **state)
{
	(void)state;
	const hm_rdata *st = tt_with_hlock(hvc_st(HVC_LOAD_CRYPT_VCPU, 1, 2, 0, 0, 0), INFO_ID + 1, false);
	tt_assert_rely(host_hvc_handler_spec(st), "th_hlock(adt1, INFO_ID + arg1)", "hvc_load_crypt_vcpu");
}

static void test_load_crypt_vcpu_decrypts(void **state)
{
	(void)state;
	/* VM 1 and its VCPU 2 READY; the host's data log at 6: decrypt_gp puts
	 * doracle 0 6 = 0x111 in x5, decrypt_sys doracle 0 7 = 0x222 in pc; the
	 * log ends at 8, vm_inc_exe 1. The decrypted registers land in the
	 * host's own shadow context (ctxtid 0) and x5 comes back in regs. The
	 * event carries the registers before decryption (x5 = 55). */
	hm_platform p;
	hm_platform_defaults(&p);
	p.decrypt_gp_regs = decrypt_gp_x5;
	p.decrypt_sys_regs = decrypt_sys_pc;
	tt_script(false, HOSTVISOR, 6, 0x111);
	tt_script(false, HOSTVISOR, 7, 0x222);
	const hm_rdata *st = hvc_st(HVC_LOAD_CRYPT_VCPU, 1, 2, 0, 0, 55);
	st = tt_with_info(st, 1, tc_vminfo(READY, 2, READY));
	st = tt_with_data_log(st, HOSTVISOR, 6);
	hm_platform_set_current(&p);
	hm_sres r = host_hvc_handler_spec(st);
	hm_platform_set_current(NULL);
	assert_non_null(r.st);
	const hm_rdata *out = r.st;
	hm_rdata *e = tt_enter_core(st);
	const hm_ctxt *c = tt_shadow(e, 0);
	hm_ctxt_regs cr = c->ctxt_regs;
	hm_ctxt_states cs = c->ctxt_states;
	cr.x5 = 0x111;
	cs.pc = 0x222;
	e = tt_with_shadow(e, 0, cr, cs);
	hm_vminfo *info = vminfo_edit(tc_vminfo(READY, 2, READY));
	info->VB.vm_inc_exe = 1;
	e = tt_with_info(e, 1, info);
	e = tt_with_data_log(e, HOSTVISOR, 8);
	hm_ctxt *evc = ctxt_edit(hm_ctxt_empty());
	evc->ctxt_regs = tt_shadow(tt_enter_core(st), 0)->ctxt_regs;
	e = with_slog(e, hm_slog_cons(CPU, HM_AEV_OLOAD_ENC_VCPU, TT_ARGS(1, 2, 6), NULL, evc, NULL));
	t_assert_state_equal(out, tt_return_host(e));
	assert_z_equal(out->regs->ctxt_regs.x5, 0x111);
	assert_z_equal(((const hm_ctxt *)out->slog->ctxt)->ctxt_regs.x5, 55);
}

static void test_load_crypt_vcpu_not_ready_halts(void **state)
{
	(void)state;
	/* VCPU 2 UNUSED: halt, INFO_ID + 1 released, data log unchanged */
	const hm_rdata *st = tt_with_info(hvc_st(HVC_LOAD_CRYPT_VCPU, 1, 2, 0, 0, 0), 1, tc_vminfo(READY, -1, 0));
	const hm_rdata *out = run_ok(st);
	assert_true(out->halt);
	assert_false(hm_map_get_bool(out->shared->hlock, INFO_ID + 1));
	assert_z_equal(tt_info(out, 1)->VB.vm_inc_exe, 0);
	tt_assert_event(tt_event(out->slog, 0), CPU, HM_AEV_OLOAD_ENC_VCPU, TT_ARGS(1, 2, 0));
	assert_z_equal(hm_map_get_z(out->data_log, HOSTVISOR), 0);
}

/* ---- the op table ---- */

static void test_op_table_entries(void **state)
{
	(void)state;
	const hm_op_def *d = hm_op_find("host_hvc_handler");
	assert_non_null(d);
	assert_int_equal(d->nargs, 0);
	assert_null(d->low);
	d = hm_op_find("dev_store");
	assert_non_null(d);
	assert_int_equal(d->nargs, 4);
	assert_string_equal(d->args[0], "gfn");
	assert_string_equal(d->args[3], "index");
	const char *names[] = {"host_npt_handler", "host_vcpu_run_handler", "vm_exit_handler", "mem_load",
			       "mem_store", "dev_load", "vcpu_run_swith_to_core", "vcpu_run_process",
			       "vcpu_run_switch_to_vm", "prep_exit_vm", "vm_exit_pre_process",
			       "switch_to_host"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		assert_non_null(hm_op_find(names[i]));
	/* through the op table: the timer hypercall on the initial view */
	const hm_rdata *st = hvc_st(HVC_TIMER_SET_CNTVOFF, 0, 0, 0, 0, 0);
	hm_sres r = hm_op_find("host_hvc_handler")->high(st, NULL);
	t_assert_state_equal(r.st, tt_return_host(tt_enter_core(st)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_not_host_mode_is_none),
		cmocka_unit_test(test_halted_is_unchanged),
		cmocka_unit_test(test_timer_set_cntvoff),
		cmocka_unit_test(test_unknown_hypercall_falls_through),
		cmocka_unit_test(test_clear_vm_s2_range_invalid_args_halt),
		cmocka_unit_test(test_clear_vm_s2_range_rely_npt_lock),
		cmocka_unit_test(test_clear_vm_s2_range_not_poweroff),
		cmocka_unit_test(test_clear_vm_s2_range_poweroff_clears_pages),
		cmocka_unit_test(test_clear_vm_s2_range_loop_rely),
		cmocka_unit_test(test_set_boot_info_invalid_args_halt),
		cmocka_unit_test(test_set_boot_info_relies),
		cmocka_unit_test(test_set_boot_info_records_image),
		cmocka_unit_test(test_set_boot_info_vm_not_ready_halts),
		cmocka_unit_test(test_remap_vm_image_invalid_args_halt),
		cmocka_unit_test(test_remap_vm_image_relies),
		cmocka_unit_test(test_remap_vm_image_maps_page_for_core),
		cmocka_unit_test(test_remap_vm_image_vm_not_ready_halts),
		cmocka_unit_test(test_verify_vm_image_invalid_args_halt),
		cmocka_unit_test(test_verify_vm_image_rely),
		cmocka_unit_test(test_verify_vm_image_not_ready_halts),
		cmocka_unit_test(test_verify_vm_image_no_images),
		cmocka_unit_test(test_verify_vm_image_not_remapped_halts),
		cmocka_unit_test(test_verify_vm_image_loop_rely),
		cmocka_unit_test(test_verify_vm_image_loads_image),
		cmocka_unit_test(test_smmu_free_pgd_invalid_args_halt),
		cmocka_unit_test(test_smmu_free_pgd_relies),
		cmocka_unit_test(test_smmu_free_pgd_unallocated),
		cmocka_unit_test(test_smmu_free_pgd_poweroff_vm),
		cmocka_unit_test(test_smmu_free_pgd_live_vm_halts),
		cmocka_unit_test(test_smmu_alloc_pgd_invalid_args_halt),
		cmocka_unit_test(test_smmu_alloc_pgd_relies),
		cmocka_unit_test(test_smmu_alloc_pgd_allocates),
		cmocka_unit_test(test_smmu_alloc_pgd_bank_out_of_range_halts),
		cmocka_unit_test(test_smmu_alloc_pgd_taken_or_verified),
		cmocka_unit_test(test_smmu_lpae_map_invalid_args_halt),
		cmocka_unit_test(test_smmu_lpae_map_first_relies),
		cmocka_unit_test(test_smmu_lpae_map_second_relies),
		cmocka_unit_test(test_smmu_lpae_map_maps_vm_page),
		cmocka_unit_test(test_smmu_lpae_map_flag_moves_the_page),
		cmocka_unit_test(test_smmu_lpae_map_assign_halts),
		cmocka_unit_test(test_smmu_lpae_map_map_halts),
		cmocka_unit_test(test_smmu_iova_to_phys_invalid_args_halt),
		cmocka_unit_test(test_smmu_iova_to_phys_rely),
		cmocka_unit_test(test_smmu_iova_to_phys_returns_in_x0),
		cmocka_unit_test(test_smmu_clear_invalid_args_halt),
		cmocka_unit_test(test_smmu_clear_relies),
		cmocka_unit_test(test_smmu_clear_unmaps_host_page),
		cmocka_unit_test(test_smmu_clear_verified_vm_halts),
		cmocka_unit_test(test_ioremap_invalid_args_halt),
		cmocka_unit_test(test_ioremap_maps_device_pages),
		cmocka_unit_test(test_ioremap_vm_not_ready_halts),
		cmocka_unit_test(test_ioremap_loop_rely),
		cmocka_unit_test(test_register_kvm_rely),
		cmocka_unit_test(test_register_kvm_registers_vm_1),
		cmocka_unit_test(test_register_kvm_no_vmid_left_halts),
		cmocka_unit_test(test_register_kvm_vm_in_use_halts),
		cmocka_unit_test(test_register_vcpu_invalid_args_halt),
		cmocka_unit_test(test_register_vcpu_rely),
		cmocka_unit_test(test_register_vcpu_registers),
		cmocka_unit_test(test_register_vcpu_vm_not_ready_halts),
		cmocka_unit_test(test_encrypt_buf_invalid_args_halt),
		cmocka_unit_test(test_encrypt_buf_rely),
		cmocka_unit_test(test_encrypt_buf_writes_host_page),
		cmocka_unit_test(test_encrypt_buf_wrong_owner_halts),
		cmocka_unit_test(test_decrypt_buf_invalid_args_halt),
		cmocka_unit_test(test_decrypt_buf_relies),
		cmocka_unit_test(test_decrypt_buf_gives_page_to_vm),
		cmocka_unit_test(test_decrypt_buf_halts),
		cmocka_unit_test(test_save_crypt_vcpu),
		cmocka_unit_test(test_load_crypt_vcpu_invalid_args_halt),
		cmocka_unit_test(test_load_crypt_vcpu_rely),
		cmocka_unit_test(test_load_crypt_vcpu_decrypts),
		cmocka_unit_test(test_load_crypt_vcpu_not_ready_halts),
		cmocka_unit_test(test_op_table_entries),
	};
	return cmocka_run_group_tests(tests, tt_group_setup, tt_group_teardown);
}
