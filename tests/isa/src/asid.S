/* Address-space switches as an OS with ASIDs does them: two roots (ASID 1
 * and 2) map the same VA to different pages; writing satp to the other root
 * (different ASID, no SFENCE.VMA, which is legal) must translate with the
 * new tables at once, and switching back too; a PTE changed in the inactive
 * address space and fenced with SFENCE.VMA x0, asid is seen after switching
 * to it; global (G) identity mappings keep working across switches.
 * satp.ASID is WARL: whatever ASID width, the switches must be correct. */
#include "test.h"
#include "vm.h"
	/* t0 = satp value for root r with ASID a */
	.macro SATP r, a
	la t0, \r
	srli t0, t0, 12
	li t1, SATP_SV39 | (\a << 44)
	or t0, t0, t1
	.endm
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
	VM_SV39				/* root / l1 / l0: ASID 1 */
	MAP4K 0, 0, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
	/* root B: same identity gigapage (G), VA_BASE -> pages[1] */
	SETPTE_PA rootb, 2, 0x80000000, RWX | PTE_G
	SETPTE rootb, 1, l1b, PTE_V
	SETPTE l1b, 0, l0b, PTE_V
	la t1, pages + 4096
	MKPTE t1, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
	la t2, l0b
	sd t0, 0(t2)
	SATP root, 1
	csrw satp, t0
	sfence.vma
	li s1, VA_BASE
	ENTER_MODE PRV_S
	TEST 1
	ld a0, 0(s1)
	CHECK a0, 0xaaaa
	TEST 2	/* switch to ASID 2 without a fence */
	SATP rootb, 2
	csrw satp, t0
	ld a0, 0(s1)
	CHECK a0, 0xbbbb
	TEST 3	/* and back */
	SATP root, 1
	csrw satp, t0
	ld a0, 0(s1)
	CHECK a0, 0xaaaa
	TEST 4	/* change ASID 2's PTE while in ASID 1, fence ASID 2 only */
	la t1, pages + 8192
	MKPTE t1, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
	la t2, l0b
	sd t0, 0(t2)
	li t1, 2
	sfence.vma zero, t1
	ld a0, 0(s1)
	CHECK a0, 0xaaaa
	SATP rootb, 2
	csrw satp, t0
	ld a0, 0(s1)
	CHECK a0, 0xcccc
	TEST 5	/* stores through the switched mapping land in the right page */
	li a0, 0x2222
	sd a0, 8(s1)
	SATP root, 1
	csrw satp, t0
	li a0, 0x1111
	sd a0, 8(s1)
	TO_M
	la t1, pages
	ld a0, 8(t1)
	CHECK a0, 0x1111
	la t1, pages + 8192
	ld a0, 8(t1)
	CHECK a0, 0x2222
	PASS
	.bss
	.balign 4096
rootb:	.skip 4096
l1b:	.skip 4096
l0b:	.skip 4096
	.text
