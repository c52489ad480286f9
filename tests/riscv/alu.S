# alu.S - every RV32I register-register and register-immediate ALU instruction, lui and auipc.
#include "nlut_test.h"

RVTEST_RV32U
RVTEST_CODE_BEGIN

	# add / sub: carries, overflow wrap, aliasing, x0
	TEST_RR(2, add, 0x00000000, 0x00000000, 0x00000000)
	TEST_RR(3, add, 0x0000000a, 0x00000003, 0x00000007)
	TEST_RR(4, add, 0x80000000, 0x7fffffff, 0x00000001)
	TEST_RR(5, add, 0xfffffffe, 0xffffffff, 0xffffffff)
	TEST_RR(6, add, 0x00000000, 0xffffffff, 0x00000001)
	TEST_RR(7, add, 0x7fffffff, 0x80000000, 0xffffffff)
	TEST_RR_SRC1_DEST(8, add, 24, 13, 11)
	TEST_RR_SRC2_DEST(9, add, 25, 14, 11)
	TEST_RR_SRC12_DEST(10, add, 26, 13)
	TEST_RR_ZERO_SRC1(11, add, 15, 15)
	TEST_RR_ZERO_SRC2(12, add, 32, 32)
	TEST_RR_ZERO_DEST(13, add, 16, 30)
	TEST_RR(14, sub, 0x00000000, 0x00000003, 0x00000003)
	TEST_RR(15, sub, 0xfffffffc, 0x00000003, 0x00000007)
	TEST_RR(16, sub, 0x7fffffff, 0x80000000, 0x00000001)
	TEST_RR(17, sub, 0x80000000, 0x00000000, 0x80000000)
	TEST_RR(18, sub, 0x00000001, 0x00000000, 0xffffffff)
	TEST_RR_SRC12_DEST(19, sub, 0, 13)
	TEST_RR_ZERO_SRC1(20, sub, 0xfffffff1, 15)

	# logic
	TEST_RR(21, and, 0x0f000f00, 0xff00ff00, 0x0f0f0f0f)
	TEST_RR(22, and, 0x00f000f0, 0x0ff00ff0, 0xf0f0f0f0)
	TEST_RR(23, or,  0xff0fff0f, 0xff00ff00, 0x0f0f0f0f)
	TEST_RR(24, or,  0xfff0fff0, 0x0ff00ff0, 0xf0f0f0f0)
	TEST_RR(25, xor, 0xf00ff00f, 0xff00ff00, 0x0f0f0f0f)
	TEST_RR(26, xor, 0xff00ff00, 0x0ff00ff0, 0xf0f0f0f0)
	TEST_RR_SRC12_DEST(27, xor, 0, 0x12345678)
	TEST_IMM(28, andi, 0x00000700, 0xff00ff00, 0x7ff)
	TEST_IMM(29, andi, 0x0000000f, 0x00ff00ff, 0x70f)
	TEST_IMM(30, andi, 0x00ff00f0, 0x00ff00ff, -16)
	TEST_IMM(31, ori,  0xffffff0f, 0xff00ff00, -241)
	TEST_IMM(32, ori,  0x0ff00ff0, 0x0ff00ff0, 0x0f0)
	TEST_IMM(33, xori, 0xff00f00f, 0x00ff0f00, -241)
	TEST_IMM(34, xori, 0x0ff00f00, 0x0ff00ff0, 0x0f0)
	TEST_IMM_SRC1_DEST(35, xori, 0xff00ff0f, 0xff00fff0, 0x0ff)

	# shifts: amounts 0, 1, 7, 14, 31; only the low 5 bits of rs2 count
	TEST_RR(36, sll, 0x00000001, 0x00000001, 0)
	TEST_RR(37, sll, 0x00000080, 0x00000001, 7)
	TEST_RR(38, sll, 0x80000000, 0x00000001, 31)
	TEST_RR(39, sll, 0x42424242, 0x21212121, 1)
	TEST_RR(40, sll, 0x48484000, 0x21212121, 14)
	TEST_RR(41, sll, 0x90909080, 0x21212121, 0xffffffe7)
	TEST_RR(42, srl, 0x00007fff, 0xffffffff, 17)
	TEST_RR(43, srl, 0x01000000, 0x80000000, 7)
	TEST_RR(44, srl, 0x00000001, 0x80000000, 31)
	TEST_RR(45, srl, 0x10909090, 0x21212121, 1)
	TEST_RR(46, srl, 0x00008484, 0x21212121, 14)
	TEST_RR(47, srl, 0x00000000, 0x21212121, 0xffffffff)
	TEST_RR(48, sra, 0x80000000, 0x80000000, 0)
	TEST_RR(49, sra, 0xff000000, 0x80000000, 7)
	TEST_RR(50, sra, 0xffffffff, 0x80000000, 31)
	TEST_RR(51, sra, 0x10909090, 0x21212121, 1)
	TEST_RR(52, sra, 0xfffe0606, 0x81818181, 14)
	TEST_RR(53, sra, 0xffffffff, 0x81818181, 0xffffffff)
	TEST_IMM(54, slli, 0x00000080, 0x00000001, 7)
	TEST_IMM(55, slli, 0x80000000, 0x00000001, 31)
	TEST_IMM(56, slli, 0x48484000, 0x21212121, 14)
	TEST_IMM(57, srli, 0x01000000, 0x80000000, 7)
	TEST_IMM(58, srli, 0x00000001, 0x80000000, 31)
	TEST_IMM(59, srli, 0x00008484, 0x21212121, 14)
	TEST_IMM(60, srai, 0xff000000, 0x80000000, 7)
	TEST_IMM(61, srai, 0xffffffff, 0x80000000, 31)
	TEST_IMM(62, srai, 0x00008484, 0x21212121, 14)
	TEST_IMM(63, srai, 0xfffe0606, 0x81818181, 14)
	TEST_IMM_SRC1_DEST(64, srai, 0xfffffe06, 0x81818181, 22)

	# comparisons, signed and unsigned
	TEST_RR(65, slt,  0, 0x00000000, 0x00000000)
	TEST_RR(66, slt,  1, 0x00000003, 0x00000007)
	TEST_RR(67, slt,  0, 0x00000007, 0x00000003)
	TEST_RR(68, slt,  1, 0x80000000, 0x7fffffff)
	TEST_RR(69, slt,  0, 0x7fffffff, 0x80000000)
	TEST_RR(70, slt,  1, 0xffffffff, 0x00000000)
	TEST_RR(71, sltu, 0, 0x80000000, 0x7fffffff)
	TEST_RR(72, sltu, 1, 0x7fffffff, 0x80000000)
	TEST_RR(73, sltu, 0, 0xffffffff, 0x00000000)
	TEST_RR(74, sltu, 1, 0x00000000, 0xffffffff)
	TEST_RR(75, sltu, 0, 0xffffffff, 0xffffffff)
	TEST_RR_ZERO_SRC1(76, sltu, 1, 5)
	TEST_IMM(77, slti,  1, 0xfffffff0, -1)
	TEST_IMM(78, slti,  0, 0x00000000, -2048)
	TEST_IMM(79, slti,  1, 0x80000000, 0)
	TEST_IMM(80, slti,  0, 0x7fffffff, 2047)
	TEST_IMM(81, sltiu, 1, 0x00000000, -1)       /* the immediate sign-extends, then compares unsigned */
	TEST_IMM(82, sltiu, 0, 0xffffffff, -1)
	TEST_IMM(83, sltiu, 0, 0x80000000, 0x7ff)
	TEST_IMM(84, sltiu, 1, 0x7ffffff0, -2048)
	TEST_IMM_ZERO_SRC1(85, sltiu, 1, 1)

	# addi: immediate extremes
	TEST_IMM(86, addi, 0x000007ff, 0x00000000, 2047)
	TEST_IMM(87, addi, 0xfffff800, 0x00000000, -2048)
	TEST_IMM(88, addi, 0x80000000, 0x7fffffff, 1)
	TEST_IMM(89, addi, 0x7ffff7ff, 0x7fffffff, -2048)
	TEST_IMM_ZERO_SRC1(90, addi, 0xfffffff6, -10)
	TEST_CASE(91, x0, 0, addi x0, x0, 7)

	# lui, auipc
	TEST_CASE(92, a4, 0x00000000, lui a4, 0)
	TEST_CASE(93, a4, 0xfffff000, lui a4, 0xfffff)
	TEST_CASE(94, a4, 0x7fffe800, lui a4, 0x7ffff; addi a4, a4, -2048)
	TEST_CASE(95, a4, 0x80000000, lui a4, 0x80000)
	TEST_CASE(96, a4, 10000, \
		la a1, 1f; \
	1:	auipc a4, 0; sub a4, a4, a1; li a5, 10000; add a4, a4, a5)
	TEST_CASE(97, a4, 0x12345000, \
		la a1, 1f; \
	1:	auipc a4, 0x12345; sub a4, a4, a1)
	TEST_CASE(98, a4, 0xfffff000, \
		la a1, 1f; \
	1:	auipc a4, 0xfffff; sub a4, a4, a1)

	TEST_PASSFAIL

RVTEST_CODE_END

	.data
RVTEST_DATA_BEGIN
RVTEST_DATA_END
