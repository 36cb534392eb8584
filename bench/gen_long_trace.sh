#!/usr/bin/env bash
# Writes a long JSON Lines trace for replay benchmarks:
#   bench/gen_long_trace.sh STEPS [PAGES [CPUS]] > long.jsonl
# Host stage-2 faults (map_page_host) spread over PAGES pages of RAM at
# 0x40000000 (default 65536), every step expected to end ok. With CPUS
# (1 to 8, default 1) the header's config has that many CPUs and step i
# runs on CPU i mod CPUS ("cpu" field; left out on one CPU, so the trace
# is then the same as without the argument).
set -euo pipefail
steps=${1:?usage: gen_long_trace.sh STEPS [PAGES [CPUS]]}
pages=${2:-65536}
cpus=${3:-1}
if ! [[ $cpus =~ ^[1-8]$ ]]; then
	echo "gen_long_trace.sh: CPUS must be 1 to 8, not $cpus" >&2
	exit 2
fi
printf '{"format": "hypsec-trace/1", "name": "long-host-faults", "config": {"cpus": %d, "memory": [{"base": "0x40000000", "size": "0x%x"}]}}\n' "$cpus" $((pages * 4096))
awk -v n="$steps" -v pages="$pages" -v cpus="$cpus" 'BEGIN {
	for (i = 0; i < n; i++) {
		pfn = 262145 + (i * 7919) % (pages - 1)
		cpu = cpus > 1 ? sprintf("\"cpu\": %d, ", i % cpus) : ""
		# the address as the pfn in hex and three zeros: mawk prints
		# %x of anything past 2^32 as 0xffffffff, and 1M pages of RAM
		# at 0x40000000 reach 0x140000000
		printf "{%s\"op\": \"map_page_host\", \"args\": {\"addr\": \"0x%x000\"}, \"expect\": {\"result\": \"ok\"}}\n", cpu, pfn
	}
}'
