# trap.S - synchronous traps: ecall, ebreak, illegal instructions, misaligned jumps and branches,
# access faults on load, store and fetch, and mret's handling of mstatus.MIE/MPIE.
#include "nlut_test.h"

RVTEST_RV32M
RVTEST_CODE_BEGIN
	li s5, 0
	li s6, 0

test_2:	li TESTNUM, 2
	li a7, 0
t2:	ecall
	CHECK_TRAP(11, 0, t2)

test_3:	li TESTNUM, 3
t3:	ebreak
	CHECK_TRAP(3, 0, t3)

test_4:	li TESTNUM, 4
t4:	.word 0x00000000
	CHECK_TRAP(2, 0, t4)

test_5:	li TESTNUM, 5
t5:	.word 0xffffffff
	CHECK_TRAP(2, 0xffffffff, t5)

test_6:	li TESTNUM, 6           # custom-3 major opcode
t6:	.word 0x0000007b
	CHECK_TRAP(2, 0x7b, t6)

test_7:	li TESTNUM, 7           # mul: no M extension
t7:	.word 0x02b50533
	CHECK_TRAP(2, 0x02b50533, t7)

test_8:	li TESTNUM, 8           # lw with funct3 = 3 (ld) is not RV32I
t8:	.word 0x0005b503
	CHECK_TRAP(2, 0x0005b503, t8)

test_9:	li TESTNUM, 9           # misaligned jalr: no link written, mtval is the target
	li a3, 0x5555
	la a1, t9e
t9:	jalr a3, a1, 2
	CHECK_TRAP_ADDR(0, t9e + 2, t9)
	li t2, 0x5555
	bne a3, t2, fail
	j 1f
t9e:	nop
	nop
1:

test_10: li TESTNUM, 10         # misaligned jal (jal a3, .+6); QEMU 7.2 gets mtval wrong, misaligned.S checks it
	li a3, 0x5555
t10:	.word 0x006006ef
	CHECK_TRAP_AT(0, t10)
	li t2, 0x5555
	bne a3, t2, fail

test_11: li TESTNUM, 11         # misaligned taken branch (beq x0, x0, .+6)
t11:	.word 0x00000363
	CHECK_TRAP_AT(0, t11)

test_12: li TESTNUM, 12         # misaligned branch not taken: no trap (bne x0, x0, .+6)
	.word 0x00001363
	bnez s5, fail

test_13: li TESTNUM, 13         # load from nowhere: access fault, rd unchanged
	li a4, 0x77
	li a1, 0x20000000
t13:	lw a4, 4(a1)
	CHECK_TRAP(5, 0x20000004, t13)
	li t2, 0x77
	bne a4, t2, fail

test_14: li TESTNUM, 14         # store to nowhere
	li a1, 0x20000000
t14:	sb a1, 3(a1)
	CHECK_TRAP(7, 0x20000003, t14)

test_15: li TESTNUM, 15         # fetch from nowhere: mepc = mtval = target; the jump itself links
	la s6, 1f
	li a1, 0x20000000
	jalr ra, a1, 16
1:	li t2, 1
	bne s2, t2, fail
	li t2, 0x20000010
	bne s3, t2, fail
	bne s4, t2, fail
	la t2, 1b
	bne ra, t2, fail
	li s5, 0

test_16: li TESTNUM, 16         # trap entry moves MIE to MPIE and clears MIE; mret moves it back
	csrsi mstatus, 8        # MIE = 1; mie = 0, so nothing can interrupt
t16:	ecall
	CHECK_TRAP(11, 0, t16)
	andi t0, s7, 0x88
	li t2, 0x80
	bne t0, t2, fail
	csrr t0, mstatus
	andi t0, t0, 0x88
	li t2, 0x88
	bne t0, t2, fail

test_17: li TESTNUM, 17         # and with MIE = 0: MPIE = 0 inside, MIE = 0 and MPIE = 1 after mret
	csrci mstatus, 8
t17:	ecall
	CHECK_TRAP(11, 0, t17)
	andi t0, s7, 0x88
	bnez t0, fail
	csrr t0, mstatus
	andi t0, t0, 0x88
	li t2, 0x80
	bne t0, t2, fail

test_18: li TESTNUM, 18         # mscratch survives a trap; the handler's mepc write picks the return
	li t0, 0x13579bdf
	csrw mscratch, t0
	la s6, 1f
	ebreak
	j fail
1:	csrr t0, mscratch
	li t2, 0x13579bdf
	bne t0, t2, fail
	li s5, 0

	TEST_PASSFAIL

	.align 2
NLUT_TRAP_RECORDER

RVTEST_CODE_END

	.data
RVTEST_DATA_BEGIN
RVTEST_DATA_END
