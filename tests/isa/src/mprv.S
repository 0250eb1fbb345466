/* mstatus.MPRV: M-mode loads and stores are translated and permission-
 * checked as if in MPP's mode (S: U pages need SUM; U: S pages fault), while
 * instruction fetch stays untranslated; MPP = M means no translation; a page
 * fault under MPRV reports the VA in mtval. */
#include "test.h"
#include "vm.h"
	.macro MPRV_ON mpp
	li t0, MSTATUS_MPP
	csrc mstatus, t0
	li t0, (\mpp << 11) | MSTATUS_MPRV
	csrs mstatus, t0
	.endm
	.macro MPRV_OFF
	li t0, MSTATUS_MPRV
	csrc mstatus, t0
	.endm
test_main:
	la t1, pages
	li t0, 0x5151
	sd t0, 0(t1)
	VM_SV39
	MAP4K 0, 0, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
	MAP4K 1, 0, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D | PTE_U
	li s1, VA_BASE
	li s2, VA_BASE + 4096
	TEST 1	/* MPP = S: loads translate */
	MPRV_ON PRV_S
	ld a0, 0(s1)
	MPRV_OFF
	CHECK a0, 0x5151
	TEST 2	/* stores translate */
	li a1, 0x6262
	MPRV_ON PRV_S
	sd a1, 8(s1)
	MPRV_OFF
	la t1, pages
	ld a0, 8(t1)
	CHECK a0, 0x6262
	TEST 3	/* MPP = S, U page without SUM: fault, mtval = VA */
	ARM
	MPRV_ON PRV_S
	ld a0, 0(s2)
	MPRV_OFF
	CHECK_TRAP CAUSE_LOAD_PAGE
	CHECK_TVAL VA_BASE + 4096
	TEST 4	/* with SUM it works */
	li t0, MSTATUS_SUM
	csrs mstatus, t0
	MPRV_ON PRV_S
	ld a0, 0(s2)
	MPRV_OFF
	CHECK a0, 0x5151
	li t0, MSTATUS_SUM
	csrc mstatus, t0
	TEST 5	/* MPP = U: U page fine, S page faults */
	MPRV_ON PRV_U
	ld a0, 0(s2)
	MPRV_OFF
	CHECK a0, 0x5151
	ARM
	MPRV_ON PRV_U
	sd a0, 0(s1)
	MPRV_OFF
	CHECK_TRAP CAUSE_STORE_PAGE
	CHECK_TVAL VA_BASE
	TEST 6	/* MPP = M: physical */
	la s3, pages
	MPRV_ON PRV_M
	ld a0, 0(s3)
	MPRV_OFF
	CHECK a0, 0x5151
	TEST 7	/* fetch is not affected: code at physical addresses keeps
		 * running with MPRV = 1, MPP = S (pc is not in the S map
		 * at VA_BASE) */
	MPRV_ON PRV_S
	nop
	nop
	MPRV_OFF
	TEST 8	/* AMOs and LR/SC translate too */
	MPRV_ON PRV_S
	li a1, 1
	amoadd.d a0, a1, 0(s1)
	lr.d a2, (s1)
	addi a2, a2, 1
	sc.d a3, a2, (s1)
	MPRV_OFF
	CHECK a0, 0x5151
	CHECK a3, 0
	la t1, pages
	ld a0, 0(t1)
	CHECK a0, 0x5153
	PASS
