/* ftdi_baud.c - the FT2232H's baud-rate divisor (ftdi_baud.h), after FTDI's
 * AN232B-05 and libftdi's ftdi_convert_baudrate for H chips. */
#include "ftdi_baud.h"

#define H_CLK 120000000u  /* divided by 10 */
#define C_CLK 48000000u   /* divided by 16 */
#define CLK_DIV10 0x20000u

/* The code of a divisor's eighths (0/8 .. 7/8) in bits 14-16. */
static const uint8_t frac_code[8] = { 0, 3, 2, 4, 1, 5, 6, 7 };

/* Divisor of clk/div nearest baud, encoded; the rate it makes in *made. */
static uint32_t clkbits(unsigned baud, uint64_t clk, unsigned div, unsigned *made)
{
	uint64_t base = clk / div;

	if (baud >= base) {
		*made = (unsigned)base;
		return 0;                  /* divisor 1 */
	}
	if (baud >= base * 2 / 3) {
		*made = (unsigned)(base * 2 / 3);
		return 1;                  /* divisor 1.5 */
	}
	if (baud >= base / 2) {
		*made = (unsigned)(base / 2);
		return 2;                  /* divisor 2 */
	}
	/* In sixteenths, then rounded to eighths. */
	uint64_t d16 = clk * 16 / div / baud;
	uint64_t d8 = (d16 + 1) / 2;

	if (d8 > 0x1FFFF)
		d8 = 0x1FFFF;
	uint64_t b2 = clk * 16 / div / d8;

	*made = (unsigned)((b2 + 1) / 2);
	return (uint32_t)(d8 >> 3) | (uint32_t)frac_code[d8 & 7] << 14;
}

int nlut_ftdi_h_divisor(unsigned baud, struct nlut_ftdi_divisor *out)
{
	uint32_t enc;
	unsigned made;

	if (!baud)
		return -1;
	if ((uint64_t)baud * 10 > H_CLK / 0x3FFF) {
		enc = clkbits(baud, H_CLK, 10, &made) | CLK_DIV10;
	} else {
		enc = clkbits(baud, C_CLK, 16, &made);
	}
	uint64_t lo = (uint64_t)baud * 97, hi = (uint64_t)baud * 103, m100 = (uint64_t)made * 100;

	if (m100 < lo || m100 > hi)
		return -1;
	out->value = (uint16_t)(enc & 0xFFFFu);
	out->index = (uint16_t)((enc >> 8) & 0xFF00u);
	out->baud = made;
	return 0;
}
