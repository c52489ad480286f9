// nlut_ctrl.v - the controller: nlut_rv32i soft-core, boot RAM, machine timer and the port to the register block.

`default_nettype none

module nlut_ctrl #(
    parameter integer RAM_ADDR_BITS = 14,  // boot RAM of 2**RAM_ADDR_BITS bytes at 0x8000_0000
    parameter         RAM_INIT_FILE = "",  // firmware image for $readmemh (ctrl_elf2hex output)
    parameter integer RF_SYNC = 0,         // small parts: register file in block RAM (nlut_rv32i.v)
    parameter integer RAM_LO_BITS = 0,     // small parts: split boot RAM (nlut_ctrl_ram.v)
    parameter integer RAM_HI_BITS = 2,
    parameter         RAM_INIT_FILE_HI = "",
    parameter integer EXT_ADDR_BITS = 12,  // register-block window of 2**EXT_ADDR_BITS bytes at 0x1000_0000
    parameter integer TICK_DIV = 1         // clock cycles per mtime tick
) (
    input  wire                     clk,
    input  wire                     rst,

    // Register block and mailbox: the request (valid and its fields) holds until ready; rdata and
    // err are valid in the ready cycle, err gives the CPU an access fault. Byte address, 32-bit data.
    output wire                     m_ext_valid,
    output wire [EXT_ADDR_BITS-1:0] m_ext_addr,
    output wire                     m_ext_write,
    output wire [3:0]               m_ext_wstrb,
    output wire [31:0]              m_ext_wdata,
    input  wire                     m_ext_ready,
    input  wire [31:0]              m_ext_rdata,
    input  wire                     m_ext_err,

    input  wire                     irq_ext,  // level: mailbox doorbell (mip.MEIP)

    // Retirement trace of the CPU (nlut_rv32i); leave open outside simulation.
    output wire                     trace_valid,
    output wire                     trace_trap,
    output wire [31:0]              trace_cause,
    output wire [31:0]              trace_pc,
    output wire [31:0]              trace_insn,
    output wire [4:0]               trace_rd,
    output wire [31:0]              trace_rd_wdata,
    output wire [31:0]              trace_mem_addr,
    output wire [3:0]               trace_mem_wstrb,
    output wire [31:0]              trace_mem_wdata
);

    wire        cpu_valid, cpu_instr, cpu_write, cpu_ready, cpu_err;
    wire [31:0] cpu_addr, cpu_wdata, cpu_rdata;
    wire [3:0]  cpu_wstrb;
    wire        irq_timer;
    wire        cpu_sleep;

    // The clock of the CPU and its RAM. On hardware: clk (a sleeping CPU changes no register and
    // makes no memory request, so its logic holds still). In simulation with NLUT_SIM_GATE_CTRL
    // (nlut-sim-build defines it) the edges in which the CPU sleeps in wfi are left out, so the
    // simulation evaluates neither while the firmware waits for an event; the timer keeps clk. A
    // skipped edge would have changed no register of either (nlut_rv32i.v: `sleep`), so the
    // controller behaves the same cycle for cycle (ctrl_sim_gate_equal). The gate is taken at the
    // falling edge from the values the rising edge samples, as the core's (nlut_shell_datapath.v).
    wire        cpu_clk;
`ifdef NLUT_SIM_GATE_CTRL
    reg         cpu_gate;
    always @(negedge clk)
        cpu_gate <= rst || !cpu_sleep;
    assign cpu_clk = clk && cpu_gate;
`else
    assign cpu_clk = clk;
    /* verilator lint_off UNUSEDSIGNAL */
    wire unused_sleep = cpu_sleep;
    /* verilator lint_on UNUSEDSIGNAL */
`endif

    wire                     ram_valid, ram_ready;
    wire [RAM_ADDR_BITS-1:2] ram_addr;
    wire [31:0]              ram_rdata;
    wire                     tmr_valid, tmr_ready;
    wire [15:2]              tmr_addr;
    wire [31:0]              tmr_rdata;
    wire                     bus_write;
    wire [3:0]               bus_wstrb;
    wire [31:0]              bus_wdata;

    nlut_rv32i #(.RF_SYNC(RF_SYNC)) u_cpu (
        .clk             (cpu_clk),
        .rst             (rst),
        .mem_valid       (cpu_valid),
        .mem_instr       (cpu_instr),
        .mem_addr        (cpu_addr),
        .mem_write       (cpu_write),
        .mem_wstrb       (cpu_wstrb),
        .mem_wdata       (cpu_wdata),
        .mem_ready       (cpu_ready),
        .mem_rdata       (cpu_rdata),
        .mem_err         (cpu_err),
        .irq_timer       (irq_timer),
        .irq_ext         (irq_ext),
        .sleep           (cpu_sleep),
        .trace_valid     (trace_valid),
        .trace_trap      (trace_trap),
        .trace_cause     (trace_cause),
        .trace_pc        (trace_pc),
        .trace_insn      (trace_insn),
        .trace_rd        (trace_rd),
        .trace_rd_wdata  (trace_rd_wdata),
        .trace_mem_addr  (trace_mem_addr),
        .trace_mem_wstrb (trace_mem_wstrb),
        .trace_mem_wdata (trace_mem_wdata)
    );

    nlut_ctrl_bus #(
        .RAM_ADDR_BITS (RAM_ADDR_BITS),
        .EXT_ADDR_BITS (EXT_ADDR_BITS)
    ) u_bus (
        .s_valid     (cpu_valid),
        .s_instr     (cpu_instr),
        .s_addr      (cpu_addr),
        .s_write     (cpu_write),
        .s_wstrb     (cpu_wstrb),
        .s_wdata     (cpu_wdata),
        .s_ready     (cpu_ready),
        .s_rdata     (cpu_rdata),
        .s_err       (cpu_err),
        .m_ram_valid (ram_valid),
        .m_ram_addr  (ram_addr),
        .m_ram_ready (ram_ready),
        .m_ram_rdata (ram_rdata),
        .m_tmr_valid (tmr_valid),
        .m_tmr_addr  (tmr_addr),
        .m_tmr_ready (tmr_ready),
        .m_tmr_rdata (tmr_rdata),
        .m_ext_valid (m_ext_valid),
        .m_ext_addr  (m_ext_addr),
        .m_ext_ready (m_ext_ready),
        .m_ext_rdata (m_ext_rdata),
        .m_ext_err   (m_ext_err),
        .m_write     (bus_write),
        .m_wstrb     (bus_wstrb),
        .m_wdata     (bus_wdata)
    );

    nlut_ctrl_ram #(
        .ADDR_BITS (RAM_ADDR_BITS),
        .INIT_FILE (RAM_INIT_FILE),
        .LO_BITS   (RAM_LO_BITS),
        .HI_BITS   (RAM_HI_BITS),
        .INIT_FILE_HI (RAM_INIT_FILE_HI)
    ) u_ram (
        .clk     (cpu_clk),
        .rst     (rst),
        .s_valid (ram_valid),
        .s_addr  (ram_addr),
        .s_write (bus_write),
        .s_wstrb (bus_wstrb),
        .s_wdata (bus_wdata),
        .s_ready (ram_ready),
        .s_rdata (ram_rdata)
    );

    nlut_ctrl_timer #(
        .TICK_DIV (TICK_DIV)
    ) u_timer (
        .clk       (clk),
        .rst       (rst),
        .s_valid   (tmr_valid),
        .s_addr    (tmr_addr),
        .s_write   (bus_write),
        .s_wstrb   (bus_wstrb),
        .s_wdata   (bus_wdata),
        .s_ready   (tmr_ready),
        .s_rdata   (tmr_rdata),
        .irq_timer (irq_timer)
    );

    assign m_ext_write = bus_write;
    assign m_ext_wstrb = bus_wstrb;
    assign m_ext_wdata = bus_wdata;

endmodule

`default_nettype wire
