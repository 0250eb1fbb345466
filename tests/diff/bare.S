/*
 * Startup stub for the bare-metal build, run by `domus-run --bare` (and by
 * qemu-system-riscv64 -M spike -bios none to validate the tester): M-mode
 * at 0x80000000, mstatus.FS on, output through HTIF console putchar
 * (tohost = 0x0101 << 48 | ch, then wait for fromhost and clear it), exit
 * through tohost = (code << 1) | 1. Any trap prints TRAP and exits 3.
 */
	.option norvc
	.section .text.init, "ax"
	.globl _start
_start:
	la t0, trap_entry
	csrw mtvec, t0
	li t0, 1 << 13		/* mstatus.FS = Initial */
	csrs mstatus, t0
	csrwi fcsr, 0
	la sp, diff_stack_top_bare
	j diff_block

	.balign 4
trap_entry:
	la sp, diff_stack_top_bare
	csrr a0, mcause
	csrr a1, mepc
	csrr a2, mtval
	call diff_trap
1:	j 1b

	.text
	.globl diff_write
diff_write:		/* a0 = buf, a1 = len */
	la t2, tohost
	la t3, fromhost
	li t4, 0x0101
	slli t4, t4, 48
1:	beqz a1, 3f
	lbu t0, 0(a0)
	or t0, t0, t4
	sd t0, 0(t2)
2:	ld t1, 0(t3)
	beqz t1, 2b
	sd zero, 0(t3)
	addi a0, a0, 1
	addi a1, a1, -1
	j 1b
3:	ret

	.globl diff_exit
diff_exit:
	slli a0, a0, 1
	ori a0, a0, 1
	la t2, tohost
	sd a0, 0(t2)
1:	j 1b

	.bss
	.balign 16
	.space 1024
diff_stack_top_bare:

	.section .tohost, "aw", @progbits
	.balign 64
	.globl tohost
	.type tohost, @object
	.size tohost, 8
tohost:	.dword 0
	.balign 64
	.globl fromhost
	.type fromhost, @object
	.size fromhost, 8
fromhost: .dword 0
