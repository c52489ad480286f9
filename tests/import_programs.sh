#!/bin/sh
# import_programs.sh - `nlut import` through the command line (issue 15):
# a binary classifier (one output neuron) is refused without a threshold and
# imports with --threshold / --threshold-code as the same function as a
# format 1.2 model; the Vivado netlist note goes to stderr; an ensemble's
# folder is refused naming its tops, and one member imports by --top; and
# nlut minimise keeps a model's output decoding.
# Usage: import_programs.sh NLUT MKMODEL WORKDIR
set -u
NLUT=$1 MKMODEL=$2 W=$3
fails=0 passes=0
rm -rf "$W" && mkdir -p "$W"

ok() { passes=$((passes + 1)); }
bad() { echo "FAIL: $*"; fails=$((fails + 1)); }

# expect CODE PATTERN -- command...: exit code and a line of output matching.
expect() {
	code=$1 pat=$2
	shift 3
	"$@" >"$W/out" 2>&1
	rc=$?
	if [ "$rc" -ne "$code" ]; then bad "'$*' exited $rc, expected $code"; head -5 "$W/out"; return; fi
	if ! grep -q -- "$pat" "$W/out"; then bad "'$*' output lacks '$pat'"; head -5 "$W/out"; return; fi
	ok
}
id() { "$NLUT" info "$1" | grep identity; }

# A binary classifier: it imported as one class, always class 0.
"$MKMODEL" "$W/one.nlut" 8x2:6/3/2,1/3/4 5 || exit 1
"$MKMODEL" "$W/ths.nlut" 8x2:6/3/2,1/3/4+ths-3 5 || exit 1
"$MKMODEL" "$W/thu.nlut" 8x2:6/3/2,1/3/4+thu11 5 || exit 1
expect 0 "LogicNets style" -- "$NLUT" gen --style logicnets "$W/one.nlut" -o "$W/one"
expect 1 "one neuron: a binary classifier? give --threshold T --threshold-code" -- \
	"$NLUT" import "$W/one" -o "$W/x.nlut"
expect 2 "needs --threshold-code" -- "$NLUT" import --threshold 3 "$W/one" -o "$W/x.nlut"
expect 2 "signed or unsigned" -- "$NLUT" import --threshold 3 --threshold-code twos "$W/one" -o "$W/x.nlut"
expect 1 "threshold 9 outside -8 .. 8 for a 4-bit signed code" -- \
	"$NLUT" import --threshold 9 --threshold-code signed "$W/one" -o "$W/x.nlut"
expect 0 "2 classes" -- "$NLUT" import --quant-from "$W/one.nlut" --threshold -3 \
	--threshold-code signed "$W/one" -o "$W/s.nlut"
[ "$(id "$W/s.nlut")" = "$(id "$W/ths.nlut")" ] && ok || bad "signed threshold import differs"
expect 0 "2 classes" -- "$NLUT" import --quant-from "$W/one.nlut" --threshold 11 \
	--threshold-code unsigned "$W/one" -o "$W/u.nlut"
[ "$(id "$W/u.nlut")" = "$(id "$W/thu.nlut")" ] && ok || bad "unsigned threshold import differs"
expect 0 "format    1.2" -- "$NLUT" info "$W/u.nlut"
expect 0 "class 1 iff the last neuron's unsigned code >= 11" -- "$NLUT" info "$W/u.nlut"

# A Vivado netlist beside the RTL: skipped on purpose, said on stderr.
"$MKMODEL" "$W/m.nlut" 8x2:4/2/2,3/2/2 7 || exit 1
"$NLUT" gen -q --style logicnets "$W/m.nlut" -o "$W/m" || exit 1
cp "$W/m/logicnet.v" "$W/m/logicnet_post_synth.v"
"$NLUT" import --quant-from "$W/m.nlut" "$W/m" -o "$W/mb.nlut" >"$W/o1" 2>"$W/e1"
grep -q "note: skipped .*logicnet_post_synth.v (a Vivado netlist" "$W/e1" && ok || bad "no note on stderr"
grep -q "note: skipped" "$W/o1" && bad "the note went to stdout" || ok
[ "$(id "$W/mb.nlut")" = "$(id "$W/m.nlut")" ] && ok || bad "netlist changed the import"

# Two tops (an ensemble's members) and no logicnet: refused, naming them.
sed 's/module logicnet /module logicnet_0 /' "$W/m/logicnet.v" >"$W/m/logicnet_0.v"
sed 's/module logicnet /module logicnet_1 /' "$W/m/logicnet.v" >"$W/m/logicnet_1.v"
rm "$W/m/logicnet.v" "$W/m/logicnet_post_synth.v"
expect 1 "2 top modules (logicnet_0, logicnet_1).*--top NAME" -- "$NLUT" import "$W/m" -o "$W/x.nlut"
expect 0 "imported" -- "$NLUT" import --quant-from "$W/m.nlut" --top logicnet_1 "$W/m" -o "$W/m1.nlut"
[ "$(id "$W/m1.nlut")" = "$(id "$W/m.nlut")" ] && ok || bad "member import differs"
expect 1 "--top logicnet_2: no module logicnet_2" -- "$NLUT" import --top logicnet_2 "$W/m" -o "$W/x.nlut"

# nlut minimise keeps the output decoding (a group-sum model came back as
# argmax over every last-layer neuron): the same identity, tables unchanged.
"$MKMODEL" "$W/gs.nlut" 8x1:6/3/1,12/4/1+gs3 4 || exit 1
expect 0 "" -- "$NLUT" minimise "$W/gs.nlut" -o "$W/gs-min.nlut"
[ "$(id "$W/gs-min.nlut")" = "$(id "$W/gs.nlut")" ] && ok || bad "minimise dropped the group sums"
expect 0 "" -- "$NLUT" minimise "$W/ths.nlut" -o "$W/ths-min.nlut"
[ "$(id "$W/ths-min.nlut")" = "$(id "$W/ths.nlut")" ] && ok || bad "minimise dropped the threshold"

echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
