#!/usr/bin/env bash
# hdl_cosim.sh - co-simulate a generated core against the golden model
# through pattern files: `nlut gen` (Verilog or VHDL, with ce or a fixed
# latency) -> `nlut vectors` (data rows and random codes, expected outputs
# from the golden model) -> the generated testbench in GHDL or Verilator,
# with stalls and idle cycles. Then corrupt one expected word and check that
# the testbench fails, so a testbench that checks nothing cannot pass.
#
# Usage: hdl_cosim.sh NLUT MODEL DATA|- WORKDIR [options]
#   --hdl vhdl|verilog   simulator GHDL or Verilator (default vhdl)
#   --stages POLICY      nlut gen --stages (default: the default policy)
#   --fixed              nlut gen/vectors --fixed-latency (no stalls)
#   --random N           random vectors (default 3000)
#   --limit N            data rows (default all)
#   --stall P --idle P   percentages (default 20 and 10; stall 0 when fixed)
#   --std-also STD       VHDL: also analyse and elaborate with --std=STD
#   --bx                 VHDL: the 40 MHz / 240 MHz worked example of
#                        docs/integration.md (sim/trigger) instead of the
#                        generated testbench; implies --fixed
#   --bx-expect N        with --bx: the latency must be N bunch crossings
#   --synth              VHDL: also synthesise the core with GHDL's own
#                        synthesis (ghdl --synth), a check that it is
#                        synthesisable VHDL
# Exit 77 when the simulator is missing.
set -euo pipefail

nlut=$1 model=$2 data=$3 work=$4
shift 4
hdl=vhdl stages=default fixed= random=3000 limit= stall=20 idle=10 also= bx= bx_expect= synth=
while [ $# -gt 0 ]; do
	case $1 in
	--hdl) hdl=$2; shift ;;
	--stages) stages=$2; shift ;;
	--fixed) fixed=--fixed-latency; stall=0 ;;
	--random) random=$2; shift ;;
	--limit) limit="--limit $2"; shift ;;
	--stall) stall=$2; shift ;;
	--idle) idle=$2; shift ;;
	--std-also) also=$2; shift ;;
	--bx) bx=1; fixed=--fixed-latency; stall=0 ;;
	--bx-expect) bx_expect=$2; shift ;;
	--synth) synth=1 ;;
	*) echo "hdl_cosim: unknown option $1" >&2; exit 2 ;;
	esac
	shift
done
case $hdl in
vhdl) sim=ghdl ;;
verilog) sim=verilator ;;
*) echo "hdl_cosim: --hdl $hdl: expected vhdl or verilog" >&2; exit 2 ;;
esac
command -v $sim >/dev/null || { echo "hdl_cosim: $sim not found: skipped"; exit 77; }

now() { date +%s.%N; }
lap() { awk -v a="$2" -v b="$(now)" -v w="$1" 'BEGIN { printf "hdl_cosim: %-34s %6.2f s\n", w, b - a }'; }

rm -rf "$work"
mkdir -p "$work"
rtl=$work/rtl vec=$work/vec
t=$(now)
"$nlut" gen -q --hdl $hdl $fixed --stages $stages --bist-vectors 0 "$model" -o "$rtl"
"$nlut" vectors -q $fixed $limit --random $random "$model" "$data" -o "$vec"
lap "nlut gen + nlut vectors" $t
n=$(wc -l < "$vec/nlut_in.hex")

# run LOG: simulate with the pattern files of $vec; 0 when every output matched.
if [ $hdl = vhdl ]; then
	files=$(grep -v '^#' "$rtl/nlut_core_vhdl.f")
	analyse() { # STD LIBDIR
		mkdir -p "$2"
		for f in $files; do ghdl -a --std=$1 --workdir="$2" "$rtl/$f"; done
		ghdl -e --std=$1 --workdir="$2" nlut_core
	}
	if [ -n "$also" ]; then
		t=$(now)
		analyse $also "$work/lib$also"
		lap "ghdl analyse+elaborate --std=$also" $t
	fi
	t=$(now)
	analyse 08 "$work/lib"
	tb=nlut_vectors_tb
	ghdl -a --std=08 --workdir="$work/lib" "$vec/nlut_vectors_tb.vhd"
	if [ -n "$bx" ]; then
		tb=nlut_bx_tb
		trig=$(cd "$(dirname "$0")/../trigger" && pwd)
		ghdl -a --std=08 --workdir="$work/lib" "$trig/nlut_bx_example.vhd" "$trig/nlut_bx_tb.vhd"
	fi
	ghdl -e --std=08 --workdir="$work/lib" $tb
	lap "ghdl analyse+elaborate --std=08" $t
	if [ -n "$synth" ]; then
		t=$(now)
		ghdl --synth --std=08 --workdir="$work/lib" nlut_core > /dev/null 2> "$work/synth.log" ||
			{ tail -5 "$work/synth.log"; echo "hdl_cosim: FAIL: ghdl --synth" >&2; exit 1; }
		lap "ghdl --synth nlut_core" $t
	fi
	run() {
		(cd "$vec" && ghdl -r --std=08 --workdir="$work/lib" $tb \
			-gSTALL_PCT=$stall -gIDLE_PCT=$idle -gSEED=${SEED:-1} --ieee-asserts=disable) > "$1" 2>&1
	}
else
	t=$(now)
	verilator --binary --timing -j 1 -O3 --x-assign fast --x-initial fast \
		--top-module nlut_vectors_tb --Mdir "$work/obj" -I"$rtl" -F "$rtl/nlut_core.f" \
		"$vec/nlut_vectors_tb.v" -MAKEFLAGS "OPT_FAST=-O0 OPT_SLOW=-O0 OPT_GLOBAL=-O0" \
		> "$work/verilator.log" 2>&1 || { cat "$work/verilator.log"; exit 1; }
	lap "verilator --binary" $t
	run() {
		(cd "$vec" && "$work/obj/Vnlut_vectors_tb" +stall=$stall +idle=$idle +seed=${SEED:-1}) > "$1" 2>&1
	}
fi

t=$(now)
if ! run "$work/run.log" || ! grep -q "all outputs match" "$work/run.log"; then
	tail -20 "$work/run.log"
	echo "hdl_cosim: FAIL: $model in $sim" >&2
	exit 1
fi
grep -E "nlut_(vectors|bx)_tb:" "$work/run.log" | sed -E 's/.*(nlut_(vectors|bx)_tb:)/\1/'
lap "$sim: $n vectors" $t
if [ -n "$bx_expect" ] && ! grep -q ": latency $bx_expect BX = " "$work/run.log"; then
	echo "hdl_cosim: FAIL: the latency is not the $bx_expect bunch crossings expected" >&2
	exit 1
fi

# A wrong expected word must fail: flip the last digit of one result's scores
# (an early one: the failing run stops there).
line=$(( n < 3 ? n : 3 ))
cp "$vec/nlut_out.hex" "$work/good.hex"
awk -v k=$line 'NR == k { c = substr($0, length($0)); d = (c == "0") ? "1" : "0";
	$0 = substr($0, 1, length($0) - 1) d } { print }' "$work/good.hex" > "$vec/nlut_out.hex"
if run "$work/bad.log" && grep -q "all outputs match" "$work/bad.log"; then
	echo "hdl_cosim: FAIL: a corrupted expected word on line $line passed" >&2
	exit 1
fi
grep -q "MISMATCH at sample $((line - 1))" "$work/bad.log" || {
	tail -5 "$work/bad.log"; echo "hdl_cosim: FAIL: the corrupted word was not named" >&2; exit 1; }
cp "$work/good.hex" "$vec/nlut_out.hex"
echo "hdl_cosim: $sim $hdl $(basename "$model") ${fixed:-with ce} stages $stages: $n vectors bit-exact; a corrupted word on line $line is caught"
