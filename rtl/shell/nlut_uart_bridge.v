// nlut_uart_bridge.v - the board side of the wire protocol (docs/wire-protocol.md) in logic, for
// boards whose host link is a UART (docs/ice40.md): nlut_wire_bridge on an 8N1 line. Frames from the line are checked (sync, length,
// CRC-32, sequence number) before they act; REG_READ / REG_WRITE become AXI4-Lite accesses to the
// shell and are answered with REG_VALUE; a VECTORS payload is held in a buffer until its CRC is
// known good and then streamed into the shell as input records; every result record the shell
// emits leaves as one RESULTS frame. Errors are answered with ERROR frames naming the frame.
//
// The UART has no flow control: received bytes wait in a FIFO of 2**RXQ_BITS bytes while a frame
// executes. A host keeps the bytes of VECTORS frames whose results have not come back below the
// FIFO plus one payload buffer (the transport's window, docs/ice40.md); bytes arriving to a full
// FIFO are dropped and counted, and the frame they belonged to fails its CRC.
`default_nettype none

module nlut_uart_bridge #(
    parameter integer CLKS_PER_BIT = 12,    // clock / baud rate
    parameter integer IN_BEATS     = 1,     // 32-bit beats per input record
    parameter integer OUT_BEATS    = 2,     // 32-bit beats per result record
    parameter integer VBUF_BITS    = 7,     // VECTORS payload buffer: 2**VBUF_BITS words
    parameter integer RXQ_BITS     = 9      // receive FIFO: 2**RXQ_BITS bytes
) (
    input  wire        clk,
    input  wire        rst,

    input  wire        rxd,
    output wire        txd,

    // AXI4-Lite master to the shell's register window (11-bit offsets)
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

    // input records to the shell, 32-bit beats
    output wire [31:0] m_axis_tdata,
    output wire        m_axis_tlast,
    output wire        m_axis_tvalid,
    input  wire        m_axis_tready,

    // result records from the shell, 32-bit beats
    input  wire [31:0] s_axis_tdata,
    input  wire        s_axis_tlast,
    input  wire        s_axis_tvalid,
    output wire        s_axis_tready,

    output reg  [15:0] rx_dropped,          // bytes lost to a full FIFO or a bad stop bit
    output wire [15:0] frames_refused       // ERROR frames sent
);

    // ---------------- receive: line -> byte FIFO ----------------
    wire [7:0] rx_byte;
    wire       rx_valid, rx_ferr;
    nlut_uart_rx #(.CLKS_PER_BIT(CLKS_PER_BIT)) u_rx (
        .clk(clk), .rst(rst), .rxd(rxd), .data(rx_byte), .valid(rx_valid), .frame_err(rx_ferr)
    );

    wire [7:0] q_byte;
    wire       q_valid, q_full_n, q_pop;
    /* verilator lint_off PINCONNECTEMPTY */
    nlut_axis_fifo #(.DATA_WIDTH(8), .ADDR_BITS(RXQ_BITS)) u_rxq (
        .clk(clk), .rst(rst),
        .s_axis_tdata(rx_byte), .s_axis_tlast(1'b0), .s_axis_tvalid(rx_valid), .s_axis_tready(q_full_n),
        .m_axis_tdata(q_byte), .m_axis_tlast(), .m_axis_tvalid(q_valid), .m_axis_tready(q_pop),
        .level()
    );
    /* verilator lint_on PINCONNECTEMPTY */

    always @(posedge clk) begin
        if (rst) rx_dropped <= 16'd0;
        else if ((rx_valid && !q_full_n) || rx_ferr) rx_dropped <= rx_dropped + 1'b1;
    end

    // ---------------- the wire protocol ----------------
    wire [7:0] t_byte;
    wire       t_valid, t_ready;
    nlut_wire_bridge #(.IN_BEATS(IN_BEATS), .OUT_BEATS(OUT_BEATS), .VBUF_BITS(VBUF_BITS)) u_wire (
        .clk(clk), .rst(rst),
        .s_byte_tdata(q_byte), .s_byte_tvalid(q_valid), .s_byte_tready(q_pop),
        .m_byte_tdata(t_byte), .m_byte_tvalid(t_valid), .m_byte_tready(t_ready),
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

    // ---------------- transmit ----------------
    nlut_uart_tx #(.CLKS_PER_BIT(CLKS_PER_BIT)) u_tx (
        .clk(clk), .rst(rst), .data(t_byte), .valid(t_valid), .ready(t_ready), .txd(txd)
    );

endmodule

`default_nettype wire
