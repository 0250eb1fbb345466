/* U-mode under Sv39: fetch from a non-U page faults (12), store to a
 * read-only U page faults (15), MXR lets U load from an execute-only U page,
 * SUM does not matter to U, and U code runs from a U page. */
#include "test.h"
#include "vm.h"
test_main:
	la t1, pages
	li t0, 0x7777
	sd t0, 0(t1)
	VM_SV39
	MAP4K 0, 0, PTE_V | PTE_R | PTE_U | PTE_A		/* U read-only */
	MAP4K 1, 0, PTE_V | PTE_X | PTE_U | PTE_A		/* U exec-only */
	la t1, ustub
	srli t0, t1, 12
	slli t0, t0, 10
	ori t0, t0, PTE_V | PTE_X | PTE_A			/* S-only code */
	la t2, l0
	sd t0, 16(t2)
	sfence.vma
	IDMAP_U
	li s0, VA_BASE
	li s1, VA_BASE + 4096
	li s2, VA_BASE + 8192
	TEST 1
	ENTER_MODE PRV_U
	ld a0, 0(s0)
	CHECK a0, 0x7777
	TEST 2	/* store to U read-only */
	ARM
	sd a0, 8(s0)
	CHECK_TRAP CAUSE_STORE_PAGE
	CHECK_TVAL VA_BASE + 8
	TEST 3	/* fetch from S page */
	ARM_RESUME 1f
	jalr ra, 0(s2)
1:	CHECK_TRAP CAUSE_FETCH_PAGE
	CHECK_TVAL VA_BASE + 8192
	TEST 4	/* X-only U page: load faults... */
	ARM
	ld a0, 0(s1)
	CHECK_TRAP CAUSE_LOAD_PAGE
	TO_M
	TEST 5	/* ...unless MXR */
	li t0, MSTATUS_MXR | MSTATUS_SUM
	csrs mstatus, t0
	ENTER_MODE PRV_U
	ld a0, 0(s1)
	CHECK a0, 0x7777
	TO_M
	li t0, MSTATUS_MXR | MSTATUS_SUM
	csrc mstatus, t0
	IDMAP_S
	PASS
	.balign 4096
ustub:	ret
	.balign 4096
