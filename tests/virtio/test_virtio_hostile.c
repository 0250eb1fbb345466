/*
 * Hostile rings: a guest that writes garbage into its virtqueues must put
 * the device into DEVICE_NEEDS_RESET (with a config interrupt), must not
 * get its requests processed, and must leave the process intact (run under
 * ASan too). After a reset the device works again.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "backend/backend.h"
#include "vdrv.h"
#include "virtio/virtio.h"
#include "virtio/virtio_devs.h"
#include "virtio/virtio_mmio.h"

#define QSZ 16
static const uint64_t WANT = VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC) |
			     VIRTIO_BIT(VIRTIO_F_EVENT_IDX) | VIRTIO_BIT(VIRTIO_BLK_F_FLUSH);

struct blk_hdr { uint32_t type, reserved; uint64_t sector; };

static void put_desc(struct vt_machine *m, uint64_t table, unsigned i, uint64_t addr,
		     uint32_t len, uint16_t flags, uint16_t next)
{
	uint8_t *p = vt_ptr(m, table + 16ull * i);
	memcpy(p, &addr, 8);
	memcpy(p + 8, &len, 4);
	memcpy(p + 12, &flags, 2);
	memcpy(p + 14, &next, 2);
}

static void publish(struct vt_dev *v, uint16_t head, uint16_t advance)
{
	struct vt_queue *q = &v->q[0];
	*(uint16_t *)vt_ptr(v->m, q->avail + 4 + 2ull * (q->avail_idx % q->num)) = head;
	q->avail_idx = (uint16_t)(q->avail_idx + advance);
	__atomic_store_n((uint16_t *)vt_ptr(v->m, q->avail + 2), q->avail_idx, __ATOMIC_RELEASE);
	vt_kick(v, 0);
}

/* A valid read request with an extra layer the case may corrupt. */
struct reqbufs { uint64_t hdr, data, st; };

static struct reqbufs good_bufs(struct vt_machine *m)
{
	struct reqbufs r = { vt_alloc(m, 16, 16), vt_alloc(m, 512, 16), vt_alloc(m, 1, 1) };
	struct blk_hdr h = { VIRTIO_BLK_T_IN, 0, 0 };
	memcpy(vt_ptr(m, r.hdr), &h, sizeof(h));
	return r;
}

typedef void (*hostile_fn)(struct vt_dev *v);

static void c_loop(struct vt_dev *v)
{
	struct vt_machine *m = v->m;
	struct reqbufs r = good_bufs(m);
	put_desc(m, v->q[0].desc, 0, r.data, 16, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 1);
	put_desc(m, v->q[0].desc, 1, r.data, 512, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 0);
	publish(v, 0, 1);
}

static void c_self_loop(struct vt_dev *v)
{
	struct reqbufs r = good_bufs(v->m);
	put_desc(v->m, v->q[0].desc, 3, r.data, 512, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 3);
	publish(v, 3, 1);
}

static void c_out_of_ram(struct vt_dev *v)
{
	struct reqbufs r = good_bufs(v->m);
	put_desc(v->m, v->q[0].desc, 0, r.hdr, 16, VIRTQ_DESC_F_NEXT, 1);
	put_desc(v->m, v->q[0].desc, 1, 0x1000, 512, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 2);
	put_desc(v->m, v->q[0].desc, 2, r.st, 1, VIRTQ_DESC_F_WRITE, 0);
	publish(v, 0, 1);
}

static void c_huge_len(struct vt_dev *v)
{
	struct reqbufs r = good_bufs(v->m);
	put_desc(v->m, v->q[0].desc, 0, r.hdr, 16, VIRTQ_DESC_F_NEXT, 1);
	put_desc(v->m, v->q[0].desc, 1, r.data, 0xffffffffu, VIRTQ_DESC_F_WRITE, 0);
	publish(v, 0, 1);
}

static void c_wrap_addr(struct vt_dev *v)
{
	struct reqbufs r = good_bufs(v->m);
	put_desc(v->m, v->q[0].desc, 0, r.hdr, 16, VIRTQ_DESC_F_NEXT, 1);
	put_desc(v->m, v->q[0].desc, 1, 0xfffffffffffff000ull, 0x2000, VIRTQ_DESC_F_WRITE, 0);
	publish(v, 0, 1);
}

static void c_head_range(struct vt_dev *v)
{
	good_bufs(v->m);
	publish(v, QSZ + 3, 1);
}

static void c_next_range(struct vt_dev *v)
{
	struct reqbufs r = good_bufs(v->m);
	put_desc(v->m, v->q[0].desc, 0, r.hdr, 16, VIRTQ_DESC_F_NEXT, 0x7fff);
	publish(v, 0, 1);
}

static void c_avail_jump(struct vt_dev *v)
{
	struct reqbufs r = good_bufs(v->m);
	put_desc(v->m, v->q[0].desc, 0, r.st, 1, VIRTQ_DESC_F_WRITE, 0);
	publish(v, 0, QSZ + 1);
}

static void c_read_after_write(struct vt_dev *v)
{
	struct reqbufs r = good_bufs(v->m);
	put_desc(v->m, v->q[0].desc, 0, r.st, 1, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 1);
	put_desc(v->m, v->q[0].desc, 1, r.hdr, 16, 0, 0);
	publish(v, 0, 1);
}

static void c_ind_len(struct vt_dev *v)
{
	struct reqbufs r = good_bufs(v->m);
	uint64_t t = vt_alloc(v->m, 64, 16);
	put_desc(v->m, t, 0, r.hdr, 16, 0, 0);
	put_desc(v->m, v->q[0].desc, 0, t, 17, VIRTQ_DESC_F_INDIRECT, 0);
	publish(v, 0, 1);
}

static void c_ind_nested(struct vt_dev *v)
{
	struct reqbufs r = good_bufs(v->m);
	uint64_t t = vt_alloc(v->m, 64, 16), t2 = vt_alloc(v->m, 16, 16);
	put_desc(v->m, t2, 0, r.st, 1, VIRTQ_DESC_F_WRITE, 0);
	put_desc(v->m, t, 0, r.hdr, 16, VIRTQ_DESC_F_NEXT, 1);
	put_desc(v->m, t, 1, t2, 16, VIRTQ_DESC_F_INDIRECT, 0);
	put_desc(v->m, v->q[0].desc, 0, t, 32, VIRTQ_DESC_F_INDIRECT, 0);
	publish(v, 0, 1);
}

static void c_ind_loop(struct vt_dev *v)
{
	struct reqbufs r = good_bufs(v->m);
	uint64_t t = vt_alloc(v->m, 64, 16);
	put_desc(v->m, t, 0, r.hdr, 16, VIRTQ_DESC_F_NEXT, 1);
	put_desc(v->m, t, 1, r.data, 512, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 0);
	put_desc(v->m, v->q[0].desc, 0, t, 32, VIRTQ_DESC_F_INDIRECT, 0);
	publish(v, 0, 1);
}

static void c_ind_outside(struct vt_dev *v)
{
	good_bufs(v->m);
	put_desc(v->m, v->q[0].desc, 0, VT_RAM_BASE + (16 << 20) - 16, 64, VIRTQ_DESC_F_INDIRECT, 0);
	publish(v, 0, 1);
}

static void c_ind_next(struct vt_dev *v)
{
	struct reqbufs r = good_bufs(v->m);
	uint64_t t = vt_alloc(v->m, 32, 16);
	put_desc(v->m, t, 0, r.hdr, 16, 0, 0);
	put_desc(v->m, v->q[0].desc, 0, t, 16, VIRTQ_DESC_F_INDIRECT | VIRTQ_DESC_F_NEXT, 1);
	publish(v, 0, 1);
}

static void c_ind_huge(struct vt_dev *v)
{
	good_bufs(v->m);
	put_desc(v->m, v->q[0].desc, 0, VT_RAM_BASE, 0xfffffff0u, VIRTQ_DESC_F_INDIRECT, 0);
	publish(v, 0, 1);
}

static void c_no_status(struct vt_dev *v)
{
	struct reqbufs r = good_bufs(v->m);
	put_desc(v->m, v->q[0].desc, 0, r.hdr, 16, 0, 0);
	publish(v, 0, 1);
}

static void bad_rings(struct vt_dev *v, uint64_t desc, uint64_t used)
{
	vt_wr(v, VIRTIO_MMIO_STATUS, 0);
	vt_wr(v, VIRTIO_MMIO_STATUS, 3);
	vt_wr(v, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	vt_wr(v, VIRTIO_MMIO_DRIVER_FEATURES, 1);
	vt_wr(v, VIRTIO_MMIO_STATUS, 11);
	vt_wr(v, VIRTIO_MMIO_QUEUE_SEL, 0);
	vt_wr(v, VIRTIO_MMIO_QUEUE_NUM, QSZ);
	vt_wr(v, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)desc);
	vt_wr(v, VIRTIO_MMIO_QUEUE_DESC_HIGH, 0);
	vt_wr(v, VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)v->q[0].avail);
	vt_wr(v, VIRTIO_MMIO_QUEUE_DRIVER_HIGH, 0);
	vt_wr(v, VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)used);
	vt_wr(v, VIRTIO_MMIO_QUEUE_DEVICE_HIGH, 0);
	vt_wr(v, VIRTIO_MMIO_QUEUE_READY, 1);
	vt_wr(v, VIRTIO_MMIO_STATUS, 15);
	vt_kick(v, 0);
}

static void c_ring_outside(struct vt_dev *v)
{
	bad_rings(v, v->q[0].desc, VT_RAM_BASE + (16 << 20) - 64);
}

static void c_ring_misaligned(struct vt_dev *v)
{
	bad_rings(v, v->q[0].desc + 8, v->q[0].used);
}

static void c_ind_not_negotiated(struct vt_dev *v)
{
	/* Bring-up again without VIRTIO_F_INDIRECT_DESC, then use it anyway. */
	vt_dev_restart(v, WANT & ~VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC), 1, QSZ);
	vt_wr(v, VIRTIO_MMIO_INTERRUPT_ACK, 3);
	struct reqbufs r = good_bufs(v->m);
	uint64_t t = vt_alloc(v->m, 48, 16);
	put_desc(v->m, t, 0, r.hdr, 16, VIRTQ_DESC_F_NEXT, 1);
	put_desc(v->m, t, 1, r.st, 1, VIRTQ_DESC_F_WRITE, 0);
	put_desc(v->m, v->q[0].desc, 0, t, 32, VIRTQ_DESC_F_INDIRECT, 0);
	publish(v, 0, 1);
}

static void c_queue_too_big(struct vt_dev *v)
{
	vt_wr(v, VIRTIO_MMIO_STATUS, 0);
	vt_wr(v, VIRTIO_MMIO_STATUS, 3);
	vt_wr(v, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	vt_wr(v, VIRTIO_MMIO_DRIVER_FEATURES, 1);
	vt_wr(v, VIRTIO_MMIO_STATUS, 11);
	vt_wr(v, VIRTIO_MMIO_QUEUE_SEL, 0);
	vt_wr(v, VIRTIO_MMIO_QUEUE_NUM, 4096);
	vt_wr(v, VIRTIO_MMIO_QUEUE_READY, 1);
}

static const struct { const char *name; hostile_fn fn; const char *why; } cases[] = {
	{ "descriptor loop", c_loop, "descriptor loop" },
	{ "descriptor pointing at itself", c_self_loop, "descriptor loop" },
	{ "buffer outside RAM", c_out_of_ram, "buffer outside RAM" },
	{ "huge buffer length", c_huge_len, "buffer outside RAM" },
	{ "buffer address wraps", c_wrap_addr, "buffer outside RAM" },
	{ "head index out of range", c_head_range, "head index out of range" },
	{ "next index out of range", c_next_range, "next index out of range" },
	{ "avail idx jumps past queue size", c_avail_jump, "avail index jumped" },
	{ "readable after writable", c_read_after_write, "readable descriptor after writable" },
	{ "indirect length not multiple of 16", c_ind_len, "multiple of 16" },
	{ "nested indirect", c_ind_nested, "nested indirect" },
	{ "indirect loop", c_ind_loop, "loop in indirect table" },
	{ "indirect table outside RAM", c_ind_outside, "indirect table outside RAM" },
	{ "indirect with NEXT", c_ind_next, "indirect descriptor with NEXT" },
	{ "indirect table huge", c_ind_huge, "indirect table too large" },
	{ "request without status byte", c_no_status, "without a status byte" },
	{ "used ring outside RAM", c_ring_outside, "ring outside RAM" },
	{ "misaligned descriptor table", c_ring_misaligned, "misaligned ring" },
	{ "indirect without the feature", c_ind_not_negotiated, "not negotiated" },
	{ "queue size above QueueNumMax", c_queue_too_big, "bad queue size" },
};

static void err_reset(void);
static int err_count(const char *what, int *lines);

/* A second "vCPU" scribbles over the rings while the first keeps
 * submitting requests: every snapshot the device takes may be torn. */
struct scribbler {
	uint8_t *lo;
	size_t len;
	atomic_bool stop;
	uint64_t seed;
};

static void *scribble(void *arg)
{
	struct scribbler *s = arg;
	uint64_t x = s->seed;
	while (!atomic_load_explicit(&s->stop, memory_order_relaxed)) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		__atomic_store_n(&s->lo[x % s->len], (uint8_t)(x >> 40), __ATOMIC_RELAXED);
	}
	return NULL;
}

static void test_race(struct vt_dev *v)
{
	struct vt_machine *m = v->m;
	vt_dev_restart(v, VIRTIO_BIT(VIRTIO_F_VERSION_1), 1, QSZ);
	struct vt_queue *q = &v->q[0];
	uint64_t end = q->used + 6 + 8 * QSZ;
	struct reqbufs r = good_bufs(m);
	struct scribbler s = { vt_ptr(m, q->desc), end - q->desc, false, 0x9e3779b97f4a7c15ull };
	pthread_t t;
	pthread_create(&t, NULL, scribble, &s);
	int resets = 0;
	struct timespec t0, now;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0;; i++) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		double el = (double)(now.tv_sec - t0.tv_sec) + (now.tv_nsec - t0.tv_nsec) * 1e-9;
		if (el > 3 || (el > 0.5 && i > 20000))
			break;
		if (vt_status(v) & VIRTIO_STATUS_NEEDS_RESET) {
			bad_rings(v, q->desc, q->used);	/* same, valid, rings again */
			q->avail_idx = q->used_seen = q->next_desc = 0;
			resets++;
		}
		struct vt_buf b[] = { { r.hdr, 16, false }, { r.data, 512, true }, { r.st, 1, true } };
		vt_submit(v, 0, b, 3, false);
		vt_kick(v, 0);
	}
	atomic_store(&s.stop, true);
	pthread_join(t, NULL);
	VT_CHECK(resets > 0, "hostile: concurrent ring scribbling survived (%d resets)", resets);
	int lines;
	err_count("needs reset", &lines);
	VT_CHECK(resets < 64 || lines < 32 + 16, "hostile: log lines rate-limited (%d lines for %d incidents)",
		 lines, resets);
}

/* The device's one log line goes to stderr: capture it per case. */
static FILE *err_log;

static void err_reset(void)
{
	fflush(stderr);
	if (ftruncate(fileno(err_log), 0) == 0)
		rewind(err_log);
}

static int err_count(const char *what, int *lines)
{
	char buf[4096];
	fflush(stderr);
	ssize_t r = pread(fileno(err_log), buf, sizeof(buf) - 1, 0);
	size_t n = r > 0 ? (size_t)r : 0;
	buf[n] = 0;
	*lines = 0;
	for (size_t i = 0; i < n; i++)
		*lines += buf[i] == '\n';
	return strstr(buf, what) != NULL;
}

int main(void)
{
	struct vt_machine m;
	char path[] = "/tmp/domus-vhostile-XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0 || ftruncate(fd, 64 << 10) < 0 || vt_machine_init(&m, 16 << 20) < 0) {
		printf("not ok - setup\n");
		return 1;
	}
	close(fd);
	struct blk_backend *be;
	struct virtio_dev *dev;
	struct vt_dev v;
	if (blk_raw_open(path, false, &be) < 0 || virtio_blk_create(be, &dev) < 0 ||
	    vt_dev_setup(&v, &m, VT_MMIO_BASE, dev, WANT, 1, QSZ) < 0) {
		printf("not ok - device setup\n");
		return 1;
	}
	err_log = tmpfile();
	int saved_err = dup(2);
	if (!err_log || dup2(fileno(err_log), 2) < 0) {
		printf("not ok - capture stderr\n");
		return 1;
	}
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = vt_dev_restart(&v, WANT, 1, QSZ);
		err_reset();
		if (rc < 0) {
			VT_CHECK(0, "%s: restart after reset (rc %d)", cases[i].name, rc);
			continue;
		}
		vt_wr(&v, VIRTIO_MMIO_INTERRUPT_ACK, 3);
		cases[i].fn(&v);
		uint16_t used = *(uint16_t *)vt_ptr(&m, v.q[0].used + 2);
		uint32_t isr = vt_rd(&v, VIRTIO_MMIO_INTERRUPT_STATUS);
		VT_CHECK((vt_status(&v) & VIRTIO_STATUS_NEEDS_RESET) && (isr & VIRTIO_ISR_CONFIG) &&
			 atomic_load(&m.irq_level) && used == 0,
			 "hostile: %s -> NEEDS_RESET + config irq (status %#x isr %#x used %u)",
			 cases[i].name, vt_status(&v), isr, used);
		/* Further kicks are ignored, quietly. */
		vt_kick(&v, 0);
		VT_CHECK(*(uint16_t *)vt_ptr(&m, v.q[0].used + 2) == 0, "hostile: %s: queue ignored until reset",
			 cases[i].name);
		int lines;
		int found = err_count(cases[i].why, &lines);
		VT_CHECK(found && lines == 1, "hostile: %s: one log line naming \"%s\" (%d lines)",
			 cases[i].name, cases[i].why, lines);
	}
	err_reset();
	test_race(&v);
	dup2(saved_err, 2);
	/* After all that, a reset brings back a working device. */
	int rc = vt_dev_restart(&v, WANT, 1, QSZ);
	struct reqbufs r = good_bufs(&m);
	struct vt_buf b[] = { { r.hdr, 16, false }, { r.data, 512, true }, { r.st, 1, true } };
	*(uint8_t *)vt_ptr(&m, r.st) = 0xff;
	vt_submit(&v, 0, b, 3, true);
	vt_kick(&v, 0);
	uint32_t id, len;
	VT_CHECK(rc == 0 && vt_get_used(&v, 0, &id, &len) && len == 513 && *(uint8_t *)vt_ptr(&m, r.st) == 0 &&
		 !(vt_status(&v) & VIRTIO_STATUS_NEEDS_RESET), "hostile: device works again after reset");
	vt_dev_destroy(&v);
	vt_machine_fini(&m);
	unlink(path);
	return vt_failures ? 1 : 0;
}
