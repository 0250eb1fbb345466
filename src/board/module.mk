# Virt board (owner: board helper): devices, FDT, SBI firmware, machine.
UNIT_TESTS += test-board-devices
test-board-devices_SRCS := tests/board/test_devices.c
test-board-devices_LIBS := board hv util
CHECKS += $$B/bin/test-board-devices
SAN_CHECKS += $$B/bin/test-board-devices

UNIT_TESTS += test-board-fdt
test-board-fdt_SRCS := tests/board/test_fdt.c
test-board-fdt_LIBS := board hv util
test-board-fdt_LDLIBS := -lfdt
CHECKS += $$B/bin/test-board-fdt
SAN_CHECKS += $$B/bin/test-board-fdt

# Boot tests (need $B/guest from `make guest`; skip without the image).
CHECKS += tests/board/boot.sh

UNIT_TESTS += test-board-sbi
test-board-sbi_SRCS := tests/board/test_sbi.c
test-board-sbi_LIBS := board hv virtio backend cpu util
test-board-sbi_LDLIBS := -lfdt
CHECKS += $$B/bin/test-board-sbi
SAN_CHECKS += $$B/bin/test-board-sbi
SAN_CHECKS += tests/board/boot-san.sh

UNIT_TESTS += test-board-smp
test-board-smp_SRCS := tests/board/test_smp.c
test-board-smp_LIBS := board hv virtio backend cpu util
test-board-smp_LDLIBS := -lfdt
$(B)/obj/tests/board/test_smp.o: CFLAGS += -Itests/board
CHECKS += $$B/bin/test-board-smp
SAN_CHECKS += $$B/bin/test-board-smp

# Hostile kernel image headers are refused.
CHECKS += tests/board/bad-image.sh
SAN_CHECKS += tests/board/bad-image.sh

# Pause/unpause on a running machine (owner: pause helper).
UNIT_TESTS += test-board-pause
test-board-pause_SRCS := tests/board/test_pause.c
test-board-pause_LIBS := board hv virtio backend cpu util
test-board-pause_LDLIBS := -lfdt
$(B)/obj/tests/board/test_pause.o: CFLAGS += -Itests/board
CHECKS += $$B/bin/test-board-pause
SAN_CHECKS += $$B/bin/test-board-pause
