/* The op table of TrapHandlerSpec's entry points (seed, Section
 * TrapHandlerSpec): the eight `_spec` definitions by their Coq names
 * without _spec, and the stages they are built from. Their `_spec0`
 * counterparts are not part of this table (low is NULL). */
#include "trap_handler_spec.h"

static hm_sres op_host_hvc_handler(const hm_rdata *adt, const hm_z *a)
{
	(void)a;
	return host_hvc_handler_spec(adt);
}

static hm_sres op_host_npt_handler(const hm_rdata *adt, const hm_z *a)
{
	(void)a;
	return host_npt_handler_spec(adt);
}

static hm_sres op_host_vcpu_run_handler(const hm_rdata *adt, const hm_z *a)
{
	(void)a;
	return host_vcpu_run_handler_spec(adt);
}

static hm_sres op_vm_exit_handler(const hm_rdata *adt, const hm_z *a)
{
	(void)a;
	return vm_exit_handler_spec(adt);
}

static hm_sres op_mem_load(const hm_rdata *adt, const hm_z *a)
{
	return mem_load_spec(adt, a[0], a[1]);
}

static hm_sres op_mem_store(const hm_rdata *adt, const hm_z *a)
{
	return mem_store_spec(adt, a[0], a[1]);
}

static hm_sres op_dev_load(const hm_rdata *adt, const hm_z *a)
{
	return dev_load_spec(adt, a[0], a[1], a[2], a[3]);
}

static hm_sres op_dev_store(const hm_rdata *adt, const hm_z *a)
{
	return dev_store_spec(adt, a[0], a[1], a[2], a[3]);
}

/* The stages: RData-valued ones are always Some. */
static hm_sres op_vcpu_run_swith_to_core(const hm_rdata *adt, const hm_z *a)
{
	(void)a;
	return SOME(vcpu_run_swith_to_core(adt));
}

static hm_sres op_vcpu_run_process(const hm_rdata *adt, const hm_z *a)
{
	(void)a;
	return vcpu_run_process(adt);
}

static hm_sres op_vcpu_run_switch_to_vm(const hm_rdata *adt, const hm_z *a)
{
	(void)a;
	return vcpu_run_switch_to_vm(adt);
}

static hm_sres op_prep_exit_vm(const hm_rdata *adt, const hm_z *a)
{
	(void)a;
	return prep_exit_vm(adt);
}

static hm_sres op_vm_exit_pre_process(const hm_rdata *adt, const hm_z *a)
{
	(void)a;
	return vm_exit_pre_process(adt);
}

static hm_sres op_switch_to_host(const hm_rdata *adt, const hm_z *a)
{
	(void)a;
	return SOME(switch_to_host(adt));
}

#define TH "TrapHandlerSpec"

const hm_op_def hm_ops_trap_handler[] = {
	{"host_hvc_handler", TH, 0, {NULL}, op_host_hvc_handler, NULL},
	{"host_npt_handler", TH, 0, {NULL}, op_host_npt_handler, NULL},
	{"host_vcpu_run_handler", TH, 0, {NULL}, op_host_vcpu_run_handler, NULL},
	{"vm_exit_handler", TH, 0, {NULL}, op_vm_exit_handler, NULL},
	{"mem_load", TH, 2, {"gfn", "reg"}, op_mem_load, NULL},
	{"mem_store", TH, 2, {"gfn", "reg"}, op_mem_store, NULL},
	{"dev_load", TH, 4, {"gfn", "reg", "cbndx", "index"}, op_dev_load, NULL},
	{"dev_store", TH, 4, {"gfn", "reg", "cbndx", "index"}, op_dev_store, NULL},
	{"vcpu_run_swith_to_core", TH, 0, {NULL}, op_vcpu_run_swith_to_core, NULL},
	{"vcpu_run_process", TH, 0, {NULL}, op_vcpu_run_process, NULL},
	{"vcpu_run_switch_to_vm", TH, 0, {NULL}, op_vcpu_run_switch_to_vm, NULL},
	{"prep_exit_vm", TH, 0, {NULL}, op_prep_exit_vm, NULL},
	{"vm_exit_pre_process", TH, 0, {NULL}, op_vm_exit_pre_process, NULL},
	{"switch_to_host", TH, 0, {NULL}, op_switch_to_host, NULL},
};

const size_t hm_ops_trap_handler_count = sizeof hm_ops_trap_handler / sizeof hm_ops_trap_handler[0];
