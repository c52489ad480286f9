// tb_regs.v - test top of the register path: AXI4-Lite slave into the host
// port of nlut_shell_regs, with the controller and datapath ports brought
// out, plus a read-only view of the host request port between the two.
`default_nettype none

module tb_regs #(
    parameter         IN_WIDTH     = 100,  // core in_codes bits
    parameter         SCORES_WIDTH = 20,   // core out_scores bits
    parameter         CLASS_WIDTH  = 3,    // core out_class bits
    parameter         N_INPUTS     = 13,   // ID_SHAPE.N_INPUTS
    parameter         N_CLASSES    = 5,    // ID_SHAPE.N_CLASSES
    parameter         LATENCY      = 7,    // ID_LATENCY
    // SHA-256("abc"): a byte-order slip shows in the ID_MODEL_HASH words.
    parameter [255:0] MODEL_HASH   = 256'hba7816bf_8f01cfea_414140de_5dae2223_b00361a3_96177a9c_b410ff61_f20015ad,
    parameter         S_BYTES      = 8,    // ID_STREAM.S_BYTES
    parameter         M_BYTES      = 4,    // ID_STREAM.M_BYTES
    parameter         SCORES       = 1,    // ID_STREAM.SCORES
    parameter [31:0]  BOARD_ID     = 32'hB0A2_D017,  // ID_BOARD
    parameter [31:0]  BUILD_ID     = 32'h2024_0607,  // ID_BUILD
    parameter [31:0]  WDOG_CYCLES  = 32'd500         // watchdog period, 0: none
) (
    input  wire                    clk,
    input  wire                    rst,

    input  wire [10:0]             s_axil_awaddr,
    input  wire                    s_axil_awvalid,
    output wire                    s_axil_awready,
    input  wire [31:0]             s_axil_wdata,
    input  wire [3:0]              s_axil_wstrb,
    input  wire                    s_axil_wvalid,
    output wire                    s_axil_wready,
    output wire [1:0]              s_axil_bresp,
    output wire                    s_axil_bvalid,
    input  wire                    s_axil_bready,
    input  wire [10:0]             s_axil_araddr,
    input  wire                    s_axil_arvalid,
    output wire                    s_axil_arready,
    output wire [31:0]             s_axil_rdata,
    output wire [1:0]              s_axil_rresp,
    output wire                    s_axil_rvalid,
    input  wire                    s_axil_rready,

    input  wire                    c_valid,
    input  wire [10:0]             c_addr,
    input  wire                    c_write,
    input  wire [3:0]              c_wstrb,
    input  wire [31:0]             c_wdata,
    output wire                    c_ready,
    output wire [31:0]             c_rdata,

    output wire                    dp_enable,
    output wire                    dp_reset,
    output wire                    bist_mode,
    output wire                    bist_push,
    output wire [IN_WIDTH-1:0]     bist_in,
    input  wire                    in_inc,
    input  wire                    out_inc,
    input  wire                    stall_inc,
    input  wire                    frame_err,
    input  wire                    seq_err,
    input  wire                    dp_empty,
    input  wire                    bist_active,
    input  wire                    bist_result,
    input  wire [CLASS_WIDTH-1:0]  bist_class,
    input  wire [SCORES_WIDTH-1:0] bist_scores,

    output wire                    irq_ext,
    output wire                    ctrl_rst,
    output wire                    mbox_done,

    // The host request port, observed: which AXI transaction was served when.
    output wire                    mon_h_valid,
    output wire [10:0]             mon_h_addr,
    output wire                    mon_h_write,
    output wire [3:0]              mon_h_wstrb,
    output wire [31:0]             mon_h_wdata,
    output wire                    mon_h_ready,
    output wire [31:0]             mon_h_rdata
);

    nlut_axil_slave #(
        .ADDR_BITS(11)
    ) u_axil (
        .clk(clk), .rst(rst),
        .s_axil_awaddr(s_axil_awaddr), .s_axil_awvalid(s_axil_awvalid), .s_axil_awready(s_axil_awready),
        .s_axil_wdata(s_axil_wdata), .s_axil_wstrb(s_axil_wstrb), .s_axil_wvalid(s_axil_wvalid),
        .s_axil_wready(s_axil_wready),
        .s_axil_bresp(s_axil_bresp), .s_axil_bvalid(s_axil_bvalid), .s_axil_bready(s_axil_bready),
        .s_axil_araddr(s_axil_araddr), .s_axil_arvalid(s_axil_arvalid), .s_axil_arready(s_axil_arready),
        .s_axil_rdata(s_axil_rdata), .s_axil_rresp(s_axil_rresp), .s_axil_rvalid(s_axil_rvalid),
        .s_axil_rready(s_axil_rready),
        .req_valid(mon_h_valid), .req_addr(mon_h_addr), .req_write(mon_h_write),
        .req_wstrb(mon_h_wstrb), .req_wdata(mon_h_wdata), .req_ready(mon_h_ready),
        .req_rdata(mon_h_rdata)
    );

    nlut_shell_regs #(
        .IN_WIDTH(IN_WIDTH), .SCORES_WIDTH(SCORES_WIDTH), .CLASS_WIDTH(CLASS_WIDTH),
        .N_INPUTS(N_INPUTS), .N_CLASSES(N_CLASSES), .LATENCY(LATENCY), .MODEL_HASH(MODEL_HASH),
        .S_BYTES(S_BYTES), .M_BYTES(M_BYTES), .SCORES(SCORES),
        .BOARD_ID(BOARD_ID), .BUILD_ID(BUILD_ID), .WDOG_CYCLES(WDOG_CYCLES)
    ) u_regs (
        .clk(clk), .rst(rst),
        .h_valid(mon_h_valid), .h_addr(mon_h_addr), .h_write(mon_h_write), .h_wstrb(mon_h_wstrb),
        .h_wdata(mon_h_wdata), .h_ready(mon_h_ready), .h_rdata(mon_h_rdata),
        .c_valid(c_valid), .c_addr(c_addr), .c_write(c_write), .c_wstrb(c_wstrb), .c_wdata(c_wdata),
        .c_ready(c_ready), .c_rdata(c_rdata),
        .dp_enable(dp_enable), .dp_reset(dp_reset), .bist_mode(bist_mode), .bist_push(bist_push),
        .bist_in(bist_in), .in_inc(in_inc), .out_inc(out_inc), .stall_inc(stall_inc),
        .frame_err(frame_err), .seq_err(seq_err), .dp_empty(dp_empty), .bist_active(bist_active),
        .bist_result(bist_result), .bist_class(bist_class), .bist_scores(bist_scores),
        .irq_ext(irq_ext), .ctrl_rst(ctrl_rst), .mbox_done(mbox_done)
    );

endmodule

`default_nettype wire
