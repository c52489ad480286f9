/* mock_simboard.c - a stand-in for nlut_simboard.so (sim/system/
 * nlut_simboard.h) for testing the sim transport without Verilator: the
 * golden board behind the simboard interface. What it claims to be comes
 * from the environment, read at each call:
 *   NLUT_FAKE_SIMBOARD_MODEL  model file it holds (required)
 *   NLUT_FAKE_SIMBOARD_SHAPE  "S_BYTES,M_BYTES,SCORES" (default 8,8,1)
 *   NLUT_FAKE_SIMBOARD_ABI    what nlut_simboard_abi returns (default 1)
 *   NLUT_FAKE_SIMBOARD_MODE   "ok", "fail-new" (nlut_simboard_new fails),
 *                             "mute" (no result ever comes out)
 * Results trickle out one record per nlut_simboard_recv call, so callers
 * must clock in slices. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nlut/nlut.h>
#include <nlut/stream.h>

#include "board.h"
#include "internal.h"
#include "nlut_simboard.h"
#include "transport.h"

struct nlut_simboard {
	nlut_model *m;
	void *golden;
	struct nlut_stream_shape shape;
	size_t pending;   /* result bytes the golden board holds */
	uint64_t cycles;
	int mute;
};

static const char *env(const char *k, const char *def)
{
	const char *v = getenv(k);

	return v && *v ? v : def;
}

static void shape(unsigned *s, unsigned *m, unsigned *sc)
{
	*s = 8;
	*m = 8;
	*sc = 1;
	sscanf(env("NLUT_FAKE_SIMBOARD_SHAPE", "8,8,1"), "%u,%u,%u", s, m, sc);
}

int nlut_simboard_abi(void)
{
	return atoi(env("NLUT_FAKE_SIMBOARD_ABI", "1"));
}

void nlut_simboard_get_info(struct nlut_simboard_info *info)
{
	nlut_model *m;

	memset(info, 0, sizeof(*info));
	shape(&info->s_bytes, &info->m_bytes, &info->scores);
	if (nlut_model_load(env("NLUT_FAKE_SIMBOARD_MODEL", ""), &m))
		return;
	nlut_model_hash(m, info->model_hash);
	nlut_model_free(m);
}

void nlut_simboard_free(struct nlut_simboard *b)
{
	if (!b)
		return;
	if (b->golden)
		nlut_transport_golden.close(b->golden);
	nlut_stream_shape_release(&b->shape);
	nlut_model_free(b->m);
	free(b);
}

struct nlut_simboard *
nlut_simboard_new(const struct nlut_simboard_config *c, char *err, size_t errlen)
{
	const char *mode = env("NLUT_FAKE_SIMBOARD_MODE", "ok");
	struct nlut_simboard *b = calloc(1, sizeof(*b));
	struct nlut_board bd;
	unsigned s, m, sc;

	if (!strcmp(mode, "fail-new")) {
		snprintf(err, errlen, "firmware did not boot in 1000000 cycles");
		free(b);
		return NULL;
	}
	shape(&s, &m, &sc);
	memset(&bd, 0, sizeof(bd));
	snprintf(bd.name, sizeof(bd.name), "mock");
	bd.board_id = 0x51;
	bd.n_kv = 3;
	snprintf(bd.kv[0].key, sizeof(bd.kv[0].key), "s_bytes");
	snprintf(bd.kv[0].value, sizeof(bd.kv[0].value), "%u", s);
	snprintf(bd.kv[1].key, sizeof(bd.kv[1].key), "m_bytes");
	snprintf(bd.kv[1].value, sizeof(bd.kv[1].value), "%u", m);
	snprintf(bd.kv[2].key, sizeof(bd.kv[2].key), "scores");
	snprintf(bd.kv[2].value, sizeof(bd.kv[2].value), "%u", sc);
	if (!b || nlut_model_load(env("NLUT_FAKE_SIMBOARD_MODEL", ""), &b->m) ||
	    nlut_stream_shape_model(b->m, s, m, sc != 0, &b->shape) ||
	    nlut_transport_golden.open(&bd, b->m, NULL, &b->golden)) {
		snprintf(err, errlen, "mock: %s", nlut_error_detail());
		nlut_simboard_free(b);
		return NULL;
	}
	b->mute = !strcmp(mode, "mute");
	return b;
}

int nlut_simboard_read32(struct nlut_simboard *b, uint32_t off, uint32_t *v)
{
	b->cycles += 4;
	return nlut_transport_golden.read32(b->golden, off, v) ? -1 : 0;
}

int nlut_simboard_write32(struct nlut_simboard *b, uint32_t off, uint32_t v)
{
	b->cycles += 4;
	if (off == NLUT_CTRL_REG_OFFSET && (v >> NLUT_CTRL_RESET_BIT & 1))
		b->pending = 0;
	return nlut_transport_golden.write32(b->golden, off, v) ? -1 : 0;
}

int nlut_simboard_send(struct nlut_simboard *b, const uint8_t *buf, size_t len)
{
	if (len % b->shape.in_record || nlut_transport_golden.send(b->golden, buf, len))
		return -1;
	b->pending += len / b->shape.in_record * b->shape.out_record;
	return 0;
}

size_t nlut_simboard_recv(struct nlut_simboard *b, uint8_t *buf, size_t len, uint64_t max_cycles)
{
	size_t k = b->shape.out_record;

	b->cycles += max_cycles;
	if (b->mute || !b->pending)
		return 0;
	if (k > len)
		k = len;
	if (k > b->pending)
		k = b->pending;
	if (nlut_transport_golden.recv(b->golden, buf, k, 0))
		return 0;
	b->pending -= k;
	return k;
}

void nlut_simboard_run(struct nlut_simboard *b, uint64_t n)
{
	b->cycles += n;
}

uint64_t nlut_simboard_cycles(const struct nlut_simboard *b)
{
	return b->cycles;
}

size_t nlut_simboard_queued_in(const struct nlut_simboard *b)
{
	return 0;
}
