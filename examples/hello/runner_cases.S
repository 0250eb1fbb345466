/* Small bare-metal programs exercising domus-run --bare's exit paths,
 * selected at build time with -DCASE=n:
 *  1: HTIF exit with a failing test number (tohost = (7 << 1) | 1)
 *  2: trap loop (mtvec points at unmapped memory) -> double fault
 *  3: endless loop -> --max-insns
 *  4: syscall proxy: write(1, "proxy\n", 6) then exit(0) via magic_mem
 *  5: timer interrupt: mtimecmp via the CLINT, wfi, MTI taken, exit 0
 *  6: riscv-tests style exit: two 32-bit stores (sw TESTNUM, then sw zero
 *     to tohost + 4) with TESTNUM = (3 << 1) | 1 -> FAIL test 3
 *  7: the same with TESTNUM = 1 -> pass
 */
	.section .text.init
	.globl _start
_start:
	la	s1, tohost
#if CASE == 1
	li	t0, (7 << 1) | 1
	sd	t0, 0(s1)
1:	j	1b
#elif CASE == 2
	li	t0, 0x1000		/* nothing there: fetch access fault */
	csrw	mtvec, t0
	ecall
#elif CASE == 3
1:	addi	t0, t0, 1
	j	1b
#elif CASE == 4
	la	t1, magic
	la	t2, msg
	li	t0, 64			/* SYS_write */
	sd	t0, 0(t1)
	li	t0, 1
	sd	t0, 8(t1)
	sd	t2, 16(t1)
	li	t0, 6
	sd	t0, 24(t1)
	sd	t1, 0(s1)
	la	t3, fromhost
2:	ld	t0, 0(t3)		/* wait for the host's answer */
	beqz	t0, 2b
	sd	zero, 0(t3)
	ld	a0, 0(t1)		/* bytes written */
	li	t0, 6
	bne	a0, t0, fail
	li	t0, 93			/* SYS_exit(0) */
	sd	t0, 0(t1)
	sd	zero, 8(t1)
	sd	t1, 0(s1)
1:	j	1b
fail:	li	t0, (2 << 1) | 1
	sd	t0, 0(s1)
	j	fail
#elif CASE == 5
	la	t0, handler
	csrw	mtvec, t0
	li	t1, 0x0200bff8		/* mtime */
	ld	t2, 0(t1)
	addi	t2, t2, 1000
	li	t1, 0x02004000		/* mtimecmp hart 0 */
	sd	t2, 0(t1)
	li	t0, 1 << 7		/* MTIE */
	csrs	mie, t0
	csrsi	mstatus, 8		/* MIE */
1:	wfi
	j	1b
handler:
	csrr	t0, mcause
	li	t1, (1 << 63) | 7
	bne	t0, t1, bad
	li	t0, 1
	sd	t0, 0(s1)
1:	j	1b
bad:	li	t0, (3 << 1) | 1
	sd	t0, 0(s1)
	j	bad
#elif CASE == 6 || CASE == 7
#if CASE == 6
	li	gp, (3 << 1) | 1
#else
	li	gp, 1
#endif
1:	sw	gp, 0(s1)
	sw	zero, 4(s1)
	j	1b
#endif

	.data
	.align	3
magic:	.dword	0, 0, 0, 0
msg:	.ascii	"proxy\n"

	.section .tohost, "aw", @progbits
	.align	6
	.globl	tohost
tohost:	.dword	0
	.size	tohost, 8
	.align	6
	.globl	fromhost
fromhost: .dword 0
	.size	fromhost, 8
