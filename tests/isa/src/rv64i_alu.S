/* RV64I register/immediate arithmetic, logic, shifts, compares, LUI/AUIPC,
 * the W forms (32-bit op, sign-extended result) and x0 hardwiring. */
#include "test.h"
test_main:
	TEST 1	/* add/sub wrap */
	li a0, 0x7fffffffffffffff
	li a1, 1
	add a2, a0, a1
	CHECK a2, 0x8000000000000000
	sub a3, a2, a1
	CHECK a3, 0x7fffffffffffffff
	sub a3, zero, a1
	CHECK a3, -1
	TEST 2	/* addi sign-extended 12-bit immediate */
	li a0, 100
	addi a1, a0, -2048
	CHECK a1, -1948
	addi a1, a0, 2047
	CHECK a1, 2147
	TEST 3	/* logic */
	li a0, 0xff00ff00ff00ff00
	li a1, 0x0ff00ff00ff00ff0
	and a2, a0, a1
	CHECK a2, 0x0f000f000f000f00
	or a2, a0, a1
	CHECK a2, 0xfff0fff0fff0fff0
	xor a2, a0, a1
	CHECK a2, 0xf0f0f0f0f0f0f0f0
	andi a2, a0, -16
	CHECK a2, 0xff00ff00ff00ff00
	ori a2, a1, 0x00f
	CHECK a2, 0x0ff00ff00ff00fff
	xori a2, a0, -1
	CHECK a2, 0x00ff00ff00ff00ff
	TEST 4	/* shifts use 6 bits of rs2 */
	li a0, 0x8000000000000001
	li a1, 65
	sll a2, a0, a1
	CHECK a2, 2
	srl a2, a0, a1
	CHECK a2, 0x4000000000000000
	sra a2, a0, a1
	CHECK a2, 0xc000000000000000
	slli a2, a0, 63
	CHECK a2, 0x8000000000000000
	srli a2, a0, 63
	CHECK a2, 1
	srai a2, a0, 63
	CHECK a2, -1
	srai a2, a0, 0
	CHECK a2, 0x8000000000000001
	TEST 5	/* compares */
	li a0, -1
	li a1, 1
	slt a2, a0, a1
	CHECK a2, 1
	sltu a2, a0, a1
	CHECK a2, 0
	slti a2, a1, -1
	CHECK a2, 0
	sltiu a2, a1, -1	/* imm sign-extended then unsigned */
	CHECK a2, 1
	sltiu a2, zero, 1	/* seqz */
	CHECK a2, 1
	sltu a2, zero, a0	/* snez */
	CHECK a2, 1
	slt a2, a1, a1
	CHECK a2, 0
	TEST 6	/* lui / auipc */
	lui a0, 0x80000
	CHECK a0, 0xffffffff80000000
	lui a0, 0x7ffff
	CHECK a0, 0x7ffff000
1:	auipc a0, 0
	la a1, 1b
	CHECKR a0, a1
1:	auipc a0, 0xfffff
	la a1, 1b
	li a2, -4096
	add a1, a1, a2
	CHECKR a0, a1
	TEST 7	/* W forms */
	li a0, 0x000000007fffffff
	addiw a1, a0, 1
	CHECK a1, 0xffffffff80000000
	li a0, 0x1234567880000000
	addiw a1, a0, 0		/* sext.w */
	CHECK a1, 0xffffffff80000000
	li a0, 0xffffffff00000001
	li a2, 0x00000000ffffffff
	addw a1, a0, a2
	CHECK a1, 0
	subw a1, zero, a0
	CHECK a1, -1
	li a0, 0x80000000
	li a1, 1
	subw a2, a0, a1
	CHECK a2, 0x7fffffff
	TEST 8	/* W shifts: 5-bit amounts, sign extension of bit 31 */
	li a0, 0xffffffff00000001
	li a1, 33		/* uses 1 */
	sllw a2, a0, a1
	CHECK a2, 2
	slliw a2, a0, 31
	CHECK a2, 0xffffffff80000000
	li a0, 0x0000000080000000
	srlw a2, a0, a1
	CHECK a2, 0x40000000
	sraw a2, a0, a1
	CHECK a2, 0xffffffffc0000000
	srliw a2, a0, 0
	CHECK a2, 0xffffffff80000000
	srliw a2, a0, 31
	CHECK a2, 1
	sraiw a2, a0, 31
	CHECK a2, -1
	li a0, 0x12345678ffffffff
	srliw a2, a0, 4
	CHECK a2, 0x0fffffff
	TEST 9	/* x0 is hardwired */
	li x0, 5
	addi x0, x0, 1
	lui x0, 1
	CHECK x0, 0
	mv a0, x0
	CHECK a0, 0
	TEST 10	/* rd == rs1 == rs2 */
	li a0, 21
	add a0, a0, a0
	CHECK a0, 42
	sub a0, a0, a0
	CHECK a0, 0
	PASS
