# The scenario corpus in traces/: every trace replays with all its
# expectations held, the traces together call every op of the op table,
# and they cover the halt, stuck and rely outcomes.
source "$(dirname "$0")/lib/assert.bash"

shopt -s nullglob
traces=("$SRC"/traces/*.json "$SRC"/traces/*.jsonl)
[ ${#traces[@]} -ge 12 ] && pass "corpus: ${#traces[@]} traces" || fail "corpus: only ${#traces[@]} traces"

run replay "${traces[@]}"
expect_rc corpus-replay 0
expect_count corpus-replay "all expectations held" ${#traces[@]}

# Each trace has a name and a description (the hand reasoning).
for t in "${traces[@]}"; do
	head="$(head -c 4000 "$t")"
	if grep -q '"description": "' <<<"$head" && grep -q '"name": "' <<<"$head"; then
		pass "$(basename "$t"): name and description"
	else
		fail "$(basename "$t"): no name or description"
	fi
done

run ops --names
ops="$OUT"
for op in $ops; do
	if grep -qF "\"op\": \"$op\"" "${traces[@]}"; then
		pass "op $op is called"
	else
		fail "op $op is called by no trace of traces/"
	fi
done

for outcome in ok halt stuck rely; do
	if grep -qF "\"result\": \"$outcome\"" "${traces[@]}"; then
		pass "outcome $outcome is expected somewhere"
	else
		fail "no trace expects the outcome $outcome"
	fi
done

finish
