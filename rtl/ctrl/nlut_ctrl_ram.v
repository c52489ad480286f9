// nlut_ctrl_ram.v - controller boot RAM: single-port, byte-writable, one wait state, preloaded by $readmemh.
// Small parts (docs/ice40.md) set LO_BITS: the lower half of the address space is then a block of
// 2**LO_BITS bytes (the firmware, INIT_FILE) and the upper half one of 2**HI_BITS bytes (the self-test
// data, INIT_FILE_HI), each repeated across its half, so only the bytes in use cost block RAM.

`default_nettype none

module nlut_ctrl_ram #(
    parameter integer ADDR_BITS = 14,  // byte address bits: 2**ADDR_BITS bytes of RAM
    parameter         INIT_FILE = "",  // $readmemh image, one 32-bit word per line from the RAM base (ctrl_elf2hex)
    parameter integer LO_BITS   = 0,   // 0: one RAM of 2**ADDR_BITS bytes; else the split RAM above
    parameter integer HI_BITS   = 2,
    parameter         INIT_FILE_HI = ""
) (
    input  wire                 clk,
    input  wire                 rst,

    // Bus slave: request held until ready, which comes the cycle after valid.
    input  wire                 s_valid,
    input  wire [ADDR_BITS-1:2] s_addr,
    input  wire                 s_write,
    input  wire [3:0]           s_wstrb,
    input  wire [31:0]          s_wdata,
    output wire                 s_ready,
    output wire [31:0]          s_rdata
);

    reg [31:0] rdata_reg;
    reg        ready_reg, ready_next;

    always @* ready_next = s_valid && !ready_reg;

    // The one RAM (LO_BITS 0), at module scope: the simulation harnesses load programs straight into
    // this array. One word when the split RAM is used instead.
    localparam integer WORDS = LO_BITS == 0 ? 1 << (ADDR_BITS - 2) : 1;
    localparam integer WA    = LO_BITS == 0 ? ADDR_BITS - 2 : 1;

    // Block RAM (yosys 0.23 otherwise tries distributed RAM and fails).
    (* ram_style = "block" *)
    reg [31:0] mem [0:WORDS-1] /* verilator public_flat_rw */;
    reg [31:0] one_q;
    wire [WA-1:0] one_a = LO_BITS == 0 ? s_addr[WA+1:2] : {WA{1'b0}};

    initial begin
        if (LO_BITS == 0 && INIT_FILE != "") $readmemh(INIT_FILE, mem);
    end

    // Read-first block RAM with byte enables.
    always @(posedge clk) begin
        if (LO_BITS == 0 && ready_next) begin
            if (s_write && s_wstrb[0]) mem[one_a][7:0] <= s_wdata[7:0];
            if (s_write && s_wstrb[1]) mem[one_a][15:8] <= s_wdata[15:8];
            if (s_write && s_wstrb[2]) mem[one_a][23:16] <= s_wdata[23:16];
            if (s_write && s_wstrb[3]) mem[one_a][31:24] <= s_wdata[31:24];
            one_q <= mem[one_a];
        end
    end

    generate
    if (LO_BITS == 0) begin : g_one
        always @* rdata_reg = one_q;
    end else begin : g_split
        /* verilator lint_off UNUSEDSIGNAL */
        wire unused_one = &{1'b0, one_q};
        /* verilator lint_on UNUSEDSIGNAL */
        (* ram_style = "block" *)
        reg [31:0] lo [0:(1 << (LO_BITS - 2)) - 1];
        (* ram_style = "block" *)
        reg [31:0] hi [0:(1 << (HI_BITS - 2)) - 1];
        reg [31:0] lo_q, hi_q;
        reg        sel_hi;
        wire       is_hi = s_addr[ADDR_BITS-1];
        wire [LO_BITS-3:0] lo_a = s_addr[LO_BITS-1:2];
        wire [HI_BITS-3:0] hi_a = s_addr[HI_BITS-1:2];

        initial begin
            if (INIT_FILE != "") $readmemh(INIT_FILE, lo);
            if (INIT_FILE_HI != "") $readmemh(INIT_FILE_HI, hi);
        end

        always @(posedge clk) begin
            if (ready_next && !is_hi) begin
                if (s_write && s_wstrb[0]) lo[lo_a][7:0] <= s_wdata[7:0];
                if (s_write && s_wstrb[1]) lo[lo_a][15:8] <= s_wdata[15:8];
                if (s_write && s_wstrb[2]) lo[lo_a][23:16] <= s_wdata[23:16];
                if (s_write && s_wstrb[3]) lo[lo_a][31:24] <= s_wdata[31:24];
            end
            if (ready_next && is_hi) begin
                if (s_write && s_wstrb[0]) hi[hi_a][7:0] <= s_wdata[7:0];
                if (s_write && s_wstrb[1]) hi[hi_a][15:8] <= s_wdata[15:8];
                if (s_write && s_wstrb[2]) hi[hi_a][23:16] <= s_wdata[23:16];
                if (s_write && s_wstrb[3]) hi[hi_a][31:24] <= s_wdata[31:24];
            end
            lo_q <= lo[lo_a];
            hi_q <= hi[hi_a];
            if (ready_next) sel_hi <= is_hi;
        end

        always @* rdata_reg = sel_hi ? hi_q : lo_q;
    end
    endgenerate

    always @(posedge clk) begin
        if (rst) ready_reg <= 1'b0;
        else ready_reg <= ready_next;
    end

    assign s_ready = ready_reg;
    assign s_rdata = rdata_reg;

endmodule

`default_nettype wire
