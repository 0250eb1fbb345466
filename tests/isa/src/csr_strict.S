/* CSR corners QEMU 7.2 gets wrong (so this program is domus-only):
 * CSRRS/CSRRC with rs1 != x0 count as a write even when the register holds
 * 0, so on a read-only CSR they are illegal (Zicsr chapter: "will still
 * attempt to write the unmodified value back"); CSRRSI/CSRRCI with zimm = 0
 * do not write; mstatus.MPP is WARL and never holds the reserved mode 2;
 * pmpaddr keeps only bits 55:2 of an address (54 bits); mepc/sepc bit 0 is
 * always 0 (IALIGN = 16). */
#include "test.h"
test_main:
	li a0, 0
	TEST 1
	ILLW CSRI(0xf14, 10, 2, 11)	/* csrrs a1, mhartid, a0 = 0 */
	TEST 2
	ILLW CSRI(0xf11, 10, 3, 11)	/* csrrc a1, mvendorid, a0 = 0 */
	TEST 3
	ILLW CSRI(0xc02, 10, 2, 11)	/* csrrs a1, instret, a0 = 0 */
	TEST 4
	ARM
	.word CSRI(0xf14, 0, 6, 11)	/* csrrsi a1, mhartid, 0 */
	.word CSRI(0xf14, 0, 7, 11)	/* csrrci a1, mhartid, 0 */
	CHECK_NOTRAP
	TEST 5	/* MPP = 2 is not kept */
	li t0, MSTATUS_MPP
	csrc mstatus, t0
	li t0, 2 << 11
	csrs mstatus, t0
	csrr a0, mstatus
	srli a0, a0, 11
	andi a0, a0, 3
	li a1, 2
	bne a0, a1, 1f
	j fail
1:
	TEST 6	/* pmpaddr is 54 bits wide on RV64: bits 63:54 read 0 */
	li t0, -1
	csrw pmpaddr1, t0
	csrr a0, pmpaddr1
	csrw pmpaddr1, zero
	CHECK a0, 0x003fffffffffffff
	TEST 7	/* mepc/sepc: bit 0 always 0 (IALIGN 16) */
	li t0, 0x80000003
	csrw mepc, t0
	csrr a0, mepc
	CHECK a0, 0x80000002
	csrw sepc, t0
	csrr a0, sepc
	CHECK a0, 0x80000002
	PASS
