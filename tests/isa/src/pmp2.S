/* More PMP: an access that only partly overlaps the lowest-numbered
 * matching entry fails even if the rest is allowed; an 8-byte NAPOT region;
 * a TOR entry whose bottom is above its top matches nothing; the implicit
 * page-table reads of an Sv39 walk are checked (as S) and fail with an access
 * fault of the original access type; changed PMP settings apply after
 * SFENCE.VMA even to translations used before. */
#include "test.h"
#include "vm.h"
#define TOR (1 << 3)
#define NA4 (2 << 3)
#define NAPOT (3 << 3)
#define R 1
#define W 2
#define X 4
	/* entry 15: everything RWX (lowest priority) */
	.macro PMP_BASE
	li t0, -1
	csrw pmpaddr15, t0
	li t0, (R | W | X | NAPOT) << 56
	csrw pmpcfg2, t0
	csrw pmpcfg0, zero
	.endm
test_main:
	csrw medeleg, zero
	PMP_BASE
	la s0, region
	TEST 1	/* NA4 no-access at region+8; an 8-byte load at region+4
		 * overlaps it partly: fails (tval region+4) */
	addi t0, s0, 8
	srli t0, t0, 2
	csrw pmpaddr0, t0
	li t0, NA4
	csrw pmpcfg0, t0
	ENTER_MODE PRV_S
	ARM
	ld a0, 4(s0)
	CHECK_TRAP CAUSE_LOAD_ACCESS
	ARM
	lw a0, 4(s0)		/* fully outside: fine */
	lw a0, 12(s0)
	CHECK_NOTRAP
	TO_M
	TEST 2	/* 8-byte NAPOT, read-only, at region+64 */
	addi t0, s0, 64
	srli t0, t0, 2		/* NAPOT 8 bytes: trailing ...0 */
	csrw pmpaddr0, t0
	li t0, NAPOT | R
	csrw pmpcfg0, t0
	ENTER_MODE PRV_S
	ARM
	ld a0, 64(s0)
	CHECK_NOTRAP
	ARM
	sw a0, 68(s0)
	CHECK_TRAP CAUSE_STORE_ACCESS
	ARM
	sd a0, 72(s0)		/* next 8 bytes: entry 15 */
	sd a0, 56(s0)
	CHECK_NOTRAP
	TO_M
	TEST 3	/* TOR with bottom > top matches nothing */
	addi t0, s0, 256
	srli t0, t0, 2
	csrw pmpaddr0, t0	/* bottom = region + 256 */
	srli t0, s0, 2
	csrw pmpaddr1, t0	/* top = region */
	li t0, (TOR) << 8	/* entry 1 TOR, no permissions */
	csrw pmpcfg0, t0
	ENTER_MODE PRV_S
	ARM
	sd a0, 128(s0)
	ld a0, 0(s0)
	CHECK_NOTRAP
	TO_M
	csrw pmpcfg0, zero
	TEST 4	/* the walk's PTE reads are PMP-checked */
	VM_SV39
	MAP4K 0, 0, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
	li s1, VA_BASE
	ENTER_MODE PRV_S
	ld a0, 0(s1)		/* works (and may now be cached) */
	TO_M
	la t0, l0		/* deny the level-0 table */
	srli t0, t0, 2
	ori t0, t0, 0x1ff
	csrw pmpaddr0, t0
	li t0, NAPOT
	csrw pmpcfg0, t0
	sfence.vma
	ENTER_MODE PRV_S
	ARM
	ld a0, 0(s1)
	CHECK_TRAP CAUSE_LOAD_ACCESS
	CHECK_TVAL VA_BASE
	ARM
	sd a0, 8(s1)
	CHECK_TRAP CAUSE_STORE_ACCESS
	CHECK_TVAL VA_BASE + 8
	TO_M
	TEST 5	/* PMP on the data page itself, after a fence */
	la t0, pages
	srli t0, t0, 2
	ori t0, t0, 0x1ff
	csrw pmpaddr0, t0
	li t0, NAPOT | R
	csrw pmpcfg0, t0
	sfence.vma
	ENTER_MODE PRV_S
	ld a0, 0(s1)
	ARM
	sd a0, 0(s1)
	CHECK_TRAP CAUSE_STORE_ACCESS
	CHECK_TVAL VA_BASE
	TO_M
	csrw pmpcfg0, zero
	csrw satp, zero
	sfence.vma
	PASS
	.data
	.balign 4096
region:	.skip 4096
