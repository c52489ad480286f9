/* crc32.c - CRC-32 (IEEE 802.3, reflected), shared by the model format and
 * the wire protocol; no dependencies so firmware can build it too. */
#include "internal.h"

static uint32_t crc_table[256];
static int crc_ready;

static void crc_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;

		for (int k = 0; k < 8; k++)
			c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
		crc_table[i] = c;
	}
	__atomic_store_n(&crc_ready, 1, __ATOMIC_RELEASE);
}

uint32_t nlut_crc32(uint32_t crc, const void *p, size_t n)
{
	const uint8_t *b = p;

	/* Filling the table twice from two threads writes identical values. */
	if (!__atomic_load_n(&crc_ready, __ATOMIC_ACQUIRE))
		crc_init();
	crc = ~crc;
	while (n--)
		crc = crc_table[(crc ^ *b++) & 0xFF] ^ (crc >> 8);
	return ~crc;
}
