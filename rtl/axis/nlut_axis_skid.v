// nlut_axis_skid.v - AXI4-Stream register slice with a skid register: full
// throughput, registered tready, never drops or duplicates a beat.
`default_nettype none

module nlut_axis_skid #(
    parameter DATA_WIDTH = 64  // TDATA bits
) (
    input  wire                  clk,
    input  wire                  rst,

    input  wire [DATA_WIDTH-1:0] s_axis_tdata,
    input  wire                  s_axis_tlast,
    input  wire                  s_axis_tvalid,
    output wire                  s_axis_tready,

    output wire [DATA_WIDTH-1:0] m_axis_tdata,
    output wire                  m_axis_tlast,
    output wire                  m_axis_tvalid,
    input  wire                  m_axis_tready
);

    reg [DATA_WIDTH-1:0] out_data_reg, out_data_next;
    reg                  out_last_reg, out_last_next;
    reg                  out_valid_reg, out_valid_next;
    reg [DATA_WIDTH-1:0] skid_data_reg, skid_data_next;
    reg                  skid_last_reg, skid_last_next;
    reg                  skid_valid_reg, skid_valid_next;

    // Ready depends on a register only: the skid holds the beat that
    // arrives in the cycle the output stalls.
    assign s_axis_tready = !skid_valid_reg;
    assign m_axis_tdata  = out_data_reg;
    assign m_axis_tlast  = out_last_reg;
    assign m_axis_tvalid = out_valid_reg;

    always @* begin
        out_data_next   = out_data_reg;
        out_last_next   = out_last_reg;
        out_valid_next  = out_valid_reg;
        skid_data_next  = skid_data_reg;
        skid_last_next  = skid_last_reg;
        skid_valid_next = skid_valid_reg;
        if (m_axis_tready || !out_valid_reg) begin
            if (skid_valid_reg) begin
                out_data_next   = skid_data_reg;
                out_last_next   = skid_last_reg;
                out_valid_next  = 1'b1;
                skid_valid_next = 1'b0;
            end else begin
                out_data_next  = s_axis_tdata;
                out_last_next  = s_axis_tlast;
                out_valid_next = s_axis_tvalid;
            end
        end else if (s_axis_tvalid && !skid_valid_reg) begin
            skid_data_next  = s_axis_tdata;
            skid_last_next  = s_axis_tlast;
            skid_valid_next = 1'b1;
        end
    end

    always @(posedge clk) begin
        out_data_reg   <= out_data_next;
        out_last_reg   <= out_last_next;
        skid_data_reg  <= skid_data_next;
        skid_last_reg  <= skid_last_next;
        out_valid_reg  <= out_valid_next;
        skid_valid_reg <= skid_valid_next;
        if (rst) begin
            out_valid_reg  <= 1'b0;
            skid_valid_reg <= 1'b0;
        end
    end

endmodule

`default_nettype wire
