#!/usr/bin/env bash
# Writes a long JSON Lines trace for replay benchmarks:
#   bench/gen_long_trace.sh STEPS [PAGES] > long.jsonl
# Host stage-2 faults (map_page_host) spread over PAGES pages of RAM at
# 0x40000000 (default 65536), every step expected to end ok.
set -euo pipefail
steps=${1:?usage: gen_long_trace.sh STEPS [PAGES]}
pages=${2:-65536}
printf '{"format": "hypsec-trace/1", "name": "long-host-faults", "config": {"cpus": 1, "memory": [{"base": "0x40000000", "size": "0x%x"}]}}\n' $((pages * 4096))
awk -v n="$steps" -v pages="$pages" 'BEGIN {
	for (i = 0; i < n; i++) {
		pfn = 262145 + (i * 7919) % (pages - 1)
		printf "{\"op\": \"map_page_host\", \"args\": {\"addr\": \"0x%x\"}, \"expect\": {\"result\": \"ok\"}}\n", pfn * 4096
	}
}'
