#!/bin/sh
# report_tables.sh - nlut report with the tables synthesised apart (-j N) and
# cached: one batch (-j 1), three batches (-j 3) and a run from the cache give
# exactly the same figures, table by table; a warm run synthesises nothing;
# against the one-script flow (-j 0) the same levels, FFs and latency, LUTs
# within 10% (there abc's mapping of a table depends on the order yosys gives
# it the gates, which depends on the whole process: docs/core-interface.md).
# Usage: report_tables.sh NLUT MKMODEL WORKDIR   (exit 77 without yosys)
set -u
NLUT=$1 MKMODEL=$2 W=$3
command -v yosys >/dev/null 2>&1 || { echo "yosys not installed"; exit 77; }
rm -rf "$W" && mkdir -p "$W"
fails=0
bad() { echo "FAIL: $*"; fails=$((fails + 1)); }

# 8-bit tables (fan-in 4 x 2 bits), and 12-bit ones (fan-in 6) split in two
# cofactors by the default policy: 6 + 2 x 2 = 10 table modules.
"$MKMODEL" "$W/m.nlut" 10x2:6/4/2,2/6/3 5 || exit 1
run() { # name, then report options
	r=$1
	shift
	"$NLUT" report --json --workdir "$W/$r" "$@" "$W/m.nlut" > "$W/$r.json" 2> "$W/$r.err" ||
		{ bad "report $*: $(cat "$W/$r.err")"; }
}
# Cells of every table module in stat.txt: "name count type" lines, sorted.
tables() {
	awk '/^=== / { m = $2 } m ~ /^nlut_layer[0-9]+_N[0-9]+(_C[0-9]+)?$/ && /^ +[$A-Za-z0-9_]+ +[0-9]+$/ &&
		!/Number/ { print m, $2, $1 }' "$W/$1/nlut/stat.txt" | sort
}
run one -j 0
run serial -j 1 --no-cache
run split -j 3 --cache "$W/cache"
run cached -j 3 --cache "$W/cache"
cmp -s "$W/split.json" "$W/cached.json" || bad "the cached run differs from the run that filled the cache"
cmp -s "$W/serial.json" "$W/split.json" || bad "-j 1 and -j 3 differ: $(cat "$W/serial.json" "$W/split.json")"
# The core's totals come right before its stage levels; the other keys are unique.
field() {
	case $2 in
	luts | ffs) grep -o '"luts":[0-9]*,"ffs":[0-9]*,"stage_levels"' "$W/$1.json" | tail -1 |
		grep -o "\"$2\":[0-9]*" ;;
	*) grep -o "\"$2\":[0-9.,\[]*" "$W/$1.json" | head -1 ;;
	esac
}
for k in stage_levels max_levels latency_cycles ffs; do
	[ "$(field one $k)" = "$(field split $k)" ] || bad "$k: -j 0 $(field one $k), -j 3 $(field split $k)"
done
l0=$(field one luts | tr -dc 0-9) l3=$(field split luts | tr -dc 0-9)
[ "${l0:-0}" -gt 0 ] && [ "${l3:-0}" -gt 0 ] && [ $((l3 * 10)) -ge $((l0 * 9)) ] && [ $((l3 * 10)) -le $((l0 * 11)) ] ||
	bad "LUTs: -j 0 $l0, -j 3 $l3"
tables one > "$W/one.tab"
tables serial > "$W/serial.tab"
tables split > "$W/split.tab"
tables cached > "$W/cached.tab"
cmp -s "$W/serial.tab" "$W/split.tab" || bad "-j 1 and -j 3 table cells differ"
n=$(wc -l < "$W/one.tab")
[ "$n" -ge 10 ] || bad "only $n table cells lines in the one-script statistics"
same=$(comm -12 "$W/one.tab" "$W/split.tab" | wc -l)
cmp -s "$W/split.tab" "$W/cached.tab" || bad "cached table cells differ"
[ "$(ls "$W/cache" | grep -cv '^glue-')" -eq 10 ] || bad "cache holds $(ls "$W/cache" | grep -cv '^glue-') tables, expected 10"
[ "$(ls "$W/cache" | grep -c '^glue-')" -eq 1 ] || bad "cache holds $(ls "$W/cache" | grep -c '^glue-') glue netlists, expected 1"
[ "$(ls "$W/split/nlut/tables" | grep -c '\.ys$')" -eq 10 ] || bad "-j 3 did not synthesise 10 tables"
[ ! -e "$W/cached/nlut/tables" ] || bad "the second run synthesised tables the cache holds"
[ ! -e "$W/cached/nlut/glue.ys" ] || bad "the second run synthesised the glue the cache holds"
# A cache entry that is not a whole netlist is a miss: synthesised again,
# the same figures, the entry rewritten.
f=$(ls "$W"/cache/[0-9a-f]*.il | head -1)
head -c 100 "$f" > "$W/cut" && mv "$W/cut" "$f"
run recut -j 2 --cache "$W/cache"
cmp -s "$W/split.json" "$W/recut.json" || bad "a cut cache entry changed the report"
[ "$(ls "$W/recut/nlut/tables" | grep -c '\.ys$')" -eq 1 ] || bad "a cut cache entry was used"
tail -1 "$f" | grep -qx end || bad "the cut cache entry was not rewritten"
g=$(ls "$W"/cache/glue-*.il)
head -c 100 "$g" > "$W/cut" && mv "$W/cut" "$g"
run reglue -j 2 --cache "$W/cache"
cmp -s "$W/split.json" "$W/reglue.json" || bad "a cut glue entry changed the report"
[ -e "$W/reglue/nlut/glue.ys" ] && [ ! -e "$W/reglue/nlut/tables" ] ||
	bad "a cut glue entry: not the glue alone synthesised again"
tail -1 "$g" | grep -qx end || bad "the cut glue entry was not rewritten"
"$NLUT" report -j x "$W/m.nlut" > "$W/usage.out" 2>&1
[ $? -eq 2 ] && grep -q "expected 0 to 256" "$W/usage.out" || bad "-j x: $(cat "$W/usage.out")"

[ "$fails" -eq 0 ] || { echo "$fails failures"; exit 1; }
echo "report_tables: -j 1 = -j 3 = cached run; -j 0 vs -j 3: LUTs $l0 / $l3, $same of $n table cells lines equal"
