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
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include <linux/usbdevice_fs.h>
#include <umockdev.h>

#include "ft2232h_emu.h"

#define DEVNODE "/dev/bus/usb/001/003"
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

struct urb_ent {
	UMockdevIoctlData *data;   /* the urb: a reference held until reaped */
	struct usbdevfs_urb *urb;
	int done;                  /* OUT bytes the chip has taken */
	int rolled, stall;
	gint64 ready_at;
};

struct ft2232h_emu {
	UMockdevTestbed *tb;
	UMockdevIoctlBase *handler;
	GMutex lock;
	struct ice40_board *board;
	unsigned clk_hz;
	GQueue out_q, in_q, other_q, done_q;
	int halted_in, halted_out, unplugged;
	int line_ok;               /* 8N1, no flow control, UART mode: bytes reach the FPGA */
	gint64 last_packet;        /* when the last IN packet left: the latency timer */
	struct ft2232h_faults f;
	struct ft2232h_stats st;
	uint64_t rng;
};

static uint32_t rnd(struct ft2232h_emu *e, uint32_t n)
{
	e->rng ^= e->rng << 13;
	e->rng ^= e->rng >> 7;
	e->rng ^= e->rng << 17;
	return n ? (uint32_t)(e->rng % n) : 0;
}

static int chance(struct ft2232h_emu *e, unsigned per_mille)
{
	return per_mille && rnd(e, 1000) < per_mille;
}

static void finish(struct ft2232h_emu *e, struct urb_ent *u, int status, int actual, gint64 ready_at)
{
	u->urb->status = status;
	u->urb->actual_length = actual;
	u->ready_at = ready_at;
	g_queue_push_tail(&e->done_q, u);
}

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
static void control(struct ft2232h_emu *e, struct urb_ent *u)
{
	static const char *strings[] = { NULL, "FTDI", "Dual RS232-HS", FT2232H_EMU_SERIAL };
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
		finish(e, u, 0, 0, 0);
		return;
	}
	if (p[0] != 0x80 || req != 6 || p[3] != 3 || p[2] > 3)
		goto bad;
	unsigned idx = p[2];
	uint8_t d[64];
	int n;

	if (idx == 0) {
		n = 4;
		memcpy(d, "\x04\x03\x09\x04", 4);
	} else {
		size_t k = strlen(strings[idx]);

		n = (int)(2 + 2 * k);
		d[0] = (uint8_t)n;
		d[1] = 3;
		for (size_t i = 0; i < k; i++) {
			d[2 + 2 * i] = (uint8_t)strings[idx][i];
			d[3 + 2 * i] = 0;
		}
	}
	if (n > want)
		n = want;
	memcpy(p + 8, d, (size_t)n);
	finish(e, u, 0, n, 0);
	return;
bad:
	e->st.bad_requests++;
stall:
	finish(e, u, -EPIPE, 0, 0);
}

/* Fill an IN transfer: whole packets of 2 status bytes and 510 of data. */
static int fill_in(struct ft2232h_emu *e, struct urb_ent *u, size_t data)
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
static void pump(struct ft2232h_emu *e)
{
	gint64 now = g_get_monotonic_time();
	struct urb_ent *u;

	while (!e->halted_out && (u = g_queue_peek_head(&e->out_q))) {
		uint8_t *p = u->urb->buffer;
		int left = u->urb->buffer_length - u->done;

		if (!u->rolled) {
			u->rolled = 1;
			u->stall = chance(e, e->f.stall_out);
		}
		if (u->stall) {
			/* A stall part-way: the chip took some, the host resends the rest. */
			int k = left > 1 ? (int)rnd(e, (uint32_t)left) : 0;

			if (e->line_ok)
				k = (int)ice40_board_write(e->board, p + u->done, (size_t)k);
			u->done += k;
			e->st.bytes_out += (uint64_t)k;
			g_queue_pop_head(&e->out_q);
			e->halted_out = 1;
			e->st.stalls_out++;
			finish(e, u, -EPIPE, u->done, 0);
			break;
		}
		/* A line the FPGA cannot read (wrong format, waiting for CTS,
		 * not a UART): the chip still takes the bytes. */
		size_t k = e->line_ok ? ice40_board_write(e->board, p + u->done, (size_t)left) : (size_t)left;

		u->done += (int)k;
		e->st.bytes_out += k;
		if (u->done < u->urb->buffer_length)
			break; /* the chip's buffer is full: the transfer waits */
		g_queue_pop_head(&e->out_q);
		finish(e, u, 0, u->done, 0);
	}
	if (e->f.mute) {
		uint8_t sink[256];

		while (ice40_board_read(e->board, sink, sizeof(sink)))
			;
	}
	while (!e->halted_in && (u = g_queue_peek_head(&e->in_q))) {
		size_t avail = ice40_board_readable(e->board);
		int full = u->urb->buffer_length / PACKET;
		gint64 at = now, latency = (gint64)(e->st.latency_ms ? e->st.latency_ms : 16) * 1000;

		if (full < 1) {
			g_queue_pop_head(&e->in_q);
			finish(e, u, -EOVERFLOW, 0, now);
			continue;
		}
		/* The chip sends when a packet is full or its latency timer expires. */
		if (avail < (size_t)full * (PACKET - 2) && now - e->last_packet < latency)
			break;
		if (!u->rolled) {
			u->rolled = 1;
			u->stall = chance(e, e->f.stall_in);
			if (chance(e, e->f.delay_in)) {
				u->ready_at = now + 1 + rnd(e, e->f.delay_max_us ? e->f.delay_max_us : 1000);
				e->st.delayed_in++;
			}
		}
		if (u->ready_at > at)
			at = u->ready_at;
		g_queue_pop_head(&e->in_q);
		e->last_packet = now;
		if (u->stall) {
			e->halted_in = 1;
			e->st.stalls_in++;
			finish(e, u, -EPIPE, 0, at);
			break;
		}
		finish(e, u, 0, fill_in(e, u, avail), at);
	}
}

static void unplug_all(struct ft2232h_emu *e)
{
	GQueue *qs[] = { &e->out_q, &e->in_q, &e->other_q };
	struct urb_ent *u;

	for (int i = 0; i < 3; i++)
		while ((u = g_queue_pop_head(qs[i])))
			finish(e, u, -ENODEV, 0, 0);
}

/* ---- usbfs ---- */

static void submit_urb(struct ft2232h_emu *e, UMockdevIoctlClient *c)
{
	UMockdevIoctlData *arg = umockdev_ioctl_client_get_arg(c);
	UMockdevIoctlData *d = umockdev_ioctl_data_resolve(arg, 0, sizeof(struct usbdevfs_urb), NULL);
	struct usbdevfs_urb *urb;
	struct urb_ent *u;

	if (!d) {
		umockdev_ioctl_client_complete(c, -1, EFAULT);
		return;
	}
	urb = (struct usbdevfs_urb *)d->data;
	if (urb->buffer_length > 0) {
		UMockdevIoctlData *b = umockdev_ioctl_data_resolve(d, offsetof(struct usbdevfs_urb, buffer),
								   (gsize)urb->buffer_length, NULL);

		if (b)
			g_object_unref(b); /* the urb keeps it as a child */
	}
	u = g_new0(struct urb_ent, 1);
	u->data = d;
	u->urb = urb;
	if (urb->type == USBDEVFS_URB_TYPE_CONTROL) {
		control(e, u);
	} else if (urb->type == USBDEVFS_URB_TYPE_BULK && urb->endpoint == EP_OUT) {
		e->st.urbs_out++;
		g_queue_push_tail(&e->out_q, u);
	} else if (urb->type == USBDEVFS_URB_TYPE_BULK && urb->endpoint == EP_IN) {
		e->st.urbs_in++;
		g_queue_push_tail(&e->in_q, u);
	} else {
		g_queue_push_tail(&e->other_q, u); /* channel A: nothing there */
	}
	umockdev_ioctl_client_complete(c, 0, 0);
}

static void reap_urb(struct ft2232h_emu *e, UMockdevIoctlClient *c)
{
	UMockdevIoctlData *arg = umockdev_ioctl_client_get_arg(c);
	struct urb_ent *u;

	if (!e->unplugged)
		pump(e);
	u = g_queue_peek_head(&e->done_q);
	if (!u || u->ready_at > g_get_monotonic_time()) {
		umockdev_ioctl_client_complete(c, -1, e->unplugged && !u ? ENODEV : EAGAIN);
		return;
	}
	g_queue_pop_head(&e->done_q);
	UMockdevIoctlData *ptr = umockdev_ioctl_data_resolve(arg, 0, sizeof(void *), NULL);

	if (!ptr) {
		umockdev_ioctl_client_complete(c, -1, EFAULT);
	} else {
		umockdev_ioctl_data_set_ptr(ptr, 0, u->data);
		umockdev_ioctl_client_complete(c, 0, 0);
		g_object_unref(ptr);
	}
	g_object_unref(u->data);
	g_free(u);
}

static gint by_addr(gconstpointer a, gconstpointer addr)
{
	return ((const struct urb_ent *)a)->data->client_addr != (gulong)addr;
}

static void discard_urb(struct ft2232h_emu *e, UMockdevIoctlClient *c)
{
	UMockdevIoctlData *arg = umockdev_ioctl_client_get_arg(c);
	gulong addr = *(gulong *)arg->data;
	GQueue *qs[] = { &e->out_q, &e->in_q, &e->other_q };

	for (int i = 0; i < 3; i++) {
		GList *l = g_queue_find_custom(qs[i], (gconstpointer)addr, by_addr);

		if (l) {
			struct urb_ent *u = l->data;

			g_queue_delete_link(qs[i], l);
			e->st.discards++;
			finish(e, u, -ENOENT, u->done, 0);
			umockdev_ioctl_client_complete(c, 0, 0);
			return;
		}
	}
	umockdev_ioctl_client_complete(c, -1, EINVAL); /* already completed */
}

static gboolean on_ioctl(UMockdevIoctlBase *h, UMockdevIoctlClient *c, gpointer user)
{
	struct ft2232h_emu *e = user;
	gulong req = umockdev_ioctl_client_get_request(c);

	(void)h;
	g_mutex_lock(&e->lock);
	if (e->unplugged && req != USBDEVFS_REAPURB && req != USBDEVFS_REAPURBNDELAY &&
	    req != USBDEVFS_DISCARDURB && req != USBDEVFS_RELEASEINTERFACE) {
		umockdev_ioctl_client_complete(c, -1, ENODEV);
	} else if (req == USBDEVFS_SUBMITURB) {
		submit_urb(e, c);
	} else if (req == USBDEVFS_REAPURB || req == USBDEVFS_REAPURBNDELAY) {
		reap_urb(e, c);
	} else if (req == USBDEVFS_DISCARDURB) {
		discard_urb(e, c);
	} else if (req == USBDEVFS_GET_CAPABILITIES) {
		UMockdevIoctlData *d = umockdev_ioctl_data_resolve(umockdev_ioctl_client_get_arg(c), 0,
								   sizeof(guint32), NULL);

		*(guint32 *)d->data = USBDEVFS_CAP_BULK_SCATTER_GATHER | USBDEVFS_CAP_NO_PACKET_SIZE_LIM |
				      USBDEVFS_CAP_REAP_AFTER_DISCONNECT | USBDEVFS_CAP_ZERO_PACKET;
		g_object_unref(d);
		umockdev_ioctl_client_complete(c, 0, 0);
	} else if (req == USBDEVFS_CLEAR_HALT) {
		UMockdevIoctlData *d = umockdev_ioctl_data_resolve(umockdev_ioctl_client_get_arg(c), 0,
								   sizeof(unsigned int), NULL);
		unsigned ep = d ? *(unsigned int *)d->data : 0;

		if (d)
			g_object_unref(d);
		if (ep == EP_IN)
			e->halted_in = 0;
		if (ep == EP_OUT)
			e->halted_out = 0;
		e->st.clear_halts++;
		umockdev_ioctl_client_complete(c, 0, 0);
	} else if (req == USBDEVFS_CLAIMINTERFACE || req == USBDEVFS_RELEASEINTERFACE ||
		   req == USBDEVFS_SETINTERFACE || req == USBDEVFS_RESETEP || req == USBDEVFS_RESET) {
		umockdev_ioctl_client_complete(c, 0, 0);
	} else if (req == USBDEVFS_GETDRIVER) {
		umockdev_ioctl_client_complete(c, -1, ENODATA); /* no kernel driver bound */
	} else {
		umockdev_ioctl_client_complete(c, -1, ENOTTY);
	}
	g_mutex_unlock(&e->lock);
	return TRUE;
}

/* ---- setup ---- */

int ft2232h_emu_start(unsigned clk_hz, uint64_t seed, struct ft2232h_emu **out)
{
	struct ft2232h_emu *e = g_new0(struct ft2232h_emu, 1);
	GError *err = NULL;
	char dev[4096];

	g_mutex_init(&e->lock);
	g_queue_init(&e->out_q);
	g_queue_init(&e->in_q);
	g_queue_init(&e->other_q);
	g_queue_init(&e->done_q);
	e->rng = seed | 1;
	e->clk_hz = clk_hz;
	/* The chip's defaults before a host sets it up. */
	e->st.data = 0x0008;
	e->st.latency_ms = 16;
	if (!(e->board = ice40_board_new(clk_hz, BUFFER))) {
		fprintf(stderr, "ft2232h_emu: no memory for the board\n");
		return -1;
	}
	e->tb = umockdev_testbed_new();
	e->handler = umockdev_ioctl_base_new();
	g_signal_connect(e->handler, "handle-ioctl", G_CALLBACK(on_ioctl), e);
	if (!umockdev_testbed_attach_ioctl(e->tb, DEVNODE, e->handler, &err)) {
		fprintf(stderr, "ft2232h_emu: attach %s: %s\n", DEVNODE, err->message);
		return -1;
	}
	snprintf(dev, sizeof(dev),
		 "P: /devices/pci0000:00/0000:00:14.0/usb1/1-2\n"
		 "N: bus/usb/001/003\n"
		 "E: SUBSYSTEM=usb\nE: DRIVER=usb\nE: BUSNUM=001\nE: DEVNUM=003\n"
		 "E: DEVNAME=" DEVNODE "\nE: DEVTYPE=usb_device\n"
		 "A: bConfigurationValue=1\\n\nA: busnum=1\\n\nA: devnum=3\\n\n"
		 "A: speed=480\\n\nA: serial=" FT2232H_EMU_SERIAL "\\n\n"
		 "A: idVendor=0403\\n\nA: idProduct=6010\\n\n"
		 "H: descriptors=%s\n", descriptors);
	if (!umockdev_testbed_add_from_string(e->tb, dev, &err)) {
		fprintf(stderr, "ft2232h_emu: add device: %s\n", err->message);
		return -1;
	}
	*out = e;
	return 0;
}

void ft2232h_emu_stop(struct ft2232h_emu *e)
{
	struct urb_ent *u;
	GQueue *qs[] = { &e->out_q, &e->in_q, &e->other_q, &e->done_q };

	if (!e)
		return;
	umockdev_testbed_detach_ioctl(e->tb, DEVNODE, NULL);
	g_object_unref(e->handler);
	g_object_unref(e->tb);
	for (int i = 0; i < 4; i++)
		while ((u = g_queue_pop_head(qs[i]))) {
			g_object_unref(u->data);
			g_free(u);
		}
	ice40_board_free(e->board);
	g_mutex_clear(&e->lock);
	g_free(e);
}

void ft2232h_emu_set_faults(struct ft2232h_emu *e, const struct ft2232h_faults *f)
{
	g_mutex_lock(&e->lock);
	e->f = *f;
	g_mutex_unlock(&e->lock);
}

void ft2232h_emu_unplug(struct ft2232h_emu *e, int unplugged)
{
	g_mutex_lock(&e->lock);
	e->unplugged = unplugged;
	if (unplugged)
		unplug_all(e);
	else
		e->halted_in = e->halted_out = 0;
	g_mutex_unlock(&e->lock);
}

void ft2232h_emu_stats(struct ft2232h_emu *e, struct ft2232h_stats *s)
{
	g_mutex_lock(&e->lock);
	*s = e->st;
	g_mutex_unlock(&e->lock);
	ice40_board_stats(e->board, &s->board);
}
