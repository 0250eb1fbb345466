/* CLINT register access as software uses it: msip keeps only bit 0;
 * mtimecmp written and read as 32-bit halves or 64 bits; mtime readable as
 * 64 bits and as halves (high half consistent); MTIP follows the compare. */
#include "test.h"
test_main:
	li s0, CLINT_MSIP
	li s1, CLINT_MTIMECMP
	li s2, CLINT_MTIME
	TEST 1	/* msip: bit 0 only */
	li t0, -1
	sw t0, 0(s0)
	lw a0, 0(s0)
	CHECK a0, 1
	csrr a1, mip
	andi a1, a1, 1 << IRQ_MSI
	CHECK a1, 1 << IRQ_MSI
	sw zero, 0(s0)
	lw a0, 0(s0)
	CHECK a0, 0
	TEST 2	/* mtimecmp halves */
	li t0, -1
	sd t0, 0(s1)
	sw zero, 0(s1)		/* low half 0: still far in the future */
	ld a0, 0(s1)
	CHECK a0, 0xffffffff00000000
	lw a0, 4(s1)
	CHECK a0, -1
	csrr a1, mip
	andi a1, a1, 1 << IRQ_MTI
	CHECK a1, 0
	sw zero, 4(s1)		/* now 0: pending */
	ld a0, 0(s1)
	CHECK a0, 0
	csrr a1, mip
	andi a1, a1, 1 << IRQ_MTI
	CHECK a1, 1 << IRQ_MTI
	li t0, -1
	sd t0, 0(s1)
	csrr a1, mip
	andi a1, a1, 1 << IRQ_MTI
	CHECK a1, 0
	TEST 3	/* mtime as halves */
	ld a0, 0(s2)
	lwu a1, 4(s2)
	lwu a2, 0(s2)
	srli a3, a0, 32
	sub a3, a1, a3
	li t0, 2
	bgeu a3, t0, fail_j	/* high half equal (or just carried) */
	TEST 4	/* mtime is monotonic over a loop */
	ld a0, 0(s2)
	li t0, 5000
1:	addi t0, t0, -1
	bnez t0, 1b
	ld a1, 0(s2)
	bgeu a0, a1, fail_j
	PASS
fail_j:	j fail
