/* Interrupts: mip.SSIP/STIP/SEIP writable from M, MSIP/MTIP read-only and
 * driven by the CLINT (msip at 0x02000000, mtimecmp at 0x02004000, mtime at
 * 0x0200bff8); (priority order: irq_priority.S); gating by
 * mie and mstatus.MIE in M, M interrupts always enabled in S/U; WFI with
 * an interrupt pending but globally disabled just continues. */
#include "test.h"
#define ALL_IE ((1 << IRQ_MSI) | (1 << IRQ_MTI) | (1 << IRQ_SSI) | (1 << IRQ_STI) | (1 << IRQ_SEI))
	/* Enable everything in mie, open MIE, expect cause c, close MIE. */
	.macro TAKE c
	ARM
	li t0, ALL_IE
	csrw mie, t0
	csrsi mstatus, MSTATUS_MIE
	nop
	csrci mstatus, MSTATUS_MIE
	CHECK_TRAP IRQ(\c)
	.endm
test_main:
	csrw mideleg, zero
	csrw mie, zero
	li s0, CLINT_MSIP
	li s1, CLINT_MTIMECMP
	li s2, CLINT_MTIME
	li t0, -1
	sd t0, 0(s1)
	TEST 1	/* software-writable pending bits */
	li t0, (1 << IRQ_SSI) | (1 << IRQ_STI) | (1 << IRQ_SEI)
	csrs mip, t0
	csrr a0, mip
	andi a0, a0, 0x222
	CHECK a0, 0x222
	csrc mip, t0
	csrr a0, mip
	andi a0, a0, 0x222
	CHECK a0, 0
	TEST 2	/* MSIP follows the CLINT, not mip writes */
	li t0, 1 << IRQ_MSI
	csrs mip, t0
	csrr a0, mip
	andi a0, a0, 1 << IRQ_MSI
	CHECK a0, 0
	li t0, 1
	sw t0, 0(s0)
	csrr a0, mip
	andi a0, a0, 1 << IRQ_MSI
	CHECK a0, 1 << IRQ_MSI
	sw zero, 0(s0)
	csrr a0, mip
	andi a0, a0, 1 << IRQ_MSI
	CHECK a0, 0
	TEST 3	/* MTIP follows mtime >= mtimecmp */
	csrr a0, mip
	andi a0, a0, 1 << IRQ_MTI
	CHECK a0, 0
	sd zero, 0(s1)
	csrr a0, mip
	andi a0, a0, 1 << IRQ_MTI
	CHECK a0, 1 << IRQ_MTI
	li t0, -1
	sd t0, 0(s1)
	csrr a0, mip
	andi a0, a0, 1 << IRQ_MTI
	CHECK a0, 0
	TEST 4	/* mtime advances */
	ld a0, 0(s2)
	li t0, 2000
1:	addi t0, t0, -1
	bnez t0, 1b
	ld a1, 0(s2)
	bltu a0, a1, 2f
	j fail
2:
	TEST 5	/* nothing taken while MIE = 0 in M */
	li t0, 1
	sw t0, 0(s0)
	li t0, ALL_IE
	csrw mie, t0
	nop
	nop
	TEST 6	/* WFI with a pending enabled interrupt and MIE = 0 continues */
	wfi
	TEST 12	/* only the enabled one is taken */
	li t0, (1 << IRQ_SSI) | (1 << IRQ_STI)
	csrs mip, t0
	ARM
	li t0, 1 << IRQ_STI
	csrw mie, t0
	csrsi mstatus, MSTATUS_MIE
	nop
	csrci mstatus, MSTATUS_MIE
	CHECK_TRAP IRQ(IRQ_STI)
	li t0, (1 << IRQ_SSI) | (1 << IRQ_STI)
	csrc mip, t0
	TEST 13	/* in S, M interrupts are taken with MIE = 0 */
	csrci mstatus, MSTATUS_MIE
	li t0, MSTATUS_MPIE
	csrc mstatus, t0
	li t0, 1 << IRQ_MSI
	csrw mie, t0
	li t0, 1
	sw t0, 0(s0)
	ARM
	ENTER_MODE PRV_S
	nop
	CHECK_TRAP IRQ(IRQ_MSI)
	CHECKM trap_level, PRV_M
	la t0, trap_status
	ld a0, 0(t0)
	srli a0, a0, 11
	andi a0, a0, 3
	CHECK a0, PRV_S
	TO_M
	sw zero, 0(s0)
	TEST 14	/* timer interrupt from a near deadline (1 ms), taken in WFI:
		 * mepc is the instruction after the WFI */
	ld a0, 0(s2)
	li t0, 10000
	add a0, a0, t0
	sd a0, 0(s1)
	li t0, 1 << IRQ_MTI
	csrw mie, t0
	ARM
	csrsi mstatus, MSTATUS_MIE
wfi14:	wfi
after14:
	nop
	csrci mstatus, MSTATUS_MIE
	CHECK_TRAP IRQ(IRQ_MTI)
	la a1, after14
	la t0, trap_epc
	ld t0, 0(t0)
	CHECKR t0, a1
	li t0, -1
	sd t0, 0(s1)
	PASS
