# csr.S - the six Zicsr instructions and the machine CSRs both the core and QEMU implement alike;
# illegal accesses: unknown CSR, write to a read-only one. mtval of an illegal instruction is its encoding.
#include "nlut_test.h"

RVTEST_RV32M
RVTEST_CODE_BEGIN
	li s5, 0
	li s6, 0

	# csrrw / csrrs / csrrc and their immediate forms on mscratch: each returns the old value
	TEST_CASE(2, a4, 0x12345678, li a1, 0x12345678; csrw mscratch, a1; li a2, 0x0f0f0f0f; csrrw a4, mscratch, a2)
	TEST_CASE(3, a4, 0x0f0f0f0f, csrr a4, mscratch)
	TEST_CASE(4, a4, 0x0f0f0f0f, li a1, 0xf0000000; csrrs a4, mscratch, a1)
	TEST_CASE(5, a4, 0xff0f0f0f, csrr a4, mscratch)
	TEST_CASE(6, a4, 0xff0f0f0f, li a1, 0x0f00000f; csrrc a4, mscratch, a1)
	TEST_CASE(7, a4, 0xf00f0f00, csrr a4, mscratch)
	TEST_CASE(8, a4, 0xf00f0f00, csrrwi a4, mscratch, 0x15)
	TEST_CASE(9, a4, 0x00000015, csrrsi a4, mscratch, 0x0a)
	TEST_CASE(10, a4, 0x0000001f, csrrci a4, mscratch, 0x11)
	TEST_CASE(11, a4, 0x0000000e, csrr a4, mscratch)
	TEST_CASE(12, a4, 0x0000000e, csrrs a4, mscratch, x0)   /* x0: read only */
	TEST_CASE(13, a4, 0x0000000e, csrrci a4, mscratch, 0; csrr a4, mscratch)
	TEST_CASE(14, a1, 0x0000000e, li a1, 0x99; csrrw a1, mscratch, a1)  /* rd = rs1 */
	TEST_CASE(15, a4, 0x00000099, csrr a4, mscratch)
	TEST_CASE(16, x0, 0, csrrw x0, mscratch, a1)

	# trap CSRs hold what is written (aligned mepc, legal mcause values)
	TEST_CASE(17, a4, 0x80001234, li a1, 0x80001234; csrw mepc, a1; csrr a4, mepc)
	TEST_CASE(18, a4, 0xdeadbeef, li a1, 0xdeadbeef; csrw mtval, a1; csrr a4, mtval)
	TEST_CASE(19, a4, 0x8000000b, li a1, 0x8000000b; csrw mcause, a1; csrr a4, mcause)
	TEST_CASE(20, a4, 0x00000005, csrwi mcause, 5; csrr a4, mcause)
	TEST_CASE(21, a4, 0x80000100, \
		csrr t0, mtvec; li a1, 0x80000100; csrw mtvec, a1; csrr a4, mtvec; csrw mtvec, t0)

	# interrupt enables and pending bits (no external interrupt; QEMU's MTIP is set until mtimecmp is written)
	TEST_CASE(22, a4, 0x880, li a1, 0x880; csrs mie, a1; csrr a4, mie; and a4, a4, a1)
	TEST_CASE(23, a4, 0, li a1, 0x880; csrc mie, a1; csrr a4, mie; and a4, a4, a1)
	TEST_CASE(24, a4, 0, li a1, 0x800; csrr a4, mip; and a4, a4, a1)
	TEST_CASE(25, a4, 8, csrsi mstatus, 8; csrr a4, mstatus; andi a4, a4, 8; csrci mstatus, 8)

	# identity: hart 0, RV32 with I
	TEST_CASE(26, a4, 0, csrr a4, mhartid)
	TEST_CASE(27, a4, 1, csrr a4, misa; srli a4, a4, 30)
	TEST_CASE(28, a4, 0x100, csrr a4, misa; andi a4, a4, 0x100)

	# counters move forward
	TEST_CASE(29, a4, 1, \
		csrr a1, mcycle; nop; nop; nop; csrr a2, mcycle; sltu a4, a1, a2)
	TEST_CASE(30, a4, 1, \
		csrr a1, minstret; nop; nop; nop; csrr a2, minstret; sltu a4, a1, a2)
	TEST_CASE(31, a4, 0, csrr a1, mcycleh; csrr a2, minstreth; li a4, 0)   /* readable (QEMU counts host ticks) */

	# illegal: unknown CSR, write to a read-only CSR; x0 / uimm 0 forms of csrrs/csrrc only read
	TEST_CASE(32, s5, 0, csrrs a4, mhartid, x0; csrrsi a4, mhartid, 0; csrrc a4, mhartid, x0)
test_33: li TESTNUM, 33
	li a4, 0x66
t33:	csrr a4, 0x800
	CHECK_TRAP_INSN(2, t33)
	li t2, 0x66
	bne a4, t2, fail
test_34: li TESTNUM, 34
t34:	csrw mhartid, a1
	CHECK_TRAP_INSN(2, t34)
test_35: li TESTNUM, 35
t35:	csrrsi a4, mhartid, 1
	CHECK_TRAP_INSN(2, t35)
test_36: li TESTNUM, 36         # the failed write left mscratch alone
	li a1, 0x4321
	csrw mscratch, a1
t36:	csrrw a4, 0x7ff, a1
	CHECK_TRAP_INSN(2, t36)
	csrr a4, mscratch
	li t2, 0x4321
	bne a4, t2, fail

	TEST_PASSFAIL

	.align 2
NLUT_TRAP_RECORDER

RVTEST_CODE_END

	.data
RVTEST_DATA_BEGIN
RVTEST_DATA_END
