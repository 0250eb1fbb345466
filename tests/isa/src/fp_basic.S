/* F/D basics: loads/stores and moves with NaN boxing (FLW/FMV.W.X box,
 * unboxed singles read as the canonical NaN, FMV.X.W sign-extends, FSW keeps
 * bits), sign injection, FMIN/FMAX (+-0, qNaN, sNaN), compares and their
 * NV rules, FCLASS (all ten classes), conversions, FMA without double
 * rounding and the four FMA sign variants, FSQRT/FDIV. */
#include "test.h"
	.macro FCLS_S bits, cls
	li t0, \bits
	fmv.w.x f1, t0
	fclass.s a0, f1
	CHECK a0, (1 << \cls)
	.endm
	.macro FCLS_D bits, cls
	li t0, \bits
	fmv.d.x f1, t0
	fclass.d a0, f1
	CHECK a0, (1 << \cls)
	.endm
	.macro LDS r, bits
	li t0, \bits
	fmv.w.x \r, t0
	.endm
	.macro LDD r, bits
	li t0, \bits
	fmv.d.x \r, t0
	.endm
test_main:
	la s0, buf
	TEST 1	/* flw boxes, fsw stores 32 bits */
	li a0, 0x12345678c0490fdb
	sd a0, 0(s0)
	flw f1, 0(s0)
	fmv.x.d a1, f1
	CHECK a1, 0xffffffffc0490fdb
	fsw f1, 8(s0)
	ld a1, 8(s0)
	CHECK a1, 0x00000000c0490fdb
	fld f2, 0(s0)
	fsd f2, 16(s0)
	ld a1, 16(s0)
	CHECK a1, 0x12345678c0490fdb
	TEST 2	/* fmv.x.w sign-extends; fmv.w.x boxes */
	fmv.x.w a1, f1
	CHECK a1, 0xffffffffc0490fdb
	li a0, 0x123456783f800000
	fmv.w.x f3, a0
	fmv.x.d a1, f3
	CHECK a1, 0xffffffff3f800000
	TEST 3	/* unboxed single operand = canonical NaN */
	li a0, 0x000000003f800000
	fmv.d.x f4, a0
	fadd.s f5, f4, f3
	fmv.x.d a1, f5
	CHECK a1, 0xffffffff7fc00000
	fsgnj.s f5, f4, f3
	fmv.x.d a1, f5
	CHECK a1, 0xffffffff7fc00000
	fmv.x.w a1, f4		/* fmv.x.w moves the raw low bits */
	CHECK a1, 0x3f800000
	fsw f4, 0(s0)		/* fsw stores raw low bits */
	lwu a1, 0(s0)
	CHECK a1, 0x3f800000
	TEST 4	/* sign injection */
	LDS f1, 0x3f800000
	LDS f2, 0xc0000000
	fsgnj.s f3, f1, f2
	fmv.x.w a0, f3
	CHECK a0, 0xffffffffbf800000
	fsgnjn.s f3, f1, f2
	fmv.x.w a0, f3
	CHECK a0, 0x3f800000
	fsgnjx.s f3, f2, f2
	fmv.x.w a0, f3
	CHECK a0, 0x40000000
	LDD f1, 0x7ff0000000000001	/* sNaN: sign ops are not arithmetic */
	LDD f2, 0x8000000000000000
	csrwi fflags, 0
	fsgnj.d f3, f1, f2
	fmv.x.d a0, f3
	CHECK a0, 0xfff0000000000001
	fsgnjn.d f3, f2, f2	/* fneg */
	fmv.x.d a0, f3
	CHECK a0, 0
	csrr a0, fflags
	CHECK a0, 0
	TEST 5	/* fmin/fmax */
	LDS f1, 0x80000000	/* -0 */
	LDS f2, 0x00000000	/* +0 */
	fmin.s f3, f1, f2
	fmv.x.w a0, f3
	CHECK a0, 0xffffffff80000000
	fmax.s f3, f1, f2
	fmv.x.w a0, f3
	CHECK a0, 0
	fmin.s f3, f2, f1
	fmv.x.w a0, f3
	CHECK a0, 0xffffffff80000000
	LDS f1, 0x7fc00000	/* qNaN */
	LDS f2, 0x3f800000
	csrwi fflags, 0
	fmin.s f3, f1, f2
	fmv.x.w a0, f3
	CHECK a0, 0x3f800000
	csrr a0, fflags
	CHECK a0, 0
	LDS f1, 0x7f800001	/* sNaN */
	fmax.s f3, f2, f1
	fmv.x.w a0, f3
	CHECK a0, 0x3f800000
	csrr a0, fflags
	CHECK a0, 16
	fmax.s f3, f1, f1	/* both NaN: canonical */
	fmv.x.w a0, f3
	CHECK a0, 0x7fc00000
	LDD f1, 0xfff8000000000000
	LDD f2, 0xc000000000000000
	fmax.d f3, f1, f2
	fmv.x.d a0, f3
	CHECK a0, 0xc000000000000000
	fmin.d f3, f1, f1
	fmv.x.d a0, f3
	CHECK a0, 0x7ff8000000000000
	TEST 6	/* compares */
	LDS f1, 0x7fc00000
	LDS f2, 0x3f800000
	csrwi fflags, 0
	feq.s a0, f1, f2
	CHECK a0, 0
	csrr a0, fflags
	CHECK a0, 0		/* feq: quiet */
	flt.s a0, f1, f2
	CHECK a0, 0
	csrr a0, fflags
	CHECK a0, 16		/* flt/fle: signaling */
	csrwi fflags, 0
	LDS f1, 0x7f800001
	feq.s a0, f1, f2
	csrr a0, fflags
	CHECK a0, 16		/* feq with sNaN: NV */
	LDD f1, 0x8000000000000000
	LDD f2, 0x0000000000000000
	feq.d a0, f1, f2
	CHECK a0, 1
	flt.d a0, f1, f2
	CHECK a0, 0
	fle.d a0, f1, f2
	CHECK a0, 1
	LDD f1, 0xbff0000000000000
	flt.d a0, f1, f2
	CHECK a0, 1
	TEST 7	/* fclass.s: all ten classes */
	FCLS_S 0xff800000, 0
	FCLS_S 0xbf800000, 1
	FCLS_S 0x80000001, 2
	FCLS_S 0x80000000, 3
	FCLS_S 0x00000000, 4
	FCLS_S 0x00000001, 5
	FCLS_S 0x3f800000, 6
	FCLS_S 0x7f800000, 7
	FCLS_S 0x7f800001, 8
	FCLS_S 0x7fc00000, 9
	TEST 8	/* fclass.d, and an unboxed single classifies as qNaN */
	FCLS_D 0xfff0000000000000, 0
	FCLS_D 0x800fffffffffffff, 2
	FCLS_D 0x0000000000000001, 5
	FCLS_D 0x7ff0000000000001, 8
	FCLS_D 0x7ff8000000000000, 9
	li t0, 0x3f800000
	fmv.d.x f1, t0
	fclass.s a0, f1
	CHECK a0, 1 << 9
	TEST 9	/* conversions */
	li a0, -7
	fcvt.d.l f1, a0
	fmv.x.d a1, f1
	CHECK a1, 0xc01c000000000000
	fcvt.s.w f1, a0
	fmv.x.w a1, f1
	CHECK a1, 0xffffffffc0e00000
	li a0, 0xffffffff
	fcvt.s.wu f1, a0
	fmv.x.w a1, f1
	CHECK a1, 0x4f800000
	li a0, 0x80000000	/* fcvt.d.w uses the low 32 bits (sign) */
	fcvt.d.w f1, a0
	fmv.x.d a1, f1
	CHECK a1, 0xc1e0000000000000
	li a0, -1
	fcvt.d.lu f1, a0
	fmv.x.d a1, f1
	CHECK a1, 0x43f0000000000000
	LDD f1, 0x3fb999999999999a	/* 0.1 */
	fcvt.s.d f2, f1
	fmv.x.w a1, f2
	CHECK a1, 0x3dcccccd
	fcvt.d.s f3, f2
	fmv.x.d a1, f3
	CHECK a1, 0x3fb99999a0000000
	LDS f1, 0x7f800001	/* sNaN single -> canonical double NaN, NV */
	csrwi fflags, 0
	fcvt.d.s f2, f1
	fmv.x.d a1, f2
	CHECK a1, 0x7ff8000000000000
	csrr a1, fflags
	CHECK a1, 16
	TEST 10	/* FMA: single rounding */
	LDD f1, 0x3ff0000000400000	/* 1 + 2^-30 */
	LDD f2, 0xbff0000000800000	/* -(1 + 2^-29) */
	fmadd.d f3, f1, f1, f2
	fmv.x.d a0, f3
	CHECK a0, 0x3c30000000000000	/* 2^-60 */
	fmul.d f4, f1, f1
	fadd.d f4, f4, f2
	fmv.x.d a0, f4
	CHECK a0, 0			/* two roundings lose it */
	TEST 11	/* FMA sign variants: 2*3 +- 1 */
	LDD f1, 0x4000000000000000
	LDD f2, 0x4008000000000000
	LDD f3, 0x3ff0000000000000
	fmadd.d f4, f1, f2, f3
	fmv.x.d a0, f4
	CHECK a0, 0x401c000000000000	/* 7 */
	fmsub.d f4, f1, f2, f3
	fmv.x.d a0, f4
	CHECK a0, 0x4014000000000000	/* 5 */
	fnmsub.d f4, f1, f2, f3
	fmv.x.d a0, f4
	CHECK a0, 0xc014000000000000	/* -5 */
	fnmadd.d f4, f1, f2, f3
	fmv.x.d a0, f4
	CHECK a0, 0xc01c000000000000	/* -7 */
	LDS f1, 0x40000000
	LDS f2, 0x40400000
	LDS f3, 0x3f800000
	fnmadd.s f4, f1, f2, f3
	fmv.x.w a0, f4
	CHECK a0, 0xffffffffc0e00000
	TEST 12	/* FMA inf*0 is invalid even with a qNaN addend */
	LDD f1, 0x7ff0000000000000
	LDD f2, 0
	LDD f3, 0x7ff8000000000000
	csrwi fflags, 0
	fmadd.d f4, f1, f2, f3
	fmv.x.d a0, f4
	CHECK a0, 0x7ff8000000000000
	csrr a0, fflags
	CHECK a0, 16
	TEST 13	/* sqrt, div */
	LDD f1, 0x4000000000000000
	fsqrt.d f2, f1
	fmv.x.d a0, f2
	CHECK a0, 0x3ff6a09e667f3bcd
	LDS f1, 0xbf800000
	csrwi fflags, 0
	fsqrt.s f2, f1
	fmv.x.w a0, f2
	CHECK a0, 0x7fc00000
	csrr a0, fflags
	CHECK a0, 16
	LDS f1, 0x80000000	/* sqrt(-0) = -0 */
	fsqrt.s f2, f1
	fmv.x.w a0, f2
	CHECK a0, 0xffffffff80000000
	PASS
	.data
	.balign 8
buf:	.skip 64
