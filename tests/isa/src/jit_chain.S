/* Host code (src/cpu/jit.c) and chaining, run with the default
 * translation threshold and by tests/isa/jit.sh at every entry: exact
 * instret through a hot self-loop and a JAL/JALR call loop; a hot loop
 * patching its hot callee without FENCE.I (Domus's rule: a hart's own
 * stores reach its next fetch); division by 0 and -1 in hot code (host
 * code leaves them to the interpreter); a cross-page ping-pong of chained
 * blocks, instret exact. */
#include "test.h"
#define ADDI_A0_A0(v)   (0x00050513 | ((v) << 20))
test_main:
	TEST 1	/* hot self-loop: 3 x 1000 + 1 */
	li t0, 1000
	csrr a0, instret
1:	addi t0, t0, -1
	nop
	bnez t0, 1b
	csrr a1, instret
	sub a2, a1, a0
	CHECK a2, 3001

	TEST 2	/* call loop through JAL/JALR: per round jal(1) + f(2) + addi + bnez = 5 */
	li t0, 500
	li a0, 0
	csrr s1, instret
2:	jal ra, f_same
	addi t0, t0, -1
	bnez t0, 2b
	csrr s2, instret
	sub a2, s2, s1
	li t1, 2501
	CHECKR a2, t1
	CHECK a0, 500

	TEST 3	/* patch the hot callee from a hot loop: the store runs in host code */
	la s0, f_same
	li t3, ADDI_A0_A0(5)
	li t0, 200
	li a0, 0
3:	jal ra, f_same
	addi t0, t0, -1
	li t4, 100
	bne t0, t4, 4f
	sw t3, 0(s0)	/* from round 101 on: +5 */
4:	bnez t0, 3b
	li t1, 100 + 500
	CHECKR a0, t1

	TEST 4	/* division guards in host code */
	li t0, 100
	li a0, 0
	li t5, -1
	li t6, 0
	li s3, 7
5:	div a1, s3, t5	/* -7 */
	add a0, a0, a1
	div a1, s3, t6	/* -1 */
	add a0, a0, a1
	rem a1, s3, t6	/* 7 */
	add a0, a0, a1
	divuw a1, s3, t6 /* -1 */
	add a0, a0, a1
	remw a1, s3, t5	/* 0 */
	add a0, a0, a1
	addi t0, t0, -1
	bnez t0, 5b
	li t1, -200
	CHECKR a0, t1

	TEST 5	/* cross-page ping-pong: instret exact */
	li t0, 300
	li a0, 0
	csrr s1, instret
	jal ra, pp_a
	csrr s2, instret
	sub a2, s2, s1
	/* per round: pp_a: addi, j (2); pp_b: addi, addi, bnez (3) = 5; +1 jal +1 ret */
	li t1, 300*5 + 3
	CHECKR a2, t1
	CHECK a0, 600
	PASS

	.option push
	.option norvc
f_same:
	addi a0, a0, 1
	ret

	.option pop
	.align 12
	.option norvc
	.skip 4096 - 8
pp_a:	addi a0, a0, 1
	j pp_b
pp_b:	addi a0, a0, 1
	addi t0, t0, -1
	bnez t0, pp_a
	ret
