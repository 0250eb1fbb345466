/*
 * libFuzzer target: a fuzzer-chosen guest RAM image (descriptor tables,
 * rings, indirect tables, buffers, all of it) behind a virtio-blk and a
 * virtio-net device; the harness brings the devices up through their
 * virtio-mmio registers as a driver would, then notifies every queue and
 * feeds the net device a received frame. Any crash, sanitizer report or
 * hang is a bug; a malformed ring must just end in DEVICE_NEEDS_RESET.
 *
 * Input layout: byte 0 = flags (bit 0 indirect, bit 1 event idx,
 * bits 2-3 which queues to kick twice), byte 1 = log2 of the queue size,
 * bytes 2.. = guest RAM contents (RAM is FUZZ_RAM bytes; rings sit at
 * fixed offsets inside it).
 */
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "backend/backend.h"
#include "cpu/bus.h"
#include "virtio/virtio.h"
#include "virtio/virtio_devs.h"
#include "virtio/virtio_mmio.h"

#define RAM_BASE 0x80000000ull
#define FUZZ_RAM (64u << 10)
#define BLK_MMIO 0x10001000ull
#define NET_MMIO 0x10002000ull

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void wr(struct bus *b, uint64_t base, uint64_t off, uint32_t v)
{
	bus_store(b, base + off, 4, v);
}

/* Rings for queue q of the device at slot s: fixed places in RAM. */
static void queue_setup(struct bus *b, uint64_t base, unsigned s, unsigned q, unsigned num)
{
	uint64_t area = RAM_BASE + 0x4000ull * (2 * s + q);
	wr(b, base, VIRTIO_MMIO_QUEUE_SEL, q);
	wr(b, base, VIRTIO_MMIO_QUEUE_NUM, num);
	wr(b, base, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)area);
	wr(b, base, VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)(area + 0x1000));
	wr(b, base, VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)(area + 0x2000));
	wr(b, base, VIRTIO_MMIO_QUEUE_READY, 1);
}

static void dev_up(struct bus *b, uint64_t base, unsigned slot, unsigned nq, unsigned num, uint32_t feat_lo)
{
	wr(b, base, VIRTIO_MMIO_STATUS, 0);
	wr(b, base, VIRTIO_MMIO_STATUS, 3);
	wr(b, base, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(b, base, VIRTIO_MMIO_DRIVER_FEATURES, feat_lo);
	wr(b, base, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(b, base, VIRTIO_MMIO_DRIVER_FEATURES, 1);	/* VERSION_1 */
	wr(b, base, VIRTIO_MMIO_STATUS, 11);
	for (unsigned q = 0; q < nq; q++)
		queue_setup(b, base, slot, q, num);
	wr(b, base, VIRTIO_MMIO_STATUS, 15);
}

static int blk_image(void)
{
	static int fd = -1;
	if (fd < 0) {
		fd = memfd_create("fuzz-blk", MFD_CLOEXEC);
		if (fd >= 0 && ftruncate(fd, 64 << 10) < 0) {
			close(fd);
			fd = -1;
		}
	}
	return fd;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	uint8_t flags = data[0];
	unsigned num = 1u << (data[1] % 9);	/* 1..256 */
	struct bus bus;
	if (bus_init(&bus, RAM_BASE, FUZZ_RAM) < 0)
		return 0;
	memcpy(bus.ram, data + 2, size - 2 < FUZZ_RAM ? size - 2 : FUZZ_RAM);

	struct virtio_mmio *mb = NULL, *mn = NULL;
	struct virtio_dev *blk = NULL, *net = NULL;
	struct blk_backend *be = NULL;
	struct net_hub *hub = NULL;
	struct net_backend *p0 = NULL, *p1 = NULL;
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", blk_image());
	if (blk_raw_open(path, false, &be) == 0 && virtio_blk_create(be, &blk) == 0 &&
	    virtio_mmio_create(&bus, BLK_MMIO, (struct irq_line){ 0 }, blk, &mb) < 0)
		virtio_dev_destroy(blk);
	static const uint8_t mac[6] = { 0x52, 0x54, 0, 0, 0, 1 };
	if (net_hub_create(&hub) == 0 && net_hub_port(hub, &p0) == 0 && net_hub_port(hub, &p1) == 0 &&
	    virtio_net_create(mac, p1, &net) == 0 &&
	    virtio_mmio_create(&bus, NET_MMIO, (struct irq_line){ 0 }, net, &mn) < 0)
		virtio_dev_destroy(net);

	uint32_t feat = ((flags & 1) ? 1u << VIRTIO_F_INDIRECT_DESC : 0) |
			((flags & 2) ? 1u << VIRTIO_F_EVENT_IDX : 0);
	if (mb) {
		dev_up(&bus, BLK_MMIO, 0, 1, num, feat | (1u << VIRTIO_BLK_F_FLUSH) |
		       (1u << VIRTIO_BLK_F_DISCARD) | (1u << VIRTIO_BLK_F_WRITE_ZEROES));
		for (int k = 0; k < 1 + ((flags >> 2) & 1); k++)
			wr(&bus, BLK_MMIO, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	}
	if (mn) {
		dev_up(&bus, NET_MMIO, 1, 2, num, feat | (1u << VIRTIO_NET_F_MAC));
		for (int k = 0; k < 1 + ((flags >> 3) & 1); k++) {
			wr(&bus, NET_MMIO, VIRTIO_MMIO_QUEUE_NOTIFY, 1);
			wr(&bus, NET_MMIO, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
		}
		uint8_t frame[64] = { 0x52, 0x54, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 2, 0x88, 0xb5 };
		p0->ops->send(p0, frame, sizeof(frame));
	}
	virtio_mmio_destroy(mb);
	virtio_mmio_destroy(mn);
	net_backend_destroy(p0);
	net_hub_destroy(hub);
	bus_destroy(&bus);
	return 0;
}
