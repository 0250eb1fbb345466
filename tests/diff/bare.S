/*
 * Startup stub for the bare-metal build, run by `domus-run --bare` (and by
 * qemu-system-riscv64 -M spike -bios none to validate the tester): M-mode
 * at 0x80000000, mstatus.FS on, output through HTIF console putchar
 * (tohost = 0x0101 << 48 | ch, then wait for fromhost and clear it), exit
 * through tohost = (code << 1) | 1. Any trap prints TRAP and exits 3.
 *
 * Built with -DDIFF_UMODE, the stub instead runs the block in U-mode under
 * Sv39: 0x80000000..0xbfffffff identity-mapped with 2 MiB pages, except
 * 0x80600000..0x807fffff (block data, scratch buffer, stacks, tohost)
 * with 4 KiB pages whose A/D bits start clear (hardware A/D updates). The
 * first 16 of those (everything below tohost) are copied to 0x80700000
 * with adjacent pages swapped and mapped there, so virtual != physical and
 * the scratch buffer's two pages are physically in reverse order: an
 * access that crosses them must be translated twice. One PMP entry grants
 * U-mode everything. U-mode output still goes through HTIF (plain stores
 * to the 1:1-mapped tohost page).
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
#ifndef DIFF_UMODE
	j diff_block
#else
	/* PMP: one NAPOT entry over everything, RWX */
	li t0, -1
	csrw pmpaddr0, t0
	li t0, 0x1f
	csrw pmpcfg0, t0
	/* root: zero, then entry 2 (VA 0x80000000..) -> l1 */
	la t0, pt_root
	li t1, 512
1:	sd zero, 0(t0)
	addi t0, t0, 8
	addi t1, t1, -1
	bnez t1, 1b
	la t0, pt_root
	la t1, pt_l1
	srli t1, t1, 12
	slli t1, t1, 10
	ori t1, t1, 0x01		/* V: pointer */
	sd t1, 16(t0)
	/* l1: 2 MiB leaves V R W X U A D, entry 3 -> l0 */
	la t0, pt_l1
	li t1, 0
	li t2, 0x80000000
	li t3, 512
2:	srli t4, t2, 12
	slli t4, t4, 10
	ori t4, t4, 0xdf		/* D A - U X W R V */
	li t5, 3
	bne t1, t5, 3f
	la t4, pt_l0
	srli t4, t4, 12
	slli t4, t4, 10
	ori t4, t4, 0x01
3:	sd t4, 0(t0)
	addi t0, t0, 8
	addi t1, t1, 1
	li t5, 0x200000
	add t2, t2, t5
	bne t1, t3, 2b
	/* l0: 4 KiB leaves V R W X U, A and D clear; 1:1 ... */
	la t0, pt_l0
	li t2, 0x80600000
	li t1, 512
4:	srli t4, t2, 12
	slli t4, t4, 10
	ori t4, t4, 0x1f
	sd t4, 0(t0)
	addi t0, t0, 8
	li t5, 0x1000
	add t2, t2, t5
	addi t1, t1, -1
	bnez t1, 4b
	/* ... except pages 0..15: page j lives at 0x80700000 + (j ^ 1) * 4K.
	 * The page tables themselves (in .bss here) stay where the walker
	 * reads them, at their physical addresses. */
	li t1, 0			/* j */
5:	slli t2, t1, 12
	li t3, 0x80600000
	add t2, t2, t3			/* source: 0x80600000 + j * 4K */
	xori t3, t1, 1
	slli t3, t3, 12
	li t4, 0x80700000
	add t3, t3, t4			/* destination */
	li t4, 512
6:	ld t5, 0(t2)
	sd t5, 0(t3)
	addi t2, t2, 8
	addi t3, t3, 8
	addi t4, t4, -1
	bnez t4, 6b
	addi t3, t3, -0x7ff		/* back to the page start: -4096 */
	addi t3, t3, -0x7ff
	addi t3, t3, -2
	srli t3, t3, 12
	slli t3, t3, 10
	ori t3, t3, 0x1f
	la t0, pt_l0
	slli t4, t1, 3
	add t0, t0, t4
	sd t3, 0(t0)
	addi t1, t1, 1
	li t4, 16
	bne t1, t4, 5b
	la t0, pt_root
	srli t0, t0, 12
	li t1, 8
	slli t1, t1, 60
	or t0, t0, t1
	csrw satp, t0
	sfence.vma
	/* mret to U-mode at diff_block */
	li t0, 3 << 11			/* MPP = U */
	csrc mstatus, t0
	la t0, diff_block
	csrw mepc, t0
	mret
#endif

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

#ifdef DIFF_UMODE
	.balign 4096
pt_root: .space 4096
pt_l1:	.space 4096
pt_l0:	.space 4096
#endif

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
