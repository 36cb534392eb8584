/* The Coq Parameters of AbstractMachineSpec.md as platform callbacks,
 * with the defaults docs/platform.md documents. */
#include <string.h>

#include "spec.h"

/* verify_img: every image verifies unless the platform says otherwise. */
static hm_z default_verify_img(void *ctx, hm_z vmid, hm_z arg)
{
	(void)ctx, (void)vmid, (void)arg;
	return 1;
}

/* reg_desc: system registers reset to 0. */
static hm_z default_reg_desc(void *ctx, hm_z i)
{
	(void)ctx, (void)i;
	return 0;
}

/* shared_kvm / shared_vcpu: distinct host addresses per VM and VCPU. */
static hm_z default_shared_kvm(void *ctx, hm_z vmid)
{
	(void)ctx;
	return SHARED_KVM_START + vmid;
}

static hm_z default_shared_vcpu(void *ctx, hm_z vmid, hm_z vcpuid)
{
	(void)ctx;
	return SHARED_VCPU_START + vmid * VCPU_PER_VM + vcpuid;
}

/* exception_vector: the synchronous-from-lower-EL offset 0x400. */
static hm_z default_exception_vector(void *ctx, hm_z pstate)
{
	(void)ctx, (void)pstate;
	return 0x400;
}

/* decrypt_*_regs_specx: registers unchanged, no oracle value consumed. */
static hm_z default_decrypt(void *ctx, hm_z *regs, hm_z *states,
			    hm_z (*dorc)(void *dorc_ctx, hm_z n), void *dorc_ctx, hm_z logn)
{
	(void)ctx, (void)regs, (void)states, (void)dorc, (void)dorc_ctx;
	return logn;
}

void hm_platform_defaults(hm_platform *p)
{
	memset(p, 0, sizeof *p);
	p->verify_img = default_verify_img;
	p->reg_desc = default_reg_desc;
	p->shared_kvm = default_shared_kvm;
	p->shared_vcpu = default_shared_vcpu;
	p->exception_vector = default_exception_vector;
	p->decrypt_gp_regs = default_decrypt;
	p->decrypt_sys_regs = default_decrypt;
}

static _Thread_local const hm_platform *current_platform;

const hm_platform *hm_platform_current(void)
{
	static hm_platform defaults;
	static bool ready;
	if (current_platform)
		return current_platform;
	if (!ready) {
		hm_platform_defaults(&defaults);
		ready = true;
	}
	return &defaults;
}

void hm_platform_set_current(const hm_platform *p) { current_platform = p; }

size_t hm_ctxt_regs_count(void) { return sizeof(hm_ctxt_regs) / sizeof(hm_z); }
size_t hm_ctxt_states_count(void) { return sizeof(hm_ctxt_states) / sizeof(hm_z); }
