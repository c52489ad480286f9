/* ctrl_elf2hex.c - write a controller ELF as a $readmemh image for nlut_ctrl_ram (RAM_INIT_FILE). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elf32.h"

#define RAM_BASE 0x80000000u

int main(int argc, char **argv)
{
	char err[256];
	struct nlut_elf elf;
	unsigned long size;
	char *endp;

	if (argc != 4) {
		fprintf(stderr, "usage: ctrl_elf2hex PROG.elf RAM_BYTES OUT.hex\n"
				"  one 32-bit little-endian word per line, the RAM at 0x%08x filled up to RAM_BYTES\n",
			RAM_BASE);
		return 2;
	}
	size = strtoul(argv[2], &endp, 0);
	if (*endp || size == 0 || size % 4 || size > 0x10000000ul) {
		fprintf(stderr, "ctrl_elf2hex: bad RAM size '%s'\n", argv[2]);
		return 2;
	}
	uint8_t *mem = calloc(size, 1);
	if (!mem) {
		fprintf(stderr, "ctrl_elf2hex: out of memory\n");
		return 1;
	}
	if (nlut_elf_open(&elf, argv[1], err, sizeof(err)) != 0 ||
	    nlut_elf_load(&elf, RAM_BASE, mem, (uint32_t)size, NULL, err, sizeof(err)) != 0) {
		fprintf(stderr, "ctrl_elf2hex: %s\n", err);
		free(mem);
		return 1;
	}
	if (elf.entry != RAM_BASE)
		fprintf(stderr, "ctrl_elf2hex: warning: entry 0x%08x, the core starts at 0x%08x\n",
			(unsigned)elf.entry, RAM_BASE);
	nlut_elf_close(&elf);

	FILE *out = fopen(argv[3], "w");
	if (!out) {
		fprintf(stderr, "ctrl_elf2hex: %s: %s\n", argv[3], strerror(errno));
		free(mem);
		return 1;
	}
	for (unsigned long i = 0; i < size; i += 4)
		fprintf(out, "%02x%02x%02x%02x\n", mem[i + 3], mem[i + 2], mem[i + 1], mem[i]);
	free(mem);
	if (fclose(out) != 0) {
		fprintf(stderr, "ctrl_elf2hex: %s: write failed\n", argv[3]);
		return 1;
	}
	return 0;
}
