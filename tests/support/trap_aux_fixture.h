/* Fixtures for the tests of the AbstractMachine register helpers and the
 * TrapHandler AuxSpec: a data oracle whose answers a test can compute by
 * hand, a single oracle that reports one event of another CPU, a
 * platform with recognisable Parameters, and small state builders. */
#ifndef HM_TRAP_AUX_FIXTURE_H
#define HM_TRAP_AUX_FIXTURE_H

#include "hm_test.h"

/* The data oracle: (vmid, logn) -> TF_DORC(vmid, logn) unless scripted. */
#define TF_DORC(vmid, logn) ((hm_z)0x5A5A000000000000LL + (hm_z)(vmid) * 0x100000 + (hm_z)(logn))
hm_oracle *tf_doracle(void);
/* Scripts the answer for (vmid, logn) (at most 16; cleared by tf_reset). */
void tf_doracle_script(hm_z vmid, hm_z logn, hm_z value);

/* A single oracle that reports SEVENT TF_OTHER_CPU (OVM_GET TF_OTHER_VMID)
 * on every query. */
#define TF_OTHER_CPU 7
#define TF_OTHER_VMID 9
hm_oracle *tf_soracle_one(void);
/* A single oracle that reports SEVENT TF_OTHER_CPU (OMAP_HOST addr) on
 * its call-th query only (counting from 1). */
hm_oracle *tf_soracle_at(unsigned call, hm_z addr);

/* The platform of the tests: reg_desc i = TF_REG_DESC(i), exception_vector
 * p = 0x800 + p, decrypt_* write TF_DECRYPT marks (see the .c). */
#define TF_REG_DESC(i) ((hm_z)0x100 + (hm_z)(i))
void tf_platform_install(void);
void tf_platform_remove(void);

/* Resets the scripts; call at the start of each test. */
void tf_reset(void);

/* An empty RData (every hlock true) with curid TF_CPU, the data oracle
 * above and no single-oracle events. */
#define TF_CPU 3
hm_rdata *tf_state(void);

/* Builders (each returns a new state; st is not touched). */
hm_rdata *tf_with_hlock(const hm_rdata *st, hm_z id, bool v);
hm_rdata *tf_with_pt(const hm_rdata *st, hm_z vmid, hm_z gfn, hm_z pfn, hm_z level, hm_z pte);
hm_rdata *tf_with_npt_next(const hm_rdata *st, hm_z vmid, hm_z pgd_next, hm_z pud_next,
			   hm_z pmd_next);
hm_rdata *tf_with_vm_state(const hm_rdata *st, hm_z vmid, hm_z state);
hm_rdata *tf_with_data_log(const hm_rdata *st, hm_z vmid, hm_z logn);
hm_rdata *tf_with_shadow(const hm_rdata *st, hm_z ctxtid, const hm_ctxt_regs *cregs,
			 const hm_ctxt_states *cstates);
hm_rdata *tf_with_soracle(const hm_rdata *st, hm_oracle *o);

/* Reads */
hm_z3 tf_pt(const hm_rdata *st, hm_z vmid, hm_z gfn);
hm_s2page tf_page(const hm_rdata *st, hm_z pfn);
bool tf_hlock(const hm_rdata *st, hm_z id);

/* Asserts that e is SEVENT cpu (ev args...); dorc is the oracle the event
 * must carry (NULL for none). Returns e->next. */
const hm_slog *tf_assert_sevent_a(const hm_slog *e, hm_z cpu, hm_aev ev, hm_oracle *dorc,
				  const hm_z *args, size_t nargs);
#define TF_SEVENT(e, cpu, ev, dorc, ...)                                          \
	tf_assert_sevent_a((e), (cpu), (ev), (dorc), (const hm_z[]){__VA_ARGS__}, \
			   sizeof((const hm_z[]){__VA_ARGS__}) / sizeof(hm_z))

/* Registers filled with distinct values: field k (Coq order) = base + k. */
hm_ctxt_regs tf_regs_pattern(hm_z base);
hm_ctxt_states tf_states_pattern(hm_z base);

#endif
