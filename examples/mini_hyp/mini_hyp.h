/* mini_hyp: a small stand-alone stage-2 memory manager, written the way
 * a hypervisor core is, to be checked against the spec by
 * examples/check_mini_hyp.c (docs/linked-checking.md).
 *
 * It implements six operations of the SeKVM MemManager: the host's
 * stage-2 fault (map_page_host), giving a page to a VM (assign_pfn_to_vm),
 * mapping it in the VM's stage 2 (map_pfn_vm), sharing it back with the
 * host (grant_vm_page, revoke_vm_page) and scrubbing it when the VM is
 * gone (clear_vm_page). It uses nothing of libhypsecmodel: its state is
 * an array of page records indexed by pfn and real 4-level stage-2 page
 * tables (4 KiB pages, 512 descriptors a table) living in a pool of
 * physical pages, walked and written with shifts and masks.
 *
 * Header-only (static functions) so that each example program includes it
 * whole. Define MINI_HYP_BUG_GRANT_UNLIMITED before including it to build
 * the version whose grant_vm_page forgets the share-count limit.
 */
#ifndef MINI_HYP_H
#define MINI_HYP_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef uint64_t mh_u64;
typedef uint32_t mh_u32;

/* ---- the platform (the values of the SeKVM headers) ---- */

#define MH_PAGE_SHIFT 12
#define MH_PAGE_SIZE (1ULL << MH_PAGE_SHIFT)
#define MH_PTRS_PER_TABLE 512
#define MH_PHYS_MASK 0x0000ffffffffffffULL
#define MH_PAGE_MASK 0x0ffffffffffff000ULL
#define MH_OA_MASK (MH_PHYS_MASK & MH_PAGE_MASK) /* output address of a descriptor */
#define MH_PHYS_SIZE (1ULL << 40)  /* physical addresses the host may fault on */
#define MH_ADDR_SPACE (1ULL << 48) /* intermediate physical addresses */
#define MH_PFN_SPACE (1ULL << 28)
#define MH_GFN_SPACE (1ULL << 36)

/* Descriptor bits. Bit 0: valid. Bit 1 (PMD_TABLE_BIT): at levels 0-2 a
 * table (bits 1:0 = 3) rather than a block (1); at level 3 it must be set
 * for a page (3). Everything else of an invalid descriptor is ignored by
 * the hardware, and free for software. */
#define MH_DESC_VALID 1ULL
#define MH_DESC_TABLE_BIT 2ULL
#define MH_DESC_TYPE_MASK 3ULL
#define MH_DESC_TYPE_TABLE 3ULL
#define MH_S2_KERNEL 0xfffULL             /* normal memory, read/write */
#define MH_S2_DEVICE 0x40000000000747ULL  /* device memory */
#define MH_S2_RDWR 0xc0ULL
#define MH_PAGE_GUEST 0x200000000000000ULL /* invalid, software bit: the page is a guest's */

#define MH_HOST 0u
#define MH_COREVISOR 16u
#define MH_NR_VMIDS (MH_COREVISOR + 1)
#define MH_OWNER_NONE 0xffffffffu /* no RAM behind the pfn: MMIO */
#define MH_COUNT_INVALID 0xffffffffu
#define MH_GFN_NONE 0xffffffffffffffffULL
#define MH_MAX_SHARE 100u
#define MH_SMMU_HOST_OFFSET 1000000000ULL /* the gfn a host page carries */
#define MH_MAX_CPUS 8

/* The stage-2 page-table pool: each vmid owns 32 MiB of physical pages at
 * MH_POOL_START + vmid * 32 MiB: its root table first, then the areas its
 * level-1, level-2 and level-3 tables are allocated from. */
#define MH_POOL_START 0x10000ULL
#define MH_POOL_PER_VM 0x2000000ULL
#define MH_L1_AREA 0x1000ULL   /* offset of the level-1 tables */
#define MH_L2_AREA 0x101000ULL /* offset of the level-2 tables */
#define MH_L3_AREA 0x901000ULL /* offset of the level-3 tables */
#define MH_POOL_PAGES (MH_NR_VMIDS * (MH_POOL_PER_VM >> MH_PAGE_SHIFT))

struct mh_page {
	mh_u32 owner; /* MH_HOST, a vmid, or MH_OWNER_NONE */
	mh_u32 count; /* how many times its VM shared it with the host */
	mh_u64 gfn;   /* where its VM maps it */
};

/* Instrumentation: called for every page record and every stage-2
 * translation an operation reads or writes. */
struct mh_hooks {
	void (*page)(void *ctx, mh_u64 pfn);
	void (*s2)(void *ctx, mh_u32 vmid, mh_u64 gfn);
	void *ctx;
};

enum mh_result {
	MH_OK,     /* done */
	MH_HALT,   /* the core panicked (or had already) */
	MH_STUCK,  /* a lock it needs is held by a core that panicked */
	MH_REJECT, /* arguments out of range: refused */
};

struct mini_hyp {
	int ncpus;
	mh_u64 ram_base, ram_size;
	struct mh_page *pages; /* one record per page of RAM */
	mh_u64 **pool;         /* the table pool: a pointer per physical page, set on first use */
	mh_u64 next[MH_NR_VMIDS][3]; /* next free level-1, level-2, level-3 table */
	int s2page_lock;             /* the CPU holding it, -1 when free */
	int pt_lock[MH_NR_VMIDS];
	bool halted[MH_MAX_CPUS];
	struct mh_hooks hooks;
};

/* ---- setup ---- */

static bool mh_init(struct mini_hyp *h, int ncpus, mh_u64 ram_base, mh_u64 ram_size)
{
	memset(h, 0, sizeof *h);
	if (ncpus < 1 || ncpus > MH_MAX_CPUS || ram_base % MH_PAGE_SIZE || ram_size % MH_PAGE_SIZE)
		return false;
	h->ncpus = ncpus;
	h->ram_base = ram_base;
	h->ram_size = ram_size;
	mh_u64 n = ram_size >> MH_PAGE_SHIFT;
	h->pages = calloc(n, sizeof *h->pages);
	h->pool = calloc(MH_POOL_PAGES, sizeof *h->pool);
	if (!h->pages || !h->pool)
		return false;
	for (mh_u64 i = 0; i < n; i++) {
		mh_u64 pfn = (ram_base >> MH_PAGE_SHIFT) + i;
		/* Page 0 is never handed out. */
		h->pages[i] = pfn ? (struct mh_page){MH_HOST, 0, pfn + MH_SMMU_HOST_OFFSET}
				  : (struct mh_page){MH_OWNER_NONE, 0, MH_GFN_NONE};
	}
	for (mh_u32 vmid = 0; vmid < MH_NR_VMIDS; vmid++) {
		mh_u64 base = MH_POOL_START + vmid * MH_POOL_PER_VM;
		h->next[vmid][0] = base + MH_L1_AREA;
		h->next[vmid][1] = base + MH_L2_AREA;
		h->next[vmid][2] = base + MH_L3_AREA;
		h->pt_lock[vmid] = -1;
	}
	h->s2page_lock = -1;
	return true;
}

static void mh_destroy(struct mini_hyp *h)
{
	if (h->pool)
		for (mh_u64 i = 0; i < MH_POOL_PAGES; i++)
			free(h->pool[i]);
	free(h->pool);
	free(h->pages);
	memset(h, 0, sizeof *h);
}

/* ---- memory ---- */

/* The table page at physical address pa of the pool, zeroed on first use
 * (the pool is zero-filled at boot). */
static mh_u64 *mh_table(struct mini_hyp *h, mh_u64 pa)
{
	mh_u64 i = (pa - MH_POOL_START) >> MH_PAGE_SHIFT;
	if (!h->pool[i]) {
		h->pool[i] = calloc(MH_PTRS_PER_TABLE, sizeof(mh_u64));
		if (!h->pool[i])
			abort();
	}
	return h->pool[i];
}

static struct mh_page *mh_page_ref(struct mini_hyp *h, mh_u64 pfn)
{
	mh_u64 first = h->ram_base >> MH_PAGE_SHIFT, n = h->ram_size >> MH_PAGE_SHIFT;
	return pfn >= first && pfn - first < n ? &h->pages[pfn - first] : NULL;
}

/* The record of any pfn: outside RAM, an MMIO page nobody owns. */
static struct mh_page mh_page_info(struct mini_hyp *h, mh_u64 pfn)
{
	struct mh_page *p = mh_page_ref(h, pfn);
	return p ? *p : (struct mh_page){MH_OWNER_NONE, 0, MH_GFN_NONE};
}

static void mh_touch_page(struct mini_hyp *h, mh_u64 pfn)
{
	if (h->hooks.page)
		h->hooks.page(h->hooks.ctx, pfn);
}

static void mh_touch_s2(struct mini_hyp *h, mh_u32 vmid, mh_u64 gfn)
{
	if (h->hooks.s2)
		h->hooks.s2(h->hooks.ctx, vmid, gfn);
}

/* ---- stage-2 page tables ---- */

static mh_u64 mh_root(mh_u32 vmid) { return MH_POOL_START + vmid * MH_POOL_PER_VM; }

/* Index of ipa in a table of level 0 (bits 47:39) .. 3 (bits 20:12). */
static unsigned mh_index(mh_u64 ipa, int level)
{
	return (unsigned)(ipa >> (MH_PAGE_SHIFT + 9 * (3 - level))) & (MH_PTRS_PER_TABLE - 1);
}

static bool mh_is_table(mh_u64 desc) { return (desc & MH_DESC_TYPE_MASK) == MH_DESC_TYPE_TABLE; }
static bool mh_is_block(mh_u64 desc) { return (desc & MH_DESC_TYPE_MASK) == MH_DESC_VALID; }

/* The descriptor that translates ipa: a level-3 entry (*level 3) or a
 * level-2 block (*level 2); NULL when a table on the way is missing. */
static mh_u64 *mh_walk(struct mini_hyp *h, mh_u32 vmid, mh_u64 ipa, int *level)
{
	mh_u64 *table = mh_table(h, mh_root(vmid));
	for (int l = 0; l < 3; l++) {
		mh_u64 *e = &table[mh_index(ipa, l)];
		if (l == 2 && mh_is_block(*e)) {
			*level = 2;
			return e;
		}
		if (!mh_is_table(*e))
			return NULL;
		table = mh_table(h, *e & MH_OA_MASK);
	}
	*level = 3;
	return &table[mh_index(ipa, 3)];
}

/* What gfn translates to in vmid's stage 2: true when the walk ends in a
 * valid page or block with an output address; *pfn is the page (for a
 * block, its first page plus gfn's offset in it), *level and *desc the
 * leaf. */
static bool mh_s2_translate(struct mini_hyp *h, mh_u32 vmid, mh_u64 gfn, mh_u64 *pfn, int *level,
			    mh_u64 *desc)
{
	int l = 0;
	mh_u64 *e = mh_walk(h, vmid, gfn << MH_PAGE_SHIFT, &l);
	*pfn = 0;
	*level = l;
	*desc = e ? *e : 0;
	if (!e || !(*e & MH_DESC_VALID))
		return false;
	if (l == 3 && (*e & MH_DESC_TYPE_MASK) != MH_DESC_TYPE_TABLE)
		return false; /* bits 1:0 = 1 is reserved at level 3 */
	mh_u64 oa = *e & MH_OA_MASK;
	if (!oa)
		return false;
	*pfn = (oa >> MH_PAGE_SHIFT) + (l == 2 ? gfn % MH_PTRS_PER_TABLE : 0);
	return true;
}

/* Whether vmid's pool has a free table in each area marked in need. */
static bool mh_pool_has(struct mini_hyp *h, mh_u32 vmid, const bool need[3])
{
	mh_u64 base = MH_POOL_START + vmid * MH_POOL_PER_VM;
	const mh_u64 end[3] = {base + MH_L2_AREA, base + MH_L3_AREA, base + MH_POOL_PER_VM};
	for (int a = 0; a < 3; a++)
		if (need[a] && h->next[vmid][a] + MH_PAGE_SIZE > end[a])
			return false;
	return true;
}

static mh_u64 mh_alloc_table(struct mini_hyp *h, mh_u32 vmid, int area)
{
	mh_u64 pa = h->next[vmid][area];
	h->next[vmid][area] += MH_PAGE_SIZE;
	memset(mh_table(h, pa), 0, MH_PAGE_SIZE);
	return pa | MH_DESC_TYPE_TABLE;
}

/* Writes desc into vmid's stage 2 for ipa, as a level-3 page (level 3) or
 * a level-2 block (level 2), allocating the missing tables above it.
 * Returns false, having written nothing, when the pool has no room or when
 * a page would go under an existing block: the caller must halt. */
static bool mh_s2_set(struct mini_hyp *h, mh_u32 vmid, mh_u64 ipa, int level, mh_u64 desc)
{
	mh_u64 *e0 = &mh_table(h, mh_root(vmid))[mh_index(ipa, 0)];
	mh_u64 *e1 = mh_is_table(*e0) ? &mh_table(h, *e0 & MH_OA_MASK)[mh_index(ipa, 1)] : NULL;
	mh_u64 *e2 = e1 && mh_is_table(*e1) ? &mh_table(h, *e1 & MH_OA_MASK)[mh_index(ipa, 2)]
					    : NULL;
	if (level == 3 && e2 && mh_is_block(*e2))
		return false;
	bool need[3] = {!e1, !e2, level == 3 && !(e2 && mh_is_table(*e2))};
	if (!mh_pool_has(h, vmid, need))
		return false;
	if (need[0])
		*e0 = mh_alloc_table(h, vmid, 0);
	e1 = &mh_table(h, *e0 & MH_OA_MASK)[mh_index(ipa, 1)];
	if (need[1])
		*e1 = mh_alloc_table(h, vmid, 1);
	e2 = &mh_table(h, *e1 & MH_OA_MASK)[mh_index(ipa, 2)];
	if (level == 2) {
		*e2 = desc;
		return true;
	}
	if (need[2])
		*e2 = mh_alloc_table(h, vmid, 2);
	mh_table(h, *e2 & MH_OA_MASK)[mh_index(ipa, 3)] = desc;
	return true;
}

/* ---- locks and panics ---- */

static bool mh_lock_free(int holder) { return holder < 0; }

/* A core that panics stops where it is, with the locks it holds. */
static enum mh_result mh_panic(struct mini_hyp *h, int cpu)
{
	h->halted[cpu] = true;
	return MH_HALT;
}

/* Takes the pfn out of the host's stage 2 if the host can reach it: the
 * entry becomes an invalid descriptor marked MH_PAGE_GUEST. */
static bool mh_unmap_from_host(struct mini_hyp *h, mh_u64 pfn)
{
	mh_u64 hpfn, desc;
	int level;
	mh_touch_s2(h, MH_HOST, pfn);
	if (!mh_s2_translate(h, MH_HOST, pfn, &hpfn, &level, &desc))
		return true;
	return mh_s2_set(h, MH_HOST, pfn << MH_PAGE_SHIFT, 3, MH_PAGE_GUEST);
}

/* ---- the operations (cpu: the core running it) ---- */

/* The host faulted on physical address addr: map the page into its stage
 * 2 if the host may use it (its own, MMIO, or shared by a VM). */
static enum mh_result mh_map_page_host(struct mini_hyp *h, int cpu, mh_u64 addr)
{
	if (addr >= MH_PHYS_SIZE)
		return MH_REJECT;
	if (h->halted[cpu])
		return MH_HALT;
	if (!mh_lock_free(h->s2page_lock) || !mh_lock_free(h->pt_lock[MH_HOST]))
		return MH_STUCK;
	mh_u64 pfn = addr >> MH_PAGE_SHIFT;
	h->s2page_lock = cpu;
	mh_touch_page(h, pfn);
	struct mh_page pg = mh_page_info(h, pfn);
	mh_u64 desc;
	if (pg.owner == MH_OWNER_NONE)
		desc = (pfn << MH_PAGE_SHIFT) | MH_S2_DEVICE | MH_S2_RDWR;
	else if (pg.owner == MH_HOST || pg.count > 0)
		desc = (pfn << MH_PAGE_SHIFT) | MH_S2_KERNEL;
	else
		return mh_panic(h, cpu); /* a VM's private page */
	h->pt_lock[MH_HOST] = cpu;
	mh_touch_s2(h, MH_HOST, pfn);
	if (!mh_s2_set(h, MH_HOST, addr, 3, desc))
		return mh_panic(h, cpu);
	h->pt_lock[MH_HOST] = -1;
	h->s2page_lock = -1;
	return MH_OK;
}

/* The VM vmid is gone: give its page pfn back to the host, scrubbed. */
static enum mh_result mh_clear_vm_page(struct mini_hyp *h, int cpu, mh_u32 vmid, mh_u64 pfn)
{
	if (vmid > MH_COREVISOR || pfn >= MH_PFN_SPACE)
		return MH_REJECT;
	if (h->halted[cpu])
		return MH_HALT;
	if (!mh_lock_free(h->s2page_lock))
		return MH_STUCK;
	h->s2page_lock = cpu;
	mh_touch_page(h, pfn);
	struct mh_page *p = mh_page_ref(h, pfn);
	if (p && p->owner == vmid) {
		p->owner = MH_HOST;
		p->count = 0;
		p->gfn = pfn + MH_SMMU_HOST_OFFSET;
	}
	h->s2page_lock = -1;
	return MH_OK;
}

/* Give the host's page pfn to VM vmid at gfn; the host loses access. */
static enum mh_result mh_assign_pfn_to_vm(struct mini_hyp *h, int cpu, mh_u32 vmid, mh_u64 gfn,
					  mh_u64 pfn)
{
	if (vmid > MH_COREVISOR || gfn >= MH_GFN_SPACE || pfn >= MH_PFN_SPACE)
		return MH_REJECT;
	if (h->halted[cpu])
		return MH_HALT;
	if (!mh_lock_free(h->s2page_lock) || !mh_lock_free(h->pt_lock[MH_HOST]))
		return MH_STUCK;
	h->s2page_lock = cpu;
	mh_touch_page(h, pfn);
	struct mh_page *p = mh_page_ref(h, pfn);
	mh_u32 owner = p ? p->owner : MH_OWNER_NONE;
	if (owner == MH_HOST) {
		if (p->count != 0)
			return mh_panic(h, cpu); /* the host has it mapped for DMA */
		*p = (struct mh_page){vmid, 0, gfn};
		h->pt_lock[MH_HOST] = cpu;
		if (!mh_unmap_from_host(h, pfn))
			return mh_panic(h, cpu);
		h->pt_lock[MH_HOST] = -1;
	} else if (owner == vmid && (p->gfn == MH_GFN_NONE || p->gfn == gfn)) {
		/* Already the VM's, at this gfn: a repeated fault. */
		if (p->count == MH_COUNT_INVALID)
			p->count = 0;
		p->gfn = gfn;
	} else {
		return mh_panic(h, cpu);
	}
	h->s2page_lock = -1;
	return MH_OK;
}

/* Map the page of pte at addr in VM vmid's stage 2, as a page (level 3)
 * or as a 2 MiB block (level 2). */
static enum mh_result mh_map_pfn_vm(struct mini_hyp *h, int cpu, mh_u32 vmid, mh_u64 addr,
				    mh_u64 pte, int level)
{
	if (vmid > MH_COREVISOR || addr >= MH_ADDR_SPACE)
		return MH_REJECT;
	if (h->halted[cpu])
		return MH_HALT;
	if (!mh_lock_free(h->pt_lock[vmid]))
		return MH_STUCK;
	h->pt_lock[vmid] = cpu;
	mh_u64 desc = (pte & MH_OA_MASK) | MH_S2_KERNEL;
	mh_u64 gfn = addr >> MH_PAGE_SHIFT;
	if (level == 2) {
		desc &= ~MH_DESC_TABLE_BIT; /* a block, not a table */
		mh_u64 first = gfn - gfn % MH_PTRS_PER_TABLE;
		for (mh_u64 g = first; g < first + MH_PTRS_PER_TABLE; g++)
			mh_touch_s2(h, vmid, g);
	} else {
		level = 3;
		mh_touch_s2(h, vmid, gfn);
	}
	if (!mh_s2_set(h, vmid, addr, level, desc))
		return mh_panic(h, cpu);
	h->pt_lock[vmid] = -1;
	return MH_OK;
}

/* VM vmid shares its page pfn with the host once more. */
static enum mh_result mh_grant_vm_page(struct mini_hyp *h, int cpu, mh_u32 vmid, mh_u64 pfn)
{
	if (vmid > MH_COREVISOR || pfn >= MH_PFN_SPACE)
		return MH_REJECT;
	if (h->halted[cpu])
		return MH_HALT;
	if (!mh_lock_free(h->s2page_lock))
		return MH_STUCK;
	h->s2page_lock = cpu;
	mh_touch_page(h, pfn);
	struct mh_page *p = mh_page_ref(h, pfn);
#ifdef MINI_HYP_BUG_GRANT_UNLIMITED
	if (p && p->owner == vmid)
#else
	if (p && p->owner == vmid && p->count < MH_MAX_SHARE)
#endif
		p->count++;
	h->s2page_lock = -1;
	return MH_OK;
}

/* VM vmid withdraws one share of its page pfn; at the last one the host
 * loses access. */
static enum mh_result mh_revoke_vm_page(struct mini_hyp *h, int cpu, mh_u32 vmid, mh_u64 pfn)
{
	if (vmid > MH_COREVISOR || pfn >= MH_PFN_SPACE)
		return MH_REJECT;
	if (h->halted[cpu])
		return MH_HALT;
	if (!mh_lock_free(h->s2page_lock) || !mh_lock_free(h->pt_lock[MH_HOST]))
		return MH_STUCK;
	h->s2page_lock = cpu;
	mh_touch_page(h, pfn);
	struct mh_page *p = mh_page_ref(h, pfn);
	if (p && p->owner == vmid && p->count > 0) {
		p->count--;
		if (p->count == 0) {
			h->pt_lock[MH_HOST] = cpu;
			if (!mh_unmap_from_host(h, pfn))
				return mh_panic(h, cpu);
			h->pt_lock[MH_HOST] = -1;
		}
	}
	h->s2page_lock = -1;
	return MH_OK;
}

#endif
