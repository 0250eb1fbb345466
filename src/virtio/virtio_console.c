/*
 * virtio-console (virtio 1.2 section 5.3), a single port without
 * MULTIPORT: queue 0 carries host input to the guest, queue 1 the guest's
 * output. Emergency writes (VIRTIO_CONSOLE_F_EMERG_WRITE) are supported.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "virtio/virtio.h"
#include "virtio/virtio_devs.h"

#define RXQ 0
#define TXQ 1
#define VIRTIO_CONSOLE_F_EMERG_WRITE 2
#define CONSOLE_MAX_CHAIN (64u << 10)	/* output bytes taken from one chain */

struct virtio_console {
	struct virtio_dev dev;
	struct virtio_console_io io;
	struct virtq_elem rx_elem, tx_elem;
};

static int64_t console_tx(struct virtio_dev *d, unsigned q, struct virtq_elem *e, void *ctx)
{
	struct virtio_console *c = (struct virtio_console *)d;
	(void)q, (void)ctx;
	size_t budget = CONSOLE_MAX_CHAIN;
	for (unsigned i = 0; i < e->n_out && budget && c->io.output; i++) {
		size_t n = e->seg[i].len < budget ? e->seg[i].len : budget;
		c->io.output(c->io.opaque, e->seg[i].p, n);
		budget -= n;
	}
	return 0;
}

static void console_queue_notify(struct virtio_dev *d, unsigned q)
{
	struct virtio_console *c = (struct virtio_console *)d;
	if (q == TXQ) {
		virtio_queue_drain(d, TXQ, &c->tx_elem, console_tx, NULL);
		return;
	}
	if (virtq_check_avail(&d->vq[RXQ], &c->rx_elem) < 0) {
		virtio_dev_fail(d, RXQ, d->vq[RXQ].err);
		return;
	}
	if (c->io.rx_ready) {
		/* The callback may feed input right away: it takes our lock. */
		pthread_mutex_unlock(&d->lock);
		c->io.rx_ready(c->io.opaque);
		pthread_mutex_lock(&d->lock);
	}
}

size_t virtio_console_input(struct virtio_dev *d, const uint8_t *buf, size_t len)
{
	struct virtio_console *c = (struct virtio_console *)d;
	struct virtq *vq = &d->vq[RXQ];
	size_t done = 0;
	bool pushed = false;
	pthread_mutex_lock(&d->lock);
	while (done < len && virtio_dev_queue_live(d, RXQ)) {
		int rc = virtq_pop(vq, &c->rx_elem);
		if (rc == 0 && vq->event_idx && virtq_enable_notify(vq))
			rc = virtq_pop(vq, &c->rx_elem);
		if (rc == 0)
			break;
		if (rc < 0) {
			virtio_dev_fail(d, RXQ, vq->err);
			break;
		}
		size_t n = virtq_elem_write(&c->rx_elem, 0, buf + done, len - done);
		if (virtq_push(vq, c->rx_elem.head, (uint32_t)n) < 0) {
			virtio_dev_fail(d, RXQ, vq->err);
			break;
		}
		pushed = true;
		done += n;
		if (n == 0)
			break;		/* a chain without writable bytes: stop here */
	}
	if (pushed)
		virtio_dev_used(d, RXQ);
	pthread_mutex_unlock(&d->lock);
	return done;
}

static void console_config_write(struct virtio_dev *d, unsigned off, unsigned size, uint64_t val)
{
	struct virtio_console *c = (struct virtio_console *)d;
	/* emerg_wr at offset 8: one character, written at once. */
	if (off == 8 && c->io.output && virtio_dev_has_feature(d, VIRTIO_CONSOLE_F_EMERG_WRITE)) {
		uint8_t ch = (uint8_t)val;
		c->io.output(c->io.opaque, &ch, 1);
	}
}

static void console_destroy(struct virtio_dev *d)
{
	struct virtio_console *c = (struct virtio_console *)d;
	if (c->io.release)
		c->io.release(c->io.opaque);	/* its thread may be in _input() */
	virtio_dev_fini(d);
	free(d);
}

static const struct virtio_dev_ops console_ops = {
	.name = "console",
	.device_id = VIRTIO_ID_CONSOLE,
	.num_queues = 2,
	.queue_notify = console_queue_notify,
	.config_write = console_config_write,
	.destroy = console_destroy,
};

int virtio_console_create(const struct virtio_console_io *io, struct virtio_dev **out)
{
	struct virtio_console *c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	int rc = virtio_dev_init(&c->dev, &console_ops);
	if (rc < 0) {
		free(c);
		return rc;
	}
	if (io)
		c->io = *io;
	c->dev.host_features |= VIRTIO_BIT(VIRTIO_CONSOLE_F_EMERG_WRITE);
	c->dev.config_len = 12;	/* cols, rows, max_nr_ports, emerg_wr */
	*out = &c->dev;
	return 0;
}
