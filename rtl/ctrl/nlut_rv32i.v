// nlut_rv32i.v - multi-cycle RV32I core with machine-mode Zicsr, the controller soft-core (docs/controller.md).
//
// One instruction at a time: FETCH (memory read at pc) -> EXEC (decode, ALU, CSR, branch; most
// instructions retire here) -> MEM (loads and stores only). With the one-wait-state boot RAM an
// ALU instruction takes 3 cycles and a load or store 5. Misaligned jumps and data accesses trap,
// as do bus errors (access faults) and every encoding outside RV32I + Zicsr + mret/wfi/fence.i.
// wfi sleeps in EXEC until an enabled interrupt is pending (mip & mie, whatever mstatus.MIE):
// no register changes and no memory request meanwhile (`sleep`; mcycle holds too), so a clock
// enable or gate of the CPU and its RAM may drop those cycles (nlut_ctrl.v).

`default_nettype none

module nlut_rv32i #(
    parameter [31:0] RESET_PC = 32'h8000_0000, // first instruction fetched after reset (also mtvec's reset value)
    parameter        RF_SYNC  = 0             // 1: register file read when the instruction is fetched, so
                                              // that it maps to block RAM, and no mcycle / minstret
                                              // (small parts: iCE40, docs/ice40.md)
) (
    input  wire        clk,
    input  wire        rst,

    // Memory port: the request (valid and its fields) holds until ready; rdata and err are valid
    // in the ready cycle. err turns the access into an access fault.
    output wire        mem_valid,
    output wire        mem_instr,      // request is an instruction fetch
    output wire [31:0] mem_addr,
    output wire        mem_write,
    output wire [3:0]  mem_wstrb,
    output wire [31:0] mem_wdata,
    input  wire        mem_ready,
    input  wire [31:0] mem_rdata,
    input  wire        mem_err,

    // Level-sensitive interrupt lines (mip.MTIP, mip.MEIP).
    input  wire        irq_timer,
    input  wire        irq_ext,

    // The CPU sleeps in wfi: this cycle's edge changes no register of the CPU (nor of a RAM it
    // does not access), so the CPU's clock may skip it.
    output wire        sleep,

    // Retirement trace, one beat per retired instruction or taken trap (simulation and debug;
    // leave open in a build and synthesis removes it).
    output wire        trace_valid,
    output wire        trace_trap,     // the beat is a trap: cause in trace_cause, pc the trapping pc
    output wire [31:0] trace_cause,
    output wire [31:0] trace_pc,
    output wire [31:0] trace_insn,
    output wire [4:0]  trace_rd,       // register written, 0 for none
    output wire [31:0] trace_rd_wdata,
    output wire [31:0] trace_mem_addr,
    output wire [3:0]  trace_mem_wstrb,  // non-zero for a store
    output wire [31:0] trace_mem_wdata
);

    localparam [1:0] S_FETCH = 2'd0;
    localparam [1:0] S_EXEC  = 2'd1;
    localparam [1:0] S_MEM   = 2'd2;

    // mcause exception codes (privileged spec, table 3.6).
    localparam [3:0] EXC_FETCH_MISALIGNED = 4'd0;
    localparam [3:0] EXC_FETCH_FAULT      = 4'd1;
    localparam [3:0] EXC_ILLEGAL          = 4'd2;
    localparam [3:0] EXC_BREAKPOINT       = 4'd3;
    localparam [3:0] EXC_LOAD_MISALIGNED  = 4'd4;
    localparam [3:0] EXC_LOAD_FAULT       = 4'd5;
    localparam [3:0] EXC_STORE_MISALIGNED = 4'd6;
    localparam [3:0] EXC_STORE_FAULT      = 4'd7;
    localparam [3:0] EXC_ECALL_M          = 4'd11;

    // Major opcodes, instr[6:2].
    localparam [4:0] OPC_LOAD     = 5'b00000;
    localparam [4:0] OPC_MISC_MEM = 5'b00011;
    localparam [4:0] OPC_OP_IMM   = 5'b00100;
    localparam [4:0] OPC_AUIPC    = 5'b00101;
    localparam [4:0] OPC_STORE    = 5'b01000;
    localparam [4:0] OPC_OP       = 5'b01100;
    localparam [4:0] OPC_LUI      = 5'b01101;
    localparam [4:0] OPC_BRANCH   = 5'b11000;
    localparam [4:0] OPC_JALR     = 5'b11001;
    localparam [4:0] OPC_JAL      = 5'b11011;
    localparam [4:0] OPC_SYSTEM   = 5'b11100;

    // ------------------------------------------------------------------ state
    reg [1:0]  state_reg, state_next;
    reg [31:0] pc_reg;
    reg [31:0] ir_reg;    // instruction being executed
    reg [31:0] addr_reg;  // data address of the load or store in MEM

    // Register file: 32 words in distributed RAM, two asynchronous read ports, one write port.
    // x0 is never written; the initial block makes it (and the rest) read zero after configuration.
    reg [31:0] regs [0:31];
    integer i;
    initial begin
        for (i = 0; i < 32; i = i + 1) regs[i] = 32'd0;
    end

    // ------------------------------------------------------------------ decode
    wire [31:0] ir = ir_reg;
    wire [4:0]  opc = ir[6:2];
    wire [2:0]  f3 = ir[14:12];
    wire [4:0]  rd = ir[11:7];
    wire [4:0]  rs1 = ir[19:15];
    wire [4:0]  rs2 = ir[24:20];
    wire        f7_zero = ir[31:25] == 7'b0000000;
    wire        f7_alt = ir[31:25] == 7'b0100000;  // SUB, SRA, SRAI

    wire is_load   = opc == OPC_LOAD;
    wire is_store  = opc == OPC_STORE;
    wire is_opimm  = opc == OPC_OP_IMM;
    wire is_op     = opc == OPC_OP;
    wire is_lui    = opc == OPC_LUI;
    wire is_auipc  = opc == OPC_AUIPC;
    wire is_branch = opc == OPC_BRANCH;
    wire is_jal    = opc == OPC_JAL;
    wire is_jalr   = opc == OPC_JALR;
    wire is_system = opc == OPC_SYSTEM;
    wire is_csr    = is_system && f3[1:0] != 2'b00;
    wire sys_priv  = is_system && f3 == 3'b000 && rs1 == 5'd0 && rd == 5'd0;
    wire is_ecall  = sys_priv && ir[31:20] == 12'h000;
    wire is_ebreak = sys_priv && ir[31:20] == 12'h001;
    wire is_mret   = sys_priv && ir[31:20] == 12'h302;
    wire is_wfi    = sys_priv && ir[31:20] == 12'h105;

    reg legal;
    always @* begin
        case (opc)
            OPC_LOAD:     legal = f3 != 3'b011 && f3 != 3'b110 && f3 != 3'b111;
            OPC_STORE:    legal = f3 == 3'b000 || f3 == 3'b001 || f3 == 3'b010;
            OPC_MISC_MEM: legal = f3 == 3'b000 || f3 == 3'b001;  // fence, fence.i
            OPC_OP_IMM:   legal = f3 == 3'b001 ? f7_zero : f3 == 3'b101 ? (f7_zero || f7_alt) : 1'b1;
            OPC_OP:       legal = f7_zero || (f7_alt && (f3 == 3'b000 || f3 == 3'b101));
            OPC_LUI, OPC_AUIPC, OPC_JAL: legal = 1'b1;
            OPC_JALR:     legal = f3 == 3'b000;
            OPC_BRANCH:   legal = f3 != 3'b010 && f3 != 3'b011;
            OPC_SYSTEM:   legal = is_csr ? f3 != 3'b100 : (is_ecall || is_ebreak || is_mret || is_wfi);
            default:      legal = 1'b0;
        endcase
        if (ir[1:0] != 2'b11) legal = 1'b0;
    end

    wire [31:0] imm_i = {{21{ir[31]}}, ir[30:20]};
    wire [31:0] imm_s = {{21{ir[31]}}, ir[30:25], ir[11:7]};
    wire [31:0] imm_b = {{20{ir[31]}}, ir[7], ir[30:25], ir[11:8], 1'b0};
    wire [31:0] imm_u = {ir[31:12], 12'b0};
    wire [31:0] imm_j = {{12{ir[31]}}, ir[19:12], ir[20], ir[30:21], 1'b0};

    // Read as decoded; with RF_SYNC the ports are registered when the instruction is fetched,
    // which returns the same values: registers are written only in EXEC and MEM, never in FETCH.
    wire [31:0] rs1_val, rs2_val;

    // ------------------------------------------------------------------ ALU
    // One adder serves add/sub, the comparisons, branch conditions and load/store/jalr addresses.
    wire [31:0] alu_b = is_op || is_branch ? rs2_val : is_store ? imm_s : imm_i;
    wire alu_sub = is_branch || ((is_op || is_opimm) && (f3 == 3'b010 || f3 == 3'b011)) ||
                   (is_op && f3 == 3'b000 && ir[30]);
    // The carry-in rides in an extra low bit so the whole subtract is one carry chain.
    /* verilator lint_off UNUSEDSIGNAL */  // bit 0 only carries alu_sub in
    wire [33:0] alu_sum_c = {1'b0, rs1_val, 1'b1} + {1'b0, alu_sub ? ~alu_b : alu_b, alu_sub};
    /* verilator lint_on UNUSEDSIGNAL */
    wire [32:0] alu_sum = alu_sum_c[33:1];
    wire alu_eq  = alu_sum[31:0] == 32'd0;
    wire alu_ltu = !alu_sum[32];
    wire alu_lt  = rs1_val[31] != alu_b[31] ? rs1_val[31] : alu_sum[31];

    // One logarithmic right shifter; left shifts reverse the operand and the result around it.
    function [31:0] reverse32(input [31:0] x);
        integer k;
        for (k = 0; k < 32; k = k + 1) reverse32[k] = x[31 - k];
    endfunction
    wire        shl = f3 == 3'b001;
    wire [4:0]  shamt = alu_b[4:0];
    wire [31:0] sh0 = shl ? reverse32(rs1_val) : rs1_val;
    wire        sh_fill = ir[30] && !shl && rs1_val[31];
    wire [31:0] sh1 = shamt[0] ? {{1{sh_fill}}, sh0[31:1]} : sh0;
    wire [31:0] sh2 = shamt[1] ? {{2{sh_fill}}, sh1[31:2]} : sh1;
    wire [31:0] sh3 = shamt[2] ? {{4{sh_fill}}, sh2[31:4]} : sh2;
    wire [31:0] sh4 = shamt[3] ? {{8{sh_fill}}, sh3[31:8]} : sh3;
    wire [31:0] sh5 = shamt[4] ? {{16{sh_fill}}, sh4[31:16]} : sh4;
    wire [31:0] sh_res = shl ? reverse32(sh5) : sh5;

    reg [31:0] alu_res;
    always @* begin
        case (f3)
            3'b000:  alu_res = alu_sum[31:0];
            3'b001:  alu_res = sh_res;
            3'b010:  alu_res = {31'd0, alu_lt};
            3'b011:  alu_res = {31'd0, alu_ltu};
            3'b100:  alu_res = rs1_val ^ alu_b;
            3'b101:  alu_res = sh_res;
            3'b110:  alu_res = rs1_val | alu_b;
            default: alu_res = rs1_val & alu_b;
        endcase
    end

    reg br_cond;
    always @* begin
        case (f3[2:1])
            2'b00:   br_cond = alu_eq;
            2'b10:   br_cond = alu_lt;
            default: br_cond = alu_ltu;
        endcase
    end
    wire br_taken = br_cond ^ f3[0];

    wire [31:0] pc_plus4 = pc_reg + 32'd4;
    wire [31:0] pc_rel = (is_lui ? 32'd0 : pc_reg) + (is_jal ? imm_j : is_branch ? imm_b : imm_u);
    wire [31:0] jump_target = is_jalr ? {alu_sum[31:1], 1'b0} : pc_rel;
    wire        jumps = is_jal || is_jalr || (is_branch && br_taken);

    // ------------------------------------------------------------------ load/store lanes
    // Checked in MEM on the registered address, before any bus request goes out.
    wire        ls_misaligned = f3[1:0] == 2'b10 ? addr_reg[1:0] != 2'b00 :
                                f3[1:0] == 2'b01 ? addr_reg[0] : 1'b0;
    wire [31:0] st_wdata = f3[1:0] == 2'b00 ? {4{rs2_val[7:0]}} :
                           f3[1:0] == 2'b01 ? {2{rs2_val[15:0]}} : rs2_val;
    wire [3:0]  st_wstrb = f3[1:0] == 2'b00 ? 4'b0001 << addr_reg[1:0] :
                           f3[1:0] == 2'b01 ? (addr_reg[1] ? 4'b1100 : 4'b0011) : 4'b1111;
    wire [15:0] ld_half = addr_reg[1] ? mem_rdata[31:16] : mem_rdata[15:0];
    wire [7:0]  ld_byte = addr_reg[0] ? ld_half[15:8] : ld_half[7:0];
    reg  [31:0] ld_val;
    always @* begin
        case (f3)
            3'b000:  ld_val = {{24{ld_byte[7]}}, ld_byte};
            3'b001:  ld_val = {{16{ld_half[15]}}, ld_half};
            3'b100:  ld_val = {24'd0, ld_byte};
            3'b101:  ld_val = {16'd0, ld_half};
            default: ld_val = mem_rdata;
        endcase
    end

    // ------------------------------------------------------------------ CSR file
    wire        csr_imm = f3[2];
    wire [31:0] csr_src = csr_imm ? {27'd0, rs1} : rs1_val;
    // csrrs/csrrc with x0 (or uimm 0) read without writing, so they may touch read-only CSRs.
    wire        csr_writes = f3[1:0] == 2'b01 || rs1 != 5'd0;
    wire [31:0] csr_rdata;
    wire        csr_illegal;
    wire [31:0] csr_wdata = f3[1:0] == 2'b01 ? csr_src :
                            f3[1:0] == 2'b10 ? csr_rdata | csr_src : csr_rdata & ~csr_src;
    wire [31:0] csr_mtvec;
    wire [31:0] csr_mepc;
    wire        irq_pending;
    wire        irq_wake;
    wire [3:0]  irq_code;
    // wfi in EXEC with no enabled interrupt pending: stay in EXEC, retire nothing. When one comes,
    // wfi retires (an interrupt with mstatus.MIE is then taken before the next instruction, so
    // mepc points after the wfi, as the privileged spec asks).
    wire        wfi_exec = state_reg == S_EXEC && is_wfi && legal;
    assign sleep = wfi_exec && !irq_wake;

    reg        csr_we;
    reg        trap_take;
    reg        trap_irq;
    reg [3:0]  trap_code;
    reg [31:0] trap_tval;
    reg        mret_take;
    reg        retire;
    reg [2:0]  tval_sel;   // TVAL_*: which value goes to mtval on a trap

    nlut_rv32i_csr #(
        .MTVEC_RESET (RESET_PC),
        .COUNTERS    (!RF_SYNC)
    ) u_csr (
        .clk         (clk),
        .rst         (rst),
        .csr_addr    (ir[31:20]),
        .csr_write   (csr_writes),
        .csr_rdata   (csr_rdata),
        .csr_illegal (csr_illegal),
        .csr_we      (csr_we),
        .csr_wdata   (csr_wdata),
        .trap_take   (trap_take),
        .trap_irq    (trap_irq),
        .trap_code   (trap_code),
        .trap_pc     (pc_reg[31:2]),
        .trap_tval   (trap_tval),
        .mret_take   (mret_take),
        .retire      (retire),
        .sleep       (sleep),
        .irq_timer   (irq_timer),
        .irq_ext     (irq_ext),
        .mtvec       (csr_mtvec),
        .mepc        (csr_mepc),
        .irq_pending (irq_pending),
        .irq_wake    (irq_wake),
        .irq_code    (irq_code)
    );

    // ------------------------------------------------------------------ control
    // The always block decides with single bits; the 32-bit values (next pc, register write data,
    // mtval) are flat multiplexers below, so synthesis does not build one mux per if-level.
    localparam [2:0] TVAL_ZERO   = 3'd0;
    localparam [2:0] TVAL_PC     = 3'd1;  // fetch access fault
    localparam [2:0] TVAL_INSN   = 3'd2;  // illegal instruction
    localparam [2:0] TVAL_ADDR   = 3'd3;  // load/store misaligned or access fault
    localparam [2:0] TVAL_TARGET = 3'd4;  // misaligned jump or branch target

    reg rd_we;
    reg take_jump;   // retire to jump_target
    reg load_addr;   // capture the load/store address (EXEC)
    reg load_ir;     // capture the fetched instruction

    always @* begin
        state_next = state_reg;
        rd_we = 1'b0;
        csr_we = 1'b0;
        trap_take = 1'b0;
        trap_irq = 1'b0;
        trap_code = EXC_ILLEGAL;
        tval_sel = TVAL_ZERO;
        mret_take = 1'b0;
        retire = 1'b0;
        take_jump = 1'b0;
        load_addr = 1'b0;
        load_ir = 1'b0;

        case (state_reg)
            S_FETCH: begin
                if (mem_ready) begin
                    if (mem_err) begin
                        trap_take = 1'b1;
                        trap_code = EXC_FETCH_FAULT;
                        tval_sel = TVAL_PC;
                    end else begin
                        load_ir = 1'b1;
                        state_next = S_EXEC;
                    end
                end
            end

            S_EXEC: begin
                state_next = S_FETCH;
                if (irq_pending && !wfi_exec) begin
                    // Interrupts are taken between instructions: this one has not executed.
                    trap_take = 1'b1;
                    trap_irq = 1'b1;
                    trap_code = irq_code;
                end else if (!legal || (is_csr && csr_illegal)) begin
                    trap_take = 1'b1;
                    trap_code = EXC_ILLEGAL;
                    tval_sel = TVAL_INSN;
                end else if (is_ecall) begin
                    trap_take = 1'b1;
                    trap_code = EXC_ECALL_M;
                end else if (is_ebreak) begin
                    trap_take = 1'b1;
                    trap_code = EXC_BREAKPOINT;
                end else if (is_load || is_store) begin
                    load_addr = 1'b1;
                    state_next = S_MEM;
                end else if (jumps && jump_target[1]) begin
                    trap_take = 1'b1;
                    trap_code = EXC_FETCH_MISALIGNED;
                    tval_sel = TVAL_TARGET;
                end else if (sleep) begin
                    state_next = S_EXEC;  // wfi: wait for an enabled interrupt
                end else begin
                    // fence and fence.i retire as no-ops (no caches), as does a wfi that wakes.
                    retire = 1'b1;
                    take_jump = jumps;
                    rd_we = is_op || is_opimm || is_lui || is_auipc || is_jal || is_jalr || is_csr;
                    csr_we = is_csr && csr_writes;
                    mret_take = is_mret;
                end
            end

            default: begin  // S_MEM
                if (ls_misaligned) begin
                    trap_take = 1'b1;
                    trap_code = is_store ? EXC_STORE_MISALIGNED : EXC_LOAD_MISALIGNED;
                    tval_sel = TVAL_ADDR;
                    state_next = S_FETCH;
                end else if (mem_ready) begin
                    state_next = S_FETCH;
                    if (mem_err) begin
                        trap_take = 1'b1;
                        trap_code = is_store ? EXC_STORE_FAULT : EXC_LOAD_FAULT;
                        tval_sel = TVAL_ADDR;
                    end else begin
                        retire = 1'b1;
                        rd_we = is_load;
                    end
                end
            end
        endcase
        if (trap_take) state_next = S_FETCH;
    end

    always @* begin
        case (tval_sel)
            TVAL_PC:     trap_tval = pc_reg;
            TVAL_INSN:   trap_tval = ir;
            TVAL_ADDR:   trap_tval = addr_reg;
            TVAL_TARGET: trap_tval = jump_target;
            default:     trap_tval = 32'd0;
        endcase
    end

    // LUI shares the pc-relative adder with AUIPC: base 0 instead of pc.
    wire [31:0] rd_wdata = state_reg == S_MEM ? ld_val :
                           is_lui || is_auipc ? pc_rel :
                           is_jal || is_jalr ? pc_plus4 :
                           is_csr ? csr_rdata : alu_res;
    wire [31:0] next_pc = trap_take ? csr_mtvec :
                          mret_take ? csr_mepc :
                          take_jump ? jump_target : pc_plus4;
    wire        pc_we = trap_take || retire;

    generate
    if (RF_SYNC) begin : g_rf_sync
        reg [31:0] rs1_q, rs2_q;
        always @(posedge clk) begin
            if (load_ir) begin
                rs1_q <= regs[mem_rdata[19:15]];
                rs2_q <= regs[mem_rdata[24:20]];
            end
        end
        assign rs1_val = rs1_q;
        assign rs2_val = rs2_q;
        /* verilator lint_off UNUSEDSIGNAL */
        wire unused_rs2 = &{1'b0, rs2};  // read from the fetched word instead
        /* verilator lint_on UNUSEDSIGNAL */
    end else begin : g_rf_async
        assign rs1_val = regs[rs1];
        assign rs2_val = regs[rs2];
    end
    endgenerate

    always @(posedge clk) begin
        if (rd_we && rd != 5'd0) regs[rd] <= rd_wdata;
        if (load_ir) ir_reg <= mem_rdata;
        if (load_addr) addr_reg <= alu_sum[31:0];
        if (rst) begin
            state_reg <= S_FETCH;
            pc_reg <= RESET_PC;
        end else begin
            state_reg <= state_next;
            if (pc_we) pc_reg <= next_pc;
        end
    end

    assign mem_valid = state_reg == S_FETCH || (state_reg == S_MEM && !ls_misaligned);
    assign mem_instr = state_reg == S_FETCH;
    assign mem_addr = state_reg == S_MEM ? addr_reg : pc_reg;
    assign mem_write = state_reg == S_MEM && is_store;
    assign mem_wstrb = mem_write ? st_wstrb : 4'b0000;
    assign mem_wdata = st_wdata;

    assign trace_valid = retire || trap_take;
    assign trace_trap = trap_take;
    assign trace_cause = {trap_irq, 27'd0, trap_code};
    assign trace_pc = pc_reg;
    assign trace_insn = state_reg == S_FETCH ? 32'd0 : ir_reg;
    assign trace_rd = rd_we ? rd : 5'd0;
    assign trace_rd_wdata = rd_we && rd != 5'd0 ? rd_wdata : 32'd0;
    assign trace_mem_addr = addr_reg;
    assign trace_mem_wstrb = retire ? mem_wstrb : 4'b0000;
    assign trace_mem_wdata = mem_wdata;

endmodule

`default_nettype wire
