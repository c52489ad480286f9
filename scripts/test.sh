#!/usr/bin/env bash
# test.sh - the test command: installs what it needs, then builds and runs every
# test in a plain -Werror build, an ASan+UBSan build, and a libFuzzer smoke run.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
jobs=$(nproc)

"$root/scripts/deps.sh"

echo "== plain build (-Werror) =="
cmake -S "$root" -B "$root/build/test" -DNLUT_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$root/build/test" -j"$jobs"
(cd "$root/build/test" && ctest --output-on-failure -j"$jobs")

echo "== AddressSanitizer + UndefinedBehaviorSanitizer build =="
cmake -S "$root" -B "$root/build/asan" -DNLUT_WERROR=ON -DNLUT_SANITIZE=ON \
	-DNLUT_BUILD_BENCH=OFF -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build "$root/build/asan" -j"$jobs"
(cd "$root/build/asan" && ctest --output-on-failure -j"$jobs")

echo "== libFuzzer smoke run (clang) =="
CC=clang cmake -S "$root" -B "$root/build/fuzz" -DNLUT_FUZZ=ON -DNLUT_BUILD_BENCH=OFF \
	-DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build "$root/build/fuzz" -j"$jobs" --target fuzz_model fuzz_corpus \
	fuzz_idx fuzz_csv fuzz_npy fuzz_wire fuzz_board fuzz_config fuzz_verilog fuzz_stream
(cd "$root/build/fuzz" && ctest --output-on-failure -R fuzz)
