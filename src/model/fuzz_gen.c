/* The fuzz generator: actions that build one step each from the stepping
 * CPU's view.
 *
 * Valid arguments are drawn from that view: pages by owner (rejection
 * sampling over a set of hot pfns: the first pages of RAM, the 2 MiB
 * blocks a VM image lands in, the end of RAM), registered VMs by state,
 * gfns the NPTs and SPTs map (sampled from the stored entries), context
 * banks by the VM they belong to. Small hot sets make pages collide, so
 * that a few hundred steps reach pages that are assigned, granted,
 * mapped by a VM, by the host and by an SMMU at once.
 *
 * A hostile step corrupts one argument (or register) of an otherwise
 * valid step with a value from a list of boundaries (0, the first value
 * out of range, INVALID, INVALID64, -1, a page of another owner), or runs
 * a handler in the wrong context (a host handler while the CPU runs a VM
 * and the other way round). Steps whose valid arguments could not be
 * found in the state are marked hostile too: only steps marked valid
 * make a sequence "valid" for the stuck findings.
 *
 * Hypercalls and traps are host_hvc_handler, host_npt_handler,
 * host_vcpu_run_handler and vm_exit_handler with the registers a trace's
 * `set.regs.ctxt_regs` would give; vCPU runs also script core_doracle
 * (which vCPU runs, then the address, pte and level of the page the
 * run maps into the VM), as a trace's `oracle.core_doracle` would.
 */
#include <string.h>

#include "fuzz_internal.h"

enum { CTX_ANY, CTX_HOST, CTX_VM };

typedef struct gen {
	hm_rng *rng;
	const hm_rdata *v;
	const hm_shared *sh;
	hm_fuzz_step *s;
	bool hostile;
	int bad;      /* the slot a hostile step corrupts (-1: none) */
	int slot;     /* the next slot */
	bool fallback; /* a valid argument could not be found */
	const hm_op_def *def; /* the op (for the generic action) */
} gen;

/* Fills g->s; false when the state offers no arguments meeting the
 * caller's preconditions of an internal op (another action is chosen). */
typedef bool (*action_fn)(gen *g);

/* Arguments a hostile step may corrupt: the slots (in the order the action
 * fills them) that the op's caller passes on from the host or a VM
 * unchecked. The entry points take everything from outside (ALL); the
 * MemManager ops are called by the handlers with some arguments they
 * have established (the VM, a page they just assigned, the context
 * bank's owner): those slots stay valid unless hostile_internal. */
#define ALL 0xffu

typedef struct action {
	const char *name;
	const char *op;
	int ctx;
	unsigned weight;
	action_fn fn;
	unsigned untrusted;
	bool internal; /* a MemManager op: the handlers call it */
} action;

/* ---- registers ---- */

enum { R_X0, R_X1, R_X2, R_X3, R_X4, R_X5, R_EC, R_ESR, R_FAR, R_HPFAR, R_COUNT };
static const char *const reg_names[R_COUNT] = {"x0", "x1", "x2", "x3", "x4",
					       "x5", "ec", "esr_el2", "far_el2", "hpfar_el2"};
static uint8_t reg_field[R_COUNT];

static void set_reg(gen *g, int r, hm_z v)
{
	hm_fuzz_step *s = g->s;
	if (s->nregs < HM_FUZZ_MAX_REGS) {
		s->reg[s->nregs] = reg_field[r];
		s->regv[s->nregs++] = v;
	}
}

/* ---- random helpers ---- */

static uint64_t below(gen *g, uint64_t n) { return hm_rng_below(g->rng, n); }
static bool pct(gen *g, int p) { return hm_rng_pct(g->rng, p); }

#define PICK(g, arr) ((arr)[below((g), sizeof(arr) / sizeof((arr)[0]))])

/* Hot pfns and gfns: [start, end) ranges. */
typedef struct range {
	hm_z start, end;
} range;

static const range hot_ram[] = {
	{0x40000, 0x40040}, {0x401f8, 0x40208}, {0x403f8, 0x40408}, {0x40ff8, 0x41000}};
static const hm_z devices[] = {0x9000, 0x9001, 0x9002, 0x9003, 0x2b400, 0x2b401, 0x2b408};
static const range hot_gfn[] = {
	{1, 0x40}, {0x1f8, 0x208}, {0x80000, 0x80010}, {0x9000, 0x9004}};

static hm_z in_ranges(gen *g, const range *r, size_t n)
{
	hm_z total = 0;
	for (size_t i = 0; i < n; i++)
		total += r[i].end - r[i].start;
	hm_z k = (hm_z)below(g, (uint64_t)total);
	for (size_t i = 0; i < n; i++) {
		if (k < r[i].end - r[i].start)
			return r[i].start + k;
		k -= r[i].end - r[i].start;
	}
	return r[0].start;
}

static hm_z ram_pfn(gen *g) { return in_ranges(g, hot_ram, G_N_ELEMENTS(hot_ram)); }
static hm_z any_gfn(gen *g) { return in_ranges(g, hot_gfn, G_N_ELEMENTS(hot_gfn)); }
static hm_z device_pfn(gen *g) { return PICK(g, devices); }

/* ---- hostile values ---- */

static const hm_z bad_pfns[] = {0,
				1,
				0x3ffff,
				0x41000,
				(hm_z)268435455LL /* KVM_PFN_SPACE - 1 */,
				KVM_PFN_SPACE,
				INVALID,
				INVALID64,
				-1};
static const hm_z bad_gfns[] = {0, (hm_z)68719476735LL /* KVM_GFN_SPACE - 1 */, KVM_GFN_SPACE,
				INVALID, INVALID64, -1};
static const hm_z bad_addrs[] = {0,
				 (hm_z)1099511627775LL /* KVM_PHYS_SIZE - 1 */,
				 KVM_PHYS_SIZE,
				 (hm_z)281474976710655LL /* KVM_ADDR_SPACE - 1 */,
				 KVM_ADDR_SPACE,
				 INVALID64,
				 -1};
static const hm_z bad_vmids[] = {HOSTVISOR, MAX_VM_NUM, COREVISOR, COREVISOR + 1, INVALID, -1};

/* The current slot is the one a hostile step corrupts. */
static bool corrupt(gen *g) { return g->slot++ == g->bad; }

static bool owner_any(const hm_s2page *p, hm_z x)
{
	(void)p;
	(void)x;
	return true;
}

typedef bool (*page_pred)(const hm_s2page *p, hm_z x);

/* A hot RAM pfn whose page satisfies pred (x: its parameter); -1 when 32
 * draws found none. */
static hm_z find_page(gen *g, page_pred pred, hm_z x)
{
	for (int i = 0; i < 32; i++) {
		hm_z pfn = ram_pfn(g);
		if (pred(s2page_at(g->sh->s2page, pfn), x))
			return pfn;
	}
	return -1;
}

static hm_z hostile_pfn(gen *g)
{
	return pct(g, 50) ? PICK(g, bad_pfns) : find_page(g, owner_any, 0);
}

/* ---- argument pickers: a valid value, or at the bad slot a hostile one ---- */

static hm_z arg_pfn(gen *g, hm_z valid)
{
	if (corrupt(g))
		return hostile_pfn(g);
	return valid;
}

static hm_z arg_gfn(gen *g, hm_z valid) { return corrupt(g) ? PICK(g, bad_gfns) : valid; }
static hm_z arg_addr(gen *g, hm_z valid) { return corrupt(g) ? PICK(g, bad_addrs) : valid; }

/* A size that the handlers turn into a loop count (pages to clear, map,
 * grant): the hostile values are odd sizes and sizes the argument checks
 * reject, never one they accept that would make the loop run for 2^28
 * pages (KVM_PHYS_SIZE - 1 is a paddr). */
static const hm_z bad_sizes[] = {0, 1, 4095, 4097, KVM_PHYS_SIZE, INVALID64, -1};
static hm_z arg_size(gen *g, hm_z valid) { return corrupt(g) ? PICK(g, bad_sizes) : valid; }

static hm_z arg_vmid(gen *g, hm_z valid)
{
	if (!corrupt(g))
		return valid;
	/* another VM than the right one, or a boundary */
	return pct(g, 40) ? 1 + (hm_z)below(g, 15) : PICK(g, bad_vmids);
}

/* 0 .. n-1 valid; hostile: -1, n, n + 1, 255 */
static hm_z arg_small(gen *g, hm_z valid, hm_z n)
{
	if (!corrupt(g))
		return valid;
	const hm_z bad[] = {-1, n, n + 1, 255};
	return PICK(g, bad);
}

/* ---- the state ---- */

static hm_z next_vmid(gen *g) { return g->sh->core_data.next_vmid; }

static hm_z state_of(gen *g, hm_z vmid) { return vminfo_at(g->sh->vminfos, vmid)->VS.vm_state; }

/* A registered VM (1 .. next_vmid - 1) in `state` (any state when
 * state < 0); without one, 1 .. 3 and the step falls back. */
static hm_z pick_vm(gen *g, hm_z state)
{
	hm_z n = next_vmid(g) - 1;
	if (n > MAX_VM_NUM)
		n = MAX_VM_NUM;
	if (n >= 1) {
		hm_z start = 1 + (hm_z)below(g, (uint64_t)n);
		for (hm_z i = 0; i < n; i++) {
			hm_z vmid = 1 + (start - 1 + i) % n;
			if (state < 0 || state_of(g, vmid) == state)
				return vmid;
		}
	}
	g->fallback = true;
	return n >= 1 ? 1 + (hm_z)below(g, (uint64_t)n) : 1 + (hm_z)below(g, 3);
}

/* The VM of a MemManager op: a registered one most of the time, else one
 * of 1 .. 3 (the MemManager layer has no notion of registration, and
 * multi-CPU MemManager episodes register none). */
static hm_z pick_vm_mem(gen *g)
{
	bool fb = g->fallback;
	hm_z vmid = pct(g, 70) ? pick_vm(g, -1) : 1 + (hm_z)below(g, 3);
	g->fallback = fb;
	return vmid;
}

/* A vCPU of vmid in `state`; else 0 .. 1 and the step falls back. */
static hm_z pick_vcpu(gen *g, hm_z vmid, hm_z state)
{
	const hm_map *st = vminfo_at(g->sh->vminfos, vmid)->VS.vm_vcpu_state;
	hm_z start = (hm_z)below(g, 2);
	for (hm_z i = 0; i < 2; i++)
		if (hm_map_get_z(st, (start + i) % 2) == state)
			return (start + i) % 2;
	g->fallback = true;
	return start;
}

static bool owned_by(const hm_s2page *p, hm_z vmid) { return p->s2_owner == vmid; }
static bool owned_by_vm(const hm_s2page *p, hm_z x)
{
	(void)x;
	return is_vm(p->s2_owner);
}
static bool host_free(const hm_s2page *p, hm_z x)
{
	(void)x;
	return p->s2_owner == HOSTVISOR && p->s2_count == 0;
}
static bool host_page(const hm_s2page *p, hm_z x)
{
	(void)x;
	return p->s2_owner == HOSTVISOR;
}

/* A page of vmid with a gfn; falls back to any hot page. */
static hm_z page_of(gen *g, hm_z vmid)
{
	hm_z pfn = find_page(g, owned_by, vmid);
	if (pfn < 0) {
		g->fallback = true;
		pfn = ram_pfn(g);
	}
	return pfn;
}

static hm_z page_where(gen *g, page_pred pred)
{
	hm_z pfn = find_page(g, pred, 0);
	if (pfn < 0) {
		g->fallback = true;
		pfn = ram_pfn(g);
	}
	return pfn;
}

/* A stored entry of map m accepted by pred, among the first 64. */
typedef struct nth {
	uint64_t k;
	bool (*pred)(const void *val);
	bool found;
	hm_z key;
} nth;

static bool nth_visit(hm_z key, const void *val, void *p)
{
	nth *c = p;
	if (c->pred && !c->pred(val))
		return true;
	c->found = true;
	c->key = key;
	return c->k-- > 0;
}

static bool pick_key(gen *g, const hm_map *m, bool (*pred)(const void *), hm_z *key)
{
	size_t n = hm_map_count(m);
	if (!n)
		return false;
	nth c = {below(g, n < 64 ? n : 64), pred, false, 0};
	hm_map_foreach(m, nth_visit, &c);
	*key = c.key;
	return c.found;
}

static bool z3_mapped(const void *v) { return ((const hm_z3 *)v)->a != 0; }
static bool z2_mapped(const void *v) { return ((const hm_z2 *)v)->a != 0; }

/* A gfn the NPT of vmid maps to a page (pfn <> 0); else a hot gfn. */
static hm_z mapped_gfn(gen *g, hm_z vmid)
{
	hm_z gfn;
	if (pick_key(g, npt_at(g->sh->npts, vmid)->pt, z3_mapped, &gfn))
		return gfn;
	g->fallback = true;
	return any_gfn(g);
}

static const hm_map *bank_spt(gen *g, hm_z index, hm_z cbndx)
{
	return hm_map_get_map(g->sh->spts->spt_pt, SMMU_TTBR(index, cbndx));
}

/* A context bank (smmuid) given to vmid, -1 if none. */
static hm_z bank_of(gen *g, hm_z vmid)
{
	hm_z start = (hm_z)below(g, 16);
	for (hm_z i = 0; i < 16; i++) {
		hm_z id = (start + i) % 16;
		if (hm_map_get_z(g->sh->smmu_vmid, id) == vmid)
			return id;
	}
	return -1;
}

/* A context bank given to some VM or the host (most of the time), else
 * any. */
static hm_z some_bank(gen *g)
{
	hm_z start = (hm_z)below(g, 16);
	if (pct(g, 80))
		for (hm_z i = 0; i < 16; i++) {
			hm_z id = (start + i) % 16;
			if (hm_map_get_z(g->sh->smmu_vmid, id) != INVALID)
				return id;
		}
	return start;
}

#define BANK_INDEX(id) z_div((id), SMMU_NUM_CTXT_BANKS)
#define BANK_CBNDX(id) z_mod((id), SMMU_NUM_CTXT_BANKS)

/* An iova the bank maps, else a hot one. */
static hm_z mapped_iova(gen *g, hm_z bank)
{
	hm_z gfn;
	if (pick_key(g, bank_spt(g, BANK_INDEX(bank), BANK_CBNDX(bank)), z2_mapped, &gfn))
		return gfn * PAGE_SIZE;
	return any_gfn(g) * PAGE_SIZE;
}

/* ---- MemManager: the handlers call these with the VM (and, for
 * map_pfn_vm and update_smmu_page, the page and the context bank) they
 * have established; the rest comes from the host or the VM ---- */

/* the handlers call the MemManager ops for VMs only */
static bool need_vm(gen *g, hm_z vmid) { return is_vm(vmid) || (g->fallback = true, false); }

static bool a_map_page_host(gen *g)
{
	hm_z pfn = pct(g, 85) ? ram_pfn(g) : device_pfn(g);
	g->s->argv[0] = arg_addr(g, pfn * PAGE_SIZE + (hm_z)below(g, PAGE_SIZE));
	return true;
}

static bool vm_off(const hm_s2page *p, hm_z x)
{
	(void)x;
	return is_vm(p->s2_owner);
}

/* clear_vm_loop_h: a powered-off VM's pages, the range from the host */
static bool a_clear_vm_page(gen *g)
{
	hm_z pfn = -1;
	for (int i = 0; i < 32 && pfn < 0; i++) {
		hm_z p = find_page(g, vm_off, 0);
		if (p >= 0 && state_of(g, s2page_at(g->sh->s2page, p)->s2_owner) == POWEROFF)
			pfn = p;
	}
	if (pfn < 0) {
		g->fallback = true;
		pfn = ram_pfn(g);
	}
	hm_z owner = s2page_at(g->sh->s2page, pfn)->s2_owner;
	g->s->argv[0] = arg_vmid(g, is_vm(owner) ? owner : pick_vm(g, POWEROFF));
	g->s->argv[1] = arg_pfn(g, pfn);
	return !g->fallback;
}

/* prot_and_map_vm_s2pt: the VM; gfn and pfn from the host's answer */
static bool a_assign_pfn_to_vm(gen *g)
{
	hm_z vmid = pick_vm_mem(g);
	hm_z pfn, gfn;
	if (pct(g, 20) && (pfn = find_page(g, owned_by, vmid)) >= 0 &&
	    s2page_at(g->sh->s2page, pfn)->s2_gfn < KVM_GFN_SPACE) {
		gfn = s2page_at(g->sh->s2page, pfn)->s2_gfn; /* the "keep" arm */
	} else {
		pfn = page_where(g, host_free);
		gfn = any_gfn(g);
	}
	g->s->argv[0] = arg_vmid(g, vmid);
	g->s->argv[1] = arg_gfn(g, gfn);
	g->s->argv[2] = arg_pfn(g, pfn);
	return !g->fallback;
}

static bool block_owned(const hm_shared *sh, hm_z pfn, hm_z vmid)
{
	for (hm_z i = 0; i < PTRS_PER_PMD; i++)
		if (s2page_at(sh->s2page, pfn + i)->s2_owner != vmid)
			return false;
	return true;
}

/* prot_and_map_vm_s2pt, after assigning: a page of the VM at its gfn */
static bool a_map_pfn_vm(gen *g)
{
	hm_z pfn = find_page(g, owned_by_vm, 0);
	if (pfn < 0) {
		g->fallback = true;
		pfn = ram_pfn(g);
	}
	const hm_s2page *p = s2page_at(g->sh->s2page, pfn);
	hm_z vmid = is_vm(p->s2_owner) ? p->s2_owner : pick_vm_mem(g);
	hm_z gfn = p->s2_gfn < KVM_GFN_SPACE ? p->s2_gfn : any_gfn(g);
	/* level 2 maps pfn .. pfn + 511 (local_mmap): only for a block the VM
	 * owns whole (as prot_and_map_vm_s2pt_spec_h assigns it first) */
	hm_z level = pct(g, 10) && block_owned(g->sh, pfn, vmid) ? 2 : 3;
	g->s->argv[0] = arg_vmid(g, vmid);
	g->s->argv[1] = arg_addr(g, gfn * PAGE_SIZE);
	g->s->argv[2] = z_lor(arg_pfn(g, pfn) * PAGE_SIZE, PAGE_S2_KERNEL);
	g->s->argv[3] = arg_small(g, level, 4);
	return !g->fallback;
}

/* kvm_phys_addr_ioremap_loop_h: the VM; gpa and pa from the host */
static bool a_map_vm_io(gen *g)
{
	g->s->argv[0] = arg_vmid(g, pick_vm_mem(g));
	g->s->argv[1] = arg_addr(g, any_gfn(g) * PAGE_SIZE);
	g->s->argv[2] = arg_addr(g, device_pfn(g) * PAGE_SIZE + (hm_z)below(g, 8) * 8);
	return !g->fallback;
}

/* grant_stage2_loop / revoke_stage2_loop: the VM; the page its NPT maps
 * at the address it gave */
static bool a_grant_revoke(gen *g)
{
	hm_z pfn = page_where(g, owned_by_vm);
	hm_z owner = s2page_at(g->sh->s2page, pfn)->s2_owner;
	g->s->argv[0] = arg_vmid(g, is_vm(owner) ? owner : pick_vm_mem(g));
	g->s->argv[1] = arg_pfn(g, pfn);
	return need_vm(g, g->s->argv[0]);
}

/* HVC_SMMU_LPAE_MAP: the context bank's VM; gfn and pfn from the host */
static bool a_assign_pfn_to_smmu(gen *g)
{
	hm_z vmid = pick_vm_mem(g);
	hm_z pfn, gfn;
	if (pct(g, 20) && (pfn = find_page(g, owned_by, vmid)) >= 0 &&
	    s2page_at(g->sh->s2page, pfn)->s2_gfn < KVM_GFN_SPACE) {
		gfn = s2page_at(g->sh->s2page, pfn)->s2_gfn;
	} else {
		pfn = page_where(g, host_free);
		gfn = any_gfn(g);
	}
	g->s->argv[0] = arg_vmid(g, vmid);
	g->s->argv[1] = arg_gfn(g, gfn);
	g->s->argv[2] = arg_pfn(g, pfn);
	return !g->fallback;
}

/* HVC_SMMU_LPAE_MAP, after assigning: a bank and its owner; iova and
 * pte from the host */
static bool a_update_smmu_page(gen *g)
{
	hm_z bank = some_bank(g);
	hm_z vmid = hm_map_get_z(g->sh->smmu_vmid, bank);
	if (!is_vmid(vmid)) {
		g->fallback = true;
		vmid = pick_vm(g, -1);
	}
	hm_z pfn = page_of(g, vmid);
	hm_z gfn = s2page_at(g->sh->s2page, pfn)->s2_gfn;
	if (gfn >= KVM_GFN_SPACE)
		gfn = any_gfn(g);
	g->s->argv[0] = arg_vmid(g, vmid);
	g->s->argv[1] = arg_small(g, BANK_CBNDX(bank), SMMU_NUM_CTXT_BANKS);
	g->s->argv[2] = arg_small(g, BANK_INDEX(bank), SMMU_NUM);
	g->s->argv[3] = arg_addr(g, gfn * PAGE_SIZE);
	g->s->argv[4] = z_lor(arg_pfn(g, pfn) * PAGE_SIZE, 0x7ff);
	/* a host bank maps nothing: update_smmu_page wants gfn = s2_gfn, and
	 * the host's pages have s2_gfn = pfn + SMMU_HOST_OFFSET, beyond the
	 * SMMU's addresses */
	return !g->fallback && is_vm(hm_map_get_z(g->sh->smmu_vmid, bank));
}

/* HVC_SMMU_CLEAR: everything from the host */
static bool a_unmap_smmu_page(gen *g)
{
	hm_z bank = some_bank(g);
	g->s->argv[0] = arg_small(g, BANK_CBNDX(bank), SMMU_NUM_CTXT_BANKS);
	g->s->argv[1] = arg_small(g, BANK_INDEX(bank), SMMU_NUM);
	g->s->argv[2] = arg_addr(g, mapped_iova(g, bank));
	return true;
}

/* ---- host_hvc_handler: x0 the hypercall, x1.. its arguments ---- */

static bool hvc(gen *g, hm_z nr)
{
	set_reg(g, R_X0, corrupt(g) ? (hm_z)below(g, 64) : nr);
	return true;
}

static bool a_hvc_register_kvm(gen *g)
{
	hvc(g, HVC_REGISTER_KVM);
	/* local_gen_vmid halts once every vmid is taken */
	return next_vmid(g) < COREVISOR;
}

/* local_register_vcpu: a READY VM and one of its UNUSED vCPUs */
static bool a_hvc_register_vcpu(gen *g)
{
	hvc(g, HVC_REGISTER_VCPU);
	hm_z vmid = pick_vm(g, READY);
	set_reg(g, R_X1, arg_vmid(g, vmid));
	set_reg(g, R_X2, arg_small(g, pick_vcpu(g, vmid, UNUSED), VCPU_PER_VM));
	return !g->fallback;
}

/* local_set_boot_info: a READY VM with a free load slot */
static bool a_hvc_set_boot_info(gen *g)
{
	hvc(g, HVC_SET_BOOT_INFO);
	hm_z vmid = pick_vm(g, READY);
	set_reg(g, R_X1, arg_vmid(g, vmid));
	set_reg(g, R_X2, arg_addr(g, 0x80000 * (hm_z)(1 + below(g, 3))));
	set_reg(g, R_X3, arg_size(g, PAGE_SIZE * (hm_z)(1 + below(g, 3))));
	return !g->fallback &&
	       vminfo_at(g->sh->vminfos, vmid)->VB.vm_next_load_info < MAX_LOAD_INFO_NUM;
}

/* local_remap_vm_image: a READY VM's load slot with pages left to map,
 * and a free host page (verification gives it to the VM) */
static bool a_hvc_remap_vm_image(gen *g)
{
	hm_z vmid = pick_vm(g, READY);
	const hm_boot_info *b = &vminfo_at(g->sh->vminfos, vmid)->VB;
	hm_z n = b->vm_next_load_info;
	hm_z idx = n > 0 ? (hm_z)below(g, (uint64_t)n) : 0;
	hvc(g, HVC_REMAP_VM_IMAGE);
	set_reg(g, R_X1, arg_vmid(g, vmid));
	set_reg(g, R_X2, arg_pfn(g, page_where(g, host_free)));
	set_reg(g, R_X3, arg_small(g, idx, MAX_LOAD_INFO_NUM));
	hm_z pages = z_div(hm_map_get_z(b->vm_load_size, idx) + 4095, PAGE_SIZE);
	return !g->fallback && n > 0 && hm_map_get_z(b->vm_mapped_pages, idx) < pages;
}

static bool a_hvc_verify_vm_image(gen *g)
{
	hvc(g, HVC_VERIFY_VM_IMAGE);
	set_reg(g, R_X1, arg_vmid(g, pick_vm(g, READY)));
	return !g->fallback;
}

/* local_alloc_smmu_pgd: a free context bank, for the host or a VM not
 * yet VERIFIED */
static bool a_hvc_smmu_alloc_pgd(gen *g)
{
	hm_z bank = (hm_z)below(g, 16);
	for (int i = 0; i < 16 && hm_map_get_z(g->sh->smmu_vmid, bank) != INVALID; i++)
		bank = (bank + 1) % 16;
	hm_z vmid = pct(g, 30) ? HOSTVISOR : pick_vm(g, READY);
	hvc(g, HVC_SMMU_ALLOC_PGD);
	set_reg(g, R_X1, arg_small(g, BANK_CBNDX(bank), SMMU_NUM_CTXT_BANKS));
	set_reg(g, R_X2, arg_vmid(g, vmid));
	set_reg(g, R_X3, arg_small(g, BANK_INDEX(bank), SMMU_NUM));
	return !g->fallback && hm_map_get_z(g->sh->smmu_vmid, bank) == INVALID;
}

/* local_free_smmu_pgd: a bank of a powered-off VM */
static bool a_hvc_smmu_free_pgd(gen *g)
{
	hm_z bank = some_bank(g);
	hvc(g, HVC_SMMU_FREE_PGD);
	set_reg(g, R_X1, arg_small(g, BANK_CBNDX(bank), SMMU_NUM_CTXT_BANKS));
	set_reg(g, R_X2, arg_small(g, BANK_INDEX(bank), SMMU_NUM));
	hm_z vmid = hm_map_get_z(g->sh->smmu_vmid, bank);
	return vmid == INVALID || state_of(g, vmid) == POWEROFF;
}

/* local_smmu_assign_page and local_smmu_map_page: a bank of a VM not yet
 * VERIFIED; a page of that VM at its gfn, or a free host page */
static bool a_hvc_smmu_lpae_map(gen *g)
{
	hm_z bank = some_bank(g);
	hm_z vmid = hm_map_get_z(g->sh->smmu_vmid, bank);
	hm_z pfn = is_vm(vmid) ? find_page(g, owned_by, vmid) : -1, gfn;
	if (pfn >= 0 && s2page_at(g->sh->s2page, pfn)->s2_gfn < KVM_GFN_SPACE) {
		gfn = s2page_at(g->sh->s2page, pfn)->s2_gfn;
	} else {
		pfn = page_where(g, host_free);
		gfn = any_gfn(g);
	}
	hvc(g, HVC_SMMU_LPAE_MAP);
	set_reg(g, R_X1, arg_addr(g, gfn * PAGE_SIZE));
	set_reg(g, R_X2, arg_pfn(g, pfn) * PAGE_SIZE);
	set_reg(g, R_X3, corrupt(g) ? PAGE_S2_KERNEL * 0x1000 : (hm_z)below(g, 4) * 0x40);
	set_reg(g, R_X4, arg_small(g, BANK_CBNDX(bank), SMMU_NUM_CTXT_BANKS));
	set_reg(g, R_X5, arg_small(g, BANK_INDEX(bank), SMMU_NUM));
	return !g->fallback && is_vm(vmid) && state_of(g, vmid) != VERIFIED;
}

static bool a_hvc_smmu_iova(gen *g, hm_z nr)
{
	hm_z bank = some_bank(g);
	hvc(g, nr);
	set_reg(g, R_X1, arg_addr(g, mapped_iova(g, bank) + (hm_z)below(g, 8) * 8));
	set_reg(g, R_X2, arg_small(g, BANK_CBNDX(bank), SMMU_NUM_CTXT_BANKS));
	set_reg(g, R_X3, arg_small(g, BANK_INDEX(bank), SMMU_NUM));
	return true;
}

static bool a_hvc_smmu_iova_to_phys(gen *g) { return a_hvc_smmu_iova(g, HVC_SMMU_LPAE_IOVA_TO_PHYS); }
static bool a_hvc_smmu_clear(gen *g) { return a_hvc_smmu_iova(g, HVC_SMMU_CLEAR); }

static bool a_hvc_phys_addr_ioremap(gen *g)
{
	hvc(g, HVC_PHYS_ADDR_IOREMAP);
	set_reg(g, R_X1, arg_vmid(g, pick_vm(g, -1)));
	set_reg(g, R_X2, arg_addr(g, any_gfn(g) * PAGE_SIZE));
	set_reg(g, R_X3, arg_addr(g, device_pfn(g) * PAGE_SIZE));
	set_reg(g, R_X4, arg_size(g, PAGE_SIZE * (hm_z)(1 + below(g, 3))));
	return !g->fallback;
}

/* a powered-off VM's pages are scrubbed; for other VMs it does nothing */
static bool a_hvc_clear_vm_s2_range(gen *g)
{
	hm_z vmid = pick_vm(g, pct(g, 80) ? POWEROFF : -1);
	g->fallback = false;
	hm_z pfn = page_of(g, vmid);
	hvc(g, HVC_CLEAR_VM_S2_RANGE);
	set_reg(g, R_X1, arg_vmid(g, vmid));
	set_reg(g, R_X2, arg_addr(g, pfn * PAGE_SIZE));
	set_reg(g, R_X3, arg_size(g, pct(g, 10) ? PMD_SIZE : PAGE_SIZE * (hm_z)(1 + below(g, 4))));
	return true;
}

static bool a_hvc_encrypt_buf(gen *g)
{
	hvc(g, HVC_ENCRYPT_BUF);
	set_reg(g, R_X1, arg_vmid(g, pick_vm(g, -1)));
	set_reg(g, R_X2, arg_addr(g, page_where(g, owned_by_vm) * PAGE_SIZE));
	set_reg(g, R_X3, arg_addr(g, page_where(g, host_page) * PAGE_SIZE));
	return !g->fallback;
}

static bool a_hvc_decrypt_buf(gen *g)
{
	hvc(g, HVC_DECRYPT_BUF);
	set_reg(g, R_X1, arg_vmid(g, pick_vm(g, -1)));
	set_reg(g, R_X2, arg_addr(g, page_where(g, host_page) * PAGE_SIZE));
	return !g->fallback;
}

static bool a_hvc_crypt_vcpu(gen *g, hm_z nr)
{
	hvc(g, nr);
	hm_z vmid = pick_vm(g, -1);
	set_reg(g, R_X1, arg_vmid(g, vmid));
	set_reg(g, R_X2, arg_small(g, pick_vcpu(g, vmid, READY), VCPU_PER_VM));
	return !g->fallback;
}

static bool a_hvc_save_crypt_vcpu(gen *g) { return a_hvc_crypt_vcpu(g, HVC_SAVE_CRYPT_VCPU); }
static bool a_hvc_load_crypt_vcpu(gen *g) { return a_hvc_crypt_vcpu(g, HVC_LOAD_CRYPT_VCPU); }
static bool a_hvc_timer(gen *g) { return hvc(g, HVC_TIMER_SET_CNTVOFF); }

/* x0 no hypercall names: the chain's last arm */
static bool a_hvc_none(gen *g)
{
	set_reg(g, R_X0, pct(g, 50) ? (hm_z)below(g, 11) : 30 + (hm_z)below(g, 100));
	return true;
}

/* ---- host_npt_handler: a host stage-2 fault at hpfar/far ---- */

static bool a_host_npt(gen *g)
{
	hm_z pfn = pct(g, 70) ? ram_pfn(g)
		   : pct(g, 50) ? device_pfn(g)
				: 0x2b400 + (hm_z)below(g, 16); /* the SMMU's registers */
	hm_z esr = z_lor(z_lor(ESR_ELx_EC_DABT_LOW << 26, (hm_z)below(g, 31) << ESR_ELx_SRT_SHIFT),
			 z_lor(pct(g, 50) ? ESR_ELx_WNR : 0, (hm_z)below(g, 4) << ESR_ELx_SAS_SHIFT));
	hm_z hpfar = pfn << 4;
	if (corrupt(g))
		hpfar = pct(g, 50) ? z_lor(hpfar, (hm_z)1 << 40) : (hm_z)0xffff0;
	set_reg(g, R_HPFAR, hpfar);
	set_reg(g, R_FAR, (hm_z)below(g, PAGE_SIZE));
	set_reg(g, R_ESR, esr);
	return true;
}

/* ---- host_vcpu_run_handler: x0 the VM; core_doracle the vCPU, then the
 * address, pte and level of the page the run maps for it ---- */

/* local_set_vcpu_active: a VERIFIED VM and one of its READY vCPUs */
static bool a_vcpu_run(gen *g)
{
	hm_z vmid = pick_vm(g, VERIFIED);
	hm_z vcpu = pick_vcpu(g, vmid, READY);
	hm_z arg = arg_vmid(g, vmid);
	set_reg(g, R_X0, arg);
	hm_fuzz_step *s = g->s;
	s->core_vmid = arg;
	s->ncore = 4;
	s->core[0] = arg_small(g, vcpu, VCPU_PER_VM);
	if (pct(g, 40)) {
		s->core[1] = 0; /* no page to map */
		s->core[2] = s->core[3] = 0;
		return !g->fallback;
	}
	bool fb = g->fallback;
	hm_z pfn = pct(g, 80) ? page_where(g, host_free) : page_of(g, vmid);
	g->fallback = fb; /* the host may offer any page: assign_pfn_to_vm decides */
	s->core[1] = arg_addr(g, any_gfn(g) * PAGE_SIZE);
	s->core[2] = z_lor(arg_pfn(g, pfn) * PAGE_SIZE, PAGE_S2_KERNEL);
	s->core[3] = arg_small(g, pct(g, 90) ? 3 : 2, 4);
	return !g->fallback;
}

/* ---- vm_exit_handler: why the VM exited, in its registers ---- */

static bool a_vm_exit(gen *g)
{
	hm_z vmid = g->v->cur_vmid;
	hm_z ec = ARM_EXCEPTION_TRAP, esr_ec = ESR_ELx_EC_HVC64;
	uint64_t kind = below(g, 100);
	if (kind < 55) {
		/* grant (30) or revoke (25) a range the VM maps */
		set_reg(g, R_X0, kind < 30 ? HVC_KVM_SET_DESC_PFN : HVC_KVM_UNSET_DESC_PFN);
		set_reg(g, R_X2, arg_addr(g, mapped_gfn(g, vmid) * PAGE_SIZE));
		set_reg(g, R_X3, arg_size(g, PAGE_SIZE * (hm_z)(1 + below(g, 2))));
	} else if (kind < 60) {
		set_reg(g, R_X0, PSCI_0_2_FN_SYSTEM_OFF);
	} else if (kind < 70) {
		set_reg(g, R_X0, (hm_z)below(g, 11)); /* an HVC the core does not handle */
	} else if (kind < 80) {
		esr_ec = pct(g, 70) ? ESR_ELx_EC_DABT_LOW : ESR_ELx_EC_IABT_LOW;
		set_reg(g, R_HPFAR, (pct(g, 50) ? mapped_gfn(g, vmid) : 0x9000) << 4);
	} else if (kind < 85) {
		esr_ec = ESR_ELx_EC_WFx;
	} else if (kind < 90) {
		esr_ec = ESR_ELx_EC_SYS64;
	} else {
		ec = ARM_EXCEPTION_INTERRUPT;
	}
	if (corrupt(g)) {
		if (pct(g, 50))
			ec = (hm_z)below(g, 64);
		else
			esr_ec = (hm_z)below(g, 64);
	}
	set_reg(g, R_EC, ec);
	set_reg(g, R_ESR, esr_ec << 26);
	return true;
}

/* ---- guest and host memory accesses ---- */

static bool a_mem_access(gen *g)
{
	hm_z vmid = g->v->cur_vmid;
	g->s->argv[0] = arg_gfn(g, mapped_gfn(g, vmid));
	g->s->argv[1] = arg_small(g, (hm_z)below(g, 30), X30);
	return true;
}

static bool a_dev_access(gen *g)
{
	hm_z bank = bank_of(g, g->v->cur_vmid);
	if (bank < 0) {
		g->fallback = true;
		bank = (hm_z)below(g, 16);
	}
	hm_z gfn;
	if (!pick_key(g, bank_spt(g, BANK_INDEX(bank), BANK_CBNDX(bank)), z2_mapped, &gfn)) {
		g->fallback = true;
		gfn = any_gfn(g);
	}
	g->s->argv[0] = arg_gfn(g, gfn);
	g->s->argv[1] = arg_small(g, (hm_z)below(g, 30), X30);
	g->s->argv[2] = arg_small(g, BANK_CBNDX(bank), SMMU_NUM_CTXT_BANKS);
	g->s->argv[3] = arg_small(g, BANK_INDEX(bank), SMMU_NUM);
	return true;
}

/* ---- any other op: arguments by their Coq names ---- */

static bool a_generic(gen *g)
{
	const hm_op_def *def = g->def;
	g->fallback = true; /* no notion of validity */
	for (unsigned i = 0; i < def->nargs; i++) {
		const char *n = def->args[i];
		hm_z v;
		if (strcmp(n, "vmid") == 0)
			v = arg_vmid(g, pct(g, 10) ? HOSTVISOR : pick_vm(g, -1));
		else if (strcmp(n, "pfn") == 0)
			v = arg_pfn(g, ram_pfn(g));
		else if (strcmp(n, "gfn") == 0)
			v = arg_gfn(g, any_gfn(g));
		else if (strcmp(n, "pte") == 0)
			v = z_lor(arg_pfn(g, ram_pfn(g)) * PAGE_SIZE, PAGE_S2_KERNEL);
		else if (strcmp(n, "level") == 0)
			v = arg_small(g, pct(g, 80) ? 3 : 2, 4);
		else if (strcmp(n, "cbndx") == 0)
			v = arg_small(g, (hm_z)below(g, 8), SMMU_NUM_CTXT_BANKS);
		else if (strcmp(n, "index") == 0)
			v = arg_small(g, (hm_z)below(g, 2), SMMU_NUM);
		else if (strcmp(n, "vcpuid") == 0)
			v = arg_small(g, (hm_z)below(g, 2), VCPU_PER_VM);
		else if (strcmp(n, "reg") == 0)
			v = arg_small(g, (hm_z)below(g, 30), X30);
		else if (strcmp(n, "n") == 0 || strcmp(n, "num") == 0)
			v = arg_small(g, 1 + (hm_z)below(g, 8), 512);
		else if (strcmp(n, "load_idx") == 0)
			v = arg_small(g, (hm_z)below(g, 2), MAX_LOAD_INFO_NUM);
		else if (strcmp(n, "logn") == 0)
			v = arg_small(g, (hm_z)below(g, 4), 1 << 20);
		else if (strcmp(n, "size") == 0)
			v = arg_size(g, PAGE_SIZE * (hm_z)(1 + below(g, 3)));
		else if (strcmp(n, "gpa") == 0)
			v = arg_addr(g, any_gfn(g) * PAGE_SIZE);
		else if (strcmp(n, "pa") == 0)
			v = arg_addr(g, device_pfn(g) * PAGE_SIZE);
		else /* addresses: addr, iova, inbuf, outbuf, load_addr, start ... */
			v = arg_addr(g, ram_pfn(g) * PAGE_SIZE);
		g->s->argv[i] = v;
	}
	return true;
}

/* ---- the table ---- */

static const action actions[] = {
	{"map_page_host", "map_page_host", CTX_ANY, 10, a_map_page_host, 0x1, true},
	{"clear_vm_page", "clear_vm_page", CTX_ANY, 4, a_clear_vm_page, 0x2, true},
	{"assign_pfn_to_vm", "assign_pfn_to_vm", CTX_ANY, 10, a_assign_pfn_to_vm, 0x6, true},
	{"map_pfn_vm", "map_pfn_vm", CTX_ANY, 8, a_map_pfn_vm, 0x0, true},
	{"map_vm_io", "map_vm_io", CTX_ANY, 4, a_map_vm_io, 0x6, true},
	{"grant_vm_page", "grant_vm_page", CTX_ANY, 6, a_grant_revoke, 0x2, true},
	{"revoke_vm_page", "revoke_vm_page", CTX_ANY, 6, a_grant_revoke, 0x2, true},
	{"assign_pfn_to_smmu", "assign_pfn_to_smmu", CTX_ANY, 5, a_assign_pfn_to_smmu, 0x6, true},
	{"update_smmu_page", "update_smmu_page", CTX_ANY, 5, a_update_smmu_page, 0x18, true},
	{"unmap_smmu_page", "unmap_smmu_page", CTX_ANY, 4, a_unmap_smmu_page, 0x7, true},
	{"host_hvc_handler/REGISTER_KVM", "host_hvc_handler", CTX_HOST, 4, a_hvc_register_kvm, ALL, false},
	{"host_hvc_handler/REGISTER_VCPU", "host_hvc_handler", CTX_HOST, 5, a_hvc_register_vcpu, ALL, false},
	{"host_hvc_handler/SET_BOOT_INFO", "host_hvc_handler", CTX_HOST, 4, a_hvc_set_boot_info, ALL, false},
	{"host_hvc_handler/REMAP_VM_IMAGE", "host_hvc_handler", CTX_HOST, 5, a_hvc_remap_vm_image, ALL, false},
	{"host_hvc_handler/VERIFY_VM_IMAGE", "host_hvc_handler", CTX_HOST, 4, a_hvc_verify_vm_image, ALL, false},
	{"host_hvc_handler/SMMU_ALLOC_PGD", "host_hvc_handler", CTX_HOST, 3, a_hvc_smmu_alloc_pgd, ALL, false},
	{"host_hvc_handler/SMMU_FREE_PGD", "host_hvc_handler", CTX_HOST, 1, a_hvc_smmu_free_pgd, ALL, false},
	{"host_hvc_handler/SMMU_LPAE_MAP", "host_hvc_handler", CTX_HOST, 4, a_hvc_smmu_lpae_map, ALL, false},
	{"host_hvc_handler/SMMU_LPAE_IOVA_TO_PHYS", "host_hvc_handler", CTX_HOST, 1,
	 a_hvc_smmu_iova_to_phys, ALL, false},
	{"host_hvc_handler/SMMU_CLEAR", "host_hvc_handler", CTX_HOST, 2, a_hvc_smmu_clear, ALL, false},
	{"host_hvc_handler/PHYS_ADDR_IOREMAP", "host_hvc_handler", CTX_HOST, 2,
	 a_hvc_phys_addr_ioremap, ALL, false},
	{"host_hvc_handler/CLEAR_VM_S2_RANGE", "host_hvc_handler", CTX_HOST, 2,
	 a_hvc_clear_vm_s2_range, ALL, false},
	{"host_hvc_handler/ENCRYPT_BUF", "host_hvc_handler", CTX_HOST, 1, a_hvc_encrypt_buf, ALL, false},
	{"host_hvc_handler/DECRYPT_BUF", "host_hvc_handler", CTX_HOST, 1, a_hvc_decrypt_buf, ALL, false},
	{"host_hvc_handler/SAVE_CRYPT_VCPU", "host_hvc_handler", CTX_HOST, 1, a_hvc_save_crypt_vcpu, ALL, false},
	{"host_hvc_handler/LOAD_CRYPT_VCPU", "host_hvc_handler", CTX_HOST, 1, a_hvc_load_crypt_vcpu, ALL, false},
	{"host_hvc_handler/TIMER_SET_CNTVOFF", "host_hvc_handler", CTX_HOST, 1, a_hvc_timer, ALL, false},
	{"host_hvc_handler/none", "host_hvc_handler", CTX_HOST, 1, a_hvc_none, ALL, false},
	{"host_npt_handler", "host_npt_handler", CTX_HOST, 8, a_host_npt, ALL, false},
	{"host_vcpu_run_handler", "host_vcpu_run_handler", CTX_HOST, 8, a_vcpu_run, ALL, false},
	{"vm_exit_handler", "vm_exit_handler", CTX_VM, 20, a_vm_exit, ALL, false},
	{"mem_load", "mem_load", CTX_ANY, 3, a_mem_access, ALL, false},
	{"mem_store", "mem_store", CTX_ANY, 3, a_mem_access, ALL, false},
	{"dev_load", "dev_load", CTX_ANY, 2, a_dev_access, ALL, false},
	{"dev_store", "dev_store", CTX_ANY, 2, a_dev_access, ALL, false},
};

#define N_ACTIONS G_N_ELEMENTS(actions)

static const char *const default_ops[] = {
	"map_page_host",      "clear_vm_page",    "assign_pfn_to_vm",     "map_pfn_vm",
	"map_vm_io",          "grant_vm_page",    "revoke_vm_page",       "assign_pfn_to_smmu",
	"update_smmu_page",   "unmap_smmu_page",  "host_hvc_handler",     "host_npt_handler",
	"host_vcpu_run_handler", "vm_exit_handler", "mem_load",           "mem_store",
	"dev_load",           "dev_store",        NULL};

const char *const *hm_fuzz_default_ops(void) { return default_ops; }

/* An enabled action: a row of the table, or the generic action for an op
 * (action numbers N_ACTIONS + op index). */
typedef struct enabled {
	uint16_t action;
	uint32_t op;
	int ctx;
	unsigned weight;
} enabled;

struct hm_fuzz_gen {
	GArray *en; /* enabled */
};

const char *hm_fuzz_action_name(uint16_t a)
{
	if (a < N_ACTIONS)
		return actions[a].name;
	const hm_op_def *d = hm_op_at(a - N_ACTIONS);
	return d ? d->name : "?";
}

size_t hm_fuzz_action_count(void) { return N_ACTIONS + hm_op_total(); }


static gpointer init_regs(gpointer unused)
{
	(void)unused;
	for (int r = 0; r < R_COUNT; r++)
		for (unsigned i = 0; i < hm_t_ctxt_regs.nfields; i++)
			if (strcmp(hm_t_ctxt_regs.fields[i].name, reg_names[r]) == 0)
				reg_field[r] = (uint8_t)i;
	return NULL;
}

static bool usable(int action_ctx, int ctx) { return action_ctx == CTX_ANY || action_ctx == ctx; }

hm_fuzz_gen *hm_fuzz_gen_new(const bool *allowed)
{
	static GOnce once = G_ONCE_INIT;
	g_once(&once, init_regs, NULL);
	hm_fuzz_gen *g = g_new0(hm_fuzz_gen, 1);
	g->en = g_array_new(FALSE, FALSE, sizeof(enabled));
	size_t nops = hm_op_total();
	bool *covered = g_new0(bool, nops);
	for (size_t a = 0; a < N_ACTIONS; a++) {
		int op = hm_op_index(actions[a].op);
		if (op < 0 || !allowed[op])
			continue;
		covered[op] = true;
		enabled e = {(uint16_t)a, (uint32_t)op, actions[a].ctx, actions[a].weight};
		g_array_append_val(g->en, e);
	}
	for (size_t op = 0; op < nops; op++)
		if (allowed[op] && !covered[op]) {
			enabled e = {(uint16_t)(N_ACTIONS + op), (uint32_t)op, CTX_ANY, 4};
			g_array_append_val(g->en, e);
		}
	g_free(covered);
	if (!g->en->len) {
		hm_fuzz_gen_free(g);
		return NULL;
	}
	return g;
}

void hm_fuzz_gen_free(hm_fuzz_gen *g)
{
	if (!g)
		return;
	g_array_free(g->en, TRUE);
	g_free(g);
}

static bool in_layers(const enabled *e, unsigned layers)
{
	bool internal = e->action < N_ACTIONS && actions[e->action].internal;
	return layers & (internal ? HM_FUZZ_LAYER_MEM : HM_FUZZ_LAYER_TRAP);
}

unsigned hm_fuzz_gen_layers(const hm_fuzz_gen *g)
{
	unsigned l = 0;
	for (guint i = 0; i < g->en->len; i++)
		l |= in_layers(&g_array_index(g->en, enabled, i), HM_FUZZ_LAYER_MEM) ? HM_FUZZ_LAYER_MEM
										: HM_FUZZ_LAYER_TRAP;
	return l;
}

/* A weighted choice among the actions of `layers` usable in ctx; when
 * none is, among all of those layers (*wrong set: the handler does not
 * fit the CPU's context). */
static const enabled *choose(hm_fuzz_gen *g, hm_rng *rng, int ctx, unsigned layers, bool *wrong)
{
	unsigned fit = 0, all = 0;
	for (guint i = 0; i < g->en->len; i++) {
		const enabled *e = &g_array_index(g->en, enabled, i);
		if (!in_layers(e, layers))
			continue;
		all += e->weight;
		if (usable(e->ctx, ctx))
			fit += e->weight;
	}
	bool any = fit == 0;
	*wrong = any;
	if (!all)
		return NULL;
	unsigned k = (unsigned)hm_rng_below(rng, any ? all : fit);
	for (guint i = 0; i < g->en->len; i++) {
		const enabled *e = &g_array_index(g->en, enabled, i);
		if (!in_layers(e, layers) || (!any && !usable(e->ctx, ctx)))
			continue;
		if (k < e->weight)
			return e;
		k -= e->weight;
	}
	return NULL;
}

/* The value the step sets register r to, or dflt. */
static hm_z step_reg(const hm_fuzz_step *s, int r, hm_z dflt)
{
	for (unsigned i = 0; i < s->nregs; i++)
		if (s->reg[i] == reg_field[r])
			return s->regv[i];
	return dflt;
}

/* Sizes the handlers loop over page by page (HVC_CLEAR_VM_S2_RANGE,
 * HVC_PHYS_ADDR_IOREMAP, a guest's grant or revoke) stay below 64 MiB:
 * the arguments checks let sizes up to 2^40 through, and a loop over 2^28
 * pages would take the fuzzer's time and memory, not test anything more. */
#define MAX_LOOP_SIZE ((hm_z)1 << 26)

static bool loop_bounded(const hm_rdata *pre, const hm_fuzz_step *s)
{
	const char *op = hm_op_at(s->op)->name;
	hm_z x0 = step_reg(s, R_X0, pre->regs->ctxt_regs.x0);
	hm_z size = 0;
	if (strcmp(op, "host_hvc_handler") == 0 && x0 == HVC_CLEAR_VM_S2_RANGE)
		size = step_reg(s, R_X3, pre->regs->ctxt_regs.x3);
	else if (strcmp(op, "host_hvc_handler") == 0 && x0 == HVC_PHYS_ADDR_IOREMAP)
		size = step_reg(s, R_X4, pre->regs->ctxt_regs.x4);
	else if (strcmp(op, "vm_exit_handler") == 0)
		size = step_reg(s, R_X3, pre->regs->ctxt_regs.x3);
	return size < MAX_LOOP_SIZE;
}

/* A random set bit of mask among the first 6 (the slot to corrupt). */
static int pick_slot(hm_rng *rng, unsigned mask)
{
	int bits[6], n = 0;
	for (int b = 0; b < 6; b++)
		if (mask & (1u << b))
			bits[n++] = b;
	return n ? bits[hm_rng_below(rng, (uint64_t)n)] : -1;
}

bool hm_fuzz_gen_step(hm_fuzz_gen *gn, hm_rng *rng, const hm_model *m, int hostile_pct,
		      bool hostile_internal, unsigned layers, hm_fuzz_step *s)
{
	/* a CPU that has not halted, if any */
	int live[8], nlive = 0;
	for (int c = 0; c < m->ncpus; c++)
		if (!m->views[c]->halt)
			live[nlive++] = c;
	int cpu = nlive ? live[hm_rng_below(rng, (uint64_t)nlive)]
			: (int)hm_rng_below(rng, (uint64_t)m->ncpus);
	bool hostile = hm_rng_pct(rng, hostile_pct);
	const hm_rdata *v = m->views[cpu];
	int ctx = v->icore ? CTX_ANY : v->ihost ? CTX_HOST : CTX_VM;
	bool wrong_ctx = false;
	if (hostile && ctx != CTX_ANY && hm_rng_pct(rng, 20)) {
		/* a handler of the other side */
		ctx = ctx == CTX_HOST ? CTX_VM : CTX_HOST;
		wrong_ctx = true;
	}
	/* an internal op whose preconditions this state cannot meet: another */
	for (int attempt = 0;; attempt++) {
		memset(s, 0, sizeof *s);
		s->cpu = cpu;
		gen g = {.rng = rng, .v = v, .sh = v->shared, .s = s, .bad = -1};
		g.hostile = hostile;
		bool no_fit;
		const enabled *e = choose(gn, rng, ctx, layers, &no_fit);
		if (!e)
			return false;
		bool wrong = wrong_ctx || no_fit;
		s->op = e->op;
		s->action = e->action;
		unsigned untrusted = e->action < N_ACTIONS && !hostile_internal
					     ? actions[e->action].untrusted
					     : ALL;
		if (hostile && !wrong)
			g.bad = pick_slot(rng, untrusted);
		bool ok;
		if (e->action < N_ACTIONS) {
			ok = actions[e->action].fn(&g);
		} else {
			g.def = hm_op_at(e->op);
			ok = a_generic(&g);
		}
		/* a corrupted slot beyond the action's arguments leaves it valid */
		bool corrupted = g.bad >= 0 && g.bad < g.slot;
		s->hostile = wrong || corrupted || g.fallback;
		bool internal = e->action < N_ACTIONS && actions[e->action].internal;
		/* an internal op runs only with what its callers establish; an
		 * entry point takes anything when the step is hostile */
		if (!hm_fuzz_step_precondition(v, s, !hostile_internal))
			ok = hostile = false;
		if (internal && !hostile_internal ? ok && !g.fallback : ok || hostile)
			return true;
		if (attempt == 64)
			return false;
	}
}

bool hm_fuzz_step_precondition(const hm_rdata *pre, const hm_fuzz_step *s, bool callers)
{
	if (!loop_bounded(pre, s))
		return false;
	if (!callers || s->action >= N_ACTIONS || !actions[s->action].internal)
		return true;
	const hm_shared *sh = pre->shared;
	const hm_z *a = s->argv;
	const char *op = actions[s->action].op;
	hm_z vmid = a[0];
	bool registered = is_vm(vmid); /* see pick_vm_mem */
	if (strcmp(op, "map_page_host") == 0 || strcmp(op, "unmap_smmu_page") == 0)
		return true;
	if (strcmp(op, "clear_vm_page") == 0)
		return registered && vminfo_at(sh->vminfos, vmid)->VS.vm_state == POWEROFF;
	if (strcmp(op, "map_pfn_vm") == 0) {
		hm_z pfn = z_div(phys_page(a[2]), PAGE_SIZE);
		const hm_s2page *p = s2page_at(sh->s2page, pfn);
		return registered && p->s2_owner == vmid && p->s2_gfn == z_div(a[1], PAGE_SIZE) &&
		       (a[3] == 3 || (a[3] == 2 && block_owned(sh, pfn, vmid)));
	}
	if (strcmp(op, "update_smmu_page") == 0)
		return registered && hm_map_get_z(sh->smmu_vmid, smmu_id(a[2], a[1])) == vmid;
	return registered;
}
