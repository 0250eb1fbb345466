/* Vectored trap vectors (tables built of 4-byte jumps): with mtvec.MODE = 1, exceptions go to BASE and
 * interrupt cause n to BASE + 4n; stvec likewise for delegated traps;
 * mtvec/stvec read back BASE | MODE. */
#include "test.h"
	.option push
	.option norvc
	.balign 256
mtab:	/* real table: slot i -> ent_i */
	j m_trap
	j ent1
	j ent2
	j ent3
	j ent4
	j ent5
	j ent6
	j ent7
	j ent8
	j ent9
	j ent10
	j ent11
ent1:	li s10, 1
	j m_trap
ent2:	li s10, 2
	j m_trap
ent3:	li s10, 3
	j m_trap
ent4:	li s10, 4
	j m_trap
ent5:	li s10, 5
	j m_trap
ent6:	li s10, 6
	j m_trap
ent7:	li s10, 7
	j m_trap
ent8:	li s10, 8
	j m_trap
ent9:	li s10, 9
	j m_trap
ent10:	li s10, 10
	j m_trap
ent11:	li s10, 11
	j m_trap
	.balign 256
stab:	/* S table: slot i -> sent_i, going to s_trap */
	j s_trap
	j sent1
	j s_trap
	j s_trap
	j s_trap
	j sent5
sent1:	li s10, 101
	j s_trap
sent5:	li s10, 105
	j s_trap
	.option pop

test_main:
	csrw mideleg, zero
	li s10, 0
	TEST 1	/* mtvec keeps BASE | 1 */
	la a0, mtab
	ori a0, a0, 1
	csrw mtvec, a0
	csrr a1, mtvec
	CHECKR a1, a0
	TEST 2	/* exception goes to BASE */
	ARM
	ecall
	CHECK_TRAP CAUSE_ECALL_M
	CHECK s10, 0
	TEST 3	/* SSI (1) -> BASE + 4 */
	li t0, 1 << IRQ_SSI
	csrw mie, t0
	csrs mip, t0
	ARM
	csrsi mstatus, MSTATUS_MIE
	nop
	csrci mstatus, MSTATUS_MIE
	CHECK_TRAP IRQ(IRQ_SSI)
	CHECK s10, 1
	li t0, 1 << IRQ_SSI
	csrc mip, t0
	TEST 4	/* MSI (3) -> BASE + 12 */
	li s10, 0
	li t0, 1 << IRQ_MSI
	csrw mie, t0
	li s0, CLINT_MSIP
	li t0, 1
	sw t0, 0(s0)
	ARM
	csrsi mstatus, MSTATUS_MIE
	nop
	csrci mstatus, MSTATUS_MIE
	CHECK_TRAP IRQ(IRQ_MSI)
	CHECK s10, 3
	sw zero, 0(s0)
	TEST 5	/* MTI (7) -> BASE + 28 */
	li s10, 0
	li t0, 1 << IRQ_MTI
	csrw mie, t0
	li s0, CLINT_MTIMECMP
	sd zero, 0(s0)
	ARM
	csrsi mstatus, MSTATUS_MIE
	nop
	csrci mstatus, MSTATUS_MIE
	CHECK_TRAP IRQ(IRQ_MTI)
	CHECK s10, 7
	li t0, -1
	sd t0, 0(s0)
	TEST 6	/* SEI (9) -> BASE + 36 */
	li s10, 0
	li t0, 1 << IRQ_SEI
	csrw mie, t0
	csrs mip, t0
	ARM
	csrsi mstatus, MSTATUS_MIE
	nop
	csrci mstatus, MSTATUS_MIE
	CHECK_TRAP IRQ(IRQ_SEI)
	CHECK s10, 9
	li t0, 1 << IRQ_SEI
	csrc mip, t0
	TEST 7	/* stvec vectored: delegated STI (5) -> BASE + 20, exceptions BASE */
	la a0, stab
	ori a0, a0, 1
	csrw stvec, a0
	csrr a1, stvec
	CHECKR a1, a0
	li t0, (1 << IRQ_STI) | (1 << IRQ_SSI)
	csrw mideleg, t0
	li t0, 1 << CAUSE_BREAKPOINT
	csrw medeleg, t0
	li s10, 0
	li t0, 1 << IRQ_STI
	csrs mip, t0
	ENTER_MODE PRV_S
	csrw sie, t0
	ARM
	csrsi sstatus, MSTATUS_SIE
	nop
	csrci sstatus, MSTATUS_SIE
	CHECK_TRAP IRQ(IRQ_STI)
	CHECKM trap_level, PRV_S
	CHECK s10, 105
	li s10, 0
	ARM
	ebreak
	CHECK_TRAP CAUSE_BREAKPOINT
	CHECKM trap_level, PRV_S
	CHECK s10, 0
	TO_M
	li t0, 1 << IRQ_STI
	csrc mip, t0
	TEST 8	/* back to direct mode */
	la a0, m_trap
	csrw mtvec, a0
	csrr a1, mtvec
	CHECKR a1, a0
	PASS
