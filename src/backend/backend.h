/*
 * Host-side backends for virtio devices, as small vtables so a device model
 * and its backend can each be tested alone.
 *
 *  - blk_backend: a disk (blk_raw.c: a raw image file).
 *  - net_backend: an Ethernet port (net_tap.c: a host TAP interface;
 *    net_hub.c: an in-process switch joining several guests' NICs).
 *
 * Threading: a net backend delivers received frames by calling the
 * receive callback from its own thread (or from the sending device's
 * thread, for the hub) without holding any device lock of the receiver.
 */
#ifndef DOMUS_BACKEND_BACKEND_H
#define DOMUS_BACKEND_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

/* ---- block ---- */

struct blk_backend;

struct blk_backend_ops {
	/* Byte offsets; the device has checked off+len <= size. 0 or -errno. */
	int (*readv)(struct blk_backend *be, const struct iovec *iov, int cnt, uint64_t off);
	int (*writev)(struct blk_backend *be, const struct iovec *iov, int cnt, uint64_t off);
	int (*flush)(struct blk_backend *be);		/* data reaches stable storage */
	int (*discard)(struct blk_backend *be, uint64_t off, uint64_t len);
	int (*write_zeroes)(struct blk_backend *be, uint64_t off, uint64_t len);
	void (*destroy)(struct blk_backend *be);
};

struct blk_backend {
	const struct blk_backend_ops *ops;
	uint64_t size;		/* bytes, a multiple of 512 */
	bool read_only;
	char id[20];		/* serial for VIRTIO_BLK_T_GET_ID (not NUL-terminated if 20) */
};

/* Opens a raw image. The size is rounded down to 512 bytes. -errno. */
int blk_raw_open(const char *path, bool read_only, struct blk_backend **out);
void blk_backend_destroy(struct blk_backend *be);

/* ---- net ---- */

struct net_backend;

/* Called by the backend with one Ethernet frame (no virtio header).
 * Returns 0 (taken), -EAGAIN (no receive buffers now: keep the frame and
 * retry after rx_ready), or another -errno (frame dropped). */
typedef int (*net_receive_fn)(void *opaque, const void *frame, size_t len);

struct net_backend_ops {
	/* Starts delivering frames to receive(opaque, ...). */
	int (*attach)(struct net_backend *be, net_receive_fn receive, void *opaque);
	/* Transmits one frame. Never blocks for long; may drop. */
	int (*send)(struct net_backend *be, const void *frame, size_t len);
	/* The device has new receive buffers: retry a held frame. */
	void (*rx_ready)(struct net_backend *be);
	/* Stops the backend's thread (no more receive calls after return) and
	 * frees it. */
	void (*destroy)(struct net_backend *be);
};

struct net_backend {
	const struct net_backend_ops *ops;
};

#define NET_FRAME_MAX 65550	/* 64 KiB payload + Ethernet header: TSO-less upper bound */

/* TAP: ifname may be "" to let the kernel pick (tapN); the chosen name is
 * written to name_out (IFNAMSIZ bytes) if not NULL. -errno. */
int net_tap_open(const char *ifname, char *name_out, struct net_backend **out);

struct net_hub;
int net_hub_create(struct net_hub **out);
/* A new port: frames sent on it go to every other port (unicast to a
 * learned MAC goes only there). Destroy ports before the hub. */
int net_hub_port(struct net_hub *hub, struct net_backend **out);
void net_hub_destroy(struct net_hub *hub);

void net_backend_destroy(struct net_backend *be);

#endif
