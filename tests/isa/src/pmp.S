/* PMP: 16 entries; pmpaddr width and pmpcfg1/3 absent on
 * RV64 (the no-match rule is in pmp_nomatch.S); lowest-numbered matching entry wins; TOR, NA4 and
 * NAPOT matching; R/W/X each enforced for S and U, not for M unless L;
 * MPRV accesses are checked with MPP's privilege; access faults carry the
 * address in mtval; a locked entry ignores writes to its pmpcfg byte and
 * pmpaddr (and a locked TOR entry also locks the previous pmpaddr), and
 * applies to M. */
#include "test.h"
#define OFF 0
#define TOR (1 << 3)
#define NA4 (2 << 3)
#define NAPOT (3 << 3)
#define R 1
#define W 2
#define X 4
#define L 0x80
test_main:
	la s0, region		/* 3 pages, page aligned */
	li t0, 0x1234
	sd t0, 0(s0)
	TEST 1	/* pmpaddr holds (at least) bits 55:2 of the address (that
		 * bits 63:54 read 0 is in csr_strict) */
	li t0, -1
	csrw pmpaddr1, t0
	csrr a0, pmpaddr1
	li t0, 0x003fffffffffffff
	and a0, a0, t0
	CHECK a0, 0x003fffffffffffff
	csrw pmpaddr1, zero
	TEST 2	/* all 16 entries exist: pmpaddr15 / pmpcfg2 keep values */
	li t0, 0x12345
	csrw pmpaddr15, t0
	csrr a0, pmpaddr15
	CHECK a0, 0x12345
	li t0, (R | W | X | TOR) << 56
	csrw pmpcfg2, t0
	csrr a0, pmpcfg2
	CHECK a0, (R | W | X | TOR) << 56
	csrw pmpcfg2, zero
	csrw pmpaddr15, zero
	TEST 3	/* odd pmpcfg CSRs do not exist on RV64 */
	ILLW CSRI(0x3a1, 0, 2, 10)
	ILLW CSRI(0x3a3, 0, 2, 10)
	/* Layout: entry 15 = NAPOT everything RWX (lowest priority);
	 * entry 0 = NA4 over region+8, no permissions;
	 * entries 1-2 = TOR [region+4K, region+8K) read-only;
	 * entry 3 = NAPOT [region+8K, +4K) execute-only. */
	li t0, -1
	csrw pmpaddr15, t0
	li t0, (R | W | X | NAPOT) << 56
	csrw pmpcfg2, t0
	addi t0, s0, 8
	srli t0, t0, 2
	csrw pmpaddr0, t0
	li t1, 4096
	add t0, s0, t1
	srli t0, t0, 2
	csrw pmpaddr1, t0
	add t0, s0, t1
	add t0, t0, t1
	srli t0, t0, 2
	csrw pmpaddr2, t0
	slli t0, t0, 0
	ori t0, t0, 0x1ff	/* NAPOT 4 KiB at region+8K */
	csrw pmpaddr3, t0
	li t0, (NA4) | ((OFF) << 8) | ((R | TOR) << 16) | ((X | NAPOT) << 24)
	csrw pmpcfg0, t0
	csrr a0, pmpcfg0
	CHECK a0, (NA4) | ((R | TOR) << 16) | ((X | NAPOT) << 24)
	li t1, 4096
	add s1, s0, t1		/* region + 4K */
	add s2, s1, t1		/* region + 8K */
	TEST 6	/* S: region+0 readable/writable via entry 15 */
	ENTER_MODE PRV_S
	ld a0, 0(s0)
	CHECK a0, 0x1234
	sd a0, 16(s0)
	TEST 7	/* NA4 entry 0 denies exactly 4 bytes */
	ARM
	lw a0, 8(s0)
	CHECK_TRAP CAUSE_LOAD_ACCESS
	addi t0, s0, 8
	la t1, trap_tval
	ld t1, 0(t1)
	CHECKR t1, t0
	ARM
	lw a0, 12(s0)
	sw a0, 4(s0)
	CHECK_NOTRAP
	ARM
	sb a0, 11(s0)
	CHECK_TRAP CAUSE_STORE_ACCESS
	TEST 8	/* TOR read-only */
	ARM
	ld a0, 0(s1)
	ld a0, 2040(s1)
	CHECK_NOTRAP
	ARM
	sd a0, 64(s1)
	CHECK_TRAP CAUSE_STORE_ACCESS
	TEST 9	/* NAPOT execute-only: loads fail */
	ARM
	ld a0, 0(s2)
	CHECK_TRAP CAUSE_LOAD_ACCESS
	TO_M
	TEST 10	/* U is checked the same way */
	ENTER_MODE PRV_U
	ARM
	ld a0, 0(s1)
	CHECK_NOTRAP
	ARM
	sd a0, 0(s1)
	CHECK_TRAP CAUSE_STORE_ACCESS
	TO_M
	TEST 11	/* M ignores unlocked entries */
	sd zero, 0(s1)
	ld a0, 0(s2)
	lw a0, 8(s0)
	TEST 12	/* MPRV with MPP = S is checked */
	li t0, MSTATUS_MPP
	csrc mstatus, t0
	li t0, (PRV_S << 11) | MSTATUS_MPRV
	csrs mstatus, t0
	ARM
	sd zero, 8(s1)
	li t0, MSTATUS_MPRV
	csrc mstatus, t0
	CHECK_TRAP CAUSE_STORE_ACCESS
	TEST 13	/* lock entry 2 (TOR, R): applies to M; pmpcfg byte and
		 * pmpaddr2 and pmpaddr1 are frozen */
	li t0, (R | TOR | L) << 16
	csrs pmpcfg0, t0
	ARM
	sd zero, 0(s1)
	CHECK_TRAP CAUSE_STORE_ACCESS
	la t1, trap_tval
	ld t1, 0(t1)
	CHECKR t1, s1
	ld a0, 0(s1)		/* M may still read */
	csrr a1, pmpaddr2
	csrr a2, pmpaddr1
	li t0, 0x1000
	csrw pmpaddr2, t0
	csrw pmpaddr1, t0
	csrr a3, pmpaddr2
	csrr a4, pmpaddr1
	CHECKR a3, a1
	CHECKR a4, a2
	li t0, 0xff << 16	/* try to clear / change the locked byte */
	csrc pmpcfg0, t0
	csrr a0, pmpcfg0
	srli a0, a0, 16
	andi a0, a0, 0xff
	CHECK a0, R | TOR | L
	TEST 14	/* other entries stay writable: unlock entry 0's effect */
	li t0, 0xff
	csrc pmpcfg0, t0
	csrr a0, pmpcfg0
	andi a0, a0, 0xff
	CHECK a0, 0
	PASS
	.data
	.balign 4096
region:	.skip 4096 * 3