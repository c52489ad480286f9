#!/bin/sh
# alveo_emu_hostmem.sh - the alveo-u250 board with host memory (memory =
# host, docs/alveo-u250.md): the kernel linked to HOST[0] reads its input
# records from and writes its results to host-only buffers, and nothing is
# synced. nlut-run --board alveo-u250 equals --board golden byte for byte on
# the digits example; alveo_runs puts 3.2 x 10^5 random vectors through runs
# of 1, odd sizes and the largest runs; the emulation's statistics show no
# buffer sync; the same through `memory = host` in board.def. A card that
# writes a wrong result is caught; a memory setting that does not match the
# xclbin, or an unknown one (environment or board key), is one clear line; the
# host-memory xclbin build is gated on its own co-simulation.
# Usage: alveo_emu_hostmem.sh NLUT_RUN NLUT ALVEO_RUNS EXAMPLES WORKDIR CARD XRT_EMU FW_HEX
set -u
RUN=$1 NLUT=$2 RUNS=$3 EX=$4 W=$5 CARD=$6 EMU=$7 FW=$8
SRC=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$SRC/boards/alveo-u250/build
rm -rf "$W" && mkdir -p "$W"
unset NLUT_XRT_EMU_FAULT NLUT_XRT_EMU_STALL NLUT_XRT_EMU_LATENCY NLUT_XRT_EMU_HOST_LATENCY NLUT_XRT_EMU_HOST_STALL

. "$(dirname "$0")/emu_lib.sh"

# no_syncs WHAT: the emulation's statistics of the last run show runs and
# no buffer sync (no bytes moved, no sync call).
no_syncs() {
	if grep -q "^runs [1-9][0-9]* .* dma_bytes 0 " "$W/stats" && grep -q "^sync_in calls 0 " "$W/stats" &&
		grep -q "^sync_out calls 0 " "$W/stats"; then
		ok
	else
		bad "$1: buffers were synced: $(cat "$W/stats" 2>/dev/null)"
	fi
	rm -f "$W/stats"
}

emu_select "$CARD/nlut_krnl.host.hw_emu.xclbin"
export NLUT_XRT_MEMORY=host
export NLUT_XRT_EMU_STATS="$W/stats"
M=$EX/digits-tiny.nlut D=$EX/digits-test.csv

grep -q "^sp=nlut_krnl_1.m_axi_gmem0:HOST\[0\]$" "$SRC/boards/alveo-u250/link_host.cfg" &&
	grep -q "^link_config .*/link_host.cfg$" "$NLUT_XCLBIN" && ok || bad "the host-memory xclbin is not linked to HOST[0]"

equals_golden "host memory" no_syncs

# The card's threads on a CPU of their own (NLUT_XRT_EMU_CPU, as bench_alveo
# runs them): the same results.
cpu=$(sed -n 's/^Cpus_allowed_list:[[:space:]]*\([0-9]*\).*/\1/p' /proc/self/status)
NLUT_XRT_EMU_CPU=$cpu equals_golden "host memory, the card on CPU $cpu" no_syncs
one_line "NLUT_XRT_EMU_CPU='4096' names no CPU this process may run on" -- \
	env NLUT_XRT_EMU_CPU=4096 "$RUN" -b alveo-u250 -m "$M" -i "$D" --quiet
one_line "NLUT_XRT_EMU_CPU='one' names no CPU" -- env NLUT_XRT_EMU_CPU=one "$RUN" -b alveo-u250 -m "$M" -i "$D" --quiet
rm -f "$W/stats"

t0=$(date +%s)
if "$RUNS" "$M" 320000 11 >"$W/runs.out" 2>&1; then ok; else bad "alveo_runs, host memory"; fi
cat "$W/runs.out"
no_syncs alveo_runs
echo "alveo_runs, host memory, 320000 vectors: $(($(date +%s) - t0)) s"

# A card that writes a wrong result: the comparisons must see it.
NLUT_XRT_EMU_FAULT=corrupt-result "$RUN" -b alveo-u250 -m "$M" -i "$D" -o "$W/bad.csv" --quiet >/dev/null 2>&1
if [ -s "$W/bad.csv" ] && ! cmp -s "$W/golden.csv" "$W/bad.csv"; then ok; else
	bad "a corrupted result went unnoticed by the comparison with golden"
fi
if NLUT_XRT_EMU_FAULT=corrupt-result "$RUNS" "$M" 320000 11 >"$W/badruns.out" 2>&1; then
	bad "alveo_runs passed with corrupted results"
else
	grep -q "class .*, golden" "$W/badruns.out" && ok || bad "alveo_runs: $(cat "$W/badruns.out")"
fi
rm -f "$W/stats"

# The board key instead of the environment: memory = host in board.def.
mkdir -p "$W/boards" && cp -r "$SRC/boards/alveo-u250" "$W/boards/" &&
	sed -i 's/^memory = ddr$/memory = host/' "$W/boards/alveo-u250/board.def" || bad "board copy"
if env -u NLUT_XRT_MEMORY NLUT_BOARDS_DIR="$W/boards" "$RUN" -b alveo-u250 -m "$M" -i "$D" -o "$W/key.csv" \
	--quiet >/dev/null 2>"$W/key.err" && cmp -s "$W/golden.csv" "$W/key.csv"; then ok; else
	bad "memory = host in board.def: $(cat "$W/key.err")"
fi
no_syncs "memory = host in board.def"
sed -i 's/^memory = host$/memory = hbm/' "$W/boards/alveo-u250/board.def"
one_line "Alveo: memory 'hbm': expected ddr or host (invalid parameter)" -- \
	env -u NLUT_XRT_MEMORY NLUT_BOARDS_DIR="$W/boards" "$RUN" -b alveo-u250 -m "$M" -i "$D" --quiet

# The memory setting must match the xclbin's connectivity.
one_line "cannot allocate 65536-vector buffers in host memory .*XRT says: .*not HOST\[0\]" -- \
	env NLUT_XCLBIN="$CARD/nlut_krnl.hw_emu.xclbin" "$RUN" -b alveo-u250 -m "$M" -i "$D" --quiet
one_line "cannot allocate 65536-vector buffers in card memory; XRT says: .*is HOST\[0\]" -- \
	env NLUT_XRT_MEMORY=ddr "$RUN" -b alveo-u250 -m "$M" -i "$D" --quiet
one_line "Alveo: memory 'hbm': expected ddr or host (NLUT_XRT_MEMORY)" -- \
	env NLUT_XRT_MEMORY=hbm "$RUN" -b alveo-u250 -m "$M" -i "$D" --quiet

# The host-memory xclbin build: gated on the co-simulation with host memory.
G=$W/gate
mkdir -p "$G"
ln -s "$CARD/emu" "$G/emu"
cp "$CARD/nlut_krnl.hw_emu.xclbin" "$CARD/nlut_krnl.host.hw_emu.xclbin" "$G/"
export NLUT="$NLUT" NLUT_RUN="$RUN" NLUT_FW_HEX="$FW" NLUT_XRT_EMU="$EMU"
one_line "no co-simulation of this model: $G/cosim.host.stamp is missing; run: boards/alveo-u250/build --host-mem --cosim DATA" -- \
	"$BUILD" --host-mem "$M" "$G"
if "$BUILD" --host-mem --cosim "$D" "$M" "$G" >"$W/cosim.out" 2>&1 &&
	grep -q "(memory host): 360 vectors equal to golden" "$W/cosim.out" && [ -f "$G/cosim.host.stamp" ]; then
	ok
else
	bad "co-simulation with host memory: $(cat "$W/cosim.out")"
fi
# The DDR build still wants its own stamp.
one_line "no co-simulation of this model: $G/cosim.stamp is missing" -- "$BUILD" "$M" "$G"

echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
