/* mstatus trap-virtualization bits: TW (WFI in S traps), WFI in U traps,
 * TSR (SRET in S traps, still fine in M), TVM (satp access and SFENCE.VMA in
 * S trap, fine in M); tval = the instruction bits. WFI in M with nothing
 * pending is avoided (it may sleep forever); WFI in S with TW = 0 and an
 * interrupt pending and enabled in sie but SIE = 0 just returns. */
#include "test.h"
#define WFI 0x10500073
#define SRET 0x10200073
#define SFENCE 0x12000073
test_main:
	csrw mie, zero
	TEST 1	/* TW = 1: WFI in S is illegal */
	li t0, MSTATUS_TW
	csrs mstatus, t0
	ENTER_MODE PRV_S
	ILLW WFI
	TO_M
	li t0, MSTATUS_TW
	csrc mstatus, t0
	TEST 2	/* WFI in U is illegal (TW = 0) */
	ENTER_MODE PRV_U
	ILLW WFI
	TO_M
	TEST 3	/* TW = 0, WFI in S with a delegated SSI pending and enabled in
		 * sie but SIE = 0: WFI returns, the interrupt is taken once
		 * SIE is set */
	la t0, s_trap
	csrw stvec, t0
	li t0, 1 << IRQ_SSI
	csrw mideleg, t0
	csrs mip, t0
	ENTER_MODE PRV_S
	csrci sstatus, MSTATUS_SIE
	li t0, 1 << IRQ_SSI
	csrw sie, t0
	wfi
	ARM
	csrsi sstatus, MSTATUS_SIE
	nop
	csrci sstatus, MSTATUS_SIE
	CHECK_TRAP IRQ(IRQ_SSI)
	CHECKM trap_level, PRV_S
	TO_M
	li t0, 1 << IRQ_SSI
	csrc mip, t0
	csrw mideleg, zero
	csrw mie, zero
	TEST 4	/* TSR = 1: SRET in S illegal */
	li t0, MSTATUS_TSR
	csrs mstatus, t0
	ENTER_MODE PRV_S
	ILLW SRET
	TO_M
	TEST 5	/* TSR = 1: SRET in M still works */
	li t0, MSTATUS_SPP
	csrs mstatus, t0
	la t0, 1f
	csrw sepc, t0
	sret
1:	TO_M
	li t0, MSTATUS_TSR
	csrc mstatus, t0
	TEST 6	/* TVM = 1: satp and sfence.vma illegal in S */
	li t0, MSTATUS_TVM
	csrs mstatus, t0
	ENTER_MODE PRV_S
	ILLW CSRI(0x180, 0, 2, 10)	/* csrr a0, satp */
	ILLW CSRI(0x180, 0, 1, 0)	/* csrw satp, zero */
	ILLW SFENCE
	TO_M
	TEST 7	/* TVM = 1: M unaffected */
	ARM
	csrr a0, satp
	csrw satp, zero
	sfence.vma
	CHECK_NOTRAP
	li t0, MSTATUS_TVM
	csrc mstatus, t0
	TEST 8	/* TVM = 0: S may access satp and sfence */
	ENTER_MODE PRV_S
	ARM
	csrr a0, satp
	csrw satp, zero
	sfence.vma
	CHECK_NOTRAP
	TO_M
	TEST 9	/* sfence.vma from U is illegal */
	ENTER_MODE PRV_U
	ILLW SFENCE
	TO_M
	PASS
