#!/bin/sh
# fake-sim-build.sh - stands in for sim/system/nlut-sim-build in test_sim:
# the same command line and output conventions (progress as "step K/N: what"
# on stdout; on failure the script's own message, then the log's tail
# indented, on stderr), and "builds" by copying the mock board
# $FAKE_SIMBOARD_SO. FAKE_SIM_MODE: ok, fail (in step 2), die (between
# steps 1 and 2), noso (succeeds without a board), slow (a second per step),
# hang (step 2 waits 30 s on a child, whose PID goes to $FAKE_SIM_PIDFILE
# after the script's own). Stopped by SIGTERM it takes its process group
# down when it leads one, as nlut-sim-build does.
# Each run appends its arguments and the NLUT_* it was given to $FAKE_SIM_LOG.
set -u
mode=${FAKE_SIM_MODE:-ok}
echo "$* src=${NLUT_SRC:-} fw=${NLUT_FW_HEX:-} nlut=${NLUT:-} include=${NLUT_INCLUDE:-}" >>"$FAKE_SIM_LOG"
[ "$1" = --s-bytes ] && [ "$3" = --m-bytes ] && [ "$5" = --scores ] && [ "$7" = --board-id ] &&
	[ "$9" = --jobs ] || { echo "fake-sim-build: bad arguments: $*" >&2; exit 2; }
shift 10
[ "$1" = --trace ] && shift
[ $# -eq 2 ] || { echo "fake-sim-build: expected MODEL OUTDIR: $*" >&2; exit 2; }
model=$1 out=$2
[ -f "$model" ] && [ -d "$out" ] || { echo "fake-sim-build: no $model or $out" >&2; exit 2; }
pause() { [ "$mode" = slow ] && sleep 1; return 0; }
trap '[ "${NLUT_SIM_BUILD_GROUP:-}" = 1 ] && kill -TERM 0; exit 143' TERM

echo "fake-sim-build: building in $out"
echo "step 1/3: generating the core"
echo "some tool chatter on stderr" >&2
pause
if [ "$mode" = die ]; then
	echo "nlut-sim-build: cannot find the Verilator runtime: is verilator installed?" >&2
	exit 1
fi
echo "step 2/3: verilating"
pause
if [ "$mode" = hang ]; then
	sleep 30 &
	echo "$$ $!" >"$FAKE_SIM_PIDFILE.tmp" && mv "$FAKE_SIM_PIDFILE.tmp" "$FAKE_SIM_PIDFILE"
	wait $!
fi
if [ "$mode" = fail ]; then
	mkdir -p "$out/log"
	printf '%%Warning: unused\n%%Error: nlut_shell.v:12: syntax error\n%%Error: Exiting due to 1 error(s)\n' \
		>"$out/log/verilator.log"
	echo "nlut-sim-build: step 2/3 (verilating) failed; see $out/log/verilator.log" >&2
	sed 's/^/  /' "$out/log/verilator.log" >&2
	exit 1
fi
printf 'step 3/3: compiling'   # no newline at the very end: still a line
[ "$mode" = noso ] && exit 0
pause
cp "$FAKE_SIMBOARD_SO" "$out/nlut_simboard.so"
printf '@0\n00000013\n' >"$out/ram.hex"
