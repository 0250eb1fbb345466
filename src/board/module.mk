# Virt board (owner: board helper): devices, FDT, SBI firmware, machine.
UNIT_TESTS += test-board-devices
test-board-devices_SRCS := tests/board/test_devices.c
test-board-devices_LIBS := board util
CHECKS += $$B/bin/test-board-devices
SAN_CHECKS += $$B/bin/test-board-devices
