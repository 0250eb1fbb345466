/* Record formats shared by the FPU reference executor (ref.c, riscv64) and
 * the comparison driver (test_fpu.c, host). Both little-endian 64-bit. */
#ifndef DOMUS_TESTS_FREF_H
#define DOMUS_TESTS_FREF_H

#include <stdint.h>

struct fref_in {
	uint32_t op, rm;
	uint64_t a, b, c;
};

struct fref_out {
	uint64_t result;
	uint32_t fflags, pad;
};

#endif
