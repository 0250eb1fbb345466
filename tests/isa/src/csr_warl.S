/* CSR contents and WARL rules: misa (RV64, IMAFDC + S + U), mstatus
 * UXL/SXL = 2 (read-only), sstatus is a view of mstatus (only S fields),
 * mtvec/stvec keep 4-byte-aligned bases and never a reserved mode (mepc[0]:
 * csr_strict), MBE/SBE/UBE and XS read 0,
 * mscratch/sscratch full width, mcause/scause and mtval/stval writable,
 * medeleg takes ecall-from-S, mideleg refuses MSI; sie/sip are masked by mideleg; mhartid = 0; menvcfg and
 * senvcfg exist; mcounteren/scounteren keep CY/TM/IR. */
#include "test.h"
test_main:
	TEST 1	/* misa */
	csrr a0, misa
	srli a1, a0, 62
	CHECK a1, 2
	li t0, (1 << 0) | (1 << 2) | (1 << 3) | (1 << 5) | (1 << 8) | (1 << 12) | (1 << 18) | (1 << 20)
	and a1, a0, t0
	CHECKR a1, t0
	TEST 2	/* UXL and SXL are 2 and read-only */
	csrr a0, mstatus
	srli a1, a0, 32
	andi a1, a1, 0xf
	CHECK a1, 0xa
	li t0, 0xf << 32
	csrc mstatus, t0
	csrr a0, mstatus
	srli a1, a0, 32
	andi a1, a1, 0xf
	CHECK a1, 0xa
	TEST 3	/* sstatus: S fields writable through it, M fields invisible */
	li t0, MSTATUS_MPP | MSTATUS_MPIE | MSTATUS_TVM
	csrs mstatus, t0
	csrr a0, sstatus
	li t0, MSTATUS_MPP | MSTATUS_MPIE | MSTATUS_MIE | MSTATUS_TVM | MSTATUS_TW | MSTATUS_TSR | MSTATUS_MPRV
	and a1, a0, t0
	CHECK a1, 0
	li t0, MSTATUS_SUM | MSTATUS_MXR | MSTATUS_SPP | MSTATUS_SPIE | MSTATUS_SIE
	csrs sstatus, t0
	csrr a0, mstatus
	and a1, a0, t0
	CHECKR a1, t0
	csrc sstatus, t0
	csrr a0, mstatus
	and a1, a0, t0
	CHECK a1, 0
	li t0, MSTATUS_TVM
	csrc mstatus, t0
	/* writing sstatus does not clear M fields */
	li t0, MSTATUS_MPIE
	csrs mstatus, t0
	csrw sstatus, zero
	csrr a0, mstatus
	andi a1, a0, MSTATUS_MPIE
	CHECK a1, MSTATUS_MPIE
	TEST 4	/* mtvec/stvec: base aligned, mode kept */
	la t0, m_trap
	csrw mtvec, t0
	csrr a0, mtvec
	CHECKR a0, t0
	li t0, 0x80001000
	csrw stvec, t0
	csrr a0, stvec
	CHECK a0, 0x80001000
	li t0, 0x80002002	/* reserved mode 2: not kept */
	csrw stvec, t0
	csrr a0, stvec
	andi a0, a0, 3
	li t1, 2
	bgeu a0, t1, fail_j
	TEST 13	/* mstatus: MBE/SBE/UBE stay 0 (little-endian), XS is 0 */
	li t0, (1 << 37) | (1 << 36) | (1 << 6)
	csrs mstatus, t0
	csrr a0, mstatus
	and a1, a0, t0
	CHECK a1, 0
	li t0, 3 << 15
	and a1, a0, t0
	CHECK a1, 0
	TEST 6	/* scratch, cause, tval are full width */
	li t0, 0xdeadbeefcafef00d
	csrw mscratch, t0
	csrr a0, mscratch
	CHECKR a0, t0
	csrw sscratch, t0
	csrr a0, sscratch
	CHECKR a0, t0
	csrw mtval, t0
	csrr a0, mtval
	CHECKR a0, t0
	csrw stval, t0
	csrr a0, stval
	CHECKR a0, t0
	li t0, 0x8000000000000005
	csrw mcause, t0
	csrr a0, mcause
	CHECKR a0, t0
	csrw scause, t0
	csrr a0, scause
	CHECKR a0, t0
	TEST 7	/* identification */
	csrr a0, mhartid
	CHECK a0, 0
	csrr a0, mvendorid
	csrr a0, marchid
	csrr a0, mimpid
	TEST 8	/* sie/sip masked by mideleg */
	csrw mideleg, zero
	li t0, 0x222
	csrw mie, t0
	csrr a0, sie
	CHECK a0, 0
	li t0, 0x222
	csrw mideleg, t0
	csrr a0, sie
	CHECK a0, 0x222
	csrw sie, zero
	csrr a0, mie
	CHECK a0, 0
	li t0, 1 << IRQ_SSI
	csrs sip, t0
	csrr a0, mip
	andi a0, a0, 1 << IRQ_SSI
	CHECK a0, 1 << IRQ_SSI
	csrc sip, t0
	csrr a0, mip
	andi a0, a0, 1 << IRQ_SSI
	CHECK a0, 0
	csrw mideleg, zero
	TEST 9	/* sie cannot enable M interrupts */
	li t0, (1 << IRQ_MSI) | (1 << IRQ_MTI)
	csrw mie, zero
	csrs sie, t0
	csrr a0, mie
	CHECK a0, 0
	TEST 10	/* counter enables: CY, TM, IR writable */
	csrwi mcounteren, 7
	csrr a0, mcounteren
	andi a0, a0, 7
	CHECK a0, 7
	csrwi scounteren, 5
	csrr a0, scounteren
	andi a0, a0, 7
	CHECK a0, 5
	TEST 11	/* envcfg CSRs exist (FIOM is writable in senvcfg) */
	ARM
	csrr a0, menvcfg
	csrr a0, senvcfg
	csrwi senvcfg, 1
	csrr a0, senvcfg
	CHECK_NOTRAP
	CHECK a0, 1
	csrwi senvcfg, 0
	TEST 12	/* medeleg: ecall-from-S delegable, mideleg MSI is not */
	li t0, 1 << CAUSE_ECALL_S
	csrw medeleg, t0
	csrr a0, medeleg
	CHECK a0, 1 << CAUSE_ECALL_S
	csrw medeleg, zero
	li t0, 1 << IRQ_MSI
	csrw mideleg, t0
	csrr a0, mideleg
	andi a0, a0, 1 << IRQ_MSI
	CHECK a0, 0
	PASS
fail_j:	j fail
