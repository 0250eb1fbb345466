/*
 * CLINT / ACLINT (MSWI + MTIMER) MMIO device, 64 KiB:
 *   +0x0000 + 4*hart   msip (bit 0 -> mip.MSIP of that hart)
 *   +0x4000 + 8*hart   mtimecmp (64-bit; 32-bit halves also accepted)
 *   +0xbff8            mtime (read-only here: writes are ignored)
 * mtime comes from a time-source callback; the harts compare it with
 * h->mtimecmp themselves (MTIP), this device only stores the compare and
 * asks the hart to re-evaluate its interrupts.
 *
 * Usage: clint_init(&c, harts, n, read_time, opaque);
 *        bus_add_mmio(bus, base, CLINT_SIZE, &clint_mmio_ops, &c);
 * (or clint_attach). Access from any thread is fine for mtimecmp/msip.
 */
#ifndef DOMUS_BOARD_CLINT_H
#define DOMUS_BOARD_CLINT_H

#include <stdint.h>

#include "cpu/bus.h"
#include "cpu/hart.h"

#define CLINT_SIZE 0x10000ULL
#define CLINT_MSIP 0x0000
#define CLINT_MTIMECMP 0x4000
#define CLINT_MTIME 0xbff8
#define CLINT_MAX_HARTS 4095

struct clint {
	struct hart **harts;	/* harts[i] has hart index i */
	unsigned nr_harts;
	uint64_t (*read_time)(void *opaque);
	void *time_opaque;
};

extern const struct mmio_ops clint_mmio_ops;

void clint_init(struct clint *c, struct hart **harts, unsigned nr_harts,
		uint64_t (*read_time)(void *opaque), void *time_opaque);
/* bus_add_mmio(b, base, CLINT_SIZE, &clint_mmio_ops, c) */
int clint_attach(struct clint *c, struct bus *b, uint64_t base);

#endif
