/*
 * Guest-physical address space: lazily backed RAM, MMIO dispatch, watched
 * RAM ranges and the dirty-page bitmap hooks.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "cpu/bus.h"

int bus_init(struct bus *b, uint64_t ram_base, uint64_t ram_size)
{
	memset(b, 0, sizeof *b);
	if (ram_size == 0 || (ram_size & (BUS_PAGE_SIZE - 1)) ||
	    (ram_base & (BUS_PAGE_SIZE - 1)) || ram_base + ram_size < ram_base)
		return -EINVAL;
	/* NORESERVE: untouched guest RAM costs nothing on the host. */
	void *p = mmap(NULL, ram_size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return -ENOMEM;
	/* One code version per page, also lazily backed. */
	size_t vsz = (size_t)(ram_size >> BUS_PAGE_SHIFT) * sizeof(uint32_t);
	void *v = mmap(NULL, vsz, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (v == MAP_FAILED) {
		munmap(p, ram_size);
		return -ENOMEM;
	}
	b->code_ver = v;
	b->ram = p;
	b->ram_base = ram_base;
	b->ram_size = ram_size;
	atomic_store(&b->dirty, NULL);
	atomic_store(&b->gen, 1);
	return 0;
}

void bus_destroy(struct bus *b)
{
	if (b->ram)
		munmap(b->ram, b->ram_size);
	if (b->code_ver)
		munmap((void *)b->code_ver,
		       (size_t)(b->ram_size >> BUS_PAGE_SHIFT) * sizeof(uint32_t));
	b->ram = NULL;
	b->code_ver = NULL;
}

static bool ranges_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

int bus_add_mmio(struct bus *b, uint64_t base, uint64_t size,
		 const struct mmio_ops *ops, void *opaque)
{
	if (b->nr_mmio >= BUS_MAX_MMIO || size == 0 || base + size < base || !ops)
		return -EINVAL;
	if (ranges_overlap(base, size, b->ram_base, b->ram_size))
		return -EBUSY;
	for (unsigned i = 0; i < b->nr_mmio; i++)
		if (ranges_overlap(base, size, b->mmio[i].base, b->mmio[i].size))
			return -EBUSY;
	b->mmio[b->nr_mmio++] = (struct mmio_region){ base, size, ops, opaque };
	atomic_fetch_add(&b->gen, 1);
	return 0;
}

int bus_add_watch(struct bus *b, uint64_t base, uint64_t size,
		  void (*notify)(void *opaque, uint64_t pa, unsigned size),
		  void *opaque)
{
	if (b->nr_watch >= BUS_MAX_WATCH || !notify || size == 0 ||
	    !bus_ram_ptr(b, base, size))
		return -EINVAL;
	b->watch[b->nr_watch++] = (struct bus_watch){ base, size, notify, opaque };
	atomic_fetch_add(&b->gen, 1);
	return 0;
}

struct mmio_region *bus_find_mmio(struct bus *b, uint64_t pa)
{
	for (unsigned i = 0; i < b->nr_mmio; i++) {
		struct mmio_region *r = &b->mmio[i];
		if (pa - r->base < r->size)
			return r;
	}
	return NULL;
}

void bus_mark_dirty(struct bus *b, uint64_t pa, uint64_t len)
{
	uint64_t *bm = atomic_load_explicit(&b->dirty, memory_order_acquire);
	if (!bm || len == 0 || !bus_ram_ptr(b, pa, len))
		return;
	uint64_t first = (pa - b->ram_base) >> BUS_PAGE_SHIFT;
	uint64_t last = (pa - b->ram_base + len - 1) >> BUS_PAGE_SHIFT;
	for (uint64_t pg = first; pg <= last; pg++)
		__atomic_fetch_or(&bm[pg / 64], 1ULL << (pg % 64), __ATOMIC_RELAXED);
}

void bus_code_bump(_Atomic uint32_t *ver)
{
	/* odd -> even: blocks decoded under the old value no longer match.
	 * Two writers may both add (odd again): still a new value. */
	atomic_fetch_add_explicit(ver, 1, memory_order_release);
}

void bus_code_written(struct bus *b, uint64_t pa, uint64_t len)
{
	if (len == 0 || !b->code_ver || !bus_ram_ptr(b, pa, len))
		return;
	uint64_t first = (pa - b->ram_base) >> BUS_PAGE_SHIFT;
	uint64_t last = (pa - b->ram_base + len - 1) >> BUS_PAGE_SHIFT;
	for (uint64_t pg = first; pg <= last; pg++)
		if (atomic_load_explicit(&b->code_ver[pg], memory_order_relaxed) & 1)
			bus_code_bump(&b->code_ver[pg]);
}

uint8_t *bus_dma_ptr(struct bus *b, uint64_t pa, uint64_t len, bool write)
{
	uint8_t *p = bus_ram_ptr(b, pa, len);
	if (p && write) {
		bus_mark_dirty(b, pa, len);
		bus_code_written(b, pa, len);
	}
	return p;
}

static bool page_watched(const struct bus *b, uint64_t pa)
{
	uint64_t pg = pa & ~(BUS_PAGE_SIZE - 1);
	for (unsigned i = 0; i < b->nr_watch; i++)
		if (ranges_overlap(pg, BUS_PAGE_SIZE, b->watch[i].base, b->watch[i].size))
			return true;
	return false;
}

bool bus_page_cacheable(struct bus *b, uint64_t pa, bool write)
{
	pa &= ~(BUS_PAGE_SIZE - 1);
	if (!bus_ram_ptr(b, pa, BUS_PAGE_SIZE))
		return false;
	if (write) {
		if (page_watched(b, pa))
			return false;
		bus_mark_dirty(b, pa, BUS_PAGE_SIZE);
	}
	return true;
}

static uint64_t ram_read(const uint8_t *p, unsigned size)
{
	switch (size) {
	case 1: return *p;
	case 2: { uint16_t v; memcpy(&v, p, 2); return v; }
	case 4: { uint32_t v; memcpy(&v, p, 4); return v; }
	default: { uint64_t v; memcpy(&v, p, 8); return v; }
	}
}

void bus_notify_write(struct bus *b, uint64_t pa, unsigned size)
{
	bus_mark_dirty(b, pa, size);
	bus_code_written(b, pa, size);
	for (unsigned i = 0; i < b->nr_watch; i++) {
		struct bus_watch *w = &b->watch[i];
		if (ranges_overlap(pa, size, w->base, w->size))
			w->notify(w->opaque, pa, size);
	}
}

int bus_load(struct bus *b, uint64_t pa, unsigned size, uint64_t *val)
{
	uint8_t *p = bus_ram_ptr(b, pa, size);
	if (p) {
		*val = ram_read(p, size);
		return 0;
	}
	struct mmio_region *r = bus_find_mmio(b, pa);
	if (!r || (pa & (size - 1)) || pa - r->base + size > r->size || !r->ops->read)
		return -EFAULT;
	uint64_t v = 0;
	int rc = r->ops->read(r->opaque, pa - r->base, size, &v);
	if (rc < 0)
		return -EFAULT;
	if (size < 8)
		v &= (1ULL << (8 * size)) - 1;
	*val = v;
	return 0;
}

int bus_store(struct bus *b, uint64_t pa, unsigned size, uint64_t val)
{
	uint8_t *p = bus_ram_ptr(b, pa, size);
	if (p) {
		memcpy(p, &val, size);	/* little-endian host */
		bus_notify_write(b, pa, size);
		return 0;
	}
	struct mmio_region *r = bus_find_mmio(b, pa);
	if (!r || (pa & (size - 1)) || pa - r->base + size > r->size || !r->ops->write)
		return -EFAULT;
	if (size < 8)
		val &= (1ULL << (8 * size)) - 1;
	return r->ops->write(r->opaque, pa - r->base, size, val) < 0 ? -EFAULT : 0;
}
