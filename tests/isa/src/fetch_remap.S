/* Instruction fetch follows translation changes made by the running code:
 * S code at VA X remaps the page it is executing from (PTE rewrite +
 * SFENCE.VMA) and the very next instruction comes from the new physical
 * page; revoking X on the current page (+ SFENCE.VMA) faults the next fetch;
 * in M, a locked PMP entry without X over the running code (+ SFENCE.VMA)
 * faults the next fetch too. */
#include "test.h"
#include "vm.h"
#define X 0x40000000		/* VA_BASE: l0[0] */
	/* Two code pages with the same layout; at offset 0:
	 *   sd t0, 0(t2)    -- store the new PTE (t0) to l0[0] (t2)
	 *   sfence.vma
	 *   li a0, 1 / 2    -- differs: tells which page ran
	 *   ret                                                     */
	.macro CODEPAGE name, n
	.balign 4096
\name:
	.option push
	.option norvc
	sd t0, 0(t2)
	sfence.vma
	li a0, \n
	ret
	.option pop
	.balign 4096
	.endm
	.text
	CODEPAGE code1, 1
	CODEPAGE code2, 2
test_main:
	VM_SV39
	la t1, code1
	MKPTE t1, PTE_V | PTE_X | PTE_A
	la t2, l0
	sd t0, 0(t2)
	sfence.vma
	TEST 1	/* run code1 with a no-op remap: a0 = 1 */
	li s1, X
	ENTER_MODE PRV_S
	la t1, code1
	MKPTE t1, PTE_V | PTE_X | PTE_A
	la t2, l0
	jalr ra, 0(s1)
	CHECK a0, 1
	TEST 2	/* code1 remaps its own page to code2: the li after the
		 * sfence comes from code2 */
	la t1, code2
	MKPTE t1, PTE_V | PTE_X | PTE_A
	la t1, code1
	srli t1, t1, 12
	slli t1, t1, 10
	ori t1, t1, PTE_V | PTE_X | PTE_A
	la t2, l0
	sd t1, 0(t2)		/* start from code1 */
	sfence.vma
	jalr ra, 0(s1)
	CHECK a0, 2
	TEST 3	/* revoke X on the running page: next fetch faults at X + 8 */
	la t1, code1
	srli t1, t1, 12
	slli t1, t1, 10
	ori t1, t1, PTE_V | PTE_X | PTE_A
	la t2, l0
	sd t1, 0(t2)
	sfence.vma
	la t1, code1
	MKPTE t1, PTE_V | PTE_R | PTE_A
	la t2, l0
	ARM_RESUME 1f
	jalr ra, 0(s1)
1:	CHECK_TRAP CAUSE_FETCH_PAGE
	CHECK_TVAL X + 8
	CHECKM trap_epc, X + 8
	TO_M
	TEST 4	/* M: a locked PMP entry 0 without X over code1 (entry 1 keeps
		 * the rest of memory RWX): fetching code1 in M faults */
	csrw satp, zero
	sfence.vma
	li t0, -1
	csrw pmpaddr1, t0
	li t0, (3 << 3 | 7) << 8	/* entry 1: NAPOT all, RWX */
	csrw pmpcfg0, t0
	la t0, code1
	srli t0, t0, 2
	ori t0, t0, 0x1ff	/* NAPOT 4 KiB */
	csrw pmpaddr0, t0
	li t1, 0x80 | (3 << 3) | 1	/* entry 0: L, NAPOT, R */
	csrs pmpcfg0, t1
	sfence.vma
	la a2, code1
	la t2, scratch
	ARM_RESUME 2f
	jalr ra, 0(a2)
2:	CHECK_TRAP CAUSE_FETCH_ACCESS
	la a1, code1
	la t0, trap_tval
	ld t0, 0(t0)
	CHECKR t0, a1
	PASS
	.data
	.balign 8
scratch: .dword 0
