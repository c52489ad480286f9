#!/usr/bin/env bash
# deps.sh - install the Debian packages nlut builds and tests with, when missing.
set -euo pipefail

packages=(
	cmake make gcc g++ pkg-config          # build
	ccache                                 # compiler cache (scripts/test.sh with NLUT_CCACHE=1: a rerun compiles only what changed)
	zlib1g-dev                             # gzip data files
	libcmocka-dev                          # unit tests
	clang libclang-rt-14-dev               # libFuzzer target
	dataset-fashion-mnist                  # real data for tests and examples
	libxrt-dev uuid-dev                    # Alveo transport (headers; XRT is loaded at run time)
	libusb-1.0-0-dev                       # USB transport (FT601 boards)
	umockdev libumockdev-dev               # USB transport test against an emulated board
	verilator                              # RTL simulation and lint
	ghdl                                   # VHDL core: analysis, elaboration, co-simulation
	yosys                                  # nlut report: LUT and level estimates
	gcc-riscv64-unknown-elf binutils-riscv64-unknown-elf picolibc-riscv64-unknown-elf  # controller firmware and test programs
	qemu-system-misc                       # reference RV32 for the controller's differential tests
	nextpnr-ice40 fpga-icestorm python3     # the iCE40 bitstream (boards/ice40-hx8k/build) and its report
	librsvg2-bin                           # bench/pareto.sh: the PNG of the accuracy-LUT plot (rsvg-convert)
)

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
	echo "deps: installing ${missing[*]}"
	sudo=""
	[ "$(id -u)" -eq 0 ] || sudo="sudo"
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
