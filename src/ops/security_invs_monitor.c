#include "security_invs_monitor.h"

#include <glib.h>
#include <stdio.h>

#include "constants.h"
#include "vtype.h"

#define FAIL(out, name, ...)                                                      \
	do {                                                                      \
		(out)->inv = name;                                                \
		snprintf((out)->detail, sizeof (out)->detail, __VA_ARGS__);       \
		return false;                                                     \
	} while (0)

#define L(z) ((long long)(z))
#define UL(z) ((unsigned long long)(z))

/* An entry of a reverse index: the map (a VM's NPT by vmid, a context
 * bank's SPT by ttbr) and the gfn whose entry maps the pfn. */
typedef struct rev_ent {
	hm_z owner, gfn;
} rev_ent;

typedef struct npt_change {
	hm_z vmid, gfn;
	hm_z3 e; /* the new entry */
	bool has_key;
} npt_change;

typedef struct spt_change {
	hm_z ttbr, gfn;
	hm_z2 e;
	bool has_key;
} spt_change;

struct hm_inv_monitor {
	const hm_shared *prev; /* retained */
	bool prev_ok, incremental;
	bool plain; /* every NPT/SPT default maps pfn 0 (see rebuild) */
	GHashTable *npt_rev, *spt_rev; /* hm_z pfn -> GArray of rev_ent */
	uint64_t fp;
	hm_inv_monitor_stats stats;
	/* the changes found by one incremental check */
	GArray *s2;    /* hm_z pfn */
	GArray *npt;   /* npt_change */
	GArray *spt;   /* spt_change */
	GArray *smmu;  /* hm_z smmuid whose vmid changed */
	GArray *vms;   /* hm_z vmid that became vm_state <= VERIFIED */
	bool need_full;
};

/* ---- hashing (reverse index keys and the fingerprint) ---- */

static uint64_t mix(uint64_t x)
{
	x += 0x9E3779B97F4A7C15ull;
	x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
	x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
	return x ^ (x >> 31);
}

static uint64_t hz(uint64_t h, hm_z v)
{
	unsigned __int128 u = (unsigned __int128)v;
	return mix(h ^ (uint64_t)u ^ mix((uint64_t)(u >> 64)));
}

static guint z_hash(gconstpointer p) { return (guint)hz(0, *(const hm_z *)p); }
static gboolean z_equal(gconstpointer a, gconstpointer b)
{
	return *(const hm_z *)a == *(const hm_z *)b;
}

static void free_array(gpointer p) { g_array_free(p, TRUE); }

static GHashTable *rev_new(void)
{
	return g_hash_table_new_full(z_hash, z_equal, g_free, free_array);
}

static void rev_add(GHashTable *t, hm_z pfn, hm_z owner, hm_z gfn)
{
	GArray *a = g_hash_table_lookup(t, &pfn);
	if (!a) {
		hm_z *k = g_new(hm_z, 1);
		*k = pfn;
		a = g_array_new(FALSE, FALSE, sizeof(rev_ent));
		g_hash_table_insert(t, k, a);
	}
	rev_ent e = {owner, gfn};
	g_array_append_val(a, e);
}

static void rev_del(GHashTable *t, hm_z pfn, hm_z owner, hm_z gfn)
{
	GArray *a = g_hash_table_lookup(t, &pfn);
	if (!a)
		return;
	for (guint i = 0; i < a->len; i++) {
		rev_ent *e = &g_array_index(a, rev_ent, i);
		if (e->owner == owner && e->gfn == gfn) {
			g_array_remove_index_fast(a, i);
			break;
		}
	}
	if (!a->len)
		g_hash_table_remove(t, &pfn);
}

/* Fingerprint contributions: one per entry that differs from its map's
 * default, so that a state's fingerprint does not depend on its history. */
enum { FP_S2 = 1, FP_NPT, FP_SPT, FP_SMMU, FP_VM };

static uint64_t fp_s2(hm_z pfn, const hm_s2page *p)
{
	return hz(hz(hz(hz(FP_S2, pfn), p->s2_owner), p->s2_count), p->s2_gfn);
}
static uint64_t fp_npt(hm_z vmid, hm_z gfn, const hm_z3 *e)
{
	return hz(hz(hz(hz(hz(FP_NPT, vmid), gfn), e->a), e->b), e->c);
}
static uint64_t fp_spt(hm_z ttbr, hm_z gfn, const hm_z2 *e)
{
	return hz(hz(hz(hz(FP_SPT, ttbr), gfn), e->a), e->b);
}
static uint64_t fp_kv(int kind, hm_z k, hm_z v) { return hz(hz(kind, k), v); }

/* ---- small helpers ---- */

static bool s2_eq(const hm_s2page *a, const hm_s2page *b)
{
	return a->s2_owner == b->s2_owner && a->s2_count == b->s2_count && a->s2_gfn == b->s2_gfn;
}
static bool z3_eq(const hm_z3 *a, const hm_z3 *b) { return a->a == b->a && a->b == b->b && a->c == b->c; }
static bool z2_eq(const hm_z2 *a, const hm_z2 *b) { return a->a == b->a && a->b == b->b; }

/* Same default value (absent keys mean the same). */
static bool same_default(const hm_map *a, const hm_map *b)
{
	return a == b || hm_val_equal(hm_map_elem_type(a), hm_map_default(a), hm_map_default(b));
}

/* The context bank of an SPT root, or -1 for a ttbr no invariant reads. */
static int ttbr_bank(hm_z ttbr)
{
	hm_z t = ttbr - SMMU_POOL_START;
	if (t < 0 || z_mod(t, PAGE_SIZE * 2) != 0)
		return -1;
	t = z_div(t, PAGE_SIZE * 2);
	return t < SMMU_NUM * SMMU_NUM_CTXT_BANKS ? (int)t : -1;
}

static hm_z vm_state(const hm_shared *sdt, hm_z vmid)
{
	return vminfo_at(sdt->vminfos, vmid)->VS.vm_state;
}

/* smmu_iso's valid_vmid for bank smmuid; *vmid its VM. */
static bool bank_valid(const hm_shared *sdt, hm_z smmuid, hm_z *vmid)
{
	hm_z v = hm_map_get_z(sdt->smmu_vmid, smmuid);
	*vmid = v;
	return v == HOSTVISOR || (is_vm(v) && vm_state(sdt, v) <= VERIFIED);
}

static const char *key_text(bool has_key, hm_z key, char *buf)
{
	if (!has_key)
		return "(every absent key)";
	snprintf(buf, 32, "0x%llx", UL(key));
	return buf;
}

/* ---- the invariants on one entry (the same conditions and messages as
 * security_invs.c, entry by entry) ---- */

static bool chk_spt_cons(hm_z smmuid, bool has_key, hm_z gfn, const hm_z2 *e, hm_inv_violation *out)
{
	char buf[32];
	if (e->a != z_div(phys_page(e->b), PAGE_SIZE))
		FAIL(out, "spt_cons",
		     "index %lld cbndx %lld gfn %s: pfn 0x%llx but phys_page pte / PAGE_SIZE = 0x%llx",
		     L(z_div(smmuid, SMMU_NUM_CTXT_BANKS)), L(z_mod(smmuid, SMMU_NUM_CTXT_BANKS)),
		     key_text(has_key, gfn, buf), UL(e->a), UL(z_div(phys_page(e->b), PAGE_SIZE)));
	return true;
}

static bool chk_host_iso(const hm_shared *sdt, bool has_key, hm_z gfn, const hm_z3 *e,
			 hm_inv_violation *out)
{
	char buf[32];
	if (e->a == 0)
		return true;
	const hm_s2page *page = s2page_at(sdt->s2page, e->a);
	if (!(page->s2_owner == INVALID || page->s2_owner == HOSTVISOR || page->s2_count > 0))
		FAIL(out, "host_iso", "host gfn %s maps pfn 0x%llx owned by vmid %lld with s2_count %lld",
		     key_text(has_key, gfn, buf), UL(e->a), L(page->s2_owner), L(page->s2_count));
	return true;
}

static bool chk_host_entry(const hm_shared *sdt, hm_z gfn, const hm_z3 *e, hm_inv_violation *out)
{
	char buf[32];
	if (e->a != z_div(phys_page(e->c), PAGE_SIZE))
		FAIL(out, "host_npt_cons",
		     "host gfn %s: pfn 0x%llx but phys_page pte / PAGE_SIZE = 0x%llx (pte 0x%llx)",
		     key_text(true, gfn, buf), UL(e->a), UL(z_div(phys_page(e->c), PAGE_SIZE)), UL(e->c));
	if (e->a != 0 && gfn != e->a)
		FAIL(out, "host_flatmap", "host gfn %s maps pfn 0x%llx", key_text(true, gfn, buf), UL(e->a));
	return chk_host_iso(sdt, true, gfn, e, out);
}

static bool chk_vm_iso(const hm_shared *sdt, hm_z vmid, bool has_key, hm_z gfn, const hm_z3 *e,
		       hm_inv_violation *out)
{
	char buf[32];
	if (e->a == 0)
		return true;
	const hm_s2page *page = s2page_at(sdt->s2page, e->a);
	if (page->s2_owner != INVALID && page->s2_owner != vmid)
		FAIL(out, "vm_iso", "vmid %lld gfn %s maps pfn 0x%llx owned by vmid %lld", L(vmid),
		     key_text(has_key, gfn, buf), UL(e->a), L(page->s2_owner));
	return true;
}

static bool chk_smmu_iso(const hm_shared *sdt, hm_z smmuid, hm_z vmid, bool has_key, hm_z gfn,
			 const hm_z2 *e, hm_inv_violation *out)
{
	char buf[32];
	if (e->a == 0)
		return true;
	const hm_s2page *page = s2page_at(sdt->s2page, e->a);
	if (page->s2_owner != vmid || !has_key || page->s2_gfn != gfn)
		FAIL(out, "smmu_iso",
		     "index %lld cbndx %lld (vmid %lld) maps gfn %s to pfn 0x%llx, whose s2_owner is "
		     "%lld and s2_gfn 0x%llx",
		     L(z_div(smmuid, SMMU_NUM_CTXT_BANKS)), L(z_mod(smmuid, SMMU_NUM_CTXT_BANKS)), L(vmid),
		     key_text(has_key, gfn, buf), UL(e->a), L(page->s2_owner), UL(page->s2_gfn));
	return true;
}

/* smmu_count for one host pfn that some host context bank maps */
static bool chk_smmu_count(const hm_shared *sdt, hm_z pfn, hm_inv_violation *out)
{
	const hm_s2page *page = s2page_at(sdt->s2page, pfn);
	if (page->s2_owner != HOSTVISOR)
		return true;
	hm_z need = count_smmu_map(EL2_SMMU_CFG_SIZE, pfn, sdt->smmu_vmid, sdt->spts);
	if (need > 0 && page->s2_count < need)
		FAIL(out, "smmu_count", "host pfn 0x%llx has s2_count %lld but %lld host SMMU mappings",
		     UL(pfn), L(page->s2_count), L(need));
	return true;
}

/* host_s2_map and smmu_count of a changed s2page entry */
static bool chk_s2_entry(const hm_shared *sdt, hm_z pfn, hm_inv_violation *out)
{
	const hm_s2page *page = s2page_at(sdt->s2page, pfn);
	bool has_key = !s2_eq(page, hm_map_default(sdt->s2page));
	char buf[32];
	if (has_key && page->s2_owner == HOSTVISOR && page->s2_gfn != pfn + SMMU_HOST_OFFSET)
		FAIL(out, "host_s2_map", "pfn %s owned by the host has s2_gfn 0x%llx",
		     key_text(true, pfn, buf), UL(page->s2_gfn));
	if (has_key && page->s2_owner == HOSTVISOR && page->s2_count < 0)
		FAIL(out, "smmu_count", "host pfn %s has s2_count %lld", key_text(true, pfn, buf),
		     L(page->s2_count));
	return chk_smmu_count(sdt, pfn, out);
}

/* ---- whole maps: every stored entry, then the default once ---- */

typedef bool (*entry_fn)(bool has_key, hm_z key, const void *val, void *ctx);

typedef struct visit {
	entry_fn fn;
	void *ctx;
	bool ok;
} visit;

static bool visit_one(hm_z key, const void *val, void *p)
{
	visit *v = p;
	v->ok = v->fn(true, key, val, v->ctx);
	return v->ok;
}

static bool for_all(const hm_map *m, entry_fn fn, void *ctx)
{
	visit v = {fn, ctx, true};
	hm_map_foreach(m, visit_one, &v);
	return v.ok && fn(false, 0, hm_map_default(m), ctx);
}

typedef struct whole_ctx {
	const hm_shared *sdt;
	hm_inv_violation *out;
	hm_z vmid, smmuid;
	bool iso, count;
} whole_ctx;

static bool vm_iso_one(bool has_key, hm_z gfn, const void *val, void *p)
{
	whole_ctx *c = p;
	return chk_vm_iso(c->sdt, c->vmid, has_key, gfn, val, c->out);
}

static bool bank_one(bool has_key, hm_z gfn, const void *val, void *p)
{
	whole_ctx *c = p;
	const hm_z2 *e = val;
	if (c->iso && !chk_smmu_iso(c->sdt, c->smmuid, c->vmid, has_key, gfn, e, c->out))
		return false;
	/* smmu_count reads the stored entries only (count_smmu_map is 0
	 * for a gfn no bank stores) */
	if (c->count && has_key && e->a != 0 &&
	    !chk_smmu_count(c->sdt, gfn - SMMU_HOST_OFFSET, c->out))
		return false;
	return true;
}

/* smmu_iso and smmu_count over one context bank */
static bool chk_bank(const hm_shared *sdt, hm_z smmuid, hm_inv_violation *out)
{
	whole_ctx c = {.sdt = sdt, .out = out, .smmuid = smmuid};
	c.iso = bank_valid(sdt, smmuid, &c.vmid);
	c.count = c.vmid == HOSTVISOR;
	if (!c.iso && !c.count)
		return true;
	hm_z ttbr = SMMU_TTBR(z_div(smmuid, SMMU_NUM_CTXT_BANKS), z_mod(smmuid, SMMU_NUM_CTXT_BANKS));
	return for_all(hm_map_get_map(sdt->spts->spt_pt, ttbr), bank_one, &c);
}

/* ---- the full check, and the indexes rebuilt from scratch ---- */

typedef struct build_ctx {
	hm_inv_monitor *m;
	hm_z outer;
	const hm_shared *sdt;
} build_ctx;

static bool build_pt(hm_z gfn, const void *val, void *p)
{
	build_ctx *b = p;
	const hm_z3 *e = val;
	b->m->fp ^= fp_npt(b->outer, gfn, e);
	if (is_vm(b->outer) && e->a != 0)
		rev_add(b->m->npt_rev, e->a, b->outer, gfn);
	return true;
}

static bool build_npt(hm_z vmid, const void *val, void *p)
{
	build_ctx *b = p;
	const hm_npt *npt = *(const hm_npt *const *)val;
	b->outer = vmid;
	if (((const hm_z3 *)hm_map_default(npt->pt))->a != 0)
		b->m->plain = false;
	hm_map_foreach(npt->pt, build_pt, b);
	return true;
}

static bool build_spt_entry(hm_z gfn, const void *val, void *p)
{
	build_ctx *b = p;
	const hm_z2 *e = val;
	b->m->fp ^= fp_spt(b->outer, gfn, e);
	if (ttbr_bank(b->outer) >= 0 && e->a != 0)
		rev_add(b->m->spt_rev, e->a, b->outer, gfn);
	return true;
}

static bool build_spt(hm_z ttbr, const void *val, void *p)
{
	build_ctx *b = p;
	const hm_map *inner = *(const hm_map *const *)val;
	b->outer = ttbr;
	if (((const hm_z2 *)hm_map_default(inner))->a != 0)
		b->m->plain = false;
	hm_map_foreach(inner, build_spt_entry, b);
	return true;
}

static bool build_s2(hm_z pfn, const void *val, void *p)
{
	build_ctx *b = p;
	b->m->fp ^= fp_s2(pfn, val);
	return true;
}

static bool build_smmu(hm_z id, const void *val, void *p)
{
	build_ctx *b = p;
	b->m->fp ^= fp_kv(FP_SMMU, id, *(const hm_z *)val);
	return true;
}

static bool build_vm(hm_z vmid, const void *val, void *p)
{
	build_ctx *b = p;
	const hm_vminfo *info = *(const hm_vminfo *const *)val;
	hm_z dflt = (*(const hm_vminfo *const *)hm_map_default(b->sdt->vminfos))->VS.vm_state;
	if (info->VS.vm_state != dflt)
		b->m->fp ^= fp_kv(FP_VM, vmid, info->VS.vm_state);
	return true;
}

static void rebuild(hm_inv_monitor *m, const hm_shared *sdt)
{
	g_hash_table_remove_all(m->npt_rev);
	g_hash_table_remove_all(m->spt_rev);
	m->fp = 0;
	m->plain = true;
	build_ctx b = {.m = m, .sdt = sdt};
	const hm_npt *dnpt = *(const hm_npt *const *)hm_map_default(sdt->npts);
	if (((const hm_z3 *)hm_map_default(dnpt->pt))->a != 0 ||
	    ((const hm_z2 *)hm_map_default(
		     *(const hm_map *const *)hm_map_default(sdt->spts->spt_pt)))->a != 0)
		m->plain = false;
	hm_map_foreach(sdt->npts, build_npt, &b);
	hm_map_foreach(sdt->spts->spt_pt, build_spt, &b);
	hm_map_foreach(sdt->s2page, build_s2, &b);
	hm_map_foreach(sdt->smmu_vmid, build_smmu, &b);
	hm_map_foreach(sdt->vminfos, build_vm, &b);
}

static void set_prev(hm_inv_monitor *m, const hm_shared *sdt, bool ok)
{
	hm_retain(sdt);
	hm_release(m->prev);
	m->prev = sdt;
	m->prev_ok = ok;
}

static bool full_check(hm_inv_monitor *m, const hm_shared *sdt, hm_inv_violation *out)
{
	m->stats.full++;
	bool ok = hm_shared_inv(sdt, out);
	rebuild(m, sdt);
	set_prev(m, sdt, ok);
	return ok;
}

/* ---- the diffs ---- */

static void diff_s2(hm_z pfn, const void *va, const void *vb, void *p)
{
	hm_inv_monitor *m = p;
	const hm_s2page *d = hm_map_default(m->prev->s2page);
	if (!s2_eq(va, d))
		m->fp ^= fp_s2(pfn, va);
	if (!s2_eq(vb, d))
		m->fp ^= fp_s2(pfn, vb);
	g_array_append_val(m->s2, pfn);
}

typedef struct pt_ctx {
	hm_inv_monitor *m;
	hm_z outer;
	const void *dflt; /* the new map's default entry */
} pt_ctx;

static void diff_pt(hm_z gfn, const void *va, const void *vb, void *p)
{
	pt_ctx *c = p;
	hm_inv_monitor *m = c->m;
	const hm_z3 *a = va, *b = vb, *d = c->dflt;
	if (!z3_eq(a, d))
		m->fp ^= fp_npt(c->outer, gfn, a);
	if (!z3_eq(b, d))
		m->fp ^= fp_npt(c->outer, gfn, b);
	if (is_vm(c->outer)) {
		if (a->a != 0)
			rev_del(m->npt_rev, a->a, c->outer, gfn);
		if (b->a != 0)
			rev_add(m->npt_rev, b->a, c->outer, gfn);
	}
	npt_change ch = {c->outer, gfn, *b, !z3_eq(b, d)};
	g_array_append_val(m->npt, ch);
}

static void diff_npts(hm_z vmid, const void *va, const void *vb, void *p)
{
	hm_inv_monitor *m = p;
	const hm_npt *a = *(const hm_npt *const *)va, *b = *(const hm_npt *const *)vb;
	if (a->pt == b->pt)
		return;
	if (!same_default(a->pt, b->pt)) {
		m->need_full = true;
		return;
	}
	pt_ctx c = {m, vmid, hm_map_default(b->pt)};
	hm_map_diff(a->pt, b->pt, diff_pt, &c);
}

static void diff_spt_entry(hm_z gfn, const void *va, const void *vb, void *p)
{
	pt_ctx *c = p;
	hm_inv_monitor *m = c->m;
	const hm_z2 *a = va, *b = vb, *d = c->dflt;
	if (!z2_eq(a, d))
		m->fp ^= fp_spt(c->outer, gfn, a);
	if (!z2_eq(b, d))
		m->fp ^= fp_spt(c->outer, gfn, b);
	if (ttbr_bank(c->outer) >= 0) {
		if (a->a != 0)
			rev_del(m->spt_rev, a->a, c->outer, gfn);
		if (b->a != 0)
			rev_add(m->spt_rev, b->a, c->outer, gfn);
	}
	spt_change ch = {c->outer, gfn, *b, !z2_eq(b, d)};
	g_array_append_val(m->spt, ch);
}

static void diff_spt(hm_z ttbr, const void *va, const void *vb, void *p)
{
	hm_inv_monitor *m = p;
	const hm_map *a = *(const hm_map *const *)va, *b = *(const hm_map *const *)vb;
	if (!same_default(a, b)) {
		m->need_full = true;
		return;
	}
	pt_ctx c = {m, ttbr, hm_map_default(b)};
	hm_map_diff(a, b, diff_spt_entry, &c);
}

static void diff_smmu(hm_z id, const void *va, const void *vb, void *p)
{
	hm_inv_monitor *m = p;
	hm_z d = *(const hm_z *)hm_map_default(m->prev->smmu_vmid);
	hm_z a = *(const hm_z *)va, b = *(const hm_z *)vb;
	if (a != d)
		m->fp ^= fp_kv(FP_SMMU, id, a);
	if (b != d)
		m->fp ^= fp_kv(FP_SMMU, id, b);
	g_array_append_val(m->smmu, id);
}

static void diff_vm(hm_z vmid, const void *va, const void *vb, void *p)
{
	hm_inv_monitor *m = p;
	hm_z d = (*(const hm_vminfo *const *)hm_map_default(m->prev->vminfos))->VS.vm_state;
	hm_z a = (*(const hm_vminfo *const *)va)->VS.vm_state;
	hm_z b = (*(const hm_vminfo *const *)vb)->VS.vm_state;
	if (a == b)
		return;
	if (a != d)
		m->fp ^= fp_kv(FP_VM, vmid, a);
	if (b != d)
		m->fp ^= fp_kv(FP_VM, vmid, b);
	/* only a VM entering vm_state <= VERIFIED makes vm_iso and smmu_iso
	 * quantify over more entries */
	if (b <= VERIFIED && a > VERIFIED)
		g_array_append_val(m->vms, vmid);
}

/* ---- the incremental check ---- */

static bool check_changes(hm_inv_monitor *m, const hm_shared *sdt, hm_inv_violation *out)
{
	if (!inv_page_0_invalid(sdt, out))
		return false;
	if (m->smmu->len && !inv_smmu_vm(sdt, out))
		return false;
	m->stats.touched += m->s2->len + m->npt->len + m->spt->len;

	/* the SPT entries that changed */
	for (guint i = 0; i < m->spt->len; i++) {
		const spt_change *c = &g_array_index(m->spt, spt_change, i);
		int bank = ttbr_bank(c->ttbr);
		if (bank < 0 || !c->has_key)
			continue;
		if (!chk_spt_cons(bank, true, c->gfn, &c->e, out))
			return false;
		hm_z vmid;
		if (bank_valid(sdt, bank, &vmid) &&
		    !chk_smmu_iso(sdt, bank, vmid, true, c->gfn, &c->e, out))
			return false;
		if (vmid == HOSTVISOR && c->e.a != 0 &&
		    !chk_smmu_count(sdt, c->gfn - SMMU_HOST_OFFSET, out))
			return false;
	}
	/* the NPT entries that changed */
	for (guint i = 0; i < m->npt->len; i++) {
		const npt_change *c = &g_array_index(m->npt, npt_change, i);
		if (!c->has_key)
			continue;
		if (c->vmid == HOSTVISOR) {
			if (!chk_host_entry(sdt, c->gfn, &c->e, out))
				return false;
		} else if (is_vm(c->vmid) && vm_state(sdt, c->vmid) <= VERIFIED) {
			if (!chk_vm_iso(sdt, c->vmid, true, c->gfn, &c->e, out))
				return false;
		}
	}
	/* the s2page entries that changed, and what maps them */
	const hm_npt *host = npt_at(sdt->npts, HOSTVISOR);
	for (guint i = 0; i < m->s2->len; i++) {
		hm_z pfn = g_array_index(m->s2, hm_z, i);
		if (!chk_s2_entry(sdt, pfn, out))
			return false;
		if (pfn != 0) {
			/* host_flatmap: a host entry mapping pfn sits at gfn pfn */
			const hm_z3 *e = z3_at(host->pt, pfn);
			if (e->a == pfn && !chk_host_iso(sdt, true, pfn, e, out))
				return false;
		}
		GArray *vms = g_hash_table_lookup(m->npt_rev, &pfn);
		for (guint k = 0; vms && k < vms->len; k++) {
			rev_ent r = g_array_index(vms, rev_ent, k);
			if (vm_state(sdt, r.owner) > VERIFIED)
				continue;
			const hm_z3 *e = z3_at(npt_at(sdt->npts, r.owner)->pt, r.gfn);
			if (!chk_vm_iso(sdt, r.owner, true, r.gfn, e, out))
				return false;
		}
		GArray *banks = g_hash_table_lookup(m->spt_rev, &pfn);
		for (guint k = 0; banks && k < banks->len; k++) {
			rev_ent r = g_array_index(banks, rev_ent, k);
			hm_z smmuid = ttbr_bank(r.owner), vmid;
			if (!bank_valid(sdt, smmuid, &vmid))
				continue;
			const hm_z2 *e = z2_at(hm_map_get_map(sdt->spts->spt_pt, r.owner), r.gfn);
			if (!chk_smmu_iso(sdt, smmuid, vmid, true, r.gfn, e, out))
				return false;
		}
	}
	/* context banks given to another VM */
	for (guint i = 0; i < m->smmu->len; i++) {
		hm_z id = g_array_index(m->smmu, hm_z, i);
		if (id >= 0 && id < SMMU_NUM * SMMU_NUM_CTXT_BANKS && !chk_bank(sdt, id, out))
			return false;
	}
	/* VMs back in a state the isolation invariants cover */
	for (guint i = 0; i < m->vms->len; i++) {
		hm_z vmid = g_array_index(m->vms, hm_z, i);
		if (is_vm(vmid)) {
			whole_ctx c = {.sdt = sdt, .out = out, .vmid = vmid};
			if (!for_all(npt_at(sdt->npts, vmid)->pt, vm_iso_one, &c))
				return false;
		}
		for (hm_z id = 0; id < SMMU_NUM * SMMU_NUM_CTXT_BANKS; id++)
			if (hm_map_get_z(sdt->smmu_vmid, id) == vmid && !chk_bank(sdt, id, out))
				return false;
	}
	return true;
}

/* Defaults of the maps the invariants read, unchanged since prev. */
static bool defaults_same(const hm_shared *a, const hm_shared *b)
{
	return same_default(a->s2page, b->s2page) && same_default(a->npts, b->npts) &&
	       same_default(a->vminfos, b->vminfos) && same_default(a->smmu_vmid, b->smmu_vmid) &&
	       same_default(a->spts->spt_pt, b->spts->spt_pt);
}

bool hm_inv_monitor_check(hm_inv_monitor *m, const hm_shared *sdt, hm_inv_violation *out)
{
	if (!m->incremental || !m->prev || !m->prev_ok || !m->plain)
		return full_check(m, sdt, out);
	const hm_shared *p = m->prev;
	if (sdt == p) {
		m->stats.unchanged++;
		return true;
	}
	if (!defaults_same(p, sdt))
		return full_check(m, sdt, out);
	g_array_set_size(m->s2, 0);
	g_array_set_size(m->npt, 0);
	g_array_set_size(m->spt, 0);
	g_array_set_size(m->smmu, 0);
	g_array_set_size(m->vms, 0);
	m->need_full = false;
	if (p->s2page != sdt->s2page)
		hm_map_diff(p->s2page, sdt->s2page, diff_s2, m);
	if (p->npts != sdt->npts)
		hm_map_diff(p->npts, sdt->npts, diff_npts, m);
	if (p->spts->spt_pt != sdt->spts->spt_pt)
		hm_map_diff(p->spts->spt_pt, sdt->spts->spt_pt, diff_spt, m);
	if (p->smmu_vmid != sdt->smmu_vmid)
		hm_map_diff(p->smmu_vmid, sdt->smmu_vmid, diff_smmu, m);
	if (p->vminfos != sdt->vminfos)
		hm_map_diff(p->vminfos, sdt->vminfos, diff_vm, m);
	if (m->need_full)
		return full_check(m, sdt, out);
	m->stats.incremental++;
	bool ok = check_changes(m, sdt, out);
	set_prev(m, sdt, ok);
	return ok;
}

hm_inv_monitor *hm_inv_monitor_new(void)
{
	hm_inv_monitor *m = g_new0(hm_inv_monitor, 1);
	m->incremental = true;
	m->plain = true;
	m->npt_rev = rev_new();
	m->spt_rev = rev_new();
	m->s2 = g_array_new(FALSE, FALSE, sizeof(hm_z));
	m->npt = g_array_new(FALSE, FALSE, sizeof(npt_change));
	m->spt = g_array_new(FALSE, FALSE, sizeof(spt_change));
	m->smmu = g_array_new(FALSE, FALSE, sizeof(hm_z));
	m->vms = g_array_new(FALSE, FALSE, sizeof(hm_z));
	return m;
}

void hm_inv_monitor_free(hm_inv_monitor *m)
{
	if (!m)
		return;
	hm_release(m->prev);
	g_hash_table_destroy(m->npt_rev);
	g_hash_table_destroy(m->spt_rev);
	g_array_free(m->s2, TRUE);
	g_array_free(m->npt, TRUE);
	g_array_free(m->spt, TRUE);
	g_array_free(m->smmu, TRUE);
	g_array_free(m->vms, TRUE);
	g_free(m);
}

void hm_inv_monitor_set_incremental(hm_inv_monitor *m, bool on)
{
	m->incremental = on;
	hm_inv_monitor_reset(m);
}

void hm_inv_monitor_reset(hm_inv_monitor *m)
{
	hm_release(m->prev);
	m->prev = NULL;
	m->prev_ok = false;
}

uint64_t hm_inv_monitor_fingerprint(const hm_inv_monitor *m) { return m->fp; }

const hm_inv_monitor_stats *hm_inv_monitor_stats_get(const hm_inv_monitor *m) { return &m->stats; }
