# I/O counters of virtio-blk / virtio-net (xm top) (owner: info helper; the
# other virtio tests are in src/virtio/module.mk).
UNIT_TESTS += test-virtio-stats
test-virtio-stats_SRCS := tests/virtio/test_virtio_stats.c tests/virtio/vdrv.c
test-virtio-stats_LIBS := virtio backend cpu
CHECKS += $$B/bin/test-virtio-stats
SAN_CHECKS += $$B/bin/test-virtio-stats
