/* test_ftdi_baud.c - the FT2232H's baud-rate divisor (host/lib/ftdi_baud.c):
 * the encodings FTDI's AN232B-05 and libftdi give for known rates, and for
 * every rate from 1200 baud to 12 Mbaud in steps the divisor decoded as the
 * chip decodes it makes the rate reported, within 3% of the one asked. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "ftdi_baud.h"

/* The chip's side: 14 bits of integer, 3 of coded eighths, bit 17 the
 * 12 MHz clock (120 MHz / 10), else 3 MHz (48 MHz / 16). */
static unsigned decode(uint16_t value, uint16_t index)
{
	static const unsigned eighths[8] = { 0, 4, 2, 1, 3, 5, 6, 7 };
	uint32_t div = value | (uint32_t)(index >> 8) << 16;
	uint64_t base = div & 0x20000 ? 12000000u : 3000000u;
	uint64_t d8 = (uint64_t)(div & 0x3FFF) * 8 + eighths[div >> 14 & 7];

	if (d8 == 0)
		d8 = 8;
	else if (d8 == 8)
		d8 = 12;
	return (unsigned)(base * 8 / d8);
}

static void known_encodings(void **state)
{
	static const struct {
		unsigned baud;
		uint16_t value, index;
		unsigned made;
	} k[] = {
		{ 1000000, 0x000C, 0x0200, 1000000 },   /* the iCE40-HX8K board: 12 MHz / 12 */
		{ 3000000, 0x0004, 0x0200, 3000000 },
		{ 12000000, 0x0000, 0x0200, 12000000 }, /* divisor 1 */
		{ 8000000, 0x0001, 0x0200, 8000000 },   /* divisor 1.5 */
		{ 6000000, 0x0002, 0x0200, 6000000 },   /* divisor 2 */
		{ 115200, 0xC068, 0x0200, 115246 },     /* 104 + 1/8 */
		{ 921600, 0x000D, 0x0200, 923077 },     /* 13 */
		{ 300, 0x2710, 0x0000, 300 },           /* below 7.3 kbaud: 48 MHz / 16 */
	};
	struct nlut_ftdi_divisor d;

	(void)state;
	for (size_t i = 0; i < sizeof(k) / sizeof(k[0]); i++) {
		assert_int_equal(nlut_ftdi_h_divisor(k[i].baud, &d), 0);
		assert_int_equal(d.value, k[i].value);
		assert_int_equal(d.index, k[i].index);
		assert_int_equal(d.baud, k[i].made);
	}
	assert_int_equal(nlut_ftdi_h_divisor(0, &d), -1);
	assert_int_equal(nlut_ftdi_h_divisor(13000000, &d), -1); /* 12 Mbaud is the most */
	assert_int_equal(nlut_ftdi_h_divisor(10000000, &d), -1); /* between 12 and 8 Mbaud */
}

static void every_rate_decodes_to_what_it_reports(void **state)
{
	struct nlut_ftdi_divisor d;
	unsigned n = 0;

	(void)state;
	for (unsigned baud = 1200; baud <= 12000000; baud += baud / 97 + 1) {
		if (nlut_ftdi_h_divisor(baud, &d))
			continue;
		unsigned got = decode(d.value, d.index);

		assert_true(got + 1 >= d.baud && got <= d.baud + 1);
		assert_true((uint64_t)got * 100 >= (uint64_t)baud * 97 &&
			    (uint64_t)got * 100 <= (uint64_t)baud * 103);
		n++;
	}
	assert_true(n > 800);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(known_encodings),
		cmocka_unit_test(every_rate_decodes_to_what_it_reports),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
