/* TrapHandlerSpec (seed): mem_load_spec, mem_store_spec, dev_load_spec,
 * dev_store_spec, one test per branch.
 *
 * The seed's choice between flat memory and the data oracle: for the host,
 * `s2_owner =? HOSTVISOR`; for a VM, `s2_count =? 0`. (VRM's current tree
 * tests the owner against INVALID; the seed's test is the one checked
 * here: a device page, owner INVALID, reads from the oracle.)
 *
 * The host runs as (cur_vmid 0, cur_vcpuid 0), context 0; VM 1 as
 * (1, 2), context ctxt_id 1 2 = 10. Every access logs OPT_GET cur_vmid. */
#include "t_trap.h"
#include "trap_handler_spec.h"

#define CPU 0
#define VM 1
#define CTX ((hm_z)10)
#define GFN ((hm_z)0x20)
#define PFN ((hm_z)0x40300)
#define IDX ((hm_z)1)  /* SMMU index */
#define CB ((hm_z)2)   /* context bank */
#define SMMUID ((hm_z)10) /* smmu_id IDX CB */

static hm_rdata *with_slog(const hm_rdata *st, const hm_slog *l)
{
	hm_rdata *o = rd_edit(st);
	SETP(o, slog, l);
	return o;
}

/* SEVENT CPU (OPT_GET vmid) :: slog st */
static hm_rdata *pt_get(const hm_rdata *st, hm_z vmid)
{
	return with_slog(st, hm_slog_cons(CPU, HM_AEV_OPT_GET, TT_ARGS(vmid), NULL, NULL, st->slog));
}

/* The principal vmid's NPT maps GFN to pfn; its SMMU bank (IDX, CB) is its
 * own and maps GFN to pfn too; page pfn is (owner, count); flatmem[pfn] =
 * 0x1234; the principal's context has x4 = 0x44 and pc = 0x8000. */
static const hm_rdata *mem_st(hm_z vmid, hm_z pfn, hm_z owner, hm_z count)
{
	const hm_rdata *st = tt_initial();
	hm_z ctxtid = 0;
	if (vmid != HOSTVISOR) {
		st = tt_with_cur(st, vmid, 2);
		st = tt_with_mode(st, false, false);
		st = tt_with_info(st, vmid, tc_vminfo(VERIFIED, 2, ACTIVE));
		ctxtid = CTX;
	}
	const hm_npt *npt = tc_pt(npt_at(st->shared->npts, vmid), GFN, pfn, 3, pfn * PAGE_SIZE | 0xfff);
	st = tt_with_shared(st, tc_npt(st->shared, vmid, npt));
	st = tt_with_shared(st, tc_spt(st->shared, tc_spt_entry(st->shared->spts, SMMU_TTBR(IDX, CB), GFN, pfn,
								 pfn * PAGE_SIZE | 3)));
	st = tt_with_smmu_vmid(st, SMMUID, vmid);
	st = t_with_page(st, pfn, owner, count, GFN);
	st = tt_with_shared(st, tc_fmem(st->shared, pfn, 0x1234));
	hm_ctxt_regs r = tt_shadow(st, ctxtid)->ctxt_regs;
	hm_ctxt_states s = tt_shadow(st, ctxtid)->ctxt_states;
	r.x4 = 0x44;
	s.pc = 0x8000;
	return tt_with_shadow(st, ctxtid, r, s);
}

/* st with register `reg` of context ctxtid set to v (a general register) */
static hm_rdata *with_reg(const hm_rdata *st, hm_z ctxtid, int reg, hm_z v)
{
	hm_ctxt_regs r = tt_shadow(st, ctxtid)->ctxt_regs;
	tt_set_reg(&r, reg, v);
	return tt_with_shadow(st, ctxtid, r, tt_shadow(st, ctxtid)->ctxt_states);
}

/* ---- the four definitions through one signature ---- */

typedef hm_sres (*access_fn)(const hm_rdata *adt, hm_z gfn, hm_z reg);

static hm_sres mem_load(const hm_rdata *a, hm_z gfn, hm_z reg) { return mem_load_spec(a, gfn, reg); }
static hm_sres mem_store(const hm_rdata *a, hm_z gfn, hm_z reg) { return mem_store_spec(a, gfn, reg); }
static hm_sres dev_load(const hm_rdata *a, hm_z gfn, hm_z reg) { return dev_load_spec(a, gfn, reg, CB, IDX); }
static hm_sres dev_store(const hm_rdata *a, hm_z gfn, hm_z reg) { return dev_store_spec(a, gfn, reg, CB, IDX); }

typedef struct access {
	access_fn fn;
	const char *name; /* the C function (None's `where`) */
} access;

static const access loads[] = {{mem_load, "mem_load_spec"}, {dev_load, "dev_load_spec"}};
static const access stores[] = {{mem_store, "mem_store_spec"}, {dev_store, "dev_store_spec"}};

/* ---- common branches ---- */

static void test_icore_is_none(void **state)
{
	(void)state;
	const hm_rdata *st = tt_with_mode(mem_st(HOSTVISOR, PFN, HOSTVISOR, 0), true, true);
	for (int i = 0; i < 2; i++) {
		tt_assert_stuck(loads[i].fn(st, GFN, 4), loads[i].name);
		tt_assert_stuck(stores[i].fn(st, GFN, 4), stores[i].name);
	}
}

static void test_unmapped_gfn_is_none(void **state)
{
	(void)state;
	/* gfn 0x21 has pfn 0 in both tables: None, for the host and a VM */
	for (hm_z vmid = 0; vmid <= VM; vmid++) {
		const hm_rdata *st = mem_st(vmid, PFN, vmid, 0);
		for (int i = 0; i < 2; i++) {
			tt_assert_stuck(loads[i].fn(st, GFN + 1, 4), loads[i].name);
			tt_assert_stuck(stores[i].fn(st, GFN + 1, 4), stores[i].name);
		}
	}
}

/* ---- loads ---- */

static void test_host_load_own_page(void **state)
{
	(void)state;
	/* the host's page: x4 = flatmem[PFN] = 0x1234 */
	const hm_rdata *st = mem_st(HOSTVISOR, PFN, HOSTVISOR, 0);
	for (int i = 0; i < 2; i++) {
		hm_sres r = loads[i].fn(st, GFN, 4);
		t_assert_state_equal(r.st, pt_get(with_reg(st, 0, 4, 0x1234), HOSTVISOR));
	}
}

static void test_host_load_other_page_reads_oracle(void **state)
{
	(void)state;
	/* VM 1's page, then a device page (owner INVALID): x4 = doracle 0 2
	 * (the host's data log at 2, not advanced) */
	tt_script(false, HOSTVISOR, 2, 0x55);
	const hm_z owners[] = {VM, INVALID};
	for (int o = 0; o < 2; o++) {
		const hm_rdata *st = tt_with_data_log(mem_st(HOSTVISOR, PFN, owners[o], 0), HOSTVISOR, 2);
		for (int i = 0; i < 2; i++) {
			hm_sres r = loads[i].fn(st, GFN, 4);
			t_assert_state_equal(r.st, pt_get(with_reg(st, 0, 4, 0x55), HOSTVISOR));
		}
	}
}

static void test_load_into_x30_or_above_rely(void **state)
{
	(void)state;
	/* rely (reg <? X30): x30 itself cannot be loaded */
	const hm_rdata *st = mem_st(HOSTVISOR, PFN, HOSTVISOR, 0);
	for (int i = 0; i < 2; i++) {
		tt_assert_rely(loads[i].fn(st, GFN, X30), "reg < X30", loads[i].name);
		tt_assert_rely(loads[i].fn(st, GFN, PC), "reg < X30", loads[i].name);
		assert_non_null(loads[i].fn(st, GFN, X29).st);
	}
}

static void test_vm_load_private_page(void **state)
{
	(void)state;
	/* VM 1's page, count 0: flat memory */
	const hm_rdata *st = mem_st(VM, PFN, VM, 0);
	for (int i = 0; i < 2; i++) {
		hm_sres r = loads[i].fn(st, GFN, 4);
		t_assert_state_equal(r.st, pt_get(with_reg(st, CTX, 4, 0x1234), VM));
	}
}

static void test_vm_load_shared_page_reads_oracle(void **state)
{
	(void)state;
	/* count 1 (shared with the host): doracle 1 3 */
	tt_script(false, VM, 3, 0x66);
	const hm_rdata *st = tt_with_data_log(mem_st(VM, PFN, VM, 1), VM, 3);
	for (int i = 0; i < 2; i++) {
		hm_sres r = loads[i].fn(st, GFN, 4);
		t_assert_state_equal(r.st, pt_get(with_reg(st, CTX, 4, 0x66), VM));
	}
}

static void test_vm_not_verified_rely(void **state)
{
	(void)state;
	const hm_rdata *st = tt_with_info(mem_st(VM, PFN, VM, 0), VM, tc_vminfo(READY, 2, ACTIVE));
	for (int i = 0; i < 2; i++) {
		tt_assert_rely(loads[i].fn(st, GFN, 4), "cur_vm_verified(adt)", loads[i].name);
		tt_assert_rely(stores[i].fn(st, GFN, 4), "cur_vm_verified(adt)", stores[i].name);
	}
}

/* ---- stores ---- */

static void test_host_store_own_page(void **state)
{
	(void)state;
	/* flatmem[PFN] = x4 = 0x44 */
	const hm_rdata *st = mem_st(HOSTVISOR, PFN, HOSTVISOR, 0);
	for (int i = 0; i < 2; i++) {
		hm_sres r = stores[i].fn(st, GFN, 4);
		hm_rdata *e = tt_with_shared(st, tc_fmem(st->shared, PFN, 0x44));
		t_assert_state_equal(r.st, pt_get(e, HOSTVISOR));
	}
}

static void test_host_store_other_page_dropped(void **state)
{
	(void)state;
	const hm_z owners[] = {VM, INVALID};
	for (int o = 0; o < 2; o++) {
		const hm_rdata *st = mem_st(HOSTVISOR, PFN, owners[o], 0);
		for (int i = 0; i < 2; i++)
			t_assert_state_equal(stores[i].fn(st, GFN, 4).st, pt_get(st, HOSTVISOR));
	}
}

static void test_store_reads_any_register(void **state)
{
	(void)state;
	/* reg PC: the value is the context's pc (0x8000); no rely on reg */
	const hm_rdata *st = mem_st(HOSTVISOR, PFN, HOSTVISOR, 0);
	for (int i = 0; i < 2; i++) {
		hm_sres r = stores[i].fn(st, GFN, PC);
		t_assert_state_equal(r.st, pt_get(tt_with_shared(st, tc_fmem(st->shared, PFN, 0x8000)), HOSTVISOR));
	}
}

static void test_vm_store_private_page(void **state)
{
	(void)state;
	const hm_rdata *st = mem_st(VM, PFN, VM, 0);
	for (int i = 0; i < 2; i++) {
		hm_sres r = stores[i].fn(st, GFN, 4);
		t_assert_state_equal(r.st, pt_get(tt_with_shared(st, tc_fmem(st->shared, PFN, 0x44)), VM));
	}
}

static void test_vm_store_shared_page_dropped(void **state)
{
	(void)state;
	const hm_rdata *st = mem_st(VM, PFN, VM, 2);
	for (int i = 0; i < 2; i++)
		t_assert_state_equal(stores[i].fn(st, GFN, 4).st, pt_get(st, VM));
}

/* ---- the SMMU's relies ---- */

static void test_dev_relies(void **state)
{
	(void)state;
	const hm_rdata *st = mem_st(HOSTVISOR, PFN, HOSTVISOR, 0);
	tt_assert_rely(dev_load_spec(st, GFN, 4, CB, SMMU_NUM), "is_smmu(index)", "dev_load_spec");
	tt_assert_rely(dev_store_spec(st, GFN, 4, CB, SMMU_NUM), "is_smmu(index)", "dev_store_spec");
	tt_assert_rely(dev_load_spec(st, GFN, 4, SMMU_NUM_CTXT_BANKS, IDX), "is_smmu_cfg(cbndx)", "dev_load_spec");
	tt_assert_rely(dev_store_spec(st, GFN, 4, -1, IDX), "is_smmu_cfg(cbndx)", "dev_store_spec");
	/* the bank must belong to the running principal */
	const hm_rdata *other = tt_with_smmu_vmid(st, SMMUID, VM);
	const char *own = "hm_map_get_z(adt->shared->smmu_vmid, smmuid) == vmid";
	tt_assert_rely(dev_load_spec(other, GFN, 4, CB, IDX), own, "dev_load_spec");
	tt_assert_rely(dev_store_spec(other, GFN, 4, CB, IDX), own, "dev_store_spec");
	/* the mem_* definitions do not look at the SMMU */
	assert_non_null(mem_load_spec(other, GFN, 4).st);
}

static void test_dev_uses_the_smmu_table(void **state)
{
	(void)state;
	/* the NPT maps GFN to PFN but the SMMU table to PFN + 1 (holding
	 * 0x777): dev_load reads PFN + 1, mem_load PFN */
	const hm_rdata *st = mem_st(HOSTVISOR, PFN, HOSTVISOR, 0);
	st = tt_with_shared(st, tc_spt(st->shared, tc_spt_entry(st->shared->spts, SMMU_TTBR(IDX, CB), GFN, PFN + 1,
								 0)));
	st = tt_with_shared(st, tc_fmem(st->shared, PFN + 1, 0x777));
	assert_z_equal(tt_shadow(dev_load_spec(st, GFN, 4, CB, IDX).st, 0)->ctxt_regs.x4, 0x777);
	assert_z_equal(tt_shadow(mem_load_spec(st, GFN, 4).st, 0)->ctxt_regs.x4, 0x1234);
	hm_sres w = dev_store_spec(st, GFN, 4, CB, IDX);
	assert_z_equal(hm_map_get_z(w.st->shared->flatmem, PFN + 1), 0x44);
	assert_z_equal(hm_map_get_z(w.st->shared->flatmem, PFN), 0x1234);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_icore_is_none),
		cmocka_unit_test(test_unmapped_gfn_is_none),
		cmocka_unit_test(test_host_load_own_page),
		cmocka_unit_test(test_host_load_other_page_reads_oracle),
		cmocka_unit_test(test_load_into_x30_or_above_rely),
		cmocka_unit_test(test_vm_load_private_page),
		cmocka_unit_test(test_vm_load_shared_page_reads_oracle),
		cmocka_unit_test(test_vm_not_verified_rely),
		cmocka_unit_test(test_host_store_own_page),
		cmocka_unit_test(test_host_store_other_page_dropped),
		cmocka_unit_test(test_store_reads_any_register),
		cmocka_unit_test(test_vm_store_private_page),
		cmocka_unit_test(test_vm_store_shared_page_dropped),
		cmocka_unit_test(test_dev_relies),
		cmocka_unit_test(test_dev_uses_the_smmu_table),
	};
	return cmocka_run_group_tests(tests, tt_group_setup, tt_group_teardown);
}
