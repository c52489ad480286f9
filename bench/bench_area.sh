#!/bin/sh
# bench_area.sh - the #4 area target in one run: yosys LUTs of the nlut core
# and of the LogicNets-style baseline for a model, then for its minimised
# versions (don't-cares from the training data, with each fill), each with
# its test accuracy. Prints one table. Run again with the same OUTDIR, it
# reuses the models and reports already there (a 2 h run can be resumed).
#
#   bench/bench_area.sh [NLUT] [MODEL] [TRAIN] [TEST] [OUTDIR]
#
# Defaults: build/test/host/tools/nlut, examples/fashion-mnist.nlut and the
# Fashion-MNIST IDX files of Debian's dataset-fashion-mnist. Slow: every
# report is one yosys run (Fashion-MNIST: 27-37 min of CPU and 4.3 GB each;
# the baseline runs beside the first), about 2 h in all on 2 cores.
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
nlut=${1:-$here/build/test/host/tools/nlut}
model=${2:-$here/examples/fashion-mnist.nlut}
fm=/usr/share/datasets/fashion-mnist
train=${3:-$fm/train-images-idx3-ubyte.gz}
test=${4:-$fm/t10k-images-idx3-ubyte.gz}
out=${5:-$(mktemp -d /tmp/nlut-bench-area-XXXXXX)}

for f in "$nlut" "$model" "$train" "$test"; do
	[ -e "$f" ] || { echo "bench_area: $f: not found" >&2; exit 1; }
done
mkdir -p "$out"
echo "bench_area: work in $out"

# From the report's JSON: total LUTs and the most LUT levels of one stage,
# of the nlut side and of the baseline.
luts() { sed -n 's/.*"nlut":{"rows":\[[^]]*\],"luts":\([0-9]*\).*/\1/p' "$1"; }
base_luts() { sed -n 's/.*"baseline":{"rows":\[[^]]*\],"luts":\([0-9]*\).*/\1/p' "$1"; }
levels() { sed -n 's/.*"nlut":{"rows":\[[^]]*\][^]]*\],"max_levels":\([0-9]*\).*/\1/p' "$1"; }
acc() { "$nlut" eval "$1" "$test" | sed -n 's/^accuracy *\([0-9.]*\)%.*/\1/p'; }

# Variants: name and `nlut minimise` options ("" = the model as given).
# Two-level minimisation alone (no care data) keeps every table as it is
# (same identity), so its RTL is the original's: not run again.
set -- \
	"original|" \
	"dc-cover|--care-data $train --fill cover" \
	"dc-merge|--care-data $train --fill merge"

for v in "$@"; do
	name=${v%%|*} opts=${v#*|}
	m=$model
	if [ -n "$opts" ]; then
		m=$out/$name.nlut
		# shellcheck disable=SC2086
		[ -s "$m" ] || "$nlut" minimise "$model" -o "$m" $opts > "$out/$name.minimise.txt"
	fi
	extra=
	[ "$name" = original ] && extra=--baseline
	if [ -s "$out/$name.json" ]; then
		echo "bench_area: $name: reusing $out/$name.json"
		continue
	fi
	echo "bench_area: $name: nlut report $extra ($(date +%T))"
	t0=$(date +%s)
	"$nlut" report $extra --json --workdir "$out/$name.work" "$m" > "$out/$name.json"
	echo "$(($(date +%s) - t0)) s" > "$out/$name.time"
done

b=$(base_luts "$out/original.json")
a0=$(acc "$model")
printf '\n%-10s %9s %9s %9s %9s  %s\n' variant LUTs xbaseline accuracy delta "max levels"
printf '%-10s %9s %9s %8s%% %9s  %s\n' baseline "$b" 1.000 "$a0" - -
for v in "$@"; do
	name=${v%%|*}
	m=$model
	[ "$name" = original ] || m=$out/$name.nlut
	l=$(luts "$out/$name.json")
	a=$(acc "$m")
	awk -v n="$name" -v l="$l" -v b="$b" -v a="$a" -v a0="$a0" -v lv="$(levels "$out/$name.json")" \
		'BEGIN { printf "%-10s %9d %9.3f %8.2f%% %+9.2f  %s\n", n, l, l / b, a, a - a0, lv }'
done
echo
echo "bench_area: wall time per report:"
for v in "$@"; do
	t=$(cat "$out/${v%%|*}.time" 2>/dev/null || echo "not measured (reused)")
	echo "  ${v%%|*}: $t"
done
