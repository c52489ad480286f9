#!/usr/bin/env bash
# bench_sim_compare.sh - the same generated core and the same vectors in
# Icarus Verilog and in Verilator: `nlut gen` -> `nlut vectors` (random codes,
# expected outputs from the golden model) -> the generated self-checking
# testbench nlut_vectors_tb.v in both simulators, one vector per clock. Prints
# compile time, vectors/s of each and their ratio, measured in one run; every
# run must end with "all outputs match". (nlut's own Verilator harness,
# bench_cosim, feeds vectors from memory without the per-line file reads.)
#
# Usage: bench_sim_compare.sh NLUT MODEL [VERILATOR_VECTORS] [ICARUS_VECTORS] [WORKDIR]
#   e.g. bench/bench_sim_compare.sh build/test/host/tools/nlut examples/digits-jsc2l.nlut
set -euo pipefail

nlut=$(realpath "$1") model=$(realpath "$2")
nv=${3:-1000000} ni=${4:-20000} work=${5:-$(mktemp -d /tmp/nlut-simcmp.XXXXXX)}
for t in iverilog vvp verilator; do
	command -v $t >/dev/null || { echo "bench_sim_compare: $t not found (scripts/deps.sh, iverilog)" >&2; exit 77; }
done
now() { date +%s.%N; }
rate() { awk -v n="$1" -v a="$2" -v b="$3" 'BEGIN { printf "%.0f", n / (b - a) }'; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

rm -rf "$work/rtl" "$work/vi" "$work/vv" "$work/obj"
mkdir -p "$work"
"$nlut" gen -q --bist-vectors 0 "$model" -o "$work/rtl"
"$nlut" vectors -q --random "$ni" "$model" - -o "$work/vi"
"$nlut" vectors -q --random "$nv" "$model" - -o "$work/vv"
files=$(grep -v '^//' "$work/rtl/nlut_core.f" | sed "s|^|$work/rtl/|")

# Icarus: compile, then run in the folder of the pattern files.
t0=$(now)
# shellcheck disable=SC2086 # one word per file
iverilog -g2005 -o "$work/tb.vvp" -I"$work/rtl" $files "$work/vi/nlut_vectors_tb.v"
t1=$(now)
(cd "$work/vi" && vvp -n "$work/tb.vvp") > "$work/icarus.log"
t2=$(now)
grep -q "all outputs match" "$work/icarus.log" || { tail -5 "$work/icarus.log"; exit 1; }

# Verilator as nlut builds cores (sim/core, NlutCosim.cmake): -O3, fast X, C++ at -O2.
t3=$(now)
# shellcheck disable=SC2086
verilator --binary -j 2 -O3 --x-assign fast --x-initial fast --noassert -Wno-fatal \
	--top-module nlut_vectors_tb --Mdir "$work/obj" -I"$work/rtl" $files "$work/vv/nlut_vectors_tb.v" \
	-MAKEFLAGS "OPT_FAST=-O2 OPT_SLOW=-O0 OPT_GLOBAL=-O2" > "$work/verilator.log" 2>&1 ||
	{ tail -20 "$work/verilator.log"; exit 1; }
t4=$(now)
(cd "$work/vv" && "$work/obj/Vnlut_vectors_tb") > "$work/vrun.log"
t5=$(now)
grep -q "all outputs match" "$work/vrun.log" || { tail -5 "$work/vrun.log"; exit 1; }

ri=$(rate "$ni" "$t1" "$t2") rv=$(rate "$nv" "$t4" "$t5")
printf 'model      %s\n' "$model"
printf 'icarus     %8d vectors  compile %6s s  run %7s s  %12s vectors/s\n' "$ni" "$(secs "$t0" "$t1")" "$(secs "$t1" "$t2")" "$ri"
printf 'verilator  %8d vectors  compile %6s s  run %7s s  %12s vectors/s  (%s x icarus)\n' "$nv" \
	"$(secs "$t3" "$t4")" "$(secs "$t4" "$t5")" "$rv" "$(awk -v a="$rv" -v b="$ri" 'BEGIN { printf "%.0f", a / b }')"
echo "(both through nlut_vectors_tb.v, which reads and checks a hex line per clock: file I/O included)"
