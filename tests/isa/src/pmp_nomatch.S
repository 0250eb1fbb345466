/* PMP with entries implemented but none active: M accesses succeed, S and U
 * accesses (instruction fetch included) fail with access faults; one active
 * entry that does not cover the access changes nothing for S/U.
 * Domus-only: QEMU 7.2 refuses the MRET into S itself (illegal instruction)
 * when no PMP entry is active. */
#include "test.h"
#define NAPOT (3 << 3)
test_main:
	la s0, data
	TEST 1	/* no entry active: S fetch fails at the MRET target */
	csrw pmpcfg0, zero
	csrw pmpcfg2, zero
	ld a0, 0(s0)		/* M is fine */
	CHECK a0, 0x77
	ARM_RESUME_M 1f
	ENTER_MODE PRV_S
	j fail
1:	CHECK_TRAP CAUSE_FETCH_ACCESS
	TEST 2	/* U likewise */
	ARM_RESUME_M 2f
	ENTER_MODE PRV_U
	j fail
2:	CHECK_TRAP CAUSE_FETCH_ACCESS
	TEST 3	/* an active entry covering only `data`: S can load it but
		 * fetching the code (not covered) still fails */
	srli t0, s0, 2
	ori t0, t0, 0x1ff	/* NAPOT 4 KiB */
	csrw pmpaddr0, t0
	li t0, NAPOT | 7
	csrw pmpcfg0, t0
	ARM_RESUME_M 3f
	ENTER_MODE PRV_S
	j fail
3:	CHECK_TRAP CAUSE_FETCH_ACCESS
	TEST 4	/* S load under MPRV sees the data entry, a store to code fails */
	la s1, test_main
	ARM
	li t0, MSTATUS_MPP
	csrc mstatus, t0
	li t0, (PRV_S << 11) | MSTATUS_MPRV
	csrs mstatus, t0
	ld a0, 0(s0)
	sd zero, 0(s1)
	li t0, MSTATUS_MPRV
	csrc mstatus, t0
	CHECK a0, 0x77
	CHECK_TRAP CAUSE_STORE_ACCESS
	PASS
	.data
	.balign 4096
data:	.dword 0x77
	.balign 4096
