/* Runner behaviour (domus-only, run.sh expects exit status 124): an endless
 * loop is stopped by --max-insns. */
#include "test.h"
test_main:
1:	addi a0, a0, 1
	j 1b
