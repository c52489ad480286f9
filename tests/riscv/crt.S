# crt.S - start-up for the C test programs: stack, zeroed .bss, main(), its result to tohost; any trap fails.
	.section .text.init
	.globl _start
_start:
	la t0, trap
	csrw mtvec, t0
	la sp, stack_top
	la t0, __bss_start
	la t1, _end
1:	bgeu t0, t1, 2f
	sw zero, 0(t0)
	addi t0, t0, 4
	j 1b
2:	call main
	slli a0, a0, 1          # 0 -> 1 (pass), n -> 2n+1 (test n failed)
	ori a0, a0, 1
exit:
	la t0, tohost
	sw a0, 0(t0)
	sw zero, 4(t0)
	j exit

	.align 2
trap:
	li a0, (1337 << 1) | 1
	j exit

	.bss
	.align 4
	.space 4096
stack_top:
