/* fw_test.c - the firmware's mailbox, self-test and watchdog code on the
 * controller core under ctrl_sim, whose register port is plain memory: the
 * test plays the shell by presetting registers and reading back what the
 * firmware wrote. Ends through tohost (pass, or the number of the failed
 * check). */
#include <stddef.h>

#include <nlut/wire.h>

#include "bist.h"
#include "fw.h"
#include "mbox.h"
#include "nlut_bist_format.h"
#include "wdog.h"

uint32_t fw_wdog_restart;
volatile uint32_t fw_ctrl_level;
/* Not in .bss: start.S zeroing tohost + 4 would be an HTIF command. */
volatile uint32_t tohost[2] __attribute__((section(".tohost")));

static uint32_t check_no;

static void finish(uint32_t code)
{
	tohost[0] = code;
	tohost[1] = 0;
	for (;;)
		;
}

/* Every check is numbered in order; a failure ends the run with its number. */
static void check(int ok)
{
	check_no++;
	if (!ok)
		finish(check_no << 1 | 1u);
}

void fw_trap(uint32_t mcause)
{
	if (mcause == FW_MCAUSE_TIMER) {
		wdog_tick();
		return;
	}
	finish(1000u << 1 | 1u); /* unexpected exception */
}

static uint32_t rsp(uint32_t status, uint32_t seq, uint32_t ndata)
{
	return status << NLUT_MBOX_RSP_STATUS_OFFSET | seq << NLUT_MBOX_RSP_SEQ_OFFSET |
	       ndata << NLUT_MBOX_RSP_NDATA_OFFSET;
}

static uint32_t command(uint32_t op, uint32_t seq, uint32_t narg)
{
	fw_write(NLUT_MBOX_CMD_REG_OFFSET, op << NLUT_MBOX_CMD_OP_OFFSET |
					   seq << NLUT_MBOX_CMD_SEQ_OFFSET |
					   narg << NLUT_MBOX_CMD_NARG_OFFSET);
	mbox_serve();
	return fw_read(NLUT_MBOX_RSP_REG_OFFSET);
}

static uint32_t data(uint32_t k)
{
	return fw_read(NLUT_MBOX_DATA_REG_OFFSET(k));
}

/* ---- a self-test block: every vector expects class CLS, scores SCORE + k ---- */

#define IN_WORDS 3u
#define SCORE_WORDS 2u
#define PER (IN_WORDS + 1u + SCORE_WORDS)
#define CLS 5u
#define SCORE 0x01020304u

static uint32_t *const blk = (uint32_t *)NLUT_FW_BIST_BASE;

static uint32_t hash_word(uint32_t k)
{
	return 0x11111111u * (k + 1u);
}

static void block_seal(uint32_t n)
{
	blk[NLUT_BIST_W_CRC] = nlut_wire_crc32(0, blk + NLUT_BIST_HEADER_WORDS, n * PER * 4u);
}

static void block_make(uint32_t n)
{
	blk[NLUT_BIST_W_MAGIC] = NLUT_FW_BIST_MAGIC;
	blk[NLUT_BIST_W_FORMAT] = NLUT_BIST_FORMAT;
	blk[NLUT_BIST_W_VECTORS] = n;
	blk[NLUT_BIST_W_IN_WORDS] = IN_WORDS;
	blk[NLUT_BIST_W_SCORE_WORDS] = SCORE_WORDS;
	for (uint32_t k = 0; k < NLUT_HASH_WORDS; k++) {
		blk[NLUT_BIST_W_HASH + k] = hash_word(k);
		fw_write(NLUT_ID_MODEL_HASH_REG_OFFSET(k), hash_word(k));
	}
	blk[14] = blk[15] = 0;
	for (uint32_t v = 0; v < n; v++) {
		uint32_t *p = blk + NLUT_BIST_HEADER_WORDS + v * PER;

		for (uint32_t k = 0; k < IN_WORDS; k++)
			p[k] = v * 0x100u + k;
		p[IN_WORDS] = CLS;
		for (uint32_t k = 0; k < SCORE_WORDS; k++)
			p[IN_WORDS + 1 + k] = SCORE + k;
	}
	block_seal(n);
	/* The "core" answers every vector with CLS and the scores. */
	fw_write(NLUT_FW_BIST_CLASS_REG_OFFSET, CLS);
	for (uint32_t k = 0; k < SCORE_WORDS; k++)
		fw_write(NLUT_FW_BIST_SCORES_REG_OFFSET(k), SCORE + k);
	fw_write(NLUT_FW_STATUS_REG_OFFSET, FW_BIT(NLUT_FW_STATUS_BIST_ACTIVE_BIT) |
					    FW_BIT(NLUT_FW_STATUS_RESULT_BIT));
}

static void check_bist_regs(uint32_t status, uint32_t vectors, uint32_t first_fail)
{
	check(fw_read(NLUT_BIST_STATUS_REG_OFFSET) == status);
	check(fw_read(NLUT_BIST_VECTORS_REG_OFFSET) == vectors);
	check(fw_read(NLUT_BIST_FIRST_FAIL_REG_OFFSET) == first_fail);
	check(fw_read(NLUT_FW_CTRL_REG_OFFSET) == 0 && fw_ctrl_level == 0);
}

static void test_mailbox(void)
{
	static const uint32_t cnt[] = { 0x1000, 0x1001, 0x2000, 0x2001, 0x3000, 0x3001, 7, 0xA };
	static const uint16_t cnt_regs[] = {
		NLUT_CNT_IN_LO_REG_OFFSET,    NLUT_CNT_IN_HI_REG_OFFSET,
		NLUT_CNT_OUT_LO_REG_OFFSET,   NLUT_CNT_OUT_HI_REG_OFFSET,
		NLUT_CNT_STALL_LO_REG_OFFSET, NLUT_CNT_STALL_HI_REG_OFFSET,
		NLUT_CNT_ERRORS_REG_OFFSET,   NLUT_ERRORS_REG_OFFSET,
	};

	fw_write(NLUT_MBOX_ARG_REG_OFFSET(0), 0xDEADBEEFu);
	check(command(NLUT_OP_PING, 0x5A, 1) == rsp(NLUT_RSP_OK, 0x5A, 1));
	check(data(0) == 0xDEADBEEFu);
	check(command(NLUT_OP_PING, 0xFF, 0) == rsp(NLUT_RSP_BAD_ARG, 0xFF, 0));
	check(command(NLUT_OP_PING, 1, NLUT_MBOX_WORDS + 1) == rsp(NLUT_RSP_BAD_ARG, 1, 0));
	check(command(0, 2, 0) == rsp(NLUT_RSP_BAD_OP, 2, 0));
	check(command(0x77, 3, 1) == rsp(NLUT_RSP_BAD_OP, 3, 0));

	for (uint32_t k = 0; k < 8; k++)
		fw_write(cnt_regs[k], cnt[k]);
	check(command(NLUT_OP_COUNTERS, 4, 0) == rsp(NLUT_RSP_OK, 4, 8));
	for (uint32_t k = 0; k < 8; k++)
		check(data(k) == cnt[k]);

	fw_write(NLUT_CTRL_REG_OFFSET, FW_BIT(NLUT_CTRL_ENABLE_BIT));
	check(command(NLUT_OP_RESET, 5, 0) == rsp(NLUT_RSP_OK, 5, 0));
	check(fw_read(NLUT_CTRL_REG_OFFSET) == (FW_BIT(NLUT_CTRL_ENABLE_BIT) |
						 FW_BIT(NLUT_CTRL_RESET_BIT) |
						 FW_BIT(NLUT_CTRL_CLEAR_BIT)));
	fw_write(NLUT_CTRL_REG_OFFSET, 0);
	check(command(NLUT_OP_RESET, 6, 0) == rsp(NLUT_RSP_OK, 6, 0));
	check(fw_read(NLUT_CTRL_REG_OFFSET) ==
	      (FW_BIT(NLUT_CTRL_RESET_BIT) | FW_BIT(NLUT_CTRL_CLEAR_BIT)));
}

static void test_identity(void)
{
	fw_wdog_restart = 1;
	fw_write(NLUT_ID_BOARD_REG_OFFSET, 0xB0A4Du);
	blk[NLUT_BIST_W_MAGIC] = 0;
	for (uint32_t k = 0; k < NLUT_HASH_WORDS; k++)
		fw_write(NLUT_ID_MODEL_HASH_REG_OFFSET(k), hash_word(k));
	check(command(NLUT_OP_IDENTITY, 7, 0) == rsp(NLUT_RSP_OK, 7, MBOX_IDENTITY_WORDS));
	check(data(0) == NLUT_FW_VERSION && data(1) == 0xB0A4Du);
	for (uint32_t k = 0; k < NLUT_HASH_WORDS; k++)
		check(data(2 + k) == hash_word(k));
	check(data(10) == BIST_DATA_NONE && data(11) == 0 && data(12) == 1);

	block_make(9);
	check(command(NLUT_OP_IDENTITY, 8, 0) == rsp(NLUT_RSP_OK, 8, MBOX_IDENTITY_WORDS));
	check(data(10) == BIST_DATA_OK && data(11) == 9);
	blk[NLUT_BIST_HEADER_WORDS + 9 * PER - 1] ^= 0x100u; /* last word of the data */
	check(command(NLUT_OP_IDENTITY, 9, 0) == rsp(NLUT_RSP_OK, 9, MBOX_IDENTITY_WORDS));
	check(data(10) == BIST_DATA_BAD_CRC && data(11) == 9);
	blk[NLUT_BIST_HEADER_WORDS + 9 * PER - 1] ^= 0x100u;
	fw_write(NLUT_ID_MODEL_HASH_REG_OFFSET(7), 0);
	check(command(NLUT_OP_IDENTITY, 10, 0) == rsp(NLUT_RSP_OK, 10, MBOX_IDENTITY_WORDS));
	check(data(10) == BIST_DATA_OTHER_MODEL && data(11) == 9);

	/* Headers that claim more than fits, or a format of the future. */
	block_make(9);
	blk[NLUT_BIST_W_VECTORS] = 0x10000000u;
	check(command(NLUT_OP_IDENTITY, 11, 0) == rsp(NLUT_RSP_OK, 11, MBOX_IDENTITY_WORDS));
	check(data(10) == BIST_DATA_NONE && data(11) == 0);
	block_make(9);
	blk[NLUT_BIST_W_IN_WORDS] = NLUT_BIST_MAX_IN_WORDS + 1;
	check(command(NLUT_OP_IDENTITY, 12, 0) == rsp(NLUT_RSP_OK, 12, MBOX_IDENTITY_WORDS));
	check(data(10) == BIST_DATA_NONE);
	block_make(9);
	blk[NLUT_BIST_W_FORMAT] = 2;
	check(command(NLUT_OP_IDENTITY, 13, 0) == rsp(NLUT_RSP_OK, 13, MBOX_IDENTITY_WORDS));
	check(data(10) == BIST_DATA_NONE);
}

static void test_bist(void)
{
	struct bist_result r;
	const uint32_t done = FW_BIT(NLUT_BIST_STATUS_DONE_BIT);
	const uint32_t pass = done | FW_BIT(NLUT_BIST_STATUS_PASS_BIT);

	block_make(20);
	bist_run(&r);
	check(r.pass == 1 && r.vectors == 20 && r.first_fail == NLUT_BIST_NONE);
	check_bist_regs(pass, 20, NLUT_BIST_NONE);
	/* The last vector's inputs are still in FW_BIST_IN. */
	for (uint32_t k = 0; k < IN_WORDS; k++)
		check(fw_read(NLUT_FW_BIST_IN_REG_OFFSET(k)) == 19 * 0x100u + k);
	check(command(NLUT_OP_BIST, 20, 0) == rsp(NLUT_RSP_OK, 20, 3));
	check(data(0) == 1 && data(1) == NLUT_BIST_NONE && data(2) == 20);

	/* Vector 13's score differs: it fails there, 13 vectors matched. */
	blk[NLUT_BIST_HEADER_WORDS + 13 * PER + IN_WORDS + 2] ^= 1u;
	block_seal(20);
	check(command(NLUT_OP_BIST, 21, 0) == rsp(NLUT_RSP_FAILED, 21, 3));
	check(data(0) == 0 && data(1) == 13 && data(2) == 13);
	check_bist_regs(done, 13, 13);
	/* Vector 0's class differs. */
	block_make(20);
	blk[NLUT_BIST_HEADER_WORDS + IN_WORDS] = CLS + 1;
	block_seal(20);
	bist_run(&r);
	check(r.pass == 0 && r.vectors == 0 && r.first_fail == 0);
	check_bist_regs(done, 0, 0);

	/* Bad data: fails with nothing checked. */
	block_make(20);
	blk[NLUT_BIST_HEADER_WORDS] ^= 1u;
	bist_run(&r);
	check(r.pass == 0 && r.vectors == 0 && r.first_fail == 0);
	check_bist_regs(done, 0, 0);

	/* A datapath that never enters self-test mode, or never answers. */
	block_make(20);
	fw_write(NLUT_FW_STATUS_REG_OFFSET, 0);
	bist_run(&r);
	check(r.pass == 0 && r.vectors == 0 && r.first_fail == 0);
	check_bist_regs(done, 0, 0);
	fw_write(NLUT_FW_STATUS_REG_OFFSET, FW_BIT(NLUT_FW_STATUS_BIST_ACTIVE_BIT));
	bist_run(&r);
	check(r.pass == 0 && r.vectors == 0 && r.first_fail == 0);
	check_bist_regs(done, 0, 0);
}

static void test_probe(void)
{
	uint32_t v = 0x1234;

	blk[0] = 0xCAFEF00Du;
	check(fw_probe32(NLUT_FW_BIST_BASE, &v) == 0 && v == 0xCAFEF00Du);
	v = 0x1234;
	check(fw_probe32(0x90000000u, &v) == -1 && v == 0x1234);
	check(fw_probe32(0x80010000u, &v) == -1 && v == 0x1234);
}

static void spin(uint32_t cycles, int progress)
{
	uint32_t c0 = fw_mcycle();

	while (fw_mcycle() - c0 < cycles)
		if (progress)
			wdog_progress();
}

/* Period 8192 cycles: a tick every 1024. The heartbeat comes only with
 * progress, and carries BIST_MODE when it is set. */
static void test_watchdog(void)
{
	const uint32_t hb = FW_BIT(NLUT_FW_CTRL_HEARTBEAT_BIT);
	const uint32_t mode = FW_BIT(NLUT_FW_CTRL_BIST_MODE_BIT);

	fw_write(NLUT_FW_WDOG_CYCLES_REG_OFFSET, 8192);
	fw_write(NLUT_FW_CTRL_REG_OFFSET, 0);
	wdog_start();
	check(fw_read(NLUT_FW_CTRL_REG_OFFSET) == hb);
	for (int round = 0; round < 3; round++) {
		fw_write(NLUT_FW_CTRL_REG_OFFSET, 0);
		spin(4096, 1);
		check(fw_read(NLUT_FW_CTRL_REG_OFFSET) == hb);
		fw_write(NLUT_FW_CTRL_REG_OFFSET, 0);
		spin(1200, 0); /* one tick may still see the progress before */
		fw_write(NLUT_FW_CTRL_REG_OFFSET, 0);
		spin(8192, 0);
		check(fw_read(NLUT_FW_CTRL_REG_OFFSET) == 0);
	}
	fw_ctrl_level = mode;
	spin(4096, 1);
	check(fw_read(NLUT_FW_CTRL_REG_OFFSET) == (mode | hb));
	fw_ctrl_level = 0;
}

int main(void)
{
	test_probe();
	test_mailbox();
	test_identity();
	test_bist();
	test_watchdog();
	finish(1);
	return 0;
}
