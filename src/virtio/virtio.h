/*
 * The transport-independent core of a virtio device: device status and
 * feature negotiation, the interrupt status bits, the virtqueues, the
 * per-device lock and the DEVICE_NEEDS_RESET path taken when the driver
 * hands us a malformed ring. Device models (virtio_blk.c, ...) embed a
 * struct virtio_dev as their first member; the virtio-mmio transport
 * (virtio_mmio.c) maps guest register accesses onto it.
 *
 * Facts (register meanings, bit numbers) come from the virtio 1.2 spec.
 */
#ifndef DOMUS_VIRTIO_VIRTIO_H
#define DOMUS_VIRTIO_VIRTIO_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "board/irq.h"

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "virtio structures are little-endian; Domus assumes a little-endian host"
#endif
#include "virtio/virtqueue.h"

/* Device status bits (virtio 1.2 section 2.1). */
#define VIRTIO_STATUS_ACKNOWLEDGE 1u
#define VIRTIO_STATUS_DRIVER 2u
#define VIRTIO_STATUS_DRIVER_OK 4u
#define VIRTIO_STATUS_FEATURES_OK 8u
#define VIRTIO_STATUS_NEEDS_RESET 64u
#define VIRTIO_STATUS_FAILED 128u

/* Reserved feature bits (section 6). */
#define VIRTIO_F_INDIRECT_DESC 28
#define VIRTIO_F_EVENT_IDX 29
#define VIRTIO_F_VERSION_1 32

/* Interrupt status bits. */
#define VIRTIO_ISR_VQ 1u
#define VIRTIO_ISR_CONFIG 2u

/* Device IDs (section 5). */
#define VIRTIO_ID_NET 1
#define VIRTIO_ID_BLOCK 2
#define VIRTIO_ID_CONSOLE 3
#define VIRTIO_ID_RNG 4
#define VIRTIO_ID_BALLOON 5

#define VIRTIO_MAX_QUEUES 4
#define VIRTIO_CONFIG_MAX 256	/* virtio-input needs 136 */

#define VIRTIO_BIT(n) (1ULL << (n))

struct bus;
struct virtio_dev;

struct virtio_dev_ops {
	const char *name;
	uint32_t device_id;
	unsigned num_queues;
	/* Called with dev->lock held, only when the driver is live (DRIVER_OK,
	 * not needing reset) and queue q is ready. May drop and retake the
	 * lock (see virtio_dev_unlocked_begin/end). */
	void (*queue_notify)(struct virtio_dev *d, unsigned q);
	/* Driver wrote config space (offset/size already bounds-checked).
	 * Lock held. Optional. */
	void (*config_write)(struct virtio_dev *d, unsigned off, unsigned size,
			     uint64_t val);
	/* Device reset by the driver (status 0). Lock held. Optional. */
	void (*reset)(struct virtio_dev *d);
	/* DRIVER_OK just got set. Lock held. Optional. */
	void (*driver_ok)(struct virtio_dev *d);
	/* Free the device model and its backend (no lock, no other user). */
	void (*destroy)(struct virtio_dev *d);
};

struct virtio_dev {
	const struct virtio_dev_ops *ops;
	struct bus *bus;		/* set when attached to a transport */
	struct irq_line irq;
	char label[48];			/* "virtio-blk@0x10001000" for logs */
	pthread_mutex_t lock;		/* guards everything below */
	uint64_t host_features;
	uint64_t driver_features;
	uint32_t status;
	uint32_t isr;
	uint32_t config_gen;
	bool broken;			/* malformed ring seen: ignore queues */
	uint64_t fail_count;		/* malformed rings seen, for log rate limiting */
	uint64_t reset_gen;		/* bumped on every reset */
	uint16_t queue_num_max;
	struct virtq vq[VIRTIO_MAX_QUEUES];
	uint8_t config[VIRTIO_CONFIG_MAX];
	unsigned config_len;
};

/* Fills in the common part; the device model then sets host_features
 * (VERSION_1, INDIRECT_DESC and EVENT_IDX are always added), config[] and
 * config_len. */
int virtio_dev_init(struct virtio_dev *d, const struct virtio_dev_ops *ops);
/* Frees a device (calls ops->destroy). NULL is fine. */
void virtio_dev_destroy(struct virtio_dev *d);
/* For ops->destroy: releases what virtio_dev_init() set up. */
void virtio_dev_fini(struct virtio_dev *d);
/* Binds the device to guest memory and an interrupt line (the transport
 * does this; unit tests may call it directly). */
void virtio_dev_attach(struct virtio_dev *d, struct bus *b, struct irq_line irq,
		       const char *label);

/* Everything below: caller holds d->lock. */
void virtio_dev_reset(struct virtio_dev *d);
void virtio_dev_set_status(struct virtio_dev *d, uint32_t status);
void virtio_dev_ack_irq(struct virtio_dev *d, uint32_t bits);
/* QueueReady 1: validates the ring layout, else the device needs reset. */
void virtio_dev_queue_enable(struct virtio_dev *d, unsigned q);
void virtio_dev_queue_notify(struct virtio_dev *d, unsigned q);
/* True if queue q may be processed right now. */
bool virtio_dev_queue_live(const struct virtio_dev *d, unsigned q);
/* Used buffers were added to vq q: interrupt the driver if it wants one. */
void virtio_dev_used(struct virtio_dev *d, unsigned q);
/* Device config changed: bump the generation, raise the config interrupt. */
void virtio_dev_config_changed(struct virtio_dev *d);
/* Malformed ring: set DEVICE_NEEDS_RESET, raise the config interrupt, log
 * one line (only the first time), ignore the queues until reset. */
void virtio_dev_fail(struct virtio_dev *d, unsigned q, const char *why);
bool virtio_dev_has_feature(const struct virtio_dev *d, unsigned bit);

/* Device work on one chain popped by virtio_queue_drain() (lock held; must
 * not drop it). Returns the bytes written into the chain, which is then
 * put on the used ring; or VIRTIO_DRAIN_HOLD: the device keeps the chain
 * (nothing is pushed); or another negative errno after the handler called
 * virtio_dev_fail(d, q, why) itself. It may replace e->head with a chain
 * it held earlier to complete that one instead. */
typedef int64_t (*virtio_drain_fn)(struct virtio_dev *d, unsigned q, struct virtq_elem *e,
				   void *ctx);
#define VIRTIO_DRAIN_HOLD ((int64_t)-1)
/* Pops every available chain of queue q into *elem, hands it to handle and
 * pushes it, until the ring is empty (re-checked after publishing the event
 * index). A malformed ring fails the device (virtio_dev_fail). Interrupts
 * the driver once at the end if anything was pushed (and no failure).
 * Returns 1 if something was pushed, 0 if not, or a negative errno. */
int virtio_queue_drain(struct virtio_dev *d, unsigned q, struct virtq_elem *elem,
		       virtio_drain_fn handle, void *ctx);

/* Little-endian helpers for config space. */
void virtio_config_put16(struct virtio_dev *d, unsigned off, uint16_t v);
void virtio_config_put32(struct virtio_dev *d, unsigned off, uint32_t v);
void virtio_config_put64(struct virtio_dev *d, unsigned off, uint64_t v);

#endif
