# branch.S - beq, bne, blt, bge, bltu, bgeu (taken and not, signed and unsigned edges), jal, jalr.
#include "nlut_test.h"

RVTEST_RV32U
RVTEST_CODE_BEGIN

	TEST_BR_TAKEN(2, beq, 0, 0)
	TEST_BR_TAKEN(3, beq, -1, -1)
	TEST_BR_NOT_TAKEN(4, beq, 0, 1)
	TEST_BR_NOT_TAKEN(5, beq, 0x80000000, 0)
	TEST_BR_TAKEN(6, bne, 0, 1)
	TEST_BR_TAKEN(7, bne, 0x80000000, 0)
	TEST_BR_NOT_TAKEN(8, bne, 5, 5)
	TEST_BR_NOT_TAKEN(9, bne, -1, -1)
	TEST_BR_TAKEN(10, blt, 0, 1)
	TEST_BR_TAKEN(11, blt, -1, 1)
	TEST_BR_TAKEN(12, blt, 0x80000000, 0x7fffffff)
	TEST_BR_NOT_TAKEN(13, blt, 1, 1)
	TEST_BR_NOT_TAKEN(14, blt, 1, -1)
	TEST_BR_NOT_TAKEN(15, blt, 0x7fffffff, 0x80000000)
	TEST_BR_TAKEN(16, bge, 1, 1)
	TEST_BR_TAKEN(17, bge, 1, -1)
	TEST_BR_TAKEN(18, bge, 0x7fffffff, 0x80000000)
	TEST_BR_NOT_TAKEN(19, bge, -1, 1)
	TEST_BR_NOT_TAKEN(20, bge, 0x80000000, 0x7fffffff)
	TEST_BR_TAKEN(21, bltu, 0, 1)
	TEST_BR_TAKEN(22, bltu, 1, -1)
	TEST_BR_TAKEN(23, bltu, 0x7fffffff, 0x80000000)
	TEST_BR_NOT_TAKEN(24, bltu, 1, 1)
	TEST_BR_NOT_TAKEN(25, bltu, -1, 1)
	TEST_BR_NOT_TAKEN(26, bltu, 0x80000000, 0x7fffffff)
	TEST_BR_TAKEN(27, bgeu, 1, 1)
	TEST_BR_TAKEN(28, bgeu, -1, 1)
	TEST_BR_TAKEN(29, bgeu, 0x80000000, 0x7fffffff)
	TEST_BR_NOT_TAKEN(30, bgeu, 0, 1)
	TEST_BR_NOT_TAKEN(31, bgeu, 0x7fffffff, 0x80000000)

	# backward branch: a counted loop
	TEST_CASE(32, a4, 10, \
		li a4, 0; li a1, 10; \
	1:	addi a4, a4, 1; bne a4, a1, 1b)

	# jal: link is the next instruction, x0 discards it
	TEST_CASE(33, a4, 0, \
		la a2, 1f; \
		jal a3, 1f; \
		j fail; \
	1:	addi a2, a2, -4; sub a4, a3, a2)
	TEST_CASE(34, a4, 7, \
		li a4, 7; \
		jal x0, 1f; \
		li a4, 0; \
	1:	nop)

	# jalr: offset added to rs1, bit 0 of the target cleared, link written even when rd = rs1
	TEST_CASE(35, a4, 0, \
		la a1, 1f; \
		jalr a3, a1, 0; \
	2:	j fail; \
	1:	la a2, 2b; sub a4, a3, a2)
	TEST_CASE(36, a4, 3, \
		li a4, 0; \
		la a1, 1f - 8; \
		jalr a1, a1, 9; \
		li a4, 1; \
		li a4, 2; \
	1:	addi a4, a4, 3)
	TEST_CASE(37, a4, 0, \
		la a1, 1f; \
		jalr a1, a1, 0; \
	2:	j fail; \
	1:	la a2, 2b; sub a4, a1, a2)

	# call and return through ra
	TEST_CASE(38, a0, 42, \
		li a0, 40; \
		jal ra, add_two)

	TEST_PASSFAIL

add_two:
	addi a0, a0, 2
	ret

RVTEST_CODE_END

	.data
RVTEST_DATA_BEGIN
RVTEST_DATA_END
