/* nlut_engine.c - the board side of the wire protocol: parse host frames,
 * run register accesses and hand input records to the datapath, queue the
 * answers, the results and the errors. Freestanding, no allocation. */
#include <string.h>

#include "nlut_engine.h"

#define ANSWER_BYTES (NLUT_WIRE_OVERHEAD + 8u) /* REG_VALUE or ERROR */
/* Room kept free of RESULTS so register answers always get through. */
#define TX_RESERVE (4u * ANSWER_BYTES)

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static size_t tx_free(const struct nlut_engine *e)
{
	return e->cfg.tx_cap - (e->tx_tail - e->tx_head);
}

/* Contiguous room for n bytes at the tail (the caller checked tx_free). */
static uint8_t *tx_room(struct nlut_engine *e, size_t n)
{
	if (e->cfg.tx_cap - e->tx_tail < n) {
		memmove(e->cfg.tx_buf, e->cfg.tx_buf + e->tx_head, e->tx_tail - e->tx_head);
		e->tx_tail -= e->tx_head;
		e->tx_head = 0;
	}
	return e->cfg.tx_buf + e->tx_tail;
}

static void send_frame(struct nlut_engine *e, uint8_t type, uint16_t seq, const uint8_t *payload,
		       uint32_t len)
{
	e->tx_tail += nlut_wire_encode(type, seq, payload, len, tx_room(e, NLUT_WIRE_OVERHEAD + len));
	e->st.frames_out++;
}

/* Answers carry two words; an ERROR that finds no room is counted, never
 * allowed to overwrite queued data. */
static void send_pair(struct nlut_engine *e, uint8_t type, uint16_t seq, uint32_t a, uint32_t b)
{
	uint8_t p[8];

	if (tx_free(e) < ANSWER_BYTES) {
		e->st.errors_lost++;
		return;
	}
	put32(p, a);
	put32(p + 4, b);
	send_frame(e, type, seq, p, sizeof(p));
}

static void send_error(struct nlut_engine *e, enum nlut_wire_errcode code, uint16_t seq)
{
	send_pair(e, NLUT_WIRE_ERROR, seq, (uint32_t)code, seq);
}

static void on_error(void *user, enum nlut_wire_errcode code, uint16_t seq)
{
	struct nlut_engine *e = user;

	if (code == NLUT_WIRE_ERR_CRC)
		e->st.crc_errors++;
	else
		e->st.length_errors++;
	/* A frame was lost and reported: the next good frame re-establishes
	 * the numbering instead of being refused for the gap. */
	e->synced = 0;
	send_error(e, code, seq);
}

static void reg_access(struct nlut_engine *e, const struct nlut_wire_frame *f)
{
	uint32_t want = f->type == NLUT_WIRE_REG_READ ? 4u : 8u;
	uint32_t off, v = 0;
	int err;

	if (f->len != want) {
		send_error(e, NLUT_WIRE_ERR_LENGTH, f->seq);
		return;
	}
	off = get32(f->payload);
	if (off % 4 || off >= e->cfg.reg_space) {
		send_error(e, NLUT_WIRE_ERR_OFFSET, f->seq);
		return;
	}
	if (f->type == NLUT_WIRE_REG_READ) {
		err = e->ops.read32(e->ops.user, off, &v);
	} else {
		v = get32(f->payload + 4);
		err = e->ops.write32(e->ops.user, off, v);
	}
	if (err)
		send_error(e, (enum nlut_wire_errcode)err, f->seq);
	else
		send_pair(e, NLUT_WIRE_REG_VALUE, f->seq, off, v);
}

static void vectors(struct nlut_engine *e, const struct nlut_wire_frame *f)
{
	int err;

	if (!f->len || f->len % e->cfg.in_record) {
		send_error(e, NLUT_WIRE_ERR_LENGTH, f->seq);
		return;
	}
	err = e->ops.push(e->ops.user, f->payload, f->len / e->cfg.in_record);
	if (err) {
		send_error(e, (enum nlut_wire_errcode)err, f->seq);
		return;
	}
	e->st.vectors_in += f->len / e->cfg.in_record;
}

static void on_frame(void *user, const struct nlut_wire_frame *f)
{
	struct nlut_engine *e = user;

	e->st.frames_in++;
	if (e->synced && f->seq != e->rx_seq) {
		if (f->seq != 0) {
			/* Frames went missing unreported: refuse this one. */
			e->st.seq_errors++;
			e->rx_seq = (uint16_t)(f->seq + 1);
			send_error(e, NLUT_WIRE_ERR_SEQ, f->seq);
			return;
		}
		e->st.sessions++; /* a new host session starts at 0 */
	} else if (!e->synced && f->seq == 0) {
		e->st.sessions++;
	}
	e->synced = 1;
	e->rx_seq = (uint16_t)(f->seq + 1);
	switch (f->type) {
	case NLUT_WIRE_REG_READ:
	case NLUT_WIRE_REG_WRITE:
		reg_access(e, f);
		break;
	case NLUT_WIRE_VECTORS:
		vectors(e, f);
		break;
	default:
		send_error(e, NLUT_WIRE_ERR_TYPE, f->seq);
		break;
	}
}

int nlut_engine_init(struct nlut_engine *e, const struct nlut_engine_config *cfg,
		     const struct nlut_engine_ops *ops)
{
	if (!cfg->in_record || !cfg->out_record || !cfg->reg_space ||
	    cfg->rx_cap < NLUT_WIRE_OVERHEAD + 8u + cfg->in_record ||
	    cfg->scratch_cap < cfg->out_record ||
	    cfg->tx_cap < TX_RESERVE + NLUT_WIRE_OVERHEAD + cfg->out_record || cfg->tx_cap < 256)
		return -1;
	memset(e, 0, sizeof(*e));
	e->cfg = *cfg;
	e->ops = *ops;
	nlut_wire_parser_init(&e->parser, cfg->rx_buf, cfg->rx_cap, on_frame, on_error, e);
	return 0;
}

size_t nlut_engine_rx(struct nlut_engine *e, const uint8_t *data, size_t n)
{
	/*
	 * Every frame is at least NLUT_WIRE_OVERHEAD bytes and earns at most
	 * one ANSWER_BYTES answer; a frame already half-buffered may complete
	 * too. Taking k bytes therefore needs room for k / 16 + 1 answers.
	 */
	size_t answers = tx_free(e) / ANSWER_BYTES;
	size_t k = answers > 1 ? (answers - 1) * NLUT_WIRE_OVERHEAD : 0;
	uint64_t dropped = e->parser.dropped_bytes;

	if (k > n)
		k = n;
	if (k)
		nlut_wire_feed(&e->parser, data, k);
	e->st.dropped_bytes += e->parser.dropped_bytes - dropped;
	return k;
}

void nlut_engine_poll(struct nlut_engine *e)
{
	for (;;) {
		size_t room = tx_free(e);
		size_t cap = e->cfg.scratch_cap < NLUT_WIRE_MAX_PAYLOAD ? e->cfg.scratch_cap
									: NLUT_WIRE_MAX_PAYLOAD;
		uint32_t max, got;

		if (room < TX_RESERVE + NLUT_WIRE_OVERHEAD + e->cfg.out_record)
			return;
		room -= TX_RESERVE + NLUT_WIRE_OVERHEAD;
		if (cap > room)
			cap = room;
		max = (uint32_t)(cap / e->cfg.out_record);
		got = e->ops.pull(e->ops.user, e->cfg.scratch, max);
		if (!got)
			return;
		if (got > max)
			got = max; /* a datapath that overran the buffer: keep the queue sane */
		send_frame(e, NLUT_WIRE_RESULTS, e->tx_seq++, e->cfg.scratch, got * e->cfg.out_record);
		e->st.results_out += got;
	}
}

size_t nlut_engine_tx_pending(const struct nlut_engine *e)
{
	return e->tx_tail - e->tx_head;
}

size_t nlut_engine_tx_read(struct nlut_engine *e, uint8_t *out, size_t max)
{
	size_t n = e->tx_tail - e->tx_head;

	if (n > max)
		n = max;
	memcpy(out, e->cfg.tx_buf + e->tx_head, n);
	e->tx_head += n;
	if (e->tx_head == e->tx_tail)
		e->tx_head = e->tx_tail = 0;
	return n;
}
