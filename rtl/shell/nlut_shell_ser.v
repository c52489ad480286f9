// nlut_shell_ser.v - sends one result record (docs/stream-format.md) as
// M_BYTES-wide beats, low bytes first, TLAST on the last beat.
`default_nettype none

module nlut_shell_ser #(
    parameter M_BYTES   = 8,   // output beat width in bytes (4, 8 or 64)
    parameter REC_BYTES = 24   // record bytes, a multiple of M_BYTES
) (
    input  wire                   clk,
    input  wire                   rst,

    input  wire [8*REC_BYTES-1:0] rec_data,
    input  wire                   rec_valid,
    output wire                   rec_ready,

    output wire [8*M_BYTES-1:0]   m_axis_tdata,
    output wire                   m_axis_tlast,
    output wire                   m_axis_tvalid,
    input  wire                   m_axis_tready,

    output wire                   rec_done     // pulse: a record's last beat left
);

    localparam MW = 8 * M_BYTES;
    localparam BEATS = REC_BYTES / M_BYTES;
    localparam CW = BEATS > 1 ? $clog2(BEATS) : 1;
    /* verilator lint_off WIDTH */
    // BEATS - 1 always fits CW bits; the 32-bit constant is truncated on purpose.
    localparam [CW-1:0] LAST = BEATS - 1;
    /* verilator lint_on WIDTH */

    reg [8*REC_BYTES-1:0] rec_reg, rec_next;
    reg [CW-1:0]          cnt_reg, cnt_next;
    reg                   busy_reg, busy_next;

    wire beat_out = busy_reg && m_axis_tready;
    wire last_out = beat_out && cnt_reg == LAST;

    // A new record is taken as the previous one's last beat leaves.
    assign rec_ready = !busy_reg || last_out;
    assign m_axis_tdata = rec_reg[MW-1:0];
    assign m_axis_tlast = cnt_reg == LAST;
    assign m_axis_tvalid = busy_reg;
    assign rec_done = last_out;

    always @* begin
        rec_next = rec_reg;
        cnt_next = cnt_reg;
        busy_next = busy_reg;
        if (beat_out) begin
            cnt_next = cnt_reg + 1'b1;
            rec_next = rec_reg >> MW;
            if (cnt_reg == LAST)
                busy_next = 1'b0;
        end
        if (rec_valid && rec_ready) begin
            rec_next = rec_data;
            cnt_next = {CW{1'b0}};
            busy_next = 1'b1;
        end
    end

    always @(posedge clk) begin
        rec_reg <= rec_next;
        cnt_reg <= cnt_next;
        busy_reg <= busy_next;
        if (rst) begin
            cnt_reg <= {CW{1'b0}};
            busy_reg <= 1'b0;
        end
    end

endmodule

`default_nettype wire
