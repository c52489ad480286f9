// nlut_axi_writer.v - AXI4 write master that stores an AXI4-Stream into a
// block of memory (docs/vitis-kernel.md): INCR bursts of at most MAX_BURST
// beats that never cross a MAX_BURST-beat boundary (so never a 4 KiB one),
// each committed only once all its beats are in the FIFO, so WVALID never
// drops inside a burst; up to MAX_OUTSTANDING bursts without a response.
// WVALID does not wait for AWREADY. `done` pulses when the last burst's
// write response has come back: the data is then in memory.
`default_nettype none

module nlut_axi_writer #(
    parameter DATA_BYTES      = 64,  // beat bytes (power of two)
    parameter ADDR_WIDTH      = 64,  // byte address bits
    parameter LEN_WIDTH       = 40,  // bits of the beat count
    parameter MAX_BURST       = 64,  // beats per burst (power of two, <= 256, <= 4096 bytes)
    parameter MAX_OUTSTANDING = 8,   // bursts awaiting their response
    parameter FIFO_ADDR_BITS  = 8    // log2 of the FIFO depth in beats (> log2 MAX_BURST)
) (
    input  wire                    clk,
    input  wire                    rst,

    // One block per start: start_beats beats to start_addr (DATA_BYTES-aligned).
    input  wire                    start,
    input  wire [ADDR_WIDTH-1:0]   start_addr,
    input  wire [LEN_WIDTH-1:0]    start_beats,
    output wire                    busy,      // from start until the last response
    output wire                    done,      // one cycle: the block is written
    output wire                    wr_error,  // a burst answered SLVERR/DECERR since start

    input  wire [8*DATA_BYTES-1:0] s_axis_tdata,
    input  wire                    s_axis_tvalid,
    output wire                    s_axis_tready,

    output wire [ADDR_WIDTH-1:0]   m_axi_awaddr,
    output wire [7:0]              m_axi_awlen,
    output wire                    m_axi_awvalid,
    input  wire                    m_axi_awready,
    output wire [8*DATA_BYTES-1:0] m_axi_wdata,
    output wire [DATA_BYTES-1:0]   m_axi_wstrb,
    output wire                    m_axi_wlast,
    output wire                    m_axi_wvalid,
    input  wire                    m_axi_wready,
    input  wire [1:0]              m_axi_bresp,
    input  wire                    m_axi_bvalid,
    output wire                    m_axi_bready
);

    localparam BEAT_BITS  = $clog2(DATA_BYTES);
    localparam BURST_BITS = $clog2(MAX_BURST);
    localparam OUT_BITS   = $clog2(MAX_OUTSTANDING + 1);
    localparam Q_BITS     = $clog2(MAX_OUTSTANDING) < 1 ? 1 : $clog2(MAX_OUTSTANDING);

    reg [ADDR_WIDTH-1:0]   addr_reg;        // next burst's address
    reg [LEN_WIDTH-1:0]    commit_left_reg; // beats not yet in a committed burst
    reg [FIFO_ADDR_BITS:0] avail_reg;       // FIFO beats not yet in a committed burst
    reg [OUT_BITS-1:0]     outstanding_reg; // committed bursts without a response
    reg                    awvalid_reg;
    reg [ADDR_WIDTH-1:0]   awaddr_reg;
    reg [7:0]              awlen_reg;
    reg [8:0]              wbeat_reg;       // beat within the current W burst
    reg                    busy_reg, done_reg, error_reg;

    // The burst lengths committed and not yet sent on W, oldest first.
    reg [8:0]              wq_len [0:(1<<Q_BITS)-1];
    reg [Q_BITS:0]         wq_wr_reg, wq_rd_reg;
    wire                   wq_empty = wq_wr_reg == wq_rd_reg;
    wire [8:0]             w_len = wq_len[wq_rd_reg[Q_BITS-1:0]];

    wire [BURST_BITS:0] to_boundary = MAX_BURST[BURST_BITS:0] -
                                      {1'b0, addr_reg[BEAT_BITS +: BURST_BITS]};
    wire [BURST_BITS:0] burst = commit_left_reg < {{(LEN_WIDTH-BURST_BITS-1){1'b0}}, to_boundary}
                                ? commit_left_reg[BURST_BITS:0] : to_boundary;
    wire [FIFO_ADDR_BITS:0] burst_w = {{(FIFO_ADDR_BITS-BURST_BITS){1'b0}}, burst};
    // Zero-extended to AXI's 8-bit length (MAX_BURST may be 256).
    /* verilator lint_off WIDTH */
    wire [8:0] burst9 = burst;
    /* verilator lint_on WIDTH */
    wire [8:0] awlen9 = burst9 - 9'd1;
    // outstanding_reg bounds the W queue too: a burst leaves it before its response.
    wire commit = busy_reg && commit_left_reg != {LEN_WIDTH{1'b0}} && avail_reg >= burst_w &&
                  (!awvalid_reg || m_axi_awready) &&
                  outstanding_reg < MAX_OUTSTANDING[OUT_BITS-1:0];

    wire [8*DATA_BYTES-1:0] fifo_data;
    wire fifo_valid, fifo_ready;
    wire in_take = s_axis_tvalid && s_axis_tready;
    wire w_take = m_axi_wvalid && m_axi_wready;
    wire b_take = m_axi_bvalid && m_axi_bready;

    assign busy = busy_reg;
    assign done = done_reg;
    assign wr_error = error_reg;
    assign m_axi_awaddr = awaddr_reg;
    assign m_axi_awlen = awlen_reg;
    assign m_axi_awvalid = awvalid_reg;
    assign m_axi_wdata = fifo_data;
    assign m_axi_wstrb = {DATA_BYTES{1'b1}};
    assign m_axi_wlast = wbeat_reg == w_len;
    assign m_axi_wvalid = !wq_empty && fifo_valid;
    assign fifo_ready = !wq_empty && m_axi_wready;
    assign m_axi_bready = 1'b1;

    // Beats are only taken while a block is being written.
    wire fifo_in_ready;
    assign s_axis_tready = busy_reg && fifo_in_ready;

    /* verilator lint_off PINCONNECTEMPTY */
    nlut_axis_fifo #(.DATA_WIDTH(8 * DATA_BYTES), .ADDR_BITS(FIFO_ADDR_BITS)) u_fifo (
        .clk(clk), .rst(rst),
        .s_axis_tdata(s_axis_tdata), .s_axis_tlast(1'b0), .s_axis_tvalid(s_axis_tvalid && busy_reg),
        .s_axis_tready(fifo_in_ready),
        .m_axis_tdata(fifo_data), .m_axis_tlast(), .m_axis_tvalid(fifo_valid),
        .m_axis_tready(fifo_ready), .level()
    );
    /* verilator lint_on PINCONNECTEMPTY */

    // The address's bits below a beat and BRESP's EXOKAY bit carry nothing here.
    wire unused = &{1'b0, start_addr[BEAT_BITS-1:0], m_axi_bresp[0], awlen9[8]};

    always @(posedge clk) begin
        done_reg <= 1'b0;
        if (start && !busy_reg) begin
            addr_reg <= {start_addr[ADDR_WIDTH-1:BEAT_BITS], {BEAT_BITS{1'b0}}};
            commit_left_reg <= start_beats;
            busy_reg <= 1'b1;
            error_reg <= 1'b0;
        end
        if (m_axi_awready)
            awvalid_reg <= 1'b0;
        if (commit) begin
            awvalid_reg <= 1'b1;
            awaddr_reg <= addr_reg;
            awlen_reg <= awlen9[7:0];
            addr_reg <= addr_reg + ({{(ADDR_WIDTH-BURST_BITS-1){1'b0}}, burst} << BEAT_BITS);
            commit_left_reg <= commit_left_reg - {{(LEN_WIDTH-BURST_BITS-1){1'b0}}, burst};
            wq_len[wq_wr_reg[Q_BITS-1:0]] <= awlen9;
            wq_wr_reg <= wq_wr_reg + 1'b1;
        end
        avail_reg <= avail_reg + {{FIFO_ADDR_BITS{1'b0}}, in_take}
                     - (commit ? burst_w : {(FIFO_ADDR_BITS+1){1'b0}});
        if (w_take) begin
            wbeat_reg <= m_axi_wlast ? 9'd0 : wbeat_reg + 9'd1;
            if (m_axi_wlast)
                wq_rd_reg <= wq_rd_reg + 1'b1;
        end
        outstanding_reg <= outstanding_reg + {{(OUT_BITS-1){1'b0}}, commit}
                           - {{(OUT_BITS-1){1'b0}}, b_take};
        if (b_take && m_axi_bresp[1])
            error_reg <= 1'b1;
        // The last response of the block (or a block of no beats).
        if (busy_reg && commit_left_reg == {LEN_WIDTH{1'b0}} && !awvalid_reg &&
            (outstanding_reg == {OUT_BITS{1'b0}} ||
             (outstanding_reg == {{(OUT_BITS-1){1'b0}}, 1'b1} && b_take))) begin
            busy_reg <= 1'b0;
            done_reg <= 1'b1;
        end
        if (rst) begin
            busy_reg <= 1'b0;
            done_reg <= 1'b0;
            error_reg <= 1'b0;
            awvalid_reg <= 1'b0;
            avail_reg <= {(FIFO_ADDR_BITS+1){1'b0}};
            outstanding_reg <= {OUT_BITS{1'b0}};
            commit_left_reg <= {LEN_WIDTH{1'b0}};
            wbeat_reg <= 9'd0;
            wq_wr_reg <= {(Q_BITS+1){1'b0}};
            wq_rd_reg <= {(Q_BITS+1){1'b0}};
        end
    end

endmodule

`default_nettype wire
