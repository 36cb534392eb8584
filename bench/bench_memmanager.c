/* Benchmark of the MemManager high-level steps through the public C API,
 * and of `hypsec-model replay` on a long JSON Lines trace.
 *
 * For each op family and each configuration (pages of RAM the model
 * tracks x VMs the steps are spread over x CPUs they run on) it reports
 * steps per second, ns per step, the peak resident memory, and the ratio
 * of the per-step cost to that at the first size of the same family, VMs
 * and CPUs (DESIGN.md: within 1.5x at 1M pages of the cost at 1K); then,
 * per family, the worst ratio between the largest and the first size.
 * Every step must end as its family expects (ok), so a fast but wrong run
 * cannot pass for a measurement: a step that does not makes its
 * configuration fail and the run exit 1.
 *
 *   bench_memmanager [--steps N] [--sizes 1024,65536,1048576] [--vms 1,4,15]
 *                    [--cpus 1,8] [--families map_page_host,...] [--full-logs]
 *                    [--replay-steps N] [--cli PATH] [--gen PATH] [--tsv]
 *                    [--wall] [--repeat N]
 *
 * --steps        timed steps per configuration (default 100000)
 * --sizes        pages of RAM at 0x40000000 (default 1024,65536,1048576)
 * --vms          VMs the steps are spread over, 1 to 15 (default 1,4,15);
 *                the map_page_host families take no vmid and run once ("-")
 * --cpus         CPUs the steps are spread over, 1 to 8 (default 1,8)
 * --families     which of map_page_host, map_page_host-first, assign+clear,
 *                assign+map, grant+revoke, map_vm_io, smmu, replay-jsonl,
 *                parse-jsonl (default all)
 * --full-logs    keep every log event (default: compacted logs, the
 *                model's bounded-memory mode)
 * --replay-steps steps of the replayed and parsed trace (default 1000000;
 *                0: neither)
 * --cli, --gen   the hypsec-model binary and bench/gen_long_trace.sh
 *                (default: where the build put and found them)
 * --tsv          tab-separated rows with a header line instead of the
 *                aligned table; the summary lines then start with '#'
 * --wall         time by the wall clock instead of CPU time
 * --repeat       run each configuration N times, keep the fastest (default 1)
 *
 * Times are CPU time (user + sys) unless --wall: on a loaded machine, or
 * a virtual one whose CPUs the hypervisor lends elsewhere ("steal"), the
 * wall clock counts the time the process waited and swings by several
 * times from run to run; the wall/cpu column shows how much that was.
 *
 * Each configuration runs in a child process of its own, so that its peak
 * memory (wait4's ru_maxrss) is its own and not the largest so far: the
 * child builds the model and does the family's setup (untimed, reported
 * as "setup s"), times the steps and sends the figures through a pipe.
 * Replay (family replay-jsonl) writes a trace of map_page_host steps with
 * gen_long_trace.sh (untimed: "setup s"), then times `CLI replay --quiet
 * TRACE` as a whole (start and parsing included), on 1 CPU and on the
 * largest of --cpus. parse-jsonl times jansson alone on the same trace,
 * read and parsed line by line as the command does, in a child: the
 * ceiling jansson puts on replay-jsonl.
 * map_page_host-first rebuilds its state after each pages - 1 steps
 * (untimed, counted in "setup s"), so that every fault is a first one.
 * Bad options: exit 2; a failed configuration: exit 1 after the report.
 */
#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "hypsec_model.h"
#include "json.h" /* hm_json_use_small_alloc, as the command calls it */

#include <jansson.h>

#ifndef HM_BENCH_CLI
#define HM_BENCH_CLI "hypsec-model" /* CMake sets the built one */
#endif
#ifndef HM_BENCH_GEN
#define HM_BENCH_GEN "bench/gen_long_trace.sh"
#endif

#define RAM_BASE 0x40000000LL
#define PAGE 4096LL
/* Device pages for map_vm_io: below RAM, where the s2page map has no
 * entry, so their owner is INVALID and the op maps them (for a RAM page it
 * only releases its lock). 16 MiB of them, reused round-robin. */
#define DEV_PFN 0x9000LL
#define DEV_PAGES 4096L
/* The guest pages a VM maps (assign+map, map_vm_io) run up from a base,
 * a new one at each map, whatever the RAM size: a VM's NPT grows by the
 * same entries at every size, so the ratio between sizes is that of the
 * RAM-sized state (s2page, flatmem, the host NPT). They wrap at 2^20 - 1
 * (1M pages, 2048 pmd tables, well within a VM's NPT pool; odd, so that a
 * wrapped map_vm_io gpa gets another device page and is a new mapping,
 * not a rewrite of the same entry, which is cheaper). */
#define GUEST_PAGES ((1L << 20) - 1)
/* The SMMU the smmu family needs (as in traces/smmu-map-unmap.json). */
#define SMMU_BASE 0x2b400000LL
#define SMMU_SIZE 0x10000LL
#define SMMU_BANKS 8
#define SMMU_PTE_BITS 0x7c3LL
/* is_vm: 0 is HOSTVISOR, 16 COREVISOR */
#define MAX_VMS 15
#define REPLAY "replay-jsonl"
#define PARSE "parse-jsonl"

typedef struct bench_cfg {
	long pages;
	int vms; /* 0: the family takes no vmid */
	int cpus;
} bench_cfg;

typedef struct family {
	const char *name;
	/* false: no op of the family takes a vmid, so --vms changes
	 * nothing and the family runs once per pages x cpus */
	bool uses_vms;
	/* the config has an SMMU */
	bool smmu;
	/* untimed, after the model is built; NULL if none. Returns an error
	 * message (g_strdup'd) or NULL. */
	char *(*setup)(hm_model *m, const bench_cfg *c);
	/* fills argv for step i; returns the op index */
	int (*next)(long i, const bench_cfg *c, hm_z *argv);
	/* steps after which the family needs a fresh state (untimed: the
	 * model is freed, built and set up again); NULL: never */
	long (*epoch)(const bench_cfg *c);
	/* untimed, before the steps: checks what the family claims of its
	 * steps beyond ending ok; returns what is wrong, or NULL */
	const char *(*check)(const bench_cfg *c);
} family;

static int op_map_page_host, op_assign, op_clear, op_map_pfn_vm, op_map_vm_io, op_grant,
	op_revoke, op_assign_smmu, op_update_smmu, op_unmap_smmu;
static hm_z invalid_owner; /* the INVALID constant, an unowned page's s2_owner */
static bool full_logs;
static bool wall_clock; /* --wall: time by the wall clock, not CPU time */
static gint64 repeat = 1; /* --repeat: runs of each configuration, the fastest kept */

/* A RAM page other than the first, spread by k (a large prime times the
 * unit number) over the whole RAM. */
static hm_z ram_pfn(long k, long pages) { return RAM_BASE / PAGE + 1 + (k % (pages - 1)); }

/* The VM of a unit of steps: round-robin over the VMs. */
static hm_z vmid_of(long unit, const bench_cfg *c) { return 1 + unit % c->vms; }

/* A host stage-2 fault on a host page: maps it in the host NPT (ok for
 * a page the host owns, the second time too). */
static int next_host_fault(long i, const bench_cfg *c, hm_z *argv)
{
	argv[0] = ram_pfn(i * 7919, c->pages) * PAGE; /* addr */
	return op_map_page_host;
}

/* A stride through the pages - 1 RAM pages that ram_pfn spreads over,
 * prime to their number, so that pages - 1 steps reach each page once.
 * No number below 2^64 is a multiple of all five primes. Kept for the
 * last size asked, since every timed step asks. */
static long coprime_stride(long pages)
{
	static const long primes[] = {7919, 7907, 7901, 7883, 7879};
	static long for_pages = -1, stride = 1;
	if (pages == for_pages)
		return stride;
	for_pages = pages;
	stride = 1;
	for (size_t k = 0; k < G_N_ELEMENTS(primes) && stride == 1; k++)
		if ((pages - 1) % primes[k] != 0)
			stride = primes[k];
	return stride;
}

/* A host stage-2 fault on a page the host NPT does not map yet, at every
 * size: map_page_host above repeats its faults once 1K pages are all
 * mapped, and maps new ones at 1M, so its ratio compares two kinds of
 * work; this family compares first faults with first faults. The state
 * is rebuilt after each pages - 1 steps (first_fault_epoch), and within
 * them the stride reaches every page once (checked by
 * first_faults_distinct before the timed steps). */
static int next_first_host_fault(long i, const bench_cfg *c, hm_z *argv)
{
	long k = i % (c->pages - 1);
	argv[0] = ram_pfn(k * coprime_stride(c->pages), c->pages) * PAGE; /* addr */
	return op_map_page_host;
}

static long first_fault_epoch(const bench_cfg *c) { return c->pages - 1; }

/* Whether the addresses of one epoch of next_first_host_fault are
 * pairwise distinct, so that from a fresh state each is a first fault. */
static const char *first_faults_distinct(const bench_cfg *c)
{
	long n = first_fault_epoch(c);
	unsigned char *seen = g_malloc0((size_t)c->pages);
	bool ok = true;
	hm_z argv[6];
	for (long i = 0; ok && i < n; i++) {
		next_first_host_fault(i, c, argv);
		long slot = (long)(argv[0] / PAGE - RAM_BASE / PAGE);
		ok = slot >= 0 && slot < c->pages && !seen[slot];
		if (ok)
			seen[slot] = 1;
	}
	g_free(seen);
	return ok ? NULL : "an epoch's faults are not all on pages not mapped yet";
}

/* Assign a host page to a VM (owner HOSTVISOR, count 0: ok), then scrub
 * it back to the host (owner that VM: ok), so the page can be assigned
 * again, to any VM. */
static int next_assign_clear(long i, const bench_cfg *c, hm_z *argv)
{
	long u = i / 2;
	hm_z pfn = ram_pfn(u * 104729, c->pages);
	argv[0] = vmid_of(u, c);
	if (i % 2 == 0) {
		argv[1] = 0x80000 + u % 0x10000; /* gfn */
		argv[2] = pfn;
		return op_assign;
	}
	argv[1] = pfn;
	return op_clear;
}

/* Assign a host page to a VM, map it in the VM's NPT at level 3, then
 * scrub it back to the host. Each VM fills its guest space from gfn
 * 0x80000 up, a page at a time, as a booting guest would (GUEST_PAGES):
 * a new pmd table once per 512 maps. A level-3 entry already there (after
 * the wrap) is overwritten; only a level-2 one would halt. */
static int next_assign_map(long i, const bench_cfg *c, hm_z *argv)
{
	long u = i / 3;
	hm_z pfn = ram_pfn(u * 104729, c->pages);
	hm_z gfn = 0x80000 + (u / c->vms) % GUEST_PAGES;
	argv[0] = vmid_of(u, c);
	switch (i % 3) {
	case 0:
		argv[1] = gfn;
		argv[2] = pfn;
		return op_assign;
	case 1:
		argv[1] = gfn * PAGE; /* addr */
		argv[2] = pfn * PAGE; /* pte: phys_page pte | PAGE_S2_KERNEL is mapped */
		argv[3] = 3;	      /* level */
		return op_map_pfn_vm;
	default:
		argv[1] = pfn;
		return op_clear;
	}
}

/* The pages grant+revoke works on: few enough that every one is granted
 * and revoked many times. */
static long shared_pages(const bench_cfg *c) { return c->pages - 1 < 256 ? c->pages - 1 : 256; }

static char *setup_grant_revoke(hm_model *m, const bench_cfg *c);

/* Grant a VM page to the host (owner that VM, count 0 < MAX_SHARE_COUNT:
 * count 1) and revoke it (count 1: back to 0, and the host's entry for
 * the page, empty here, needs no PAGE_GUEST rewrite). */
static int next_grant_revoke(long i, const bench_cfg *c, hm_z *argv)
{
	long p = (i / 2) % shared_pages(c);
	argv[0] = vmid_of(p, c);
	argv[1] = RAM_BASE / PAGE + 1 + p;
	return i % 2 == 0 ? op_grant : op_revoke;
}

static char *setup_map_vm_io(hm_model *m, const bench_cfg *c);

/* Map a device page into a VM's NPT (owner INVALID: local_mmap, a level-3
 * entry) at the VM's next guest page (GUEST_PAGES, from gpa 0x10000000). */
static int next_map_vm_io(long i, const bench_cfg *c, hm_z *argv)
{
	long k = i / c->vms;
	argv[0] = vmid_of(i, c);
	argv[1] = (0x10000 + k % GUEST_PAGES) * PAGE; /* gpa */
	argv[2] = (DEV_PFN + k % DEV_PAGES) * PAGE;   /* pa */
	return op_map_vm_io;
}

/* A page behind the SMMU: assign it to a VM for the SMMU (owner
 * HOSTVISOR, count 0: owner the VM, count INVALID, s2_gfn gfn), map it at
 * iova gfn * PAGE in the VM's context bank (owner and gfn match: ok),
 * unmap it, and scrub it back to the host. The iovas of a VM stay in one
 * 2 MiB region and the context bank follows the VM, so the SMMU page
 * tables stay within a few tables of the pool. */
static int next_smmu(long i, const bench_cfg *c, hm_z *argv)
{
	long u = i / 4;
	hm_z vmid = vmid_of(u, c);
	hm_z pfn = ram_pfn(u * 104729, c->pages);
	hm_z gfn = 0x200 + (u / c->vms) % 512;
	hm_z cbndx = (vmid - 1) % SMMU_BANKS;
	switch (i % 4) {
	case 0:
		argv[0] = vmid;
		argv[1] = gfn;
		argv[2] = pfn;
		return op_assign_smmu;
	case 1:
		argv[0] = vmid;
		argv[1] = cbndx;
		argv[2] = 0;	      /* index: the one SMMU */
		argv[3] = gfn * PAGE; /* iova */
		argv[4] = pfn * PAGE | SMMU_PTE_BITS;
		return op_update_smmu;
	case 2:
		argv[0] = cbndx;
		argv[1] = 0;
		argv[2] = gfn * PAGE;
		return op_unmap_smmu;
	default:
		argv[0] = vmid;
		argv[1] = pfn;
		return op_clear;
	}
}

static const family families[] = {
	{"map_page_host", false, false, NULL, next_host_fault, NULL, NULL},
	{"map_page_host-first", false, false, NULL, next_first_host_fault, first_fault_epoch,
	 first_faults_distinct},
	{"assign+clear", true, false, NULL, next_assign_clear, NULL, NULL},
	{"assign+map", true, false, NULL, next_assign_map, NULL, NULL},
	{"grant+revoke", true, false, setup_grant_revoke, next_grant_revoke, NULL, NULL},
	{"map_vm_io", true, false, setup_map_vm_io, next_map_vm_io, NULL, NULL},
	{"smmu", true, true, NULL, next_smmu, NULL, NULL},
};
#define NFAM G_N_ELEMENTS(families)
#define FAM_REPLAY NFAM	   /* the family index of replay-jsonl */
#define FAM_PARSE (NFAM + 1) /* of parse-jsonl */
#define NFAM_ALL (NFAM + 2)

static double clock_s(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A time on both clocks: CPU time (user + sys) of this process, which
 * leaves out the time it waited for a CPU (other load; on a virtual
 * machine, the time the hypervisor gave its CPU to someone else, "steal"),
 * and the wall clock. */
typedef struct stamp {
	double cpu, wall;
} stamp;

static stamp now(void)
{
	return (stamp){clock_s(CLOCK_PROCESS_CPUTIME_ID), clock_s(CLOCK_MONOTONIC)};
}

static stamp since(stamp t0)
{
	stamp t = now();
	return (stamp){t.cpu - t0.cpu, t.wall - t0.wall};
}

static double tv_s(struct timeval tv) { return tv.tv_sec + tv.tv_usec / 1e6; }

/* The CPU time of a reaped child and the wall time since t0. */
static stamp child_time(const struct rusage *ru, stamp t0)
{
	return (stamp){tv_s(ru->ru_utime) + tv_s(ru->ru_stime), since(t0).wall};
}

/* One step; an error message (g_strdup'd) unless it ended ok. */
static char *step(hm_model *m, int cpu, int op, const hm_z *argv)
{
	hm_result r;
	char *err = NULL;
	if (hm_model_step_index(m, cpu, HM_LEVEL_HIGH, (size_t)op, argv, &r, &err) != HM_OK) {
		char *msg = g_strdup_printf("%s on cpu %d: %s", hm_op_name((size_t)op), cpu, err);
		hm_free(err);
		return msg;
	}
	if (r.kind != HM_RESULT_OK)
		return g_strdup_printf("%s on cpu %d ended %s%s%s%s%s", hm_op_name((size_t)op), cpu,
				       hm_result_kind_name(r.kind), r.rely ? ": " : "",
				       r.rely ? r.rely : "", r.where ? " in " : "",
				       r.where ? r.where : "");
	return NULL;
}

/* A timed step: step() under a name of its own, never inlined, so that
 * bench/instructions_per_step.sh can count inside it alone (callgrind
 * --toggle-collect=timed_step), leaving setup and rebuilds out. */
static __attribute__((noinline)) char *timed_step(hm_model *m, int cpu, int op, const hm_z *argv)
{
	return step(m, cpu, op, argv);
}

/* The pages grant+revoke works on belong to the VMs, round-robin. The
 * steps are spread over the CPUs like the timed ones, so that no view
 * starts the timed steps with all the assignments still to pull. */
static char *setup_grant_revoke(hm_model *m, const bench_cfg *c)
{
	for (long p = 0; p < shared_pages(c); p++) {
		hm_z a[3] = {vmid_of(p, c), 0x90000 + p, RAM_BASE / PAGE + 1 + p};
		char *err = step(m, (int)(p % c->cpus), op_assign, a);
		if (err)
			return err;
	}
	return NULL;
}

/* map_vm_io ends ok for a RAM page too (it then maps nothing): make sure
 * the device pages are none. */
static char *setup_map_vm_io(hm_model *m, const bench_cfg *c)
{
	hm_z ends[2] = {DEV_PFN, DEV_PFN + DEV_PAGES - 1};
	for (int k = 0; k < 2; k++)
		if (hm_model_s2page(m, 0, ends[k]).s2_owner != invalid_owner)
			return g_strdup("the device pages are not outside RAM");
	return NULL;
}

static hm_model *make_model(const family *f, const bench_cfg *c, char **err)
{
	hm_config *cf = hm_config_new();
	hm_config_clear_memory(cf);
	if (hm_config_add_memory(cf, RAM_BASE, c->pages * PAGE) != HM_OK ||
	    hm_config_set_cpus(cf, c->cpus) != HM_OK ||
	    (f->smmu && hm_config_add_smmu(cf, SMMU_BASE, SMMU_SIZE, SMMU_BANKS) != HM_OK)) {
		hm_config_free(cf);
		*err = g_strdup("the configuration was refused");
		return NULL;
	}
	char *e = NULL;
	hm_model *m = hm_model_new(cf, &e);
	hm_config_free(cf);
	if (!m) {
		*err = g_strdup(e);
		hm_free(e);
		return NULL;
	}
	hm_model_set_full_logs(m, full_logs);
	return m;
}

/* What a child sends back. */
typedef struct figures {
	long steps;
	stamp setup, run;
} figures;

/* A model for configuration c of family f, set up; NULL (message
 * printed) if it cannot be built or set up. */
static hm_model *fresh_model(const family *f, const bench_cfg *c)
{
	char *err = NULL;
	hm_model *m = make_model(f, c, &err);
	if (m && f->setup)
		err = f->setup(m, c);
	if (err) {
		fprintf(stderr, "bench: %s pages %ld vms %d cpus %d: setup: %s\n", f->name,
			c->pages, c->vms, c->cpus, err);
		g_free(err);
		hm_model_free(m);
		return NULL;
	}
	return m;
}

static void add_stamp(stamp *sum, stamp d)
{
	sum->cpu += d.cpu;
	sum->wall += d.wall;
}

/* The child's side: build, set up, time, report. Exit status 0 or 1.
 * A family with epochs gets a fresh state after each epoch; rebuilding
 * it counts as setup, not as run. */
static int child_run(const family *f, const bench_cfg *c, long steps, int out)
{
	figures fig = {.steps = steps};
	const char *wrong = f->check ? f->check(c) : NULL;
	if (wrong) {
		fprintf(stderr, "bench: %s pages %ld vms %d cpus %d: %s\n", f->name, c->pages,
			c->vms, c->cpus, wrong);
		return 1;
	}
	long epoch = f->epoch ? f->epoch(c) : 0;
	stamp t0 = now();
	hm_model *m = fresh_model(f, c);
	if (!m)
		return 1;
	add_stamp(&fig.setup, since(t0));
	hm_z argv[6];
	t0 = now();
	for (long i = 0; i < steps; i++) {
		if (epoch > 0 && i > 0 && i % epoch == 0) {
			add_stamp(&fig.run, since(t0));
			t0 = now();
			hm_model_free(m);
			m = fresh_model(f, c);
			if (!m)
				return 1;
			add_stamp(&fig.setup, since(t0));
			t0 = now();
		}
		int op = f->next(i, c, argv);
		int cpu = (int)(i % c->cpus);
		char *err = timed_step(m, cpu, op, argv);
		if (err) {
			fprintf(stderr, "bench: %s pages %ld vms %d cpus %d: step %ld: %s\n",
				f->name, c->pages, c->vms, c->cpus, i, err);
			return 1;
		}
	}
	add_stamp(&fig.run, since(t0));
	/* the model is left to _exit: freeing a million pages is not part
	 * of the measurement and would only delay the report */
	return write(out, &fig, sizeof fig) == (ssize_t)sizeof fig ? 0 : 1;
}

/* Waits for pid; true if it exited 0. *ru: its resource use (ru_maxrss:
 * its peak memory in KiB). */
static bool reap(pid_t pid, const char *what, struct rusage *ru)
{
	int status;
	memset(ru, 0, sizeof *ru);
	while (wait4(pid, &status, 0, ru) < 0) {
		if (errno != EINTR) {
			perror("bench: wait4");
			return false;
		}
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return true;
	if (WIFEXITED(status))
		fprintf(stderr, "bench: %s: exit status %d\n", what, WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		fprintf(stderr, "bench: %s: killed by signal %d\n", what, WTERMSIG(status));
	return false;
}

/* One row of the report. */
typedef struct row {
	size_t fam; /* index in families, or FAM_REPLAY */
	bench_cfg cfg;
	bool ok;
	long steps;
	double ns;	 /* per step, on the clock --wall chooses */
	double setup_s;	 /* the same clock */
	double wall_cpu; /* wall time / CPU time of the timed part */
	double peak_mib;
} row;

static void set_times(row *r, stamp setup, stamp run)
{
	r->ns = (wall_clock ? run.wall : run.cpu) * 1e9 / r->steps;
	r->setup_s = wall_clock ? setup.wall : setup.cpu;
	r->wall_cpu = run.cpu > 0 ? run.wall / run.cpu : 0;
}

/* Of two runs of a configuration, the faster, with the larger peak
 * memory; failed if either failed. */
static row best_of(row a, row b)
{
	row r = !a.ok ? a : !b.ok ? b : a.ns <= b.ns ? a : b;
	r.peak_mib = MAX(a.peak_mib, b.peak_mib);
	return r;
}

/* Runs body(arg, fd) in a child process, which sends its figures
 * through fd and exits 0; r with the times and peak memory filled in
 * (r.ok false if the child failed). */
static row run_in_child(row r, int (*body)(const void *arg, int out), const void *arg,
			const char *what)
{
	int fds[2];
	if (pipe(fds) != 0) {
		perror("bench: pipe");
		return r;
	}
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid < 0) {
		perror("bench: fork");
		close(fds[0]);
		close(fds[1]);
		return r;
	}
	if (pid == 0) {
		close(fds[0]);
		_exit(body(arg, fds[1]));
	}
	close(fds[1]);
	figures fig;
	ssize_t got = 0, n;
	while (got < (ssize_t)sizeof fig &&
	       ((n = read(fds[0], (char *)&fig + got, sizeof fig - got)) > 0 ||
		(n < 0 && errno == EINTR)))
		got += n > 0 ? n : 0;
	close(fds[0]);
	struct rusage ru;
	bool exited_ok = reap(pid, what, &ru);
	r.peak_mib = ru.ru_maxrss / 1024.0;
	if (exited_ok && got == (ssize_t)sizeof fig) {
		r.ok = true;
		set_times(&r, fig.setup, fig.run);
	}
	return r;
}

typedef struct config_run {
	const family *f;
	const bench_cfg *c;
	long steps;
} config_run;

static int config_body(const void *arg, int out)
{
	const config_run *run = arg;
	return child_run(run->f, run->c, run->steps, out);
}

/* Runs configuration c of family fi in a child process. */
static row run_config(size_t fi, const bench_cfg *c, long steps)
{
	row r = {.fam = fi, .cfg = *c, .steps = steps};
	config_run run = {&families[fi], c, steps};
	char *what = g_strdup_printf("%s pages %ld vms %d cpus %d", families[fi].name, c->pages,
				     c->vms, c->cpus);
	r = run_in_child(r, config_body, &run, what);
	g_free(what);
	return r;
}

/* fork + exec of argv with stdout on out_fd (-1: inherited); false if it
 * could not be started or did not exit 0. */
static bool run_command(char *const argv[], int out_fd, const char *what, struct rusage *ru)
{
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid < 0) {
		perror("bench: fork");
		return false;
	}
	if (pid == 0) {
		if (out_fd >= 0 && dup2(out_fd, STDOUT_FILENO) < 0)
			_exit(127);
		execvp(argv[0], argv);
		fprintf(stderr, "bench: %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	return reap(pid, what, ru);
}

static const char *cli_path = HM_BENCH_CLI, *gen_path = HM_BENCH_GEN;

/* Writes a trace of `steps` map_page_host steps over `pages` pages on
 * `cpus` CPUs into a new temporary file; its name (g_free it), or NULL
 * (message printed). *setup: the time the script took. */
static char *write_trace(long pages, int cpus, long steps, stamp *setup)
{
	GError *gerr = NULL;
	char *trace = NULL;
	int fd = g_file_open_tmp("hm-bench-XXXXXX.jsonl", &trace, &gerr);
	if (fd < 0) {
		fprintf(stderr, "bench: %s\n", gerr->message);
		g_error_free(gerr);
		return NULL;
	}
	char *what = g_strdup_printf("%s %ld %ld %d", gen_path, steps, pages, cpus);
	char steps_s[32], pages_s[32], cpus_s[16];
	snprintf(steps_s, sizeof steps_s, "%ld", steps);
	snprintf(pages_s, sizeof pages_s, "%ld", pages);
	snprintf(cpus_s, sizeof cpus_s, "%d", cpus);
	/* on one CPU the script is called as bench_replay.sh calls it */
	char *gen_argv[] = {"bash", (char *)gen_path, steps_s, pages_s, cpus > 1 ? cpus_s : NULL,
			    NULL};
	struct rusage ru;
	stamp t0 = now();
	bool ok = run_command(gen_argv, fd, what, &ru);
	close(fd);
	*setup = child_time(&ru, t0);
	g_free(what);
	if (!ok) {
		g_unlink(trace);
		g_free(trace);
		return NULL;
	}
	return trace;
}

/* Times the replay of the trace by the command as a whole: start,
 * parsing, steps, exit. */
static row time_replay(row r, const char *trace, stamp setup)
{
	char *what = g_strdup_printf(REPLAY " pages %ld cpus %d", r.cfg.pages, r.cfg.cpus);
	char *replay_argv[] = {(char *)cli_path, "replay", "--quiet", (char *)trace, NULL};
	bool ok = true;
	for (gint64 k = 0; ok && k < repeat; k++) {
		row once = r;
		struct rusage ru;
		stamp t0 = now();
		ok = once.ok = run_command(replay_argv, -1, what, &ru);
		set_times(&once, setup, child_time(&ru, t0));
		once.peak_mib = ru.ru_maxrss / 1024.0;
		r = k == 0 ? once : best_of(r, once);
	}
	g_free(what);
	return r;
}

typedef struct parse_run {
	const char *trace;
	long steps;
	stamp setup;
} parse_run;

/* jansson alone on the trace the replay reads: each line read by getline
 * and parsed by json_loadb as the command does (JSON_REJECT_DUPLICATES,
 * jansson on the small-object allocator), then freed. No step, no check:
 * the rate replay-jsonl would reach if everything but parsing were free,
 * its ceiling while the command reads JSON with jansson. */
static int parse_body(const void *arg, int out)
{
	const parse_run *p = arg;
	hm_json_use_small_alloc(); /* as the command's main does, first thing */
	FILE *fp = fopen(p->trace, "r");
	if (!fp) {
		fprintf(stderr, "bench: %s: %s\n", p->trace, strerror(errno));
		return 1;
	}
	figures fig = {.steps = p->steps, .setup = p->setup};
	char *buf = NULL;
	size_t cap = 0;
	ssize_t n;
	long lines = 0;
	stamp t0 = now();
	while ((n = getline(&buf, &cap, fp)) >= 0) {
		json_error_t jerr;
		json_t *j = json_loadb(buf, (size_t)n, JSON_REJECT_DUPLICATES, &jerr);
		if (!j) {
			fprintf(stderr, "bench: %s line %ld: %s\n", p->trace, lines + 1, jerr.text);
			break;
		}
		json_decref(j);
		lines++;
	}
	fig.run = since(t0);
	bool read_all = !ferror(fp) && feof(fp);
	fclose(fp);
	free(buf);
	/* the header line and one line a step */
	if (!read_all || lines != p->steps + 1) {
		fprintf(stderr, "bench: %s: read %ld lines of %ld\n", p->trace, lines,
			p->steps + 1);
		return 1;
	}
	return write(out, &fig, sizeof fig) == (ssize_t)sizeof fig ? 0 : 1;
}

static row time_parse(row r, const char *trace, stamp setup)
{
	char *what = g_strdup_printf(PARSE " pages %ld cpus %d", r.cfg.pages, r.cfg.cpus);
	parse_run p = {trace, r.steps, setup};
	row best = run_in_child(r, parse_body, &p, what);
	for (gint64 k = 1; k < repeat && best.ok; k++)
		best = best_of(best, run_in_child(r, parse_body, &p, what));
	g_free(what);
	return best;
}

static const char *fam_name(size_t fi)
{
	return fi == FAM_REPLAY ? REPLAY : fi == FAM_PARSE ? PARSE : families[fi].name;
}

static bool tsv;

static void print_header(void)
{
	if (tsv)
		printf("family\tpages\tvms\tcpus\tsteps_per_s\tns_per_step\tpeak_mib\tvs_first\t"
		       "setup_s\twall_per_cpu\n");
	else
		printf("%-19s %9s %4s %4s %11s %9s %9s %9s %8s %8s\n", "family", "pages", "vms",
		       "cpus", "steps/s", "ns/step", "peak MiB", "vs first", "setup s", "wall/cpu");
}

/* ratio < 0: no base to compare with */
static void print_row(const row *r, double ratio)
{
	char vms[16], ratio_s[32];
	if (r->cfg.vms > 0)
		snprintf(vms, sizeof vms, "%d", r->cfg.vms);
	else
		strcpy(vms, "-");
	if (ratio >= 0)
		snprintf(ratio_s, sizeof ratio_s, "%.2f", ratio);
	else
		strcpy(ratio_s, "-");
	const char *name = fam_name(r->fam);
	if (!r->ok) {
		if (tsv)
			printf("%s\t%ld\t%s\t%d\t-\t-\t%.1f\tfailed\t-\t-\n", name, r->cfg.pages,
			       vms, r->cfg.cpus, r->peak_mib);
		else
			printf("%-19s %9ld %4s %4d %11s %9s %9.1f %9s %8s %8s\n", name,
			       r->cfg.pages, vms, r->cfg.cpus, "-", "-", r->peak_mib, "FAILED", "-",
			       "-");
	} else if (tsv) {
		printf("%s\t%ld\t%s\t%d\t%.0f\t%.1f\t%.1f\t%s\t%.2f\t%.2f\n", name, r->cfg.pages,
		       vms, r->cfg.cpus, 1e9 / r->ns, r->ns, r->peak_mib, ratio_s, r->setup_s,
		       r->wall_cpu);
	} else {
		printf("%-19s %9ld %4s %4d %11.0f %9.0f %9.1f %9s %8.2f %8.2f\n", name,
		       r->cfg.pages, vms, r->cfg.cpus, 1e9 / r->ns, r->ns, r->peak_mib, ratio_s,
		       r->setup_s, r->wall_cpu);
	}
	fflush(stdout);
}

/* The row of the same family, VMs and CPUs at `pages`, if it succeeded. */
static const row *find_row(const GArray *rows, const row *like, long pages)
{
	for (guint k = 0; k < rows->len; k++) {
		const row *o = &g_array_index(rows, row, k);
		if (o->fam == like->fam && o->cfg.vms == like->cfg.vms &&
		    o->cfg.cpus == like->cfg.cpus && o->cfg.pages == pages && o->ok)
			return o;
	}
	return NULL;
}

static double ratio_to(const GArray *rows, const row *r, long first)
{
	const row *base = find_row(rows, r, first);
	return r->ok && base ? r->ns / base->ns : -1;
}

static void add_row(GArray *rows, row r, long first)
{
	g_array_append_val(rows, r);
	print_row(&r, ratio_to(rows, &r, first));
}

#define AT(a, k) g_array_index(a, long, k)

static long max_of(const GArray *a)
{
	long m = AT(a, 0);
	for (guint k = 1; k < a->len; k++)
		m = MAX(m, AT(a, k));
	return m;
}

/* Every configuration of family fi, sizes innermost so that the rows a
 * ratio compares are together. */
static void run_family(size_t fi, const GArray *sizes, const GArray *vms, const GArray *cpus,
		       long steps, GArray *rows)
{
	guint nvms = families[fi].uses_vms ? vms->len : 1;
	for (guint v = 0; v < nvms; v++)
		for (guint cp = 0; cp < cpus->len; cp++)
			for (guint s = 0; s < sizes->len; s++) {
				bench_cfg c = {.pages = AT(sizes, s), .cpus = (int)AT(cpus, cp)};
				if (families[fi].uses_vms)
					c.vms = (int)AT(vms, v);
				row r = run_config(fi, &c, steps);
				for (gint64 k = 1; k < repeat && r.ok; k++)
					r = best_of(r, run_config(fi, &c, steps));
				add_row(rows, r, AT(sizes, 0));
			}
}

/* Replay and parsing alone (as want[] asks) at every size, on 1 CPU and
 * on the most CPUs asked for. Both time the same trace, written once for
 * each size and CPU count; the rows come out family by family. */
static void run_trace_families(const GArray *sizes, const GArray *cpus, long steps,
			       const bool *want, GArray *rows)
{
	if (!want[FAM_REPLAY] && !want[FAM_PARSE])
		return;
	long most = max_of(cpus);
	int on[2] = {1, (int)most};
	row *replayed = g_new0(row, sizes->len), *parsed = g_new0(row, sizes->len);
	for (int k = 0; k < (most > 1 ? 2 : 1); k++) {
		for (guint s = 0; s < sizes->len; s++) {
			bench_cfg c = {AT(sizes, s), 0, on[k]};
			replayed[s] = (row){.fam = FAM_REPLAY, .cfg = c, .steps = steps};
			parsed[s] = (row){.fam = FAM_PARSE, .cfg = c, .steps = steps};
			stamp setup;
			char *trace = write_trace(c.pages, c.cpus, steps, &setup);
			if (!trace)
				continue;
			if (want[FAM_REPLAY])
				replayed[s] = time_replay(replayed[s], trace, setup);
			if (want[FAM_PARSE])
				parsed[s] = time_parse(parsed[s], trace, setup);
			g_unlink(trace);
			g_free(trace);
		}
		for (guint s = 0; want[FAM_REPLAY] && s < sizes->len; s++)
			add_row(rows, replayed[s], AT(sizes, 0));
		for (guint s = 0; want[FAM_PARSE] && s < sizes->len; s++)
			add_row(rows, parsed[s], AT(sizes, 0));
	}
	g_free(replayed);
	g_free(parsed);
}

/* For each replay-jsonl row with a parse-jsonl row of the same size and
 * CPUs: how much of the time a replayed line takes is jansson's parse,
 * that is, how close replay runs to the ceiling jansson puts on it. */
static void print_parse_share(const GArray *rows, const char *lead)
{
	bool any = false;
	for (guint k = 0; k < rows->len; k++) {
		const row *r = &g_array_index(rows, row, k);
		if (r->fam != FAM_REPLAY || !r->ok)
			continue;
		row like = *r;
		like.fam = FAM_PARSE;
		const row *p = find_row(rows, &like, r->cfg.pages);
		if (!p)
			continue;
		if (!any)
			printf("%sreplay-jsonl's rate as a share of parse-jsonl's (jansson alone on the "
			       "same lines):\n",
			       lead);
		any = true;
		printf("%s  %9ld pages, %d CPU%s: %.0f %%\n", lead, r->cfg.pages, r->cfg.cpus,
		       r->cfg.cpus > 1 ? "s" : "", 100 * p->ns / r->ns);
	}
}

/* Per family, the worst ratio between the largest and the first size;
 * then replay against parsing alone. */
static void print_summary(const GArray *rows, long first, long largest)
{
	const char *lead = tsv ? "# " : "";
	printf("%s\n", tsv ? "#" : "");
	if (wall_clock)
		printf("%stimes: wall clock\n", lead);
	else
		printf("%stimes: CPU time (user + sys) of the stepping process, or of the "
		       "replaying command; wall/cpu above 1 is time spent waiting for a CPU\n",
		       lead);
	printf("%sworst ns/step ratio, %ld pages vs %ld pages:\n", lead, largest, first);
	for (size_t fi = 0; fi < NFAM_ALL; fi++) {
		const row *worst = NULL;
		double worst_ratio = 0;
		bool any = false;
		for (guint k = 0; k < rows->len; k++) {
			const row *r = &g_array_index(rows, row, k);
			if (r->fam != fi || r->cfg.pages != largest)
				continue;
			any = true;
			double q = ratio_to(rows, r, first);
			if (q > worst_ratio) {
				worst_ratio = q;
				worst = r;
			}
		}
		if (!any)
			continue;
		if (!worst)
			printf("%s  %-19s -  (no successful pair)\n", lead, fam_name(fi));
		else if (worst->cfg.vms > 0)
			printf("%s  %-19s %.2fx  (vms %d, cpus %d)\n", lead, fam_name(fi),
			       worst_ratio, worst->cfg.vms, worst->cfg.cpus);
		else
			printf("%s  %-19s %.2fx  (cpus %d)\n", lead, fam_name(fi), worst_ratio,
			       worst->cfg.cpus);
	}
	print_parse_share(rows, lead);
}

/* "a,b,c" into longs in [min, max]; false (message printed) if not. */
static bool parse_list(const char *arg, const char *what, long min, long max, GArray *out)
{
	gchar **parts = g_strsplit(arg, ",", 0);
	bool ok = parts[0] != NULL;
	for (gchar **p = parts; ok && *p; p++) {
		gint64 v;
		if (!g_ascii_string_to_signed(g_strstrip(*p), 10, min, max, &v, NULL)) {
			fprintf(stderr, "bench: --%s: \"%s\" is not a number in %ld..%ld\n", what,
				*p, min, max);
			ok = false;
		} else {
			long l = (long)v;
			g_array_append_val(out, l);
		}
	}
	if (!parts[0])
		fprintf(stderr, "bench: --%s: empty list\n", what);
	g_strfreev(parts);
	return ok;
}

/* --families into a mask over families[], replay (FAM_REPLAY) and
 * parsing alone (FAM_PARSE). */
static bool parse_families(const char *arg, bool *want)
{
	gchar **parts = g_strsplit(arg, ",", 0);
	bool ok = parts[0] != NULL;
	for (gchar **p = parts; ok && *p; p++) {
		const char *name = g_strstrip(*p);
		size_t fi;
		for (fi = 0; fi < NFAM_ALL && strcmp(name, fam_name(fi)) != 0; fi++)
			;
		if (fi >= NFAM_ALL) {
			fprintf(stderr, "bench: --families: unknown family \"%s\" (known:", name);
			for (fi = 0; fi < NFAM_ALL; fi++)
				fprintf(stderr, " %s", fam_name(fi));
			fprintf(stderr, ")\n");
			ok = false;
		} else {
			want[fi] = true;
		}
	}
	if (!parts[0])
		fprintf(stderr, "bench: --families: empty list\n");
	g_strfreev(parts);
	return ok;
}

static bool look_up_ops(void)
{
	struct {
		int *index;
		const char *name;
	} ops[] = {
		{&op_map_page_host, "map_page_host"}, {&op_assign, "assign_pfn_to_vm"},
		{&op_clear, "clear_vm_page"},	      {&op_map_pfn_vm, "map_pfn_vm"},
		{&op_map_vm_io, "map_vm_io"},	      {&op_grant, "grant_vm_page"},
		{&op_revoke, "revoke_vm_page"},	      {&op_assign_smmu, "assign_pfn_to_smmu"},
		{&op_update_smmu, "update_smmu_page"}, {&op_unmap_smmu, "unmap_smmu_page"},
	};
	for (size_t k = 0; k < G_N_ELEMENTS(ops); k++) {
		*ops[k].index = hm_op_index(ops[k].name);
		if (*ops[k].index < 0) {
			fprintf(stderr, "bench: op %s is not in the op table\n", ops[k].name);
			return false;
		}
	}
	return hm_parse_z("INVALID", &invalid_owner) == HM_OK;
}

int main(int argc, char **argv)
{
	gint64 steps = 100000, replay_steps = 1000000;
	gchar *sizes_arg = NULL, *vms_arg = NULL, *cpus_arg = NULL, *fam_arg = NULL;
	gchar *cli_arg = NULL, *gen_arg = NULL;
	gboolean full_logs_arg = FALSE, tsv_arg = FALSE, wall_arg = FALSE;
	GOptionEntry entries[] = {
		{"steps", 0, 0, G_OPTION_ARG_INT64, &steps,
		 "Timed steps per configuration (100000)", "N"},
		{"sizes", 0, 0, G_OPTION_ARG_STRING, &sizes_arg,
		 "Pages of RAM (1024,65536,1048576)", "a,b,c"},
		{"vms", 0, 0, G_OPTION_ARG_STRING, &vms_arg, "VMs, 1 to 15 (1,4,15)", "a,b"},
		{"cpus", 0, 0, G_OPTION_ARG_STRING, &cpus_arg, "CPUs (1,8)", "a,b"},
		{"families", 0, 0, G_OPTION_ARG_STRING, &fam_arg,
		 "Op families to run (all): map_page_host, map_page_host-first, assign+clear, "
		 "assign+map, grant+revoke, map_vm_io, smmu, " REPLAY ", " PARSE,
		 "x,y"},
		{"full-logs", 0, 0, G_OPTION_ARG_NONE, &full_logs_arg,
		 "Keep every log event instead of compacting the logs", NULL},
		{"replay-steps", 0, 0, G_OPTION_ARG_INT64, &replay_steps,
		 "Steps of the replayed and parsed trace (1000000; 0: neither)", "N"},
		{"cli", 0, 0, G_OPTION_ARG_FILENAME, &cli_arg, "The hypsec-model binary", "PATH"},
		{"gen", 0, 0, G_OPTION_ARG_FILENAME, &gen_arg,
		 "The trace script (gen_long_trace.sh)", "PATH"},
		{"tsv", 0, 0, G_OPTION_ARG_NONE, &tsv_arg, "Tab-separated output", NULL},
		{"wall", 0, 0, G_OPTION_ARG_NONE, &wall_arg,
		 "Time by the wall clock instead of CPU time", NULL},
		{"repeat", 0, 0, G_OPTION_ARG_INT64, &repeat,
		 "Run each configuration N times and keep the fastest (1)", "N"},
		{NULL, 0, 0, 0, NULL, NULL, NULL},
	};
	GOptionContext *ctx = g_option_context_new("- benchmark the MemManager steps and replay");
	g_option_context_add_main_entries(ctx, entries, NULL);
	GError *gerr = NULL;
	if (!g_option_context_parse(ctx, &argc, &argv, &gerr)) {
		fprintf(stderr, "bench: %s\n", gerr->message);
		return 2;
	}
	g_option_context_free(ctx);
	if (argc > 1) {
		fprintf(stderr, "bench: unexpected argument %s\n", argv[1]);
		return 2;
	}
	full_logs = full_logs_arg;
	tsv = tsv_arg;
	wall_clock = wall_arg;
	if (cli_arg)
		cli_path = cli_arg;
	if (gen_arg)
		gen_path = gen_arg;

	GArray *sizes = g_array_new(FALSE, FALSE, sizeof(long));
	GArray *vms = g_array_new(FALSE, FALSE, sizeof(long));
	GArray *cpus = g_array_new(FALSE, FALSE, sizeof(long));
	bool want[NFAM_ALL] = {false};
	/* 2 pages at least: the first page of RAM is never used (ram_pfn);
	 * at most what fits below KVM_PHYS_SIZE (1 TiB) above RAM_BASE */
	long max_pages = ((1LL << 40) - RAM_BASE) / PAGE;
	bool ok = parse_list(sizes_arg ? sizes_arg : "1024,65536,1048576", "sizes", 2, max_pages,
			     sizes) &&
		  parse_list(vms_arg ? vms_arg : "1,4,15", "vms", 1, MAX_VMS, vms) &&
		  parse_list(cpus_arg ? cpus_arg : "1,8", "cpus", 1, 1024, cpus);
	if (ok && fam_arg)
		ok = parse_families(fam_arg, want);
	else if (ok)
		for (size_t fi = 0; fi < NFAM_ALL; fi++)
			want[fi] = true;
	/* the model's own bound on CPUs (TOTAL_CPU) */
	hm_config *probe = hm_config_new();
	for (guint k = 0; ok && k < cpus->len; k++)
		if (hm_config_set_cpus(probe, (int)g_array_index(cpus, long, k)) != HM_OK) {
			fprintf(stderr, "bench: --cpus: the model does not take %ld CPUs\n",
				g_array_index(cpus, long, k));
			ok = false;
		}
	hm_config_free(probe);
	if (ok && steps < 1) {
		fprintf(stderr, "bench: --steps: must be at least 1\n");
		ok = false;
	}
	if (ok && repeat < 1) {
		fprintf(stderr, "bench: --repeat: must be at least 1\n");
		ok = false;
	}
	if (ok && replay_steps < 0) {
		fprintf(stderr, "bench: --replay-steps: must be 0 or more\n");
		ok = false;
	}
	if (!ok)
		return 2;
	if (!look_up_ops()) {
		fprintf(stderr, "bench: the MemManager ops are not in the op table\n");
		return 2;
	}

	long first = g_array_index(sizes, long, 0), largest = max_of(sizes);
	GArray *rows = g_array_new(FALSE, FALSE, sizeof(row));
	print_header();
	for (size_t fi = 0; fi < NFAM; fi++)
		if (want[fi])
			run_family(fi, sizes, vms, cpus, (long)steps, rows);
	if (replay_steps > 0)
		run_trace_families(sizes, cpus, (long)replay_steps, want, rows);
	print_summary(rows, first, largest);

	int failed = 0;
	for (guint k = 0; k < rows->len; k++)
		failed += !g_array_index(rows, row, k).ok;
	if (failed)
		fprintf(stderr, "bench: %d configuration%s failed\n", failed,
			failed > 1 ? "s" : "");
	g_array_free(rows, TRUE);
	g_array_free(sizes, TRUE);
	g_array_free(vms, TRUE);
	g_array_free(cpus, TRUE);
	g_free(sizes_arg);
	g_free(vms_arg);
	g_free(cpus_arg);
	g_free(fam_arg);
	g_free(cli_arg);
	g_free(gen_arg);
	return failed ? 1 : 0;
}
