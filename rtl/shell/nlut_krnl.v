// nlut_krnl.v - the Vitis RTL kernel (docs/vitis-kernel.md): the nlut shell
// with 64-byte stream ports between an AXI4 read master that streams input
// records from card memory (m_axi_gmem0) and an AXI4 write master that
// stores result records (m_axi_gmem1); control and the nlut registers on
// s_axi_control (ap_ctrl_hs). ap_done rises once the last result's write
// response has come back. The model's widths come from the generated
// nlut_core_params.vh, which must be on the include path.
`default_nettype none

`include "nlut_core_params.vh"

module nlut_krnl #(
    parameter        SCORES          = 1,         // records carry the class scores
    parameter [31:0] BOARD_ID        = 32'h0250,
    parameter [31:0] BUILD_ID        = 32'h0,
    parameter        RAM_INIT_FILE   = "",        // firmware + self-test data ($readmemh)
    parameter [31:0] WDOG_CYCLES     = 32'h0010_0000,
    parameter        MAX_BURST       = 64,        // beats (64 bytes each) per burst: 4 KiB
    parameter        RD_OUTSTANDING  = 8,         // read bursts in flight
    parameter        RD_FIFO_BITS    = 9,         // read FIFO: 2^n beats (8 bursts)
    parameter        WR_OUTSTANDING  = 8,         // write bursts awaiting their response
    parameter        WR_FIFO_BITS    = 7          // write FIFO: 2^n beats (2 bursts)
) (
    input  wire         ap_clk,
    input  wire         ap_rst_n,
    // Vitis names the interrupt port so; a C++ keyword to Verilator.
    /* verilator lint_off SYMRSVDWORD */
    output wire         interrupt,
    /* verilator lint_on SYMRSVDWORD */

    input  wire [12:0]  s_axi_control_awaddr,
    input  wire         s_axi_control_awvalid,
    output wire         s_axi_control_awready,
    input  wire [31:0]  s_axi_control_wdata,
    input  wire [3:0]   s_axi_control_wstrb,
    input  wire         s_axi_control_wvalid,
    output wire         s_axi_control_wready,
    output wire [1:0]   s_axi_control_bresp,
    output wire         s_axi_control_bvalid,
    input  wire         s_axi_control_bready,
    input  wire [12:0]  s_axi_control_araddr,
    input  wire         s_axi_control_arvalid,
    output wire         s_axi_control_arready,
    output wire [31:0]  s_axi_control_rdata,
    output wire [1:0]   s_axi_control_rresp,
    output wire         s_axi_control_rvalid,
    input  wire         s_axi_control_rready,

    // gmem0: input records (read only; the write channels stay idle).
    output wire [63:0]  m_axi_gmem0_awaddr,
    output wire [7:0]   m_axi_gmem0_awlen,
    output wire [2:0]   m_axi_gmem0_awsize,
    output wire [1:0]   m_axi_gmem0_awburst,
    output wire         m_axi_gmem0_awvalid,
    input  wire         m_axi_gmem0_awready,
    output wire [511:0] m_axi_gmem0_wdata,
    output wire [63:0]  m_axi_gmem0_wstrb,
    output wire         m_axi_gmem0_wlast,
    output wire         m_axi_gmem0_wvalid,
    input  wire         m_axi_gmem0_wready,
    input  wire [1:0]   m_axi_gmem0_bresp,
    input  wire         m_axi_gmem0_bvalid,
    output wire         m_axi_gmem0_bready,
    output wire [63:0]  m_axi_gmem0_araddr,
    output wire [7:0]   m_axi_gmem0_arlen,
    output wire [2:0]   m_axi_gmem0_arsize,
    output wire [1:0]   m_axi_gmem0_arburst,
    output wire         m_axi_gmem0_arvalid,
    input  wire         m_axi_gmem0_arready,
    input  wire [511:0] m_axi_gmem0_rdata,
    input  wire [1:0]   m_axi_gmem0_rresp,
    input  wire         m_axi_gmem0_rlast,
    input  wire         m_axi_gmem0_rvalid,
    output wire         m_axi_gmem0_rready,

    // gmem1: result records (write only; the read channels stay idle).
    output wire [63:0]  m_axi_gmem1_awaddr,
    output wire [7:0]   m_axi_gmem1_awlen,
    output wire [2:0]   m_axi_gmem1_awsize,
    output wire [1:0]   m_axi_gmem1_awburst,
    output wire         m_axi_gmem1_awvalid,
    input  wire         m_axi_gmem1_awready,
    output wire [511:0] m_axi_gmem1_wdata,
    output wire [63:0]  m_axi_gmem1_wstrb,
    output wire         m_axi_gmem1_wlast,
    output wire         m_axi_gmem1_wvalid,
    input  wire         m_axi_gmem1_wready,
    input  wire [1:0]   m_axi_gmem1_bresp,
    input  wire         m_axi_gmem1_bvalid,
    output wire         m_axi_gmem1_bready,
    output wire [63:0]  m_axi_gmem1_araddr,
    output wire [7:0]   m_axi_gmem1_arlen,
    output wire [2:0]   m_axi_gmem1_arsize,
    output wire [1:0]   m_axi_gmem1_arburst,
    output wire         m_axi_gmem1_arvalid,
    input  wire         m_axi_gmem1_arready,
    input  wire [511:0] m_axi_gmem1_rdata,
    input  wire [1:0]   m_axi_gmem1_rresp,
    input  wire         m_axi_gmem1_rlast,
    input  wire         m_axi_gmem1_rvalid,
    output wire         m_axi_gmem1_rready
);

    localparam IN_WIDTH  = `NLUT_CORE_IN_WIDTH;
    localparam N_CLASSES = `NLUT_CORE_N_CLASSES;
    // Beats of 64 bytes per input and result record (docs/stream-format.md).
    localparam IN_BEATS  = (IN_WIDTH + 511) / 512;
    localparam OUT_BEATS = (8 + (SCORES != 0 ? 2 * N_CLASSES : 0) + 63) / 64;
    localparam LEN_WIDTH = 48;

    // ap_rst_n is synchronous; registered once for fan-out.
    reg rst_reg = 1'b1;
    always @(posedge ap_clk)
        rst_reg <= !ap_rst_n;
    wire rst = rst_reg;

    // ---- control ----
    wire [10:0] axil_awaddr, axil_araddr;
    wire [31:0] axil_wdata, axil_rdata;
    wire [3:0]  axil_wstrb;
    wire [1:0]  axil_bresp, axil_rresp;
    wire        axil_awvalid, axil_awready, axil_wvalid, axil_wready, axil_bvalid, axil_bready;
    wire        axil_arvalid, axil_arready, axil_rvalid, axil_rready;
    wire        go, done;
    wire [31:0] n_vectors;
    wire [63:0] in_addr, out_addr;

    nlut_krnl_ctrl u_ctrl (
        .clk(ap_clk), .rst(rst),
        .s_axi_awaddr(s_axi_control_awaddr), .s_axi_awvalid(s_axi_control_awvalid),
        .s_axi_awready(s_axi_control_awready), .s_axi_wdata(s_axi_control_wdata),
        .s_axi_wstrb(s_axi_control_wstrb), .s_axi_wvalid(s_axi_control_wvalid),
        .s_axi_wready(s_axi_control_wready), .s_axi_bresp(s_axi_control_bresp),
        .s_axi_bvalid(s_axi_control_bvalid), .s_axi_bready(s_axi_control_bready),
        .s_axi_araddr(s_axi_control_araddr), .s_axi_arvalid(s_axi_control_arvalid),
        .s_axi_arready(s_axi_control_arready), .s_axi_rdata(s_axi_control_rdata),
        .s_axi_rresp(s_axi_control_rresp), .s_axi_rvalid(s_axi_control_rvalid),
        .s_axi_rready(s_axi_control_rready),
        .m_axil_awaddr(axil_awaddr), .m_axil_awvalid(axil_awvalid), .m_axil_awready(axil_awready),
        .m_axil_wdata(axil_wdata), .m_axil_wstrb(axil_wstrb), .m_axil_wvalid(axil_wvalid),
        .m_axil_wready(axil_wready), .m_axil_bresp(axil_bresp), .m_axil_bvalid(axil_bvalid),
        .m_axil_bready(axil_bready), .m_axil_araddr(axil_araddr), .m_axil_arvalid(axil_arvalid),
        .m_axil_arready(axil_arready), .m_axil_rdata(axil_rdata), .m_axil_rresp(axil_rresp),
        .m_axil_rvalid(axil_rvalid), .m_axil_rready(axil_rready),
        .ap_start_pulse(go), .n_vectors(n_vectors), .in_addr(in_addr), .out_addr(out_addr),
        .ap_done_pulse(done), .interrupt(interrupt)
    );

    // ---- movers around the shell ----
    wire [511:0] in_tdata, out_tdata;
    wire         in_tlast, in_tvalid, in_tready, out_tlast, out_tvalid, out_tready;
    wire [LEN_WIDTH-1:0] n_wide = {{(LEN_WIDTH-32){1'b0}}, n_vectors};
    wire [15:0] in_beats16 = IN_BEATS;
    wire [LEN_WIDTH-1:0] in_beats = n_wide * IN_BEATS;
    wire [LEN_WIDTH-1:0] out_beats = n_wide * OUT_BEATS;

    /* verilator lint_off PINCONNECTEMPTY */
    nlut_axi_reader #(
        .DATA_BYTES(64), .ADDR_WIDTH(64), .LEN_WIDTH(LEN_WIDTH), .MAX_BURST(MAX_BURST),
        .MAX_OUTSTANDING(RD_OUTSTANDING), .FIFO_ADDR_BITS(RD_FIFO_BITS)
    ) u_reader (
        .clk(ap_clk), .rst(rst),
        .start(go), .start_addr(in_addr), .start_beats(in_beats), .rec_beats(in_beats16),
        .busy(), .rd_error(),
        .m_axi_araddr(m_axi_gmem0_araddr), .m_axi_arlen(m_axi_gmem0_arlen),
        .m_axi_arvalid(m_axi_gmem0_arvalid), .m_axi_arready(m_axi_gmem0_arready),
        .m_axi_rdata(m_axi_gmem0_rdata), .m_axi_rresp(m_axi_gmem0_rresp),
        .m_axi_rlast(m_axi_gmem0_rlast), .m_axi_rvalid(m_axi_gmem0_rvalid),
        .m_axi_rready(m_axi_gmem0_rready),
        .m_axis_tdata(in_tdata), .m_axis_tlast(in_tlast), .m_axis_tvalid(in_tvalid),
        .m_axis_tready(in_tready)
    );

    nlut_axi_writer #(
        .DATA_BYTES(64), .ADDR_WIDTH(64), .LEN_WIDTH(LEN_WIDTH), .MAX_BURST(MAX_BURST),
        .MAX_OUTSTANDING(WR_OUTSTANDING), .FIFO_ADDR_BITS(WR_FIFO_BITS)
    ) u_writer (
        .clk(ap_clk), .rst(rst),
        .start(go), .start_addr(out_addr), .start_beats(out_beats), .busy(), .done(done),
        .wr_error(),
        .s_axis_tdata(out_tdata), .s_axis_tvalid(out_tvalid), .s_axis_tready(out_tready),
        .m_axi_awaddr(m_axi_gmem1_awaddr), .m_axi_awlen(m_axi_gmem1_awlen),
        .m_axi_awvalid(m_axi_gmem1_awvalid), .m_axi_awready(m_axi_gmem1_awready),
        .m_axi_wdata(m_axi_gmem1_wdata), .m_axi_wstrb(m_axi_gmem1_wstrb),
        .m_axi_wlast(m_axi_gmem1_wlast), .m_axi_wvalid(m_axi_gmem1_wvalid),
        .m_axi_wready(m_axi_gmem1_wready), .m_axi_bresp(m_axi_gmem1_bresp),
        .m_axi_bvalid(m_axi_gmem1_bvalid), .m_axi_bready(m_axi_gmem1_bready)
    );
    /* verilator lint_on PINCONNECTEMPTY */

    // 64-byte beats, incrementing bursts.
    assign m_axi_gmem0_arsize = 3'd6;
    assign m_axi_gmem0_arburst = 2'b01;
    assign m_axi_gmem1_awsize = 3'd6;
    assign m_axi_gmem1_awburst = 2'b01;
    // The unused directions of each master.
    assign m_axi_gmem0_awaddr = 64'd0;
    assign m_axi_gmem0_awlen = 8'd0;
    assign m_axi_gmem0_awsize = 3'd6;
    assign m_axi_gmem0_awburst = 2'b01;
    assign m_axi_gmem0_awvalid = 1'b0;
    assign m_axi_gmem0_wdata = 512'd0;
    assign m_axi_gmem0_wstrb = 64'd0;
    assign m_axi_gmem0_wlast = 1'b0;
    assign m_axi_gmem0_wvalid = 1'b0;
    assign m_axi_gmem0_bready = 1'b1;
    assign m_axi_gmem1_araddr = 64'd0;
    assign m_axi_gmem1_arlen = 8'd0;
    assign m_axi_gmem1_arsize = 3'd6;
    assign m_axi_gmem1_arburst = 2'b01;
    assign m_axi_gmem1_arvalid = 1'b0;
    assign m_axi_gmem1_rready = 1'b1;
    wire unused = &{1'b0, m_axi_gmem0_awready, m_axi_gmem0_wready, m_axi_gmem0_bresp,
                    m_axi_gmem0_bvalid, m_axi_gmem1_arready, m_axi_gmem1_rdata, m_axi_gmem1_rresp,
                    m_axi_gmem1_rlast, m_axi_gmem1_rvalid, out_tlast};

    // ---- the shell ----
    /* verilator lint_off PINCONNECTEMPTY */
    nlut_shell #(
        .S_BYTES(64), .M_BYTES(64), .SCORES(SCORES), .BOARD_ID(BOARD_ID), .BUILD_ID(BUILD_ID),
        .RAM_INIT_FILE(RAM_INIT_FILE), .WDOG_CYCLES(WDOG_CYCLES)
    ) u_shell (
        .clk(ap_clk), .rst(rst),
        .s_axis_tdata(in_tdata), .s_axis_tlast(in_tlast), .s_axis_tvalid(in_tvalid),
        .s_axis_tready(in_tready),
        .m_axis_tdata(out_tdata), .m_axis_tlast(out_tlast), .m_axis_tvalid(out_tvalid),
        .m_axis_tready(out_tready),
        .s_axil_awaddr(axil_awaddr), .s_axil_awvalid(axil_awvalid), .s_axil_awready(axil_awready),
        .s_axil_wdata(axil_wdata), .s_axil_wstrb(axil_wstrb), .s_axil_wvalid(axil_wvalid),
        .s_axil_wready(axil_wready), .s_axil_bresp(axil_bresp), .s_axil_bvalid(axil_bvalid),
        .s_axil_bready(axil_bready), .s_axil_araddr(axil_araddr), .s_axil_arvalid(axil_arvalid),
        .s_axil_arready(axil_arready), .s_axil_rdata(axil_rdata), .s_axil_rresp(axil_rresp),
        .s_axil_rvalid(axil_rvalid), .s_axil_rready(axil_rready),
        .irq()
    );
    /* verilator lint_on PINCONNECTEMPTY */

endmodule

`default_nettype wire
