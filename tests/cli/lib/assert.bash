# Helpers of the command-line tests (sourced; run as
# `bash tests/cli/NAME.sh <hypsec-model binary> <source dir>`).
# Each check prints "ok" or "FAIL" with what it checked; `finish` prints
# "N passed, N failed" and exits 0 only when nothing failed.

HM="${1:?usage: bash $0 <hypsec-model binary> <source dir>}"
SRC="${2:?usage: bash $0 <hypsec-model binary> <source dir>}"
FIX="$SRC/tests/cli/fixtures"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
PASSED=0
FAILED=0

pass() { PASSED=$((PASSED + 1)); echo "ok   $1"; }
fail() { FAILED=$((FAILED + 1)); echo "FAIL $1"; [ -n "${2:-}" ] && sed 's/^/     | /' <<<"$2"; return 0; }

# run ARGS...: runs hypsec-model, keeping stdout, stderr and the exit code.
run() {
	"$HM" "$@" >"$TMP/out" 2>"$TMP/err"
	RC=$?
	OUT="$(cat "$TMP/out")"
	ERR="$(cat "$TMP/err")"
}

# expect_rc NAME CODE: the last run exited with CODE.
expect_rc() {
	if [ "$RC" -eq "$2" ]; then pass "$1: exit $2"; else fail "$1: exit $RC, expected $2" "$OUT
$ERR"; fi
}

# expect_out NAME TEXT / expect_err NAME TEXT: stdout / stderr contains TEXT (fixed string).
expect_out() {
	if grep -qF -- "$2" <<<"$OUT"; then pass "$1: stdout has \"$2\""; else fail "$1: stdout lacks \"$2\"" "$OUT"; fi
}
expect_err() {
	if grep -qF -- "$2" <<<"$ERR"; then pass "$1: stderr has \"$2\""; else fail "$1: stderr lacks \"$2\"" "$ERR"; fi
}
expect_no_out() {
	if grep -qF -- "$2" <<<"$OUT"; then fail "$1: stdout has \"$2\"" "$OUT"; else pass "$1: stdout has no \"$2\""; fi
}

# expect_count NAME TEXT N: stdout has exactly N lines containing TEXT.
expect_count() {
	local n
	n=$(grep -cF -- "$2" <<<"$OUT")
	if [ "$n" -eq "$3" ]; then pass "$1: $3 lines with \"$2\""; else fail "$1: $n lines with \"$2\", expected $3" "$OUT"; fi
}

finish() {
	echo "$PASSED passed, $FAILED failed"
	[ "$FAILED" -eq 0 ]
	exit $?
}
