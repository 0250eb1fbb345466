/*
 * virtio-net device model (virtio 1.2 section 5.1): one receive and one
 * transmit queue, MAC and link status in config, no offloads, no
 * mergeable receive buffers (each receive chain holds header + frame).
 *
 * TX runs on the notifying vCPU thread; the device lock is dropped around
 * backend->send() so that a hub can deliver into another device (whose
 * lock it takes) without lock-order trouble. RX arrives on the backend's
 * thread through net_rx(), which takes the device lock.
 * Frame counters (xm top; the guest's view: tx = sent by the guest) are
 * relaxed atomics read by virtio_net_get_stats.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "backend/backend.h"
#include "virtio/virtio.h"
#include "virtio/virtio_devs.h"

#define RXQ 0
#define TXQ 1

struct virtio_net {
	struct virtio_dev dev;		/* first: we are cast from it */
	struct net_backend *be;
	bool tx_busy;			/* a thread is inside the TX loop */
	struct virtq_elem rx_elem, tx_elem;
	uint8_t txbuf[VIRTIO_NET_HDR_LEN + NET_FRAME_MAX];
	/* Frames (without the virtio header) and their bytes; drops. */
	_Atomic uint64_t tx_pkts, tx_bytes, tx_drop, rx_pkts, rx_bytes, rx_drop;
};

static void stat_add(_Atomic uint64_t *c, uint64_t v)
{
	atomic_fetch_add_explicit(c, v, memory_order_relaxed);
}

/* Backend -> guest. Called without our lock from the backend's thread. */
static int net_rx(void *opaque, const void *frame, size_t len)
{
	struct virtio_net *n = opaque;
	struct virtio_dev *d = &n->dev;
	struct virtq *vq = &d->vq[RXQ];
	int rc;
	pthread_mutex_lock(&d->lock);
	if (!virtio_dev_queue_live(d, RXQ)) {
		rc = -ENETDOWN;
		goto out;
	}
	rc = virtq_pop(vq, &n->rx_elem);
	if (rc == 0 && vq->event_idx && virtq_enable_notify(vq))
		rc = virtq_pop(vq, &n->rx_elem);
	if (rc == 0) {
		rc = -EAGAIN;		/* no buffer: the driver will kick RXQ */
		goto out;
	}
	if (rc < 0) {
		virtio_dev_fail(d, RXQ, vq->err);
		rc = -EIO;
		goto out;
	}
	if (n->rx_elem.in_len < VIRTIO_NET_HDR_LEN + len) {
		virtq_unpop(vq);	/* too small for this frame: drop the frame */
		stat_add(&n->rx_drop, 1);
		rc = -EMSGSIZE;
		goto out;
	}
	/* Header: no checksum/GSO info, num_buffers = 1. */
	uint8_t hdr[VIRTIO_NET_HDR_LEN] = { 0 };
	hdr[10] = 1;
	virtq_elem_write(&n->rx_elem, 0, hdr, sizeof(hdr));
	virtq_elem_write(&n->rx_elem, sizeof(hdr), frame, len);
	if (virtq_push(vq, n->rx_elem.head, (uint32_t)(VIRTIO_NET_HDR_LEN + len)) < 0) {
		virtio_dev_fail(d, RXQ, vq->err);
		rc = -EIO;
		goto out;
	}
	virtio_dev_used(d, RXQ);
	stat_add(&n->rx_pkts, 1);
	stat_add(&n->rx_bytes, len);
	rc = 0;
out:
	pthread_mutex_unlock(&d->lock);
	return rc;
}

static void net_tx(struct virtio_net *n)
{
	struct virtio_dev *d = &n->dev;
	struct virtq *vq = &d->vq[TXQ];
	if (n->tx_busy)
		return;		/* that thread will see our buffers: it pops until empty under the lock */
	n->tx_busy = true;
	for (;;) {
		int rc = virtq_pop(vq, &n->tx_elem);
		if (rc == 0) {
			if (vq->event_idx && virtq_enable_notify(vq))
				continue;
			break;
		}
		if (rc < 0) {
			virtio_dev_fail(d, TXQ, vq->err);
			break;
		}
		uint64_t len = n->tx_elem.out_len;
		bool ok = len > VIRTIO_NET_HDR_LEN && len <= sizeof(n->txbuf);
		if (ok)
			virtq_elem_read(&n->tx_elem, 0, n->txbuf, len);
		if (virtq_push(vq, n->tx_elem.head, 0) < 0) {
			virtio_dev_fail(d, TXQ, vq->err);
			break;
		}
		virtio_dev_used(d, TXQ);
		if (!ok) {
			stat_add(&n->tx_drop, 1);
			continue;	/* runt or oversized frame: dropped */
		}
		stat_add(&n->tx_pkts, 1);
		stat_add(&n->tx_bytes, len - VIRTIO_NET_HDR_LEN);
		/* Nothing of the ring is held across the unlock: if the driver
		 * resets meanwhile we just carry on with the queue as it is then. */
		pthread_mutex_unlock(&d->lock);
		n->be->ops->send(n->be, n->txbuf + VIRTIO_NET_HDR_LEN, len - VIRTIO_NET_HDR_LEN);
		pthread_mutex_lock(&d->lock);
		if (!virtio_dev_queue_live(d, TXQ))
			break;
	}
	n->tx_busy = false;
}

static void net_queue_notify(struct virtio_dev *d, unsigned q)
{
	struct virtio_net *n = (struct virtio_net *)d;
	if (q == TXQ) {
		net_tx(n);
	} else if (q == RXQ) {
		if (virtq_check_avail(&d->vq[RXQ], &n->rx_elem) < 0) {
			virtio_dev_fail(d, RXQ, d->vq[RXQ].err);
			return;
		}
		/* New receive buffers: let the backend retry a held frame. It
		 * calls net_rx(), which takes our lock. */
		pthread_mutex_unlock(&d->lock);
		n->be->ops->rx_ready(n->be);
		pthread_mutex_lock(&d->lock);
	}
}

static void net_destroy(struct virtio_dev *d)
{
	struct virtio_net *n = (struct virtio_net *)d;
	net_backend_destroy(n->be);	/* no more net_rx() calls after this */
	virtio_dev_fini(d);
	free(n);
}

static const struct virtio_dev_ops net_ops = {
	.name = "net",
	.device_id = VIRTIO_ID_NET,
	.num_queues = 2,
	.queue_notify = net_queue_notify,
	.destroy = net_destroy,
};

void virtio_net_set_link(struct virtio_dev *d, int up)
{
	pthread_mutex_lock(&d->lock);
	virtio_config_put16(d, 6, up ? VIRTIO_NET_S_LINK_UP : 0);
	virtio_dev_config_changed(d);
	pthread_mutex_unlock(&d->lock);
}

void virtio_net_get_stats(struct virtio_dev *d, struct virtio_net_stats *s)
{
	memset(s, 0, sizeof(*s));
	if (!d || d->ops != &net_ops)
		return;
	struct virtio_net *n = (struct virtio_net *)d;
	s->tx_pkts = atomic_load_explicit(&n->tx_pkts, memory_order_relaxed);
	s->tx_bytes = atomic_load_explicit(&n->tx_bytes, memory_order_relaxed);
	s->tx_drop = atomic_load_explicit(&n->tx_drop, memory_order_relaxed);
	s->rx_pkts = atomic_load_explicit(&n->rx_pkts, memory_order_relaxed);
	s->rx_bytes = atomic_load_explicit(&n->rx_bytes, memory_order_relaxed);
	s->rx_drop = atomic_load_explicit(&n->rx_drop, memory_order_relaxed);
}

int virtio_net_create(const uint8_t mac[6], struct net_backend *be, struct virtio_dev **out)
{
	struct virtio_net *n = calloc(1, sizeof(*n));
	if (!n) {
		net_backend_destroy(be);
		return -ENOMEM;
	}
	int rc = virtio_dev_init(&n->dev, &net_ops);
	if (rc < 0) {
		net_backend_destroy(be);
		free(n);
		return rc;
	}
	struct virtio_dev *d = &n->dev;
	n->be = be;
	d->host_features |= VIRTIO_BIT(VIRTIO_NET_F_MAC) | VIRTIO_BIT(VIRTIO_NET_F_STATUS);
	memcpy(d->config, mac, 6);				/* mac */
	virtio_config_put16(d, 6, VIRTIO_NET_S_LINK_UP);	/* status */
	d->config_len = 8;
	rc = be->ops->attach(be, net_rx, n);
	if (rc < 0) {
		net_destroy(d);
		return rc;
	}
	*out = d;
	return 0;
}
