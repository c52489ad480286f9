/* elf32.h - minimal ELF32 little-endian RISC-V reader: PT_LOAD segments into a memory image, symbol lookup. */
#ifndef NLUT_SIM_CTRL_ELF32_H
#define NLUT_SIM_CTRL_ELF32_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A whole ELF file read into memory. */
struct nlut_elf {
	uint8_t *data;
	size_t size;
	uint32_t entry;
};

/* Read and check path (ELF32, little-endian, EM_RISCV, executable). 0 on success, else -1 with err filled. */
int nlut_elf_open(struct nlut_elf *elf, const char *path, char *err, size_t errlen);
void nlut_elf_close(struct nlut_elf *elf);

/* Copy every PT_LOAD segment into mem, which holds mem_size bytes from address base; the part of a segment
 * beyond its file size is zeroed. *end receives the highest loaded address + 1. Segments outside
 * [base, base + mem_size) are an error. 0 on success, else -1 with err filled. */
int nlut_elf_load(const struct nlut_elf *elf, uint32_t base, uint8_t *mem, uint32_t mem_size, uint32_t *end,
		  char *err, size_t errlen);

/* Value of the symbol called name from the symbol table: 0 if found, -1 if not. */
int nlut_elf_symbol(const struct nlut_elf *elf, const char *name, uint32_t *value);

#ifdef __cplusplus
}
#endif

#endif
