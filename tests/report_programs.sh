#!/bin/sh
# report_programs.sh - nlut report through its command line: a small yosys
# report (its default stage policy must keep every stage within 3 LUT levels),
# --baseline, --svg, --json, group sums, split tables, --shell, exit codes, and
# a killed report ending its yosys; with PART "shell" only the --shell checks
# (the longest part: ctest -j runs the two parts side by side).
# Usage: report_programs.sh NLUT MKMODEL WORKDIR [core|shell]   (exit 77 without yosys)
set -u
NLUT=$1 MKMODEL=$2 W=$3 PART=${4:-core}
fails=0
command -v yosys >/dev/null 2>&1 || { echo "yosys not installed"; exit 77; }
rm -rf "$W" && mkdir -p "$W"

bad() { echo "FAIL: $*"; fails=$((fails + 1)); }
expect() {
	code=$1 pat=$2
	shift 3
	"$@" >"$W/out" 2>&1
	rc=$?
	if [ "$rc" -ne "$code" ]; then bad "'$*' exited $rc, expected $code"; cat "$W/out"; return; fi
	grep -q -- "$pat" "$W/out" || { bad "'$*' output lacks '$pat'"; cat "$W/out"; }
}

# nlut report caches tables by content: in the work folder, not ~/.cache.
export XDG_CACHE_HOME="$W/cache"
"$MKMODEL" "$W/m.nlut" 10x2:8/3/2,4/3/3 3 || exit 1
"$MKMODEL" "$W/m12.nlut" 10x2:8/6/2,4/6/3 3 || exit 1

if [ "$PART" = core ]; then
expect 0 "LUT levels per stage" -- "$NLUT" report --baseline --svg "$W/c.svg" "$W/m.nlut"
grep -q "<svg" "$W/c.svg" || bad "no SVG chart"
expect 0 '"max_levels":[0-3],' -- "$NLUT" report --json --clock-mhz 250 "$W/m.nlut"
# A group-sum model (format 1.1): its own row and kind, counted whole.
"$MKMODEL" "$W/gs.nlut" 8x1:6/3/1,12/4/1+gs3 4 || bad "mkmodel of a group-sum model"
expect 0 '"kinds":{"input":{"luts":[0-9]*,"ffs":[0-9]*},"encoder":{"luts":[0-9]*,"ffs":[0-9]*},"lut":{"luts":[1-9][0-9]*,"ffs":[0-9]*},"group_sum":{"luts":[1-9]' -- \
	"$NLUT" report --json "$W/gs.nlut"
grep -q '"name":"groupsum","kind":"group_sum"' "$W/out" || bad "no groupsum row in the report"
grep -q '"counted":"whole core"' "$W/out" || bad "the report does not say it counts the whole core"
expect 1 "no group sums" -- "$NLUT" report --baseline "$W/gs.nlut"
# 12-bit tables (fan-in 6 x 2 bits) in both layers: the default policy
# splits both, and the split registers end stages in the measurement.
expect 0 '"stage_levels":\[[1-3],[1-3],[1-3],[1-3],[1-3]\],"max_levels":[1-3],' -- \
	"$NLUT" report --json "$W/m12.nlut"
expect 2 "expected a frequency" -- "$NLUT" report --clock-mhz x "$W/m.nlut"
expect 1 "cannot run /nonexistent/yosys" -- "$NLUT" report --yosys /nonexistent/yosys "$W/m.nlut"
expect 1 "cannot run /nonexistent/yosys" -- "$NLUT" report --baseline --yosys /nonexistent/yosys \
	"$W/m.nlut"
# Killing nlut report ends its yosys too (no orphan runs on for an hour).
printf '#!/bin/sh\necho $$ > "%s/fake.pid"\nexec sleep 60\n' "$W" > "$W/fake-yosys"
chmod +x "$W/fake-yosys"
"$NLUT" report --yosys "$W/fake-yosys" "$W/m.nlut" > /dev/null 2>&1 &
rp=$!
i=0
while [ ! -s "$W/fake.pid" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
[ -s "$W/fake.pid" ] || bad "nlut report did not start its yosys"
kill "$rp"
wait "$rp" 2>/dev/null || true
i=0
while kill -0 "$(cat "$W/fake.pid")" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
! kill -0 "$(cat "$W/fake.pid")" 2>/dev/null || bad "yosys kept running after nlut report was killed"
else
# Shell and controller around the core: both parts have logic, the
# controller its boot RAM in block RAM.
expect 0 '"controller":{"luts":[1-9][0-9]*,"ffs":[1-9][0-9]*,"lutram":[0-9]*,"bram36":16,' -- \
	"$NLUT" report --shell --json "$W/m.nlut"
grep -q '"shell":{"luts":[1-9][0-9]*,"ffs":[1-9]' "$W/out" || bad "no shell size: $(cat "$W/out")"
expect 1 "cannot open the shell's file list" -- "$NLUT" report --shell --rtl "$W/nowhere" "$W/m.nlut"
fi

[ "$fails" -eq 0 ] || { echo "$fails failures"; exit 1; }
echo "all report program checks ($PART) passed"
