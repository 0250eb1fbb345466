/*
 * Split virtqueues (virtio 1.2 section 2.7) seen from the device side:
 * popping validated descriptor chains off the available ring, pushing
 * completions onto the used ring, and notification suppression (event
 * index / VIRTQ_AVAIL_F_NO_INTERRUPT).
 *
 * The rings live in guest RAM and the guest may rewrite them at any time
 * from another host thread: every descriptor is copied out once, validated
 * on the copy, and guest buffers are reached only through bus_dma_ptr().
 */
#ifndef DOMUS_VIRTIO_VIRTQUEUE_H
#define DOMUS_VIRTIO_VIRTQUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct bus;

#define VIRTQ_NUM_MAX 256	/* QueueNumMax we offer */
#define VIRTQ_MAX_SEGS 256	/* descriptors in one chain, indirect included */
#define VIRTQ_MAX_INDIRECT 256	/* entries in one indirect table */

#define VIRTQ_DESC_F_NEXT 1u
#define VIRTQ_DESC_F_WRITE 2u
#define VIRTQ_DESC_F_INDIRECT 4u
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1u
#define VIRTQ_USED_F_NO_NOTIFY 1u

struct virtq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

/* One guest buffer, already mapped to host memory. */
struct virtq_seg {
	uint8_t *p;
	uint32_t len;
};

/* One descriptor chain: n_out device-readable segments, then n_in
 * device-writable ones. Zero-length descriptors are dropped. */
struct virtq_elem {
	uint16_t head;
	uint16_t n_out, n_in;
	uint64_t out_len, in_len;
	struct virtq_seg seg[VIRTQ_MAX_SEGS];
};

struct virtq {
	struct bus *bus;
	uint16_t num;			/* QueueNum */
	bool ready;
	bool indirect;			/* VIRTIO_F_INDIRECT_DESC negotiated */
	bool event_idx;			/* VIRTIO_F_EVENT_IDX negotiated */
	uint64_t desc_pa, avail_pa, used_pa;
	uint16_t last_avail;		/* next avail ring slot to consume */
	uint16_t checked;		/* avail entries before this were validated */
	uint16_t used_idx;		/* our copy of used->idx */
	uint16_t signalled_used;	/* used->idx when we last decided */
	bool signalled_valid;
	const char *err;		/* why the last call failed */
};

/* Back to the reset state (keeps bus). */
void virtq_reset(struct virtq *vq);
/* Checks num, alignment and that the three rings lie in RAM.
 * 0 or -EINVAL (vq->err says why). */
int virtq_validate(struct virtq *vq);
/* 1: *e holds the next chain; 0: ring empty; -EINVAL: malformed ring
 * (vq->err says why; the queue must not be used again until reset). */
int virtq_pop(struct virtq *vq, struct virtq_elem *e);
/* Validates, without consuming, the chains the driver made available since
 * the last call (each is walked again when popped). For queues the device
 * fills only when data arrives (net/console receive), so that a garbage
 * ring is reported at the driver's notification. 0 or -EINVAL. */
int virtq_check_avail(struct virtq *vq, struct virtq_elem *scratch);
/* Gives back the chain popped last (it will be popped again). */
void virtq_unpop(struct virtq *vq);
/* Puts head on the used ring with `written` bytes. 0 or -EINVAL. */
int virtq_push(struct virtq *vq, uint16_t head, uint32_t written);
/* After one or more pushes: should the driver be interrupted? */
bool virtq_should_notify(struct virtq *vq);
/* Before sleeping on an empty ring: publish avail_event (event index) and
 * re-check. Returns true if more buffers arrived meanwhile. */
bool virtq_enable_notify(struct virtq *vq);
/* True if the avail ring has entries we have not consumed. */
bool virtq_has_avail(struct virtq *vq);

/* Copy to/from the readable (out) / writable (in) parts of a chain at a
 * byte offset; return bytes copied (short at the end of the chain). */
size_t virtq_elem_read(const struct virtq_elem *e, size_t off, void *buf, size_t len);
size_t virtq_elem_write(const struct virtq_elem *e, size_t off, const void *buf, size_t len);

#endif
