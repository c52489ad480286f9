// nlut_shell_regs.v - the register block of rtl/shell/nlut_regs.def with two
// request ports: the host (through nlut_axil_slave) and the controller
// (nlut_ctrl's m_ext port). A request holds until ready; ready comes the cycle
// after the access, with the read data. When both ports wait they alternate.
// Also here: the 64-bit counters, the mailbox, the self-test handshake and
// the firmware watchdog (docs/shell.md).
`default_nettype none

module nlut_shell_regs #(
    parameter         IN_WIDTH     = 64,   // core in_codes bits (at most 8192)
    parameter         SCORES_WIDTH = 20,   // core out_scores bits (at most 2048)
    parameter         CLASS_WIDTH  = 3,
    parameter         N_INPUTS     = 16,
    parameter         N_CLASSES    = 5,
    parameter         LATENCY      = 4,
    parameter [255:0] MODEL_HASH   = 256'h0,
    parameter         S_BYTES      = 8,
    parameter         M_BYTES      = 8,
    parameter         SCORES       = 1,
    parameter [31:0]  BOARD_ID     = 32'h0,
    parameter [31:0]  BUILD_ID     = 32'h0,
    parameter [31:0]  WDOG_CYCLES  = 32'h0010_0000, // 0: no watchdog
    parameter         MBOX_ARGS    = 16,   // MBOX_ARG words kept (1, 2, 4, 8 or 16); small parts keep
                                           // fewer (docs/ice40.md), the others read 0
    parameter         CNT_BITS     = 64,   // width of CNT_IN/OUT/STALL (32 on small parts: HI reads 0)
    parameter         MBOX_RAM     = 0     // 1: MBOX_DATA in block RAM (not cleared by reset)
) (
    input  wire                    clk,
    input  wire                    rst,

    // host port
    input  wire                    h_valid,
    input  wire [10:0]             h_addr,
    input  wire                    h_write,
    input  wire [3:0]              h_wstrb,
    input  wire [31:0]             h_wdata,
    output wire                    h_ready,
    output wire [31:0]             h_rdata,

    // controller port (its reset is ctrl_rst)
    input  wire                    c_valid,
    input  wire [10:0]             c_addr,
    input  wire                    c_write,
    input  wire [3:0]              c_wstrb,
    input  wire [31:0]             c_wdata,
    output wire                    c_ready,
    output wire [31:0]             c_rdata,

    // datapath
    output wire                    dp_enable,
    output wire                    dp_reset,      // one-cycle pulse
    output wire                    bist_mode,
    output wire                    bist_push,     // one-cycle pulse
    output wire [IN_WIDTH-1:0]     bist_in,
    input  wire                    in_inc,        // a stream vector entered the core
    input  wire                    out_inc,       // a record went to the serialiser
    input  wire                    stall_inc,     // m_axis back-pressured this cycle
    input  wire                    frame_err,     // pulse
    input  wire                    seq_err,       // pulse
    input  wire                    dp_empty,
    input  wire                    bist_active,
    input  wire                    bist_result,   // pulse: a self-test result arrived
    input  wire [CLASS_WIDTH-1:0]  bist_class,
    input  wire [SCORES_WIDTH-1:0] bist_scores,

    // controller
    output wire                    irq_ext,
    output wire                    ctrl_rst,      // reset of nlut_ctrl (rst or watchdog)
    output wire                    mbox_done
);

    // The whole map is included; this block uses most but not all of it.
    /* verilator lint_off UNUSEDPARAM */
`include "nlut_regs.vh"
    /* verilator lint_on UNUSEDPARAM */

    localparam IN_WORDS = (IN_WIDTH + 31) / 32;
    localparam SC_WORDS = (SCORES_WIDTH + 31) / 32;

    // ---- constant words ----
    wire [255:0] hash_words;
    genvar gi;
    generate
        for (gi = 0; gi < 32; gi = gi + 1) begin : g_hash
            // SHA-256 byte gi is MODEL_HASH[255-8gi -: 8]; word gi/4 holds it
            // in bits 8*(gi%4)+7 : 8*(gi%4).
            assign hash_words[8*gi +: 8] = MODEL_HASH[255-8*gi -: 8];
        end
    endgenerate
    wire [SC_WORDS*32-1:0] scores_pad;

    // ---- state ----
    reg                 enable_reg;
    reg                 dp_reset_reg;
    reg [3:0]           errors_reg;
    reg [31:0]          scratch_reg;
    reg [63:0]          cnt_in_reg, cnt_out_reg, cnt_stall_reg;
    reg [31:0]          cnt_errors_reg;
    reg [95:0]          h_latch_reg, c_latch_reg;    // HI words: in, out, stall
    reg                 bist_req_reg;
    reg [2:0]           bist_status_reg;
    reg [31:0]          bist_vectors_reg, bist_first_fail_reg;
    reg [31:0]          mbox_cmd_reg, mbox_rsp_reg;  // bits 31:24 stay 0
    reg                 mbox_pending_reg, mbox_done_reg;
    reg [31:0]          mbox_arg_reg [0:MBOX_ARGS-1];
    reg [31:0]          mbox_data_reg [0:15];
    reg                 bist_mode_reg, bist_push_reg, result_reg;
    reg [IN_WORDS*32-1:0] bist_in_reg;  // bits above IN_WIDTH unused
    reg [31:0]          wdog_cnt_reg;
    reg                 fw_alive_reg, wdog_flag_reg, wdog_rst_reg;
    reg                 h_ready_reg, c_ready_reg, last_host_reg;
    reg [31:0]          h_rdata_reg, c_rdata_reg;

    assign dp_enable = enable_reg;
    assign dp_reset  = dp_reset_reg;
    assign bist_mode = bist_mode_reg;
    assign bist_push = bist_push_reg;
    assign bist_in   = bist_in_reg[IN_WIDTH-1:0];
    assign irq_ext   = mbox_pending_reg || bist_req_reg;
    assign ctrl_rst  = rst || wdog_rst_reg;
    assign mbox_done = mbox_done_reg;
    assign h_ready   = h_ready_reg;
    assign h_rdata   = MBOX_RAM && mdata_sel_reg ? mdata_q : h_rdata_reg;
    assign c_ready   = c_ready_reg;
    assign c_rdata   = MBOX_RAM && mdata_sel_reg ? mdata_q : c_rdata_reg;

    generate
        if (SC_WORDS * 32 > SCORES_WIDTH) begin : g_sc_pad
            assign scores_pad = {{(SC_WORDS * 32 - SCORES_WIDTH){1'b0}}, bist_scores};
        end else begin : g_sc_nopad
            assign scores_pad = bist_scores;
        end
    endgenerate

    // ---- arbitration: one access per cycle, alternating under contention ----
    wire h_want = h_valid && !h_ready_reg;
    wire c_want = c_valid && !c_ready_reg && !ctrl_rst;
    wire pick_h = h_want && (!c_want || !last_host_reg);
    wire pick_c = c_want && !pick_h;
    wire        a_go    = pick_h || pick_c;
    // Registers decode on the word: addr[1:0] only name byte lanes, which the
    // strobes carry (the controller's sb/sh/lb/lh give unaligned addresses).
    /* verilator lint_off UNUSEDSIGNAL */
    wire [10:0] a_byte  = pick_h ? h_addr : c_addr;
    /* verilator lint_on UNUSEDSIGNAL */
    wire [10:0] a_addr  = {a_byte[10:2], 2'b00};
    wire        a_write = pick_h ? h_write : c_write;
    wire [31:0] a_mask  = pick_h ? {{8{h_wstrb[3]}}, {8{h_wstrb[2]}}, {8{h_wstrb[1]}}, {8{h_wstrb[0]}}}
                                 : {{8{c_wstrb[3]}}, {8{c_wstrb[2]}}, {8{c_wstrb[1]}}, {8{c_wstrb[0]}}};
    wire [31:0] a_bits  = (pick_h ? h_wdata : c_wdata) & a_mask;   // written bits that are 1
    wire [8:0]  a_word  = a_addr[10:2];
    // Ends of the model-sized arrays in 32 bits: with wide models they pass
    // a_word's 9 bits (lint WIDTH).
    localparam [31:0] SC_END = {23'h0, NLUT_FW_BIST_SCORES_REG_OFFSET[10:2]} + SC_WORDS;
    localparam [31:0] IN_END = {23'h0, NLUT_FW_BIST_IN_REG_OFFSET[10:2]} + IN_WORDS;
    wire [31:0] a_word32 = {23'h0, a_word};
    wire        a_wr    = a_go && a_write;
    wire        h_wr    = a_wr && pick_h;
    wire        c_wr    = a_wr && pick_c;
    wire [95:0] a_latch = pick_h ? h_latch_reg : c_latch_reg;

    function [31:0] merge(input [31:0] old, input [31:0] bits, input [31:0] mask);
        merge = (old & ~mask) | (bits & mask);
    endfunction

    // MBOX_ARG word index (its low bits only when fewer words are kept)
    localparam integer ARG_BITS = MBOX_ARGS > 1 ? $clog2(MBOX_ARGS) : 1;
    wire [ARG_BITS-1:0] arg_i = MBOX_ARGS > 1 ? a_word[ARG_BITS-1:0] : {ARG_BITS{1'b0}};

    localparam [63:0] CNT_MASK = CNT_BITS >= 64 ? ~64'h0 : (64'h1 << CNT_BITS) - 64'h1;

    // MBOX_DATA in block RAM (MBOX_RAM): one port, read every access, the word ready with the
    // access's ready; written by byte.
    reg [31:0] mdata_q;
    reg        mdata_sel_reg;

    // ---- read mux ----
    // A function called only in the cycle of a read (below), not an always block: the same
    // multiplexer in hardware, and the simulation evaluates it only when a register is read.
    function [31:0] rd_word(input [8:0] w);  // the word address
        reg [31:0] w32;
        reg [31:0] rd;
    begin
        w32 = {23'h0, w};
        rd = 32'h0;
        case ({w, 2'b00})
            NLUT_ID_MAGIC_REG_OFFSET:   rd = NLUT_MAGIC;
            NLUT_ID_VERSION_REG_OFFSET: rd = (NLUT_MAP_VERSION_MAJOR << NLUT_ID_VERSION_MAJOR_OFFSET) |
                                             NLUT_MAP_VERSION_MINOR;
            NLUT_ID_BOARD_REG_OFFSET:   rd = BOARD_ID;
            NLUT_ID_BUILD_REG_OFFSET:   rd = BUILD_ID;
            NLUT_ID_LATENCY_REG_OFFSET: rd = LATENCY;
            NLUT_ID_SHAPE_REG_OFFSET:   rd = (N_CLASSES << NLUT_ID_SHAPE_N_CLASSES_OFFSET) | N_INPUTS;
            NLUT_ID_IN_BITS_REG_OFFSET: rd = IN_WIDTH;
            NLUT_ID_STREAM_REG_OFFSET:  rd = (SCORES << NLUT_ID_STREAM_SCORES_BIT) |
                                             (M_BYTES << NLUT_ID_STREAM_M_BYTES_OFFSET) | S_BYTES;
            NLUT_CTRL_REG_OFFSET:       rd = {31'h0, enable_reg};
            NLUT_STATUS_REG_OFFSET:     rd = {29'h0, fw_alive_reg, dp_empty, enable_reg && !dp_reset_reg};
            NLUT_ERRORS_REG_OFFSET:     rd = {28'h0, errors_reg};
            NLUT_SCRATCH_REG_OFFSET:    rd = scratch_reg;
            NLUT_CNT_IN_LO_REG_OFFSET:    rd = cnt_in_reg[31:0];
            NLUT_CNT_IN_HI_REG_OFFSET:    rd = a_latch[31:0];
            NLUT_CNT_OUT_LO_REG_OFFSET:   rd = cnt_out_reg[31:0];
            NLUT_CNT_OUT_HI_REG_OFFSET:   rd = a_latch[63:32];
            NLUT_CNT_STALL_LO_REG_OFFSET: rd = cnt_stall_reg[31:0];
            NLUT_CNT_STALL_HI_REG_OFFSET: rd = a_latch[95:64];
            NLUT_CNT_ERRORS_REG_OFFSET:   rd = cnt_errors_reg;
            NLUT_BIST_STATUS_REG_OFFSET:  rd = {29'h0, bist_status_reg};
            NLUT_BIST_VECTORS_REG_OFFSET: rd = bist_vectors_reg;
            NLUT_BIST_FIRST_FAIL_REG_OFFSET: rd = bist_first_fail_reg;
            NLUT_MBOX_CMD_REG_OFFSET:     rd = mbox_cmd_reg;
            NLUT_MBOX_STATUS_REG_OFFSET:  rd = {30'h0, mbox_done_reg, mbox_pending_reg};
            NLUT_MBOX_RSP_REG_OFFSET:     rd = mbox_rsp_reg;
            NLUT_FW_CTRL_REG_OFFSET:      rd = {31'h0, bist_mode_reg};
            NLUT_FW_STATUS_REG_OFFSET:    rd = {28'h0, wdog_flag_reg, bist_req_reg, result_reg, bist_active};
            /* verilator lint_off WIDTH */
            NLUT_FW_BIST_CLASS_REG_OFFSET: rd = bist_class;
            /* verilator lint_on WIDTH */
            NLUT_FW_WDOG_CYCLES_REG_OFFSET: rd = WDOG_CYCLES;
            default: begin
                if (w >= NLUT_ID_MODEL_HASH_REG_OFFSET[10:2] &&
                    w < NLUT_ID_MODEL_HASH_REG_OFFSET[10:2] + 9'd8)
                    rd = hash_words[32*(w - NLUT_ID_MODEL_HASH_REG_OFFSET[10:2]) +: 32];
                else if (w >= NLUT_MBOX_ARG_REG_OFFSET[10:2] &&
                         w < NLUT_MBOX_ARG_REG_OFFSET[10:2] + 9'd16) begin
                    if (w < NLUT_MBOX_ARG_REG_OFFSET[10:2] + MBOX_ARGS)
                        rd = mbox_arg_reg[MBOX_ARGS > 1 ? w[ARG_BITS-1:0] : {ARG_BITS{1'b0}}];
                end
                else if (w >= NLUT_MBOX_DATA_REG_OFFSET[10:2] &&
                         w < NLUT_MBOX_DATA_REG_OFFSET[10:2] + 9'd16)
                    rd = mbox_data_reg[w[3:0]];
                else if (w >= NLUT_FW_BIST_SCORES_REG_OFFSET[10:2] &&
                         w32 < SC_END)
                    rd = scores_pad[32*(w - NLUT_FW_BIST_SCORES_REG_OFFSET[10:2]) +: 32];
                else if (w >= NLUT_FW_BIST_IN_REG_OFFSET[10:2] &&
                         w32 < IN_END)
                    rd = bist_in_reg[32*(w - NLUT_FW_BIST_IN_REG_OFFSET[10:2]) +: 32];
            end
        endcase
        rd_word = rd;
    end
    endfunction

    // ---- write decode ----
    wire wr_ctrl    = a_wr && a_addr == NLUT_CTRL_REG_OFFSET;
    wire wr_errors  = a_wr && a_addr == NLUT_ERRORS_REG_OFFSET;
    wire set_reset  = wr_ctrl && a_bits[NLUT_CTRL_RESET_BIT];
    wire set_clear  = wr_ctrl && a_bits[NLUT_CTRL_CLEAR_BIT];
    wire bist_start = h_wr && a_addr == NLUT_BIST_CTRL_REG_OFFSET && a_bits[NLUT_BIST_CTRL_START_BIT];
    wire wr_bist_st = c_wr && a_addr == NLUT_BIST_STATUS_REG_OFFSET;
    wire bist_fail  = wr_bist_st && a_bits[NLUT_BIST_STATUS_DONE_BIT] && !a_bits[NLUT_BIST_STATUS_PASS_BIT];
    wire wr_fw_ctrl = c_wr && a_addr == NLUT_FW_CTRL_REG_OFFSET;
    wire heartbeat  = wr_fw_ctrl && a_bits[NLUT_FW_CTRL_HEARTBEAT_BIT];
    wire push       = wr_fw_ctrl && a_bits[NLUT_FW_CTRL_PUSH_BIT];
    wire wdog_on    = WDOG_CYCLES != 32'h0;
    wire wdog_fire  = wdog_on && !heartbeat && wdog_cnt_reg == WDOG_CYCLES - 32'h1;

    wire in_arg  = a_word >= NLUT_MBOX_ARG_REG_OFFSET[10:2] && a_word < NLUT_MBOX_ARG_REG_OFFSET[10:2] + MBOX_ARGS;
    wire in_data = a_word >= NLUT_MBOX_DATA_REG_OFFSET[10:2] && a_word < NLUT_MBOX_DATA_REG_OFFSET[10:2] + 9'd16;
    wire in_bist = a_word >= NLUT_FW_BIST_IN_REG_OFFSET[10:2] && a_word32 < IN_END;
    wire [8:0] bist_word = a_word - NLUT_FW_BIST_IN_REG_OFFSET[10:2];

    generate
    if (MBOX_RAM) begin : g_mdata
        reg [31:0] mdata_ram [0:15];
        wire [3:0]  a_wstrb = pick_h ? h_wstrb : c_wstrb;
        wire [31:0] a_wdata = pick_h ? h_wdata : c_wdata;
        integer k;
        initial for (k = 0; k < 16; k = k + 1) mdata_ram[k] = 32'h0;
        always @(posedge clk) begin
            if (c_wr && in_data) begin
                if (a_wstrb[0]) mdata_ram[a_word[3:0]][7:0] <= a_wdata[7:0];
                if (a_wstrb[1]) mdata_ram[a_word[3:0]][15:8] <= a_wdata[15:8];
                if (a_wstrb[2]) mdata_ram[a_word[3:0]][23:16] <= a_wdata[23:16];
                if (a_wstrb[3]) mdata_ram[a_word[3:0]][31:24] <= a_wdata[31:24];
            end
            mdata_q <= mdata_ram[a_word[3:0]];
            mdata_sel_reg <= !rst && a_go && !a_write && in_data;
        end
    end else begin : g_mdata_regs
        always @* begin
            mdata_q = 32'h0;
            mdata_sel_reg = 1'b0;
        end
    end
    endgenerate

    // Error events of this cycle (each counted once).
    wire [3:0] err_set;
    assign err_set[NLUT_ERRORS_WATCHDOG_BIT] = wdog_fire;
    assign err_set[NLUT_ERRORS_SEQ_BIT]      = seq_err;
    assign err_set[NLUT_ERRORS_BIST_BIT]     = bist_fail;
    assign err_set[NLUT_ERRORS_FRAME_BIT]    = frame_err;
    wire [31:0] err_events = {31'h0, err_set[0]} + {31'h0, err_set[1]} + {31'h0, err_set[2]} +
                             {31'h0, err_set[3]};

    integer i;
    always @(posedge clk) begin
        if (rst) begin
            enable_reg <= 1'b0;
            dp_reset_reg <= 1'b0;
            errors_reg <= 4'h0;
            scratch_reg <= 32'h0;
            cnt_in_reg <= 64'h0;
            cnt_out_reg <= 64'h0;
            cnt_stall_reg <= 64'h0;
            cnt_errors_reg <= 32'h0;
            h_latch_reg <= 96'h0;
            c_latch_reg <= 96'h0;
            bist_req_reg <= 1'b0;
            bist_status_reg <= 3'h0;
            bist_vectors_reg <= 32'h0;
            bist_first_fail_reg <= NLUT_BIST_NONE;
            mbox_cmd_reg <= 32'h0;
            mbox_rsp_reg <= 32'h0;
            mbox_pending_reg <= 1'b0;
            mbox_done_reg <= 1'b0;
            for (i = 0; i < MBOX_ARGS; i = i + 1)
                mbox_arg_reg[i] <= 32'h0;
            for (i = 0; i < 16; i = i + 1)
                mbox_data_reg[i] <= 32'h0;
            bist_mode_reg <= 1'b0;
            bist_push_reg <= 1'b0;
            result_reg <= 1'b0;
            bist_in_reg <= {(IN_WORDS * 32){1'b0}};
            wdog_cnt_reg <= 32'h0;
            fw_alive_reg <= 1'b0;
            wdog_flag_reg <= 1'b0;
            wdog_rst_reg <= 1'b0;
            h_ready_reg <= 1'b0;
            c_ready_reg <= 1'b0;
            last_host_reg <= 1'b0;
        end else begin
            // Port handshakes: ready for one cycle, the cycle after the access.
            h_ready_reg <= pick_h;
            c_ready_reg <= pick_c;
            if (a_go)
                last_host_reg <= pick_h;
            if (pick_h)
                h_rdata_reg <= a_write ? 32'h0 : rd_word(a_word);
            if (pick_c)
                c_rdata_reg <= a_write ? 32'h0 : rd_word(a_word);
            // Reading a LO word latches its HI word for the reading port.
            if (a_go && !a_write) begin
                if (a_addr == NLUT_CNT_IN_LO_REG_OFFSET) begin
                    if (pick_h) h_latch_reg[31:0] <= cnt_in_reg[63:32];
                    else        c_latch_reg[31:0] <= cnt_in_reg[63:32];
                end
                if (a_addr == NLUT_CNT_OUT_LO_REG_OFFSET) begin
                    if (pick_h) h_latch_reg[63:32] <= cnt_out_reg[63:32];
                    else        c_latch_reg[63:32] <= cnt_out_reg[63:32];
                end
                if (a_addr == NLUT_CNT_STALL_LO_REG_OFFSET) begin
                    if (pick_h) h_latch_reg[95:64] <= cnt_stall_reg[63:32];
                    else        c_latch_reg[95:64] <= cnt_stall_reg[63:32];
                end
            end

            // Control and status.
            dp_reset_reg <= set_reset;
            if (wr_ctrl && a_mask[NLUT_CTRL_ENABLE_BIT])
                enable_reg <= a_bits[NLUT_CTRL_ENABLE_BIT];
            if (a_wr && a_addr == NLUT_SCRATCH_REG_OFFSET)
                scratch_reg <= merge(scratch_reg, a_bits, a_mask);
            errors_reg <= (errors_reg & ~(wr_errors ? a_bits[3:0] : 4'h0)) | err_set;

            // Counters.
            if (set_clear) begin
                cnt_in_reg <= 64'h0;
                cnt_out_reg <= 64'h0;
                cnt_stall_reg <= 64'h0;
                cnt_errors_reg <= 32'h0;
            end else begin
                cnt_in_reg <= (cnt_in_reg + {63'h0, in_inc}) & CNT_MASK;
                cnt_out_reg <= (cnt_out_reg + {63'h0, out_inc}) & CNT_MASK;
                cnt_stall_reg <= (cnt_stall_reg + {63'h0, stall_inc}) & CNT_MASK;
                cnt_errors_reg <= cnt_errors_reg + err_events;
            end

            // Self-test handshake.
            if (bist_start) begin
                bist_req_reg <= 1'b1;
                bist_status_reg <= 3'b100;   // RUNNING
            end
            if (wr_bist_st) begin
                bist_req_reg <= 1'b0;
                if (a_mask[0])   // a store without byte 0 leaves the verdict
                    bist_status_reg <= a_bits[2:0];
            end
            if (c_wr && a_addr == NLUT_BIST_VECTORS_REG_OFFSET)
                bist_vectors_reg <= merge(bist_vectors_reg, a_bits, a_mask);
            if (c_wr && a_addr == NLUT_BIST_FIRST_FAIL_REG_OFFSET)
                bist_first_fail_reg <= merge(bist_first_fail_reg, a_bits, a_mask);

            // Mailbox.
            if (h_wr && a_addr == NLUT_MBOX_CMD_REG_OFFSET) begin
                mbox_cmd_reg <= merge(mbox_cmd_reg, a_bits, a_mask & 32'h00FF_FFFF);
                mbox_pending_reg <= 1'b1;
                mbox_done_reg <= 1'b0;
            end
            if (c_wr && a_addr == NLUT_MBOX_RSP_REG_OFFSET) begin
                mbox_rsp_reg <= merge(mbox_rsp_reg, a_bits, a_mask & 32'h00FF_FFFF);
                mbox_pending_reg <= 1'b0;
                mbox_done_reg <= 1'b1;
            end
            if (a_wr && in_arg)
                mbox_arg_reg[arg_i] <= merge(mbox_arg_reg[arg_i], a_bits, a_mask);
            if (c_wr && in_data && !MBOX_RAM)
                mbox_data_reg[a_word[3:0]] <= merge(mbox_data_reg[a_word[3:0]], a_bits, a_mask);

            // Controller page.
            if (wr_fw_ctrl && a_mask[NLUT_FW_CTRL_BIST_MODE_BIT])
                bist_mode_reg <= a_bits[NLUT_FW_CTRL_BIST_MODE_BIT];
            bist_push_reg <= push && bist_active;
            if (push)
                result_reg <= 1'b0;
            else if (bist_result)
                result_reg <= 1'b1;
            if (c_wr && in_bist)
                for (i = 0; i < IN_WORDS; i = i + 1)
                    if (bist_word == i[8:0])
                        bist_in_reg[32*i +: 32] <= merge(bist_in_reg[32*i +: 32], a_bits, a_mask);

            // Watchdog: a missed heartbeat restarts the controller.
            wdog_rst_reg <= wdog_fire;
            if (heartbeat) begin
                wdog_cnt_reg <= 32'h0;
                fw_alive_reg <= 1'b1;
                wdog_flag_reg <= 1'b0;
            end else if (wdog_fire) begin
                wdog_cnt_reg <= 32'h0;
                fw_alive_reg <= 1'b0;
                wdog_flag_reg <= 1'b1;
                bist_mode_reg <= 1'b0;
            end else if (wdog_on) begin
                wdog_cnt_reg <= wdog_cnt_reg + 32'h1;
            end
        end
    end

endmodule

`default_nettype wire
