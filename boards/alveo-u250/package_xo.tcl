# package_xo.tcl - package nlut_krnl as a Vitis RTL kernel (.xo), for
# boards/alveo-u250/build: vivado -mode batch -source package_xo.tcl -tclargs
#   SRC GENRTL RAMHEX PART XO
# SRC: the nlut source tree (rtl/nlut_krnl.f lists the kernel's files);
# GENRTL: the model's generated core (nlut gen), with nlut_core.f; RAMHEX: the
# controller's boot RAM image (firmware + self-test data); XO: the output.
if {[llength $argv] != 5} {
    puts "usage: package_xo.tcl SRC GENRTL RAMHEX PART XO"
    exit 1
}
lassign $argv src genrtl ramhex part xo
set here [file dirname [file normalize [info script]]]
set work [file dirname [file normalize $xo]]/xo_work

# A Verilator file list: paths relative to the list, -F nests another list.
proc read_flist {path} {
    set dir [file dirname $path]
    set files {}
    set f [open $path r]
    foreach line [split [read $f] "\n"] {
        set line [string trim $line]
        if {$line eq "" || [string match "//*" $line]} { continue }
        if {[string match "-F *" $line]} {
            set files [concat $files [read_flist [file join $dir [string trim [string range $line 3 end]]]]]
        } else {
            lappend files [file normalize [file join $dir $line]]
        }
    }
    close $f
    return $files
}

set sources [concat [read_flist $genrtl/nlut_core.f] [read_flist $src/rtl/nlut_krnl.f]]
file delete -force $work
create_project -force nlut_krnl_pack $work/project -part $part
add_files -norecurse $sources
add_files -norecurse [list $genrtl/nlut_core_params.vh $src/rtl/shell/nlut_regs.vh $ramhex]
set_property file_type {Memory Initialization Files} [get_files [file tail $ramhex]]
set_property include_dirs [list $genrtl $src/rtl/shell] [current_fileset]
set_property top nlut_krnl [current_fileset]
set_property generic "RAM_INIT_FILE=\"[file tail $ramhex]\"" [current_fileset]
update_compile_order -fileset sources_1

ipx::package_project -root_dir $work/ip -vendor nlut.org -library kernel -taxonomy /KernelIP \
    -import_files -set_current false
ipx::unload_core $work/ip/component.xml
ipx::edit_ip_in_project -upgrade true -name nlut_krnl_edit -directory $work/ip $work/ip/component.xml
set core [ipx::current_core]
set_property core_revision 1 $core
foreach busif {s_axi_control m_axi_gmem0 m_axi_gmem1} {
    ipx::associate_bus_interfaces -busif $busif -clock ap_clk $core
}
set_property sdx_kernel true $core
set_property sdx_kernel_type rtl $core
set_property vitis_drc {ctrl_protocol ap_ctrl_hs} $core
set_property ipi_drc {ignore_freq_hz true} $core
ipx::create_xgui_files $core
ipx::update_checksums $core
ipx::check_integrity -kernel $core
ipx::save_core $core
close_project -delete

package_xo -force -xo_path $xo -kernel_name nlut_krnl -ip_directory $work/ip \
    -kernel_xml $here/kernel.xml
