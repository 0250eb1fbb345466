/* Sv39 superpages: a 1 GiB leaf in the root and 2 MiB leaves in level 1
 * translate with the low VPN bits passed through; A/D updated in the leaf;
 * a superpage whose PPN is not aligned to its size is a page fault (load 13,
 * store 15, fetch 12) with stval = VA. */
#include "test.h"
#include "vm.h"
#define GVA 0xc0000000		/* root[3]: gigapage -> PA 0x80000000 */
#define MVA (VA_BASE + 0x200000)	/* l1[1]: megapage */
	.macro PF c, v, insn:vararg
	ARM
	\insn
	CHECK_TRAP \c
	CHECK_TVAL \v
	.endm
test_main:
	VM_SV39
	la s2, marker		/* physical address of a known dword */
	li t0, 0x5555aaaa5555aaaa
	sd t0, 0(s2)
	TEST 1	/* 1 GiB leaf: VA = PA - 0x80000000 + 0xc0000000 */
	SETPTE_PA root, 3, 0x80000000, PTE_V | PTE_R | PTE_W
	sfence.vma
	li t0, GVA - 0x80000000
	add s1, s2, t0
	ENTER_MODE PRV_S
	ld a0, 0(s1)
	CHECK a0, 0x5555aaaa5555aaaa
	li a0, 0x77
	sd a0, 8(s1)
	TO_M
	ld a0, 8(s2)
	CHECK a0, 0x77
	la t2, root
	ld a0, 24(t2)
	andi a0, a0, PTE_A | PTE_D
	CHECK a0, PTE_A | PTE_D
	TEST 2	/* 2 MiB leaf: l1[1] -> the 2 MiB block holding marker */
	srli t1, s2, 21
	slli t1, t1, 21		/* 2M-aligned PA */
	srli t0, t1, 12
	slli t0, t0, 10
	ori t0, t0, PTE_V | PTE_R | PTE_A
	la t2, l1
	sd t0, 8(t2)
	sfence.vma
	li t0, 0x1fffff
	and t0, s2, t0
	li s1, MVA
	add s1, s1, t0
	ENTER_MODE PRV_S
	ld a0, 0(s1)
	CHECK a0, 0x5555aaaa5555aaaa
	ARM			/* read-only: store faults */
	sd a0, 0(s1)
	CHECK_TRAP CAUSE_STORE_PAGE
	TO_M
	la t0, trap_tval
	ld t0, 0(t0)
	CHECKR t0, s1
	TEST 3	/* misaligned 2 MiB leaf (PPN[0] != 0) faults */
	la t2, l1
	ld t0, 8(t2)
	li t1, 1 << 10		/* PPN + 1 page */
	add t0, t0, t1
	sd t0, 8(t2)
	sfence.vma
	ENTER_MODE PRV_S
	ARM
	ld a0, 0(s1)
	CHECK_TRAP CAUSE_LOAD_PAGE
	TO_M
	la t0, trap_tval
	ld t0, 0(t0)
	CHECKR t0, s1
	TEST 4	/* misaligned 1 GiB leaf (PPN[1] != 0) faults, also for fetch */
	SETPTE_PA root, 3, 0x80200000, PTE_V | PTE_R | PTE_X | PTE_A
	sfence.vma
	li s1, GVA
	ENTER_MODE PRV_S
	PF CAUSE_LOAD_PAGE, GVA, ld a0, 0(s1)
	ARM_RESUME 1f
	jalr ra, 0(s1)
1:	CHECK_TRAP CAUSE_FETCH_PAGE
	CHECK_TVAL GVA
	TO_M
	TEST 5	/* executable gigapage: call code through it */
	SETPTE_PA root, 3, 0x80000000, PTE_V | PTE_X | PTE_A
	sfence.vma
	la t0, stub
	li t1, GVA - 0x80000000
	add s1, t0, t1
	ENTER_MODE PRV_S
	li a0, 0
	jalr ra, 0(s1)
	CHECK a0, 7
	TO_M
	PASS
stub:	li a0, 7
	ret
	.data
	.balign 64
marker:	.dword 0, 0
