#!/usr/bin/env bash
# demo.sh - the main job on this machine: build nlut and evaluate the trained
# digits example on the held-out digits test split with the golden model.
# (Once the device API lands this becomes `nlut-run --board sim`.)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

"$root/scripts/deps.sh"
cmake -S "$root" -B "$root/build/release" -DCMAKE_BUILD_TYPE=Release -DNLUT_BUILD_TESTS=OFF >/dev/null
cmake --build "$root/build/release" -j"$(nproc)" --target nlut >/dev/null
nlut="$root/build/release/host/tools/nlut"
"$nlut" info "$root/examples/digits-tiny.nlut"
echo
"$nlut" eval "$root/examples/digits-tiny.nlut" "$root/examples/digits-test.csv"
