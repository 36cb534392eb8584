/* TrapHandlerSpec (seed), ConcurrentSpec: the VM bookkeeping steps
 * local_set_vcpu_active, local_set_vcpu_inactive, local_set_vm_poweroff,
 * local_register_vcpu, local_gen_vmid, local_register_kvm,
 * local_set_boot_info, local_remap_vm_image, local_verify_vm,
 * local_load_encryted_vcpu. One test per branch; expected values worked
 * out from the Coq (platform parameters at their documented defaults:
 * shared_kvm v = 1 + v, shared_vcpu v c = 1 + 8v + c). */
#include "t_concurrent.h"

static hm_z vcpu_state_of(const hm_shared *s, hm_z vmid, hm_z vcpuid)
{
	return hm_map_get_z(vminfo_at(s->vminfos, vmid)->VS.vm_vcpu_state, vcpuid);
}

static hm_z state_of(const hm_shared *s, hm_z vmid) { return vminfo_at(s->vminfos, vmid)->VS.vm_state; }

/* ---- local_set_vcpu_active / inactive ---- */

static void vcpu_active_ok(void **state)
{
	/* VERIFIED and VCPU 1 READY: VCPU 1 ACTIVE */
	const hm_shared *s0 = tc_info(tc_sdt(), 2, tc_vminfo(VERIFIED, 1, READY));
	local_set_vcpu_active_ret r = local_set_vcpu_active(2, 1, s0);
	assert_false(r.halt);
	assert_z_equal(vcpu_state_of(r.sdt, 2, 1), ACTIVE);
	assert_z_equal(state_of(r.sdt, 2), VERIFIED);
	assert_ptr_equal(r.info, vminfo_at(r.sdt->vminfos, 2));
	tc_assert_sdt_equal(r.sdt, tc_info(tc_sdt(), 2, tc_vminfo(VERIFIED, 1, ACTIVE)));
}

static void vcpu_active_bad(void **state)
{
	/* READY (not VERIFIED), or VCPU already ACTIVE: (sdt, true, Some info) */
	const hm_shared *s0 = tc_info(tc_sdt(), 2, tc_vminfo(READY, 1, READY));
	local_set_vcpu_active_ret r = local_set_vcpu_active(2, 1, s0);
	assert_true(r.halt);
	assert_ptr_equal(r.sdt, s0);
	assert_ptr_equal(r.info, vminfo_at(s0->vminfos, 2));
	const hm_shared *s1 = tc_info(tc_sdt(), 2, tc_vminfo(VERIFIED, 1, ACTIVE));
	r = local_set_vcpu_active(2, 1, s1);
	assert_true(r.halt);
	assert_ptr_equal(r.sdt, s1);
}

static void vcpu_inactive_ok(void **state)
{
	const hm_shared *s0 = tc_info(tc_sdt(), 2, tc_vminfo(VERIFIED, 1, ACTIVE));
	local_set_vcpu_inactive_ret r = local_set_vcpu_inactive(2, 1, s0);
	assert_false(r.halt);
	assert_z_equal(vcpu_state_of(r.sdt, 2, 1), READY);
}

static void vcpu_inactive_bad(void **state)
{
	const hm_shared *s0 = tc_info(tc_sdt(), 2, tc_vminfo(VERIFIED, 1, READY));
	local_set_vcpu_inactive_ret r = local_set_vcpu_inactive(2, 1, s0);
	assert_true(r.halt);
	assert_ptr_equal(r.sdt, s0);
}

/* ---- local_set_vm_poweroff ---- */

static void poweroff(void **state)
{
	/* unconditional: vm_state POWEROFF, VCPU states kept */
	const hm_shared *s0 = tc_info(tc_sdt(), 2, tc_vminfo(VERIFIED, 1, ACTIVE));
	local_set_vm_poweroff_ret r = local_set_vm_poweroff(2, s0);
	assert_true(r.has_info);
	assert_z_equal(state_of(r.sdt, 2), POWEROFF);
	assert_z_equal(r.info->VS.vm_state, POWEROFF);
	assert_z_equal(vcpu_state_of(r.sdt, 2, 1), ACTIVE);
	assert_z_equal(state_of(s0, 2), VERIFIED); /* input unchanged */
}

/* ---- local_register_vcpu ---- */

static void register_vcpu_ok(void **state)
{
	/* READY, VCPU 1 UNUSED: vm_vcpu[1] = shared_vcpu 2 1 = 1 + 16 + 1 = 18,
	 * VCPU 1 READY */
	const hm_shared *s0 = tc_info(tc_sdt(), 2, tc_vminfo(READY, -1, 0));
	local_register_vcpu_ret r = local_register_vcpu(2, 1, s0);
	assert_false(r.halt);
	assert_z_equal(hm_map_get_z(r.info->VS.vm_vcpu, 1), 18);
	assert_z_equal(vcpu_state_of(r.sdt, 2, 1), READY);
	assert_z_equal(hm_map_get_z(r.info->VS.vm_vcpu, 0), 0);
}

static void register_vcpu_bad(void **state)
{
	/* VCPU 1 already READY: halt, sdt unchanged */
	const hm_shared *s0 = tc_info(tc_sdt(), 2, tc_vminfo(READY, 1, READY));
	local_register_vcpu_ret r = local_register_vcpu(2, 1, s0);
	assert_true(r.halt);
	assert_ptr_equal(r.sdt, s0);
}

/* ---- local_gen_vmid ---- */

static void gen_vmid_ok(void **state)
{
	/* next_vmid 3 < 16: next_vmid 4, the new core returned */
	const hm_shared *s0 = tc_core(tc_sdt(), 3, 77);
	local_gen_vmid_ret r = local_gen_vmid(s0);
	assert_false(r.halt);
	assert_z_equal(r.core.next_vmid, 4);
	assert_z_equal(r.core.next_remap_ptr, 77);
	assert_z_equal(r.sdt->core_data.next_vmid, 4);
	assert_z_equal(s0->core_data.next_vmid, 3);
}

static void gen_vmid_full(void **state)
{
	/* next_vmid 16 = COREVISOR: (sdt, true, core) */
	const hm_shared *s0 = tc_core(tc_sdt(), 16, 77);
	local_gen_vmid_ret r = local_gen_vmid(s0);
	assert_true(r.halt);
	assert_ptr_equal(r.sdt, s0);
	assert_z_equal(r.core.next_vmid, 16);
}

/* ---- local_register_kvm ---- */

static void register_kvm_ok(void **state)
{
	/* UNUSED: vm_kvm = shared_kvm 2 = 3, state READY */
	local_register_kvm_ret r = local_register_kvm(2, tc_sdt());
	assert_false(r.halt);
	assert_z_equal(r.info->VS.vm_kvm, 3);
	assert_z_equal(state_of(r.sdt, 2), READY);
}

static void register_kvm_bad(void **state)
{
	const hm_shared *s0 = tc_info(tc_sdt(), 2, tc_vminfo(READY, -1, 0));
	local_register_kvm_ret r = local_register_kvm(2, s0);
	assert_true(r.halt);
	assert_ptr_equal(r.sdt, s0);
}

/* ---- local_set_boot_info (seed version) ---- */

static void boot_info_ok(void **state)
{
	/* READY, slot 0, size 5000: pgnum = 9095 / 4096 = 2, remap =
	 * REMAP_START = 33554432, 33554432 + 8192 < REMAP_END: core remap
	 * 33562624; slot 0 = (0x1000, 5000, 33554432, mapped 0), next 1. */
	const hm_shared *s0 = tc_core(tc_info(tc_sdt(), 2, tc_vminfo(READY, -1, 0)), 5, REMAP_START);
	local_set_boot_info_ret r = local_set_boot_info(2, 0x1000, 5000, s0);
	assert_false(r.halt);
	assert_true(r.has_core);
	assert_z_equal(r.core.next_remap_ptr, 33562624);
	assert_z_equal(r.core.next_vmid, 5);
	assert_z_equal(r.sdt->core_data.next_remap_ptr, 33562624);
	const hm_vminfo *i = vminfo_at(r.sdt->vminfos, 2);
	assert_ptr_equal(i, r.info);
	assert_z_equal(i->VB.vm_next_load_info, 1);
	assert_z_equal(hm_map_get_z(i->VB.vm_load_addr, 0), 0x1000);
	assert_z_equal(hm_map_get_z(i->VB.vm_load_size, 0), 5000);
	assert_z_equal(hm_map_get_z(i->VB.vm_remap_addr, 0), 33554432);
	assert_z_equal(hm_map_get_z(i->VB.vm_mapped_pages, 0), 0);
}

static void boot_info_no_remap_space(void **state)
{
	/* remap = REMAP_END - 8192: remap + 2 pages = REMAP_END, not < :
	 * (sdt, true, Some info, Some core), no lock released */
	const hm_shared *s0 =
		tc_core(tc_info(tc_sdt(), 2, tc_vminfo(READY, -1, 0)), 5, REMAP_END - 8192);
	local_set_boot_info_ret r = local_set_boot_info(2, 0x1000, 5000, s0);
	assert_true(r.halt);
	assert_ptr_equal(r.sdt, s0);
	assert_true(r.has_core);
	assert_z_equal(r.core.next_remap_ptr, REMAP_END - 8192);
}

static void boot_info_slots_full(void **state)
{
	/* next_load_info 5 = MAX_LOAD_INFO_NUM: (sdt, false, Some info, None) */
	const hm_vminfo *i = tc_vminfo_boot(tc_vminfo(READY, -1, 0), 5, 0, 0, 0, 0, 0);
	const hm_shared *s0 = tc_info(tc_sdt(), 2, i);
	local_set_boot_info_ret r = local_set_boot_info(2, 0x1000, 5000, s0);
	assert_false(r.halt);
	assert_ptr_equal(r.sdt, s0);
	assert_false(r.has_core);
}

static void boot_info_not_ready(void **state)
{
	/* VERIFIED: (sdt, true, Some info, None), no lock released */
	const hm_shared *s0 = tc_info(tc_sdt(), 2, tc_vminfo(VERIFIED, -1, 0));
	local_set_boot_info_ret r = local_set_boot_info(2, 0x1000, 5000, s0);
	assert_true(r.halt);
	assert_ptr_equal(r.sdt, s0);
	assert_false(r.has_core);
}

/* ---- local_remap_vm_image ---- */

/* VM 2 READY with slot 0 = (load 0x1000, size 5000 -> pgnum 2, remap
 * REMAP_START, mapped m), next_load_info 1. */
static const hm_shared *image(hm_z mapped)
{
	return tc_info(tc_sdt(), 2,
		       tc_vminfo_boot(tc_vminfo(READY, -1, 0), 1, 0, 0x1000, 5000, REMAP_START,
				      mapped));
}

static void remap_ok(void **state)
{
	/* mapped 1 < 2: target = 33554432 + 4096, gfn 8193 in COREVISOR's
	 * NPT; pte = (0x50000 * 4096) lor PAGE_HYP = 0x50000000 lor (2^54 +
	 * 0x753), pfn 0x50000; mapped becomes 2. */
	const hm_shared *s0 = image(1);
	local_remap_vm_image_ret r = local_remap_vm_image(2, 0x50000, 0, s0);
	assert_false(r.halt);
	hm_z3 e = tc_pt_at(r.sdt, COREVISOR, 8193);
	assert_z_equal(e.a, 0x50000);
	assert_z_equal(e.b, 3);
	assert_z_equal(e.c, 0x50000000 | ((hm_z)1 << 54) | 0x753);
	assert_z_equal(hm_map_get_z(vminfo_at(r.sdt->vminfos, 2)->VB.vm_mapped_pages, 0), 2);
	assert_true(r.has_npt);
	assert_ptr_equal(r.info, vminfo_at(r.sdt->vminfos, 2));
}

static void remap_halts(void **state)
{
	/* COREVISOR's entry for gfn 8192 is level 2: halt; INFO_ID+2 and
	 * NPT_ID+COREVISOR released; mapped stays 0 */
	const hm_shared *s0 = tc_npt(image(0), COREVISOR, tc_pt(hm_npt_empty(), 8192, 1, 2, 1));
	local_remap_vm_image_ret r = local_remap_vm_image(2, 0x50000, 0, s0);
	assert_true(r.halt);
	assert_ptr_equal(r.info, vminfo_at(s0->vminfos, 2));
	tc_assert_sdt_equal(r.sdt, tc_hlock(tc_hlock(s0, INFO_ID + 2, false), NPT_ID + COREVISOR,
					    false));
}

static void remap_all_mapped(void **state)
{
	/* mapped 2 = pgnum: (sdt, false, Some info, None) */
	const hm_shared *s0 = image(2);
	local_remap_vm_image_ret r = local_remap_vm_image(2, 0x50000, 0, s0);
	assert_false(r.halt);
	assert_ptr_equal(r.sdt, s0);
	assert_false(r.has_npt);
}

static void remap_bad_slot(void **state)
{
	/* load_idx 1 >= next_load_info 1 */
	const hm_shared *s0 = image(0);
	local_remap_vm_image_ret r = local_remap_vm_image(2, 0x50000, 1, s0);
	assert_false(r.halt);
	assert_ptr_equal(r.sdt, s0);
}

static void remap_not_ready(void **state)
{
	/* UNUSED VM: INFO_ID + 2 released, halt */
	const hm_shared *s0 = tc_sdt();
	local_remap_vm_image_ret r = local_remap_vm_image(2, 0x50000, 0, s0);
	assert_true(r.halt);
	tc_assert_sdt_equal(r.sdt, tc_hlock(s0, INFO_ID + 2, false));
}

/* ---- local_verify_vm (seed version) ---- */

static void verify_locked_ready(void **state)
{
	/* hlock[INFO_ID+2] true (the default) and READY: (sdt, false, Some
	 * info): the state stays READY */
	const hm_shared *s0 = tc_info(tc_sdt(), 2, tc_vminfo(READY, -1, 0));
	local_verify_vm_ret r = local_verify_vm(2, s0);
	assert_false(r.halt);
	assert_ptr_equal(r.sdt, s0);
	assert_z_equal(r.info->VS.vm_state, READY);
}

static void verify_locked_not_ready(void **state)
{
	/* lock bit true, state VERIFIED: bit cleared, halt */
	const hm_shared *s0 = tc_info(tc_sdt(), 2, tc_vminfo(VERIFIED, -1, 0));
	local_verify_vm_ret r = local_verify_vm(2, s0);
	assert_true(r.halt);
	tc_assert_sdt_equal(r.sdt, tc_hlock(s0, INFO_ID + 2, false));
}

static void verify_unlocked(void **state)
{
	/* lock bit false: VERIFIED (whatever the state was, here UNUSED) and
	 * the bit set to true */
	const hm_shared *s0 = tc_hlock(tc_sdt(), INFO_ID + 2, false);
	local_verify_vm_ret r = local_verify_vm(2, s0);
	assert_false(r.halt);
	assert_z_equal(state_of(r.sdt, 2), VERIFIED);
	assert_true(tc_hlock_at(r.sdt, INFO_ID + 2));
	assert_z_equal(r.info->VS.vm_state, VERIFIED);
}

/* ---- local_load_encryted_vcpu ---- */

/* Test decryptions: gp sets x0 := dorc logn and consumes one value; sys
 * sets x1 := dorc logn, pc := 42 and consumes two. */
static hm_z test_gp(void *ctx, hm_z *regs, hm_z *states, hm_z (*dorc)(void *, hm_z), void *dctx,
		    hm_z logn)
{
	regs[0] = dorc(dctx, logn);
	return logn + 1;
}

static hm_z test_sys(void *ctx, hm_z *regs, hm_z *states, hm_z (*dorc)(void *, hm_z), void *dctx,
		     hm_z logn)
{
	regs[1] = dorc(dctx, logn);
	states[0] = 42;
	return logn + 2;
}

static void load_enc_vcpu_ok(void **state)
{
	/* READY VM, READY VCPU 1: gp with logn 9 gives x0 = dorc 9 = 16 (vmid
	 * 0), logn 10; sys gives x1 = dorc 10 = 17, pc 42, logn 12; vm_inc_exe 1 */
	hm_platform p;
	hm_platform_defaults(&p);
	p.decrypt_gp_regs = test_gp;
	p.decrypt_sys_regs = test_sys;
	hm_platform_set_current(&p);
	const hm_shared *s0 = tc_info(tc_sdt(), 2, tc_vminfo(READY, 1, READY));
	hm_ctxt_regs cr = {0};
	hm_ctxt_states cs = {0};
	cr.x2 = 5;
	local_load_encryted_vcpu_ret r =
		local_load_encryted_vcpu(2, 1, &cr, &cs, tc_dorc(), HOSTVISOR, 9, s0);
	hm_platform_set_current(NULL);
	assert_false(r.halt);
	assert_z_equal(r.logn, 12);
	assert_z_equal(r.cregs.x0, 16);
	assert_z_equal(r.cregs.x1, 17);
	assert_z_equal(r.cregs.x2, 5);
	assert_z_equal(r.cstates.pc, 42);
	assert_z_equal(vminfo_at(r.sdt->vminfos, 2)->VB.vm_inc_exe, 1);
	assert_z_equal(cr.x0, 0); /* input unchanged */
}

static void load_enc_vcpu_bad(void **state)
{
	/* VCPU 1 UNUSED: INFO_ID + 2 released, halt, registers and logn as given */
	const hm_shared *s0 = tc_info(tc_sdt(), 2, tc_vminfo(READY, -1, 0));
	hm_ctxt_regs cr = {0};
	hm_ctxt_states cs = {0};
	cr.x0 = 99;
	local_load_encryted_vcpu_ret r =
		local_load_encryted_vcpu(2, 1, &cr, &cs, tc_dorc(), HOSTVISOR, 9, s0);
	assert_true(r.halt);
	assert_z_equal(r.logn, 9);
	assert_z_equal(r.cregs.x0, 99);
	tc_assert_sdt_equal(r.sdt, tc_hlock(s0, INFO_ID + 2, false));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(vcpu_active_ok),
		cmocka_unit_test(vcpu_active_bad),
		cmocka_unit_test(vcpu_inactive_ok),
		cmocka_unit_test(vcpu_inactive_bad),
		cmocka_unit_test(poweroff),
		cmocka_unit_test(register_vcpu_ok),
		cmocka_unit_test(register_vcpu_bad),
		cmocka_unit_test(gen_vmid_ok),
		cmocka_unit_test(gen_vmid_full),
		cmocka_unit_test(register_kvm_ok),
		cmocka_unit_test(register_kvm_bad),
		cmocka_unit_test(boot_info_ok),
		cmocka_unit_test(boot_info_no_remap_space),
		cmocka_unit_test(boot_info_slots_full),
		cmocka_unit_test(boot_info_not_ready),
		cmocka_unit_test(remap_ok),
		cmocka_unit_test(remap_halts),
		cmocka_unit_test(remap_all_mapped),
		cmocka_unit_test(remap_bad_slot),
		cmocka_unit_test(remap_not_ready),
		cmocka_unit_test(verify_locked_ready),
		cmocka_unit_test(verify_locked_not_ready),
		cmocka_unit_test(verify_unlocked),
		cmocka_unit_test(load_enc_vcpu_ok),
		cmocka_unit_test(load_enc_vcpu_bad),
	};
	return cmocka_run_group_tests(tests, t_pool_setup, t_pool_teardown);
}
