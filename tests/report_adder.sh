#!/bin/sh
# report_adder.sh - nlut report on a trained adder model (issue 11): a small
# digits network of PolyLUT-Add neurons (2 polynomial sub-neurons each) goes
# through nlut train and yosys; the whole core is counted, every layer has
# LUTs and its adders their carry chains.
# Usage: report_adder.sh NLUT DATA_DIR WORKDIR
set -u
NLUT=$1 DATA=$2 W=$3
[ -f "$DATA/digits.csv.gz" ] || { echo "no $DATA/digits.csv.gz"; exit 77; }
command -v yosys > /dev/null || { echo "no yosys"; exit 77; }
mkdir -p "$W"
"$NLUT" train -q --train="$DATA/digits.csv.gz" --test-rows=360 --layers=16,10 --neuron=poly \
	--fan-in=2 --adder=2 --sub-bits=2 --out-bits=3 --epochs=2 --threads=1 -o "$W/a.nlut" \
	> "$W/train.out" 2>&1 || { cat "$W/train.out"; echo "FAIL: nlut train"; exit 1; }
grep -q "tables = trained quantised pass on all 360" "$W/train.out" ||
	{ cat "$W/train.out"; echo "FAIL: tables differ from the trained pass"; exit 1; }
"$NLUT" info "$W/a.nlut" | grep -q "(adder neurons)" || { echo "FAIL: no adder neurons"; exit 1; }
"$NLUT" report --json "$W/a.nlut" > "$W/report.json" || { echo "FAIL: nlut report"; exit 1; }
for l in 0 1; do
	grep -Eq "\"name\":\"layer$l\",\"kind\":\"lut\",\"luts\":[1-9][0-9]*,\"ffs\":[0-9]+,\"muxes\":[0-9]+,\"carries\":[1-9]" \
		"$W/report.json" || { cat "$W/report.json"; echo "FAIL: layer $l has no LUTs or carries"; exit 1; }
done
grep -q '"counted":"whole core"' "$W/report.json" || { echo "FAIL: not the whole core"; exit 1; }
echo "ok: $(grep -o '"luts":[0-9]*,"ffs":[0-9]*,"stage_levels' "$W/report.json")"
