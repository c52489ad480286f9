# emu_lib.sh - sourced by the emulated-card tests (alveo_emu.sh,
# alveo_emu_hostmem.sh): pass/fail counters, the one-clear-line check, the
# emulation selected as XRT's is, and nlut-run on the card against the golden
# board on the digits example. Needs W (work folder), EMU (the emulation
# folder), SRC (the source tree), RUN (nlut-run), M and D (model and data).

fails=0 passes=0
ok() { passes=$((passes + 1)); }
bad() { echo "FAIL: $*"; fails=$((fails + 1)); }

# one_line PATTERN -- command...: exit 1, one line on stderr matching PATTERN.
one_line() {
	pat=$1
	shift 2
	"$@" >"$W/out" 2>"$W/err"
	rc=$?
	if [ "$rc" -eq 1 ] && [ "$(wc -l <"$W/err")" -eq 1 ] && grep -q -- "$pat" "$W/err"; then
		ok
	else
		bad "'$*': exit $rc, expected 1 and one line matching '$pat'"
		cat "$W/out" "$W/err"
	fi
}

# emu_select XCLBIN: the emulation, selected as XRT's is, with that card.
emu_select() {
	export XILINX_XRT="$EMU"
	export LD_LIBRARY_PATH="$EMU/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
	export XCL_EMULATION_MODE=hw_emu
	export NLUT_XCLBIN="$1"
	export NLUT_BOARDS_DIR="$SRC/boards"
}

# equals_golden LABEL [CHECK]: the golden board's results of M on D into
# $W/golden.csv, then --board alveo-u250 in default batches, small odd
# batches with many in flight, and one at a time: each byte for byte the
# golden board's, nothing on stderr; CHECK (a command) runs after each.
equals_golden() {
	"$RUN" -b golden -m "$M" -i "$D" -o "$W/golden.csv" --quiet >/dev/null || bad "golden run"
	for opts in "" "--batch 7 --inflight 5" "--batch 1 --inflight 1 --limit 9"; do
		# shellcheck disable=SC2086 # options split on purpose
		"$RUN" -b alveo-u250 -m "$M" -i "$D" -o "$W/u250.csv" --quiet $opts >"$W/u250.out" 2>"$W/u250.err"
		rc=$?
		want=$W/golden.csv
		case $opts in *--limit\ 9*) head -n 10 "$W/golden.csv" >"$W/golden9.csv"; want=$W/golden9.csv ;; esac
		if [ "$rc" -eq 0 ] && [ ! -s "$W/u250.err" ] && cmp -s "$want" "$W/u250.csv"; then ok; else
			bad "alveo-u250, $1 ($opts) differs from golden (exit $rc)"
			cat "$W/u250.err"
			diff "$want" "$W/u250.csv" | head -5
		fi
		[ -z "${2:-}" ] || $2 "nlut-run $opts"
	done
}
