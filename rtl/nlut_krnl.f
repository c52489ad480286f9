// nlut_krnl.f - the sources of the Vitis kernel nlut_krnl besides the
// generated core, relative to this folder, top last: the shell's list, the
// memory movers, the control slave. Read by the kernel's emulation build
// (boards/alveo-u250/nlut-krnl-build) and its package_xo script.
-F nlut_shell.f
axis/nlut_axis_fifo.v
axi/nlut_axi_reader.v
axi/nlut_axi_writer.v
shell/nlut_krnl_ctrl.v
shell/nlut_krnl.v
