#!/bin/sh
# bench_cosim_core.sh - cosim_core (sim/core, the regression harness with all
# its checks) against bench_core's lean loop on the digits-jsc2l core, no
# stalls or idles, in the same run: ROUNDS rounds, each running, one after
# the other (the order reversed every other round, so that neither side
# always runs first),
#   bench_core  MODEL VECTORS 1 THREADS   the lean loop, one core per model
#   bench_core2 MODEL VECTORS 1 THREADS   the lean loop, two cores per model
#   cosim_core, one core per model  (bench_cosim_core1) +threads=THREADS
#   cosim_core, two lanes per model (bench_cosim_core2) +threads=THREADS
# and printing each one's wall rate and rate per CPU second with the load
# average before the round; then the medians and cosim_core's ratios to the
# lean loops. The machine is shared: compare per CPU second when loaded.
#
# Usage: bench_cosim_core.sh BENCH_CORE BENCH_CORE2 COSIM1 COSIM2 MODEL
#                            [VECTORS] [ROUNDS] [THREADS]
set -eu
[ $# -ge 5 ] || { echo "usage: $0 BENCH_CORE BENCH_CORE2 COSIM1 COSIM2 MODEL [VECTORS] [ROUNDS] [THREADS]" >&2; exit 2; }
bc1=$1 bc2=$2 cs1=$3 cs2=$4 model=$5
n=${6:-4000000} rounds=${7:-5} th=${8:-2}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# name wall cpu (M vectors/s, M vectors per CPU second) of one run.
lean() { # NAME PROGRAM
	out=$("$2" "$model" "$n" 1 "$th") || { echo "$out" >&2; exit 1; }
	if [ "$th" -gt 1 ]; then
		echo "$out" | sed -n "s/.*models on $th threads: wall [0-9.]* M vectors\/s (median \([0-9.]*\); \([0-9.]*\) M vectors\/CPU-s).*/$1 \1 \2/p"
	else
		echo "$out" | sed -n "s/.*lean loop  *\([0-9.]*\) M vectors\/CPU-s.*wall *\([0-9.]*\) M vectors\/s.*/$1 \2 \1/p"
	fi
}
cosim() { # NAME PROGRAM
	out=$("$2" "$model" - +random="$n" +stall=0 +idle=0 +threads="$th" +seed=1) ||
		{ echo "$out" >&2; exit 1; }
	echo "$out" | awk -v name="$1" '/vectors per CPU second/ {
		printf "%s %.2f %.2f\n", name, $2 / 1e6, $6 / 1e6 }'
}

echo "bench_cosim_core: model $model, $n random vectors, stall 0%, idle 0%, $th threads," \
	"$rounds rounds on $(nproc) CPUs"
r=1
while [ "$r" -le "$rounds" ]; do
	la=$(cut -d' ' -f1-3 /proc/loadavg)
	if [ $((r % 2)) -eq 1 ]; then
		set -- "lean1 $bc1" "lean2 $bc2" "cosim1 $cs1" "cosim2 $cs2"
	else
		set -- "cosim2 $cs2" "cosim1 $cs1" "lean2 $bc2" "lean1 $bc1"
	fi
	for x in "$@"; do
		name=${x%% *} prog=${x#* }
		case $name in
		lean*) lean "$name" "$prog" ;;
		*) cosim "$name" "$prog" ;;
		esac
	done > "$tmp/r$r"
	line=$(awk '{ printf " %s %s (%s/CPU-s)", $1, $2, $3 }' "$tmp/r$r")
	echo "round $r, load average $la:$line"
	cat "$tmp/r$r" >> "$tmp/all"
	r=$((r + 1))
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
# Medians per program, then the ratios.
for name in lean1 lean2 cosim1 cosim2; do
	for col in 2 3; do
		awk -v nm="$name" -v c="$col" '$1 == nm { print $c }' "$tmp/all" | sort -g |
			awk '{ v[NR] = $1 } END { printf "%s ", v[int((NR + 1) / 2)] }'
	done
	echo "$name"
done > "$tmp/med"
awk '{ w[$3] = $1; c[$3] = $2 }
END {
	printf "bench_cosim_core: medians, M vectors/s wall (per CPU second):\n"
	printf "  bench_core lean loop, 1 core per model   %6.2f (%5.2f)\n", w["lean1"], c["lean1"]
	printf "  bench_core2 lean loop, 2 cores per model %6.2f (%5.2f)\n", w["lean2"], c["lean2"]
	printf "  cosim_core, 1 core per model             %6.2f (%5.2f)\n", w["cosim1"], c["cosim1"]
	printf "  cosim_core, 2 lanes per model            %6.2f (%5.2f)\n", w["cosim2"], c["cosim2"]
	printf "bench_cosim_core: cosim_core 2 lanes / bench_core lean: %.2fx wall, %.2fx per CPU second\n",
		w["cosim2"] / w["lean1"], c["cosim2"] / c["lean1"]
	printf "bench_cosim_core: cosim_core 2 lanes / bench_core2 lean: %.2fx wall, %.2fx per CPU second\n",
		w["cosim2"] / w["lean2"], c["cosim2"] / c["lean2"]
	printf "bench_cosim_core: cosim_core 1 core / bench_core lean: %.2fx wall, %.2fx per CPU second\n",
		w["cosim1"] / w["lean1"], c["cosim1"] / c["lean1"]
}' "$tmp/med"
