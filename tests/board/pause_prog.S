/*
 * S-mode program for test-board-pause (paravirtual machine, 2 harts):
 * hart 0 starts hart 1 (SBI HSM), then each hart N loops forever
 * incrementing the u64 at 0x80100000 + 16 N and storing rdtime at +8.
 * Rebuild tests/board/pause_prog.h with tests/board/gen_pause_prog.sh.
 */
#define HSM 0x48534D
#define CNT 0x80100000
	.text
	.globl _start
_start:
	bnez a0, count
	/* hart_start(1, _start, 0): hart 1 enters with a0 = 1 */
	li a7, HSM
	li a6, 0
	li a0, 1
	lla a1, _start
	li a2, 0
	ecall
	li a0, 0
count:
	li t0, CNT
	slli t1, a0, 4
	add t0, t0, t1
1:	ld t2, 0(t0)
	addi t2, t2, 1
	sd t2, 0(t0)
	rdtime t3
	sd t3, 8(t0)
	j 1b
