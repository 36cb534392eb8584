/* cli_hwlog_parse.c: the HM line format of hardware logs, version 1
 * (docs/hardware-logs.md). Every expected value below is read off the
 * line by hand: the op's arguments in the Coq order of its definition
 * (assign_pfn_to_vm vmid gfn pfn), HM_UNOBSERVED where the line says `_`
 * or names one field of a page, and the constants of Constants.md
 * (INVALID = 2^32 - 1, COREVISOR = 16, SMMU_NUM = 2). */
#include <string.h>

#include "hm_test.h"

#include "cli_hwlog_parse.h"

typedef struct fixture {
	hwlog_record r;
	GString *err;
} fixture;

static fixture fx;

static int fx_setup(void **state)
{
	(void)state;
	hwlog_record_init(&fx.r);
	fx.err = g_string_new(NULL);
	return 0;
}

static int fx_teardown(void **state)
{
	(void)state;
	hwlog_record_clear(&fx.r);
	g_string_free(fx.err, TRUE);
	return 0;
}

static int parse(const char *line, int cpus)
{
	g_string_truncate(fx.err, 0);
	return hwlog_parse_line(line, cpus, &fx.r, fx.err);
}

static const hwlog_obs *obs(guint i) { return &g_array_index(fx.r.obs, hwlog_obs, i); }

/* A malformed line: -1, and the message contains `part`. */
static void assert_malformed(const char *line, int cpus, const char *part)
{
	assert_int_equal(parse(line, cpus), -1);
	if (!strstr(fx.err->str, part))
		fail_msg("message \"%s\" lacks \"%s\"", fx.err->str, part);
	/* a rejected line leaves no half-parsed record behind */
	assert_null(fx.r.op);
	assert_int_equal(fx.r.obs->len, 0);
}

/* ---- lines that are not records ---- */

static void test_not_records(void **state)
{
	(void)state;
	/* kernel messages, with and without a printk prefix */
	assert_int_equal(parse("[    0.000000] Booting Linux on physical CPU 0x0\n", 0), 0);
	assert_int_equal(parse("<6>[    1.0] kvm [1]: Hyp mode initialized\n", 0), 0);
	assert_int_equal(parse("", 0), 0);
	assert_int_equal(parse("   \r\n", 0), 0);
	/* HM must be a whole word, first after the prefix */
	assert_int_equal(parse("HMM 1 cpu=0 obs halt=0", 0), 0);
	assert_int_equal(parse("xHM 1 cpu=0 obs halt=0", 0), 0);
	assert_int_equal(parse("[ 1.0] kernel: HM 1 cpu=0 obs halt=0", 0), 0);
	/* an unclosed bracket is not a prefix: the first word is "[1.0" */
	assert_int_equal(parse("[1.0 HM 1 cpu=0 obs halt=0", 0), 0);
	assert_int_equal(fx.err->len, 0);
}

/* ---- op records ---- */

static void test_op_record(void **state)
{
	(void)state;
	/* The example of the brief, behind a dmesg timestamp. */
	assert_int_equal(parse("[   12.345678] HM 1 cpu=0 op=assign_pfn_to_vm vmid=1 gfn=0x80000 "
			       "pfn=0x40001 -> ok owner[0x40001]=1 count[0x40001]=0\n",
			       0),
			 1);
	assert_false(fx.r.has_seq);
	assert_int_equal(fx.r.cpu, 0);
	assert_non_null(fx.r.op);
	assert_string_equal(fx.r.op->name, "assign_pfn_to_vm");
	assert_int_equal(fx.r.nargs, 3);
	assert_string_equal(fx.r.args[0].name, "vmid");
	assert_z_equal(fx.r.args[0].value, 1);
	assert_string_equal(fx.r.args[1].name, "gfn");
	assert_z_equal(fx.r.args[1].value, 0x80000);
	assert_string_equal(fx.r.args[2].name, "pfn");
	assert_z_equal(fx.r.args[2].value, 0x40001);
	assert_int_equal(fx.r.result, HM_RESULT_OK);
	assert_int_equal(fx.r.inputs->len, 0);
	assert_int_equal(fx.r.oracles->len, 0);
	/* owner[P]=1: a page observation with only s2_owner observed */
	assert_int_equal(fx.r.obs->len, 2);
	assert_int_equal(obs(0)->kind, HWLOG_OBS_PAGE);
	assert_z_equal(obs(0)->key[0], 0x40001);
	assert_z_equal(obs(0)->val[0], 1);
	assert_z_equal(obs(0)->val[1], HM_UNOBSERVED);
	assert_z_equal(obs(0)->val[2], HM_UNOBSERVED);
	/* count[P]=0: only s2_count */
	assert_int_equal(obs(1)->kind, HWLOG_OBS_PAGE);
	assert_z_equal(obs(1)->val[0], HM_UNOBSERVED);
	assert_z_equal(obs(1)->val[1], 0);
	assert_z_equal(obs(1)->val[2], HM_UNOBSERVED);
}

static void test_args_in_coq_order(void **state)
{
	(void)state;
	/* given pfn, vmid, gfn: stored as vmid, gfn, pfn (the definition's
	 * order); seq first; printk level and timestamp before HM; CRLF. */
	assert_int_equal(parse("<6>[ 1.5] HM 1 seq=41 cpu=1 op=assign_pfn_to_vm pfn=0x40002 vmid=2 "
			       "gfn=7 -> halt halt=1\r\n",
			       2),
			 1);
	assert_true(fx.r.has_seq);
	assert_z_equal(fx.r.seq, 41);
	assert_int_equal(fx.r.cpu, 1);
	assert_z_equal(fx.r.args[0].value, 2);
	assert_z_equal(fx.r.args[1].value, 7);
	assert_z_equal(fx.r.args[2].value, 0x40002);
	assert_int_equal(fx.r.result, HM_RESULT_HALT);
	assert_int_equal(fx.r.obs->len, 1);
	assert_int_equal(obs(0)->kind, HWLOG_OBS_HALT);
	assert_z_equal(obs(0)->val[0], 1);
}

static void test_results(void **state)
{
	(void)state;
	static const char *const words[] = {"ok", "halt", "stuck", "rely"};
	static const hm_result_kind kinds[] = {HM_RESULT_OK, HM_RESULT_HALT, HM_RESULT_STUCK,
					       HM_RESULT_RELY};
	for (int i = 0; i < 4; i++) {
		char *line = g_strdup_printf("HM 1 cpu=0 op=grant_vm_page vmid=1 pfn=5 -> %s", words[i]);
		assert_int_equal(parse(line, 0), 1);
		assert_int_equal(fx.r.result, kinds[i]);
		assert_int_equal(fx.r.obs->len, 0);
		g_free(line);
	}
	/* an op without arguments */
	assert_int_equal(parse("HM 1 cpu=0 op=host_hvc_handler -> ok", 0), 1);
	assert_string_equal(fx.r.op->name, "host_hvc_handler");
	assert_int_equal(fx.r.nargs, 0);
}

static void test_inputs(void **state)
{
	(void)state;
	/* registers before the arrow are laid over the context; doracle and
	 * core_doracle entries script the data oracles. */
	assert_int_equal(parse("HM 1 cpu=0 op=host_hvc_handler x0=HVC_REGISTER_KVM x1=0x10 "
			       "mdcr_el2=3 pc=0x1000 doracle[1,0]=0xdeadbeef core_doracle[0,2]=-1 "
			       "-> ok x0=1",
			       0),
			 1);
	assert_int_equal(fx.r.inputs->len, 4);
	const hwlog_reg_in *in = &g_array_index(fx.r.inputs, hwlog_reg_in, 0);
	hm_z hvc;
	assert_int_equal(hm_parse_z("HVC_REGISTER_KVM", &hvc), HM_OK);
	assert_string_equal(in[0].name, "x0");
	assert_string_equal(in[0].block, "ctxt_regs");
	assert_z_equal(in[0].value, hvc);
	assert_string_equal(in[1].name, "x1");
	assert_z_equal(in[1].value, 16);
	assert_string_equal(in[2].name, "mdcr_el2");
	assert_string_equal(in[2].block, "trap_regs");
	assert_z_equal(in[2].value, 3);
	assert_string_equal(in[3].name, "pc");
	assert_string_equal(in[3].block, "ctxt_states");
	assert_z_equal(in[3].value, 0x1000);
	assert_int_equal(fx.r.oracles->len, 2);
	const hwlog_oracle_in *o = &g_array_index(fx.r.oracles, hwlog_oracle_in, 0);
	assert_false(o[0].core);
	assert_z_equal(o[0].vmid, 1);
	assert_z_equal(o[0].logn, 0);
	assert_z_equal(o[0].value, 0xdeadbeef);
	assert_true(o[1].core);
	assert_z_equal(o[1].vmid, 0);
	assert_z_equal(o[1].logn, 2);
	assert_z_equal(o[1].value, -1);
	/* after the arrow x0=1 is an observation of the register */
	assert_int_equal(fx.r.obs->len, 1);
	assert_int_equal(obs(0)->kind, HWLOG_OBS_REG);
	assert_string_equal(obs(0)->reg, "x0");
	assert_z_equal(obs(0)->val[0], 1);
}

/* ---- observations ---- */

static void test_observation_kinds(void **state)
{
	(void)state;
	assert_int_equal(parse("HM 1 cpu=1 obs page[0x40002]=1,_,0x80000 gfn[0x40003]=INVALID64 "
			       "s2[1,0x80000]=0x40002,3,0x0000000040002fff s2[0,0x40002]=unmapped "
			       "smmu[1,7,0x1000]=0x40004,_ smmu[0,0,0]=unmapped halt=false esr_el2=0x5a",
			       2),
			 1);
	assert_null(fx.r.op);
	assert_int_equal(fx.r.cpu, 1);
	assert_int_equal(fx.r.obs->len, 8);
	/* page[P]=1,_,0x80000: owner 1, count not observed, gfn 0x80000 */
	assert_int_equal(obs(0)->kind, HWLOG_OBS_PAGE);
	assert_z_equal(obs(0)->key[0], 0x40002);
	assert_z_equal(obs(0)->val[0], 1);
	assert_z_equal(obs(0)->val[1], HM_UNOBSERVED);
	assert_z_equal(obs(0)->val[2], 0x80000);
	/* gfn[P]=INVALID64 = 2^64 - 1 */
	assert_z_equal(obs(1)->val[2], ((hm_z)1 << 64) - 1);
	assert_z_equal(obs(1)->val[0], HM_UNOBSERVED);
	/* s2 mapped: printhex_ul's zero-padded 16 digits read as the number */
	assert_int_equal(obs(2)->kind, HWLOG_OBS_S2);
	assert_z_equal(obs(2)->key[0], 1);
	assert_z_equal(obs(2)->key[1], 0x80000);
	assert_true(obs(2)->mapped);
	assert_z_equal(obs(2)->val[0], 0x40002);
	assert_z_equal(obs(2)->val[1], 3);
	assert_z_equal(obs(2)->val[2], 0x40002fff);
	assert_int_equal(obs(3)->kind, HWLOG_OBS_S2);
	assert_false(obs(3)->mapped);
	assert_z_equal(obs(3)->key[0], 0);
	assert_z_equal(obs(3)->key[1], 0x40002);
	/* smmu[index, cbndx, iova] = pfn, pte with the pte not observed */
	assert_int_equal(obs(4)->kind, HWLOG_OBS_SMMU);
	assert_z_equal(obs(4)->key[0], 1);
	assert_z_equal(obs(4)->key[1], 7);
	assert_z_equal(obs(4)->key[2], 0x1000);
	assert_true(obs(4)->mapped);
	assert_z_equal(obs(4)->val[0], 0x40004);
	assert_z_equal(obs(4)->val[1], HM_UNOBSERVED);
	assert_false(obs(5)->mapped);
	assert_int_equal(obs(6)->kind, HWLOG_OBS_HALT);
	assert_z_equal(obs(6)->val[0], 0);
	/* esr_el2 is a register of CtxtRegs */
	assert_int_equal(obs(7)->kind, HWLOG_OBS_REG);
	assert_string_equal(obs(7)->reg, "esr_el2");
	assert_z_equal(obs(7)->val[0], 0x5a);
	/* ...and ret= after the result of an op */
	assert_int_equal(parse("HM 1 cpu=0 op=local_gen_vmid -> ok ret=2", 0), 1);
	assert_int_equal(obs(0)->kind, HWLOG_OBS_RET);
	assert_z_equal(obs(0)->val[0], 2);
}

static void test_record_reused(void **state)
{
	(void)state;
	/* A record parsed into r, then a line that is not a record: r is
	 * emptied, so nothing of the first line leaks into the next. */
	assert_int_equal(parse("HM 1 seq=3 cpu=1 op=grant_vm_page vmid=1 pfn=5 -> ok count[5]=1", 2),
			 1);
	assert_int_equal(parse("unrelated kernel message", 2), 0);
	assert_null(fx.r.op);
	assert_false(fx.r.has_seq);
	assert_int_equal(fx.r.cpu, 0);
	assert_int_equal(fx.r.obs->len, 0);
	assert_int_equal(parse("HM 1 cpu=0 obs halt=1", 2), 1);
	assert_int_equal(fx.r.obs->len, 1);
}

/* ---- malformed records ---- */

static void test_malformed_head(void **state)
{
	(void)state;
	assert_malformed("HM", 0, "missing the format version");
	assert_malformed("HM x cpu=0 obs halt=0", 0, "expected the format version");
	assert_malformed("HM 2 cpu=0 obs halt=0", 0, "format version 2; this reader knows version 1");
	assert_malformed("HM 1 obs halt=0", 0, "expected cpu=N");
	assert_malformed("HM 1 seq=1 op=grant_vm_page", 0, "expected cpu=N after \"HM 1\" and seq=N");
	assert_malformed("HM 1 seq=-1 cpu=0 obs halt=0", 0, "seq is not a non-negative number");
	assert_malformed("HM 1 cpu=zero obs halt=0", 0, "cpu is not a non-negative number");
	/* with 2 CPUs in the config, cpu=2 is out of range; without a
	 * config bound, cpu=8 (TOTAL_CPU) is */
	assert_malformed("HM 1 cpu=2 obs halt=0", 2, "cpu is not in 0..1 (the config's cpus)");
	assert_malformed("HM 1 cpu=8 obs halt=0", 0, "cpu is not in 0..7");
	assert_malformed("HM 1 cpu=0 halt=0", 0, "expected op=NAME or obs");
	assert_malformed("HM 1 cpu=0 obs", 0, "no observation follows");
	assert_malformed("HM 1 cpu=0 obs halt=0 -> ok", 0, "a record of observations has no result");
}

static void test_malformed_op(void **state)
{
	(void)state;
	assert_malformed("HM 1 cpu=0 op=assign_pfn -> ok", 0, "unknown op \"assign_pfn\"");
	assert_malformed("HM 1 cpu=0 op=grant_vm_page vmid=1 -> ok", 0,
			 "missing argument pfn=V of grant_vm_page");
	assert_malformed("HM 1 cpu=0 op=grant_vm_page vmid=1 vmid=2 pfn=3 -> ok", 0,
			 "argument vmid given twice");
	assert_malformed("HM 1 cpu=0 op=grant_vm_page vmid=1 pfn=3 colour=2 -> ok", 0,
			 "\"colour\" is not an argument of grant_vm_page (vmid, pfn)");
	assert_malformed("HM 1 cpu=0 op=grant_vm_page vmid=1 pfn=3", 0, "missing \"-> RESULT\"");
	assert_malformed("HM 1 cpu=0 op=grant_vm_page vmid=1 pfn=3 ->", 0,
			 "missing the result after \"->\"");
	assert_malformed("HM 1 cpu=0 op=grant_vm_page vmid=1 pfn=3 -> done", 0,
			 "\"done\": expected a result after \"->\"");
	assert_malformed("HM 1 cpu=0 op=grant_vm_page vmid=1 pfn=0x4000g -> ok", 0,
			 "\"pfn=0x4000g\": pfn \"0x4000g\" is not a number");
	assert_malformed("HM 1 cpu=0 op=grant_vm_page vmid=1 pfn= -> ok", 0,
			 "\"pfn=\": pfn: missing value");
	assert_malformed("HM 1 cpu=0 op=grant_vm_page vmid=1 pfn -> ok", 0,
			 "\"pfn\": expected NAME=VALUE");
	assert_malformed("HM 1 cpu=0 op=grant_vm_page vmid=1 pfn=3 doracle[1]=2 -> ok", 0,
			 "vmid,logn: expected 2 comma-separated values");
}

static void test_malformed_observations(void **state)
{
	(void)state;
	assert_malformed("HM 1 cpu=0 obs colour=1", 0, "unknown observation \"colour\"");
	assert_malformed("HM 1 cpu=0 obs ret=1", 0, "ret= belongs to a record with an op");
	assert_malformed("HM 1 cpu=0 obs page[0x40002]=1,0", 0,
			 "owner,count,gfn: expected 3 comma-separated values");
	assert_malformed("HM 1 cpu=0 obs page[0x40002]=1,0,0,0", 0,
			 "owner,count,gfn: expected 3 comma-separated values");
	assert_malformed("HM 1 cpu=0 obs owner=1", 0, "expected [pfn]");
	assert_malformed("HM 1 cpu=0 obs owner[0x40002=1", 0, "expected NAME[KEY,...]=VALUE");
	assert_malformed("HM 1 cpu=0 obs owner[0x4000g]=1", 0, "pfn \"0x4000g\" is not a number");
	assert_malformed("HM 1 cpu=0 obs owner[5]=_", 0, "owner \"_\" is not a number");
	assert_malformed("HM 1 cpu=0 obs halt=2", 0, "halt is 0 or 1");
	assert_malformed("HM 1 cpu=0 obs halt[0]=1", 0, "halt takes no [...]");
	/* COREVISOR = 16 is the last vmid; KVM_GFN_SPACE = 2^36 */
	assert_malformed("HM 1 cpu=0 obs s2[17,5]=unmapped", 0, "vmid is not in 0..16");
	assert_malformed("HM 1 cpu=0 obs s2[1,0x1000000000]=unmapped", 0, "gfn is not in");
	assert_malformed("HM 1 cpu=0 obs s2[1,5]=1,3", 0, "pfn,level,pte: expected 3");
	assert_malformed("HM 1 cpu=0 obs s2[1]=unmapped", 0, "vmid,gfn: expected 2");
	/* SMMU_NUM = 2 devices, SMMU_NUM_CTXT_BANKS = 8, iova below 2^40 */
	assert_malformed("HM 1 cpu=0 obs smmu[2,0,0]=unmapped", 0, "index is not in 0..1");
	assert_malformed("HM 1 cpu=0 obs smmu[0,8,0]=unmapped", 0, "cbndx is not in 0..7");
	assert_malformed("HM 1 cpu=0 obs smmu[0,0,0x10000000000]=unmapped", 0, "iova is not in");
	assert_malformed("HM 1 cpu=0 obs smmu[0,0,0]=1,2,3", 0, "pfn,pte: expected 2");
	assert_malformed("HM 1 cpu=0 obs =5", 0, "missing the name before '='");
}

static void test_registers(void **state)
{
	(void)state;
	const char *block = NULL;
	assert_string_equal(hwlog_register("x30", &block), "x30");
	assert_string_equal(block, "ctxt_regs");
	assert_string_equal(hwlog_register("cnthctl_el2", &block), "cnthctl_el2");
	assert_string_equal(block, "trap_regs");
	assert_string_equal(hwlog_register("spsr_0", &block), "spsr_0");
	assert_string_equal(block, "ctxt_states");
	assert_null(hwlog_register("x31", &block));
	assert_null(hwlog_register("", NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_not_records, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_op_record, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_args_in_coq_order, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_results, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_inputs, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_observation_kinds, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_record_reused, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_malformed_head, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_malformed_op, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_malformed_observations, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_registers, fx_setup, fx_teardown),
	};
	return cmocka_run_group_tests(tests, t_pool_setup, t_pool_teardown);
}
