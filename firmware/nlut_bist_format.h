/* nlut_bist_format.h - the self-test data block in the boot RAM
 * (docs/shell.md, "Self-test data in the boot RAM"): written by `nlut gen`
 * (gen/bist.c), read by the firmware (firmware/bist.c). Offsets in words. */
#ifndef NLUT_BIST_FORMAT_H
#define NLUT_BIST_FORMAT_H

#include <nlut/regs.h>

#define NLUT_BIST_FORMAT 1u /* word 1 */

#define NLUT_BIST_W_MAGIC 0u       /* NLUT_FW_BIST_MAGIC */
#define NLUT_BIST_W_FORMAT 1u      /* NLUT_BIST_FORMAT */
#define NLUT_BIST_W_VECTORS 2u     /* n */
#define NLUT_BIST_W_IN_WORDS 3u    /* i = ceil(IN_WIDTH / 32) */
#define NLUT_BIST_W_SCORE_WORDS 4u /* s = ceil(SCORES_WIDTH / 32) */
#define NLUT_BIST_W_HASH 5u        /* 8 words, laid out as ID_MODEL_HASH */
#define NLUT_BIST_W_CRC 13u        /* CRC-32 (nlut_wire_crc32) of words 16 onward */
#define NLUT_BIST_HEADER_WORDS 16u /* words 14 and 15 are 0 */

/* The block runs from NLUT_FW_BIST_BASE to at most the end of the shell's
 * default boot RAM (RAM_ADDR_BITS 16: 64 KiB at 0x8000_0000); the firmware
 * image sits below it in at most NLUT_FW_IMAGE_BYTES. */
#define NLUT_BIST_RAM_BASE 0x80000000u
#define NLUT_BIST_RAM_END 0x80010000u
#define NLUT_BIST_MAX_BYTES (NLUT_BIST_RAM_END - NLUT_FW_BIST_BASE)
#define NLUT_FW_IMAGE_BYTES (NLUT_FW_BIST_BASE - NLUT_BIST_RAM_BASE)

/* Widest vector the shell can feed and compare (FW_BIST_IN, FW_BIST_SCORES). */
#define NLUT_BIST_MAX_IN_WORDS NLUT_FW_BIST_IN_COUNT
#define NLUT_BIST_MAX_SCORE_WORDS NLUT_FW_BIST_SCORES_COUNT

#endif /* NLUT_BIST_FORMAT_H */
