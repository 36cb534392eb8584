#include "security_invs.h"

#include <stdio.h>

#include "constants.h"

#define FAIL(out, name, ...)                                                      \
	do {                                                                      \
		(out)->inv = name;                                                \
		snprintf((out)->detail, sizeof (out)->detail, __VA_ARGS__);       \
		return false;                                                     \
	} while (0)

/* Integers in messages: hm_z does not fit printf; these fit 64 bits. */
#define L(z) ((long long)(z))
#define UL(z) ((unsigned long long)(z))

/* Visits the stored entries of a map and then its default (key absent). */
typedef bool (*entry_fn)(bool has_key, hm_z key, const void *val, void *ctx);

typedef struct visit_ctx {
	entry_fn fn;
	void *ctx;
	bool ok;
} visit_ctx;

static bool visit_one(hm_z key, const void *val, void *p)
{
	visit_ctx *v = p;
	v->ok = v->fn(true, key, val, v->ctx);
	return v->ok;
}

static bool for_all(const hm_map *m, entry_fn fn, void *ctx)
{
	visit_ctx v = {fn, ctx, true};
	hm_map_foreach(m, visit_one, &v);
	if (!v.ok)
		return false;
	return fn(false, 0, hm_map_default(m), ctx);
}

typedef struct inv_ctx {
	const hm_shared *sdt;
	hm_inv_violation *out;
	hm_z a, b, c; /* the outer quantified variables (index, cbndx, vmid ...) */
} inv_ctx;

static const char *key_text(bool has_key, hm_z key, char *buf)
{
	if (!has_key)
		return "(every absent key)";
	snprintf(buf, 32, "0x%llx", UL(key));
	return buf;
}

/* ---- spt_cons ---- */

static bool spt_cons_entry(bool has_key, hm_z gfn, const void *val, void *p)
{
	inv_ctx *c = p;
	const hm_z2 *e = val;
	char buf[32];
	if (e->a != z_div(phys_page(e->b), PAGE_SIZE))
		FAIL(c->out, "spt_cons",
		     "index %lld cbndx %lld gfn %s: pfn 0x%llx but phys_page pte / PAGE_SIZE = 0x%llx",
		     L(c->a), L(c->b), key_text(has_key, gfn, buf), UL(e->a),
		     UL(z_div(phys_page(e->b), PAGE_SIZE)));
	return true;
}

/* SecurityInvs: shared_inv.spt_cons */
bool inv_spt_cons(const hm_shared *sdt, hm_inv_violation *out)
{
	inv_ctx c = {.sdt = sdt, .out = out};
	for (c.a = 0; c.a < SMMU_NUM; c.a++)
		for (c.b = 0; c.b < SMMU_NUM_CTXT_BANKS; c.b++)
			if (!for_all(hm_map_get_map(sdt->spts->spt_pt, SMMU_TTBR(c.a, c.b)), spt_cons_entry,
				     &c))
				return false;
	return true;
}

/* ---- host NPT invariants ---- */

static bool host_npt_cons_entry(bool has_key, hm_z gfn, const void *val, void *p)
{
	inv_ctx *c = p;
	const hm_z3 *e = val;
	char buf[32];
	if (e->a != z_div(phys_page(e->c), PAGE_SIZE))
		FAIL(c->out, "host_npt_cons",
		     "host gfn %s: pfn 0x%llx but phys_page pte / PAGE_SIZE = 0x%llx (pte 0x%llx)",
		     key_text(has_key, gfn, buf), UL(e->a), UL(z_div(phys_page(e->c), PAGE_SIZE)),
		     UL(e->c));
	return true;
}

/* SecurityInvs: shared_inv.host_npt_cons */
bool inv_host_npt_cons(const hm_shared *sdt, hm_inv_violation *out)
{
	inv_ctx c = {.sdt = sdt, .out = out};
	return for_all(npt_at(sdt->npts, HOSTVISOR)->pt, host_npt_cons_entry, &c);
}

static bool host_flatmap_entry(bool has_key, hm_z gfn, const void *val, void *p)
{
	inv_ctx *c = p;
	const hm_z3 *e = val;
	char buf[32];
	/* pfn <> 0 -> gfn = pfn; the default holds for every absent gfn, so
	 * a non-zero default pfn breaks it at some gfn */
	if (e->a != 0 && (!has_key || gfn != e->a))
		FAIL(c->out, "host_flatmap", "host gfn %s maps pfn 0x%llx", key_text(has_key, gfn, buf),
		     UL(e->a));
	return true;
}

/* SecurityInvs: shared_inv.host_flatmap */
bool inv_host_flatmap(const hm_shared *sdt, hm_inv_violation *out)
{
	inv_ctx c = {.sdt = sdt, .out = out};
	return for_all(npt_at(sdt->npts, HOSTVISOR)->pt, host_flatmap_entry, &c);
}

static bool host_iso_entry(bool has_key, hm_z gfn, const void *val, void *p)
{
	inv_ctx *c = p;
	const hm_z3 *e = val;
	char buf[32];
	if (e->a == 0)
		return true; /* Hexists: pfn <> 0 */
	const hm_s2page *page = s2page_at(c->sdt->s2page, e->a);
	if (!(page->s2_owner == INVALID || page->s2_owner == HOSTVISOR || page->s2_count > 0))
		FAIL(c->out, "host_iso",
		     "host gfn %s maps pfn 0x%llx owned by vmid %lld with s2_count %lld",
		     key_text(has_key, gfn, buf), UL(e->a), L(page->s2_owner), L(page->s2_count));
	return true;
}

/* SecurityInvs: shared_inv.host_iso */
bool inv_host_iso(const hm_shared *sdt, hm_inv_violation *out)
{
	inv_ctx c = {.sdt = sdt, .out = out};
	return for_all(npt_at(sdt->npts, HOSTVISOR)->pt, host_iso_entry, &c);
}

/* ---- s2page invariants ---- */

static bool host_s2_map_entry(bool has_key, hm_z pfn, const void *val, void *p)
{
	inv_ctx *c = p;
	const hm_s2page *page = val;
	char buf[32];
	if (page->s2_owner == HOSTVISOR && (!has_key || page->s2_gfn != pfn + SMMU_HOST_OFFSET))
		FAIL(c->out, "host_s2_map", "pfn %s owned by the host has s2_gfn 0x%llx",
		     key_text(has_key, pfn, buf), UL(page->s2_gfn));
	return true;
}

/* SecurityInvs: shared_inv.host_s2_map */
bool inv_host_s2_map(const hm_shared *sdt, hm_inv_violation *out)
{
	inv_ctx c = {.sdt = sdt, .out = out};
	return for_all(sdt->s2page, host_s2_map_entry, &c);
}

/* SecurityInvs: shared_inv.page_0_invalid */
bool inv_page_0_invalid(const hm_shared *sdt, hm_inv_violation *out)
{
	const hm_s2page *page = s2page_at(sdt->s2page, 0);
	if (page->s2_owner != INVALID)
		FAIL(out, "page_0_invalid", "pfn 0 is owned by vmid %lld", L(page->s2_owner));
	return true;
}

/* ---- VM isolation ---- */

static bool vm_iso_entry(bool has_key, hm_z gfn, const void *val, void *p)
{
	inv_ctx *c = p;
	const hm_z3 *e = val;
	char buf[32];
	if (e->a == 0)
		return true;
	const hm_s2page *page = s2page_at(c->sdt->s2page, e->a);
	if (page->s2_owner != INVALID && page->s2_owner != c->a)
		FAIL(c->out, "vm_iso", "vmid %lld gfn %s maps pfn 0x%llx owned by vmid %lld", L(c->a),
		     key_text(has_key, gfn, buf), UL(e->a), L(page->s2_owner));
	return true;
}

/* SecurityInvs: shared_inv.vm_iso */
bool inv_vm_iso(const hm_shared *sdt, hm_inv_violation *out)
{
	inv_ctx c = {.sdt = sdt, .out = out};
	for (c.a = HOSTVISOR + 1; c.a < COREVISOR; c.a++) {
		if (vminfo_at(sdt->vminfos, c.a)->VS.vm_state > VERIFIED)
			continue;
		if (!for_all(npt_at(sdt->npts, c.a)->pt, vm_iso_entry, &c))
			return false;
	}
	return true;
}

/* ---- SMMU ---- */

/* SecurityInvs: shared_inv.smmu_vm */
bool inv_smmu_vm(const hm_shared *sdt, hm_inv_violation *out)
{
	for (hm_z index = 0; index < SMMU_NUM; index++)
		for (hm_z cbndx = 0; cbndx < SMMU_NUM_CTXT_BANKS; cbndx++) {
			hm_z vmid = hm_map_get_z(sdt->smmu_vmid, smmu_id(index, cbndx));
			if (vmid != INVALID && !(HOSTVISOR <= vmid && vmid < COREVISOR))
				FAIL(out, "smmu_vm", "index %lld cbndx %lld is assigned to vmid %lld", L(index),
				     L(cbndx), L(vmid));
		}
	return true;
}

static bool smmu_iso_entry(bool has_key, hm_z gfn, const void *val, void *p)
{
	inv_ctx *c = p;
	const hm_z2 *e = val;
	char buf[32];
	if (e->a == 0)
		return true;
	const hm_s2page *page = s2page_at(c->sdt->s2page, e->a);
	if (page->s2_owner != c->c || !has_key || page->s2_gfn != gfn)
		FAIL(c->out, "smmu_iso",
		     "index %lld cbndx %lld (vmid %lld) maps gfn %s to pfn 0x%llx, whose s2_owner is "
		     "%lld and s2_gfn 0x%llx",
		     L(c->a), L(c->b), L(c->c), key_text(has_key, gfn, buf), UL(e->a), L(page->s2_owner),
		     UL(page->s2_gfn));
	return true;
}

/* SecurityInvs: shared_inv.smmu_iso */
bool inv_smmu_iso(const hm_shared *sdt, hm_inv_violation *out)
{
	inv_ctx c = {.sdt = sdt, .out = out};
	for (c.a = 0; c.a < SMMU_NUM; c.a++)
		for (c.b = 0; c.b < SMMU_NUM_CTXT_BANKS; c.b++) {
			c.c = hm_map_get_z(sdt->smmu_vmid, smmu_id(c.a, c.b));
			bool valid_vmid = c.c == HOSTVISOR ||
					  (is_vm(c.c) && vminfo_at(sdt->vminfos, c.c)->VS.vm_state <= VERIFIED);
			if (!valid_vmid)
				continue;
			if (!for_all(hm_map_get_map(sdt->spts->spt_pt, SMMU_TTBR(c.a, c.b)), smmu_iso_entry,
				     &c))
				return false;
		}
	return true;
}

/* SecurityInvs: count_smmu_map. The Fixpoint adds one for every context
 * bank smmuid < n assigned to the host whose SPT maps pfn's host gfn. */
hm_z count_smmu_map(hm_z n, hm_z pfn, const hm_map *smmu, const hm_spt *spt)
{
	hm_z k = 0;
	for (hm_z smmuid = 0; smmuid < n; smmuid++) {
		hm_z index = z_div(smmuid, SMMU_NUM_CTXT_BANKS);
		hm_z cbndx = z_mod(smmuid, SMMU_NUM_CTXT_BANKS);
		hm_z vmid = hm_map_get_z(smmu, smmuid);
		hm_z gfn = pfn + SMMU_HOST_OFFSET;
		const hm_z2 *e = z2_at(hm_map_get_map(spt->spt_pt, SMMU_TTBR(index, cbndx)), gfn);
		if (e->a == 0)
			continue;
		if (vmid == HOSTVISOR)
			k++;
	}
	return k;
}

typedef struct count_ctx {
	const hm_shared *sdt;
	hm_inv_violation *out;
	bool ok;
} count_ctx;

static bool smmu_count_check(const hm_shared *sdt, hm_z pfn, hm_inv_violation *out)
{
	const hm_s2page *page = s2page_at(sdt->s2page, pfn);
	if (page->s2_owner != HOSTVISOR)
		return true;
	hm_z need = count_smmu_map(EL2_SMMU_CFG_SIZE, pfn, sdt->smmu_vmid, sdt->spts);
	if (page->s2_count < need)
		FAIL(out, "smmu_count", "host pfn 0x%llx has s2_count %lld but %lld host SMMU mappings",
		     UL(pfn), L(page->s2_count), L(need));
	return true;
}

static bool negative_count_entry(bool has_key, hm_z pfn, const void *val, void *p)
{
	count_ctx *c = p;
	const hm_s2page *page = val;
	char buf[32];
	/* count_smmu_map is never negative: a host page below 0 breaks it */
	if (page->s2_owner == HOSTVISOR && page->s2_count < 0)
		FAIL(c->out, "smmu_count", "host pfn %s has s2_count %lld", key_text(has_key, pfn, buf),
		     L(page->s2_count));
	return true;
}

/* Each gfn a host-assigned context bank maps names the host pfn
 * gfn - SMMU_HOST_OFFSET whose count must cover its mappings. */
static bool mapped_gfn(hm_z gfn, const void *val, void *p)
{
	count_ctx *c = p;
	const hm_z2 *e = val;
	if (e->a == 0)
		return true;
	c->ok = smmu_count_check(c->sdt, gfn - SMMU_HOST_OFFSET, c->out);
	return c->ok;
}

/* SecurityInvs: shared_inv.smmu_count. Only pfns that a host-assigned
 * context bank maps can have count_smmu_map > 0; every other host page
 * needs s2_count >= 0. */
bool inv_smmu_count(const hm_shared *sdt, hm_inv_violation *out)
{
	count_ctx c = {sdt, out, true};
	if (!for_all(sdt->s2page, negative_count_entry, &c))
		return false;
	for (hm_z smmuid = 0; smmuid < EL2_SMMU_CFG_SIZE; smmuid++) {
		if (hm_map_get_z(sdt->smmu_vmid, smmuid) != HOSTVISOR)
			continue;
		hm_z index = z_div(smmuid, SMMU_NUM_CTXT_BANKS), cbndx = z_mod(smmuid, SMMU_NUM_CTXT_BANKS);
		hm_map_foreach(hm_map_get_map(sdt->spts->spt_pt, SMMU_TTBR(index, cbndx)), mapped_gfn, &c);
		if (!c.ok)
			return false;
	}
	return true;
}

const hm_inv_def hm_shared_invs[] = {
	{"spt_cons", inv_spt_cons},       {"host_npt_cons", inv_host_npt_cons},
	{"host_flatmap", inv_host_flatmap}, {"host_s2_map", inv_host_s2_map},
	{"page_0_invalid", inv_page_0_invalid}, {"host_iso", inv_host_iso},
	{"vm_iso", inv_vm_iso},           {"smmu_vm", inv_smmu_vm},
	{"smmu_iso", inv_smmu_iso},       {"smmu_count", inv_smmu_count},
};
const size_t hm_shared_invs_count = sizeof hm_shared_invs / sizeof hm_shared_invs[0];

bool hm_shared_inv(const hm_shared *sdt, hm_inv_violation *out)
{
	for (size_t i = 0; i < hm_shared_invs_count; i++)
		if (!hm_shared_invs[i].check(sdt, out))
			return false;
	return true;
}
