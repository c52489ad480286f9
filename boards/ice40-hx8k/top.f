// top.f - the sources of the iCE40-HX8K board's bitstream besides the generated core, relative to this
// folder, top last. Read by boards/ice40-hx8k/build (which hashes them for its gate).
-F ../../rtl/nlut_shell.f
../../rtl/axis/nlut_axis_fifo.v
../../rtl/shell/nlut_uart_rx.v
../../rtl/shell/nlut_uart_tx.v
../../rtl/shell/nlut_wire_bridge.v
../../rtl/shell/nlut_uart_bridge.v
top.v
