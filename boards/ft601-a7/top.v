// top.v - the ft601-a7 board's top (docs/ft601.md): a Xilinx AC701 (Artix-7 XC7A200T-2FBG676C)
// with an FTDI UMFT601X-B (FT601Q, 245 synchronous FIFO mode) on its FMC HPC connector. Only the
// FPGA primitives live here: the 200 MHz SYSCLK's input buffer and an MMCM making the 100 MHz
// shell clock, the FT601 clock's buffer, and the tristate buffers of DATA and BE. Everything
// else is ft601_a7_system (ft601_a7_system.v). Pins and timing: constraints/ft601-a7/ft601-a7.xdc.
`default_nettype none

module top #(
    parameter [31:0] BOARD_ID      = 32'h0000_0A71,
    parameter [31:0] BUILD_ID      = 32'h0,
    parameter        RAM_INIT_FILE = "ram.hex"
) (
    input  wire        sysclk_p,            // 200 MHz, LVDS
    input  wire        sysclk_n,
    input  wire        ft_clk,              // 100 MHz from the FT601
    inout  wire [31:0] ft_data,
    inout  wire [3:0]  ft_be,
    input  wire        ft_rxf_n,
    input  wire        ft_txe_n,
    output wire        ft_oe_n,
    output wire        ft_rd_n,
    output wire        ft_wr_n,
    output wire        ft_siwu_n,
    output wire        ft_rst_n,
    output wire [2:0]  led
);

    // Shell clock: SYSCLK 200 MHz x 5 = VCO 1000 MHz / 10 = 100 MHz, not related to the FT601's.
    wire sysclk, clk_fb, clk_mmcm, clk, locked;
    IBUFDS u_sysclk_buf (.I(sysclk_p), .IB(sysclk_n), .O(sysclk));
    MMCME2_BASE #(
        .CLKIN1_PERIOD(5.0), .CLKFBOUT_MULT_F(5.0), .DIVCLK_DIVIDE(1), .CLKOUT0_DIVIDE_F(10.0)
    ) u_mmcm (
        .CLKIN1(sysclk), .CLKFBIN(clk_fb), .CLKFBOUT(clk_fb), .CLKOUT0(clk_mmcm), .LOCKED(locked),
        .RST(1'b0), .PWRDWN(1'b0),
        .CLKFBOUTB(), .CLKOUT0B(), .CLKOUT1(), .CLKOUT1B(), .CLKOUT2(), .CLKOUT2B(), .CLKOUT3(),
        .CLKOUT3B(), .CLKOUT4(), .CLKOUT5(), .CLKOUT6()
    );
    BUFG u_clk_buf (.I(clk_mmcm), .O(clk));

    wire ft_clk_g;
    BUFG u_ft_clk_buf (.I(ft_clk), .O(ft_clk_g));

    wire [31:0] data_i, data_o;
    wire [3:0]  be_i, be_o;
    wire        data_oe;
    genvar i;
    generate
        for (i = 0; i < 32; i = i + 1) begin : g_data
            IOBUF u_io (.I(data_o[i]), .T(!data_oe), .O(data_i[i]), .IO(ft_data[i]));
        end
        for (i = 0; i < 4; i = i + 1) begin : g_be
            IOBUF u_io (.I(be_o[i]), .T(!data_oe), .O(be_i[i]), .IO(ft_be[i]));
        end
    endgenerate

    ft601_a7_system #(.BOARD_ID(BOARD_ID), .BUILD_ID(BUILD_ID), .RAM_INIT_FILE(RAM_INIT_FILE)) u_sys (
        .clk(clk), .ft_clk(ft_clk_g), .arst(!locked),
        .ft_data_i(data_i), .ft_data_o(data_o), .ft_be_i(be_i), .ft_be_o(be_o), .ft_data_oe(data_oe),
        .ft_rxf_n(ft_rxf_n), .ft_txe_n(ft_txe_n), .ft_oe_n(ft_oe_n), .ft_rd_n(ft_rd_n),
        .ft_wr_n(ft_wr_n), .led(led)
    );

    assign ft_siwu_n = 1'b1;                // no send-immediate: every frame is whole words
    assign ft_rst_n  = 1'b1;                // the FT601 resets itself at power-on

endmodule

`default_nettype wire
