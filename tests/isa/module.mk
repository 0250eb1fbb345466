# ISA test suite (owner: isa helper). run.sh builds the riscv64 programs itself
# (cross compiler) and runs them under $B/bin/domus-run --bare.
CHECKS += tests/isa/run.sh tests/isa/jit.sh
SAN_CHECKS += tests/isa/run.sh
