/* RV64A AMOs: every operation in both widths; rd gets the old value (the .w
 * forms sign-extend it), memory gets the result, neighbouring bytes are
 * untouched; aq/rl variants; rd == x0. */
#include "test.h"
	/* AMOD op, init, src, new: doubleword */
	.macro AMOD op, init, src, new
	la s0, cell
	li a0, \init
	sd a0, 0(s0)
	li a1, \src
	\op a2, a1, (s0)
	CHECK a2, \init
	ld a3, 0(s0)
	CHECK a3, \new
	.endm
	/* AMOW op, init32, src, new32: word at cell+4, guards around it */
	.macro AMOW op, init, src, new
	la s0, cell
	li a0, 0x5a5a5a5a5a5a5a5a
	sd a0, 0(s0)
	sd a0, 8(s0)
	li a0, \init
	sw a0, 4(s0)
	addi s1, s0, 4
	li a1, \src
	\op a2, a1, (s1)
	li a4, \init
	sext.w a4, a4
	CHECKR a2, a4
	lwu a3, 4(s0)
	CHECK a3, ((\new) & 0xffffffff)
	lwu a3, 0(s0)
	CHECK a3, 0x5a5a5a5a
	ld a3, 8(s0)
	CHECK a3, 0x5a5a5a5a5a5a5a5a
	.endm
test_main:
	TEST 1
	AMOD amoswap.d, 0x1122334455667788, -1, -1
	AMOW amoswap.w, 0x80000001, 7, 7
	TEST 2
	AMOD amoadd.d, 0x7fffffffffffffff, 1, 0x8000000000000000
	AMOW amoadd.w, 0x7fffffff, 1, 0x80000000
	AMOW amoadd.w, 0xffffffff, 0x100000001, 0
	TEST 3
	AMOD amoand.d, 0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0, 0x0f000f000f000f00
	AMOW amoand.w, 0xff00ff00, 0x0ff00ff0, 0x0f000f00
	TEST 4
	AMOD amoor.d, 0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0, 0xfff0fff0fff0fff0
	AMOW amoor.w, 0xff00ff00, 0x0ff00ff0, 0xfff0fff0
	TEST 5
	AMOD amoxor.d, 0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0, 0xf0f0f0f0f0f0f0f0
	AMOW amoxor.w, 0xff00ff00, 0x0ff00ff0, 0xf0f0f0f0
	TEST 6	/* signed min/max */
	AMOD amomin.d, -5, 3, -5
	AMOD amomin.d, 3, -5, -5
	AMOD amomax.d, -5, 3, 3
	AMOD amomax.d, 0x8000000000000000, 0x7fffffffffffffff, 0x7fffffffffffffff
	AMOW amomin.w, 0x80000000, 0x7fffffff, 0x80000000
	AMOW amomax.w, 0x80000000, 0x7fffffff, 0x7fffffff
	AMOW amomin.w, 5, 0xfffffffffffffffb, 0xfffffffb	/* -5 */
	/* the .w forms compare the low 32 bits only */
	AMOW amomax.w, 1, 0x7fffffff00000000, 1
	TEST 7	/* unsigned min/max */
	AMOD amominu.d, -5, 3, 3
	AMOD amomaxu.d, -5, 3, -5
	AMOW amominu.w, 0x80000000, 0x7fffffff, 0x7fffffff
	AMOW amomaxu.w, 0x80000000, 0x7fffffff, 0x80000000
	AMOW amomaxu.w, 1, 0xffffffff00000000, 1
	TEST 8	/* ordering bits do not change results */
	AMOD amoadd.d.aq, 1, 2, 3
	AMOD amoadd.d.rl, 1, 2, 3
	AMOD amoadd.d.aqrl, 1, 2, 3
	AMOW amoswap.w.aqrl, 0xfffffffe, 3, 3
	TEST 9	/* rd = x0 still writes memory; rd == rs2 */
	la s0, cell
	li a0, 10
	sd a0, 0(s0)
	li a1, 5
	amoadd.d zero, a1, (s0)
	ld a2, 0(s0)
	CHECK a2, 15
	amoadd.d a1, a1, (s0)
	CHECK a1, 15
	ld a2, 0(s0)
	CHECK a2, 20
	TEST 10	/* rd == rs1: the address is used before rd is written */
	mv a0, s0
	li a1, 1
	amoadd.d a0, a1, (a0)
	CHECK a0, 20
	ld a2, 0(s0)
	CHECK a2, 21
	mv a0, s0
	lr.d a0, (a0)
	CHECK a0, 21
	PASS
	.data
	.balign 16
cell:	.dword 0, 0
