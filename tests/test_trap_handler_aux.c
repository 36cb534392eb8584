/* Tests of TrapHandlerSpec Section AuxSpec (src/ops/trap_handler_aux.c).
 * Expected values are worked out from the Coq in the comments; states are
 * empty RData (every hlock true) with curid TF_CPU = 3 and the data
 * oracle TF_DORC(vmid, logn) of the fixture. */
#include "trap_aux_fixture.h"

#include <string.h>

#include "trap_handler_aux.h"

#define HOST HOSTVISOR
#define PMD ((hm_z)0x200000)

/* ---- builders of this file ---- */

static hm_rdata *with_page(const hm_rdata *st, hm_z pfn, hm_z owner, hm_z count, hm_z gfn)
{
	return t_with_page(st, pfn, owner, count, gfn);
}

static hm_rdata *with_flatmem(const hm_rdata *st, hm_z pfn, hm_z v)
{
	hm_rdata *r = rd_edit(st);
	hm_shared *s = sh_edit(st->shared);
	SETP(s, flatmem, hm_map_set_z(s->flatmem, pfn, v));
	SETP(r, shared, s);
	return r;
}

static hm_rdata *with_load_info(const hm_rdata *st, hm_z vmid, hm_z idx, hm_z load_addr,
				hm_z remap, hm_z mapped)
{
	hm_vminfo *info = vminfo_edit(vminfo_at(st->shared->vminfos, vmid));
	SETP(info, VB.vm_load_addr, hm_map_set_z(info->VB.vm_load_addr, idx, load_addr));
	SETP(info, VB.vm_remap_addr, hm_map_set_z(info->VB.vm_remap_addr, idx, remap));
	SETP(info, VB.vm_mapped_pages, hm_map_set_z(info->VB.vm_mapped_pages, idx, mapped));
	hm_rdata *r = rd_edit(st);
	hm_shared *s = sh_edit(st->shared);
	SETP(s, vminfos, hm_map_set_ptr(s->vminfos, vmid, info));
	SETP(r, shared, s);
	return r;
}

static hm_rdata *with_host_elr(const hm_rdata *st, hm_z elr)
{
	hm_ctxt *c = ctxt_edit(st->regs);
	c->ctxt_regs.elr_el2 = elr;
	hm_rdata *r = rd_edit(st);
	SETP(r, regs, c);
	return r;
}

static hm_z fmem(const hm_rdata *st, hm_z pfn) { return hm_map_get_z(st->shared->flatmem, pfn); }
static hm_z dlog(const hm_rdata *st, hm_z vmid) { return hm_map_get_z(st->data_log, vmid); }

static void assert_page(const hm_rdata *st, hm_z pfn, hm_z owner, hm_z count, hm_z gfn)
{
	hm_s2page p = tf_page(st, pfn);
	assert_z_equal(p.s2_owner, owner);
	assert_z_equal(p.s2_count, count);
	assert_z_equal(p.s2_gfn, gfn);
}

static void assert_pt(const hm_rdata *st, hm_z vmid, hm_z gfn, hm_z pfn, hm_z level, hm_z pte)
{
	hm_z3 e = tf_pt(st, vmid, gfn);
	assert_z_equal(e.a, pfn);
	assert_z_equal(e.b, level);
	assert_z_equal(e.c, pte);
}

static void assert_rely(hm_sres r, const char *needle)
{
	assert_null(r.st);
	assert_non_null(r.rely);
	assert_non_null(strstr(r.rely, needle));
}

static hm_rdata *base(void)
{
	tf_reset();
	return tf_state();
}

/* ================= reset_sys_regs ================= */

static void test_reset_sys_regs_loopx_zero(void **state)
{
	tf_reset();
	hm_ctxt_regs r = tf_regs_pattern(1000);
	hm_ctxt_states s = tf_states_pattern(5000);
	hm_dorc d = hm_dorc_of(tf_doracle(), 2);
	/* n = O (also Z.to_nat of a negative): (cregs, cstates, logn, i) */
	for (hm_z n = 0; n >= -3; n -= 3) {
		reset_sys_regs_loopx_ret o = reset_sys_regs_loopx(n, MPIDR_EL1, 5, &r, &s, d, 7);
		assert_memory_equal(&o.cregs, &r, sizeof r);
		assert_memory_equal(&o.cstates, &s, sizeof s);
		assert_z_equal(o.logn, 7);
		assert_z_equal(o.i, MPIDR_EL1);
	}
}

static void test_reset_sys_regs_loopx_mpidr(void **state)
{
	tf_reset();
	hm_ctxt_regs r = tf_regs_pattern(1000);
	hm_ctxt_states s = tf_states_pattern(5000);
	hm_dorc d = hm_dorc_of(tf_doracle(), 2);
	/* vcpuid 0x12345: (0x12345 & 15) = 5; (0x1234 & 255) * 256 = 0x3400;
	 * (0x12 & 255) * 65536 = 0x120000; + 2^31 -> 0x80123405 */
	reset_sys_regs_loopx_ret o = reset_sys_regs_loopx(1, MPIDR_EL1, 0x12345, &r, &s, d, 7);
	hm_ctxt_regs want = r;
	want.mpidr_el1 = 0x80123405;
	assert_memory_equal(&o.cregs, &want, sizeof want);
	assert_memory_equal(&o.cstates, &s, sizeof s);
	assert_z_equal(o.logn, 7);
	assert_z_equal(o.i, MPIDR_EL1 + 1);
}

static void test_reset_sys_regs_loopx_actlr(void **state)
{
	tf_reset();
	hm_ctxt_regs r = tf_regs_pattern(1000);
	hm_ctxt_states s = tf_states_pattern(5000);
	hm_dorc d = hm_dorc_of(tf_doracle(), 2);
	/* ACTLR_EL1 := dorc logn', logn' + 1 */
	reset_sys_regs_loopx_ret o = reset_sys_regs_loopx(1, ACTLR_EL1, 0, &r, &s, d, 7);
	hm_ctxt_regs want = r;
	want.actlr_el1 = TF_DORC(2, 7);
	assert_memory_equal(&o.cregs, &want, sizeof want);
	assert_z_equal(o.logn, 8);
	assert_z_equal(o.i, ACTLR_EL1 + 1);
}

static void test_reset_sys_regs_loopx_reg_desc(void **state)
{
	tf_reset();
	tf_platform_install();
	hm_ctxt_regs r = tf_regs_pattern(1000);
	hm_ctxt_states s = tf_states_pattern(5000);
	hm_dorc d = hm_dorc_of(tf_doracle(), 2);
	/* SCTLR_EL1 (49) := reg_desc 49 = 0x131 */
	reset_sys_regs_loopx_ret o = reset_sys_regs_loopx(1, SCTLR_EL1, 0, &r, &s, d, 7);
	hm_ctxt_regs want = r;
	want.sctlr_el1 = 0x131;
	assert_memory_equal(&o.cregs, &want, sizeof want);
	assert_z_equal(o.logn, 7);
	/* two steps from 69: MDCCINT_EL1 is kept nowhere, then ELR_EL2 (70)
	 * := reg_desc 70 = 0x146; i = 71 */
	o = reset_sys_regs_loopx(2, MDCCINT_EL1, 0, &r, &s, d, 7);
	want = r;
	want.elr_el2 = 0x146;
	assert_memory_equal(&o.cregs, &want, sizeof want);
	assert_memory_equal(&o.cstates, &s, sizeof s);
	assert_z_equal(o.i, 71);
	tf_platform_remove();
}

static void test_reset_sys_regs_specx(void **state)
{
	tf_reset();
	tf_platform_install();
	hm_ctxt_regs r = tf_regs_pattern(1000);
	hm_ctxt_states s = tf_states_pattern(5000);
	hm_dorc d = hm_dorc_of(tf_doracle(), 2);
	/* 24 registers from 47: MPIDR_EL1 (vcpuid 3 -> 3 + 2^31), ACTLR_EL1
	 * from dorc 10, the others reg_desc i = 0x100 + i, ESR_EL1 (55) in
	 * cstates, MDCCINT_EL1 (69) nowhere, ELR_EL2 (70) reset too. */
	hm_cregs_cstates_logn o = reset_sys_regs_specx(3, &r, &s, d, 10);
	hm_ctxt_regs w = r;
	hm_ctxt_states ws = s;
	w.mpidr_el1 = 0x80000003;
	w.csselr_el1 = 0x130;
	w.sctlr_el1 = 0x131;
	w.actlr_el1 = TF_DORC(2, 10);
	w.cpacr_el1 = 0x133;
	w.ttbr0_el1 = 0x134;
	w.ttbr1_el1 = 0x135;
	w.tcr_el1 = 0x136;
	ws.esr_el1 = 0x137;
	w.afsr0_el1 = 0x138;
	w.afsr1_el1 = 0x139;
	w.far_el1 = 0x13a;
	w.mair_el1 = 0x13b;
	w.vbar_el1 = 0x13c;
	w.contextidr_el1 = 0x13d;
	w.tpidr_el0 = 0x13e;
	w.tpidrro_el0 = 0x13f;
	w.tpidr_el1 = 0x140;
	w.amair_el1 = 0x141;
	w.cntkctl_el1 = 0x142;
	w.par_el1 = 0x143;
	w.mdscr_el1 = 0x144;
	w.elr_el2 = 0x146;
	assert_memory_equal(&o.cregs, &w, sizeof w);
	assert_memory_equal(&o.cstates, &ws, sizeof ws);
	assert_z_equal(o.logn, 11);
	tf_platform_remove();
}

/* ================= sync_dirty_to_shadow ================= */

static void test_sync_dirty_loopx_zero(void **state)
{
	tf_reset();
	hm_ctxt_regs r = tf_regs_pattern(1000);
	hm_ctxt_states s = tf_states_pattern(5000);
	sync_dirty_to_shadow_loopx_ret o =
		sync_dirty_to_shadow_loopx(0, 4, -1, &r, &s, hm_dorc_of(tf_doracle(), 1), 9);
	assert_z_equal(o.i, 4);
	assert_memory_equal(&o.cregs, &r, sizeof r);
	assert_memory_equal(&o.cstates, &s, sizeof s);
	assert_z_equal(o.logn, 9);
}

static void test_sync_dirty_specx_clean(void **state)
{
	tf_reset();
	hm_ctxt_regs r = tf_regs_pattern(1000);
	hm_ctxt_states s = tf_states_pattern(5000);
	/* no dirty bit: 31 steps that only advance i */
	hm_cregs_cstates_logn o =
		sync_dirty_to_shadow_specx(1, 0, &r, &s, 4, hm_dorc_of(tf_doracle(), 1));
	assert_memory_equal(&o.cregs, &r, sizeof r);
	assert_memory_equal(&o.cstates, &s, sizeof s);
	assert_z_equal(o.logn, 4);
}

static void test_sync_dirty_specx_bits(void **state)
{
	tf_reset();
	hm_ctxt_regs r = tf_regs_pattern(1000);
	hm_ctxt_states s = tf_states_pattern(5000);
	/* bits 0, 5, 30 are visited (i = 0 .. 30); 31 and 32 are not. Each
	 * dirty register gets `dorc logn` with the initial logn 4 (the Coq
	 * reads logn, not logn'); logn' counts 3 writes. */
	hm_z dirty = 1 | (1 << 5) | ((hm_z)1 << 30) | ((hm_z)1 << 31) | ((hm_z)1 << 32);
	hm_cregs_cstates_logn o =
		sync_dirty_to_shadow_specx(1, dirty, &r, &s, 4, hm_dorc_of(tf_doracle(), 1));
	hm_ctxt_regs w = r;
	w.x0 = TF_DORC(1, 4);
	w.x5 = TF_DORC(1, 4);
	w.x30 = TF_DORC(1, 4);
	assert_memory_equal(&o.cregs, &w, sizeof w);
	assert_memory_equal(&o.cstates, &s, sizeof s);
	assert_z_equal(o.logn, 7);
}

static void test_sync_dirty_loopx_past_x30(void **state)
{
	tf_reset();
	hm_ctxt_regs r = tf_regs_pattern(1000);
	hm_ctxt_states s = tf_states_pattern(5000);
	/* from i = 31 (SP: no field, but logn' still + 1) then 32 (PC) */
	hm_z dirty = (hm_z)3 << 31;
	sync_dirty_to_shadow_loopx_ret o =
		sync_dirty_to_shadow_loopx(2, 31, dirty, &r, &s, hm_dorc_of(tf_doracle(), 1), 10);
	hm_ctxt_states ws = s;
	ws.pc = TF_DORC(1, 10);
	assert_z_equal(o.i, 33);
	assert_memory_equal(&o.cregs, &r, sizeof r);
	assert_memory_equal(&o.cstates, &ws, sizeof ws);
	assert_z_equal(o.logn, 12);
}

/* ================= update_exception / prep_wfx / prep_abort ================= */

static void test_update_exception_gp_regs(void **state)
{
	tf_platform_install(); /* exception_vector p = 0x800 + p: not used */
	hm_ctxt_regs r = tf_regs_pattern(1000);
	hm_ctxt_states s = tf_states_pattern(5000); /* pc 5000, pstate 5001 */
	hm_cregs_cstates o = update_exception_gp_regs_specx(&r, &s);
	hm_ctxt_regs w = r;
	hm_ctxt_states ws = s;
	w.elr_el1 = 5000;
	ws.spsr_0 = 5001;
	ws.esr_el1 = 0;   /* ESR_ELx_EC_UNKNOWN */
	ws.pstate = 965;  /* PSTATE_FAULT_BITS_64 */
	/* pc stays 5000: new_pc is bound and dropped */
	assert_memory_equal(&o.cregs, &w, sizeof w);
	assert_memory_equal(&o.cstates, &ws, sizeof ws);
	tf_platform_remove();
}

static void test_prep_wfx(void **state)
{
	hm_ctxt_states s = tf_states_pattern(5000);
	hm_ctxt_states o = prep_wfx_specx(&s);
	hm_ctxt_states w = s;
	w.dirty = (hm_z)1 << 32; /* DIRTY_PC_FLAG */
	assert_memory_equal(&o, &w, sizeof w);
}

static prep_abort_specx_ret abort_with(hm_z hpfar, hm_z esr)
{
	tf_reset();
	tf_doracle_script(1, 3, esr);
	hm_ctxt_regs r = tf_regs_pattern(1000);
	r.hpfar_el2 = hpfar;
	hm_ctxt_states s = tf_states_pattern(5000);
	return prep_abort_specx(&r, &s, 3, hm_dorc_of(tf_doracle(), 1));
}

static void test_prep_abort_read(void **state)
{
	/* hpfar 0x100: fault_ipa = 0x10 * 4096 = 0x10000 < 2^30; esr 37 << 16:
	 * Rd = 37 mod 32 = 5, no WNR, no S1PTW -> dirty = 1 << 5 only */
	prep_abort_specx_ret o = abort_with(0x100, (hm_z)37 << 16);
	hm_ctxt_states w = tf_states_pattern(5000);
	w.dirty = 32;
	assert_memory_equal(&o.cstates, &w, sizeof w);
	assert_z_equal(o.logn, 4);
	/* the last page below MAX_MMIO_ADDR: hpfar 0x3FFFFF -> 0x3FFFF000 */
	o = abort_with(0x3FFFFF, 0);
	assert_z_equal(o.cstates.dirty, 1); /* Rd 0 */
}

static void test_prep_abort_write(void **state)
{
	/* WNR (0x40) set -> dirty = DIRTY_PC_FLAG */
	prep_abort_specx_ret o = abort_with(0x100, ((hm_z)5 << 16) | 0x40);
	hm_ctxt_states w = tf_states_pattern(5000);
	w.dirty = (hm_z)1 << 32;
	assert_memory_equal(&o.cstates, &w, sizeof w);
	assert_z_equal(o.logn, 4);
	/* S1PTW (0x80) set -> the same */
	o = abort_with(0x100, 0x80);
	assert_memory_equal(&o.cstates, &w, sizeof w);
}

static void test_prep_abort_not_mmio(void **state)
{
	/* hpfar 0x400000 -> fault_ipa 0x40000000 = MAX_MMIO_ADDR: not below,
	 * cstates unchanged, logn + 1 anyway */
	prep_abort_specx_ret o = abort_with(0x400000, 0);
	hm_ctxt_states w = tf_states_pattern(5000);
	assert_memory_equal(&o.cstates, &w, sizeof w);
	assert_z_equal(o.logn, 4);
}

/* ================= is_smmu_range_loop_h / search_load_info_loop_h ================= */

static hm_smmu_conf *two_smmus(void)
{
	hm_smmu_conf *c = smmu_conf_edit(hm_smmu_conf_empty());
	SETP(c, smmu_phys_base, hm_map_set_z(c->smmu_phys_base, 0, 0x10000000));
	SETP(c, smmu_size, hm_map_set_z(c->smmu_size, 0, 0x10000));
	SETP(c, smmu_phys_base, hm_map_set_z(c->smmu_phys_base, 1, 0x10008000));
	SETP(c, smmu_size, hm_map_set_z(c->smmu_size, 1, 0x20000));
	return c;
}

static void test_is_smmu_range_loop(void **state)
{
	hm_smmu_conf *c = two_smmus();
	/* SMMU 0: [0x10000000, 0x10010000), SMMU 1: [0x10008000, 0x10028000) */
	is_smmu_range_loop_h_ret o = is_smmu_range_loop_h(0, 0x10000000, 0, INVALID, c);
	assert_z_equal(o.i, 0);
	assert_z_equal(o.res, INVALID);
	o = is_smmu_range_loop_h(2, 0x10000000, 0, INVALID, c); /* only in 0 */
	assert_z_equal(o.i, 2);
	assert_z_equal(o.res, 0);
	o = is_smmu_range_loop_h(2, 0x10020000, 0, INVALID, c); /* only in 1 */
	assert_z_equal(o.res, 1);
	o = is_smmu_range_loop_h(2, 0x10008000, 0, INVALID, c); /* both: the last wins */
	assert_z_equal(o.res, 1);
	o = is_smmu_range_loop_h(2, 0x10028000, 0, INVALID, c); /* end excluded */
	assert_z_equal(o.res, INVALID);
	o = is_smmu_range_loop_h(1, 0x10000000, 0, INVALID, c); /* one step: SMMU 0 */
	assert_z_equal(o.i, 1);
	assert_z_equal(o.res, 0);
	o = is_smmu_range_loop_h(1, 0x10000000, 1, INVALID, c); /* from i = 1 */
	assert_z_equal(o.i, 2);
	assert_z_equal(o.res, INVALID);
}

static void test_search_load_info_loop(void **state)
{
	hm_boot_info b = vminfo_at(hm_rdata_empty()->shared->vminfos, 1)->VB;
	b.vm_load_addr = hm_map_set_z(hm_map_set_z(b.vm_load_addr, 0, 0x1000), 1, 0x10000);
	b.vm_load_size = hm_map_set_z(hm_map_set_z(b.vm_load_size, 0, 0x2000), 1, 0x1000);
	b.vm_remap_addr =
		hm_map_set_z(hm_map_set_z(b.vm_remap_addr, 0, 0x2000000), 1, 0x3000000);
	search_load_info_loop_h_ret o = search_load_info_loop_h(0, 0, 0x1800, 0, &b);
	assert_z_equal(o.idx, 0);
	assert_z_equal(o.ret, 0);
	o = search_load_info_loop_h(2, 0, 0x1800, 0, &b); /* 0x800 into entry 0 */
	assert_z_equal(o.idx, 2);
	assert_z_equal(o.ret, 0x2000800);
	o = search_load_info_loop_h(2, 0, 0x10010, 0, &b); /* 0x10 into entry 1 */
	assert_z_equal(o.ret, 0x3000010);
	o = search_load_info_loop_h(2, 0, 0x3000, 77, &b); /* 0x1000 + 0x2000: excluded */
	assert_z_equal(o.ret, 77);
	o = search_load_info_loop_h(1, 1, 0x1800, 5, &b); /* only entry 1 looked at */
	assert_z_equal(o.idx, 2);
	assert_z_equal(o.ret, 5);
}

/* ================= handle_host_mmio_spec_h ================= */

static hm_ctxt_regs mmio_cregs(hm_z x3)
{
	hm_ctxt_regs r = tf_regs_pattern(0);
	r.x3 = x3;
	return r;
}

static handle_host_mmio_spec_h_ret mmio(hm_z index, hm_z fault_ipa, hm_z len, hm_z is_write,
					hm_z rt, hm_z x3, const hm_map *smmu)
{
	tf_reset();
	hm_ctxt_regs c = mmio_cregs(x3);
	hm_ctxt_states s = tf_states_pattern(5000);
	hm_ctxt_regs rc = tf_regs_pattern(2000);
	rc.elr_el2 = 0x8000;
	return handle_host_mmio_spec_h(index, fault_ipa, len, is_write, rt, &c, &s, &rc,
				       hm_dorc_of(tf_doracle(), HOST), 7, smmu);
}

/* (false, logn, cregs, cstates, rcregs {esr_el2: 0x8004}) */
static void assert_mmio_ok(handle_host_mmio_spec_h_ret o, hm_z x3)
{
	assert_false(o.halt);
	assert_z_equal(o.logn, 7);
	hm_ctxt_regs c = mmio_cregs(x3);
	assert_memory_equal(&o.cregs, &c, sizeof c);
	hm_ctxt_regs rc = tf_regs_pattern(2000);
	rc.elr_el2 = 0x8000;
	rc.esr_el2 = 0x8004;
	assert_memory_equal(&o.rcregs, &rc, sizeof rc);
}

/* (true, logn, cregs, cstates, rcregs) */
static void assert_mmio_halt(handle_host_mmio_spec_h_ret o, hm_z x3)
{
	assert_true(o.halt);
	assert_z_equal(o.logn, 7);
	hm_ctxt_regs c = mmio_cregs(x3);
	assert_memory_equal(&o.cregs, &c, sizeof c);
	hm_ctxt_regs rc = tf_regs_pattern(2000);
	rc.elr_el2 = 0x8000;
	assert_memory_equal(&o.rcregs, &rc, sizeof rc);
	hm_ctxt_states s = tf_states_pattern(5000);
	assert_memory_equal(&o.cstates, &s, sizeof s);
}

static void test_mmio_read_8(void **state)
{
	hm_map *smmu = hm_map_new_z(INVALID);
	/* data = dorc 7 = 0x5A5A000000000007 into x3; logn 8; esr_el2 := elr + 4 */
	handle_host_mmio_spec_h_ret o = mmio(0, 0x10000000, 8, 0, 3, 0x1111, smmu);
	assert_false(o.halt);
	assert_z_equal(o.logn, 8);
	hm_ctxt_regs c = mmio_cregs(0x5A5A000000000007LL);
	assert_memory_equal(&o.cregs, &c, sizeof c);
	assert_z_equal(o.rcregs.esr_el2, 0x8004);
	assert_z_equal(o.rcregs.elr_el2, 0x8000);
	/* rt = PC (32) writes the pc of cstates */
	o = mmio(0, 0x10000000, 8, 0, PC, 0x1111, smmu);
	assert_z_equal(o.cstates.pc, 0x5A5A000000000007LL);
	assert_z_equal(o.cregs.x3, 0x1111);
}

static void test_mmio_read_4(void **state)
{
	hm_map *smmu = hm_map_new_z(INVALID);
	/* Z.land data INVALID keeps the low 32 bits: 7 */
	handle_host_mmio_spec_h_ret o = mmio(0, 0x10000000, 4, 0, 3, 0x1111, smmu);
	assert_false(o.halt);
	assert_z_equal(o.logn, 8);
	assert_z_equal(o.cregs.x3, 7);
	assert_z_equal(o.rcregs.esr_el2, 0x8004);
}

static void test_mmio_read_other_len(void **state)
{
	hm_map *smmu = hm_map_new_z(INVALID);
	assert_mmio_halt(mmio(0, 0x10000000, 2, 0, 3, 0x1111, smmu), 0x1111);
}

static void test_mmio_write_global_sCR0(void **state)
{
	hm_map *smmu = hm_map_new_z(INVALID);
	/* offset 0 (sCR0): bit sCR0_SMCFCFG_SHIFT (21) of x3 set -> ret 1 ->
	 * ret_state; write: logn unchanged */
	assert_mmio_ok(mmio(0, 0x10000000, 4, 64, 3, (hm_z)1 << 21, smmu), (hm_z)1 << 21);
	assert_mmio_ok(mmio(0, 0x10000000, 8, 64, 3, (hm_z)1 << 21, smmu), (hm_z)1 << 21);
	/* bit 21 clear -> ret 0 -> halt */
	assert_mmio_halt(mmio(0, 0x10000000, 4, 64, 3, 0, smmu), 0);
	assert_mmio_halt(mmio(0, 0x10000000, 4, 64, 3, (hm_z)1 << 22, smmu), (hm_z)1 << 22);
}

static void test_mmio_write_global_sCR2(void **state)
{
	hm_map *smmu = hm_map_new_z(INVALID);
	/* offset 8 (sCR2): low byte 0 -> 1, else 0 */
	assert_mmio_ok(mmio(0, 0x10000008, 8, 64, 3, 0x100, smmu), 0x100);
	assert_mmio_halt(mmio(0, 0x10000008, 8, 64, 3, 0x101, smmu), 0x101);
	/* only the low 16 bits of the address are the offset */
	assert_mmio_halt(mmio(0, 0x12340008, 8, 64, 3, 0x101, smmu), 0x101);
}

static void test_mmio_write_global_other(void **state)
{
	hm_map *smmu = hm_map_new_z(INVALID);
	assert_mmio_ok(mmio(0, 0x10000010, 4, 64, 3, 0, smmu), 0);
	/* offset 0x1000 = ARM_SMMU_GR1_BASE is in the first range (<=), so bank
	 * 0's CBAR is never checked: accepted although vmid 3 != 5, type 1 */
	hm_map *m = hm_map_set_z(smmu, smmu_id(1, 0), 3);
	assert_mmio_ok(mmio(1, 0x10001000, 4, 64, 3, 0x10005, m), 0x10005);
	/* a length other than 4 or 8 with ret 1: ret_state halts */
	assert_mmio_halt(mmio(0, 0x10000010, 2, 64, 3, 0, smmu), 0);
}

static void test_mmio_write_gr1(void **state)
{
	/* offset 0x1004: n = 1, smmu_id 1 1 = 9 */
	hm_map *none = hm_map_new_z(INVALID);
	hm_map *zero = hm_map_set_z(none, 9, 0);
	hm_map *three = hm_map_set_z(none, 9, 3);
	/* vmid 0 -> 1 */
	assert_mmio_ok(mmio(1, 0x10001004, 4, 64, 3, 0x10005, zero), 0x10005);
	/* type 0 (S2 translation) and vmid 3 = data & 255 -> 1 */
	assert_mmio_ok(mmio(1, 0x10001004, 4, 64, 3, 3, three), 3);
	/* type 1 -> 0 -> halt */
	assert_mmio_halt(mmio(1, 0x10001004, 4, 64, 3, 0x10003, three), 0x10003);
	/* vmid 3 != 5 -> halt */
	assert_mmio_halt(mmio(1, 0x10001004, 4, 64, 3, 5, three), 5);
	/* no entry: INVALID is neither 0 nor data & 255 -> halt */
	assert_mmio_halt(mmio(1, 0x10001004, 4, 64, 3, 0xff, none), 0xff);
	/* the last word 0x17fc: n = 511, smmu_id 1 511 = 519, no entry */
	assert_mmio_halt(mmio(1, 0x100017fc, 4, 64, 3, 0, none), 0);
	/* index 0 reads smmu_id 0 1 = 1, which has no entry: halt */
	assert_mmio_halt(mmio(0, 0x10001004, 4, 64, 3, 3, three), 3);
}

static void test_mmio_write_between_gr1_and_cb(void **state)
{
	hm_map *none = hm_map_new_z(INVALID);
	/* 0x1800 = ARM_SMMU_GR1_END and 0x7fff: neither range -> 1 */
	assert_mmio_ok(mmio(0, 0x10001800, 8, 64, 3, 5, none), 5);
	assert_mmio_ok(mmio(0, 0x10007fff, 8, 64, 3, 5, none), 5);
}

static void test_mmio_write_context_bank(void **state)
{
	hm_map *none = hm_map_new_z(INVALID);
	/* offset 0xA020: off' = 0x2020, cb_offset 0x20 = TTBR0 -> ret_state */
	assert_mmio_ok(mmio(0, 0x1000A020, 8, 64, 3, 5, none), 5);
	assert_mmio_halt(mmio(0, 0x1000A020, 1, 64, 3, 5, none), 5);
	/* cb_offset 0x34 = CONTEXTIDR -> halt whatever the length */
	assert_mmio_halt(mmio(0, 0x10008034, 8, 64, 3, 5, none), 5);
	/* cb_offset 0 -> ret_state */
	assert_mmio_ok(mmio(0, 0x10008000, 4, 64, 3, 5, none), 5);
}

/* ================= prot_and_map_vm_loop_h ================= */

static void test_prot_and_map_loop_zero(void **state)
{
	hm_rdata *st = base();
	for (hm_z n = 0; n >= -5; n -= 5) {
		prot_and_map_vm_loop_h_ret o = prot_and_map_vm_loop_h(n, 1, 0x100, 0x40000, st);
		assert_ptr_equal(o.r.st, st);
		assert_z_equal(o.gfn, 0x100);
		assert_z_equal(o.pfn, 0x40000);
	}
}

static void test_prot_and_map_loop_halted(void **state)
{
	hm_rdata *st = t_with_halt(base(), true);
	/* every step takes `halt adt'`: gfn + 3, pfn + 3, adt unchanged */
	prot_and_map_vm_loop_h_ret o = prot_and_map_vm_loop_h(3, 1, 0x100, 0x40000, st);
	assert_ptr_equal(o.r.st, st);
	assert_z_equal(o.gfn, 0x103);
	assert_z_equal(o.pfn, 0x40003);
}

static void test_prot_and_map_loop_two_pages(void **state)
{
	hm_rdata *st = base();
	st = with_page(st, 0x40000, HOST, 0, 0x40000 + SMMU_HOST_OFFSET);
	st = with_page(st, 0x40001, HOST, 0, 0x40001 + SMMU_HOST_OFFSET);
	st = tf_with_data_log(st, 1, 5);
	/* Each step: host page with count 0 and no host mapping (pte 0) ->
	 * s2page := (vm, 0, gfn'), flatmem := dorc logn, logn + 1. The event
	 * carries the loop's initial gfn 0x100 / pfn 0x40000 both times. */
	prot_and_map_vm_loop_h_ret o = prot_and_map_vm_loop_h(2, 1, 0x100, 0x40000, st);
	const hm_rdata *r = o.r.st;
	assert_non_null(r);
	assert_z_equal(o.gfn, 0x102);
	assert_z_equal(o.pfn, 0x40002);
	assert_false(r->halt);
	assert_page(r, 0x40000, 1, 0, 0x100);
	assert_page(r, 0x40001, 1, 0, 0x101);
	assert_z_equal(fmem(r, 0x40000), TF_DORC(1, 5));
	assert_z_equal(fmem(r, 0x40001), TF_DORC(1, 6));
	assert_z_equal(dlog(r, 1), 7);
	const hm_slog *e = r->slog;
	e = TF_SEVENT(e, TF_CPU, HM_AEV_OASSIGN_VM, st->doracle, 1, 0x100, 0x40000, 6);
	e = TF_SEVENT(e, TF_CPU, HM_AEV_OASSIGN_VM, st->doracle, 1, 0x100, 0x40000, 5);
	assert_null(e);
	/* nothing else changed */
	hm_rdata *w = with_page(st, 0x40000, 1, 0, 0x100);
	w = with_page(w, 0x40001, 1, 0, 0x101);
	w = with_flatmem(w, 0x40000, TF_DORC(1, 5));
	w = with_flatmem(w, 0x40001, TF_DORC(1, 6));
	w = tf_with_data_log(w, 1, 7);
	SETP(w, slog, r->slog);
	t_assert_state_equal(r, w);
}

static void test_prot_and_map_loop_halts_midway(void **state)
{
	hm_rdata *st = base();
	st = with_page(st, 0x40000, HOST, 0, 0);
	st = with_page(st, 0x40001, 2, 0, 0x55); /* owned by VM 2 */
	st = tf_with_data_log(st, 1, 5);
	/* step 1 assigns 0x40000 (logn 6); step 2: owner 2 is neither the host
	 * nor vmid 1 -> halt, hlock S2PAGE_ID := false, logn stays 6; step 3
	 * halted: counters only. */
	prot_and_map_vm_loop_h_ret o = prot_and_map_vm_loop_h(3, 1, 0x100, 0x40000, st);
	const hm_rdata *r = o.r.st;
	assert_non_null(r);
	assert_z_equal(o.gfn, 0x103);
	assert_z_equal(o.pfn, 0x40003);
	assert_true(r->halt);
	assert_false(tf_hlock(r, S2PAGE_ID));
	assert_true(tf_hlock(r, NPT_ID));
	assert_page(r, 0x40000, 1, 0, 0x100);
	assert_page(r, 0x40001, 2, 0, 0x55);
	assert_z_equal(dlog(r, 1), 6);
	const hm_slog *e = r->slog;
	e = TF_SEVENT(e, TF_CPU, HM_AEV_OASSIGN_VM, st->doracle, 1, 0x100, 0x40000, 6);
	e = TF_SEVENT(e, TF_CPU, HM_AEV_OASSIGN_VM, st->doracle, 1, 0x100, 0x40000, 5);
	assert_null(e);
}

static void test_prot_and_map_loop_relies(void **state)
{
	hm_rdata *st = with_page(base(), 0x40000, HOST, 0, 0);
	assert_rely(prot_and_map_vm_loop_h(1, 1, 0x100, 0x40000, tf_with_hlock(st, S2PAGE_ID, false)).r,
		    "S2PAGE_ID");
	assert_rely(prot_and_map_vm_loop_h(1, 1, 0x100, 0x40000, tf_with_hlock(st, NPT_ID, false)).r,
		    "NPT_ID");
}

static void test_prot_and_map_loop_queries_oracle(void **state)
{
	hm_rdata *st = tf_with_soracle(with_page(base(), 0x40000, HOST, 0, 0), tf_soracle_one());
	/* query_oracle puts the other CPU's event before ours */
	prot_and_map_vm_loop_h_ret o = prot_and_map_vm_loop_h(1, 1, 0x100, 0x40000, st);
	const hm_slog *e = o.r.st->slog;
	e = TF_SEVENT(e, TF_CPU, HM_AEV_OASSIGN_VM, st->doracle, 1, 0x100, 0x40000, 0);
	e = TF_SEVENT(e, TF_OTHER_CPU, HM_AEV_OVM_GET, NULL, TF_OTHER_VMID);
	assert_null(e);
}

/* ================= prot_and_map_vm_s2pt_spec_h ================= */

static void test_prot_and_map_s2pt_halted(void **state)
{
	hm_rdata *st = t_with_halt(base(), true);
	hm_sres r = prot_and_map_vm_s2pt_spec_h(st, 1, 0x5000, 0x40000000, 3);
	assert_ptr_equal(r.st, st);
}

static void test_prot_and_map_s2pt_level3(void **state)
{
	hm_rdata *st = with_page(base(), 0x40000, HOST, 0, 0);
	st = tf_with_data_log(st, 1, 2);
	/* gfn 5, pfn 0x40000: assign (s2page (1, 0, 5), flatmem dorc 2, logn 3),
	 * then map_pfn_vm at level 3: pte' = 0x40000000 | PAGE_S2_KERNEL (0xfff),
	 * VM 1's empty NPT has room -> pt[5] = (0x40000, 3, 0x40000fff). The
	 * level 7 takes the same path as 3. */
	for (hm_z level = 3; level <= 7; level += 4) {
		hm_sres r = prot_and_map_vm_s2pt_spec_h(st, 1, 0x5000, 0x40000000, level);
		assert_non_null(r.st);
		assert_false(r.st->halt);
		assert_page(r.st, 0x40000, 1, 0, 5);
		assert_z_equal(fmem(r.st, 0x40000), TF_DORC(1, 2));
		assert_z_equal(dlog(r.st, 1), 3);
		assert_pt(r.st, 1, 5, 0x40000, 3, 0x40000fff);
		const hm_slog *e = r.st->slog;
		e = TF_SEVENT(e, TF_CPU, HM_AEV_OMAP_VM, NULL, 1, 0x5000, 0x40000000, 3);
		e = TF_SEVENT(e, TF_CPU, HM_AEV_OASSIGN_VM, st->doracle, 1, 5, 0x40000, 2);
		assert_null(e);
	}
}

static void test_prot_and_map_s2pt_level3_assign_halts(void **state)
{
	/* page 0x40000 has no owner (INVALID): the assignment halts and drops
	 * S2PAGE_ID, but the mapping still runs and its halt (false) replaces
	 * the assignment's. */
	hm_rdata *st = tf_with_data_log(base(), 1, 2);
	hm_sres r = prot_and_map_vm_s2pt_spec_h(st, 1, 0x5000, 0x40000000, 3);
	assert_non_null(r.st);
	assert_false(r.st->halt);
	assert_false(tf_hlock(r.st, S2PAGE_ID));
	assert_true(tf_hlock(r.st, NPT_ID)); /* only S2PAGE_ID is dropped */
	assert_page(r.st, 0x40000, INVALID, 0, INVALID64);
	assert_z_equal(dlog(r.st, 1), 2);
	assert_pt(r.st, 1, 5, 0x40000, 3, 0x40000fff);
}

static void test_prot_and_map_s2pt_level3_relies(void **state)
{
	hm_rdata *st = with_page(base(), 0x40000, HOST, 0, 0);
	assert_rely(prot_and_map_vm_s2pt_spec_h(tf_with_hlock(st, S2PAGE_ID, false), 1, 0x5000,
						0x40000000, 3),
		    "S2PAGE_ID");
	/* NPT_ID + 1 is checked after the assignment */
	assert_rely(prot_and_map_vm_s2pt_spec_h(tf_with_hlock(st, NPT_ID + 1, false), 1, 0x5000,
						0x40000000, 3),
		    "NPT_ID + vmid");
}

static void test_prot_and_map_s2pt_level2_loop_halts(void **state)
{
	/* gfn 0x203 -> block start 0x200; the first page (0x40000) has no
	 * owner: the loop halts at once and the function returns it. */
	hm_rdata *st = base();
	hm_sres r = prot_and_map_vm_s2pt_spec_h(st, 1, 0x203000, 0x40000000, 2);
	assert_non_null(r.st);
	assert_true(r.st->halt);
	assert_false(tf_hlock(r.st, S2PAGE_ID));
	const hm_slog *e = r.st->slog;
	e = TF_SEVENT(e, TF_CPU, HM_AEV_OASSIGN_VM, st->doracle, 1, 0x200, 0x40000, 0);
	assert_null(e);
	assert_pt(r.st, 1, 0x200, 0, 0, 0);
}

static hm_rdata *block_of_host_pages(void)
{
	hm_rdata *st = base();
	for (hm_z i = 0; i < 512; i++)
		st = with_page(st, 0x40000 + i, HOST, 0, 0);
	return st;
}

static void test_prot_and_map_s2pt_level2(void **state)
{
	hm_rdata *st = block_of_host_pages();
	/* 512 assignments gfn 0x200 + i -> pfn 0x40000 + i with logn i, then a
	 * level-2 map: pte' = (0x40000000 | 0xfff) & ~2 = 0x40000ffd,
	 * pt[0x200 + i] = (0x40000 + i, 2, 0x40000ffd). */
	hm_sres r = prot_and_map_vm_s2pt_spec_h(st, 1, 0x203000, 0x40000000, 2);
	assert_non_null(r.st);
	assert_false(r.st->halt);
	assert_page(r.st, 0x40000, 1, 0, 0x200);
	assert_page(r.st, 0x401ff, 1, 0, 0x3ff);
	assert_z_equal(fmem(r.st, 0x40000), TF_DORC(1, 0));
	assert_z_equal(fmem(r.st, 0x401ff), TF_DORC(1, 511));
	assert_z_equal(dlog(r.st, 1), 512);
	assert_pt(r.st, 1, 0x200, 0x40000, 2, 0x40000ffd);
	assert_pt(r.st, 1, 0x3ff, 0x401ff, 2, 0x40000ffd);
	assert_pt(r.st, 1, 0x400, 0, 0, 0);
	assert_pt(r.st, 1, 0x1ff, 0, 0, 0);
	const hm_slog *e = r.st->slog;
	assert_int_equal(hm_slog_len(e), 513);
	e = TF_SEVENT(e, TF_CPU, HM_AEV_OMAP_VM, NULL, 1, 0x203000, 0x40000000, 2);
	e = TF_SEVENT(e, TF_CPU, HM_AEV_OASSIGN_VM, st->doracle, 1, 0x200, 0x40000, 511);
	while (e && e->next)
		e = e->next;
	TF_SEVENT(e, TF_CPU, HM_AEV_OASSIGN_VM, st->doracle, 1, 0x200, 0x40000, 0);
}

static void test_prot_and_map_s2pt_level2_rely(void **state)
{
	hm_rdata *st = tf_with_hlock(block_of_host_pages(), NPT_ID + 1, false);
	assert_rely(prot_and_map_vm_s2pt_spec_h(st, 1, 0x203000, 0x40000000, 2), "NPT_ID + vmid");
}

/* ================= clear_vm_loop_h ================= */

static void test_clear_vm_loop_zero_and_halted(void **state)
{
	hm_rdata *st = base();
	clear_vm_loop_h_ret o = clear_vm_loop_h(0, 0x40000, 1, st);
	assert_ptr_equal(o.r.st, st);
	assert_z_equal(o.pfn, 0x40000);
	hm_rdata *h = t_with_halt(st, true);
	o = clear_vm_loop_h(3, 0x40000, 1, h);
	assert_ptr_equal(o.r.st, h);
	assert_z_equal(o.pfn, 0x40003);
}

static void test_clear_vm_loop_two_pages(void **state)
{
	hm_rdata *st = base();
	st = with_flatmem(with_page(st, 0x40000, 1, 5, 0x77), 0x40000, 0x99);
	st = with_flatmem(with_page(st, 0x40001, 1, 0, 0x78), 0x40001, 0x98);
	/* owned by VM 1, no host mapping: page back to the host with gfn
	 * pfn + SMMU_HOST_OFFSET, contents zeroed */
	clear_vm_loop_h_ret o = clear_vm_loop_h(2, 0x40000, 1, st);
	const hm_rdata *r = o.r.st;
	assert_non_null(r);
	assert_z_equal(o.pfn, 0x40002);
	assert_false(r->halt);
	assert_page(r, 0x40000, HOST, 0, 0x40000 + 1000000000);
	assert_page(r, 0x40001, HOST, 0, 0x40001 + 1000000000);
	assert_z_equal(fmem(r, 0x40000), 0);
	assert_z_equal(fmem(r, 0x40001), 0);
	const hm_slog *e = r->slog;
	e = TF_SEVENT(e, TF_CPU, HM_AEV_OCLEAR_VM, NULL, 1, 0x40001);
	e = TF_SEVENT(e, TF_CPU, HM_AEV_OCLEAR_VM, NULL, 1, 0x40000);
	assert_null(e);
}

static void test_clear_vm_loop_not_owned(void **state)
{
	hm_rdata *st = with_page(base(), 0x40000, 2, 0, 0x77);
	clear_vm_loop_h_ret o = clear_vm_loop_h(1, 0x40000, 1, st);
	assert_false(o.r.st->halt);
	assert_page(o.r.st, 0x40000, 2, 0, 0x77);
	const hm_slog *e = TF_SEVENT(o.r.st->slog, TF_CPU, HM_AEV_OCLEAR_VM, NULL, 1, 0x40000);
	assert_null(e);
}

/* Page 0x40000 of VM 1 still mapped in the host NPT, whose pgd pool is
 * full (pt_pgd_next = pud_start 0): unmapping it from the host halts. */
static hm_rdata *host_pool_full(hm_rdata *st)
{
	st = tf_with_pt(st, HOST, 0x40000, 0x40000, 3, 0x40000fff);
	return tf_with_npt_next(st, HOST, pud_start(HOST), 0, 0);
}

static void test_clear_vm_loop_halts_midway(void **state)
{
	hm_rdata *st = host_pool_full(with_page(base(), 0x40000, 1, 0, 0x77));
	/* step 1 halts (S2PAGE_ID and NPT_ID dropped, page kept), steps 2 and
	 * 3 only advance pfn */
	clear_vm_loop_h_ret o = clear_vm_loop_h(3, 0x40000, 1, st);
	const hm_rdata *r = o.r.st;
	assert_z_equal(o.pfn, 0x40003);
	assert_true(r->halt);
	assert_false(tf_hlock(r, S2PAGE_ID));
	assert_false(tf_hlock(r, NPT_ID));
	assert_page(r, 0x40000, 1, 0, 0x77);
	const hm_slog *e = TF_SEVENT(r->slog, TF_CPU, HM_AEV_OCLEAR_VM, NULL, 1, 0x40000);
	assert_null(e);
}

static void test_clear_vm_loop_relies(void **state)
{
	hm_rdata *st = base();
	assert_rely(clear_vm_loop_h(1, 0x40000, 1, tf_with_hlock(st, S2PAGE_ID, false)).r,
		    "S2PAGE_ID");
	assert_rely(clear_vm_loop_h(1, 0x40000, 1, tf_with_hlock(st, NPT_ID, false)).r, "NPT_ID");
	/* a halted state never reaches the relies */
	assert_non_null(clear_vm_loop_h(2, 0x40000, 1,
					 t_with_halt(tf_with_hlock(st, NPT_ID, false), true))
				.r.st);
}

static void test_clear_vm_loop_queries_oracle(void **state)
{
	hm_rdata *st = tf_with_soracle(base(), tf_soracle_one());
	clear_vm_loop_h_ret o = clear_vm_loop_h(1, 0x40000, 1, st);
	const hm_slog *e = o.r.st->slog;
	e = TF_SEVENT(e, TF_CPU, HM_AEV_OCLEAR_VM, NULL, 1, 0x40000);
	e = TF_SEVENT(e, TF_OTHER_CPU, HM_AEV_OVM_GET, NULL, TF_OTHER_VMID);
	assert_null(e);
}

/* ================= unmap_and_load_loop_h ================= */

static void test_unmap_and_load_zero(void **state)
{
	hm_rdata *st = base();
	unmap_and_load_loop_h_ret o = unmap_and_load_loop_h(0, 1, PMD, 0x201000, 0x2000000, st);
	assert_ptr_equal(o.r.st, st);
	assert_z_equal(o.start, PMD);
	assert_z_equal(o.target, 0x201000);
	assert_z_equal(o.remap, 0x2000000);
}

static void test_unmap_and_load_halted(void **state)
{
	hm_rdata *st = t_with_halt(base(), true);
	/* step 1: (0x400000, 0x400000, 0x2000000 + (0x400000 - 0x201000) =
	 * 0x21ff000); steps 2, 3: + PMD_SIZE each -> 0x800000, 0x800000,
	 * 0x25ff000 */
	unmap_and_load_loop_h_ret o = unmap_and_load_loop_h(3, 1, PMD, 0x201000, 0x2000000, st);
	assert_ptr_equal(o.r.st, st);
	assert_z_equal(o.start, 0x800000);
	assert_z_equal(o.target, 0x800000);
	assert_z_equal(o.remap, 0x25ff000);
	o = unmap_and_load_loop_h(1, 1, PMD, 0x201000, 0x2000000, st);
	assert_z_equal(o.start, 0x400000);
	assert_z_equal(o.target, 0x400000);
	assert_z_equal(o.remap, 0x21ff000);
}

static void test_unmap_and_load_pte_zero(void **state)
{
	hm_rdata *st = base();
	/* COREVISOR's pt has nothing at 0x2000000 / 4096: OPT_GET 16, then
	 * halt; step 2 is the halted arm: (0x600000, 0x600000, 0x23ff000) */
	unmap_and_load_loop_h_ret o = unmap_and_load_loop_h(2, 1, PMD, 0x201000, 0x2000000, st);
	const hm_rdata *r = o.r.st;
	assert_true(r->halt);
	assert_z_equal(o.start, 0x600000);
	assert_z_equal(o.target, 0x600000);
	assert_z_equal(o.remap, 0x23ff000);
	const hm_slog *e = TF_SEVENT(r->slog, TF_CPU, HM_AEV_OPT_GET, NULL, COREVISOR);
	assert_null(e);
}

static void test_unmap_and_load_maps(void **state)
{
	/* pt[0x2000] = (_, 3, 0x40123fff): pfn = 0x40123000 / PMD_SIZE * 512 =
	 * 0x200 * 512 = 0x40000 (rounded down to the 2MB block); gfn =
	 * 0x200000 / 4096 = 0x200. prot_and_map at level 2 halts at its first
	 * assignment (page 0x40000 has no owner). */
	hm_rdata *st = tf_with_pt(base(), COREVISOR, 0x2000, 0x40123, 3, 0x40123fff);
	unmap_and_load_loop_h_ret o = unmap_and_load_loop_h(1, 1, PMD, 0x201000, 0x2000000, st);
	const hm_rdata *r = o.r.st;
	assert_non_null(r);
	assert_true(r->halt);
	assert_z_equal(o.start, 0x400000);
	assert_z_equal(o.target, 0x400000);
	assert_z_equal(o.remap, 0x21ff000);
	const hm_slog *e = r->slog;
	e = TF_SEVENT(e, TF_CPU, HM_AEV_OASSIGN_VM, st->doracle, 1, 0x200, 0x40000, 0);
	e = TF_SEVENT(e, TF_CPU, HM_AEV_OPT_GET, NULL, COREVISOR);
	assert_null(e);
}

static void test_unmap_and_load_relies(void **state)
{
	hm_rdata *st = tf_with_pt(base(), COREVISOR, 0x2000, 0x40123, 3, 0x40123fff);
	assert_rely(unmap_and_load_loop_h(1, 1, PMD, PMD, 0x2000000,
					  tf_with_hlock(st, NPT_ID + COREVISOR, false))
			    .r,
		    "NPT_ID + COREVISOR");
	/* None of prot_and_map_vm_s2pt_spec_h propagates */
	assert_rely(unmap_and_load_loop_h(1, 1, PMD, PMD, 0x2000000,
					  tf_with_hlock(st, S2PAGE_ID, false))
			    .r,
		    "S2PAGE_ID");
}

/* ================= verify_and_load_loop_h ================= */

static void test_verify_and_load_zero(void **state)
{
	hm_rdata *st = base();
	verify_and_load_loop_h_ret o = verify_and_load_loop_h(0, 1, 0, st);
	assert_ptr_equal(o.r.st, st);
	assert_z_equal(o.load_idx, 0);
}

static void test_verify_and_load_one(void **state)
{
	/* entry 0: load 0x200000, 1 page mapped: start 0x200000, end'
	 * 0x201000, num = (0x1000 + 2097151) / PMD = 1: one unmap step, which
	 * finds no COREVISOR mapping at 0x2000000 and halts */
	hm_rdata *st = with_load_info(base(), 1, 0, 0x200000, 0x2000000, 1);
	verify_and_load_loop_h_ret o = verify_and_load_loop_h(1, 1, 0, st);
	assert_z_equal(o.load_idx, 1);
	assert_true(o.r.st->halt);
	const hm_slog *e = TF_SEVENT(o.r.st->slog, TF_CPU, HM_AEV_OPT_GET, NULL, COREVISOR);
	assert_null(e);
}

static void test_verify_and_load_index_quirk(void **state)
{
	/* entries 0 and 1 have nothing mapped (num 0), entry 2 would halt.
	 * With n = 3 from load_idx 0 the Coq loads entries 0, 1, 1 (each step
	 * returns load_idx + 1 = 1), so entry 2 is never looked at. */
	hm_rdata *st = with_load_info(base(), 1, 0, 0x200000, 0x2000000, 0);
	st = with_load_info(st, 1, 1, 0x400000, 0x2200000, 0);
	st = with_load_info(st, 1, 2, 0x600000, 0x2400000, 1);
	verify_and_load_loop_h_ret o = verify_and_load_loop_h(3, 1, 0, st);
	assert_z_equal(o.load_idx, 1);
	assert_ptr_equal(o.r.st, st);
	/* control: starting at 2, entry 2 is loaded and halts */
	o = verify_and_load_loop_h(1, 1, 2, st);
	assert_z_equal(o.load_idx, 3);
	assert_true(o.r.st->halt);
}

static void test_verify_and_load_rely(void **state)
{
	hm_rdata *st = with_load_info(base(), 1, 0, 0x200000, 0x2000000, 1);
	assert_rely(verify_and_load_loop_h(1, 1, 0, tf_with_hlock(st, NPT_ID + COREVISOR, false)).r,
		    "NPT_ID + COREVISOR");
}

/* ================= kvm_phys_addr_ioremap_loop_h ================= */

static void test_ioremap_zero_and_halted(void **state)
{
	hm_rdata *st = base();
	kvm_phys_addr_ioremap_loop_h_ret o = kvm_phys_addr_ioremap_loop_h(0, 1, 0x9000000, 0x10000000, st);
	assert_ptr_equal(o.r.st, st);
	assert_z_equal(o.gpa, 0x9000000);
	assert_z_equal(o.pa, 0x10000000);
	hm_rdata *h = t_with_halt(st, true);
	o = kvm_phys_addr_ioremap_loop_h(3, 1, 0x9000000, 0x10000000, h);
	assert_ptr_equal(o.r.st, h);
	assert_z_equal(o.gpa, 0x9003000);
	assert_z_equal(o.pa, 0x10003000);
}

static void test_ioremap_two_pages(void **state)
{
	hm_rdata *st = tf_with_vm_state(base(), 1, READY);
	/* pages without owner: pte = pa | PAGE_S2_DEVICE | S2_RDWR
	 * = pa | 0x40000000000747 | 0xc0 = pa | 0x400000000007c7,
	 * pt[gpa / 4096] = (pa / 4096, 3, pte) */
	kvm_phys_addr_ioremap_loop_h_ret o = kvm_phys_addr_ioremap_loop_h(2, 1, 0x9000000, 0x10000000, st);
	const hm_rdata *r = o.r.st;
	assert_false(r->halt);
	assert_z_equal(o.gpa, 0x9002000);
	assert_z_equal(o.pa, 0x10002000);
	assert_pt(r, 1, 0x9000, 0x10000, 3, 0x400000100007c7LL);
	assert_pt(r, 1, 0x9001, 0x10001, 3, 0x400000100017c7LL);
	const hm_slog *e = r->slog;
	e = TF_SEVENT(e, TF_CPU, HM_AEV_OMAP_IO, NULL, 1, 0x9001000, 0x10001000);
	e = TF_SEVENT(e, TF_CPU, HM_AEV_OMAP_IO, NULL, 1, 0x9000000, 0x10000000);
	assert_null(e);
}

static void test_ioremap_not_ready(void **state)
{
	hm_rdata *st = base(); /* vm_state UNUSED */
	kvm_phys_addr_ioremap_loop_h_ret o = kvm_phys_addr_ioremap_loop_h(3, 1, 0x9000000, 0x10000000, st);
	const hm_rdata *r = o.r.st;
	assert_true(r->halt);
	assert_false(tf_hlock(r, INFO_ID + 1));
	assert_z_equal(o.gpa, 0x9003000);
	assert_z_equal(o.pa, 0x10003000);
	const hm_slog *e = TF_SEVENT(r->slog, TF_CPU, HM_AEV_OMAP_IO, NULL, 1, 0x9000000, 0x10000000);
	assert_null(e);
	assert_pt(r, 1, 0x9000, 0, 0, 0);
}

static void test_ioremap_owned_page(void **state)
{
	hm_rdata *st = with_page(tf_with_vm_state(base(), 1, READY), 0x10000, HOST, 0, 0);
	/* an owned page is not mapped, without halting */
	kvm_phys_addr_ioremap_loop_h_ret o = kvm_phys_addr_ioremap_loop_h(1, 1, 0x9000000, 0x10000000, st);
	assert_false(o.r.st->halt);
	assert_pt(o.r.st, 1, 0x9000, 0, 0, 0);
	assert_int_equal(hm_slog_len(o.r.st->slog), 1);
}

static void test_ioremap_relies(void **state)
{
	hm_rdata *st = tf_with_vm_state(base(), 1, READY);
	assert_rely(kvm_phys_addr_ioremap_loop_h(1, 1, 0, 0, tf_with_hlock(st, INFO_ID + 1, false)).r,
		    "INFO_ID + vmid");
	assert_rely(kvm_phys_addr_ioremap_loop_h(1, 1, 0, 0, tf_with_hlock(st, S2PAGE_ID, false)).r,
		    "S2PAGE_ID");
	assert_rely(kvm_phys_addr_ioremap_loop_h(1, 1, 0, 0, tf_with_hlock(st, NPT_ID + 1, false)).r,
		    "NPT_ID + vmid");
}

/* ================= grant_stage2_loop / revoke_stage2_loop ================= */

/* VM 1: gfn 0x10 -> page 0x40000 (level 3), gfn 0x11 unmapped, gfn 0x12 in
 * a level-2 block starting at 0x40200. Pages owned by VM 1, counts 0. */
static hm_rdata *desc_pages(hm_z count)
{
	hm_rdata *st = base();
	st = tf_with_pt(st, 1, 0x10, 0x40000, 3, 0x40000fff);
	st = tf_with_pt(st, 1, 0x12, 0x40200, 2, 0x40200ffd);
	st = with_page(st, 0x40000, 1, count, 0x10);
	st = with_page(st, 0x40200, 1, count, 0x12);
	st = with_page(st, 0x40212, 1, count, 0x12);
	return st;
}

static void test_grant_zero(void **state)
{
	hm_rdata *st = desc_pages(0);
	stage2_loop_ret o = grant_stage2_loop(0, 1, 0x10000, st);
	assert_ptr_equal(o.r.st, st);
	assert_z_equal(o.addr, 0x10000);
}

static void test_grant_one(void **state)
{
	hm_rdata *st = desc_pages(0);
	/* two OPT_GET reads, then OGRANT 1 0x40000 with count 0 -> 1 */
	stage2_loop_ret o = grant_stage2_loop(1, 1, 0x10000, st);
	const hm_rdata *r = o.r.st;
	assert_z_equal(o.addr, 0x11000);
	assert_page(r, 0x40000, 1, 1, 0x10);
	const hm_slog *e = r->slog;
	e = TF_SEVENT(e, TF_CPU, HM_AEV_OGRANT, NULL, 1, 0x40000);
	e = TF_SEVENT(e, TF_CPU, HM_AEV_OPT_GET, NULL, 1);
	e = TF_SEVENT(e, TF_CPU, HM_AEV_OPT_GET, NULL, 1);
	assert_null(e);
	assert_false(r->halt);
}

static void test_grant_several(void **state)
{
	hm_rdata *st = desc_pages(0);
	/* gfn 0x10: granted; 0x11: pfn 0, reads only; 0x12: a level-2 entry,
	 * the Coq grants pfn (0x40200), not pfn' = 0x40200 + (0x12 & 511) */
	stage2_loop_ret o = grant_stage2_loop(3, 1, 0x10000, st);
	const hm_rdata *r = o.r.st;
	assert_z_equal(o.addr, 0x13000);
	assert_page(r, 0x40000, 1, 1, 0x10);
	assert_page(r, 0x40200, 1, 1, 0x12);
	assert_page(r, 0x40212, 1, 0, 0x12);
	const hm_slog *e = r->slog;
	e = TF_SEVENT(e, TF_CPU, HM_AEV_OGRANT, NULL, 1, 0x40200);
	for (int i = 0; i < 4; i++)
		e = TF_SEVENT(e, TF_CPU, HM_AEV_OPT_GET, NULL, 1);
	e = TF_SEVENT(e, TF_CPU, HM_AEV_OGRANT, NULL, 1, 0x40000);
	e = TF_SEVENT(e, TF_CPU, HM_AEV_OPT_GET, NULL, 1);
	e = TF_SEVENT(e, TF_CPU, HM_AEV_OPT_GET, NULL, 1);
	assert_null(e);
}

static void test_grant_not_granted(void **state)
{
	/* count already MAX_SHARE_COUNT (100), or another owner: s2page
	 * unchanged, the event is logged anyway */
	hm_rdata *st = desc_pages(100);
	stage2_loop_ret o = grant_stage2_loop(1, 1, 0x10000, st);
	assert_page(o.r.st, 0x40000, 1, 100, 0x10);
	assert_int_equal(hm_slog_len(o.r.st->slog), 3);
	st = with_page(desc_pages(0), 0x40000, 2, 0, 0x10);
	o = grant_stage2_loop(1, 1, 0x10000, st);
	assert_page(o.r.st, 0x40000, 2, 0, 0x10);
}

static void test_grant_ignores_halt(void **state)
{
	/* no halt check: a halted state is granted too (and stays halted) */
	hm_rdata *st = t_with_halt(desc_pages(0), true);
	stage2_loop_ret o = grant_stage2_loop(1, 1, 0x10000, st);
	assert_true(o.r.st->halt);
	assert_page(o.r.st, 0x40000, 1, 1, 0x10);
}

static void test_grant_relies(void **state)
{
	hm_rdata *st = desc_pages(0);
	assert_rely(grant_stage2_loop(1, 1, 0x10000, tf_with_hlock(st, NPT_ID + 1, false)).r,
		    "NPT_ID + vmid");
	assert_rely(grant_stage2_loop(1, 1, 0x10000, tf_with_hlock(st, S2PAGE_ID, false)).r,
		    "S2PAGE_ID");
	/* unmapped gfn: the S2PAGE_ID rely is not reached */
	assert_non_null(grant_stage2_loop(1, 1, 0x11000, tf_with_hlock(st, S2PAGE_ID, false)).r.st);
}

/* The host (vmid 0) reads its own gfn 0x40000 -> page 0x40000 (count
 * `count`), with the host pgd pool full, so that an OMAP_HOST replayed by
 * query_oracle halts local_map_host and drops S2PAGE_ID and NPT_ID. */
static hm_rdata *host_desc_page(hm_z count, unsigned oracle_call)
{
	hm_rdata *st = host_pool_full(with_page(base(), 0x40000, HOST, count, 0x40000));
	return tf_with_soracle(st, tf_soracle_at(oracle_call, 0x50000000));
}

static void test_grant_second_read_rely(void **state)
{
	/* query 2 (adt1) replays the halting OMAP_HOST: NPT_ID + 0 is gone
	 * when the second OPT_GET is checked */
	hm_rdata *st = host_desc_page(0, 2);
	assert_rely(grant_stage2_loop(1, HOST, 0x40000000, st).r, "hlock_at(adt1, NPT_ID + vmid)");
}

static void test_grant_s2page_rely_reads_adt1(void **state)
{
	/* query 3 (adt2) drops S2PAGE_ID, but the Coq's rely reads adt1, where
	 * it still holds: the grant goes through on adt2's shared */
	hm_rdata *st = host_desc_page(0, 3);
	stage2_loop_ret o = grant_stage2_loop(1, HOST, 0x40000000, st);
	const hm_rdata *r = o.r.st;
	assert_non_null(r);
	assert_false(tf_hlock(r, S2PAGE_ID));
	assert_false(tf_hlock(r, NPT_ID));
	assert_page(r, 0x40000, HOST, 1, 0x40000);
	const hm_slog *e = r->slog;
	e = TF_SEVENT(e, TF_CPU, HM_AEV_OGRANT, NULL, HOST, 0x40000);
	e = TF_SEVENT(e, TF_OTHER_CPU, HM_AEV_OMAP_HOST, NULL, 0x50000000);
	e = TF_SEVENT(e, TF_CPU, HM_AEV_OPT_GET, NULL, HOST);
	e = TF_SEVENT(e, TF_CPU, HM_AEV_OPT_GET, NULL, HOST);
	assert_null(e);
}

static void test_revoke_relies_read_adt1(void **state)
{
	/* the same for revoke's S2PAGE_ID and NPT_ID relies: count 2 -> 1 */
	hm_rdata *st = host_desc_page(2, 3);
	stage2_loop_ret o = revoke_stage2_loop(1, HOST, 0x40000000, st);
	assert_non_null(o.r.st);
	assert_false(o.r.st->halt);
	assert_page(o.r.st, 0x40000, HOST, 1, 0x40000);
	assert_rely(revoke_stage2_loop(1, HOST, 0x40000000, host_desc_page(2, 2)).r,
		    "hlock_at(adt1, NPT_ID + vmid)");
}

static void test_revoke_count_two(void **state)
{
	hm_rdata *st = tf_with_data_log(desc_pages(2), 1, 4);
	/* count 2 -> 1, no data read: logn' = logn = 4 */
	stage2_loop_ret o = revoke_stage2_loop(1, 1, 0x10000, st);
	const hm_rdata *r = o.r.st;
	assert_z_equal(o.addr, 0x11000);
	assert_false(r->halt);
	assert_page(r, 0x40000, 1, 1, 0x10);
	assert_z_equal(fmem(r, 0x40000), 0);
	assert_z_equal(dlog(r, 1), 4);
	const hm_slog *e = r->slog;
	e = TF_SEVENT(e, TF_CPU, HM_AEV_OREVOKE, st->doracle, 1, 0x40000, 4);
	e = TF_SEVENT(e, TF_CPU, HM_AEV_OPT_GET, NULL, 1);
	e = TF_SEVENT(e, TF_CPU, HM_AEV_OPT_GET, NULL, 1);
	assert_null(e);
}

static void test_revoke_count_one(void **state)
{
	hm_rdata *st = tf_with_data_log(desc_pages(1), 1, 4);
	/* count 1 -> 0: flatmem := dorc 4, logn 5; no host mapping to drop */
	stage2_loop_ret o = revoke_stage2_loop(1, 1, 0x10000, st);
	const hm_rdata *r = o.r.st;
	assert_false(r->halt);
	assert_page(r, 0x40000, 1, 0, 0x10);
	assert_z_equal(fmem(r, 0x40000), TF_DORC(1, 4));
	assert_z_equal(dlog(r, 1), 5);
}

static void test_revoke_several(void **state)
{
	hm_rdata *st = tf_with_data_log(desc_pages(1), 1, 4);
	/* 0x10: 0x40000 1 -> 0 (logn 4 -> 5); 0x11: reads only; 0x12: pfn
	 * 0x40200 (not pfn') 1 -> 0 with logn 5 -> 6 */
	stage2_loop_ret o = revoke_stage2_loop(3, 1, 0x10000, st);
	const hm_rdata *r = o.r.st;
	assert_z_equal(o.addr, 0x13000);
	assert_page(r, 0x40000, 1, 0, 0x10);
	assert_page(r, 0x40200, 1, 0, 0x12);
	assert_page(r, 0x40212, 1, 1, 0x12);
	assert_z_equal(fmem(r, 0x40000), TF_DORC(1, 4));
	assert_z_equal(fmem(r, 0x40200), TF_DORC(1, 5));
	assert_z_equal(dlog(r, 1), 6);
	const hm_slog *e = TF_SEVENT(r->slog, TF_CPU, HM_AEV_OREVOKE, st->doracle, 1, 0x40200, 5);
	assert_int_equal(hm_slog_len(e), 7);
}

static void test_revoke_not_owned(void **state)
{
	hm_rdata *st = with_page(tf_with_data_log(desc_pages(1), 1, 4), 0x40000, 2, 1, 0x10);
	stage2_loop_ret o = revoke_stage2_loop(1, 1, 0x10000, st);
	assert_false(o.r.st->halt);
	assert_page(o.r.st, 0x40000, 2, 1, 0x10);
	assert_z_equal(dlog(o.r.st, 1), 4);
	TF_SEVENT(o.r.st->slog, TF_CPU, HM_AEV_OREVOKE, st->doracle, 1, 0x40000, 4);
}

static void test_revoke_halt_overwritten(void **state)
{
	/* a halted state: the step runs and its halt' (false) replaces it */
	hm_rdata *st = t_with_halt(desc_pages(2), true);
	stage2_loop_ret o = revoke_stage2_loop(1, 1, 0x10000, st);
	assert_false(o.r.st->halt);
	assert_page(o.r.st, 0x40000, 1, 1, 0x10);
}

static void test_revoke_halts(void **state)
{
	/* count 1 -> 0 with the page still in the host NPT whose pgd pool is
	 * full: the unmapping halts; s2page still gets count 0, flatmem and
	 * logn do not change, S2PAGE_ID and NPT_ID are dropped */
	hm_rdata *st = host_pool_full(tf_with_data_log(desc_pages(1), 1, 4));
	stage2_loop_ret o = revoke_stage2_loop(1, 1, 0x10000, st);
	const hm_rdata *r = o.r.st;
	assert_true(r->halt);
	assert_page(r, 0x40000, 1, 0, 0x10);
	assert_z_equal(fmem(r, 0x40000), 0);
	assert_z_equal(dlog(r, 1), 4);
	assert_false(tf_hlock(r, S2PAGE_ID));
	assert_false(tf_hlock(r, NPT_ID));
}

static void test_revoke_relies(void **state)
{
	hm_rdata *st = desc_pages(1);
	assert_rely(revoke_stage2_loop(1, 1, 0x10000, tf_with_hlock(st, NPT_ID + 1, false)).r,
		    "NPT_ID + vmid");
	assert_rely(revoke_stage2_loop(1, 1, 0x10000, tf_with_hlock(st, S2PAGE_ID, false)).r,
		    "S2PAGE_ID");
	/* NPT_ID (the host's) is required too, for vmid 1 */
	assert_rely(revoke_stage2_loop(1, 1, 0x10000, tf_with_hlock(st, NPT_ID, false)).r,
		    "NPT_ID)");
	/* unmapped gfn: neither is reached */
	assert_non_null(revoke_stage2_loop(1, 1, 0x11000, tf_with_hlock(st, NPT_ID, false)).r.st);
}

/* ================= vm_exit_dispatcher_spec_h ================= */

static hm_rdata *exit_state(hm_z esr, hm_z x0, hm_z x2, hm_z x3)
{
	hm_rdata *st = desc_pages(2);
	hm_ctxt_regs c = tf_regs_pattern(0);
	c.esr_el2 = esr;
	c.x0 = x0;
	c.x2 = x2;
	c.x3 = x3;
	hm_ctxt_states s = tf_states_pattern(5000);
	st = tf_with_shadow(st, ctxt_id(1, 0), &c, &s);
	return with_host_elr(st, 0x1000);
}

static void test_dispatcher_sys64(void **state)
{
	/* exit type (esr / 2^26) mod 64 = 30: regs' esr_el2 := elr_el2 + 4 */
	hm_z esrs[] = {(hm_z)30 << 26, ((hm_z)30 << 26) + 0x3ffffff, (hm_z)94 << 26};
	for (int i = 0; i < 3; i++) {
		hm_rdata *st = exit_state(esrs[i], 0, 0, 0);
		hm_sres r = vm_exit_dispatcher_spec_h(st, 1, 0);
		assert_non_null(r.st);
		assert_true(r.has_ret);
		assert_z_equal(r.ret, 0);
		hm_ctxt *regs = ctxt_edit(st->regs);
		regs->ctxt_regs.esr_el2 = 0x1004;
		hm_rdata *w = rd_edit(st);
		SETP(w, regs, regs);
		t_assert_state_equal(r.st, w);
	}
}

static void test_dispatcher_hvc_set_desc(void **state)
{
	/* size 1: len (1 + 4095) / 4096 = 1 page from 0x10000: count 2 -> 3 */
	hm_rdata *st = exit_state((hm_z)22 << 26, HVC_KVM_SET_DESC_PFN, 0x10000, 1);
	hm_sres r = vm_exit_dispatcher_spec_h(st, 1, 0);
	assert_z_equal(r.ret, 0);
	assert_page(r.st, 0x40000, 1, 3, 0x10);
	assert_int_equal(hm_slog_len(r.st->slog), 3);
	/* size 4097: 2 pages (0x10 granted, 0x11 unmapped): 5 events */
	st = exit_state((hm_z)22 << 26, HVC_KVM_SET_DESC_PFN, 0x10000, 4097);
	r = vm_exit_dispatcher_spec_h(st, 1, 0);
	assert_int_equal(hm_slog_len(r.st->slog), 5);
	/* size 0: no page, the state as it was */
	st = exit_state((hm_z)22 << 26, HVC_KVM_SET_DESC_PFN, 0x10000, 0);
	r = vm_exit_dispatcher_spec_h(st, 1, 0);
	assert_ptr_equal(r.st, st);
	assert_z_equal(r.ret, 0);
}

static void test_dispatcher_hvc_unset_desc(void **state)
{
	hm_rdata *st = exit_state((hm_z)22 << 26, HVC_KVM_UNSET_DESC_PFN, 0x10000, 4096);
	hm_sres r = vm_exit_dispatcher_spec_h(st, 1, 0);
	assert_z_equal(r.ret, 0);
	assert_page(r.st, 0x40000, 1, 1, 0x10);
	TF_SEVENT(r.st->slog, TF_CPU, HM_AEV_OREVOKE, st->doracle, 1, 0x40000, 0);
}

static void test_dispatcher_hvc_other(void **state)
{
	hm_rdata *st = exit_state((hm_z)22 << 26, HVC_TIMER_SET_CNTVOFF, 0x10000, 4096);
	hm_sres r = vm_exit_dispatcher_spec_h(st, 1, 0);
	assert_ptr_equal(r.st, st);
	assert_z_equal(r.ret, 1);
}

static void test_dispatcher_other_exit(void **state)
{
	/* DABT_LOW (0x24): halt, ret 0 */
	hm_rdata *st = exit_state((hm_z)0x24 << 26, HVC_KVM_SET_DESC_PFN, 0x10000, 4096);
	hm_sres r = vm_exit_dispatcher_spec_h(st, 1, 0);
	assert_z_equal(r.ret, 0);
	t_assert_state_equal(r.st, t_with_halt(st, true));
}

static void test_dispatcher_none(void **state)
{
	hm_rdata *st = exit_state((hm_z)22 << 26, HVC_KVM_SET_DESC_PFN, 0x10000, 1);
	assert_rely(vm_exit_dispatcher_spec_h(tf_with_hlock(st, NPT_ID + 1, false), 1, 0),
		    "NPT_ID + vmid");
	st = exit_state((hm_z)22 << 26, HVC_KVM_UNSET_DESC_PFN, 0x10000, 1);
	assert_rely(vm_exit_dispatcher_spec_h(tf_with_hlock(st, S2PAGE_ID, false), 1, 0),
		    "S2PAGE_ID");
}

/* ================= prep_hvc_spec_h ================= */

static hm_rdata *hvc_state(hm_z x0)
{
	hm_rdata *st = base();
	hm_ctxt_regs c = tf_regs_pattern(0);
	c.x0 = x0;
	hm_ctxt_states s = tf_states_pattern(0);
	return tf_with_shadow(tf_with_vm_state(st, 1, VERIFIED), ctxt_id(1, 2), &c, &s);
}

static void test_prep_hvc_system_off(void **state)
{
	/* PSCI_0_2_FN_SYSTEM_OFF = 0x84000008, also with high bits set (only
	 * the low 32 bits count): VM 1 POWEROFF, event OVM_POWEROFF 1 */
	hm_z fns[] = {0x84000008, (hm_z)0xffffffff84000008ULL};
	for (int i = 0; i < 2; i++) {
		hm_rdata *st = hvc_state(fns[i]);
		hm_sres r = prep_hvc_spec_h(st, 1, 2);
		assert_non_null(r.st);
		assert_z_equal(vminfo_at(r.st->shared->vminfos, 1)->VS.vm_state, POWEROFF);
		const hm_slog *e = TF_SEVENT(r.st->slog, TF_CPU, HM_AEV_OVM_POWEROFF, NULL, 1);
		assert_null(e);
		/* nothing else changes */
		hm_rdata *w = tf_with_vm_state(st, 1, POWEROFF);
		SETP(w, slog, r.st->slog);
		t_assert_state_equal(r.st, w);
	}
}

static void test_prep_hvc_other(void **state)
{
	hm_rdata *st = hvc_state(0x84000009);
	hm_sres r = prep_hvc_spec_h(st, 1, 2);
	assert_ptr_equal(r.st, st);
	/* x0 of another vcpu's context does not count */
	st = hvc_state(0x84000008);
	r = prep_hvc_spec_h(st, 1, 3);
	assert_ptr_equal(r.st, st);
}

static void test_prep_hvc_rely(void **state)
{
	hm_rdata *st = tf_with_hlock(hvc_state(0x84000008), INFO_ID + 1, false);
	assert_rely(prep_hvc_spec_h(st, 1, 2), "INFO_ID + vmid");
}

static void test_prep_hvc_queries_oracle(void **state)
{
	hm_rdata *st = tf_with_soracle(hvc_state(0x84000008), tf_soracle_one());
	hm_sres r = prep_hvc_spec_h(st, 1, 2);
	const hm_slog *e = r.st->slog;
	e = TF_SEVENT(e, TF_CPU, HM_AEV_OVM_POWEROFF, NULL, 1);
	e = TF_SEVENT(e, TF_OTHER_CPU, HM_AEV_OVM_GET, NULL, TF_OTHER_VMID);
	assert_null(e);
}

/* ================= the op table ================= */

static void test_ops_registered(void **state)
{
	static const struct {
		const char *name;
		unsigned nargs;
		const char *args[5];
	} want[] = {
		{"prot_and_map_vm_s2pt_h", 4, {"vmid", "addr", "pte", "level"}},
		{"vm_exit_dispatcher_h", 2, {"vmid", "vcpuid"}},
		{"prep_hvc_h", 2, {"vmid", "vcpuid"}},
		{"prot_and_map_vm_loop_h", 4, {"n", "vmid", "gfn", "pfn"}},
		{"clear_vm_loop_h", 3, {"n", "pfn", "vmid"}},
		{"unmap_and_load_loop_h", 5, {"n", "vmid", "start", "target", "remap"}},
		{"verify_and_load_loop_h", 3, {"n", "vmid", "load_idx"}},
		{"kvm_phys_addr_ioremap_loop_h", 4, {"n", "vmid", "gpa", "pa"}},
		{"grant_stage2_loop", 3, {"n", "vmid", "addr"}},
		{"revoke_stage2_loop", 3, {"n", "vmid", "addr"}},
	};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		const hm_op_def *d = hm_op_find(want[i].name);
		assert_non_null(d);
		assert_string_equal(d->module, "TrapHandlerSpec");
		assert_int_equal(d->nargs, want[i].nargs);
		for (unsigned j = 0; j < d->nargs; j++)
			assert_string_equal(d->args[j], want[i].args[j]);
		assert_non_null(d->high);
		assert_null(d->low);
	}
}

static void test_ops_call(void **state)
{
	/* clear_vm_loop_h n=2 pfn=0x40000 vmid=1 through the table */
	hm_rdata *st = with_page(base(), 0x40000, 1, 0, 0x77);
	const hm_op_def *d = hm_op_find("clear_vm_loop_h");
	hm_z args[] = {2, 0x40000, 1};
	hm_sres r = d->high(st, args);
	assert_page(r.st, 0x40000, HOST, 0, 0x40000 + 1000000000);
	assert_int_equal(hm_slog_len(r.st->slog), 2);
	/* the dispatcher gives its ret */
	st = exit_state((hm_z)22 << 26, 13, 0, 0);
	d = hm_op_find("vm_exit_dispatcher_h");
	hm_z a2[] = {1, 0};
	r = d->high(st, a2);
	assert_true(r.has_ret);
	assert_z_equal(r.ret, 1);
}

/* Every op gives what the function gives. */
static void test_ops_match_functions(void **state)
{
	hm_rdata *st = with_page(base(), 0x40000, HOST, 0, 0);
	st = with_page(st, 0x40001, HOST, 0, 0);
	hm_z a1[] = {1, 0x5000, 0x40000000, 3};
	t_assert_state_equal(hm_op_find("prot_and_map_vm_s2pt_h")->high(st, a1).st,
			     prot_and_map_vm_s2pt_spec_h(st, 1, 0x5000, 0x40000000, 3).st);
	hm_z a2[] = {2, 1, 0x100, 0x40000};
	t_assert_state_equal(hm_op_find("prot_and_map_vm_loop_h")->high(st, a2).st,
			     prot_and_map_vm_loop_h(2, 1, 0x100, 0x40000, st).r.st);
	hm_rdata *h = hvc_state(0x84000008);
	hm_z a3[] = {1, 2};
	t_assert_state_equal(hm_op_find("prep_hvc_h")->high(h, a3).st, prep_hvc_spec_h(h, 1, 2).st);
	hm_rdata *u = with_load_info(base(), 1, 0, 0x200000, 0x2000000, 1);
	hm_z a4[] = {1, 1, PMD, 0x201000, 0x2000000};
	t_assert_state_equal(hm_op_find("unmap_and_load_loop_h")->high(u, a4).st,
			     unmap_and_load_loop_h(1, 1, PMD, 0x201000, 0x2000000, u).r.st);
	hm_z a5[] = {1, 1, 0};
	t_assert_state_equal(hm_op_find("verify_and_load_loop_h")->high(u, a5).st,
			     verify_and_load_loop_h(1, 1, 0, u).r.st);
	hm_rdata *io = tf_with_vm_state(base(), 1, READY);
	hm_z a6[] = {2, 1, 0x9000000, 0x10000000};
	t_assert_state_equal(hm_op_find("kvm_phys_addr_ioremap_loop_h")->high(io, a6).st,
			     kvm_phys_addr_ioremap_loop_h(2, 1, 0x9000000, 0x10000000, io).r.st);
	hm_rdata *g = desc_pages(2);
	hm_z a7[] = {3, 1, 0x10000};
	t_assert_state_equal(hm_op_find("grant_stage2_loop")->high(g, a7).st,
			     grant_stage2_loop(3, 1, 0x10000, g).r.st);
	t_assert_state_equal(hm_op_find("revoke_stage2_loop")->high(g, a7).st,
			     revoke_stage2_loop(3, 1, 0x10000, g).r.st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reset_sys_regs_loopx_zero),
		cmocka_unit_test(test_reset_sys_regs_loopx_mpidr),
		cmocka_unit_test(test_reset_sys_regs_loopx_actlr),
		cmocka_unit_test(test_reset_sys_regs_loopx_reg_desc),
		cmocka_unit_test(test_reset_sys_regs_specx),
		cmocka_unit_test(test_sync_dirty_loopx_zero),
		cmocka_unit_test(test_sync_dirty_specx_clean),
		cmocka_unit_test(test_sync_dirty_specx_bits),
		cmocka_unit_test(test_sync_dirty_loopx_past_x30),
		cmocka_unit_test(test_update_exception_gp_regs),
		cmocka_unit_test(test_prep_wfx),
		cmocka_unit_test(test_prep_abort_read),
		cmocka_unit_test(test_prep_abort_write),
		cmocka_unit_test(test_prep_abort_not_mmio),
		cmocka_unit_test(test_is_smmu_range_loop),
		cmocka_unit_test(test_search_load_info_loop),
		cmocka_unit_test(test_mmio_read_8),
		cmocka_unit_test(test_mmio_read_4),
		cmocka_unit_test(test_mmio_read_other_len),
		cmocka_unit_test(test_mmio_write_global_sCR0),
		cmocka_unit_test(test_mmio_write_global_sCR2),
		cmocka_unit_test(test_mmio_write_global_other),
		cmocka_unit_test(test_mmio_write_gr1),
		cmocka_unit_test(test_mmio_write_between_gr1_and_cb),
		cmocka_unit_test(test_mmio_write_context_bank),
		cmocka_unit_test(test_prot_and_map_loop_zero),
		cmocka_unit_test(test_prot_and_map_loop_halted),
		cmocka_unit_test(test_prot_and_map_loop_two_pages),
		cmocka_unit_test(test_prot_and_map_loop_halts_midway),
		cmocka_unit_test(test_prot_and_map_loop_relies),
		cmocka_unit_test(test_prot_and_map_loop_queries_oracle),
		cmocka_unit_test(test_prot_and_map_s2pt_halted),
		cmocka_unit_test(test_prot_and_map_s2pt_level3),
		cmocka_unit_test(test_prot_and_map_s2pt_level3_assign_halts),
		cmocka_unit_test(test_prot_and_map_s2pt_level3_relies),
		cmocka_unit_test(test_prot_and_map_s2pt_level2_loop_halts),
		cmocka_unit_test(test_prot_and_map_s2pt_level2),
		cmocka_unit_test(test_prot_and_map_s2pt_level2_rely),
		cmocka_unit_test(test_clear_vm_loop_zero_and_halted),
		cmocka_unit_test(test_clear_vm_loop_two_pages),
		cmocka_unit_test(test_clear_vm_loop_not_owned),
		cmocka_unit_test(test_clear_vm_loop_halts_midway),
		cmocka_unit_test(test_clear_vm_loop_relies),
		cmocka_unit_test(test_clear_vm_loop_queries_oracle),
		cmocka_unit_test(test_unmap_and_load_zero),
		cmocka_unit_test(test_unmap_and_load_halted),
		cmocka_unit_test(test_unmap_and_load_pte_zero),
		cmocka_unit_test(test_unmap_and_load_maps),
		cmocka_unit_test(test_unmap_and_load_relies),
		cmocka_unit_test(test_verify_and_load_zero),
		cmocka_unit_test(test_verify_and_load_one),
		cmocka_unit_test(test_verify_and_load_index_quirk),
		cmocka_unit_test(test_verify_and_load_rely),
		cmocka_unit_test(test_ioremap_zero_and_halted),
		cmocka_unit_test(test_ioremap_two_pages),
		cmocka_unit_test(test_ioremap_not_ready),
		cmocka_unit_test(test_ioremap_owned_page),
		cmocka_unit_test(test_ioremap_relies),
		cmocka_unit_test(test_grant_zero),
		cmocka_unit_test(test_grant_one),
		cmocka_unit_test(test_grant_several),
		cmocka_unit_test(test_grant_not_granted),
		cmocka_unit_test(test_grant_ignores_halt),
		cmocka_unit_test(test_grant_relies),
		cmocka_unit_test(test_grant_second_read_rely),
		cmocka_unit_test(test_grant_s2page_rely_reads_adt1),
		cmocka_unit_test(test_revoke_relies_read_adt1),
		cmocka_unit_test(test_revoke_count_two),
		cmocka_unit_test(test_revoke_count_one),
		cmocka_unit_test(test_revoke_several),
		cmocka_unit_test(test_revoke_not_owned),
		cmocka_unit_test(test_revoke_halt_overwritten),
		cmocka_unit_test(test_revoke_halts),
		cmocka_unit_test(test_revoke_relies),
		cmocka_unit_test(test_dispatcher_sys64),
		cmocka_unit_test(test_dispatcher_hvc_set_desc),
		cmocka_unit_test(test_dispatcher_hvc_unset_desc),
		cmocka_unit_test(test_dispatcher_hvc_other),
		cmocka_unit_test(test_dispatcher_other_exit),
		cmocka_unit_test(test_dispatcher_none),
		cmocka_unit_test(test_prep_hvc_system_off),
		cmocka_unit_test(test_prep_hvc_other),
		cmocka_unit_test(test_prep_hvc_rely),
		cmocka_unit_test(test_prep_hvc_queries_oracle),
		cmocka_unit_test(test_ops_registered),
		cmocka_unit_test(test_ops_call),
		cmocka_unit_test(test_ops_match_functions),
	};
	return cmocka_run_group_tests(tests, t_pool_setup, t_pool_teardown);
}
