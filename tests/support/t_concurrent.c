#include "t_concurrent.h"

#include <stdio.h>

const hm_shared *tc_sdt(void) { return hm_shared_empty(); }

const hm_shared *tc_page(const hm_shared *sdt, hm_z pfn, hm_z owner, hm_z count, hm_z gfn)
{
	hm_shared *s = sh_edit(sdt);
	hm_s2page p = {owner, count, gfn};
	SETP(s, s2page, hm_map_set(sdt->s2page, pfn, &p));
	return s;
}

const hm_shared *tc_npt(const hm_shared *sdt, hm_z vmid, const hm_npt *npt)
{
	hm_shared *s = sh_edit(sdt);
	SETP(s, npts, hm_map_set_ptr(sdt->npts, vmid, npt));
	return s;
}

const hm_shared *tc_hlock(const hm_shared *sdt, hm_z id, bool v)
{
	hm_shared *s = sh_edit(sdt);
	SETP(s, hlock, hm_map_set_bool(sdt->hlock, id, v));
	return s;
}

const hm_shared *tc_smmu(const hm_shared *sdt, hm_z id, hm_z vmid)
{
	hm_shared *s = sh_edit(sdt);
	SETP(s, smmu_vmid, hm_map_set_z(sdt->smmu_vmid, id, vmid));
	return s;
}

const hm_shared *tc_info(const hm_shared *sdt, hm_z vmid, const hm_vminfo *info)
{
	hm_shared *s = sh_edit(sdt);
	SETP(s, vminfos, hm_map_set_ptr(sdt->vminfos, vmid, info));
	return s;
}

const hm_shared *tc_fmem(const hm_shared *sdt, hm_z pfn, hm_z v)
{
	hm_shared *s = sh_edit(sdt);
	SETP(s, flatmem, hm_map_set_z(sdt->flatmem, pfn, v));
	return s;
}

const hm_shared *tc_spt(const hm_shared *sdt, const hm_spt *spt)
{
	hm_shared *s = sh_edit(sdt);
	SETP(s, spts, spt);
	return s;
}

const hm_shared *tc_core(const hm_shared *sdt, hm_z next_vmid, hm_z next_remap_ptr)
{
	hm_shared *s = sh_edit(sdt);
	s->core_data.next_vmid = next_vmid;
	s->core_data.next_remap_ptr = next_remap_ptr;
	return s;
}

static void set_inline(hm_map **slot, const hm_map *m)
{
	hm_retain(m);
	hm_release(*slot);
	*slot = (hm_map *)m;
}

const hm_vminfo *tc_vminfo(hm_z state, hm_z vcpuid, hm_z vcpu_state)
{
	hm_vminfo *i = hm_vminfo_empty();
	i->VS.vm_state = state;
	if (vcpuid >= 0)
		set_inline(&i->VS.vm_vcpu_state, hm_map_set_z(i->VS.vm_vcpu_state, vcpuid, vcpu_state));
	return i;
}

const hm_vminfo *tc_vminfo_boot(const hm_vminfo *info, hm_z next_load, hm_z idx, hm_z load_addr,
				hm_z size, hm_z remap, hm_z mapped)
{
	hm_vminfo *i = vminfo_edit(info);
	i->VB.vm_next_load_info = next_load;
	set_inline(&i->VB.vm_load_addr, hm_map_set_z(info->VB.vm_load_addr, idx, load_addr));
	set_inline(&i->VB.vm_load_size, hm_map_set_z(info->VB.vm_load_size, idx, size));
	set_inline(&i->VB.vm_remap_addr, hm_map_set_z(info->VB.vm_remap_addr, idx, remap));
	set_inline(&i->VB.vm_mapped_pages, hm_map_set_z(info->VB.vm_mapped_pages, idx, mapped));
	return i;
}

const hm_npt *tc_pt(const hm_npt *npt, hm_z gfn, hm_z pfn, hm_z level, hm_z pte)
{
	hm_npt *n = npt_edit(npt);
	hm_z3 e = {pfn, level, pte};
	SETP(n, pt, hm_map_set(npt->pt, gfn, &e));
	return n;
}

const hm_npt *tc_next(const hm_npt *npt, hm_z pgd, hm_z pud, hm_z pmd)
{
	hm_npt *n = npt_edit(npt);
	n->pt_pgd_next = pgd;
	n->pt_pud_next = pud;
	n->pt_pmd_next = pmd;
	return n;
}

const hm_spt *tc_spt_entry(const hm_spt *spt, hm_z ttbr, hm_z gfn, hm_z pfn, hm_z pte)
{
	hm_spt *s = spt_edit(spt);
	hm_z2 e = {pfn, pte};
	SETP(s, spt_pt,
	     hm_map_set_ptr(spt->spt_pt, ttbr, hm_map_set(hm_map_get_map(spt->spt_pt, ttbr), gfn, &e)));
	return s;
}

const hm_spt *tc_spt_next(const hm_spt *spt, hm_z pgd, hm_z pmd)
{
	hm_spt *s = spt_edit(spt);
	s->spt_pgd_next = pgd;
	s->spt_pmd_next = pmd;
	return s;
}

static hm_z dorc_fn(hm_oracle *o, hm_z vmid, hm_z logn)
{
	(void)o;
	return TC_DORC(vmid, logn);
}

static const hm_oracle_ops dorc_ops = {.data = dorc_fn};

hm_oracle *tc_dorc(void) { return hm_oracle_new(&dorc_ops, NULL, "test-data"); }

hm_s2page tc_page_at(const hm_shared *sdt, hm_z pfn) { return *s2page_at(sdt->s2page, pfn); }

hm_z3 tc_pt_at(const hm_shared *sdt, hm_z vmid, hm_z gfn)
{
	return *z3_at(npt_at(sdt->npts, vmid)->pt, gfn);
}

bool tc_hlock_at(const hm_shared *sdt, hm_z id) { return hm_map_get_bool(sdt->hlock, id); }

void tc_assert_sdt_equal(const hm_shared *a, const hm_shared *b)
{
	if (!hm_val_equal(&hm_t_shared, &a, &b)) {
		fprintf(stderr, "Shared records differ\n");
		fail();
	}
}
