/* ice40_board.h - the iCE40-HX8K Breakout Board's Verilated top (boards/ice40-hx8k/top.v, built
 * by `boards/ice40-hx8k/build --emu`) on a thread of its own, seen from the FT2232H's channel B:
 * bytes written go into the board's RX pin bit by bit at the line's baud rate, bytes the board
 * sends on its TX pin are read back. Simulated time runs while the line is busy and a while after,
 * then waits for the next byte. C API for the emulated FT2232H (tests/ftdi/ft2232h_emu.c). */
#ifndef NLUT_ICE40_BOARD_H
#define NLUT_ICE40_BOARD_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct ice40_board;

struct ice40_board_stats {
	uint64_t cycles;          /* board clock cycles simulated */
	uint64_t bytes_in, bytes_out;
	uint64_t framing_errors;  /* bytes from the board with a low stop bit */
	uint64_t dropped_out;     /* bytes from the board lost to a full buffer */
	double sim_seconds;       /* wall time spent simulating */
};

/* Start the board (its power-on reset and boot run first): clock in Hz, the
 * FT2232H's buffer for each direction in bytes. NULL when out of memory. */
struct ice40_board *ice40_board_new(unsigned clk_hz, size_t buffer);
void ice40_board_free(struct ice40_board *b);
/* The line's rate as the FT2232H is set: cycles per bit = clk / baud, rounded. */
void ice40_board_set_baud(struct ice40_board *b, unsigned baud);
/* Host to board: queue up to n bytes; returns how many fit the buffer. */
size_t ice40_board_write(struct ice40_board *b, const uint8_t *p, size_t n);
/* Board to host: up to max bytes received so far. */
size_t ice40_board_read(struct ice40_board *b, uint8_t *p, size_t max);
size_t ice40_board_readable(struct ice40_board *b);
/* Drop what waits in the buffer towards the board / towards the host. */
void ice40_board_purge(struct ice40_board *b, int to_board, int to_host);
void ice40_board_stats(struct ice40_board *b, struct ice40_board_stats *s);

#ifdef __cplusplus
}
#endif

#endif /* NLUT_ICE40_BOARD_H */
