# nlut_async_fifo.xdc - the clock-domain crossings of nlut_async_fifo, scoped to the module:
#   read_xdc -ref nlut_async_fifo rtl/axis/nlut_async_fifo.xdc   (boards/ft601-a7/build.tcl)
# The Gray-coded pointers and the memory's read path cross between the two clocks; each crossing
# is bounded to the shorter of the two clock periods, datapath only (no clock skew), so a pointer
# never arrives more than one period late and its bits never spread over more than one sample.
# The first flip-flops of each synchroniser carry ASYNC_REG (in the RTL): placed together, no SRL.

set s_clk [get_clocks -quiet -of_objects [get_cells -quiet {wgray_reg[0]}]]
set m_clk [get_clocks -quiet -of_objects [get_cells -quiet {rgray_reg[0]}]]

if {[llength $s_clk] == 1 && [llength $m_clk] == 1} {
    set p [expr {min([get_property PERIOD $s_clk], [get_property PERIOD $m_clk])}]

    # write pointer -> read side; read pointer -> write side
    set_max_delay -datapath_only -from [get_cells {wgray_reg[*]}] -to [get_cells {wgray_sync0_reg[*]}] $p
    set_bus_skew -from [get_cells {wgray_reg[*]}] -to [get_cells {wgray_sync0_reg[*]}] $p
    set_max_delay -datapath_only -from [get_cells {rgray_reg[*]}] -to [get_cells {rgray_sync0_reg[*]}] $p
    set_bus_skew -from [get_cells {rgray_reg[*]}] -to [get_cells {rgray_sync0_reg[*]}] $p

    # the memory (distributed RAM) is written on s_clk and read on m_clk: a word is read only
    # after its pointer crossed (two m_clk edges later), so its path needs no more than that
    set_max_delay -datapath_only -from [get_cells -quiet {mem_reg*}] -to [get_clocks $m_clk] $p
}
