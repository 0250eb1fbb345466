/* Translation state that takes effect without SFENCE.VMA: clearing
 * sstatus.SUM or MXR after a successful access (so the translation may be
 * cached) makes the next access fault at once; changing satp.MODE between
 * Bare and Sv39 takes effect immediately; changing mstatus.MPP under MPRV
 * changes the effective privilege immediately. Also: D cleared by software
 * (then SFENCE.VMA) is set again by the next store. */
#include "test.h"
#include "vm.h"
test_main:
	la t1, pages
	li t0, 0x4242
	sd t0, 0(t1)
	VM_SV39
	MAP4K 0, 0, PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D	/* U page */
	MAP4K 1, 0, PTE_V | PTE_X | PTE_A				/* X-only */
	MAP4K 2, 0, PTE_V | PTE_R | PTE_W | PTE_A			/* D = 0 */
	li s0, VA_BASE
	li s1, VA_BASE + 4096
	li s2, VA_BASE + 8192
	TEST 1	/* SUM */
	ENTER_MODE PRV_S
	li t0, MSTATUS_SUM
	csrs sstatus, t0
	ld a0, 0(s0)
	CHECK a0, 0x4242
	sd a0, 8(s0)
	li t0, MSTATUS_SUM
	csrc sstatus, t0
	ARM
	ld a0, 0(s0)
	CHECK_TRAP CAUSE_LOAD_PAGE
	ARM
	sd a0, 8(s0)
	CHECK_TRAP CAUSE_STORE_PAGE
	TEST 2	/* MXR */
	li t0, MSTATUS_MXR
	csrs sstatus, t0
	ld a0, 0(s1)
	CHECK a0, 0x4242
	li t0, MSTATUS_MXR
	csrc sstatus, t0
	ARM
	ld a0, 0(s1)
	CHECK_TRAP CAUSE_LOAD_PAGE
	TEST 3	/* D set again after software clears it */
	li a0, 0x4242
	sd a0, 0(s2)
	TO_M
	GETPTE 2
	andi a0, a0, PTE_D
	CHECK a0, PTE_D
	la t2, l0
	ld t0, 16(t2)
	andi t0, t0, ~PTE_D
	sd t0, 16(t2)
	sfence.vma
	ENTER_MODE PRV_S
	li a0, 0x4242
	sd a0, 0(s2)
	TO_M
	GETPTE 2
	andi a0, a0, PTE_D
	CHECK a0, PTE_D
	TEST 5	/* satp Sv39 -> Bare without a fence: physical at once */
	la s3, pages
	ENTER_MODE PRV_S
	ld a0, 0(s2)		/* translated: VA_BASE + 8K -> pages[0] */
	CHECK a0, 0x4242
	csrr s4, satp
	csrw satp, zero
	ld a0, 0(s3)		/* physical address of pages[0] */
	CHECK a0, 0x4242
	ARM
	ld a0, 0(s2)		/* 0x40002000: no RAM there when untranslated */
	CHECK_TRAP CAUSE_LOAD_ACCESS
	TEST 6	/* Bare -> Sv39 without a fence: translated at once */
	csrw satp, s4
	ld a0, 0(s2)
	CHECK a0, 0x4242
	TO_M
	TEST 7	/* MPRV: switching MPP from S to U changes permissions now */
	li t0, MSTATUS_MPP
	csrc mstatus, t0
	li t0, (PRV_U << 11) | MSTATUS_MPRV
	csrs mstatus, t0
	ld a0, 0(s0)		/* U page as U: fine */
	li t0, MSTATUS_MPP
	csrs mstatus, t0
	li t0, MSTATUS_MPP
	csrc mstatus, t0
	li t0, (PRV_S << 11)
	csrs mstatus, t0	/* now as S without SUM: must fault */
	ARM
	ld a0, 0(s0)
	li t0, MSTATUS_MPRV
	csrc mstatus, t0
	CHECK_TRAP CAUSE_LOAD_PAGE
	PASS
