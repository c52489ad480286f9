// nlut_async_fifo.v - a FIFO between two unrelated clocks: 2**ADDR_BITS words of DATA_WIDTH bits,
// AXI4-Stream-like ports (first word fall-through on the read side). The write and read pointers
// cross as Gray codes through two-flop synchronisers (ASYNC_REG), so one bit changes per step and
// the far side sees either the old or the new value; full and empty are computed against the
// synchronised (late) pointer, which can only make them pessimistic. s_free tells the writer how
// many words it may still write without looking at s_axis_tready (nlut_ft601_fifo needs it to
// stop a burst in time). Each side has its own synchronous reset; both must be asserted together
// (nlut_reset_sync from one source). Timing constraints: nlut_async_fifo.xdc beside this file,
// scoped to the module (SCOPED_TO_REF), bound the crossings for Vivado.
`default_nettype none

module nlut_async_fifo #(
    parameter integer DATA_WIDTH = 36,
    parameter integer ADDR_BITS  = 5
) (
    input  wire                  s_clk,
    input  wire                  s_rst,
    input  wire [DATA_WIDTH-1:0] s_axis_tdata,
    input  wire                  s_axis_tvalid,
    output wire                  s_axis_tready,
    output wire [ADDR_BITS:0]    s_free,

    input  wire                  m_clk,
    input  wire                  m_rst,
    output wire [DATA_WIDTH-1:0] m_axis_tdata,
    output wire                  m_axis_tvalid,
    input  wire                  m_axis_tready
);

    localparam integer A = ADDR_BITS;
    localparam [A:0] DEPTH = 1 << A;

    function [A:0] gray(input [A:0] b);
        gray = b ^ (b >> 1);
    endfunction
    function [A:0] bin(input [A:0] g);
        integer i;
        begin
            bin[A] = g[A];
            for (i = A - 1; i >= 0; i = i - 1)
                bin[i] = bin[i + 1] ^ g[i];
        end
    endfunction

    reg [DATA_WIDTH-1:0] mem [0:(1 << A) - 1];

    // ---------------- write side (s_clk) ----------------
    reg [A:0] wbin, wgray;
    (* ASYNC_REG = "TRUE" *) reg [A:0] rgray_sync0, rgray_sync1;
    wire [A:0] rbin_s = bin(rgray_sync1);
    wire [A:0] used   = wbin - rbin_s;
    assign s_free        = DEPTH - used;
    assign s_axis_tready = used != DEPTH;
    wire   push          = s_axis_tvalid && s_axis_tready;

    always @(posedge s_clk) begin
        if (push) mem[wbin[A-1:0]] <= s_axis_tdata;
        rgray_sync0 <= rgray;
        rgray_sync1 <= rgray_sync0;
        if (s_rst) begin
            wbin  <= 0;
            wgray <= 0;
            rgray_sync0 <= 0;
            rgray_sync1 <= 0;
        end else if (push) begin
            wbin  <= wbin + 1'b1;
            wgray <= gray(wbin + 1'b1);
        end
    end

    // ---------------- read side (m_clk) ----------------
    reg [A:0] rbin, rgray;
    (* ASYNC_REG = "TRUE" *) reg [A:0] wgray_sync0, wgray_sync1;
    assign m_axis_tvalid = rgray != wgray_sync1;
    assign m_axis_tdata  = mem[rbin[A-1:0]];
    wire   pop           = m_axis_tvalid && m_axis_tready;

    always @(posedge m_clk) begin
        wgray_sync0 <= wgray;
        wgray_sync1 <= wgray_sync0;
        if (m_rst) begin
            rbin  <= 0;
            rgray <= 0;
            wgray_sync0 <= 0;
            wgray_sync1 <= 0;
        end else if (pop) begin
            rbin  <= rbin + 1'b1;
            rgray <= gray(rbin + 1'b1);
        end
    end

endmodule

`default_nettype wire
