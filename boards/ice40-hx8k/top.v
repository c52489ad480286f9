// top.v - the iCE40-HX8K Breakout Board's top (docs/ice40.md): the nlut shell in its small-part
// configuration (split boot RAM, 32-bit stream ports), the controller and the generated core,
// behind nlut_uart_bridge on the FT2232H's channel-B UART. Pins: constraints/ice40-hx8k/ice40-hx8k.pcf.
// LEDs: led[0] blinks (about 1.4 Hz) while the design runs, led[1] lights when the bridge dropped a
// byte or refused a frame since configuration, led[7:2] count the ERROR frames sent (low bits).
`default_nettype none

`include "nlut_core_params.vh"

module top #(
    parameter integer CLK_HZ      = 12000000,
    parameter integer BAUD        = 1000000,
    parameter [31:0]  BOARD_ID    = 32'h0000_1CE8,
    parameter [31:0]  BUILD_ID    = 32'h0,
    parameter integer RAM_LO_BITS = 13,          // firmware block: 8 KiB
    parameter integer RAM_HI_BITS = 9,           // self-test block: 512 bytes
    parameter         RAM_INIT_FILE    = "fw.hex",
    parameter         RAM_INIT_FILE_HI = "bist.hex"
) (
    input  wire clk_12mhz,
    input  wire uart_rx,
    output wire uart_tx,
    output wire [7:0] led
);

    localparam integer IN_BEATS  = (`NLUT_CORE_IN_WIDTH + 31) / 32;
    localparam integer OUT_BEATS = (8 + 2 * `NLUT_CORE_N_CLASSES + 3) / 4;

    wire clk = clk_12mhz;

    // Reset: held for 2**8 cycles after configuration (flip-flops start at zero on iCE40).
    reg [8:0] por_reg = 9'd0;
    always @(posedge clk)
        if (!por_reg[8]) por_reg <= por_reg + 1'b1;
    wire rst = !por_reg[8];

    wire [10:0] awaddr, araddr;
    wire [31:0] wdata, rdata;
    wire [3:0]  wstrb;
    wire [1:0]  bresp, rresp;
    wire        awvalid, awready, wvalid, wready, bvalid, bready;
    wire        arvalid, arready, rvalid, rready;
    wire [31:0] in_tdata, out_tdata;
    wire        in_tlast, in_tvalid, in_tready, out_tlast, out_tvalid, out_tready;
    wire [15:0] rx_dropped, refused;

    nlut_uart_bridge #(
        .CLKS_PER_BIT(CLK_HZ / BAUD), .IN_BEATS(IN_BEATS), .OUT_BEATS(OUT_BEATS)
    ) u_bridge (
        .clk(clk), .rst(rst), .rxd(uart_rx), .txd(uart_tx),
        .m_axil_awaddr(awaddr), .m_axil_awvalid(awvalid), .m_axil_awready(awready),
        .m_axil_wdata(wdata), .m_axil_wstrb(wstrb), .m_axil_wvalid(wvalid), .m_axil_wready(wready),
        .m_axil_bresp(bresp), .m_axil_bvalid(bvalid), .m_axil_bready(bready),
        .m_axil_araddr(araddr), .m_axil_arvalid(arvalid), .m_axil_arready(arready),
        .m_axil_rdata(rdata), .m_axil_rresp(rresp), .m_axil_rvalid(rvalid), .m_axil_rready(rready),
        .m_axis_tdata(in_tdata), .m_axis_tlast(in_tlast), .m_axis_tvalid(in_tvalid),
        .m_axis_tready(in_tready),
        .s_axis_tdata(out_tdata), .s_axis_tlast(out_tlast), .s_axis_tvalid(out_tvalid),
        .s_axis_tready(out_tready),
        .rx_dropped(rx_dropped), .frames_refused(refused)
    );

    /* verilator lint_off PINCONNECTEMPTY */
    nlut_shell #(
        .S_BYTES(4), .M_BYTES(4), .SCORES(1), .BOARD_ID(BOARD_ID), .BUILD_ID(BUILD_ID),
        .RAM_ADDR_BITS(15), .RAM_INIT_FILE(RAM_INIT_FILE), .RF_SYNC(1), .MBOX_ARGS(1), .SMALL(1),
        .RAM_LO_BITS(RAM_LO_BITS), .RAM_HI_BITS(RAM_HI_BITS), .RAM_INIT_FILE_HI(RAM_INIT_FILE_HI)
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

    reg [22:0] beat_reg = 23'd0;
    always @(posedge clk) beat_reg <= beat_reg + 1'b1;
    assign led[0]   = beat_reg[22];
    assign led[1]   = rx_dropped != 16'd0 || refused != 16'd0;
    assign led[7:2] = refused[5:0];

endmodule

`default_nettype wire
