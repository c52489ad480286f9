// nlut_shell.f - the sources of nlut_shell besides the generated core, relative
// to this folder, top last. Read by the simulated-board build
// (sim/system/nlut-sim-build) and by `nlut report --shell`.
axis/nlut_axis_skid.v
shell/nlut_shell_deser.v
shell/nlut_shell_ser.v
shell/nlut_axil_slave.v
shell/nlut_shell_regs.v
shell/nlut_shell_datapath.v
ctrl/nlut_rv32i.v
ctrl/nlut_rv32i_csr.v
ctrl/nlut_ctrl_bus.v
ctrl/nlut_ctrl_ram.v
ctrl/nlut_ctrl_timer.v
ctrl/nlut_ctrl.v
shell/nlut_shell.v
