/* mstatus.FS: with FS = Off every F/D instruction and fcsr/frm/fflags access
 * is illegal (tval = instruction); writing FP state (register, fflags via an
 * operation, fcsr via CSR) moves FS from Initial/Clean to Dirty and sets SD;
 * sstatus shows FS and SD. */
#include "test.h"
	.macro FS_SET v
	li t0, MSTATUS_FS
	csrc mstatus, t0
	li t0, (\v << 13)
	csrs mstatus, t0
	.endm
	.macro FS_IS v
	csrr a0, mstatus
	srli a1, a0, 13
	andi a1, a1, 3
	CHECK a1, \v
	srli a1, a0, 63
	.if \v == 3
	CHECK a1, 1
	.else
	CHECK a1, 0
	.endif
	.endm
test_main:
	TEST 1	/* FS off: FP ops, loads, moves, CSRs illegal */
	FS_SET 0
	FS_IS 0
	ILLW 0x00000053		/* fadd.s f0, f0, f0, rne */
	ILLW 0x0002a007		/* flw f0, 0(t0) */
	ILLW 0xe0000553		/* fmv.x.w a0, f0 */
	ILLW 0x00302573		/* csrr a0, fcsr */
	ILLW 0x00101073		/* csrw fflags, zero */
	ILLW 0x00205073		/* csrwi frm, 0 */
	ARM
	.hword 0x2000		/* c.fld f8, 0(s0) */
	CHECK_TRAP CAUSE_ILLEGAL
	CHECK_TVAL 0x2000
	TEST 2	/* Initial -> Dirty on a register write */
	FS_SET 1
	FS_IS 1
	fmv.w.x f1, zero
	FS_IS 3
	TEST 3	/* Clean -> Dirty on fflags written by an operation */
	li t0, 0x3f800000
	fmv.w.x f1, t0
	fmv.w.x f2, zero
	FS_SET 2
	FS_IS 2
	fdiv.s f1, f1, f2	/* DZ */
	FS_IS 3
	TEST 4	/* Clean -> Dirty on csrw fcsr */
	FS_SET 2
	csrwi fflags, 1
	FS_IS 3
	TEST 5	/* Clean -> Dirty on fld */
	FS_SET 2
	la t1, buf
	fld f3, 0(t1)
	FS_IS 3
	TEST 6	/* sstatus mirrors FS and SD */
	csrr a0, sstatus
	srli a1, a0, 13
	andi a1, a1, 3
	CHECK a1, 3
	srli a1, a0, 63
	CHECK a1, 1
	FS_SET 2
	csrr a0, sstatus
	srli a1, a0, 63
	CHECK a1, 0
	TEST 7	/* FS off from S as well; S can turn it on via sstatus */
	FS_SET 0
	ENTER_MODE PRV_S
	ILLW 0x00000053
	li t0, (1 << 13)
	csrs sstatus, t0
	ARM
	fadd.s f0, f0, f0
	CHECK_NOTRAP
	TO_M
	FS_IS 3
	PASS
	.data
	.balign 8
buf:	.dword 0
