/* sig.c - compiled C on the controller: CRC-32, sorting, libgcc multiply and divide, a small LUT network.
 * Self-checks what has a known answer and prints signatures (HTIF console) that must match QEMU's. */
#include <stdint.h>

uint64_t tohost __attribute__((section(".tohost"), aligned(64), used));
uint64_t fromhost __attribute__((section(".tohost"), aligned(64), used));

int main(void);

static void putc_htif(char c)
{
	volatile uint32_t *t = (volatile uint32_t *)&tohost;

	t[0] = (uint8_t)c;
	t[1] = 0x01010000u; /* console, putchar: the high word triggers the host */
}

static void puts_htif(const char *s)
{
	while (*s)
		putc_htif(*s++);
}

static void print_hex(const char *name, uint32_t v)
{
	puts_htif(name);
	putc_htif(' ');
	for (int i = 28; i >= 0; i -= 4)
		putc_htif("0123456789abcdef"[(v >> i) & 15]);
	putc_htif('\n');
}

static uint32_t crc32(const uint8_t *p, uint32_t n)
{
	static uint32_t table[256];
	uint32_t c;

	if (!table[1]) {
		for (uint32_t i = 0; i < 256; i++) {
			c = i;
			for (int k = 0; k < 8; k++)
				c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
			table[i] = c;
		}
	}
	c = 0xffffffffu;
	while (n--)
		c = table[(c ^ *p++) & 0xff] ^ (c >> 8);
	return c ^ 0xffffffffu;
}

static uint32_t lcg_state = 12345;

static uint32_t lcg(void)
{
	lcg_state = lcg_state * 1103515245u + 12345u;
	return lcg_state;
}

/* A two-layer LUT network: 16 6-input neurons over 32 input bits, then 4 over those 16. */
static uint32_t lut_net(uint32_t in, const uint64_t *tt1, const uint8_t (*fan1)[6], const uint64_t *tt2,
			const uint8_t (*fan2)[6])
{
	uint32_t mid = 0, out = 0;

	for (int n = 0; n < 16; n++) {
		unsigned a = 0;
		for (int k = 0; k < 6; k++)
			a |= ((in >> fan1[n][k]) & 1u) << k;
		mid |= (uint32_t)((tt1[n] >> a) & 1u) << n;
	}
	for (int n = 0; n < 4; n++) {
		unsigned a = 0;
		for (int k = 0; k < 6; k++)
			a |= ((mid >> fan2[n][k]) & 1u) << k;
		out |= (uint32_t)((tt2[n] >> a) & 1u) << n;
	}
	return out;
}

int main(void)
{
	static const uint8_t check[] = "123456789";
	static uint8_t buf[1024];
	static uint32_t arr[128];
	static uint64_t tt1[16], tt2[4];
	static uint8_t fan1[16][6], fan2[4][6];
	uint32_t h;

	/* 1: the CRC-32 check value */
	if (crc32(check, 9) != 0xcbf43926u)
		return 1;

	for (unsigned i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(lcg() >> 16);
	print_hex("crc", crc32(buf, sizeof(buf)));

	/* 2: insertion sort leaves an ordered permutation (same sum, ascending) */
	uint32_t sum = 0, sorted_sum = 0;
	for (int i = 0; i < 128; i++) {
		arr[i] = lcg();
		sum += arr[i];
	}
	for (int i = 1; i < 128; i++) {
		uint32_t v = arr[i];
		int j = i - 1;
		while (j >= 0 && arr[j] > v) {
			arr[j + 1] = arr[j];
			j--;
		}
		arr[j + 1] = v;
	}
	for (int i = 0; i < 128; i++) {
		sorted_sum += arr[i];
		if (i && arr[i - 1] > arr[i])
			return 2;
	}
	if (sum != sorted_sum)
		return 2;
	print_hex("sort", crc32((const uint8_t *)arr, sizeof(arr)));

	/* 3: libgcc multiply, divide and remainder agree with each other */
	h = 0;
	for (int i = 0; i < 200; i++) {
		uint32_t a = lcg(), b = lcg() >> (i % 31);
		int32_t sa = (int32_t)a, sb = (int32_t)(b | 1);
		if (b == 0)
			b = 1;
		uint32_t q = a / b, r = a % b;
		if (q * b + r != a || r >= b)
			return 3;
		int32_t sq = sa / sb, sr = sa % sb;
		if (sq * sb + sr != sa)
			return 3;
		uint64_t p = (uint64_t)a * b;
		h = (h ^ (uint32_t)p ^ (uint32_t)(p >> 32) ^ q ^ r ^ (uint32_t)sq ^ (uint32_t)sr) * 16777619u;
	}
	print_hex("muldiv", h);

	/* 4: the LUT network over 256 inputs */
	for (int n = 0; n < 16; n++) {
		tt1[n] = (uint64_t)lcg() << 32 | lcg();
		for (int k = 0; k < 6; k++)
			fan1[n][k] = (uint8_t)(lcg() >> 27);
	}
	for (int n = 0; n < 4; n++) {
		tt2[n] = (uint64_t)lcg() << 32 | lcg();
		for (int k = 0; k < 6; k++)
			fan2[n][k] = (uint8_t)(lcg() >> 28);
	}
	h = 0x811c9dc5u;
	for (int i = 0; i < 256; i++)
		h = (h ^ lut_net(lcg(), tt1, fan1, tt2, fan2)) * 16777619u;
	print_hex("lutnet", h);
	return 0;
}
