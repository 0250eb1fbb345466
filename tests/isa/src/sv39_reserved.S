/* Sv39 corner cases: PTE bits 63:54 (reserved without Svnapot/Svpbmt) set in
 * a leaf make it a page fault; a jump to a non-canonical VA is an
 * instruction page fault with tval = that VA; a leaf at level 0 with only
 * W|X (W without R) faults for fetch as well. */
#include "test.h"
#include "vm.h"
test_main:
	VM_SV39
	la t1, pages
	li t0, 0x5a5a
	sd t0, 0(t1)
	MAP4K 0, 0, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
	li s0, VA_BASE
	TEST 1	/* a good mapping first */
	ENTER_MODE PRV_S
	ld a0, 0(s0)
	CHECK a0, 0x5a5a
	TO_M
	TEST 2	/* reserved bit 54 / bit 60 / bit 63 */
	GETPTE 0
	li t0, 1 << 54
	or a0, a0, t0
	la t2, l0
	sd a0, 0(t2)
	sfence.vma
	ENTER_MODE PRV_S
	ARM
	ld a0, 0(s0)
	CHECK_TRAP CAUSE_LOAD_PAGE
	CHECK_TVAL VA_BASE
	TO_M
	TEST 3
	MAP4K 0, 0, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
	GETPTE 0
	li t0, 1 << 63
	or a0, a0, t0
	la t2, l0
	sd a0, 0(t2)
	sfence.vma
	ENTER_MODE PRV_S
	ARM
	sd a0, 0(s0)
	CHECK_TRAP CAUSE_STORE_PAGE
	TO_M
	TEST 4	/* non-canonical fetch target */
	li s1, 0x0000004000000000
	ENTER_MODE PRV_S
	ARM_RESUME 1f
	jalr ra, 0(s1)
1:	CHECK_TRAP CAUSE_FETCH_PAGE
	CHECK_TVAL 0x0000004000000000
	CHECKM trap_epc, 0x0000004000000000
	TO_M
	TEST 5	/* W|X without R: fetch faults too */
	MAP4K 0, 0, PTE_V | PTE_W | PTE_X | PTE_A | PTE_D
	ENTER_MODE PRV_S
	ARM_RESUME 2f
	jalr ra, 0(s0)
2:	CHECK_TRAP CAUSE_FETCH_PAGE
	CHECK_TVAL VA_BASE
	TO_M
	PASS
