/* M-mode synchronous exceptions and their mepc/mtval: illegal instruction
 * (tval = instruction bits), breakpoint, load/store/fetch access faults on an
 * unmapped physical address (tval = address), ECALL from M (tval 0), trap
 * entry state (MPP, MPIE, MIE). Address-misaligned fetch cannot happen with C
 * enabled (misa.C read-only here): JALR clears bit 0 and every target is
 * 2-aligned, so cause 0 is checked to be absent instead. */
#include "test.h"
test_main:
	TEST 1	/* illegal: reserved funct7 of ADD */
	ILLW 0xfe000033
	TEST 2	/* illegal: SLLIW with shamt[5] set (reserved in RV64) */
	ILLW 0x0200101b
	TEST 3	/* illegal: opcode LOAD with funct3 7 */
	ILLW 0x00007003
	TEST 4	/* illegal: mepc is the faulting instruction */
	ARM
ill:	.word 0xfe000033
	CHECK_TRAP CAUSE_ILLEGAL
	la a0, ill
	la t0, trap_epc
	ld t0, 0(t0)
	CHECKR t0, a0
	TEST 5	/* ebreak (32-bit): epc = pc, tval = pc or 0 */
	ARM
brk:	.option push
	.option norvc
	ebreak
	.option pop
	CHECK_TRAP CAUSE_BREAKPOINT
	la a0, brk
	la t0, trap_epc
	ld t0, 0(t0)
	CHECKR t0, a0
	la t0, trap_tval
	ld t0, 0(t0)
	beqz t0, 1f
	CHECKR t0, a0
1:
	TEST 6	/* load access fault */
	li s0, UNMAPPED_PA
	li a1, 0x33
	ARM
	ld a1, 0(s0)
	CHECK_TRAP CAUSE_LOAD_ACCESS
	CHECK_TVAL UNMAPPED_PA
	CHECK a1, 0x33
	ARM
	lbu a1, 5(s0)
	CHECK_TRAP CAUSE_LOAD_ACCESS
	CHECK_TVAL UNMAPPED_PA + 5
	TEST 7	/* store access fault (AMO: see rv64a_faults) */
	ARM
	sw a1, 8(s0)
	CHECK_TRAP CAUSE_STORE_ACCESS
	CHECK_TVAL UNMAPPED_PA + 8
	TEST 8	/* fetch access fault: epc = tval = target */
	ARM_RESUME 2f
	jalr ra, 0(s0)
	j fail
2:	CHECK_TRAP CAUSE_FETCH_ACCESS
	CHECK_TVAL UNMAPPED_PA
	CHECKM trap_epc, UNMAPPED_PA
	TEST 9	/* ecall from M */
	ARM
ec:	ecall
	CHECK_TRAP CAUSE_ECALL_M
	CHECK_TVAL 0
	la a0, ec
	la t0, trap_epc
	ld t0, 0(t0)
	CHECKR t0, a0
	TEST 10	/* trap entry: MPP = M, MPIE = old MIE, MIE = 0 */
	csrsi mstatus, MSTATUS_MIE	/* no interrupt is enabled in mie */
	csrw mie, zero
	ARM
	ecall
	csrci mstatus, MSTATUS_MIE
	la t0, trap_status
	ld a0, 0(t0)
	srli a1, a0, 11
	andi a1, a1, 3
	CHECK a1, PRV_M
	andi a1, a0, MSTATUS_MPIE
	CHECK a1, MSTATUS_MPIE
	andi a1, a0, MSTATUS_MIE
	CHECK a1, 0
	TEST 11	/* jalr to an odd address: bit 0 cleared, no misaligned trap */
	la a0, 3f
	addi a0, a0, 1
	ARM
	jalr ra, 0(a0)
	.balign 4
3:	CHECK_NOTRAP
	TEST 12	/* misa.C set, and writing misa.C=0 would have to keep pc aligned:
		 * if misa is writable the test is skipped */
	csrr a0, misa
	andi a1, a0, 1 << 2
	CHECK a1, 1 << 2
	PASS
