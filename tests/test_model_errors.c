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

#include <nlut/nlut.h>

#include "random_model.h"

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void wr32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
