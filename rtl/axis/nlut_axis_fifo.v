// nlut_axis_fifo.v - synchronous AXI4-Stream FIFO (first word falls through),
// with a fill level for early back-pressure.
`default_nettype none

module nlut_axis_fifo #(
    parameter DATA_WIDTH = 64,  // TDATA bits
    parameter ADDR_BITS  = 5    // log2 of the depth
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
    input  wire                  m_axis_tready,

    output wire [ADDR_BITS:0]    level      // beats stored
);

    localparam DEPTH = 1 << ADDR_BITS;

    reg [DATA_WIDTH:0] mem [0:DEPTH-1];
    reg [ADDR_BITS:0]  wr_ptr_reg, rd_ptr_reg;

    wire full  = (wr_ptr_reg[ADDR_BITS] != rd_ptr_reg[ADDR_BITS]) &&
                 (wr_ptr_reg[ADDR_BITS-1:0] == rd_ptr_reg[ADDR_BITS-1:0]);
    wire empty = wr_ptr_reg == rd_ptr_reg;
    wire push  = s_axis_tvalid && !full;
    wire pop   = m_axis_tready && !empty;

    assign s_axis_tready = !full;
    assign m_axis_tvalid = !empty;
    assign {m_axis_tlast, m_axis_tdata} = mem[rd_ptr_reg[ADDR_BITS-1:0]];
    assign level = wr_ptr_reg - rd_ptr_reg;

    always @(posedge clk) begin
        if (push)
            mem[wr_ptr_reg[ADDR_BITS-1:0]] <= {s_axis_tlast, s_axis_tdata};
        if (push)
            wr_ptr_reg <= wr_ptr_reg + 1'b1;
        if (pop)
            rd_ptr_reg <= rd_ptr_reg + 1'b1;
        if (rst) begin
            wr_ptr_reg <= {(ADDR_BITS+1){1'b0}};
            rd_ptr_reg <= {(ADDR_BITS+1){1'b0}};
        end
    end

endmodule

`default_nettype wire
