/* transport_usb.c - the wire protocol (docs/wire-protocol.md) over a USB
 * bridge chip's bulk pipes (usb_link.h), and the `usb` transport: a board
 * behind an FTDI FT601 USB 3 FIFO bridge (245 mode, one channel); the
 * `ftdi` transport (transport_ftdi.c) is the same link over an FT2232H.
 * libusb asynchronous bulk transfers: several IN transfers always in
 * flight (on the FT601 each preceded by its read request) feed the frame
 * parser from an event thread; frames go out on their own transfers. A
 * board whose bridge buffers little (board.def `window`) gets at most that
 * many bytes of VECTORS frames whose results have not come back. Every wait
 * has a deadline; close cancels and joins. */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libusb.h>

#include <nlut/regs.h>
#include <nlut/stream.h>
#include <nlut/wire.h>

#include "internal.h"
#include "transport.h"
#include "usb_link.h"

#define FT_REQ_BYTES 20u    /* FT601 read request */
#define FT_CMD_READ 1u

#define N_IN 4               /* IN transfers always in flight */
#define IN_BYTES (64u * 1024u)
#define N_OUT 4              /* frames in flight towards the board */
#define OUT_BYTES (NLUT_WIRE_OVERHEAD + NLUT_WIRE_MAX_PAYLOAD)
#define STALL_LIMIT 8        /* stalls in a row on one pipe before giving up */
#define CLOSE_WAIT_MS 2000
#define DEFAULT_TIMEOUT_MS 10000u
#define SESSION_RETRY_MS 300u /* frame 0 again after this long without an answer */
#define MAX_WINDOW_FRAMES 64 /* VECTORS frames awaiting results, with a window */

enum out_state { OUT_FREE, OUT_BUSY, OUT_HALTED };

struct usb_dev;

struct in_slot {
	struct usb_dev *d;
	struct libusb_transfer *req, *xfer;
	uint8_t req_buf[FT_REQ_BYTES];
	uint8_t *buf;
};

struct out_slot {
	struct usb_dev *d;
	struct libusb_transfer *xfer;
	uint8_t *buf;
	size_t len, sent;  /* frame bytes, bytes the board has taken */
	uint64_t order;    /* submission order, to resubmit in sequence */
	enum out_state state;
};

struct usb_dev {
	char board[64];
	const struct nlut_usb_chip *chip;
	unsigned mps;           /* IN max packet size */
	libusb_context *ctx;
	libusb_device_handle *h;
	int claimed[2];
	pthread_t thread;
	int thread_started;
	int stop;               /* event thread: leave (atomic access) */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	unsigned timeout_ms;
	size_t in_record;       /* bytes per input record (from ID_IN_BITS, ID_STREAM) */
	uint32_t req_idx;       /* FT601 read request counter */
	int n_flying;           /* transfers submitted and not yet called back */
	int closing;
	struct in_slot in[N_IN];
	struct out_slot out[N_OUT];
	uint64_t out_order;
	int out_halted;         /* an OUT transfer stalled: recover before going on */
	unsigned in_stalls, out_stalls; /* in a row */
	/* parser and what it found */
	struct nlut_wire_parser parser;
	uint8_t *pbuf;
	int discarding;         /* before the session's first answer: stale data */
	uint16_t tx_seq;
	int res_synced;
	uint16_t res_seq;
	uint8_t *fifo;          /* result bytes not yet received */
	size_t fifo_head, fifo_len, fifo_cap;
	uint64_t crc_errors;
	struct {
		int active, answered;
		uint8_t type;
		uint16_t seq;
		uint32_t off, value;
		uint32_t code;  /* board's ERROR code, 0 if none */
	} op;
	int async_err;          /* stream error to report at the next call */
	char async_msg[256];
	int fatal;              /* the link is gone (unplug, endless stall) */
	char fatal_msg[256];
	/* the window: VECTORS frames whose results have not all come back */
	size_t window;          /* frame bytes at most in flight; 0: no limit */
	size_t out_record;      /* bytes per result record */
	uint64_t rec_sent, rec_back; /* records sent, results received */
	struct {
		uint64_t end;   /* rec_sent after this frame */
		size_t bytes;   /* its length on the wire */
	} win[MAX_WINDOW_FRAMES];
	unsigned win_head, win_len;
	size_t win_bytes;       /* sum of their lengths */
};

static const char *code_name(uint32_t code)
{
	switch (code) {
	case NLUT_WIRE_ERR_CRC:
		return "CRC error";
	case NLUT_WIRE_ERR_SEQ:
		return "sequence error";
	case NLUT_WIRE_ERR_TYPE:
		return "unknown frame type";
	case NLUT_WIRE_ERR_LENGTH:
		return "bad length";
	case NLUT_WIRE_ERR_OFFSET:
		return "bad register offset";
	case NLUT_WIRE_ERR_BUSY:
		return "busy (datapath disabled)";
	default:
		return "unknown error";
	}
}

static int code_error(uint32_t code)
{
	return code == NLUT_WIRE_ERR_BUSY ? NLUT_ERROR_BUSY : NLUT_ERROR_PROTOCOL;
}

/* Record errors found on the event thread (lock held). The first one of
 * each kind wins: it is the cause, later ones are consequences. */
static void __attribute__((format(printf, 3, 4))) set_async(struct usb_dev *d, int err,
							      const char *fmt, ...)
{
	va_list ap;

	if (d->async_err)
		return;
	d->async_err = err;
	va_start(ap, fmt);
	vsnprintf(d->async_msg, sizeof(d->async_msg), fmt, ap);
	va_end(ap);
	pthread_cond_broadcast(&d->cond);
}

static void __attribute__((format(printf, 3, 4))) set_fatal(struct usb_dev *d, int err,
							      const char *fmt, ...)
{
	va_list ap;

	if (d->fatal)
		return;
	d->fatal = err;
	va_start(ap, fmt);
	vsnprintf(d->fatal_msg, sizeof(d->fatal_msg), fmt, ap);
	va_end(ap);
	pthread_cond_broadcast(&d->cond);
}

static const char *status_name(enum libusb_transfer_status s)
{
	switch (s) {
	case LIBUSB_TRANSFER_ERROR:
		return "transfer error";
	case LIBUSB_TRANSFER_TIMED_OUT:
		return "timed out";
	case LIBUSB_TRANSFER_STALL:
		return "stalled";
	case LIBUSB_TRANSFER_OVERFLOW:
		return "overflow (the board sent more than asked)";
	default:
		return "failed";
	}
}

static void fatal_status(struct usb_dev *d, enum libusb_transfer_status s, const char *what)
{
	if (s == LIBUSB_TRANSFER_NO_DEVICE)
		set_fatal(d, NLUT_ERROR_NO_DEVICE, "board unplugged (%s)", what);
	else
		set_fatal(d, NLUT_ERROR_IO, "%s: %s; data may be lost", what, status_name(s));
}

/* ---- frames from the board (event thread, lock held) ---- */

static void fifo_put(struct usb_dev *d, const uint8_t *p, size_t n)
{
	if (d->fifo_head && d->fifo_head + d->fifo_len + n > d->fifo_cap) {
		memmove(d->fifo, d->fifo + d->fifo_head, d->fifo_len);
		d->fifo_head = 0;
	}
	if (d->fifo_len + n > d->fifo_cap) {
		size_t cap = d->fifo_cap ? d->fifo_cap : 1u << 16;

		while (cap < d->fifo_len + n)
			cap *= 2;
		uint8_t *f = realloc(d->fifo, cap);

		if (!f) {
			set_async(d, NLUT_ERROR_NO_MEM, "no memory for %zu result bytes", d->fifo_len + n);
			return;
		}
		d->fifo = f;
		d->fifo_cap = cap;
	}
	memcpy(d->fifo + d->fifo_head + d->fifo_len, p, n);
	d->fifo_len += n;
}

static void on_frame(void *user, const struct nlut_wire_frame *f)
{
	struct usb_dev *d = user;
	int ours = d->op.active && !d->op.answered && f->seq == d->op.seq;

	switch (f->type) {
	case NLUT_WIRE_REG_VALUE:
		if (!ours)
			return; /* an answer to an operation that timed out */
		if (f->len != 8 || nlut_rd32(f->payload) != d->op.off) {
			set_async(d, NLUT_ERROR_PROTOCOL,
				  "answer to frame %u is for register 0x%x, not 0x%x", f->seq,
				  f->len == 8 ? nlut_rd32(f->payload) : 0, d->op.off);
			return;
		}
		d->op.value = nlut_rd32(f->payload + 4);
		d->op.answered = 1;
		if (d->discarding) {
			/* The session's first answer: what follows is ours. */
			d->discarding = 0;
			d->res_synced = 0;
		}
		/* Results queued before a datapath reset are stale. */
		if (d->op.type == NLUT_WIRE_REG_WRITE && d->op.off == NLUT_CTRL_REG_OFFSET &&
		    (d->op.value >> NLUT_CTRL_RESET_BIT & 1u)) {
			d->fifo_head = d->fifo_len = 0;
			d->async_err = 0;
			d->rec_back = d->rec_sent;
			d->win_len = 0;
			d->win_bytes = 0;
		}
		pthread_cond_broadcast(&d->cond);
		return;
	case NLUT_WIRE_ERROR:
		if (f->len != 8) {
			set_async(d, NLUT_ERROR_PROTOCOL, "ERROR frame of %u bytes", f->len);
			return;
		}
		if (d->op.active && !d->op.answered && nlut_rd32(f->payload + 4) == d->op.seq) {
			d->op.code = nlut_rd32(f->payload);
			d->op.answered = 1;
			pthread_cond_broadcast(&d->cond);
		} else if (!d->discarding) {
			set_async(d, code_error(nlut_rd32(f->payload)), "board reported %s (%u) for frame %u",
				  code_name(nlut_rd32(f->payload)), nlut_rd32(f->payload),
				  nlut_rd32(f->payload + 4));
		}
		return;
	case NLUT_WIRE_RESULTS:
		if (d->discarding)
			return;
		if (d->res_synced && f->seq != d->res_seq)
			set_async(d, NLUT_ERROR_PROTOCOL, "RESULTS frame %u missing (frame %u came next)",
				  d->res_seq, f->seq);
		d->res_synced = 1;
		d->res_seq = (uint16_t)(f->seq + 1);
		fifo_put(d, f->payload, f->len);
		if (d->out_record)
			d->rec_back += f->len / d->out_record;
		pthread_cond_broadcast(&d->cond);
		return;
	default:
		if (!d->discarding)
			set_async(d, NLUT_ERROR_PROTOCOL, "frame of type 0x%02x from the board", f->type);
	}
}

static void on_parse_error(void *user, enum nlut_wire_errcode code, uint16_t seq)
{
	struct usb_dev *d = user;

	d->crc_errors++;
	if (!d->discarding)
		set_async(d, NLUT_ERROR_PROTOCOL, "%s in a frame from the board (frame %u dropped)",
			  code == NLUT_WIRE_ERR_CRC ? "CRC error" : "bad length", seq);
}

/* ---- transfers ---- */

/* Submit, keeping count of transfers in flight. Call without the lock. */
static int submit(struct usb_dev *d, struct libusb_transfer *t, const char *what)
{
	int r;

	pthread_mutex_lock(&d->lock);
	if (d->closing || d->fatal) {
		pthread_mutex_unlock(&d->lock);
		return -1;
	}
	d->n_flying++;
	pthread_mutex_unlock(&d->lock);
	r = libusb_submit_transfer(t);
	if (r == 0)
		return 0;
	pthread_mutex_lock(&d->lock);
	d->n_flying--;
	if (r == LIBUSB_ERROR_NO_DEVICE)
		set_fatal(d, NLUT_ERROR_NO_DEVICE, "board unplugged (%s)", what);
	else
		set_fatal(d, NLUT_ERROR_IO, "cannot submit %s: %s", what, libusb_error_name(r));
	pthread_cond_broadcast(&d->cond);
	pthread_mutex_unlock(&d->lock);
	return -1;
}

/* Arm an IN slot: the FT601 sends nothing on a pipe until asked for a
 * length with a read request on the session pipe; other chips just send. */
static void arm_in(struct in_slot *s)
{
	struct usb_dev *d = s->d;

	if (!d->chip->ep_req) {
		submit(d, s->xfer, "IN transfer");
		return;
	}
	pthread_mutex_lock(&d->lock);
	uint32_t idx = ++d->req_idx;

	pthread_mutex_unlock(&d->lock);
	memset(s->req_buf, 0, sizeof(s->req_buf));
	nlut_wr32(s->req_buf, idx);
	s->req_buf[4] = d->chip->ep_in;
	s->req_buf[5] = FT_CMD_READ;
	nlut_wr32(s->req_buf + 8, IN_BYTES);
	submit(d, s->req, "FT601 read request");
}

static int clear_halt(struct usb_dev *d, unsigned char ep, unsigned *count)
{
	int r;

	pthread_mutex_lock(&d->lock);
	if (++*count > STALL_LIMIT) {
		set_fatal(d, NLUT_ERROR_IO,
			  "endpoint 0x%02x stalled %u times in a row (halt cleared each time): the board refuses transfers",
			  ep, *count);
		pthread_mutex_unlock(&d->lock);
		return -1;
	}
	pthread_mutex_unlock(&d->lock);
	r = libusb_clear_halt(d->h, ep);
	if (r == 0)
		return 0;
	pthread_mutex_lock(&d->lock);
	if (r == LIBUSB_ERROR_NO_DEVICE)
		set_fatal(d, NLUT_ERROR_NO_DEVICE, "board unplugged (clearing a stall on 0x%02x)", ep);
	else
		set_fatal(d, NLUT_ERROR_IO, "endpoint 0x%02x stalled and clearing the halt failed: %s", ep,
			  libusb_error_name(r));
	pthread_mutex_unlock(&d->lock);
	return -1;
}

static void LIBUSB_CALL req_done(struct libusb_transfer *t)
{
	struct in_slot *s = t->user_data;
	struct usb_dev *d = s->d;
	int closing;

	pthread_mutex_lock(&d->lock);
	d->n_flying--;
	closing = d->closing;
	if (t->status != LIBUSB_TRANSFER_COMPLETED && t->status != LIBUSB_TRANSFER_STALL &&
	    t->status != LIBUSB_TRANSFER_CANCELLED)
		fatal_status(d, t->status, "FT601 read request");
	pthread_cond_broadcast(&d->cond);
	pthread_mutex_unlock(&d->lock);
	if (closing || t->status == LIBUSB_TRANSFER_CANCELLED)
		return;
	if (t->status == LIBUSB_TRANSFER_STALL) {
		if (!clear_halt(d, d->chip->ep_req, &d->in_stalls))
			submit(d, s->req, "FT601 read request");
		return;
	}
	if (t->status == LIBUSB_TRANSFER_COMPLETED)
		submit(d, s->xfer, "IN transfer");
}

static void LIBUSB_CALL in_done(struct libusb_transfer *t)
{
	struct in_slot *s = t->user_data;
	struct usb_dev *d = s->d;
	int closing, again = 0;

	pthread_mutex_lock(&d->lock);
	d->n_flying--;
	closing = d->closing;
	/* Whatever arrived is real: even a stalled transfer may carry some. */
	if (t->actual_length > 0) {
		size_t n = (size_t)t->actual_length;

		if (d->chip->in_data)
			n = d->chip->in_data(t->buffer, n, d->mps);
		nlut_wire_feed(&d->parser, t->buffer, n);
	}
	switch (t->status) {
	case LIBUSB_TRANSFER_COMPLETED:
		d->in_stalls = 0;
		again = 1;
		break;
	case LIBUSB_TRANSFER_STALL:
		again = 2;
		break;
	case LIBUSB_TRANSFER_CANCELLED:
		break;
	case LIBUSB_TRANSFER_NO_DEVICE:
		fatal_status(d, t->status, "IN transfer");
		break;
	default:
		fatal_status(d, t->status, "IN transfer");
	}
	pthread_cond_broadcast(&d->cond);
	pthread_mutex_unlock(&d->lock);
	if (closing || !again)
		return;
	if (again == 2 && clear_halt(d, d->chip->ep_in, &d->in_stalls))
		return;
	arm_in(s);
}

static void LIBUSB_CALL out_done(struct libusb_transfer *t)
{
	struct out_slot *s = t->user_data;
	struct usb_dev *d = s->d;

	pthread_mutex_lock(&d->lock);
	d->n_flying--;
	s->sent += (size_t)t->actual_length;
	switch (t->status) {
	case LIBUSB_TRANSFER_COMPLETED:
		d->out_stalls = 0;
		s->state = s->sent >= s->len ? OUT_FREE : OUT_HALTED;
		if (s->state == OUT_HALTED)
			d->out_halted = 1; /* a short write: send the rest */
		break;
	case LIBUSB_TRANSFER_STALL:
		s->state = OUT_HALTED;
		d->out_halted = 1;
		break;
	case LIBUSB_TRANSFER_CANCELLED:
		/* Cancelled by stall recovery, which resubmits the rest; at
		 * close nobody cares. */
		s->state = s->sent >= s->len ? OUT_FREE : OUT_HALTED;
		break;
	default:
		s->state = OUT_FREE;
		fatal_status(d, t->status, "OUT transfer");
	}
	pthread_cond_broadcast(&d->cond);
	pthread_mutex_unlock(&d->lock);
}

static void submit_out(struct usb_dev *d, struct out_slot *s)
{
	libusb_fill_bulk_transfer(s->xfer, d->h, d->chip->ep_out, s->buf + s->sent, (int)(s->len - s->sent),
				  out_done, s, 0);
	submit(d, s->xfer, "OUT transfer");
}

/*
 * An OUT transfer stalled (lock held on entry and exit): the frames behind
 * it must not overtake its remainder. Cancel what is still queued, clear
 * the halt, then resend every unsent remainder in the original order.
 */
static void out_recover(struct usb_dev *d, double deadline)
{
	for (int i = 0; i < N_OUT; i++)
		if (d->out[i].state == OUT_BUSY) {
			pthread_mutex_unlock(&d->lock);
			libusb_cancel_transfer(d->out[i].xfer);
			pthread_mutex_lock(&d->lock);
		}
	for (;;) {
		int busy = 0;

		for (int i = 0; i < N_OUT; i++)
			busy |= d->out[i].state == OUT_BUSY;
		if (!busy || d->fatal)
			break;
		if (nlut_now_ms() > deadline) {
			set_fatal(d, NLUT_ERROR_TIMEOUT, "OUT transfers not returned after a stall");
			return;
		}
		struct timespec ts;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_nsec += 10 * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&d->cond, &d->lock, &ts);
	}
	if (d->fatal)
		return;
	pthread_mutex_unlock(&d->lock);
	int r = clear_halt(d, d->chip->ep_out, &d->out_stalls);

	pthread_mutex_lock(&d->lock);
	if (r)
		return;
	d->out_halted = 0;
	for (;;) {
		struct out_slot *next = NULL;

		for (int i = 0; i < N_OUT; i++)
			if (d->out[i].state == OUT_HALTED && (!next || d->out[i].order < next->order))
				next = &d->out[i];
		if (!next)
			break;
		next->state = OUT_BUSY;
		pthread_mutex_unlock(&d->lock);
		submit_out(d, next);
		pthread_mutex_lock(&d->lock);
	}
}

/*
 * Wait for the event thread to change something (lock held), at most until
 * deadline; run OUT stall recovery when one is pending. Returns 0, or
 * NLUT_ERROR_TIMEOUT once the deadline has passed.
 */
static int wait_step(struct usb_dev *d, double deadline)
{
	double left = deadline - nlut_now_ms();
	struct timespec ts;

	if (d->out_halted && !d->fatal) {
		out_recover(d, deadline);
		return 0;
	}
	if (left <= 0)
		return NLUT_ERROR_TIMEOUT;
	if (left > 50)
		left = 50;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_nsec += (long)(left * 1e6);
	while (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_cond_timedwait(&d->cond, &d->lock, &ts);
	return 0;
}

static int fail_fatal(struct usb_dev *d)
{
	return nlut_fail(d->fatal, "board %s: %s", d->board, d->fatal_msg);
}

/* Report the pending stream error once (lock held). */
static int take_async(struct usb_dev *d)
{
	int err = d->async_err;

	d->async_err = 0;
	return nlut_fail(err, "board %s: %s", d->board, d->async_msg);
}

/* A free OUT slot (lock held), waiting for one until deadline. */
static struct out_slot *get_out(struct usb_dev *d, double deadline, int *err)
{
	for (;;) {
		if (d->fatal) {
			*err = fail_fatal(d);
			return NULL;
		}
		for (int i = 0; i < N_OUT; i++)
			if (d->out[i].state == OUT_FREE)
				return &d->out[i];
		if (wait_step(d, deadline)) {
			*err = nlut_fail(NLUT_ERROR_TIMEOUT,
					 "board %s: the %s took no data on 0x%02x for %u ms", d->board,
					 d->chip->name, d->chip->ep_out, d->timeout_ms);
			return NULL;
		}
	}
}

/* Queue one frame (lock held). */
static int send_frame(struct usb_dev *d, uint8_t type, const void *payload, uint32_t len,
		      double deadline, uint16_t *seq)
{
	int err = 0;
	struct out_slot *s = get_out(d, deadline, &err);

	if (!s)
		return err;
	*seq = d->tx_seq++;
	s->len = nlut_wire_encode(type, *seq, payload, len, s->buf);
	s->sent = 0;
	s->order = d->out_order++;
	s->state = OUT_BUSY;
	pthread_mutex_unlock(&d->lock);
	submit_out(d, s);
	pthread_mutex_lock(&d->lock);
	if (d->fatal)
		return fail_fatal(d);
	return NLUT_SUCCESS;
}

/* A register access: one frame out, its answer matched by sequence number. */
static int reg_op(struct usb_dev *d, uint8_t type, uint32_t off, uint32_t val, uint32_t *out)
{
	double deadline = nlut_now_ms() + d->timeout_ms;
	const char *name = type == NLUT_WIRE_REG_READ ? "REG_READ" : "REG_WRITE";
	uint8_t p[8];
	uint16_t seq;
	int err;

	nlut_wr32(p, off);
	nlut_wr32(p + 4, val);
	pthread_mutex_lock(&d->lock);
	if (d->fatal) {
		err = fail_fatal(d);
		goto out;
	}
	d->op.active = 1;
	d->op.answered = 0;
	d->op.code = 0;
	d->op.type = type;
	d->op.off = off;
	d->op.seq = d->tx_seq;
	if ((err = send_frame(d, type, p, type == NLUT_WIRE_REG_READ ? 4 : 8, deadline, &seq)))
		goto out;
	while (!d->op.answered && !d->fatal)
		if (wait_step(d, deadline))
			break;
	if (d->op.answered && d->op.code)
		err = nlut_fail(code_error(d->op.code), "board %s: %s 0x%03x (frame %u) refused: %s (%u)",
				d->board, name, off, seq, code_name(d->op.code), d->op.code);
	else if (d->op.answered)
		*out = d->op.value;
	else if (d->fatal)
		err = fail_fatal(d);
	else
		err = nlut_fail(NLUT_ERROR_TIMEOUT, "board %s: no answer to %s 0x%03x (frame %u) within %u ms%s%s",
				d->board, name, off, seq, d->timeout_ms, d->async_err ? "; before that: " : "",
				d->async_err ? d->async_msg : "");
out:
	d->op.active = 0;
	pthread_mutex_unlock(&d->lock);
	return err;
}

int nlut_usb_read32(void *priv, uint32_t off, uint32_t *v)
{
	return reg_op(priv, NLUT_WIRE_REG_READ, off, 0, v);
}

int nlut_usb_write32(void *priv, uint32_t off, uint32_t v)
{
	uint32_t echo;

	return reg_op(priv, NLUT_WIRE_REG_WRITE, off, v, &echo);
}

/*
 * Wait until a frame of `bytes` fits the window (lock held): the frames
 * whose results have all come back leave it. The deadline moves on with
 * every result: a board that is slow but answering is not timed out.
 */
static int window_wait(struct usb_dev *d, size_t bytes, double *deadline)
{
	for (;;) {
		while (d->win_len && d->rec_back >= d->win[d->win_head].end) {
			d->win_bytes -= d->win[d->win_head].bytes;
			d->win_head = (d->win_head + 1) % MAX_WINDOW_FRAMES;
			d->win_len--;
		}
		if (!d->win_len || (d->win_bytes + bytes <= d->window && d->win_len < MAX_WINDOW_FRAMES))
			return NLUT_SUCCESS;
		if (d->async_err)
			return take_async(d);
		if (d->fatal)
			return fail_fatal(d);
		uint64_t back = d->rec_back;

		if (wait_step(d, *deadline))
			return nlut_fail(NLUT_ERROR_TIMEOUT,
					 "board %s: no results for %u ms with %llu vectors in flight (%zu bytes of frames, the board's window is %zu)",
					 d->board, d->timeout_ms, (unsigned long long)(d->rec_sent - d->rec_back),
					 d->win_bytes, d->window);
		if (d->rec_back != back)
			*deadline = nlut_now_ms() + d->timeout_ms;
	}
}

int nlut_usb_send(void *priv, const uint8_t *buf, size_t len)
{
	struct usb_dev *d = priv;
	size_t max = NLUT_WIRE_MAX_PAYLOAD;
	double deadline = nlut_now_ms() + d->timeout_ms;
	uint16_t seq;
	int err = NLUT_SUCCESS;

	if (len % d->in_record)
		return nlut_fail(NLUT_ERROR_INVALID_PARAM, "%zu bytes is not a whole number of %zu-byte vectors",
				 len, d->in_record);
	if (d->window && d->window - NLUT_WIRE_OVERHEAD < max)
		max = d->window - NLUT_WIRE_OVERHEAD;
	size_t chunk = max / d->in_record * d->in_record;

	pthread_mutex_lock(&d->lock);
	if (d->async_err)
		err = take_async(d);
	for (size_t at = 0; !err && at < len; at += chunk) {
		size_t k = len - at < chunk ? len - at : chunk;

		if (d->window && (err = window_wait(d, k + NLUT_WIRE_OVERHEAD, &deadline)))
			break;
		err = send_frame(d, NLUT_WIRE_VECTORS, buf + at, (uint32_t)k, deadline, &seq);
		if (!err && d->window) {
			unsigned i = (d->win_head + d->win_len++) % MAX_WINDOW_FRAMES;

			d->rec_sent += k / d->in_record;
			d->win[i].end = d->rec_sent;
			d->win[i].bytes = k + NLUT_WIRE_OVERHEAD;
			d->win_bytes += d->win[i].bytes;
		}
	}
	pthread_mutex_unlock(&d->lock);
	return err;
}

int nlut_usb_recv(void *priv, uint8_t *buf, size_t len, unsigned timeout_ms)
{
	struct usb_dev *d = priv;
	double deadline = nlut_now_ms() + timeout_ms;
	int err = NLUT_SUCCESS;
	size_t had = 0;

	pthread_mutex_lock(&d->lock);
	for (;;) {
		/* The deadline moves on with every result that arrives. */
		if (d->fifo_len > had) {
			had = d->fifo_len;
			deadline = nlut_now_ms() + timeout_ms;
		}
		if (d->async_err) {
			err = take_async(d);
			break;
		}
		if (d->fifo_len >= len) {
			memcpy(buf, d->fifo + d->fifo_head, len);
			d->fifo_head += len;
			d->fifo_len -= len;
			if (!d->fifo_len)
				d->fifo_head = 0;
			break;
		}
		if (d->fatal) {
			err = fail_fatal(d);
			break;
		}
		if (wait_step(d, deadline)) {
			err = nlut_fail(NLUT_ERROR_TIMEOUT,
					"board %s: %zu result bytes wanted, %zu received, none for %u ms", d->board,
					len, d->fifo_len, timeout_ms);
			break;
		}
	}
	pthread_mutex_unlock(&d->lock);
	return err;
}

/* ---- open and close ---- */

static void *event_thread(void *arg)
{
	struct usb_dev *d = arg;

	while (!__atomic_load_n(&d->stop, __ATOMIC_ACQUIRE)) {
		struct timeval tv = { 0, 50000 };
		int r = libusb_handle_events_timeout_completed(d->ctx, &tv, NULL);

		if (r && r != LIBUSB_ERROR_INTERRUPTED && r != LIBUSB_ERROR_TIMEOUT) {
			pthread_mutex_lock(&d->lock);
			if (r == LIBUSB_ERROR_NO_DEVICE)
				set_fatal(d, NLUT_ERROR_NO_DEVICE, "board unplugged");
			else
				set_fatal(d, NLUT_ERROR_IO, "USB event handling failed: %s", libusb_error_name(r));
			pthread_mutex_unlock(&d->lock);
			break;
		}
	}
	return NULL;
}

void nlut_usb_close(void *priv)
{
	struct usb_dev *d = priv;
	int leak = 0;

	if (!d)
		return;
	if (d->thread_started) {
		pthread_mutex_lock(&d->lock);
		d->closing = 1;
		pthread_mutex_unlock(&d->lock);
		for (int i = 0; i < N_IN; i++) {
			libusb_cancel_transfer(d->in[i].req);
			libusb_cancel_transfer(d->in[i].xfer);
		}
		for (int i = 0; i < N_OUT; i++)
			libusb_cancel_transfer(d->out[i].xfer);
		double deadline = nlut_now_ms() + CLOSE_WAIT_MS;

		pthread_mutex_lock(&d->lock);
		while (d->n_flying > 0 && nlut_now_ms() < deadline) {
			struct timespec ts;

			clock_gettime(CLOCK_MONOTONIC, &ts);
			ts.tv_nsec += 10 * 1000000L;
			if (ts.tv_nsec >= 1000000000L) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000L;
			}
			pthread_cond_timedwait(&d->cond, &d->lock, &ts);
		}
		leak = d->n_flying > 0;
		pthread_mutex_unlock(&d->lock);
		__atomic_store_n(&d->stop, 1, __ATOMIC_RELEASE);
		libusb_interrupt_event_handler(d->ctx);
		pthread_join(d->thread, NULL);
	}
	if (leak)
		return; /* libusb still owns transfers that point into d */
	for (int i = 0; i < N_IN; i++) {
		libusb_free_transfer(d->in[i].req);
		libusb_free_transfer(d->in[i].xfer);
		free(d->in[i].buf);
	}
	for (int i = 0; i < N_OUT; i++) {
		libusb_free_transfer(d->out[i].xfer);
		free(d->out[i].buf);
	}
	if (d->h) {
		for (int i = 1; i >= 0; i--)
			if (d->claimed[i])
				libusb_release_interface(d->h, d->chip->ifaces[i]);
		libusb_close(d->h);
	}
	if (d->ctx)
		libusb_exit(d->ctx);
	pthread_cond_destroy(&d->cond);
	pthread_mutex_destroy(&d->lock);
	free(d->pbuf);
	free(d->fifo);
	free(d);
}

/* Find and open the chip: the first one, or the one with that serial. */
static int find_device(struct usb_dev *d, unsigned vid, unsigned pid, const char *serial)
{
	libusb_device **list;
	ssize_t n = libusb_get_device_list(d->ctx, &list);
	int found = 0, denied = 0, r;
	char seen[160] = "";

	if (n < 0)
		return nlut_fail(NLUT_ERROR_IO, "board %s: cannot list USB devices: %s", d->board,
				 libusb_error_name((int)n));
	for (ssize_t i = 0; i < n && !d->h; i++) {
		struct libusb_device_descriptor dd;
		libusb_device_handle *h;
		char sn[64] = "";

		if (libusb_get_device_descriptor(list[i], &dd) || dd.idVendor != vid || dd.idProduct != pid)
			continue;
		found++;
		if ((r = libusb_open(list[i], &h))) {
			denied += r == LIBUSB_ERROR_ACCESS;
			continue;
		}
		if (serial) {
			if (!dd.iSerialNumber ||
			    libusb_get_string_descriptor_ascii(h, dd.iSerialNumber, (unsigned char *)sn,
							       sizeof(sn)) < 0)
				sn[0] = '\0';
			if (strcmp(sn, serial)) {
				size_t k = strlen(seen);

				snprintf(seen + k, sizeof(seen) - k, "%s'%s'", k ? ", " : "", sn);
				libusb_close(h);
				continue;
			}
		}
		d->h = h;
	}
	libusb_free_device_list(list, 1);
	if (d->h)
		return NLUT_SUCCESS;
	if (denied)
		return nlut_fail(NLUT_ERROR_IO,
				 "board %s: USB device %04x:%04x found but not accessible (permission denied): add a udev rule",
				 d->board, vid, pid);
	if (found && serial)
		return nlut_fail(NLUT_ERROR_NO_DEVICE, "board %s: no %s with serial '%s' (found %s)",
				 d->board, d->chip->name, serial, seen);
	return nlut_fail(NLUT_ERROR_NO_DEVICE, "board %s: no USB device %04x:%04x found: is the board plugged in?",
			 d->board, vid, pid);
}

int nlut_usb_open(const struct nlut_usb_chip *c, const struct nlut_board *b, const nlut_model *m,
		  const struct nlut_device_opts *o, void **priv)
{
	struct usb_dev *d = calloc(1, sizeof(*d));
	unsigned long vid, pid, window;
	pthread_condattr_t ca;
	uint32_t magic, in_bits, stream;
	int err, r;

	if (!d)
		return nlut_fail(NLUT_ERROR_NO_MEM, "usb board");
	d->chip = c;
	snprintf(d->board, sizeof(d->board), "%s", b->name);
	d->timeout_ms = o->timeout_ms ? o->timeout_ms : DEFAULT_TIMEOUT_MS;
	pthread_mutex_init(&d->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&d->cond, &ca);
	pthread_condattr_destroy(&ca);
	if ((err = nlut_board_get_uint(b, "usb_vid", c->vid, &vid)) ||
	    (err = nlut_board_get_uint(b, "usb_pid", c->pid, &pid)) ||
	    (err = nlut_board_get_uint(b, "window", 0, &window)))
		goto fail;
	if (window && window < 2 * NLUT_WIRE_OVERHEAD) {
		err = nlut_fail(NLUT_ERROR_INVALID_PARAM, "board %s: window = %lu is below one frame",
				d->board, window);
		goto fail;
	}
	d->window = window;
	if ((r = libusb_init(&d->ctx))) {
		d->ctx = NULL;
		err = nlut_fail(NLUT_ERROR_IO, "board %s: libusb_init: %s", d->board, libusb_error_name(r));
		goto fail;
	}
	if ((err = find_device(d, (unsigned)vid, (unsigned)pid, o->device)))
		goto fail;
	for (unsigned i = 0; i < c->n_ifaces; i++) {
		if ((r = libusb_claim_interface(d->h, c->ifaces[i])) == LIBUSB_ERROR_NO_DEVICE) {
			err = nlut_fail(NLUT_ERROR_NO_DEVICE, "board %s: the %s is gone (unplugged while opening)",
					d->board, c->name);
			goto fail;
		}
		if (r) {
			err = nlut_fail(r == LIBUSB_ERROR_BUSY ? NLUT_ERROR_BUSY : NLUT_ERROR_IO,
					"board %s: cannot claim USB interface %d: %s%s", d->board, c->ifaces[i],
					libusb_error_name(r),
					r == LIBUSB_ERROR_BUSY ? " (another program has the board open)" : "");
			goto fail;
		}
		d->claimed[i] = 1;
	}
	/* A session starts with every pipe running, whatever the last left. */
	const unsigned char eps[] = { c->ep_req, c->ep_out, c->ep_in };

	for (int i = 0; i < 3; i++)
		if (eps[i] && (r = libusb_clear_halt(d->h, eps[i])) == LIBUSB_ERROR_NO_DEVICE) {
			err = nlut_fail(NLUT_ERROR_NO_DEVICE, "board %s: unplugged while opening", d->board);
			goto fail;
		}
	/* Buffers are whole packets, so the board never overruns one. */
	int mps = libusb_get_max_packet_size(libusb_get_device(d->h), c->ep_in);

	if (mps <= 0 || IN_BYTES % (unsigned)mps) {
		err = nlut_fail(NLUT_ERROR_UNSUPPORTED,
				"board %s: no bulk IN endpoint 0x%02x with a usable packet size (%d): %s",
				d->board, c->ep_in, mps, c->mode_hint);
		goto fail;
	}
	d->mps = (unsigned)mps;
	if (c->setup && (err = c->setup(d->h, b)))
		goto fail;
	d->pbuf = malloc(OUT_BYTES);
	if (!d->pbuf) {
		err = nlut_fail(NLUT_ERROR_NO_MEM, "usb board");
		goto fail;
	}
	nlut_wire_parser_init(&d->parser, d->pbuf, OUT_BYTES, on_frame, on_parse_error, d);
	for (int i = 0; i < N_IN; i++) {
		struct in_slot *s = &d->in[i];

		s->d = d;
		s->buf = malloc(IN_BYTES);
		s->req = libusb_alloc_transfer(0);
		s->xfer = libusb_alloc_transfer(0);
		if (!s->buf || !s->req || !s->xfer) {
			err = nlut_fail(NLUT_ERROR_NO_MEM, "usb board: transfers");
			goto fail;
		}
		libusb_fill_bulk_transfer(s->req, d->h, c->ep_req, s->req_buf, FT_REQ_BYTES, req_done, s, 0);
		libusb_fill_bulk_transfer(s->xfer, d->h, c->ep_in, s->buf, IN_BYTES, in_done, s, 0);
	}
	for (int i = 0; i < N_OUT; i++) {
		struct out_slot *s = &d->out[i];

		s->d = d;
		s->buf = malloc(OUT_BYTES);
		s->xfer = libusb_alloc_transfer(0);
		if (!s->buf || !s->xfer) {
			err = nlut_fail(NLUT_ERROR_NO_MEM, "usb board: transfers");
			goto fail;
		}
	}
	d->discarding = 1;
	if ((r = pthread_create(&d->thread, NULL, event_thread, d))) {
		err = nlut_fail(NLUT_ERROR_NO_MEM, "board %s: cannot start the USB event thread: %s", d->board,
				strerror(r));
		goto fail;
	}
	d->thread_started = 1;
	for (int i = 0; i < N_IN; i++)
		arm_in(&d->in[i]);
	/*
	 * Start the session: frame 0 tells the firmware a new host is talking;
	 * whatever the board still had queued for an earlier one comes first
	 * and is dropped up to this answer. A board left in the middle of a
	 * frame (the last host went away) takes the first bytes as that frame's
	 * rest and drops them with it: frame 0 goes again, as frame 0, until
	 * answered. Then learn the input record size.
	 */
	double end = nlut_now_ms() + d->timeout_ms;
	unsigned timeout = d->timeout_ms;

	do {
		double left = end - nlut_now_ms();

		d->tx_seq = 0;
		d->timeout_ms = left < SESSION_RETRY_MS ? (unsigned)(left > 1 ? left : 1) : SESSION_RETRY_MS;
		err = nlut_usb_read32(d, NLUT_ID_MAGIC_REG_OFFSET, &magic);
	} while (err == NLUT_ERROR_TIMEOUT && nlut_now_ms() < end);
	d->timeout_ms = timeout;
	if (err) {
		if (err == NLUT_ERROR_TIMEOUT)
			err = nlut_fail(NLUT_ERROR_TIMEOUT,
					"board %s: the %s is there but no nlut firmware answers (%u ms): is the bitstream loaded?",
					d->board, c->name, d->timeout_ms);
		goto fail;
	}
	if ((err = nlut_usb_read32(d, NLUT_ID_IN_BITS_REG_OFFSET, &in_bits)) ||
	    (err = nlut_usb_read32(d, NLUT_ID_STREAM_REG_OFFSET, &stream)))
		goto fail;
	unsigned sb = (stream >> NLUT_ID_STREAM_S_BYTES_OFFSET) & NLUT_ID_STREAM_S_BYTES_MASK;
	unsigned mb = (stream >> NLUT_ID_STREAM_M_BYTES_OFFSET) & NLUT_ID_STREAM_M_BYTES_MASK;

	if (magic == NLUT_MAGIC && (!sb || !in_bits)) {
		err = nlut_fail(NLUT_ERROR_PROTOCOL, "board %s: ID block gives %u-byte beats and %u input bits",
				d->board, sb, in_bits);
		goto fail;
	}
	/* A foreign device is refused by the caller on ID_MAGIC. */
	d->in_record = sb && in_bits ? (in_bits + 8u * sb - 1) / (8u * sb) * sb : 1;
	if (d->window && magic == NLUT_MAGIC) {
		/* The window counts results in records of the model's shape; a
		 * board of another shape is refused by the caller. */
		struct nlut_stream_shape sh;

		if (!nlut_stream_shape_model(m, sb, mb, (stream >> NLUT_ID_STREAM_SCORES_BIT) & 1u, &sh)) {
			d->out_record = sh.out_record;
			nlut_stream_shape_release(&sh);
		}
		if (d->in_record + NLUT_WIRE_OVERHEAD > d->window) {
			err = nlut_fail(NLUT_ERROR_TOO_LARGE,
					"board %s: a %zu-byte vector does not fit the board's window of %zu bytes",
					d->board, d->in_record, d->window);
			goto fail;
		}
	}
	*priv = d;
	return NLUT_SUCCESS;
fail:
	nlut_usb_close(d);
	return err;
}

/* ---- the FT601 ---- */

static const struct nlut_usb_chip ft601 = {
	.name = "FT601",
	.vid = 0x0403u,
	.pid = 0x601fu,            /* FT601; the FT600 is 0x601e */
	.n_ifaces = 2,
	.ifaces = { 0, 1 },        /* the session and notification pipes; channel 1 */
	.ep_req = 0x01u,           /* read requests go here */
	.ep_out = 0x02u,
	.ep_in = 0x82u,
	.mode_hint = "is the FT601 in 245 mode with one channel?",
};

static int u_open(const struct nlut_board *b, const nlut_model *m, const struct nlut_device_opts *o,
		  void **priv)
{
	return nlut_usb_open(&ft601, b, m, o, priv);
}

const struct nlut_transport_ops nlut_transport_usb = {
	.name = "usb",
	.open = u_open,
	.close = nlut_usb_close,
	.read32 = nlut_usb_read32,
	.write32 = nlut_usb_write32,
	.send = nlut_usb_send,
	.recv = nlut_usb_recv,
};
