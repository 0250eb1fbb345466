/*
 * S-mode program for test-board-smp (paravirtual machine, 2 harts): hart
 * start with opaque, retentive suspend woken by an IPI, remote sfence.vma,
 * non-retentive suspend woken by the SBI timer, hart stop + get_status,
 * SRST shutdown. Any failure (or stray trap: stvec = 0 -> double fault)
 * ends in SRST with reason "system failure" (the test sees CRASH).
 * Rebuild tests/board/smp_prog.h with tests/board/gen_smp_prog.sh.
 */
#define HSM 0x48534D
#define RFENCE 0x52464E43
#define IPI 0x735049
#define TIME 0x54494D45
#define SRST 0x53525354
	.text
	.globl _start
_start:
	bnez a0, fail
	/* hart_start(1, secondary, 0x55) */
	li a7, HSM
	li a6, 0
	li a0, 1
	lla a1, secondary
	li a2, 0x55
	ecall
	bnez a0, fail
1:	lw t0, flag
	beqz t0, 1b
	/* wake hart 1 from its retentive suspend: send_ipi(mask 2, base 0) */
	li a7, IPI
	li a6, 0
	li a0, 2
	li a1, 0
	ecall
	bnez a0, fail
2:	lw t0, flag
	li t1, 2
	bne t0, t1, 2b
	/* remote_sfence_vma(mask 2, base 0, 0, 0) */
	li a7, RFENCE
	li a6, 1
	li a0, 2
	li a1, 0
	li a2, 0
	li a3, 0
	ecall
	bnez a0, fail
	/* non-retentive suspend, woken by the timer ~1 ms from now */
	li t0, 0x20
	csrs sie, t0
	rdtime t1
	li t2, 10000
	add a0, t1, t2
	li a7, TIME
	li a6, 0
	ecall
	li a7, HSM
	li a6, 3
	li a0, 0x80000000
	lla a1, resume
	li a2, 0x77
	ecall
	j fail
resume:
	li t0, 0x77
	bne a1, t0, fail
	bnez a0, fail
	/* wait until hart 1 reports STOPPED (1) */
3:	li a7, HSM
	li a6, 2
	li a0, 1
	ecall
	bnez a0, fail
	li t0, 1
	bne a1, t0, 3b
	li a7, SRST
	li a6, 0
	li a0, 0
	li a1, 0
	ecall
fail:
	li a7, SRST
	li a6, 0
	li a0, 0
	li a1, 1
	ecall
4:	j 4b

secondary:
	li t0, 0x55
	bne a1, t0, fail
	li t0, 1
	bne a0, t0, fail
	csrr t0, satp
	bnez t0, fail
	li t0, 2
	csrs sie, t0		/* SSIE: an IPI ends the suspend */
	lla t1, flag
	li t2, 1
	sw t2, 0(t1)
	/* default retentive suspend */
	li a7, HSM
	li a6, 3
	li a0, 0
	ecall
	bnez a0, fail
	csrci sip, 2		/* ack the IPI */
	lla t1, flag
	li t2, 2
	sw t2, 0(t1)
	li a7, HSM
	li a6, 1
	ecall
	j fail

	/* in .text: one contiguous image (satp = 0: nothing is write-protected) */
	.balign 8
flag:	.word 0
