// tb_movers.v - the reader and the writer side by side, each on its own
// memory port (sim/axi/tb_movers.cpp drives both).
`default_nettype none

module tb_movers #(
    parameter DATA_BYTES      = 64,
    parameter MAX_BURST       = 64,
    parameter MAX_OUTSTANDING = 8,
    parameter FIFO_ADDR_BITS  = 9
) (
    input  wire                    clk,
    input  wire                    rst,

    input  wire                    rd_start,
    input  wire [63:0]             rd_addr,
    input  wire [39:0]             rd_beats,
    input  wire [15:0]             rd_rec_beats,
    output wire                    rd_busy,
    output wire                    rd_error,
    output wire [63:0]             rd_araddr,
    output wire [7:0]              rd_arlen,
    output wire                    rd_arvalid,
    input  wire                    rd_arready,
    input  wire [8*DATA_BYTES-1:0] rd_rdata,
    input  wire [1:0]              rd_rresp,
    input  wire                    rd_rlast,
    input  wire                    rd_rvalid,
    output wire                    rd_rready,
    output wire [8*DATA_BYTES-1:0] rd_tdata,
    output wire                    rd_tlast,
    output wire                    rd_tvalid,
    input  wire                    rd_tready,

    input  wire                    wr_start,
    input  wire [63:0]             wr_addr,
    input  wire [39:0]             wr_beats,
    output wire                    wr_busy,
    output wire                    wr_done,
    output wire                    wr_error,
    input  wire [8*DATA_BYTES-1:0] wr_tdata,
    input  wire                    wr_tvalid,
    output wire                    wr_tready,
    output wire [63:0]             wr_awaddr,
    output wire [7:0]              wr_awlen,
    output wire                    wr_awvalid,
    input  wire                    wr_awready,
    output wire [8*DATA_BYTES-1:0] wr_wdata,
    output wire [DATA_BYTES-1:0]   wr_wstrb,
    output wire                    wr_wlast,
    output wire                    wr_wvalid,
    input  wire                    wr_wready,
    input  wire [1:0]              wr_bresp,
    input  wire                    wr_bvalid,
    output wire                    wr_bready
);

    nlut_axi_reader #(
        .DATA_BYTES(DATA_BYTES), .ADDR_WIDTH(64), .LEN_WIDTH(40), .MAX_BURST(MAX_BURST),
        .MAX_OUTSTANDING(MAX_OUTSTANDING), .FIFO_ADDR_BITS(FIFO_ADDR_BITS)
    ) u_rd (
        .clk(clk), .rst(rst), .start(rd_start), .start_addr(rd_addr), .start_beats(rd_beats),
        .rec_beats(rd_rec_beats), .busy(rd_busy), .rd_error(rd_error),
        .m_axi_araddr(rd_araddr), .m_axi_arlen(rd_arlen), .m_axi_arvalid(rd_arvalid),
        .m_axi_arready(rd_arready), .m_axi_rdata(rd_rdata), .m_axi_rresp(rd_rresp),
        .m_axi_rlast(rd_rlast), .m_axi_rvalid(rd_rvalid), .m_axi_rready(rd_rready),
        .m_axis_tdata(rd_tdata), .m_axis_tlast(rd_tlast), .m_axis_tvalid(rd_tvalid),
        .m_axis_tready(rd_tready)
    );

    nlut_axi_writer #(
        .DATA_BYTES(DATA_BYTES), .ADDR_WIDTH(64), .LEN_WIDTH(40), .MAX_BURST(MAX_BURST),
        .MAX_OUTSTANDING(MAX_OUTSTANDING), .FIFO_ADDR_BITS(FIFO_ADDR_BITS)
    ) u_wr (
        .clk(clk), .rst(rst), .start(wr_start), .start_addr(wr_addr), .start_beats(wr_beats),
        .busy(wr_busy), .done(wr_done), .wr_error(wr_error),
        .s_axis_tdata(wr_tdata), .s_axis_tvalid(wr_tvalid), .s_axis_tready(wr_tready),
        .m_axi_awaddr(wr_awaddr), .m_axi_awlen(wr_awlen), .m_axi_awvalid(wr_awvalid),
        .m_axi_awready(wr_awready), .m_axi_wdata(wr_wdata), .m_axi_wstrb(wr_wstrb),
        .m_axi_wlast(wr_wlast), .m_axi_wvalid(wr_wvalid), .m_axi_wready(wr_wready),
        .m_axi_bresp(wr_bresp), .m_axi_bvalid(wr_bvalid), .m_axi_bready(wr_bready)
    );

endmodule

`default_nettype wire
