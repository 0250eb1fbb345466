/*
 * CLINT (ACLINT MSWI + MTIMER) device model, see clint.h.
 */
#include <errno.h>

#include "board/clint.h"

void clint_init(struct clint *c, struct hart **harts, unsigned nr_harts,
		uint64_t (*read_time)(void *opaque), void *time_opaque)
{
	c->harts = harts;
	c->nr_harts = nr_harts > CLINT_MAX_HARTS ? CLINT_MAX_HARTS : nr_harts;
	c->read_time = read_time;
	c->time_opaque = time_opaque;
}

int clint_attach(struct clint *c, struct bus *b, uint64_t base)
{
	return bus_add_mmio(b, base, CLINT_SIZE, &clint_mmio_ops, c);
}

static uint64_t clint_time(struct clint *c)
{
	return c->read_time ? c->read_time(c->time_opaque) : 0;
}

static int clint_read(void *opaque, uint64_t off, unsigned size, uint64_t *val)
{
	struct clint *c = opaque;
	uint64_t v;
	if (off < CLINT_MTIMECMP) {
		unsigned i = off / 4;
		if (size != 4 || i >= c->nr_harts) {
			*val = 0;
			return 0;
		}
		*val = (atomic_load(&c->harts[i]->mip) & MIP_MSIP) ? 1 : 0;
		return 0;
	}
	if (off >= CLINT_MTIME && off < CLINT_MTIME + 8)
		v = clint_time(c);
	else if (off >= CLINT_MTIMECMP && (off - CLINT_MTIMECMP) / 8 < c->nr_harts)
		v = __atomic_load_n(&c->harts[(off - CLINT_MTIMECMP) / 8]->mtimecmp,
				    __ATOMIC_RELAXED);
	else {
		*val = 0;
		return 0;
	}
	v >>= 8 * (off & 7);
	*val = size == 8 ? v : v & ((1ULL << (8 * size)) - 1);
	return 0;
}

static int clint_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	struct clint *c = opaque;
	if (off < CLINT_MTIMECMP) {
		unsigned i = off / 4;
		if (size == 4 && i < c->nr_harts) {
			if (val & 1)
				hart_set_mip(c->harts[i], MIP_MSIP);
			else
				hart_clear_mip(c->harts[i], MIP_MSIP);
		}
		return 0;
	}
	if (off >= CLINT_MTIMECMP && (off - CLINT_MTIMECMP) / 8 < c->nr_harts) {
		struct hart *h = c->harts[(off - CLINT_MTIMECMP) / 8];
		unsigned sh = 8 * (off & 7);
		uint64_t mask = (size == 8 ? ~0ULL : ((1ULL << (8 * size)) - 1)) << sh;
		uint64_t old = __atomic_load_n(&h->mtimecmp, __ATOMIC_RELAXED);
		__atomic_store_n(&h->mtimecmp, (old & ~mask) | ((val << sh) & mask),
				 __ATOMIC_RELAXED);
		hart_request(h, HART_REQ_IRQ);
		return 0;
	}
	return 0;	/* mtime and reserved space: writes ignored */
}

const struct mmio_ops clint_mmio_ops = {
	.name = "clint",
	.read = clint_read,
	.write = clint_write,
};
