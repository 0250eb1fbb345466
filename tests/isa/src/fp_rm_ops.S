/* The rounding mode reaches every rounding operation, not just add:
 * int -> float conversions (fcvt.s.w/l, fcvt.d.l) on ties and negatives,
 * float narrowing (fcvt.s.d), fmul, fsqrt, fma (fmadd.d) and
 * float -> int (fcvt.l.d), each in all five static modes and via frm. */
#include "test.h"
#define NX 1
	/* CVTI op, rm, int, expected-bits (read with fmv.x.d), flags */
	.macro CVTF op, rm, v, r, fl
	li t0, \v
	csrwi fflags, 0
	\op f1, t0, \rm
	fmv.x.d a0, f1
	CHECK a0, \r
	csrr a1, fflags
	CHECK a1, \fl
	.endm
	.macro DOP1 op, rm, a, r, fl
	li t0, \a
	fmv.d.x f1, t0
	csrwi fflags, 0
	\op f2, f1, \rm
	fmv.x.d a0, f2
	CHECK a0, \r
	csrr a1, fflags
	CHECK a1, \fl
	.endm
	.macro DOP2 op, rm, a, b, r
	li t0, \a
	fmv.d.x f1, t0
	li t0, \b
	fmv.d.x f2, t0
	\op f3, f1, f2, \rm
	fmv.x.d a0, f3
	CHECK a0, \r
	.endm
	.macro FMA rm, a, b, c, r
	li t0, \a
	fmv.d.x f1, t0
	li t0, \b
	fmv.d.x f2, t0
	li t0, \c
	fmv.d.x f3, t0
	fmadd.d f4, f1, f2, f3, \rm
	fmv.x.d a0, f4
	CHECK a0, \r
	.endm
	.macro D2L rm, a, r
	li t0, \a
	fmv.d.x f1, t0
	fcvt.l.d a0, f1, \rm
	CHECK a0, \r
	.endm
#define BOX(x) (0xffffffff00000000 | (x))
test_main:
	TEST 1	/* fcvt.s.w: 2^24 + 1 is a tie */
	CVTF fcvt.s.w, rne, 16777217, BOX(0x4b800000), NX
	CVTF fcvt.s.w, rtz, 16777217, BOX(0x4b800000), NX
	CVTF fcvt.s.w, rdn, 16777217, BOX(0x4b800000), NX
	CVTF fcvt.s.w, rup, 16777217, BOX(0x4b800001), NX
	CVTF fcvt.s.w, rmm, 16777217, BOX(0x4b800001), NX
	CVTF fcvt.s.w, rdn, -16777217, BOX(0xcb800001), NX
	CVTF fcvt.s.w, rup, -16777217, BOX(0xcb800000), NX
	CVTF fcvt.s.w, rne, 16777216, BOX(0x4b800000), 0
	TEST 2	/* fcvt.d.l: 2^53 + 1 */
	CVTF fcvt.d.l, rne, 0x20000000000001, 0x4340000000000000, NX
	CVTF fcvt.d.l, rup, 0x20000000000001, 0x4340000000000001, NX
	CVTF fcvt.d.l, rmm, 0x20000000000001, 0x4340000000000001, NX
	CVTF fcvt.d.l, rtz, -0x20000000000001, 0xc340000000000000, NX
	CVTF fcvt.d.l, rdn, -0x20000000000001, 0xc340000000000001, NX
	CVTF fcvt.s.l, rup, 0x7fffffffffffffff, BOX(0x5f000000), NX
	CVTF fcvt.s.lu, rtz, -1, BOX(0x5f7fffff), NX
	TEST 3	/* fcvt.s.d narrowing: 1 + 2^-24 is a tie */
	DOP1 fcvt.s.d, rne, 0x3ff0000010000000, BOX(0x3f800000), NX
	DOP1 fcvt.s.d, rtz, 0x3ff0000010000000, BOX(0x3f800000), NX
	DOP1 fcvt.s.d, rdn, 0x3ff0000010000000, BOX(0x3f800000), NX
	DOP1 fcvt.s.d, rup, 0x3ff0000010000000, BOX(0x3f800001), NX
	DOP1 fcvt.s.d, rmm, 0x3ff0000010000000, BOX(0x3f800001), NX
	DOP1 fcvt.s.d, rtz, 0x7fefffffffffffff, BOX(0x7f7fffff), 5	/* OF|NX */
	TEST 4	/* fsqrt.d(2) */
	DOP1 fsqrt.d, rne, 0x4000000000000000, 0x3ff6a09e667f3bcd, NX
	DOP1 fsqrt.d, rup, 0x4000000000000000, 0x3ff6a09e667f3bcd, NX
	DOP1 fsqrt.d, rdn, 0x4000000000000000, 0x3ff6a09e667f3bcc, NX
	DOP1 fsqrt.d, rtz, 0x4000000000000000, 0x3ff6a09e667f3bcc, NX
	DOP1 fsqrt.d, rmm, 0x4000000000000000, 0x3ff6a09e667f3bcd, NX
	TEST 5	/* fmul.d: (1 + 2^-52)^2 = 1 + 2^-51 + 2^-104 */
	DOP2 fmul.d, rne, 0x3ff0000000000001, 0x3ff0000000000001, 0x3ff0000000000002
	DOP2 fmul.d, rup, 0x3ff0000000000001, 0x3ff0000000000001, 0x3ff0000000000003
	DOP2 fmul.d, rtz, 0x3ff0000000000001, 0x3ff0000000000001, 0x3ff0000000000002
	DOP2 fmul.d, rmm, 0x3ff0000000000001, 0x3ff0000000000001, 0x3ff0000000000002
	TEST 6	/* fmadd.d: 1 * 1 + 2^-53 (a tie) */
	FMA rne, 0x3ff0000000000000, 0x3ff0000000000000, 0x3ca0000000000000, 0x3ff0000000000000
	FMA rup, 0x3ff0000000000000, 0x3ff0000000000000, 0x3ca0000000000000, 0x3ff0000000000001
	FMA rmm, 0x3ff0000000000000, 0x3ff0000000000000, 0x3ca0000000000000, 0x3ff0000000000001
	FMA rdn, 0x3ff0000000000000, 0x3ff0000000000000, 0x3ca0000000000000, 0x3ff0000000000000
	TEST 7	/* fcvt.l.d of -2.5 */
	D2L rne, 0xc004000000000000, -2
	D2L rtz, 0xc004000000000000, -2
	D2L rdn, 0xc004000000000000, -3
	D2L rup, 0xc004000000000000, -2
	D2L rmm, 0xc004000000000000, -3
	TEST 8	/* the same through frm (dyn) */
	csrwi frm, 3
	CVTF fcvt.s.w, dyn, 16777217, BOX(0x4b800001), NX
	DOP1 fsqrt.d, dyn, 0x4000000000000000, 0x3ff6a09e667f3bcd, NX
	csrwi frm, 2
	DOP1 fsqrt.d, dyn, 0x4000000000000000, 0x3ff6a09e667f3bcc, NX
	D2L dyn, 0xc004000000000000, -3
	csrwi frm, 4
	FMA dyn, 0x3ff0000000000000, 0x3ff0000000000000, 0x3ca0000000000000, 0x3ff0000000000001
	csrwi frm, 0
	PASS
