#!/bin/sh
# report_dense.sh - nlut report on a trained LUT-Dense model (issue 11, HGQ-LUT):
# a small digits network with a LUT cost (pruned and narrowed edges) goes
# through nlut train and yosys; its layers are counted as kind lut_dense, with
# LUTs and the adder trees' carry chains, and the JSON sums them by kind.
# Usage: report_dense.sh NLUT DATA_DIR WORKDIR
set -u
NLUT=$1 DATA=$2 W=$3
[ -f "$DATA/digits.csv.gz" ] || { echo "no $DATA/digits.csv.gz"; exit 77; }
command -v yosys > /dev/null || { echo "no yosys"; exit 77; }
mkdir -p "$W"
export XDG_CACHE_HOME="$W/cache"
"$NLUT" train -q --train="$DATA/digits.csv.gz" --test-rows=360 --neuron=dense --layers=12,10 \
	--in-bits=2 --hidden-bits=2 --out-bits=4 --lut-cost=0.0005 --epochs=6 --batch=64 --ghost=32 \
	--threads=1 -o "$W/d.nlut" > "$W/train.out" 2>&1 ||
	{ cat "$W/train.out"; echo "FAIL: nlut train"; exit 1; }
grep -q "tables = trained quantised pass on all 360" "$W/train.out" ||
	{ cat "$W/train.out"; echo "FAIL: tables differ from the trained pass"; exit 1; }
"$NLUT" info "$W/d.nlut" | grep -q "(LUT-Dense neurons)" || { echo "FAIL: no LUT-Dense neurons"; exit 1; }
"$NLUT" report --json "$W/d.nlut" > "$W/report.json" || { echo "FAIL: nlut report"; exit 1; }
for l in 0 1; do
	grep -Eq "\"name\":\"layer$l\",\"kind\":\"lut_dense\",\"luts\":[1-9][0-9]*,\"ffs\":[0-9]+,\"muxes\":[0-9]+,\"carries\":[1-9]" \
		"$W/report.json" || { cat "$W/report.json"; echo "FAIL: layer $l is not a lut_dense row with LUTs and carries"; exit 1; }
done
grep -Eq '"lut_dense":\{"luts":[1-9][0-9]*,' "$W/report.json" ||
	{ cat "$W/report.json"; echo "FAIL: no lut_dense LUTs by kind"; exit 1; }
grep -q '"counted":"whole core"' "$W/report.json" || { echo "FAIL: not the whole core"; exit 1; }
echo "ok: $(grep -o '"lut_dense":{"luts":[0-9]*' "$W/report.json"), $(grep -o '"luts":[0-9]*,"ffs":[0-9]*,"stage_levels' "$W/report.json")"
