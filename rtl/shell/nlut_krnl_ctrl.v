// nlut_krnl_ctrl.v - the control slave of the Vitis kernel nlut_krnl
// (docs/vitis-kernel.md): ap_ctrl_hs (CTRL, GIE, IER, ISR), the arguments
// n_vectors, in and out, and the nlut register window at 0x1000-0x17FF,
// passed on to the shell's AXI4-Lite slave one access at a time.
`default_nettype none

module nlut_krnl_ctrl (
    input  wire        clk,
    input  wire        rst,

    input  wire [12:0] s_axi_awaddr,
    input  wire        s_axi_awvalid,
    output wire        s_axi_awready,
    input  wire [31:0] s_axi_wdata,
    input  wire [3:0]  s_axi_wstrb,
    input  wire        s_axi_wvalid,
    output wire        s_axi_wready,
    output wire [1:0]  s_axi_bresp,
    output wire        s_axi_bvalid,
    input  wire        s_axi_bready,
    input  wire [12:0] s_axi_araddr,
    input  wire        s_axi_arvalid,
    output wire        s_axi_arready,
    output wire [31:0] s_axi_rdata,
    output wire [1:0]  s_axi_rresp,
    output wire        s_axi_rvalid,
    input  wire        s_axi_rready,

    // The nlut registers (docs/register-map.md): the shell's slave.
    output wire [10:0] m_axil_awaddr,
    output wire        m_axil_awvalid,
    input  wire        m_axil_awready,
    output wire [31:0] m_axil_wdata,
    output wire [3:0]  m_axil_wstrb,
    output wire        m_axil_wvalid,
    input  wire        m_axil_wready,
    input  wire [1:0]  m_axil_bresp,
    input  wire        m_axil_bvalid,
    output wire        m_axil_bready,
    output wire [10:0] m_axil_araddr,
    output wire        m_axil_arvalid,
    input  wire        m_axil_arready,
    input  wire [31:0] m_axil_rdata,
    input  wire [1:0]  m_axil_rresp,
    input  wire        m_axil_rvalid,
    output wire        m_axil_rready,

    // ap_ctrl_hs towards the movers: start (one cycle, with the arguments)
    // and done (one cycle, the last result is in memory).
    output wire        ap_start_pulse,
    output wire [31:0] n_vectors,
    output wire [63:0] in_addr,
    output wire [63:0] out_addr,
    input  wire        ap_done_pulse,
    /* verilator lint_off SYMRSVDWORD */
    output wire        interrupt   // Vitis's name; a C++ keyword to Verilator
    /* verilator lint_on SYMRSVDWORD */
);

    localparam [12:0] A_CTRL = 13'h000, A_GIE = 13'h004, A_IER = 13'h008, A_ISR = 13'h00C,
                      A_N = 13'h010, A_IN_LO = 13'h018, A_IN_HI = 13'h01C,
                      A_OUT_LO = 13'h024, A_OUT_HI = 13'h028;

    wire        req_valid, req_write;
    wire [12:0] req_addr;
    wire [3:0]  req_wstrb;
    wire [31:0] req_wdata;
    reg         req_ready;
    reg  [31:0] req_rdata;

    nlut_axil_slave #(.ADDR_BITS(13)) u_axil (
        .clk(clk), .rst(rst),
        .s_axil_awaddr(s_axi_awaddr), .s_axil_awvalid(s_axi_awvalid), .s_axil_awready(s_axi_awready),
        .s_axil_wdata(s_axi_wdata), .s_axil_wstrb(s_axi_wstrb), .s_axil_wvalid(s_axi_wvalid),
        .s_axil_wready(s_axi_wready), .s_axil_bresp(s_axi_bresp), .s_axil_bvalid(s_axi_bvalid),
        .s_axil_bready(s_axi_bready), .s_axil_araddr(s_axi_araddr), .s_axil_arvalid(s_axi_arvalid),
        .s_axil_arready(s_axi_arready), .s_axil_rdata(s_axi_rdata), .s_axil_rresp(s_axi_rresp),
        .s_axil_rvalid(s_axi_rvalid), .s_axil_rready(s_axi_rready),
        .req_valid(req_valid), .req_addr(req_addr), .req_write(req_write), .req_wstrb(req_wstrb),
        .req_wdata(req_wdata), .req_ready(req_ready), .req_rdata(req_rdata)
    );

    // ---- the nlut window: one AXI4-Lite access per request ----
    wire in_window = req_addr[12:11] == 2'b10;
    reg  fwd_busy_reg, awvalid_reg, wvalid_reg, arvalid_reg;
    wire fwd_resp = fwd_busy_reg && (m_axil_bvalid || m_axil_rvalid);

    assign m_axil_awaddr  = req_addr[10:0];
    assign m_axil_awvalid = awvalid_reg;
    assign m_axil_wdata   = req_wdata;
    assign m_axil_wstrb   = req_wstrb;
    assign m_axil_wvalid  = wvalid_reg;
    assign m_axil_bready  = 1'b1;
    assign m_axil_araddr  = req_addr[10:0];
    assign m_axil_arvalid = arvalid_reg;
    assign m_axil_rready  = 1'b1;

    // ---- ap_ctrl_hs and the arguments ----
    reg        start_reg, done_reg, idle_reg, ready_reg;
    reg        gie_reg;
    reg [1:0]  ier_reg, isr_reg;
    reg [31:0] n_reg, in_lo_reg, in_hi_reg, out_lo_reg, out_hi_reg;

    wire local_take = req_valid && !in_window;
    wire rd_ctrl = local_take && !req_write && req_addr == A_CTRL;
    // The kernel takes ap_start when idle: the arguments are latched by the movers.
    wire go = start_reg && idle_reg;

    assign ap_start_pulse = go;
    assign n_vectors = n_reg;
    assign in_addr = {in_hi_reg, in_lo_reg};
    assign out_addr = {out_hi_reg, out_lo_reg};
    assign interrupt = gie_reg && (isr_reg != 2'b00);

    function [31:0] merge(input [31:0] old, input [31:0] data, input [3:0] strb);
        integer b;
        begin
            for (b = 0; b < 4; b = b + 1)
                merge[8*b +: 8] = strb[b] ? data[8*b +: 8] : old[8*b +: 8];
        end
    endfunction

    always @* begin
        req_ready = local_take || fwd_resp;
        req_rdata = 32'd0;
        if (fwd_resp)
            req_rdata = m_axil_rdata;
        else
            case (req_addr)
                A_CTRL:   req_rdata = {28'd0, ready_reg, idle_reg, done_reg, start_reg};
                A_GIE:    req_rdata = {31'd0, gie_reg};
                A_IER:    req_rdata = {30'd0, ier_reg};
                A_ISR:    req_rdata = {30'd0, isr_reg};
                A_N:      req_rdata = n_reg;
                A_IN_LO:  req_rdata = in_lo_reg;
                A_IN_HI:  req_rdata = in_hi_reg;
                A_OUT_LO: req_rdata = out_lo_reg;
                A_OUT_HI: req_rdata = out_hi_reg;
                default:  req_rdata = 32'd0;
            endcase
    end

    // The shell's responses carry nothing the host needs: its slave always answers OKAY.
    wire unused = &{1'b0, m_axil_bresp, m_axil_rresp};

    always @(posedge clk) begin
        // Forwarding: raise the channels once per request, drop each on its handshake.
        if (awvalid_reg && m_axil_awready)
            awvalid_reg <= 1'b0;
        if (wvalid_reg && m_axil_wready)
            wvalid_reg <= 1'b0;
        if (arvalid_reg && m_axil_arready)
            arvalid_reg <= 1'b0;
        if (req_valid && in_window && !fwd_busy_reg) begin
            fwd_busy_reg <= 1'b1;
            awvalid_reg <= req_write;
            wvalid_reg <= req_write;
            arvalid_reg <= !req_write;
        end
        if (fwd_resp)
            fwd_busy_reg <= 1'b0;

        if (go) begin
            idle_reg <= 1'b0;
            start_reg <= 1'b0;  // ap_ready comes with ap_done; the start is taken
        end
        if (rd_ctrl) begin
            done_reg <= 1'b0;   // clear on read
            ready_reg <= 1'b0;
        end
        if (ap_done_pulse) begin
            idle_reg <= 1'b1;
            done_reg <= 1'b1;
            ready_reg <= 1'b1;
        end
        if (local_take && req_write) begin
            case (req_addr)
                A_CTRL:   if (req_wstrb[0] && req_wdata[0]) start_reg <= 1'b1;
                A_GIE:    if (req_wstrb[0]) gie_reg <= req_wdata[0];
                A_IER:    if (req_wstrb[0]) ier_reg <= req_wdata[1:0];
                A_N:      n_reg <= merge(n_reg, req_wdata, req_wstrb);
                A_IN_LO:  in_lo_reg <= merge(in_lo_reg, req_wdata, req_wstrb);
                A_IN_HI:  in_hi_reg <= merge(in_hi_reg, req_wdata, req_wstrb);
                A_OUT_LO: out_lo_reg <= merge(out_lo_reg, req_wdata, req_wstrb);
                A_OUT_HI: out_hi_reg <= merge(out_hi_reg, req_wdata, req_wstrb);
                default: ;
            endcase
        end
        // ISR: set by the events IER enables, toggled by writing 1s.
        isr_reg <= (isr_reg ^ ((local_take && req_write && req_addr == A_ISR && req_wstrb[0])
                               ? req_wdata[1:0] : 2'b00))
                   | (ap_done_pulse ? ier_reg : 2'b00);
        if (rst) begin
            fwd_busy_reg <= 1'b0;
            awvalid_reg <= 1'b0;
            wvalid_reg <= 1'b0;
            arvalid_reg <= 1'b0;
            start_reg <= 1'b0;
            done_reg <= 1'b0;
            idle_reg <= 1'b1;
            ready_reg <= 1'b0;
            gie_reg <= 1'b0;
            ier_reg <= 2'b00;
            isr_reg <= 2'b00;
            n_reg <= 32'd0;
            in_lo_reg <= 32'd0;
            in_hi_reg <= 32'd0;
            out_lo_reg <= 32'd0;
            out_hi_reg <= 32'd0;
        end
    end

endmodule

`default_nettype wire
