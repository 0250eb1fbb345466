/*
 * A tiny virtio-mmio guest driver for unit tests: a bus with RAM and no
 * CPU, register access through bus_load/bus_store (as a hart's slow path
 * would), ring setup, and chain submission (direct or indirect). The test
 * plays the guest, so it touches its RAM directly.
 */
#ifndef DOMUS_TESTS_VIRTIO_VDRV_H
#define DOMUS_TESTS_VIRTIO_VDRV_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "board/irq.h"
#include "cpu/bus.h"

#define VT_RAM_BASE 0x80000000ull
#define VT_MMIO_BASE 0x10001000ull

struct vt_machine {
	struct bus bus;
	atomic_int irq_level;
	atomic_uint irq_raises;
	uint64_t next_alloc;
};

struct vt_queue {
	uint16_t num;
	uint64_t desc, avail, used;
	uint16_t avail_idx, used_seen, next_desc;
};

struct virtio_dev;
struct virtio_mmio;

struct vt_dev {
	struct vt_machine *m;
	uint64_t base;
	struct virtio_mmio *mmio;
	struct vt_queue q[4];
	unsigned nq;
	uint64_t features;
};

struct vt_buf {
	uint64_t pa;
	uint32_t len;
	bool write;
};

extern int vt_failures;
#define VT_CHECK(cond, ...) do { \
	if (cond) { printf("ok - "); } else { printf("not ok - "); vt_failures++; } \
	printf(__VA_ARGS__); printf("\n"); fflush(stdout); } while (0)

int vt_machine_init(struct vt_machine *m, uint64_t ram_size);
void vt_machine_fini(struct vt_machine *m);
uint64_t vt_alloc(struct vt_machine *m, uint64_t size, uint64_t align);
void *vt_ptr(struct vt_machine *m, uint64_t pa);
struct irq_line vt_irq(struct vt_machine *m);

uint32_t vt_rd(struct vt_dev *v, uint64_t off);
void vt_wr(struct vt_dev *v, uint64_t off, uint32_t val);
/* Creates the transport at base, negotiates want & offered features,
 * sets up nq queues of qsize entries, sets DRIVER_OK. 0 or -errno. */
int vt_dev_setup(struct vt_dev *v, struct vt_machine *m, uint64_t base,
		 struct virtio_dev *dev, uint64_t want, unsigned nq, uint16_t qsize);
/* Reset by the driver and the whole bring-up again, with fresh rings. */
int vt_dev_restart(struct vt_dev *v, uint64_t want, unsigned nq, uint16_t qsize);
/* Puts a chain on queue q (indirect: through one indirect table) and
 * returns its head, without notifying. */
int vt_submit(struct vt_dev *v, unsigned q, const struct vt_buf *bufs, unsigned n, bool indirect);
void vt_kick(struct vt_dev *v, unsigned q);
/* 1 and the used element if one is new, else 0. */
int vt_get_used(struct vt_dev *v, unsigned q, uint32_t *id, uint32_t *len);
int vt_wait_used(struct vt_dev *v, unsigned q, uint32_t *id, uint32_t *len, int timeout_ms);
uint32_t vt_status(struct vt_dev *v);
void vt_dev_destroy(struct vt_dev *v);

#endif
