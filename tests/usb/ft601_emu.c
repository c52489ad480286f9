/* ft601_emu.c - an FT601 board under umockdev: the usbfs ioctls libusb
 * issues (SUBMITURB, REAPURB[NDELAY], DISCARDURB, CLEAR_HALT, claims,
 * control requests) answered from the FT601's pipes, behind which the
 * board's protocol engine (firmware/proto) drives the golden board. So the
 * host sees the bytes the firmware would send, through real libusb. Or any
 * other backend behind the FIFO (ft601_emu_start_backend): the Verilated
 * board RTL behind the FT601 bus model (ft601_rtl.cpp). */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include <linux/usbdevice_fs.h>
#include <umockdev.h>

#include <nlut/regs.h>
#include <nlut/stream.h>

#include "board.h"
#include "ft601_emu.h"
#include "transport.h"

#define DEVNODE "/dev/bus/usb/001/002"
#define EP_SESSION 0x01
#define EP_OUT 0x02
#define EP_IN 0x82
#define TX_BYTES (256u * 1024u)
#define SCRATCH_BYTES (16u * 1024u)
#define MAX_REQS 64

/*
 * FT601 descriptors as a SuperSpeed host reads them: interface 0 holds the
 * session pipe (bulk OUT 0x01) and the notification pipe (interrupt IN
 * 0x81), interface 1 channel 1 (bulk OUT 0x02, bulk IN 0x82), 1024-byte
 * packets, each endpoint followed by its SuperSpeed companion.
 */
static const char descriptors[] =
	"12010003000000090304" "1f600000" "010203" "01"
	"09024f00" "020100" "8032"
	"0904000002ffffff00"
	"07050102000400" "063000000000"
	"07058103400009" "063000004000"
	"0904010002ffffff00"
	"07050202000400" "06300f000000"
	"07058202000400" "06300f000000";

struct urb_ent {
	UMockdevIoctlData *data;   /* the urb: a reference held until reaped */
	struct usbdevfs_urb *urb;  /* its local copy; buffer points to a local copy too */
	int done;                  /* OUT bytes the board has taken */
	int rolled;                /* faults drawn for it */
	int stall;                 /* drawn: ends in a stall */
	gint64 ready_at;           /* delayed completion */
};

struct ft601_emu {
	UMockdevTestbed *tb;
	UMockdevIoctlBase *handler;
	GMutex lock;
	/* the board */
	void *golden;
	struct nlut_board board;
	struct nlut_stream_shape shape;
	uint8_t *in_bits;
	uint64_t avail;            /* results the golden board holds */
	struct nlut_engine eng;
	uint8_t *rx, *tx, *scratch;
	struct ft601_backend be;   /* what stands behind the FIFO: the engine, or another */
	/* the FT601 */
	GQueue out_q, in_q, other_q, done_q;
	uint32_t reqs[MAX_REQS];   /* read requests for 0x82, oldest first */
	unsigned n_reqs;
	int halted_in, halted_out;
	int unplugged;
	int corrupt_in, corrupt_out;
	struct ft601_faults f;
	struct ft601_stats st;
	uint64_t rng;
};

/* ---- the board: engine callbacks over the golden board ---- */

static int b_read32(void *user, uint32_t off, uint32_t *v)
{
	struct ft601_emu *e = user;

	return nlut_transport_golden.read32(e->golden, off, v) ? NLUT_WIRE_ERR_OFFSET : 0;
}

static int b_write32(void *user, uint32_t off, uint32_t v)
{
	struct ft601_emu *e = user;

	if (off == NLUT_CTRL_REG_OFFSET && (v >> NLUT_CTRL_RESET_BIT & 1u))
		e->avail = 0; /* the golden board drops its results */
	return nlut_transport_golden.write32(e->golden, off, v) ? NLUT_WIRE_ERR_OFFSET : 0;
}

static int b_push(void *user, const uint8_t *rec, uint32_t n)
{
	struct ft601_emu *e = user;
	int err = nlut_transport_golden.send(e->golden, rec, (size_t)n * e->shape.in_record);

	if (err == NLUT_ERROR_BUSY)
		return NLUT_WIRE_ERR_BUSY;
	if (err)
		return NLUT_WIRE_ERR_LENGTH;
	e->avail += n;
	return 0;
}

static uint32_t b_pull(void *user, uint8_t *buf, uint32_t max)
{
	struct ft601_emu *e = user;
	uint32_t k = e->avail < max ? (uint32_t)e->avail : max;

	if (!k || nlut_transport_golden.recv(e->golden, buf, (size_t)k * e->shape.out_record, 0))
		return 0;
	e->avail -= k;
	return k;
}

/* ---- the default backend: the protocol engine ---- */

static size_t eng_rx(void *user, const uint8_t *p, size_t n)
{
	return nlut_engine_rx(&((struct ft601_emu *)user)->eng, p, n);
}

static void eng_poll(void *user)
{
	nlut_engine_poll(&((struct ft601_emu *)user)->eng);
}

static size_t eng_pending(void *user)
{
	return nlut_engine_tx_pending(&((struct ft601_emu *)user)->eng);
}

static size_t eng_read(void *user, uint8_t *out, size_t max)
{
	return nlut_engine_tx_read(&((struct ft601_emu *)user)->eng, out, max);
}

/* ---- the FT601's pipes ---- */

static uint32_t rnd(struct ft601_emu *e, uint32_t n)
{
	e->rng ^= e->rng << 13;
	e->rng ^= e->rng >> 7;
	e->rng ^= e->rng << 17;
	return n ? (uint32_t)(e->rng % n) : 0;
}

static int chance(struct ft601_emu *e, unsigned per_mille)
{
	return per_mille && rnd(e, 1000) < per_mille;
}

static void finish(struct ft601_emu *e, struct urb_ent *u, int status, int actual, gint64 ready_at)
{
	u->urb->status = status;
	u->urb->actual_length = actual;
	u->ready_at = ready_at;
	g_queue_push_tail(&e->done_q, u);
}

/* Read requests arrive on the session pipe: 20 bytes, idx, pipe, cmd,
 * two reserved bytes, length, eight reserved bytes. */
static void session_write(struct ft601_emu *e, struct urb_ent *u)
{
	const uint8_t *p = u->urb->buffer;

	if (u->urb->buffer_length != 20 || !p) {
		e->st.bad_requests++;
		finish(e, u, -EPIPE, 0, 0);
		return;
	}
	if (p[5] == 1 && p[4] == EP_IN && e->n_reqs < MAX_REQS) {
		e->reqs[e->n_reqs++] = (uint32_t)p[8] | (uint32_t)p[9] << 8 | (uint32_t)p[10] << 16 |
				       (uint32_t)p[11] << 24;
		e->st.read_requests++;
	} else {
		e->st.bad_requests++;
	}
	finish(e, u, 0, 20, 0);
}

static void control(struct ft601_emu *e, struct urb_ent *u)
{
	static const char *strings[] = { NULL, "FTDI", "FTDI SuperSpeed-FIFO Bridge", FT601_EMU_SERIAL };
	uint8_t *p = u->urb->buffer;
	int want = u->urb->buffer_length - 8;

	if (!p || want < 0)
		goto stall;
	unsigned type = p[3], idx = p[2];

	if (p[0] != 0x80 || p[1] != 6 || type != 3 || idx > 3)
		goto stall;
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
stall:
	finish(e, u, -EPIPE, 0, 0);
}

/* Move data as far as it goes: OUT transfers into the engine, results
 * into RESULTS frames, queued frames into IN transfers the host asked for. */
static void pump(struct ft601_emu *e)
{
	gint64 now = g_get_monotonic_time();
	struct urb_ent *u;

	while (!e->halted_out && (u = g_queue_peek_head(&e->out_q))) {
		uint8_t *p = u->urb->buffer;
		int left = u->urb->buffer_length - u->done;

		if (!u->rolled) {
			u->rolled = 1;
			u->stall = chance(e, e->f.stall_out);
			if (e->corrupt_out && left > 0) {
				e->corrupt_out = 0;
				p[u->done + (left > 40 ? 30 : left - 1)] ^= 0x10;
				e->st.corrupted_out++;
			}
		}
		if (u->stall) {
			/* A stall part-way: the board took some, the host resends the rest. */
			int k = left > 1 ? (int)rnd(e, (uint32_t)left) : 0;

			k = (int)e->be.rx(e->be.user, p + u->done, (size_t)k);
			u->done += k;
			e->st.bytes_out += (uint64_t)k;
			g_queue_pop_head(&e->out_q);
			e->halted_out = 1;
			e->st.stalls_out++;
			finish(e, u, -EPIPE, u->done, 0);
			break;
		}
		size_t k = e->be.rx(e->be.user, p + u->done, (size_t)left);

		u->done += (int)k;
		e->st.bytes_out += k;
		if (u->done < u->urb->buffer_length) {
			e->be.poll(e->be.user);
			if (!k)
				break; /* back-pressure: the host must read first */
			continue;
		}
		g_queue_pop_head(&e->out_q);
		finish(e, u, 0, u->done, 0);
	}
	e->be.poll(e->be.user);
	while (!e->halted_in && !e->f.mute && e->n_reqs && (u = g_queue_peek_head(&e->in_q))) {
		uint32_t len = e->reqs[0];
		gint64 at = now;

		if (!u->rolled) {
			u->rolled = 1;
			u->stall = e->f.stall_in_always || chance(e, e->f.stall_in);
			if (chance(e, e->f.delay_in)) {
				u->ready_at = now + 1 + rnd(e, e->f.delay_max_us ? e->f.delay_max_us : 1000);
				e->st.delayed_in++;
			}
		}
		if (u->ready_at > at)
			at = u->ready_at;
		if (u->stall) {
			g_queue_pop_head(&e->in_q);
			memmove(e->reqs, e->reqs + 1, --e->n_reqs * sizeof(e->reqs[0]));
			e->halted_in = 1;
			e->st.stalls_in++;
			finish(e, u, -EPIPE, 0, at);
			break;
		}
		size_t n = e->be.tx_pending(e->be.user);
		int zlp = chance(e, e->f.zlp_in);

		if (!n && !zlp)
			break; /* nothing to send: the transfer waits */
		if (n > (size_t)u->urb->buffer_length)
			n = (size_t)u->urb->buffer_length;
		if (n > len)
			n = len;
		if (zlp) {
			n = 0;
			e->st.zlp_in++;
		} else if (n > 1 && chance(e, e->f.short_in)) {
			n = 1 + rnd(e, (uint32_t)n - 1);
			e->st.short_in++;
		}
		n = e->be.tx_read(e->be.user, u->urb->buffer, n);
		if (e->corrupt_in && n) {
			e->corrupt_in = 0;
			/* Inside a frame, off the sync bytes: a CRC error. */
			((uint8_t *)u->urb->buffer)[n > 64 ? n / 2 + 17 : n - 1] ^= 0x04;
			e->st.corrupted_in++;
		}
		e->st.bytes_in += n;
		g_queue_pop_head(&e->in_q);
		memmove(e->reqs, e->reqs + 1, --e->n_reqs * sizeof(e->reqs[0]));
		finish(e, u, 0, (int)n, at);
		e->be.poll(e->be.user);
	}
}

static void unplug_all(struct ft601_emu *e)
{
	GQueue *qs[] = { &e->out_q, &e->in_q, &e->other_q };
	struct urb_ent *u;

	for (int i = 0; i < 3; i++)
		while ((u = g_queue_pop_head(qs[i])))
			finish(e, u, -ENODEV, 0, 0);
}

/* ---- usbfs ---- */

static void submit_urb(struct ft601_emu *e, UMockdevIoctlClient *c)
{
	UMockdevIoctlData *arg = umockdev_ioctl_client_get_arg(c);
	UMockdevIoctlData *d = umockdev_ioctl_data_resolve(arg, 0, sizeof(struct usbdevfs_urb), NULL);
	struct usbdevfs_urb *urb;
	struct urb_ent *u;

	if (!d) {
		umockdev_ioctl_client_complete(c, -1, EFAULT);
		return;
	}
	if (e->unplugged) {
		g_object_unref(d);
		umockdev_ioctl_client_complete(c, -1, ENODEV);
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
	} else if (urb->type != USBDEVFS_URB_TYPE_BULK) {
		g_queue_push_tail(&e->other_q, u);
	} else if (urb->endpoint == EP_SESSION) {
		session_write(e, u);
	} else if (urb->endpoint == EP_OUT) {
		e->st.urbs_out++;
		g_queue_push_tail(&e->out_q, u);
	} else if (urb->endpoint == EP_IN) {
		e->st.urbs_in++;
		g_queue_push_tail(&e->in_q, u);
	} else {
		g_queue_push_tail(&e->other_q, u);
	}
	umockdev_ioctl_client_complete(c, 0, 0);
}

static void reap_urb(struct ft601_emu *e, UMockdevIoctlClient *c)
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

static void discard_urb(struct ft601_emu *e, UMockdevIoctlClient *c)
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
	struct ft601_emu *e = user;
	gulong req = umockdev_ioctl_client_get_request(c);

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

		/* An xHCI host: one URB per transfer, whatever its size. */
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

static struct ft601_emu *emu_new(uint64_t seed)
{
	struct ft601_emu *e = g_new0(struct ft601_emu, 1);

	g_mutex_init(&e->lock);
	g_queue_init(&e->out_q);
	g_queue_init(&e->in_q);
	g_queue_init(&e->other_q);
	g_queue_init(&e->done_q);
	e->rng = seed | 1;
	return e;
}

/* The device node, served by on_ioctl, and the device's sysfs entry. */
static int emu_attach(struct ft601_emu *e)
{
	GError *err = NULL;
	char dev[4096];

	e->tb = umockdev_testbed_new();
	e->handler = umockdev_ioctl_base_new();
	g_signal_connect(e->handler, "handle-ioctl", G_CALLBACK(on_ioctl), e);
	/* The handler first, so the device node is served from the start. */
	if (!umockdev_testbed_attach_ioctl(e->tb, DEVNODE, e->handler, &err)) {
		fprintf(stderr, "ft601_emu: attach %s: %s\n", DEVNODE, err->message);
		return -1;
	}
	snprintf(dev, sizeof(dev),
		 "P: /devices/pci0000:00/0000:00:14.0/usb1/1-1\n"
		 "N: bus/usb/001/002\n"
		 "E: SUBSYSTEM=usb\nE: DRIVER=usb\nE: BUSNUM=001\nE: DEVNUM=002\n"
		 "E: DEVNAME=" DEVNODE "\nE: DEVTYPE=usb_device\n"
		 "A: bConfigurationValue=1\\n\nA: busnum=1\\n\nA: devnum=2\\n\n"
		 "A: speed=5000\\n\nA: serial=" FT601_EMU_SERIAL "\\n\n"
		 "A: idVendor=0403\\n\nA: idProduct=601f\\n\n"
		 "H: descriptors=%s\n", descriptors);
	if (!umockdev_testbed_add_from_string(e->tb, dev, &err)) {
		fprintf(stderr, "ft601_emu: add device: %s\n", err->message);
		return -1;
	}
	return 0;
}

int ft601_emu_start_backend(const struct ft601_backend *be, uint64_t seed, struct ft601_emu **out)
{
	struct ft601_emu *e = emu_new(seed);

	e->be = *be;
	if (emu_attach(e))
		return -1;
	*out = e;
	return 0;
}

int ft601_emu_start(const char *boards_dir, const char *board, const nlut_model *m, uint64_t seed,
		    struct ft601_emu **out)
{
	struct ft601_emu *e = emu_new(seed);
	struct nlut_device_opts o;
	unsigned long sb, mb, sc;

	nlut_device_opts_init(&o);
	uint32_t ni = nlut_model_num_inputs(m);

	e->in_bits = g_malloc(ni);
	for (uint32_t i = 0; i < ni; i++)
		e->in_bits[i] = nlut_model_quant(m)[i].bits;
	if (nlut_board_load(boards_dir, board, &e->board) ||
	    nlut_board_get_uint(&e->board, "s_bytes", 8, &sb) ||
	    nlut_board_get_uint(&e->board, "m_bytes", 8, &mb) ||
	    nlut_board_get_uint(&e->board, "scores", 1, &sc) ||
	    nlut_transport_golden.open(&e->board, m, &o, &e->golden)) {
		fprintf(stderr, "ft601_emu: board %s: %s\n", board, nlut_error_detail());
		return -1;
	}
	e->shape = (struct nlut_stream_shape){ .n_inputs = ni, .in_bits = e->in_bits,
					       .n_classes = nlut_model_num_classes(m),
					       .s_bytes = (unsigned)sb, .m_bytes = (unsigned)mb,
					       .scores = sc != 0 };
	if (nlut_stream_shape_init(&e->shape)) {
		fprintf(stderr, "ft601_emu: %s\n", nlut_error_detail());
		return -1;
	}
	e->rx = g_malloc(NLUT_WIRE_OVERHEAD + NLUT_WIRE_MAX_PAYLOAD);
	e->tx = g_malloc(TX_BYTES);
	e->scratch = g_malloc(SCRATCH_BYTES);
	struct nlut_engine_config cfg = {
		.in_record = (uint32_t)e->shape.in_record, .out_record = (uint32_t)e->shape.out_record,
		.reg_space = NLUT_REG_SPACE_SIZE,
		.rx_buf = e->rx, .rx_cap = NLUT_WIRE_OVERHEAD + NLUT_WIRE_MAX_PAYLOAD,
		.tx_buf = e->tx, .tx_cap = TX_BYTES, .scratch = e->scratch, .scratch_cap = SCRATCH_BYTES,
	};
	struct nlut_engine_ops ops = { b_read32, b_write32, b_push, b_pull, e };

	if (nlut_engine_init(&e->eng, &cfg, &ops)) {
		fprintf(stderr, "ft601_emu: engine configuration refused\n");
		return -1;
	}
	e->be = (struct ft601_backend){ eng_rx, eng_poll, eng_pending, eng_read, e };
	if (emu_attach(e))
		return -1;
	*out = e;
	return 0;
}

void ft601_emu_stop(struct ft601_emu *e)
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
	if (e->golden)
		nlut_transport_golden.close(e->golden);
	g_free(e->in_bits);
	g_free(e->rx);
	g_free(e->tx);
	g_free(e->scratch);
	g_mutex_clear(&e->lock);
	g_free(e);
}

void ft601_emu_set_faults(struct ft601_emu *e, const struct ft601_faults *f)
{
	g_mutex_lock(&e->lock);
	e->f = *f;
	g_mutex_unlock(&e->lock);
}

void ft601_emu_corrupt_out(struct ft601_emu *e)
{
	g_mutex_lock(&e->lock);
	e->corrupt_out = 1;
	g_mutex_unlock(&e->lock);
}

void ft601_emu_corrupt_in(struct ft601_emu *e)
{
	g_mutex_lock(&e->lock);
	e->corrupt_in = 1;
	g_mutex_unlock(&e->lock);
}

void ft601_emu_unplug(struct ft601_emu *e, int unplugged)
{
	g_mutex_lock(&e->lock);
	e->unplugged = unplugged;
	if (unplugged) {
		unplug_all(e);
	} else {
		/* Plugged back: the bridge starts afresh, the board keeps going. */
		e->halted_in = e->halted_out = 0;
		e->n_reqs = 0;
	}
	g_mutex_unlock(&e->lock);
}

void ft601_emu_stats(struct ft601_emu *e, struct ft601_stats *s)
{
	g_mutex_lock(&e->lock);
	*s = e->st;
	s->engine = e->eng.st;
	g_mutex_unlock(&e->lock);
}
