/* libFuzzer harness: op sequences decoded from bytes, run on a small
 * model (16 MiB of RAM, one SMMU, 1 or 2 CPUs: the fuzz command's
 * machine), the low level run against the high level for the MemManager
 * ops, shared_inv checked after each step.
 *
 * Decoding: byte 0 picks the CPU count; then each step is a CPU byte, an
 * op byte (among the fuzz command's default ops) and its values. A value
 * byte below 0xf0 picks from a table of values that mean something to the
 * specs (pfns of RAM and of devices, page addresses, ptes, levels, vmids,
 * hypercall numbers, exception classes, boundaries); from 0xf0 on, the
 * next 8 bytes are the value. A handler (no arguments) takes register
 * assignments (count, then register and value), a vCPU run its core
 * data-oracle answers too.
 *
 * What must hold on any input: no crash, no undefined behaviour, no leak,
 * no hang (sizes the handlers loop over are bounded as in the fuzz
 * command), and the incremental shared_inv monitor agreeing with the full
 * check. Invariant violations and undocumented level disagreements are
 * results the specs allow on such inputs (see docs/fuzzing.md); set
 * HM_FUZZ_ABORT=invariants and/or levels to make them crash, so that
 * libFuzzer minimises them. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_internal.h"
#include "security_invs_monitor.h"

#define MAX_STEPS 64

typedef struct reader {
	const uint8_t *p;
	size_t n;
} reader;

static uint8_t byte(reader *r)
{
	if (!r->n)
		return 0;
	r->n--;
	return *r->p++;
}

static const hm_z table[] = {
	0, 1, 2, 3, 4, 7, 8, 15, 16, 17, 29, 30, 31, 511, 512,
	/* pfns: RAM, its 2 MiB blocks, its end, devices, the SMMU */
	0x40000, 0x40001, 0x40010, 0x401ff, 0x40200, 0x40201, 0x403ff, 0x40fff, 0x41000, 0x9000,
	0x2b400,
	/* addresses and ptes */
	0x40000000, 0x40001000, 0x40010000, 0x40200000, 0x40fff000, 0x9000000, 0x2b400000,
	0x40001fff, 0x400107ff, 0x80000, 0x80000000, 0x1000, 0x2000, 0x200000,
	/* gfns */
	0x80001, 0x9002,
	/* hypercalls, PSCI, exception classes (esr_el2 = ec << 26), hpfar */
	HVC_KVM_SET_DESC_PFN, HVC_KVM_UNSET_DESC_PFN, HVC_TIMER_SET_CNTVOFF, HVC_CLEAR_VM_S2_RANGE,
	HVC_SET_BOOT_INFO, HVC_REMAP_VM_IMAGE, HVC_VERIFY_VM_IMAGE, HVC_SMMU_FREE_PGD,
	HVC_SMMU_ALLOC_PGD, HVC_SMMU_LPAE_MAP, HVC_SMMU_LPAE_IOVA_TO_PHYS, HVC_SMMU_CLEAR,
	HVC_PHYS_ADDR_IOREMAP, HVC_REGISTER_KVM, HVC_REGISTER_VCPU, HVC_ENCRYPT_BUF,
	HVC_DECRYPT_BUF, HVC_SAVE_CRYPT_VCPU, HVC_LOAD_CRYPT_VCPU, PSCI_0_2_FN_SYSTEM_OFF,
	ARM_EXCEPTION_TRAP, ARM_EXCEPTION_INTERRUPT, ESR_ELx_EC_HVC64 << 26,
	ESR_ELx_EC_DABT_LOW << 26, ESR_ELx_EC_IABT_LOW << 26, ESR_ELx_EC_WFx << 26,
	ESR_ELx_EC_SYS64 << 26, 0x400000, 0x400010,
	/* boundaries */
	INVALID, INVALID64, -1, KVM_PHYS_SIZE, KVM_PHYS_SIZE - 1, KVM_PFN_SPACE, KVM_GFN_SPACE,
	KVM_ADDR_SPACE, COREVISOR, MAX_VM_NUM, PAGE_S2_KERNEL, PAGE_GUEST,
};

static hm_z value(reader *r)
{
	uint8_t b = byte(r);
	if (b < 0xf0)
		return table[b % G_N_ELEMENTS(table)];
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | byte(r);
	return (hm_z)(int64_t)v;
}

/* The registers a handler reads: x0..x5, ec, esr_el2, far_el2, hpfar_el2. */
static const char *const reg_names[] = {"x0", "x1", "x2", "x3", "x4",
					"x5", "ec", "esr_el2", "far_el2", "hpfar_el2"};
static uint8_t reg_field[G_N_ELEMENTS(reg_names)];

typedef struct world {
	hm_fuzz *f;
	hm_inv_monitor *mon[8];
	uint32_t ops[32];
	size_t nops;
	bool abort_invariants, abort_levels;
} world;

static world *setup(void)
{
	static world w;
	if (w.f)
		return &w;
	hm_fuzz_opts o = {.seed = 0, .steps = 1, .cpus = 2, .hostile_pct = -1};
	w.f = hm_fuzz_new(&o, NULL);
	for (const char *const *p = hm_fuzz_default_ops(); *p; p++)
		w.ops[w.nops++] = (uint32_t)hm_op_index(*p);
	for (size_t r = 0; r < G_N_ELEMENTS(reg_names); r++)
		for (unsigned i = 0; i < hm_t_ctxt_regs.nfields; i++)
			if (strcmp(hm_t_ctxt_regs.fields[i].name, reg_names[r]) == 0)
				reg_field[r] = (uint8_t)i;
	for (int c = 0; c < 8; c++)
		w.mon[c] = hm_inv_monitor_new();
	const char *a = getenv("HM_FUZZ_ABORT");
	w.abort_invariants = a && strstr(a, "invariants");
	w.abort_levels = a && strstr(a, "levels");
	return &w;
}

static void decode_step(world *w, reader *r, int cpus, hm_fuzz_step *s)
{
	memset(s, 0, sizeof *s);
	s->cpu = byte(r) % cpus;
	s->op = w->ops[byte(r) % w->nops];
	s->action = (uint16_t)hm_fuzz_action_count(); /* no generator action */
	const hm_op_def *def = hm_op_at(s->op);
	for (unsigned i = 0; i < def->nargs; i++)
		s->argv[i] = value(r);
	if (def->nargs)
		return;
	s->nregs = byte(r) % (HM_FUZZ_MAX_REGS + 1);
	for (unsigned i = 0; i < s->nregs; i++) {
		s->reg[i] = reg_field[byte(r) % G_N_ELEMENTS(reg_names)];
		s->regv[i] = value(r);
	}
	if (strcmp(def->name, "host_vcpu_run_handler") == 0) {
		s->ncore = byte(r) % (HM_FUZZ_MAX_CORE + 1);
		s->core_vmid = value(r);
		for (unsigned i = 0; i < s->ncore; i++)
			s->core[i] = value(r);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	world *w = setup();
	reader r = {data, size};
	int cpus = 1 + (byte(&r) & 1);
	hm_fuzz_checks checks = {.levels = true};
	hm_model *m = hm_fuzz_model_new(w->f, cpus);
	hm_fuzz_exec x;
	hm_fuzz_exec_init(&x, &checks, m, w->mon);
	for (int c = 0; c < 8; c++)
		hm_inv_monitor_reset(w->mon[c]);
	for (int i = 0; i < MAX_STEPS && r.n; i++) {
		hm_fuzz_step s;
		decode_step(w, &r, cpus, &s);
		if (!hm_fuzz_step_precondition(hm_model_view(m, s.cpu), &s, false))
			continue; /* a loop over 2^28 pages: a hang, not a test */
		hm_fuzz_outcome o;
		hm_fuzz_failure fail = {0};
		bool ok = hm_fuzz_exec_step(&x, &s, &o, &fail);
		if (!ok && fail.kind == HM_FUZZ_DISAGREE && w->abort_levels) {
			fprintf(stderr, "levels disagree on %s:\n%s", fail.op, fail.detail);
			abort();
		}
		hm_fuzz_failure_clear(&fail);
		hm_pool *pool = hm_pool_push();
		const hm_shared *sdt = hm_fuzz_current_shared(m, s.cpu);
		hm_inv_violation vi = {0}, vf = {0};
		bool inc = hm_inv_monitor_check(w->mon[s.cpu], sdt, &vi);
		bool full = hm_shared_inv(sdt, &vf);
		hm_pool_pop(pool);
		if (inc != full) {
			fprintf(stderr, "incremental monitor %s, full check %s (%s: %s)\n",
				inc ? "holds" : "fails", full ? "holds" : "fails", inc ? vf.inv : vi.inv,
				inc ? vf.detail : vi.detail);
			abort();
		}
		if (!full && w->abort_invariants) {
			fprintf(stderr, "invariant %s: %s\n", vf.inv, vf.detail);
			abort();
		}
	}
	hm_fuzz_model_done(w->f, m);
	return 0;
}
