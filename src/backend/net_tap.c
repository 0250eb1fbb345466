/*
 * TAP backend: one host TAP interface (IFF_TAP | IFF_NO_PI, no vnet
 * header) per NIC. A backend thread waits on the TAP fd and an eventfd;
 * when the guest has no receive buffer the frame is held and the thread
 * stops reading the TAP (no spinning) until the device signals rx_ready.
 */
#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "backend/backend.h"

struct net_tap {
	struct net_backend be;
	int fd, evfd;
	pthread_t thread;
	bool started;
	atomic_bool stop;
	net_receive_fn rx;
	void *opaque;
	size_t held;			/* length of a frame waiting in buf, or 0 */
	uint8_t buf[NET_FRAME_MAX];
};

static void *tap_thread(void *arg)
{
	struct net_tap *t = arg;
	while (!atomic_load(&t->stop)) {
		struct pollfd p[2] = { { .fd = t->evfd, .events = POLLIN },
				       { .fd = t->fd, .events = POLLIN } };
		int n = poll(p, t->held ? 1 : 2, -1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[0].revents & POLLIN) {
			uint64_t v;
			if (read(t->evfd, &v, sizeof(v)) < 0 && errno != EAGAIN)
				break;
		}
		if (atomic_load(&t->stop))
			break;
		if (!t->held && (p[1].revents & POLLIN)) {
			ssize_t len = read(t->fd, t->buf, sizeof(t->buf));
			if (len > 0)
				t->held = (size_t)len;
		}
		if (t->held && t->rx(t->opaque, t->buf, t->held) != -EAGAIN)
			t->held = 0;	/* delivered or dropped */
	}
	return NULL;
}

static void tap_kick(struct net_tap *t)
{
	uint64_t one = 1;
	if (write(t->evfd, &one, sizeof(one)) < 0) {
		/* eventfd counter saturated: the thread is awake anyway */
	}
}

static int tap_attach(struct net_backend *be, net_receive_fn rx, void *opaque)
{
	struct net_tap *t = (struct net_tap *)be;
	if (t->started)
		return -EBUSY;
	t->rx = rx;
	t->opaque = opaque;
	int rc = pthread_create(&t->thread, NULL, tap_thread, t);
	if (rc)
		return -rc;
	t->started = true;
	return 0;
}

static int tap_send(struct net_backend *be, const void *frame, size_t len)
{
	struct net_tap *t = (struct net_tap *)be;
	/* Non-blocking: a full TAP queue drops the frame, like a wire. */
	return write(t->fd, frame, len) < 0 ? -errno : 0;
}

static void tap_rx_ready(struct net_backend *be)
{
	tap_kick((struct net_tap *)be);
}

static void tap_destroy(struct net_backend *be)
{
	struct net_tap *t = (struct net_tap *)be;
	if (t->started) {
		atomic_store(&t->stop, true);
		tap_kick(t);
		pthread_join(t->thread, NULL);
	}
	close(t->fd);
	close(t->evfd);
	free(t);
}

static const struct net_backend_ops tap_ops = {
	.attach = tap_attach,
	.send = tap_send,
	.rx_ready = tap_rx_ready,
	.destroy = tap_destroy,
};

int net_tap_open(const char *ifname, char *name_out, struct net_backend **out)
{
	int rc;
	struct net_tap *t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->be.ops = &tap_ops;
	t->evfd = -1;
	t->fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK);
	if (t->fd < 0) {
		rc = -errno;
		goto out_free;
	}
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	if (ifname && strlen(ifname) >= IFNAMSIZ) {
		rc = -ENAMETOOLONG;
		goto out_close;
	}
	if (ifname)
		snprintf(ifr.ifr_name, IFNAMSIZ, "%s", ifname);
	if (ioctl(t->fd, TUNSETIFF, &ifr) < 0) {
		rc = -errno;
		goto out_close;
	}
	if (name_out) {
		memcpy(name_out, ifr.ifr_name, IFNAMSIZ);
		name_out[IFNAMSIZ - 1] = 0;
	}
	t->evfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (t->evfd < 0) {
		rc = -errno;
		goto out_close;
	}
	*out = &t->be;
	return 0;
out_close:
	close(t->fd);
out_free:
	free(t);
	return rc;
}
