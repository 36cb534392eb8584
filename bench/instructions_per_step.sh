#!/bin/bash
# Instructions and cache misses per MemManager step of one benchmark
# family, by cachegrind: the difference between runs of 30,000 and 10,000
# steps, so that setup cancels out. Stable where timings on a shared
# machine are not (and where, as in most VMs, there are no hardware
# counters for perf).
#
#   bash bench/instructions_per_step.sh FAMILY [CPUS [PAGES [BENCH]]]
#   bash bench/instructions_per_step.sh map_page_host 8
#   bash bench/instructions_per_step.sh all 8   # every family, one line each
#
# The misses are cachegrind's simulation of this machine's first-level
# data cache (D1) and last-level cache (LL): a D1 miss that the simulated
# LL holds costs an L2 or L3 hit on the real machine, an LL miss a trip
# to memory. HM_LL=SIZE,ASSOC,LINE sets the simulated last level instead
# of this machine's: HM_LL=2097152,16,64 counts what misses a 2 MiB L2.
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

# Prints "Ir D1-misses LL-misses" of the run of $1 steps.
total() {
	rm -f "$out"/cg.*
	valgrind --tool=cachegrind --cache-sim=yes ${HM_LL:+--LL="$HM_LL"} --trace-children=yes \
		--cachegrind-out-file="$out/cg.%p" \
		"$bench" --steps "$1" --sizes "$pages" --vms 1 --cpus "$cpus" --replay-steps 0 \
		--families "$family" >/dev/null 2>&1
	# The forked child that ran the steps executed the most instructions.
	# Its events: Ir I1mr ILmr Dr D1mr DLmr Dw D1mw DLmw.
	grep -h '^summary:' "$out"/cg.* | sort -n -k2 | tail -1 |
		awk '{ print $2, $6 + $9, $7 + $10 }'
}

read -r short_ir short_d1 short_ll < <(total 10000)
read -r long_ir long_d1 long_ll < <(total 30000)
per_step() { echo $((($2 - $1) / 20000)); }
echo "$family, $cpus CPU(s), $pages pages: $(per_step "$short_ir" "$long_ir") instructions," \
	"$(per_step "$short_d1" "$long_d1") D1 misses, $(per_step "$short_ll" "$long_ll") LL misses a step"
