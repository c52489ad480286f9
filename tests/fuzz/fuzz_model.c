/* fuzz_model.c - libFuzzer target for the .nlut reader: any input must load
 * or fail cleanly; what loads must re-encode, reload identically and evaluate. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <nlut/nlut.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void wr32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* Mutations rarely keep CRCs right, so most inputs would stop at the
 * checksum. Repair the header's file size, section count and every CRC the
 * layout allows, so the parser's deeper checks get exercised too. */
static void fix_crcs(uint8_t *b, size_t n)
{
	size_t pos = 32;
	uint32_t count = 0;

	if (n < 32)
		return;
	wr32(b + 16, (uint32_t)n);
	b[20] = b[21] = b[22] = b[23] = 0;
	while (n - pos >= 20) {
		uint64_t len = rd32(b + pos + 8) | (uint64_t)rd32(b + pos + 12) << 32;

		if (len > n - pos - 20)
			break;
		wr32(b + pos + 16 + len, nlut_wire_crc32(0, b + pos, 16 + (size_t)len));
		pos += 20 + (size_t)len;
		count++;
	}
	wr32(b + 24, count);
	wr32(b + 28, nlut_wire_crc32(0, b, 28));
}

static void check(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *copy = malloc(size ? size : 1);

	check(data, size);
	if (copy) {
		memcpy(copy, data, size);
		fix_crcs(copy, size);
		check(copy, size);
		free(copy);
	}
	return 0;
}

static void check(const uint8_t *data, size_t size)
{
	nlut_model *m = NULL, *r = NULL;
	void *buf = NULL;
	size_t len = 0;

	if (nlut_model_load_mem(data, size, &m) != NLUT_SUCCESS) {
		if (m)
			abort(); /* a failed load must not hand out a model */
		return;
	}
	if (nlut_model_save_mem(m, &buf, &len) != NLUT_SUCCESS)
		abort();
	if (nlut_model_load_mem(buf, len, &r) != NLUT_SUCCESS)
		abort();
	uint8_t h1[NLUT_HASH_SIZE], h2[NLUT_HASH_SIZE];

	if (nlut_model_hash(m, h1) || nlut_model_hash(r, h2) || memcmp(h1, h2, sizeof(h1)))
		abort();
	/* Evaluate the all-zero vector: exercises every table's address path. */
	nlut_golden *g;

	if (nlut_golden_new(m, &g) == NLUT_SUCCESS) {
		uint16_t *codes = calloc(nlut_model_num_inputs(m), sizeof(*codes));
		uint32_t cls;

		if (codes && nlut_golden_eval(g, codes, NULL, &cls) == NLUT_SUCCESS &&
		    cls >= nlut_model_num_classes(m))
			abort();
		free(codes);
		nlut_golden_free(g);
	}
	free(buf);
	nlut_model_free(r);
	nlut_model_free(m);
}
