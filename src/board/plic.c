/*
 * PLIC model: gateways (level-triggered), the pending/claimed bitmaps,
 * per-context enable/threshold and claim/complete. Context outputs are
 * recomputed after every change and reported through p->notify.
 */
#include "board/plic.h"

#include <errno.h>
#include <string.h>

static inline bool bit_get(const uint32_t *w, unsigned i)
{
	return (w[i / 32] >> (i % 32)) & 1;
}

static inline void bit_set(uint32_t *w, unsigned i, bool v)
{
	if (v)
		w[i / 32] |= 1u << (i % 32);
	else
		w[i / 32] &= ~(1u << (i % 32));
}

/* Highest-priority pending+enabled source above the threshold (ties go
 * to the lowest id), or 0. */
static unsigned plic_best(const struct plic *p, const struct plic_ctx *c)
{
	unsigned best = 0;
	uint32_t best_prio = c->threshold;

	for (unsigned w = 0; w < PLIC_WORDS; w++) {
		uint32_t m = p->pending[w] & c->enable[w];
		while (m) {
			unsigned i = w * 32 + (unsigned)__builtin_ctz(m);
			m &= m - 1;
			if (p->priority[i] > best_prio) {
				best_prio = p->priority[i];
				best = i;
			}
		}
	}
	return best;
}

static void plic_update(struct plic *p)
{
	for (unsigned i = 0; i < p->nr_ctx; i++) {
		struct plic_ctx *c = &p->ctx[i];
		bool out = plic_best(p, c) != 0;
		if (out != c->out) {
			c->out = out;
			if (p->notify)
				p->notify(p->opaque, i, out);
		}
	}
}

int plic_init(struct plic *p, unsigned nr_ctx,
	      void (*notify)(void *opaque, unsigned ctx, bool level), void *opaque)
{
	if (nr_ctx == 0 || nr_ctx > PLIC_MAX_CTX)
		return -EINVAL;
	memset(p, 0, sizeof(*p));
	p->nr_ctx = nr_ctx;
	p->notify = notify;
	p->opaque = opaque;
	return -pthread_mutex_init(&p->lock, NULL);
}

void plic_destroy(struct plic *p)
{
	pthread_mutex_destroy(&p->lock);
}

void plic_set_irq(void *opaque, unsigned irq, int level)
{
	struct plic *p = opaque;

	if (irq == 0 || irq > PLIC_MAX_SRC)
		return;
	pthread_mutex_lock(&p->lock);
	bit_set(p->level, irq, level != 0);
	/* The gateway forwards a request only while the source is not in
	 * service; a level that drops before the claim withdraws it. */
	if (!bit_get(p->claimed, irq))
		bit_set(p->pending, irq, level != 0);
	plic_update(p);
	pthread_mutex_unlock(&p->lock);
}

bool plic_context_level(struct plic *p, unsigned ctx)
{
	bool out = false;

	pthread_mutex_lock(&p->lock);
	if (ctx < p->nr_ctx)
		out = p->ctx[ctx].out;
	pthread_mutex_unlock(&p->lock);
	return out;
}

struct irq_line plic_irq_line(struct plic *p, unsigned irq)
{
	return (struct irq_line){ .set = plic_set_irq, .opaque = p, .irq = irq };
}

static unsigned plic_claim(struct plic *p, struct plic_ctx *c)
{
	unsigned id = plic_best(p, c);

	if (id) {
		bit_set(p->pending, id, false);
		bit_set(p->claimed, id, true);
	}
	plic_update(p);
	return id;
}

static void plic_complete(struct plic *p, struct plic_ctx *c, uint32_t id)
{
	/* Completion for a source not enabled for this context is ignored
	 * (PLIC spec). */
	if (id == 0 || id > PLIC_MAX_SRC || !bit_get(c->enable, id))
		return;
	if (!bit_get(p->claimed, id))
		return;
	bit_set(p->claimed, id, false);
	if (bit_get(p->level, id))
		bit_set(p->pending, id, true);
	plic_update(p);
}

static int plic_read(void *opaque, uint64_t off, unsigned size, uint64_t *val)
{
	struct plic *p = opaque;
	uint64_t v = 0;

	if (size != 4)
		return -EINVAL;
	pthread_mutex_lock(&p->lock);
	if (off < PLIC_PENDING_BASE) {
		v = p->priority[off / 4];
	} else if (off < PLIC_PENDING_BASE + PLIC_WORDS * 4) {
		v = p->pending[(off - PLIC_PENDING_BASE) / 4];
	} else if (off >= PLIC_ENABLE_BASE && off < PLIC_CONTEXT_BASE) {
		uint64_t c = (off - PLIC_ENABLE_BASE) / PLIC_ENABLE_STRIDE;
		uint64_t w = (off - PLIC_ENABLE_BASE) % PLIC_ENABLE_STRIDE / 4;
		if (c < p->nr_ctx)
			v = p->ctx[c].enable[w];
	} else if (off >= PLIC_CONTEXT_BASE) {
		uint64_t c = (off - PLIC_CONTEXT_BASE) / PLIC_CONTEXT_STRIDE;
		uint64_t r = (off - PLIC_CONTEXT_BASE) % PLIC_CONTEXT_STRIDE;
		if (c < p->nr_ctx) {
			if (r == 0)
				v = p->ctx[c].threshold;
			else if (r == 4)
				v = plic_claim(p, &p->ctx[c]);
		}
	}
	pthread_mutex_unlock(&p->lock);
	*val = v;
	return 0;
}

static int plic_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	struct plic *p = opaque;
	uint32_t v = (uint32_t)val;

	if (size != 4)
		return -EINVAL;
	pthread_mutex_lock(&p->lock);
	if (off < PLIC_PENDING_BASE) {
		if (off / 4 != 0)	/* source 0 does not exist */
			p->priority[off / 4] = v & PLIC_PRIO_MASK;
		plic_update(p);
	} else if (off >= PLIC_ENABLE_BASE && off < PLIC_CONTEXT_BASE) {
		uint64_t c = (off - PLIC_ENABLE_BASE) / PLIC_ENABLE_STRIDE;
		uint64_t w = (off - PLIC_ENABLE_BASE) % PLIC_ENABLE_STRIDE / 4;
		if (c < p->nr_ctx) {
			p->ctx[c].enable[w] = w == 0 ? v & ~1u : v;
			plic_update(p);
		}
	} else if (off >= PLIC_CONTEXT_BASE) {
		uint64_t c = (off - PLIC_CONTEXT_BASE) / PLIC_CONTEXT_STRIDE;
		uint64_t r = (off - PLIC_CONTEXT_BASE) % PLIC_CONTEXT_STRIDE;
		if (c < p->nr_ctx) {
			if (r == 0) {
				p->ctx[c].threshold = v & PLIC_PRIO_MASK;
				plic_update(p);
			} else if (r == 4) {
				plic_complete(p, &p->ctx[c], v);
			}
		}
	}
	/* Pending bits are read-only; other offsets are reserved (WI). */
	pthread_mutex_unlock(&p->lock);
	return 0;
}

const struct mmio_ops plic_mmio_ops = {
	.name = "plic",
	.read = plic_read,
	.write = plic_write,
};
