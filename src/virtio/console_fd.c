/*
 * Console backend on host file descriptors for virtio-console (lives in
 * src/virtio, not src/backend, because it calls into the device model): a thread
 * reads in_fd and feeds the guest; when the guest has no receive buffer the
 * unread bytes are held and the thread waits (on an eventfd, no spinning)
 * until the device says buffers were posted. Output goes to out_fd.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "virtio/virtio.h"
#include "virtio/virtio_devs.h"

struct chr_fd {
	int in_fd, out_fd, evfd;
	struct virtio_dev *dev;
	pthread_t thread;
	bool started;
	atomic_bool stop;
	uint8_t buf[256];
	size_t off, len;		/* held input: buf[off..len) */
};

static void chr_output(void *opaque, const uint8_t *p, size_t n)
{
	struct chr_fd *c = opaque;
	while (n) {
		ssize_t w = write(c->out_fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;		/* output gone: drop, never block the guest forever */
		p += w;
		n -= (size_t)w;
	}
}

static void chr_kick(struct chr_fd *c)
{
	uint64_t one = 1;
	if (write(c->evfd, &one, sizeof(one)) < 0) {
		/* saturated: the thread is awake anyway */
	}
}

static void chr_rx_ready(void *opaque)
{
	chr_kick(opaque);
}

static void *chr_thread(void *arg)
{
	struct chr_fd *c = arg;
	bool eof = false;
	while (!atomic_load(&c->stop)) {
		bool held = c->off < c->len;
		struct pollfd p[2] = { { .fd = c->evfd, .events = POLLIN }, { .fd = c->in_fd, .events = POLLIN } };
		if (poll(p, held || eof ? 1 : 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[0].revents & POLLIN) {
			uint64_t v;
			if (read(c->evfd, &v, sizeof(v)) < 0 && errno != EAGAIN)
				break;
		}
		if (atomic_load(&c->stop))
			break;
		if (!held && !eof && (p[1].revents & (POLLIN | POLLHUP))) {
			ssize_t n = read(c->in_fd, c->buf, sizeof(c->buf));
			if (n <= 0) {
				eof = n == 0 || (errno != EINTR && errno != EAGAIN);
				continue;
			}
			c->off = 0;
			c->len = (size_t)n;
		}
		if (c->off < c->len)
			c->off += virtio_console_input(c->dev, c->buf + c->off, c->len - c->off);
	}
	return NULL;
}

static void chr_release(void *opaque)
{
	struct chr_fd *c = opaque;
	if (c->started) {
		atomic_store(&c->stop, true);
		chr_kick(c);
		pthread_join(c->thread, NULL);
	}
	close(c->evfd);
	free(c);
}

int virtio_console_create_fd(int in_fd, int out_fd, struct virtio_dev **out)
{
	struct chr_fd *c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->in_fd = in_fd;
	c->out_fd = out_fd;
	c->evfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (c->evfd < 0) {
		int rc = -errno;
		free(c);
		return rc;
	}
	struct virtio_console_io io = { chr_output, chr_rx_ready, chr_release, c };
	int rc = virtio_console_create(&io, &c->dev);
	if (rc < 0) {
		chr_release(c);
		return rc;
	}
	rc = pthread_create(&c->thread, NULL, chr_thread, c);
	if (rc) {
		virtio_dev_destroy(c->dev);	/* releases c */
		return -rc;
	}
	c->started = true;
	*out = c->dev;
	return 0;
}
