/* The boot scenario of boot_scenario.h. Every expected value below follows
 * from the seed's definitions step by step (the comments say how). */
#include "boot_scenario.h"

#include <string.h>

const char *const boot_scenario_steps[] = {
	"register_kvm", "register_vcpu", "set_boot_info", "remap_vm_image_0", "remap_vm_image_1",
	"verify_vm_image", "vcpu_run_first", "exit_interrupt", "vcpu_run_resume", "grant_desc_page",
	"revoke_desc_page", "exit_system_off", "clear_vm_s2_range", NULL,
};

typedef struct bs {
	hm_model *m;
	int cpu;
	boot_scenario_check check;
	void *ctx;
	int next; /* index into boot_scenario_steps */
} bs;

static const hm_rdata *view(const bs *s) { return hm_model_view(s->m, s->cpu); }

/* Lays {"regs": {"ctxt_regs": {<fields>}}} over the view: the registers
 * the running principal sets before it traps. */
static void set_regs(bs *s, const char *fields)
{
	char *json = g_strdup_printf("{\"regs\": {\"ctxt_regs\": {%s}}}", fields);
	char *err = NULL;
	hm_error rc = hm_model_overlay_json(s->m, s->cpu, json, &err);
	if (rc != HM_OK)
		fprintf(stderr, "boot_scenario: overlay %s: %s\n", json, err);
	assert_int_equal(rc, HM_OK);
	g_free(json);
}

static void set_hvc(bs *s, hm_z x0, hm_z x1, hm_z x2, hm_z x3)
{
	char b0[48], b1[48], b2[48], b3[48];
	char *f = g_strdup_printf("\"x0\": \"%s\", \"x1\": \"%s\", \"x2\": \"%s\", \"x3\": \"%s\"",
				  hm_format_z(x0, b0), hm_format_z(x1, b1), hm_format_z(x2, b2),
				  hm_format_z(x3, b3));
	set_regs(s, f);
	g_free(f);
}

/* Runs op (no arguments) and expects Some without halt; then the check. */
static void step(bs *s, const char *op)
{
	const char *label = boot_scenario_steps[s->next++];
	assert_non_null(label);
	hm_result r;
	char *err = NULL;
	hm_error rc = hm_model_step(s->m, s->cpu, HM_LEVEL_HIGH, op, NULL, 0, &r, &err);
	if (rc != HM_OK || r.kind != HM_RESULT_OK)
		fprintf(stderr, "boot_scenario %s (%s): rc %d, %s%s%s%s\n", label, op, rc,
			hm_result_kind_name(r.kind), r.rely ? ", rely " : "", r.rely ? r.rely : "",
			err ? err : "");
	assert_int_equal(rc, HM_OK);
	assert_int_equal(r.kind, HM_RESULT_OK);
	if (s->check)
		s->check(s->m, s->cpu, label, s->ctx);
}

static const hm_vminfo *info(const bs *s, hm_z vmid) { return vminfo_at(view(s)->shared->vminfos, vmid); }
static hm_page_view page(const bs *s, hm_z pfn) { return hm_model_s2page(s->m, s->cpu, pfn); }
static hm_z vcpu_state(const bs *s, hm_z vmid, hm_z vcpuid)
{
	return hm_map_get_z(info(s, vmid)->VS.vm_vcpu_state, vcpuid);
}

static void assert_in_host(const bs *s)
{
	const hm_rdata *v = view(s);
	assert_true(v->ihost);
	assert_false(v->icore);
	assert_false(v->halt);
	assert_z_equal(v->cur_vmid, HOSTVISOR);
}

static void assert_in_vm(const bs *s, hm_z vmid, hm_z vcpuid)
{
	const hm_rdata *v = view(s);
	assert_false(v->ihost);
	assert_false(v->icore);
	assert_false(v->halt);
	assert_z_equal(v->cur_vmid, vmid);
	assert_z_equal(v->cur_vcpuid, vcpuid);
}

/* The VM's exit: ec, the exception class in esr_el2, the VM's x0, x2, x3. */
static void vm_traps(bs *s, hm_z ec, hm_z esr_class, hm_z x0, hm_z x2, hm_z x3)
{
	char b[5][48];
	char *f = g_strdup_printf("\"ec\": \"%s\", \"esr_el2\": \"%s\", \"x0\": \"%s\", \"x2\": \"%s\", "
				  "\"x3\": \"%s\"",
				  hm_format_z(ec, b[0]), hm_format_z(esr_class << ESR_ELx_EC_SHIFT, b[1]),
				  hm_format_z(x0, b[2]), hm_format_z(x2, b[3]), hm_format_z(x3, b[4]));
	set_regs(s, f);
	g_free(f);
}

hm_z boot_scenario_run(hm_model *m, int cpu, boot_scenario_check check, void *ctx)
{
	bs s = {m, cpu, check, ctx, 0};
	hm_z P = BOOT_IMAGE_PFN;
	hm_z G = BOOT_LOAD_ADDR / PAGE_SIZE; /* the image's first gfn */

	/* 1. HVC_REGISTER_KVM: vmid = next_vmid (1 on a fresh model);
	 *    vm_kvm = shared_kvm vmid, READY; x0 returns vmid */
	hm_z vmid = view(&s)->shared->core_data.next_vmid;
	set_hvc(&s, HVC_REGISTER_KVM, 0, 0, 0);
	step(&s, "host_hvc_handler");
	assert_in_host(&s);
	assert_z_equal(view(&s)->regs->ctxt_regs.x0, vmid);
	assert_z_equal(info(&s, vmid)->VS.vm_state, READY);
	assert_z_equal(view(&s)->shared->core_data.next_vmid, vmid + 1);

	/* 2. HVC_REGISTER_VCPU vmid 0: VCPU 0 READY */
	set_hvc(&s, HVC_REGISTER_VCPU, vmid, 0, 0);
	step(&s, "host_hvc_handler");
	assert_in_host(&s);
	assert_z_equal(vcpu_state(&s, vmid, 0), READY);

	/* 3. HVC_SET_BOOT_INFO vmid BOOT_LOAD_ADDR BOOT_IMAGE_SIZE: slot 0,
	 *    remapped at the old next_remap_ptr, which moves 2 pages */
	hm_z remap = view(&s)->shared->core_data.next_remap_ptr;
	set_hvc(&s, HVC_SET_BOOT_INFO, vmid, BOOT_LOAD_ADDR, BOOT_IMAGE_SIZE);
	step(&s, "host_hvc_handler");
	assert_in_host(&s);
	assert_z_equal(info(&s, vmid)->VB.vm_next_load_info, 1);
	assert_z_equal(hm_map_get_z(info(&s, vmid)->VB.vm_load_addr, 0), BOOT_LOAD_ADDR);
	assert_z_equal(hm_map_get_z(info(&s, vmid)->VB.vm_remap_addr, 0), remap);
	assert_z_equal(view(&s)->shared->core_data.next_remap_ptr, remap + 2 * PAGE_SIZE);

	/* 4. HVC_REMAP_VM_IMAGE vmid pfn 0, for the image's two pages: the
	 *    core's NPT maps remap + i pages to P + i; mapped 1, then 2 */
	for (hm_z i = 0; i < 2; i++) {
		set_hvc(&s, HVC_REMAP_VM_IMAGE, vmid, P + i, 0);
		step(&s, "host_hvc_handler");
		assert_in_host(&s);
		assert_z_equal(hm_map_get_z(info(&s, vmid)->VB.vm_mapped_pages, 0), i + 1);
		const hm_z3 *e = z3_at(npt_at(view(&s)->shared->npts, COREVISOR)->pt, remap / PAGE_SIZE + i);
		assert_z_equal(e->a, P + i);
	}
	assert_z_equal(page(&s, P).s2_owner, HOSTVISOR);

	/* 5. HVC_VERIFY_VM_IMAGE vmid: one 2 MiB chunk [BOOT_LOAD_ADDR, +2 MiB)
	 *    from the core's mapping of P: pages P .. P+511 become the VM's
	 *    (gfn G + i, count 0) and the VM's NPT maps them at level 2 */
	set_hvc(&s, HVC_VERIFY_VM_IMAGE, vmid, 0, 0);
	step(&s, "host_hvc_handler");
	assert_in_host(&s);
	assert_z_equal(info(&s, vmid)->VS.vm_state, VERIFIED);
	for (hm_z i = 0; i < 512; i += 73) {
		hm_page_view pg = page(&s, P + i);
		assert_z_equal(pg.s2_owner, vmid);
		assert_z_equal(pg.s2_count, 0);
		assert_z_equal(pg.s2_gfn, G + i);
	}
	assert_z_equal(page(&s, P + 512).s2_owner, HOSTVISOR);
	const hm_z3 *l2 = z3_at(npt_at(view(&s)->shared->npts, vmid)->pt, G + 1);
	assert_z_equal(l2->a, P + 1);
	assert_z_equal(l2->b, 2);

	/* 6. First run of VCPU 0. The seed boots a VCPU whose context has
	 *    dirty = INVALID64; no hypercall of the seed sets it, so the
	 *    scenario lays it over VCPU 0's context (ctxt_id vmid 0). The core
	 *    oracle picks VCPU 0; pc = doracle vmid logn lies in the image. */
	hm_z ctx0 = ctxt_id(vmid, 0);
	{
		char *json = g_strdup_printf("{\"shadow_ctxts\": {\"%d\": {\"ctxt_states\": "
					     "{\"dirty\": \"0xffffffffffffffff\"}}}}",
					     (int)ctx0);
		assert_int_equal(hm_model_overlay_json(m, cpu, json, NULL), HM_OK);
		g_free(json);
	}
	hm_z clogn = hm_map_get_z(view(&s)->core_data_log, vmid);
	hm_z logn = hm_map_get_z(view(&s)->data_log, vmid);
	hm_z pc = BOOT_LOAD_ADDR + 0x10;
	hm_model_script_doracle(m, true, vmid, clogn, 0);  /* vcpuid */
	hm_model_script_doracle(m, false, vmid, logn, pc); /* pc */
	hm_model_script_doracle(m, false, vmid, logn + 1, 0x3c5); /* pstate */
	set_hvc(&s, vmid, 0, 0, 0);
	step(&s, "host_vcpu_run_handler");
	assert_in_vm(&s, vmid, 0);
	assert_z_equal(vcpu_state(&s, vmid, 0), ACTIVE);
	assert_z_equal(view(&s)->regs->ctxt_regs.elr_el2, pc);
	assert_z_equal(view(&s)->regs->ctxt_regs.spsr_el2, 0x3c5);
	assert_z_equal(view(&s)->regs->ctxt_regs.vttbr_el2, pt_vttbr(vmid));
	assert_z_equal(view(&s)->regs->ctxt_regs.x0, 0); /* cleared by the reset */
	assert_z_equal(ctxt_at(view(&s)->shadow_ctxts, ctx0)->ctxt_states.dirty, 0);

	/* 7. An interrupt: prep_exit_vm makes VCPU 0 READY, switch_to_host */
	vm_traps(&s, ARM_EXCEPTION_INTERRUPT, 0, 0, 0, 0);
	step(&s, "vm_exit_handler");
	assert_in_host(&s);
	assert_z_equal(view(&s)->cur_vcpuid, view(&s)->curid);
	assert_z_equal(vcpu_state(&s, vmid, 0), READY);
	assert_z_equal(info(&s, vmid)->VS.vm_state, VERIFIED);

	/* 8. Second run: dirty is 0 now (the resume path); the core oracle
	 *    picks VCPU 0 and names no page to map (addr 0) */
	clogn = hm_map_get_z(view(&s)->core_data_log, vmid);
	hm_model_script_doracle(m, true, vmid, clogn, 0);
	hm_model_script_doracle(m, true, vmid, clogn + 1, 0);
	set_hvc(&s, vmid, 0, 0, 0);
	step(&s, "host_vcpu_run_handler");
	assert_in_vm(&s, vmid, 0);
	assert_z_equal(vcpu_state(&s, vmid, 0), ACTIVE);
	assert_z_equal(hm_map_get_z(view(&s)->core_data_log, vmid), clogn + 2);

	/* 9. The VM grants its page at BOOT_LOAD_ADDR (one page): the NPT
	 *    maps it to P, whose count becomes 1; the VM keeps running */
	vm_traps(&s, ARM_EXCEPTION_TRAP, ESR_ELx_EC_HVC64, HVC_KVM_SET_DESC_PFN, BOOT_LOAD_ADDR, PAGE_SIZE);
	step(&s, "vm_exit_handler");
	assert_in_vm(&s, vmid, 0);
	assert_z_equal(page(&s, P).s2_count, 1);
	assert_z_equal(page(&s, P).s2_owner, vmid);

	/* 10. ... and revokes it: count 0; the page's last share gone, its
	 *     flat memory becomes doracle vmid logn (the data log moves on) */
	logn = hm_map_get_z(view(&s)->data_log, vmid);
	hm_model_script_doracle(m, false, vmid, logn, 0xd15c);
	vm_traps(&s, ARM_EXCEPTION_TRAP, ESR_ELx_EC_HVC64, HVC_KVM_UNSET_DESC_PFN, BOOT_LOAD_ADDR, PAGE_SIZE);
	step(&s, "vm_exit_handler");
	assert_in_vm(&s, vmid, 0);
	assert_z_equal(page(&s, P).s2_count, 0);
	assert_z_equal(hm_map_get_z(view(&s)->shared->flatmem, P), 0xd15c);
	assert_z_equal(hm_map_get_z(view(&s)->data_log, vmid), logn + 1);

	/* 11. PSCI SYSTEM_OFF: the dispatcher returns 1, prep_hvc_spec_h powers
	 *     the VM off, the VCPU becomes READY, the host runs */
	vm_traps(&s, ARM_EXCEPTION_TRAP, ESR_ELx_EC_HVC64, PSCI_0_2_FN_SYSTEM_OFF, 0, 0);
	step(&s, "vm_exit_handler");
	assert_in_host(&s);
	assert_z_equal(info(&s, vmid)->VS.vm_state, POWEROFF);
	assert_z_equal(vcpu_state(&s, vmid, 0), READY);
	{
		char *report = NULL;
		char *json = g_strdup_printf("{\"shared\": {\"vminfos\": {\"%d\": {\"VS\": "
					     "{\"vm_state\": \"POWEROFF\"}}}}}",
					     (int)vmid);
		assert_int_equal(hm_model_match_json(m, cpu, json, &report), HM_OK);
		hm_free(report);
		g_free(json);
	}

	/* 12. HVC_CLEAR_VM_S2_RANGE vmid P*PAGE_SIZE 512 pages: every page goes
	 *     back to the host (owner 0, count 0, gfn pfn + SMMU_HOST_OFFSET),
	 *     its flat memory 0 */
	set_hvc(&s, HVC_CLEAR_VM_S2_RANGE, vmid, P * PAGE_SIZE, 512 * PAGE_SIZE);
	step(&s, "host_hvc_handler");
	assert_in_host(&s);
	for (hm_z i = 0; i < 512; i += 73) {
		hm_page_view pg = page(&s, P + i);
		assert_z_equal(pg.s2_owner, HOSTVISOR);
		assert_z_equal(pg.s2_count, 0);
		assert_z_equal(pg.s2_gfn, P + i + SMMU_HOST_OFFSET);
	}
	assert_z_equal(hm_map_get_z(view(&s)->shared->flatmem, P), 0);
	assert_null(boot_scenario_steps[s.next]);
	return vmid;
}
