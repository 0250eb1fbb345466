/* Self-modifying code without FENCE.I, as an implementation that caches
 * decoded blocks must still run it (Domus makes a hart's own stores visible
 * to its next instruction fetch, as a simple fetch-decode loop would; the
 * spec only promises it after FENCE.I): a store into a later instruction of
 * the block it is in; a loop whose body patches its own first instruction;
 * code running across a page boundary patched on either page; a 32-bit
 * instruction straddling the page boundary patched in its second half;
 * and the same code still correct after FENCE.I. */
#include "test.h"
#define ADDI_A0_ZERO(v) (0x00000513 | ((v) << 20))	/* addi a0, zero, v */
#define ADDI_A0_A0(v)   (0x00050513 | ((v) << 20))	/* addi a0, a0, v */
#define NOP    0x00000013
#define RET    0x00008067
test_main:
	TEST 1	/* store into a later instruction of the running block */
	la s0, blk1
	li t1, ADDI_A0_ZERO(1)
	jalr ra, 0(s0)		/* decoded and cached with "li a0, 1" */
	CHECK a0, 1
	li t1, ADDI_A0_ZERO(2)
	jalr ra, 0(s0)		/* its first store rewrites its third instruction */
	CHECK a0, 2
	li t1, ADDI_A0_ZERO(3)
	jalr ra, 0(s0)
	CHECK a0, 3

	TEST 2	/* a loop patches its own first instruction every round */
	la s0, blk2
	li a0, 0
	li t2, 3
	li t1, ADDI_A0_A0(10)
	jalr ra, 0(s0)		/* round 1 adds 1, rounds 2 and 3 add 10 */
	CHECK a0, 21
	li t0, ADDI_A0_A0(1)	/* restore, run again: same result */
	sw t0, 0(s0)
	li a0, 0
	li t2, 3
	jalr ra, 0(s0)
	CHECK a0, 21

	TEST 3	/* code across a page boundary, patched on the second page */
	la s0, pg_code
	jalr ra, 0(s0)
	CHECK a0, 3
	li t0, ADDI_A0_A0(5)
	sw t0, 8(s0)		/* first instruction of the next page */
	jalr ra, 0(s0)
	CHECK a0, 6
	li t0, ADDI_A0_ZERO(4)
	sw t0, 0(s0)		/* and on the first page */
	jalr ra, 0(s0)
	CHECK a0, 9

	TEST 4	/* 32-bit instruction straddling the boundary: patch its high half */
	la s0, st_code
	li a0, 0
	jalr ra, 0(s0)
	CHECK a0, 7
	li t0, ADDI_A0_A0(9) >> 16
	sh t0, 4(s0)		/* the half on the next page */
	li a0, 0
	jalr ra, 0(s0)
	CHECK a0, 9
	li t0, 0x0515		/* c.addi a0, 5 over the c.nop before it */
	sh t0, 0(s0)
	li a0, 0
	jalr ra, 0(s0)
	CHECK a0, 14

	TEST 5	/* the same after FENCE.I (all of it still consistent) */
	fence.i
	la s0, blk1
	li t1, ADDI_A0_ZERO(4)
	jalr ra, 0(s0)
	CHECK a0, 4
	la s0, pg_code
	jalr ra, 0(s0)
	CHECK a0, 9
	PASS

	.data
	.option push
	.option norvc
	.balign 64
blk1:	sw t1, 8(s0)
	.word NOP
	.word ADDI_A0_ZERO(1)	/* rewritten by the sw above */
	.word RET

	.balign 64
blk2:	.word ADDI_A0_A0(1)	/* rewritten by the sw below */
	sw t1, 0(s0)
	addi t2, t2, -1
	bnez t2, blk2
	.word RET

	/* pg_code: 8 bytes before a page boundary */
	.balign 4096
	.skip 4096 - 8
pg_code:
	.word ADDI_A0_ZERO(1)
	.word NOP
	.word ADDI_A0_A0(2)	/* next page */
	.word RET

	/* st_code: c.nop, then a 32-bit instruction at offset 4094 */
	.balign 4096
	.skip 4096 - 4
st_code:
	.half 0x0001		/* c.nop */
	.half ADDI_A0_A0(7) & 0xffff
	.half ADDI_A0_A0(7) >> 16	/* next page */
	.half 0x8082		/* c.jr ra */
	.option pop
