# ldst.S - lb, lbu, lh, lhu, lw, sb, sh, sw on every byte lane, sign extension, negative offsets.
#include "nlut_test.h"

RVTEST_RV32U
RVTEST_CODE_BEGIN

	TEST_LD(2, lw, 0x00ff00ff, 0, tdat)
	TEST_LD(3, lw, 0xff00ff00, 4, tdat)
	TEST_LD(4, lw, 0x0ff00ff0, 8, tdat)
	TEST_LD(5, lw, 0xf00ff00f, 12, tdat)
	TEST_LD(6, lw, 0x00ff00ff, -12, tdat + 12)
	TEST_LD(7, lb, 0xffffff81, 0, bdat)
	TEST_LD(8, lb, 0x00000072, 1, bdat)
	TEST_LD(9, lb, 0xffffffe3, 2, bdat)
	TEST_LD(10, lb, 0x00000054, 3, bdat)
	TEST_LD(11, lbu, 0x00000081, 0, bdat)
	TEST_LD(12, lbu, 0x00000072, 1, bdat)
	TEST_LD(13, lbu, 0x000000e3, 2, bdat)
	TEST_LD(14, lbu, 0x00000054, -1, bdat + 4)
	TEST_LD(15, lh, 0x00007281, 0, bdat)   /* bytes 81 72 */
	TEST_LD(16, lh, 0x000054e3, 2, bdat)
	TEST_LD(17, lh, 0xffff8000, 4, hdat)
	TEST_LD(18, lh, 0x00007fff, 6, hdat)
	TEST_LD(19, lhu, 0x00008000, 4, hdat)
	TEST_LD(20, lhu, 0x00007fff, -2, hdat + 8)
	TEST_LD(21, lhu, 0x0000ffff, 0, hdat)

	# stores read back by the same width
	TEST_ST(22, lw, sw, 0xaabbccdd, 0, sdat)
	TEST_ST(23, lw, sw, 0x12345678, 4, sdat)
	TEST_ST(24, lw, sw, 0xdeadbeef, -4, sdat + 12)
	TEST_ST(25, lh, sh, 0xffffa00a, 0, sdat)
	TEST_ST(26, lh, sh, 0x00000aa0, 2, sdat)
	TEST_ST(27, lhu, sh, 0x0000c00c, 6, sdat)
	TEST_ST(28, lb, sb, 0xffffffaa, 0, sdat)
	TEST_ST(29, lb, sb, 0x00000011, 1, sdat)
	TEST_ST(30, lbu, sb, 0x000000ef, 2, sdat)
	TEST_ST(31, lbu, sb, 0x000000a0, 3, sdat)

	# narrow stores leave the other lanes alone
	TEST_CASE(32, a4, 0x11223344, \
		la a1, sdat; li a2, 0xffffffff; sw a2, 16(a1); \
		li a2, 0x44; sb a2, 16(a1); \
		li a2, 0x33; sb a2, 17(a1); \
		li a2, 0x1122; sh a2, 18(a1); \
		lw a4, 16(a1))
	TEST_CASE(33, a4, 0x5566ff77, \
		la a1, sdat; li a2, 0x77; sb a2, 20(a1); \
		li a2, 0xffffffff; sb a2, 21(a1); \
		li a2, 0x12345566; sh a2, 22(a1); \
		lw a4, 20(a1))
	TEST_CASE(34, a4, 0xffffff80, \
		la a1, sdat; li a2, 0x5a5a5a80; sw a2, 24(a1); lb a4, 24(a1))
	TEST_CASE(35, a4, 0x5a5a, \
		la a1, sdat; lhu a4, 26(a1))

	# load into x0 is discarded; store of x0 writes zero
	TEST_CASE(36, x0, 0, la a1, tdat; lw x0, 0(a1))
	TEST_CASE(37, a4, 0, la a1, sdat; sw x0, 28(a1); lw a4, 28(a1))

	# load then use at once, store then load at once
	TEST_CASE(38, a4, 0x01fe01fe, \
		la a1, tdat; lw a2, 0(a1); add a4, a2, a2)
	TEST_CASE(39, a4, 0x00000123, \
		la a1, sdat; li a2, 0x123; sw a2, 32(a1); lw a4, 32(a1))

	TEST_PASSFAIL

RVTEST_CODE_END

	.data
RVTEST_DATA_BEGIN
tdat:	.word 0x00ff00ff, 0xff00ff00, 0x0ff00ff0, 0xf00ff00f
bdat:	.byte 0x81, 0x72, 0xe3, 0x54
hdat:	.half 0xffff, 0x1234, 0x8000, 0x7fff
sdat:	.fill 16, 4, 0
RVTEST_DATA_END
