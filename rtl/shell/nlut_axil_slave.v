// nlut_axil_slave.v - AXI4-Lite slave turned into one request port of the
// register block: the request (valid and its fields) holds until ready, and
// the read data is valid in the ready cycle (docs/shell.md). One write and one
// read may wait at a time; when both are ready to go they alternate. Every
// response is OKAY: unmapped offsets read 0 and ignore writes.
`default_nettype none

module nlut_axil_slave #(
    parameter ADDR_BITS = 11   // byte address bits of the register space
) (
    input  wire                 clk,
    input  wire                 rst,

    input  wire [ADDR_BITS-1:0] s_axil_awaddr,
    input  wire                 s_axil_awvalid,
    output wire                 s_axil_awready,
    input  wire [31:0]          s_axil_wdata,
    input  wire [3:0]           s_axil_wstrb,
    input  wire                 s_axil_wvalid,
    output wire                 s_axil_wready,
    output wire [1:0]           s_axil_bresp,
    output wire                 s_axil_bvalid,
    input  wire                 s_axil_bready,
    input  wire [ADDR_BITS-1:0] s_axil_araddr,
    input  wire                 s_axil_arvalid,
    output wire                 s_axil_arready,
    output wire [31:0]          s_axil_rdata,
    output wire [1:0]           s_axil_rresp,
    output wire                 s_axil_rvalid,
    input  wire                 s_axil_rready,

    output wire                 req_valid,
    output wire [ADDR_BITS-1:0] req_addr,
    output wire                 req_write,
    output wire [3:0]           req_wstrb,
    output wire [31:0]          req_wdata,
    input  wire                 req_ready,
    input  wire [31:0]          req_rdata
);

    reg [ADDR_BITS-1:0] aw_addr_reg;
    reg                 aw_full_reg;
    reg [31:0]          w_data_reg;
    reg [3:0]           w_strb_reg;
    reg                 w_full_reg;
    reg [ADDR_BITS-1:0] ar_addr_reg;
    reg                 ar_full_reg;
    reg                 bvalid_reg;
    reg                 rvalid_reg;
    reg [31:0]          rdata_reg;
    reg                 busy_reg;     // a request is out on the port
    reg                 busy_write_reg;
    reg                 last_write_reg;

    // A channel is taken while its holding register is free and its
    // response is not outstanding: one transaction per direction at a time.
    assign s_axil_awready = !aw_full_reg && !bvalid_reg;
    assign s_axil_wready  = !w_full_reg && !bvalid_reg;
    assign s_axil_arready = !ar_full_reg && !rvalid_reg;
    assign s_axil_bresp   = 2'b00;
    assign s_axil_bvalid  = bvalid_reg;
    assign s_axil_rresp   = 2'b00;
    assign s_axil_rvalid  = rvalid_reg;
    assign s_axil_rdata   = rdata_reg;

    wire wr_ready = aw_full_reg && w_full_reg && !bvalid_reg;
    wire rd_ready = ar_full_reg && !rvalid_reg;
    // Start a request when idle; alternate when both directions wait.
    wire start_wr = !busy_reg && wr_ready && (!rd_ready || !last_write_reg);
    wire start_rd = !busy_reg && rd_ready && !start_wr;

    assign req_valid = busy_reg;
    assign req_write = busy_write_reg;
    assign req_addr  = busy_write_reg ? aw_addr_reg : ar_addr_reg;
    assign req_wdata = w_data_reg;
    assign req_wstrb = w_strb_reg;

    wire done = busy_reg && req_ready;

    always @(posedge clk) begin
        if (rst) begin
            aw_full_reg <= 1'b0;
            w_full_reg <= 1'b0;
            ar_full_reg <= 1'b0;
            bvalid_reg <= 1'b0;
            rvalid_reg <= 1'b0;
            busy_reg <= 1'b0;
            busy_write_reg <= 1'b0;
            last_write_reg <= 1'b0;
        end else begin
            if (s_axil_awvalid && s_axil_awready) begin
                aw_addr_reg <= s_axil_awaddr;
                aw_full_reg <= 1'b1;
            end
            if (s_axil_wvalid && s_axil_wready) begin
                w_data_reg <= s_axil_wdata;
                w_strb_reg <= s_axil_wstrb;
                w_full_reg <= 1'b1;
            end
            if (s_axil_arvalid && s_axil_arready) begin
                ar_addr_reg <= s_axil_araddr;
                ar_full_reg <= 1'b1;
            end
            if (start_wr || start_rd) begin
                busy_reg <= 1'b1;
                busy_write_reg <= start_wr;
                last_write_reg <= start_wr;
            end
            if (done) begin
                busy_reg <= 1'b0;
                if (busy_write_reg) begin
                    aw_full_reg <= 1'b0;
                    w_full_reg <= 1'b0;
                    bvalid_reg <= 1'b1;
                end else begin
                    ar_full_reg <= 1'b0;
                    rvalid_reg <= 1'b1;
                    rdata_reg <= req_rdata;
                end
            end
            if (bvalid_reg && s_axil_bready)
                bvalid_reg <= 1'b0;
            if (rvalid_reg && s_axil_rready)
                rvalid_reg <= 1'b0;
        end
    end

endmodule

`default_nettype wire
