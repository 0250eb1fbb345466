/* A extension under Sv39: AMOs and LR/SC through a mapping (results land in
 * the physical page), an AMO sets A and D, an AMO or SC to a read-only page
 * is a store/AMO page fault (15) while LR there is fine, an AMO to an
 * unmapped page is 15 too, and LR to an unmapped page is 13. */
#include "test.h"
#include "vm.h"
test_main:
	la t1, pages
	li t0, 100
	sd t0, 0(t1)
	VM_SV39
	MAP4K 0, 0, PTE_V | PTE_R | PTE_W		/* A = D = 0 */
	MAP4K 1, 0, PTE_V | PTE_R | PTE_A		/* read-only alias */
	li s0, VA_BASE
	li s1, VA_BASE + 4096
	li s2, VA_BASE + 2 * 4096			/* unmapped */
	ENTER_MODE PRV_S
	TEST 1
	li a1, 5
	amoadd.d a0, a1, (s0)
	CHECK a0, 100
	lr.d a2, (s0)
	addi a2, a2, 1
	sc.d a3, a2, (s0)
	CHECK a3, 0
	ld a0, 0(s1)
	CHECK a0, 106
	TEST 2	/* read-only page */
	ARM
	amoswap.d a0, a1, (s1)
	CHECK_TRAP CAUSE_STORE_PAGE
	CHECK_TVAL VA_BASE + 4096
	ARM
	lr.d a0, (s1)
	CHECK_NOTRAP
	CHECK a0, 106
	ARM
	sc.d a3, a1, (s1)
	CHECK_TRAP CAUSE_STORE_PAGE
	TEST 3	/* unmapped */
	ARM
	amoor.w a0, a1, (s2)
	CHECK_TRAP CAUSE_STORE_PAGE
	CHECK_TVAL VA_BASE + 2 * 4096
	ARM
	lr.w a0, (s2)
	CHECK_TRAP CAUSE_LOAD_PAGE
	TO_M
	TEST 4	/* A and D were set by the AMO */
	GETPTE 0
	andi a0, a0, PTE_A | PTE_D
	CHECK a0, PTE_A | PTE_D
	la t1, pages
	ld a0, 0(t1)
	CHECK a0, 106
	PASS
