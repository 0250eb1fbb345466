# virtio devices, backends and their tests (owner: virtio helper).
VT_LIBS := virtio backend cpu

UNIT_TESTS += test-virtio-blk
test-virtio-blk_SRCS := tests/virtio/test_virtio_blk.c tests/virtio/vdrv.c
test-virtio-blk_LIBS := $(VT_LIBS)

CHECKS += $$B/bin/test-virtio-blk
SAN_CHECKS += $$B/bin/test-virtio-blk
