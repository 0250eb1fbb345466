/* RV64C HINT encodings execute as no-ops (not illegal): c.nop with nzimm,
 * c.addi with imm 0, c.li/c.lui/c.mv/c.add/c.slli with rd = x0, c.slli and
 * c.srli/c.srai with shamt 0 (c.*64 forms). Registers are unchanged. */
#include "test.h"
	.macro HINT parcel
	.hword \parcel
	.endm
test_main:
	li a0, 0x1234
	li s0, 0x5678
	TEST 1
	ARM
	HINT 0x0005	/* c.nop 1 */
	HINT 0x0501	/* c.addi a0, 0 */
	HINT 0x4005	/* c.li x0, 1 */
	HINT 0x7005	/* c.lui x0, 1 */
	HINT 0x802a	/* c.mv x0, a0 */
	HINT 0x902a	/* c.add x0, a0 */
	HINT 0x0006	/* c.slli x0, 1 */
	HINT 0x0502	/* c.slli a0, 0 */
	HINT 0x8001	/* c.srli s0, 0 */
	HINT 0x8401	/* c.srai s0, 0 */
	.balign 4
	CHECK_NOTRAP
	CHECK a0, 0x1234
	CHECK s0, 0x5678
	CHECK x0, 0
	TEST 2	/* 32-bit HINTs: addi x0 / slli x0 / fence with pred=0 */
	ARM
	addi x0, a0, 5
	slli x0, a0, 3
	add x0, a0, a0
	lui x0, 7
	.word 0x0000000f | (1 << 20)	/* fence 0, w (HINT space) */
	CHECK_NOTRAP
	CHECK x0, 0
	PASS
