#!/usr/bin/env bash
# test.sh - the test command: installs what it needs, then builds and runs every
# test in a plain -Werror build, an ASan+UBSan build, and a libFuzzer smoke run.
# Tests run nproc at a time, the longest first; at the end the time of each
# stage and the slowest tests are printed.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
jobs=$(nproc)

"$root/scripts/deps.sh"

# ccache (scripts/deps.sh) for every compiler call, Verilator's builds too
# (OBJCACHE), when its cache folder exists (NLUT_CCACHE=1: create it, 0: off):
# a rerun then compiles only what changed. Not on a fresh machine: a clean run
# has nothing to reuse (no two compiles are the same) and ccache's misses cost
# about 20% more compiler CPU (measured on a Verilated testbench).
launch=()
cc_dir=$(ccache -k cache_dir 2>/dev/null || true)
case ${NLUT_CCACHE:-auto} in
1) use_ccache=1 ;;
auto) use_ccache=0; [ -n "$cc_dir" ] && [ -d "$cc_dir" ] && use_ccache=1 ;;
*) use_ccache=0 ;;
esac
if [ "$use_ccache" = 1 ] && command -v ccache >/dev/null 2>&1; then
	launch=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
	export OBJCACHE=ccache
fi

# ctest -j starts the tests of highest cost first; a fresh build has no cost
# data of its own yet, so it starts from these (seconds on CI's 2 cores; names
# that no longer exist are ignored, new tests get 0 and run last). ctest keeps
# the file up to date afterwards.
seed_costs() { # build dir, then "name seconds" pairs
	local dir=$1/Testing/Temporary
	shift
	[ -e "$dir/CTestCostData.txt" ] && return 0
	mkdir -p "$dir"
	while [ $# -ge 2 ]; do
		printf '%s 1 %s\n' "$1" "$2"
		shift 2
	done > "$dir/CTestCostData.txt"
	echo --- >> "$dir/CTestCostData.txt"
}

stage_times=()
t_stage=$SECONDS
stage() {
	[ -z "${stage_name:-}" ] || stage_times+=("$(printf '%5d s  %s' $((SECONDS - t_stage)) "$stage_name")")
	stage_name=$1
	t_stage=$SECONDS
	[ -z "$1" ] || echo "== $1 =="
}
# The slowest tests of every stage run so far, and each stage's time.
summary() {
	stage ""
	echo "== time per stage =="
	printf '%s\n' "${stage_times[@]}"
	printf '%5d s  total\n' "$SECONDS"
	echo "== slowest tests =="
	for b in test asan fuzz; do
		[ -f "$root/build/$b/ctest.log" ] || continue
		sed -n "s/^.*Test *#[0-9]*: \([^ ]*\) .* \([0-9.]*\) sec$/\2 \1 ($b)/p" "$root/build/$b/ctest.log"
	done | sort -rn | head -15 | awk '{ printf "%8.1f s  %s %s\n", $1, $2, $3 }'
}
trap summary EXIT
rm -f "$root"/build/{test,asan,fuzz}/ctest.log
run_ctest() { # build dir, ctest options
	local b=$1
	shift
	(cd "$b" && ctest --output-on-failure -j"$jobs" "$@") 2>&1 | tee "$b/ctest.log"
}

stage "plain build (-Werror)"
cmake -S "$root" -B "$root/build/test" -DNLUT_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	"${launch[@]}" >/dev/null
cmake --build "$root/build/test" -j"$jobs"
stage "plain tests"
seed_costs "$root/build/test" ice40_bitstream 121 report_shell 67 report_programs 60 system_fashion_mnist 60 \
	report_tables 47 ft601_cosim 23 ice40_cosim 18 verilog_fixed_digits_jsc2l 17 \
	sim_run 15 verilog_vectors_digits_jsc2l 15 vhdl_fashion 11 gen 11 vhdl_fixed_fashion 10 ftdi 9
run_ctest "$root/build/test"

stage "AddressSanitizer + UndefinedBehaviorSanitizer build"
cmake -S "$root" -B "$root/build/asan" -DNLUT_WERROR=ON -DNLUT_SANITIZE=ON \
	-DNLUT_BUILD_BENCH=OFF -DCMAKE_BUILD_TYPE=Debug "${launch[@]}" >/dev/null
cmake --build "$root/build/asan" -j"$jobs"
stage "AddressSanitizer + UndefinedBehaviorSanitizer tests"
seed_costs "$root/build/asan" report_shell 67 report_programs 60 report_tables 48 \
	fuzz_stream_replay 23 gen 19 model_format 15 sim_transport 14 train 13 stream_programs 12
run_ctest "$root/build/asan"

stage "libFuzzer smoke run (clang)"
CC=clang cmake -S "$root" -B "$root/build/fuzz" -DNLUT_FUZZ=ON -DNLUT_BUILD_BENCH=OFF \
	-DCMAKE_BUILD_TYPE=Debug "${launch[@]}" >/dev/null
cmake --build "$root/build/fuzz" -j"$jobs" --target fuzz_model fuzz_corpus \
	fuzz_idx fuzz_csv fuzz_npy fuzz_wire fuzz_board fuzz_config fuzz_verilog fuzz_stream
run_ctest "$root/build/fuzz" -R fuzz
