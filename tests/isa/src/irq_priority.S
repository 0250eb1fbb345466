/* Interrupt priority with several pending and enabled at once, taken in M:
 * MSI > MTI > SEI > SSI > STI (MEI needs an interrupt controller, which bare
 * mode lacks). Domus-only: QEMU 7.2 takes the lowest cause number first. */
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
	li t0, 1
	sw t0, 0(s0)
	TEST 7	/* priority with everything pending */
	sd zero, 0(s1)
	li t0, (1 << IRQ_SSI) | (1 << IRQ_STI) | (1 << IRQ_SEI)
	csrs mip, t0
	TAKE IRQ_MSI
	sw zero, 0(s0)
	TEST 8
	TAKE IRQ_MTI
	li t0, -1
	sd t0, 0(s1)
	TEST 9
	TAKE IRQ_SEI
	li t0, 1 << IRQ_SEI
	csrc mip, t0
	TEST 10
	TAKE IRQ_SSI
	li t0, 1 << IRQ_SSI
	csrc mip, t0
	TEST 11
	TAKE IRQ_STI
	li t0, 1 << IRQ_STI
	csrc mip, t0
	TEST 12	/* from S (M-level interrupts always enabled there): MSI first */
	li t0, 1
	sw t0, 0(s0)
	li t0, (1 << IRQ_SSI) | (1 << IRQ_STI)
	csrs mip, t0
	li t0, (1 << IRQ_MSI) | (1 << IRQ_SSI) | (1 << IRQ_STI)
	csrw mie, t0
	ARM
	ENTER_MODE PRV_S
	nop
	CHECK_TRAP IRQ(IRQ_MSI)
	CHECKM trap_level, PRV_M
	TO_M
	sw zero, 0(s0)
	TEST 13	/* then SSI before STI (both undelegated: M-level) */
	li t0, (1 << IRQ_SSI) | (1 << IRQ_STI)
	csrw mie, t0
	ARM
	ENTER_MODE PRV_S
	nop
	CHECK_TRAP IRQ(IRQ_SSI)
	TO_M
	li t0, 1 << IRQ_SSI
	csrc mip, t0
	li t0, 1 << IRQ_STI
	csrw mie, t0
	ARM
	ENTER_MODE PRV_S
	nop
	CHECK_TRAP IRQ(IRQ_STI)
	TO_M
	li t0, 1 << IRQ_STI
	csrc mip, t0
	PASS
