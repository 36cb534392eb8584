# refine: the high and the low level of every step compared, every
# disagreement reported with its paths, the counts per trace, --json.
# diff: hardware logs (HM lines, JSON Lines) replayed through the model,
# every divergence reported at its line, bad lines, --skip-bad-lines.
source "$(dirname "$0")/lib/assert.bash"
HW="$FIX/hwlog"

# ---- refine ----

# clear_vm_page on a page of VM 1: clear_vm_page_spec0 unmaps it from the
# host's NPT (clear_pfn_host_spec, taking the NPT lock: log[5] grows by
# REL_LOCK, ONPT, OPULL 5, WAIT_LOCK 10), the high level does not.
run refine "$FIX/levels.json"
expect_rc refine-levels 1
expect_out refine-levels "levels.json: step 1: levels disagree in clear_vm_page(vmid=1, pfn=0x40002) on cpu 0"
expect_out refine-levels "log[5]: 4 events -> 8 events (4 in common, oldest first)"
expect_out refine-levels 'log[5][0]: + {"cpu":0,"event":"REL_LOCK"}'
expect_out refine-levels 'log[5][3]: + {"cpu":0,"event":"WAIT_LOCK","n":10}'
expect_out refine-levels "levels.json: 2 steps: 2 compared, 1 agree, 1 disagree (first at step 1), 0 skipped (no low level)"

# Every disagreement, not the first only; the run goes on from the high
# level's state (so log[5] has 8 events, not 12, before step 2, and 12
# before step 6); a rely step agrees vacuously; query_oracle has no _spec0.
run refine "$FIX/refine-disagreements.json"
expect_rc refine-every 1
expect_count refine-every "levels disagree in" 2
expect_out refine-every "step 2: levels disagree in clear_vm_page(vmid=1, pfn=0x40002)"
expect_out refine-every "log[5]: 8 events -> 12 events (8 in common, oldest first)"
expect_out refine-every "step 6: levels disagree in clear_vm_page(vmid=1, pfn=0x40003)"
expect_out refine-every "log[5]: 12 events -> 16 events (12 in common, oldest first)"
# the page the host mapped after grant_vm_page: low writes (0, 3, PAGE_GUEST)
expect_out refine-every 'shared.npts[0].pt[0x40003]: [262147,3,1073758207] -> [0,3,"0x200000000000000"]'
expect_out refine-every "8 steps: 7 compared, 5 agree (1 vacuously: the high level gave None), 2 disagree (first at step 2), 1 skipped (no low level)"

# No disagreement: exit 0. good.json: map_page_host and assign_pfn_to_vm
# (host page, count 0, local_mmap at level 3: no halt) agree; its third
# step, local_assign_pfn_to_vm, has no _spec0.
run refine "$FIX/good.json"
expect_rc refine-agree 0
expect_out refine-agree "good.json: 3 steps: 2 compared, 2 agree, 0 disagree, 1 skipped (no low level)"
expect_no_out refine-agree "levels disagree"

# refine ignores expectations: failing-expect.json fails replay, not refine.
run refine "$FIX/failing-expect.json"
expect_rc refine-no-expect 0

run refine "$FIX/good.jsonl" "$FIX/levels.json"
expect_rc refine-two 1
expect_count refine-two "compared" 2

run refine --json "$FIX/refine-disagreements.json"
expect_rc refine-json 1
expect_out refine-json '"format": "hypsec-model-report/1"'
expect_out refine-json '"status": "diverged"'
expect_out refine-json '"compared": 7'
expect_out refine-json '"agreements": 5'
expect_out refine-json '"vacuous_agreements": 1'
expect_out refine-json '"disagreements": 2'
expect_out refine-json '"skipped_no_low_level": 1'
expect_out refine-json '"first_disagreement": 2'
expect_out refine-json '"shared.npts[0].pt[0x40003]: [262147,3,1073758207] -> [0,3,\"0x200000000000000\"]"'
expect_count refine-json '"refinement": [' 2

run refine "$FIX/unknown-op.json"
expect_rc refine-bad 2
expect_err refine-bad 'unknown op "no_such_op"'

run refine
expect_rc refine-usage 2
expect_err refine-usage "no trace given"

# ---- diff: HM lines ----

run diff "$HW/config.json" "$HW/good.log"
expect_rc diff-good 0
expect_out diff-good "good.log: 9 records (8 operations, 24 observations), all observations held"

# A wrong result (line 7) and a wrong owner seen from CPU 1 (line 11):
# both reported with their lines; the replay goes on after the first.
run diff "$HW/config.json" "$HW/wrong.log"
expect_rc diff-wrong 1
expect_out diff-wrong "wrong.log: line 7: step 3: divergence in grant_vm_page(vmid=1, pfn=0x40002) on cpu 0 at level high"
expect_out diff-wrong "result: implementation halt, model ok"
expect_out diff-wrong "wrong.log: line 11: step 6: divergence in the observations on cpu 1"
expect_out diff-wrong "shared.s2page[0x40002].s2_owner: implementation 2, model 1"
expect_out diff-wrong "2 divergences in 2 records (first at line 7)"

run diff --json "$HW/config.json" "$HW/wrong.log"
expect_rc diff-json 1
expect_out diff-json '"line": 11'
expect_out diff-json '"kind": "page", "path": "shared.s2page[0x40002].s2_owner", "implementation": "2",'
expect_out diff-json '"first_divergence_line": 7'
expect_out diff-json '"log_format": "hm/1"'

# A corrupted (truncated) record at line 11: an input error naming it...
run diff "$HW/config.json" "$HW/bad.log"
expect_rc diff-bad 2
expect_err diff-bad 'bad.log: line 11: "page[0x40002]=1,0": owner,count,gfn: expected 3 comma-separated values'
expect_out diff-bad "bad.log: bad input, stopped after 6 records"
# ...and with --skip-bad-lines it is reported and the rest replays.
run diff --skip-bad-lines "$HW/config.json" "$HW/bad.log"
expect_rc diff-skip 0
expect_err diff-skip "bad.log: line 11: "
expect_err diff-skip "(skipped: --skip-bad-lines)"
expect_out diff-skip "bad.log: 8 records (8 operations, 22 observations), all observations held; 1 bad line reported (--skip-bad-lines)"

# seq= detects lost records (seq=5 is missing).
run diff "$HW/config.json" "$HW/gap.log"
expect_rc diff-gap 2
expect_err diff-gap "gap.log: line 9: seq=6 follows seq=4: 1 record lost"

# The first argument may be a trace: its config and init (page 0x40005
# already VM 3's), not its steps.
run diff "$HW/base-trace.json" "$HW/init.log"
expect_rc diff-trace-base 0
expect_out diff-trace-base "init.log: 2 records (1 operation, 6 observations), all observations held"

# SMMU operations and smmu[...] observations, on the machine of a corpus
# trace whose config has an SMMU; then one pfn wrong in an SMMU entry.
run diff "$SRC/traces/smmu-map-unmap.json" "$HW/smmu.log"
expect_rc diff-smmu 0
expect_out diff-smmu "smmu.log: 4 records (4 operations, 10 observations), all observations held"
sed 's/=0x40020,0x400207c3/=0x40021,0x400207c3/' "$HW/smmu.log" >"$TMP/smmu-wrong.log"
run diff "$SRC/traces/smmu-map-unmap.json" "$TMP/smmu-wrong.log"
expect_rc diff-smmu-wrong 1
expect_out diff-smmu-wrong "smmu-wrong.log: line 2: step 1: divergence in update_smmu_page(vmid=1, cbndx=0, index=0, iova=0x100000, pte=0x400207c3)"
expect_out diff-smmu-wrong "shared.spts.spt_pt[0x10000][256]: implementation [0x40021, 0x400207c3], model [0x40020, 0x400207c3]"

run diff "$HW/config.json" "$HW/init.log"
expect_rc diff-config-base 1
expect_out diff-config-base "shared.s2page[0x40005].s2_owner: implementation 3, model 0"

# ret=: local_assign_pfn_to_vm on a host page with count 0 assigns it and
# returns logn + 1 (8 from 7); grant_vm_page returns no value at all.
printf '%s\n' \
	'HM 1 cpu=0 op=local_assign_pfn_to_vm vmid=1 gfn=0x80000 pfn=0x40001 logn=7 -> ok ret=8 owner[0x40001]=1' \
	'HM 1 cpu=0 op=local_assign_pfn_to_vm vmid=1 gfn=0x80001 pfn=0x40003 logn=7 -> ok ret=7' \
	'HM 1 cpu=0 op=grant_vm_page vmid=1 pfn=0x40001 -> ok ret=1' >"$TMP/ret.log"
run diff "$HW/config.json" "$TMP/ret.log"
expect_rc diff-ret 1
expect_out diff-ret "ret.log: line 2: step 1: divergence in local_assign_pfn_to_vm(vmid=1, gfn=0x80001, pfn=0x40003, logn=7)"
expect_out diff-ret "ret: implementation 7, model 8"
expect_out diff-ret "ret: implementation 1, model returned no value"
expect_no_out diff-ret "line 1:"

printf 'just a kernel log\n[ 1.0] nothing for us\n' >"$TMP/none.log"
run diff "$HW/config.json" "$TMP/none.log"
expect_rc diff-no-records 2
expect_err diff-no-records "none.log: no HM record in the log"

run diff "$HW/config.json" "$TMP/missing.log"
expect_rc diff-missing 2
expect_err diff-missing "missing.log: cannot open"

run diff --level both "$HW/config.json" "$HW/good.log"
expect_rc diff-level 2
expect_err diff-level "--level both: expected high or low"

run diff "$HW/config.json"
expect_rc diff-usage 2
expect_err diff-usage "expected TRACE-OR-CONFIG and HWLOG"

# ---- diff: JSON Lines ----

run diff "$HW/config.json" "$HW/good.jsonl"
expect_rc diff-jsonl 0
expect_out diff-jsonl "good.jsonl: 4 records (4 operations, 7 observations), all observations held"

run diff "$HW/config.json" "$HW/wrong.jsonl"
expect_rc diff-jsonl-wrong 1
expect_out diff-jsonl-wrong "wrong.jsonl: line 4: step 2: divergence in grant_vm_page(vmid=1, pfn=0x40002) on cpu 1 at level high"
expect_out diff-jsonl-wrong "shared.s2page[0x40002].s2_count: implementation 0, model 1"
expect_out diff-jsonl-wrong "wrong.jsonl: line 5: step 3: divergence in clear_vm_page(vmid=2, pfn=0x40002)"

run diff "$HW/config.json" "$HW/bad.jsonl"
expect_rc diff-jsonl-bad 2
expect_err diff-jsonl-bad "bad.jsonl: line 2: step 1: invalid JSON"

run diff --skip-bad-lines "$HW/config.json" "$HW/bad.jsonl"
expect_rc diff-jsonl-skip 0
expect_out diff-jsonl-skip "bad.jsonl: 4 records (4 operations, 7 observations), all observations held; 1 bad line reported"

finish
