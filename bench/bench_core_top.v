// bench_core_top - N independent copies of the generated nlut_core side by
// side in one Verilated model, for bench_core: one eval of the model moves N
// vectors. The cores are the unchanged RTL of `nlut gen`; copy i reads
// in_codes[i*IN +: IN] and drives out_scores / out_class slice i. ce and
// in_valid are shared (the bench streams without stalls).
`include "nlut_core_params.vh"
`default_nettype none

module bench_core_top #(
    parameter N = 1
) (
    input  wire                                   clk,
    input  wire                                   rst,
    input  wire                                   ce,
    input  wire                                   in_valid,
    input  wire [N*`NLUT_CORE_IN_WIDTH-1:0]       in_codes,
    output wire [N-1:0]                           out_valid,
    output wire [N*`NLUT_CORE_SCORES_WIDTH-1:0]   out_scores,
    output wire [N*`NLUT_CORE_CLASS_WIDTH-1:0]    out_class
);
    genvar i;
    generate
        for (i = 0; i < N; i = i + 1) begin : g_core
            nlut_core u_core (
                .clk(clk),
                .rst(rst),
                .ce(ce),
                .in_valid(in_valid),
                .in_codes(in_codes[i*`NLUT_CORE_IN_WIDTH +: `NLUT_CORE_IN_WIDTH]),
                .out_valid(out_valid[i]),
                .out_scores(out_scores[i*`NLUT_CORE_SCORES_WIDTH +: `NLUT_CORE_SCORES_WIDTH]),
                .out_class(out_class[i*`NLUT_CORE_CLASS_WIDTH +: `NLUT_CORE_CLASS_WIDTH])
            );
        end
    endgenerate
endmodule
`default_nettype wire
