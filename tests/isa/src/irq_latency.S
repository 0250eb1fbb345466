/* Interrupts become visible right after the write that makes them pending
 * and enabled (priv. spec: evaluated immediately after an explicit write to
 * mip, mie, mstatus, mideleg, and after xRET): mepc is the instruction right
 * after csrs mip / csrs mie / csrsi mstatus / mret / csrw mideleg / csrsi
 * sstatus; an MMIO-raised one (CLINT msip) is taken within a bounded time
 * (a 10000-iteration loop here). */
#include "test.h"
	/* the trap's epc must equal label */
	.macro EPC_IS label
	la a1, \label
	la t0, trap_epc
	ld t0, 0(t0)
	CHECKR t0, a1
	.endm
test_main:
	csrw mideleg, zero
	csrw mie, zero
	la t0, s_trap
	csrw stvec, t0
	TEST 1	/* csrs mip */
	li t0, 1 << IRQ_SSI
	csrw mie, t0
	csrsi mstatus, MSTATUS_MIE
	ARM
	csrs mip, t0
e1:	nop
	csrci mstatus, MSTATUS_MIE
	CHECK_TRAP IRQ(IRQ_SSI)
	EPC_IS e1
	TEST 2	/* csrs mie (SSIP still pending) */
	csrsi mstatus, MSTATUS_MIE
	ARM
	li t0, 1 << IRQ_SSI
	csrs mie, t0
e2:	nop
	csrci mstatus, MSTATUS_MIE
	CHECK_TRAP IRQ(IRQ_SSI)
	EPC_IS e2
	TEST 3	/* csrsi mstatus.MIE */
	li t0, 1 << IRQ_SSI
	csrs mie, t0
	ARM
	csrsi mstatus, MSTATUS_MIE
e3:	nop
	csrci mstatus, MSTATUS_MIE
	CHECK_TRAP IRQ(IRQ_SSI)
	EPC_IS e3
	TEST 4	/* mret to M with MPIE = 1 */
	li t0, 1 << IRQ_SSI
	csrs mie, t0
	li t0, MSTATUS_MPP | MSTATUS_MPIE
	csrs mstatus, t0
	la t0, e4
	csrw mepc, t0
	ARM
	mret
	nop
e4:	nop
	csrci mstatus, MSTATUS_MIE
	CHECK_TRAP IRQ(IRQ_SSI)
	EPC_IS e4
	TEST 5	/* in S with SIE = 1: csrw mideleg hands SSI to S at once...
		 * first it is undelegated and M-level (taken in S): keep mie 0 */
	li t0, 1 << IRQ_SSI
	csrw mideleg, t0
	csrw mie, t0
	ENTER_MODE PRV_S
	ARM
	csrsi sstatus, MSTATUS_SIE
e5:	nop
	csrci sstatus, MSTATUS_SIE
	CHECK_TRAP IRQ(IRQ_SSI)
	CHECKM trap_level, PRV_S
	EPC_IS e5
	TO_M
	TEST 6	/* undelegating makes it M-level: taken in S right after the
		 * write... done from M: after mret into S */
	li t0, 1 << IRQ_SSI
	csrw mie, t0
	csrw mideleg, zero
	ARM
	li t0, MSTATUS_MPP
	csrc mstatus, t0
	li t0, (PRV_S << 11)
	csrs mstatus, t0
	la t0, e6
	csrw mepc, t0
	mret
	nop
e6:	nop
	CHECK_TRAP IRQ(IRQ_SSI)
	CHECKM trap_level, PRV_M
	EPC_IS e6
	TO_M
	li t0, 1 << IRQ_SSI
	csrc mip, t0
	TEST 7	/* CLINT msip: taken eventually */
	li t0, 1 << IRQ_MSI
	csrw mie, t0
	csrsi mstatus, MSTATUS_MIE
	li s0, CLINT_MSIP
	li t1, 1
	ARM
	sw t1, 0(s0)
	li t2, 10000
	la t3, trap_armed
1:	ld t4, 0(t3)
	beqz t4, 2f
	addi t2, t2, -1
	bnez t2, 1b
2:	csrci mstatus, MSTATUS_MIE
	CHECK_TRAP IRQ(IRQ_MSI)
	sw zero, 0(s0)
	PASS
