/* Builders and checks for the tests of TrapHandlerSpec's entry points
 * (tests/test_trap_handler_*.c). Every builder returns a new state
 * (autoreleased) with one change; none writes to its input. */
#ifndef T_TRAP_H
#define T_TRAP_H

#include "hm_test.h"
#include "t_concurrent.h"

/* The SMMU of the test models: one device, registers at T_SMMU_BASE
 * (reachable by a host stage-2 fault, whose address is at most 0xffff00). */
#define T_SMMU_BASE ((hm_z)0x800000)
#define T_SMMU_SIZE ((hm_z)0x10000)
#define T_SMMU_BANKS ((hm_z)4)

/* A model of `cpus` CPUs over T_RAM with the SMMU above (free with
 * hm_model_free). */
hm_model *tt_model(int cpus);

/* The view of CPU 0 of a 1-CPU model made for the running test; the model
 * lives until tt_teardown (call it from the test's group teardown, or use
 * tt_group_setup/tt_group_teardown). */
const hm_rdata *tt_initial(void);
hm_model *tt_current_model(void);
int tt_group_setup(void **state);
int tt_group_teardown(void **state);

/* Data oracles of that model: doracle (core false) or core_doracle (core
 * true) answers value for (vmid, logn). */
void tt_script(bool core, hm_z vmid, hm_z logn, hm_z value);

/* st with ... */
hm_rdata *tt_with_regs(const hm_rdata *st, hm_ctxt_regs r);       /* regs {ctxt_regs: r} */
hm_rdata *tt_with_trap_regs(const hm_rdata *st, hm_trap_regs t);  /* regs {trap_regs: t} */
hm_rdata *tt_with_shadow(const hm_rdata *st, hm_z ctxtid, hm_ctxt_regs r, hm_ctxt_states s);
hm_rdata *tt_with_shared(const hm_rdata *st, const hm_shared *sh);
hm_rdata *tt_with_mode(const hm_rdata *st, bool ihost, bool icore);
hm_rdata *tt_with_cur(const hm_rdata *st, hm_z vmid, hm_z vcpuid);
hm_rdata *tt_with_data_log(const hm_rdata *st, hm_z vmid, hm_z n);
hm_rdata *tt_with_core_data_log(const hm_rdata *st, hm_z vmid, hm_z n);
hm_rdata *tt_with_hlock(const hm_rdata *st, hm_z id, bool v);
hm_rdata *tt_with_info(const hm_rdata *st, hm_z vmid, const hm_vminfo *info);
hm_rdata *tt_with_smmu_vmid(const hm_rdata *st, hm_z id, hm_z vmid);
/* regs x0..x5 set to the hypercall and its arguments */
hm_rdata *tt_hvc(const hm_rdata *st, hm_z x0, hm_z x1, hm_z x2, hm_z x3, hm_z x4, hm_z x5);

/* The expected states of the host's entry points, computed field by field
 * from the Coq (AbstractMachineSpec's register copies):
 *   tt_enter_core(st): adt' = st with the shadow context ctxt_id(cur_vmid,
 *     cur_vcpuid) taking x0..x30 of regs (host_to_core_specx), icore true;
 *   tt_return_host(st): st with regs taking x0..x30 of that shadow context
 *     (core_to_host_specx), icore false. */
hm_rdata *tt_enter_core(const hm_rdata *st);
hm_rdata *tt_return_host(const hm_rdata *st);

/* Reads */
const hm_ctxt *tt_shadow(const hm_rdata *st, hm_z ctxtid);
const hm_vminfo *tt_info(const hm_rdata *st, hm_z vmid);
hm_z tt_reg(const hm_ctxt_regs *r, int i);           /* x<i> */
void tt_set_reg(hm_ctxt_regs *r, int i, hm_z v);     /* x<i> := v */

/* The i-th newest event of l (0: the head); fails the test if l is shorter. */
const hm_slog *tt_event(const hm_slog *l, size_t i);
/* Asserts event e is SEVENT cpu (ev args...) (args in Coq order). */
void tt_assert_event(const hm_slog *e, hm_z cpu, hm_aev ev, const hm_z *args);
#define TT_ARGS(...) ((const hm_z[]){__VA_ARGS__})

/* Asserts r is None because `rely` (its C text) failed in `where`. */
void tt_assert_rely(hm_sres r, const char *rely, const char *where);
/* Asserts r is None without a rely, from `where`. */
void tt_assert_stuck(hm_sres r, const char *where);

#endif
