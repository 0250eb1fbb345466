/* Physical-memory attributes of I/O: instruction fetch from the CLINT is a
 * fetch access fault (1) with tval = the address; AMOs and LR/SC on it are
 * access faults (7 / 5): Domus's I/O regions support no atomics (a PMA
 * choice; QEMU 7.2 performs them, so this program is domus-only). */
#include "test.h"
test_main:
	li s0, CLINT_MSIP
	TEST 1
	ARM_RESUME 1f
	jalr ra, 0(s0)
1:	CHECK_TRAP CAUSE_FETCH_ACCESS
	CHECK_TVAL CLINT_MSIP
	TEST 2
	li a1, 1
	ARM
	amoor.w a0, a1, (s0)
	CHECK_TRAP CAUSE_STORE_ACCESS
	CHECK_TVAL CLINT_MSIP
	lw a0, 0(s0)
	CHECK a0, 0
	TEST 3
	ARM
	lr.w a0, (s0)
	CHECK_TRAP CAUSE_LOAD_ACCESS
	ARM
	sc.w a0, a1, (s0)
	CHECK_TRAP CAUSE_STORE_ACCESS
	PASS
