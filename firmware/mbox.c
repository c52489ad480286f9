/* mbox.c - the mailbox operations NLUT_OP_* (docs/firmware.md has the DATA
 * words of each). */
#include "bist.h"
#include "fw.h"
#include "mbox.h"

static void put(uint32_t k, uint32_t v)
{
	fw_write(NLUT_MBOX_DATA_REG_OFFSET(k), v);
}

/* At least need argument words, and no more than the mailbox has. */
static int args_ok(uint32_t narg, uint32_t need)
{
	return narg >= need && narg <= NLUT_MBOX_WORDS;
}

static uint32_t op_ping(uint32_t narg, uint32_t *ndata)
{
	if (!args_ok(narg, 1))
		return NLUT_RSP_BAD_ARG;
	put(0, fw_read(NLUT_MBOX_ARG_REG_OFFSET(0)));
	*ndata = 1;
	return NLUT_RSP_OK;
}

static uint32_t op_identity(uint32_t narg, uint32_t *ndata)
{
	struct bist_data d;
	enum bist_data_state st;

	if (!args_ok(narg, 0))
		return NLUT_RSP_BAD_ARG;
	put(0, NLUT_FW_VERSION);
	put(1, fw_read(NLUT_ID_BOARD_REG_OFFSET));
	for (uint32_t k = 0; k < NLUT_HASH_WORDS; k++)
		put(2 + k, fw_read(NLUT_ID_MODEL_HASH_REG_OFFSET(k)));
	st = bist_data_check(&d);
	put(10, st);
	put(11, st == BIST_DATA_NONE ? 0 : d.n);
	put(12, fw_wdog_restart);
	*ndata = MBOX_IDENTITY_WORDS;
	return NLUT_RSP_OK;
}

static uint32_t op_counters(uint32_t narg, uint32_t *ndata)
{
	/* Each LO read latches its HI for this (the controller's) port. */
	static const uint16_t regs[] = {
		NLUT_CNT_IN_LO_REG_OFFSET,    NLUT_CNT_IN_HI_REG_OFFSET,
		NLUT_CNT_OUT_LO_REG_OFFSET,   NLUT_CNT_OUT_HI_REG_OFFSET,
		NLUT_CNT_STALL_LO_REG_OFFSET, NLUT_CNT_STALL_HI_REG_OFFSET,
		NLUT_CNT_ERRORS_REG_OFFSET,   NLUT_ERRORS_REG_OFFSET,
	};
	uint32_t k;

	if (!args_ok(narg, 0))
		return NLUT_RSP_BAD_ARG;
	for (k = 0; k < sizeof(regs) / sizeof(regs[0]); k++)
		put(k, fw_read(regs[k]));
	*ndata = k;
	return NLUT_RSP_OK;
}

static uint32_t op_bist(uint32_t narg, uint32_t *ndata)
{
	struct bist_result r;

	if (!args_ok(narg, 0))
		return NLUT_RSP_BAD_ARG;
	bist_run(&r);
	put(0, r.pass);
	put(1, r.first_fail);
	put(2, r.vectors);
	*ndata = 3;
	return r.pass ? NLUT_RSP_OK : NLUT_RSP_FAILED;
}

static uint32_t op_reset(uint32_t narg, uint32_t *ndata)
{
	uint32_t ctrl;

	if (!args_ok(narg, 0))
		return NLUT_RSP_BAD_ARG;
	ctrl = fw_read(NLUT_CTRL_REG_OFFSET) & FW_BIT(NLUT_CTRL_ENABLE_BIT);
	fw_write(NLUT_CTRL_REG_OFFSET,
		 ctrl | FW_BIT(NLUT_CTRL_RESET_BIT) | FW_BIT(NLUT_CTRL_CLEAR_BIT));
	*ndata = 0;
	return NLUT_RSP_OK;
}

void mbox_serve(void)
{
	uint32_t cmd = fw_read(NLUT_MBOX_CMD_REG_OFFSET);
	uint32_t narg = FW_FIELD(cmd, MBOX_CMD_NARG), ndata = 0, status;

	switch (FW_FIELD(cmd, MBOX_CMD_OP)) {
	case NLUT_OP_PING:
		status = op_ping(narg, &ndata);
		break;
	case NLUT_OP_IDENTITY:
		status = op_identity(narg, &ndata);
		break;
	case NLUT_OP_COUNTERS:
		status = op_counters(narg, &ndata);
		break;
	case NLUT_OP_BIST:
		status = op_bist(narg, &ndata);
		break;
	case NLUT_OP_RESET:
		status = op_reset(narg, &ndata);
		break;
	case NLUT_OP_HANG:
		/* Answer first, then stop making progress: the timer interrupt
		 * stops feeding the watchdog and the shell restarts us. */
		fw_write(NLUT_MBOX_RSP_REG_OFFSET,
			 NLUT_RSP_OK << NLUT_MBOX_RSP_STATUS_OFFSET |
			 FW_FIELD(cmd, MBOX_CMD_SEQ) << NLUT_MBOX_RSP_SEQ_OFFSET);
		for (;;)
			;

	default:
		status = NLUT_RSP_BAD_OP;
		break;
	}
	fw_write(NLUT_MBOX_RSP_REG_OFFSET,
		 status << NLUT_MBOX_RSP_STATUS_OFFSET |
		 FW_FIELD(cmd, MBOX_CMD_SEQ) << NLUT_MBOX_RSP_SEQ_OFFSET |
		 ndata << NLUT_MBOX_RSP_NDATA_OFFSET);
}
