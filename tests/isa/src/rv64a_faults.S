/* RV64A faults: misaligned AMOs and SC raise store/AMO address-misaligned
 * (6), misaligned LR raises load address-misaligned (4), tval = the address;
 * memory unchanged, rd not written. AMO/SC to an unmapped address raise
 * store/AMO access fault (7), LR a load access fault (5). */
#include "test.h"
test_main:
	la s0, cell
	li a0, 0x1122334455667788
	sd a0, 0(s0)
	sd a0, 8(s0)
	TEST 1	/* amoadd.d at +4 */
	addi s1, s0, 4
	li a1, 1
	li a2, 0x77
	ARM
	amoadd.d a2, a1, (s1)
	CHECK_TRAP CAUSE_MISALIGNED_STORE
	la t0, trap_tval
	ld t0, 0(t0)
	CHECKR t0, s1
	CHECK a2, 0x77
	ld a3, 0(s0)
	CHECK a3, 0x1122334455667788
	TEST 2	/* amoswap.w at +2 */
	addi s1, s0, 2
	ARM
	amoswap.w a2, a1, (s1)
	CHECK_TRAP CAUSE_MISALIGNED_STORE
	la t0, trap_tval
	ld t0, 0(t0)
	CHECKR t0, s1
	CHECK a2, 0x77
	TEST 3	/* amomaxu.w at +1 */
	addi s1, s0, 1
	ARM
	amomaxu.w a2, a1, (s1)
	CHECK_TRAP CAUSE_MISALIGNED_STORE
	TEST 4	/* lr.d at +4 -> load misaligned */
	addi s1, s0, 4
	ARM
	lr.d a2, (s1)
	CHECK_TRAP CAUSE_MISALIGNED_LOAD
	la t0, trap_tval
	ld t0, 0(t0)
	CHECKR t0, s1
	CHECK a2, 0x77
	TEST 5	/* lr.w at +2 */
	addi s1, s0, 2
	ARM
	lr.w a2, (s1)
	CHECK_TRAP CAUSE_MISALIGNED_LOAD
	TEST 6	/* sc.d at +4 -> store misaligned (reservation or not) */
	lr.d a3, (s0)
	addi s1, s0, 4
	ARM
	sc.d a2, a1, (s1)
	CHECK_TRAP CAUSE_MISALIGNED_STORE
	CHECK a2, 0x77
	ld a3, 0(s0)
	CHECK a3, 0x1122334455667788
	TEST 7	/* sc.w at +1 */
	addi s1, s0, 1
	ARM
	sc.w a2, a1, (s1)
	CHECK_TRAP CAUSE_MISALIGNED_STORE
	TEST 8	/* .w AMO at 4-aligned (not 8) address is fine */
	addi s1, s0, 4
	ARM
	amoadd.w a2, a1, (s1)
	CHECK_NOTRAP
	CHECK a2, 0x11223344
	TEST 9	/* access faults */
	li s1, UNMAPPED_PA
	ARM
	amoor.w a2, a1, (s1)
	CHECK_TRAP CAUSE_STORE_ACCESS
	CHECK_TVAL UNMAPPED_PA
	ARM
	amoswap.d a2, a1, (s1)
	CHECK_TRAP CAUSE_STORE_ACCESS
	li a2, 0x77
	ARM
	lr.d a2, (s1)
	CHECK_TRAP CAUSE_LOAD_ACCESS
	CHECK_TVAL UNMAPPED_PA
	CHECK a2, 0x77
	PASS
	.data
	.balign 64
cell:	.dword 0, 0
