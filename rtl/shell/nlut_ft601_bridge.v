// nlut_ft601_bridge.v - the board side of the wire protocol (docs/wire-protocol.md) in logic, for
// boards whose host link is an FTDI FT601 USB 3 FIFO bridge in 245 synchronous FIFO mode
// (docs/ft601.md):
//
//   FT601 bus --nlut_ft601_fifo--> async FIFO --> word->bytes --> nlut_wire_bridge --> shell
//   (ft_clk, 100 MHz)              (Gray pointers)  (BE)           (clk)
//   FT601 bus <--nlut_ft601_fifo-- async FIFO <-- bytes->word <-- nlut_wire_bridge <-- shell
//
// The bus runs on the FT601's own clock; everything after the FIFOs on the shell's clock, whatever
// its frequency. nlut_wire_bridge is the one implementation of the protocol in logic (the iCE40's
// UART bridge wraps the same module). The FT601 applies back-pressure both ways, so nothing is
// dropped: a VECTORS payload of up to 2**VBUF_BITS words waits in the protocol engine's buffer
// until its CRC is good. Frames are whole words, so a word to the host always has all four bytes;
// words from the host may be partial (BE), at the end of a USB transfer.
`default_nettype none

module nlut_ft601_bridge #(
    parameter integer IN_BEATS   = 1,       // 32-bit beats per input record
    parameter integer OUT_BEATS  = 2,       // 32-bit beats per result record
    parameter integer VBUF_BITS  = 14       // VECTORS payload buffer: 2**VBUF_BITS words (64 KiB)
) (
    // FT601 side
    input  wire        ft_clk,
    input  wire        ft_rst,              // synchronous to ft_clk
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

    // shell side
    input  wire        clk,
    input  wire        rst,                 // synchronous to clk

    output wire [10:0] m_axil_awaddr,
    output wire        m_axil_awvalid,
    input  wire        m_axil_awready,
    output wire [31:0] m_axil_wdata,
    output wire [3:0]  m_axil_wstrb,
    output wire        m_axil_wvalid,
    input  wire        m_axil_wready,
    input  wire [1:0]  m_axil_bresp,
    input  wire        m_axil_bvalid,
    output wire        m_axil_bready,
    output wire [10:0] m_axil_araddr,
    output wire        m_axil_arvalid,
    input  wire        m_axil_arready,
    input  wire [31:0] m_axil_rdata,
    input  wire [1:0]  m_axil_rresp,
    input  wire        m_axil_rvalid,
    output wire        m_axil_rready,

    output wire [31:0] m_axis_tdata,
    output wire        m_axis_tlast,
    output wire        m_axis_tvalid,
    input  wire        m_axis_tready,

    input  wire [31:0] s_axis_tdata,
    input  wire        s_axis_tlast,
    input  wire        s_axis_tvalid,
    output wire        s_axis_tready,

    output wire [15:0] frames_refused,      // ERROR frames sent (clk)
    output wire [15:0] rx_overrun           // words lost for want of room (ft_clk; stays 0)
);

    // ---------------- the bus, on the FT601's clock ----------------
    wire [35:0] rx_w_data, tx_r_data;
    wire        rx_w_valid, tx_r_valid, tx_r_ready;
    wire [5:0]  rx_w_free;
    /* verilator lint_off PINCONNECTEMPTY */
    nlut_ft601_fifo u_bus (
        .ft_clk(ft_clk), .rst(ft_rst),
        .ft_data_i(ft_data_i), .ft_data_o(ft_data_o), .ft_be_i(ft_be_i), .ft_be_o(ft_be_o),
        .ft_data_oe(ft_data_oe), .ft_rxf_n(ft_rxf_n), .ft_txe_n(ft_txe_n),
        .ft_oe_n(ft_oe_n), .ft_rd_n(ft_rd_n), .ft_wr_n(ft_wr_n),
        .m_rx_tdata(rx_w_data), .m_rx_tvalid(rx_w_valid), .m_rx_free(rx_w_free),
        .s_tx_tdata(tx_r_data), .s_tx_tvalid(tx_r_valid), .s_tx_tready(tx_r_ready),
        .rx_overrun(rx_overrun)
    );

    // ---------------- the crossings ----------------
    wire [35:0] rx_r_data, tx_w_data;
    wire        rx_r_valid, rx_r_ready, tx_w_valid, tx_w_ready;
    nlut_async_fifo #(.DATA_WIDTH(36), .ADDR_BITS(5)) u_rx_cdc (
        .s_clk(ft_clk), .s_rst(ft_rst),
        .s_axis_tdata(rx_w_data), .s_axis_tvalid(rx_w_valid), .s_axis_tready(), .s_free(rx_w_free),
        .m_clk(clk), .m_rst(rst),
        .m_axis_tdata(rx_r_data), .m_axis_tvalid(rx_r_valid), .m_axis_tready(rx_r_ready)
    );
    nlut_async_fifo #(.DATA_WIDTH(36), .ADDR_BITS(5)) u_tx_cdc (
        .s_clk(clk), .s_rst(rst),
        .s_axis_tdata(tx_w_data), .s_axis_tvalid(tx_w_valid), .s_axis_tready(tx_w_ready), .s_free(),
        .m_clk(ft_clk), .m_rst(ft_rst),
        .m_axis_tdata(tx_r_data), .m_axis_tvalid(tx_r_valid), .m_axis_tready(tx_r_ready)
    );
    /* verilator lint_on PINCONNECTEMPTY */

    // ---------------- received words -> bytes (the bytes BE marks, lowest first) ----------------
    reg  [31:0] uw;
    reg  [3:0]  um;
    wire [1:0]  ui = um[0] ? 2'd0 : um[1] ? 2'd1 : um[2] ? 2'd2 : 2'd3;
    wire [7:0]  in_byte  = uw[8 * ui +: 8];
    wire        in_valid = um != 4'd0;
    wire        in_ready;
    wire [3:0]  um_nx    = in_valid && in_ready ? um & ~(4'b0001 << ui) : um;
    assign rx_r_ready = um_nx == 4'd0;

    always @(posedge clk) begin
        if (rst) begin
            um <= 4'd0;
        end else if (rx_r_valid && rx_r_ready) begin
            uw <= rx_r_data[31:0];
            um <= rx_r_data[35:32];
        end else begin
            um <= um_nx;
        end
    end

    // ---------------- bytes -> words to send ----------------
    // Every frame nlut_wire_bridge sends is 16 + 4k bytes, so four bytes always make a word and BE
    // is always 1111: no partial word is ever needed (nor a timeout to flush one).
    wire [7:0] out_byte;
    wire       out_valid;
    reg [31:0] pw;                          // bytes gathered, lowest first
    reg [2:0]  pn;                          // how many
    wire       out_ready = pn != 3'd4;
    assign tx_w_data  = {4'b1111, pw};
    assign tx_w_valid = pn == 3'd4;

    always @(posedge clk) begin
        if (rst) begin
            pn <= 3'd0;
        end else if (tx_w_valid && tx_w_ready) begin
            pn <= 3'd0;
        end else if (out_valid && out_ready) begin
            pw[8 * pn[1:0] +: 8] <= out_byte;
            pn <= pn + 1'b1;
        end
    end

    // ---------------- the wire protocol ----------------
    nlut_wire_bridge #(.IN_BEATS(IN_BEATS), .OUT_BEATS(OUT_BEATS), .VBUF_BITS(VBUF_BITS)) u_wire (
        .clk(clk), .rst(rst),
        .s_byte_tdata(in_byte), .s_byte_tvalid(in_valid), .s_byte_tready(in_ready),
        .m_byte_tdata(out_byte), .m_byte_tvalid(out_valid), .m_byte_tready(out_ready),
        .m_axil_awaddr(m_axil_awaddr), .m_axil_awvalid(m_axil_awvalid), .m_axil_awready(m_axil_awready),
        .m_axil_wdata(m_axil_wdata), .m_axil_wstrb(m_axil_wstrb), .m_axil_wvalid(m_axil_wvalid),
        .m_axil_wready(m_axil_wready), .m_axil_bresp(m_axil_bresp), .m_axil_bvalid(m_axil_bvalid),
        .m_axil_bready(m_axil_bready), .m_axil_araddr(m_axil_araddr), .m_axil_arvalid(m_axil_arvalid),
        .m_axil_arready(m_axil_arready), .m_axil_rdata(m_axil_rdata), .m_axil_rresp(m_axil_rresp),
        .m_axil_rvalid(m_axil_rvalid), .m_axil_rready(m_axil_rready),
        .m_axis_tdata(m_axis_tdata), .m_axis_tlast(m_axis_tlast), .m_axis_tvalid(m_axis_tvalid),
        .m_axis_tready(m_axis_tready),
        .s_axis_tdata(s_axis_tdata), .s_axis_tlast(s_axis_tlast), .s_axis_tvalid(s_axis_tvalid),
        .s_axis_tready(s_axis_tready),
        .frames_refused(frames_refused)
    );

endmodule

`default_nettype wire
