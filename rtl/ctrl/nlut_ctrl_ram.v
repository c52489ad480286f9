// nlut_ctrl_ram.v - controller boot RAM: single-port, byte-writable, one wait state, preloaded by $readmemh.

`default_nettype none

module nlut_ctrl_ram #(
    parameter integer ADDR_BITS = 14,  // byte address bits: 2**ADDR_BITS bytes of RAM
    parameter         INIT_FILE = ""   // $readmemh image, one 32-bit word per line from the RAM base (ctrl_elf2hex)
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

    localparam integer WORDS = 1 << (ADDR_BITS - 2);

    // Block RAM (yosys 0.23 otherwise tries distributed RAM and fails); the simulation harness loads
    // programs straight into this array.
    (* ram_style = "block" *)
    reg [31:0] mem [0:WORDS-1] /* verilator public_flat_rw */;
    reg [31:0] rdata_reg;
    reg        ready_reg, ready_next;

    initial begin
        if (INIT_FILE != "") $readmemh(INIT_FILE, mem);
    end

    always @* ready_next = s_valid && !ready_reg;

    // Read-first block RAM with byte enables.
    always @(posedge clk) begin
        if (ready_next) begin
            if (s_write && s_wstrb[0]) mem[s_addr][7:0] <= s_wdata[7:0];
            if (s_write && s_wstrb[1]) mem[s_addr][15:8] <= s_wdata[15:8];
            if (s_write && s_wstrb[2]) mem[s_addr][23:16] <= s_wdata[23:16];
            if (s_write && s_wstrb[3]) mem[s_addr][31:24] <= s_wdata[31:24];
            rdata_reg <= mem[s_addr];
        end
    end

    always @(posedge clk) begin
        if (rst) ready_reg <= 1'b0;
        else ready_reg <= ready_next;
    end

    assign s_ready = ready_reg;
    assign s_rdata = rdata_reg;

endmodule

`default_nettype wire
