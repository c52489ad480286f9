# ft601-a7.xdc - pins and IO timing of the ft601-a7 board (docs/ft601.md): a Xilinx AC701
# (XC7A200T-2FBG676C) with an FTDI UMFT601X-B on the FMC HPC connector (J30), VADJ at 2.5 V (the
# AC701's default), the module's FT601 in 245 synchronous FIFO mode. The FMC signal each FPGA ball
# carries is named beside it (the UMFT601X-B's pinout, through the AC701's FMC routing).
# Read by boards/ft601-a7/build.tcl with the module-scoped constraints of rtl/axis/*.xdc.

# ---------------- clocks ----------------
# SYSCLK: the AC701's 200 MHz LVDS oscillator (bank 34); the MMCM in top.v makes the 100 MHz
# shell clock from it, which Vivado derives.
set_property -dict {PACKAGE_PIN R3 IOSTANDARD LVDS_25} [get_ports sysclk_p]
set_property -dict {PACKAGE_PIN P3 IOSTANDARD LVDS_25} [get_ports sysclk_n]
create_clock -name sysclk -period 5.000 [get_ports sysclk_p]

# The FT601's CLK: 100 MHz, the bus's only clock (FMC LA18_CC_P, a clock-capable pin).
set_property -dict {PACKAGE_PIN G20 IOSTANDARD LVCMOS25} [get_ports ft_clk]
create_clock -name ft_clk -period 10.000 [get_ports ft_clk]

# The two clocks are unrelated. Their only paths are the crossings of nlut_async_fifo and the
# reset synchronisers, bounded by those modules' own constraints (rtl/axis/*.xdc). No
# set_clock_groups here: it would override those max-delay bounds, and any other path between the
# clocks should show up as a timing failure (and in report_cdc), not vanish.

# ---------------- the FT601 bus ----------------
set_property PACKAGE_PIN D18 [get_ports ft_oe_n]      ;# FMC LA00_CC_P
set_property PACKAGE_PIN C18 [get_ports ft_rd_n]      ;# FMC LA00_CC_N
set_property PACKAGE_PIN C17 [get_ports ft_wr_n]      ;# FMC LA08_P
set_property PACKAGE_PIN B17 [get_ports ft_siwu_n]    ;# FMC LA08_N
set_property PACKAGE_PIN H16 [get_ports ft_rxf_n]     ;# FMC LA07_P
set_property PACKAGE_PIN G16 [get_ports ft_txe_n]     ;# FMC LA07_N
set_property PACKAGE_PIN A18 [get_ports ft_rst_n]     ;# FMC LA10_N
set_property PACKAGE_PIN A22 [get_ports {ft_be[0]}]   ;# FMC LA15_N
set_property PACKAGE_PIN B22 [get_ports {ft_be[1]}]   ;# FMC LA15_P
set_property PACKAGE_PIN D16 [get_ports {ft_be[2]}]   ;# FMC LA09_N
set_property PACKAGE_PIN E16 [get_ports {ft_be[3]}]   ;# FMC LA09_P
set_property PACKAGE_PIN G26 [get_ports {ft_data[0]}] ;# FMC LA32_N
set_property PACKAGE_PIN F25 [get_ports {ft_data[1]}] ;# FMC LA33_N
set_property PACKAGE_PIN H26 [get_ports {ft_data[2]}] ;# FMC LA32_P
set_property PACKAGE_PIN G25 [get_ports {ft_data[3]}] ;# FMC LA33_P
set_property PACKAGE_PIN D25 [get_ports {ft_data[4]}] ;# FMC LA30_N
set_property PACKAGE_PIN D26 [get_ports {ft_data[5]}] ;# FMC LA31_N
set_property PACKAGE_PIN E25 [get_ports {ft_data[6]}] ;# FMC LA30_P
set_property PACKAGE_PIN E26 [get_ports {ft_data[7]}] ;# FMC LA31_P
set_property PACKAGE_PIN K23 [get_ports {ft_data[8]}] ;# FMC LA28_N
set_property PACKAGE_PIN F24 [get_ports {ft_data[9]}] ;# FMC LA29_N
set_property PACKAGE_PIN K22 [get_ports {ft_data[10]}] ;# FMC LA28_P
set_property PACKAGE_PIN G24 [get_ports {ft_data[11]}] ;# FMC LA29_P
set_property PACKAGE_PIN H18 [get_ports {ft_data[12]}] ;# FMC LA24_N
set_property PACKAGE_PIN F22 [get_ports {ft_data[13]}] ;# FMC LA25_N
set_property PACKAGE_PIN J18 [get_ports {ft_data[14]}] ;# FMC LA24_P
set_property PACKAGE_PIN G22 [get_ports {ft_data[15]}] ;# FMC LA25_P
set_property PACKAGE_PIN E23 [get_ports {ft_data[16]}] ;# FMC LA27_N
set_property PACKAGE_PIN H24 [get_ports {ft_data[17]}] ;# FMC LA26_N
set_property PACKAGE_PIN F23 [get_ports {ft_data[18]}] ;# FMC LA27_P
set_property PACKAGE_PIN J24 [get_ports {ft_data[19]}] ;# FMC LA26_P
set_property PACKAGE_PIN H19 [get_ports {ft_data[20]}] ;# FMC LA21_N
set_property PACKAGE_PIN L18 [get_ports {ft_data[21]}] ;# FMC LA22_N
set_property PACKAGE_PIN J19 [get_ports {ft_data[22]}] ;# FMC LA21_P
set_property PACKAGE_PIN L17 [get_ports {ft_data[23]}] ;# FMC LA22_P
set_property PACKAGE_PIN J20 [get_ports {ft_data[24]}] ;# FMC LA23_N
set_property PACKAGE_PIN K20 [get_ports {ft_data[25]}] ;# FMC LA23_P
set_property PACKAGE_PIN L14 [get_ports {ft_data[26]}] ;# FMC LA19_N
set_property PACKAGE_PIN M14 [get_ports {ft_data[27]}] ;# FMC LA19_P
set_property PACKAGE_PIN M17 [get_ports {ft_data[28]}] ;# FMC LA20_N
set_property PACKAGE_PIN M16 [get_ports {ft_data[29]}] ;# FMC LA20_P
set_property PACKAGE_PIN J21 [get_ports {ft_data[30]}] ;# FMC LA17_CC_N
set_property PACKAGE_PIN K21 [get_ports {ft_data[31]}] ;# FMC LA17_CC_P

set ft_in  [get_ports {ft_data[*] ft_be[*] ft_rxf_n ft_txe_n}]
set ft_out [get_ports {ft_data[*] ft_be[*] ft_oe_n ft_rd_n ft_wr_n}]
set_property IOSTANDARD LVCMOS25 [get_ports {ft_data[*] ft_be[*] ft_rxf_n ft_txe_n ft_oe_n ft_rd_n ft_wr_n ft_siwu_n ft_rst_n}]
set_property SLEW FAST $ft_out
set_property DRIVE 8 $ft_out

# IO timing against the FT601's CLK (FT600Q-FT601Q datasheet, 245 synchronous FIFO timing at
# 100 MHz): the FT601 changes DATA, BE, RXF_N and TXE_N 1 to 7 ns after its CLK rises (t_CO), and
# samples DATA, BE, OE_N, RD_N and WR_N with 1 ns setup and 0 ns hold. The CLK pin is the
# reference: board trace delays are a few hundred ps each way and left inside these margins.
set_input_delay  -clock ft_clk -max 7.0 $ft_in
set_input_delay  -clock ft_clk -min 1.0 $ft_in
set_output_delay -clock ft_clk -max 1.0 $ft_out
set_output_delay -clock ft_clk -min 0.0 $ft_out
# Every bus output is a register of nlut_ft601_fifo: in the IO block, so its clock-to-pad delay
# is the same on every pin. The control inputs feed logic, not IOB registers (each of them
# decides the next cycle's outputs).
set_property IOB TRUE [get_cells -hierarchical -filter {NAME =~ *u_bus/ft_oe_n_reg || NAME =~ *u_bus/ft_rd_n_reg || NAME =~ *u_bus/ft_wr_n_reg}]
set_property IOB TRUE [get_cells -hierarchical -filter {NAME =~ *u_bus/ft_data_o_reg* || NAME =~ *u_bus/ft_be_o_reg*}]
set_property IOB TRUE [get_cells -hierarchical -filter {NAME =~ *u_bus/m_rx_tdata_reg*}]
# ---------------- LEDs ----------------
set_property -dict {PACKAGE_PIN M26 IOSTANDARD LVCMOS33} [get_ports {led[0]}]   ;# GPIO_LED_0
set_property -dict {PACKAGE_PIN T24 IOSTANDARD LVCMOS33} [get_ports {led[1]}]   ;# GPIO_LED_1
set_property -dict {PACKAGE_PIN T25 IOSTANDARD LVCMOS33} [get_ports {led[2]}]   ;# GPIO_LED_2
set_false_path -to [get_ports {led[*]}]

# ---------------- configuration ----------------
set_property CFGBVS VCCO [current_design]
set_property CONFIG_VOLTAGE 3.3 [current_design]
set_property BITSTREAM.CONFIG.SPI_BUSWIDTH 4 [current_design]
