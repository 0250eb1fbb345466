/* Reserved / unimplemented 32-bit encodings are illegal instructions with
 * tval = the instruction: holes in OP, OP-IMM, OP-32, OP-IMM-32, LOAD,
 * STORE, BRANCH, JALR, AMO, LOAD-FP, OP-FP (half/quad formats, bad funct),
 * MISC-MEM, SYSTEM (uret, dret, unknown funct3), OP-V; and the encodings
 * whose unused fields must be ignored (FENCE.I / FENCE with rd, rs1, imm
 * bits set) are not. */
#include "test.h"
test_main:
	TEST 1	/* OP / OP-IMM */
	ILLW 0x40001033		/* sll with funct7 0100000 */
	ILLW 0x22000033		/* add with funct7 0010001 */
	ILLW 0x40001013		/* slli with imm[11:6] = 010000 */
	ILLW 0x40005013 | (1 << 31)	/* srai with imm[11:6] = 110000 */
	TEST 2	/* OP-32 / OP-IMM-32 */
	ILLW 0x0000403b		/* OP-32 funct3 4 funct7 0 */
	ILLW 0x0000203b		/* OP-32 funct3 2 */
	ILLW 0x0400101b		/* slliw funct7 0000010 */
	ILLW 0x0000201b		/* OP-IMM-32 funct3 2 */
	ILLW 0x4000601b		/* OP-IMM-32 funct3 6 */
	TEST 3	/* LOAD / STORE / BRANCH / JALR */
	ILLW 0x00004023		/* store funct3 4 */
	ILLW 0x00007023		/* store funct3 7 */
	ILLW 0x00002063		/* branch funct3 2 */
	ILLW 0x00003063		/* branch funct3 3 */
	ILLW 0x00001067		/* jalr funct3 1 */
	TEST 4	/* AMO */
	ILLW 0x0000002f		/* AMO funct3 0 (byte) */
	ILLW 0x0000102f		/* funct3 1 (half) */
	ILLW 0x2800202f		/* funct5 00101 */
	ILLW 0x3800302f		/* funct5 00111 */
	TEST 5	/* LOAD-FP / STORE-FP / OP-FP */
	ILLW 0x00005007		/* load-fp funct3 5 */
	ILLW 0x00001027		/* store-fp funct3 1 */
	ILLW 0x06000053		/* fadd.q */
	ILLW 0x04000053		/* fadd.h */
	ILLW 0xf0000053 | (1 << 20)	/* fmv.w.x with rs2 = 1 */
	ILLW 0x58100053		/* fsqrt.s with rs2 = 1 */
	ILLW 0x2000b053		/* fsgnj.s funct3 3 */
	ILLW 0xa0003053		/* fcmp.s funct3 3 */
	TEST 6	/* MISC-MEM / SYSTEM / OP-V */
	ILLW 0x0000200f		/* misc-mem funct3 2 (no Zicbom) */
	ILLW 0x00200073		/* uret */
	ILLW 0x7b200073		/* dret */
	ILLW 0x00004073		/* system funct3 4 */
	ILLW 0x00000057		/* OP-V */
	TEST 7	/* FENCE.I / FENCE unused fields are ignored */
	li a0, 0x55
	ARM
	.word 0x0000100f | (10 << 7) | (11 << 15) | (0x123 << 20)	/* fence.i a0, a1, 0x123 */
	.word 0x0ff0000f | (10 << 7) | (11 << 15)	/* fence iorw, iorw with rd, rs1 */
	CHECK_NOTRAP
	CHECK a0, 0x55
	PASS
