/*
 * virtio-mmio v2 register file (virtio 1.2 section 4.2.2) on top of the
 * transport-independent core in virtio.c. Every access takes the device
 * lock: several vCPU threads and backend threads may reach one device.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/bus.h"
#include "virtio/virtio.h"
#include "virtio/virtio_mmio.h"

struct virtio_mmio {
	struct virtio_dev *dev;
	uint64_t base;
	/* Register selectors: transport state, guarded by dev->lock. */
	uint32_t dev_features_sel, drv_features_sel, queue_sel;
};

static struct virtq *sel_vq(struct virtio_mmio *m)
{
	if (m->queue_sel >= m->dev->ops->num_queues)
		return NULL;
	return &m->dev->vq[m->queue_sel];
}

static uint32_t reg_read(struct virtio_mmio *m, uint64_t off)
{
	struct virtio_dev *d = m->dev;
	struct virtq *vq = sel_vq(m);
	switch (off) {
	case VIRTIO_MMIO_MAGIC_VALUE: return VIRTIO_MMIO_MAGIC;
	case VIRTIO_MMIO_VERSION_REG: return VIRTIO_MMIO_VERSION;
	case VIRTIO_MMIO_DEVICE_ID: return d->ops->device_id;
	case VIRTIO_MMIO_VENDOR_ID: return VIRTIO_MMIO_VENDOR;
	case VIRTIO_MMIO_DEVICE_FEATURES:
		return m->dev_features_sel < 2 ? (uint32_t)(d->host_features >> (32 * m->dev_features_sel)) : 0;
	case VIRTIO_MMIO_QUEUE_NUM_MAX: return vq ? d->queue_num_max : 0;
	case VIRTIO_MMIO_QUEUE_NUM: return vq ? vq->num : 0;
	case VIRTIO_MMIO_QUEUE_READY: return vq ? vq->ready : 0;
	case VIRTIO_MMIO_INTERRUPT_STATUS: return d->isr;
	case VIRTIO_MMIO_STATUS: return d->status;
	case VIRTIO_MMIO_QUEUE_DESC_LOW: return vq ? (uint32_t)vq->desc_pa : 0;
	case VIRTIO_MMIO_QUEUE_DESC_HIGH: return vq ? (uint32_t)(vq->desc_pa >> 32) : 0;
	case VIRTIO_MMIO_QUEUE_DRIVER_LOW: return vq ? (uint32_t)vq->avail_pa : 0;
	case VIRTIO_MMIO_QUEUE_DRIVER_HIGH: return vq ? (uint32_t)(vq->avail_pa >> 32) : 0;
	case VIRTIO_MMIO_QUEUE_DEVICE_LOW: return vq ? (uint32_t)vq->used_pa : 0;
	case VIRTIO_MMIO_QUEUE_DEVICE_HIGH: return vq ? (uint32_t)(vq->used_pa >> 32) : 0;
	case VIRTIO_MMIO_SHM_LEN_LOW:
	case VIRTIO_MMIO_SHM_LEN_HIGH: return 0xffffffffu;	/* no shared memory regions */
	case VIRTIO_MMIO_CONFIG_GENERATION: return d->config_gen;
	default: return 0;
	}
}

/* Queue address registers may only change while the queue is not ready. */
static void set_half(uint64_t *pa, bool high, uint32_t v)
{
	if (high)
		*pa = (*pa & 0xffffffffull) | ((uint64_t)v << 32);
	else
		*pa = (*pa & ~0xffffffffull) | v;
}

static void reg_write(struct virtio_mmio *m, uint64_t off, uint32_t v)
{
	struct virtio_dev *d = m->dev;
	struct virtq *vq = sel_vq(m);
	bool negotiating = !(d->status & VIRTIO_STATUS_FEATURES_OK);
	switch (off) {
	case VIRTIO_MMIO_DEVICE_FEATURES_SEL: m->dev_features_sel = v; return;
	case VIRTIO_MMIO_DRIVER_FEATURES_SEL: m->drv_features_sel = v; return;
	case VIRTIO_MMIO_DRIVER_FEATURES:
		if (negotiating && m->drv_features_sel < 2) {
			unsigned sh = 32 * m->drv_features_sel;
			d->driver_features = (d->driver_features & ~(0xffffffffull << sh)) | ((uint64_t)v << sh);
		}
		return;
	case VIRTIO_MMIO_QUEUE_SEL: m->queue_sel = v; return;
	case VIRTIO_MMIO_QUEUE_NUM:
		if (vq && !vq->ready)
			vq->num = v > 0xffff ? 0 : (uint16_t)v;
		return;
	case VIRTIO_MMIO_QUEUE_READY:
		if (!vq)
			return;
		if (v & 1)
			virtio_dev_queue_enable(d, m->queue_sel);
		else
			vq->ready = false;
		return;
	case VIRTIO_MMIO_QUEUE_NOTIFY:
		/* Without VIRTIO_F_NOTIFICATION_DATA the value is the queue index. */
		if (v < d->ops->num_queues)
			virtio_dev_queue_notify(d, v);
		return;
	case VIRTIO_MMIO_INTERRUPT_ACK: virtio_dev_ack_irq(d, v); return;
	case VIRTIO_MMIO_STATUS: virtio_dev_set_status(d, v); return;
	case VIRTIO_MMIO_QUEUE_DESC_LOW:
	case VIRTIO_MMIO_QUEUE_DESC_HIGH:
		if (vq && !vq->ready)
			set_half(&vq->desc_pa, off == VIRTIO_MMIO_QUEUE_DESC_HIGH, v);
		return;
	case VIRTIO_MMIO_QUEUE_DRIVER_LOW:
	case VIRTIO_MMIO_QUEUE_DRIVER_HIGH:
		if (vq && !vq->ready)
			set_half(&vq->avail_pa, off == VIRTIO_MMIO_QUEUE_DRIVER_HIGH, v);
		return;
	case VIRTIO_MMIO_QUEUE_DEVICE_LOW:
	case VIRTIO_MMIO_QUEUE_DEVICE_HIGH:
		if (vq && !vq->ready)
			set_half(&vq->used_pa, off == VIRTIO_MMIO_QUEUE_DEVICE_HIGH, v);
		return;
	default:
		return;		/* read-only or unknown: ignored */
	}
}

static int mmio_read(void *opaque, uint64_t off, unsigned size, uint64_t *val)
{
	struct virtio_mmio *m = opaque;
	struct virtio_dev *d = m->dev;
	*val = 0;
	pthread_mutex_lock(&d->lock);
	if (off >= VIRTIO_MMIO_CONFIG) {
		uint64_t c = off - VIRTIO_MMIO_CONFIG;
		if (c < d->config_len && size <= d->config_len - c)
			memcpy(val, d->config + c, size);
	} else if (size == 4) {
		*val = reg_read(m, off);
	}
	pthread_mutex_unlock(&d->lock);
	return 0;
}

static int mmio_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	struct virtio_mmio *m = opaque;
	struct virtio_dev *d = m->dev;
	pthread_mutex_lock(&d->lock);
	if (off >= VIRTIO_MMIO_CONFIG) {
		uint64_t c = off - VIRTIO_MMIO_CONFIG;
		if (c < d->config_len && size <= d->config_len - c && d->ops->config_write)
			d->ops->config_write(d, (unsigned)c, size, val);
	} else if (size == 4) {
		reg_write(m, off, (uint32_t)val);
	}
	pthread_mutex_unlock(&d->lock);
	return 0;
}

static const struct mmio_ops virtio_mmio_ops = {
	.name = "virtio-mmio",
	.read = mmio_read,
	.write = mmio_write,
};

int virtio_mmio_create(struct bus *b, uint64_t base, struct irq_line irq,
		       struct virtio_dev *dev, struct virtio_mmio **out)
{
	if (!b || !dev)
		return -EINVAL;
	struct virtio_mmio *m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	m->dev = dev;
	m->base = base;
	char label[48];
	snprintf(label, sizeof(label), "virtio-%s@%#llx", dev->ops->name, (unsigned long long)base);
	pthread_mutex_lock(&dev->lock);
	virtio_dev_attach(dev, b, irq, label);
	virtio_dev_reset(dev);
	pthread_mutex_unlock(&dev->lock);
	int rc = bus_add_mmio(b, base, VIRTIO_MMIO_REG_SIZE, &virtio_mmio_ops, m);
	if (rc < 0) {
		free(m);
		return rc;
	}
	*out = m;
	return 0;
}

void virtio_mmio_destroy(struct virtio_mmio *m)
{
	if (!m)
		return;
	virtio_dev_destroy(m->dev);
	free(m);
}

uint32_t virtio_mmio_device_id(const struct virtio_mmio *m)
{
	return m->dev->ops->device_id;
}

struct virtio_dev *virtio_mmio_dev(struct virtio_mmio *m)
{
	return m->dev;
}
