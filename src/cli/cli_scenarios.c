/* The scenarios of `hypsec-model gen`; see cli_scenarios.h.
 *
 * Every scenario runs over 16 MiB of RAM at 0x40000000 (pfns 0x40000 ..
 * 0x40fff) so that its trace and state stay small; pfn 0x9000 (address
 * 0x9000000) lies outside RAM and stands for a device.
 */
#include "cli_scenarios.h"

#include <glib.h>
#include <string.h>

#define RAM16 "'memory': [{'base': '0x40000000', 'size': '0x1000000'}]"
#define CONFIG1 "{'cpus': 1, " RAM16 "}"
#define CONFIG2 "{'cpus': 2, " RAM16 "}"

/* The fields every MemManager step is about. */
#define STEP_FIELDS "halt tstate lock[S2PAGE_ID] lock[NPT_ID] "

static const cli_scenario_step host_fault_ram[] = {
	{"{'op': 'map_page_host', 'args': {'addr': '0x40001000'}}",
	 STEP_FIELDS "shared.s2page[0x40001] shared.npts[HOSTVISOR].pt[0x40001]"},
	{"{'op': 'map_page_host', 'args': {'addr': '0x40001abc'}}",
	 STEP_FIELDS "shared.s2page[0x40001] shared.npts[HOSTVISOR].pt[0x40001]"},
	{NULL, NULL}};

static const cli_scenario_step host_fault_device[] = {
	{"{'op': 'map_page_host', 'args': {'addr': '0x9000000'}}",
	 STEP_FIELDS "shared.s2page[0x9000] shared.npts[HOSTVISOR].pt[0x9000]"},
	{NULL, NULL}};

#define ASSIGN_FIELDS                                                                     \
	STEP_FIELDS "shared.s2page[0x40010] shared.npts[HOSTVISOR].pt[0x40010] "           \
		    "shared.flatmem[0x40010] data_log[1]"

static const cli_scenario_step assign_map_vm_page[] = {
	{"{'op': 'map_page_host', 'args': {'addr': '0x40010000'}}",
	 STEP_FIELDS "shared.npts[HOSTVISOR].pt[0x40010]"},
	{"{'op': 'assign_pfn_to_vm', 'args': {'vmid': 1, 'gfn': '0x80000', 'pfn': '0x40010'},"
	 " 'oracle': {'doracle': [{'vmid': 1, 'logn': 0, 'value': '0xdeadbeef'}]}}",
	 ASSIGN_FIELDS},
	{"{'op': 'map_pfn_vm', 'args': {'vmid': 1, 'addr': '0x80000000', 'pte': '0x40010000', "
	 "'level': 3}}",
	 "halt tstate lock[6] shared.npts[1].pt[0x80000]"},
	{NULL, NULL}};

#define GRANT_FIELDS                                                                      \
	STEP_FIELDS "shared.s2page[0x40011] shared.npts[HOSTVISOR].pt[0x40011] "           \
		    "shared.flatmem[0x40011] data_log[1]"

static const cli_scenario_step grant_revoke[] = {
	{"{'op': 'assign_pfn_to_vm', 'args': {'vmid': 1, 'gfn': '0x80001', 'pfn': '0x40011'},"
	 " 'oracle': {'doracle': [{'vmid': 1, 'logn': 0, 'value': 17}]}}",
	 GRANT_FIELDS},
	{"{'op': 'grant_vm_page', 'args': {'vmid': 1, 'pfn': '0x40011'}}", GRANT_FIELDS},
	{"{'op': 'map_page_host', 'args': {'addr': '0x40011000'}}", GRANT_FIELDS},
	{"{'op': 'grant_vm_page', 'args': {'vmid': 1, 'pfn': '0x40011'}}", GRANT_FIELDS},
	{"{'op': 'revoke_vm_page', 'args': {'vmid': 1, 'pfn': '0x40011'}}", GRANT_FIELDS},
	{"{'op': 'revoke_vm_page', 'args': {'vmid': 1, 'pfn': '0x40011'},"
	 " 'oracle': {'doracle': [{'vmid': 1, 'logn': 1, 'value': 18}]}}",
	 GRANT_FIELDS},
	{NULL, NULL}};

#define CLEAR_FIELDS                                                                      \
	STEP_FIELDS "shared.s2page[0x40012] shared.npts[HOSTVISOR].pt[0x40012] "           \
		    "shared.flatmem[0x40012]"

static const cli_scenario_step clear_vm_page[] = {
	{"{'op': 'assign_pfn_to_vm', 'args': {'vmid': 1, 'gfn': '0x80002', 'pfn': '0x40012'},"
	 " 'oracle': {'doracle': [{'vmid': 1, 'logn': 0, 'value': '0x5ec2e7'}]}}",
	 CLEAR_FIELDS},
	{"{'op': 'clear_vm_page', 'args': {'vmid': 1, 'pfn': '0x40012'}}", CLEAR_FIELDS},
	{"{'op': 'map_page_host', 'args': {'addr': '0x40012000'}}", CLEAR_FIELDS},
	{NULL, NULL}};

static const cli_scenario_step map_io[] = {
	{"{'op': 'map_vm_io', 'args': {'vmid': 1, 'gpa': '0x9000000', 'pa': '0x9000000'}}",
	 "halt tstate lock[S2PAGE_ID] lock[6] shared.npts[1].pt[0x9000]"},
	{"{'op': 'map_vm_io', 'args': {'vmid': 1, 'gpa': '0x9001000', 'pa': '0x40013000'}}",
	 "halt tstate lock[S2PAGE_ID] lock[6] shared.npts[1].pt[0x9001]"},
	{NULL, NULL}};

#define SMMU_FIELDS                                                                       \
	"halt tstate lock[S2PAGE_ID] lock[SPT_ID] shared.s2page[0x40020] "                 \
	"shared.spts.spt_pt[0x10000][0x100]"

static const cli_scenario_step smmu_map_unmap[] = {
	{"{'op': 'assign_pfn_to_smmu', 'args': {'vmid': 1, 'gfn': '0x100', 'pfn': '0x40020'}}",
	 "halt tstate lock[S2PAGE_ID] lock[NPT_ID] shared.s2page[0x40020]"},
	{"{'op': 'update_smmu_page', 'args': {'vmid': 1, 'cbndx': 0, 'index': 0, "
	 "'iova': '0x100000', 'pte': '0x400207c3'}}",
	 SMMU_FIELDS},
	{"{'op': 'unmap_smmu_page', 'args': {'cbndx': 0, 'index': 0, 'iova': '0x100000'}}",
	 SMMU_FIELDS},
	{NULL, NULL}};

static const cli_scenario_step two_cpu_contention[] = {
	{"{'cpu': 0, 'op': 'assign_pfn_to_vm', 'args': {'vmid': 1, 'gfn': '0x80003', "
	 "'pfn': '0x40030'}}",
	 STEP_FIELDS "shared.s2page[0x40030]"},
	{"{'cpu': 1, 'op': 'assign_pfn_to_vm', 'args': {'vmid': 2, 'gfn': '0x90000', "
	 "'pfn': '0x40030'}}",
	 STEP_FIELDS "shared.s2page[0x40030]"},
	{"{'cpu': 0, 'op': 'grant_vm_page', 'args': {'vmid': 1, 'pfn': '0x40030'}}",
	 STEP_FIELDS "shared.s2page[0x40030]"},
	{NULL, NULL}};

static const cli_scenario_step host_touches_vm_page[] = {
	{"{'op': 'assign_pfn_to_vm', 'args': {'vmid': 1, 'gfn': '0x80004', 'pfn': '0x40040'}}",
	 STEP_FIELDS "shared.s2page[0x40040]"},
	{"{'op': 'map_page_host', 'args': {'addr': '0x40040000'}}",
	 STEP_FIELDS "shared.s2page[0x40040] shared.npts[HOSTVISOR].pt[0x40040]"},
	{"{'op': 'grant_vm_page', 'args': {'vmid': 1, 'pfn': '0x40040'}}",
	 STEP_FIELDS "shared.s2page[0x40040]"},
	{NULL, NULL}};

/* A hypercall from the host: x0 the HVC number, x1.. its arguments. */
#define HVC(regs) "{'op': 'host_hvc_handler', 'set': {'regs': {'ctxt_regs': {" regs "}}}}"

#define BOOT_FIELDS "halt icore regs.ctxt_regs.x0 shared.vminfos[1].VS.vm_state "

static const cli_scenario_step boot_vm[] = {
	{HVC("'x0': 'HVC_REGISTER_KVM'"), BOOT_FIELDS "shared.core_data shared.vminfos[1].VS.vm_kvm"},
	{HVC("'x0': 'HVC_REGISTER_VCPU', 'x1': 1, 'x2': 0"),
	 BOOT_FIELDS "shared.vminfos[1].VS.vm_vcpu[0] shared.vminfos[1].VS.vm_vcpu_state[0]"},
	{HVC("'x0': 'HVC_SET_BOOT_INFO', 'x1': 1, 'x2': '0x80000', 'x3': '0x2000'"),
	 BOOT_FIELDS "shared.core_data shared.vminfos[1].VB.vm_next_load_info "
		     "shared.vminfos[1].VB.vm_load_addr[0] shared.vminfos[1].VB.vm_load_size[0] "
		     "shared.vminfos[1].VB.vm_remap_addr[0]"},
	{HVC("'x0': 'HVC_REMAP_VM_IMAGE', 'x1': 1, 'x2': '0x40200', 'x3': 0"),
	 BOOT_FIELDS "shared.vminfos[1].VB.vm_mapped_pages[0] shared.npts[COREVISOR].pt[0x2000]"},
	{HVC("'x0': 'HVC_REMAP_VM_IMAGE', 'x1': 1, 'x2': '0x40201', 'x3': 0"),
	 BOOT_FIELDS "shared.vminfos[1].VB.vm_mapped_pages[0] shared.npts[COREVISOR].pt[0x2001]"},
	{HVC("'x0': 'HVC_VERIFY_VM_IMAGE', 'x1': 1"),
	 BOOT_FIELDS "shared.s2page[0x40200] shared.s2page[0x403ff] shared.npts[1].pt[0] "
		     "shared.npts[1].pt[0x1ff] data_log[1] shared.hlock[23]"},
	{NULL, NULL}};

#define SCRUB_FIELDS                                                                      \
	"halt shared.vminfos[1].VS.vm_state shared.s2page[0x40050] shared.s2page[0x40051] "   \
	"shared.flatmem[0x40050] shared.flatmem[0x40051]"

static const cli_scenario_step poweroff_scrub[] = {
	{HVC("'x0': 'HVC_REGISTER_KVM'"), "halt regs.ctxt_regs.x0 shared.vminfos[1].VS.vm_state"},
	{"{'op': 'assign_pfn_to_vm', 'args': {'vmid': 1, 'gfn': '0x80000', 'pfn': '0x40050'},"
	 " 'oracle': {'doracle': [{'vmid': 1, 'logn': 0, 'value': 1111}]}}",
	 SCRUB_FIELDS},
	{"{'op': 'assign_pfn_to_vm', 'args': {'vmid': 1, 'gfn': '0x80001', 'pfn': '0x40051'},"
	 " 'oracle': {'doracle': [{'vmid': 1, 'logn': 1, 'value': 2222}]}}",
	 SCRUB_FIELDS},
	{HVC("'x0': 'HVC_CLEAR_VM_S2_RANGE', 'x1': 1, 'x2': '0x40050000', 'x3': '0x2000'"),
	 SCRUB_FIELDS},
	{"{'op': 'local_set_vm_poweroff', 'args': {'vmid': 1}}", SCRUB_FIELDS},
	{HVC("'x0': 'HVC_CLEAR_VM_S2_RANGE', 'x1': 1, 'x2': '0x40050000', 'x3': '0x2000'"),
	 SCRUB_FIELDS},
	{NULL, NULL}};

static const cli_scenario scenarios[] = {
	{"host-fault-ram", "the host faults on a RAM page it owns: map_page_host maps it",
	 "The host touches pfn 0x40001, which it owns (s2_owner HOSTVISOR, count 0): "
	 "map_page_host_spec maps it in the host NPT with pte pfn*PAGE_SIZE | PAGE_S2_KERNEL "
	 "at level 3, releases both locks and sets tstate 1. A second fault on the same page "
	 "(another offset) maps the same entry again.",
	 CONFIG1, NULL, NULL, host_fault_ram},
	{"host-fault-device", "the host faults on a device address: mapped as device memory",
	 "Address 0x9000000 lies outside RAM, so its page has s2_owner INVALID: "
	 "map_page_host_spec maps it with pte pfn*PAGE_SIZE | PAGE_S2_DEVICE | S2_RDWR.",
	 CONFIG1, NULL, NULL, host_fault_device},
	{"assign-map-vm-page", "assign a host page to VM 1 and map it in the VM's NPT",
	 "The host maps pfn 0x40010, then assign_pfn_to_vm gives it to VM 1 at gfn 0x80000: "
	 "the page becomes (owner 1, count 0, gfn 0x80000), the host mapping is replaced by "
	 "PAGE_GUEST, flatmem[pfn] takes the scripted doracle value and data_log[1] counts it. "
	 "map_pfn_vm then maps gfn 0x80000 in VM 1's NPT.",
	 CONFIG1, NULL, NULL, assign_map_vm_page},
	{"grant-revoke", "a VM page shared with the host and taken back",
	 "VM 1 gets pfn 0x40011, grants it to the host twice (s2_count 2), the host maps it "
	 "(allowed while s2_count > 0), then two revokes bring s2_count back to 0: the last "
	 "one unmaps the host (PAGE_GUEST) and scrubs flatmem with the doracle.",
	 CONFIG1, NULL, NULL, grant_revoke},
	{"clear-vm-page", "a VM page given back to the host and scrubbed",
	 "VM 1 owns pfn 0x40012; clear_vm_page returns it to the host (owner HOSTVISOR, count "
	 "0, gfn pfn + SMMU_HOST_OFFSET) with flatmem zeroed, and the host can map it again.",
	 CONFIG1, NULL, NULL, clear_vm_page},
	{"map-io", "map device memory in a VM's NPT",
	 "map_vm_io maps device pa 0x9000000 (owner INVALID) at gpa 0x9000000 of VM 1 with pte "
	 "pa | PAGE_S2_DEVICE | S2_RDWR; a RAM pa (owner HOSTVISOR) is not mapped.",
	 CONFIG1, NULL, NULL, map_io},
	{"smmu-map-unmap", "a page assigned to a VM's SMMU, mapped and unmapped",
	 "assign_pfn_to_smmu gives pfn 0x40020 to VM 1 at gfn 0x100 (count INVALID); "
	 "update_smmu_page maps iova 0x100000 in SMMU 0 context bank 0 (ttbr 0x10000); "
	 "unmap_smmu_page clears the entry.",
	 "{'cpus': 1, " RAM16 ", 'smmu': [{'phys_base': '0x2b400000', 'size': '0x10000', "
	 "'context_banks': 8}]}",
	 NULL, NULL, smmu_map_unmap},
	{"two-cpu-contention", "two CPUs race for one page: the loser halts, holding the lock",
	 "CPU 0 assigns pfn 0x40030 to VM 1. CPU 1 then assigns it to VM 2: its oracle brings "
	 "CPU 0's events, the page is VM 1's, so CPU 1 halts holding the s2page lock (no "
	 "REL_LOCK). CPU 0's next s2page operation finds the lock held by CPU 1 and is stuck.",
	 CONFIG2, NULL, NULL, two_cpu_contention},
	{"host-touches-vm-page-halts", "the host faults on a VM's page: the hypervisor halts",
	 "pfn 0x40040 belongs to VM 1 with s2_count 0, so map_page_host halts (tstate 0, the "
	 "s2page lock kept). Once halted, every step returns the state unchanged.",
	 CONFIG1, NULL, NULL, host_touches_vm_page},
	{"boot-vm", "boot VM 1 through hypercalls: register, boot info, remap, verify",
	 "The host registers a VM (HVC_REGISTER_KVM: vmid 1 returned in x0, state READY) and "
	 "its VCPU 0, declares one 8 KiB image loaded at 0x80000 (HVC_SET_BOOT_INFO: remapped "
	 "at REMAP_START), remaps two image pages into the corevisor's NPT "
	 "(HVC_REMAP_VM_IMAGE), and HVC_VERIFY_VM_IMAGE verifies it: the 2 MiB block of pfn "
	 "0x40200 is assigned to VM 1 and mapped at gfn 0 with a level-2 entry, and the VM "
	 "becomes VERIFIED.",
	 CONFIG1, NULL, "host_hvc_handler", boot_vm},
	{"poweroff-scrub", "a VM powered off and its pages scrubbed back to the host",
	 "VM 1 is registered (HVC_REGISTER_KVM) and given two pages. HVC_CLEAR_VM_S2_RANGE "
	 "does nothing while the VM runs (state READY); once it is powered off "
	 "(local_set_vm_poweroff: POWEROFF) the same hypercall returns both pages to the host "
	 "(clear_vm_loop_h, local_clear_vm_page) with flatmem zeroed.",
	 CONFIG1, NULL, "host_hvc_handler", poweroff_scrub},
};

const cli_scenario *cli_scenario_at(size_t i)
{
	return i < G_N_ELEMENTS(scenarios) ? &scenarios[i] : NULL;
}

const cli_scenario *cli_scenario_find(const char *name)
{
	for (size_t i = 0; i < G_N_ELEMENTS(scenarios); i++)
		if (strcmp(scenarios[i].name, name) == 0)
			return &scenarios[i];
	return NULL;
}
