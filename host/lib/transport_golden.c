/* transport_golden.c - the `golden` board: the register map and stream ports
 * of the nlut shell, served in software by the golden model. It runs the
 * same host path as hardware (ID block, packing, sequence tags, counters). */
#include <stdlib.h>
#include <string.h>

#include <nlut/golden.h>
#include <nlut/regs.h>
#include <nlut/stream.h>

#include "internal.h"
#include "transport.h"

#define BIST_VECTORS 512u

struct golden_dev {
	nlut_golden *g;
	struct nlut_stream_shape shape;
	uint32_t id[NLUT_REG_SPACE_SIZE / 4]; /* read-only words of the ID block */
	uint32_t ctrl, errors, scratch, bist_status, bist_vectors, bist_first_fail;
	uint32_t mbox_cmd, mbox_rsp, mbox_status;
	uint64_t cnt_in, cnt_out;
	uint32_t hi_latch[3];
	uint32_t seq;
	uint8_t *fifo;         /* result records not yet received */
	size_t fifo_len, fifo_head, fifo_cap;
};

static int g_open(const struct nlut_board *b, const nlut_model *m,
		  const struct nlut_device_opts *o, void **priv)
{
	struct golden_dev *g = calloc(1, sizeof(*g));
	uint8_t hash[NLUT_HASH_SIZE];
	unsigned long sb, mb, sc;
	int err;

	if (!g)
		return nlut_fail(NLUT_ERROR_NO_MEM, "golden board");
	uint32_t ni = nlut_model_num_inputs(m);

	if ((err = nlut_board_get_uint(b, "s_bytes", 8, &sb)) ||
	    (err = nlut_board_get_uint(b, "m_bytes", 8, &mb)) ||
	    (err = nlut_board_get_uint(b, "scores", 1, &sc)) ||
	    (err = nlut_stream_shape_model(m, (unsigned)sb, (unsigned)mb, sc != 0, &g->shape)) ||
	    (err = nlut_golden_new(m, &g->g)) || (err = nlut_model_hash(m, hash)))
		goto fail;
	g->id[NLUT_ID_MAGIC_REG_OFFSET / 4] = NLUT_MAGIC;
	g->id[NLUT_ID_VERSION_REG_OFFSET / 4] = NLUT_MAP_VERSION_MAJOR << NLUT_ID_VERSION_MAJOR_OFFSET |
						NLUT_MAP_VERSION_MINOR << NLUT_ID_VERSION_MINOR_OFFSET;
	g->id[NLUT_ID_BOARD_REG_OFFSET / 4] = b->board_id;
	g->id[NLUT_ID_BUILD_REG_OFFSET / 4] = 0;
	for (unsigned k = 0; k < NLUT_HASH_WORDS; k++)
		g->id[NLUT_ID_MODEL_HASH_REG_OFFSET(k) / 4] = nlut_rd32(hash + 4 * k);
	g->id[NLUT_ID_LATENCY_REG_OFFSET / 4] = 0; /* answers are computed at once */
	g->id[NLUT_ID_SHAPE_REG_OFFSET / 4] = ni << NLUT_ID_SHAPE_N_INPUTS_OFFSET |
					      g->shape.n_classes << NLUT_ID_SHAPE_N_CLASSES_OFFSET;
	g->id[NLUT_ID_IN_BITS_REG_OFFSET / 4] = g->shape.in_total_bits;
	g->id[NLUT_ID_STREAM_REG_OFFSET / 4] = (uint32_t)sb << NLUT_ID_STREAM_S_BYTES_OFFSET |
					       (uint32_t)mb << NLUT_ID_STREAM_M_BYTES_OFFSET |
					       (uint32_t)(sc != 0) << NLUT_ID_STREAM_SCORES_BIT;
	g->bist_first_fail = NLUT_BIST_NONE;
	*priv = g;
	return NLUT_SUCCESS;
fail:
	nlut_golden_free(g->g);
	nlut_stream_shape_release(&g->shape);
	free(g);
	return err;
}

static void g_close(void *priv)
{
	struct golden_dev *g = priv;

	nlut_golden_free(g->g);
	nlut_stream_shape_release(&g->shape);
	free(g->fifo);
	free(g);
}

/* The self-test of the golden board: pseudo-random vectors through the
 * single-vector path, compared with the batched path. */
static void run_bist(struct golden_dev *g)
{
	uint32_t ni = g->shape.n_inputs, nc = g->shape.n_classes;
	uint16_t *codes = malloc((size_t)BIST_VECTORS * ni * sizeof(*codes));
	uint32_t *batch = malloc(BIST_VECTORS * sizeof(*batch)), one;
	uint64_t s = 0x6E6C7574ull;

	g->bist_status = 1u << NLUT_BIST_STATUS_DONE_BIT;
	g->bist_vectors = 0;
	g->bist_first_fail = NLUT_BIST_NONE;
	if (!codes || !batch)
		goto out;
	for (size_t i = 0; i < (size_t)BIST_VECTORS * ni; i++) {
		s = s * 6364136223846793005ull + 1442695040888963407ull;
		codes[i] = (uint16_t)((s >> 33) & ((1u << g->shape.in_bits[i % ni]) - 1u));
	}
	if (nlut_golden_eval_batch(g->g, BIST_VECTORS, codes, NULL, batch, 1))
		goto out;
	for (uint32_t v = 0; v < BIST_VECTORS; v++, g->bist_vectors++)
		if (nlut_golden_eval(g->g, codes + (size_t)v * ni, NULL, &one) || one != batch[v] ||
		    one >= nc) {
			g->bist_first_fail = v;
			break;
		}
	if (g->bist_first_fail == NLUT_BIST_NONE)
		g->bist_status |= 1u << NLUT_BIST_STATUS_PASS_BIT;
	else
		g->errors |= 1u << NLUT_ERRORS_BIST_BIT;
out:
	free(codes);
	free(batch);
}

static int g_read32(void *priv, uint32_t off, uint32_t *v)
{
	struct golden_dev *g = priv;

	if (off % 4 || off >= NLUT_REG_SPACE_SIZE)
		return nlut_fail(NLUT_ERROR_INVALID_PARAM, "register offset 0x%x", off);
	switch (off) {
	case NLUT_CTRL_REG_OFFSET:
		*v = g->ctrl;
		break;
	case NLUT_STATUS_REG_OFFSET:
		*v = (g->ctrl >> NLUT_CTRL_ENABLE_BIT & 1u) << NLUT_STATUS_READY_BIT |
		     1u << NLUT_STATUS_EMPTY_BIT;
		break;
	case NLUT_ERRORS_REG_OFFSET:
		*v = g->errors;
		break;
	case NLUT_SCRATCH_REG_OFFSET:
		*v = g->scratch;
		break;
	case NLUT_CNT_IN_LO_REG_OFFSET:
		*v = (uint32_t)g->cnt_in;
		g->hi_latch[0] = (uint32_t)(g->cnt_in >> 32);
		break;
	case NLUT_CNT_IN_HI_REG_OFFSET:
		*v = g->hi_latch[0];
		break;
	case NLUT_CNT_OUT_LO_REG_OFFSET:
		*v = (uint32_t)g->cnt_out;
		g->hi_latch[1] = (uint32_t)(g->cnt_out >> 32);
		break;
	case NLUT_CNT_OUT_HI_REG_OFFSET:
		*v = g->hi_latch[1];
		break;
	case NLUT_BIST_STATUS_REG_OFFSET:
		*v = g->bist_status;
		break;
	case NLUT_BIST_VECTORS_REG_OFFSET:
		*v = g->bist_vectors;
		break;
	case NLUT_BIST_FIRST_FAIL_REG_OFFSET:
		*v = g->bist_first_fail;
		break;
	case NLUT_MBOX_CMD_REG_OFFSET:
		*v = g->mbox_cmd;
		break;
	case NLUT_MBOX_STATUS_REG_OFFSET:
		*v = g->mbox_status;
		break;
	case NLUT_MBOX_RSP_REG_OFFSET:
		*v = g->mbox_rsp;
		break;
	default:
		/* ID block; stall cycles, error count, mailbox data: 0. */
		*v = off < NLUT_CTRL_REG_OFFSET ? g->id[off / 4] : 0;
	}
	return NLUT_SUCCESS;
}

static int g_write32(void *priv, uint32_t off, uint32_t v)
{
	struct golden_dev *g = priv;

	if (off % 4 || off >= NLUT_REG_SPACE_SIZE)
		return nlut_fail(NLUT_ERROR_INVALID_PARAM, "register offset 0x%x", off);
	switch (off) {
	case NLUT_CTRL_REG_OFFSET:
		if (v >> NLUT_CTRL_RESET_BIT & 1) {
			g->seq = 0;
			g->fifo_len = g->fifo_head = 0;
		}
		if (v >> NLUT_CTRL_CLEAR_BIT & 1)
			g->cnt_in = g->cnt_out = 0;
		g->ctrl = v & (1u << NLUT_CTRL_ENABLE_BIT);
		break;
	case NLUT_ERRORS_REG_OFFSET:
		g->errors &= ~v;
		break;
	case NLUT_SCRATCH_REG_OFFSET:
		g->scratch = v;
		break;
	case NLUT_BIST_CTRL_REG_OFFSET:
		if (v >> NLUT_BIST_CTRL_START_BIT & 1)
			run_bist(g);
		break;
	case NLUT_MBOX_CMD_REG_OFFSET:
		/* No controller firmware on this board: every command is
		 * answered "unknown operation". */
		g->mbox_cmd = v;
		g->mbox_rsp = NLUT_RSP_BAD_OP << NLUT_MBOX_RSP_STATUS_OFFSET |
			      ((v >> NLUT_MBOX_CMD_SEQ_OFFSET) & NLUT_MBOX_CMD_SEQ_MASK)
				      << NLUT_MBOX_RSP_SEQ_OFFSET;
		g->mbox_status = 1u << NLUT_MBOX_STATUS_DONE_BIT;
		break;
	default:
		break; /* read-only or unused: ignored, as on the bus */
	}
	return NLUT_SUCCESS;
}

static int g_send(void *priv, const uint8_t *buf, size_t len)
{
	struct golden_dev *g = priv;
	size_t n = len / g->shape.in_record;
	int err;

	if (len % g->shape.in_record)
		return nlut_fail(NLUT_ERROR_INVALID_PARAM, "%zu bytes is not a whole number of %zu-byte vectors",
				 len, g->shape.in_record);
	if (!(g->ctrl >> NLUT_CTRL_ENABLE_BIT & 1))
		return nlut_fail(NLUT_ERROR_BUSY, "golden board: datapath not enabled (CTRL.ENABLE = 0)");
	uint16_t *codes = malloc(n * g->shape.n_inputs * sizeof(*codes) + 1);
	uint16_t *scores = malloc(n * g->shape.n_classes * sizeof(*scores) + 1);
	uint32_t *cls = malloc(n * sizeof(*cls) + 1);

	/* Make room: drop what was received, then grow. */
	if (g->fifo_head) {
		memmove(g->fifo, g->fifo + g->fifo_head, g->fifo_len);
		g->fifo_head = 0;
	}
	size_t need = g->fifo_len + n * g->shape.out_record;

	if (need > g->fifo_cap) {
		uint8_t *f = realloc(g->fifo, need);

		if (f) {
			g->fifo = f;
			g->fifo_cap = need;
		}
	}
	if (!codes || !scores || !cls || need > g->fifo_cap) {
		err = nlut_fail(NLUT_ERROR_NO_MEM, "golden board: %zu vectors", n);
		goto out;
	}
	if ((err = nlut_stream_unpack_inputs(&g->shape, n, buf, codes)) ||
	    (err = nlut_golden_eval_batch(g->g, n, codes, scores, cls, 1)))
		goto out;
	for (size_t v = 0; v < n; v++)
		nlut_stream_put_result(&g->shape, g->seq++, cls[v], scores + v * g->shape.n_classes,
				       g->fifo + g->fifo_len + v * g->shape.out_record);
	g->fifo_len += n * g->shape.out_record;
	g->cnt_in += n;
	g->cnt_out += n;
out:
	free(codes);
	free(scores);
	free(cls);
	return err;
}

static int g_recv(void *priv, uint8_t *buf, size_t len, unsigned timeout_ms)
{
	struct golden_dev *g = priv;

	if (len > g->fifo_len)
		return nlut_fail(NLUT_ERROR_TIMEOUT,
				 "golden board: %zu result bytes wanted, %zu produced (results for vectors never sent)",
				 len, g->fifo_len);
	memcpy(buf, g->fifo + g->fifo_head, len);
	g->fifo_head += len;
	g->fifo_len -= len;
	return NLUT_SUCCESS;
}

const struct nlut_transport_ops nlut_transport_golden = {
	.name = "golden",
	.open = g_open,
	.close = g_close,
	.read32 = g_read32,
	.write32 = g_write32,
	.send = g_send,
	.recv = g_recv,
};
