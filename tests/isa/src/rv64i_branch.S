/* RV64I control transfer: every branch taken / not taken with signed and
 * unsigned edge cases, JAL/JALR link values, JALR bit-0 clearing, rd == rs1. */
#include "test.h"
	/* BR op, a, b, taken(1/0) */
	.macro BR op, a, b, taken
	li a0, \a
	li a1, \b
	li a2, 0
	\op a0, a1, 1f
	li a2, 1	/* fall-through marker */
	j 2f
1:	li a2, 2
2:	.if \taken
	CHECK a2, 2
	.else
	CHECK a2, 1
	.endif
	.endm
test_main:
	TEST 1
	BR beq, 5, 5, 1
	BR beq, 5, 6, 0
	BR beq, -1, 0xffffffff, 0
	TEST 2
	BR bne, 5, 5, 0
	BR bne, 5, 6, 1
	TEST 3
	BR blt, -1, 1, 1
	BR blt, 1, -1, 0
	BR blt, 3, 3, 0
	BR blt, 0x8000000000000000, 0x7fffffffffffffff, 1
	TEST 4
	BR bge, -1, 1, 0
	BR bge, 1, -1, 1
	BR bge, 3, 3, 1
	TEST 5
	BR bltu, -1, 1, 0
	BR bltu, 1, -1, 1
	BR bltu, 3, 3, 0
	TEST 6
	BR bgeu, -1, 1, 1
	BR bgeu, 1, -1, 0
	BR bgeu, 3, 3, 1
	TEST 7	/* backward branch loop */
	li a0, 10
	li a1, 0
1:	addi a1, a1, 3
	addi a0, a0, -1
	bnez a0, 1b
	CHECK a1, 30
	TEST 8	/* jal link = pc + 4 (forced 32-bit encoding) */
	.option push
	.option norvc
	jal a3, 1f
2:	j fail
1:	la a4, 2b
	CHECKR a3, a4
	.option pop
	TEST 9	/* jalr with offset and bit 0 cleared */
	la a0, 3f
	addi a0, a0, -7		/* target - 8 + 1 (odd) */
	.option push
	.option norvc
	jalr a5, 8(a0)
4:	j fail
	.balign 4
3:	la a4, 4b
	CHECKR a5, a4
	.option pop
	TEST 10	/* jalr rd == rs1: target computed from the old value */
	la a0, 5f
	.option push
	.option norvc
	jalr a0, 0(a0)
6:	j fail
5:	la a4, 6b
	CHECKR a0, a4
	.option pop
	TEST 11	/* jal x0 does not link; negative offsets */
	li ra, 77
	j 8f
7:	j 9f
8:	j 7b
9:	CHECK ra, 77
	TEST 12	/* branch result is independent of rs1/rs2 order for beq */
	li a0, 1
	li a1, 1
	beq a1, a0, 1f
	j fail
1:	PASS
