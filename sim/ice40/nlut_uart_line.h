// nlut_uart_line.h - the far end of a board's 8N1 UART at the pin level, one clock cycle at a
// time: a driver for the board's RX pin and a receiver sampling its TX pin in the middle of each
// bit. Used by the co-simulation (tb_ice40.cpp) and the emulated FT2232H's board (ice40_board.cpp).
#ifndef NLUT_UART_LINE_H
#define NLUT_UART_LINE_H

#include <cstdint>

struct nlut_uart_line {
	int cpb = 12;                  // clock cycles per bit
	int tx_bit = -1, tx_cnt = 0;   // driver: bit being sent (-1 idle), cycles into it
	uint8_t tx_cur = 0;
	int rx_state = -1, rx_cnt = 0; // receiver: bit being sampled (-1 idle)
	uint8_t rx_cur = 0;

	bool tx_idle() const { return tx_bit < 0; }
	bool rx_idle() const { return rx_state < 0; }
	void send(uint8_t b)
	{
		tx_cur = b;
		tx_bit = 0;
		tx_cnt = 0;
	}
	// The level of the board's RX pin for this cycle; the driver moves on one cycle.
	int drive()
	{
		if (tx_bit < 0)
			return 1;
		int level = tx_bit == 0 ? 0 : tx_bit <= 8 ? (tx_cur >> (tx_bit - 1)) & 1 : 1;
		if (++tx_cnt == cpb) {
			tx_cnt = 0;
			if (++tx_bit == 10)
				tx_bit = -1;
		}
		return level;
	}
	// The board's TX pin after this cycle's clock edge: 1 with the byte in *b when its stop bit
	// is sampled high, -1 when low (a framing error), 0 otherwise.
	int sample(int line, uint8_t *b)
	{
		if (rx_state < 0) {
			if (!line) {
				rx_state = 0;
				rx_cnt = cpb / 2;
				rx_cur = 0;
			}
			return 0;
		}
		if (--rx_cnt)
			return 0;
		rx_cnt = cpb;
		if (rx_state == 0 && line) {
			rx_state = -1; // a glitch, not a start bit
			return 0;
		}
		if (rx_state >= 1 && rx_state <= 8)
			rx_cur |= (uint8_t)(line << (rx_state - 1));
		if (rx_state == 9) {
			rx_state = -1;
			*b = rx_cur;
			return line ? 1 : -1;
		}
		rx_state++;
		return 0;
	}
};

#endif // NLUT_UART_LINE_H
