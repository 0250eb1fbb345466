/* Hardware performance monitor CSRs (priv. spec: mhpmcounter3..31 and
 * mhpmevent3..31 always exist; a legal implementation makes them read-only
 * zero, i.e. writes are ignored, not illegal): M can read and write every
 * one without a trap; hpmcounter3..31 are readable from S when the
 * mcounteren bit is set and illegal when it is clear; mcountinhibit exists. */
#include "test.h"
	/* read and write CSR number c in M, no trap */
	.macro HPM_M c
	.word CSRI(\c, 0, 2, 10)	/* csrr a0 */
	.word CSRI(\c, 0, 5, 0)		/* csrwi 0 */
	.endm
test_main:
	TEST 1	/* mhpmcounter3..31 (0xb03..0xb1f) */
	ARM
	.irp n, 3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	HPM_M (0xb00 + \n)
	.endr
	CHECK_NOTRAP
	TEST 2	/* mhpmevent3..31 (0x323..0x33f) */
	ARM
	.irp n, 3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	HPM_M (0x320 + \n)
	.endr
	CHECK_NOTRAP
	TEST 3	/* mcountinhibit */
	ARM
	csrr a0, mcountinhibit
	csrw mcountinhibit, zero
	CHECK_NOTRAP
	TEST 4	/* hpmcounter3 and 31 from S with mcounteren bits set */
	li t0, -1
	csrw mcounteren, t0
	ENTER_MODE PRV_S
	ARM
	.word CSRI(0xc03, 0, 2, 10)
	.word CSRI(0xc1f, 0, 2, 10)
	CHECK_NOTRAP
	TO_M
	TEST 5	/* ...and illegal with the bit clear */
	li t0, 7
	csrw mcounteren, t0
	ENTER_MODE PRV_S
	ILLW CSRI(0xc03, 0, 2, 10)
	ILLW CSRI(0xc1f, 0, 2, 10)
	TO_M
	PASS
