/* main.c - firmware boot and main loop: self-test once, then serve the
 * host's self-test requests and the mailbox forever, asleep in wfi between
 * them (docs/firmware.md). */
#include "bist.h"
#include "fw.h"
#include "mbox.h"
#include "wdog.h"

/* All state in .bss: the watchdog restarts the CPU without reloading RAM. */
uint32_t fw_wdog_restart;
volatile uint32_t fw_ctrl_level;

int main(void)
{
	struct bist_result r;

	/* Before the first heartbeat, which clears it. */
	fw_wdog_restart = fw_read(NLUT_FW_STATUS_REG_OFFSET) >> NLUT_FW_STATUS_WDOG_RESET_BIT & 1u;
	/* A restart may have cut a self-test short: leave self-test mode. */
	fw_ctrl_set(0);
	wdog_start();
	bist_run(&r);
	for (;;) {
		wdog_progress();
		if (fw_read(NLUT_FW_STATUS_REG_OFFSET) & FW_BIT(NLUT_FW_STATUS_BIST_REQ_BIT))
			bist_run(&r);
		if (fw_read(NLUT_MBOX_STATUS_REG_OFFSET) & FW_BIT(NLUT_MBOX_STATUS_PENDING_BIT))
			mbox_serve();
		/* Nothing to do until irq_ext (a command or BIST_REQ) or the
		 * watchdog's timer tick, which wakes the CPU every eighth of a
		 * period: each tick finds this loop's progress. */
		fw_wait_event();
	}
}

/* Every trap but a probe's fault (start.S). An exception is a firmware bug:
 * stop here, interrupts off, and let the watchdog restart the controller. */
void fw_trap(uint32_t mcause)
{
	if (mcause == FW_MCAUSE_TIMER) {
		wdog_tick();
		return;
	}
	for (;;)
		;
}
