// ft601_a7_system.v - the ft601-a7 board's logic below its pins (docs/ft601.md): nlut_ft601_bridge on the
// FT601's 245 FIFO bus (its 100 MHz clock), the nlut shell with the controller and the generated
// core on the shell clock, one reset source made synchronous to each clock. top.v adds only the
// Xilinx primitives (clock buffers, the MMCM, the bus's tristate buffers); the co-simulation
// (sim/ft601/tb_ft601.cpp) and the USB test (tests/usb, ft601_rtl.cpp) Verilate this module.
// LEDs: led[0] blinks (about 1.5 Hz at 100 MHz) while the design runs, led[1] lights when the
// bridge refused a frame since configuration, led[2] while the FT601 has data for the board.
`default_nettype none

`include "nlut_core_params.vh"

module ft601_a7_system #(
    parameter [31:0] BOARD_ID      = 32'h0000_0A71,
    parameter [31:0] BUILD_ID      = 32'h0,
    parameter        RAM_INIT_FILE = "ram.hex"
) (
    input  wire        clk,                 // shell clock
    input  wire        ft_clk,              // the FT601's CLK
    input  wire        arst,                // asynchronous, active high (MMCM not locked)

    input  wire [31:0] ft_data_i,
    output wire [31:0] ft_data_o,
    input  wire [3:0]  ft_be_i,
    output wire [3:0]  ft_be_o,
    output wire        ft_data_oe,
    input  wire        ft_rxf_n,
    input  wire        ft_txe_n,
    output wire        ft_oe_n,
    output wire        ft_rd_n,
    output wire        ft_wr_n,

    output wire [2:0]  led
);

    localparam integer IN_BEATS  = (`NLUT_CORE_IN_WIDTH + 31) / 32;
    localparam integer OUT_BEATS = (8 + 2 * `NLUT_CORE_N_CLASSES + 3) / 4;

    wire rst, ft_rst;
    nlut_reset_sync u_rst    (.clk(clk),    .arst(arst), .rst(rst));
    nlut_reset_sync u_ft_rst (.clk(ft_clk), .arst(arst), .rst(ft_rst));

    wire [10:0] awaddr, araddr;
    wire [31:0] wdata, rdata;
    wire [3:0]  wstrb;
    wire [1:0]  bresp, rresp;
    wire        awvalid, awready, wvalid, wready, bvalid, bready;
    wire        arvalid, arready, rvalid, rready;
    wire [31:0] in_tdata, out_tdata;
    wire        in_tlast, in_tvalid, in_tready, out_tlast, out_tvalid, out_tready;
    wire [15:0] refused, overrun;

    nlut_ft601_bridge #(.IN_BEATS(IN_BEATS), .OUT_BEATS(OUT_BEATS)) u_bridge (
        .ft_clk(ft_clk), .ft_rst(ft_rst),
        .ft_data_i(ft_data_i), .ft_data_o(ft_data_o), .ft_be_i(ft_be_i), .ft_be_o(ft_be_o),
        .ft_data_oe(ft_data_oe), .ft_rxf_n(ft_rxf_n), .ft_txe_n(ft_txe_n),
        .ft_oe_n(ft_oe_n), .ft_rd_n(ft_rd_n), .ft_wr_n(ft_wr_n),
        .clk(clk), .rst(rst),
        .m_axil_awaddr(awaddr), .m_axil_awvalid(awvalid), .m_axil_awready(awready),
        .m_axil_wdata(wdata), .m_axil_wstrb(wstrb), .m_axil_wvalid(wvalid), .m_axil_wready(wready),
        .m_axil_bresp(bresp), .m_axil_bvalid(bvalid), .m_axil_bready(bready),
        .m_axil_araddr(araddr), .m_axil_arvalid(arvalid), .m_axil_arready(arready),
        .m_axil_rdata(rdata), .m_axil_rresp(rresp), .m_axil_rvalid(rvalid), .m_axil_rready(rready),
        .m_axis_tdata(in_tdata), .m_axis_tlast(in_tlast), .m_axis_tvalid(in_tvalid),
        .m_axis_tready(in_tready),
        .s_axis_tdata(out_tdata), .s_axis_tlast(out_tlast), .s_axis_tvalid(out_tvalid),
        .s_axis_tready(out_tready),
        .frames_refused(refused), .rx_overrun(overrun)
    );

    /* verilator lint_off PINCONNECTEMPTY */
    nlut_shell #(
        .S_BYTES(4), .M_BYTES(4), .SCORES(1), .BOARD_ID(BOARD_ID), .BUILD_ID(BUILD_ID),
        .RAM_INIT_FILE(RAM_INIT_FILE)
    ) u_shell (
        .clk(clk), .rst(rst),
        .s_axis_tdata(in_tdata), .s_axis_tlast(in_tlast), .s_axis_tvalid(in_tvalid),
        .s_axis_tready(in_tready),
        .m_axis_tdata(out_tdata), .m_axis_tlast(out_tlast), .m_axis_tvalid(out_tvalid),
        .m_axis_tready(out_tready),
        .s_axil_awaddr(awaddr), .s_axil_awvalid(awvalid), .s_axil_awready(awready),
        .s_axil_wdata(wdata), .s_axil_wstrb(wstrb), .s_axil_wvalid(wvalid), .s_axil_wready(wready),
        .s_axil_bresp(bresp), .s_axil_bvalid(bvalid), .s_axil_bready(bready),
        .s_axil_araddr(araddr), .s_axil_arvalid(arvalid), .s_axil_arready(arready),
        .s_axil_rdata(rdata), .s_axil_rresp(rresp), .s_axil_rvalid(rvalid), .s_axil_rready(rready),
        .irq()
    );
    /* verilator lint_on PINCONNECTEMPTY */

    reg [25:0] beat_reg = 26'd0;
    always @(posedge clk) beat_reg <= beat_reg + 1'b1;
    assign led[0] = beat_reg[25];
    assign led[1] = refused != 16'd0;
    assign led[2] = !ft_rxf_n;

    /* verilator lint_off UNUSED */
    wire unused = &{1'b0, overrun};
    /* verilator lint_on UNUSED */

endmodule

`default_nettype wire
