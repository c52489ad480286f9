// nlut_rv32i_csr.v - machine-mode CSR file of nlut_rv32i: trap state, interrupt enables, counters.
//
// Implemented (docs/controller.md): mstatus (MIE, MPIE; MPP reads 3), misa (RV32I, writes ignored),
// mie (MTIE, MEIE), mtvec (direct mode), mscratch, mepc, mcause, mtval, mip (MTIP, MEIP, read-only),
// mcycle[h] (cycles the hart is awake: not those asleep in wfi), minstret[h], and the read-only
// mvendorid, marchid, mimpid, mhartid (all zero).
// Every other address, and any write to a read-only one, is an illegal instruction.

`default_nettype none

module nlut_rv32i_csr #(
    parameter [31:0] MTVEC_RESET = 32'h8000_0000, // trap vector until software sets mtvec
    parameter        COUNTERS    = 1              // 0: mcycle 32 bits (mcycleh reads 0), minstret 0
                                                  // (small parts, docs/ice40.md)
) (
    input  wire        clk,
    input  wire        rst,

    // CSR instruction: address, whether it writes, read data and legality (combinational).
    input  wire [11:0] csr_addr,
    input  wire        csr_write,
    output reg  [31:0] csr_rdata,
    output wire        csr_illegal,
    input  wire        csr_we,         // commit csr_wdata to csr_addr
    input  wire [31:0] csr_wdata,

    // Trap entry and return.
    input  wire        trap_take,
    input  wire        trap_irq,       // mcause interrupt bit
    input  wire [3:0]  trap_code,
    input  wire [31:2] trap_pc,
    input  wire [31:0] trap_tval,
    input  wire        mret_take,
    input  wire        retire,         // an instruction retired this cycle (minstret)
    input  wire        sleep,          // the hart sleeps in wfi this cycle: mcycle holds

    input  wire        irq_timer,
    input  wire        irq_ext,

    output wire [31:0] mtvec,
    output wire [31:0] mepc,
    output wire        irq_pending,    // an enabled interrupt is pending and mstatus.MIE is set
    output wire        irq_wake,       // an enabled interrupt is pending (mip & mie), whatever mstatus.MIE: wfi ends
    output wire [3:0]  irq_code
);

    localparam [11:0] CSR_MSTATUS   = 12'h300;
    localparam [11:0] CSR_MISA      = 12'h301;
    localparam [11:0] CSR_MIE       = 12'h304;
    localparam [11:0] CSR_MTVEC     = 12'h305;
    localparam [11:0] CSR_MSCRATCH  = 12'h340;
    localparam [11:0] CSR_MEPC      = 12'h341;
    localparam [11:0] CSR_MCAUSE    = 12'h342;
    localparam [11:0] CSR_MTVAL     = 12'h343;
    localparam [11:0] CSR_MIP       = 12'h344;
    localparam [11:0] CSR_MCYCLE    = 12'hB00;
    localparam [11:0] CSR_MINSTRET  = 12'hB02;
    localparam [11:0] CSR_MCYCLEH   = 12'hB80;
    localparam [11:0] CSR_MINSTRETH = 12'hB82;
    localparam [11:0] CSR_MVENDORID = 12'hF11;
    localparam [11:0] CSR_MARCHID   = 12'hF12;
    localparam [11:0] CSR_MIMPID    = 12'hF13;
    localparam [11:0] CSR_MHARTID   = 12'hF14;

    localparam [31:0] MISA_RV32I = 32'h4000_0100;  // MXL = 1 (32-bit), extension I

    reg        mie_bit_reg, mie_bit_next;    // mstatus.MIE
    reg        mpie_reg, mpie_next;          // mstatus.MPIE
    reg        mtie_reg, mtie_next;          // mie.MTIE
    reg        meie_reg, meie_next;          // mie.MEIE
    reg [29:0] mtvec_reg, mtvec_next;        // mtvec[31:2], direct mode only
    reg [31:0] mscratch_reg, mscratch_next;
    reg [29:0] mepc_reg, mepc_next;          // mepc[31:2]: IALIGN is 32
    reg        mcause_irq_reg, mcause_irq_next;
    reg [3:0]  mcause_code_reg, mcause_code_next;  // WLRL: only legal causes need to be held
    reg [31:0] mtval_reg, mtval_next;
    reg [63:0] mcycle_reg, mcycle_next;
    reg [63:0] minstret_reg, minstret_next;

    wire [31:0] mstatus = {19'd0, 2'b11, 3'd0, mpie_reg, 3'd0, mie_bit_reg, 3'd0};
    wire [31:0] mie = {20'd0, meie_reg, 3'd0, mtie_reg, 7'd0};
    wire [31:0] mip = {20'd0, irq_ext, 3'd0, irq_timer, 7'd0};

    reg known;
    always @* begin
        known = 1'b1;
        case (csr_addr)
            CSR_MSTATUS:   csr_rdata = mstatus;
            CSR_MISA:      csr_rdata = MISA_RV32I;
            CSR_MIE:       csr_rdata = mie;
            CSR_MTVEC:     csr_rdata = {mtvec_reg, 2'b00};
            CSR_MSCRATCH:  csr_rdata = mscratch_reg;
            CSR_MEPC:      csr_rdata = {mepc_reg, 2'b00};
            CSR_MCAUSE:    csr_rdata = {mcause_irq_reg, 27'd0, mcause_code_reg};
            CSR_MTVAL:     csr_rdata = mtval_reg;
            CSR_MIP:       csr_rdata = mip;
            CSR_MCYCLE:    csr_rdata = mcycle_reg[31:0];
            CSR_MINSTRET:  csr_rdata = minstret_reg[31:0];
            CSR_MCYCLEH:   csr_rdata = mcycle_reg[63:32];
            CSR_MINSTRETH: csr_rdata = minstret_reg[63:32];
            CSR_MVENDORID, CSR_MARCHID, CSR_MIMPID, CSR_MHARTID: csr_rdata = 32'd0;
            default: begin
                csr_rdata = 32'd0;
                known = 1'b0;
            end
        endcase
    end
    // Addresses with bits 11:10 = 3 are read-only by the spec's convention.
    assign csr_illegal = !known || (csr_write && csr_addr[11:10] == 2'b11);

    always @* begin
        mie_bit_next = mie_bit_reg;
        mpie_next = mpie_reg;
        mtie_next = mtie_reg;
        meie_next = meie_reg;
        mtvec_next = mtvec_reg;
        mscratch_next = mscratch_reg;
        mepc_next = mepc_reg;
        mcause_irq_next = mcause_irq_reg;
        mcause_code_next = mcause_code_reg;
        mtval_next = mtval_reg;
        mcycle_next = mcycle_reg + {63'd0, !sleep};
        minstret_next = minstret_reg + {63'd0, retire};

        if (csr_we) begin
            case (csr_addr)
                CSR_MSTATUS: begin
                    mie_bit_next = csr_wdata[3];
                    mpie_next = csr_wdata[7];
                end
                CSR_MIE: begin
                    mtie_next = csr_wdata[7];
                    meie_next = csr_wdata[11];
                end
                CSR_MTVEC:     mtvec_next = csr_wdata[31:2];
                CSR_MSCRATCH:  mscratch_next = csr_wdata;
                CSR_MEPC:      mepc_next = csr_wdata[31:2];
                CSR_MCAUSE: begin
                    mcause_irq_next = csr_wdata[31];
                    mcause_code_next = csr_wdata[3:0];
                end
                CSR_MTVAL:     mtval_next = csr_wdata;
                // A write to a counter replaces this cycle's increment.
                CSR_MCYCLE:    mcycle_next[31:0] = csr_wdata;
                CSR_MCYCLEH:   mcycle_next[63:32] = csr_wdata;
                default: ;
            endcase
            // ... and the writing instruction does not count itself.
            if (csr_addr == CSR_MINSTRET || csr_addr == CSR_MINSTRETH)
                minstret_next = {csr_addr == CSR_MINSTRETH ? csr_wdata : minstret_reg[63:32],
                                 csr_addr == CSR_MINSTRET ? csr_wdata : minstret_reg[31:0]};
        end

        if (trap_take) begin
            mpie_next = mie_bit_reg;
            mie_bit_next = 1'b0;
            mepc_next = trap_pc;
            mcause_irq_next = trap_irq;
            mcause_code_next = trap_code;
            mtval_next = trap_tval;
        end else if (mret_take) begin
            mie_bit_next = mpie_reg;
            mpie_next = 1'b1;
        end
    end

    always @(posedge clk) begin
        mscratch_reg <= mscratch_next;
        mepc_reg <= mepc_next;
        mcause_irq_reg <= mcause_irq_next;
        mcause_code_reg <= mcause_code_next;
        mtval_reg <= mtval_next;
        if (rst) begin
            mie_bit_reg <= 1'b0;
            mpie_reg <= 1'b0;
            mtie_reg <= 1'b0;
            meie_reg <= 1'b0;
            mtvec_reg <= MTVEC_RESET[31:2];
            mcycle_reg <= 64'd0;
            minstret_reg <= 64'd0;
        end else begin
            mtvec_reg <= mtvec_next;
            mie_bit_reg <= mie_bit_next;
            mpie_reg <= mpie_next;
            mtie_reg <= mtie_next;
            meie_reg <= meie_next;
            mcycle_reg <= COUNTERS ? mcycle_next : {32'd0, mcycle_next[31:0]};
            minstret_reg <= COUNTERS ? minstret_next : 64'd0;
        end
    end

    // External before timer, as the spec orders them.
    wire take_ext = mie_bit_reg && meie_reg && irq_ext;
    wire take_timer = mie_bit_reg && mtie_reg && irq_timer;
    assign irq_pending = take_ext || take_timer;
    assign irq_wake = (meie_reg && irq_ext) || (mtie_reg && irq_timer);
    assign irq_code = take_ext ? 4'd11 : 4'd7;

    assign mtvec = {mtvec_reg, 2'b00};
    assign mepc = {mepc_reg, 2'b00};

endmodule

`default_nettype wire
