# ext.S (core only) - the register-block port at 0x10000000 as served by ctrl_sim's model: ID_MAGIC, word,
# half and byte accesses with random wait states, a slave error (access fault), fetch refused outside RAM,
# the external interrupt (mcause 0x8000000b) and its priority over the timer.
#include "nlut_test.h"

#define EXT      0x10000000
#define EXT_IRQ  (EXT + 0xff0)   /* model hook: bit 0 drives irq_ext */
#define EXT_ERR  (EXT + 0xff8)   /* model hook: answers with err */
#define MTIMECMP 0x02004000

RVTEST_RV32M
RVTEST_CODE_BEGIN
	li s5, 0
	li s6, 0

	TEST_CASE(2, a4, 0x4e4c5554, li a1, EXT; lw a4, 0(a1))           /* NLUT_MAGIC */
	TEST_CASE(3, a4, 0xcafef00d, li a1, EXT; li a2, 0xcafef00d; sw a2, 0x4c(a1); lw a4, 0x4c(a1))
	TEST_CASE(4, a4, 0x11fef022, \
		li a1, EXT; li a2, 0x22; sb a2, 0x4c(a1); li a2, 0x11; sb a2, 0x4f(a1); lw a4, 0x4c(a1))
	TEST_CASE(5, a4, 0x000011fe, li a1, EXT; lhu a4, 0x4e(a1))
	TEST_CASE(6, a4, 0xfffffffe, li a1, EXT; lb a4, 0x4e(a1))
	TEST_CASE(7, a4, 0xbeeff022, li a1, EXT; li a2, 0xbeef; sh a2, 0x4e(a1); lw a4, 0x4c(a1))

	# every mailbox argument word holds its own value
	TEST_CASE(8, a4, 0, \
		li a1, EXT + 0x140; li a2, 16; li a3, 0x1000; \
	1:	sw a3, 0(a1); addi a1, a1, 4; addi a3, a3, 1; addi a2, a2, -1; bnez a2, 1b; \
		li a1, EXT + 0x140; li a2, 16; li a3, 0x1000; li a4, 0; \
	2:	lw a5, 0(a1); xor a5, a5, a3; or a4, a4, a5; addi a1, a1, 4; addi a3, a3, 1; addi a2, a2, -1; bnez a2, 2b)

test_9:	li TESTNUM, 9           # slave error: load and store access faults
	li a1, EXT_ERR
	li a4, 0x33
t9:	lw a4, 0(a1)
	CHECK_TRAP(5, EXT_ERR, t9)
	li t2, 0x33
	bne a4, t2, fail
test_10: li TESTNUM, 10
	li a1, EXT_ERR
t10:	sw a1, 0(a1)
	CHECK_TRAP(7, EXT_ERR, t10)

test_11: li TESTNUM, 11         # just past the window: unmapped
	li a1, EXT + 0x1000
t11:	lw a4, 0(a1)
	CHECK_TRAP(5, EXT + 0x1000, t11)

test_12: li TESTNUM, 12         # no instruction fetch from the register block or the timer
	la s6, 1f
	li a1, EXT
	jr a1
1:	li t2, 1
	bne s2, t2, fail
	li t2, EXT
	bne s4, t2, fail
	la s6, 2f
	li a1, MTIMECMP
	jr a1
2:	li t2, 1
	bne s2, t2, fail
	li t2, MTIMECMP
	bne s4, t2, fail
	li s5, 0

test_13: li TESTNUM, 13         # external interrupt: pending in mip, taken with MEIE and MIE
	li a1, EXT_IRQ
	li a2, 1
	sw a2, 0(a1)
	nop
	csrr a4, mip
	li t2, 0x800
	and a4, a4, t2
	beqz a4, fail
	bnez s5, fail
	csrs mie, t2
	csrsi mstatus, 8
t13:	nop
	li t2, 1
	bne s5, t2, fail
	li t2, 0x8000000b
	bne s2, t2, fail
	la t2, t13
	bne s3, t2, fail
	li s5, 0

test_14: li TESTNUM, 14         # both pending: external first, then the timer
	csrci mstatus, 8
	li t0, MTIMECMP
	sw zero, 4(t0)
	sw zero, 0(t0)
	li t0, 0x80
	csrs mie, t0
	li a1, EXT_IRQ
	li a2, 1
	sw a2, 0(a1)
	nop
	li s8, 0
	csrsi mstatus, 8
	nop
	nop
	csrci mstatus, 8
	li t2, 2
	bne s5, t2, fail
	li t2, 0x8000000b
	bne s8, t2, fail
	li t2, 0x80000007
	bne s2, t2, fail
	li s5, 0

	TEST_PASSFAIL

	.align 2
mtvec_handler:                  # interrupts only; the first cause seen goes to s8
	csrr s2, mcause
	csrr s3, mepc
	csrr s4, mtval
	addi s5, s5, 1
	bnez s8, 1f
	mv s8, s2
1:	bltz s2, 2f
	addi t5, s3, 4          # exception: resume after it, or at s6
	csrw mepc, t5
	beqz s6, 3f
	csrw mepc, s6
	li s6, 0
3:	mret
2:	li t5, 0x8000000b
	bne s2, t5, 4f
	li t5, EXT_IRQ          # external: lower the line
	sw zero, 0(t5)
	mret
4:	li t5, MTIMECMP         # timer: disarm
	li t6, -1
	sw t6, 4(t5)
	sw t6, 0(t5)
	mret

RVTEST_CODE_END

	.data
RVTEST_DATA_BEGIN
RVTEST_DATA_END
