/* SFENCE.VMA and TLB coherence: a PTE rewritten in memory is seen after
 * SFENCE.VMA (all, by address, by address+ASID 0); a PTE made invalid faults
 * after the fence; switching satp.PPN to another root with a fence changes
 * the mapping; satp = Bare turns translation off; hardware A/D updates are
 * written to memory (a PTE with A clear in memory gets A again after the
 * test clears it and fences). Stale translations without a fence are allowed
 * by the spec and not checked. */
#include "test.h"
#include "vm.h"
test_main:
	la t1, pages
	li t0, 0xaaaa
	sd t0, 0(t1)
	li t2, 4096
	add t1, t1, t2
	li t0, 0xbbbb
	sd t0, 0(t1)
	add t1, t1, t2
	li t0, 0xcccc
	sd t0, 0(t1)
	VM_SV39
	MAP4K 0, 0, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
	li s1, VA_BASE
	TEST 1
	ENTER_MODE PRV_S
	ld a0, 0(s1)
	CHECK a0, 0xaaaa
	TO_M
	TEST 2	/* remap to page 1, full fence (MAP4K fences) */
	MAP4K 0, 1, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
	ENTER_MODE PRV_S
	ld a0, 0(s1)
	CHECK a0, 0xbbbb
	TO_M
	TEST 3	/* remap to page 2, fence by address from S */
	ENTER_MODE PRV_S
	la t1, pages + 8192
	srli t0, t1, 12
	slli t0, t0, 10
	ori t0, t0, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
	la t2, l0
	sd t0, 0(t2)		/* S writes the PTE through the identity map */
	sfence.vma s1, zero
	ld a0, 0(s1)
	CHECK a0, 0xcccc
	TEST 4	/* invalidate; fence by address and ASID */
	sd zero, 0(t2)
	sfence.vma s1, zero
	ARM
	ld a0, 0(s1)
	CHECK_TRAP CAUSE_LOAD_PAGE
	TEST 5	/* A cleared by software is set again on the next access */
	li a1, PTE_V | PTE_R | PTE_W | PTE_D
	or t0, t0, a1
	li a1, ~PTE_A
	and t0, t0, a1
	sd t0, 0(t2)
	sfence.vma
	ld a0, 0(s1)
	CHECK a0, 0xcccc
	ld a0, 0(t2)
	andi a0, a0, PTE_A
	CHECK a0, PTE_A
	TO_M
	TEST 6	/* switch roots: a second root maps VA_BASE as a 2M leaf of
		 * the block holding `pages` */
	la t1, pages
	srli t1, t1, 21
	slli t1, t1, 21
	srli t0, t1, 12
	slli t0, t0, 10
	ori t0, t0, PTE_V | PTE_R | PTE_A
	la t2, l1b
	sd t0, 0(t2)
	SETPTE rootb, 1, l1b, PTE_V
	SETPTE_PA rootb, 2, 0x80000000, RWX
	la t0, rootb
	srli t0, t0, 12
	li t1, SATP_SV39
	or t0, t0, t1
	csrw satp, t0
	sfence.vma
	la t0, pages
	li t1, 0x1fffff
	and t0, t0, t1
	li s1, VA_BASE
	add s1, s1, t0
	ENTER_MODE PRV_S
	ld a0, 0(s1)
	CHECK a0, 0xaaaa
	TO_M
	TEST 7	/* satp = Bare: S accesses are physical */
	csrw satp, zero
	sfence.vma
	la s1, pages
	ENTER_MODE PRV_S
	ld a0, 0(s1)
	CHECK a0, 0xaaaa
	TO_M
	PASS
	.bss
	.balign 4096
rootb:	.skip 4096
l1b:	.skip 4096
	.text
