// nlut_shell.v - the nlut shell (docs/shell.md): the generated nlut_core
// between an AXI4-Stream input of feature codes and an AXI4-Stream output of
// result records, an AXI4-Lite register slave, and the RV32I controller that
// runs the firmware (mailbox, self-test, watchdog). The model's widths come
// from the generated nlut_core_params.vh, which must be on the include path.
`default_nettype none

`include "nlut_core_params.vh"

module nlut_shell #(
    parameter        S_BYTES       = 8,        // input beat bytes: 4, 8 or 64
    parameter        M_BYTES       = 8,        // output beat bytes: 4, 8 or 64
    parameter        SCORES        = 1,        // records carry the class scores
    parameter [31:0] BOARD_ID      = 32'h0,
    parameter [31:0] BUILD_ID      = 32'h0,
    parameter        RAM_ADDR_BITS = 16,       // controller boot RAM bytes = 2**n
    parameter        RAM_INIT_FILE = "",       // firmware + self-test data ($readmemh)
    parameter        RF_SYNC       = 0,        // small parts (docs/ice40.md): CPU registers in block RAM
    parameter        RAM_LO_BITS   = 0,        // small parts: firmware block bytes = 2**n,
    parameter        RAM_HI_BITS   = 2,        // self-test block bytes = 2**n; RAM_INIT_FILE then holds
    parameter        RAM_INIT_FILE_HI = "",    // the firmware only, RAM_INIT_FILE_HI the self-test data
    parameter [31:0] WDOG_CYCLES   = 32'h0010_0000,
    parameter        MBOX_ARGS     = 16,       // small parts: MBOX_ARG words kept (nlut_shell_regs.v)
    parameter        SMALL         = 0,        // small parts: 32-bit counters, MBOX_DATA in block RAM
    parameter        TICK_DIV      = 1         // clock cycles per mtime tick
) (
    input  wire                 clk,
    input  wire                 rst,

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

    output wire                 irq            // a mailbox answer is ready
);

    localparam IN_WIDTH     = `NLUT_CORE_IN_WIDTH;
    localparam SCORES_WIDTH = `NLUT_CORE_SCORES_WIDTH;
    localparam CLASS_WIDTH  = `NLUT_CORE_CLASS_WIDTH;
    localparam N_CLASSES    = `NLUT_CORE_N_CLASSES;

    // ---- host port ----
    wire        h_valid, h_write, h_ready;
    wire [10:0] h_addr;
    wire [3:0]  h_wstrb;
    wire [31:0] h_wdata, h_rdata;
    nlut_axil_slave #(.ADDR_BITS(11)) u_axil (
        .clk(clk), .rst(rst),
        .s_axil_awaddr(s_axil_awaddr), .s_axil_awvalid(s_axil_awvalid), .s_axil_awready(s_axil_awready),
        .s_axil_wdata(s_axil_wdata), .s_axil_wstrb(s_axil_wstrb), .s_axil_wvalid(s_axil_wvalid),
        .s_axil_wready(s_axil_wready), .s_axil_bresp(s_axil_bresp), .s_axil_bvalid(s_axil_bvalid),
        .s_axil_bready(s_axil_bready), .s_axil_araddr(s_axil_araddr), .s_axil_arvalid(s_axil_arvalid),
        .s_axil_arready(s_axil_arready), .s_axil_rdata(s_axil_rdata), .s_axil_rresp(s_axil_rresp),
        .s_axil_rvalid(s_axil_rvalid), .s_axil_rready(s_axil_rready),
        .req_valid(h_valid), .req_addr(h_addr), .req_write(h_write), .req_wstrb(h_wstrb),
        .req_wdata(h_wdata), .req_ready(h_ready), .req_rdata(h_rdata)
    );

    // ---- controller ----
    wire        c_valid, c_write, c_ready;
    wire [10:0] c_addr;
    wire [3:0]  c_wstrb;
    wire [31:0] c_wdata, c_rdata;
    wire        irq_ext, ctrl_rst;
    /* verilator lint_off PINCONNECTEMPTY */
    nlut_ctrl #(
        .RAM_ADDR_BITS(RAM_ADDR_BITS), .RAM_INIT_FILE(RAM_INIT_FILE),
        .RF_SYNC(RF_SYNC), .RAM_LO_BITS(RAM_LO_BITS), .RAM_HI_BITS(RAM_HI_BITS), .RAM_INIT_FILE_HI(RAM_INIT_FILE_HI),
        .EXT_ADDR_BITS(11), .TICK_DIV(TICK_DIV)
    ) u_ctrl (
        .clk(clk), .rst(ctrl_rst),
        .m_ext_valid(c_valid), .m_ext_addr(c_addr), .m_ext_write(c_write), .m_ext_wstrb(c_wstrb),
        .m_ext_wdata(c_wdata), .m_ext_ready(c_ready), .m_ext_rdata(c_rdata), .m_ext_err(1'b0),
        .irq_ext(irq_ext),
        .trace_valid(), .trace_trap(), .trace_cause(), .trace_pc(), .trace_insn(), .trace_rd(),
        .trace_rd_wdata(), .trace_mem_addr(), .trace_mem_wstrb(), .trace_mem_wdata()
    );
    /* verilator lint_on PINCONNECTEMPTY */

    // ---- register block ----
    wire                    dp_enable, dp_reset, bist_mode, bist_push;
    wire [IN_WIDTH-1:0]     bist_in;
    wire                    in_inc, out_inc, stall_inc, frame_err, seq_err, dp_empty;
    wire                    bist_active, bist_result;
    wire [CLASS_WIDTH-1:0]  bist_class;
    wire [SCORES_WIDTH-1:0] bist_scores;
    nlut_shell_regs #(
        .IN_WIDTH(IN_WIDTH), .SCORES_WIDTH(SCORES_WIDTH), .CLASS_WIDTH(CLASS_WIDTH),
        .N_INPUTS(`NLUT_CORE_N_INPUTS), .N_CLASSES(N_CLASSES), .LATENCY(`NLUT_CORE_LATENCY),
        .MODEL_HASH(`NLUT_CORE_MODEL_HASH), .S_BYTES(S_BYTES), .M_BYTES(M_BYTES), .SCORES(SCORES),
        .BOARD_ID(BOARD_ID), .BUILD_ID(BUILD_ID), .WDOG_CYCLES(WDOG_CYCLES), .MBOX_ARGS(MBOX_ARGS),
        .CNT_BITS(SMALL ? 32 : 64), .MBOX_RAM(SMALL)
    ) u_regs (
        .clk(clk), .rst(rst),
        .h_valid(h_valid), .h_addr(h_addr), .h_write(h_write), .h_wstrb(h_wstrb), .h_wdata(h_wdata),
        .h_ready(h_ready), .h_rdata(h_rdata),
        .c_valid(c_valid), .c_addr(c_addr), .c_write(c_write), .c_wstrb(c_wstrb), .c_wdata(c_wdata),
        .c_ready(c_ready), .c_rdata(c_rdata),
        .dp_enable(dp_enable), .dp_reset(dp_reset), .bist_mode(bist_mode), .bist_push(bist_push),
        .bist_in(bist_in), .in_inc(in_inc), .out_inc(out_inc), .stall_inc(stall_inc),
        .frame_err(frame_err), .seq_err(seq_err), .dp_empty(dp_empty), .bist_active(bist_active),
        .bist_result(bist_result), .bist_class(bist_class), .bist_scores(bist_scores),
        .irq_ext(irq_ext), .ctrl_rst(ctrl_rst), .mbox_done(irq)
    );

    // ---- datapath ----
    nlut_shell_datapath #(
        .S_BYTES(S_BYTES), .M_BYTES(M_BYTES), .SCORES(SCORES), .IN_WIDTH(IN_WIDTH),
        .SCORES_WIDTH(SCORES_WIDTH), .CLASS_WIDTH(CLASS_WIDTH), .N_CLASSES(N_CLASSES),
        .SCORE_WIDTHS(`NLUT_CORE_SCORE_WIDTHS)
    ) u_dp (
        .clk(clk), .rst(rst), .dp_reset(dp_reset),
        .s_axis_tdata(s_axis_tdata), .s_axis_tlast(s_axis_tlast), .s_axis_tvalid(s_axis_tvalid),
        .s_axis_tready(s_axis_tready),
        .m_axis_tdata(m_axis_tdata), .m_axis_tlast(m_axis_tlast), .m_axis_tvalid(m_axis_tvalid),
        .m_axis_tready(m_axis_tready),
        .enable(dp_enable), .bist_mode(bist_mode), .bist_push(bist_push), .bist_in(bist_in),
        .bist_active(bist_active), .bist_result(bist_result), .bist_class(bist_class),
        .bist_scores(bist_scores),
        .in_inc(in_inc), .out_inc(out_inc), .stall_inc(stall_inc), .frame_err(frame_err),
        .seq_err(seq_err), .empty(dp_empty)
    );

endmodule

`default_nettype wire
