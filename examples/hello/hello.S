/* Bare-metal hello: prints a line through HTIF (device 1, command 1: one
 * character per tohost write) and exits 0 (tohost = 1). */
	.section .text.init
	.globl _start
_start:
	la	s0, msg
	la	s1, tohost
	la	s2, fromhost
	li	s3, 0x0101
	slli	s3, s3, 48		/* device 1, command 1: putchar */
1:	lbu	a0, 0(s0)
	beqz	a0, 3f
2:	ld	t0, 0(s1)		/* wait until the host consumed tohost */
	bnez	t0, 2b
	or	t0, s3, a0
	sd	t0, 0(s1)
	sd	zero, 0(s2)
	addi	s0, s0, 1
	j	1b
3:	li	t0, 1			/* exit status 0 */
	sd	t0, 0(s1)
4:	wfi
	j	4b

	.section .rodata
msg:	.asciz	"Hello from a Domus guest\n"

	.section .tohost, "aw", @progbits
	.align	6
	.globl	tohost
tohost:	.dword	0
	.align	6
	.globl	fromhost
fromhost: .dword 0
