# Replays that hold and replays that diverge: exit codes, the divergence
# report (step, op, args, path-level lines), --keep-going, --json,
# JSON Lines, --diff, --watch, --print-state, --level, --quiet.
source "$(dirname "$0")/lib/assert.bash"

run replay "$FIX/good.json"
expect_rc good 0
expect_out good "good.json: 3 steps, all expectations held"

run replay "$FIX/good.jsonl"
expect_rc good-jsonl 0
expect_out good-jsonl "good.jsonl: 3 steps, all expectations held"

run replay "$FIX/good.json" "$FIX/good.jsonl"
expect_rc two-files 0
expect_count two-files "all expectations held" 2

run replay --quiet "$FIX/good.json"
expect_rc quiet 0
[ -z "$OUT$ERR" ] && pass "quiet: prints nothing" || fail "quiet: printed something" "$OUT$ERR"

# The first divergence: step index, op and args, path-level lines; exit 1.
run replay "$FIX/failing-expect.json"
expect_rc diverges 1
expect_out diverges "failing-expect.json: step 1: divergence in assign_pfn_to_vm(vmid=1, gfn=0x80000, pfn=0x40001)"
expect_out diverges "shared.s2page[0x40001].s2_owner: expected 2, model 1"
expect_out diverges "divergence at step 1, replay stopped there"
expect_no_out diverges "step 2: divergence"

run replay --keep-going "$FIX/failing-expect.json"
expect_rc keep-going 1
expect_count keep-going "divergence in" 2
expect_out keep-going "result: expected halt, model ok"
expect_out keep-going "failing-expect.json: 4 steps, 2 divergences (first at step 1)"

run replay --json --keep-going "$FIX/failing-expect.json"
expect_rc json 1
expect_out json '"format": "hypsec-model-report/1"'
expect_out json '"status": "diverged"'
expect_out json '"exit": 1'
expect_out json '"path": "shared.s2page[0x40001].s2_owner"'
expect_out json '"expected": "2"'
expect_out json '"model": "1"'
expect_count json '"mismatches"' 2
expect_no_out json "all expectations held"

run replay --json "$FIX/good.json" "$FIX/unknown-op.json"
expect_rc json-error 2
expect_out json-error '"status": "error"'
expect_out json-error '"error": "'
expect_err json-error 'unknown op "no_such_op"'

run replay "$FIX/bad-ret.json"
expect_rc ret 1
expect_out ret "ret: expected 5, model 7"

run replay "$FIX/rely.json"
expect_rc rely 1
expect_out rely "result: expected ok, model rely (is_paddr"

# --level both: a disagreement of the two levels is a divergence.
run replay "$FIX/levels.json"
expect_rc levels 1
expect_out levels "at level both"
expect_out levels "the levels disagree (high -> low):"
expect_out levels "log[5]"
run replay --level high "$FIX/levels.json"
expect_rc level-high 0
run replay --level both "$FIX/vm.json"
expect_rc level-both-no-low 0
expect_out level-both-no-low "2 steps of ops without a _spec0 ran at high"

# --diff: the state diff after each step.
run replay --diff "$FIX/good.json"
expect_rc diff 0
expect_out diff "good.json: step 1: diff assign_pfn_to_vm(vmid=1, gfn=0x80000, pfn=0x40001) on cpu 0"
expect_out diff "shared.s2page[0x40001].s2_owner: 0 -> 1"
expect_out diff "data_log[1]: 0 -> 1"

# --watch: what happens to one page, one VM.
run replay --watch pfn=0x40001 "$FIX/good.json"
expect_rc watch-pfn 0
expect_out watch-pfn "shared.s2page[0x40001] = {\"s2_owner\":0,\"s2_count\":0,\"s2_gfn\":1000262145}"
expect_out watch-pfn "shared.npts[0].pt[0x40001]: [0,0,0] -> [262145,3,1073750015]"
expect_out watch-pfn "shared.s2page[0x40001].s2_gfn: 0x3b9eca01 -> 0x80000"
expect_out watch-pfn "shared.flatmem[0x40001]: 0 -> 2748"
expect_no_out watch-pfn "step 2: watch"
run replay --watch vmid=1 "$FIX/vm.json"
expect_rc watch-vmid 0
expect_out watch-vmid "shared.vminfos[1].VS.vm_state: 0 -> 2"

# --print-state: the final state on stdout, the summary on stderr.
run replay --print-state "$FIX/good.json"
expect_rc print-state 0
expect_out print-state '"s2_owner": 1'
expect_err print-state "good.json: 3 steps, all expectations held"
run replay --print-state --state-cpu 3 "$FIX/good.json"
expect_rc print-state-bad-cpu 2
expect_err print-state-bad-cpu "the trace has 1 CPU"

# --coverage: the branches of each spec function that ran.
run replay --coverage "$FIX/good.json"
expect_rc coverage 0
expect_out coverage "map_page_host_spec"
expect_out coverage "total"
run replay --coverage-untaken "$FIX/good.json"
expect_rc coverage-untaken 0
expect_out coverage-untaken "never: "
run replay --json --coverage "$FIX/good.json"
expect_out coverage-json '"coverage": {'

run replay --help
expect_rc help 0
expect_out help "--keep-going"

finish
