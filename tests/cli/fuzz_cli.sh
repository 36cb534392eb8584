# hypsec-model fuzz: usage errors, a clean run, determinism, a failing run
# shrunk to a trace that `replay` runs green and `replay
# --check-invariants` reproduces, --keep-going findings, --coverage.
source "$(dirname "$0")/lib/assert.bash"

run fuzz --help
expect_rc help 0
expect_out help "--seed=N"

run fuzz --cpus 9
expect_rc bad-cpus 2
expect_err bad-cpus "--cpus 9"
run fuzz --ops no_such_op
expect_rc bad-op 2
expect_err bad-op "unknown op \"no_such_op\""
run fuzz --steps 0
expect_rc bad-steps 2
run fuzz extra
expect_rc bad-arg 2

# map_page_host alone keeps every invariant
run fuzz --seed 1 --steps 300 --cpus 1 --ops map_page_host
expect_rc clean 0
expect_out clean "fuzz seed 1: 300 steps"
expect_out clean "findings: 0"
first="$OUT"
run fuzz --seed 1 --steps 300 --cpus 1 --ops map_page_host
second="$OUT"
# the same seed: the same run (the rate line aside)
if [ "$(grep -v steps/s <<<"$first")" = "$(grep -v steps/s <<<"$second")" ]; then
	pass "deterministic: same summary"
else
	fail "deterministic: summaries differ" "$first
---
$second"
fi

# a page given to an SMMU (count INVALID) that the host then maps, given
# to the VM again: count 0 while the host still maps it (host_iso)
run fuzz --seed 7 --steps 20000 --cpus 1 --ops assign_pfn_to_smmu,map_page_host,assign_pfn_to_vm --out "$TMP/o"
expect_rc failing 1
expect_out failing "invariant host_iso violated"
expect_out failing "$TMP/o/fuzz-7.json"
[ -f "$TMP/o/fuzz-7.json" ] && pass "failing: trace written" || fail "failing: no trace"
run replay "$TMP/o/fuzz-7.json"
expect_rc replay-green 0
expect_out replay-green "all expectations held"
run replay --check-invariants "$TMP/o/fuzz-7.json"
expect_rc replay-invariants 1
expect_out replay-invariants "invariant host_iso:"

# --keep-going: each distinct failure a finding, written and shrunk
run fuzz --seed 7 --steps 3000 --cpus 1 --ops assign_pfn_to_smmu,map_page_host,assign_pfn_to_vm --keep-going --out "$TMP/k"
expect_rc keep-going 1
expect_out keep-going "[1] invariant: invariant host_iso"
[ -f "$TMP/k/fuzz-7-1.json" ] && pass "keep-going: finding written" || fail "keep-going: no finding file"

run fuzz --seed 2 --steps 200 --cpus 1 --ops map_page_host --coverage
expect_rc coverage 0
expect_out coverage "map_page_host_spec "
expect_out coverage "never: "

# the findings kept in traces/findings: green as traces; the two that
# break an invariant report it under --check-invariants
run replay "$SRC"/traces/findings/*.json
expect_rc findings-green 0
run replay --check-invariants --keep-going "$SRC"/traces/findings/*.json
expect_rc findings-invariants 1
expect_out findings-invariants "invariant host_iso: host gfn 0x4003a maps pfn 0x4003a owned by vmid 1"
expect_out findings-invariants "invariant vm_iso: vmid 4 gfn 0x1 maps pfn 0x40406 owned by vmid 1"

finish
