/* FP loads and stores as memory instructions: access faults and page faults
 * leave the destination f register unchanged (and memory for stores); tval is
 * the address; compressed FP loads/stores translate through Sv39 like the
 * others. */
#include "test.h"
#include "vm.h"
test_main:
	li t0, 0x1111111111111111
	fmv.d.x f5, t0
	li s0, UNMAPPED_PA
	TEST 1	/* access faults */
	ARM
	fld f5, 0(s0)
	CHECK_TRAP CAUSE_LOAD_ACCESS
	CHECK_TVAL UNMAPPED_PA
	CHECKF f5, 0x1111111111111111
	ARM
	flw f5, 4(s0)
	CHECK_TRAP CAUSE_LOAD_ACCESS
	CHECKF f5, 0x1111111111111111
	ARM
	fsd f5, 8(s0)
	CHECK_TRAP CAUSE_STORE_ACCESS
	CHECK_TVAL UNMAPPED_PA + 8
	TEST 2	/* page faults in S */
	la t1, pages
	li t0, 0x4010000000000000
	sd t0, 0(t1)
	VM_SV39
	MAP4K 0, 0, PTE_V | PTE_R | PTE_A		/* read-only */
	li s1, VA_BASE
	li s2, VA_BASE + 4096				/* unmapped */
	ENTER_MODE PRV_S
	fld f6, 0(s1)
	CHECKF f6, 0x4010000000000000
	ARM
	fld f6, 0(s2)
	CHECK_TRAP CAUSE_LOAD_PAGE
	CHECK_TVAL VA_BASE + 4096
	CHECKF f6, 0x4010000000000000
	ARM
	fsd f6, 0(s1)
	CHECK_TRAP CAUSE_STORE_PAGE
	ARM
	fsw f6, 4(s1)
	CHECK_TRAP CAUSE_STORE_PAGE
	CHECK_TVAL VA_BASE + 4
	TEST 3	/* compressed FP ops through the mapping */
	mv s0, s1
	c.fld f8, 0(s0)
	fmv.x.d a0, f8
	CHECK a0, 0x4010000000000000
	ARM
	c.fsd f8, 8(s0)
	CHECK_TRAP CAUSE_STORE_PAGE
	CHECK_TVAL VA_BASE + 8
	TO_M
	PASS
