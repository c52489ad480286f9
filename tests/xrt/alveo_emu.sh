#!/bin/sh
# alveo_emu.sh - nlut-run --board alveo-u250 through the unmodified xrt
# transport on the emulated card (docs/alveo-u250.md): byte for byte the
# golden board's results; runs of 1, odd and largest sizes, double-buffered,
# with a datapath reset (alveo_runs); a kernel that never raises ap_done, a
# missing hw_emu selection and a foreign xclbin each give one clear line; the
# xclbin build stops without a co-simulation stamp of this model and RTL.
# Usage: alveo_emu.sh NLUT_RUN NLUT ALVEO_RUNS EXAMPLES WORKDIR CARD XRT_EMU FW_HEX
#   CARD: the `boards/alveo-u250/build --emu` folder of digits-tiny;
#   XRT_EMU: the emulation folder (xrt-emu/, lib/libxrt_coreutil.so.2)
set -u
RUN=$1 NLUT=$2 RUNS=$3 EX=$4 W=$5 CARD=$6 EMU=$7 FW=$8
SRC=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$SRC/boards/alveo-u250/build
rm -rf "$W" && mkdir -p "$W"
unset NLUT_XRT_EMU_FAULT NLUT_XRT_EMU_STALL NLUT_XRT_EMU_LATENCY

. "$(dirname "$0")/emu_lib.sh"

# The emulation, selected as XRT's is.
M=$EX/digits-tiny.nlut D=$EX/digits-test.csv
emu_select "$CARD/nlut_krnl.hw_emu.xclbin"
equals_golden "card memory"
grep -q "^board       alveo-u250 (xrt transport, board id 0x0250" "$W/u250.out" && ok ||
	bad "board line: $(head -1 "$W/u250.out")"

# 3.2 x 10^5 random vectors through every kind of run, as codes and as
# zero-copy records.
t0=$(date +%s)
if "$RUNS" "$M" 320000 7 >"$W/runs.out" 2>&1; then ok; else bad "alveo_runs"; fi
cat "$W/runs.out"
echo "alveo_runs, 320000 vectors: $(($(date +%s) - t0)) s"

# A kernel that never raises ap_done: memory never answers its writes.
t0=$(date +%s)
one_line "Alveo: kernel run of 360 vectors not done after 1500 ms" -- \
	env NLUT_XRT_EMU_FAULT=no-write-response timeout 60 "$RUN" -b alveo-u250 -m "$M" -i "$D" --quiet \
	--timeout 1500
[ $(($(date +%s) - t0)) -lt 45 ] && ok || bad "the timeout took $(($(date +%s) - t0)) s"

one_line "no Alveo card found at index 0 .*set XCL_EMULATION_MODE=hw_emu" -- \
	env -u XCL_EMULATION_MODE "$RUN" -b alveo-u250 -m "$M" -i "$D" --quiet
one_line "cannot load $SRC/README.md: .*not an emulation xclbin" -- \
	env NLUT_XCLBIN="$SRC/README.md" "$RUN" -b alveo-u250 -m "$M" -i "$D" --quiet
one_line "NLUT_XRT_EMU_FAULT='often'" -- env NLUT_XRT_EMU_FAULT=often "$RUN" -b alveo-u250 -m "$M" -i "$D" --quiet
# Another model than the card's.
one_line "board alveo-u250 holds model [0-9a-f]* but the model given is" -- "$RUN" -b alveo-u250 -m "$EX/digits-jsc2l.nlut" -i "$EX/digits4x4-test.csv" --quiet

# Build gating: no stamp, then a co-simulation, then a stale stamp.
G=$W/gate
mkdir -p "$G"
ln -s "$CARD/emu" "$G/emu"
cp "$CARD/nlut_krnl.hw_emu.xclbin" "$CARD/nlut_krnl.host.hw_emu.xclbin" "$G/"
export NLUT="$NLUT" NLUT_RUN="$RUN" NLUT_FW_HEX="$FW" NLUT_XRT_EMU="$EMU"
one_line "no co-simulation of this model: $G/cosim.stamp is missing; run: boards/alveo-u250/build --cosim DATA" -- \
	"$BUILD" "$M" "$G"
if "$BUILD" --cosim "$D" "$M" "$G" >"$W/cosim.out" 2>&1 && grep -q "360 vectors equal to golden" "$W/cosim.out"; then
	ok
else
	bad "co-simulation: $(cat "$W/cosim.out")"
fi
if command -v v++ >/dev/null 2>&1; then
	echo "v++ is installed: the xclbin build itself is not run here"
else
	one_line "v++ not found: building nlut_krnl.xclbin needs Vitis" -- "$BUILD" "$M" "$G"
fi
sed -i 's/^rtl \(.\)/rtl 0\1/' "$G/cosim.stamp"
one_line "was of another model or RTL; run again" -- "$BUILD" "$M" "$G"
# The jsc2l model against the tiny model's stamp: another model.
one_line "was of another model or RTL" -- "$BUILD" "$EX/digits-jsc2l.nlut" "$G"

echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
