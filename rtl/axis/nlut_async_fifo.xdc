# nlut_async_fifo.xdc - the clock-domain crossings of nlut_async_fifo, scoped to the module:
#   read_xdc -ref nlut_async_fifo rtl/axis/nlut_async_fifo.xdc, PROCESSING_ORDER LATE
#   (boards/ft601-a7/build.tcl), so the clocks of every instance exist when it is applied.
# The Gray-coded pointers and the memory's read path cross between the two clocks; each crossing
# is bounded to the shorter of the two clock periods, datapath only (no clock skew), and the
# pointers' bits to within one period of each other (bus skew), so a pointer never arrives more
# than one period late and its bits never spread over more than one sample. The first flip-flops
# of each synchroniser carry ASYNC_REG (in the RTL): placed together, never an SRL.
# Plain XDC (no Tcl control flow), one instance's cells named relative to it.

set_max_delay -datapath_only -from [get_cells {wgray_reg[*]}] -to [get_cells {wgray_sync0_reg[*]}] [expr {min([get_property PERIOD [get_clocks -of_objects [get_pins {wgray_reg[0]/C}]]], [get_property PERIOD [get_clocks -of_objects [get_pins {rgray_reg[0]/C}]]])}]
set_bus_skew -from [get_cells {wgray_reg[*]}] -to [get_cells {wgray_sync0_reg[*]}] [expr {min([get_property PERIOD [get_clocks -of_objects [get_pins {wgray_reg[0]/C}]]], [get_property PERIOD [get_clocks -of_objects [get_pins {rgray_reg[0]/C}]]])}]
set_max_delay -datapath_only -from [get_cells {rgray_reg[*]}] -to [get_cells {rgray_sync0_reg[*]}] [expr {min([get_property PERIOD [get_clocks -of_objects [get_pins {wgray_reg[0]/C}]]], [get_property PERIOD [get_clocks -of_objects [get_pins {rgray_reg[0]/C}]]])}]
set_bus_skew -from [get_cells {rgray_reg[*]}] -to [get_cells {rgray_sync0_reg[*]}] [expr {min([get_property PERIOD [get_clocks -of_objects [get_pins {wgray_reg[0]/C}]]], [get_property PERIOD [get_clocks -of_objects [get_pins {rgray_reg[0]/C}]]])}]

# The memory (distributed RAM) is written on the write clock and read on the read clock: a word is
# read only after its pointer crossed (two read-clock edges later), so one period bounds its path.
set_max_delay -datapath_only -from [get_cells -quiet {mem_reg*}] -to [get_clocks -of_objects [get_pins {rgray_reg[0]/C}]] [expr {min([get_property PERIOD [get_clocks -of_objects [get_pins {wgray_reg[0]/C}]]], [get_property PERIOD [get_clocks -of_objects [get_pins {rgray_reg[0]/C}]]])}]
