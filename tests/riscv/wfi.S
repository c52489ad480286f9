# wfi.S (core only) - wfi sleeps until an enabled interrupt is pending (mip & mie, whatever mstatus.MIE):
# mtime runs on while mcycle holds; the timer or irq_ext (ctrl_sim's delayed hook at 0xff4) wakes it, a
# pending but disabled line does not; with mstatus.MIE the interrupt is then taken with mepc after the
# wfi; with one pending already wfi does not sleep.
#include "nlut_test.h"

#define EXT_IRQ    0x10000ff0   /* model hook: bit 0 drives irq_ext */
#define EXT_IRQ_AT 0x10000ff4   /* model hook: irq_ext rises this many cycles after the write */
#define MTIMECMP   0x02004000
#define MTIME      0x0200bff8

/* mtimecmp = mtime + delta (timer.S). */
#define ARM_TIMER(delta) \
	li t0, MTIME; lw t1, 0(t0); addi t1, t1, delta; \
	li t0, MTIMECMP; li t3, -1; sw t3, 4(t0); sw t1, 0(t0); \
	li t3, MTIME; lw t3, 4(t3); sltu t4, t1, t3; add t3, t3, t4; sw t3, 4(t0)

#define DISARM_TIMER \
	li t0, MTIMECMP; li t3, -1; sw t3, 4(t0); sw t3, 0(t0)

/* a1 = mtime, a2 = mcycle before the wfi; a4 = mtime, a3 = mcycle after. */
#define TIMED_WFI \
	li t0, MTIME; lw a1, 0(t0); csrr a2, mcycle; \
	wfi; \
	csrr a3, mcycle; li t0, MTIME; lw a4, 0(t0); \
	sub a4, a4, a1; sub a3, a3, a2

RVTEST_RV32M
RVTEST_CODE_BEGIN
	li s5, 0
	li s6, 0
	li s8, 0

test_2:	li TESTNUM, 2           # the timer wakes it (MIE clear: no trap); mtime ran on, mcycle held
	li t0, 0x80
	csrs mie, t0
	ARM_TIMER(300)
	TIMED_WFI
	bnez s5, fail
	li t2, 200
	bltu a4, t2, fail
	li t2, 40
	bgeu a3, t2, fail
	csrr t1, mip
	andi t1, t1, 0x80
	beqz t1, fail
	DISARM_TIMER
	li t0, 0x80
	csrc mie, t0

test_3:	li TESTNUM, 3           # irq_ext wakes it (MEIE)
	li t0, 0x800
	csrs mie, t0
	li t1, EXT_IRQ_AT
	li t2, 300
	sw t2, 0(t1)
	TIMED_WFI
	bnez s5, fail
	li t2, 200
	bltu a4, t2, fail
	li t2, 40
	bgeu a3, t2, fail
	csrr t1, mip
	li t2, 0x800
	and t1, t1, t2
	beqz t1, fail
	li t1, EXT_IRQ
	sw zero, 0(t1)

test_4:	li TESTNUM, 4           # with mstatus.MIE the wake takes the interrupt, mepc after the wfi
	li t1, EXT_IRQ_AT
	li t2, 100
	sw t2, 0(t1)
	csrsi mstatus, 8
t4:	wfi
	csrci mstatus, 8
	li t2, 1
	bne s5, t2, fail
	li t2, 0x8000000b
	bne s2, t2, fail
	la t2, t4
	addi t2, t2, 4
	bne s3, t2, fail
	li s5, 0

test_5:	li TESTNUM, 5           # already pending: no sleep
	li t1, EXT_IRQ
	li t2, 1
	sw t2, 0(t1)
	nop
	TIMED_WFI
	li t2, 40
	bgeu a4, t2, fail
	bgeu a3, t2, fail
	li t1, EXT_IRQ
	sw zero, 0(t1)

test_6:	li TESTNUM, 6           # a pending line that is not enabled does not wake it
	li t0, 0x800
	csrc mie, t0
	li t0, 0x80
	csrs mie, t0
	ARM_TIMER(400)
	li t1, EXT_IRQ_AT
	li t2, 50
	sw t2, 0(t1)
	TIMED_WFI
	li t2, 300
	bltu a4, t2, fail
	csrr t1, mip
	li t2, 0x880
	and t1, t1, t2
	bne t1, t2, fail
	bnez s5, fail
	DISARM_TIMER
	li t1, EXT_IRQ
	sw zero, 0(t1)
	li t0, 0x80
	csrc mie, t0

	TEST_PASSFAIL

	.align 2
mtvec_handler:                  # interrupts only
	csrr s2, mcause
	csrr s3, mepc
	addi s5, s5, 1
	bgez s2, fail
	li t5, 0x8000000b
	bne s2, t5, 1f
	li t5, EXT_IRQ          # external: lower the line
	sw zero, 0(t5)
	mret
1:	li t5, MTIMECMP         # timer: disarm
	li t6, -1
	sw t6, 4(t5)
	sw t6, 0(t5)
	mret

RVTEST_CODE_END

	.data
RVTEST_DATA_BEGIN
RVTEST_DATA_END
