# FPU unit tests (owner: fpu helper).
# fpu.c manipulates the host FP environment: stop the compiler from assuming
# round-to-nearest or moving FP operations across rounding-mode changes.
$(B)/obj/src/cpu/fpu.o: CFLAGS += -frounding-math -ffp-contract=off

UNIT_TESTS += test-fpu
test-fpu_SRCS := tests/unit/test_fpu.c
test-fpu_LIBS := cpu
$(B)/obj/tests/unit/test_fpu.o: CFLAGS += -Itests/unit
CHECKS += $$B/bin/test-fpu tests/unit/fpu_ref/run.sh
SAN_CHECKS += $$B/bin/test-fpu tests/unit/fpu_ref/run.sh
