/*
 * In-process Ethernet switch joining several guests' NICs. A frame sent on
 * one port goes to the port that last sent from its destination MAC, or to
 * every other port for broadcast/multicast/unknown destinations. A port
 * whose device has no receive buffer keeps a short backlog (bounded, then
 * drops), delivered when the device posts buffers (rx_ready).
 *
 * Locking: the hub lock is held while calling a port's receive callback,
 * which takes that device's lock; devices never call into the hub holding
 * their own lock, so the order is always hub -> device.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "backend/backend.h"

#define HUB_MAX_PORTS 32
#define HUB_BACKLOG 64
#define HUB_FDB 64

struct hub_frame {
	uint8_t *data;
	size_t len;
};

struct hub_port {
	struct net_backend be;
	struct net_hub *hub;
	net_receive_fn rx;
	void *opaque;
	struct hub_frame backlog[HUB_BACKLOG];
	unsigned bl_head, bl_count;
};

struct fdb_entry {
	uint8_t mac[6];
	struct hub_port *port;
};

struct net_hub {
	pthread_mutex_t lock;
	struct hub_port *ports[HUB_MAX_PORTS];
	unsigned nports;
	struct fdb_entry fdb[HUB_FDB];
	unsigned fdb_next;		/* round-robin replacement */
};

static void backlog_drop_head(struct hub_port *p)
{
	free(p->backlog[p->bl_head].data);
	p->backlog[p->bl_head].data = NULL;
	p->bl_head = (p->bl_head + 1) % HUB_BACKLOG;
	p->bl_count--;
}

/* Delivers what the backlog holds, in order, until the device is full. */
static void backlog_flush(struct hub_port *p)
{
	while (p->bl_count && p->rx) {
		struct hub_frame *f = &p->backlog[p->bl_head];
		if (p->rx(p->opaque, f->data, f->len) == -EAGAIN)
			return;
		backlog_drop_head(p);
	}
}

static void deliver(struct hub_port *p, const void *frame, size_t len)
{
	if (!p->rx)
		return;
	if (p->bl_count == 0 && p->rx(p->opaque, frame, len) != -EAGAIN)
		return;
	if (p->bl_count == HUB_BACKLOG)
		return;		/* full: drop, as a switch would */
	uint8_t *copy = malloc(len);
	if (!copy)
		return;
	memcpy(copy, frame, len);
	p->backlog[(p->bl_head + p->bl_count) % HUB_BACKLOG] = (struct hub_frame){ copy, len };
	p->bl_count++;
}

static struct hub_port *fdb_lookup(struct net_hub *h, const uint8_t *mac)
{
	for (unsigned i = 0; i < HUB_FDB; i++)
		if (h->fdb[i].port && memcmp(h->fdb[i].mac, mac, 6) == 0)
			return h->fdb[i].port;
	return NULL;
}

static void fdb_learn(struct net_hub *h, const uint8_t *mac, struct hub_port *p)
{
	if (mac[0] & 1)
		return;		/* multicast source: bogus, not learned */
	for (unsigned i = 0; i < HUB_FDB; i++)
		if (h->fdb[i].port && memcmp(h->fdb[i].mac, mac, 6) == 0) {
			h->fdb[i].port = p;
			return;
		}
	struct fdb_entry *e = &h->fdb[h->fdb_next++ % HUB_FDB];
	memcpy(e->mac, mac, 6);
	e->port = p;
}

static int hub_send(struct net_backend *be, const void *frame, size_t len)
{
	struct hub_port *p = (struct hub_port *)be;
	struct net_hub *h = p->hub;
	const uint8_t *f = frame;
	if (len < 14 || len > NET_FRAME_MAX)
		return -EINVAL;
	pthread_mutex_lock(&h->lock);
	fdb_learn(h, f + 6, p);
	struct hub_port *dst = (f[0] & 1) ? NULL : fdb_lookup(h, f);
	if (dst) {
		if (dst != p)
			deliver(dst, frame, len);
	} else {
		for (unsigned i = 0; i < h->nports; i++)
			if (h->ports[i] != p)
				deliver(h->ports[i], frame, len);
	}
	pthread_mutex_unlock(&h->lock);
	return 0;
}

static int hub_attach(struct net_backend *be, net_receive_fn rx, void *opaque)
{
	struct hub_port *p = (struct hub_port *)be;
	pthread_mutex_lock(&p->hub->lock);
	p->rx = rx;
	p->opaque = opaque;
	pthread_mutex_unlock(&p->hub->lock);
	return 0;
}

static void hub_rx_ready(struct net_backend *be)
{
	struct hub_port *p = (struct hub_port *)be;
	pthread_mutex_lock(&p->hub->lock);
	backlog_flush(p);
	pthread_mutex_unlock(&p->hub->lock);
}

static void hub_port_destroy(struct net_backend *be)
{
	struct hub_port *p = (struct hub_port *)be;
	struct net_hub *h = p->hub;
	pthread_mutex_lock(&h->lock);
	for (unsigned i = 0; i < h->nports; i++)
		if (h->ports[i] == p) {
			h->ports[i] = h->ports[--h->nports];
			break;
		}
	for (unsigned i = 0; i < HUB_FDB; i++)
		if (h->fdb[i].port == p)
			h->fdb[i].port = NULL;
	while (p->bl_count)
		backlog_drop_head(p);
	pthread_mutex_unlock(&h->lock);
	free(p);
}

static const struct net_backend_ops hub_ops = {
	.attach = hub_attach,
	.send = hub_send,
	.rx_ready = hub_rx_ready,
	.destroy = hub_port_destroy,
};

int net_hub_create(struct net_hub **out)
{
	struct net_hub *h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	int rc = pthread_mutex_init(&h->lock, NULL);
	if (rc) {
		free(h);
		return -rc;
	}
	*out = h;
	return 0;
}

int net_hub_port(struct net_hub *h, struct net_backend **out)
{
	struct hub_port *p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->be.ops = &hub_ops;
	p->hub = h;
	pthread_mutex_lock(&h->lock);
	if (h->nports == HUB_MAX_PORTS) {
		pthread_mutex_unlock(&h->lock);
		free(p);
		return -ENOSPC;
	}
	h->ports[h->nports++] = p;
	pthread_mutex_unlock(&h->lock);
	*out = &p->be;
	return 0;
}

void net_hub_destroy(struct net_hub *h)
{
	if (!h)
		return;
	pthread_mutex_destroy(&h->lock);
	free(h);
}
