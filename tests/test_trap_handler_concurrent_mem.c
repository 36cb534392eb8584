/* TrapHandlerSpec (seed), ConcurrentSpec: the memory steps
 * local_map_host, local_clear_vm_page, local_assign_pfn_to_vm,
 * local_map_pfn_vm, local_map_io, local_grant_vm_page,
 * local_revoke_vm_page, local_save_encrypt_buf, local_load_decrypt_buf.
 * One test per branch; expected values worked out from the Coq. */
#include "t_concurrent.h"

/* The page used throughout: pfn 0x40000 (addr 0x40000000), whose indices
 * are pgd 0, pud 1, pmd (0x40000000>>21)&511 = 0. In an empty host NPT
 * every table is absent, so local_mmap_h level 3 allocates: next' = 4096
 * each, far below pud_start 0 = 1118208 etc. */
#define PFN ((hm_z)0x40000)
#define ADDR ((hm_z)0x40000000)
/* PAGE_S2_DEVICE = 2^54 + 0x747, S2_RDWR = 0xc0: their lor is 2^54 + 0x7c7 */
#define DEV_RW (((hm_z)1 << 54) | 0x7c7)

/* A host NPT whose pt[PFN] has a non-zero pte at level 3 (so the clear
 * steps call local_mmap_h), and one where that entry is level 2 (so
 * local_mmap_h halts). */
static const hm_npt *host_mapped(void) { return tc_pt(hm_npt_empty(), PFN, PFN, 3, ADDR | 0xfff); }
static const hm_npt *host_block(void) { return tc_pt(hm_npt_empty(), PFN, PFN, 2, ADDR | 0xfff); }

/* local_mmap_h HOSTVISOR (PFN * PAGE_SIZE) 3 PAGE_GUEST: pfn = phys_page
 * PAGE_GUEST / PAGE_SIZE = (2^57 & PHYS_MASK) / 4096 = 0, so pt[PFN]
 * becomes (0, 3, PAGE_GUEST). */
static void assert_host_unmapped(const hm_shared *s)
{
	hm_z3 e = tc_pt_at(s, HOSTVISOR, PFN);
	assert_z_equal(e.a, 0);
	assert_z_equal(e.b, 3);
	assert_z_equal(e.c, PAGE_GUEST);
	assert_z_equal(npt_at(s->npts, HOSTVISOR)->pt_pgd_next, 4096);
}

/* ---- local_map_host ---- */

static void map_host_invalid_owner(void **state)
{
	/* owner INVALID (the default page): pte = (PFN*4096) lor (DEVICE lor RDWR),
	 * mapped at level 3 with pfn phys_page(pte)/4096 = PFN; no halt. */
	const hm_shared *s0 = tc_sdt();
	local_map_host_ret r = local_map_host(ADDR, s0);
	assert_false(r.halt);
	hm_z3 e = tc_pt_at(r.sdt, HOSTVISOR, PFN);
	assert_z_equal(e.a, PFN);
	assert_z_equal(e.b, 3);
	assert_z_equal(e.c, ADDR | DEV_RW);
	assert_true(r.has_s2p);
	assert_ptr_equal(r.s2p, s0->s2page);
	assert_true(r.has_npt);
	assert_ptr_equal(r.npt, npt_at(r.sdt->npts, HOSTVISOR));
	assert_true(tc_hlock_at(r.sdt, S2PAGE_ID)); /* locks untouched */
	assert_true(tc_hlock_at(r.sdt, NPT_ID));
}

static void map_host_host_owner(void **state)
{
	/* owner HOSTVISOR: pte = (PFN*4096) lor PAGE_S2_KERNEL = 0x40000fff */
	const hm_shared *s0 = tc_page(tc_sdt(), PFN, HOSTVISOR, 0, PFN);
	local_map_host_ret r = local_map_host(ADDR + 0x123, s0);
	assert_false(r.halt);
	assert_z_equal(tc_pt_at(r.sdt, HOSTVISOR, PFN).c, 0x40000fff);
}

static void map_host_shared_vm_page(void **state)
{
	/* owner VM 3 with count 2 > 0: mapped too, kernel permissions */
	const hm_shared *s0 = tc_page(tc_sdt(), PFN, 3, 2, 0x10);
	local_map_host_ret r = local_map_host(ADDR, s0);
	assert_false(r.halt);
	assert_z_equal(tc_pt_at(r.sdt, HOSTVISOR, PFN).c, 0x40000fff);
}

static void map_host_mmap_halts(void **state)
{
	/* the host entry is a level-2 block: local_mmap_h halts; the S2PAGE
	 * and NPT locks are released, npts # HOSTVISOR == the same NPT. */
	const hm_shared *s0 = tc_npt(tc_page(tc_sdt(), PFN, HOSTVISOR, 0, PFN), HOSTVISOR,
				     host_block());
	local_map_host_ret r = local_map_host(ADDR, s0);
	assert_true(r.halt);
	assert_false(tc_hlock_at(r.sdt, S2PAGE_ID));
	assert_false(tc_hlock_at(r.sdt, NPT_ID));
	assert_true(r.has_npt);
	assert_ptr_equal(r.npt, npt_at(s0->npts, HOSTVISOR));
	tc_assert_sdt_equal(r.sdt, tc_hlock(tc_hlock(s0, S2PAGE_ID, false), NPT_ID, false));
}

static void map_host_vm_page(void **state)
{
	/* owner VM 3, count 0: not mappable: S2PAGE lock released, halt, no npt */
	const hm_shared *s0 = tc_page(tc_sdt(), PFN, 3, 0, 0x10);
	local_map_host_ret r = local_map_host(ADDR, s0);
	assert_true(r.halt);
	assert_false(r.has_npt);
	assert_true(r.has_s2p);
	assert_false(tc_hlock_at(r.sdt, S2PAGE_ID));
	assert_true(tc_hlock_at(r.sdt, NPT_ID));
	tc_assert_sdt_equal(r.sdt, tc_hlock(s0, S2PAGE_ID, false));
}

/* ---- local_clear_vm_page ---- */

static void clear_not_owner(void **state)
{
	/* owner 4 is not vmid 3: (sdt, false, Some s2p, None, None) */
	const hm_shared *s0 = tc_page(tc_sdt(), PFN, 4, 0, 0x10);
	local_clear_vm_page_ret r = local_clear_vm_page(3, PFN, s0);
	assert_ptr_equal(r.sdt, s0);
	assert_false(r.halt);
	assert_true(r.has_s2p);
	assert_false(r.has_npt);
	assert_false(r.has_fmem);
}

static void clear_unmapped(void **state)
{
	/* owned by 3, host pte 0: npt unchanged; page' = (HOSTVISOR, 0,
	 * PFN + SMMU_HOST_OFFSET), flatmem[PFN] = 0 (was 55). */
	const hm_shared *s0 = tc_fmem(tc_page(tc_sdt(), PFN, 3, 0, 0x10), PFN, 55);
	local_clear_vm_page_ret r = local_clear_vm_page(3, PFN, s0);
	assert_false(r.halt);
	hm_s2page p = tc_page_at(r.sdt, PFN);
	assert_z_equal(p.s2_owner, HOSTVISOR);
	assert_z_equal(p.s2_count, 0);
	assert_z_equal(p.s2_gfn, PFN + 1000000000);
	assert_z_equal(hm_map_get_z(r.sdt->flatmem, PFN), 0);
	assert_true(r.has_fmem);
	assert_ptr_equal(r.fmem, r.sdt->flatmem);
	assert_ptr_equal(r.s2p, r.sdt->s2page);
	assert_ptr_equal(r.npt, npt_at(s0->npts, HOSTVISOR));
	tc_assert_sdt_equal(r.sdt, tc_fmem(tc_page(s0, PFN, HOSTVISOR, 0, PFN + SMMU_HOST_OFFSET),
					   PFN, 0));
}

static void clear_mapped(void **state)
{
	/* host pte non-zero: the host entry is remapped to PAGE_GUEST */
	const hm_shared *s0 = tc_npt(tc_page(tc_sdt(), PFN, 3, 0, 0x10), HOSTVISOR, host_mapped());
	local_clear_vm_page_ret r = local_clear_vm_page(3, PFN, s0);
	assert_false(r.halt);
	assert_host_unmapped(r.sdt);
	assert_z_equal(tc_page_at(r.sdt, PFN).s2_owner, HOSTVISOR);
}

static void clear_mmap_halts(void **state)
{
	/* level-2 host entry: halt, S2PAGE and NPT locks released, s2page
	 * and flatmem untouched, Some s2p (the old one), no fmem. */
	const hm_shared *s0 = tc_npt(tc_page(tc_sdt(), PFN, 3, 0, 0x10), HOSTVISOR, host_block());
	local_clear_vm_page_ret r = local_clear_vm_page(3, PFN, s0);
	assert_true(r.halt);
	assert_false(tc_hlock_at(r.sdt, S2PAGE_ID));
	assert_false(tc_hlock_at(r.sdt, NPT_ID));
	assert_ptr_equal(r.s2p, s0->s2page);
	assert_false(r.has_fmem);
	tc_assert_sdt_equal(r.sdt, tc_hlock(tc_hlock(s0, S2PAGE_ID, false), NPT_ID, false));
}

/* ---- local_assign_pfn_to_vm ---- */

static void assign_host_page_unmapped(void **state)
{
	/* host page, count 0, host pte 0: page' = (3, 0, 0x123), flatmem[PFN] =
	 * dorc 5 = 3*1000 + 5 + 7 = 3012, logn 6. */
	const hm_shared *s0 = tc_page(tc_sdt(), PFN, HOSTVISOR, 0, PFN);
	local_assign_pfn_to_vm_ret r = local_assign_pfn_to_vm(3, 0x123, PFN, tc_dorc(), 3, 5, s0);
	assert_false(r.halt);
	assert_z_equal(r.logn, 6);
	hm_s2page p = tc_page_at(r.sdt, PFN);
	assert_z_equal(p.s2_owner, 3);
	assert_z_equal(p.s2_count, 0);
	assert_z_equal(p.s2_gfn, 0x123);
	assert_z_equal(hm_map_get_z(r.sdt->flatmem, PFN), 3012);
	assert_true(r.has_fmem && r.has_npt && r.has_s2p);
	tc_assert_sdt_equal(r.sdt, tc_fmem(tc_page(s0, PFN, 3, 0, 0x123), PFN, 3012));
}

static void assign_host_page_mapped(void **state)
{
	/* host pte non-zero: also remapped to PAGE_GUEST in the host NPT */
	const hm_shared *s0 = tc_npt(tc_page(tc_sdt(), PFN, HOSTVISOR, 0, PFN), HOSTVISOR,
				     host_mapped());
	local_assign_pfn_to_vm_ret r = local_assign_pfn_to_vm(3, 0x123, PFN, tc_dorc(), 3, 5, s0);
	assert_false(r.halt);
	assert_z_equal(r.logn, 6);
	assert_host_unmapped(r.sdt);
}

static void assign_mmap_halts(void **state)
{
	/* level-2 host entry: halt; locks S2PAGE and NPT released; s2page IS
	 * set to s2p' (quirk) while flatmem is not; logn unchanged. */
	const hm_shared *s0 = tc_npt(tc_page(tc_sdt(), PFN, HOSTVISOR, 0, PFN), HOSTVISOR,
				     host_block());
	local_assign_pfn_to_vm_ret r = local_assign_pfn_to_vm(3, 0x123, PFN, tc_dorc(), 3, 5, s0);
	assert_true(r.halt);
	assert_z_equal(r.logn, 5);
	assert_false(r.has_fmem);
	assert_z_equal(tc_page_at(r.sdt, PFN).s2_owner, 3);
	assert_z_equal(hm_map_get_z(r.sdt->flatmem, PFN), 0);
	tc_assert_sdt_equal(r.sdt, tc_page(tc_hlock(tc_hlock(s0, S2PAGE_ID, false), NPT_ID, false),
					   PFN, 3, 0, 0x123));
}

static void assign_host_page_shared(void **state)
{
	/* host page with count 1: S2PAGE released, halt, logn 5 */
	const hm_shared *s0 = tc_page(tc_sdt(), PFN, HOSTVISOR, 1, PFN);
	local_assign_pfn_to_vm_ret r = local_assign_pfn_to_vm(3, 0x123, PFN, tc_dorc(), 3, 5, s0);
	assert_true(r.halt);
	assert_z_equal(r.logn, 5);
	assert_ptr_equal(r.s2p, s0->s2page);
	assert_false(r.has_npt);
	tc_assert_sdt_equal(r.sdt, tc_hlock(s0, S2PAGE_ID, false));
}

static void assign_own_page_no_gfn(void **state)
{
	/* owner 3 with gfn INVALID64 and count INVALID: the Coq computes page'
	 * (count 0, gfn 0x123) but stores `page`: the entry stays (3, INVALID,
	 * INVALID64). No halt, logn 5. */
	const hm_shared *s0 = tc_page(tc_sdt(), PFN, 3, INVALID, INVALID64);
	local_assign_pfn_to_vm_ret r = local_assign_pfn_to_vm(3, 0x123, PFN, tc_dorc(), 3, 5, s0);
	assert_false(r.halt);
	assert_z_equal(r.logn, 5);
	hm_s2page p = tc_page_at(r.sdt, PFN);
	assert_z_equal(p.s2_count, INVALID);
	assert_z_equal(p.s2_gfn, INVALID64);
	tc_assert_sdt_equal(r.sdt, s0);
}

static void assign_own_page_same_gfn(void **state)
{
	/* owner 3, gfn 0x123 = gfn: same branch, entry unchanged */
	const hm_shared *s0 = tc_page(tc_sdt(), PFN, 3, 2, 0x123);
	local_assign_pfn_to_vm_ret r = local_assign_pfn_to_vm(3, 0x123, PFN, tc_dorc(), 3, 5, s0);
	assert_false(r.halt);
	assert_true(tc_hlock_at(r.sdt, S2PAGE_ID));
	tc_assert_sdt_equal(r.sdt, s0);
}

static void assign_other_gfn(void **state)
{
	/* owner 3 but gfn 0x999 != 0x123, and owner 4: S2PAGE released, halt */
	const hm_shared *s0 = tc_page(tc_sdt(), PFN, 3, 0, 0x999);
	local_assign_pfn_to_vm_ret r = local_assign_pfn_to_vm(3, 0x123, PFN, tc_dorc(), 3, 5, s0);
	assert_true(r.halt);
	tc_assert_sdt_equal(r.sdt, tc_hlock(s0, S2PAGE_ID, false));
	const hm_shared *s1 = tc_page(tc_sdt(), PFN, 4, 0, 0x123);
	r = local_assign_pfn_to_vm(3, 0x123, PFN, tc_dorc(), 3, 5, s1);
	assert_true(r.halt);
	assert_z_equal(r.logn, 5);
	tc_assert_sdt_equal(r.sdt, tc_hlock(s1, S2PAGE_ID, false));
}

/* ---- local_map_pfn_vm ---- */

static void map_pfn_level2(void **state)
{
	/* level 2: pte' = ((0x80000000 lor 0xfff) land NOT_PMD_TABLE_BIT) =
	 * 0x80000ffd, mapped as a 2 MiB block at gfn 0x40203/512*512 = 0x40200. */
	const hm_shared *s0 = tc_sdt();
	local_map_pfn_vm_ret r = local_map_pfn_vm(2, 0x40203000, 0x80000123, 2, s0);
	assert_false(r.halt);
	hm_z3 e = tc_pt_at(r.sdt, 2, 0x40200);
	assert_z_equal(e.a, 0x80000);
	assert_z_equal(e.b, 2);
	assert_z_equal(e.c, 0x80000ffd);
	assert_z_equal(tc_pt_at(r.sdt, 2, 0x40200 + 511).a, 0x80000 + 511);
	assert_z_equal(tc_pt_at(r.sdt, HOSTVISOR, 0x40200).b, 0); /* other NPTs untouched */
	assert_ptr_equal(r.npt, npt_at(r.sdt->npts, 2));
}

static void map_pfn_level3(void **state)
{
	/* level 3: pte' = 0x80000000 lor 0xfff at gfn 0x40203 */
	local_map_pfn_vm_ret r = local_map_pfn_vm(2, 0x40203000, 0x80000123, 3, tc_sdt());
	assert_false(r.halt);
	hm_z3 e = tc_pt_at(r.sdt, 2, 0x40203);
	assert_z_equal(e.a, 0x80000);
	assert_z_equal(e.b, 3);
	assert_z_equal(e.c, 0x80000fff);
}

static void map_pfn_halts(void **state)
{
	/* VM 2's entry at 0x40203 is level 2: halt, NPT_ID + 2 released */
	const hm_shared *s0 = tc_npt(tc_sdt(), 2, tc_pt(hm_npt_empty(), 0x40203, 1, 2, 1));
	local_map_pfn_vm_ret r = local_map_pfn_vm(2, 0x40203000, 0x80000123, 3, s0);
	assert_true(r.halt);
	assert_false(tc_hlock_at(r.sdt, NPT_ID + 2));
	assert_true(tc_hlock_at(r.sdt, NPT_ID));
	tc_assert_sdt_equal(r.sdt, tc_hlock(s0, NPT_ID + 2, false));
}

/* ---- local_map_io ---- */

static void map_io_not_ready(void **state)
{
	/* VM 2 UNUSED: INFO_ID + 2 released, halt, Some info, None, None */
	const hm_shared *s0 = tc_sdt();
	local_map_io_ret r = local_map_io(2, 0x9000000, 0x9000123, s0);
	assert_true(r.halt);
	assert_true(r.has_info);
	assert_ptr_equal(r.info, vminfo_at(s0->vminfos, 2));
	assert_false(r.has_s2p);
	assert_false(r.has_npt);
	tc_assert_sdt_equal(r.sdt, tc_hlock(s0, INFO_ID + 2, false));
}

static void map_io_owned_page(void **state)
{
	/* READY, but pfn 0x9000 is owned (by the host): (sdt, false, ...) */
	const hm_shared *s0 =
		tc_page(tc_info(tc_sdt(), 2, tc_vminfo(READY, -1, 0)), 0x9000, HOSTVISOR, 0, 0);
	local_map_io_ret r = local_map_io(2, 0x9000000, 0x9000123, s0);
	assert_false(r.halt);
	assert_ptr_equal(r.sdt, s0);
	assert_true(r.has_s2p);
	assert_false(r.has_npt);
}

static void map_io_maps(void **state)
{
	/* READY, page INVALID: pte = phys_page pa lor (DEVICE lor RDWR) =
	 * 0x9000000 lor DEV_RW at gfn 0x9000, pfn 0x9000, level 3 */
	const hm_shared *s0 = tc_info(tc_sdt(), 2, tc_vminfo(READY, -1, 0));
	local_map_io_ret r = local_map_io(2, 0x9000000, 0x9000123, s0);
	assert_false(r.halt);
	hm_z3 e = tc_pt_at(r.sdt, 2, 0x9000);
	assert_z_equal(e.a, 0x9000);
	assert_z_equal(e.b, 3);
	assert_z_equal(e.c, 0x9000000 | DEV_RW);
	assert_true(tc_hlock_at(r.sdt, INFO_ID + 2));
	assert_true(r.has_npt);
}

static void map_io_halts(void **state)
{
	/* VM 2's entry at 0x9000 is level 2: halt; INFO_ID+2, S2PAGE, NPT_ID+2
	 * released */
	const hm_shared *s0 = tc_npt(tc_info(tc_sdt(), 2, tc_vminfo(READY, -1, 0)), 2,
				     tc_pt(hm_npt_empty(), 0x9000, 1, 2, 1));
	local_map_io_ret r = local_map_io(2, 0x9000000, 0x9000123, s0);
	assert_true(r.halt);
	tc_assert_sdt_equal(r.sdt, tc_hlock(tc_hlock(tc_hlock(s0, INFO_ID + 2, false), S2PAGE_ID,
						     false),
					    NPT_ID + 2, false));
}

/* ---- local_grant_vm_page ---- */

static void grant_increments(void **state)
{
	/* owner 3, count 99 < 100: count 100 */
	const hm_shared *s0 = tc_page(tc_sdt(), PFN, 3, 99, 0x10);
	local_grant_vm_page_ret r = local_grant_vm_page(3, PFN, s0);
	assert_z_equal(tc_page_at(r.sdt, PFN).s2_count, 100);
	assert_true(r.has_s2p);
	assert_ptr_equal(r.s2p, r.sdt->s2page);
}

static void grant_unchanged(void **state)
{
	/* count 100 = MAX_SHARE_COUNT, or another owner: s2p' = s2p */
	const hm_shared *s0 = tc_page(tc_sdt(), PFN, 3, 100, 0x10);
	local_grant_vm_page_ret r = local_grant_vm_page(3, PFN, s0);
	assert_z_equal(tc_page_at(r.sdt, PFN).s2_count, 100);
	assert_ptr_equal(r.s2p, s0->s2page);
	r = local_grant_vm_page(4, PFN, s0);
	tc_assert_sdt_equal(r.sdt, s0);
}

/* ---- local_revoke_vm_page ---- */

static void revoke_not_granted(void **state)
{
	/* owner 3 with count 0 (and owner 4): (sdt, false, logn, ...) */
	const hm_shared *s0 = tc_page(tc_sdt(), PFN, 3, 0, 0x10);
	local_revoke_vm_page_ret r = local_revoke_vm_page(3, PFN, tc_dorc(), 3, 5, s0);
	assert_ptr_equal(r.sdt, s0);
	assert_false(r.halt);
	assert_z_equal(r.logn, 5);
	r = local_revoke_vm_page(4, PFN, tc_dorc(), 4, 5, tc_page(tc_sdt(), PFN, 3, 2, 0x10));
	assert_false(r.halt);
	assert_false(r.has_npt);
}

static void revoke_still_shared(void **state)
{
	/* count 2: count 1, nothing else */
	const hm_shared *s0 = tc_page(tc_sdt(), PFN, 3, 2, 0x10);
	local_revoke_vm_page_ret r = local_revoke_vm_page(3, PFN, tc_dorc(), 3, 5, s0);
	assert_false(r.halt);
	assert_z_equal(r.logn, 5);
	assert_false(r.has_fmem);
	tc_assert_sdt_equal(r.sdt, tc_page(s0, PFN, 3, 1, 0x10));
}

static void revoke_last_unmapped(void **state)
{
	/* count 1, host pte 0: count 0 (owner stays 3), flatmem[PFN] = dorc 5
	 * = 3012, logn 6 */
	const hm_shared *s0 = tc_page(tc_sdt(), PFN, 3, 1, 0x10);
	local_revoke_vm_page_ret r = local_revoke_vm_page(3, PFN, tc_dorc(), 3, 5, s0);
	assert_false(r.halt);
	assert_z_equal(r.logn, 6);
	tc_assert_sdt_equal(r.sdt, tc_fmem(tc_page(s0, PFN, 3, 0, 0x10), PFN, 3012));
}

static void revoke_last_mapped(void **state)
{
	/* host pte non-zero: remapped to PAGE_GUEST as well */
	const hm_shared *s0 = tc_npt(tc_page(tc_sdt(), PFN, 3, 1, 0x10), HOSTVISOR, host_mapped());
	local_revoke_vm_page_ret r = local_revoke_vm_page(3, PFN, tc_dorc(), 3, 5, s0);
	assert_false(r.halt);
	assert_host_unmapped(r.sdt);
	assert_z_equal(hm_map_get_z(r.sdt->flatmem, PFN), 3012);
}

static void revoke_halts(void **state)
{
	/* level-2 host entry: halt, S2PAGE/NPT released, s2page = s2p' (count
	 * 0), flatmem untouched, logn 5 */
	const hm_shared *s0 = tc_npt(tc_page(tc_sdt(), PFN, 3, 1, 0x10), HOSTVISOR, host_block());
	local_revoke_vm_page_ret r = local_revoke_vm_page(3, PFN, tc_dorc(), 3, 5, s0);
	assert_true(r.halt);
	assert_z_equal(r.logn, 5);
	tc_assert_sdt_equal(r.sdt, tc_page(tc_hlock(tc_hlock(s0, S2PAGE_ID, false), NPT_ID, false),
					   PFN, 3, 0, 0x10));
}

/* ---- local_save_encrypt_buf ---- */

static void save_enc_ok(void **state)
{
	/* inbuf 0x40000010 (pfn PFN) owned by 3, outbuf 0x40001020 (pfn 0x40001)
	 * by the host: flatmem[0x40001] = dorc 9 with dorc_vmid 0 = 16, logn 10 */
	const hm_shared *s0 =
		tc_page(tc_page(tc_sdt(), PFN, 3, 0, 0x10), 0x40001, HOSTVISOR, 0, 0x40001);
	local_save_encrypt_buf_ret r =
		local_save_encrypt_buf(3, 0x40000010, 0x40001020, tc_dorc(), HOSTVISOR, 9, s0);
	assert_false(r.halt);
	assert_z_equal(r.logn, 10);
	assert_ptr_equal(r.s2p, s0->s2page);
	assert_true(r.has_fmem);
	tc_assert_sdt_equal(r.sdt, tc_fmem(s0, 0x40001, 16));
}

static void save_enc_bad_owner(void **state)
{
	/* outbuf not the host's: S2PAGE released, halt, logn 9 */
	const hm_shared *s0 = tc_page(tc_page(tc_sdt(), PFN, 3, 0, 0x10), 0x40001, 3, 0, 0x11);
	local_save_encrypt_buf_ret r =
		local_save_encrypt_buf(3, 0x40000010, 0x40001020, tc_dorc(), HOSTVISOR, 9, s0);
	assert_true(r.halt);
	assert_z_equal(r.logn, 9);
	assert_false(r.has_fmem);
	tc_assert_sdt_equal(r.sdt, tc_hlock(s0, S2PAGE_ID, false));
}

/* ---- local_load_decrypt_buf ---- */

static const hm_shared *ready3(void) { return tc_info(tc_sdt(), 3, tc_vminfo(READY, -1, 0)); }

static void load_dec_not_ready(void **state)
{
	/* VM 3 UNUSED: INFO_ID + 3 released, halt, logn 9 */
	const hm_shared *s0 = tc_page(tc_sdt(), PFN, HOSTVISOR, 0, PFN);
	local_load_decrypt_buf_ret r = local_load_decrypt_buf(3, 0x40000010, tc_dorc(), 0, 9, s0);
	assert_true(r.halt);
	assert_z_equal(r.logn, 9);
	assert_true(r.has_info);
	assert_false(r.has_s2p);
	tc_assert_sdt_equal(r.sdt, tc_hlock(s0, INFO_ID + 3, false));
}

static void load_dec_bad_page(void **state)
{
	/* READY, host page with count 1: INFO_ID+3 and S2PAGE released, halt */
	const hm_shared *s0 = tc_page(ready3(), PFN, HOSTVISOR, 1, PFN);
	local_load_decrypt_buf_ret r = local_load_decrypt_buf(3, 0x40000010, tc_dorc(), 0, 9, s0);
	assert_true(r.halt);
	assert_true(r.has_s2p);
	assert_false(r.has_npt);
	tc_assert_sdt_equal(r.sdt, tc_hlock(tc_hlock(s0, INFO_ID + 3, false), S2PAGE_ID, false));
}

static void load_dec_unmapped(void **state)
{
	/* READY, free host page, host pte 0: page (3, 0, INVALID64),
	 * flatmem[PFN] = dorc 9 (vmid 0) = 16, logn 10 */
	const hm_shared *s0 = tc_page(ready3(), PFN, HOSTVISOR, 0, PFN);
	local_load_decrypt_buf_ret r = local_load_decrypt_buf(3, 0x40000010, tc_dorc(), 0, 9, s0);
	assert_false(r.halt);
	assert_z_equal(r.logn, 10);
	assert_true(r.has_fmem && r.has_npt && r.has_s2p && r.has_info);
	tc_assert_sdt_equal(r.sdt, tc_fmem(tc_page(s0, PFN, 3, 0, INVALID64), PFN, 16));
}

static void load_dec_mapped(void **state)
{
	const hm_shared *s0 =
		tc_npt(tc_page(ready3(), PFN, HOSTVISOR, 0, PFN), HOSTVISOR, host_mapped());
	local_load_decrypt_buf_ret r = local_load_decrypt_buf(3, 0x40000010, tc_dorc(), 0, 9, s0);
	assert_false(r.halt);
	assert_host_unmapped(r.sdt);
	assert_z_equal(tc_page_at(r.sdt, PFN).s2_owner, 3);
}

static void load_dec_halts(void **state)
{
	/* level-2 host entry: INFO_ID+3, S2PAGE, NPT released; nothing else */
	const hm_shared *s0 =
		tc_npt(tc_page(ready3(), PFN, HOSTVISOR, 0, PFN), HOSTVISOR, host_block());
	local_load_decrypt_buf_ret r = local_load_decrypt_buf(3, 0x40000010, tc_dorc(), 0, 9, s0);
	assert_true(r.halt);
	assert_z_equal(r.logn, 9);
	assert_false(r.has_fmem);
	tc_assert_sdt_equal(r.sdt, tc_hlock(tc_hlock(tc_hlock(s0, INFO_ID + 3, false), S2PAGE_ID,
						     false),
					    NPT_ID, false));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(map_host_invalid_owner),
		cmocka_unit_test(map_host_host_owner),
		cmocka_unit_test(map_host_shared_vm_page),
		cmocka_unit_test(map_host_mmap_halts),
		cmocka_unit_test(map_host_vm_page),
		cmocka_unit_test(clear_not_owner),
		cmocka_unit_test(clear_unmapped),
		cmocka_unit_test(clear_mapped),
		cmocka_unit_test(clear_mmap_halts),
		cmocka_unit_test(assign_host_page_unmapped),
		cmocka_unit_test(assign_host_page_mapped),
		cmocka_unit_test(assign_mmap_halts),
		cmocka_unit_test(assign_host_page_shared),
		cmocka_unit_test(assign_own_page_no_gfn),
		cmocka_unit_test(assign_own_page_same_gfn),
		cmocka_unit_test(assign_other_gfn),
		cmocka_unit_test(map_pfn_level2),
		cmocka_unit_test(map_pfn_level3),
		cmocka_unit_test(map_pfn_halts),
		cmocka_unit_test(map_io_not_ready),
		cmocka_unit_test(map_io_owned_page),
		cmocka_unit_test(map_io_maps),
		cmocka_unit_test(map_io_halts),
		cmocka_unit_test(grant_increments),
		cmocka_unit_test(grant_unchanged),
		cmocka_unit_test(revoke_not_granted),
		cmocka_unit_test(revoke_still_shared),
		cmocka_unit_test(revoke_last_unmapped),
		cmocka_unit_test(revoke_last_mapped),
		cmocka_unit_test(revoke_halts),
		cmocka_unit_test(save_enc_ok),
		cmocka_unit_test(save_enc_bad_owner),
		cmocka_unit_test(load_dec_not_ready),
		cmocka_unit_test(load_dec_bad_page),
		cmocka_unit_test(load_dec_unmapped),
		cmocka_unit_test(load_dec_mapped),
		cmocka_unit_test(load_dec_halts),
	};
	return cmocka_run_group_tests(tests, t_pool_setup, t_pool_teardown);
}
