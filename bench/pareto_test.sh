#!/bin/sh
# pareto_test.sh - smoke test of bench/pareto.sh --quick (no training, no
# synthesis): one example model, its report from bench/pareto/reports, the
# published points; checks the table row, the CSV and the SVG.
#   pareto_test.sh NLUT PARETO_PLOT SOURCE_DIR WORK_DIR
set -eu
nlut=$1 plot=$2 src=$3 work=$4
mnist=$src/../shared/data/mnist/t10k-images-idx3-ubyte.gz
pub=$src/../shared/anchors/published.csv
[ -e "$mnist" ] && [ -e "$pub" ] || { echo "pareto_test: no MNIST test set or published.csv: skipped"; exit 77; }
rm -rf "$work"
out=$("$src/bench/pareto.sh" --quick --nlut "$nlut" --plot "$plot" --out "$work" \
	"$src/examples/mnist-dwn-xs.nlut")
echo "$out"
fail() { echo "pareto_test: $*" >&2; exit 1; }
echo "$out" | grep -q '^MNIST  *mnist-dwn-xs  *95\.31%  *1486 ' || fail "table row of mnist-dwn-xs"
grep -q '^MNIST,mnist-dwn-xs,95\.31,1486,1249,6,' "$work/results.csv" || fail "results.csv row"
grep -q '<svg' "$work/pareto.svg" || fail "no SVG"
grep -q 'mnist-dwn-xs (95.31%, 1486)' "$work/pareto.svg" || fail "nlut point not drawn"
grep -q '>DWN</text>' "$work/pareto.svg" || fail "published DWN points not in the legend"
# Bad input: one clear line, non-zero exit.
printf 'dataset,model\nMNIST\n' > "$work/bad.csv"
if "$plot" "$work/bad.csv" "$pub" "$work/bad.svg" 2> "$work/err.txt"; then fail "bad CSV accepted"; fi
grep -q 'expected 9' "$work/err.txt" || fail "bad CSV: $(cat "$work/err.txt")"
echo "pareto_test: ok"
