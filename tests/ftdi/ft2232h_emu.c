/* ft2232h_emu.c - an FT2232H under umockdev (ft2232h_emu.h): the usbfs ioctls
 * libusb issues (SUBMITURB, REAPURB[NDELAY], DISCARDURB, CLEAR_HALT, claims,
 * control requests) answered as the chip answers them on channel B. Its
 * vendor requests set the line (the baud divisor decoded here from FTDI's
 * encoding, independently of the host's encoder); bulk OUT bytes go into the
 * board's RX pin; the board's TX bytes come back on bulk IN in 512-byte
 * packets, each opened by the two modem-status bytes, sent when 510 bytes
 * are waiting or the latency timer runs out (then with whatever there is,
 * a bare status packet when nothing). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ft2232h_emu.h"
#include "usbfs_emu.h"

#define EP_OUT 0x04
#define EP_IN 0x83
#define CHANNEL_B 2
#define PACKET 512
#define STATUS0 0x31  /* modem status: CTS, DSR, the chip's low nibble */
#define STATUS1 0x60  /* line status: transmitter empty */
#define BUFFER 4096   /* the FT2232H's buffer per direction */

/*
 * The FT2232H's descriptors at high speed: two vendor-class interfaces,
 * channel A (bulk IN 0x81, OUT 0x02) and channel B (bulk IN 0x83, OUT
 * 0x04), 512-byte packets; bcdDevice 7.00 marks the FT2232H.
 */
static const char descriptors[] =
	"12010002000000400304" "1060" "0007" "010203" "01"
	"09023700020100" "8032"
	"0904000002ffffff02"
	"07058102000200"
	"07050202000200"
	"0904010002ffffff02"
	"07058302000200"
	"07050402000200";

struct ft2232h_emu {
	struct usbfs_emu u;        /* the device, its pipes and its lock */
	struct ice40_board *board;
	unsigned clk_hz;
	int line_ok;               /* 8N1, no flow control, UART mode: bytes reach the FPGA */
	gint64 last_packet;        /* when the last IN packet left: the latency timer */
	struct ft2232h_faults f;
	struct ft2232h_stats st;
};

/* SIO_SET_BAUD_RATE's divisor: 14 bits of integer, 3 of eighths (coded),
 * bit 17 the 120 MHz / 10 clock (else 48 MHz / 16). */
static unsigned decode_baud(unsigned value, unsigned index)
{
	static const unsigned eighths[8] = { 0, 4, 2, 1, 3, 5, 6, 7 };
	uint32_t div = value | (uint32_t)(index >> 8 & 0xFF) << 16;
	uint64_t base = div & 0x20000 ? 12000000u : 3000000u;
	uint64_t d8 = (uint64_t)(div & 0x3FFF) * 8 + eighths[div >> 14 & 7];

	if (d8 == 0)
		d8 = 8;        /* divisor 1 */
	else if (d8 == 8)
		d8 = 12;       /* 1 means 1.5 */
	return (unsigned)(base * 8 / d8);
}

static void update_line(struct ft2232h_emu *e)
{
	e->line_ok = e->st.data == 0x0008 && e->st.flow == 0 && e->st.bitmode == 0 && e->st.baud;
	ice40_board_set_baud(e->board, e->st.baud);
}

/* Vendor requests on channel B; string descriptors. */
static void control(void *chip, struct usbfs_urb *u)
{
	static const char *const strings[] = { NULL, "FTDI", "Dual RS232-HS", FT2232H_EMU_SERIAL };
	struct ft2232h_emu *e = chip;
	uint8_t *p = u->urb->buffer;
	int want = u->urb->buffer_length - 8;

	if (!p || want < 0)
		goto stall;
	unsigned req = p[1], value = p[2] | p[3] << 8, index = p[4] | p[5] << 8;

	if (p[0] == 0x40) {
		if ((index & 0xFF) != CHANNEL_B) {
			e->st.bad_requests++;
			goto stall;
		}
		switch (req) {
		case 0x00: /* SIO_RESET */
			if (value == 0) {
				e->st.resets++;
			} else if (value == 1) {
				ice40_board_purge(e->board, 1, 0);
				e->st.purges_to_uart++;
			} else if (value == 2) {
				ice40_board_purge(e->board, 0, 1);
				e->st.purges_to_host++;
			} else {
				goto bad;
			}
			break;
		case 0x02: /* SIO_SET_FLOW_CTRL: the mode in wIndex's high byte */
			e->st.flow = index >> 8;
			break;
		case 0x03: /* SIO_SET_BAUD_RATE */
			e->st.baud = decode_baud(value, index);
			break;
		case 0x04: /* SIO_SET_DATA */
			e->st.data = value;
			break;
		case 0x09: /* SIO_SET_LATENCY_TIMER */
			if (value < 1 || value > 255)
				goto bad;
			e->st.latency_ms = value;
			break;
		case 0x0B: /* SIO_SET_BITMODE: mode in the high byte */
			e->st.bitmode_set = 1;
			e->st.bitmode = value >> 8;
			break;
		default:
			goto bad;
		}
		update_line(e);
		usbfs_emu_finish(&e->u, u, 0, 0, 0);
		return;
	}
	if (!usbfs_emu_string(&e->u, u, strings, 4))
		return;
bad:
	e->st.bad_requests++;
stall:
	usbfs_emu_finish(&e->u, u, -EPIPE, 0, 0);
}

/* Fill an IN transfer: whole packets of 2 status bytes and 510 of data. */
static int fill_in(struct ft2232h_emu *e, struct usbfs_urb *u, size_t data)
{
	uint8_t *p = u->urb->buffer;
	int len = 0;

	do {
		size_t k = data < PACKET - 2 ? data : PACKET - 2;

		p[len] = STATUS0;
		p[len + 1] = STATUS1;
		k = ice40_board_read(e->board, p + len + 2, k);
		len += 2 + (int)k;
		data -= k;
		e->st.bytes_in += k;
		if (!k)
			e->st.status_only_in++;
		if (k < PACKET - 2)
			break; /* a short packet ends the transfer */
	} while (len + PACKET <= u->urb->buffer_length && data);
	return len;
}

/* Move data as far as it goes: OUT transfers into the chip's buffer
 * towards the FPGA, the FPGA's bytes into IN transfers. */
static void pump(void *chip)
{
	struct ft2232h_emu *e = chip;
	struct usbfs_emu *b = &e->u;
	gint64 now = g_get_monotonic_time();
	struct usbfs_urb *u;

	while (!b->halted_out && (u = g_queue_peek_head(&b->out_q))) {
		uint8_t *p = u->urb->buffer;
		int left = u->urb->buffer_length - u->done;

		if (!u->rolled) {
			u->rolled = 1;
			u->stall = usbfs_emu_chance(b, e->f.stall_out);
		}
		if (u->stall) {
			/* A stall part-way: the chip took some, the host resends the rest. */
			int k = left > 1 ? (int)usbfs_emu_rnd(b, (uint32_t)left) : 0;

			if (e->line_ok)
				k = (int)ice40_board_write(e->board, p + u->done, (size_t)k);
			e->st.bytes_out += (uint64_t)k;
			e->st.stalls_out++;
			usbfs_emu_stall_out(b, u, k);
			break;
		}
		/* A line the FPGA cannot read (wrong format, waiting for CTS,
		 * not a UART): the chip still takes the bytes. */
		size_t k = e->line_ok ? ice40_board_write(e->board, p + u->done, (size_t)left) : (size_t)left;

		u->done += (int)k;
		e->st.bytes_out += k;
		if (u->done < u->urb->buffer_length)
			break; /* the chip's buffer is full: the transfer waits */
		g_queue_pop_head(&b->out_q);
		usbfs_emu_finish(b, u, 0, u->done, 0);
	}
	if (e->f.mute) {
		uint8_t sink[256];

		while (ice40_board_read(e->board, sink, sizeof(sink)))
			;
	}
	while (!b->halted_in && (u = g_queue_peek_head(&b->in_q))) {
		size_t avail = ice40_board_readable(e->board);
		int full = u->urb->buffer_length / PACKET;
		gint64 at = now, latency = (gint64)(e->st.latency_ms ? e->st.latency_ms : 16) * 1000;

		if (full < 1) {
			g_queue_pop_head(&b->in_q);
			usbfs_emu_finish(b, u, -EOVERFLOW, 0, now);
			continue;
		}
		/* The chip sends when a packet is full or its latency timer expires. */
		if (avail < (size_t)full * (PACKET - 2) && now - e->last_packet < latency)
			break;
		if (!u->rolled) {
			u->rolled = 1;
			u->stall = usbfs_emu_chance(b, e->f.stall_in);
			if (usbfs_emu_delay(b, u, now, e->f.delay_in, e->f.delay_max_us))
				e->st.delayed_in++;
		}
		if (u->ready_at > at)
			at = u->ready_at;
		e->last_packet = now;
		if (u->stall) {
			e->st.stalls_in++;
			usbfs_emu_stall_in(b, u, at);
			break;
		}
		g_queue_pop_head(&b->in_q);
		usbfs_emu_finish(b, u, 0, fill_in(e, u, avail), at);
	}
}

/* ---- setup ---- */

int ft2232h_emu_start(unsigned clk_hz, uint64_t seed, struct ft2232h_emu **out)
{
	static const struct usbfs_dev dev = {
		.name = "ft2232h_emu", .port = "1-2", .devnum = 3, .speed = 480,
		.serial = FT2232H_EMU_SERIAL, .vid = 0x0403, .pid = 0x6010,
		.descriptors = descriptors, .ep_out = EP_OUT, .ep_in = EP_IN,
	};
	struct ft2232h_emu *e = g_new0(struct ft2232h_emu, 1);
	struct usbfs_chip chip = { control, NULL, pump, e };

	usbfs_emu_init(&e->u, &dev, &chip, seed);
	e->clk_hz = clk_hz;
	/* The chip's defaults before a host sets it up. */
	e->st.data = 0x0008;
	e->st.latency_ms = 16;
	if (!(e->board = ice40_board_new(clk_hz, BUFFER))) {
		fprintf(stderr, "ft2232h_emu: no memory for the board\n");
		return -1;
	}
	if (usbfs_emu_attach(&e->u))
		return -1;
	*out = e;
	return 0;
}

void ft2232h_emu_stop(struct ft2232h_emu *e)
{
	if (!e)
		return;
	usbfs_emu_fini(&e->u);
	ice40_board_free(e->board);
	g_free(e);
}

void ft2232h_emu_set_faults(struct ft2232h_emu *e, const struct ft2232h_faults *f)
{
	g_mutex_lock(&e->u.lock);
	e->f = *f;
	g_mutex_unlock(&e->u.lock);
}

void ft2232h_emu_unplug(struct ft2232h_emu *e, int unplugged)
{
	g_mutex_lock(&e->u.lock);
	usbfs_emu_set_unplugged(&e->u, unplugged);
	g_mutex_unlock(&e->u.lock);
}

void ft2232h_emu_stats(struct ft2232h_emu *e, struct ft2232h_stats *s)
{
	g_mutex_lock(&e->u.lock);
	*s = e->st;
	s->urbs_in = e->u.n.urbs_in;
	s->urbs_out = e->u.n.urbs_out;
	s->clear_halts = e->u.n.clear_halts;
	s->discards = e->u.n.discards;
	g_mutex_unlock(&e->u.lock);
	ice40_board_stats(e->board, &s->board);
}
