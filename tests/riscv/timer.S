# timer.S - the machine timer (CLINT layout: mtimecmp 0x02004000, mtime 0x0200bff8): mtime counts,
# MTIP follows mtime >= mtimecmp, the interrupt is taken only with mie.MTIE and mstatus.MIE, wfi wakes
# on it, and a handler re-arming mtimecmp gives periodic ticks (the firmware watchdog's use).
#include "nlut_test.h"

#define MTIMECMP 0x02004000
#define MTIME    0x0200bff8

/* mtimecmp = mtime + delta: high word to all ones first so no spurious interrupt fires in between. */
#define ARM_TIMER(delta) \
	li t0, MTIME; lw t1, 0(t0); addi t1, t1, delta; \
	li t0, MTIMECMP; li t3, -1; sw t3, 4(t0); sw t1, 0(t0); \
	li t3, MTIME; lw t3, 4(t3); sltu t4, t1, t3; add t3, t3, t4; sw t3, 4(t0)

#define DISARM_TIMER \
	li t0, MTIMECMP; li t3, -1; sw t3, 4(t0); sw t3, 0(t0)

RVTEST_RV32M
RVTEST_CODE_BEGIN
	li s5, 0
	li s6, 0
	li s8, 0

test_2:	li TESTNUM, 2           # disarmed: nothing pending
	DISARM_TIMER
	csrr a4, mip
	andi a4, a4, 0x80
	bnez a4, fail

test_3:	li TESTNUM, 3           # mtime advances
	li t0, MTIME
	lw a1, 0(t0)
	li a3, 10000000          # bounds are generous: QEMU on a loaded host may deliver late
1:	lw a2, 0(t0)
	bne a1, a2, 2f
	addi a3, a3, -1
	bnez a3, 1b
	j fail
2:

test_4:	li TESTNUM, 4           # pending without enables: MTIP rises, no trap
	li t0, 0x80
	csrs mie, t0
	ARM_TIMER(20)
	li a3, 100000000
1:	csrr a4, mip
	andi a4, a4, 0x80
	bnez a4, 2f
	addi a3, a3, -1
	bnez a3, 1b
	j fail
2:	bnez s5, fail

test_5:	li TESTNUM, 5           # setting mstatus.MIE takes it before the next instruction
	csrsi mstatus, 8
t5:	nop
	li t2, 1
	bne s5, t2, fail
	li t2, 0x80000007
	bne s2, t2, fail
	la t2, t5
	bne s3, t2, fail
	andi t0, s7, 0x88       # in the handler: MIE clear, MPIE set
	li t2, 0x80
	bne t0, t2, fail
	csrr a4, mip            # the handler disarmed it
	andi a4, a4, 0x80
	bnez a4, fail
	li s5, 0

test_6:	li TESTNUM, 6           # wfi wakes on the interrupt
	ARM_TIMER(50)
	li a3, 1000
1:	wfi
	bnez s5, 2f
	addi a3, a3, -1
	bnez a3, 1b
	j fail
2:	li t2, 0x80000007
	bne s2, t2, fail
	li s5, 0

test_7:	li TESTNUM, 7           # periodic ticks: the handler re-arms until s8 counts 3
	li s8, 3
	ARM_TIMER(40)
	li a3, 400000000
1:	beqz s8, 2f
	addi a3, a3, -1
	bnez a3, 1b
	j fail
2:	li t2, 3
	bne s5, t2, fail
	csrci mstatus, 8
	li s5, 0

test_8:	li TESTNUM, 8           # MTIE clear: pending but not taken even with MIE set
	li t0, 0x80
	csrc mie, t0
	csrsi mstatus, 8
	ARM_TIMER(10)
	li a3, 100000000
1:	csrr a4, mip
	andi a4, a4, 0x80
	bnez a4, 2f
	addi a3, a3, -1
	bnez a3, 1b
	j fail
2:	nop
	nop
	bnez s5, fail
	csrci mstatus, 8
	DISARM_TIMER

	TEST_PASSFAIL

	.align 2
mtvec_handler:
	csrr s2, mcause
	csrr s3, mepc
	csrr s7, mstatus
	addi s5, s5, 1
	bgez s2, fail            # only the timer interrupt is expected here
	beqz s8, 1f
	addi s8, s8, -1
	beqz s8, 1f
	ARM_TIMER(40)
	mret
1:	DISARM_TIMER
	mret

RVTEST_CODE_END

	.data
RVTEST_DATA_BEGIN
RVTEST_DATA_END
