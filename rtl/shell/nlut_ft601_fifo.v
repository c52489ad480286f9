// nlut_ft601_fifo.v - the FPGA side of an FTDI FT601's 245 synchronous FIFO bus (one channel,
// 32-bit), clocked by the FT601's 100 MHz CLK (docs/ft601.md). Every bus output is a register.
//
//   read  (host -> FPGA): RXF_N low says the FT601 holds data. OE_N goes low first (the FT601
//         then drives DATA and BE), RD_N one cycle later; a word moves at each rising edge where
//         OE_N, RD_N and RXF_N are all low. BE marks its valid bytes (a partial word ends a USB
//         transfer). A burst starts only when the receive FIFO has room for every word that can
//         still arrive before RD_N rises again, and ends when RXF_N rises or room runs short;
//         OE_N rises with RD_N, and one idle cycle follows before the FPGA drives the bus.
//   write (FPGA -> host): TXE_N low says the FT601 has room. The FPGA drives DATA and BE and
//         lowers WR_N; a word moves at each rising edge where WR_N and TXE_N are low. A word
//         presented at an edge where TXE_N is high is not taken: WR_N rises at once (the FPGA
//         saw TXE_N with that edge) and the same word is presented again when TXE_N falls.
//   The FPGA never drives DATA/BE while OE_N is low. Reads and writes take turns when both wait.
//
// The received words ({BE, DATA}) go to m_rx_* (the write side of an nlut_async_fifo, with its
// free count); the words to send come from s_tx_* (the read side of another).
`default_nettype none

module nlut_ft601_fifo (
    input  wire        ft_clk,
    input  wire        rst,                 // synchronous to ft_clk

    // the FT601's bus (tristates in the board's top)
    input  wire [31:0] ft_data_i,
    output reg  [31:0] ft_data_o,
    input  wire [3:0]  ft_be_i,
    output reg  [3:0]  ft_be_o,
    output reg         ft_data_oe = 1'b0,   // the FPGA drives DATA and BE (idle at configuration)
    input  wire        ft_rxf_n,
    input  wire        ft_txe_n,
    output reg         ft_oe_n = 1'b1,
    output reg         ft_rd_n = 1'b1,
    output reg         ft_wr_n = 1'b1,

    // received words {BE, DATA}
    output reg  [35:0] m_rx_tdata,
    output reg         m_rx_tvalid,
    input  wire [5:0]  m_rx_free,           // words the receive FIFO can still take

    // words to send {BE, DATA}
    input  wire [35:0] s_tx_tdata,
    input  wire        s_tx_tvalid,
    output wire        s_tx_tready,

    output reg  [15:0] rx_overrun           // words received with no room (never, by design)
);

    localparam [1:0] S_IDLE = 2'd0, S_OE = 2'd1, S_RD = 2'd2, S_WR = 2'd3;
    reg [1:0] st;
    reg       turn;                         // one idle cycle after the FT601 drove the bus
    reg       last_rd;                      // the last burst was a read: a waiting write goes first
    reg       hold_v;                       // ft_data_o / ft_be_o hold a word to send

    // Words not yet counted in m_rx_free when RD_N is decided for the next edge: the one
    // m_rx_tdata holds now, the one captured at this edge, and the one at the next edge.
    wire room     = m_rx_free >= 6'd3;
    wire rx_word  = st == S_RD && !ft_rd_n && !ft_rxf_n;
    wire accepted = st == S_WR && !ft_wr_n && !ft_txe_n;
    wire hold_nx  = hold_v && !accepted;    // the word still to send after this edge
    assign s_tx_tready = !hold_nx;
    wire load     = s_tx_tvalid && !hold_nx;
    wire have_wr  = hold_nx || load;        // a word to present after this edge
    wire want_rd  = !ft_rxf_n && room;
    wire want_wr  = hold_v && !ft_txe_n;

    always @(posedge ft_clk) begin
        m_rx_tvalid <= rx_word;
        if (rx_word) m_rx_tdata <= {ft_be_i, ft_data_i};
        if (load) begin
            ft_data_o <= s_tx_tdata[31:0];
            ft_be_o   <= s_tx_tdata[35:32];
        end
        if (rst) begin
            st          <= S_IDLE;
            turn        <= 1'b1;
            last_rd     <= 1'b0;
            hold_v      <= 1'b0;
            ft_oe_n     <= 1'b1;
            ft_rd_n     <= 1'b1;
            ft_wr_n     <= 1'b1;
            ft_data_oe  <= 1'b0;
            m_rx_tvalid <= 1'b0;
            rx_overrun  <= 16'd0;
        end else begin
            hold_v <= have_wr;
            if (m_rx_tvalid && m_rx_free == 6'd0) rx_overrun <= rx_overrun + 1'b1;
            case (st)
            S_IDLE: begin
                turn <= 1'b0;
                if (!turn && want_rd && !(last_rd && want_wr)) begin
                    ft_data_oe <= 1'b0;
                    ft_oe_n    <= 1'b0;
                    st         <= S_OE;
                end else if (!turn && want_wr) begin
                    ft_data_oe <= 1'b1;
                    ft_wr_n    <= 1'b0;
                    st         <= S_WR;
                end
            end
            S_OE: begin                     // OE_N low for one edge: the FT601 drives the bus
                if (want_rd) begin
                    ft_rd_n <= 1'b0;
                    st      <= S_RD;
                end else begin
                    ft_oe_n <= 1'b1;
                    turn    <= 1'b1;
                    st      <= S_IDLE;
                end
            end
            S_RD: begin
                if (want_rd) begin
                    ft_rd_n <= 1'b0;
                end else begin
                    ft_rd_n <= 1'b1;
                    ft_oe_n <= 1'b1;
                    turn    <= 1'b1;
                    last_rd <= 1'b1;
                    st      <= S_IDLE;
                end
            end
            S_WR: begin
                if (!ft_txe_n && have_wr && !want_rd) begin   // a waiting read goes next
                    ft_wr_n <= 1'b0;
                end else begin
                    ft_wr_n    <= 1'b1;
                    ft_data_oe <= 1'b0;
                    last_rd    <= 1'b0;
                    st         <= S_IDLE;
                end
            end
            default: st <= S_IDLE;
            endcase
        end
    end

endmodule

`default_nettype wire
