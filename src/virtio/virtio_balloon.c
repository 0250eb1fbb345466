/*
 * virtio-balloon (virtio 1.2 section 5.5): inflate and deflate queues of
 * 32-bit page frame numbers (4 KiB pages). Inflated pages go back to the
 * host with madvise(MADV_DONTNEED) on the host mapping of guest RAM (they
 * read back as zeroes if the guest touches them again). The toolstack
 * sets the target with virtio_balloon_set_target(). With STATS_VQ the
 * driver parks one buffer on the stats queue; we hand it back (used) to ask
 * for fresh statistics and parse what it carries when it comes back.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cpu/bus.h"
#include "virtio/virtio.h"
#include "virtio/virtio_devs.h"

#define INFLATEQ 0
#define DEFLATEQ 1
#define STATSQ 2
#define BALLOON_PAGE 4096u
#define BALLOON_MAX_PFNS (1u << 16)	/* per chain; drivers send a few hundred */

struct virtio_balloon {
	struct virtio_dev dev;
	uint64_t held;			/* pages given back to the host */
	size_t host_page;
	bool stats_held;		/* the driver's stats buffer is with us */
	uint16_t stats_head;
	uint64_t stats_updates;
	uint64_t stats[VIRTIO_BALLOON_S_NR];
	uint8_t stats_valid[VIRTIO_BALLOON_S_NR];
	struct virtq_elem elem;
};

/* struct virtio_balloon_stat { le16 tag; le64 val; } __packed: 10 bytes. */
static void stats_parse(struct virtio_balloon *b, const struct virtq_elem *e)
{
	for (uint64_t off = 0; off + 10 <= e->out_len && off < 10 * 64; off += 10) {
		uint8_t raw[10];
		virtq_elem_read(e, off, raw, sizeof(raw));
		uint16_t tag = (uint16_t)(raw[0] | raw[1] << 8);
		uint64_t val;
		__builtin_memcpy(&val, raw + 2, 8);
		if (tag < VIRTIO_BALLOON_S_NR) {	/* unknown tags: ignored */
			b->stats[tag] = val;
			b->stats_valid[tag] = 1;
		}
	}
	b->stats_updates++;
}

/* Returns [pa, pa + npages pages) to the host if it is guest RAM. */
static void release(struct virtio_balloon *b, uint64_t pa, uint64_t npages)
{
	uint64_t len = npages * BALLOON_PAGE;
	uint8_t *p = bus_dma_ptr(b->dev.bus, pa, len, true);
	if (!p)
		return;		/* not RAM: a confused driver, nothing to free */
	/* Only whole host pages can be dropped. */
	uintptr_t start = ((uintptr_t)p + b->host_page - 1) & ~(uintptr_t)(b->host_page - 1);
	uintptr_t end = ((uintptr_t)p + len) & ~(uintptr_t)(b->host_page - 1);
	if (end > start)
		madvise((void *)start, end - start, MADV_DONTNEED);
	b->held += npages;
}

static void balloon_inflate(struct virtio_balloon *b, const struct virtq_elem *e)
{
	uint64_t run_pa = 0, run_n = 0;
	uint64_t end = e->out_len < 4ull * BALLOON_MAX_PFNS ? e->out_len : 4ull * BALLOON_MAX_PFNS;
	for (uint64_t off = 0; off + 4 <= end; off += 4) {
		uint32_t pfn;
		virtq_elem_read(e, off, &pfn, 4);
		uint64_t pa = (uint64_t)pfn * BALLOON_PAGE;
		if (run_n && pa == run_pa + run_n * BALLOON_PAGE) {
			run_n++;	/* coalesce contiguous pages into one madvise */
			continue;
		}
		if (run_n)
			release(b, run_pa, run_n);
		run_pa = pa;
		run_n = 1;
	}
	if (run_n)
		release(b, run_pa, run_n);
}

static int64_t balloon_handle(struct virtio_dev *d, unsigned q, struct virtq_elem *e, void *ctx)
{
	struct virtio_balloon *b = (struct virtio_balloon *)d;
	(void)ctx;
	if (q == STATSQ) {
		/* Keep the buffer until the toolstack asks for new stats. A
		 * driver that sends another one meanwhile gets the old one
		 * back: it is what the drain loop pushes. */
		stats_parse(b, e);
		bool had = b->stats_held;
		uint16_t old = b->stats_head;
		b->stats_held = true;
		b->stats_head = e->head;
		if (!had)
			return VIRTIO_DRAIN_HOLD;
		e->head = old;
		return 0;
	}
	if (q == INFLATEQ) {
		balloon_inflate(b, e);
	} else {
		/* Deflated pages fault back in on the guest's next touch. */
		uint64_t n = e->out_len / 4;
		if (n > BALLOON_MAX_PFNS)
			n = BALLOON_MAX_PFNS;
		b->held = n < b->held ? b->held - n : 0;
	}
	return 0;
}

static void balloon_queue_notify(struct virtio_dev *d, unsigned q)
{
	virtio_queue_drain(d, q, &((struct virtio_balloon *)d)->elem, balloon_handle, NULL);
}

/* The driver may write only `actual` (bytes 4..7). */
static void balloon_config_write(struct virtio_dev *d, unsigned off, unsigned size, uint64_t val)
{
	for (unsigned i = 0; i < size; i++)
		if (off + i >= 4 && off + i < 8)
			d->config[off + i] = (uint8_t)(val >> (8 * i));
}

static void balloon_reset(struct virtio_dev *d)
{
	virtio_config_put32(d, 4, 0);	/* actual */
	((struct virtio_balloon *)d)->stats_held = false;
}

static void balloon_destroy(struct virtio_dev *d)
{
	virtio_dev_fini(d);
	free(d);
}

static const struct virtio_dev_ops balloon_ops = {
	.name = "balloon",
	.device_id = VIRTIO_ID_BALLOON,
	.num_queues = 3,
	.queue_notify = balloon_queue_notify,
	.config_write = balloon_config_write,
	.reset = balloon_reset,
	.destroy = balloon_destroy,
};

int virtio_balloon_create(struct virtio_dev **out)
{
	struct virtio_balloon *b = calloc(1, sizeof(*b));
	if (!b)
		return -ENOMEM;
	int rc = virtio_dev_init(&b->dev, &balloon_ops);
	if (rc < 0) {
		free(b);
		return rc;
	}
	long ps = sysconf(_SC_PAGESIZE);
	b->host_page = ps > 0 ? (size_t)ps : 4096;
	b->dev.config_len = 8;	/* num_pages, actual */
	b->dev.host_features |= VIRTIO_BIT(VIRTIO_BALLOON_F_STATS_VQ);
	*out = &b->dev;
	return 0;
}

void virtio_balloon_set_target(struct virtio_dev *d, uint32_t pages)
{
	pthread_mutex_lock(&d->lock);
	virtio_config_put32(d, 0, pages);
	virtio_dev_config_changed(d);
	pthread_mutex_unlock(&d->lock);
}

uint32_t virtio_balloon_actual(struct virtio_dev *d)
{
	uint32_t v;
	pthread_mutex_lock(&d->lock);
	__builtin_memcpy(&v, d->config + 4, 4);
	pthread_mutex_unlock(&d->lock);
	return v;
}

uint64_t virtio_balloon_held(struct virtio_dev *d)
{
	pthread_mutex_lock(&d->lock);
	uint64_t v = ((struct virtio_balloon *)d)->held;
	pthread_mutex_unlock(&d->lock);
	return v;
}

int virtio_balloon_request_stats(struct virtio_dev *d)
{
	struct virtio_balloon *b = (struct virtio_balloon *)d;
	int rc = -EAGAIN;
	pthread_mutex_lock(&d->lock);
	if (b->stats_held && virtio_dev_queue_live(d, STATSQ)) {
		b->stats_held = false;
		if (virtq_push(&d->vq[STATSQ], b->stats_head, 0) < 0) {
			virtio_dev_fail(d, STATSQ, d->vq[STATSQ].err);
			rc = -EIO;
		} else {
			virtio_dev_used(d, STATSQ);
			rc = 0;
		}
	}
	pthread_mutex_unlock(&d->lock);
	return rc;
}

uint64_t virtio_balloon_stats(struct virtio_dev *d, uint64_t val[VIRTIO_BALLOON_S_NR],
			      uint8_t valid[VIRTIO_BALLOON_S_NR])
{
	struct virtio_balloon *b = (struct virtio_balloon *)d;
	pthread_mutex_lock(&d->lock);
	__builtin_memcpy(val, b->stats, sizeof(b->stats));
	__builtin_memcpy(valid, b->stats_valid, sizeof(b->stats_valid));
	uint64_t n = b->stats_updates;
	pthread_mutex_unlock(&d->lock);
	return n;
}
