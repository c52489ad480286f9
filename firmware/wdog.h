/* wdog.h - keeping the shell's watchdog fed from the machine timer, but only
 * while the firmware makes progress. */
#ifndef NLUT_FW_WDOG_H
#define NLUT_FW_WDOG_H

#include <stdint.h>

/* Bumped by every loop that does useful work; the timer tick feeds the
 * watchdog only when it changed since the tick before. */
extern volatile uint32_t wdog_progress_count;

static inline void wdog_progress(void)
{
	wdog_progress_count++;
}

/* Feed the watchdog once, read its period, measure the timer's rate, arm the
 * timer interrupt (every period / 8) and enable interrupts. */
void wdog_start(void);

/* The timer interrupt: re-arm, and feed the watchdog if there was progress. */
void wdog_tick(void);

#endif /* NLUT_FW_WDOG_H */
