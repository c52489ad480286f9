# misc.S - fence, fence.tso, pause, fence.i with self-modifying code, and nop forms.
#include "nlut_test.h"

RVTEST_RV32U
RVTEST_CODE_BEGIN

	TEST_CASE(2, a4, 5, li a4, 5; fence; fence rw, rw; fence iorw, iorw; fence.tso; .word 0x0100000f; nop)
	TEST_CASE(3, a4, 0, li a4, 0; addi x0, x0, 0; add x0, a4, a4)

	# write "addi a0, a0, 1; ret" into data, fence.i, call it; then patch the immediate and call again
	TEST_CASE(4, a0, 101, \
		la a1, code; \
		li a2, 0x00150513; sw a2, 0(a1); \
		li a2, 0x00008067; sw a2, 4(a1); \
		fence.i; \
		li a0, 100; jalr ra, a1, 0)
	TEST_CASE(5, a0, 107, \
		la a1, code; \
		li a2, 0x00750513; sw a2, 0(a1); \
		fence.i; \
		li a0, 100; jalr ra, a1, 0)

	TEST_PASSFAIL

RVTEST_CODE_END

	.data
RVTEST_DATA_BEGIN
	.align 4
code:	.fill 4, 4, 0
RVTEST_DATA_END
