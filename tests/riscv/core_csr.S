# core_csr.S (core only) - the core's own WARL choices and exact counter behaviour (docs/controller.md):
# direct-mode mtvec, IALIGN=32 mepc, 5-bit mcause, M-only mstatus, misa = RV32I, read-only mip, and the
# CSRs QEMU has but the core does not (user counters, PMP, mconfigptr), which trap here.
#include "nlut_test.h"

#define TEST_ILLEGAL_CSR(n, code...) \
test_##n: li TESTNUM, n; \
t##n:	code; \
	CHECK_TRAP_INSN(2, t##n)

RVTEST_RV32M
RVTEST_CODE_BEGIN
	li s5, 0
	li s6, 0

	TEST_CASE(2, a4, 0x80000100, \
		csrr t0, mtvec; li a1, 0x80000103; csrw mtvec, a1; csrr a4, mtvec; csrw mtvec, t0)
	TEST_CASE(3, a4, 0x80000000, li a1, 0x80000003; csrw mepc, a1; csrr a4, mepc)
	TEST_CASE(4, a4, 0x8000000f, li a1, -1; csrw mcause, a1; csrr a4, mcause)
	TEST_CASE(5, a4, 0x00001888, li a1, -1; csrw mstatus, a1; csrr a4, mstatus; csrw mstatus, x0)
	TEST_CASE(6, a4, 0x00001800, csrr a4, mstatus)
	TEST_CASE(7, a4, 0x40000100, li a1, -1; csrw misa, a1; csrr a4, misa)
	TEST_CASE(8, a4, 0x00000880, li a1, -1; csrw mie, a1; csrr a4, mie; csrw mie, x0)
	TEST_CASE(9, a4, 0, li a1, -1; csrw mip, a1; csrr a4, mip)
	TEST_CASE(10, a4, 0, csrr a1, mvendorid; csrr a2, marchid; csrr a3, mimpid; or a4, a1, a2; or a4, a4, a3)

	# minstret counts retired instructions exactly; a write replaces the writer's own count
	TEST_CASE(11, a4, 4, csrr a1, minstret; nop; nop; nop; csrr a2, minstret; sub a4, a2, a1)
	TEST_CASE(12, a4, 100, li a1, 100; csrw minstret, a1; csrr a4, minstret)
	TEST_CASE(13, a4, 7, li a1, 7; csrw minstreth, a1; csrr a4, minstreth; csrw minstreth, x0)
	# traps do not retire: csrr, the trap vector (7) and the recorder (12) count, the ebreak does not
	TEST_CASE(14, a4, 20, la s6, 1f; csrr a1, minstret; ebreak; 1: csrr a2, minstret; sub a4, a2, a1; li s5, 0)
	# mcycle counts every clock: at least two per instruction with this memory
	TEST_CASE(15, a4, 1, csrr a1, mcycle; nop; nop; nop; csrr a2, mcycle; sub a3, a2, a1; sltiu a4, a3, 8; xori a4, a4, 1)
	TEST_CASE(16, a4, 1, csrw mcycle, x0; csrr a1, mcycle; sltiu a4, a1, 20)
	TEST_CASE(17, a4, 5, csrwi mcycleh, 5; csrr a4, mcycleh)

	TEST_ILLEGAL_CSR(18, csrr a4, cycle)
	TEST_ILLEGAL_CSR(19, csrr a4, time)
	TEST_ILLEGAL_CSR(20, csrr a4, instret)
	TEST_ILLEGAL_CSR(21, csrw pmpcfg0, a1)
	TEST_ILLEGAL_CSR(22, csrr a4, 0xf15)      /* mconfigptr */
	TEST_ILLEGAL_CSR(23, csrr a4, mcountinhibit)
	TEST_ILLEGAL_CSR(24, csrw mvendorid, x0)
	TEST_ILLEGAL_CSR(25, csrr a4, satp)
	TEST_ILLEGAL_CSR(26, .word 0x00002073)    /* csrrs x0, 0x000 (ustatus) */
	TEST_ILLEGAL_CSR(27, .word 0x30004073)    /* SYSTEM funct3 = 4 */
	TEST_ILLEGAL_CSR(28, .word 0x00100073 | (1 << 7))  /* ebreak with rd != 0 */

	TEST_PASSFAIL

	.align 2
NLUT_TRAP_RECORDER

RVTEST_CODE_END

	.data
RVTEST_DATA_BEGIN
RVTEST_DATA_END
