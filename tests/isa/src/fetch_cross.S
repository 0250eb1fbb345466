/* Instruction fetch across a page boundary under Sv39 (the two virtual pages
 * map to non-adjacent physical pages): a 32-bit instruction whose second
 * half lies on a non-executable (or unmapped) page raises an
 * instruction page fault with epc = the instruction's address and tval = the
 * address of the faulting half (the next page); when both pages are
 * executable the straddling instruction runs normally; 16-bit instructions
 * at the very end of a page before an unmapped one run without fault. */
#include "test.h"
#include "vm.h"
test_main:
	/* pages[0] gets, at offset 4094, the low half of "addi a0, a0, 1"
	 * (0x00150513) and pages[3] at offset 0 the high half, then "ret";
	 * pages[1] (physically next to pages[0]) holds zeros */
	la t1, pages + 4096 - 8
	li t0, 0x00010001	/* c.nop c.nop */
	sw t0, 0(t1)
	li t0, 0x0001
	sh t0, 4(t1)
	li t0, 0x0513
	sh t0, 6(t1)
	la t1, pages + 3 * 4096
	li t0, 0x0015
	sh t0, 0(t1)
	li t0, 0x00008067	/* ret */
	sh t0, 2(t1)
	srli t0, t0, 16
	sh t0, 4(t1)
	fence.i
	VM_SV39
	MAP4K 0, 0, PTE_V | PTE_X | PTE_A
	MAP4K 1, 3, PTE_V | PTE_X | PTE_A
	li s1, VA_BASE + 4096 - 8
	TEST 1	/* both executable: runs */
	ENTER_MODE PRV_S
	li a0, 41
	jalr ra, 0(s1)
	CHECK a0, 42
	TO_M
	TEST 2	/* second page not executable: fault on the second half */
	MAP4K 1, 3, PTE_V | PTE_R | PTE_A
	ENTER_MODE PRV_S
	li a0, 41
	ARM_RESUME 1f
	jalr ra, 0(s1)
1:	CHECK_TRAP CAUSE_FETCH_PAGE
	CHECKM trap_epc, VA_BASE + 4096 - 2
	CHECKM trap_tval, VA_BASE + 4096
	CHECK a0, 41
	TO_M
	TEST 3	/* second page unmapped: same */
	la t2, l0
	sd zero, 8(t2)
	sfence.vma
	ENTER_MODE PRV_S
	ARM_RESUME 2f
	jalr ra, 0(s1)
2:	CHECK_TRAP CAUSE_FETCH_PAGE
	CHECKM trap_epc, VA_BASE + 4096 - 2
	CHECKM trap_tval, VA_BASE + 4096
	TO_M
	TEST 4	/* 16-bit instructions in the last 4 bytes of a page with the
		 * next page unmapped: no fault (only 2 bytes are fetched) */
	la t1, pages + 4096 - 4
	li t0, 0x4515		/* c.li a0, 5 */
	sh t0, 0(t1)
	li t0, 0x8082		/* c.jr ra */
	sh t0, 2(t1)
	fence.i
	li s1, VA_BASE + 4096 - 4
	ENTER_MODE PRV_S
	li a0, 0
	ARM
	jalr ra, 0(s1)
	CHECK_NOTRAP
	CHECK a0, 5
	TO_M
	PASS
