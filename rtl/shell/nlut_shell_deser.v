// nlut_shell_deser.v - assembles one input vector from S_BYTES-wide beats
// (docs/stream-format.md): beat 0 carries the low bits, TLAST marks the last
// beat. A misplaced TLAST raises frame_error and the beats up to and
// including the next TLAST are dropped, so a framing slip never becomes data.
`default_nettype none

module nlut_shell_deser #(
    parameter S_BYTES = 8,   // input beat width in bytes (4, 8 or 64)
    parameter IN_BITS = 64   // bits of one vector
) (
    input  wire                   clk,
    input  wire                   rst,

    input  wire [8*S_BYTES-1:0]   s_axis_tdata,
    input  wire                   s_axis_tlast,
    input  wire                   s_axis_tvalid,
    output wire                   s_axis_tready,

    output wire [IN_BITS-1:0]     vec_data,
    output wire                   vec_valid,
    input  wire                   vec_ready,

    output wire                   frame_error   // one-cycle pulse per slip
);

    localparam SW = 8 * S_BYTES;
    localparam BEATS = (IN_BITS + SW - 1) / SW;
    localparam CW = BEATS > 1 ? $clog2(BEATS) : 1;
    /* verilator lint_off WIDTH */
    // BEATS - 1 always fits CW bits; the 32-bit constant is truncated on purpose.
    localparam [CW-1:0] LAST = BEATS - 1;
    /* verilator lint_on WIDTH */

    reg [BEATS*SW-1:0] buf_reg, buf_next;
    reg [CW-1:0]       cnt_reg, cnt_next;
    reg                drop_reg, drop_next;
    reg [IN_BITS-1:0]  out_reg, out_next;
    reg                out_valid_reg, out_valid_next;
    reg                err_reg, err_next;

    wire out_free = !out_valid_reg || vec_ready;
    // The last beat of a vector waits for room in the output register.
    assign s_axis_tready = drop_reg || cnt_reg != LAST || out_free;
    assign vec_data = out_reg;
    assign vec_valid = out_valid_reg;
    assign frame_error = err_reg;

    // The new beat enters at the top; older beats move down one slot.
    wire [BEATS*SW-1:0] assembled;
    generate
        if (BEATS == 1) begin : g_one
            assign assembled = s_axis_tdata;
        end else begin : g_many
            assign assembled = {s_axis_tdata, buf_reg[BEATS*SW-1:SW]};
        end
    endgenerate

    always @* begin
        buf_next = buf_reg;
        cnt_next = cnt_reg;
        drop_next = drop_reg;
        out_next = out_reg;
        out_valid_next = out_valid_reg && !vec_ready;
        err_next = 1'b0;
        if (s_axis_tvalid && s_axis_tready) begin
            if (drop_reg) begin
                drop_next = !s_axis_tlast;
            end else if (cnt_reg == LAST) begin
                cnt_next = {CW{1'b0}};
                if (s_axis_tlast) begin
                    out_next = assembled[IN_BITS-1:0];
                    out_valid_next = 1'b1;
                end else begin
                    err_next = 1'b1;   // vector ended without TLAST
                    drop_next = 1'b1;
                end
            end else begin
                // Shift beats in from the top: after BEATS beats, beat 0
                // sits in the low bits.
                buf_next = assembled;
                if (s_axis_tlast) begin
                    err_next = 1'b1;   // TLAST before the last beat
                    cnt_next = {CW{1'b0}};
                end else begin
                    cnt_next = cnt_reg + 1'b1;
                end
            end
        end
    end

    always @(posedge clk) begin
        buf_reg <= buf_next;
        out_reg <= out_next;
        cnt_reg <= cnt_next;
        drop_reg <= drop_next;
        out_valid_reg <= out_valid_next;
        err_reg <= err_next;
        if (rst) begin
            cnt_reg <= {CW{1'b0}};
            drop_reg <= 1'b0;
            out_valid_reg <= 1'b0;
            err_reg <= 1'b0;
        end
    end

endmodule

`default_nettype wire
