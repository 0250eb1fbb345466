/* F/D rounding and flags: every static rounding mode (RNE RTZ RDN RUP RMM)
 * and the dynamic one through frm, on ties, 1.5 ulp and negative values in
 * both precisions; each flag (NV DZ OF UF NX) raised by a representative
 * operation; overflow per rounding mode; FCVT to integer per rounding mode,
 * with saturation/NV and the -0.5 -> unsigned case; fcsr = frm << 5 | fflags;
 * reserved rm (static 5/6, dynamic with frm 5..7) is illegal, instructions
 * without an rm field are not affected by a bad frm. */
#include "test.h"
	/* FS2 op, rm, a, b, result, flags: single precision, raw bits */
	.macro FS2 op, rm, a, b, r, fl
	li t0, \a
	fmv.w.x f1, t0
	li t0, \b
	fmv.w.x f2, t0
	csrwi fflags, 0
	\op f3, f1, f2, \rm
	fmv.x.w a0, f3
	CHECK a0, ((\r ^ 0x80000000) - 0x80000000)
	csrr a1, fflags
	CHECK a1, \fl
	.endm
	.macro FD2 op, rm, a, b, r, fl
	li t0, \a
	fmv.d.x f1, t0
	li t0, \b
	fmv.d.x f2, t0
	csrwi fflags, 0
	\op f3, f1, f2, \rm
	fmv.x.d a0, f3
	CHECK a0, \r
	csrr a1, fflags
	CHECK a1, \fl
	.endm
	/* FCVTI op, rm, single-bits, result, flags */
	.macro FCVTI op, rm, a, r, fl
	li t0, \a
	fmv.w.x f1, t0
	csrwi fflags, 0
	\op a0, f1, \rm
	CHECK a0, \r
	csrr a1, fflags
	CHECK a1, \fl
	.endm
#define NX 1
#define UF 2
#define OF 4
#define DZ 8
#define NV 16
#define ONE 0x3f800000
#define HALF_ULP 0x33800000	/* 2^-24 */
#define ULP15 0x34400000	/* 1.5 * 2^-23 */
#define MONE 0xbf800000
test_main:
	TEST 1	/* 1 + half ulp (tie) */
	FS2 fadd.s, rne, ONE, HALF_ULP, ONE, NX
	FS2 fadd.s, rtz, ONE, HALF_ULP, ONE, NX
	FS2 fadd.s, rdn, ONE, HALF_ULP, ONE, NX
	FS2 fadd.s, rup, ONE, HALF_ULP, 0x3f800001, NX
	FS2 fadd.s, rmm, ONE, HALF_ULP, 0x3f800001, NX
	TEST 2	/* -1 - half ulp */
	FS2 fsub.s, rne, MONE, HALF_ULP, MONE, NX
	FS2 fsub.s, rtz, MONE, HALF_ULP, MONE, NX
	FS2 fsub.s, rdn, MONE, HALF_ULP, 0xbf800001, NX
	FS2 fsub.s, rup, MONE, HALF_ULP, MONE, NX
	FS2 fsub.s, rmm, MONE, HALF_ULP, 0xbf800001, NX
	TEST 3	/* 1 + 1.5 ulp */
	FS2 fadd.s, rne, ONE, ULP15, 0x3f800002, NX
	FS2 fadd.s, rtz, ONE, ULP15, 0x3f800001, NX
	FS2 fadd.s, rdn, ONE, ULP15, 0x3f800001, NX
	FS2 fadd.s, rup, ONE, ULP15, 0x3f800002, NX
	FS2 fadd.s, rmm, ONE, ULP15, 0x3f800002, NX
	TEST 4	/* tie to even when the even neighbour is above: 1+ulp + half ulp */
	FS2 fadd.s, rne, 0x3f800001, HALF_ULP, 0x3f800002, NX
	FS2 fadd.s, rmm, 0x3f800001, HALF_ULP, 0x3f800002, NX
	FS2 fadd.s, rtz, 0x3f800001, HALF_ULP, 0x3f800001, NX
	TEST 5	/* double: 1 + 2^-53 */
	FD2 fadd.d, rne, 0x3ff0000000000000, 0x3ca0000000000000, 0x3ff0000000000000, NX
	FD2 fadd.d, rup, 0x3ff0000000000000, 0x3ca0000000000000, 0x3ff0000000000001, NX
	FD2 fadd.d, rmm, 0x3ff0000000000000, 0x3ca0000000000000, 0x3ff0000000000001, NX
	FD2 fadd.d, rdn, 0x3ff0000000000000, 0x3ca0000000000000, 0x3ff0000000000000, NX
	FD2 fadd.d, rtz, 0x3ff0000000000000, 0x3ca0000000000000, 0x3ff0000000000000, NX
	TEST 6	/* dynamic rounding via frm; fcsr layout */
	csrwi frm, 3	/* RUP */
	FS2 fadd.s, dyn, ONE, HALF_ULP, 0x3f800001, NX
	csrr a0, fcsr
	CHECK a0, (3 << 5) | NX
	csrwi frm, 2	/* RDN */
	FS2 fsub.s, dyn, MONE, HALF_ULP, 0xbf800001, NX
	csrwi frm, 4	/* RMM */
	FD2 fadd.d, dyn, 0x3ff0000000000000, 0x3ca0000000000000, 0x3ff0000000000001, NX
	csrwi frm, 1
	FD2 fdiv.d, dyn, 0x3ff0000000000000, 0x4008000000000000, 0x3fd5555555555555, NX
	csrwi frm, 3
	FD2 fdiv.d, dyn, 0x3ff0000000000000, 0x4008000000000000, 0x3fd5555555555556, NX
	li t0, 0xff
	csrw fcsr, t0
	csrr a0, frm
	CHECK a0, 7
	csrr a0, fflags
	CHECK a0, 0x1f
	li t0, -1		/* only the defined bits exist */
	csrw fcsr, t0
	csrr a0, fcsr
	CHECK a0, 0xff
	csrw fflags, t0
	csrr a0, fflags
	CHECK a0, 0x1f
	csrw frm, t0
	csrr a0, frm
	CHECK a0, 7
	csrw fcsr, zero
	TEST 7	/* flags */
	FS2 fdiv.s, rne, ONE, 0x00000000, 0x7f800000, DZ
	FS2 fdiv.s, rne, MONE, 0x00000000, 0xff800000, DZ
	FS2 fdiv.s, rne, 0x00000000, 0x00000000, 0x7fc00000, NV
	FS2 fsub.s, rne, 0x7f800000, 0x7f800000, 0x7fc00000, NV
	FS2 fmul.s, rne, 0x7f7fffff, 0x40000000, 0x7f800000, OF | NX
	FS2 fmul.s, rne, 0x00800001, 0x3f000000, 0x00400000, UF | NX
	FS2 fmul.s, rne, 0x00800000, 0x3f000000, 0x00400000, 0	/* exact tiny: no UF */
	FS2 fdiv.s, rne, ONE, 0x40400000, 0x3eaaaaab, NX
	FS2 fadd.s, rne, 0x7fa00000, ONE, 0x7fc00000, NV	/* sNaN operand */
	FS2 fadd.s, rne, 0x7fc00000, ONE, 0x7fc00000, 0		/* qNaN: quiet */
	TEST 14	/* flags accumulate: an op ORs into fflags */
	csrwi fflags, NX
	li t0, 0x3f800000
	fmv.w.x f1, t0
	fmv.w.x f2, zero
	fdiv.s f3, f1, f2	/* DZ */
	csrr a0, fflags
	CHECK a0, NX | DZ
	fadd.s f3, f1, f1	/* exact: nothing added, nothing cleared */
	csrr a0, fflags
	CHECK a0, NX | DZ
	csrwi fflags, 0
	TEST 8	/* overflow per rounding mode */
	FS2 fmul.s, rtz, 0x7f7fffff, 0x40000000, 0x7f7fffff, OF | NX
	FS2 fmul.s, rdn, 0x7f7fffff, 0x40000000, 0x7f7fffff, OF | NX
	FS2 fmul.s, rup, 0x7f7fffff, 0x40000000, 0x7f800000, OF | NX
	FS2 fmul.s, rup, 0xff7fffff, 0x40000000, 0xff7fffff, OF | NX
	FS2 fmul.s, rdn, 0xff7fffff, 0x40000000, 0xff800000, OF | NX
	FS2 fmul.s, rmm, 0x7f7fffff, 0x40000000, 0x7f800000, OF | NX
	FD2 fmul.d, rtz, 0x7fefffffffffffff, 0x4000000000000000, 0x7fefffffffffffff, OF | NX
	TEST 9	/* fcvt.w.s rounding: 2.5 and -2.5 */
	FCVTI fcvt.w.s, rne, 0x40200000, 2, NX
	FCVTI fcvt.w.s, rtz, 0x40200000, 2, NX
	FCVTI fcvt.w.s, rdn, 0x40200000, 2, NX
	FCVTI fcvt.w.s, rup, 0x40200000, 3, NX
	FCVTI fcvt.w.s, rmm, 0x40200000, 3, NX
	FCVTI fcvt.w.s, rne, 0xc0200000, -2, NX
	FCVTI fcvt.w.s, rtz, 0xc0200000, -2, NX
	FCVTI fcvt.w.s, rdn, 0xc0200000, -3, NX
	FCVTI fcvt.w.s, rup, 0xc0200000, -2, NX
	FCVTI fcvt.w.s, rmm, 0xc0200000, -3, NX
	FCVTI fcvt.w.s, rne, 0x40400000, 3, 0	/* exact */
	TEST 10	/* saturation and invalid */
	FCVTI fcvt.w.s, rtz, 0x4f32d05e, 0x7fffffff, NV		/* 3e9 */
	FCVTI fcvt.w.s, rtz, 0xcf32d05e, 0xffffffff80000000, NV
	FCVTI fcvt.w.s, rtz, 0x7fc00000, 0x7fffffff, NV		/* NaN */
	FCVTI fcvt.w.s, rtz, 0xff800000, 0xffffffff80000000, NV	/* -inf */
	FCVTI fcvt.wu.s, rtz, 0xbf800000, 0, NV			/* -1 */
	FCVTI fcvt.wu.s, rtz, 0xbf000000, 0, NX			/* -0.5 -> 0 */
	FCVTI fcvt.wu.s, rtz, 0x4f32d05e, 0xffffffffb2d05e00, 0	/* 3e9 fits: sign-extended */
	FCVTI fcvt.l.s, rtz, 0x5f000000, 0x7fffffffffffffff, NV	/* 2^63 */
	FCVTI fcvt.l.s, rtz, 0xdf000000, 0x8000000000000000, 0	/* -2^63 exact */
	FCVTI fcvt.lu.s, rtz, 0x7fc00000, -1, NV
	FCVTI fcvt.lu.s, rup, 0x3e800000, 1, NX			/* 0.25 up */
	TEST 11	/* reserved static rm 5 and 6: illegal */
	ILLW 0x00005053	/* fadd.s f0, f0, f0, rm=5 */
	ILLW 0x02006053	/* fadd.d f0, f0, f0, rm=6 */
	TEST 12	/* dynamic rm with frm 5, 6, 7: illegal */
	csrwi frm, 5
	ILLW 0x00007053
	csrwi frm, 6
	ILLW 0x02007053
	csrwi frm, 7
	ILLW 0xc0007053	/* fcvt.w.s x0, f0, dyn */
	TEST 13	/* ...but no-rm instructions work with a bad frm */
	ARM
	fsgnj.s f1, f2, f2
	fmin.d f1, f2, f2
	feq.s a0, f1, f2
	fclass.d a0, f1
	fmv.x.d a0, f1
	CHECK_NOTRAP
	csrwi frm, 0
	PASS
