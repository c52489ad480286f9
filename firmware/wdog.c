/* wdog.c - the machine timer (CLINT mtime/mtimecmp) interrupt feeds the
 * shell's watchdog every eighth of its period, provided the main loop or the
 * self-test moved on since the tick before: a hung loop stops the heartbeats
 * and the shell restarts the controller. */
#include "fw.h"
#include "wdog.h"

#define CLINT_MTIMECMP 0x02004000u /* low word; high word at +4 */
#define CLINT_MTIME 0x0200BFF8u

/* Used when FW_WDOG_CYCLES reads 0 (no sensible build has that). */
#define WDOG_DEFAULT_CYCLES (1u << 20)

volatile uint32_t wdog_progress_count;
static uint32_t seen_progress; /* wdog_progress_count at the last tick */
static uint32_t tick_interval; /* mtime ticks between timer interrupts */

static inline uint32_t clint_read(uint32_t addr)
{
	return *(volatile uint32_t *)addr;
}

static inline void clint_write(uint32_t addr, uint32_t v)
{
	*(volatile uint32_t *)addr = v;
}

static uint64_t mtime_read(void)
{
	uint32_t hi, lo;

	do {
		hi = clint_read(CLINT_MTIME + 4);
		lo = clint_read(CLINT_MTIME);
	} while (hi != clint_read(CLINT_MTIME + 4));
	return (uint64_t)hi << 32 | lo;
}

/* mtimecmp = mtime + tick_interval, never passing through a smaller value
 * on the way (which would fire at once). */
static void arm(void)
{
	uint64_t t = mtime_read() + tick_interval;

	clint_write(CLINT_MTIMECMP, 0xFFFFFFFFu);
	clint_write(CLINT_MTIMECMP + 4, (uint32_t)(t >> 32));
	clint_write(CLINT_MTIMECMP, (uint32_t)t);
}

static void heartbeat(void)
{
	fw_ctrl_pulse(FW_BIT(NLUT_FW_CTRL_HEARTBEAT_BIT));
}

/*
 * Clock cycles per mtime tick (the shell's TICK_DIV, which the firmware
 * cannot read): mcycle against mtime over at least 8 ticks and 512 cycles,
 * at most budget cycles, rounded to the nearest: within an eighth of the rate.
 */
static uint32_t cycles_per_tick(uint32_t budget)
{
	uint32_t c0 = fw_mcycle(), t0 = clint_read(CLINT_MTIME), dc, dt;

	do {
		dc = fw_mcycle() - c0;
		dt = clint_read(CLINT_MTIME) - t0;
	} while ((dt < 8 || dc < 512) && dc < budget);
	if (dt == 0) /* a stopped timer: no interrupt will come anyway */
		return 1;
	dc = (dc + dt / 2) / dt;
	return dc ? dc : 1;
}

void wdog_start(void)
{
	uint32_t period = fw_read(NLUT_FW_WDOG_CYCLES_REG_OFFSET), cpt;

	heartbeat();
	if (!period)
		period = WDOG_DEFAULT_CYCLES;
	cpt = cycles_per_tick(period / 4);
	tick_interval = period / 8 / cpt;
	if (!tick_interval)
		tick_interval = 1;
	heartbeat();
	seen_progress = wdog_progress_count;
	arm();
	fw_mie_set(FW_MIE_MTIE);
	fw_mstatus_set(FW_MSTATUS_MIE);
}

void wdog_tick(void)
{
	uint32_t now = wdog_progress_count;

	arm();
	if (now != seen_progress) {
		seen_progress = now;
		heartbeat();
	}
}
