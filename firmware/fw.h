/* fw.h - what every firmware source needs: the register block and CSR
 * accessors, the firmware version, the bound on every wait. */
#ifndef NLUT_FW_H
#define NLUT_FW_H

#include <stdint.h>

#include <nlut/regs.h>

/* Reported in DATA0 of OP_IDENTITY: major in bits 31:16, minor in 15:0. */
#define NLUT_FW_VERSION 0x00010000u

/* The shell's registers in the controller's address space (docs/controller.md). */
#define FW_REG_BASE 0x10000000u

/* Iterations of any loop that waits on the hardware before it gives up
 * (test/fw_test.c makes it small to reach the timeouts quickly). */
#ifndef FW_POLL_LIMIT
#define FW_POLL_LIMIT 1000000u
#endif

#define FW_BIT(n) (1u << (n))

static inline uint32_t fw_read(uint32_t off)
{
	return *(volatile uint32_t *)(FW_REG_BASE + off);
}

static inline void fw_write(uint32_t off, uint32_t v)
{
	*(volatile uint32_t *)(FW_REG_BASE + off) = v;
}

/* The field NAME of register value v, using the generated _OFFSET/_MASK. */
#define FW_FIELD(v, name) (((v) >> NLUT_##name##_OFFSET) & NLUT_##name##_MASK)

/* Machine CSRs (the assembler knows them through -Wa,-march=..._zicsr). */
static inline uint32_t fw_mcycle(void)
{
	uint32_t v;

	__asm__ volatile("csrr %0, mcycle" : "=r"(v));
	return v;
}

static inline void fw_mie_set(uint32_t bits)
{
	__asm__ volatile("csrs mie, %0" : : "r"(bits));
}

static inline void fw_mstatus_set(uint32_t bits)
{
	__asm__ volatile("csrs mstatus, %0" : : "r"(bits) : "memory");
}

#define FW_MSTATUS_MIE FW_BIT(3)
#define FW_MIE_MTIE FW_BIT(7)
#define FW_MIE_MEIE FW_BIT(11)
#define FW_MCAUSE_IRQ 0x80000000u
#define FW_MCAUSE_TIMER (FW_MCAUSE_IRQ | 7u)

/*
 * Sleep in wfi until the external interrupt (irq_ext: a pending mailbox
 * command or BIST_REQ) or the timer is pending; return at once if one already
 * is. MEIE is enabled only here and with mstatus.MIE clear, so the line wakes
 * the CPU without trapping; a timer interrupt that woke it is taken when MIE
 * is set again. The controller's clock stops meanwhile (docs/controller.md).
 */
static inline void fw_wait_event(void)
{
	__asm__ volatile("csrc mstatus, %0\n\t"
			 "csrs mie, %1\n\t"
			 "wfi\n\t"
			 "csrc mie, %1\n\t"
			 "csrs mstatus, %0"
			 :
			 : "r"(FW_MSTATUS_MIE), "r"(FW_MIE_MEIE)
			 : "memory");
}

/* FW_CTRL's level bits (BIST_MODE). Every FW_CTRL write carries them, the
 * timer interrupt's heartbeat included, so a pulse never drops the mode. */
extern volatile uint32_t fw_ctrl_level;

/* Write FW_CTRL: the level bits and the given pulses (HEARTBEAT, PUSH). */
static inline void fw_ctrl_pulse(uint32_t pulses)
{
	fw_write(NLUT_FW_CTRL_REG_OFFSET, fw_ctrl_level | pulses);
}

/* Change the level bits. */
static inline void fw_ctrl_set(uint32_t level)
{
	fw_ctrl_level = level;
	fw_write(NLUT_FW_CTRL_REG_OFFSET, level);
}

/* 1 when this start was a watchdog restart (FW_STATUS.WDOG_RESET at boot). */
extern uint32_t fw_wdog_restart;

/* start.S: load the word at addr into *v and return 0, or return -1 when the
 * load faults (an address outside the boot RAM of a smaller build). */
int fw_probe32(uintptr_t addr, uint32_t *v);

/* C side of the trap vector in start.S (every trap but a probe's fault). */
void fw_trap(uint32_t mcause);

#endif /* NLUT_FW_H */
