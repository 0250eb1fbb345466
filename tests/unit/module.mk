# FPU unit tests (owner: fpu helper).
# fpu.c manipulates the host FP environment: stop the compiler from assuming
# round-to-nearest or moving FP operations across rounding-mode changes.
$(B)/obj/src/cpu/fpu.o: CFLAGS += -frounding-math -ffp-contract=off

UNIT_TESTS += test-fpu
# fpu.c is linked as an object (not via libcpu.a) so that another part's
# work in progress in src/cpu cannot stop the FPU tests from building.
test-fpu_SRCS := tests/unit/test_fpu.c src/cpu/fpu.c
test-fpu_LIBS :=
$(B)/obj/tests/unit/test_fpu.o: CFLAGS += -Itests/unit
CHECKS += $$B/bin/test-fpu tests/unit/fpu_ref/run.sh
SAN_CHECKS += $$B/bin/test-fpu tests/unit/fpu_ref/run.sh
