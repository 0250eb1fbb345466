/*
 * Startup stub for the user-mode build, run by qemu-riscv64 (Linux user
 * mode): output with write(1, ...), exit with exit_group. No libc, no
 * stack from the kernel is used (common.S switches to its own stack).
 */
	.option norvc
	.section .text.init, "ax"
	.globl _start
_start:
	la sp, diff_stack_top_user
	j diff_block

	.text
	.globl diff_write
diff_write:		/* a0 = buf, a1 = len */
	mv a2, a1
	mv a1, a0
	li a0, 1
	li a7, 64	/* write */
	ecall
	ret

	.globl diff_exit
diff_exit:
	li a7, 94	/* exit_group */
	ecall
1:	j 1b

	.bss
	.balign 16
	.space 1024
diff_stack_top_user:
