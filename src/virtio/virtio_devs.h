/*
 * Constructors for the virtio device models. Each returns 0 and a new
 * struct virtio_dev in *out (hand it to virtio_mmio_create(), which then
 * owns it), or -errno. Backends passed in are owned by the device from
 * then on (also on failure).
 */
#ifndef DOMUS_VIRTIO_VIRTIO_DEVS_H
#define DOMUS_VIRTIO_VIRTIO_DEVS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct virtio_dev;
struct blk_backend;
struct net_backend;

/* ---- block (virtio_blk.c) ---- */
#define VIRTIO_BLK_F_SIZE_MAX 1
#define VIRTIO_BLK_F_SEG_MAX 2
#define VIRTIO_BLK_F_RO 5
#define VIRTIO_BLK_F_BLK_SIZE 6
#define VIRTIO_BLK_F_FLUSH 9
#define VIRTIO_BLK_F_DISCARD 13
#define VIRTIO_BLK_F_WRITE_ZEROES 14
#define VIRTIO_BLK_T_IN 0
#define VIRTIO_BLK_T_OUT 1
#define VIRTIO_BLK_T_FLUSH 4
#define VIRTIO_BLK_T_GET_ID 8
#define VIRTIO_BLK_T_DISCARD 11
#define VIRTIO_BLK_T_WRITE_ZEROES 13
#define VIRTIO_BLK_S_OK 0
#define VIRTIO_BLK_S_IOERR 1
#define VIRTIO_BLK_S_UNSUPP 2
#define VIRTIO_BLK_SIZE_MAX (1u << 20)	/* bytes per segment */
#define VIRTIO_BLK_MAX_DISCARD_SEG 32
int virtio_blk_create(struct blk_backend *be, struct virtio_dev **out);
/* I/O counters since the device was created (xm top's VBD_* columns).
 * rd/wr: requests completed OK and their 512-byte sectors; err: requests
 * answered with a status other than OK (bad range, backend error,
 * unsupported type); oo ("out of requests" in Xen's blkback): always 0,
 * since requests run synchronously and none ever waits for room. Any
 * thread; a device that is not virtio-blk reads as all zeros. */
struct virtio_blk_stats {
	uint64_t rd_req, rd_sect, wr_req, wr_sect, err_req, oo_req;
};
void virtio_blk_get_stats(struct virtio_dev *d, struct virtio_blk_stats *s);

/* ---- net (virtio_net.c): queue 0 receive, 1 transmit ---- */
#define VIRTIO_NET_F_MTU 3
#define VIRTIO_NET_F_MAC 5
#define VIRTIO_NET_F_STATUS 16
#define VIRTIO_NET_S_LINK_UP 1
#define VIRTIO_NET_HDR_LEN 12		/* struct virtio_net_hdr with num_buffers */
#define VIRTIO_NET_MTU 1500
int virtio_net_create(const uint8_t mac[6], struct net_backend *be, struct virtio_dev **out);
/* Frame counters since creation, the guest's view (tx: frames the guest
 * sent, handed to the backend; rx: frames delivered into its buffers),
 * bytes without the virtio-net header; drops: runt/oversized TX chains,
 * RX frames larger than the posted buffer. Any thread; a device that is
 * not virtio-net reads as all zeros. */
struct virtio_net_stats {
	uint64_t tx_pkts, tx_bytes, tx_drop, rx_pkts, rx_bytes, rx_drop;
};
void virtio_net_get_stats(struct virtio_dev *d, struct virtio_net_stats *s);
/* Link status as seen by the guest (config change interrupt). */
void virtio_net_set_link(struct virtio_dev *d, int up);

/* ---- rng (virtio_rng.c) ---- */
int virtio_rng_create(struct virtio_dev **out);

/* ---- balloon (virtio_balloon.c): queue 0 inflate, 1 deflate, 2 stats ---- */
#define VIRTIO_BALLOON_F_MUST_TELL_HOST 0
#define VIRTIO_BALLOON_F_STATS_VQ 1
#define VIRTIO_BALLOON_S_NR 10		/* tags 0..9: swap in/out, faults, free, total, ... */
#define VIRTIO_BALLOON_S_MEMFREE 4
#define VIRTIO_BALLOON_S_MEMTOT 5
#define VIRTIO_BALLOON_S_AVAIL 6
#define VIRTIO_BALLOON_F_DEFLATE_ON_OOM 2
int virtio_balloon_create(struct virtio_dev **out);
/* Toolstack: ask the guest to hold `pages` 4 KiB pages in the balloon. */
void virtio_balloon_set_target(struct virtio_dev *d, uint32_t pages);
/* Pages the driver reports as in the balloon (config "actual"). */
uint32_t virtio_balloon_actual(struct virtio_dev *d);
/* Pages inflated and returned to the host so far, minus deflated ones. */
uint64_t virtio_balloon_held(struct virtio_dev *d);
/* Memory statistics (VIRTIO_BALLOON_F_STATS_VQ), values in bytes as the
 * guest reports them. virtio_balloon_request_stats() asks the guest for a
 * fresh set (returns -EAGAIN if the driver has no stats buffer with us);
 * virtio_balloon_stats() copies the latest set: valid[tag] says which
 * tags the guest sent, and the return value counts updates so far. */
int virtio_balloon_request_stats(struct virtio_dev *d);
uint64_t virtio_balloon_stats(struct virtio_dev *d, uint64_t val[VIRTIO_BALLOON_S_NR],
			      uint8_t valid[VIRTIO_BALLOON_S_NR]);

/* ---- console (virtio_console.c): one port; queue 0 receive, 1 transmit ---- */
struct virtio_console_io {
	/* Guest output; called on the notifying vCPU thread with the device
	 * lock held: it must not call back into the device. */
	void (*output)(void *opaque, const uint8_t *buf, size_t len);
	/* The guest posted receive buffers (input may resume). Optional. */
	void (*rx_ready)(void *opaque);
	/* The device is being destroyed: stop feeding input, free opaque.
	 * Optional. */
	void (*release)(void *opaque);
	void *opaque;
};
int virtio_console_create(const struct virtio_console_io *io, struct virtio_dev **out);
/* Host input for the guest: bytes accepted (0 if no buffer is posted). */
size_t virtio_console_input(struct virtio_dev *d, const uint8_t *buf, size_t len);
/* A console on host file descriptors (console_fd.c): input read
 * from in_fd by a backend thread, output written to out_fd. The device owns
 * the backend (closes nothing: the fds stay the caller's). */
int virtio_console_create_fd(int in_fd, int out_fd, struct virtio_dev **out);

/* ---- input (virtio_input.c): queue 0 events (device -> driver), 1 status ----
 * A keyboard with two keys, the machine's power and restart buttons; the
 * guest's input layer turns them into KEY_POWER / KEY_RESTART on
 * /dev/input/eventN (busybox acpid, systemd-logind act on them). */
#define VIRTIO_ID_INPUT 18
#define VIRTIO_INPUT_EV_SYN 0
#define VIRTIO_INPUT_EV_KEY 1
#define VIRTIO_INPUT_KEY_POWER 116
#define VIRTIO_INPUT_KEY_RESTART 0x198
#define VIRTIO_INPUT_CFG_UNSET 0x00
#define VIRTIO_INPUT_CFG_ID_NAME 0x01
#define VIRTIO_INPUT_CFG_ID_SERIAL 0x02
#define VIRTIO_INPUT_CFG_ID_DEVIDS 0x03
#define VIRTIO_INPUT_CFG_PROP_BITS 0x10
#define VIRTIO_INPUT_CFG_EV_BITS 0x11
#define VIRTIO_INPUT_CFG_ABS_INFO 0x12
#define VIRTIO_INPUT_NAME "Domus power buttons"
#define VIRTIO_INPUT_PENDING_MAX 64	/* events held while no buffer is posted */
int virtio_input_create(struct virtio_dev **out);
/* Presses and releases key `code` (press, SYN, release, SYN). Events the
 * driver has no buffer for yet wait in a bounded queue and go out as
 * buffers arrive. 0, -EINVAL (a key we do not advertise) or -ENOSPC (the
 * queue is full: the guest is not reading its events). */
int virtio_input_key(struct virtio_dev *d, unsigned code);
/* Events queued but not yet delivered. */
unsigned virtio_input_pending(struct virtio_dev *d);
/* True once the driver is up with its event queue ready. */
bool virtio_input_driver_ready(struct virtio_dev *d);

#endif
