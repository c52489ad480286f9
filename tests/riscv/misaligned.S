# misaligned.S (core only) - misaligned loads and stores trap (mcause 4 and 6, mtval the address) without
# touching memory or rd; misaligned jal and branch targets land in mtval. QEMU 7.2 performs misaligned data
# accesses in hardware and reports a stale mtval for jal/branch, so this program runs on the core only.
#include "nlut_test.h"

#define TEST_LD_MA(n, inst, offset) \
test_##n: li TESTNUM, n; \
	la a1, data; li a4, 0x5a5a; \
t##n:	inst a4, offset(a1); \
	CHECK_TRAP_ADDR(4, data + offset, t##n); \
	li t2, 0x5a5a; bne a4, t2, fail

#define TEST_ST_MA(n, inst, offset) \
test_##n: li TESTNUM, n; \
	la a1, data; li a2, -1; \
t##n:	inst a2, offset(a1); \
	CHECK_TRAP_ADDR(6, data + offset, t##n); \
	lw a4, 0(a1); li t2, 0x03020100; bne a4, t2, fail; \
	lw a4, 4(a1); li t2, 0x07060504; bne a4, t2, fail

RVTEST_RV32M
RVTEST_CODE_BEGIN
	li s5, 0
	li s6, 0

	TEST_LD_MA(2, lh, 1)
	TEST_LD_MA(3, lh, 3)
	TEST_LD_MA(4, lhu, 1)
	TEST_LD_MA(5, lw, 1)
	TEST_LD_MA(6, lw, 2)
	TEST_LD_MA(7, lw, 3)
	TEST_LD_MA(8, lw, 6)
	TEST_ST_MA(9, sh, 1)
	TEST_ST_MA(10, sh, 3)
	TEST_ST_MA(11, sw, 1)
	TEST_ST_MA(12, sw, 2)
	TEST_ST_MA(13, sw, 3)

	# aligned halves and bytes at the same places are fine
	TEST_CASE(14, a4, 0x0302, la a1, data; lhu a4, 2(a1))
	TEST_CASE(15, a4, 0x03, la a1, data; lbu a4, 3(a1))
	TEST_CASE(16, s5, 0, nop)

test_17: li TESTNUM, 17         # jal a3, .+6: mtval is the target, a3 untouched
	li a3, 0x5555
t17:	.word 0x006006ef
	CHECK_TRAP_ADDR(0, t17 + 6, t17)
	li t2, 0x5555
	bne a3, t2, fail

test_18: li TESTNUM, 18         # beq x0, x0, .+6
t18:	.word 0x00000363
	CHECK_TRAP_ADDR(0, t18 + 6, t18)

test_19: li TESTNUM, 19         # blt x0, a1 (a1 > 0), .-2 (backwards)
	li a1, 1
t19:	.word 0xfeb04fe3
	CHECK_TRAP_ADDR(0, t19 - 2, t19)

	TEST_PASSFAIL

	.align 2
NLUT_TRAP_RECORDER

RVTEST_CODE_END

	.data
RVTEST_DATA_BEGIN
data:	.word 0x03020100, 0x07060504, 0x0b0a0908
RVTEST_DATA_END
