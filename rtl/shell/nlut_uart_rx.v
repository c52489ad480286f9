// nlut_uart_rx.v - UART receiver, 8 data bits, no parity, 1 stop bit (8N1), LSB first. The line is
// synchronised, each bit sampled in its middle; a start bit that is not low at its middle is noise
// and ignored, a byte whose stop bit is low is dropped (framing error, counted by the caller).
`default_nettype none

module nlut_uart_rx #(
    parameter integer CLKS_PER_BIT = 12     // clock cycles per bit: clock / baud rate, at least 4
) (
    input  wire       clk,
    input  wire       rst,
    input  wire       rxd,                  // the line, idle high
    output reg  [7:0] data,
    output reg        valid,                // one cycle per byte received
    output reg        frame_err             // one cycle per byte dropped for a low stop bit
);

    localparam integer CW = $clog2(CLKS_PER_BIT);
    localparam integer  HALF_I = CLKS_PER_BIT / 2 - 1;
    localparam integer  FULL_I = CLKS_PER_BIT - 1;
    localparam [CW-1:0] HALF = HALF_I[CW-1:0];
    localparam [CW-1:0] FULL = FULL_I[CW-1:0];

    reg [2:0]    sync_reg;
    reg [CW-1:0] cnt_reg;
    reg [3:0]    bit_reg;                   // 0: start bit, 1-8: data, 9: stop bit
    reg          busy_reg;
    reg [7:0]    shift_reg;

    wire line = sync_reg[2];

    always @(posedge clk) begin
        sync_reg  <= {sync_reg[1:0], rxd};
        valid     <= 1'b0;
        frame_err <= 1'b0;
        if (rst) begin
            sync_reg <= 3'b111;
            busy_reg <= 1'b0;
            cnt_reg  <= 0;
            bit_reg  <= 4'd0;
        end else if (!busy_reg) begin
            if (!line) begin                // falling edge: the middle of the start bit is half a bit on
                busy_reg <= 1'b1;
                bit_reg  <= 4'd0;
                cnt_reg  <= HALF;
            end
        end else if (cnt_reg != 0) begin
            cnt_reg <= cnt_reg - 1'b1;
        end else begin
            cnt_reg <= FULL;
            bit_reg <= bit_reg + 1'b1;
            if (bit_reg == 4'd0) begin
                if (line) busy_reg <= 1'b0;  // a glitch, not a start bit
            end else if (bit_reg <= 4'd8) begin
                shift_reg <= {line, shift_reg[7:1]};
            end else begin
                busy_reg <= 1'b0;
                if (line) begin
                    data  <= shift_reg;
                    valid <= 1'b1;
                end else begin
                    frame_err <= 1'b1;
                end
            end
        end
    end

endmodule

`default_nettype wire
