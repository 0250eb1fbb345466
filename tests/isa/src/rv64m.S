/* RV64M: MUL/MULH/MULHSU/MULHU, DIV/DIVU/REM/REMU and the W forms, with the
 * spec's division-by-zero and signed-overflow results. */
#include "test.h"
	.macro OP op, a, b, r
	li a0, \a
	li a1, \b
	\op a2, a0, a1
	CHECK a2, \r
	.endm
test_main:
	TEST 1
	OP mul, 7, -3, -21
	OP mul, 0x100000000, 0x100000000, 0
	OP mul, 0x123456789abcdef0, 0x0fedcba987654321, 0x2236d88fe5618cf0
	TEST 2
	OP mulh, -1, -1, 0
	OP mulh, 0x8000000000000000, 0x8000000000000000, 0x4000000000000000
	OP mulh, 0x8000000000000000, 2, -1
	OP mulh, 0x123456789abcdef0, 0x0fedcba987654321, 0x0121fa00ad77d742
	TEST 3
	OP mulhu, -1, -1, 0xfffffffffffffffe
	OP mulhu, 0x8000000000000000, 2, 1
	OP mulhu, 0x123456789abcdef0, 0xfedcba9876543210, 0x121fa00ad77d7422
	TEST 4	/* mulhsu: rs1 signed, rs2 unsigned */
	OP mulhsu, -1, -1, -1
	OP mulhsu, 1, -1, 0
	OP mulhsu, -2, 3, -1
	OP mulhsu, 0x8000000000000000, 0xffffffffffffffff, 0x8000000000000000
	TEST 5
	OP div, 20, -3, -6
	OP div, -20, 3, -6
	OP div, -20, -3, 6
	OP divu, -20, 3, 0x555555555555554e
	OP rem, 20, -3, 2
	OP rem, -20, 3, -2
	OP remu, -20, 3, 2
	TEST 6	/* division by zero */
	OP div, 5, 0, -1
	OP div, -5, 0, -1
	OP divu, 5, 0, -1
	OP rem, -5, 0, -5
	OP remu, 5, 0, 5
	TEST 7	/* signed overflow */
	OP div, 0x8000000000000000, -1, 0x8000000000000000
	OP rem, 0x8000000000000000, -1, 0
	TEST 8	/* W forms use the low 32 bits and sign-extend */
	OP mulw, 0x10000ffff, 0x10000ffff, 0xfffffffffffe0001
	OP mulw, 0x7fffffff, 2, -2
	OP divw, 0xffffffff00000014, 0xfffffffd, -6
	OP divuw, 0x00000000ffffffec, 3, 0x5555554e
	OP divuw, 0xfffffffe, 1, 0xfffffffffffffffe
	OP remw, 0x1fffffffb, 3, -2
	OP remuw, 0x1fffffffb, 3, 2
	TEST 9	/* W division by zero and overflow */
	OP divw, 5, 0x100000000, -1
	OP divuw, 5, 0, -1
	OP remw, 0x80000005, 0, 0xffffffff80000005
	OP remuw, 0x80000005, 0, 0xffffffff80000005
	OP divw, 0x80000000, -1, 0xffffffff80000000
	OP remw, 0x80000000, -1, 0
	TEST 10	/* rd aliasing */
	li a0, 6
	mul a0, a0, a0
	CHECK a0, 36
	PASS
