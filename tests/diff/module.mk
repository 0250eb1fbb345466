# Differential tester: random RV64GC instruction blocks run under
# qemu-riscv64 (user mode) and `domus-run --bare`, outputs compared.
PROGRAMS += domus-diffgen
domus-diffgen_SRCS := tests/diff/gen.c
domus-diffgen_LIBS :=
CHECKS += tests/diff/run.sh tests/diff/jit.sh
SAN_CHECKS += tests/diff/san.sh
