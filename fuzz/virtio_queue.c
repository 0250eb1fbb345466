/*
 * libFuzzer target: a fuzzer-chosen guest RAM image (descriptor tables,
 * rings, indirect tables, buffers, all of it) behind every virtio device
 * model (blk, net on a hub, rng, balloon, console); the harness brings the
 * devices up through their virtio-mmio registers as a driver would, then
 * notifies every queue, feeds the net device a frame and the console some
 * input. Any crash, sanitizer report, leak or hang is a bug; a malformed
 * ring must just end in DEVICE_NEEDS_RESET.
 *
 * Input layout: byte 0 = flags (bit 0 indirect, bit 1 event idx, bit 2
 * kick everything a second time, bit 3 reset + re-kick between rounds),
 * byte 1 = log2 of the queue size (mod 9), bytes 2.. = guest RAM contents.
 * Queue area k (see layout[] below) has its descriptor table at RAM + 0x2000*k,
 * its avail ring at +0x1000 and its used ring at +0x1400.
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
#define FUZZ_RAM (128u << 10)
#define MMIO_BASE 0x10001000ull
#define NDEV 5

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Device slot, number of queues, first queue area. */
static const struct { unsigned nq, area; uint32_t feat; } layout[NDEV] = {
	{ 1, 0, (1u << VIRTIO_BLK_F_FLUSH) | (1u << VIRTIO_BLK_F_DISCARD) | (1u << VIRTIO_BLK_F_WRITE_ZEROES) },
	{ 2, 1, 1u << VIRTIO_NET_F_MAC },	/* net: rx area 1, tx area 2 */
	{ 1, 3, 0 },				/* rng */
	{ 3, 4, 1u << VIRTIO_BALLOON_F_STATS_VQ },	/* balloon: areas 4-6 */
	{ 2, 7, 1u << 2 },			/* console, EMERG_WRITE: areas 7-8 */
};

static void wr(struct bus *b, unsigned slot, uint64_t off, uint32_t v)
{
	bus_store(b, MMIO_BASE + 0x1000ull * slot + off, 4, v);
}

static void dev_up(struct bus *b, unsigned slot, unsigned num, uint32_t feat_lo)
{
	wr(b, slot, VIRTIO_MMIO_STATUS, 0);
	wr(b, slot, VIRTIO_MMIO_STATUS, 3);
	wr(b, slot, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(b, slot, VIRTIO_MMIO_DRIVER_FEATURES, feat_lo | layout[slot].feat);
	wr(b, slot, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(b, slot, VIRTIO_MMIO_DRIVER_FEATURES, 1);	/* VERSION_1 */
	wr(b, slot, VIRTIO_MMIO_STATUS, 11);
	for (unsigned q = 0; q < layout[slot].nq; q++) {
		uint64_t area = RAM_BASE + 0x2000ull * (layout[slot].area + q);
		wr(b, slot, VIRTIO_MMIO_QUEUE_SEL, q);
		wr(b, slot, VIRTIO_MMIO_QUEUE_NUM, num);
		wr(b, slot, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)area);
		wr(b, slot, VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)(area + 0x1000));
		wr(b, slot, VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)(area + 0x1400));
		wr(b, slot, VIRTIO_MMIO_QUEUE_READY, 1);
	}
	wr(b, slot, VIRTIO_MMIO_STATUS, 15);
}

static void kick_all(struct bus *b)
{
	for (unsigned s = 0; s < NDEV; s++)
		for (unsigned q = 0; q < layout[s].nq; q++)
			wr(b, s, VIRTIO_MMIO_QUEUE_NOTIFY, q);
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

static void sink(void *opaque, const uint8_t *buf, size_t len)
{
	volatile uint8_t x = 0;
	for (size_t i = 0; i < len; i++)
		x ^= buf[i];	/* touch every byte the guest pointed us at */
	(void)x;
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

	struct virtio_mmio *m[NDEV] = { 0 };
	struct virtio_dev *dev[NDEV] = { 0 };
	struct blk_backend *be = NULL;
	struct net_hub *hub = NULL;
	struct net_backend *p0 = NULL, *p1 = NULL;
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", blk_image());
	if (blk_raw_open(path, false, &be) == 0)
		virtio_blk_create(be, &dev[0]);
	static const uint8_t mac[6] = { 0x52, 0x54, 0, 0, 0, 1 };
	if (net_hub_create(&hub) == 0 && net_hub_port(hub, &p0) == 0 && net_hub_port(hub, &p1) == 0)
		virtio_net_create(mac, p1, &dev[1]);
	virtio_rng_create(&dev[2]);
	virtio_balloon_create(&dev[3]);
	struct virtio_console_io io = { .output = sink };
	virtio_console_create(&io, &dev[4]);
	for (unsigned s = 0; s < NDEV; s++)
		if (dev[s] && virtio_mmio_create(&bus, MMIO_BASE + 0x1000ull * s, (struct irq_line){ 0 },
						 dev[s], &m[s]) < 0)
			virtio_dev_destroy(dev[s]);

	uint32_t feat = ((flags & 1) ? 1u << VIRTIO_F_INDIRECT_DESC : 0) |
			((flags & 2) ? 1u << VIRTIO_F_EVENT_IDX : 0);
	for (unsigned s = 0; s < NDEV; s++)
		if (m[s])
			dev_up(&bus, s, num, feat);
	for (int round = 0; round < 1 + ((flags >> 2) & 1); round++) {
		kick_all(&bus);
		uint8_t frame[64] = { 0x52, 0x54, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 2, 0x88, 0xb5 };
		if (p0)
			p0->ops->send(p0, frame, sizeof(frame));
		if (m[4])
			virtio_console_input(dev[4], frame, sizeof(frame));
		if (m[3]) {
			virtio_balloon_set_target(dev[3], 16);
			virtio_balloon_request_stats(dev[3]);
		}
		if (flags & 8)
			for (unsigned s = 0; s < NDEV; s++)
				if (m[s])
					dev_up(&bus, s, num, feat);
	}
	for (unsigned s = 0; s < NDEV; s++)
		virtio_mmio_destroy(m[s]);
	net_backend_destroy(p0);
	net_hub_destroy(hub);
	bus_destroy(&bus);
	return 0;
}
