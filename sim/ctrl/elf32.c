/* elf32.c - minimal ELF32 reader for the controller harness and ctrl_elf2hex (no libelf on purpose). */
#include "elf32.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EM_RISCV 243
#define ET_EXEC 2
#define PT_LOAD 1
#define SHT_SYMTAB 2

static void fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static uint32_t rd16(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* True when [off, off + len) lies inside the file. */
static int in_file(const struct nlut_elf *elf, uint64_t off, uint64_t len)
{
	return off <= elf->size && len <= elf->size - off;
}

int nlut_elf_open(struct nlut_elf *elf, const char *path, char *err, size_t errlen)
{
	FILE *f;
	long n;

	memset(elf, 0, sizeof(*elf));
	f = fopen(path, "rb");
	if (!f) {
		fail(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
		fail(err, errlen, "%s: cannot size the file", path);
		fclose(f);
		return -1;
	}
	elf->size = (size_t)n;
	elf->data = malloc(elf->size ? elf->size : 1);
	if (!elf->data || fread(elf->data, 1, elf->size, f) != elf->size) {
		fail(err, errlen, "%s: read failed", path);
		fclose(f);
		nlut_elf_close(elf);
		return -1;
	}
	fclose(f);

	const uint8_t *h = elf->data;
	if (elf->size < 52 || memcmp(h, "\177ELF", 4) != 0) {
		fail(err, errlen, "%s: not an ELF file", path);
	} else if (h[4] != 1 || h[5] != 1) {
		fail(err, errlen, "%s: not ELF32 little-endian (link with -march=rv32i -mabi=ilp32)", path);
	} else if (rd16(h + 18) != EM_RISCV) {
		fail(err, errlen, "%s: not a RISC-V ELF (e_machine %u)", path, (unsigned)rd16(h + 18));
	} else if (rd16(h + 16) != ET_EXEC) {
		fail(err, errlen, "%s: not an executable (e_type %u)", path, (unsigned)rd16(h + 16));
	} else {
		elf->entry = rd32(h + 24);
		return 0;
	}
	nlut_elf_close(elf);
	return -1;
}

void nlut_elf_close(struct nlut_elf *elf)
{
	free(elf->data);
	elf->data = NULL;
	elf->size = 0;
}

int nlut_elf_load(const struct nlut_elf *elf, uint32_t base, uint8_t *mem, uint32_t mem_size, uint32_t *end,
		  char *err, size_t errlen)
{
	const uint8_t *h = elf->data;
	uint32_t phoff = rd32(h + 28), phentsize = rd16(h + 42), phnum = rd16(h + 44);
	uint32_t top = base;
	unsigned loaded = 0;

	if (phentsize < 32 || !in_file(elf, phoff, (uint64_t)phentsize * phnum)) {
		fail(err, errlen, "program headers outside the file");
		return -1;
	}
	for (uint32_t i = 0; i < phnum; i++) {
		const uint8_t *ph = h + phoff + (size_t)i * phentsize;
		uint32_t off = rd32(ph + 4), paddr = rd32(ph + 12), filesz = rd32(ph + 16), memsz = rd32(ph + 20);

		if (rd32(ph) != PT_LOAD || memsz == 0)
			continue;
		if (filesz > memsz || !in_file(elf, off, filesz)) {
			fail(err, errlen, "segment %u: bad sizes", (unsigned)i);
			return -1;
		}
		if (paddr < base || (uint64_t)paddr - base + memsz > mem_size) {
			fail(err, errlen, "segment %u at 0x%08x+0x%x lies outside memory 0x%08x+0x%x", (unsigned)i,
			     (unsigned)paddr, (unsigned)memsz, (unsigned)base, (unsigned)mem_size);
			return -1;
		}
		memcpy(mem + (paddr - base), h + off, filesz);
		memset(mem + (paddr - base) + filesz, 0, memsz - filesz);
		if (paddr + memsz > top)
			top = paddr + memsz;
		loaded++;
	}
	if (!loaded) {
		fail(err, errlen, "no loadable segment");
		return -1;
	}
	if (end)
		*end = top;
	return 0;
}

int nlut_elf_symbol(const struct nlut_elf *elf, const char *name, uint32_t *value)
{
	const uint8_t *h = elf->data;
	uint32_t shoff = rd32(h + 32), shentsize = rd16(h + 46), shnum = rd16(h + 48);
	size_t namelen = strlen(name);

	if (shentsize < 40 || !in_file(elf, shoff, (uint64_t)shentsize * shnum))
		return -1;
	for (uint32_t i = 0; i < shnum; i++) {
		const uint8_t *sh = h + shoff + (size_t)i * shentsize;
		uint32_t off = rd32(sh + 16), size = rd32(sh + 20), link = rd32(sh + 24), entsize = rd32(sh + 36);

		if (rd32(sh + 4) != SHT_SYMTAB || entsize < 16 || link >= shnum || !in_file(elf, off, size))
			continue;
		const uint8_t *str = h + shoff + (size_t)link * shentsize;
		uint32_t stroff = rd32(str + 16), strsize = rd32(str + 20);
		if (!in_file(elf, stroff, strsize))
			continue;
		for (uint32_t s = 0; s + entsize <= size; s += entsize) {
			const uint8_t *sym = h + off + s;
			uint32_t nm = rd32(sym);
			if (nm < strsize && strsize - nm > namelen && memcmp(h + stroff + nm, name, namelen + 1) == 0) {
				*value = rd32(sym + 4);
				return 0;
			}
		}
	}
	return -1;
}
