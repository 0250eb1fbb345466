/*
 * Page-table scaffolding for the ISA tests that turn on translation
 * (include after test.h).
 *
 * Sv39 layout built by VM_SV39:
 *   VA 0x80000000 (1 GiB)  -> PA 0x80000000, a gigapage leaf RWXAD (no U):
 *                             the test image, identity-mapped so the trap
 *                             handlers and TO_M keep working;
 *   VA 0x40000000 + i*4K   -> whatever the test puts in l0[i] (via l1[0]);
 *   VA 0x40200000 + j*2M   -> l1[1 + j] (2 MiB leaves, if the test sets them).
 * IDMAP_U switches the identity gigapage to U (for U-mode code; S may then
 * not fetch from it) and IDMAP_S back. `pages` are 8 zeroed 4 KiB pages.
 */
#ifndef DOMUS_ISA_VM_H
#define DOMUS_ISA_VM_H

#define VA_BASE 0x40000000
#define RWX (PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D)

	.macro IDMAP_S
	SETPTE_PA root, 2, 0x80000000, RWX | PTE_G
	sfence.vma
	.endm
	.macro IDMAP_U
	SETPTE_PA root, 2, 0x80000000, RWX | PTE_U
	sfence.vma
	.endm

	/* Build the Sv39 tables and switch satp (in M: takes effect for S/U
	 * and MPRV only). Clobbers t0-t2. */
	.macro VM_SV39
	IDMAP_S
	SETPTE root, 1, l1, PTE_V
	SETPTE l1, 0, l0, PTE_V
	la t0, root
	srli t0, t0, 12
	li t1, SATP_SV39
	or t0, t0, t1
	csrw satp, t0
	sfence.vma
	.endm

	/* l0[i] = PTE for page p of `pages` (0..7) with flags f */
	.macro MAP4K i, p, f
	la t1, pages + 4096 * (\p)
	srli t0, t1, 12
	slli t0, t0, 10
	li t1, \f
	or t0, t0, t1
	la t2, l0
	sd t0, 8 * (\i)(t2)
	sfence.vma
	.endm

	/* a0 = l0[i] */
	.macro GETPTE i
	la t2, l0
	ld a0, 8 * (\i)(t2)
	.endm

	.bss
	.balign 4096
	.globl root, l1, l0, pages
root:	.skip 4096
l1:	.skip 4096
l0:	.skip 4096
root4:	.skip 4096
pages:	.skip 4096 * 8
	.text
#endif
