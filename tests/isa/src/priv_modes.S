/* Privilege transitions: ECALL from U/S/M (causes 8/9/11, mepc, MPP),
 * MRET (MIE <- MPIE, MPIE <- 1, MPP <- U, mode <- MPP), SRET (SIE <- SPIE,
 * SPIE <- 1, SPP <- U, mode <- SPP) executed from M and S, MRET/SRET clear
 * MPRV when leaving M, MRET from S/U and SRET from U are illegal. */
#include "test.h"
	/* a0 = mstatus saved at the last trap, field extract helpers */
	.macro TSTATUS
	la t0, trap_status
	ld a0, 0(t0)
	.endm
test_main:
	TEST 1	/* ecall from U */
	ENTER_MODE PRV_U
	ARM
ecu:	ecall
	TO_M
	CHECK_TRAP CAUSE_ECALL_U
	la a1, ecu
	la t0, trap_epc
	ld t0, 0(t0)
	CHECKR t0, a1
	TSTATUS
	srli a0, a0, 11
	andi a0, a0, 3
	CHECK a0, PRV_U
	TEST 2	/* ecall from S */
	ENTER_MODE PRV_S
	ARM
	ecall
	TO_M
	CHECK_TRAP CAUSE_ECALL_S
	TSTATUS
	srli a0, a0, 11
	andi a0, a0, 3
	CHECK a0, PRV_S
	TEST 3	/* mret: MIE <- MPIE, MPIE <- 1, MPP <- U */
	csrw mie, zero
	li t0, MSTATUS_MPIE | MSTATUS_MPP
	csrs mstatus, t0	/* MPP = M, MPIE = 1 */
	csrci mstatus, MSTATUS_MIE
	la t0, 1f
	csrw mepc, t0
	mret
1:	csrr a0, mstatus
	andi a1, a0, MSTATUS_MIE
	CHECK a1, MSTATUS_MIE
	andi a1, a0, MSTATUS_MPIE
	CHECK a1, MSTATUS_MPIE
	srli a1, a0, 11
	andi a1, a1, 3
	CHECK a1, PRV_U
	/* MPIE = 0 -> MIE becomes 0, MPIE becomes 1 */
	li t0, MSTATUS_MPIE
	csrc mstatus, t0
	li t0, MSTATUS_MPP
	csrs mstatus, t0
	la t0, 2f
	csrw mepc, t0
	mret
2:	csrr a0, mstatus
	andi a1, a0, MSTATUS_MIE
	CHECK a1, 0
	andi a1, a0, MSTATUS_MPIE
	CHECK a1, MSTATUS_MPIE
	TEST 4	/* mret to S clears MPRV */
	li t0, MSTATUS_MPRV
	csrs mstatus, t0
	ENTER_MODE PRV_S
	TO_M
	csrr a0, mstatus
	li t0, MSTATUS_MPRV
	and a0, a0, t0
	CHECK a0, 0
	TEST 5	/* mret to M keeps MPRV */
	li t0, MSTATUS_MPRV
	csrs mstatus, t0
	ENTER_MODE PRV_M
	csrr a0, mstatus
	li t0, MSTATUS_MPRV
	and a0, a0, t0
	CHECK a0, MSTATUS_MPRV
	csrc mstatus, t0
	TEST 6	/* sret executed in M: SPP = S goes to S, SIE <- SPIE */
	li t0, MSTATUS_SPP | MSTATUS_SPIE
	csrs mstatus, t0
	csrci mstatus, MSTATUS_SIE
	la t0, 3f
	csrw sepc, t0
	sret
3:	csrr a0, sstatus
	andi a1, a0, MSTATUS_SIE
	CHECK a1, MSTATUS_SIE
	andi a1, a0, MSTATUS_SPIE
	CHECK a1, MSTATUS_SPIE
	andi a1, a0, MSTATUS_SPP
	CHECK a1, 0
	/* we are in S: an M CSR is illegal */
	ILLW CSRI(0x340, 0, 2, 10)
	TEST 7	/* sret from S to U */
	csrci sstatus, MSTATUS_SIE
	li t0, MSTATUS_SPP
	csrc sstatus, t0
	la t0, 4f
	csrw sepc, t0
	sret
4:	ILLW CSRI(0x140, 0, 2, 10)	/* in U: sscratch illegal */
	TEST 8	/* mret / sret from U illegal */
	ILLW 0x30200073
	ILLW 0x10200073
	TO_M
	TEST 9	/* mret from S illegal */
	ENTER_MODE PRV_S
	ILLW 0x30200073
	TO_M
	TEST 10	/* sret to U clears MPRV too */
	li t0, MSTATUS_MPRV
	csrs mstatus, t0
	li t0, MSTATUS_SPP
	csrc mstatus, t0
	la t0, 5f
	csrw sepc, t0
	sret
5:	TO_M
	csrr a0, mstatus
	li t0, MSTATUS_MPRV
	and a0, a0, t0
	CHECK a0, 0
	PASS
