/* Counter rules QEMU 7.2 cannot show (domus-only): the time CSR is readable
 * in M, equal to the CLINT's mtime (between two mtime reads), gated for S by
 * mcounteren.TM and for U by scounteren.TM too (QEMU's spike machine has no
 * time source behind the CSR: reading it is illegal there); ECALL does not
 * retire, so it does not count in minstret (QEMU -icount counts it). */
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
	TEST 5	/* exact around a trap: csrr + ecall (does not retire) + a
		 * 4-instruction handler = 5 */
	la t0, tiny_handler
	csrw mtvec, t0
	csrr a0, minstret
	ecall
	csrr a1, minstret
	la t0, m_trap
	csrw mtvec, t0
	sub a2, a1, a0
	CHECK a2, 5
	PASS
fail_j:	j fail
	.balign 4
tiny_handler:
	csrr t0, mepc
	addi t0, t0, 4
	csrw mepc, t0
	mret
