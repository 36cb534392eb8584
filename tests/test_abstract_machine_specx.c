/* Tests of the register helpers of AbstractMachineSpec.md
 * (src/ops/abstract_machine_specx.c). Registers are filled with distinct
 * values (field k of CtxtRegs = base + k in Coq order), so a field read
 * from or written to the wrong place shows. */
#include "trap_aux_fixture.h"

#include <string.h>

#include "abstract_machine_specx.h"

#define R(f) offsetof(hm_ctxt_regs, f)
#define S(f) offsetof(hm_ctxt_states, f)

/* The index -> field map of get/set_shadow_ctxt_specx, copied by hand
 * from the Coq: (index, in CtxtStates?, offset). */
typedef struct idx_field {
	hm_z index;
	bool state;
	size_t off;
} idx_field;

static const idx_field idx_map[] = {
	{0, false, R(x0)},   {1, false, R(x1)},   {2, false, R(x2)},   {3, false, R(x3)},
	{4, false, R(x4)},   {5, false, R(x5)},   {6, false, R(x6)},   {7, false, R(x7)},
	{8, false, R(x8)},   {9, false, R(x9)},   {10, false, R(x10)}, {11, false, R(x11)},
	{12, false, R(x12)}, {13, false, R(x13)}, {14, false, R(x14)}, {15, false, R(x15)},
	{16, false, R(x16)}, {17, false, R(x17)}, {18, false, R(x18)}, {19, false, R(x19)},
	{20, false, R(x20)}, {21, false, R(x21)}, {22, false, R(x22)}, {23, false, R(x23)},
	{24, false, R(x24)}, {25, false, R(x25)}, {26, false, R(x26)}, {27, false, R(x27)},
	{28, false, R(x28)}, {29, false, R(x29)}, {30, false, R(x30)},
	{32, true, S(pc)},            /* PC */
	{33, true, S(pstate)},        /* PSTATE */
	{35, false, R(elr_el1)},      /* ELR_EL1 */
	{36, false, R(spsr_el1)},     /* SPSR_EL1 */
	{41, false, R(far_el2)},      /* FAR_EL2 */
	{42, false, R(hpfar_el2)},    /* HPFAR_EL2 */
	{43, false, R(hcr_el2)},      /* HCR_EL2 */
	{44, false, R(ec)},           /* EC */
	{45, true, S(dirty)},         /* DIRTY */
	{46, true, S(flags)},         /* FLAGS */
	{47, false, R(mpidr_el1)},    /* MPIDR_EL1 */
	{48, false, R(csselr_el1)},   /* CSSELR_EL1 */
	{49, false, R(sctlr_el1)},    /* SCTLR_EL1 */
	{50, false, R(actlr_el1)},    /* ACTLR_EL1 */
	{51, false, R(cpacr_el1)},    /* CPACR_EL1 */
	{52, false, R(ttbr0_el1)},    /* TTBR0_EL1 */
	{53, false, R(ttbr1_el1)},    /* TTBR1_EL1 */
	{54, false, R(tcr_el1)},      /* TCR_EL1 */
	{55, true, S(esr_el1)},       /* ESR_EL1 */
	{56, false, R(afsr0_el1)},    /* AFSR0_EL1 */
	{57, false, R(afsr1_el1)},    /* AFSR1_EL1 */
	{58, false, R(far_el1)},      /* FAR_EL1 */
	{59, false, R(mair_el1)},     /* MAIR_EL1 */
	{60, false, R(vbar_el1)},     /* VBAR_EL1 */
	{61, false, R(contextidr_el1)}, /* CONTEXTIDR_EL1 */
	{62, false, R(tpidr_el0)},    /* TPIDR_EL0 */
	{63, false, R(tpidrro_el0)},  /* TPIDRRO_EL0 */
	{64, false, R(tpidr_el1)},    /* TPIDR_EL1 */
	{65, false, R(amair_el1)},    /* AMAIR_EL1 */
	{66, false, R(cntkctl_el1)},  /* CNTKCTL_EL1 */
	{67, false, R(par_el1)},      /* PAR_EL1 */
	{68, false, R(mdscr_el1)},    /* MDSCR_EL1 */
	{70, false, R(elr_el2)},      /* ELR_EL2 */
	{71, true, S(spsr_0)},        /* SPSR_0 */
	{72, false, R(esr_el2)},      /* ESR_EL2 */
};

/* Indices the Coq names no field for: SP, SP_EL1, SPSR_ABT .. SPSR_FIQ,
 * MDCCINT_EL1 (explicitly 0 / unchanged), and values out of the table. */
static const hm_z idx_none[] = {31, 34, 37, 38, 39, 40, 69, 73, 255, -1, (hm_z)1 << 64};

static hm_z *field(void *block, size_t off) { return (hm_z *)((char *)block + off); }

static void test_get_shadow_ctxt_every_index(void **state)
{
	hm_ctxt_regs r = tf_regs_pattern(1000);
	hm_ctxt_states s = tf_states_pattern(5000);
	for (size_t i = 0; i < sizeof idx_map / sizeof idx_map[0]; i++) {
		const idx_field *m = &idx_map[i];
		hm_z want = m->state ? *field(&s, m->off) : *field(&r, m->off);
		assert_z_equal(get_shadow_ctxt_specx(m->index, &r, &s), want);
	}
	/* spot checks of the pattern: x0 is field 0, esr_el2 the last of
	 * CtxtRegs, pc the first of CtxtStates */
	assert_z_equal(get_shadow_ctxt_specx(X0, &r, &s), 1000);
	assert_z_equal(get_shadow_ctxt_specx(PC, &r, &s), 5000);
	assert_z_equal(get_shadow_ctxt_specx(SPSR_0, &r, &s), 5005);
	assert_z_equal(get_shadow_ctxt_specx(MPIDR_EL1, &r, &s), r.mpidr_el1);
}

static void test_get_shadow_ctxt_no_field(void **state)
{
	hm_ctxt_regs r = tf_regs_pattern(1000);
	hm_ctxt_states s = tf_states_pattern(5000);
	for (size_t i = 0; i < sizeof idx_none / sizeof idx_none[0]; i++)
		assert_z_equal(get_shadow_ctxt_specx(idx_none[i], &r, &s), 0);
}

static void test_set_shadow_ctxt_every_index(void **state)
{
	hm_ctxt_regs r = tf_regs_pattern(1000);
	hm_ctxt_states s = tf_states_pattern(5000);
	for (size_t i = 0; i < sizeof idx_map / sizeof idx_map[0]; i++) {
		const idx_field *m = &idx_map[i];
		/* expected: the same blocks with exactly that one field = 77 */
		hm_ctxt_regs er = r;
		hm_ctxt_states es = s;
		*field(m->state ? (void *)&es : (void *)&er, m->off) = 77;
		hm_cregs_cstates got = set_shadow_ctxt_specx(m->index, 77, &r, &s);
		assert_memory_equal(&got.cregs, &er, sizeof er);
		assert_memory_equal(&got.cstates, &es, sizeof es);
	}
}

static void test_set_shadow_ctxt_no_field(void **state)
{
	hm_ctxt_regs r = tf_regs_pattern(1000);
	hm_ctxt_states s = tf_states_pattern(5000);
	for (size_t i = 0; i < sizeof idx_none / sizeof idx_none[0]; i++) {
		hm_cregs_cstates got = set_shadow_ctxt_specx(idx_none[i], 77, &r, &s);
		assert_memory_equal(&got.cregs, &r, sizeof r);
		assert_memory_equal(&got.cstates, &s, sizeof s);
	}
}

/* x0 .. x30 are the first 31 fields, fp_q0 .. fp_fpcr the next 34. */
static bool is_gp(size_t k) { return k <= 30; }
static bool is_fp(size_t k) { return k >= 31 && k <= 64; }
static const size_t nregs = sizeof(hm_ctxt_regs) / sizeof(hm_z);

static void test_clear_shadow_gp_regs(void **state)
{
	hm_ctxt_regs gp = tf_regs_pattern(1000);
	hm_ctxt_regs got = clear_shadow_gp_regs_specx(&gp);
	for (size_t k = 0; k < nregs; k++)
		assert_z_equal(((hm_z *)&got)[k], is_gp(k) ? 0 : 1000 + (hm_z)k);
	assert_z_equal(got.x30, 0);
	assert_z_equal(got.fp_q0, gp.fp_q0);
}

static void test_reset_fp_regs(void **state)
{
	hm_ctxt_regs gp = tf_regs_pattern(1000);
	hm_ctxt_regs got = reset_fp_regs_specx(&gp);
	for (size_t k = 0; k < nregs; k++)
		assert_z_equal(((hm_z *)&got)[k], is_fp(k) ? 0 : 1000 + (hm_z)k);
	assert_z_equal(got.fp_fpsr, 0);
	assert_z_equal(got.fp_fpcr, 0);
	assert_z_equal(got.csselr_el1, gp.csselr_el1);
}

/* host_to_core / vm_to_core: gp with x0..x30 of rgp;
 * core_to_host / core_to_vm: rgp with x0..x30 of gp. */
static void test_gp_copies(void **state)
{
	hm_ctxt_regs gp = tf_regs_pattern(1000), rgp = tf_regs_pattern(2000);
	hm_ctxt_regs a = host_to_core_specx(&gp, &rgp);
	hm_ctxt_regs b = vm_to_core_specx(&gp, &rgp);
	hm_ctxt_regs c = core_to_host_specx(&gp, &rgp);
	hm_ctxt_regs d = core_to_vm_specx(&gp, &rgp);
	for (size_t k = 0; k < nregs; k++) {
		hm_z in_gp = 1000 + (hm_z)k, in_rgp = 2000 + (hm_z)k;
		assert_z_equal(((hm_z *)&a)[k], is_gp(k) ? in_rgp : in_gp);
		assert_z_equal(((hm_z *)&b)[k], is_gp(k) ? in_rgp : in_gp);
		assert_z_equal(((hm_z *)&c)[k], is_gp(k) ? in_gp : in_rgp);
		assert_z_equal(((hm_z *)&d)[k], is_gp(k) ? in_gp : in_rgp);
	}
}

static void test_fpsimd_save_restore(void **state)
{
	hm_ctxt_regs gp = tf_regs_pattern(1000), rgp = tf_regs_pattern(2000);
	hm_ctxt_regs sv = fpsimd_save_state_specx(&gp, &rgp);    /* gp with FP of rgp */
	hm_ctxt_regs rs = fpsimd_restore_state_specx(&gp, &rgp); /* rgp with FP of gp */
	for (size_t k = 0; k < nregs; k++) {
		hm_z in_gp = 1000 + (hm_z)k, in_rgp = 2000 + (hm_z)k;
		assert_z_equal(((hm_z *)&sv)[k], is_fp(k) ? in_rgp : in_gp);
		assert_z_equal(((hm_z *)&rs)[k], is_fp(k) ? in_gp : in_rgp);
	}
}

static void test_exit_populate_fault(void **state)
{
	hm_ctxt_regs gp = tf_regs_pattern(1000), rgp = tf_regs_pattern(2000);
	hm_ctxt_regs got = exit_populate_fault_specx(&gp, &rgp);
	hm_ctxt_regs want = gp;
	want.esr_el2 = rgp.esr_el2;
	want.ec = rgp.ec;
	want.far_el2 = rgp.far_el2;
	want.hpfar_el2 = rgp.hpfar_el2;
	assert_memory_equal(&got, &want, sizeof want);
	assert_z_equal(got.hpfar_el2, 2000 + (hm_z)(nregs - 1)); /* the last field */
}

static void test_save_sysregs(void **state)
{
	hm_ctxt_regs sys = tf_regs_pattern(1000), rsys = tf_regs_pattern(2000);
	hm_ctxt_regs got = save_sysregs_specx(&sys, &rsys);
	/* the 25 updates of the Coq, field by field */
	hm_ctxt_regs want = sys;
	want.csselr_el1 = rsys.csselr_el1;
	want.sctlr_el1 = rsys.sctlr_el1;
	want.cpacr_el1 = rsys.cpacr_el1;
	want.ttbr0_el1 = rsys.ttbr0_el1;
	want.ttbr1_el1 = rsys.ttbr1_el1;
	want.tcr_el1 = rsys.tcr_el1;
	want.afsr0_el1 = rsys.afsr0_el1;
	want.afsr1_el1 = rsys.afsr1_el1;
	want.far_el1 = rsys.far_el1;
	want.mair_el1 = rsys.mair_el1;
	want.vbar_el1 = rsys.vbar_el1;
	want.contextidr_el1 = rsys.contextidr_el1;
	want.amair_el1 = rsys.amair_el1;
	want.cntkctl_el1 = rsys.cntkctl_el1;
	want.par_el1 = rsys.par_el1;
	want.tpidr_el1 = rsys.tpidr_el1;
	want.spsr_el1 = rsys.spsr_el1;
	want.mdscr_el1 = rsys.mdscr_el1;
	want.sp_el0 = rsys.sp_el0;
	want.tpidr_el0 = rsys.tpidr_el0;
	want.tpidrro_el0 = rsys.tpidrro_el0;
	want.mpidr_el1 = rsys.vmpidr_el2; /* from vmpidr_el2, not mpidr_el1 */
	want.actlr_el1 = rsys.actlr_el1;
	want.sp_el1 = rsys.sp_el1;
	want.elr_el1 = rsys.elr_el1;
	assert_memory_equal(&got, &want, sizeof want);
	assert_z_equal(got.mpidr_el1, rsys.vmpidr_el2);
	assert_true(got.mpidr_el1 != rsys.mpidr_el1);
	assert_z_equal(got.vmpidr_el2, sys.vmpidr_el2); /* not saved */
}

static void test_restore_sysregs(void **state)
{
	hm_ctxt_regs sys = tf_regs_pattern(1000), rsys = tf_regs_pattern(2000);
	hm_ctxt_states csts = tf_states_pattern(5000);
	hm_ctxt_regs got = restore_sysregs_specx(&sys, &csts, &rsys);
	hm_ctxt_regs want = rsys;
	want.csselr_el1 = sys.csselr_el1;
	want.sctlr_el1 = sys.sctlr_el1;
	want.cpacr_el1 = sys.cpacr_el1;
	want.ttbr0_el1 = sys.ttbr0_el1;
	want.ttbr1_el1 = sys.ttbr1_el1;
	want.tcr_el1 = sys.tcr_el1;
	want.afsr0_el1 = sys.afsr0_el1;
	want.afsr1_el1 = sys.afsr1_el1;
	want.far_el1 = sys.far_el1;
	want.mair_el1 = sys.mair_el1;
	want.vbar_el1 = sys.vbar_el1;
	want.contextidr_el1 = sys.contextidr_el1;
	want.amair_el1 = sys.amair_el1;
	want.cntkctl_el1 = sys.cntkctl_el1;
	want.par_el1 = sys.par_el1;
	want.tpidr_el1 = sys.tpidr_el1;
	want.spsr_el1 = sys.spsr_el1;
	want.mdscr_el1 = sys.mdscr_el1;
	want.sp_el0 = sys.sp_el0;
	want.tpidr_el0 = sys.tpidr_el0;
	want.tpidrro_el0 = sys.tpidrro_el0;
	want.spsr_el2 = 5001;            /* pstate csts (field 1) */
	want.vmpidr_el2 = sys.mpidr_el1;
	want.mpidr_el1 = sys.mpidr_el1;
	want.actlr_el1 = sys.actlr_el1;
	want.sp_el1 = sys.sp_el1;
	want.elr_el2 = 5000;             /* pc csts (field 0) */
	want.elr_el1 = sys.elr_el1;
	want.esr_el2 = sys.esr_el2;
	want.ec = sys.ec;
	want.far_el2 = sys.far_el2;
	want.hpfar_el2 = sys.hpfar_el2;
	assert_memory_equal(&got, &want, sizeof want);
	/* untouched: the general and FP registers, vttbr, hcr, tpidr_el2 */
	assert_z_equal(got.x0, 2000);
	assert_z_equal(got.fp_q0, 2031);
	assert_z_equal(got.vttbr_el2, rsys.vttbr_el2);
}

static void test_traps(void **state)
{
	hm_trap_regs t = {.pmuselr_el0 = 11, .pmuserenr_el0 = 12, .mdcr_el2 = 13, .cptr_el2 = 14,
			  .cnthctl_el2 = 100};
	hm_trap_regs a = activate_traps_specx(&t);
	/* pmuselr 0, pmuserenr ARMV8_PMU_USERENR_MASK = 4,
	 * mdcr HYPSEC_MDCR_EL2_FLAG = 5, cptr CPTR_VM = 6, cnthctl kept */
	assert_z_equal(a.pmuselr_el0, 0);
	assert_z_equal(a.pmuserenr_el0, 4);
	assert_z_equal(a.mdcr_el2, 5);
	assert_z_equal(a.cptr_el2, 6);
	assert_z_equal(a.cnthctl_el2, 100);
	hm_trap_regs d = deactivate_traps_specx(&t);
	/* pmuselr kept, pmuserenr 0, mdcr 0, cptr CPTR_EL2_DEFAULT = 7 */
	assert_z_equal(d.pmuselr_el0, 11);
	assert_z_equal(d.pmuserenr_el0, 0);
	assert_z_equal(d.mdcr_el2, 0);
	assert_z_equal(d.cptr_el2, 7);
	assert_z_equal(d.cnthctl_el2, 100);
	hm_trap_regs e = timer_enable_traps_specx(&t);
	/* 100 - CNTHCTL_EL1PCEN (9) + CNTHCTL_EL1PCTEN (10) = 101 */
	assert_z_equal(e.cnthctl_el2, 101);
	assert_z_equal(e.pmuselr_el0, 11);
	assert_z_equal(e.cptr_el2, 14);
	/* arithmetic, not bits: 0 - 9 + 10 = 1 */
	hm_trap_regs z = {0};
	assert_z_equal(timer_enable_traps_specx(&z).cnthctl_el2, 1);
}

static void test_el2_restore(void **state)
{
	hm_ctxt_regs regc = tf_regs_pattern(1000), ctxt = tf_regs_pattern(2000);
	hm_ctxt_regs v = vm_el2_restore_state_specx(&regc, &ctxt, 0x123);
	hm_ctxt_regs want = regc;
	want.vttbr_el2 = 0x123;
	want.tpidr_el2 = ctxt.tpidr_el2;
	want.hcr_el2 = 3; /* HCR_HYPSEC_VM_FLAGS */
	assert_memory_equal(&v, &want, sizeof want);
	hm_ctxt_regs h = host_el2_restore_state_specx(&regc, 0x456);
	want = regc;
	want.vttbr_el2 = 0x456;
	want.hcr_el2 = 8; /* HCR_HOST_NVHE_FLAGS */
	want.tpidr_el2 = 0;
	assert_memory_equal(&h, &want, sizeof want);
}

/* The Parameters ask the platform of the step. */
static void test_parameters_default_platform(void **state)
{
	tf_platform_remove();
	/* docs defaults: reg_desc 0, exception_vector 0x400, shared_kvm
	 * SHARED_KVM_START + vmid, shared_vcpu SHARED_VCPU_START + vmid * 8 +
	 * vcpuid, verify_img 1 */
	assert_z_equal(reg_desc(50), 0);
	assert_z_equal(exception_vector(5), 0x400);
	assert_z_equal(shared_kvm(3), 4);
	assert_z_equal(shared_vcpu(2, 3), 1 + 16 + 3);
	assert_z_equal(verify_img(1, 0x1000), 1);
}

static void test_parameters_installed_platform(void **state)
{
	tf_platform_install();
	assert_z_equal(reg_desc(50), 0x100 + 50);
	assert_z_equal(exception_vector(5), 0x805);
	tf_platform_remove();
}

static void test_decrypt_regs(void **state)
{
	tf_reset();
	tf_platform_install();
	hm_ctxt_regs r = tf_regs_pattern(1000);
	hm_ctxt_states s = tf_states_pattern(5000);
	hm_dorc d = hm_dorc_of(tf_doracle(), 2);
	/* gp: x0 := dorc 7, pc := dorc 8, logn 9 */
	hm_cregs_cstates_logn g = decrypt_gp_regs_specx(&r, &s, d, 7);
	assert_z_equal(g.cregs.x0, TF_DORC(2, 7));
	assert_z_equal(g.cstates.pc, TF_DORC(2, 8));
	assert_z_equal(g.logn, 9);
	assert_z_equal(g.cregs.x1, 1001);
	assert_z_equal(g.cstates.pstate, 5001);
	/* sys: fp_q0 (field 31) := 0xABC, spsr_0 (state field 5) := 0xDEF, logn + 1 */
	hm_cregs_cstates_logn y = decrypt_sys_regs_specx(&g.cregs, &g.cstates, d, g.logn);
	assert_z_equal(y.cregs.fp_q0, 0xABC);
	assert_z_equal(y.cstates.spsr_0, 0xDEF);
	assert_z_equal(y.cregs.x0, TF_DORC(2, 7));
	assert_z_equal(y.logn, 10);
	/* the inputs are untouched */
	assert_z_equal(r.x0, 1000);
	assert_z_equal(s.pc, 5000);
	tf_platform_remove();
}

static void test_dorc_apply(void **state)
{
	tf_reset();
	hm_dorc d = hm_dorc_of(tf_doracle(), 4);
	assert_z_equal(hm_dorc_apply(d, 3), TF_DORC(4, 3));
	tf_doracle_script(4, 3, 42);
	assert_z_equal(hm_dorc_apply(d, 3), 42);
	tf_reset();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_get_shadow_ctxt_every_index),
		cmocka_unit_test(test_get_shadow_ctxt_no_field),
		cmocka_unit_test(test_set_shadow_ctxt_every_index),
		cmocka_unit_test(test_set_shadow_ctxt_no_field),
		cmocka_unit_test(test_clear_shadow_gp_regs),
		cmocka_unit_test(test_reset_fp_regs),
		cmocka_unit_test(test_gp_copies),
		cmocka_unit_test(test_fpsimd_save_restore),
		cmocka_unit_test(test_exit_populate_fault),
		cmocka_unit_test(test_save_sysregs),
		cmocka_unit_test(test_restore_sysregs),
		cmocka_unit_test(test_traps),
		cmocka_unit_test(test_el2_restore),
		cmocka_unit_test(test_parameters_default_platform),
		cmocka_unit_test(test_parameters_installed_platform),
		cmocka_unit_test(test_decrypt_regs),
		cmocka_unit_test(test_dorc_apply),
	};
	return cmocka_run_group_tests(tests, t_pool_setup, t_pool_teardown);
}
