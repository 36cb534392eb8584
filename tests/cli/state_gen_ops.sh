# state, gen and ops.
source "$(dirname "$0")/lib/assert.bash"

run state --config "$FIX/small-config.json"
expect_rc state-config 0
expect_out state-config '"next_vmid": 1'
expect_out state-config '"0x40000": {"s2_owner": 0, "s2_count": 0, "s2_gfn": 1000262144}'
expect_out state-config '"0x4000f": {"s2_owner": 0'
expect_no_out state-config '"0x40010": {"s2_owner": 0'
expect_out state-config '"curid": 0'
run state --config "$FIX/small-config.json" --cpu 1
expect_rc state-cpu1 0
expect_out state-cpu1 '"curid": 1'
run state --config "$FIX/small-config.json" --cpu 2
expect_rc state-bad-cpu 2
run state --config "$FIX/bad-small-config.json"
expect_rc state-bad-config 2
expect_err state-bad-config "config.memory[0]"
run state --config "$FIX/good.json"
expect_rc state-trace 0
expect_out state-trace '"tstate": 0'
run state --config "$FIX/good.jsonl" --compact
expect_rc state-jsonl 0
[ "$(wc -l <<<"$OUT")" -eq 1 ] && pass "state --compact: one line" || fail "state --compact: several lines"
run state --config "$FIX/truncated.json"
expect_rc state-truncated 2
run state --config "$TMP/none.json"
expect_rc state-missing 2

run gen --list
expect_rc gen-list 0
for s in host-fault-ram host-fault-device assign-map-vm-page grant-revoke clear-vm-page map-io \
	smmu-map-unmap two-cpu-contention host-touches-vm-page-halts boot-vm poweroff-scrub; do
	expect_out gen-list "$s"
done
scenarios=$(awk '{print $1}' <<<"$OUT")
for s in $scenarios; do
	"$HM" gen "$s" -o "$TMP/$s.json"
	RC=$?
	expect_rc "gen $s" 0
	run replay "$TMP/$s.json"
	expect_rc "replay of gen $s" 0
done
run gen host-fault-ram
expect_rc gen-stdout 0
expect_out gen-stdout '"format": "hypsec-trace/1"'
expect_out gen-stdout '"expect": {'
run gen no-such-scenario
expect_rc gen-unknown 2
expect_err gen-unknown 'unknown scenario "no-such-scenario"'
run gen
expect_rc gen-none 2

run ops --names
expect_rc ops 0
expect_out ops "map_page_host"
expect_out ops "host_hvc_handler"
run ops --json
expect_rc ops-json 0
expect_out ops-json '"op": "assign_pfn_to_vm"'

finish
