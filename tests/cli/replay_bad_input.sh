# Bad traces: every one exits 2 with a message naming the file, the step
# or line, and the field; nothing is reported as held.
source "$(dirname "$0")/lib/assert.bash"

run replay "$FIX/truncated.json"
expect_rc truncated 2
expect_err truncated "truncated.json: invalid JSON at line 1"
expect_no_out truncated "all expectations held"

run replay "$FIX/unknown-op.json"
expect_rc unknown-op 2
expect_err unknown-op 'unknown-op.json: step 1: op: unknown op "no_such_op"'

run replay "$FIX/unknown-field.json"
expect_rc unknown-field 2
expect_err unknown-field "unknown-field.json: step 0: colour: unknown field"

run replay "$FIX/out-of-range.json"
expect_rc out-of-range 2
expect_err out-of-range "out-of-range.json: step 0: args.pfn: out of range"

run replay "$FIX/wrong-type.json"
expect_rc wrong-type 2
expect_err wrong-type "wrong-type.json: step 3: args.pfn: not an integer"

run replay "$FIX/missing-arg.json"
expect_rc missing-arg 2
expect_err missing-arg "missing-arg.json: step 0: args.pfn: missing"

run replay "$FIX/unknown-arg.json"
expect_rc unknown-arg 2
expect_err unknown-arg "unknown-arg.json: step 0: args.page: unknown argument of grant_vm_page"

run replay "$FIX/bad-cpu.json"
expect_rc bad-cpu 2
expect_err bad-cpu "bad-cpu.json: step 0: cpu: 1 is not in 0..0"

run replay "$FIX/bad-level.json"
expect_rc bad-level 2
expect_err bad-level "bad-level.json: step 0: level: expected"

run replay "$FIX/bad-result.json"
expect_rc bad-result 2
expect_err bad-result "bad-result.json: step 0: expect.result: expected"

run replay "$FIX/bad-expect-state.json"
expect_rc bad-expect-state 2
expect_err bad-expect-state "bad-expect-state.json: step 0: expect.state.shared.s2pages: unknown field"

run replay "$FIX/bad-set.json"
expect_rc bad-set 2
expect_err bad-set "bad-set.json: step 0: set.shared.s2page[0x40001].s2_owner: not an integer"

run replay "$FIX/bad-oracle.json"
expect_rc bad-oracle 2
expect_err bad-oracle "bad-oracle.json: step 0: oracle.doracle[0].logn: missing"

run replay "$FIX/bad-config.json"
expect_rc bad-config 2
expect_err bad-config "bad-config.json: config.cpus: 9 is not in 1..8"

run replay "$FIX/bad-init.json"
expect_rc bad-init 2
expect_err bad-init "bad-init.json: init.shared.core_data.next_vmid: not an integer"

run replay "$FIX/bad-format.json"
expect_rc bad-format 2
expect_err bad-format 'bad-format.json: format: "hypsec-trace/2" is not "hypsec-trace/1"'

run replay "$FIX/bad-line.jsonl"
expect_rc jsonl-bad-line 2
expect_err jsonl-bad-line "bad-line.jsonl: line 3: step 1: invalid JSON"

run replay "$FIX/bad-arg-line.jsonl"
expect_rc jsonl-bad-arg 2
expect_err jsonl-bad-arg "bad-arg-line.jsonl: line 4: step 1: args.addr: missing"

run replay "$TMP/does-not-exist.json"
expect_rc missing-file 2
expect_err missing-file "does-not-exist.json"

# Bad usage.
run replay
expect_rc no-trace 2
run replay --level sideways "$FIX/failing-expect.json"
expect_rc bad-level-option 2
expect_err bad-level-option "--level sideways"
run replay --watch page=3 "$FIX/failing-expect.json"
expect_rc bad-watch 2
expect_err bad-watch "expected pfn=N or vmid=N"
run replay --no-such-option "$FIX/failing-expect.json"
expect_rc bad-option 2
run no-such-subcommand
expect_rc bad-subcommand 2

# A good trace and a bad one: the bad one decides the exit code; the good
# one is still replayed and summarized.
run replay "$SRC/traces/host-fault-ram.json" "$FIX/unknown-op.json"
expect_rc good-and-bad 2
expect_out good-and-bad "host-fault-ram.json: "
expect_out good-and-bad "all expectations held"

finish
