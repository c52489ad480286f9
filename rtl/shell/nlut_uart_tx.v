// nlut_uart_tx.v - UART transmitter, 8N1, LSB first; takes a byte whenever ready is high.
`default_nettype none

module nlut_uart_tx #(
    parameter integer CLKS_PER_BIT = 12
) (
    input  wire       clk,
    input  wire       rst,
    input  wire [7:0] data,
    input  wire       valid,
    output wire       ready,
    output wire       txd                   // the line, idle high
);

    localparam integer CW = $clog2(CLKS_PER_BIT);
    localparam integer  FULL_I = CLKS_PER_BIT - 1;
    localparam [CW-1:0] FULL = FULL_I[CW-1:0];

    reg [8:0]    shift_reg;                 // stop bit and data, sent from bit 0 after the start bit
    reg [3:0]    left_reg;                  // bit times still to send
    reg [CW-1:0] cnt_reg;
    reg          txd_reg;

    assign ready = left_reg == 4'd0;
    assign txd   = txd_reg;

    always @(posedge clk) begin
        if (rst) begin
            left_reg <= 4'd0;
            cnt_reg  <= 0;
            txd_reg  <= 1'b1;
        end else if (left_reg == 4'd0) begin
            if (valid) begin
                shift_reg <= {1'b1, data};
                left_reg  <= 4'd10;
                cnt_reg   <= FULL;
                txd_reg   <= 1'b0;          // start bit
            end
        end else if (cnt_reg != 0) begin
            cnt_reg <= cnt_reg - 1'b1;
        end else begin
            txd_reg   <= shift_reg[0];
            shift_reg <= {1'b1, shift_reg[8:1]};
            cnt_reg   <= FULL;
            left_reg  <= left_reg - 1'b1;
        end
    end

endmodule

`default_nettype wire
