/* Zicsr corner QEMU 7.2 gets wrong: CSRRS/CSRRC with rs1 != x0 count as a
 * write even when the register holds 0, so on a read-only CSR they are
 * illegal (Zicsr chapter: "will still attempt to write the unmodified value
 * back"); CSRRSI/CSRRCI with zimm = 0 do not write. */
#include "test.h"
test_main:
	li a0, 0
	TEST 1
	ILLW CSRI(0xf14, 10, 2, 11)	/* csrrs a1, mhartid, a0 = 0 */
	TEST 2
	ILLW CSRI(0xf11, 10, 3, 11)	/* csrrc a1, mvendorid, a0 = 0 */
	TEST 3
	ILLW CSRI(0xc02, 10, 2, 11)	/* csrrs a1, instret, a0 = 0 */
	TEST 4
	ARM
	.word CSRI(0xf14, 0, 6, 11)	/* csrrsi a1, mhartid, 0 */
	.word CSRI(0xf14, 0, 7, 11)	/* csrrci a1, mhartid, 0 */
	CHECK_NOTRAP
	PASS
