// nlut_core_lanes - N lanes of the generated nlut_core side by side in one
// Verilated model, for cosim_core built with LANES N (cmake/NlutCosim.cmake):
// one eval of the model moves up to N vectors, so the scheduler of the
// Verilated model is paid once per N. The cores are the unchanged RTL of
// `nlut gen`; lane i reads in_valid[i] and in_codes[i*IN +: IN] and drives
// out_valid[i] and slice i of out_scores / out_class. ce is shared (a stall
// holds every lane); a core of `nlut gen --fixed-latency` has no ce and the
// port is left unused.
`include "nlut_core_params.vh"
`default_nettype none

module nlut_core_lanes #(
    parameter N = 2  // lanes: copies of nlut_core
) (
    input  wire                                   clk,
    input  wire                                   rst,
    /* verilator lint_off UNUSEDSIGNAL */  // no ce in a fixed-latency core
    input  wire                                   ce,
    /* verilator lint_on UNUSEDSIGNAL */
    input  wire [N-1:0]                           in_valid,
    input  wire [N*`NLUT_CORE_IN_WIDTH-1:0]       in_codes,
    output wire [N-1:0]                           out_valid,
    output wire [N*`NLUT_CORE_SCORES_WIDTH-1:0]   out_scores,
    output wire [N*`NLUT_CORE_CLASS_WIDTH-1:0]    out_class
);
    genvar i;
    generate
        for (i = 0; i < N; i = i + 1) begin : g_lane
            nlut_core u_core (
                .clk(clk),
                .rst(rst),
`ifndef NLUT_CORE_FIXED_LATENCY
                .ce(ce),
`endif
                .in_valid(in_valid[i]),
                .in_codes(in_codes[i*`NLUT_CORE_IN_WIDTH +: `NLUT_CORE_IN_WIDTH]),
                .out_valid(out_valid[i]),
                .out_scores(out_scores[i*`NLUT_CORE_SCORES_WIDTH +: `NLUT_CORE_SCORES_WIDTH]),
                .out_class(out_class[i*`NLUT_CORE_CLASS_WIDTH +: `NLUT_CORE_CLASS_WIDTH])
            );
        end
    endgenerate
endmodule
`default_nettype wire
