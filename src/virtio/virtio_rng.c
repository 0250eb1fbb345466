/*
 * virtio-rng (virtio 1.2 section 5.4): one request queue whose writable
 * buffers are filled from the host's getrandom().
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/random.h>

#include "virtio/virtio.h"
#include "virtio/virtio_devs.h"

#define RNG_MAX_PER_REQ (64u << 10)	/* bound the work one request can cause */

struct virtio_rng {
	struct virtio_dev dev;
	struct virtq_elem elem;
};

static size_t fill(uint8_t *p, size_t len)
{
	size_t done = 0;
	while (done < len) {
		ssize_t n = getrandom(p + done, len - done, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		done += (size_t)n;
	}
	return done;
}

static void rng_queue_notify(struct virtio_dev *d, unsigned q)
{
	struct virtio_rng *r = (struct virtio_rng *)d;
	struct virtq *vq = &d->vq[q];
	bool pushed = false;
	for (;;) {
		int rc = virtq_pop(vq, &r->elem);
		if (rc == 0) {
			if (vq->event_idx && virtq_enable_notify(vq))
				continue;
			break;
		}
		if (rc < 0) {
			virtio_dev_fail(d, q, vq->err);
			return;
		}
		size_t budget = RNG_MAX_PER_REQ, written = 0;
		for (unsigned i = r->elem.n_out; i < (unsigned)r->elem.n_out + r->elem.n_in && budget; i++) {
			size_t n = r->elem.seg[i].len < budget ? r->elem.seg[i].len : budget;
			size_t got = fill(r->elem.seg[i].p, n);
			written += got;
			budget -= n;
			if (got < n)
				break;
		}
		if (virtq_push(vq, r->elem.head, (uint32_t)written) < 0) {
			virtio_dev_fail(d, q, vq->err);
			return;
		}
		pushed = true;
	}
	if (pushed)
		virtio_dev_used(d, q);
}

static void rng_destroy(struct virtio_dev *d)
{
	virtio_dev_fini(d);
	free(d);
}

static const struct virtio_dev_ops rng_ops = {
	.name = "rng",
	.device_id = VIRTIO_ID_RNG,
	.num_queues = 1,
	.queue_notify = rng_queue_notify,
	.destroy = rng_destroy,
};

int virtio_rng_create(struct virtio_dev **out)
{
	struct virtio_rng *r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	int rc = virtio_dev_init(&r->dev, &rng_ops);
	if (rc < 0) {
		free(r);
		return rc;
	}
	*out = &r->dev;
	return 0;
}
