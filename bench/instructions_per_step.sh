#!/bin/bash
# Instructions and cache misses per timed MemManager step of one benchmark
# family. Stable where timings on a shared machine are not (and where, as
# in most VMs, there are no hardware counters for perf).
#
#   bash bench/instructions_per_step.sh FAMILY [CPUS [PAGES [BENCH]]]
#   bash bench/instructions_per_step.sh map_page_host 8
#   bash bench/instructions_per_step.sh all 8   # every family, one line each
#
# callgrind counts only inside the benchmark's timed_step(), 20,000 steps
# (HM_STEPS sets another number): building the state, the family's setup
# and the rebuilds of map_page_host-first between epochs are left out. A
# BENCH built before timed_step existed is measured as it used to be: the
# difference between runs of 30,000 and 10,000 steps, which cancels the
# setup out (but not rebuilds between epochs, which that build lacks).
#
# The misses are the simulation of this machine's first-level data cache
# (D1) and last-level cache (LL): a D1 miss that the simulated LL holds
# costs an L2 or L3 hit on the real machine, an LL miss a trip to memory.
# HM_LL=SIZE,ASSOC,LINE sets the simulated last level instead of this
# machine's: HM_LL=2097152,16,64 counts what misses a 2 MiB L2.
set -euo pipefail
family=${1:?usage: instructions_per_step.sh FAMILY|all [CPUS [PAGES [BENCH]]]}
cpus=${2:-1}
pages=${3:-1024}
bench=${4:-build-rel/bench_memmanager}
steps=${HM_STEPS:-20000}
if [ "$family" = all ]; then
	for f in map_page_host map_page_host-first assign+clear assign+map grant+revoke map_vm_io smmu; do
		# an older BENCH has no map_page_host-first
		"$bench" --help 2>/dev/null | grep -q -- "$f" || continue
		bash "$0" "$f" "$cpus" "$pages" "$bench"
	done
	exit 0
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

run() { # $1: steps; the rest: valgrind options
	local n=$1
	shift
	rm -f "$out"/cg.*
	valgrind "$@" --cache-sim=yes ${HM_LL:+--LL="$HM_LL"} --trace-children=yes \
		"$bench" --steps "$n" --sizes "$pages" --vms 1 --cpus "$cpus" --replay-steps 0 \
		--families "$family" >/dev/null 2>&1
}

if grep -q -a timed_step "$bench"; then
	run "$steps" --tool=callgrind --toggle-collect=timed_step --callgrind-out-file="$out/cg.%p"
	# events: Ir Dr Dw I1mr D1mr D1mw ILmr DLmr DLmw; the forked child
	# that ran the steps is the one that counted any
	grep -h '^totals:' "$out"/cg.* | sort -n -k2 | tail -1 |
		awk -v f="$family" -v c="$cpus" -v p="$pages" -v n="$steps" '{
			printf "%s, %s CPU(s), %s pages: %d instructions, %d D1 misses, %d LL misses a step\n",
				f, c, p, $2 / n, ($6 + $7) / n, ($9 + $10) / n }'
	exit 0
fi

# Prints "Ir D1-misses LL-misses" of the run of $1 steps.
total() {
	run "$1" --tool=cachegrind --cachegrind-out-file="$out/cg.%p"
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
