/* Runner behaviour (domus-only, run.sh expects exit status 125): mtvec
 * points at an unmapped address, so the first exception traps into a fetch
 * access fault at the handler, forever; domus-run must detect the loop and
 * exit 125 with the pc and cause. */
#include "test.h"
test_main:
	li t0, UNMAPPED_PA
	csrw mtvec, t0
	.word 0xfe000033	/* illegal */
	PASS
