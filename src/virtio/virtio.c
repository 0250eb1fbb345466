/*
 * Transport-independent virtio device core: status/feature negotiation,
 * reset, queue enabling, interrupts, the DEVICE_NEEDS_RESET path and the
 * pop/handle/push loop shared by the device models (virtio_queue_drain).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "virtio/virtio.h"

int virtio_dev_init(struct virtio_dev *d, const struct virtio_dev_ops *ops)
{
	if (ops->num_queues > VIRTIO_MAX_QUEUES)
		return -EINVAL;
	d->ops = ops;
	d->host_features = VIRTIO_BIT(VIRTIO_F_VERSION_1) |
			   VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC) |
			   VIRTIO_BIT(VIRTIO_F_EVENT_IDX);
	d->queue_num_max = VIRTQ_NUM_MAX;
	snprintf(d->label, sizeof(d->label), "virtio-%s", ops->name);
	int rc = pthread_mutex_init(&d->lock, NULL);
	return rc ? -rc : 0;
}

void virtio_dev_destroy(struct virtio_dev *d)
{
	if (!d)
		return;
	/* The model stops its backend threads first, then calls
	 * virtio_dev_fini() and frees itself. */
	d->ops->destroy(d);
}

void virtio_dev_fini(struct virtio_dev *d)
{
	pthread_mutex_destroy(&d->lock);
}

void virtio_dev_attach(struct virtio_dev *d, struct bus *b, struct irq_line irq,
		       const char *label)
{
	d->bus = b;
	d->irq = irq;
	for (unsigned q = 0; q < VIRTIO_MAX_QUEUES; q++)
		d->vq[q].bus = b;
	if (label)
		snprintf(d->label, sizeof(d->label), "%s", label);
}

static void update_irq(struct virtio_dev *d)
{
	irq_line_set(&d->irq, d->isr != 0);
}

void virtio_dev_reset(struct virtio_dev *d)
{
	d->driver_features = 0;
	d->status = 0;
	d->isr = 0;
	d->broken = false;
	d->reset_gen++;
	for (unsigned q = 0; q < VIRTIO_MAX_QUEUES; q++)
		virtq_reset(&d->vq[q]);
	if (d->ops->reset)
		d->ops->reset(d);
	update_irq(d);
}

bool virtio_dev_has_feature(const struct virtio_dev *d, unsigned bit)
{
	return bit < 64 && (d->driver_features & VIRTIO_BIT(bit));
}

void virtio_dev_set_status(struct virtio_dev *d, uint32_t v)
{
	if (v == 0) {
		virtio_dev_reset(d);
		return;
	}
	v &= 0xff;
	/* The driver may not clear bits without a reset; NEEDS_RESET is ours. */
	v = (v & ~VIRTIO_STATUS_NEEDS_RESET) | (d->status & VIRTIO_STATUS_NEEDS_RESET);
	if ((v & VIRTIO_STATUS_FEATURES_OK) && !(d->status & VIRTIO_STATUS_FEATURES_OK)) {
		/* Accept only a subset of what we offered, with VERSION_1. */
		if ((d->driver_features & ~d->host_features) ||
		    !(d->driver_features & VIRTIO_BIT(VIRTIO_F_VERSION_1)))
			v &= ~VIRTIO_STATUS_FEATURES_OK;
	}
	if ((v & VIRTIO_STATUS_DRIVER_OK) && !(d->status & VIRTIO_STATUS_FEATURES_OK) &&
	    !(v & VIRTIO_STATUS_FEATURES_OK))
		v &= ~VIRTIO_STATUS_DRIVER_OK;	/* DRIVER_OK before FEATURES_OK */
	bool going_live = (v & VIRTIO_STATUS_DRIVER_OK) && !(d->status & VIRTIO_STATUS_DRIVER_OK);
	d->status = v;
	if (!going_live)
		return;
	if (d->ops->driver_ok)
		d->ops->driver_ok(d);
	/* Some drivers make buffers available and notify before DRIVER_OK
	 * (Linux's balloon does so with its stats buffer); we ignored those
	 * notifications, so look at every ready queue now. */
	for (unsigned q = 0; q < d->ops->num_queues; q++)
		if (d->vq[q].ready && virtq_has_avail(&d->vq[q]))
			virtio_dev_queue_notify(d, q);
}

void virtio_dev_ack_irq(struct virtio_dev *d, uint32_t bits)
{
	d->isr &= ~bits;
	update_irq(d);
}

void virtio_dev_fail(struct virtio_dev *d, unsigned q, const char *why)
{
	if (d->broken)
		return;
	d->broken = true;
	d->status |= VIRTIO_STATUS_NEEDS_RESET;
	/* One line per incident; a guest looping reset + garbage gets its
	 * lines thinned out (first 32, then every power of two). */
	uint64_t n = ++d->fail_count;
	if (n <= 32 || !(n & (n - 1)))
		fprintf(stderr, "%s: queue %u: %s; device needs reset (#%llu)\n", d->label, q,
			why ? why : "malformed ring", (unsigned long long)n);
	d->isr |= VIRTIO_ISR_CONFIG;
	update_irq(d);
}

void virtio_dev_queue_enable(struct virtio_dev *d, unsigned q)
{
	struct virtq *vq = &d->vq[q];
	if (vq->ready || d->broken)
		return;
	vq->indirect = virtio_dev_has_feature(d, VIRTIO_F_INDIRECT_DESC);
	vq->event_idx = virtio_dev_has_feature(d, VIRTIO_F_EVENT_IDX);
	if (vq->num > d->queue_num_max || virtq_validate(vq) < 0) {
		virtio_dev_fail(d, q, vq->err ? vq->err : "bad queue size");
		return;
	}
	vq->last_avail = vq->used_idx = vq->checked = 0;
	vq->signalled_valid = false;
	vq->ready = true;
}

bool virtio_dev_queue_live(const struct virtio_dev *d, unsigned q)
{
	return q < d->ops->num_queues && !d->broken &&
	       (d->status & VIRTIO_STATUS_DRIVER_OK) && d->vq[q].ready;
}

void virtio_dev_queue_notify(struct virtio_dev *d, unsigned q)
{
	if (virtio_dev_queue_live(d, q) && d->ops->queue_notify)
		d->ops->queue_notify(d, q);
}

void virtio_dev_used(struct virtio_dev *d, unsigned q)
{
	if (virtq_should_notify(&d->vq[q])) {
		d->isr |= VIRTIO_ISR_VQ;
		update_irq(d);
	}
}

int virtio_queue_drain(struct virtio_dev *d, unsigned q, struct virtq_elem *elem,
		       virtio_drain_fn handle, void *ctx)
{
	struct virtq *vq = &d->vq[q];
	bool pushed = false;
	for (;;) {
		int rc = virtq_pop(vq, elem);
		if (rc == 0) {
			/* Event index: publish avail_event, then look once more so
			 * a buffer made available meanwhile is not left waiting. */
			if (vq->event_idx && virtq_enable_notify(vq))
				continue;
			break;
		}
		if (rc < 0) {
			virtio_dev_fail(d, q, vq->err);
			return -EIO;
		}
		int64_t written = handle(d, q, elem, ctx);
		if (written == VIRTIO_DRAIN_HOLD)
			continue;
		if (written < 0)
			return (int)written;	/* the handler failed the device */
		if (virtq_push(vq, elem->head, (uint32_t)written) < 0) {
			virtio_dev_fail(d, q, vq->err);
			return -EIO;
		}
		pushed = true;
	}
	if (pushed)
		virtio_dev_used(d, q);
	return pushed;
}

void virtio_dev_config_changed(struct virtio_dev *d)
{
	d->config_gen++;
	if (d->status & VIRTIO_STATUS_DRIVER_OK) {
		d->isr |= VIRTIO_ISR_CONFIG;
		update_irq(d);
	}
}

void virtio_config_put16(struct virtio_dev *d, unsigned off, uint16_t v)
{
	if (off + 2 <= VIRTIO_CONFIG_MAX)
		memcpy(d->config + off, &v, 2);	/* host is little-endian */
}

void virtio_config_put32(struct virtio_dev *d, unsigned off, uint32_t v)
{
	if (off + 4 <= VIRTIO_CONFIG_MAX)
		memcpy(d->config + off, &v, 4);
}

void virtio_config_put64(struct virtio_dev *d, unsigned off, uint64_t v)
{
	if (off + 8 <= VIRTIO_CONFIG_MAX)
		memcpy(d->config + off, &v, 8);
}
