/* ft2232h_emu.h - an FT2232H emulated under umockdev: the usbfs ioctls of
 * /dev/bus/usb/001/003 served in-process, channel B's vendor requests and
 * bulk pipes in front of the iCE40-HX8K board's Verilated top
 * (sim/ice40/ice40_board.h) on its UART pins; faults injectable. The process
 * must run under umockdev's preload (umockdev-wrapper); child processes
 * that inherit it (nlut-run) see the same device. */
#ifndef NLUT_FT2232H_EMU_H
#define NLUT_FT2232H_EMU_H

#include <stdint.h>

#include "ice40_board.h"

#define FT2232H_EMU_SERIAL "NLUT1CE8"

/* Chances are per mille, drawn per IN (or OUT) transfer. */
struct ft2232h_faults {
	unsigned stall_in;      /* IN transfer ends in a STALL, no data */
	unsigned stall_out;     /* OUT transfer stalls after the chip took part of it */
	unsigned delay_in;      /* IN transfer completes late */
	unsigned delay_max_us;
	int mute;               /* the FPGA sends nothing (no bitstream): status packets only */
};

/* What the host asked of channel B, and what moved. */
struct ft2232h_stats {
	uint64_t urbs_in, urbs_out, status_only_in, bytes_in, bytes_out;
	uint64_t stalls_in, stalls_out, delayed_in, clear_halts, discards;
	uint64_t resets, purges_to_uart, purges_to_host, bad_requests;
	unsigned baud;          /* from SIO_SET_BAUD_RATE, 0 before */
	unsigned data;          /* SIO_SET_DATA's value (0x0008: 8N1) */
	unsigned flow;          /* SIO_SET_FLOW_CTRL's wIndex high byte (0: none) */
	unsigned latency_ms;
	int bitmode_set;        /* SIO_SET_BITMODE seen, and its mode */
	unsigned bitmode;
	struct ice40_board_stats board;
};

struct ft2232h_emu;

/* Create the testbed and the device in front of the board (clk_hz: the
 * board's clock). 0, or -1 with a message on stderr. */
int ft2232h_emu_start(unsigned clk_hz, uint64_t seed, struct ft2232h_emu **out);
void ft2232h_emu_stop(struct ft2232h_emu *e);
void ft2232h_emu_set_faults(struct ft2232h_emu *e, const struct ft2232h_faults *f);
/* Unplug (every pending transfer ends with ENODEV, every call fails) or plug back in. */
void ft2232h_emu_unplug(struct ft2232h_emu *e, int unplugged);
void ft2232h_emu_stats(struct ft2232h_emu *e, struct ft2232h_stats *s);

#endif /* NLUT_FT2232H_EMU_H */
