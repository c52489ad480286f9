#!/bin/sh
# programs.sh - the nlut program through its command line: help, exit codes,
# info and eval on real data, and one clear error line for each bad input.
# Usage: programs.sh NLUT MKMODEL SHARED_DATA_DIR WORKDIR NLUT_RUN EXAMPLES
set -u
NLUT=$1 MKMODEL=$2 DATA=$3 W=$4 RUN=$5 EX=$6
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
	if [ "$rc" -ne "$code" ]; then bad "'$*' exited $rc, expected $code"; cat "$W/out"; return; fi
	if ! grep -q -- "$pat" "$W/out"; then bad "'$*' output lacks '$pat'"; cat "$W/out"; return; fi
	ok
}

[ -f "$DATA/digits.csv.gz" ] || { echo "no $DATA/digits.csv.gz"; exit 77; }

"$MKMODEL" "$W/digits.nlut" 64x3:40/3/3,10/4/4 7 || exit 1
"$MKMODEL" "$W/jsc.nlut" jsc2l 1 || exit 1

expect 0 "Commands:" -- "$NLUT" --help
expect 0 "Usage: nlut info" -- "$NLUT" info --help
expect 0 "Usage: nlut eval" -- "$NLUT" eval --help
expect 0 "Usage: nlut eval" -- "$NLUT" help eval
expect 0 "^nlut [0-9]" -- "$NLUT" --version
expect 2 "unknown command 'frobnicate'" -- "$NLUT" frobnicate
expect 2 "Usage" -- "$NLUT"
expect 2 "expected one MODEL" -- "$NLUT" info
expect 2 "expected MODEL and DATA" -- "$NLUT" eval "$W/digits.nlut"
expect 2 "--threads 'x'" -- "$NLUT" eval --threads x "$W/digits.nlut" "$DATA/digits.csv.gz"

# info: shape, identity, tables.
expect 0 "inputs    64 features, 3 bits each" -- "$NLUT" info "$W/digits.nlut"
expect 0 "identity  [0-9a-f]\{64\}" -- "$NLUT" info "$W/digits.nlut"
expect 0 '"identity":"[0-9a-f]\{64\}"' -- "$NLUT" info --json "$W/jsc.nlut"
expect 0 "classes   5 " -- "$NLUT" info "$W/jsc.nlut"

# eval on the real digits: every row evaluated, a 10x10 confusion matrix.
expect 0 "(1797 vectors, 64 features)" -- "$NLUT" eval "$W/digits.nlut" "$DATA/digits.csv.gz"
expect 0 "accuracy    [0-9.]*% ([0-9]* of 1797)" -- "$NLUT" eval "$W/digits.nlut" "$DATA/digits.csv.gz"
expect 0 '"vectors":1797' -- "$NLUT" eval --json "$W/digits.nlut" "$DATA/digits.csv.gz"
expect 0 "(100 vectors" -- "$NLUT" eval --limit 100 "$W/digits.nlut" "$DATA/digits.csv.gz"
# Accuracy is the same whatever the thread count.
a1=$("$NLUT" eval --json --threads 1 "$W/digits.nlut" "$DATA/digits.csv.gz" | sed 's/.*"correct":\([0-9]*\).*/\1/')
a2=$("$NLUT" eval --json --threads 2 "$W/digits.nlut" "$DATA/digits.csv.gz" | sed 's/.*"correct":\([0-9]*\).*/\1/')
[ -n "$a1" ] && [ "$a1" = "$a2" ] && ok || bad "threads change the result: $a1 vs $a2"

# The shipped Fashion-MNIST model reproduces its recorded test accuracy
# (86.49%) on Debian's t10k images, labels paired automatically.
F=/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz
if [ -f "$F" ]; then
	acc=$("$NLUT" info --json "$EX/fashion-mnist.nlut" | sed 's/.*"accuracy":"\([0-9.]*\)".*/\1/')
	expect 0 "accuracy    86.49% (8649 of 10000)" -- "$NLUT" eval "$EX/fashion-mnist.nlut" "$F"
	[ "$acc" = "0.8649" ] && ok || bad "fashion-mnist.nlut metadata accuracy '$acc'"
fi

# Bad inputs: one clear line naming the file, exit 1.
expect 1 "missing.nlut: cannot open" -- "$NLUT" info "$W/missing.nlut"
head -c 100 "$W/digits.nlut" >"$W/cut.nlut"
expect 1 "cut.nlut: header declares" -- "$NLUT" info "$W/cut.nlut"
expect 1 "file is truncated" -- "$NLUT" info "$W/cut.nlut"
printf 'hello,world\n' >"$W/text.nlut"
expect 1 "not an nlut model" -- "$NLUT" info "$W/text.nlut"
expect 1 "has 64 features per row, model .*jsc.nlut expects 16" -- "$NLUT" eval "$W/jsc.nlut" "$DATA/digits.csv.gz"
expect 1 "cannot load data" -- "$NLUT" eval "$W/digits.nlut" "$W/missing.csv"
printf '1,2,3\n4,5\n' >"$W/ragged.csv"
expect 1 "ragged.csv" -- "$NLUT" eval "$W/digits.nlut" "$W/ragged.csv"
zcat "$DATA/digits.csv.gz" | head -5 | sed 's/,\([0-9]*\)$/,12/' >"$W/badlabel.csv"
expect 1 "label 12 but the model has 10 classes" -- "$NLUT" eval "$W/digits.nlut" "$W/badlabel.csv"
zcat "$DATA/digits.csv.gz" | head -5 >"$W/codes.csv"
expect 1 "is not a 3-bit code" -- "$NLUT" eval --codes "$W/digits.nlut" "$W/codes.csv"

# nlut-run on the golden board: the same host path as hardware (the default
# board, sim, has its own test: tests/sim/sim_run.sh).
expect 0 "golden " -- "$RUN" --list-boards
expect 0 "Usage: nlut-run" -- "$RUN" --help
expect 2 "--model and --input are required" -- "$RUN" -m "$EX/digits-tiny.nlut"
expect 0 "compare     golden: 0 mismatches in 360 vectors" -- \
	"$RUN" -b golden -m "$EX/digits-tiny.nlut" -i "$EX/digits-test.csv" --compare golden --batch 7 --inflight 5
expect 0 "self-test   pass" -- "$RUN" -b golden --bist -m "$EX/digits-tiny.nlut" -i "$EX/digits-test.csv"
expect 0 "counters    inputs 1797, results 1797" -- "$RUN" -b golden -m "$W/digits.nlut" -i "$DATA/digits.csv.gz" --batch 100
# The accuracy nlut-run reports equals nlut eval's, sample for sample (--output).
"$RUN" -b golden -m "$EX/digits-tiny.nlut" -i "$EX/digits-test.csv" -o "$W/run.csv" --quiet >/dev/null
n_ok=$(awk -F, 'NR > 1 && $3 == $4' "$W/run.csv" | wc -l)
e_ok=$("$NLUT" eval --json "$EX/digits-tiny.nlut" "$EX/digits-test.csv" | sed 's/.*"correct":\([0-9]*\).*/\1/')
[ "$n_ok" = "$e_ok" ] && [ "$(wc -l <"$W/run.csv")" -eq 361 ] && ok || bad "nlut-run --output has $n_ok correct, nlut eval $e_ok"
"$RUN" -b golden -m "$EX/digits-tiny.nlut" -i "$EX/digits-test.csv" -o "$W/run.json" --limit 3 >/dev/null
grep -q '"index":2,"sequence":2,"class":' "$W/run.json" && ok || bad "JSON output"
expect 1 "no board 'alveo-u999'.*known boards: .*golden" -- "$RUN" -b alveo-u999 -m "$EX/digits-tiny.nlut" -i "$EX/digits-test.csv"
expect 1 "has 64 features per row, model .*digits-jsc2l.nlut expects 16" -- \
	"$RUN" -m "$EX/digits-jsc2l.nlut" -i "$EX/digits-test.csv"
expect 1 "cut.nlut" -- "$RUN" -m "$W/cut.nlut" -i "$EX/digits-test.csv"
# Alveo without a card: one clear line on stderr, exit 1, no abort.
"$RUN" -b alveo-u250 -m "$EX/digits-tiny.nlut" -i "$EX/digits-test.csv" >"$W/xrt.out" 2>"$W/xrt.err"
rc=$?
if [ "$rc" -eq 1 ] && [ "$(wc -l <"$W/xrt.err")" -eq 1 ] && grep -q "no Alveo card found" "$W/xrt.err" &&
   [ ! -s "$W/xrt.out" ]; then ok; else bad "alveo-u250 without a card: rc $rc"; cat "$W/xrt.err"; fi
XILINX_XRT=/nonexistent "$RUN" -b alveo-u250 -m "$EX/digits-tiny.nlut" -i "$EX/digits-test.csv" 2>"$W/xrt.err"
rc=$?
[ "$rc" -eq 1 ] && grep -q "XILINX_XRT=/nonexistent has no lib/libxrt_core.so.2" "$W/xrt.err" && ok ||
	bad "bad XILINX_XRT: rc $rc"

echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
