/* device.c - the device API over a transport: identity checks, batches in
 * flight (codes or zero-copy records), sequence-tag checking, counters,
 * self-test. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <nlut/regs.h>
#include <nlut/stream.h>

#include "internal.h"
#include "transport.h"

#define DEFAULT_TIMEOUT_MS 10000u
/* Records one acquire lends where the transport stages them in host memory. */
#define STAGE_MAX_RECORDS 65536u

struct batch {
	uint64_t ticket;
	size_t n;
	uint32_t *cls;
	uint16_t *scores;
	uint32_t first_seq;
};

/* A host buffer that only grows. */
struct stage {
	uint8_t *p;
	size_t cap;
};

struct nlut_device {
	const struct nlut_transport_ops *ops;
	void *priv;
	const nlut_model *model;
	struct nlut_board board;
	struct nlut_device_info info;
	struct nlut_stream_shape shape;
	unsigned timeout_ms;
	uint32_t next_seq;     /* tag the next submitted vector will carry */
	uint64_t next_ticket;
	struct batch q[NLUT_DEVICE_MAX_INFLIGHT];
	unsigned q_head, q_len;
	int broken;            /* a protocol error: results can no longer be trusted */
	size_t acquired;       /* records lent by records_acquire, not yet submitted */
	size_t held;           /* result bytes lent in place by records_collect */
	struct stage in_stage, out_stage; /* records of transports without zero-copy */
};

static int stage_grow(struct stage *s, size_t len)
{
	if (len <= s->cap)
		return NLUT_SUCCESS;
	uint8_t *p = realloc(s->p, len);

	if (!p)
		return nlut_fail(NLUT_ERROR_NO_MEM, "%zu bytes of records", len);
	s->p = p;
	s->cap = len;
	return NLUT_SUCCESS;
}

/* Give the transport back the results records_collect lent in place; every
 * call that may launch, reuse or free a buffer does this first. */
static void release_held(nlut_device *d)
{
	if (d->held) {
		d->ops->out_release(d->priv, d->held);
		d->held = 0;
	}
}

NLUT_API void nlut_device_opts_init(struct nlut_device_opts *o)
{
	memset(o, 0, sizeof(*o));
}

static int rd(nlut_device *d, uint32_t off, uint32_t *v)
{
	return d->ops->read32(d->priv, off, v);
}

static int wr(nlut_device *d, uint32_t off, uint32_t v)
{
	return d->ops->write32(d->priv, off, v);
}

static void hex(const uint8_t *h, char *out)
{
	for (int i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", h[i]);
}

/* Read and check the ID block; fill d->info and d->shape. */
static int read_identity(nlut_device *d)
{
	struct nlut_device_info *in = &d->info;
	uint32_t magic, ver, shape, stream, w;
	uint8_t want[NLUT_HASH_SIZE];
	int err;

	if ((err = rd(d, NLUT_ID_MAGIC_REG_OFFSET, &magic)))
		return err;
	if (magic != NLUT_MAGIC)
		return nlut_fail(NLUT_ERROR_PROTOCOL, "board %s: ID_MAGIC reads %08x, not %08x: no nlut shell there",
				 d->board.name, magic, NLUT_MAGIC);
	if ((err = rd(d, NLUT_ID_VERSION_REG_OFFSET, &ver)))
		return err;
	in->map_major = (ver >> NLUT_ID_VERSION_MAJOR_OFFSET) & NLUT_ID_VERSION_MAJOR_MASK;
	in->map_minor = (ver >> NLUT_ID_VERSION_MINOR_OFFSET) & NLUT_ID_VERSION_MINOR_MASK;
	if (in->map_major != NLUT_MAP_VERSION_MAJOR)
		return nlut_fail(NLUT_ERROR_VERSION, "board %s: register map %u.%u, this host speaks %u.x",
				 d->board.name, in->map_major, in->map_minor, NLUT_MAP_VERSION_MAJOR);
	if ((err = rd(d, NLUT_ID_BOARD_REG_OFFSET, &in->board_id)) ||
	    (err = rd(d, NLUT_ID_BUILD_REG_OFFSET, &in->build_id)))
		return err;
	for (unsigned k = 0; k < NLUT_HASH_WORDS; k++) {
		if ((err = rd(d, NLUT_ID_MODEL_HASH_REG_OFFSET(k), &w)))
			return err;
		for (unsigned j = 0; j < 4; j++)
			in->model_hash[4 * k + j] = (uint8_t)(w >> (8 * j));
	}
	if ((err = nlut_model_hash(d->model, want)))
		return err;
	if (memcmp(want, in->model_hash, NLUT_HASH_SIZE)) {
		char a[65], b[65];

		hex(in->model_hash, a);
		hex(want, b);
		return nlut_fail(NLUT_ERROR_MODEL_MISMATCH,
				 "board %s holds model %s but the model given is %s", d->board.name, a, b);
	}
	if ((err = rd(d, NLUT_ID_LATENCY_REG_OFFSET, &in->latency_cycles)) ||
	    (err = rd(d, NLUT_ID_SHAPE_REG_OFFSET, &shape)) ||
	    (err = rd(d, NLUT_ID_IN_BITS_REG_OFFSET, &in->in_bits)) ||
	    (err = rd(d, NLUT_ID_STREAM_REG_OFFSET, &stream)))
		return err;
	in->n_inputs = (shape >> NLUT_ID_SHAPE_N_INPUTS_OFFSET) & NLUT_ID_SHAPE_N_INPUTS_MASK;
	in->n_classes = (shape >> NLUT_ID_SHAPE_N_CLASSES_OFFSET) & NLUT_ID_SHAPE_N_CLASSES_MASK;
	in->s_bytes = (stream >> NLUT_ID_STREAM_S_BYTES_OFFSET) & NLUT_ID_STREAM_S_BYTES_MASK;
	in->m_bytes = (stream >> NLUT_ID_STREAM_M_BYTES_OFFSET) & NLUT_ID_STREAM_M_BYTES_MASK;
	in->scores = (stream >> NLUT_ID_STREAM_SCORES_BIT) & 1u;

	/* Same identity means same shape; a device that disagrees is broken. */
	uint32_t ni = nlut_model_num_inputs(d->model);

	if ((err = nlut_stream_shape_model(d->model, in->s_bytes, in->m_bytes, in->scores, &d->shape)))
		return err == NLUT_ERROR_NO_MEM ? err
			: nlut_fail(NLUT_ERROR_PROTOCOL, "board %s: ID_STREAM: %s", d->board.name,
				    nlut_error_detail());
	if (in->n_inputs != ni || in->n_classes != d->shape.n_classes ||
	    in->in_bits != d->shape.in_total_bits)
		return nlut_fail(NLUT_ERROR_PROTOCOL,
				 "board %s: ID block says %u inputs (%u bits), %u classes; the model has %u (%u bits), %u",
				 d->board.name, in->n_inputs, in->in_bits, in->n_classes, ni,
				 d->shape.in_total_bits, d->shape.n_classes);
	return NLUT_SUCCESS;
}

NLUT_API int nlut_device_open(const char *board, const nlut_model *m,
			      const struct nlut_device_opts *o, nlut_device **out)
{
	struct nlut_device_opts def;
	int err;

	if (!out || !m)
		return nlut_fail(NLUT_ERROR_INVALID_PARAM, "model or out is NULL");
	*out = NULL;
	nlut_clear_error();
	if (!o) {
		nlut_device_opts_init(&def);
		o = &def;
	}
	nlut_device *d = calloc(1, sizeof(*d));

	if (!d)
		return nlut_fail(NLUT_ERROR_NO_MEM, "device");
	d->model = m;
	d->timeout_ms = o->timeout_ms ? o->timeout_ms : DEFAULT_TIMEOUT_MS;
	if ((err = nlut_board_load(o->boards_dir, board, &d->board)))
		goto fail;
	/* The shell's ID_SHAPE holds 16-bit counts: say so here, before a board
	 * is built, rather than as a garbled identity after. */
	if (nlut_model_num_inputs(m) > NLUT_ID_SHAPE_N_INPUTS_MASK ||
	    nlut_model_num_classes(m) > NLUT_ID_SHAPE_N_CLASSES_MASK) {
		err = nlut_fail(NLUT_ERROR_TOO_LARGE,
				"board %s: the model has %u inputs and %u classes; the nlut shell carries at most %u of each (ID_SHAPE, docs/register-map.md)",
				d->board.name, nlut_model_num_inputs(m), nlut_model_num_classes(m),
				(unsigned)NLUT_ID_SHAPE_N_CLASSES_MASK);
		goto fail;
	}
	if (!(d->ops = nlut_transport_find(d->board.transport))) {
		err = nlut_fail(NLUT_ERROR_UNSUPPORTED, "board %s uses transport '%s', which this libnlut lacks",
				d->board.name, d->board.transport);
		goto fail;
	}
	if ((err = d->ops->open(&d->board, m, o, &d->priv))) {
		d->ops = NULL;
		goto fail;
	}
	if ((err = read_identity(d)))
		goto fail;
	snprintf(d->info.board, sizeof(d->info.board), "%s", d->board.name);
	snprintf(d->info.transport, sizeof(d->info.transport), "%s", d->board.transport);
	d->info.clock_mhz = d->board.clock_mhz;
	d->info.in_record = d->shape.in_record;
	d->info.out_record = d->shape.out_record;
	d->info.max_records = d->ops->max_records ? d->ops->max_records(d->priv) : STAGE_MAX_RECORDS;
	d->info.zero_copy = d->ops->in_acquire && d->ops->out_peek;
	/* Start from a clean datapath so sequence tags start at 0. */
	if ((err = nlut_device_reset(d)))
		goto fail;
	*out = d;
	return NLUT_SUCCESS;
fail:
	nlut_device_close(d);
	return err;
}

NLUT_API void nlut_device_close(nlut_device *d)
{
	if (!d)
		return;
	if (d->ops)
		d->ops->close(d->priv);
	nlut_stream_shape_release(&d->shape);
	free(d->in_stage.p);
	free(d->out_stage.p);
	free(d);
}

NLUT_API int nlut_device_get_info(nlut_device *d, struct nlut_device_info *info)
{
	if (!d || !info)
		return nlut_fail(NLUT_ERROR_INVALID_PARAM, "device or info is NULL");
	*info = d->info;
	return NLUT_SUCCESS;
}

NLUT_API unsigned nlut_device_inflight(const nlut_device *d)
{
	return d ? d->q_len : 0;
}

static void enqueue(nlut_device *d, size_t n, uint32_t *cls, uint16_t *scores, uint64_t *ticket)
{
	struct batch *b = &d->q[(d->q_head + d->q_len) % NLUT_DEVICE_MAX_INFLIGHT];

	*b = (struct batch){ d->next_ticket++, n, cls, scores, d->next_seq };
	d->next_seq += (uint32_t)n;
	d->q_len++;
	if (ticket)
		*ticket = b->ticket;
}

/* Take the oldest batch off the queue; after an error the stream position
 * is unknown, so later batches are refused until a reset. */
static void dequeue(nlut_device *d, uint64_t *ticket, int err)
{
	if (ticket)
		*ticket = d->q[d->q_head].ticket;
	d->q_head = (d->q_head + 1) % NLUT_DEVICE_MAX_INFLIGHT;
	d->q_len--;
	if (err)
		d->broken = 1;
}

static int tag_error(const nlut_device *d, const struct batch *b, size_t v, uint32_t got)
{
	uint32_t want = b->first_seq + (uint32_t)v;

	return nlut_fail(NLUT_ERROR_PROTOCOL,
			 "board %s: result %zu of batch %llu has sequence tag %u, expected %u (%s)",
			 d->board.name, v, (unsigned long long)b->ticket, got, want,
			 got > want ? "results lost" : "result repeated or reordered");
}

/* Parse a batch's result records into its cls and scores, checking every
 * tag. */
static int fill_results(nlut_device *d, const struct batch *b, const uint8_t *buf)
{
	struct nlut_stream_result *res = malloc(b->n * sizeof(*res));
	int err;

	if (!res)
		return nlut_fail(NLUT_ERROR_NO_MEM, "%zu results", b->n);
	err = nlut_stream_unpack(&d->shape, b->n, buf, res, b->scores);
	for (size_t v = 0; !err && v < b->n; v++) {
		if (res[v].seq != b->first_seq + (uint32_t)v)
			err = tag_error(d, b, v, res[v].seq);
		else if (b->cls)
			b->cls[v] = res[v].cls;
	}
	free(res);
	return err;
}

NLUT_API int nlut_device_submit(nlut_device *d, size_t n, const uint16_t *codes, uint32_t *cls,
				uint16_t *scores, uint64_t *ticket)
{
	int err;

	if (!d || !codes || !n || (!cls && !scores))
		return nlut_fail(NLUT_ERROR_INVALID_PARAM, "device, codes or results missing, or no vectors");
	if (d->acquired)
		return nlut_fail(NLUT_ERROR_BUSY, "%zu records acquired: submit them first", d->acquired);
	release_held(d);
	if (d->broken)
		return nlut_fail(NLUT_ERROR_PROTOCOL, "board %s: an earlier protocol error; reset the device",
				 d->board.name);
	if (scores && !d->shape.scores)
		return nlut_fail(NLUT_ERROR_UNSUPPORTED, "board %s was built without class scores",
				 d->board.name);
	if (d->q_len >= NLUT_DEVICE_MAX_INFLIGHT)
		return nlut_fail(NLUT_ERROR_BUSY, "%u batches in flight: collect one first",
				 NLUT_DEVICE_MAX_INFLIGHT);
	if (n > SIZE_MAX / d->shape.in_record)
		return nlut_fail(NLUT_ERROR_TOO_LARGE, "%zu vectors", n);
	uint8_t *buf = malloc(n * d->shape.in_record);

	if (!buf)
		return nlut_fail(NLUT_ERROR_NO_MEM, "%zu input records", n);
	err = nlut_stream_pack(&d->shape, n, codes, buf);
	if (!err)
		err = d->ops->send(d->priv, buf, n * d->shape.in_record);
	free(buf);
	if (err)
		return err;
	enqueue(d, n, cls, scores, ticket);
	return NLUT_SUCCESS;
}

NLUT_API int nlut_device_collect(nlut_device *d, uint64_t *ticket)
{
	if (!d)
		return nlut_fail(NLUT_ERROR_INVALID_PARAM, "device is NULL");
	release_held(d);
	if (!d->q_len)
		return nlut_fail(NLUT_ERROR_NOT_FOUND, "no batch in flight");
	struct batch *b = &d->q[d->q_head];
	size_t len = b->n * d->shape.out_record;
	int err;

	if (!b->cls && !b->scores)
		return nlut_fail(NLUT_ERROR_INVALID_PARAM,
				 "batch %llu was submitted without cls or scores: collect it with nlut_device_records_collect",
				 (unsigned long long)b->ticket);
	if ((err = stage_grow(&d->out_stage, len)))
		return err;
	err = d->ops->recv(d->priv, d->out_stage.p, len, d->timeout_ms);
	if (!err)
		err = fill_results(d, b, d->out_stage.p);
	/* The batch leaves the queue either way. */
	dequeue(d, ticket, err);
	return err;
}

NLUT_API int nlut_device_records_acquire(nlut_device *d, size_t n, uint8_t **records, size_t *stride)
{
	uint8_t *p;
	int err;

	if (!d || !records || !stride)
		return nlut_fail(NLUT_ERROR_INVALID_PARAM, "device, records or stride is NULL");
	if (d->acquired)
		return nlut_fail(NLUT_ERROR_BUSY, "%zu records already acquired: submit them first (0 gives them back)",
				 d->acquired);
	if (!n)
		return nlut_fail(NLUT_ERROR_INVALID_PARAM, "acquire of 0 records");
	if (n > d->info.max_records)
		return nlut_fail(NLUT_ERROR_TOO_LARGE, "board %s lends at most %zu records at a time, not %zu",
				 d->board.name, d->info.max_records, n);
	if (d->broken)
		return nlut_fail(NLUT_ERROR_PROTOCOL, "board %s: an earlier protocol error; reset the device",
				 d->board.name);
	if (d->q_len >= NLUT_DEVICE_MAX_INFLIGHT)
		return nlut_fail(NLUT_ERROR_BUSY, "%u batches in flight: collect one first",
				 NLUT_DEVICE_MAX_INFLIGHT);
	release_held(d);
	if (d->ops->in_acquire) {
		if ((err = d->ops->in_acquire(d->priv, n, &p)))
			return err;
	} else {
		if ((err = stage_grow(&d->in_stage, n * d->shape.in_record)))
			return err;
		p = d->in_stage.p;
	}
	d->acquired = n;
	*records = p;
	*stride = d->shape.in_record;
	return NLUT_SUCCESS;
}

NLUT_API int nlut_device_records_submit(nlut_device *d, size_t n, uint32_t *cls, uint16_t *scores,
					uint64_t *ticket)
{
	int err;

	if (!d)
		return nlut_fail(NLUT_ERROR_INVALID_PARAM, "device is NULL");
	if (!d->acquired)
		return nlut_fail(NLUT_ERROR_INVALID_PARAM,
				 "no records acquired: call nlut_device_records_acquire first");
	if (n > d->acquired)
		return nlut_fail(NLUT_ERROR_INVALID_PARAM, "submit of %zu records, but %zu were acquired", n,
				 d->acquired);
	if (scores && !d->shape.scores)
		return nlut_fail(NLUT_ERROR_UNSUPPORTED, "board %s was built without class scores",
				 d->board.name);
	release_held(d);
	if (d->ops->in_commit)
		err = d->ops->in_commit(d->priv, n);
	else
		err = n ? d->ops->send(d->priv, d->in_stage.p, n * d->shape.in_record) : NLUT_SUCCESS;
	d->acquired = 0;
	if (err || !n)
		return err;
	enqueue(d, n, cls, scores, ticket);
	return NLUT_SUCCESS;
}

NLUT_API int nlut_device_records_collect(nlut_device *d, uint64_t *ticket, const uint8_t **results,
					 size_t *n, size_t *stride)
{
	const uint8_t *buf = NULL;
	int err = NLUT_ERROR_UNSUPPORTED;

	if (!d || !results || !n || !stride)
		return nlut_fail(NLUT_ERROR_INVALID_PARAM, "device, results, n or stride is NULL");
	release_held(d);
	if (!d->q_len)
		return nlut_fail(NLUT_ERROR_NOT_FOUND, "no batch in flight");
	const struct batch *b = &d->q[d->q_head];
	size_t len = b->n * d->shape.out_record, rs = d->shape.out_record;

	if (d->ops->out_peek && (err = d->ops->out_peek(d->priv, len, &buf, d->timeout_ms)) == NLUT_SUCCESS) {
		/* In place: the first and last tags (the header says why). */
		d->held = len;
		if (nlut_result_seq(buf) != b->first_seq)
			err = tag_error(d, b, 0, nlut_result_seq(buf));
		else if (nlut_result_seq(buf + len - rs) != b->first_seq + (uint32_t)(b->n - 1))
			err = tag_error(d, b, b->n - 1, nlut_result_seq(buf + len - rs));
	} else if (err == NLUT_ERROR_UNSUPPORTED) {
		if (!(err = stage_grow(&d->out_stage, len)) &&
		    !(err = d->ops->recv(d->priv, d->out_stage.p, len, d->timeout_ms))) {
			buf = d->out_stage.p;
			for (size_t v = 0; !err && v < b->n; v++)
				if (nlut_result_seq(buf + v * rs) != b->first_seq + (uint32_t)v)
					err = tag_error(d, b, v, nlut_result_seq(buf + v * rs));
		}
	}
	if (!err && (b->cls || b->scores))
		err = fill_results(d, b, buf);
	if (err)
		release_held(d);
	else {
		*results = buf;
		*n = b->n;
		*stride = rs;
	}
	dequeue(d, ticket, err);
	return err;
}

NLUT_API int nlut_device_pack(const nlut_device *d, size_t n, const uint16_t *codes, uint8_t *records,
			      size_t stride)
{
	if (!d || (n && (!codes || !records)))
		return nlut_fail(NLUT_ERROR_INVALID_PARAM, "device, codes or records is NULL");
	if (stride != d->shape.in_record)
		return nlut_fail(NLUT_ERROR_INVALID_PARAM,
				 "board %s takes %zu-byte input records, not %zu (stride from nlut_device_records_acquire)",
				 d->board.name, d->shape.in_record, stride);
	return nlut_stream_pack(&d->shape, n, codes, records);
}

NLUT_API int nlut_device_infer(nlut_device *d, size_t n, const uint16_t *codes, uint32_t *cls,
			       uint16_t *scores)
{
	const size_t chunk = 16384;
	int err = NLUT_SUCCESS;

	if (!d || !codes || (!cls && !scores))
		return nlut_fail(NLUT_ERROR_INVALID_PARAM, "device, codes or results missing");
	if (d->acquired)
		return nlut_fail(NLUT_ERROR_BUSY, "%zu records acquired: submit them first", d->acquired);
	if (d->q_len)
		return nlut_fail(NLUT_ERROR_BUSY, "collect the %u batches in flight first", d->q_len);
	/* Keep two chunks in flight so the device never waits for the host. */
	for (size_t at = 0, done = 0; done < n;) {
		while (!err && at < n && d->q_len < 2) {
			size_t k = n - at < chunk ? n - at : chunk;
			size_t nc = d->shape.n_classes;

			err = nlut_device_submit(d, k, codes + at * d->shape.n_inputs, cls ? cls + at : NULL,
						 scores ? scores + at * nc : NULL, NULL);
			at += k;
		}
		if (err)
			break;
		size_t k = d->q[d->q_head].n;

		if ((err = nlut_device_collect(d, NULL)))
			break;
		done += k;
	}
	/* On failure, drain what is left so the queue is empty again. */
	while (d->q_len) {
		d->q_head = (d->q_head + 1) % NLUT_DEVICE_MAX_INFLIGHT;
		d->q_len--;
		d->broken = 1;
	}
	return err;
}

static int rd64(nlut_device *d, uint32_t lo_off, uint64_t *v)
{
	uint32_t lo, hi;
	int err;

	/* Reading LO latches HI, so the pair is consistent. */
	if ((err = rd(d, lo_off, &lo)) || (err = rd(d, lo_off + 4, &hi)))
		return err;
	*v = (uint64_t)hi << 32 | lo;
	return NLUT_SUCCESS;
}

NLUT_API int nlut_device_counters(nlut_device *d, struct nlut_counters *c)
{
	int err;

	if (!d || !c)
		return nlut_fail(NLUT_ERROR_INVALID_PARAM, "device or counters is NULL");
	if ((err = rd64(d, NLUT_CNT_IN_LO_REG_OFFSET, &c->inputs)) ||
	    (err = rd64(d, NLUT_CNT_OUT_LO_REG_OFFSET, &c->results)) ||
	    (err = rd64(d, NLUT_CNT_STALL_LO_REG_OFFSET, &c->stall_cycles)) ||
	    (err = rd(d, NLUT_CNT_ERRORS_REG_OFFSET, &c->errors)) ||
	    (err = rd(d, NLUT_ERRORS_REG_OFFSET, &c->error_flags)))
		return err;
	return NLUT_SUCCESS;
}

NLUT_API int nlut_device_bist(nlut_device *d, struct nlut_bist_result *r)
{
	uint32_t st = 0;
	int err;

	if (!d || !r)
		return nlut_fail(NLUT_ERROR_INVALID_PARAM, "device or result is NULL");
	if ((err = wr(d, NLUT_BIST_CTRL_REG_OFFSET, 1u << NLUT_BIST_CTRL_START_BIT)))
		return err;
	double deadline = nlut_now_ms() + d->timeout_ms;

	for (;;) {
		if ((err = rd(d, NLUT_BIST_STATUS_REG_OFFSET, &st)))
			return err;
		if ((st >> NLUT_BIST_STATUS_DONE_BIT & 1) && !(st >> NLUT_BIST_STATUS_RUNNING_BIT & 1))
			break;
		if (nlut_now_ms() > deadline)
			return nlut_fail(NLUT_ERROR_TIMEOUT, "board %s: self-test did not finish in %u ms",
					 d->board.name, d->timeout_ms);
	}
	r->pass = (int)(st >> NLUT_BIST_STATUS_PASS_BIT & 1);
	if ((err = rd(d, NLUT_BIST_VECTORS_REG_OFFSET, &r->vectors)) ||
	    (err = rd(d, NLUT_BIST_FIRST_FAIL_REG_OFFSET, &r->first_fail)))
		return err;
	return NLUT_SUCCESS;
}

NLUT_API int nlut_device_reset(nlut_device *d)
{
	int err;

	if (!d)
		return nlut_fail(NLUT_ERROR_INVALID_PARAM, "device is NULL");
	release_held(d);
	if (d->q_len)
		return nlut_fail(NLUT_ERROR_BUSY, "collect the %u batches in flight first", d->q_len);
	if (d->acquired)
		return nlut_fail(NLUT_ERROR_BUSY, "%zu records acquired: submit them first", d->acquired);
	if ((err = wr(d, NLUT_CTRL_REG_OFFSET,
		      1u << NLUT_CTRL_RESET_BIT | 1u << NLUT_CTRL_CLEAR_BIT)) ||
	    (err = wr(d, NLUT_CTRL_REG_OFFSET, 1u << NLUT_CTRL_ENABLE_BIT)))
		return err;
	d->next_seq = 0;
	d->broken = 0;
	return NLUT_SUCCESS;
}
