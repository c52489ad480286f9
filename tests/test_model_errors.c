/* test_model_errors.c - the model reader names the real fault: a wrong input
 * width on neuron 0 was reported as "layer 0 neuron 1: unknown neuron kind"
 * (the table sized by the wrong width put the next neuron mid-table). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <nlut/golden.h>
#include <nlut/nlut.h>

#include "random_model.h"
#include "ref_eval.h"

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void wr32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* ---- threshold decoding (OUTP kind 3, format 1.2) ---- */

/* 16 features of 2 bits, a hidden layer, one 5-bit output neuron. */
static nlut_model *thr_model(int is_signed, int32_t t)
{
	struct rm_spec sp = { .n_inputs = 16, .in_bits = 2, .n_layers = 2, .width = { 8, 1 },
			      .fan_in = { 3, 4 }, .out_bits = { 2, 5 } };
	nlut_model *m = rm_build(&sp, 77);

	assert_non_null(m);
	assert_int_equal(nlut_model_set_threshold(m, is_signed, t), 0);
	return m;
}

/* The OUTP payload of an encoded model (its offset), after fixing nothing. */
static size_t find_outp(const uint8_t *b, size_t len)
{
	for (size_t s = 32; s + 20 <= len;) {
		uint64_t plen = rd32(b + s + 8);

		if (!memcmp(b + s, "OUTP", 4))
			return s;
		s += 20 + (size_t)plen;
	}
	fail_msg("no OUTP section");
	return 0;
}

static void fix_crc(uint8_t *b, size_t s)
{
	uint64_t plen = rd32(b + s + 8);

	wr32(b + s + 16 + plen, nlut_wire_crc32(0, b + s, 16 + (size_t)plen));
}

/* Class 1 iff the output code (signed or not) >= T, one-hot scores; the file
 * is 1.2 and reads back with the same identity; a model without it stays 1.0. */
static void test_threshold_decoding(void **state)
{
	(void)state;
	for (int sg = 0; sg < 2; sg++) {
		int32_t t = sg ? -3 : 9;
		nlut_model *m = thr_model(sg, t), *r = NULL;
		nlut_golden *g;
		uint16_t codes[16], acts[64], sc[2];
		uint32_t cls, n1 = 0, n0 = 0;
		unsigned maj, min;
		char id1[NLUT_ID_STR_SIZE], id2[NLUT_ID_STR_SIZE];
		void *buf;
		size_t len;
		int s2;
		int32_t t2;

		assert_int_equal(nlut_model_num_classes(m), 2);
		assert_int_equal(nlut_model_score_bits(m, 1), 1);
		assert_int_equal(nlut_model_save_mem(m, &buf, &len), 0);
		assert_int_equal(((uint8_t *)buf)[10], 2); /* minor 2 */
		assert_int_equal(nlut_model_load_mem(buf, len, &r), 0);
		nlut_model_version(r, &maj, &min);
		assert_int_equal(min, 2);
		assert_int_equal(nlut_model_decoding(r), NLUT_DECODE_THRESHOLD);
		assert_int_equal(nlut_model_threshold(r, &s2, &t2), 1);
		assert_int_equal(s2, sg);
		assert_int_equal(t2, t);
		nlut_model_id(m, id1);
		nlut_model_id(r, id2);
		assert_string_equal(id1, id2);
		assert_int_equal(nlut_golden_new(r, &g), 0);
		assert_true(nlut_golden_num_neurons(g) <= 64);
		for (uint32_t v = 0; v < 2000; v++) {
			for (int i = 0; i < 16; i++)
				codes[i] = (uint16_t)((v * 2654435761u >> (2 * i)) & 3u);
			assert_int_equal(nlut_golden_eval(g, codes, sc, &cls), 0);
			assert_int_equal(nlut_golden_trace(g, codes, acts), 0);
			int32_t code = acts[nlut_golden_num_neurons(g) - 1];

			if (sg && code >= 16)
				code -= 32;
			assert_int_equal(cls, code >= t);
			/* The naive reference evaluator agrees. */
			uint16_t rs[2];

			assert_int_equal(ref_eval(r, codes, rs), cls);
			assert_memory_equal(rs, sc, sizeof(rs));
			assert_int_equal(sc[1], code >= t);
			assert_int_equal(sc[0], code < t);
			n1 += cls;
			n0 += !cls;
		}
		assert_true(n0 > 0 && n1 > 0); /* both classes reached */
		nlut_golden_free(g);
		free(buf);
		nlut_model_free(r);
		/* Back to argmax: a 1.0 file again. */
		assert_int_equal(nlut_model_set_group_sum(m, 0), 0);
		assert_int_equal(nlut_model_save_mem(m, &buf, &len), 0);
		assert_int_equal(((uint8_t *)buf)[10], 0);
		free(buf);
		nlut_model_free(m);
	}
}

/* Bad thresholds: through the builder and in the file. */
static void test_threshold_rejections(void **state)
{
	(void)state;
	struct rm_spec sp = { .n_inputs = 4, .in_bits = 2, .n_layers = 1, .width = { 2 },
			      .fan_in = { 2 }, .out_bits = { 3 } };
	nlut_model *two = rm_build(&sp, 3), *m = thr_model(1, 0), *r = NULL;
	void *buf;
	size_t len;

	assert_non_null(two);
	/* Two output neurons: no threshold. */
	assert_int_equal(nlut_model_set_threshold(two, 0, 1), NLUT_ERROR_INCONSISTENT);
	assert_int_equal(nlut_model_decoding(two), NLUT_DECODE_ARGMAX);
	/* 5-bit codes: unsigned 0..32, signed -16..16. */
	assert_int_equal(nlut_model_set_threshold(m, 0, 33), NLUT_ERROR_INCONSISTENT);
	assert_int_equal(nlut_model_set_threshold(m, 0, -1), NLUT_ERROR_INCONSISTENT);
	assert_int_equal(nlut_model_set_threshold(m, 1, 17), NLUT_ERROR_INCONSISTENT);
	assert_int_equal(nlut_model_set_threshold(m, 1, -17), NLUT_ERROR_INCONSISTENT);
	assert_int_equal(nlut_model_set_threshold(m, 1, -16), 0);
	assert_int_equal(nlut_model_set_threshold(m, 0, 32), 0);
	/* In the file: OUTP = kind, classes, signedness, threshold. */
	assert_int_equal(nlut_model_save_mem(m, &buf, &len), 0);
	uint8_t *b = buf;
	size_t s = find_outp(b, len);
	const struct {
		unsigned field;
		uint32_t value;
		int err;
		const char *what;
	} bad[] = {
		{ 1, 3, NLUT_ERROR_INCONSISTENT, "a threshold decodes 2 classes, not 3" },
		{ 2, 2, NLUT_ERROR_INCONSISTENT, "threshold signedness 2" },
		{ 3, 33, NLUT_ERROR_INCONSISTENT, "threshold 33 outside 0 .. 32 for a 5-bit unsigned code" },
		{ 0, 4, NLUT_ERROR_UNSUPPORTED, "unknown output decoding 4" },
	};

	assert_int_equal(rd32(b + s + 8), 16);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint8_t *c = malloc(len);

		assert_non_null(c);
		memcpy(c, b, len);
		wr32(c + s + 16 + 4 * bad[i].field, bad[i].value);
		fix_crc(c, s);
		assert_int_equal(nlut_model_load_mem(c, len, &r), bad[i].err);
		assert_null(r);
		if (!strstr(nlut_error_detail(), bad[i].what))
			fail_msg("case %zu: %s", i, nlut_error_detail());
		free(c);
	}
	free(buf);
	/* Kind 3 in an 8-byte payload (an argmax file with its kind changed). */
	assert_int_equal(nlut_model_set_group_sum(m, 0), 0);
	assert_int_equal(nlut_model_save_mem(m, &buf, &len), 0);
	b = buf;
	s = find_outp(b, len);
	wr32(b + s + 16, 3);
	fix_crc(b, s);
	assert_int_equal(nlut_model_load_mem(buf, len, &r), NLUT_ERROR_MALFORMED);
	if (!strstr(nlut_error_detail(), "payload is 8 bytes, expected 16"))
		fail_msg("detail: %s", nlut_error_detail());
	free(buf);
	nlut_model_free(m);
	nlut_model_free(two);
}

static void test_wrong_src_bits_named(void **state)
{
	struct rm_spec sp = { .n_inputs = 6, .in_bits = 2, .n_layers = 2, .width = { 4, 3 },
			      .fan_in = { 3, 2 }, .out_bits = { 2, 2 } };
	nlut_model *m = rm_build(&sp, 5), *r = NULL;
	void *buf;
	size_t len;

	(void)state;
	assert_non_null(m);
	assert_int_equal(nlut_model_save_mem(m, &buf, &len), 0);
	uint8_t *b = buf;
	/* Sections after the 32-byte header: tag, flags, u64 length, payload,
	 * CRC. The second is layer 0: kind, count, then neuron 0's kind,
	 * out_bits, fan-in, sources (u32 each) and their widths (u8 each). */
	size_t s = 32 + 20 + rd32(b + 32 + 8);

	assert_memory_equal(b + s, "LAYR", 4);
	uint8_t *nr = b + s + 16 + 8;
	unsigned fan_in = nr[2] | nr[3] << 8;

	assert_int_equal(fan_in, 3);
	assert_int_equal(nr[4 + 4 * fan_in], 2);
	nr[4 + 4 * fan_in] = 3; /* input 0 declared 3 bits; its feature has 2 */
	uint64_t plen = rd32(b + s + 8);

	wr32(b + s + 16 + plen, nlut_wire_crc32(0, b + s, 16 + (size_t)plen));
	assert_int_equal(nlut_model_load_mem(buf, len, &r), NLUT_ERROR_INCONSISTENT);
	assert_null(r);
	if (!strstr(nlut_error_detail(), "layer 0 neuron 0: input 0 declared 3 bits but its source is 2 bits"))
		fail_msg("detail: %s", nlut_error_detail());
	free(buf);
	nlut_model_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wrong_src_bits_named),
		cmocka_unit_test(test_threshold_decoding),
		cmocka_unit_test(test_threshold_rejections),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
