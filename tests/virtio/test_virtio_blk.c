/*
 * virtio-blk over virtio-mmio, driven like a guest driver: feature
 * negotiation, read/write/flush/get-id/discard/write-zeroes against a temp
 * raw image (file contents verified), bounds checks, read-only rejection,
 * interrupts and event-index suppression, reset.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend/backend.h"
#include "vdrv.h"
#include "virtio/virtio.h"
#include "virtio/virtio_devs.h"
#include "virtio/virtio_mmio.h"

#define IMG_SIZE (1u << 20)

struct blk_hdr { uint32_t type, reserved; uint64_t sector; };

static char img_path[] = "/tmp/domus-vblk-XXXXXX";

static int make_image(void)
{
	int fd = mkstemp(img_path);
	if (fd < 0)
		return -1;
	uint8_t *buf = malloc(IMG_SIZE);
	for (unsigned i = 0; i < IMG_SIZE; i++)
		buf[i] = (uint8_t)(i * 7 + 1);
	ssize_t n = write(fd, buf, IMG_SIZE);
	free(buf);
	close(fd);
	return n == IMG_SIZE ? 0 : -1;
}

static void read_image(uint64_t off, void *buf, size_t len)
{
	int fd = open(img_path, O_RDONLY);
	if (pread(fd, buf, len, (off_t)off) != (ssize_t)len)
		memset(buf, 0xee, len);
	close(fd);
}

/* One request: header + optional data (out or in) + status; returns status
 * and the used length. */
static int blk_req(struct vt_dev *v, uint32_t type, uint64_t sector, uint64_t data_pa,
		   uint32_t data_len, bool data_in, bool indirect, uint32_t *used_len)
{
	struct vt_machine *m = v->m;
	uint64_t hdr = vt_alloc(m, 16, 16), st = vt_alloc(m, 1, 1);
	struct blk_hdr h = { type, 0, sector };
	memcpy(vt_ptr(m, hdr), &h, sizeof(h));
	*(uint8_t *)vt_ptr(m, st) = 0xff;
	struct vt_buf b[3];
	unsigned n = 0;
	b[n++] = (struct vt_buf){ hdr, 16, false };
	if (data_len)
		b[n++] = (struct vt_buf){ data_pa, data_len, data_in };
	b[n++] = (struct vt_buf){ st, 1, true };
	int head = vt_submit(v, 0, b, n, indirect);
	vt_kick(v, 0);
	uint32_t id = 0xffff, len = 0;
	if (!vt_get_used(v, 0, &id, &len) || id != (uint32_t)head)
		return -1;
	*used_len = len;
	return *(uint8_t *)vt_ptr(m, st);
}

static const uint64_t WANT = VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC) |
	VIRTIO_BIT(VIRTIO_F_EVENT_IDX) | VIRTIO_BIT(VIRTIO_BLK_F_FLUSH) |
	VIRTIO_BIT(VIRTIO_BLK_F_DISCARD) | VIRTIO_BIT(VIRTIO_BLK_F_WRITE_ZEROES) |
	VIRTIO_BIT(VIRTIO_BLK_F_BLK_SIZE) | VIRTIO_BIT(VIRTIO_BLK_F_SEG_MAX) |
	VIRTIO_BIT(VIRTIO_BLK_F_RO);

static void test_rw(struct vt_machine *m)
{
	struct blk_backend *be;
	struct virtio_dev *dev;
	struct vt_dev v;
	if (blk_raw_open(img_path, false, &be) < 0 || virtio_blk_create(be, &dev) < 0) {
		VT_CHECK(0, "blk: open image");
		return;
	}
	int rc = vt_dev_setup(&v, m, VT_MMIO_BASE, dev, WANT, 1, 64);
	VT_CHECK(rc == 0, "blk: setup and feature negotiation (rc %d)", rc);
	if (rc)
		return;
	VT_CHECK(vt_rd(&v, VIRTIO_MMIO_DEVICE_ID) == VIRTIO_ID_BLOCK &&
		 vt_rd(&v, VIRTIO_MMIO_VENDOR_ID) == VIRTIO_MMIO_VENDOR, "blk: device and vendor id");
	VT_CHECK(!(v.features & VIRTIO_BIT(VIRTIO_BLK_F_RO)) &&
		 (v.features & VIRTIO_BIT(VIRTIO_BLK_F_DISCARD)), "blk: rw image offers discard, not RO");
	uint64_t cap = 0;
	bus_load(&m->bus, VT_MMIO_BASE + VIRTIO_MMIO_CONFIG, 8, &cap);
	VT_CHECK(cap == IMG_SIZE / 512, "blk: capacity %llu sectors", (unsigned long long)cap);
	uint64_t bs = 0;
	bus_load(&m->bus, VT_MMIO_BASE + VIRTIO_MMIO_CONFIG + 20, 4, &bs);
	VT_CHECK(bs == 512, "blk: blk_size config");

	/* Write 2 sectors at sector 3 and check the file. */
	uint64_t data = vt_alloc(m, 4096, 4096);
	uint8_t *dp = vt_ptr(m, data);
	for (int i = 0; i < 1024; i++)
		dp[i] = (uint8_t)(0xa5 ^ i);
	uint32_t ulen = 0;
	unsigned raises = atomic_load(&m->irq_raises);
	rc = blk_req(&v, VIRTIO_BLK_T_OUT, 3, data, 1024, false, false, &ulen);
	VT_CHECK(rc == VIRTIO_BLK_S_OK && ulen == 1, "blk: write status %d used len %u", rc, ulen);
	VT_CHECK(atomic_load(&m->irq_raises) > raises && (vt_rd(&v, VIRTIO_MMIO_INTERRUPT_STATUS) & 1),
		 "blk: used buffer interrupt");
	vt_wr(&v, VIRTIO_MMIO_INTERRUPT_ACK, 1);
	VT_CHECK(atomic_load(&m->irq_level) == 0, "blk: interrupt ack lowers the line");
	uint8_t file[1024];
	read_image(3 * 512, file, sizeof(file));
	VT_CHECK(memcmp(file, dp, 1024) == 0, "blk: write reached the image");

	/* Read it back through an indirect chain into a fresh buffer. */
	uint64_t rd = vt_alloc(m, 1024, 8);
	memset(vt_ptr(m, rd), 0, 1024);
	rc = blk_req(&v, VIRTIO_BLK_T_IN, 3, rd, 1024, true, true, &ulen);
	VT_CHECK(rc == VIRTIO_BLK_S_OK && ulen == 1025 && memcmp(vt_ptr(m, rd), dp, 1024) == 0,
		 "blk: indirect read back (status %d len %u)", rc, ulen);

	/* A read split over three data segments of odd sizes. */
	{
		uint64_t hdr = vt_alloc(m, 16, 16), st = vt_alloc(m, 1, 1);
		uint64_t a = vt_alloc(m, 100, 1), b = vt_alloc(m, 312, 1), c = vt_alloc(m, 100, 1);
		struct blk_hdr h = { VIRTIO_BLK_T_IN, 0, 0 };
		memcpy(vt_ptr(m, hdr), &h, sizeof(h));
		struct vt_buf bufs[] = { { hdr, 16, false }, { a, 100, true }, { b, 312, true },
					 { c, 100, true }, { st, 1, true } };
		vt_submit(&v, 0, bufs, 5, false);
		vt_kick(&v, 0);
		uint32_t id, len;
		uint8_t want[512], got[512];
		read_image(0, want, 512);
		memcpy(got, vt_ptr(m, a), 100);
		memcpy(got + 100, vt_ptr(m, b), 312);
		memcpy(got + 412, vt_ptr(m, c), 100);
		VT_CHECK(vt_get_used(&v, 0, &id, &len) && len == 513 && *(uint8_t *)vt_ptr(m, st) == 0 &&
			 memcmp(want, got, 512) == 0, "blk: scattered read");
	}

	rc = blk_req(&v, VIRTIO_BLK_T_FLUSH, 0, 0, 0, false, false, &ulen);
	VT_CHECK(rc == VIRTIO_BLK_S_OK, "blk: flush");

	uint64_t idb = vt_alloc(m, 20, 1);
	rc = blk_req(&v, VIRTIO_BLK_T_GET_ID, 0, idb, 20, true, false, &ulen);
	VT_CHECK(rc == VIRTIO_BLK_S_OK && ulen == 21 && memcmp(vt_ptr(m, idb), "domus-", 6) == 0,
		 "blk: get-id");

	/* Discard 4 KiB at byte 8192 (sectors 16..23): reads back as zeroes. */
	struct { uint64_t sector; uint32_t num, flags; } seg = { 16, 8, 0 };
	uint64_t sp = vt_alloc(m, 16, 8);
	memcpy(vt_ptr(m, sp), &seg, 16);
	rc = blk_req(&v, VIRTIO_BLK_T_DISCARD, 0, sp, 16, false, false, &ulen);
	uint8_t z[4096], zero[4096] = { 0 };
	read_image(8192, z, sizeof(z));
	VT_CHECK(rc == VIRTIO_BLK_S_OK && memcmp(z, zero, sizeof(z)) == 0, "blk: discard punches a hole");
	read_image(8192 + 4096, z, 16);
	VT_CHECK(z[0] == (uint8_t)((8192 + 4096) * 7 + 1), "blk: discard leaves neighbours alone");

	seg = (typeof(seg)){ 40, 3, 1 };
	memcpy(vt_ptr(m, sp), &seg, 16);
	rc = blk_req(&v, VIRTIO_BLK_T_WRITE_ZEROES, 0, sp, 16, false, false, &ulen);
	read_image(40 * 512, z, 3 * 512);
	VT_CHECK(rc == VIRTIO_BLK_S_OK && memcmp(z, zero, 3 * 512) == 0, "blk: write-zeroes");

	/* Bounds: last sector fine, one past is an I/O error; unknown type. */
	rc = blk_req(&v, VIRTIO_BLK_T_IN, cap - 1, rd, 512, true, false, &ulen);
	VT_CHECK(rc == VIRTIO_BLK_S_OK, "blk: read last sector");
	rc = blk_req(&v, VIRTIO_BLK_T_IN, cap - 1, rd, 1024, true, false, &ulen);
	VT_CHECK(rc == VIRTIO_BLK_S_IOERR && ulen == 1, "blk: read past the end -> IOERR");
	rc = blk_req(&v, VIRTIO_BLK_T_OUT, ~0ull / 512, data, 512, false, false, &ulen);
	VT_CHECK(rc == VIRTIO_BLK_S_IOERR, "blk: huge sector -> IOERR");
	rc = blk_req(&v, VIRTIO_BLK_T_IN, 0, rd, 100, true, false, &ulen);
	VT_CHECK(rc == VIRTIO_BLK_S_IOERR, "blk: partial sector -> IOERR");

	seg = (typeof(seg)){ cap - 2, 8, 0 };
	memcpy(vt_ptr(m, sp), &seg, 16);
	rc = blk_req(&v, VIRTIO_BLK_T_DISCARD, 0, sp, 16, false, false, &ulen);
	VT_CHECK(rc == VIRTIO_BLK_S_IOERR, "blk: discard past the end -> IOERR");
	rc = blk_req(&v, 0x77, 0, 0, 0, false, false, &ulen);
	VT_CHECK(rc == VIRTIO_BLK_S_UNSUPP, "blk: unknown request -> UNSUPP");

	/* Event index: the driver asks for an interrupt only after 3 more. */
	vt_wr(&v, VIRTIO_MMIO_INTERRUPT_ACK, 3);
	uint16_t used_now = v.q[0].used_seen;
	*(uint16_t *)vt_ptr(m, v.q[0].avail + 4 + 2 * 64) = (uint16_t)(used_now + 2);
	raises = atomic_load(&m->irq_raises);
	blk_req(&v, VIRTIO_BLK_T_FLUSH, 0, 0, 0, false, false, &ulen);
	blk_req(&v, VIRTIO_BLK_T_FLUSH, 0, 0, 0, false, false, &ulen);
	VT_CHECK(atomic_load(&m->irq_raises) == raises, "blk: event idx suppresses interrupts");
	blk_req(&v, VIRTIO_BLK_T_FLUSH, 0, 0, 0, false, false, &ulen);
	VT_CHECK(atomic_load(&m->irq_raises) == raises + 1, "blk: event idx interrupt when crossed");
	uint16_t avail_event = *(uint16_t *)vt_ptr(m, v.q[0].used + 4 + 8 * 64);
	VT_CHECK(avail_event == v.q[0].avail_idx, "blk: avail_event published (%u)", avail_event);

	vt_wr(&v, VIRTIO_MMIO_STATUS, 0);
	vt_wr(&v, VIRTIO_MMIO_QUEUE_SEL, 0);
	VT_CHECK(vt_status(&v) == 0 && vt_rd(&v, VIRTIO_MMIO_QUEUE_READY) == 0 &&
		 atomic_load(&m->irq_level) == 0, "blk: reset clears status and queues");
	vt_dev_destroy(&v);
}

static void test_negotiation(struct vt_machine *m)
{
	struct blk_backend *be;
	struct virtio_dev *dev;
	struct vt_dev v;
	if (blk_raw_open(img_path, false, &be) < 0 || virtio_blk_create(be, &dev) < 0)
		return;
	int rc = vt_dev_setup(&v, m, VT_MMIO_BASE + 0x1000, dev, VIRTIO_BIT(VIRTIO_BLK_F_FLUSH), 1, 16);
	VT_CHECK(rc == -EPROTO && !(vt_status(&v) & VIRTIO_STATUS_FEATURES_OK),
		 "negotiation: FEATURES_OK refused without VERSION_1");
	/* Features the device never offered are refused too. */
	vt_wr(&v, VIRTIO_MMIO_STATUS, 0);
	vt_wr(&v, VIRTIO_MMIO_STATUS, 3);
	vt_wr(&v, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	vt_wr(&v, VIRTIO_MMIO_DRIVER_FEATURES, 1u << 30);
	vt_wr(&v, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	vt_wr(&v, VIRTIO_MMIO_DRIVER_FEATURES, 1);
	vt_wr(&v, VIRTIO_MMIO_STATUS, 11);
	VT_CHECK(!(vt_status(&v) & VIRTIO_STATUS_FEATURES_OK), "negotiation: unoffered feature refused");
	vt_wr(&v, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	vt_wr(&v, VIRTIO_MMIO_DRIVER_FEATURES, 0);
	vt_wr(&v, VIRTIO_MMIO_STATUS, 11);
	VT_CHECK(vt_status(&v) & VIRTIO_STATUS_FEATURES_OK, "negotiation: VERSION_1 alone accepted");
	vt_wr(&v, VIRTIO_MMIO_QUEUE_SEL, 5);
	VT_CHECK(vt_rd(&v, VIRTIO_MMIO_QUEUE_NUM_MAX) == 0, "negotiation: absent queue has QueueNumMax 0");
	vt_dev_destroy(&v);
}

/* A driver that notifies before DRIVER_OK (Linux's balloon does) is not
 * served then, but its buffers are picked up when DRIVER_OK arrives. */
static void test_early_kick(struct vt_machine *m)
{
	struct blk_backend *be;
	struct virtio_dev *dev;
	struct vt_dev v;
	if (blk_raw_open(img_path, false, &be) < 0 || virtio_blk_create(be, &dev) < 0 ||
	    vt_dev_setup(&v, m, VT_MMIO_BASE + 0x5000, dev, WANT, 1, 16) < 0) {
		VT_CHECK(0, "early kick: setup");
		return;
	}
	struct vt_queue *q = &v.q[0];
	vt_wr(&v, VIRTIO_MMIO_STATUS, 0);
	memset(vt_ptr(m, q->avail), 0, 6 + 2 * 16);
	memset(vt_ptr(m, q->used), 0, 6 + 8 * 16);
	q->avail_idx = q->used_seen = q->next_desc = 0;
	vt_wr(&v, VIRTIO_MMIO_STATUS, 3);
	vt_wr(&v, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	vt_wr(&v, VIRTIO_MMIO_DRIVER_FEATURES, 1);
	vt_wr(&v, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	vt_wr(&v, VIRTIO_MMIO_DRIVER_FEATURES, 0);
	vt_wr(&v, VIRTIO_MMIO_STATUS, 11);
	vt_wr(&v, VIRTIO_MMIO_QUEUE_SEL, 0);
	vt_wr(&v, VIRTIO_MMIO_QUEUE_NUM, 16);
	vt_wr(&v, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)q->desc);
	vt_wr(&v, VIRTIO_MMIO_QUEUE_DESC_HIGH, 0);
	vt_wr(&v, VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)q->avail);
	vt_wr(&v, VIRTIO_MMIO_QUEUE_DRIVER_HIGH, 0);
	vt_wr(&v, VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)q->used);
	vt_wr(&v, VIRTIO_MMIO_QUEUE_DEVICE_HIGH, 0);
	vt_wr(&v, VIRTIO_MMIO_QUEUE_READY, 1);
	uint64_t hdr = vt_alloc(m, 16, 16), st = vt_alloc(m, 1, 1);
	struct blk_hdr h = { VIRTIO_BLK_T_FLUSH, 0, 0 };
	memcpy(vt_ptr(m, hdr), &h, sizeof(h));
	*(uint8_t *)vt_ptr(m, st) = 0xff;
	struct vt_buf b[] = { { hdr, 16, false }, { st, 1, true } };
	vt_submit(&v, 0, b, 2, false);
	vt_kick(&v, 0);
	uint32_t id, len;
	VT_CHECK(!vt_get_used(&v, 0, &id, &len), "early kick: nothing served before DRIVER_OK");
	vt_wr(&v, VIRTIO_MMIO_STATUS, 15);
	VT_CHECK(vt_get_used(&v, 0, &id, &len) && *(uint8_t *)vt_ptr(m, st) == VIRTIO_BLK_S_OK,
		 "early kick: served when DRIVER_OK is set");
	vt_dev_destroy(&v);
}

static void test_ro(struct vt_machine *m)
{
	struct blk_backend *be;
	struct virtio_dev *dev;
	struct vt_dev v;
	if (blk_raw_open(img_path, true, &be) < 0 || virtio_blk_create(be, &dev) < 0) {
		VT_CHECK(0, "ro: open");
		return;
	}
	int rc = vt_dev_setup(&v, m, VT_MMIO_BASE + 0x2000, dev, WANT, 1, 32);
	VT_CHECK(rc == 0 && (v.features & VIRTIO_BIT(VIRTIO_BLK_F_RO)), "ro: device offers VIRTIO_BLK_F_RO");
	uint8_t before[512], after[512];
	read_image(0, before, 512);
	uint64_t data = vt_alloc(m, 512, 8);
	memset(vt_ptr(m, data), 0x5a, 512);
	uint32_t ulen;
	rc = blk_req(&v, VIRTIO_BLK_T_OUT, 0, data, 512, false, false, &ulen);
	read_image(0, after, 512);
	VT_CHECK(rc == VIRTIO_BLK_S_IOERR && memcmp(before, after, 512) == 0, "ro: write rejected with IOERR");
	rc = blk_req(&v, VIRTIO_BLK_T_IN, 0, data, 512, true, false, &ulen);
	VT_CHECK(rc == VIRTIO_BLK_S_OK && memcmp(vt_ptr(m, data), before, 512) == 0, "ro: read works");
	vt_dev_destroy(&v);
}

/* 200 writable segments all aliasing the same 1 MiB of guest RAM: 200 MiB
 * of "data" on a disk big enough for it, over the per-request bound. */
static void test_aliased(struct vt_machine *m)
{
	char path[] = "/tmp/domus-vblk-big-XXXXXX";
	int fd = mkstemp(path);
	struct blk_backend *be;
	struct virtio_dev *dev;
	struct vt_dev v;
	if (fd < 0 || ftruncate(fd, 512 << 20) < 0 || blk_raw_open(path, false, &be) < 0 ||
	    virtio_blk_create(be, &dev) < 0 || vt_dev_setup(&v, m, VT_MMIO_BASE + 0x4000, dev, WANT, 1, 256) < 0) {
		VT_CHECK(0, "aliased: setup");
		return;
	}
	close(fd);
	uint64_t hdr = vt_alloc(m, 16, 16), st = vt_alloc(m, 1, 1), big = vt_alloc(m, 1 << 20, 4096);
	struct blk_hdr h = { VIRTIO_BLK_T_IN, 0, 0 };
	memcpy(vt_ptr(m, hdr), &h, sizeof(h));
	static struct vt_buf bufs[202];
	bufs[0] = (struct vt_buf){ hdr, 16, false };
	for (int i = 1; i <= 200; i++)
		bufs[i] = (struct vt_buf){ big, 1 << 20, true };
	bufs[201] = (struct vt_buf){ st, 1, true };
	vt_submit(&v, 0, bufs, 202, true);
	vt_kick(&v, 0);
	uint32_t id, len;
	VT_CHECK(vt_get_used(&v, 0, &id, &len) && len == 1 && *(uint8_t *)vt_ptr(m, st) == VIRTIO_BLK_S_IOERR,
		 "blk: aliased 200 MiB request -> IOERR, bounded");
	/* 100 of them (100 MiB) is within bounds and fine. */
	bufs[101] = bufs[201];
	vt_submit(&v, 0, bufs, 102, true);
	vt_kick(&v, 0);
	VT_CHECK(vt_get_used(&v, 0, &id, &len) && len == (100u << 20) + 1 &&
		 *(uint8_t *)vt_ptr(m, st) == VIRTIO_BLK_S_OK, "blk: 100 MiB request in 100 segments");
	vt_dev_destroy(&v);
	unlink(path);
}

/* A second "vCPU" hammers QueueNotify while the first submits: every
 * request completes exactly once. */
struct kicker {
	struct vt_dev *v;
	atomic_bool stop;
	atomic_long kicks;
};

static void *kick_loop(void *arg)
{
	struct kicker *k = arg;
	while (!atomic_load(&k->stop)) {
		vt_kick(k->v, 0);
		atomic_fetch_add(&k->kicks, 1);
	}
	return NULL;
}

static void test_concurrent_kicks(struct vt_machine *m)
{
	struct blk_backend *be;
	struct virtio_dev *dev;
	struct vt_dev v;
	if (blk_raw_open(img_path, false, &be) < 0 || virtio_blk_create(be, &dev) < 0 ||
	    vt_dev_setup(&v, m, VT_MMIO_BASE + 0x3000, dev, WANT, 1, 64) < 0) {
		VT_CHECK(0, "kicks: setup");
		return;
	}
	struct kicker k = { &v, false, 0 };
	pthread_t t;
	pthread_create(&t, NULL, kick_loop, &k);
	while (atomic_load(&k.kicks) == 0)
		sched_yield();
	uint64_t hdr = vt_alloc(m, 16 * 8, 16), data = vt_alloc(m, 512 * 8, 512), st = vt_alloc(m, 8, 1);
	int done = 0, bad = 0, dup = 0;
	uint8_t seen[64] = { 0 };
	for (int i = 0; i < 4000; i++) {
		int slot = i % 8;
		struct blk_hdr h = { VIRTIO_BLK_T_OUT, 0, (uint64_t)(100 + slot) };
		memcpy(vt_ptr(m, hdr + 16 * slot), &h, sizeof(h));
		memset(vt_ptr(m, data + 512 * slot), i & 0xff, 512);
		*(uint8_t *)vt_ptr(m, st + slot) = 0xff;
		struct vt_buf b[] = { { hdr + 16 * slot, 16, false }, { data + 512 * slot, 512, false },
				      { st + slot, 1, true } };
		int head = vt_submit(&v, 0, b, 3, i % 2);
		seen[head]++;
		if (i % 3 == 0)
			vt_kick(&v, 0);
		if (i % 64 == 0)
			sched_yield();	/* let the other notifier in */
		uint32_t id, len;
		/* Keep at most 8 in flight; reap completions as they come. */
		while ((i - done >= 7 || i == 3999) && done <= i) {
			if (!vt_wait_used(&v, 0, &id, &len, 1000))
				break;
			done++;
			if (id >= 64 || !seen[id]--)
				dup++;
			if (len != 1)
				bad++;
		}
	}
	atomic_store(&k.stop, true);
	pthread_join(t, NULL);
	uint32_t id, len;
	VT_CHECK(done == 4000 && !bad && !dup && !vt_get_used(&v, 0, &id, &len) &&
		 !(vt_status(&v) & VIRTIO_STATUS_NEEDS_RESET),
		 "blk: concurrent notifiers: %d/4000 completed once each (%ld extra kicks)", done, (long)atomic_load(&k.kicks));
	int content_ok = 1;
	for (int i = 3992; i < 4000; i++) {
		uint8_t sec[512];
		read_image((uint64_t)(100 + i % 8) * 512, sec, 512);
		for (int j = 0; j < 512; j++)
			content_ok &= sec[j] == (uint8_t)i;
	}
	VT_CHECK(content_ok, "blk: concurrent notifiers: last writes on disk");
	vt_dev_destroy(&v);
}

int main(void)
{
	struct vt_machine m;
	if (make_image() < 0 || vt_machine_init(&m, 16 << 20) < 0) {
		printf("not ok - setup\n");
		return 1;
	}
	test_rw(&m);
	test_negotiation(&m);
	test_ro(&m);
	test_early_kick(&m);
	test_concurrent_kicks(&m);
	test_aliased(&m);
	vt_machine_fini(&m);
	unlink(img_path);
	return vt_failures ? 1 : 0;
}
