/* Test-side virtio-mmio driver; see vdrv.h. */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "vdrv.h"
#include "virtio/virtio.h"
#include "virtio/virtio_mmio.h"

int vt_failures;

static void irq_set(void *opaque, unsigned irq, int level)
{
	struct vt_machine *m = opaque;
	if (level && !atomic_load(&m->irq_level))
		atomic_fetch_add(&m->irq_raises, 1);
	atomic_store(&m->irq_level, level);
}

int vt_machine_init(struct vt_machine *m, uint64_t ram_size)
{
	memset(m, 0, sizeof(*m));
	m->next_alloc = VT_RAM_BASE;
	return bus_init(&m->bus, VT_RAM_BASE, ram_size);
}

void vt_machine_fini(struct vt_machine *m)
{
	bus_destroy(&m->bus);
}

uint64_t vt_alloc(struct vt_machine *m, uint64_t size, uint64_t align)
{
	uint64_t pa = (m->next_alloc + align - 1) & ~(align - 1);
	m->next_alloc = pa + size;
	return pa;
}

void *vt_ptr(struct vt_machine *m, uint64_t pa)
{
	return bus_ram_ptr(&m->bus, pa, 1);
}

struct irq_line vt_irq(struct vt_machine *m)
{
	return (struct irq_line){ .set = irq_set, .opaque = m, .irq = 1 };
}

uint32_t vt_rd(struct vt_dev *v, uint64_t off)
{
	uint64_t val = 0;
	bus_load(&v->m->bus, v->base + off, 4, &val);
	return (uint32_t)val;
}

void vt_wr(struct vt_dev *v, uint64_t off, uint32_t val)
{
	bus_store(&v->m->bus, v->base + off, 4, val);
}

uint32_t vt_status(struct vt_dev *v)
{
	return vt_rd(v, VIRTIO_MMIO_STATUS);
}

int vt_dev_setup(struct vt_dev *v, struct vt_machine *m, uint64_t base,
		 struct virtio_dev *dev, uint64_t want, unsigned nq, uint16_t qsize)
{
	memset(v, 0, sizeof(*v));
	v->m = m;
	v->base = base;
	int rc = virtio_mmio_create(&m->bus, base, vt_irq(m), dev, &v->mmio);
	if (rc < 0)
		return rc;
	return vt_dev_restart(v, want, nq, qsize);
}

int vt_dev_restart(struct vt_dev *v, uint64_t want, unsigned nq, uint16_t qsize)
{
	struct vt_machine *m = v->m;
	memset(v->q, 0, sizeof(v->q));
	v->nq = nq;
	if (vt_rd(v, VIRTIO_MMIO_MAGIC_VALUE) != VIRTIO_MMIO_MAGIC || vt_rd(v, VIRTIO_MMIO_VERSION_REG) != 2)
		return -ENODEV;
	vt_wr(v, VIRTIO_MMIO_STATUS, 0);
	vt_wr(v, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
	vt_wr(v, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	uint64_t offered = 0;
	for (unsigned sel = 0; sel < 2; sel++) {
		vt_wr(v, VIRTIO_MMIO_DEVICE_FEATURES_SEL, sel);
		offered |= (uint64_t)vt_rd(v, VIRTIO_MMIO_DEVICE_FEATURES) << (32 * sel);
	}
	v->features = offered & want;
	for (unsigned sel = 0; sel < 2; sel++) {
		vt_wr(v, VIRTIO_MMIO_DRIVER_FEATURES_SEL, sel);
		vt_wr(v, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)(v->features >> (32 * sel)));
	}
	uint32_t st = VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK;
	vt_wr(v, VIRTIO_MMIO_STATUS, st);
	if (!(vt_status(v) & VIRTIO_STATUS_FEATURES_OK))
		return -EPROTO;
	for (unsigned q = 0; q < nq; q++) {
		struct vt_queue *vq = &v->q[q];
		vt_wr(v, VIRTIO_MMIO_QUEUE_SEL, q);
		if (vt_rd(v, VIRTIO_MMIO_QUEUE_READY) || vt_rd(v, VIRTIO_MMIO_QUEUE_NUM_MAX) < qsize)
			return -EPROTO;
		vq->num = qsize;
		vq->desc = vt_alloc(m, 16ull * qsize, 16);
		vq->avail = vt_alloc(m, 6 + 2ull * qsize, 2);
		vq->used = vt_alloc(m, 6 + 8ull * qsize, 4);
		vt_wr(v, VIRTIO_MMIO_QUEUE_NUM, qsize);
		vt_wr(v, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)vq->desc);
		vt_wr(v, VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)(vq->desc >> 32));
		vt_wr(v, VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)vq->avail);
		vt_wr(v, VIRTIO_MMIO_QUEUE_DRIVER_HIGH, (uint32_t)(vq->avail >> 32));
		vt_wr(v, VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)vq->used);
		vt_wr(v, VIRTIO_MMIO_QUEUE_DEVICE_HIGH, (uint32_t)(vq->used >> 32));
		vt_wr(v, VIRTIO_MMIO_QUEUE_READY, 1);
		if (vt_rd(v, VIRTIO_MMIO_QUEUE_READY) != 1)
			return -EPROTO;
	}
	vt_wr(v, VIRTIO_MMIO_STATUS, st | VIRTIO_STATUS_DRIVER_OK);
	return 0;
}

static void put_desc(struct vt_machine *m, uint64_t table, unsigned i, uint64_t addr,
		     uint32_t len, uint16_t flags, uint16_t next)
{
	uint8_t *p = vt_ptr(m, table + 16ull * i);
	memcpy(p, &addr, 8);
	memcpy(p + 8, &len, 4);
	memcpy(p + 12, &flags, 2);
	memcpy(p + 14, &next, 2);
}

int vt_submit(struct vt_dev *v, unsigned q, const struct vt_buf *bufs, unsigned n, bool indirect)
{
	struct vt_queue *vq = &v->q[q];
	struct vt_machine *m = v->m;
	uint16_t head = vq->next_desc % vq->num;
	if (indirect) {
		uint64_t table = vt_alloc(m, 16ull * n, 16);
		for (unsigned i = 0; i < n; i++)
			put_desc(m, table, i, bufs[i].pa, bufs[i].len,
				 (bufs[i].write ? VIRTQ_DESC_F_WRITE : 0) | (i + 1 < n ? VIRTQ_DESC_F_NEXT : 0),
				 (uint16_t)(i + 1));
		put_desc(m, vq->desc, head, table, 16 * n, VIRTQ_DESC_F_INDIRECT, 0);
		vq->next_desc++;
	} else {
		for (unsigned i = 0; i < n; i++) {
			uint16_t d = vq->next_desc++ % vq->num;
			put_desc(m, vq->desc, d, bufs[i].pa, bufs[i].len,
				 (bufs[i].write ? VIRTQ_DESC_F_WRITE : 0) | (i + 1 < n ? VIRTQ_DESC_F_NEXT : 0),
				 (uint16_t)(vq->next_desc % vq->num));
		}
	}
	uint16_t *ring = vt_ptr(m, vq->avail + 4 + 2ull * (vq->avail_idx % vq->num));
	*ring = head;
	vq->avail_idx++;
	__atomic_store_n((uint16_t *)vt_ptr(m, vq->avail + 2), vq->avail_idx, __ATOMIC_RELEASE);
	return head;
}

void vt_kick(struct vt_dev *v, unsigned q)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	vt_wr(v, VIRTIO_MMIO_QUEUE_NOTIFY, q);
}

int vt_get_used(struct vt_dev *v, unsigned q, uint32_t *id, uint32_t *len)
{
	struct vt_queue *vq = &v->q[q];
	uint16_t idx = __atomic_load_n((uint16_t *)vt_ptr(v->m, vq->used + 2), __ATOMIC_ACQUIRE);
	if (idx == vq->used_seen)
		return 0;
	uint32_t *el = vt_ptr(v->m, vq->used + 4 + 8ull * (vq->used_seen % vq->num));
	*id = el[0];
	*len = el[1];
	vq->used_seen++;
	return 1;
}

int vt_wait_used(struct vt_dev *v, unsigned q, uint32_t *id, uint32_t *len, int timeout_ms)
{
	for (int t = 0; t < timeout_ms; t++) {
		if (vt_get_used(v, q, id, len))
			return 1;
		nanosleep(&(struct timespec){ 0, 1000000 }, NULL);
	}
	return vt_get_used(v, q, id, len);
}

void vt_dev_destroy(struct vt_dev *v)
{
	virtio_mmio_destroy(v->mmio);
	v->mmio = NULL;
}
