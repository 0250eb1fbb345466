# virtio devices, backends and their tests (owner: virtio helper).
VT_LIBS := virtio backend cpu

UNIT_TESTS += test-virtio-blk
test-virtio-blk_SRCS := tests/virtio/test_virtio_blk.c tests/virtio/vdrv.c
test-virtio-blk_LIBS := $(VT_LIBS)

CHECKS += $$B/bin/test-virtio-blk
SAN_CHECKS += $$B/bin/test-virtio-blk

UNIT_TESTS += test-virtio-hostile
test-virtio-hostile_SRCS := tests/virtio/test_virtio_hostile.c tests/virtio/vdrv.c
test-virtio-hostile_LIBS := $(VT_LIBS)
CHECKS += $$B/bin/test-virtio-hostile
SAN_CHECKS += $$B/bin/test-virtio-hostile

UNIT_TESTS += test-virtio-net
test-virtio-net_SRCS := tests/virtio/test_virtio_net.c tests/virtio/vdrv.c
test-virtio-net_LIBS := $(VT_LIBS)
CHECKS += $$B/bin/test-virtio-net
SAN_CHECKS += $$B/bin/test-virtio-net

UNIT_TESTS += test-virtio-misc
test-virtio-misc_SRCS := tests/virtio/test_virtio_misc.c tests/virtio/vdrv.c
test-virtio-misc_LIBS := $(VT_LIBS)
CHECKS += $$B/bin/test-virtio-misc
SAN_CHECKS += $$B/bin/test-virtio-misc
CHECKS += tests/virtio/fuzz-smoke.sh

# End to end with a real driver: Debian's U-Boot under domus-run drives
# virtio-blk and (in a private netns) virtio-net over TAP.
CHECKS += tests/virtio/uboot.py
SAN_CHECKS += tests/virtio/uboot.py
# ... and with Linux's drivers (needs `make guest`; skipped without it).
CHECKS += tests/virtio/linux.py
SAN_CHECKS += tests/virtio/linux.py

# Two Linux guests in one process on a hub, balloon driven by Linux.
UNIT_TESTS += test-virtio-linux-pair
test-virtio-linux-pair_SRCS := tests/virtio/test_linux_pair.c
test-virtio-linux-pair_LIBS := board hv virtio backend cpu util
test-virtio-linux-pair_LDLIBS := -lfdt
CHECKS += $$B/bin/test-virtio-linux-pair
SAN_CHECKS += $$B/bin/test-virtio-linux-pair

# virtio-input: the power/restart buttons (xm shutdown / xm reboot).
UNIT_TESTS += test-virtio-input
test-virtio-input_SRCS := tests/virtio/test_virtio_input.c tests/virtio/vdrv.c
test-virtio-input_LIBS := $(VT_LIBS)
CHECKS += $$B/bin/test-virtio-input
SAN_CHECKS += $$B/bin/test-virtio-input
