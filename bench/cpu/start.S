/* bench/cpu entry: stack, FPU on, call bench_main, report via HTIF tohost
 * (1 = pass, (code << 1) | 1 = failure code). */
	.section .text.init, "ax"
	.globl _start
_start:
	la sp, stack_top
	li t0, (1 << 13)	/* mstatus.FS = Initial */
	csrs mstatus, t0
	csrwi fcsr, 0
	call bench_main
	slli a0, a0, 1
	ori a0, a0, 1
	la t0, tohost
	sd a0, 0(t0)
1:	j 1b

	.section .tohost, "aw", @progbits
	.balign 64
	.globl tohost, fromhost
tohost:	.dword 0
	.size tohost, 8
	.balign 64
fromhost: .dword 0
	.size fromhost, 8

	.bss
	.balign 16
	.skip 65536
stack_top:
