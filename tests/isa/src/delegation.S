/* Trap delegation: medeleg sends exceptions from S/U to the S handler
 * (scause/sepc/stval, SPP, SPIE/SIE), never those taken in M; undelegated
 * ones still go to M; mideleg sends SSI to S, where it is taken in U always
 * and in S only with SIE; a delegated interrupt is not taken in M. */
#include "test.h"
test_main:
	la t0, s_trap
	csrw stvec, t0
	TEST 1	/* medeleg/mideleg hold the standard bits we need */
	li t0, (1 << CAUSE_ILLEGAL) | (1 << CAUSE_BREAKPOINT) | (1 << CAUSE_ECALL_U)
	csrw medeleg, t0
	csrr a0, medeleg
	CHECK a0, (1 << CAUSE_ILLEGAL) | (1 << CAUSE_BREAKPOINT) | (1 << CAUSE_ECALL_U)
	li t0, (1 << IRQ_SSI) | (1 << IRQ_STI) | (1 << IRQ_SEI)
	csrw mideleg, t0
	csrr a0, mideleg
	andi a0, a0, 0x222	/* (other bits may be hardwired, e.g. with H) */
	CHECK a0, (1 << IRQ_SSI) | (1 << IRQ_STI) | (1 << IRQ_SEI)
	TEST 2	/* illegal in U -> S handler, stval = instruction, SPP = U */
	csrw mcause, zero
	ENTER_MODE PRV_U
	ARM
ill_u:	.word 0xfe000033
	CHECK_TRAP CAUSE_ILLEGAL
	CHECKM trap_level, PRV_S
	CHECK_TVAL 0xfe000033
	la t0, trap_status
	ld a0, 0(t0)
	andi a0, a0, MSTATUS_SPP
	CHECK a0, 0
	la a1, ill_u
	la t0, trap_epc
	ld t0, 0(t0)
	CHECKR t0, a1
	TEST 3	/* ecall from U delegated -> scause 8 */
	ARM
	ecall
	CHECK_TRAP CAUSE_ECALL_U
	CHECKM trap_level, PRV_S
	TEST 4	/* breakpoint in S -> S handler, SPP = S; SIE -> SPIE, SIE = 0 */
	TO_M
	CHECKM trap_level, PRV_S
	csrr a0, mcause			/* M saw only the forwarded ecall */
	CHECK a0, CAUSE_ECALL_S
	ENTER_MODE PRV_S
	csrsi sstatus, MSTATUS_SIE
	csrw sie, zero
	ARM
	ebreak
	CHECK_TRAP CAUSE_BREAKPOINT
	CHECKM trap_level, PRV_S
	la t0, trap_status
	ld a0, 0(t0)
	andi a1, a0, MSTATUS_SPP
	CHECK a1, MSTATUS_SPP
	andi a1, a0, MSTATUS_SPIE
	CHECK a1, MSTATUS_SPIE
	andi a1, a0, MSTATUS_SIE
	CHECK a1, 0
	csrci sstatus, MSTATUS_SIE
	TEST 5	/* not-delegated cause from S goes to M */
	ARM
	ecall
	CHECK_TRAP CAUSE_ECALL_S
	CHECKM trap_level, PRV_M
	TO_M
	TEST 6	/* a delegated cause raised in M stays in M */
	ARM
	.word 0xfe000033
	CHECK_TRAP CAUSE_ILLEGAL
	CHECKM trap_level, PRV_M
	TEST 7	/* SSI delegated, pending in M: not taken in M */
	li t0, 1 << IRQ_SSI
	csrw mie, t0
	csrs mip, t0
	csrsi mstatus, MSTATUS_MIE | MSTATUS_SIE
	nop
	nop
	csrci mstatus, MSTATUS_MIE | MSTATUS_SIE
	TEST 8	/* in S with SIE = 0: not taken; with SIE = 1: taken by S */
	ENTER_MODE PRV_S
	nop
	nop
	ARM
	csrsi sstatus, MSTATUS_SIE
	nop
	csrci sstatus, MSTATUS_SIE
	CHECK_TRAP IRQ(IRQ_SSI)
	CHECKM trap_level, PRV_S
	csrr a0, sie		/* handler masked sie */
	CHECK a0, 0
	TEST 9	/* sip.SSIP writable from S; in U, S interrupts are taken
		 * even with SIE = 0 */
	csrr a0, sip
	andi a0, a0, 1 << IRQ_SSI
	CHECK a0, 1 << IRQ_SSI
	li t0, 1 << IRQ_SSI
	csrw sie, t0
	li t0, MSTATUS_SPP
	csrc sstatus, t0
	csrci sstatus, MSTATUS_SIE
	la t0, 2f
	csrw sepc, t0
	ARM
	sret
2:	nop
	CHECK_TRAP IRQ(IRQ_SSI)
	CHECKM trap_level, PRV_S
	la t0, trap_status
	ld a0, 0(t0)
	andi a0, a0, MSTATUS_SPP
	CHECK a0, 0
	TO_M
	TEST 10	/* clear SSIP from M via mip; sip reflects it */
	li t0, 1 << IRQ_SSI
	csrc mip, t0
	csrr a0, sip
	CHECK a0, 0
	TEST 11	/* undelegated SSI pending in S with SIE = 0 goes to M */
	csrw mideleg, zero
	li t0, 1 << IRQ_SSI
	csrw mie, t0
	csrs mip, t0
	ARM
	ENTER_MODE PRV_S
	nop
	CHECK_TRAP IRQ(IRQ_SSI)
	CHECKM trap_level, PRV_M
	TO_M
	li t0, 1 << IRQ_SSI
	csrc mip, t0
	PASS
