#!/bin/sh
# ft601_build_tcl.sh SRC DIR - boards/ft601-a7/build.tcl under tclsh with Vivado's commands stubbed
# (vivado_stub.tcl): with timing met it runs the flow in order and writes the bitstream; with a
# negative slack it stops before write_bitstream with exit status 1. Exit 77 without tclsh.
set -u
src=$1 dir=$2
fail() { echo "ft601_build_tcl: $*" >&2; exit 1; }
command -v tclsh >/dev/null 2>&1 || { echo "ft601_build_tcl: tclsh not found" >&2; exit 77; }
rm -rf "$dir"
mkdir -p "$dir" || fail "cannot create $dir"

NLUT_STUB_SLACK=0.125 tclsh "$src/tests/ft601/vivado_stub.tcl" "$dir/met" "$src" >"$dir/met.log" 2>&1 ||
	fail "the script failed with timing met: $(tail -n 1 "$dir/met.log")"
want="call set_part xc7a200tfbg676-2
call read_verilog
call read_xdc $src/constraints/ft601-a7/ft601-a7.xdc
call read_xdc -ref nlut_async_fifo $src/rtl/axis/nlut_async_fifo.xdc
call set_property PROCESSING_ORDER LATE $src/rtl/axis/nlut_async_fifo.xdc
call read_xdc -ref nlut_reset_sync $src/rtl/axis/nlut_reset_sync.xdc
call set_property PROCESSING_ORDER LATE $src/rtl/axis/nlut_reset_sync.xdc
call synth_design -top top -part xc7a200tfbg676-2
call opt_design
call place_design
call phys_opt_design
call route_design
call report_timing_summary
call report_cdc
nlut: worst setup slack 0.125 ns, worst hold slack 0.125 ns
nlut: utilisation: Slice LUTs 12345 (9.17%)
nlut: utilisation: Slice Registers 9999 (3.71%)
nlut: utilisation: Block RAM Tile 24 (6.58%)
call write_bitstream -force $dir/met/ft601-a7.bit"
# each expected line is the start of the log's line at the same place
i=0
echo "$want" | while IFS= read -r w; do
	i=$((i + 1))
	got=$(sed -n "${i}p" "$dir/met.log")
	case $got in
	"$w"*) ;;
	*) echo "line $i: expected '$w', got '$got'" >"$dir/diff"; break ;;
	esac
done
[ ! -s "$dir/diff" ] || fail "$(cat "$dir/diff")"
grep -q 'RAM_INIT_FILE=\\"'"$dir/met/rtl/ram.hex"'\\"' "$dir/met.log" || fail "RAM_INIT_FILE not passed as a string"
[ -f "$dir/met/ft601-a7.bit" ] || fail "no bitstream with timing met"

if NLUT_STUB_SLACK=-0.250 tclsh "$src/tests/ft601/vivado_stub.tcl" "$dir/failed" "$src" >"$dir/failed.log" 2>&1; then
	fail "the script went on with a negative slack"
fi
grep -q "nlut: timing not met" "$dir/failed.log" || fail "no 'timing not met' line"
[ ! -e "$dir/failed/ft601-a7.bit" ] || fail "a bitstream was written with timing failed"
echo "ft601_build_tcl: the flow runs in order, reads both module-scoped XDCs late, and refuses failed timing"
