/* RV64I loads and stores of every width: sign/zero extension, partial
 * stores, little-endian byte order, negative offsets, load into x0. */
#include "test.h"
test_main:
	la s0, buf
	TEST 1	/* stores of each width, read back as a doubleword */
	li a0, 0x1122334455667788
	sd a0, 0(s0)
	ld a1, 0(s0)
	CHECK a1, 0x1122334455667788
	li a0, 0xaabbccdd
	sw a0, 0(s0)
	ld a1, 0(s0)
	CHECK a1, 0x11223344aabbccdd
	li a0, 0xfffff00f
	sh a0, 2(s0)
	ld a1, 0(s0)
	CHECK a1, 0x11223344f00fccdd
	li a0, 0x1ee
	sb a0, 7(s0)
	ld a1, 0(s0)
	CHECK a1, 0xee223344f00fccdd
	TEST 2	/* sign-extending loads */
	lb a1, 7(s0)
	CHECK a1, 0xffffffffffffffee
	lb a1, 6(s0)
	CHECK a1, 0x22
	lh a1, 2(s0)
	CHECK a1, 0xfffffffffffff00f
	lh a1, 4(s0)
	CHECK a1, 0x3344
	lw a1, 4(s0)
	CHECK a1, 0xffffffffee223344
	lw a1, 0(s0)
	CHECK a1, 0xfffffffff00fccdd
	TEST 3	/* zero-extending loads */
	lbu a1, 7(s0)
	CHECK a1, 0xee
	lhu a1, 2(s0)
	CHECK a1, 0xf00f
	lwu a1, 4(s0)
	CHECK a1, 0xee223344
	TEST 4	/* negative offsets */
	addi s1, s0, 16
	li a0, -2
	sd a0, -8(s1)
	ld a1, 8(s0)
	CHECK a1, -2
	lbu a1, -1(s1)
	CHECK a1, 0xff
	TEST 5	/* byte order */
	li a0, 0x0807060504030201
	sd a0, 16(s0)
	lbu a1, 16(s0)
	CHECK a1, 1
	lbu a1, 23(s0)
	CHECK a1, 8
	lhu a1, 18(s0)
	CHECK a1, 0x0403
	TEST 6	/* load into x0 has no effect, still performs the access */
	lw x0, 0(s0)
	CHECK x0, 0
	TEST 7	/* large offsets */
	li a0, 0x55
	sb a0, 2047(s0)
	addi s1, s0, 2047
	addi s1, s1, 2047
	addi s1, s1, 2
	sb a0, -2048(s1)
	addi s1, s0, 2047
	lbu a1, 1(s1)
	CHECK a1, 0x55
	lbu a1, 2047(s0)
	CHECK a1, 0x55
	PASS
	.data
	.balign 8
buf:	.skip 4096
