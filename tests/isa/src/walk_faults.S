/* Page-walk and leaf access faults: a non-leaf PTE pointing outside RAM makes
 * the walk fail with an access fault of the access type (load 5, store 7,
 * fetch 1) and tval = VA; a leaf pointing outside RAM gives the same access
 * faults (not page faults); a valid mapping next to them still works. */
#include "test.h"
#include "vm.h"
test_main:
	VM_SV39
	la t1, pages
	li t0, 0x6060
	sd t0, 0(t1)
	MAP4K 0, 0, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
	/* l0[1]: leaf to an unmapped PA */
	SETPTE_PA l0, 1, UNMAPPED_PA, PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D
	/* l1[1] (VA 0x40200000): pointer to a table at an unmapped PA */
	SETPTE_PA l1, 1, UNMAPPED_PA, PTE_V
	sfence.vma
	li s0, VA_BASE
	li s1, VA_BASE + 4096
	li s2, VA_BASE + 0x200000
	ENTER_MODE PRV_S
	TEST 1
	ld a0, 0(s0)
	CHECK a0, 0x6060
	TEST 2	/* leaf outside RAM */
	ARM
	ld a0, 8(s1)
	CHECK_TRAP CAUSE_LOAD_ACCESS
	CHECK_TVAL VA_BASE + 4096 + 8
	ARM
	sd a0, 0(s1)
	CHECK_TRAP CAUSE_STORE_ACCESS
	CHECK_TVAL VA_BASE + 4096
	ARM_RESUME 1f
	jalr ra, 0(s1)
1:	CHECK_TRAP CAUSE_FETCH_ACCESS
	CHECK_TVAL VA_BASE + 4096
	TEST 3	/* walk through a table outside RAM */
	ARM
	lw a0, 4(s2)
	CHECK_TRAP CAUSE_LOAD_ACCESS
	CHECK_TVAL VA_BASE + 0x200004
	ARM
	sw a0, 0(s2)
	CHECK_TRAP CAUSE_STORE_ACCESS
	CHECK_TVAL VA_BASE + 0x200000
	ARM_RESUME 2f
	jalr ra, 0(s2)
2:	CHECK_TRAP CAUSE_FETCH_ACCESS
	CHECK_TVAL VA_BASE + 0x200000
	TO_M
	PASS
