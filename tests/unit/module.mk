# FPU unit tests (owner: fpu helper).
# fpu.c manipulates the host FP environment: stop the compiler from assuming
# round-to-nearest or moving FP operations across rounding-mode changes.
$(B)/obj/src/cpu/fpu.o: CFLAGS += -frounding-math
