/* Sv48: a four-level walk reaching the same Sv39-shaped tables through a
 * new root (4 KiB pages, 2 MiB and 1 GiB leaves), a 512 GiB leaf at level 3,
 * its misalignment fault, the upper-half canonical range, non-canonical
 * VAs (bits 63:48 != bit 47) faulting, and satp MODE WARL (an unsupported
 * mode write leaves satp unchanged). */
#include "test.h"
#include "vm.h"
#define TVA 0x8000000000	/* root4[1]: 512 GiB leaf -> PA 0 */
#define HVA 0xffff800000000000	/* root4[256] -> the Sv39-shaped l2 (root) */
	.macro PF c, v, insn:vararg
	ARM
	\insn
	CHECK_TRAP \c
	CHECK_TVAL \v
	.endm
test_main:
	VM_SV39			/* fills root/l1/l0; we then point satp at root4 */
	SETPTE root4, 0, root, PTE_V
	SETPTE root4, 256, root, PTE_V
	la t0, root4
	srli t0, t0, 12
	li t1, SATP_SV48
	or t0, t0, t1
	csrw satp, t0
	sfence.vma
	TEST 1	/* satp reads back Sv48 */
	csrr a0, satp
	srli a0, a0, 60
	CHECK a0, 9
	la t1, pages
	li t0, 0x4848484848484848
	sd t0, 0(t1)
	MAP4K 0, 0, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
	TEST 2	/* 4 KiB page through four levels; identity code through the
		 * level-2 gigapage */
	li s1, VA_BASE
	ENTER_MODE PRV_S
	ld a0, 0(s1)
	CHECK a0, 0x4848484848484848
	TO_M
	TEST 3	/* upper half: 0xffff8000_4000_0000 maps the same page */
	li s1, HVA + VA_BASE
	ENTER_MODE PRV_S
	ld a0, 0(s1)
	CHECK a0, 0x4848484848484848
	TO_M
	TEST 4	/* 512 GiB leaf: TVA + PA reads PA */
	SETPTE_PA root4, 1, 0, PTE_V | PTE_R | PTE_A
	sfence.vma
	la t0, pages
	li s1, TVA
	add s1, s1, t0
	ENTER_MODE PRV_S
	ld a0, 0(s1)
	CHECK a0, 0x4848484848484848
	TO_M
	TEST 5	/* misaligned 512 GiB leaf */
	SETPTE_PA root4, 1, 0x80000000, PTE_V | PTE_R | PTE_A
	sfence.vma
	ENTER_MODE PRV_S
	ARM
	ld a0, 0(s1)
	CHECK_TRAP CAUSE_LOAD_PAGE
	TO_M
	la t0, trap_tval
	ld t0, 0(t0)
	CHECKR t0, s1
	TEST 6	/* non-canonical: bit 47 set, upper bits clear */
	li s1, 0x0000800000000000
	ENTER_MODE PRV_S
	PF CAUSE_LOAD_PAGE, 0x0000800000000000, ld a0, 0(s1)
	TO_M
	TEST 7	/* a VA that is valid in Sv48 but not in Sv39 (bit 39 set) */
	SETPTE_PA root4, 1, 0, PTE_V | PTE_R | PTE_A
	sfence.vma
	li s1, TVA + 0x80000000
	ENTER_MODE PRV_S
	ld a0, 0(s1)	/* = PA 0x80000000: the image's first dword */
	TO_M
	li t0, 0x80000000
	ld a1, 0(t0)
	CHECKR a0, a1
	TEST 8	/* satp MODE WARL: writing mode 1 (reserved) changes nothing */
	csrr a2, satp
	li t0, (1 << 60) | 0x1234
	csrw satp, t0
	csrr a0, satp
	CHECKR a0, a2
	TEST 9	/* mode 0 (Bare) is accepted */
	csrw satp, zero
	csrr a0, satp
	CHECK a0, 0
	PASS
