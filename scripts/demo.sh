#!/usr/bin/env bash
# demo.sh - the main job on this machine: build nlut, then run the Fashion-MNIST
# test set through a board holding the trained example model with nlut-run,
# re-checking every result against the golden model. The default board is
# `sim` (the Verilated shell, core and controller running the firmware, built
# for the model on first use and cached); pass another with BOARD=name.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

"$root/scripts/deps.sh"
# The programs and the controller firmware the simulated board boots.
cmake -S "$root" -B "$root/build/release" -DCMAKE_BUILD_TYPE=Release -DNLUT_BUILD_TESTS=OFF >/dev/null
cmake --build "$root/build/release" -j"$(nproc)" --target nlut nlut-run nlut_fw >/dev/null
bin="$root/build/release/host/tools"
"$bin/nlut-run" --board "${BOARD:-sim}" --model "$root/examples/fashion-mnist.nlut" \
	--input /usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz --compare golden
