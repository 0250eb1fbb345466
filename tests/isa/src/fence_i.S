/* Zifencei and self-modifying code: code written by stores runs after
 * FENCE.I (32-bit and 16-bit instructions, a rewritten instruction in a loop
 * that already executed, i.e. is in any decode cache), and FENCE variants
 * execute as no-ops otherwise. */
#include "test.h"
#define LI_A0(v) (0x00000513 | ((v) << 20))	/* addi a0, zero, v */
#define RET 0x00008067				/* jalr zero, 0(ra) */
test_main:
	la s0, code
	TEST 1	/* write "li a0, 5; ret", fence.i, call */
	li t0, LI_A0(5)
	sw t0, 0(s0)
	li t0, RET
	sw t0, 4(s0)
	fence.i
	li a0, 0
	jalr ra, 0(s0)
	CHECK a0, 5
	TEST 2	/* rewrite after it ran */
	li t0, LI_A0(9)
	sw t0, 0(s0)
	fence.i
	jalr ra, 0(s0)
	CHECK a0, 9
	TEST 3	/* rewrite inside a loop: each round patches the next value */
	li s1, 0
	li s2, 10
1:	jalr ra, 0(s0)
	add s1, s1, a0
	addi t0, a0, 1
	slli t0, t0, 20
	li t1, 0x00000513
	or t0, t0, t1
	sw t0, 0(s0)
	fence.i
	addi s2, s2, -1
	bnez s2, 1b
	CHECK s1, 9 + 10 + 11 + 12 + 13 + 14 + 15 + 16 + 17 + 18
	TEST 4	/* 16-bit: c.li a0, 3 ; c.jr ra */
	li t0, 0x4501 | (3 << 2)	/* c.li a0, 3 */
	sh t0, 0(s0)
	li t0, 0x8082			/* c.jr ra */
	sh t0, 2(s0)
	fence.i
	jalr ra, 0(s0)
	CHECK a0, 3
	TEST 5	/* patch a 32-bit instruction that straddles the 4-byte grid */
	li t0, 0x0001			/* c.nop */
	sh t0, 0(s0)
	li t0, LI_A0(77)
	sh t0, 2(s0)
	srli t0, t0, 16
	sh t0, 4(s0)
	li t0, 0x8082
	sh t0, 6(s0)
	fence.i
	jalr ra, 0(s0)
	CHECK a0, 77
	TEST 6	/* fence variants */
	fence
	fence rw, rw
	fence r, r
	fence w, w
	fence.tso
	fence iorw, iorw
	PASS
	.data
	.balign 64
code:	.skip 64
