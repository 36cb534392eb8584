/* The linked checker (include/hypsec_check.h): results, each kind of
 * observation matched and mismatched, the divergence reports (operation
 * number, op, CPU, arguments, text), the callback and its limit, the
 * up-to-date view other CPUs observe, and bad arguments.
 *
 * Every checker here runs over the test RAM, 16 MiB at 0x40000000 (pfns
 * 0x40000..0x40fff), where the initial page of pfn p is
 * {HOSTVISOR, 0, p + SMMU_HOST_OFFSET} and every other pfn is
 * {INVALID, 0, INVALID64} (TRACE-FORMAT.md). The expected model values are
 * worked out from the seed by hand next to each case. */
#include "hm_test.h"

#include <string.h>

#include "hypsec_check.h"

#define P1 ((hm_z)0x40001)
#define P2 ((hm_z)0x40002)
#define VM ((hm_z)1)

/* the three statuses, short */
#define CK_OK HM_CHECK_OK
#define CK_DIV HM_CHECK_DIVERGED
#define CK_BAD HM_CHECK_EINVAL

/* ---- recording divergences ---- */

#define MAX_REC 8

typedef struct rec {
	int calls;
	size_t number[MAX_REC], op_number[MAX_REC], nargs[MAX_REC];
	int cpu[MAX_REC], observer[MAX_REC];
	hm_divergence_kind kind[MAX_REC];
	char op[MAX_REC][32], path[MAX_REC][80], impl[MAX_REC][80], model[MAX_REC][80];
	char text[MAX_REC][200], report[MAX_REC][400];
	char arg_name[MAX_REC][HM_OP_MAX_ARGS][16];
	hm_z arg_value[MAX_REC][HM_OP_MAX_ARGS];
} rec;

static void record(const hm_divergence *d, void *ctx)
{
	rec *r = ctx;
	int i = r->calls++;
	if (i >= MAX_REC)
		return;
	r->number[i] = d->number;
	r->op_number[i] = d->op_number;
	r->nargs[i] = d->nargs;
	r->cpu[i] = d->cpu;
	r->observer[i] = d->observer_cpu;
	r->kind[i] = d->kind;
	snprintf(r->op[i], sizeof r->op[i], "%s", d->op ? d->op : "(none)");
	snprintf(r->path[i], sizeof r->path[i], "%s", d->path);
	snprintf(r->impl[i], sizeof r->impl[i], "%s", d->implementation);
	snprintf(r->model[i], sizeof r->model[i], "%s", d->model);
	snprintf(r->text[i], sizeof r->text[i], "%s", d->text);
	snprintf(r->report[i], sizeof r->report[i], "%s", d->report);
	for (size_t a = 0; a < d->nargs && a < HM_OP_MAX_ARGS; a++) {
		snprintf(r->arg_name[i][a], sizeof r->arg_name[i][a], "%s", d->args[a].name);
		r->arg_value[i][a] = d->args[a].value;
	}
}

/* A checker over the test RAM reporting into r (report_limit: see the
 * header; 0 means the first divergence only). */
static hm_checker *checker(int cpus, size_t report_limit, rec *r)
{
	hm_checker_region ram = {T_RAM_BASE, T_RAM_SIZE};
	hm_checker_config cfg = {.cpus = cpus, .memory = &ram, .nmemory = 1,
				 .report_limit = report_limit};
	char *err = NULL;
	hm_checker *c = hm_checker_new(&cfg, &err);
	assert_non_null(c);
	if (r) {
		memset(r, 0, sizeof *r);
		hm_checker_on_divergence(c, record, r);
	}
	return c;
}

static hm_check_status assign(hm_checker *c, int cpu, hm_z vmid, hm_z gfn, hm_z pfn,
			      hm_result_kind observed)
{
	hm_arg a[] = {{"vmid", vmid}, {"gfn", gfn}, {"pfn", pfn}};
	return hm_checker_op(c, cpu, "assign_pfn_to_vm", a, 3, observed);
}

static hm_check_status map_host(hm_checker *c, int cpu, hm_z addr, hm_result_kind observed)
{
	hm_arg a[] = {{"addr", addr}};
	return hm_checker_op(c, cpu, "map_page_host", a, 1, observed);
}

static hm_check_status map_vm(hm_checker *c, hm_z vmid, hm_z addr, hm_z pte, hm_z level)
{
	hm_arg a[] = {{"vmid", vmid}, {"addr", addr}, {"pte", pte}, {"level", level}};
	return hm_checker_op(c, 0, "map_pfn_vm", a, 4, HM_RESULT_OK);
}

/* ---- configuration ---- */

static void test_config(void **state)
{
	(void)state;
	char *err = NULL;
	/* NULL: every default: one CPU, 1 GiB of RAM at 0x40000000, so pfn
	 * 0x7ffff is the host's last page and 0x80000 is no RAM */
	hm_checker *c = hm_checker_new(NULL, &err);
	assert_non_null(c);
	assert_int_equal(hm_model_cpus(hm_checker_model(c)), 1);
	assert_int_equal(hm_checker_observe_page(c, 0, 0x7ffff, HOSTVISOR, 0,
						 0x7ffff + SMMU_HOST_OFFSET),
			 CK_OK);
	assert_int_equal(hm_checker_observe_page(c, 0, 0x80000, INVALID, 0, INVALID64), CK_OK);
	assert_int_equal(hm_checker_observe_halt(c, 1, false), CK_BAD);
	hm_checker_free(c);

	hm_checker_config cfg = {.cpus = 9};
	assert_null(hm_checker_new(&cfg, &err));
	assert_string_equal(err, "cpus: 9 is not in 1..8");
	hm_free(err);

	hm_checker_region bad = {0x40000800, 0x1000}; /* not page-aligned */
	cfg = (hm_checker_config){.memory = &bad, .nmemory = 1};
	assert_null(hm_checker_new(&cfg, &err));
	assert_non_null(strstr(err, "memory[0]"));
	hm_free(err);

	cfg = (hm_checker_config){.nsmmu = 1};
	assert_null(hm_checker_new(&cfg, &err));
	assert_non_null(strstr(err, "smmu"));
	hm_free(err);

	cfg = (hm_checker_config){.level = HM_LEVEL_BOTH};
	assert_null(hm_checker_new(&cfg, &err));
	assert_non_null(strstr(err, "level"));
	hm_free(err);
}

/* ---- results ---- */

static void test_result_agrees(void **state)
{
	(void)state;
	rec r;
	hm_checker *c = checker(1, 0, &r);
	/* assign_pfn_to_vm on a host page of count 0 that the host never
	 * mapped: Some, halt false -> ok */
	assert_int_equal(assign(c, 0, VM, 0x80000, P1, HM_RESULT_OK), CK_OK);
	assert_int_equal(hm_checker_ops(c), 1);
	assert_int_equal(hm_checker_divergences(c), 0);
	assert_int_equal(r.calls, 0);
	assert_null(hm_checker_first_divergence(c));
	hm_checker_free(c);
}

static void test_result_halt_diverges(void **state)
{
	(void)state;
	rec r;
	hm_checker *c = checker(1, 0, &r);
	assert_int_equal(assign(c, 0, VM, 0x80000, P1, HM_RESULT_OK), CK_OK);
	/* map_page_host on P1: owner 1 is neither INVALID nor HOSTVISOR and
	 * the count is 0 -> the halting arm: halt */
	assert_int_equal(map_host(c, 0, P1 * PAGE_SIZE, HM_RESULT_OK), CK_DIV);
	assert_int_equal(r.calls, 1);
	assert_int_equal(r.number[0], 1);
	assert_int_equal(r.op_number[0], 2);
	assert_string_equal(r.op[0], "map_page_host");
	assert_int_equal(r.cpu[0], 0);
	assert_int_equal(r.kind[0], HM_DIV_RESULT);
	assert_string_equal(r.text[0], "result: implementation ok, model halt");
	assert_int_equal(r.nargs[0], 1);
	assert_string_equal(r.arg_name[0][0], "addr");
	assert_z_equal(r.arg_value[0][0], 0x40001000);
	/* the model went on: its core is halted */
	assert_int_equal(hm_checker_observe_halt(c, 0, true), CK_OK);
	hm_checker_free(c);
}

static void test_result_rely(void **state)
{
	(void)state;
	rec r;
	hm_checker *c = checker(1, 0, &r);
	/* clear_vm_page with pfn = KVM_PFN_SPACE: rely is_pfn pfn fails */
	hm_arg a[] = {{"vmid", VM}, {"pfn", (hm_z)1 << 28}};
	assert_int_equal(hm_checker_op(c, 0, "clear_vm_page", a, 2, HM_RESULT_RELY), CK_OK);
	assert_int_equal(hm_checker_op(c, 0, "clear_vm_page", a, 2, HM_RESULT_OK),
			 CK_DIV);
	assert_int_equal(r.op_number[0], 2);
	assert_string_equal(r.text[0],
			    "result: implementation ok, "
			    "model rely (is_pfn(pfn) in clear_vm_page_spec)");
	hm_checker_free(c);
}

static void test_result_stuck(void **state)
{
	(void)state;
	rec r;
	hm_checker *c = checker(2, 0, &r);
	assert_int_equal(assign(c, 0, VM, 0x80000, P1, HM_RESULT_OK), CK_OK);
	/* CPU 1 halts in map_page_host's ownership check with the S2PAGE lock
	 * taken (WAIT_LOCK logged, no REL_LOCK) */
	assert_int_equal(map_host(c, 1, P1 * PAGE_SIZE, HM_RESULT_HALT), CK_OK);
	/* CPU 0's grant_vm_page: H_CalLock of the S2PAGE log is held by CPU 1,
	 * not Some (_, LEMPTY, None) -> None, not from a rely: stuck */
	hm_arg g[] = {{"vmid", VM}, {"pfn", P1}};
	assert_int_equal(hm_checker_op(c, 0, "grant_vm_page", g, 2, HM_RESULT_STUCK), CK_OK);
	assert_int_equal(hm_checker_op(c, 0, "grant_vm_page", g, 2, HM_RESULT_OK),
			 CK_DIV);
	assert_string_equal(r.text[0],
			    "result: implementation ok, model stuck (in grant_vm_page_spec)");
	/* the halted core answers halt to everything */
	assert_int_equal(hm_checker_op(c, 1, "grant_vm_page", g, 2, HM_RESULT_HALT), CK_OK);
	assert_int_equal(hm_checker_divergences(c), 1);
	hm_checker_free(c);
}

static void test_result_low_level(void **state)
{
	(void)state;
	hm_checker_region ram = {T_RAM_BASE, T_RAM_SIZE};
	hm_checker_config cfg = {.memory = &ram, .nmemory = 1, .level = HM_LEVEL_LOW};
	hm_checker *c = hm_checker_new(&cfg, NULL);
	assert_non_null(c);
	/* assign_pfn_to_vm_spec0 ends in the same state: page {1, 0, 0x80000} */
	assert_int_equal(assign(c, 0, VM, 0x80000, P1, HM_RESULT_OK), CK_OK);
	assert_int_equal(hm_checker_observe_page(c, 0, P1, VM, 0, 0x80000), CK_OK);
	assert_int_equal(hm_checker_observe_page(c, 0, P1, HOSTVISOR, 0, 0x80000), CK_DIV);
	hm_checker_free(c);
}

/* ---- page observations ---- */

static void test_observe_page(void **state)
{
	(void)state;
	rec r;
	hm_checker *c = checker(1, SIZE_MAX, &r);
	/* before any operation: the initial host page, and an MMIO pfn */
	assert_int_equal(hm_checker_observe_page(c, 0, P1, HOSTVISOR, 0, P1 + SMMU_HOST_OFFSET),
			 CK_OK);
	assert_int_equal(hm_checker_observe_page(c, 0, 0x9000, INVALID, 0, INVALID64), CK_OK);
	/* assign: s2page[P1] = mkS2Page 1 0 0x80000 */
	assert_int_equal(assign(c, 0, VM, 0x80000, P1, HM_RESULT_OK), CK_OK);
	assert_int_equal(hm_checker_observe_page(c, 0, P1, VM, 0, 0x80000), CK_OK);
	/* fields the implementation does not keep are not compared */
	assert_int_equal(hm_checker_observe_page(c, 0, P1, VM, HM_UNOBSERVED, HM_UNOBSERVED),
			 CK_OK);
	assert_int_equal(r.calls, 0);
	/* a wrong owner: one divergence, on that field */
	assert_int_equal(hm_checker_observe_page(c, 0, P1, HOSTVISOR, 0, 0x80000), CK_DIV);
	assert_int_equal(r.calls, 1);
	assert_int_equal(r.kind[0], HM_DIV_PAGE);
	assert_int_equal(r.op_number[0], 1);
	assert_string_equal(r.op[0], "assign_pfn_to_vm");
	assert_int_equal(r.observer[0], 0);
	assert_string_equal(r.path[0], "shared.s2page[0x40001].s2_owner");
	assert_string_equal(r.impl[0], "0");
	assert_string_equal(r.model[0], "1");
	assert_string_equal(r.text[0],
			    "shared.s2page[0x40001].s2_owner: implementation 0, model 1");
	/* every field wrong: one divergence each */
	assert_int_equal(hm_checker_observe_page(c, 0, P1, 2, 7, 0x80001), CK_DIV);
	assert_int_equal(r.calls, 4);
	assert_string_equal(r.text[2],
			    "shared.s2page[0x40001].s2_count: implementation 7, model 0");
	assert_string_equal(r.text[3],
			    "shared.s2page[0x40001].s2_gfn: implementation 0x80001, model 0x80000");
	assert_int_equal(hm_checker_divergences(c), 4);
	hm_checker_free(c);
}

static void test_observe_before_first_op(void **state)
{
	(void)state;
	rec r;
	hm_checker *c = checker(1, 0, &r);
	/* the initial gfn of P1 is 0x40001 + 10^9 = 0x3b9eca01 */
	assert_int_equal(hm_checker_observe_page(c, 0, P1, HOSTVISOR, 0, P1), CK_DIV);
	assert_int_equal(r.op_number[0], 0);
	assert_string_equal(r.op[0], "(none)");
	assert_int_equal(r.cpu[0], -1);
	assert_int_equal(r.nargs[0], 0);
	assert_string_equal(r.report[0],
			    "divergence 1 before the first operation, observed on cpu 0:\n"
			    "  shared.s2page[0x40001].s2_gfn: "
			    "implementation 0x40001, model 0x3b9eca01");
	hm_checker_free(c);
}

/* ---- stage-2 observations ---- */

static void test_observe_s2_page(void **state)
{
	(void)state;
	rec r;
	hm_checker *c = checker(1, SIZE_MAX, &r);
	/* map_pfn_vm 1 0x80000000 0x40001000 3: pte' = phys_page pte lor
	 * PAGE_S2_KERNEL = 0x40001fff; local_mmap level 3 sets pt[0x80000] =
	 * (0x40001, 3, 0x40001fff) */
	assert_int_equal(map_vm(c, VM, 0x80000000, 0x40001000, 3), CK_OK);
	assert_int_equal(hm_checker_observe_s2(c, 0, VM, 0x80000, true, P1, 3, 0x40001fff),
			 CK_OK);
	assert_int_equal(hm_checker_observe_s2(c, 0, VM, 0x80000, true, P1, HM_UNOBSERVED,
					       HM_UNOBSERVED),
			 CK_OK);
	/* a gfn never mapped: pt default (0, 0, 0), phys_page 0 */
	assert_int_equal(hm_checker_observe_s2(c, 0, VM, 0x80001, false, 0, 0, 0), CK_OK);
	assert_int_equal(r.calls, 0);

	assert_int_equal(hm_checker_observe_s2(c, 0, VM, 0x80000, false, 0, 0, 0), CK_DIV);
	assert_int_equal(r.kind[0], HM_DIV_S2);
	assert_string_equal(r.path[0], "shared.npts[1].pt[0x80000]");
	assert_string_equal(r.text[0], "shared.npts[1].pt[0x80000]: implementation unmapped, "
				       "model [0x40001, 3, 0x40001fff]");
	assert_int_equal(hm_checker_observe_s2(c, 0, VM, 0x80000, true, P1, 3, 0x40001000),
			 CK_DIV);
	assert_string_equal(r.text[1], "shared.npts[1].pt[0x80000]: implementation "
				       "[0x40001, 3, 0x40001000], model [0x40001, 3, 0x40001fff]");
	assert_int_equal(hm_checker_observe_s2(c, 0, VM, 0x80001, true, P2, HM_UNOBSERVED,
					       0x40002fff),
			 CK_DIV);
	assert_string_equal(r.text[2], "shared.npts[1].pt[0x80001]: implementation "
				       "[0x40002, _, 0x40002fff], model unmapped");
	hm_checker_free(c);
}

static void test_observe_s2_page_guest(void **state)
{
	(void)state;
	rec r;
	hm_checker *c = checker(1, 0, &r);
	/* the host maps P2: pt[P2] = (P2, 3, 0x40002fff) in NPT 0 */
	assert_int_equal(map_host(c, 0, P2 * PAGE_SIZE, HM_RESULT_OK), CK_OK);
	assert_int_equal(hm_checker_observe_s2(c, 0, HOSTVISOR, P2, true, P2, 3, 0x40002fff),
			 CK_OK);
	/* assign takes it: phys_page of the host pte is not 0, so local_mmap
	 * HOSTVISOR (P2 * PAGE_SIZE) 3 PAGE_GUEST writes (0, 3, PAGE_GUEST),
	 * whose phys_page is 0: unmapped */
	assert_int_equal(assign(c, 0, VM, 0x80002, P2, HM_RESULT_OK), CK_OK);
	assert_int_equal(hm_checker_observe_s2(c, 0, HOSTVISOR, P2, false, HM_UNOBSERVED,
					       HM_UNOBSERVED, HM_UNOBSERVED),
			 CK_OK);
	assert_int_equal(hm_checker_observe_s2(c, 0, HOSTVISOR, P2, true, P2, 3, 0x40002fff),
			 CK_DIV);
	assert_string_equal(r.text[0], "shared.npts[0].pt[0x40002]: implementation "
				       "[0x40002, 3, 0x40002fff], "
				       "model unmapped [0, 3, 0x200000000000000]");
	assert_int_equal(r.op_number[0], 2);
	hm_checker_free(c);
}

static void test_observe_s2_block(void **state)
{
	(void)state;
	rec r;
	hm_checker *c = checker(1, 0, &r);
	/* map_pfn_vm level 2 at 0x80200000 with pte 0x40200000: pte' =
	 * (0x40200000 lor 0xfff) land NOT_PMD_TABLE_BIT = 0x40200ffd;
	 * local_mmap level 2 writes gfn 0x80200 + i -> (0x40200 + i, 2, pte')
	 * for i < 512 */
	assert_int_equal(map_vm(c, VM, 0x80200000, 0x40200000, 2), CK_OK);
	assert_int_equal(hm_checker_observe_s2(c, 0, VM, 0x80205, true, 0x40205, 2, 0x40200ffd),
			 CK_OK);
	assert_int_equal(hm_checker_observe_s2(c, 0, VM, 0x803ff, true, 0x403ff, 2, 0x40200ffd),
			 CK_OK);
	assert_int_equal(hm_checker_observe_s2(c, 0, VM, 0x80400, false, 0, 0, 0), CK_OK);
	/* the block's first page for every gfn in it is wrong */
	assert_int_equal(hm_checker_observe_s2(c, 0, VM, 0x80205, true, 0x40200, 2, 0x40200ffd),
			 CK_DIV);
	assert_string_equal(r.text[0], "shared.npts[1].pt[0x80205]: implementation "
				       "[0x40200, 2, 0x40200ffd], model [0x40205, 2, 0x40200ffd]");
	hm_checker_free(c);
}

/* ---- SMMU observations ---- */

static void test_observe_smmu(void **state)
{
	(void)state;
	rec r;
	hm_checker *c = checker(1, SIZE_MAX, &r);
	assert_int_equal(assign(c, 0, VM, 0x80000, P1, HM_RESULT_OK), CK_OK);
	/* update_smmu_page vmid 1, cbndx 0, index 0, iova 0x80000000, pte
	 * 0x40001003: pfn = 0x40001 whose owner is 1 and gfn 0x80000 = iova /
	 * PAGE_SIZE, so local_spt_map writes spt_pt[SMMU_TTBR 0 0 = 0x10000]
	 * [0x80000] = (0x40001, 0x40001003), cursors within the pool */
	hm_arg u[] = {{"vmid", VM}, {"cbndx", 0}, {"index", 0}, {"iova", 0x80000000},
		      {"pte", 0x40001003}};
	assert_int_equal(hm_checker_op(c, 0, "update_smmu_page", u, 5, HM_RESULT_OK), CK_OK);
	assert_int_equal(hm_checker_observe_smmu(c, 0, 0, 0, 0x80000000, true, P1, 0x40001003),
			 CK_OK);
	/* another context bank holds nothing */
	assert_int_equal(hm_checker_observe_smmu(c, 0, 0, 1, 0x80000000, false, 0, 0), CK_OK);
	assert_int_equal(r.calls, 0);
	assert_int_equal(hm_checker_observe_smmu(c, 0, 0, 0, 0x80000000, false, 0, 0),
			 CK_DIV);
	assert_int_equal(r.kind[0], HM_DIV_SMMU);
	assert_string_equal(r.text[0], "shared.spts.spt_pt[0x10000][0x80000]: implementation "
				       "unmapped, model [0x40001, 0x40001003]");
	/* unmap_smmu_page: pte is not 0, so local_spt_map ... 0 writes (0, 0) */
	hm_arg m[] = {{"cbndx", 0}, {"index", 0}, {"iova", 0x80000000}};
	assert_int_equal(hm_checker_op(c, 0, "unmap_smmu_page", m, 3, HM_RESULT_OK), CK_OK);
	assert_int_equal(hm_checker_observe_smmu(c, 0, 0, 0, 0x80000000, false, 0, 0), CK_OK);
	assert_int_equal(hm_checker_observe_smmu(c, 0, 0, 0, 0x80000000, true, P1, HM_UNOBSERVED),
			 CK_DIV);
	assert_string_equal(r.text[1], "shared.spts.spt_pt[0x10000][0x80000]: implementation "
				       "[0x40001, _], model unmapped");
	assert_int_equal(r.op_number[1], 3);
	hm_checker_free(c);
}

/* ---- halt, registers, return values, partial states ---- */

static void test_observe_halt(void **state)
{
	(void)state;
	rec r;
	hm_checker *c = checker(2, SIZE_MAX, &r);
	assert_int_equal(hm_checker_observe_halt(c, 0, false), CK_OK);
	assert_int_equal(hm_checker_observe_halt(c, 0, true), CK_DIV);
	assert_int_equal(r.kind[0], HM_DIV_HALT);
	assert_string_equal(r.text[0], "halt: implementation true, model false");
	assert_int_equal(assign(c, 0, VM, 0x80000, P1, HM_RESULT_OK), CK_OK);
	assert_int_equal(map_host(c, 1, P1 * PAGE_SIZE, HM_RESULT_HALT), CK_OK);
	/* halt is the halting CPU's alone */
	assert_int_equal(hm_checker_observe_halt(c, 1, true), CK_OK);
	assert_int_equal(hm_checker_observe_halt(c, 0, false), CK_OK);
	assert_int_equal(hm_checker_observe_halt(c, 1, false), CK_DIV);
	assert_string_equal(r.text[1], "halt: implementation false, model true");
	assert_int_equal(r.observer[1], 1);
	assert_int_equal(r.op_number[1], 2);
	hm_checker_free(c);
}

static void test_observe_reg(void **state)
{
	(void)state;
	rec r;
	hm_checker *c = checker(1, SIZE_MAX, &r);
	/* registers start at 0 */
	assert_int_equal(hm_checker_observe_reg(c, 0, "x0", 0), CK_OK);
	assert_int_equal(hm_checker_observe_reg(c, 0, "x0", 5), CK_DIV);
	assert_int_equal(r.kind[0], HM_DIV_REG);
	assert_string_equal(r.text[0], "regs.ctxt_regs.x0: implementation 5, model 0");
	char *err = NULL;
	assert_int_equal(hm_model_overlay_json(hm_checker_model(c), 0,
					       "{\"regs\": "
					       "{\"ctxt_regs\": {\"esr_el2\": \"0x93c08007\"},"
					       " \"trap_regs\": {\"mdcr_el2\": 5},"
					       " \"ctxt_states\": {\"pc\": \"0x80001000\"}}}",
					       &err),
			 HM_OK);
	assert_int_equal(hm_checker_observe_reg(c, 0, "esr_el2", 0x93c08007), CK_OK);
	assert_int_equal(hm_checker_observe_reg(c, 0, "mdcr_el2", 5), CK_OK);
	assert_int_equal(hm_checker_observe_reg(c, 0, "pc", 0x80001000), CK_OK);
	assert_int_equal(hm_checker_observe_reg(c, 0, "pc", 0x80001004), CK_DIV);
	assert_string_equal(r.text[1],
			    "regs.ctxt_states.pc: implementation 0x80001004, model 0x80001000");
	assert_int_equal(hm_checker_observe_reg(c, 0, "mdcr_el2", HM_UNOBSERVED), CK_OK);
	hm_checker_free(c);
}

static void test_observe_ret(void **state)
{
	(void)state;
	rec r;
	hm_checker *c = checker(1, 0, &r);
	/* local_assign_pfn_to_vm 1 0x80000 P1 (logn 5): a host page of count
	 * 0 never mapped by the host (pte 0): no halt, returns logn + 1 = 6 */
	hm_arg a[] = {{"vmid", VM}, {"gfn", 0x80000}, {"pfn", P1}, {"logn", 5}};
	assert_int_equal(hm_checker_op(c, 0, "local_assign_pfn_to_vm", a, 4, HM_RESULT_OK),
			 CK_OK);
	assert_int_equal(hm_checker_observe_ret(c, 6), CK_OK);
	assert_int_equal(hm_checker_observe_ret(c, 5), CK_DIV);
	assert_int_equal(r.kind[0], HM_DIV_RET);
	assert_string_equal(r.text[0], "ret: implementation 5, model 6");
	/* assign_pfn_to_vm returns no value */
	assert_int_equal(assign(c, 0, VM, 0x80001, P2, HM_RESULT_OK), CK_OK);
	assert_int_equal(hm_checker_observe_ret(c, 0), CK_BAD);
	assert_string_equal(hm_checker_error(c), "operation 2 (assign_pfn_to_vm) returns no value");
	hm_checker_free(c);
}

static void test_observe_state(void **state)
{
	(void)state;
	rec r;
	hm_checker *c = checker(1, SIZE_MAX, &r);
	assert_int_equal(assign(c, 0, VM, 0x80000, P1, HM_RESULT_OK), CK_OK);
	/* s2page[P1] = {1, 0, 0x80000}; tstate 1 after a Some that did not
	 * halt */
	assert_int_equal(hm_checker_observe_state(
				 c, 0,
				 "{\"tstate\": 1, \"shared\": {\"s2page\": {\"0x40001\": "
				 "{\"s2_owner\": 1, \"s2_gfn\": \"0x80000\"}}}}"),
			 CK_OK);
	assert_int_equal(hm_checker_observe_state(
				 c, 0,
				 "{\"shared\": {\"s2page\": {\"0x40001\": {\"s2_owner\": 2}}}}"),
			 CK_DIV);
	assert_int_equal(r.kind[0], HM_DIV_STATE);
	assert_string_equal(r.path[0], "shared.s2page[0x40001].s2_owner");
	assert_string_equal(r.text[0],
			    "shared.s2page[0x40001].s2_owner: implementation 2, model 1");
	assert_int_equal(hm_checker_observe_state(c, 0, "{\"shared\": "), CK_BAD);
	assert_int_equal(hm_checker_observe_state(c, 0, "{\"no_such_field\": 1}"), CK_BAD);
	assert_int_equal(hm_checker_divergences(c), 1);
	hm_checker_free(c);
}

/* ---- several CPUs ---- */

static void test_other_cpu_sees_published_state(void **state)
{
	(void)state;
	rec r;
	hm_checker *c = checker(2, 0, &r);
	assert_int_equal(assign(c, 0, VM, 0x80000, P1, HM_RESULT_OK), CK_OK);
	/* CPU 1's own view has not pulled S2PAGE since: it still reads the
	 * host page ... */
	assert_z_equal(hm_model_s2page(hm_checker_model(c), 1, P1).s2_owner, HOSTVISOR);
	/* ... but the checker compares with what CPU 1 reads on its next
	 * acquisition: CalS2Page over the OS2_PAGE CPU 0 published */
	assert_int_equal(hm_checker_observe_page(c, 1, P1, VM, 0, 0x80000), CK_OK);
	assert_int_equal(hm_checker_observe_page(c, 1, P1, HOSTVISOR, 0, 0x80000), CK_DIV);
	assert_int_equal(r.cpu[0], 0);
	assert_int_equal(r.observer[0], 1);
	assert_string_equal(r.report[0],
			    "divergence 1 after operation 1, assign_pfn_to_vm(vmid=1, gfn=0x80000, "
			    "pfn=0x40001) on cpu 0, observed on cpu 1:\n"
			    "  shared.s2page[0x40001].s2_owner: implementation 0, model 1");
	/* the same for stage 2: CPU 0 maps in VM 1, CPU 1 observes */
	assert_int_equal(map_vm(c, VM, 0x80000000, 0x40001000, 3), CK_OK);
	assert_int_equal(hm_checker_observe_s2(c, 1, VM, 0x80000, true, P1, 3, 0x40001fff),
			 CK_OK);
	hm_checker_free(c);
}

static void test_view_follows_overlay(void **state)
{
	(void)state;
	rec r;
	hm_checker *c = checker(2, 0, &r);
	assert_int_equal(hm_checker_observe_page(c, 1, P2, HOSTVISOR, 0, P2 + SMMU_HOST_OFFSET),
			 CK_OK);
	/* the embedding program rewrites CPU 1's view behind the checker */
	char *err = NULL;
	assert_int_equal(hm_model_overlay_json(hm_checker_model(c), 1,
					       "{\"shared\": {\"s2page\": {\"0x40002\": "
					       "{\"s2_owner\": 3, \"s2_count\": 2}}}}",
					       &err),
			 HM_OK);
	assert_int_equal(hm_checker_observe_page(c, 1, P2, 3, 2, P2 + SMMU_HOST_OFFSET), CK_OK);
	/* CPU 0's view is not CPU 1's: the overlay published no event */
	assert_int_equal(hm_checker_observe_page(c, 0, P2, HOSTVISOR, 0, HM_UNOBSERVED), CK_OK);
	assert_int_equal(r.calls, 0);
	hm_checker_free(c);
}

/* ---- the callback ---- */

static void three_divergences(hm_checker *c)
{
	assert_int_equal(assign(c, 0, VM, 0x80000, P1, HM_RESULT_OK), CK_OK);
	assert_int_equal(hm_checker_observe_page(c, 0, P1, 2, HM_UNOBSERVED, HM_UNOBSERVED),
			 CK_DIV);
	assert_int_equal(hm_checker_observe_halt(c, 0, true), CK_DIV);
	assert_int_equal(map_host(c, 0, P2 * PAGE_SIZE, HM_RESULT_HALT), CK_DIV);
}

static void test_callback_first_only(void **state)
{
	(void)state;
	rec r;
	hm_checker *c = checker(1, 0, &r);
	three_divergences(c);
	assert_int_equal(r.calls, 1);
	assert_int_equal(hm_checker_divergences(c), 3);
	assert_string_equal(r.text[0],
			    "shared.s2page[0x40001].s2_owner: implementation 2, model 1");
	assert_string_equal(hm_checker_first_divergence(c), r.report[0]);
	hm_checker_free(c);
}

static void test_callback_limit(void **state)
{
	(void)state;
	rec r;
	hm_checker *c = checker(1, 2, &r);
	three_divergences(c);
	assert_int_equal(r.calls, 2);
	assert_int_equal(hm_checker_divergences(c), 3);

	hm_checker *all = checker(1, SIZE_MAX, &r);
	three_divergences(all);
	assert_int_equal(r.calls, 3);
	assert_int_equal(r.number[0], 1);
	assert_int_equal(r.number[1], 2);
	assert_int_equal(r.number[2], 3);
	assert_int_equal(r.op_number[1], 1);
	assert_string_equal(r.text[1], "halt: implementation true, model false");
	/* map_page_host of a host page: Some without halt */
	assert_int_equal(r.op_number[2], 2);
	assert_string_equal(r.text[2], "result: implementation halt, model ok");
	hm_checker_free(c);
	hm_checker_free(all);

	/* no callback: still counted */
	hm_checker *quiet = checker(1, 0, NULL);
	three_divergences(quiet);
	assert_int_equal(hm_checker_divergences(quiet), 3);
	assert_non_null(strstr(hm_checker_first_divergence(quiet), "s2_owner"));
	hm_checker_free(quiet);
}

static void test_args_in_coq_order(void **state)
{
	(void)state;
	rec r;
	hm_checker *c = checker(1, 0, &r);
	hm_arg a[] = {{"pfn", P1}, {"vmid", VM}, {"gfn", 0x80000}};
	assert_int_equal(hm_checker_op(c, 0, "assign_pfn_to_vm", a, 3, HM_RESULT_HALT),
			 CK_DIV);
	assert_int_equal(r.nargs[0], 3);
	assert_string_equal(r.arg_name[0][0], "vmid");
	assert_string_equal(r.arg_name[0][1], "gfn");
	assert_string_equal(r.arg_name[0][2], "pfn");
	assert_z_equal(r.arg_value[0][0], VM);
	assert_z_equal(r.arg_value[0][1], 0x80000);
	assert_z_equal(r.arg_value[0][2], P1);
	hm_checker_free(c);
}

/* ---- bad arguments ---- */

static void test_bad_op(void **state)
{
	(void)state;
	rec r;
	hm_checker *c = checker(2, SIZE_MAX, &r);
	hm_arg a[] = {{"vmid", VM}, {"pfn", P1}};
	assert_int_equal(hm_checker_op(c, 0, "grant_vm_pages", a, 2, HM_RESULT_OK), CK_BAD);
	assert_string_equal(hm_checker_error(c), "unknown op \"grant_vm_pages\"");
	assert_int_equal(hm_checker_op(c, 0, NULL, a, 2, HM_RESULT_OK), CK_BAD);
	assert_int_equal(hm_checker_op(c, 2, "grant_vm_page", a, 2, HM_RESULT_OK), CK_BAD);
	assert_string_equal(hm_checker_error(c), "cpu 2 is not in 0..1");
	assert_int_equal(hm_checker_op(c, -1, "grant_vm_page", a, 2, HM_RESULT_OK), CK_BAD);
	assert_string_equal(hm_checker_error(c), "cpu -1 is not in 0..1");
	assert_int_equal(hm_checker_op(c, 0, "grant_vm_page", a, 1, HM_RESULT_OK), CK_BAD);
	assert_string_equal(hm_checker_error(c), "op \"grant_vm_page\": missing argument \"pfn\"");
	hm_arg wrong[] = {{"vmid", VM}, {"page", P1}};
	assert_int_equal(hm_checker_op(c, 0, "grant_vm_page", wrong, 2, HM_RESULT_OK),
			 CK_BAD);
	assert_string_equal(hm_checker_error(c), "op \"grant_vm_page\" has no argument \"page\"");
	assert_int_equal(hm_checker_op(c, 0, "grant_vm_page", a, 2, (hm_result_kind)7),
			 CK_BAD);
	assert_int_equal(hm_checker_op(c, 0, "grant_vm_page", NULL, 2, HM_RESULT_OK),
			 CK_BAD);
	/* nothing ran, nothing diverged */
	assert_int_equal(hm_checker_ops(c), 0);
	assert_int_equal(hm_checker_divergences(c), 0);
	assert_int_equal(r.calls, 0);
	assert_int_equal(hm_checker_observe_ret(c, 0), CK_BAD);
	assert_string_equal(hm_checker_error(c), "no operation has run");
	hm_checker_free(c);
}

static void test_bad_observations(void **state)
{
	(void)state;
	rec r;
	hm_checker *c = checker(2, SIZE_MAX, &r);
	assert_int_equal(hm_checker_observe_page(c, 2, P1, 0, 0, 0), CK_BAD);
	assert_string_equal(hm_checker_error(c), "cpu 2 is not in 0..1");
	assert_int_equal(hm_checker_observe_s2(c, -1, VM, 0, false, 0, 0, 0), CK_BAD);
	assert_int_equal(hm_checker_observe_s2(c, 0, COREVISOR + 1, 0, false, 0, 0, 0),
			 CK_BAD);
	assert_string_equal(hm_checker_error(c), "vmid 17 is not in 0..16");
	assert_int_equal(hm_checker_observe_s2(c, 0, VM, -1, false, 0, 0, 0), CK_BAD);
	assert_int_equal(hm_checker_observe_smmu(c, 0, SMMU_NUM, 0, 0, false, 0, 0), CK_BAD);
	assert_int_equal(hm_checker_observe_smmu(c, 0, 0, SMMU_NUM_CTXT_BANKS, 0, false, 0, 0),
			 CK_BAD);
	assert_int_equal(hm_checker_observe_smmu(c, 0, 0, 0, (hm_z)1 << 40, false, 0, 0),
			 CK_BAD);
	assert_int_equal(hm_checker_observe_halt(c, 8, false), CK_BAD);
	assert_int_equal(hm_checker_observe_reg(c, 0, "x31", 0), CK_BAD);
	assert_string_equal(hm_checker_error(c),
			    "no register \"x31\" in CtxtRegs, TrapRegs or CtxtStates");
	assert_int_equal(hm_checker_observe_reg(c, 0, NULL, 0), CK_BAD);
	assert_int_equal(hm_checker_observe_state(c, 0, NULL), CK_BAD);
	assert_int_equal(hm_checker_divergences(c), 0);
	assert_int_equal(r.calls, 0);
	hm_checker_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config),
		cmocka_unit_test(test_result_agrees),
		cmocka_unit_test(test_result_halt_diverges),
		cmocka_unit_test(test_result_rely),
		cmocka_unit_test(test_result_stuck),
		cmocka_unit_test(test_result_low_level),
		cmocka_unit_test(test_observe_page),
		cmocka_unit_test(test_observe_before_first_op),
		cmocka_unit_test(test_observe_s2_page),
		cmocka_unit_test(test_observe_s2_page_guest),
		cmocka_unit_test(test_observe_s2_block),
		cmocka_unit_test(test_observe_smmu),
		cmocka_unit_test(test_observe_halt),
		cmocka_unit_test(test_observe_reg),
		cmocka_unit_test(test_observe_ret),
		cmocka_unit_test(test_observe_state),
		cmocka_unit_test(test_other_cpu_sees_published_state),
		cmocka_unit_test(test_view_follows_overlay),
		cmocka_unit_test(test_callback_first_only),
		cmocka_unit_test(test_callback_limit),
		cmocka_unit_test(test_args_in_coq_order),
		cmocka_unit_test(test_bad_op),
		cmocka_unit_test(test_bad_observations),
	};
	return cmocka_run_group_tests(tests, t_pool_setup, t_pool_teardown);
}
