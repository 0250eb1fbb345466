/* RV64A LR/SC: success, failure without a reservation, SC to a different
 * address fails, a second SC after a successful one fails, SC clears the
 * reservation even when it fails, LR.W sign-extends, a store by the same hart
 * to the reserved address is allowed to let SC succeed (result accepted either
 * way but memory must be consistent), reservation broken by a trap (xRET may
 * clear it; checked consistent only). */
#include "test.h"
test_main:
	la s0, cell
	TEST 1	/* LR/SC success */
	li a0, 41
	sd a0, 0(s0)
	lr.d a1, (s0)
	CHECK a1, 41
	addi a1, a1, 1
	sc.d a2, a1, (s0)
	CHECK a2, 0
	ld a3, 0(s0)
	CHECK a3, 42
	TEST 2	/* SC after SC: the first consumed the reservation */
	li a1, 99
	sc.d a2, a1, (s0)
	bnez a2, 1f
	j fail
1:	ld a3, 0(s0)
	CHECK a3, 42
	TEST 3	/* SC to a different address than the LR fails and does not store */
	lr.d a1, (s0)
	li a1, 7
	addi s1, s0, 8
	sc.d a2, a1, (s1)
	beqz a2, fail_sc
	ld a3, 8(s0)
	CHECK a3, 0
	/* and that SC ended the reservation */
	sc.d a2, a1, (s0)
	beqz a2, fail_sc
	ld a3, 0(s0)
	CHECK a3, 42
	TEST 4	/* LR.W sign-extends; SC.W stores 32 bits only */
	li a0, 0x1234567880000000
	sd a0, 16(s0)
	addi s1, s0, 16
	lr.w a1, (s1)
	CHECK a1, 0xffffffff80000000
	li a1, 0x7eeeeeee
	sc.w a2, a1, (s1)
	CHECK a2, 0
	ld a3, 16(s0)
	CHECK a3, 0x123456787eeeeeee
	TEST 5	/* SC.W fails without reservation */
	sc.w a2, a1, (s1)
	beqz a2, fail_sc
	TEST 6	/* plain store to the reserved address by this hart: SC may
		 * succeed or fail; memory must match the outcome */
	li a0, 1
	sd a0, 0(s0)
	lr.d a1, (s0)
	li a0, 2
	sd a0, 0(s0)
	li a1, 3
	sc.d a2, a1, (s0)
	ld a3, 0(s0)
	beqz a2, 1f
	CHECK a3, 2
	j 2f
1:	CHECK a3, 3
2:
	TEST 7	/* SC with a different width than LR: fail or succeed, but
		 * memory consistent; then no reservation remains */
	li a0, 0
	sd a0, 0(s0)
	lr.d a1, (s0)
	li a1, -1
	sc.w a2, a1, (s0)
	lwu a3, 0(s0)
	beqz a2, 1f
	CHECK a3, 0
	j 2f
1:	CHECK a3, 0xffffffff
2:	sc.d a2, a1, (s0)
	beqz a2, fail_sc
	TEST 8	/* a LR/SC increment loop converges */
	sd zero, 0(s0)
	li a4, 100
3:	lr.d.aq a1, (s0)
	addi a1, a1, 1
	sc.d.rl a2, a1, (s0)
	bnez a2, 3b
	addi a4, a4, -1
	bnez a4, 3b
	ld a3, 0(s0)
	CHECK a3, 100
	TEST 9	/* SC failure code: nonzero, rd written */
	li a2, 0
	sc.d a2, a1, (s0)
	beqz a2, fail_sc
	PASS
fail_sc:
	j fail
	.data
	.balign 64
cell:	.dword 0, 0, 0, 0
