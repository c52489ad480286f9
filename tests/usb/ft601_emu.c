/* ft601_emu.c - an FT601 board under umockdev: the usbfs ioctls libusb
 * issues (SUBMITURB, REAPURB[NDELAY], DISCARDURB, CLEAR_HALT, claims,
 * control requests) answered from the FT601's pipes, behind which the
 * board's protocol engine (firmware/proto) drives the golden board. So the
 * host sees the bytes the firmware would send, through real libusb. Or any
 * other backend behind the FIFO (ft601_emu_start_backend): the Verilated
 * board RTL behind the FT601 bus model (ft601_rtl.cpp). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nlut/regs.h>
#include <nlut/stream.h>

#include "board.h"
#include "ft601_emu.h"
#include "transport.h"
#include "usbfs_emu.h"

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

struct ft601_emu {
	struct usbfs_emu u;        /* the device, its pipes and its lock */
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
	uint32_t reqs[MAX_REQS];   /* read requests for 0x82, oldest first */
	unsigned n_reqs;
	int corrupt_in, corrupt_out;
	struct ft601_faults f;
	struct ft601_stats st;
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

/* Read requests arrive on the session pipe: 20 bytes, idx, pipe, cmd,
 * two reserved bytes, length, eight reserved bytes. */
static int session_write(void *chip, struct usbfs_urb *u)
{
	struct ft601_emu *e = chip;
	const uint8_t *p = u->urb->buffer;

	if (u->urb->endpoint != EP_SESSION)
		return 0;
	if (u->urb->buffer_length != 20 || !p) {
		e->st.bad_requests++;
		usbfs_emu_finish(&e->u, u, -EPIPE, 0, 0);
		return 1;
	}
	if (p[5] == 1 && p[4] == EP_IN && e->n_reqs < MAX_REQS) {
		e->reqs[e->n_reqs++] = (uint32_t)p[8] | (uint32_t)p[9] << 8 | (uint32_t)p[10] << 16 |
				       (uint32_t)p[11] << 24;
		e->st.read_requests++;
	} else {
		e->st.bad_requests++;
	}
	usbfs_emu_finish(&e->u, u, 0, 20, 0);
	return 1;
}

/* String descriptors only. */
static void control(void *chip, struct usbfs_urb *u)
{
	static const char *const strings[] = { NULL, "FTDI", "FTDI SuperSpeed-FIFO Bridge",
					       FT601_EMU_SERIAL };
	struct ft601_emu *e = chip;

	if (usbfs_emu_string(&e->u, u, strings, 4))
		usbfs_emu_finish(&e->u, u, -EPIPE, 0, 0);
}

/* Move data as far as it goes: OUT transfers into the engine, results
 * into RESULTS frames, queued frames into IN transfers the host asked for. */
static void pump(void *chip)
{
	struct ft601_emu *e = chip;
	struct usbfs_emu *b = &e->u;
	gint64 now = g_get_monotonic_time();
	struct usbfs_urb *u;

	while (!b->halted_out && (u = g_queue_peek_head(&b->out_q))) {
		uint8_t *p = u->urb->buffer;
		int left = u->urb->buffer_length - u->done;

		if (!u->rolled) {
			u->rolled = 1;
			u->stall = usbfs_emu_chance(b, e->f.stall_out);
			if (e->corrupt_out && left > 0) {
				e->corrupt_out = 0;
				p[u->done + (left > 40 ? 30 : left - 1)] ^= 0x10;
				e->st.corrupted_out++;
			}
		}
		if (u->stall) {
			/* A stall part-way: the board took some, the host resends the rest. */
			int k = left > 1 ? (int)usbfs_emu_rnd(b, (uint32_t)left) : 0;

			k = (int)e->be.rx(e->be.user, p + u->done, (size_t)k);
			e->st.bytes_out += (uint64_t)k;
			e->st.stalls_out++;
			usbfs_emu_stall_out(b, u, k);
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
		g_queue_pop_head(&b->out_q);
		usbfs_emu_finish(b, u, 0, u->done, 0);
	}
	e->be.poll(e->be.user);
	while (!b->halted_in && !e->f.mute && e->n_reqs && (u = g_queue_peek_head(&b->in_q))) {
		uint32_t len = e->reqs[0];
		gint64 at = now;

		if (!u->rolled) {
			u->rolled = 1;
			u->stall = e->f.stall_in_always || usbfs_emu_chance(b, e->f.stall_in);
			if (usbfs_emu_delay(b, u, now, e->f.delay_in, e->f.delay_max_us))
				e->st.delayed_in++;
		}
		if (u->ready_at > at)
			at = u->ready_at;
		if (u->stall) {
			memmove(e->reqs, e->reqs + 1, --e->n_reqs * sizeof(e->reqs[0]));
			e->st.stalls_in++;
			usbfs_emu_stall_in(b, u, at);
			break;
		}
		size_t n = e->be.tx_pending(e->be.user);
		int zlp = usbfs_emu_chance(b, e->f.zlp_in);

		if (!n && !zlp)
			break; /* nothing to send: the transfer waits */
		if (n > (size_t)u->urb->buffer_length)
			n = (size_t)u->urb->buffer_length;
		if (n > len)
			n = len;
		if (zlp) {
			n = 0;
			e->st.zlp_in++;
		} else if (n > 1 && usbfs_emu_chance(b, e->f.short_in)) {
			n = 1 + usbfs_emu_rnd(b, (uint32_t)n - 1);
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
		g_queue_pop_head(&b->in_q);
		memmove(e->reqs, e->reqs + 1, --e->n_reqs * sizeof(e->reqs[0]));
		usbfs_emu_finish(b, u, 0, (int)n, at);
		e->be.poll(e->be.user);
	}
}

/* ---- setup ---- */

static struct ft601_emu *emu_new(uint64_t seed)
{
	static const struct usbfs_dev dev = {
		.name = "ft601_emu", .port = "1-1", .devnum = 2, .speed = 5000,
		.serial = FT601_EMU_SERIAL, .vid = 0x0403, .pid = 0x601f,
		.descriptors = descriptors, .ep_out = EP_OUT, .ep_in = EP_IN,
	};
	struct ft601_emu *e = g_new0(struct ft601_emu, 1);
	struct usbfs_chip chip = { control, session_write, pump, e };

	usbfs_emu_init(&e->u, &dev, &chip, seed);
	return e;
}

int ft601_emu_start_backend(const struct ft601_backend *be, uint64_t seed, struct ft601_emu **out)
{
	struct ft601_emu *e = emu_new(seed);

	e->be = *be;
	if (usbfs_emu_attach(&e->u))
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
	if (usbfs_emu_attach(&e->u))
		return -1;
	*out = e;
	return 0;
}

void ft601_emu_stop(struct ft601_emu *e)
{
	if (!e)
		return;
	usbfs_emu_fini(&e->u);
	if (e->golden)
		nlut_transport_golden.close(e->golden);
	g_free(e->in_bits);
	g_free(e->rx);
	g_free(e->tx);
	g_free(e->scratch);
	g_free(e);
}

void ft601_emu_set_faults(struct ft601_emu *e, const struct ft601_faults *f)
{
	g_mutex_lock(&e->u.lock);
	e->f = *f;
	g_mutex_unlock(&e->u.lock);
}

void ft601_emu_corrupt_out(struct ft601_emu *e)
{
	g_mutex_lock(&e->u.lock);
	e->corrupt_out = 1;
	g_mutex_unlock(&e->u.lock);
}

void ft601_emu_corrupt_in(struct ft601_emu *e)
{
	g_mutex_lock(&e->u.lock);
	e->corrupt_in = 1;
	g_mutex_unlock(&e->u.lock);
}

void ft601_emu_unplug(struct ft601_emu *e, int unplugged)
{
	g_mutex_lock(&e->u.lock);
	usbfs_emu_set_unplugged(&e->u, unplugged);
	if (!unplugged)
		e->n_reqs = 0; /* plugged back: the bridge starts afresh, the board keeps going */
	g_mutex_unlock(&e->u.lock);
}

void ft601_emu_stats(struct ft601_emu *e, struct ft601_stats *s)
{
	g_mutex_lock(&e->u.lock);
	*s = e->st;
	s->urbs_in = e->u.n.urbs_in;
	s->urbs_out = e->u.n.urbs_out;
	s->clear_halts = e->u.n.clear_halts;
	s->discards = e->u.n.discards;
	s->engine = e->eng.st;
	g_mutex_unlock(&e->u.lock);
}
