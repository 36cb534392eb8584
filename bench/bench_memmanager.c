/* Benchmark of MemManager high-level steps through the public C API.
 *
 * For each state size (pages of RAM the model tracks) and op family it
 * reports steps per second, the resident memory after the run, and the
 * ratio of the per-step cost to that at the smallest size (DESIGN.md:
 * within 1.5x at 1M pages of the cost at 1K). It also checks that every
 * step did what the family expects (ok, never stuck), so a fast but wrong
 * run cannot pass for a measurement.
 *
 *   bench_memmanager [--steps N] [--sizes 1024,65536,1048576] [--cpus C] [--full-logs]
 *
 * Logs are compacted (the model's bounded-memory mode) unless --full-logs.
 */
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hypsec_model.h"

#define RAM_BASE 0x40000000LL
#define PAGE 4096LL
#define VM 1

typedef struct family {
	const char *name;
	/* fills op and argv for step i; returns the op index */
	int (*next)(long i, long pages, hm_z *argv);
} family;

static int op_map_page_host, op_assign, op_clear, op_grant, op_revoke;

static hm_z pfn_of(long i, long pages) { return RAM_BASE / PAGE + 1 + (i % (pages - 1)); }

/* A host stage-2 fault on a host page: maps it in the host NPT. */
static int next_host_fault(long i, long pages, hm_z *argv)
{
	argv[0] = pfn_of(i * 7919, pages) * PAGE; /* addr */
	return op_map_page_host;
}

/* Assign a page to the VM, then scrub it back to the host. */
static int next_assign_clear(long i, long pages, hm_z *argv)
{
	hm_z pfn = pfn_of(i / 2 * 104729, pages);
	if (i % 2 == 0) {
		argv[0] = VM;
		argv[1] = 0x80000 + (i / 2) % 0x10000; /* gfn */
		argv[2] = pfn;
		return op_assign;
	}
	argv[0] = VM;
	argv[1] = pfn;
	return op_clear;
}

/* Grant a VM page to the host and revoke it (pages assigned beforehand). */
static int next_grant_revoke(long i, long pages, hm_z *argv)
{
	long npages = pages - 1 < 256 ? pages - 1 : 256;
	argv[0] = VM;
	argv[1] = RAM_BASE / PAGE + 1 + (i / 2) % npages;
	return i % 2 == 0 ? op_grant : op_revoke;
}

static const family families[] = {
	{"map_page_host", next_host_fault},
	{"assign+clear", next_assign_clear},
	{"grant+revoke", next_grant_revoke},
};

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static long rss_kib(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	long pages = 0, resident = 0;
	if (f) {
		if (fscanf(f, "%ld %ld", &pages, &resident) != 2)
			resident = 0;
		fclose(f);
	}
	return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

static bool full_logs;

static hm_model *make_model(long pages, int cpus)
{
	hm_config *c = hm_config_new();
	hm_config_clear_memory(c);
	hm_config_add_memory(c, RAM_BASE, pages * PAGE);
	hm_config_set_cpus(c, cpus);
	char *err = NULL;
	hm_model *m = hm_model_new(c, &err);
	hm_config_free(c);
	if (!m) {
		fprintf(stderr, "bench: %s\n", err);
		exit(2);
	}
	hm_model_set_full_logs(m, full_logs);
	return m;
}

static void step_or_die(hm_model *m, int cpu, int op, const hm_z *argv, const char *what)
{
	hm_result r;
	char *err = NULL;
	if (hm_model_step_index(m, cpu, HM_LEVEL_HIGH, (size_t)op, argv, &r, &err) != HM_OK) {
		fprintf(stderr, "bench: %s: %s\n", what, err);
		exit(2);
	}
	if (r.kind != HM_RESULT_OK) {
		fprintf(stderr, "bench: %s: step ended %s%s%s\n", what, hm_result_kind_name(r.kind),
			r.rely ? " at rely " : "", r.rely ? r.rely : "");
		exit(1);
	}
}

int main(int argc, char **argv)
{
	long steps = 200000;
	int cpus = 1;
	const char *sizes_arg = "1024,65536,1048576";
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--steps") == 0 && i + 1 < argc)
			steps = atol(argv[++i]);
		else if (strcmp(argv[i], "--sizes") == 0 && i + 1 < argc)
			sizes_arg = argv[++i];
		else if (strcmp(argv[i], "--cpus") == 0 && i + 1 < argc)
			cpus = atoi(argv[++i]);
		else if (strcmp(argv[i], "--full-logs") == 0)
			full_logs = true;
		else {
			fprintf(stderr, "usage: %s [--steps N] [--sizes a,b,c] [--cpus C] [--full-logs]\n", argv[0]);
			return 2;
		}
	}
	op_map_page_host = hm_op_index("map_page_host");
	op_assign = hm_op_index("assign_pfn_to_vm");
	op_clear = hm_op_index("clear_vm_page");
	op_grant = hm_op_index("grant_vm_page");
	op_revoke = hm_op_index("revoke_vm_page");
	if (op_map_page_host < 0 || op_assign < 0 || op_clear < 0 || op_grant < 0 || op_revoke < 0) {
		fprintf(stderr, "bench: the MemManager ops are not in the op table\n");
		return 2;
	}
	gchar **sizes = g_strsplit(sizes_arg, ",", 0);
	double base_ns[G_N_ELEMENTS(families)] = {0};
	printf("%-14s %10s %6s %12s %10s %10s %8s\n", "family", "pages", "cpus", "steps/s", "ns/step",
	       "rss MiB", "vs first");
	for (gchar **s = sizes; *s; s++) {
		long pages = atol(*s);
		if (pages < 2) {
			fprintf(stderr, "bench: size %s too small\n", *s);
			return 2;
		}
		for (size_t f = 0; f < G_N_ELEMENTS(families); f++) {
			hm_model *m = make_model(pages, cpus);
			if (families[f].next == next_grant_revoke) {
				/* the pages grant/revoke works on belong to the VM */
				long npages = pages - 1 < 256 ? pages - 1 : 256;
				for (long p = 0; p < npages; p++) {
					hm_z a[3] = {VM, 0x90000 + p, RAM_BASE / PAGE + 1 + p};
					step_or_die(m, 0, op_assign, a, "setup assign");
				}
			}
			hm_z args[6];
			double t0 = now();
			for (long i = 0; i < steps; i++) {
				int op = families[f].next(i, pages, args);
				step_or_die(m, (int)(i % cpus), op, args, families[f].name);
			}
			double dt = now() - t0;
			double ns = dt * 1e9 / steps;
			if (s == sizes)
				base_ns[f] = ns;
			printf("%-14s %10ld %6d %12.0f %10.0f %10.1f %8.2f\n", families[f].name, pages, cpus,
			       steps / dt, ns, rss_kib() / 1024.0, ns / base_ns[f]);
			fflush(stdout);
			hm_model_free(m);
		}
	}
	g_strfreev(sizes);
	return 0;
}
