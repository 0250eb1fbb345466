/*
 * virtio-rng, virtio-balloon and virtio-console driven as a guest would:
 * random bytes arrive (and a huge request is bounded), balloon inflation
 * returns pages to the host (they read back zero, RSS falls), target and
 * actual travel through config space, console output/input/emergency
 * write.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "vdrv.h"
#include "virtio/virtio.h"
#include "virtio/virtio_devs.h"
#include "virtio/virtio_mmio.h"

static const uint64_t BASE_FEATURES = VIRTIO_BIT(VIRTIO_F_VERSION_1) |
				      VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC) | VIRTIO_BIT(VIRTIO_F_EVENT_IDX);

static void test_rng(void)
{
	struct vt_machine m;
	struct vt_dev v;
	struct virtio_dev *dev;
	if (vt_machine_init(&m, 8 << 20) < 0 || virtio_rng_create(&dev) < 0 ||
	    vt_dev_setup(&v, &m, VT_MMIO_BASE, dev, BASE_FEATURES, 1, 8) < 0) {
		VT_CHECK(0, "rng: setup");
		return;
	}
	VT_CHECK(vt_rd(&v, VIRTIO_MMIO_DEVICE_ID) == VIRTIO_ID_RNG, "rng: device id 4");
	uint64_t a = vt_alloc(&m, 256, 8), b = vt_alloc(&m, 64, 8);
	memset(vt_ptr(&m, a), 0, 256);
	memset(vt_ptr(&m, b), 0, 64);
	struct vt_buf bufs[] = { { a, 256, true }, { b, 64, true } };
	vt_submit(&v, 0, bufs, 2, false);
	vt_kick(&v, 0);
	uint32_t id, len;
	int got = vt_get_used(&v, 0, &id, &len);
	int zeros = 0;
	for (int i = 0; i < 256; i++)
		zeros += ((uint8_t *)vt_ptr(&m, a))[i] == 0;
	uint8_t first[64];
	memcpy(first, vt_ptr(&m, b), 64);
	VT_CHECK(got && len == 320 && zeros < 16, "rng: 320 random bytes arrive (%u, %d zero bytes)", len, zeros);
	vt_submit(&v, 0, bufs + 1, 1, true);
	vt_kick(&v, 0);
	VT_CHECK(vt_get_used(&v, 0, &id, &len) && len == 64 && memcmp(first, vt_ptr(&m, b), 64) != 0,
		 "rng: indirect request, fresh bytes");
	uint64_t big = vt_alloc(&m, 4 << 20, 4096);
	struct vt_buf hb = { big, 4 << 20, true };
	vt_submit(&v, 0, &hb, 1, false);
	vt_kick(&v, 0);
	VT_CHECK(vt_get_used(&v, 0, &id, &len) && len == 64 * 1024, "rng: huge request bounded (%u bytes)", len);
	vt_dev_destroy(&v);
	vt_machine_fini(&m);
}

static long rss_kib(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	long size = 0, res = 0;
	if (f) {
		if (fscanf(f, "%ld %ld", &size, &res) != 2)
			res = 0;
		fclose(f);
	}
	return res * (sysconf(_SC_PAGESIZE) / 1024);
}

static void test_balloon(void)
{
	struct vt_machine m;
	struct vt_dev v;
	struct virtio_dev *dev;
	if (vt_machine_init(&m, 64 << 20) < 0 || virtio_balloon_create(&dev) < 0 ||
	    vt_dev_setup(&v, &m, VT_MMIO_BASE, dev, BASE_FEATURES, 2, 16) < 0) {
		VT_CHECK(0, "balloon: setup");
		return;
	}
	VT_CHECK(vt_rd(&v, VIRTIO_MMIO_DEVICE_ID) == VIRTIO_ID_BALLOON, "balloon: device id 5");
	const uint32_t npages = 4096;	/* 16 MiB */
	uint64_t region = vt_alloc(&m, (uint64_t)npages * 4096, 4096);
	memset(vt_ptr(&m, region), 0xab, (size_t)npages * 4096);
	long rss_before = rss_kib();

	uint32_t gen = vt_rd(&v, VIRTIO_MMIO_CONFIG_GENERATION);
	unsigned raises = atomic_load(&m.irq_raises);
	virtio_balloon_set_target(dev, npages);
	VT_CHECK(vt_rd(&v, VIRTIO_MMIO_CONFIG) == npages && vt_rd(&v, VIRTIO_MMIO_CONFIG_GENERATION) != gen &&
		 (vt_rd(&v, VIRTIO_MMIO_INTERRUPT_STATUS) & VIRTIO_ISR_CONFIG) && atomic_load(&m.irq_raises) > raises,
		 "balloon: set_target -> num_pages, generation, config interrupt");
	vt_wr(&v, VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_ISR_CONFIG);

	/* The driver hands over the PFNs in two chains (second indirect). */
	uint64_t pfns = vt_alloc(&m, npages * 4ull, 4);
	uint32_t *pp = vt_ptr(&m, pfns);
	for (uint32_t i = 0; i < npages; i++)
		pp[i] = (uint32_t)((region >> 12) + i);
	struct vt_buf h1 = { pfns, npages * 2, false }, h2 = { pfns + npages * 2, npages * 2, false };
	vt_submit(&v, 0, &h1, 1, false);
	vt_submit(&v, 0, &h2, 1, true);
	vt_kick(&v, 0);
	uint32_t id, len;
	int used = vt_get_used(&v, 0, &id, &len) + vt_get_used(&v, 0, &id, &len);
	long rss_after = rss_kib();
	const uint8_t *r = vt_ptr(&m, region);
	int all_zero = 1;
	for (size_t i = 0; i < (size_t)npages * 4096; i += 512)
		all_zero &= r[i] == 0;
	VT_CHECK(used == 2 && all_zero, "balloon: inflated pages read back zero");
	VT_CHECK(rss_before - rss_after > 12 * 1024, "balloon: RSS fell by %ld KiB", rss_before - rss_after);
	VT_CHECK(virtio_balloon_held(dev) == npages, "balloon: %llu pages held",
		 (unsigned long long)virtio_balloon_held(dev));

	vt_wr(&v, VIRTIO_MMIO_CONFIG + 4, npages);
	vt_wr(&v, VIRTIO_MMIO_CONFIG, 7);	/* num_pages is the device's */
	VT_CHECK(virtio_balloon_actual(dev) == npages && vt_rd(&v, VIRTIO_MMIO_CONFIG) == npages,
		 "balloon: driver writes actual, not num_pages");

	/* A bogus PFN (outside RAM) is ignored, not fatal. */
	pp[0] = 0x10;
	struct vt_buf bad = { pfns, 4, false };
	vt_submit(&v, 0, &bad, 1, false);
	vt_kick(&v, 0);
	VT_CHECK(vt_get_used(&v, 0, &id, &len) && !(vt_status(&v) & VIRTIO_STATUS_NEEDS_RESET) &&
		 virtio_balloon_held(dev) == npages, "balloon: PFN outside RAM ignored");

	struct vt_buf d1 = { pfns + 4, 1024 * 4, false };
	vt_submit(&v, 1, &d1, 1, false);
	vt_kick(&v, 1);
	VT_CHECK(vt_get_used(&v, 1, &id, &len) && virtio_balloon_held(dev) == npages - 1024,
		 "balloon: deflate returns pages to the guest");
	((uint8_t *)vt_ptr(&m, region + 4096))[0] = 1;	/* the guest may use them again */
	vt_dev_destroy(&v);
	vt_machine_fini(&m);
}

static void put_stat(uint8_t *p, uint16_t tag, uint64_t val)
{
	memcpy(p, &tag, 2);
	memcpy(p + 2, &val, 8);
}

static void test_balloon_stats(void)
{
	struct vt_machine m;
	struct vt_dev v;
	struct virtio_dev *dev;
	if (vt_machine_init(&m, 8 << 20) < 0 || virtio_balloon_create(&dev) < 0 ||
	    vt_dev_setup(&v, &m, VT_MMIO_BASE, dev, BASE_FEATURES | VIRTIO_BIT(VIRTIO_BALLOON_F_STATS_VQ), 3, 8) < 0) {
		VT_CHECK(0, "balloon stats: setup");
		return;
	}
	uint64_t val[VIRTIO_BALLOON_S_NR];
	uint8_t valid[VIRTIO_BALLOON_S_NR];
	VT_CHECK(virtio_balloon_request_stats(dev) == -EAGAIN, "balloon stats: no buffer yet -> -EAGAIN");
	uint64_t sb = vt_alloc(&m, 30, 2);
	uint8_t *p = vt_ptr(&m, sb);
	put_stat(p, VIRTIO_BALLOON_S_MEMTOT, 256ull << 20);
	put_stat(p + 10, VIRTIO_BALLOON_S_MEMFREE, 100ull << 20);
	put_stat(p + 20, 0x77, 1);	/* unknown tag: ignored */
	struct vt_buf b = { sb, 30, false };
	vt_submit(&v, 2, &b, 1, false);
	vt_kick(&v, 2);
	uint32_t id, len;
	uint64_t n = virtio_balloon_stats(dev, val, valid);
	VT_CHECK(n == 1 && valid[VIRTIO_BALLOON_S_MEMTOT] && val[VIRTIO_BALLOON_S_MEMTOT] == 256ull << 20 &&
		 val[VIRTIO_BALLOON_S_MEMFREE] == 100ull << 20 && !valid[VIRTIO_BALLOON_S_AVAIL] &&
		 !vt_get_used(&v, 2, &id, &len), "balloon stats: parsed, buffer kept by the device");
	VT_CHECK(virtio_balloon_request_stats(dev) == 0 && vt_get_used(&v, 2, &id, &len),
		 "balloon stats: request hands the buffer back");
	put_stat(p + 10, VIRTIO_BALLOON_S_MEMFREE, 90ull << 20);
	vt_submit(&v, 2, &b, 1, false);
	vt_kick(&v, 2);
	n = virtio_balloon_stats(dev, val, valid);
	VT_CHECK(n == 2 && val[VIRTIO_BALLOON_S_MEMFREE] == 90ull << 20, "balloon stats: refreshed");
	vt_dev_destroy(&v);
	vt_machine_fini(&m);
}

struct cons_sink {
	char out[256];
	size_t n;
	int rx_ready;
};

static void cons_output(void *opaque, const uint8_t *buf, size_t len)
{
	struct cons_sink *s = opaque;
	for (size_t i = 0; i < len && s->n < sizeof(s->out) - 1; i++)
		s->out[s->n++] = (char)buf[i];
}

static void cons_rx_ready(void *opaque)
{
	((struct cons_sink *)opaque)->rx_ready++;
}

static void test_console(void)
{
	struct vt_machine m;
	struct vt_dev v;
	struct virtio_dev *dev;
	struct cons_sink sink = { .n = 0 };
	struct virtio_console_io io = { .output = cons_output, .rx_ready = cons_rx_ready, .opaque = &sink };
	if (vt_machine_init(&m, 8 << 20) < 0 || virtio_console_create(&io, &dev) < 0 ||
	    vt_dev_setup(&v, &m, VT_MMIO_BASE, dev, BASE_FEATURES | VIRTIO_BIT(2), 2, 8) < 0) {
		VT_CHECK(0, "console: setup");
		return;
	}
	VT_CHECK(vt_rd(&v, VIRTIO_MMIO_DEVICE_ID) == VIRTIO_ID_CONSOLE, "console: device id 3");
	uint8_t in[8] = "abcdef";
	VT_CHECK(virtio_console_input(dev, in, 6) == 0, "console: input waits for a buffer");
	uint64_t a = vt_alloc(&m, 16, 1), b = vt_alloc(&m, 16, 1);
	memcpy(vt_ptr(&m, a), "hel", 3);
	memcpy(vt_ptr(&m, b), "lo\n", 3);
	struct vt_buf tx[] = { { a, 3, false }, { b, 3, false } };
	vt_submit(&v, 1, tx, 2, false);
	vt_kick(&v, 1);
	uint32_t id, len;
	VT_CHECK(vt_get_used(&v, 1, &id, &len) && sink.n == 6 && memcmp(sink.out, "hello\n", 6) == 0,
		 "console: guest output");
	uint64_t rb = vt_alloc(&m, 4, 1);
	struct vt_buf rx = { rb, 4, true };
	vt_submit(&v, 0, &rx, 1, false);
	vt_kick(&v, 0);
	VT_CHECK(sink.rx_ready == 1, "console: rx_ready on new buffers");
	size_t n = virtio_console_input(dev, in, 6);
	VT_CHECK(n == 4 && vt_get_used(&v, 0, &id, &len) && len == 4 && memcmp(vt_ptr(&m, rb), "abcd", 4) == 0,
		 "console: input delivered (%zu bytes)", n);
	vt_wr(&v, VIRTIO_MMIO_CONFIG + 8, 'Z');
	VT_CHECK(sink.n == 7 && sink.out[6] == 'Z', "console: emergency write");
	struct vt_buf g = { rb, 0x7fffffff, true };
	vt_submit(&v, 0, &g, 1, false);
	vt_kick(&v, 0);
	VT_CHECK((vt_status(&v) & VIRTIO_STATUS_NEEDS_RESET) && sink.rx_ready == 1,
		 "console: garbage RX ring -> NEEDS_RESET at kick");
	vt_dev_destroy(&v);
	vt_machine_fini(&m);
}

static void test_console_fd(void)
{
	struct vt_machine m;
	struct vt_dev v;
	struct virtio_dev *dev;
	int in[2], outp[2];
	if (pipe(in) < 0 || pipe(outp) < 0 || vt_machine_init(&m, 8 << 20) < 0 ||
	    virtio_console_create_fd(in[0], outp[1], &dev) < 0 ||
	    vt_dev_setup(&v, &m, VT_MMIO_BASE, dev, BASE_FEATURES, 2, 8) < 0) {
		VT_CHECK(0, "console fd: setup");
		return;
	}
	/* Host types before the guest has a buffer: held, then delivered. */
	if (write(in[1], "ping", 4) != 4)
		VT_CHECK(0, "console fd: write");
	nanosleep(&(struct timespec){ 0, 20 * 1000000 }, NULL);
	uint64_t rb = vt_alloc(&m, 2, 1), rb2 = vt_alloc(&m, 8, 1);
	struct vt_buf rx[] = { { rb, 2, true }, { rb2, 8, true } };
	vt_submit(&v, 0, &rx[0], 1, false);
	vt_submit(&v, 0, &rx[1], 1, false);
	vt_kick(&v, 0);
	uint32_t id, len, id2 = 0, len2 = 0;
	int got = vt_wait_used(&v, 0, &id, &len, 2000) && vt_wait_used(&v, 0, &id2, &len2, 2000);
	VT_CHECK(got && len == 2 && len2 == 2 && memcmp(vt_ptr(&m, rb), "pi", 2) == 0 &&
		 memcmp(vt_ptr(&m, rb2), "ng", 2) == 0, "console fd: held input reaches the guest across buffers");
	uint64_t tb = vt_alloc(&m, 8, 1);
	memcpy(vt_ptr(&m, tb), "pong\n", 5);
	struct vt_buf tx = { tb, 5, false };
	vt_submit(&v, 1, &tx, 1, false);
	vt_kick(&v, 1);
	char out[8] = { 0 };
	VT_CHECK(read(outp[0], out, sizeof(out)) == 5 && memcmp(out, "pong\n", 5) == 0,
		 "console fd: guest output on the host fd");
	vt_dev_destroy(&v);	/* joins the input thread */
	close(in[0]); close(in[1]); close(outp[0]); close(outp[1]);
	vt_machine_fini(&m);
}

int main(void)
{
	test_rng();
	test_balloon();
	test_balloon_stats();
	test_console();
	test_console_fd();
	return vt_failures ? 1 : 0;
}
