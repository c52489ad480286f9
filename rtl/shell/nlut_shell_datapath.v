// nlut_shell_datapath.v - input stream -> nlut_core -> result stream
// (docs/shell.md, docs/stream-format.md): skid buffers on both ports, the
// deserialiser, the self-test mux in front of the core, the core's clock
// enable, the record builder with the sequence tag, the serialiser, and the
// events the counters count.
`default_nettype none

module nlut_shell_datapath #(
    parameter S_BYTES      = 8,
    parameter M_BYTES      = 8,
    parameter SCORES       = 1,
    parameter IN_WIDTH     = 64,
    parameter SCORES_WIDTH = 20,
    parameter CLASS_WIDTH  = 3,
    parameter N_CLASSES    = 5,
    parameter [8*N_CLASSES-1:0] SCORE_WIDTHS = {N_CLASSES{8'd4}}  // per class, class 0 in the LSBs
) (
    input  wire                    clk,
    input  wire                    rst,          // everything
    input  wire                    dp_reset,     // pulse: the datapath only

    input  wire [8*S_BYTES-1:0]    s_axis_tdata,
    input  wire                    s_axis_tlast,
    input  wire                    s_axis_tvalid,
    output wire                    s_axis_tready,

    output wire [8*M_BYTES-1:0]    m_axis_tdata,
    output wire                    m_axis_tlast,
    output wire                    m_axis_tvalid,
    input  wire                    m_axis_tready,

    input  wire                    enable,
    input  wire                    bist_mode,
    input  wire                    bist_push,
    input  wire [IN_WIDTH-1:0]     bist_in,
    output wire                    bist_active,
    output wire                    bist_result,
    output wire [CLASS_WIDTH-1:0]  bist_class,
    output wire [SCORES_WIDTH-1:0] bist_scores,

    output wire                    in_inc,
    output wire                    out_inc,
    output wire                    stall_inc,
    output wire                    frame_err,
    output wire                    seq_err,
    output wire                    empty
);

    localparam SW = 8 * S_BYTES;
    localparam MW = 8 * M_BYTES;
    localparam REC_RAW = 8 + (SCORES != 0 ? 2 * N_CLASSES : 0);
    localparam REC_BYTES = (REC_RAW + M_BYTES - 1) / M_BYTES * M_BYTES;
    localparam INFL_BITS = 16;   // vectors in the core: far above any latency

    wire r = rst || dp_reset;

    // ---- input: skid -> gate -> deserialiser ----
    wire [SW-1:0] in_tdata;
    wire          in_tlast, in_tvalid, in_tready;
    nlut_axis_skid #(.DATA_WIDTH(SW)) u_in_skid (
        .clk(clk), .rst(r),
        .s_axis_tdata(s_axis_tdata), .s_axis_tlast(s_axis_tlast),
        .s_axis_tvalid(s_axis_tvalid), .s_axis_tready(s_axis_tready),
        .m_axis_tdata(in_tdata), .m_axis_tlast(in_tlast),
        .m_axis_tvalid(in_tvalid), .m_axis_tready(in_tready)
    );

    // Beats flow while the host enabled the datapath and no self-test is
    // asked for; a self-test request also stops vectors entering the core.
    wire stream_on = enable && !bist_mode;
    wire          deser_tready;
    wire [IN_WIDTH-1:0] vec_data;
    wire          vec_valid, vec_ready;
    assign in_tready = stream_on && deser_tready;
    nlut_shell_deser #(.S_BYTES(S_BYTES), .IN_BITS(IN_WIDTH)) u_deser (
        .clk(clk), .rst(r),
        .s_axis_tdata(in_tdata), .s_axis_tlast(in_tlast),
        .s_axis_tvalid(in_tvalid && stream_on), .s_axis_tready(deser_tready),
        .vec_data(vec_data), .vec_valid(vec_valid), .vec_ready(vec_ready),
        .frame_error(frame_err)
    );

    // ---- core with its clock enable ----
    reg                  active_reg;      // self-test mode in effect
    reg                  push_reg;        // a self-test vector waits for the core
    reg [INFL_BITS-1:0]  infl_reg;        // vectors inside the core
    reg                  result_reg;
    reg [CLASS_WIDTH-1:0]  res_class_reg;
    reg [SCORES_WIDTH-1:0] res_scores_reg;

    wire                    core_out_valid;
    wire [SCORES_WIDTH-1:0] core_scores;
    wire [CLASS_WIDTH-1:0]  core_class;
    wire                    rec_ready;
    // Results go to the serialiser, or in self-test mode to the result
    // register, which always takes them.
    wire taken = active_reg ? 1'b1 : rec_ready;
    wire ce = !core_out_valid || taken;
    wire core_in_valid = active_reg ? push_reg : (vec_valid && !bist_mode);
    wire [IN_WIDTH-1:0] core_in = active_reg ? bist_in : vec_data;
    wire accept = ce && core_in_valid;
    wire emit = ce && core_out_valid;
    assign vec_ready = ce && !active_reg && !bist_mode;

    // The core's clock. On hardware: clk. In the simulated board
    // (nlut-sim-build defines NLUT_SIM_GATE_CORE) the core is clocked only
    // in cycles where it has work: a reset, or ce with a sample entering or
    // inside it (infl_reg). In every other cycle its registers would take
    // new values only in stages holding no sample (valid bits 0 -> 0, data
    // nobody reads), so skipping the edge changes nothing the shell sees,
    // and Verilator skips the core's table lookups in idle cycles. The gate
    // is taken at the falling edge from the values the rising edge samples.
    wire core_clk;
`ifdef NLUT_SIM_GATE_CORE
    wire core_tick = r || (ce && (core_in_valid || infl_reg != {INFL_BITS{1'b0}}));
    reg  core_gate;
    always @(negedge clk)
        core_gate <= core_tick;
    assign core_clk = clk && core_gate;
`else
    assign core_clk = clk;
`endif

    nlut_core u_core (
        .clk(core_clk), .rst(r), .ce(ce),
        .in_valid(core_in_valid), .in_codes(core_in),
        .out_valid(core_out_valid), .out_scores(core_scores), .out_class(core_class)
    );

    always @(posedge clk) begin
        if (r) begin
            active_reg <= 1'b0;
            push_reg <= 1'b0;
            infl_reg <= {INFL_BITS{1'b0}};
            result_reg <= 1'b0;
        end else begin
            infl_reg <= infl_reg + {{(INFL_BITS-1){1'b0}}, accept} - {{(INFL_BITS-1){1'b0}}, emit};
            // Mode changes only while the core is empty, so every result
            // goes where its vector came from.
            if (infl_reg == {INFL_BITS{1'b0}} && !core_in_valid)
                active_reg <= bist_mode;
            if (bist_push && active_reg)
                push_reg <= 1'b1;
            else if (accept)
                push_reg <= 1'b0;
            result_reg <= emit && active_reg;
            if (emit && active_reg) begin
                res_class_reg <= core_class;
                res_scores_reg <= core_scores;
            end
        end
    end
    assign bist_active = active_reg;
    assign bist_result = result_reg;
    assign bist_class = res_class_reg;
    assign bist_scores = res_scores_reg;
    assign in_inc = accept && !active_reg;

    // ---- record builder ----
    reg [31:0] tag_reg;
    wire [8*REC_BYTES-1:0] rec;
    wire rec_valid = core_out_valid && !active_reg;
    assign out_inc = rec_valid && rec_ready;

    function integer score_off(input integer c);
        integer k;
        begin
            score_off = 0;
            for (k = 0; k < c; k = k + 1)
                score_off = score_off + {24'h0, SCORE_WIDTHS[8*k +: 8]};
        end
    endfunction

    assign rec[31:0] = tag_reg;
    /* verilator lint_off WIDTH */
    assign rec[63:32] = core_class;   // class index, zero-extended; bytes 6-7 zero
    /* verilator lint_on WIDTH */
    genvar c;
    generate
        if (SCORES != 0) begin : g_scores
            for (c = 0; c < N_CLASSES; c = c + 1) begin : g_class
                localparam W = SCORE_WIDTHS[8*c +: 8];
                if (W < 16) begin : g_pad
                    assign rec[64 + 16*c +: 16] = {{(16 - W){1'b0}}, core_scores[score_off(c) +: W]};
                end else begin : g_full
                    assign rec[64 + 16*c +: 16] = core_scores[score_off(c) +: 16];
                end
            end
        end
        if (8 * REC_BYTES > 8 * REC_RAW) begin : g_tail
            assign rec[8*REC_BYTES-1:8*REC_RAW] = {(8 * (REC_BYTES - REC_RAW)){1'b0}};
        end
    endgenerate

    always @(posedge clk) begin
        if (r)
            tag_reg <= 32'h0;
        else if (out_inc)
            tag_reg <= tag_reg + 32'h1;
    end

    // ---- serialiser -> skid -> m_axis ----
    wire [MW-1:0] ser_tdata;
    wire          ser_tlast, ser_tvalid, ser_tready;
    /* verilator lint_off PINCONNECTEMPTY */
    nlut_shell_ser #(.M_BYTES(M_BYTES), .REC_BYTES(REC_BYTES)) u_ser (
        .clk(clk), .rst(r),
        .rec_data(rec), .rec_valid(rec_valid), .rec_ready(rec_ready),
        .m_axis_tdata(ser_tdata), .m_axis_tlast(ser_tlast),
        .m_axis_tvalid(ser_tvalid), .m_axis_tready(ser_tready),
        .rec_done()
    );
    /* verilator lint_on PINCONNECTEMPTY */
    nlut_axis_skid #(.DATA_WIDTH(MW)) u_out_skid (
        .clk(clk), .rst(r),
        .s_axis_tdata(ser_tdata), .s_axis_tlast(ser_tlast),
        .s_axis_tvalid(ser_tvalid), .s_axis_tready(ser_tready),
        .m_axis_tdata(m_axis_tdata), .m_axis_tlast(m_axis_tlast),
        .m_axis_tvalid(m_axis_tvalid), .m_axis_tready(m_axis_tready)
    );
    assign stall_inc = m_axis_tvalid && !m_axis_tready;

    // ---- output check: the tag of every record leaving m_axis must be the
    // count of records that left before it (ERRORS.SEQ otherwise) ----
    reg [31:0] seen_reg;
    reg        first_reg;
    reg        seq_err_reg;
    wire beat = m_axis_tvalid && m_axis_tready;
    always @(posedge clk) begin
        if (r) begin
            seen_reg <= 32'h0;
            first_reg <= 1'b1;
            seq_err_reg <= 1'b0;
        end else begin
            seq_err_reg <= beat && first_reg && m_axis_tdata[31:0] != seen_reg;
            if (beat) begin
                first_reg <= m_axis_tlast;
                if (m_axis_tlast)
                    seen_reg <= seen_reg + 32'h1;
            end
        end
    end
    assign seq_err = seq_err_reg;

    assign empty = infl_reg == {INFL_BITS{1'b0}} && !vec_valid && !ser_tvalid && !m_axis_tvalid;

endmodule

`default_nettype wire
