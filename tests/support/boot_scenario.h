/* A VM's life through TrapHandlerSpec's entry points, driven on one CPU of
 * a model through the public API (hm_model_step, hm_model_overlay_json to
 * set registers) plus the data-oracle script of model.h:
 *
 *   1  host: HVC_REGISTER_KVM            VM UNUSED -> READY, x0 = vmid
 *   2  host: HVC_REGISTER_VCPU vmid 0    VCPU 0 UNUSED -> READY
 *   3  host: HVC_SET_BOOT_INFO           image slot 0: BOOT_LOAD_ADDR, 2 pages
 *   4  host: HVC_REMAP_VM_IMAGE x2       the image's pages mapped for the core
 *   5  host: HVC_VERIFY_VM_IMAGE         VM VERIFIED, BOOT_IMAGE_PFN.. the VM's
 *   6  host: host_vcpu_run_handler       first run of VCPU 0 (pc in the image)
 *   7  VM:   interrupt exit              back to the host, VCPU READY
 *   8  host: host_vcpu_run_handler       second run (resume path)
 *   9  VM:   HVC_KVM_SET_DESC_PFN        grant: the descriptor page's count 1
 *  10  VM:   HVC_KVM_UNSET_DESC_PFN      revoke: count 0, flatmem from oracle
 *  11  VM:   PSCI SYSTEM_OFF             VM POWEROFF, back to the host
 *  12  host: HVC_CLEAR_VM_S2_RANGE       the VM's pages back to the host
 *
 * After each step it asserts the key fields (cmocka) and calls `check`,
 * where a caller can verify invariants of the whole state. */
#ifndef BOOT_SCENARIO_H
#define BOOT_SCENARIO_H

#include "hm_test.h"

/* The image: loaded at guest address BOOT_LOAD_ADDR (2 MiB aligned), its
 * pages at the 2 MiB aligned host pfn BOOT_IMAGE_PFN (T_RAM holds them). */
#define BOOT_LOAD_ADDR ((hm_z)0x200000)
#define BOOT_IMAGE_PFN ((hm_z)0x40200)
#define BOOT_IMAGE_SIZE ((hm_z)0x2000)

typedef void (*boot_scenario_check)(hm_model *m, int cpu, const char *step, void *ctx);

/* Runs the scenario on CPU `cpu` of m: m must have no VM registered yet
 * and RAM holding pfns BOOT_IMAGE_PFN .. BOOT_IMAGE_PFN + 511. Steps that
 * leave the state unexpected fail the running test. Returns the VM's id. */
hm_z boot_scenario_run(hm_model *m, int cpu, boot_scenario_check check, void *ctx);

/* The labels of the steps, in order (NULL-terminated). */
extern const char *const boot_scenario_steps[];

#endif
