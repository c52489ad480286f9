#!/bin/sh
# sim_run.sh - nlut-run on the simulated board (the Verilated shell, core and
# controller running the firmware, built on first use): every result equals
# the golden board's, with and without stalls; the self-test passes; a broken
# build, a board holding another model and a bad setting each give one clear
# line and exit 1.
# Usage: sim_run.sh NLUT_RUN NLUT SIM_TWO EXAMPLES WORKDIR CACHE
set -u
RUN=$1 NLUT=$2 TWO=$3 EX=$4 W=$5
export NLUT_SIM_CACHE=$6
fails=0 passes=0
rm -rf "$W" && mkdir -p "$W"
unset NLUT_SIM_STALL NLUT_SIM_TRACE NLUT_SIM_BUILD

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

# one_line PATTERN -- command...: exit 1, nothing on stdout, one line on
# stderr matching PATTERN.
one_line() {
	pat=$1
	shift 2
	"$@" >"$W/out" 2>"$W/err"
	rc=$?
	if [ "$rc" -eq 1 ] && [ ! -s "$W/out" ] && [ "$(wc -l <"$W/err")" -eq 1 ] && grep -q -- "$pat" "$W/err"; then
		ok
	else
		bad "'$*': exit $rc, expected 1 and one line matching '$pat'"
		cat "$W/out" "$W/err"
	fi
}

M=$EX/digits-tiny.nlut D=$EX/digits-test.csv
# Each change of a source makes a new board: keep the three newest.
ls -dt "$NLUT_SIM_CACHE"/*/ 2>/dev/null | tail -n +4 | while read -r old; do rm -rf "$old"; done

expect 0 "^sim  *sim  *Verilated" -- "$RUN" --list-boards

# The same results as the golden board, row for row: class, label, scores.
"$RUN" -b golden -m "$M" -i "$D" -o "$W/golden.csv" --quiet >/dev/null || bad "golden run"
t0=$(date +%s)
"$RUN" -m "$M" -i "$D" -o "$W/sim.csv" >"$W/sim.out" 2>"$W/sim.err"
rc=$?
echo "default board (sim), digits-tiny, build (if not cached) and 360 vectors: $(($(date +%s) - t0)) s"
cat "$W/sim.err"
if [ "$rc" -eq 0 ] && cmp -s "$W/golden.csv" "$W/sim.csv"; then ok; else
	bad "sim board results differ from the golden board's (exit $rc)"
	cat "$W/sim.out"
	diff "$W/golden.csv" "$W/sim.csv" | head -5
fi
grep -q "^board       sim (sim transport, board id 0x0051" "$W/sim.out" && ok || bad "board line: $(head -1 "$W/sim.out")"

# Again from the cache (nothing built), with idle input and stalled output
# cycles, small batches and many in flight.
NLUT_SIM_STALL=30,40 "$RUN" -b sim -m "$M" -i "$D" -o "$W/stall.csv" --batch 7 --inflight 5 \
	>"$W/stall.out" 2>"$W/stall.err"
rc=$?
if [ "$rc" -eq 0 ] && [ ! -s "$W/stall.err" ] && cmp -s "$W/golden.csv" "$W/stall.csv"; then ok; else
	bad "sim board under stalls (exit $rc)"
	cat "$W/stall.err"
	diff "$W/golden.csv" "$W/stall.csv" | head -5
fi
grep -q "stall cycles [1-9]" "$W/stall.out" && ok || bad "no stall cycles counted: $(grep counters "$W/stall.out")"

# Two devices on that board in one process, side by side.
expect 0 "two devices on one simulated board, 360 vectors each: golden results" -- "$TWO" "$M" "$D"

expect 0 "self-test   pass" -- "$RUN" -b sim --bist -m "$M" -i "$D" --limit 20
expect 0 "compare     golden: 0 mismatches in 360 vectors" -- "$RUN" -b sim -m "$M" -i "$D" --compare golden
expect 0 "counters    inputs 360, results 360, stall cycles 0, errors 0" -- "$RUN" -b sim -m "$M" -i "$D"

# A build that fails: the script's message, one line, exit 1.
cat >"$W/broken.sh" <<'EOS'
#!/bin/sh
echo "step 1/2: pretending"
echo "broken.sh: no compiler today" >&2
exit 1
EOS
chmod +x "$W/broken.sh"
one_line "^nlut-run: cannot open board sim: simulated board: the build failed at step 1/2 (pretending): broken.sh: no compiler today (other error)$" -- \
	env NLUT_SIM_BUILD="$W/broken.sh" NLUT_SIM_CACHE="$W/broken-cache" "$RUN" -b sim -m "$M" -i "$D" --quiet
# Without --quiet and off a terminal, the steps come first, one line each.
NLUT_SIM_BUILD="$W/broken.sh" NLUT_SIM_CACHE="$W/broken-cache" "$RUN" -b sim -m "$M" -i "$D" 2>"$W/err" >/dev/null
[ "$(head -1 "$W/err")" = "nlut-run: board sim: pretending" ] && [ "$(wc -l <"$W/err")" -eq 2 ] && ok ||
	bad "build steps off a terminal: $(cat "$W/err")"

# A board that holds another model than the one given: the digits-tiny
# board "built" for digits-jsc2l by a script that copies it.
tiny=$("$NLUT" info --json "$M" | sed 's/.*"identity":"\([0-9a-f]*\)".*/\1/')
jsc=$("$NLUT" info --json "$EX/digits-jsc2l.nlut" | sed 's/.*"identity":"\([0-9a-f]*\)".*/\1/')
so=$(grep -l "^model $tiny" "$NLUT_SIM_CACHE"/*/BUILD_OK | head -1 | sed 's|/BUILD_OK$|/nlut_simboard.so|')
printf '#!/bin/sh\nfor a; do out=$a; done\ncp %s "$out/nlut_simboard.so"\n' "$so" >"$W/copy.sh"
chmod +x "$W/copy.sh"
one_line "simulated board .* was built for model $tiny but the model given is $jsc" -- \
	env NLUT_SIM_BUILD="$W/copy.sh" NLUT_SIM_CACHE="$W/copy-cache" \
	"$RUN" -b sim -m "$EX/digits-jsc2l.nlut" -i "$EX/digits4x4-test.csv" --quiet

one_line "NLUT_SIM_STALL='often': expected IDLE,STALL percentages" -- \
	env NLUT_SIM_STALL=often "$RUN" -b sim -m "$M" -i "$D" --quiet

echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
