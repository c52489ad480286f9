#!/bin/sh
# pareto.sh - the accuracy-per-LUT front of nlut's binary LUT (DWN) path on
# MNIST and Fashion-MNIST beside the published points. Trains every config
# of the sweep (bench/pareto/*.cfg), measures each model (test accuracy by
# `nlut eval`, LUTs, FFs and latency by `nlut report`, whole core), writes
# OUT/results.csv, prints the table and draws OUT/pareto.svg and, with
# rsvg-convert (librsvg2-bin), OUT/pareto.png.
#
#   bench/pareto.sh [--quick] [--out DIR] [--nlut PROG] [--plot PROG]
#                   [--published CSV] [CFG|MODEL...]
#
# --quick trains nothing: it measures the models given, by default the
# binary LUT examples of MNIST and Fashion-MNIST (examples/mnist-dwn*.nlut,
# examples/fashion-dwn*.nlut). Reports are kept by model
# identity in bench/pareto/reports/ (--reports DIR), so a model synthesised
# once is not synthesised again: with the committed reports --quick takes
# well under a minute. Models already in OUT are not trained again (a long
# run can be resumed). Run from the repository root with shared/ beside it.
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
nlut=$here/build/test/host/tools/nlut
plot=$here/build/test/bench/pareto_plot
published=$here/../shared/anchors/published.csv
reports=$here/bench/pareto/reports
out=$here/build/pareto
quick=0
while [ $# -gt 0 ]; do
	case $1 in
	--quick) quick=1 ;;
	--out) out=$2; shift ;;
	--nlut) nlut=$2; shift ;;
	--plot) plot=$2; shift ;;
	--published) published=$2; shift ;;
	--reports) reports=$2; shift ;;
	-h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	-*) echo "pareto: unknown option $1" >&2; exit 2 ;;
	*) break ;;
	esac
	shift
done
for f in "$nlut" "$plot" "$published"; do
	[ -e "$f" ] || { echo "pareto: $f: not found (build nlut and pareto_plot)" >&2; exit 1; }
done
if [ $# -eq 0 ]; then
	if [ $quick = 1 ]; then
		set -- "$here"/examples/mnist-dwn*.nlut "$here"/examples/fashion-dwn*.nlut
	else
		set -- "$here"/bench/pareto/*.cfg
	fi
fi
mkdir -p "$out" "$reports"
# Absolute paths, then work from the repository root: the configs' and the
# models' data paths are relative to it.
abs() { case $1 in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }
out=$(abs "$out") reports=$(abs "$reports") nlut=$(abs "$nlut") plot=$(abs "$plot")
published=$(abs "$published")
n=$#
for a in "$@"; do set -- "$@" "$(abs "$a")"; done
shift "$n"
cd "$here"

# A metadata value of a model (`nlut info`): the first line "  KEY  value".
meta() { "$nlut" info "$1" | sed -n "s/^  $2  *//p" | head -n 1; }
# A number from one-line JSON.
jnum() { sed -n "s/.*\"$2\":\([0-9.]*\).*/\1/p" "$1" | head -n 1; }

csv=$out/results.csv
echo "dataset,model,accuracy_pct,luts,ffs,latency_cycles,train_s,load,identity" > "$csv"
for arg in "$@"; do
	case $arg in
	*.cfg)
		name=$(sed -n 's/^name *= *//p' "$arg")
		[ -n "$name" ] || name=$(basename "$arg" .cfg)
		model=$out/$name.nlut
		if [ ! -s "$model" ]; then
			[ $quick = 0 ] || { echo "pareto: --quick: $model not trained" >&2; exit 1; }
			echo "pareto: training $name ($(date -u +%T), load $(cut -d' ' -f1-3 /proc/loadavg))" >&2
			# The load average while it trained: sampled every 10 s.
			( while :; do cut -d' ' -f1 /proc/loadavg; sleep 10; done ) > "$out/$name.load" &
			sampler=$!
			rc=0
			nice -n 5 "$nlut" train -q -c "$arg" -o "$model" > "$out/$name.train.txt" 2>&1 || rc=$?
			kill "$sampler"
			[ $rc = 0 ] || { rm -f "$model"; echo "pareto: $name: nlut train failed (see $out/$name.train.txt)" >&2; exit 1; }
		fi ;;
	*) model=$arg; name=$(basename "$arg" .nlut) ;;
	esac
	test=$(meta "$model" accuracy.dataset)
	[ -n "$test" ] || { echo "pareto: $model: no accuracy.dataset in its metadata" >&2; exit 1; }
	case $test in
	*fashion*) ds=Fashion-MNIST ;;
	*mnist*) ds=MNIST ;;
	*) ds=$(basename "$test") ;;
	esac
	"$nlut" eval --json "$model" "$test" > "$out/$name.eval.json"
	acc=$(jnum "$out/$name.eval.json" accuracy)
	id=$("$nlut" info --json "$model" | sed -n 's/.*"identity":"\([0-9a-f]*\)".*/\1/p')
	rep=$reports/$id.json
	if [ ! -s "$rep" ]; then
		echo "pareto: nlut report $name ($(date -u +%T))" >&2
		nice -n 5 "$nlut" report --json "$model" > "$rep.part"
		mv "$rep.part" "$rep"
	fi
	# The totals: the only "luts" followed by "ffs" and "stage_levels".
	luts=$(sed -n 's/.*"luts":\([0-9]*\),"ffs":[0-9]*,"stage_levels".*/\1/p' "$rep")
	ffs=$(sed -n 's/.*"luts":[0-9]*,"ffs":\([0-9]*\),"stage_levels".*/\1/p' "$rep")
	[ -n "$luts" ] || { echo "pareto: $rep: no LUT total" >&2; exit 1; }
	lat=$(jnum "$rep" latency_cycles)
	secs=$(meta "$model" train.seconds)
	load=-
	if [ -s "$out/$name.load" ]; then
		load=$(awk '{ s += $1 } END { printf "%.1f", s / NR }' "$out/$name.load")
	fi
	pct=$(awk -v a="$acc" 'BEGIN { printf "%.2f", 100 * a }')
	echo "$ds,$name,$pct,$luts,$ffs,$lat,${secs:--},$load,$id" >> "$csv"
done

"$plot" "$csv" "$published" "$out/pareto.svg"
if command -v rsvg-convert > /dev/null; then
	rsvg-convert -z 1.5 -b white "$out/pareto.svg" -o "$out/pareto.png"
	echo "pareto: $csv, $out/pareto.svg, $out/pareto.png"
else
	echo "pareto: $csv, $out/pareto.svg (no rsvg-convert: install librsvg2-bin for the PNG)"
fi
