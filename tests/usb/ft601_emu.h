/* ft601_emu.h - an FT601 board emulated under umockdev: usbfs ioctls on
 * /dev/bus/usb/001/002 served by the board's protocol engine
 * (firmware/proto) over the golden board, or by another backend behind the
 * FT601's FIFO (the Verilated board RTL, ft601_rtl.h), with injectable
 * faults. The process must run under umockdev's preload (umockdev-wrapper). */
#ifndef NLUT_FT601_EMU_H
#define NLUT_FT601_EMU_H

#include <stddef.h>
#include <stdint.h>

#include <nlut/model.h>

#include "nlut_engine.h"

#define FT601_EMU_SERIAL "NLUT0A71"

/* Chances are per mille, drawn per IN (or OUT) transfer. */
struct ft601_faults {
	unsigned stall_in;      /* IN transfer ends in a STALL, no data */
	unsigned stall_out;     /* OUT transfer stalls before the board takes it all */
	unsigned short_in;      /* IN transfer ends early (short packet) */
	unsigned zlp_in;        /* IN transfer ends with no data at all */
	unsigned delay_in;      /* IN transfer completes late */
	unsigned delay_max_us;
	int stall_in_always;    /* every IN transfer stalls (a wedged board) */
	int mute;               /* the board stops answering: IN transfers pend */
};

struct ft601_stats {
	uint64_t urbs_in, urbs_out, read_requests, bad_requests;
	uint64_t stalls_in, stalls_out, clear_halts, short_in, zlp_in, delayed_in;
	uint64_t discards, bytes_in, bytes_out, corrupted_in, corrupted_out;
	struct nlut_engine_stats engine;
};

struct ft601_emu;

/* What stands behind the FT601's FIFO, called under the emulator's lock:
 * rx takes up to n bytes from the host and returns how many (fewer: back-
 * pressure); poll lets the board work; tx_pending / tx_read give the bytes
 * it has for the host. */
struct ft601_backend {
	size_t (*rx)(void *user, const uint8_t *data, size_t n);
	void (*poll)(void *user);
	size_t (*tx_pending)(void *user);
	size_t (*tx_read)(void *user, uint8_t *out, size_t max);
	void *user;
};

/* Create the testbed and the device for model m on board `board` of
 * boards_dir (its s_bytes, m_bytes, scores, board_id). 0, or -1 with a
 * message on stderr (a test harness may print). */
int ft601_emu_start(const char *boards_dir, const char *board, const nlut_model *m, uint64_t seed,
		    struct ft601_emu **out);
/* The same device with `be` behind the FIFO (no engine, no golden board). */
int ft601_emu_start_backend(const struct ft601_backend *be, uint64_t seed, struct ft601_emu **out);
void ft601_emu_stop(struct ft601_emu *e);

void ft601_emu_set_faults(struct ft601_emu *e, const struct ft601_faults *f);
/* Flip one byte of the next data the board receives / sends. */
void ft601_emu_corrupt_out(struct ft601_emu *e);
void ft601_emu_corrupt_in(struct ft601_emu *e);
/* Unplug (every pending transfer ends with ENODEV, every call fails) or
 * plug back in (the board itself keeps its state). */
void ft601_emu_unplug(struct ft601_emu *e, int unplugged);
void ft601_emu_stats(struct ft601_emu *e, struct ft601_stats *s);

#endif /* NLUT_FT601_EMU_H */
