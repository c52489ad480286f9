// nlut_wire_bridge.v - the board side of the wire protocol (docs/wire-protocol.md) in logic, on
// a byte stream: bytes from the host are parsed into frames that are checked (sync, length, CRC-32,
// sequence number) before they act; REG_READ / REG_WRITE become AXI4-Lite accesses to the shell and
// are answered with REG_VALUE; a VECTORS payload is held in a buffer of 2**VBUF_BITS words until its
// CRC is known good and then streamed into the shell as input records; every result record the
// shell emits leaves as one RESULTS frame. Errors are answered with ERROR frames naming the frame.
// One byte per clock each way. The links wrap it: nlut_uart_bridge (a UART, docs/ice40.md) and
// nlut_ft601_bridge (an FT601 245 FIFO, docs/ft601.md). Every frame it sends is 16 + 4k bytes.
`default_nettype none

module nlut_wire_bridge #(
    parameter integer IN_BEATS     = 1,     // 32-bit beats per input record
    parameter integer OUT_BEATS    = 2,     // 32-bit beats per result record
    parameter integer VBUF_BITS    = 7      // VECTORS payload buffer: 2**VBUF_BITS words
) (
    input  wire        clk,
    input  wire        rst,

    // bytes from the host, in order
    input  wire [7:0]  s_byte_tdata,
    input  wire        s_byte_tvalid,
    output wire        s_byte_tready,

    // bytes to the host, in order
    output wire [7:0]  m_byte_tdata,
    output wire        m_byte_tvalid,
    input  wire        m_byte_tready,

    // AXI4-Lite master to the shell's register window (11-bit offsets)
    output reg  [10:0] m_axil_awaddr,
    output reg         m_axil_awvalid,
    input  wire        m_axil_awready,
    output reg  [31:0] m_axil_wdata,
    output wire [3:0]  m_axil_wstrb,
    output reg         m_axil_wvalid,
    input  wire        m_axil_wready,
    input  wire [1:0]  m_axil_bresp,
    input  wire        m_axil_bvalid,
    output reg         m_axil_bready,
    output reg  [10:0] m_axil_araddr,
    output reg         m_axil_arvalid,
    input  wire        m_axil_arready,
    input  wire [31:0] m_axil_rdata,
    input  wire [1:0]  m_axil_rresp,
    input  wire        m_axil_rvalid,
    output reg         m_axil_rready,

    // input records to the shell, 32-bit beats
    output wire [31:0] m_axis_tdata,
    output wire        m_axis_tlast,
    output reg         m_axis_tvalid,
    input  wire        m_axis_tready,

    // result records from the shell, 32-bit beats
    input  wire [31:0] s_axis_tdata,
    input  wire        s_axis_tlast,
    input  wire        s_axis_tvalid,
    output wire        s_axis_tready,

    output reg  [15:0] frames_refused       // ERROR frames sent
);

    localparam [7:0] T_REG_READ = 8'h01, T_REG_WRITE = 8'h02, T_VECTORS = 8'h03;
    localparam [7:0] T_REG_VALUE = 8'h81, T_RESULTS = 8'h83, T_ERROR = 8'hFF;
    localparam [7:0] E_CRC = 8'd1, E_SEQ = 8'd2, E_TYPE = 8'd3, E_LENGTH = 8'd4, E_OFFSET = 8'd5;
    localparam integer VBUF_BYTES = 4 << VBUF_BITS;
    localparam integer REC_BYTES  = 4 * IN_BEATS;
    localparam integer RES_LEN_I  = 4 * OUT_BEATS;
    localparam [15:0]  RES_LEN    = RES_LEN_I[15:0];
    localparam [16:0]  VBUF_LEN   = VBUF_BYTES[16:0];
    localparam [16:0]  REC_LEN    = REC_BYTES[16:0];
    localparam integer PB         = $clog2(IN_BEATS + 1);
    localparam integer LAST_I     = IN_BEATS - 1;
    localparam [PB-1:0] LAST_BEAT = LAST_I[PB-1:0];

    function [31:0] crc_byte(input [31:0] c, input [7:0] b);
        integer i;
        reg [31:0] x;
        begin
            x = c ^ {24'h0, b};
            for (i = 0; i < 8; i = i + 1)
                x = (x >> 1) ^ (x[0] ? 32'hEDB88320 : 32'h0);
            crc_byte = x;
        end
    endfunction

    assign m_axil_wstrb = 4'hF;

    wire [7:0] q_byte  = s_byte_tdata;
    wire       q_valid = s_byte_tvalid;
    reg        q_pop;
    assign s_byte_tready = q_pop;

    // ---------------- frame parser ----------------
    localparam [3:0] P_SYNC0 = 4'd0, P_SYNC1 = 4'd1, P_HDR = 4'd2, P_PAY = 4'd3, P_CRC = 4'd4,
                     P_CHECK = 4'd5, P_AXW = 4'd6, P_AXR = 4'd7, P_PUSH_RD = 4'd8, P_PUSH = 4'd9,
                     P_ANSWER = 4'd10;
    reg [3:0]  p_state;
    reg [3:0]  p_idx;                       // header / CRC byte index
    reg [31:0] p_crc;                       // running CRC register (not inverted)
    reg        p_crc_bad;                  // a received CRC byte differed
    reg [7:0]  p_type;
    reg [15:0] p_seq;
    reg [16:0] p_len;                       // payload length, bits 16:0
    reg        p_len_big;                   // a length bit above 16 is set
    reg [16:0] p_left;                      // payload bytes still to come
    reg [63:0] p_pay;                       // register frames' payload
    reg [VBUF_BITS:0] p_words;              // VECTORS payload words
    reg [15:0] p_expect;                    // next host sequence number
    reg        p_dropped;                   // a frame was dropped: take the next number as it comes
    reg        p_aw_done, p_w_done;

    // the answer handed to the transmitter
    reg        ans_valid;
    reg [7:0]  ans_type;
    reg [15:0] ans_seq;
    reg [63:0] ans_pay;
    wire       ans_done;                    // the transmitter sent the answer's last byte

    // VECTORS buffer (block RAM), written word by word, read one word per beat
    reg [31:0] vbuf [0:(1 << VBUF_BITS) - 1];
    reg [31:0] vbuf_q;
    reg [VBUF_BITS-1:0] vb_waddr, vb_raddr;
    reg [31:0] vb_word;
    reg        vb_we;
    reg [VBUF_BITS:0] push_left;
    reg [PB-1:0] push_beat;

    always @(posedge clk) begin
        if (vb_we) vbuf[vb_waddr] <= vb_word;
        vbuf_q <= vbuf[vb_raddr];
    end

    assign m_axis_tdata = vbuf_q;
    assign m_axis_tlast = push_beat == LAST_BEAT;

    wire [7:0]  b      = q_byte;
    wire        take   = q_valid && (p_state == P_SYNC0 || p_state == P_SYNC1 || p_state == P_HDR ||
                                     p_state == P_CRC || (p_state == P_PAY && len_ok && p_left != 0));
    wire [31:0] crc_nx = crc_byte(p_crc, b);
    wire        len_ok = !p_len_big &&
                        (p_type == T_REG_READ  ? p_len == 17'd4 :
                         p_type == T_REG_WRITE ? p_len == 17'd8 :
                         p_type == T_VECTORS   ? (p_len != 0 && p_len <= VBUF_LEN && p_len % REC_LEN == 17'd0) :
                                                 (p_len <= VBUF_LEN && p_len[1:0] == 2'b00));
    wire [31:0] crc_fin = ~p_crc;
    wire [31:0] offset = p_type == T_REG_READ ? p_pay[63:32] : p_pay[31:0];

    always @* q_pop = take;

    task answer(input [7:0] t, input [31:0] w0, input [31:0] w1);
        begin
            ans_valid <= 1'b1;
            ans_type  <= t;
            ans_seq   <= p_seq;
            ans_pay   <= {w1, w0};
            p_state   <= P_ANSWER;
            if (t == T_ERROR) frames_refused <= frames_refused + 1'b1;
        end
    endtask

    always @(posedge clk) begin
        vb_we <= 1'b0;
        if (ans_done) ans_valid <= 1'b0;
        if (rst) begin
            p_state        <= P_SYNC0;
            p_expect       <= 16'd0;
            p_dropped      <= 1'b0;
            ans_valid      <= 1'b0;
            m_axil_awvalid <= 1'b0;
            m_axil_wvalid  <= 1'b0;
            m_axil_bready  <= 1'b0;
            m_axil_arvalid <= 1'b0;
            m_axil_rready  <= 1'b0;
            m_axis_tvalid  <= 1'b0;
            frames_refused <= 16'd0;
        end else begin
            case (p_state)
            P_SYNC0: if (take && b == 8'h4E) begin
                p_crc   <= crc_byte(32'hFFFFFFFF, b);
                p_state <= P_SYNC1;
            end
            P_SYNC1: if (take) begin
                if (b == 8'h57) begin
                    p_crc   <= crc_nx;
                    p_idx   <= 4'd2;
                    p_state <= P_HDR;
                end else if (b == 8'h4E) begin
                    p_crc <= crc_byte(32'hFFFFFFFF, b);
                end else begin
                    p_state <= P_SYNC0;
                end
            end
            P_HDR: if (take) begin
                p_crc <= crc_nx;
                p_idx <= p_idx + 1'b1;
                case (p_idx)
                4'd2:  p_type <= b;
                4'd4:  p_seq[7:0] <= b;
                4'd5:  p_seq[15:8] <= b;
                4'd8:  p_len[7:0] <= b;
                4'd9:  p_len[15:8] <= b;
                4'd10: begin p_len[16] <= b[0]; p_len_big <= b[7:1] != 7'd0; end
                4'd11: if (b != 8'd0) p_len_big <= 1'b1;
                default: ;
                endcase
                if (p_idx == 4'd11) begin
                    p_left  <= p_len;                // checked (len_ok) before use
                    p_crc_bad <= 1'b0;
                    p_pay   <= 64'h0;
                    p_words <= 0;
                    p_state <= P_PAY;
                    p_idx   <= 4'd0;
                end
            end
            P_PAY: begin
                if (!len_ok) begin
                    p_dropped <= 1'b1;
                    answer(T_ERROR, {24'h0, E_LENGTH}, {16'h0, p_seq});
                end else if (p_left == 0) begin
                    p_state <= P_CRC;
                end else if (take) begin
                    p_crc  <= crc_nx;
                    p_left <= p_left - 1'b1;
                    p_pay  <= {b, p_pay[63:8]};
                    if (p_left[1:0] == 2'd1) begin  // the fourth byte of a word
                        vb_we    <= 1'b1;
                        vb_waddr <= p_words[VBUF_BITS-1:0];
                        vb_word  <= {b, p_pay[63:40]};
                        p_words  <= p_words + 1'b1;
                    end
                end
            end
            P_CRC: if (take) begin
                if (b != crc_fin[8 * p_idx[1:0] +: 8]) p_crc_bad <= 1'b1;
                p_idx   <= p_idx + 1'b1;
                if (p_idx == 4'd3) p_state <= P_CHECK;
            end
            P_CHECK: begin
                if (p_crc_bad) begin
                    p_dropped <= 1'b1;
                    answer(T_ERROR, {24'h0, E_CRC}, {16'h0, p_seq});
                end else if (!(p_seq == p_expect || p_dropped || p_seq == 16'd0)) begin
                    answer(T_ERROR, {24'h0, E_SEQ}, {16'h0, p_seq});
                end else begin
                    p_expect  <= p_seq + 1'b1;
                    p_dropped <= 1'b0;
                    if (p_type == T_VECTORS) begin
                        vb_raddr  <= 0;
                        push_left <= p_words;
                        push_beat <= 0;
                        p_state   <= P_PUSH_RD;
                    end else if (p_type != T_REG_READ && p_type != T_REG_WRITE) begin
                        answer(T_ERROR, {24'h0, E_TYPE}, {16'h0, p_seq});
                    end else if (offset[1:0] != 2'b00 || offset >= 32'h800) begin
                        answer(T_ERROR, {24'h0, E_OFFSET}, {16'h0, p_seq});
                    end else if (p_type == T_REG_WRITE) begin
                        m_axil_awaddr  <= offset[10:0];
                        m_axil_wdata   <= p_pay[63:32];
                        m_axil_awvalid <= 1'b1;
                        m_axil_wvalid  <= 1'b1;
                        p_aw_done      <= 1'b0;
                        p_w_done       <= 1'b0;
                        p_state        <= P_AXW;
                    end else begin
                        m_axil_araddr  <= offset[10:0];
                        m_axil_arvalid <= 1'b1;
                        m_axil_rready  <= 1'b1;
                        p_state        <= P_AXR;
                    end
                end
            end
            P_AXW: begin
                if (m_axil_awvalid && m_axil_awready) begin
                    m_axil_awvalid <= 1'b0;
                    p_aw_done      <= 1'b1;
                end
                if (m_axil_wvalid && m_axil_wready) begin
                    m_axil_wvalid <= 1'b0;
                    p_w_done      <= 1'b1;
                end
                if (p_aw_done && p_w_done) m_axil_bready <= 1'b1;
                if (m_axil_bready && m_axil_bvalid) begin
                    m_axil_bready <= 1'b0;
                    answer(T_REG_VALUE, offset, p_pay[63:32]);
                end
            end
            P_AXR: begin
                if (m_axil_arvalid && m_axil_arready) m_axil_arvalid <= 1'b0;
                if (m_axil_rready && m_axil_rvalid) begin
                    m_axil_rready <= 1'b0;
                    answer(T_REG_VALUE, offset, m_axil_rdata);
                end
            end
            P_PUSH_RD: begin                // vbuf_q holds word vb_raddr next cycle
                if (push_left == 0) begin
                    p_state <= P_SYNC0;
                end else begin
                    m_axis_tvalid <= 1'b1;
                    p_state       <= P_PUSH;
                end
            end
            P_PUSH: if (m_axis_tready) begin
                m_axis_tvalid <= 1'b0;
                vb_raddr      <= vb_raddr + 1'b1;
                push_left     <= push_left - 1'b1;
                push_beat     <= m_axis_tlast ? 0 : push_beat + 1'b1;
                p_state       <= P_PUSH_RD;
            end
            P_ANSWER: if (!ans_valid) p_state <= P_SYNC0;
            default: p_state <= P_SYNC0;
            endcase
        end
    end

    // ---------------- transmit: answers first, then one RESULTS frame per record ----------------
    reg        t_active, t_res;
    localparam integer TW = $clog2(RES_LEN + 17);   // frame byte index bits
    reg [TW-1:0] t_idx;
    reg [31:0] t_crc;
    reg [15:0] res_seq;

    wire [7:0]  t_type   = t_res ? T_RESULTS : ans_type;
    wire [15:0] t_seq    = t_res ? res_seq : ans_seq;
    wire [TW-1:0] t_len  = t_res ? RES_LEN[TW-1:0] : 8;
    localparam [TW-1:0] T12 = 12;
    wire [TW-1:0] t_pidx_w = t_idx - T12;            // payload byte index
    wire [TW-1:0] t_cidx_w = t_idx - T12 - t_len;    // CRC byte index
    wire [2:0]  t_pidx = t_pidx_w[2:0];
    wire [1:0]  t_cidx = t_cidx_w[1:0];
    wire        t_in_pay = t_idx >= 12 && t_idx < 12 + t_len;
    wire        t_in_crc = t_idx >= 12 + t_len;
    wire [31:0] t_crcout = ~t_crc;
    reg  [7:0]  t_byte;
    always @* begin
        case (t_idx)
        0:       t_byte = 8'h4E;
        1:       t_byte = 8'h57;
        2:       t_byte = t_type;
        4:       t_byte = t_seq[7:0];
        5:       t_byte = t_seq[15:8];
        8:       t_byte = {{(8 - TW){1'b0}}, t_len};
        default: t_byte = 8'h00;
        endcase
        if (t_in_pay)
            t_byte = t_res ? s_axis_tdata[8 * t_pidx[1:0] +: 8] : ans_pay[8 * t_pidx[2:0] +: 8];
        if (t_in_crc)
            t_byte = t_crcout[8 * t_cidx[1:0] +: 8];
    end

    wire t_valid = t_active && !(t_res && t_in_pay && !s_axis_tvalid);
    wire t_fire  = t_valid && t_ready;
    assign s_axis_tready = t_fire && t_res && t_in_pay && t_pidx[1:0] == 2'd3;
    assign ans_done      = t_fire && !t_res && t_idx == t_len + 15;

    assign m_byte_tdata  = t_byte;
    assign m_byte_tvalid = t_valid;
    wire   t_ready       = m_byte_tready;

    always @(posedge clk) begin
        if (rst) begin
            t_active <= 1'b0;
            res_seq  <= 16'd0;
        end else if (!t_active) begin
            t_idx <= 0;
            t_crc <= 32'hFFFFFFFF;
            if (ans_valid) begin
                t_active <= 1'b1;
                t_res    <= 1'b0;
            end else if (s_axis_tvalid) begin
                t_active <= 1'b1;
                t_res    <= 1'b1;
            end
        end else if (t_fire) begin
            if (!t_in_crc) t_crc <= crc_byte(t_crc, t_byte);
            t_idx <= t_idx + 1'b1;
            if (t_idx == t_len + 15) begin
                t_active <= 1'b0;
                if (t_res) res_seq <= res_seq + 1'b1;
            end
        end
    end

    /* verilator lint_off UNUSED */
    wire unused = &{1'b0, m_axil_bresp, m_axil_rresp, s_axis_tlast, t_pidx_w, t_cidx_w};
    /* verilator lint_on UNUSED */

endmodule

`default_nettype wire
