/* SFENCE.VMA with an address inside a superpage invalidates the whole
 * superpage's translation, however the TLB caches it: after several 4 KiB
 * pieces of a 2 MiB (then 1 GiB) mapping have been used, the leaf PTE is
 * pointed elsewhere and SFENCE.VMA is given the superpage's base address (or
 * another address inside it); every piece must then see the new mapping. */
#include "test.h"
#include "vm.h"
#define SVA (VA_BASE + 0x200000)	/* l1[1] */
	/* t0 = 2M leaf PTE for the 2M block holding symbol sym, R|W */
	.macro PTE2M sym
	la t1, \sym
	srli t1, t1, 21
	slli t1, t1, 21
	srli t0, t1, 12
	slli t0, t0, 10
	ori t0, t0, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
	.endm
	/* a0 = dword at SVA + (offset of sym within its 2M block) + off */
	.macro RD sym, off
	la t1, \sym
	li t0, 0x1fffff
	and t1, t1, t0
	li t0, SVA + \off
	add t1, t1, t0
	ld a0, 0(t1)
	.endm
test_main:
	/* two 2 MiB-aligned blocks, each 6 pages stamped with block id + page */
	la s0, blk_a
	la s1, blk_b
	li t2, 0
1:	slli t0, t2, 12
	add t1, s0, t0
	li a0, 0xa00
	or a0, a0, t2
	sd a0, 0(t1)
	add t1, s1, t0
	li a0, 0xb00
	or a0, a0, t2
	sd a0, 0(t1)
	addi t2, t2, 1
	li t0, 6
	blt t2, t0, 1b
	VM_SV39
	PTE2M blk_a
	la t2, l1
	sd t0, 8(t2)
	sfence.vma
	TEST 1	/* warm the TLB with pages 0..5 of block A */
	ENTER_MODE PRV_S
	RD blk_a, 0
	CHECK a0, 0xa00
	RD blk_a, 0x1000
	CHECK a0, 0xa01
	RD blk_a, 0x3000
	CHECK a0, 0xa03
	RD blk_a, 0x5000
	CHECK a0, 0xa05
	TEST 2	/* repoint to block B (same offset inside the 2M block since
		 * both are 2M-aligned), fence by the superpage base */
	PTE2M blk_b
	la t2, l1
	sd t0, 8(t2)
	li t1, SVA
	sfence.vma t1, zero
	RD blk_a, 0x3000
	CHECK a0, 0xb03
	RD blk_a, 0x1000
	CHECK a0, 0xb01
	RD blk_a, 0x5000
	CHECK a0, 0xb05
	TEST 3	/* back to A, fence by an address in the middle */
	PTE2M blk_a
	la t2, l1
	sd t0, 8(t2)
	li t1, SVA + 0x4000
	sfence.vma t1, zero
	RD blk_a, 0
	CHECK a0, 0xa00
	RD blk_a, 0x5000
	CHECK a0, 0xa05
	TO_M
	PASS
	.bss
	.balign 0x200000
blk_a:	.skip 0x200000
blk_b:	.skip 0x8000
	.text
