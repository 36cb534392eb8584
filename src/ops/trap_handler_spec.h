/* TrapHandlerSpec (seed), Section TrapHandlerSpec: the entry points of the
 * trap handler (host hypercalls, host stage-2 faults, VCPU run, VM exit,
 * and the memory and device loads and stores of a running principal),
 * each a function of the CPU's view and its arguments in Coq order (Z64
 * arguments as plain Z).
 *
 * Coq definitions returning a bare RData (vcpu_run_swith_to_core,
 * switch_to_host) return the new state (autoreleased); option RData is an
 * hm_sres; option (RData * Z) (vm_exit_pre_process) is an hm_sres whose
 * ret is the Z.
 */
#ifndef HM_TRAP_HANDLER_SPEC_H
#define HM_TRAP_HANDLER_SPEC_H

#include "spec.h"

/* trap_handler_hvc.c */
hm_sres host_hvc_handler_spec(const hm_rdata *adt);

/* trap_handler_npt.c */
hm_sres host_npt_handler_spec(const hm_rdata *adt);

/* trap_handler_vcpu_run.c */
hm_rdata *vcpu_run_swith_to_core(const hm_rdata *adt);
hm_sres vcpu_run_process(const hm_rdata *adt);
hm_sres vcpu_run_switch_to_vm(const hm_rdata *adt);
hm_sres host_vcpu_run_handler_spec(const hm_rdata *adt);

/* trap_handler_vm_exit.c */
hm_sres prep_exit_vm(const hm_rdata *adt);
hm_sres vm_exit_pre_process(const hm_rdata *adt);
hm_rdata *switch_to_host(const hm_rdata *adt);
hm_sres vm_exit_handler_spec(const hm_rdata *adt);

/* trap_handler_mem.c */
hm_sres mem_load_spec(const hm_rdata *adt, hm_z gfn, hm_z reg);
hm_sres mem_store_spec(const hm_rdata *adt, hm_z gfn, hm_z reg);
hm_sres dev_load_spec(const hm_rdata *adt, hm_z gfn, hm_z reg, hm_z cbndx, hm_z index);
hm_sres dev_store_spec(const hm_rdata *adt, hm_z gfn, hm_z reg, hm_z cbndx, hm_z index);

/* The op table of these definitions (names without _spec). */
extern const hm_op_def hm_ops_trap_handler[];
extern const size_t hm_ops_trap_handler_count;

#endif
