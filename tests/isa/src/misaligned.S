/* Misaligned loads and stores are emulated (no trap): every offset of
 * ld/lw/lwu/lh/lhu and sd/sw/sh, fld/fsd/flw/fsw, across a physical page
 * boundary in M, and across a virtual page boundary in S where the two
 * virtual pages map to non-adjacent physical pages; a misaligned access
 * whose second page is unmapped raises a page fault (tval inside the access,
 * the access start or the page boundary), with memory untouched. */
#include "test.h"
#include "vm.h"
	/* load at buf+off: li pattern sequence 00 11 22 ... */
	.macro LDM insn, off, r
	\insn a0, \off(s0)
	CHECK a0, \r
	.endm
test_main:
	la s0, buf
	/* buf[i] = i * 0x11 (mod 256) for 32 bytes */
	li t0, 0
	li t1, 32
1:	add t2, s0, t0
	li t3, 0x11
	mul t3, t3, t0
	sb t3, 0(t2)
	addi t0, t0, 1
	blt t0, t1, 1b
	TEST 1	/* ld at every offset */
	ARM
	LDM ld, 1, 0x8877665544332211
	LDM ld, 2, 0x9988776655443322
	LDM ld, 3, 0xaa99887766554433
	LDM ld, 4, 0xbbaa998877665544
	LDM ld, 5, 0xccbbaa9988776655
	LDM ld, 6, 0xddccbbaa99887766
	LDM ld, 7, 0xeeddccbbaa998877
	TEST 2	/* lw / lwu / lh / lhu */
	LDM lw, 1, 0x44332211
	LDM lw, 2, 0x55443322
	LDM lw, 3, 0x66554433
	LDM lw, 5, 0xffffffff88776655
	LDM lwu, 5, 0x88776655
	LDM lh, 1, 0x2211
	LDM lh, 7, 0xffffffffffff8877
	LDM lhu, 7, 0x8877
	CHECK_NOTRAP
	TEST 3	/* stores at odd offsets */
	ARM
	li a0, 0x0102030405060708
	sd a0, 17(s0)
	ld a1, 17(s0)
	CHECK a1, 0x0102030405060708
	lbu a1, 16(s0)
	CHECK a1, 0x10	/* 16 * 0x11 = 0x110 -> 0x10 */
	lbu a1, 25(s0)
	CHECK a1, 0xa9	/* 25 * 0x11 = 0x1a9: untouched */
	TEST 4
	li a0, 0xa1b2c3d4
	sw a0, 3(s0)
	lwu a1, 3(s0)
	CHECK a1, 0xa1b2c3d4
	li a0, 0xbeef
	sh a0, 9(s0)
	lhu a1, 9(s0)
	CHECK a1, 0xbeef
	lbu a1, 8(s0)
	CHECK a1, 0x88
	lbu a1, 11(s0)
	CHECK a1, 0xbb
	CHECK_NOTRAP
	TEST 5	/* FP misaligned */
	ARM
	li a0, 0x400921fb54442d18
	fmv.d.x f1, a0
	fsd f1, 3(s0)
	fld f2, 3(s0)
	CHECKF f2, 0x400921fb54442d18
	fsw f1, 13(s0)
	flw f3, 13(s0)
	CHECKF f3, 0xffffffff54442d18
	CHECK_NOTRAP
	TEST 6	/* across a physical page boundary */
	la s1, pages + 4096 - 3
	li a0, 0x1122334455667788
	ARM
	sd a0, 0(s1)
	ld a1, 0(s1)
	CHECK_NOTRAP
	CHECK a1, 0x1122334455667788
	la t0, pages + 4096
	lbu a1, 0(t0)
	CHECK a1, 0x55
	TEST 7	/* across a virtual page boundary onto non-adjacent pages:
		 * VA page 0 -> pages[2], VA page 1 -> pages[0] */
	VM_SV39
	MAP4K 0, 2, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
	MAP4K 1, 0, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
	li s1, VA_BASE + 4096 - 2
	li a0, 0xa0a1a2a3a4a5a6a7
	ENTER_MODE PRV_S
	ARM
	sd a0, 0(s1)
	ld a1, 0(s1)
	lw a2, 0(s1)
	CHECK_NOTRAP
	TO_M
	CHECK a1, 0xa0a1a2a3a4a5a6a7
	CHECK a2, 0xffffffffa4a5a6a7
	la t0, pages + 3 * 4096 - 2
	lhu a1, 0(t0)
	CHECK a1, 0xa6a7
	la t0, pages
	ld a1, 0(t0)
	CHECK a1, 0x0000a0a1a2a3a4a5	/* pages[0] held 0 (page 1 of test 6 is pages[1]) */
	TEST 8	/* second page unmapped: page fault, nothing written */
	li t0, 0x5a5a5a5a5a5a5a5a
	la t1, pages + 4096 * 3 - 8
	sd t0, 0(t1)
	sd zero, 8(t1)
	la t2, l0
	sd zero, 8(t2)		/* unmap VA page 1 */
	sfence.vma
	li s1, VA_BASE + 4096 - 4
	li a0, -1
	ENTER_MODE PRV_S
	ARM
	sd a0, 0(s1)
	CHECK_TRAP CAUSE_STORE_PAGE
	ARM
	ld a1, 0(s1)
	CHECK_TRAP CAUSE_LOAD_PAGE
	TO_M
	la t0, trap_tval
	ld a0, 0(t0)
	li t1, VA_BASE + 4096 - 4
	bltu a0, t1, 9f
	li t1, VA_BASE + 4096 + 4
	bgeu a0, t1, 9f
	la t1, pages + 4096 * 3 - 8
	ld a0, 0(t1)
	CHECK a0, 0x5a5a5a5a5a5a5a5a
	PASS
9:	j fail
	.data
	.balign 64
buf:	.skip 64
