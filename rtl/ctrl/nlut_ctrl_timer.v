// nlut_ctrl_timer.v - CLINT-compatible machine timer: mtime, mtimecmp and the timer interrupt (watchdog tick).

`default_nettype none

module nlut_ctrl_timer #(
    parameter integer TICK_DIV = 1  // clock cycles per mtime tick
) (
    input  wire        clk,
    input  wire        rst,

    // Bus slave, byte offsets in the 64 KiB CLINT window; answers in the request cycle.
    // mtimecmp at 0x4000 (low) / 0x4004 (high), mtime at 0xBFF8 / 0xBFFC; other offsets read zero.
    input  wire        s_valid,
    input  wire [15:2] s_addr,
    input  wire        s_write,
    input  wire [3:0]  s_wstrb,
    input  wire [31:0] s_wdata,
    output wire        s_ready,
    output reg  [31:0] s_rdata,

    output wire        irq_timer  // mtime >= mtimecmp, the machine timer interrupt (mip.MTIP)
);

    localparam [15:2] OFF_MTIMECMP_LO = 14'h1000;  // 0x4000
    localparam [15:2] OFF_MTIMECMP_HI = 14'h1001;  // 0x4004
    localparam [15:2] OFF_MTIME_LO    = 14'h2FFE;  // 0xBFF8
    localparam [15:2] OFF_MTIME_HI    = 14'h2FFF;  // 0xBFFC
    localparam integer DIV_BITS = TICK_DIV > 1 ? $clog2(TICK_DIV) : 1;
    localparam integer DIV_LAST_INT = TICK_DIV > 1 ? TICK_DIV - 1 : 0;
    localparam [DIV_BITS-1:0] DIV_LAST = DIV_LAST_INT[DIV_BITS-1:0];

    reg [63:0]         mtime_reg, mtime_next;
    reg [63:0]         mtimecmp_reg, mtimecmp_next;
    reg [DIV_BITS-1:0] div_reg, div_next;
    reg                irq_reg;

    function [31:0] merge(input [31:0] old, input [31:0] data, input [3:0] strb);
        integer b;
        for (b = 0; b < 4; b = b + 1) merge[8*b +: 8] = strb[b] ? data[8*b +: 8] : old[8*b +: 8];
    endfunction

    wire wr = s_valid && s_write;
    wire tick = TICK_DIV <= 1 || div_reg == DIV_LAST;

    always @* begin
        div_next = tick ? {DIV_BITS{1'b0}} : div_reg + 1'b1;
        mtime_next = mtime_reg + {63'd0, tick};
        mtimecmp_next = mtimecmp_reg;
        if (wr) begin
            case (s_addr)
                OFF_MTIMECMP_LO: mtimecmp_next[31:0] = merge(mtimecmp_reg[31:0], s_wdata, s_wstrb);
                OFF_MTIMECMP_HI: mtimecmp_next[63:32] = merge(mtimecmp_reg[63:32], s_wdata, s_wstrb);
                OFF_MTIME_LO:    mtime_next[31:0] = merge(mtime_reg[31:0], s_wdata, s_wstrb);
                OFF_MTIME_HI:    mtime_next[63:32] = merge(mtime_reg[63:32], s_wdata, s_wstrb);
                default: ;
            endcase
        end
        case (s_addr)
            OFF_MTIMECMP_LO: s_rdata = mtimecmp_reg[31:0];
            OFF_MTIMECMP_HI: s_rdata = mtimecmp_reg[63:32];
            OFF_MTIME_LO:    s_rdata = mtime_reg[31:0];
            OFF_MTIME_HI:    s_rdata = mtime_reg[63:32];
            default:         s_rdata = 32'd0;
        endcase
    end

    always @(posedge clk) begin
        if (rst) begin
            mtime_reg <= 64'd0;
            mtimecmp_reg <= {64{1'b1}};  // no interrupt until software arms it
            div_reg <= {DIV_BITS{1'b0}};
            irq_reg <= 1'b0;
        end else begin
            mtime_reg <= mtime_next;
            mtimecmp_reg <= mtimecmp_next;
            div_reg <= div_next;
            irq_reg <= mtime_reg >= mtimecmp_reg;  // a cycle late: cheaper, and harmless
        end
    end

    assign s_ready = s_valid;
    assign irq_timer = irq_reg;

endmodule

`default_nettype wire
