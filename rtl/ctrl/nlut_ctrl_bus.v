// nlut_ctrl_bus.v - controller address decoder: boot RAM, timer, register-block port; anything else is a bus error.
//
// Memory map (docs/controller.md):
//   0x0200_0000 - 0x0200_FFFF  machine timer (CLINT layout)
//   0x1000_0000 - 0x1000_0000 + 2**EXT_ADDR_BITS - 1  register block and mailbox (m_ext_*)
//   0x8000_0000 - 0x8000_0000 + 2**RAM_ADDR_BITS - 1  boot RAM, the only executable region
// The CPU holds a request until ready, so the decode is combinational and holds no state.

`default_nettype none

module nlut_ctrl_bus #(
    parameter integer RAM_ADDR_BITS = 14,  // boot RAM size, 2**RAM_ADDR_BITS bytes
    parameter integer EXT_ADDR_BITS = 12   // register-block window, 2**EXT_ADDR_BITS bytes
) (
    // From the CPU.
    input  wire                     s_valid,
    input  wire                     s_instr,
    input  wire [31:0]              s_addr,
    input  wire                     s_write,
    input  wire [3:0]               s_wstrb,
    input  wire [31:0]              s_wdata,
    output reg                      s_ready,
    output reg  [31:0]              s_rdata,
    output reg                      s_err,

    // Boot RAM.
    output wire                     m_ram_valid,
    output wire [RAM_ADDR_BITS-1:2] m_ram_addr,
    input  wire                     m_ram_ready,
    input  wire [31:0]              m_ram_rdata,

    // Timer.
    output wire                     m_tmr_valid,
    output wire [15:2]              m_tmr_addr,
    input  wire                     m_tmr_ready,
    input  wire [31:0]              m_tmr_rdata,

    // Register block and mailbox: byte address, 32-bit data.
    output wire                     m_ext_valid,
    output wire [EXT_ADDR_BITS-1:0] m_ext_addr,
    input  wire                     m_ext_ready,
    input  wire [31:0]              m_ext_rdata,
    input  wire                     m_ext_err,

    // Shared write fields of every slave.
    output wire                     m_write,
    output wire [3:0]               m_wstrb,
    output wire [31:0]              m_wdata
);

    localparam [31:0] RAM_BASE = 32'h8000_0000;
    localparam [31:0] TMR_BASE = 32'h0200_0000;
    localparam [31:0] EXT_BASE = 32'h1000_0000;

    wire sel_ram = s_addr[31:RAM_ADDR_BITS] == RAM_BASE[31:RAM_ADDR_BITS];
    wire sel_tmr = !s_instr && s_addr[31:16] == TMR_BASE[31:16];
    wire sel_ext = !s_instr && s_addr[31:EXT_ADDR_BITS] == EXT_BASE[31:EXT_ADDR_BITS];

    assign m_ram_valid = s_valid && sel_ram;
    assign m_ram_addr = s_addr[RAM_ADDR_BITS-1:2];
    assign m_tmr_valid = s_valid && sel_tmr;
    assign m_tmr_addr = s_addr[15:2];
    assign m_ext_valid = s_valid && sel_ext;
    assign m_ext_addr = s_addr[EXT_ADDR_BITS-1:0];
    assign m_write = s_write;
    assign m_wstrb = s_wstrb;
    assign m_wdata = s_wdata;

    always @* begin
        if (sel_ram) begin
            s_ready = m_ram_ready;
            s_rdata = m_ram_rdata;
            s_err = 1'b0;
        end else if (sel_tmr) begin
            s_ready = m_tmr_ready;
            s_rdata = m_tmr_rdata;
            s_err = 1'b0;
        end else if (sel_ext) begin
            s_ready = m_ext_ready;
            s_rdata = m_ext_rdata;
            s_err = m_ext_err;
        end else begin
            // Unmapped (or a fetch outside RAM): fail at once, the CPU takes an access fault.
            s_ready = s_valid;
            s_rdata = 32'd0;
            s_err = 1'b1;
        end
    end

endmodule

`default_nettype wire
