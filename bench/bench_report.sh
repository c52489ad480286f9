#!/usr/bin/env bash
# bench_report.sh - nlut report's time, one model after another, in one run:
# the one yosys script for the whole core (-j 0), the tables apart from a cold
# cache (-j N, a fresh cache folder) and again from the warm one. Prints wall
# and CPU seconds (nlut and its yosys runs), LUTs/FFs/levels of each, the
# speed-ups over -j 0, and the load average before each run (2-core machines
# shared with others: read the ratios with it).
#
# Usage: bench_report.sh NLUT [JOBS] MODEL...
#   e.g. bench/bench_report.sh build/test/host/tools/nlut 2 examples/digits-tiny.nlut \
#        examples/digits-jsc2l.nlut
set -euo pipefail

nlut=$(realpath "$1")
shift
jobs=2
case ${1:-} in [0-9]*) jobs=$1; shift ;; esac
[ $# -ge 1 ] || { echo "usage: bench_report.sh NLUT [JOBS] MODEL..." >&2; exit 2; }
command -v yosys >/dev/null || { echo "bench_report: yosys not found (scripts/deps.sh)" >&2; exit 77; }
work=$(mktemp -d /tmp/nlut-bench-report.XXXXXX)
trap 'rm -rf "$work"' EXIT
loadavg() { cut -d' ' -f1 /proc/loadavg; }

# run NAME MODEL OPTIONS...: sets wall, cpu, figs
run() {
	local name=$1 model=$2 t0 t1 c0 c1
	shift 2
	c0=$(awk '{ print $14 + $15 + $16 + $17 }' /proc/$$/stat)
	t0=$(date +%s.%N)
	"$nlut" report --json --workdir "$work/$name" "$@" "$model" > "$work/$name.json"
	t1=$(date +%s.%N)
	c1=$(awk '{ print $14 + $15 + $16 + $17 }' /proc/$$/stat)
	wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
	cpu=$(awk -v a="$c0" -v b="$c1" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.1f", (b - a) / hz }')
	figs=$(sed 's/.*"nlut":{//' "$work/$name.json" |
		grep -o '"luts":[0-9]*,"ffs":[0-9]*,"stage_levels":[^]]*]' | tail -1 |
		sed 's/"luts":/LUTs /; s/,"ffs":/, FFs /; s/,"stage_levels":/, levels /')
}

printf '%-18s %-22s %8s %8s %6s  %s\n' model run "wall s" "CPU s" load figures
for model in "$@"; do
	m=$(basename "$model" .nlut)
	l=$(loadavg)
	run "$m-serial" "$model" -j 0
	ws=$wall fs=$figs
	printf '%-18s %-22s %8s %8s %6s  %s\n' "$m" "-j 0 (one script)" "$wall" "$cpu" "$l" "$figs"
	l=$(loadavg)
	run "$m-cold" "$model" -j "$jobs" --cache "$work/cache-$m"
	wc=$wall fc=$figs
	printf '%-18s %-22s %8s %8s %6s  %s\n' "$m" "-j $jobs, cold cache" "$wall" "$cpu" "$l" "$figs"
	l=$(loadavg)
	run "$m-warm" "$model" -j "$jobs" --cache "$work/cache-$m"
	ww=$wall
	printf '%-18s %-22s %8s %8s %6s  %s\n' "$m" "-j $jobs, warm cache" "$wall" "$cpu" "$l" "$figs"
	[ "$figs" = "$fc" ] || echo "bench_report: $m: the warm run's figures differ from the cold run's" >&2
	awk -v m="$m" -v s="$ws" -v c="$wc" -v w="$ww" 'BEGIN {
		printf "%-18s speed-up over -j 0: %.1fx cold, %.1fx warm\n", m, s / c, s / w }'
	[ "$fs" = "$fc" ] || echo "$m: -j 0 (yosys's order) $fs; tables apart $fc"
done
