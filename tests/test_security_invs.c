/* The shared_inv monitors of SecurityInvs.md: the initial state holds
 * every invariant; for each invariant a state that breaks it (and only
 * it, where possible) is reported with the right name and witness. */
#include "hm_test.h"

#include <string.h>

#include "security_invs.h"

static hm_shared *edit_shared(void) { return sh_edit(t_initial()->shared); }

static hm_shared *with_host_pt(hm_shared *sh, hm_z gfn, hm_z pfn, hm_z level, hm_z pte)
{
	hm_npt *npt = npt_edit(npt_at(sh->npts, HOSTVISOR));
	hm_z3 e = {pfn, level, pte};
	SETP(npt, pt, hm_map_set(npt->pt, gfn, &e));
	SETP(sh, npts, hm_map_set_ptr(sh->npts, HOSTVISOR, npt));
	return sh;
}

static hm_shared *with_vm_pt(hm_shared *sh, hm_z vmid, hm_z gfn, hm_z pfn, hm_z pte)
{
	hm_npt *npt = npt_edit(npt_at(sh->npts, vmid));
	hm_z3 e = {pfn, 3, pte};
	SETP(npt, pt, hm_map_set(npt->pt, gfn, &e));
	SETP(sh, npts, hm_map_set_ptr(sh->npts, vmid, npt));
	return sh;
}

static hm_shared *with_page(hm_shared *sh, hm_z pfn, hm_z owner, hm_z count, hm_z gfn)
{
	hm_s2page p = {owner, count, gfn};
	SETP(sh, s2page, hm_map_set(sh->s2page, pfn, &p));
	return sh;
}

static hm_shared *with_spt(hm_shared *sh, hm_z index, hm_z cbndx, hm_z gfn, hm_z pfn, hm_z pte)
{
	hm_spt *spt = spt_edit(sh->spts);
	hm_z2 e = {pfn, pte};
	const hm_map *inner = hm_map_get_map(spt->spt_pt, SMMU_TTBR(index, cbndx));
	SETP(spt, spt_pt, hm_map_set_ptr(spt->spt_pt, SMMU_TTBR(index, cbndx), hm_map_set(inner, gfn, &e)));
	SETP(sh, spts, spt);
	return sh;
}

static hm_shared *with_smmu_vmid(hm_shared *sh, hm_z index, hm_z cbndx, hm_z vmid)
{
	SETP(sh, smmu_vmid, hm_map_set_z(sh->smmu_vmid, smmu_id(index, cbndx), vmid));
	return sh;
}

static hm_shared *with_vm_state(hm_shared *sh, hm_z vmid, hm_z state)
{
	hm_vminfo *info = vminfo_edit(vminfo_at(sh->vminfos, vmid));
	info->VS.vm_state = state;
	SETP(sh, vminfos, hm_map_set_ptr(sh->vminfos, vmid, info));
	return sh;
}

/* Asserts that exactly `name` reports, with `witness` in its detail. */
static void expect_only(const hm_shared *sh, const char *name, const char *witness)
{
	hm_inv_violation v;
	for (size_t i = 0; i < hm_shared_invs_count; i++) {
		bool ok = hm_shared_invs[i].check(sh, &v);
		if (strcmp(hm_shared_invs[i].name, name) == 0) {
			assert_false(ok);
			assert_string_equal(v.inv, name);
			if (!strstr(v.detail, witness))
				fprintf(stderr, "detail: %s\n", v.detail);
			assert_non_null(strstr(v.detail, witness));
		} else if (!ok) {
			fprintf(stderr, "unexpected %s: %s\n", v.inv, v.detail);
			fail();
		}
	}
}

static void test_initial_state_holds_all(void **state)
{
	(void)state;
	hm_inv_violation v;
	assert_true(hm_shared_inv(t_initial()->shared, &v));
}

static void test_spt_cons(void **state)
{
	(void)state;
	/* pfn 0x40001 with a pte whose page is 0x40001000: holds */
	hm_shared *ok = with_spt(edit_shared(), 0, 1, 0x100, 0x40001, 0x40001fff);
	hm_inv_violation v;
	assert_true(inv_spt_cons(ok, &v));
	/* pte pointing at another page: pfn <> phys_page pte / PAGE_SIZE */
	hm_shared *bad = with_spt(edit_shared(), 1, 7, 0x100, 0x40001, 0x40002fff);
	assert_false(inv_spt_cons(bad, &v));
	assert_non_null(strstr(v.detail, "index 1 cbndx 7 gfn 0x100"));
}

static void test_host_npt_cons_and_flatmap(void **state)
{
	(void)state;
	/* gfn = pfn, pte of that page: all host invariants hold */
	hm_shared *ok = with_host_pt(edit_shared(), 0x40001, 0x40001, 3, 0x40001fff);
	hm_inv_violation v;
	assert_true(hm_shared_inv(ok, &v));
	/* pte of another page at the same pfn breaks host_npt_cons */
	hm_shared *bad = with_host_pt(edit_shared(), 0x40001, 0x40001, 3, 0x40002fff);
	expect_only(bad, "host_npt_cons", "host gfn 0x40001");
	/* gfn <> pfn with a consistent pte breaks host_flatmap */
	hm_shared *shifted = with_host_pt(edit_shared(), 0x40005, 0x40001, 3, 0x40001fff);
	expect_only(shifted, "host_flatmap", "host gfn 0x40005 maps pfn 0x40001");
}

static void test_host_s2_map_and_page0(void **state)
{
	(void)state;
	hm_shared *bad = with_page(edit_shared(), 0x40003, HOSTVISOR, 0, 0x40003);
	expect_only(bad, "host_s2_map", "pfn 0x40003 owned by the host has s2_gfn 0x40003");
	/* pfn 0 given to the host with the right gfn: only page_0_invalid */
	hm_shared *p0 = with_page(edit_shared(), 0, HOSTVISOR, 0, SMMU_HOST_OFFSET);
	expect_only(p0, "page_0_invalid", "pfn 0 is owned by vmid 0");
}

static void test_host_iso(void **state)
{
	(void)state;
	/* the host maps a page VM 2 owns with count 0 */
	hm_shared *sh = with_page(edit_shared(), 0x40010, 2, 0, 0x80000);
	sh = with_host_pt(sh, 0x40010, 0x40010, 3, 0x40010fff);
	expect_only(sh, "host_iso", "maps pfn 0x40010 owned by vmid 2 with s2_count 0");
	/* shared with the host (count > 0): allowed */
	hm_shared *shared = with_page(edit_shared(), 0x40010, 2, 1, 0x80000);
	shared = with_host_pt(shared, 0x40010, 0x40010, 3, 0x40010fff);
	hm_inv_violation v;
	assert_true(inv_host_iso(shared, &v));
}

static void test_vm_iso(void **state)
{
	(void)state;
	/* VM 1 (READY <= VERIFIED) maps a host page */
	hm_shared *sh = with_vm_state(edit_shared(), 1, READY);
	sh = with_vm_pt(sh, 1, 0x80000, 0x40020, 0x40020fff);
	expect_only(sh, "vm_iso", "vmid 1 gfn 0x80000 maps pfn 0x40020 owned by vmid 0");
	/* once POWEROFF (> VERIFIED) the premise fails: no violation */
	hm_shared *off = with_vm_state(sh, 1, POWEROFF);
	hm_inv_violation v;
	assert_true(inv_vm_iso(off, &v));
	/* an INVALID page is allowed too */
	hm_shared *dev = with_vm_state(edit_shared(), 1, READY);
	dev = with_vm_pt(dev, 1, 0x80000, 0x90000, 0x90000fff);
	assert_true(inv_vm_iso(dev, &v));
}

static void test_smmu_vm_and_iso(void **state)
{
	(void)state;
	hm_shared *sh = with_smmu_vmid(edit_shared(), 0, 2, COREVISOR);
	expect_only(sh, "smmu_vm", "index 0 cbndx 2 is assigned to vmid 16");
	/* host bank mapping a host page at its host gfn, counted: holds */
	hm_shared *ok = with_smmu_vmid(edit_shared(), 0, 2, HOSTVISOR);
	ok = with_page(ok, 0x40030, HOSTVISOR, 1, 0x40030 + SMMU_HOST_OFFSET);
	ok = with_spt(ok, 0, 2, 0x40030 + SMMU_HOST_OFFSET, 0x40030, 0x40030fff);
	hm_inv_violation v;
	assert_true(hm_shared_inv(ok, &v));
	/* the same bank given to VM 3 (READY) maps a host page */
	hm_shared *bad = with_vm_state(edit_shared(), 3, READY);
	bad = with_smmu_vmid(bad, 0, 2, 3);
	bad = with_spt(bad, 0, 2, 0x5000, 0x40030, 0x40030fff);
	expect_only(bad, "smmu_iso", "index 0 cbndx 2 (vmid 3) maps gfn 0x5000 to pfn 0x40030");
}

static void test_smmu_count(void **state)
{
	(void)state;
	/* two host banks map host pfn 0x40040: count_smmu_map = 2 */
	hm_shared *sh = with_smmu_vmid(edit_shared(), 0, 0, HOSTVISOR);
	sh = with_smmu_vmid(sh, 1, 3, HOSTVISOR);
	hm_z gfn = 0x40040 + SMMU_HOST_OFFSET;
	sh = with_spt(sh, 0, 0, gfn, 0x40040, 0x40040fff);
	sh = with_spt(sh, 1, 3, gfn, 0x40040, 0x40040fff);
	assert_z_equal(count_smmu_map(EL2_SMMU_CFG_SIZE, 0x40040, sh->smmu_vmid, sh->spts), 2);
	/* a bank that does not belong to the host does not count */
	assert_z_equal(count_smmu_map(8, 0x40040, sh->smmu_vmid, sh->spts), 1);
	hm_shared *one = with_page(sh, 0x40040, HOSTVISOR, 1, gfn);
	expect_only(one, "smmu_count", "host pfn 0x40040 has s2_count 1 but 2 host SMMU mappings");
	hm_shared *two = with_page(sh, 0x40040, HOSTVISOR, 2, gfn);
	hm_inv_violation v;
	assert_true(hm_shared_inv(two, &v));
	/* a negative count breaks it even with no mapping */
	hm_shared *neg = with_page(edit_shared(), 0x40041, HOSTVISOR, -1, 0x40041 + SMMU_HOST_OFFSET);
	expect_only(neg, "smmu_count", "host pfn 0x40041 has s2_count -1");
}

static void test_default_entries_are_checked(void **state)
{
	(void)state;
	/* a host NPT whose default entry maps pfn 5 breaks host_flatmap
	 * for every absent gfn */
	hm_shared *sh = edit_shared();
	hm_npt *npt = npt_edit(npt_at(sh->npts, HOSTVISOR));
	hm_z3 d = {5, 3, 0x5fff};
	SETP(npt, pt, hm_map_with_default(npt->pt, &d));
	SETP(sh, npts, hm_map_set_ptr(sh->npts, HOSTVISOR, npt));
	hm_inv_violation v;
	assert_false(inv_host_flatmap(sh, &v));
	assert_non_null(strstr(v.detail, "(every absent key)"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_initial_state_holds_all),
		cmocka_unit_test(test_spt_cons),
		cmocka_unit_test(test_host_npt_cons_and_flatmap),
		cmocka_unit_test(test_host_s2_map_and_page0),
		cmocka_unit_test(test_host_iso),
		cmocka_unit_test(test_vm_iso),
		cmocka_unit_test(test_smmu_vm_and_iso),
		cmocka_unit_test(test_smmu_count),
		cmocka_unit_test(test_default_entries_are_checked),
	};
	return cmocka_run_group_tests(tests, t_pool_setup, t_pool_teardown);
}
