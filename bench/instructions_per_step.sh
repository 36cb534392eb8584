#!/bin/bash
# Instructions per MemManager step of one benchmark family, by callgrind:
# the difference between runs of 30,000 and 10,000 steps, so that setup
# cancels out. Stable where timings on a shared machine are not.
#
#   bash bench/instructions_per_step.sh FAMILY [CPUS [PAGES [BENCH]]]
#   bash bench/instructions_per_step.sh map_page_host 8
#   bash bench/instructions_per_step.sh all 8   # every family, one line each
set -euo pipefail
family=${1:?usage: instructions_per_step.sh FAMILY|all [CPUS [PAGES [BENCH]]]}
cpus=${2:-1}
pages=${3:-1024}
bench=${4:-build-rel/bench_memmanager}
if [ "$family" = all ]; then
	for f in map_page_host assign+clear assign+map grant+revoke map_vm_io smmu; do
		bash "$0" "$f" "$cpus" "$pages" "$bench"
	done
	exit 0
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

total() {
	rm -f "$out"/cg.*
	valgrind --tool=callgrind --trace-children=yes --callgrind-out-file="$out/cg.%p" \
		"$bench" --steps "$1" --sizes "$pages" --vms 1 --cpus "$cpus" --replay-steps 0 \
		--families "$family" >/dev/null 2>&1
	# the forked child that ran the steps wrote the largest profile
	callgrind_annotate "$(ls -S "$out"/cg.* | head -1)" |
		awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1 }'
}

short=$(total 10000)
long=$(total 30000)
echo "$family, $cpus CPU(s), $pages pages: $(((long - short) / 20000)) instructions a step"
