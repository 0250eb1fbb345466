/* RV64C: every RV64C encoding executed once (quadrants 0, 1 and 2, incl. the
 * FP load/stores c.fld/c.fsd/c.fldsp/c.fsdsp), checked by its effect. The
 * assembler is given explicit c.* mnemonics so each really is 16-bit. */
#include "test.h"
test_main:
	la sp, buf
	TEST 1	/* c.addi4spn */
	c.addi4spn s0, sp, 1020
	la a0, buf
	addi a0, a0, 1020
	CHECKR s0, a0
	TEST 2	/* c.sd / c.ld / c.sw / c.lw with 3-bit registers */
	la s0, buf
	li s1, 0x8877665544332211
	c.sd s1, 248(s0)
	c.ld a5, 248(s0)
	CHECK a5, 0x8877665544332211
	li s1, 0x80000001
	c.sw s1, 124(s0)
	c.lw a4, 124(s0)
	CHECK a4, 0xffffffff80000001
	TEST 3	/* c.fsd / c.fld */
	li a0, 0x400921fb54442d18
	fmv.d.x fa0, a0
	c.fsd fa0, 8(s0)
	c.fld fa1, 8(s0)
	CHECKF fa1, 0x400921fb54442d18
	TEST 4	/* c.nop, c.addi, c.addiw, c.li */
	li a0, 5
	c.nop
	c.addi a0, -32
	CHECK a0, -27
	c.addi a0, 31
	CHECK a0, 4
	li a0, 0x7fffffff
	c.addiw a0, 1
	CHECK a0, 0xffffffff80000000
	li a0, 0x1ffffffff
	c.addiw a0, 0	/* sext.w */
	CHECK a0, -1
	c.li a1, -32
	CHECK a1, -32
	c.li a1, 31
	CHECK a1, 31
	TEST 5	/* c.addi16sp, c.lui */
	la sp, buf
	c.addi16sp sp, 496
	la a0, buf
	addi a0, a0, 496
	CHECKR sp, a0
	c.addi16sp sp, -512
	addi a0, a0, -512
	CHECKR sp, a0
	c.lui a2, 0xfffe0	/* nzimm = -32 << 12 */
	CHECK a2, 0xfffffffffffe0000
	c.lui a2, 0x1f
	CHECK a2, 0x1f000
	TEST 6	/* c.srli, c.srai, c.andi (shamt up to 63) */
	li s1, 0x8000000000000010
	c.srli s1, 63
	CHECK s1, 1
	li s1, 0x8000000000000010
	c.srai s1, 4
	CHECK s1, 0xf800000000000001
	li s1, 0xff
	c.andi s1, -16
	CHECK s1, 0xf0
	c.andi s1, 0x11
	CHECK s1, 0x10
	TEST 7	/* c.sub, c.xor, c.or, c.and, c.subw, c.addw */
	li s0, 10
	li s1, 3
	c.sub s0, s1
	CHECK s0, 7
	c.xor s0, s1
	CHECK s0, 4
	c.or s0, s1
	CHECK s0, 7
	li s1, 5
	c.and s0, s1
	CHECK s0, 5
	li s0, 0x80000000
	li s1, 1
	c.subw s0, s1
	CHECK s0, 0x7fffffff
	c.addw s0, s1
	CHECK s0, 0xffffffff80000000
	TEST 8	/* c.j, c.beqz, c.bnez */
	li a0, 0
	c.j 1f
	li a0, 1
1:	CHECK a0, 0
	li s0, 0
	c.beqz s0, 2f
	j fail
2:	c.bnez s0, fail_j
	li s0, 1
	c.bnez s0, 3f
	j fail
3:	c.beqz s0, fail_j
	TEST 9	/* c.slli, c.mv, c.add */
	li a3, 3
	c.slli a3, 62
	CHECK a3, 0xc000000000000000
	c.mv a4, a3
	CHECK a4, 0xc000000000000000
	li a5, 0x4000000000000001
	c.add a4, a5
	CHECK a4, 1
	TEST 10	/* c.swsp/c.lwsp, c.sdsp/c.ldsp, c.fsdsp/c.fldsp */
	la sp, buf
	li a0, 0xfedcba9876543210
	c.sdsp a0, 504(sp)
	c.ldsp a1, 504(sp)
	CHECK a1, 0xfedcba9876543210
	c.swsp a0, 252(sp)
	c.lwsp a2, 252(sp)
	CHECK a2, 0x76543210
	li a0, 0xc000000000000000
	fmv.d.x fa2, a0
	c.fsdsp fa2, 16(sp)
	c.fldsp fa3, 16(sp)
	CHECKF fa3, 0xc000000000000000
	TEST 11	/* c.jr, c.jalr (link = pc + 2) */
	la a0, 4f
	c.jr a0
	j fail
4:	la a0, 5f
	c.jalr a0
6:	j 7f
5:	la a1, 6b
	CHECKR ra, a1
	ret
7:
	TEST 12	/* c.ebreak: breakpoint, tval = pc (or 0), epc = the c.ebreak */
	ARM
ebrk:	c.ebreak
	CHECK_TRAP CAUSE_BREAKPOINT
	la a0, ebrk
	la t0, trap_epc
	ld t0, 0(t0)
	CHECKR t0, a0
	la t0, trap_tval
	ld t0, 0(t0)
	beqz t0, 9f
	CHECKR t0, a0
9:
	TEST 13	/* mixed 16/32-bit stream at 2-byte alignment: 32-bit insn at pc%4 == 2 */
	.balign 4
	c.li a0, 1
	addi a0, a0, 0x100
	c.addi a0, 1
	CHECK a0, 0x102
	PASS
fail_j:
	j fail
	.data
	.balign 16
buf:	.skip 1024
