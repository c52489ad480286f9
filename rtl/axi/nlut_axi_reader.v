// nlut_axi_reader.v - AXI4 read master that streams a block of memory out as
// an AXI4-Stream (docs/vitis-kernel.md): INCR bursts of at most MAX_BURST
// beats that never cross a MAX_BURST-beat boundary (so never a 4 KiB one),
// up to MAX_OUTSTANDING bursts in flight, each issued only when the FIFO has
// room for all of its beats, so RREADY never drops. TLAST marks every
// rec_beats-th beat.
`default_nettype none

module nlut_axi_reader #(
    parameter DATA_BYTES      = 64,  // beat bytes (power of two)
    parameter ADDR_WIDTH      = 64,  // byte address bits
    parameter LEN_WIDTH       = 40,  // bits of the beat count
    parameter MAX_BURST       = 64,  // beats per burst (power of two, <= 256, <= 4096 bytes)
    parameter MAX_OUTSTANDING = 8,   // bursts in flight
    parameter FIFO_ADDR_BITS  = 9    // log2 of the FIFO depth in beats (> log2 MAX_BURST)
) (
    input  wire                    clk,
    input  wire                    rst,

    // One block per start: start_beats beats from start_addr (DATA_BYTES-aligned).
    input  wire                    start,
    input  wire [ADDR_WIDTH-1:0]   start_addr,
    input  wire [LEN_WIDTH-1:0]    start_beats,
    input  wire [15:0]             rec_beats,   // TLAST every rec_beats beats (>= 1)
    output wire                    busy,        // from start until the last beat left m_axis
    output wire                    rd_error,    // a burst answered SLVERR/DECERR since start

    output wire [ADDR_WIDTH-1:0]   m_axi_araddr,
    output wire [7:0]              m_axi_arlen,
    output wire                    m_axi_arvalid,
    input  wire                    m_axi_arready,
    input  wire [8*DATA_BYTES-1:0] m_axi_rdata,
    input  wire [1:0]              m_axi_rresp,
    input  wire                    m_axi_rlast,
    input  wire                    m_axi_rvalid,
    output wire                    m_axi_rready,

    output wire [8*DATA_BYTES-1:0] m_axis_tdata,
    output wire                    m_axis_tlast,
    output wire                    m_axis_tvalid,
    input  wire                    m_axis_tready
);

    localparam BEAT_BITS  = $clog2(DATA_BYTES);
    localparam BURST_BITS = $clog2(MAX_BURST);
    localparam DEPTH      = 1 << FIFO_ADDR_BITS;
    localparam OUT_BITS   = $clog2(MAX_OUTSTANDING + 1);

    // The address's bits below a beat and RRESP's EXOKAY bit carry nothing here.
    wire unused = &{1'b0, start_addr[BEAT_BITS-1:0], m_axi_rresp[0], arlen9[8]};

    reg [ADDR_WIDTH-1:0] addr_reg;        // next burst's address
    reg [LEN_WIDTH-1:0]  req_left_reg;    // beats not yet requested
    reg [LEN_WIDTH-1:0]  out_left_reg;    // beats not yet out of m_axis
    reg [FIFO_ADDR_BITS:0] reserved_reg;  // FIFO beats stored or requested
    reg [OUT_BITS-1:0]   outstanding_reg; // bursts requested, last beat not back
    reg                  arvalid_reg;
    reg [ADDR_WIDTH-1:0] araddr_reg;
    reg [7:0]            arlen_reg;
    reg [15:0]           rec_beats_reg, rec_pos_reg;
    reg                  busy_reg, error_reg;

    // Beats to the next MAX_BURST-aligned boundary, then the shorter of
    // that, MAX_BURST and what is left.
    wire [BURST_BITS:0] to_boundary = MAX_BURST[BURST_BITS:0] -
                                      {1'b0, addr_reg[BEAT_BITS +: BURST_BITS]};
    wire [BURST_BITS:0] burst = req_left_reg < {{(LEN_WIDTH-BURST_BITS-1){1'b0}}, to_boundary}
                                ? req_left_reg[BURST_BITS:0] : to_boundary;
    wire [FIFO_ADDR_BITS:0] burst_w = {{(FIFO_ADDR_BITS-BURST_BITS){1'b0}}, burst};
    wire [FIFO_ADDR_BITS+1:0] after = {1'b0, reserved_reg} + {1'b0, burst_w};
    wire room = after <= DEPTH[FIFO_ADDR_BITS+1:0];
    // Zero-extended to AXI's 8-bit length (MAX_BURST may be 256).
    /* verilator lint_off WIDTH */
    wire [8:0] burst9 = burst;
    /* verilator lint_on WIDTH */
    wire [8:0] arlen9 = burst9 - 9'd1;
    wire issue = busy_reg && req_left_reg != {LEN_WIDTH{1'b0}} && (!arvalid_reg || m_axi_arready) && room &&
                 outstanding_reg < MAX_OUTSTANDING[OUT_BITS-1:0];

    wire [8*DATA_BYTES-1:0] fifo_data;
    wire fifo_valid, fifo_ready;
    wire r_take = m_axi_rvalid && m_axi_rready;
    wire out_take = m_axis_tvalid && m_axis_tready;
    wire burst_back = r_take && m_axi_rlast;

    assign busy = busy_reg;
    assign rd_error = error_reg;
    assign m_axi_araddr = araddr_reg;
    assign m_axi_arlen = arlen_reg;
    assign m_axi_arvalid = arvalid_reg;
    assign m_axis_tdata = fifo_data;
    assign m_axis_tvalid = fifo_valid;
    assign fifo_ready = m_axis_tready;
    assign m_axis_tlast = rec_pos_reg == rec_beats_reg - 16'd1;

    /* verilator lint_off PINCONNECTEMPTY */
    nlut_axis_fifo #(.DATA_WIDTH(8 * DATA_BYTES), .ADDR_BITS(FIFO_ADDR_BITS)) u_fifo (
        .clk(clk), .rst(rst),
        .s_axis_tdata(m_axi_rdata), .s_axis_tlast(1'b0), .s_axis_tvalid(m_axi_rvalid),
        .s_axis_tready(m_axi_rready),
        .m_axis_tdata(fifo_data), .m_axis_tlast(), .m_axis_tvalid(fifo_valid),
        .m_axis_tready(fifo_ready), .level()
    );
    /* verilator lint_on PINCONNECTEMPTY */

    always @(posedge clk) begin
        if (start && !busy_reg) begin
            addr_reg <= {start_addr[ADDR_WIDTH-1:BEAT_BITS], {BEAT_BITS{1'b0}}};
            req_left_reg <= start_beats;
            out_left_reg <= start_beats;
            rec_beats_reg <= rec_beats == 16'd0 ? 16'd1 : rec_beats;
            rec_pos_reg <= 16'd0;
            busy_reg <= start_beats != {LEN_WIDTH{1'b0}};
            error_reg <= 1'b0;
        end
        if (m_axi_arready)
            arvalid_reg <= 1'b0;
        if (issue) begin
            arvalid_reg <= 1'b1;
            araddr_reg <= addr_reg;
            arlen_reg <= arlen9[7:0];
            addr_reg <= addr_reg + ({{(ADDR_WIDTH-BURST_BITS-1){1'b0}}, burst} << BEAT_BITS);
            req_left_reg <= req_left_reg - {{(LEN_WIDTH-BURST_BITS-1){1'b0}}, burst};
        end
        reserved_reg <= reserved_reg + (issue ? burst_w : {(FIFO_ADDR_BITS+1){1'b0}})
                        - {{FIFO_ADDR_BITS{1'b0}}, out_take};
        outstanding_reg <= outstanding_reg + {{(OUT_BITS-1){1'b0}}, issue}
                           - {{(OUT_BITS-1){1'b0}}, burst_back};
        if (r_take && m_axi_rresp[1])
            error_reg <= 1'b1;
        if (out_take) begin
            rec_pos_reg <= m_axis_tlast ? 16'd0 : rec_pos_reg + 16'd1;
            out_left_reg <= out_left_reg - 1'b1;
            if (out_left_reg == {{(LEN_WIDTH-1){1'b0}}, 1'b1})
                busy_reg <= 1'b0;
        end
        if (rst) begin
            busy_reg <= 1'b0;
            arvalid_reg <= 1'b0;
            reserved_reg <= {(FIFO_ADDR_BITS+1){1'b0}};
            outstanding_reg <= {OUT_BITS{1'b0}};
            error_reg <= 1'b0;
            rec_pos_reg <= 16'd0;
            rec_beats_reg <= 16'd1;
            req_left_reg <= {LEN_WIDTH{1'b0}};
            out_left_reg <= {LEN_WIDTH{1'b0}};
        end
    end

endmodule

`default_nettype wire
