/* fuzz_board.c - libFuzzer target for the board.def parser: any text must
 * parse or fail cleanly, and what parses must hold a transport, keys that
 * are all set once and a clock that is a real frequency. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "board.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct nlut_board b;

	memset(&b, 0, sizeof(b));
	if (nlut_board_parse((const char *)data, size, "fuzz/board.def", &b))
		return 0;
	if (!b.transport[0] || b.n_kv > NLUT_BOARD_MAX_KEYS)
		abort();
	if (b.clock_mhz < 0.0 || b.clock_mhz > 10000.0)
		abort();
	for (unsigned i = 0; i < b.n_kv; i++) {
		if (!b.kv[i].key[0] || memchr(b.kv[i].key, '\n', sizeof(b.kv[i].key)))
			abort();
		for (unsigned j = 0; j < i; j++)
			if (!strcmp(b.kv[i].key, b.kv[j].key))
				abort();
	}
	return 0;
}
