/* Sv39 translation from S and U: 4 KiB mappings (loads, stores, fetch),
 * aliasing, hardware A and D updates (load sets A, store sets A and D,
 * fetch sets A), page faults with cause 12/13/15 and stval = VA for: invalid
 * PTE, write to read-only, fetch from non-X, load from X-only (allowed with
 * MXR), W without R (reserved), U page from S (load allowed with SUM, fetch
 * never), S page from U, a pointer PTE at level 0, non-canonical VA. */
#include "test.h"
#include "vm.h"
#define VA(i) (VA_BASE + 4096 * (i))
	/* expect page fault cause c at VA v on `insn` (in current mode) */
	.macro PF c, v, insn:vararg
	ARM
	\insn
	CHECK_TRAP \c
	CHECK_TVAL \v
	.endm
test_main:
	/* page 0: data 0x1111..., page 1: 0x2222..., page 2 code stub */
	la t1, pages
	li t0, 0x1111111111111111
	sd t0, 0(t1)
	li t0, 0x2222222222222222
	li t2, 4096
	add t1, t1, t2
	sd t0, 0(t1)
	VM_SV39
	MAP4K 0, 0, PTE_V | PTE_R | PTE_W		/* A = D = 0 */
	MAP4K 1, 1, PTE_V | PTE_R | PTE_A		/* read-only */
	MAP4K 2, 0, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D	/* alias of page 0 */
	MAP4K 3, 1, PTE_V | PTE_X | PTE_A		/* execute-only */
	MAP4K 4, 1, PTE_V | PTE_W | PTE_A | PTE_D	/* reserved W-only */
	MAP4K 5, 1, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D | PTE_U	/* user */
	MAP4K 6, 0, PTE_V				/* pointer at level 0 */
	/* l0[7] stays invalid */
	li s0, VA_BASE
	TEST 1	/* load through the mapping from S; A set, D not */
	ENTER_MODE PRV_S
	ld a0, 0(s0)
	CHECK a0, 0x1111111111111111
	TO_M
	GETPTE 0
	andi a1, a0, PTE_A | PTE_D
	CHECK a1, PTE_A
	TEST 2	/* store sets D; visible physically and through the alias */
	ENTER_MODE PRV_S
	li a0, 0x3333
	sd a0, 8(s0)
	li t0, VA(2)
	ld a1, 8(t0)
	CHECK a1, 0x3333
	TO_M
	GETPTE 0
	andi a1, a0, PTE_A | PTE_D
	CHECK a1, PTE_A | PTE_D
	la t1, pages
	ld a1, 8(t1)
	CHECK a1, 0x3333
	TEST 3	/* translation is off in M (satp ignored) */
	la t1, pages
	ld a0, 0(t1)
	CHECK a0, 0x1111111111111111
	TEST 4	/* store to read-only -> 15; load from invalid -> 13 */
	ENTER_MODE PRV_S
	ARM
	CHECK_NOTRAP
	TO_M
	TEST 5
	li s1, VA(1)
	ENTER_MODE PRV_S
	PF CAUSE_STORE_PAGE, VA(1), sd zero, 0(s1)
	PF CAUSE_STORE_PAGE, VA(1), amoadd.w zero, zero, (s1)
	li s1, VA(7)
	PF CAUSE_LOAD_PAGE, VA(7) + 8, ld a0, 8(s1)
	PF CAUSE_STORE_PAGE, VA(7), sb a0, 0(s1)
	TO_M
	TEST 6	/* X-only: load faults; with MXR it reads */
	li s1, VA(3)
	ENTER_MODE PRV_S
	PF CAUSE_LOAD_PAGE, VA(3), ld a0, 0(s1)
	li t0, MSTATUS_MXR
	csrs sstatus, t0
	ld a0, 0(s1)
	CHECK a0, 0x2222222222222222
	li t0, MSTATUS_MXR
	csrc sstatus, t0
	TO_M
	TEST 7	/* W without R is reserved: any access faults */
	li s1, VA(4)
	ENTER_MODE PRV_S
	PF CAUSE_LOAD_PAGE, VA(4), ld a0, 0(s1)
	PF CAUSE_STORE_PAGE, VA(4), sd a0, 0(s1)
	TO_M
	TEST 8	/* level-0 pointer PTE faults */
	li s1, VA(6)
	ENTER_MODE PRV_S
	PF CAUSE_LOAD_PAGE, VA(6), ld a0, 0(s1)
	TO_M
	TEST 9	/* U page from S: load faults unless SUM */
	li s1, VA(5)
	ENTER_MODE PRV_S
	PF CAUSE_LOAD_PAGE, VA(5), ld a0, 0(s1)
	li t0, MSTATUS_SUM
	csrs sstatus, t0
	ld a0, 0(s1)
	CHECK a0, 0x2222222222222222
	sd a0, 8(s1)
	li t0, MSTATUS_SUM
	csrc sstatus, t0
	TO_M
	TEST 10	/* non-canonical VA: bit 39 set, bits 63:39 not equal */
	li s1, 0x0000008000000000
	ENTER_MODE PRV_S
	PF CAUSE_LOAD_PAGE, 0x0000008000000000, ld a0, 0(s1)
	TO_M
	TEST 11	/* fetch: map the code page at VA(7) executable, call it */
	la t1, stub
	srli t0, t1, 12
	slli t0, t0, 10
	ori t0, t0, PTE_V | PTE_X
	la t2, l0
	sd t0, 8 * 7(t2)
	sfence.vma
	li s1, VA(7)
	ENTER_MODE PRV_S
	li a0, 0
	jalr ra, 0(s1)
	CHECK a0, 42
	TO_M
	GETPTE 7
	andi a1, a0, PTE_A | PTE_D
	CHECK a1, PTE_A
	TEST 12	/* fetch from a non-X page -> 12, tval = epc = VA */
	li s1, VA(2)
	ENTER_MODE PRV_S
	ARM_RESUME 1f
	jalr ra, 0(s1)
1:	CHECK_TRAP CAUSE_FETCH_PAGE
	CHECK_TVAL VA(2)
	CHECKM trap_epc, VA(2)
	TO_M
	TEST 13	/* fetch from a U page in S faults even with SUM */
	la t1, stub
	srli t0, t1, 12
	slli t0, t0, 10
	ori t0, t0, PTE_V | PTE_X | PTE_U | PTE_A
	la t2, l0
	sd t0, 8 * 7(t2)
	sfence.vma
	li s1, VA(7)
	li t0, MSTATUS_SUM
	csrs mstatus, t0
	ENTER_MODE PRV_S
	ARM_RESUME 2f
	jalr ra, 0(s1)
2:	CHECK_TRAP CAUSE_FETCH_PAGE
	CHECK_TVAL VA(7)
	TO_M
	li t0, MSTATUS_SUM
	csrc mstatus, t0
	TEST 14	/* U mode: runs user code through the U identity map, can use
		 * U pages and call the U stub; S pages fault */
	IDMAP_U
	ENTER_MODE PRV_U
	li s1, VA(5)
	ld a0, 0(s1)
	CHECK a0, 0x2222222222222222
	li s1, VA(7)
	li a0, 0
	jalr ra, 0(s1)
	CHECK a0, 42
	li s1, VA(2)
	PF CAUSE_LOAD_PAGE, VA(2), ld a0, 0(s1)
	PF CAUSE_STORE_PAGE, VA(2), sd a0, 0(s1)
	TO_M
	IDMAP_S
	TEST 15	/* a delegated page fault goes to S with stval */
	la t0, s_trap
	csrw stvec, t0
	li t0, 1 << CAUSE_LOAD_PAGE
	csrw medeleg, t0
	li s1, VA(7) + 0x123
	ENTER_MODE PRV_S
	ARM
	lbu a0, 0(s1)
	CHECK_TRAP CAUSE_LOAD_PAGE
	CHECKM trap_level, PRV_S
	CHECK_TVAL VA(7) + 0x123
	TO_M
	csrw medeleg, zero
	PASS

	.text
	.balign 4096
stub:	li a0, 42
	ret
	.balign 4096
