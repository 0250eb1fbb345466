/*
 * The guest-physical address space one machine presents to its harts and
 * devices: one RAM block (host memory, lazily backed) plus MMIO regions.
 *
 * Hot paths never call into here per access: harts cache host pointers for
 * RAM pages in their soft TLB and only come here on a miss, for MMIO, or
 * for pages the bus asks them not to cache (watched pages, see below).
 * All guest-memory writes that bypass the TLB (device DMA, slow path) go
 * through bus_dma_ptr()/bus_store() so that dirty-page logging (live
 * migration, a later wave) can see them.
 */
#ifndef DOMUS_CPU_BUS_H
#define DOMUS_CPU_BUS_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BUS_PAGE_SHIFT 12
#define BUS_PAGE_SIZE (1ULL << BUS_PAGE_SHIFT)
#define BUS_MAX_MMIO 64
#define BUS_MAX_WATCH 4

/* MMIO callbacks: size is 1, 2, 4 or 8 and the access is naturally aligned
 * within the region. Return 0, or a negative errno for an access fault
 * (the hart then raises a load/store access-fault exception). */
struct mmio_ops {
	const char *name;
	int (*read)(void *opaque, uint64_t offset, unsigned size, uint64_t *val);
	int (*write)(void *opaque, uint64_t offset, unsigned size, uint64_t val);
};

struct mmio_region {
	uint64_t base, size;
	const struct mmio_ops *ops;
	void *opaque;
};

/* A watched RAM range: stores to it land in RAM and then notify (HTIF's
 * tohost lives in RAM, for example). Pages holding a watch are never given
 * a writable TLB entry. */
struct bus_watch {
	uint64_t base, size;
	void (*notify)(void *opaque, uint64_t pa, unsigned size);
	void *opaque;
};

struct bus {
	uint8_t *ram;		/* host mapping of guest RAM */
	uint64_t ram_base;	/* guest-physical base, normally 0x80000000 */
	uint64_t ram_size;
	struct mmio_region mmio[BUS_MAX_MMIO];
	unsigned nr_mmio;
	struct bus_watch watch[BUS_MAX_WATCH];
	unsigned nr_watch;
	/* Dirty-page bitmap (one bit per RAM page) while logging, else NULL.
	 * Harts install writable TLB entries only after marking the page. */
	_Atomic(uint64_t *) dirty;
	/* Bumped whenever mappings or watches change; harts compare it with
	 * their own copy and flush their TLBs when it moved. */
	_Atomic uint64_t gen;
	/* Code versions, one per RAM page (lazily backed): odd while some
	 * hart holds instructions decoded from the page. Any write to an odd
	 * page bumps it (so decoded blocks of that page become stale); harts
	 * check it on their fast store path, the bus on every other write. */
	_Atomic uint32_t *code_ver;
};

int bus_init(struct bus *b, uint64_t ram_base, uint64_t ram_size);
void bus_destroy(struct bus *b);
int bus_add_mmio(struct bus *b, uint64_t base, uint64_t size,
		 const struct mmio_ops *ops, void *opaque);
int bus_add_watch(struct bus *b, uint64_t base, uint64_t size,
		  void (*notify)(void *opaque, uint64_t pa, unsigned size),
		  void *opaque);

/* Host pointer for [pa, pa+len) if it lies entirely in RAM, else NULL. */
static inline uint8_t *bus_ram_ptr(const struct bus *b, uint64_t pa, uint64_t len)
{
	uint64_t off = pa - b->ram_base;
	if (pa < b->ram_base || off > b->ram_size || len > b->ram_size - off)
		return NULL;
	return b->ram + off;
}

/* Device DMA: host pointer for a guest buffer, or NULL if any byte of it
 * is outside RAM. For write access the pages are marked dirty. */
uint8_t *bus_dma_ptr(struct bus *b, uint64_t pa, uint64_t len, bool write);

/* True if a hart may cache a host pointer for this RAM page for writes
 * (RAM, not watched). Marks the page dirty when logging. */
bool bus_page_cacheable(struct bus *b, uint64_t pa, bool write);

struct mmio_region *bus_find_mmio(struct bus *b, uint64_t pa);

/* Slow-path physical accesses (RAM, watches, MMIO). size 1/2/4/8, any
 * alignment within RAM; MMIO must be naturally aligned.
 * Return 0 or -EFAULT (nothing there / device refused). */
int bus_load(struct bus *b, uint64_t pa, unsigned size, uint64_t *val);
int bus_store(struct bus *b, uint64_t pa, unsigned size, uint64_t val);

void bus_mark_dirty(struct bus *b, uint64_t pa, uint64_t len);

/* [pa, pa+len) of RAM was (or is about to be) written: invalidate the
 * instructions harts decoded from those pages. Cheap when they hold none. */
void bus_code_written(struct bus *b, uint64_t pa, uint64_t len);
/* Out of line part of the above for one page: ver is odd. */
void bus_code_bump(_Atomic uint32_t *ver);

/* A RAM write done through a host pointer (hart AMOs): mark dirty and run
 * the watches that overlap it. */
void bus_notify_write(struct bus *b, uint64_t pa, unsigned size);

#endif
