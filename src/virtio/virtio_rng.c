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

static int64_t rng_handle(struct virtio_dev *d, unsigned q, struct virtq_elem *e, void *ctx)
{
	(void)d, (void)q, (void)ctx;
	size_t budget = RNG_MAX_PER_REQ, written = 0;
	for (unsigned i = e->n_out; i < (unsigned)e->n_out + e->n_in && budget; i++) {
		size_t n = e->seg[i].len < budget ? e->seg[i].len : budget;
		size_t got = fill(e->seg[i].p, n);
		written += got;
		budget -= n;
		if (got < n)
			break;
	}
	return (uint32_t)written;
}

static void rng_queue_notify(struct virtio_dev *d, unsigned q)
{
	virtio_queue_drain(d, q, &((struct virtio_rng *)d)->elem, rng_handle, NULL);
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
