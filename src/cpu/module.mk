# CPU core unit tests (owner: cpu helper).
UNIT_TESTS += test-decode test-mmu test-smp test-pause test-blockcache
test-decode_SRCS := tests/unit/test_decode.c
test-decode_LIBS := cpu util
test-mmu_SRCS := tests/unit/test_mmu.c
test-mmu_LIBS := cpu util
test-smp_SRCS := tests/unit/test_smp.c
test-smp_LIBS := cpu util
test-pause_SRCS := tests/unit/test_pause.c
test-pause_LIBS := cpu util
test-blockcache_SRCS := tests/unit/test_blockcache.c
test-blockcache_LIBS := cpu util
CHECKS += $$B/bin/test-decode $$B/bin/test-mmu $$B/bin/test-smp $$B/bin/test-pause $$B/bin/test-blockcache
SAN_CHECKS += $$B/bin/test-decode $$B/bin/test-mmu $$B/bin/test-smp $$B/bin/test-pause $$B/bin/test-blockcache
# decoder legality vs binutils' disassembler (every C encoding + random words)
CHECKS += tests/unit/decode_vs_objdump.sh
# block translator: never writes past its room (behaviour: tests/isa/jit.sh, tests/diff/jit.sh)
UNIT_TESTS += test-jit
test-jit_SRCS := tests/unit/test_jit.c
test-jit_LIBS := cpu util
CHECKS += $$B/bin/test-jit
SAN_CHECKS += $$B/bin/test-jit
