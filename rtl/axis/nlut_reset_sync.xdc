# nlut_reset_sync.xdc - the asynchronous assertion of nlut_reset_sync, scoped to the module:
#   read_xdc -ref nlut_reset_sync rtl/axis/nlut_reset_sync.xdc, PROCESSING_ORDER LATE
#   (boards/ft601-a7/build.tcl).
# The reset input reaches the flip-flops' asynchronous presets only: not a timed path. The release
# is synchronous (the chain of STAGES flip-flops, ASYNC_REG in the RTL) and timed as usual.
set_false_path -to [get_pins -of_objects [get_cells {sync_reg_reg[*]}] -filter {REF_PIN_NAME == PRE}]
