/*
 * vq-garbage: takes over a virtio-mmio device through /dev/mem and hands it a
 * virtqueue full of garbage, to check that the device model (Domus) survives
 * and marks the device DEVICE_NEEDS_RESET instead of crashing or hanging.
 *
 *   vq-garbage [-b BASE] [-d DEVID [-n SLOTS]] [-q QUEUE] [-m MODE] [-s SEED]
 *              [-t MS]
 *     BASE  physical address of the virtio-mmio window (default 0x10001000)
 *     DEVID take the first window with this virtio device ID among SLOTS
 *           (default 8) windows of 0x1000 bytes from BASE (2 = block)
 *     MODE  random  descriptors with random addr/len/flags/next (default)
 *           loop    a chain whose NEXT links form a cycle
 *           oob     buffers far outside guest RAM, huge lengths
 *           indirect  INDIRECT descriptors with bad tables and lengths
 *           ring    the rings themselves placed outside guest RAM
 *           idx     avail.idx jumps more than the queue size
 *
 * Register layout and status bits are from the virtio 1.2 spec, section 4.2.2
 * (MMIO transport) and 2.7 (split virtqueues). The queue lives in one locked
 * page of our own whose physical address comes from /proc/self/pagemap; all
 * rings fit in it for QueueNum <= 64. Needs root, CONFIG_DEVMEM=y and
 * STRICT_DEVMEM off. The kernel's own driver for that device loses it.
 *
 * Exit status: 0 the device set DEVICE_NEEDS_RESET (or FAILED), 1 it did not
 * within the timeout, 2 usage or setup error.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

enum {
	R_MAGIC = 0x000, R_VERSION = 0x004, R_DEVICE_ID = 0x008,
	R_DEV_FEATURES = 0x010, R_DEV_FEATURES_SEL = 0x014,
	R_DRV_FEATURES = 0x020, R_DRV_FEATURES_SEL = 0x024,
	R_GUEST_PAGE_SIZE = 0x028, R_QUEUE_SEL = 0x030, R_QUEUE_NUM_MAX = 0x034,
	R_QUEUE_NUM = 0x038, R_QUEUE_ALIGN = 0x03c, R_QUEUE_PFN = 0x040,
	R_QUEUE_READY = 0x044, R_QUEUE_NOTIFY = 0x050, R_INT_STATUS = 0x060,
	R_INT_ACK = 0x064, R_STATUS = 0x070,
	R_DESC_LO = 0x080, R_DESC_HI = 0x084, R_DRIVER_LO = 0x090,
	R_DRIVER_HI = 0x094, R_DEVICE_LO = 0x0a0, R_DEVICE_HI = 0x0a4,
};

enum {
	S_ACKNOWLEDGE = 1, S_DRIVER = 2, S_DRIVER_OK = 4, S_FEATURES_OK = 8,
	S_NEEDS_RESET = 64, S_FAILED = 128,
};

enum { D_NEXT = 1, D_WRITE = 2, D_INDIRECT = 4 };

#define VIRTIO_MAGIC 0x74726976u
#define PAGE 4096u
#define QMAX 64u
/* Offsets of the rings inside our page (legacy: used ring aligned to 64). */
#define OFF_AVAIL 1024u
#define OFF_USED 2048u
#define LEGACY_ALIGN 64u

struct vdesc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

struct vq {
	volatile uint32_t *regs;
	uint8_t *page;     /* our queue page, virtual */
	uint64_t page_pa;  /* and physical */
	uint32_t version;
	uint32_t num;
	uint64_t rng;
};

static uint32_t reg_read(const struct vq *v, unsigned off)
{
	return v->regs[off / 4];
}

static void reg_write(struct vq *v, unsigned off, uint32_t val)
{
	__sync_synchronize();
	v->regs[off / 4] = val;
}

static uint64_t rng_next(struct vq *v)
{
	v->rng ^= v->rng << 13;
	v->rng ^= v->rng >> 7;
	v->rng ^= v->rng << 17;
	return v->rng;
}

static int page_physical(void *va, uint64_t *pa)
{
	uint64_t ent;
	off_t off = (off_t)((uintptr_t)va / PAGE) * 8;
	int fd = open("/proc/self/pagemap", O_RDONLY);
	int ret = 0;

	if (fd < 0)
		return -errno;
	if (pread(fd, &ent, sizeof ent, off) != (ssize_t)sizeof ent)
		ret = -EIO;
	else if (!(ent >> 63) || !(ent & ((1ull << 55) - 1)))
		ret = -ENXIO; /* not present, or PFN hidden (not root) */
	else
		*pa = (ent & ((1ull << 55) - 1)) * PAGE;
	close(fd);
	return ret;
}

/* Fills descriptors and the avail ring according to mode; returns the
 * avail.idx to publish, or -1 for an unknown mode. */
static long fill_garbage(struct vq *v, const char *mode)
{
	struct vdesc *d = (struct vdesc *)v->page;
	uint16_t *avail = (uint16_t *)(v->page + OFF_AVAIL);
	long idx = v->num;

	for (uint32_t i = 0; i < v->num; i++) {
		avail[2 + i] = (uint16_t)i;
		d[i].addr = v->page_pa + OFF_USED + 1024;
		d[i].len = 16;
		d[i].flags = 0;
		d[i].next = 0;
	}
	if (!strcmp(mode, "random")) {
		for (uint32_t i = 0; i < v->num; i++) {
			uint64_t r = rng_next(v);
			d[i].addr = rng_next(v);
			d[i].len = (uint32_t)r;
			d[i].flags = (uint16_t)(r >> 32);
			d[i].next = (uint16_t)(r >> 48);
			avail[2 + i] = (uint16_t)rng_next(v);
		}
	} else if (!strcmp(mode, "loop")) {
		for (uint32_t i = 0; i < v->num; i++) {
			d[i].flags = D_NEXT;
			d[i].next = (uint16_t)((i + 1) % v->num);
		}
	} else if (!strcmp(mode, "oob")) {
		for (uint32_t i = 0; i < v->num; i++) {
			d[i].addr = 0xfffffffffffff000ull - i * PAGE;
			d[i].len = 0x80000000u;
			d[i].flags = (i & 1) ? D_WRITE : 0;
		}
	} else if (!strcmp(mode, "indirect")) {
		for (uint32_t i = 0; i < v->num; i++) {
			d[i].flags = D_INDIRECT | ((i % 3 == 0) ? D_NEXT : 0);
			/* the table is the descriptor table itself: nested INDIRECT */
			d[i].addr = v->page_pa;
			d[i].len = (i % 2) ? 17 : 16 * 65536u;
			d[i].next = (uint16_t)(i + 1);
		}
	} else if (!strcmp(mode, "ring")) {
		/* contents stay sane; the ring addresses are the garbage */
	} else if (!strcmp(mode, "idx")) {
		idx = 0x8000 + v->num;
	} else {
		return -1;
	}
	avail[0] = 0;
	avail[1] = (uint16_t)idx;
	return idx;
}

static int device_setup(struct vq *v, unsigned q, const char *mode)
{
	uint64_t desc = v->page_pa, drv = v->page_pa + OFF_AVAIL;
	uint64_t dev = v->page_pa + OFF_USED;
	uint32_t st;

	reg_write(v, R_STATUS, 0);
	for (int i = 0; i < 1000 && reg_read(v, R_STATUS); i++)
		usleep(1000);
	reg_write(v, R_STATUS, S_ACKNOWLEDGE);
	reg_write(v, R_STATUS, S_ACKNOWLEDGE | S_DRIVER);
	if (v->version >= 2) {
		reg_write(v, R_DEV_FEATURES_SEL, 1);
		if (!(reg_read(v, R_DEV_FEATURES) & 1)) {
			fprintf(stderr, "vq-garbage: device lacks VIRTIO_F_VERSION_1\n");
			return -EPROTO;
		}
		reg_write(v, R_DRV_FEATURES_SEL, 0);
		reg_write(v, R_DRV_FEATURES, 0);
		reg_write(v, R_DRV_FEATURES_SEL, 1);
		reg_write(v, R_DRV_FEATURES, 1); /* VERSION_1 only */
		reg_write(v, R_STATUS, S_ACKNOWLEDGE | S_DRIVER | S_FEATURES_OK);
		if (!(reg_read(v, R_STATUS) & S_FEATURES_OK)) {
			fprintf(stderr, "vq-garbage: device refused FEATURES_OK\n");
			return -EPROTO;
		}
	} else {
		reg_write(v, R_GUEST_PAGE_SIZE, PAGE);
	}
	reg_write(v, R_QUEUE_SEL, q);
	v->num = reg_read(v, R_QUEUE_NUM_MAX);
	if (v->num == 0) {
		fprintf(stderr, "vq-garbage: queue %u does not exist\n", q);
		return -ENOENT;
	}
	if (v->num > QMAX)
		v->num = QMAX;
	if (fill_garbage(v, mode) < 0) {
		fprintf(stderr, "vq-garbage: unknown mode '%s'\n", mode);
		return -EINVAL;
	}
	if (!strcmp(mode, "ring")) {
		desc = 0xdeadbeef000ull;
		drv = 0xfffffffffffff000ull;
		dev = 0x7ffffffff000ull;
	}
	reg_write(v, R_QUEUE_NUM, v->num);
	if (v->version >= 2) {
		reg_write(v, R_DESC_LO, (uint32_t)desc);
		reg_write(v, R_DESC_HI, (uint32_t)(desc >> 32));
		reg_write(v, R_DRIVER_LO, (uint32_t)drv);
		reg_write(v, R_DRIVER_HI, (uint32_t)(drv >> 32));
		reg_write(v, R_DEVICE_LO, (uint32_t)dev);
		reg_write(v, R_DEVICE_HI, (uint32_t)(dev >> 32));
		reg_write(v, R_QUEUE_READY, 1);
		st = S_ACKNOWLEDGE | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK;
	} else {
		/* legacy: one page, used ring at OFF_USED (a LEGACY_ALIGN multiple) */
		reg_write(v, R_QUEUE_ALIGN, LEGACY_ALIGN);
		reg_write(v, R_QUEUE_PFN, (uint32_t)(desc / PAGE));
		st = S_ACKNOWLEDGE | S_DRIVER | S_DRIVER_OK;
	}
	reg_write(v, R_STATUS, st);
	return 0;
}

/* Maps the page at base; returns its device ID (0 if no virtio device). */
static uint32_t window_map(int fd, unsigned long long base, struct vq *v)
{
	void *regs = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
			  (off_t)base);

	if (regs == MAP_FAILED)
		return 0;
	v->regs = regs;
	v->version = reg_read(v, R_VERSION);
	if (reg_read(v, R_MAGIC) == VIRTIO_MAGIC && v->version >= 1 &&
	    v->version <= 2)
		return reg_read(v, R_DEVICE_ID);
	munmap(regs, PAGE);
	v->regs = NULL;
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: vq-garbage [-b BASE] [-d DEVID [-n SLOTS]] [-q QUEUE] "
		"[-m random|loop|oob|indirect|ring|idx] [-s SEED] [-t MS]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	unsigned long long base = 0x10001000;
	unsigned q = 0, timeout_ms = 1000;
	const char *mode = "random";
	struct vq v = { .rng = 0x9e3779b97f4a7c15ull };
	unsigned want = 0, slots = 8;
	uint32_t st = 0, devid = 0;
	void *page;
	int fd, opt, err;

	while ((opt = getopt(argc, argv, "b:d:n:q:m:s:t:h")) != -1) {
		switch (opt) {
		case 'b': base = strtoull(optarg, NULL, 0); break;
		case 'd': want = (unsigned)strtoul(optarg, NULL, 0); break;
		case 'n': slots = (unsigned)strtoul(optarg, NULL, 0); break;
		case 'q': q = (unsigned)strtoul(optarg, NULL, 0); break;
		case 'm': mode = optarg; break;
		case 's': v.rng = strtoull(optarg, NULL, 0) | 1; break;
		case 't': timeout_ms = (unsigned)strtoul(optarg, NULL, 0); break;
		default: usage();
		}
	}
	if (optind != argc || base % PAGE)
		usage();
	fd = open("/dev/mem", O_RDWR | O_SYNC);
	if (fd < 0) {
		perror("vq-garbage: /dev/mem");
		return 2;
	}
	for (unsigned i = 0; i < (want ? slots : 1); i++, base += PAGE) {
		devid = window_map(fd, base, &v);
		if (devid && (!want || devid == want))
			break;
		if (v.regs)
			munmap((void *)v.regs, PAGE);
		v.regs = NULL;
	}
	if (!v.regs) {
		if (want)
			fprintf(stderr, "vq-garbage: no virtio device %u in %u windows\n",
				want, slots);
		else
			fprintf(stderr, "vq-garbage: no virtio device at 0x%llx\n",
				base - PAGE);
		return 2;
	}
	page = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED | MAP_POPULATE, -1, 0);
	if (page == MAP_FAILED) {
		perror("vq-garbage: mmap queue page");
		return 2;
	}
	memset(page, 0, PAGE);
	v.page = page;
	err = page_physical(page, &v.page_pa);
	if (err) {
		fprintf(stderr, "vq-garbage: pagemap: %s\n", strerror(-err));
		return 2;
	}
	printf("vq-garbage: device id %u (virtio-mmio v%u) at 0x%llx, queue %u, "
	       "mode %s\n", devid, v.version, base, q, mode);
	fflush(stdout);
	if (device_setup(&v, q, mode))
		return 2;
	reg_write(&v, R_QUEUE_NOTIFY, q);
	for (unsigned ms = 0; ms <= timeout_ms; ms += 10) {
		st = reg_read(&v, R_STATUS);
		if (st & (S_NEEDS_RESET | S_FAILED))
			break;
		usleep(10000);
	}
	reg_write(&v, R_INT_ACK, reg_read(&v, R_INT_STATUS));
	printf("vq-garbage: status 0x%x%s, used.idx %u\n", st,
	       (st & S_NEEDS_RESET) ? " DEVICE_NEEDS_RESET" : "",
	       *(volatile uint16_t *)(v.page + OFF_USED + 2));
	return (st & (S_NEEDS_RESET | S_FAILED)) ? 0 : 1;
}
