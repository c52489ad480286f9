# build.tcl - the ft601-a7 bitstream, Vivado non-project mode (called by boards/ft601-a7/build,
# which has checked the co-simulation stamp first; docs/ft601.md).
#   vivado -mode batch -source build.tcl -tclargs OUT SOURCES RTL NLUT_SRC PART BOARD_ID
# OUT: output folder; SOURCES: a file naming the Verilog sources, one a line (the core, the shell,
# the bridge, top.v); RTL: the generated core's folder (headers, ram.hex); PART: the FPGA.
# Lines starting "nlut: " in the log are the summary the build script prints.
if {[llength $argv] != 6} {
    puts "nlut: usage: build.tcl OUT SOURCES RTL NLUT_SRC PART BOARD_ID"
    exit 1
}
lassign $argv out sources rtl src part board_id

set f [open $sources r]
set files [split [string trim [read $f]] "\n"]
close $f

set_part $part
read_verilog $files
# Pins, the FT601's clock and its bus timing; then the constraints that travel with their modules.
read_xdc $src/constraints/ft601-a7/ft601-a7.xdc
foreach m {nlut_async_fifo nlut_reset_sync} {
    read_xdc -ref $m $src/rtl/axis/$m.xdc
    set_property PROCESSING_ORDER LATE [get_files $src/rtl/axis/$m.xdc]
}

synth_design -top top -part $part -include_dirs [list $rtl $src/rtl/shell] \
    -generic BOARD_ID=$board_id -generic "RAM_INIT_FILE=\"$rtl/ram.hex\""
opt_design
place_design
phys_opt_design
route_design

report_timing_summary -file $out/log/timing.rpt
report_utilization -file $out/log/utilization.rpt
report_utilization -hierarchical -hierarchical_depth 3 -file $out/log/utilization_hier.rpt
report_cdc -file $out/log/cdc.rpt

set wns [get_property SLACK [get_timing_paths -max_paths 1 -nworst 1 -setup]]
set whs [get_property SLACK [get_timing_paths -max_paths 1 -nworst 1 -hold]]
puts "nlut: worst setup slack $wns ns, worst hold slack $whs ns"
set f [open $out/log/utilization.rpt r]
set rpt [read $f]
close $f
foreach t {{Slice LUTs} {Slice Registers} {Block RAM Tile}} {
    # report rows: | Slice LUTs | used | fixed | [prohibited |] available | util% |
    if {[regexp -line "^\\|\\s*$t\\*?\\s*\\|\\s*(\[0-9.\]+)\\s*\\|.*\\|\\s*(\[0-9.\]+)\\s*\\|\$" $rpt -> used pct]} {
        puts "nlut: utilisation: $t $used ($pct%)"
    }
}
if {$wns < 0 || $whs < 0} {
    puts "nlut: timing not met (see $out/log/timing.rpt)"
    exit 1
}
write_bitstream -force $out/ft601-a7.bit
exit 0
