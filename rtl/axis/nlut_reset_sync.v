// nlut_reset_sync.v - an asynchronous reset made synchronous to one clock: asserted at once
// (asynchronously), released on the STAGES-th rising edge after arst falls. Timing constraints:
// nlut_reset_sync.xdc beside this file, scoped to the module.
`default_nettype none

module nlut_reset_sync #(
    parameter integer STAGES = 3
) (
    input  wire clk,
    input  wire arst,
    output wire rst
);

    (* ASYNC_REG = "TRUE" *) reg [STAGES-1:0] sync_reg = {STAGES{1'b1}};

    always @(posedge clk or posedge arst) begin
        if (arst) sync_reg <= {STAGES{1'b1}};
        else      sync_reg <= {sync_reg[STAGES-2:0], 1'b0};
    end

    assign rst = sync_reg[STAGES-1];

endmodule

`default_nettype wire
