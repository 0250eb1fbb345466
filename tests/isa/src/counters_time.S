/* The time CSR: readable in M, equal to the CLINT's mtime (between two
 * mtime reads), gated for S by mcounteren.TM and for U by scounteren.TM too.
 * Domus-only: QEMU 7.2's spike machine has no time source behind the CSR
 * (reading it is illegal there). */
#include "test.h"
#define RD_TIME CSRI(0xc01, 0, 2, 10)
test_main:
	TEST 1
	li s0, CLINT_MTIME
	ld a2, 0(s0)
	csrr a3, time
	ld a4, 0(s0)
	bltu a3, a2, fail_j
	bltu a4, a3, fail_j
	TEST 2	/* gated */
	csrw mcounteren, zero
	csrw scounteren, zero
	ENTER_MODE PRV_S
	ILLW RD_TIME
	TO_M
	TEST 3
	csrwi mcounteren, 2
	ENTER_MODE PRV_S
	ARM
	rdtime a0
	CHECK_NOTRAP
	TO_M
	ENTER_MODE PRV_U
	ILLW RD_TIME
	TO_M
	TEST 4
	csrwi scounteren, 2
	ENTER_MODE PRV_U
	ARM
	rdtime a0
	CHECK_NOTRAP
	TO_M
	PASS
fail_j:	j fail
