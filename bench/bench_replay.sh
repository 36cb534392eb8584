#!/usr/bin/env bash
# Times `hypsec-model replay` on a generated JSON Lines trace:
#   bench/bench_replay.sh [BUILD_DIR] [STEPS] [PAGES]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-build-rel}
steps=${2:-1000000}
pages=${3:-65536}
trace=$(mktemp --suffix=.jsonl)
trap 'rm -f "$trace"' EXIT
bash "$here/gen_long_trace.sh" "$steps" "$pages" > "$trace"
start=$(date +%s.%N)
"$build/hypsec-model" replay --quiet "$trace"
end=$(date +%s.%N)
awk -v s="$start" -v e="$end" -v n="$steps" 'BEGIN { printf "%d steps in %.2f s: %.0f steps/s\n", n, e - s, n / (e - s) }'
