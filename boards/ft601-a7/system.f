// system.f - the sources of ft601_a7_system besides the generated core, relative to this folder,
// the system last: what the co-simulation Verilates (boards/ft601-a7/build --cosim, tests/usb).
-F ../../rtl/nlut_shell.f
../../rtl/axis/nlut_async_fifo.v
../../rtl/axis/nlut_reset_sync.v
../../rtl/shell/nlut_wire_bridge.v
../../rtl/shell/nlut_ft601_fifo.v
../../rtl/shell/nlut_ft601_bridge.v
ft601_a7_system.v
