/* Zicsr: CSRRW/RS/RC and the immediate forms (old value returned, bits set /
 * cleared), rs1 = x0 / zimm = 0 never writes (so is fine on read-only CSRs),
 writes to read-only CSRs and
 * accesses to nonexistent CSRs are illegal with tval = the instruction, and
 * the privilege encoded in csr[9:8] is enforced from S and U. */
#include "test.h"
test_main:
	TEST 1	/* csrrw */
	li a0, 0x1234
	csrw mscratch, a0
	li a1, -1
	csrrw a2, mscratch, a1
	CHECK a2, 0x1234
	csrr a3, mscratch
	CHECK a3, -1
	TEST 2	/* csrrs / csrrc */
	li a0, 0xf0
	csrw mscratch, a0
	li a1, 0x0f
	csrrs a2, mscratch, a1
	CHECK a2, 0xf0
	csrr a2, mscratch
	CHECK a2, 0xff
	li a1, 0x3c
	csrrc a2, mscratch, a1
	CHECK a2, 0xff
	csrr a2, mscratch
	CHECK a2, 0xc3
	TEST 3	/* immediate forms (zimm zero-extended 5 bits) */
	csrwi mscratch, 31
	csrr a2, mscratch
	CHECK a2, 31
	csrrci a2, mscratch, 0x11
	CHECK a2, 31
	csrrsi a2, mscratch, 0x10
	CHECK a2, 0x0e
	csrrwi a2, mscratch, 0
	CHECK a2, 0x1e
	csrr a2, mscratch
	CHECK a2, 0
	TEST 4	/* csrrs/csrrc rd = rs1 */
	li a0, 5
	csrw mscratch, a0
	li a1, 2
	csrrs a1, mscratch, a1
	CHECK a1, 5
	csrr a1, mscratch
	CHECK a1, 7
	TEST 5	/* reading read-only CSRs with rs1 = x0 / zimm = 0 is legal */
	ARM
	csrr a0, mhartid
	csrrs a1, mvendorid, zero
	csrrc a1, marchid, zero
	csrrsi a1, mimpid, 0
	csrrci a1, mhartid, 0
	CHECK_NOTRAP
	CHECK a0, 0
	TEST 6	/* writes to read-only CSRs are illegal, tval = instruction */
	li a0, 1
	ILLW CSRI(0xf14, 10, 1, 0)	/* csrrw x0, mhartid, a0 */
	ILLW CSRI(0xf14, 10, 2, 11)	/* csrrs a1, mhartid, a0 */
	ILLW CSRI(0xf11, 10, 3, 11)	/* csrrc a1, mvendorid, a0 */
	ILLW CSRI(0xf12, 1, 6, 11)	/* csrrsi a1, marchid, 1 */
	ILLW CSRI(0xc00, 0, 5, 11)	/* csrrwi a1, cycle, 0 (csrrw always writes) */
	TEST 7	/* the read-only CSR was not changed and rd not written */
	li a1, 0x55
	ARM
	.word CSRI(0xf14, 10, 2, 11)
	CHECK_TRAP CAUSE_ILLEGAL
	CHECK a1, 0x55
	csrr a0, mhartid
	CHECK a0, 0
	TEST 8	/* nonexistent CSRs are illegal */
	ILLW CSRI(0x0ff, 0, 2, 10)
	ILLW CSRI(0x1ff, 0, 2, 10)
	ILLW CSRI(0x3ff, 0, 2, 10)
	TEST 9	/* M CSR from S: illegal; S CSR from S: fine */
	ENTER_MODE PRV_S
	ILLW CSRI(0x340, 0, 2, 10)	/* csrr a0, mscratch */
	ILLW CSRI(0x300, 0, 2, 10)	/* csrr a0, mstatus */
	ARM
	csrr a0, sscratch
	csrw sscratch, a0
	csrr a0, sstatus
	CHECK_NOTRAP
	TO_M
	CHECKM trap_level, PRV_M
	TEST 10	/* S CSR from U: illegal */
	ENTER_MODE PRV_U
	ILLW CSRI(0x140, 0, 2, 10)	/* csrr a0, sscratch */
	ILLW CSRI(0x100, 0, 2, 10)	/* csrr a0, sstatus */
	ILLW CSRI(0x180, 0, 2, 10)	/* csrr a0, satp */
	TO_M
	TEST 11	/* after TO_M we really are in M: M CSRs accessible */
	ARM
	csrr a0, mstatus
	CHECK_NOTRAP
	srli a0, a0, 11
	andi a0, a0, 3
	CHECK a0, PRV_U		/* xRET sets MPP to the least-privileged mode */
	PASS
