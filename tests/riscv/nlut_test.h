/* nlut_test.h - riscv-tests compatible environment for the controller test programs (bare machine mode).
 *
 * Same contract as riscv-tests' "p" environment: the program starts at _start (0x80000000), TESTNUM (gp)
 * names the running test, RVTEST_PASS writes 1 to tohost and RVTEST_FAIL writes TESTNUM << 1 | 1,
 * both through an ecall with a7 = 93 that the trap vector turns into the tohost write. A program may
 * define mtvec_handler to see every other trap (NLUT_TRAP_RECORDER is one). Also: NLUT_PUTC / nlut_puthex print through the HTIF
 * console (QEMU's spike machine and ctrl_sim both implement it), for signatures compared across the two.
 */
#ifndef NLUT_TEST_H
#define NLUT_TEST_H

#define TESTNUM gp

#define RVTEST_RV32U .macro init; .endm
#define RVTEST_RV32M .macro init; .endm

#define NLUT_ZERO_REGS \
	li x1, 0; li x2, 0; li x3, 0; li x4, 0; li x5, 0; li x6, 0; li x7, 0; li x8, 0; \
	li x9, 0; li x10, 0; li x11, 0; li x12, 0; li x13, 0; li x14, 0; li x15, 0; li x16, 0; \
	li x17, 0; li x18, 0; li x19, 0; li x20, 0; li x21, 0; li x22, 0; li x23, 0; li x24, 0; \
	li x25, 0; li x26, 0; li x27, 0; li x28, 0; li x29, 0; li x30, 0; li x31, 0

/* Start-up: trap vector, register reset, then mret into the test body (exercising mret on the way). */
#define RVTEST_CODE_BEGIN \
	.section .text.init; \
	.align 6; \
	.weak mtvec_handler; \
	.globl _start; \
_start: \
	j reset_vector; \
	.align 2; \
trap_vector: \
	csrr t5, mcause; \
	li t6, 11; \
	bne t5, t6, 2f; \
	li t6, 93; /* ecall with a7 = 93 (exit) ends the program, any other goes to mtvec_handler */ \
	beq a7, t6, write_tohost; \
2:	la t5, mtvec_handler; \
	beqz t5, 1f; \
	jr t5; \
1:	ori TESTNUM, TESTNUM, 1337; \
write_tohost: \
	sw TESTNUM, tohost, t5; \
	sw zero, tohost + 4, t5; \
	j write_tohost; \
reset_vector: \
	NLUT_ZERO_REGS; \
	li TESTNUM, 0; \
	la t0, trap_vector; \
	csrw mtvec, t0; \
	csrwi mstatus, 0; \
	li t0, 0x1800; /* MPP = M: mret stays in machine mode (QEMU refuses mret to U without PMP) */ \
	csrs mstatus, t0; \
	csrwi mie, 0; \
	init; \
	la t0, 1f; \
	csrw mepc, t0; \
	mret; \
	.section .text; \
1:

#define RVTEST_CODE_END \
	unimp

#define RVTEST_PASS \
	fence; \
	li TESTNUM, 1; \
	li a7, 93; \
	li a0, 0; \
	ecall

#define RVTEST_FAIL \
	fence; \
1:	beqz TESTNUM, 1b; \
	sll TESTNUM, TESTNUM, 1; \
	or TESTNUM, TESTNUM, 1; \
	li a7, 93; \
	addi a0, TESTNUM, 0; \
	ecall

#define RVTEST_DATA_BEGIN \
	.pushsection .tohost, "aw", @progbits; \
	.align 6; .globl tohost; tohost: .dword 0; .size tohost, 8; \
	.align 6; .globl fromhost; fromhost: .dword 0; .size fromhost, 8; \
	.popsection; \
	.align 4; .globl begin_signature; begin_signature:

#define RVTEST_DATA_END \
	.align 4; .globl end_signature; end_signature:

/* ---- checks ---------------------------------------------------------------------------------- */

#define TEST_PASSFAIL \
	bne x0, TESTNUM, pass; \
fail: \
	RVTEST_FAIL; \
pass: \
	RVTEST_PASS

/* Run code as test n, then require reg == expected (t2 holds the expectation). */
#define TEST_CASE(n, reg, expected, code...) \
test_##n: \
	li TESTNUM, n; \
	code; \
	li t2, expected; \
	bne reg, t2, fail

#define TEST_RR(n, inst, result, v1, v2) \
	TEST_CASE(n, a4, result, li a1, v1; li a2, v2; inst a4, a1, a2)
#define TEST_RR_SRC1_DEST(n, inst, result, v1, v2) \
	TEST_CASE(n, a1, result, li a1, v1; li a2, v2; inst a1, a1, a2)
#define TEST_RR_SRC2_DEST(n, inst, result, v1, v2) \
	TEST_CASE(n, a2, result, li a1, v1; li a2, v2; inst a2, a1, a2)
#define TEST_RR_SRC12_DEST(n, inst, result, v1) \
	TEST_CASE(n, a1, result, li a1, v1; inst a1, a1, a1)
#define TEST_RR_ZERO_SRC1(n, inst, result, v2) \
	TEST_CASE(n, a4, result, li a2, v2; inst a4, x0, a2)
#define TEST_RR_ZERO_SRC2(n, inst, result, v1) \
	TEST_CASE(n, a4, result, li a1, v1; inst a4, a1, x0)
#define TEST_RR_ZERO_DEST(n, inst, v1, v2) \
	TEST_CASE(n, x0, 0, li a1, v1; li a2, v2; inst x0, a1, a2)

#define TEST_IMM(n, inst, result, v1, imm) \
	TEST_CASE(n, a4, result, li a1, v1; inst a4, a1, imm)
#define TEST_IMM_SRC1_DEST(n, inst, result, v1, imm) \
	TEST_CASE(n, a1, result, li a1, v1; inst a1, a1, imm)
#define TEST_IMM_ZERO_SRC1(n, inst, result, imm) \
	TEST_CASE(n, a4, result, inst a4, x0, imm)

/* Branch taken: the fall-through path fails. Not taken: the target fails. */
#define TEST_BR_TAKEN(n, inst, v1, v2) \
test_##n: \
	li TESTNUM, n; \
	li a1, v1; li a2, v2; \
	inst a1, a2, 2f; \
	j fail; \
2:
#define TEST_BR_NOT_TAKEN(n, inst, v1, v2) \
test_##n: \
	li TESTNUM, n; \
	li a1, v1; li a2, v2; \
	inst a1, a2, 3f; \
	j 2f; \
3:	j fail; \
2:

#define TEST_LD(n, inst, result, offset, base) \
	TEST_CASE(n, a4, result, la a1, base; inst a4, offset(a1))
#define TEST_ST(n, ld, st, value, offset, base) \
	TEST_CASE(n, a4, value, la a1, base; li a2, value; st a2, offset(a1); ld a4, offset(a1))

/* mtvec_handler that records the trap and resumes: s2 = mcause, s3 = mepc, s4 = mtval, s5 counts traps,
 * s7 = mstatus inside the handler. It resumes at s6 when that is non-zero (and clears s6), else after the
 * trapping instruction. Clobbers t5 (as the trap vector does). */
#define NLUT_TRAP_RECORDER \
mtvec_handler: \
	csrr s2, mcause; \
	csrr s3, mepc; \
	csrr s4, mtval; \
	csrr s7, mstatus; \
	addi s5, s5, 1; \
	bltz s2, 2f; /* interrupt: resume where it hit */ \
	addi t5, s3, 4; \
	csrw mepc, t5; \
2:	beqz s6, 1f; \
	csrw mepc, s6; \
	li s6, 0; \
1:	mret

/* Require that the last trap had this mcause and mtval, at the instruction labelled at, and was the
 * only trap since s5 was cleared. */
#define CHECK_TRAP(cause, tval, at) \
	li t2, cause; bne s2, t2, fail; \
	li t2, tval; bne s4, t2, fail; \
	la t2, at; bne s3, t2, fail; \
	li t2, 1; bne s5, t2, fail; \
	li s5, 0
/* The same with an address expression as mtval. */
#define CHECK_TRAP_ADDR(cause, tval, at) \
	li t2, cause; bne s2, t2, fail; \
	la t2, tval; bne s4, t2, fail; \
	la t2, at; bne s3, t2, fail; \
	li t2, 1; bne s5, t2, fail; \
	li s5, 0

/* The same without looking at mtval. */
#define CHECK_TRAP_AT(cause, at) \
	li t2, cause; bne s2, t2, fail; \
	la t2, at; bne s3, t2, fail; \
	li t2, 1; bne s5, t2, fail; \
	li s5, 0

/* The same for an illegal instruction: mtval must be its encoding, read from memory at at. */
#define CHECK_TRAP_INSN(cause, at) \
	li t2, cause; bne s2, t2, fail; \
	la t2, at; bne s3, t2, fail; \
	lw t2, 0(t2); bne s4, t2, fail; \
	li t2, 1; bne s5, t2, fail; \
	li s5, 0

/* ---- HTIF console --------------------------------------------------------------------------- */

/* Print the low byte of reg: tohost = {0x01010000, char}, the high word last (it triggers the host). */
#define NLUT_PUTC(reg) \
	la t6, tohost; \
	sw reg, 0(t6); \
	li t5, 0x01010000; \
	sw t5, 4(t6)

/* nlut_puthex: print a0 as 8 hex digits and a newline; clobbers t3-t6, a0 survives. Call with jal ra. */
#define NLUT_PUTHEX_FUNC \
nlut_puthex: \
	li t3, 28; \
1:	srl t4, a0, t3; \
	andi t4, t4, 15; \
	addi t4, t4, '0'; \
	li t5, '9'; \
	ble t4, t5, 2f; \
	addi t4, t4, 'a' - '0' - 10; \
2:	NLUT_PUTC(t4); \
	addi t3, t3, -4; \
	bgez t3, 1b; \
	li t4, '\n'; \
	NLUT_PUTC(t4); \
	ret

#endif
