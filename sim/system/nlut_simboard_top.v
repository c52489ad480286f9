// nlut_simboard_top.v - the simulated board's top (sim/system/nlut-sim-build): nlut_shell with its
// reset taken through one register, so that no logic of the shell depends combinationally on a
// top-level input through the reset. Verilator evaluates input-dependent logic at every call of
// eval(), twice per cycle, and again at the edge; the reset fans out to the register block's
// arbitration, the datapath and the controller, which now run once per cycle. The shell is the
// unchanged RTL; the harness's reset reaches it one cycle later (docs/simboard.md).
`default_nettype none

module nlut_simboard_top #(
    parameter        S_BYTES       = 8,   // input beat bytes: 4, 8 or 64
    parameter        M_BYTES       = 8,   // output beat bytes: 4, 8 or 64
    parameter        SCORES        = 1,   // records carry the class scores
    parameter [31:0] BOARD_ID      = 32'h0,
    parameter        RAM_INIT_FILE = ""   // firmware + self-test data ($readmemh)
) (
    input  wire                 clk,
    input  wire                 rst,      // sampled: the shell's reset follows a cycle later

    input  wire [8*S_BYTES-1:0] s_axis_tdata,
    input  wire                 s_axis_tlast,
    input  wire                 s_axis_tvalid,
    output wire                 s_axis_tready,

    output wire [8*M_BYTES-1:0] m_axis_tdata,
    output wire                 m_axis_tlast,
    output wire                 m_axis_tvalid,
    input  wire                 m_axis_tready,

    input  wire [10:0]          s_axil_awaddr,
    input  wire                 s_axil_awvalid,
    output wire                 s_axil_awready,
    input  wire [31:0]          s_axil_wdata,
    input  wire [3:0]           s_axil_wstrb,
    input  wire                 s_axil_wvalid,
    output wire                 s_axil_wready,
    output wire [1:0]           s_axil_bresp,
    output wire                 s_axil_bvalid,
    input  wire                 s_axil_bready,
    input  wire [10:0]          s_axil_araddr,
    input  wire                 s_axil_arvalid,
    output wire                 s_axil_arready,
    output wire [31:0]          s_axil_rdata,
    output wire [1:0]           s_axil_rresp,
    output wire                 s_axil_rvalid,
    input  wire                 s_axil_rready,

    output wire                 irq
);

    reg rst_reg = 1'b1;
    always @(posedge clk)
        rst_reg <= rst;

    nlut_shell #(
        .S_BYTES(S_BYTES), .M_BYTES(M_BYTES), .SCORES(SCORES), .BOARD_ID(BOARD_ID),
        .RAM_INIT_FILE(RAM_INIT_FILE)
    ) u_shell (
        .clk(clk), .rst(rst_reg),
        .s_axis_tdata(s_axis_tdata), .s_axis_tlast(s_axis_tlast), .s_axis_tvalid(s_axis_tvalid),
        .s_axis_tready(s_axis_tready),
        .m_axis_tdata(m_axis_tdata), .m_axis_tlast(m_axis_tlast), .m_axis_tvalid(m_axis_tvalid),
        .m_axis_tready(m_axis_tready),
        .s_axil_awaddr(s_axil_awaddr), .s_axil_awvalid(s_axil_awvalid), .s_axil_awready(s_axil_awready),
        .s_axil_wdata(s_axil_wdata), .s_axil_wstrb(s_axil_wstrb), .s_axil_wvalid(s_axil_wvalid),
        .s_axil_wready(s_axil_wready),
        .s_axil_bresp(s_axil_bresp), .s_axil_bvalid(s_axil_bvalid), .s_axil_bready(s_axil_bready),
        .s_axil_araddr(s_axil_araddr), .s_axil_arvalid(s_axil_arvalid), .s_axil_arready(s_axil_arready),
        .s_axil_rdata(s_axil_rdata), .s_axil_rresp(s_axil_rresp), .s_axil_rvalid(s_axil_rvalid),
        .s_axil_rready(s_axil_rready),
        .irq(irq)
    );

endmodule

`default_nettype wire
