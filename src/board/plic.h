/*
 * The platform-level interrupt controller of the virt board (RISC-V PLIC
 * spec 1.0.0 register layout): sources 1..PLIC_MAX_SRC, 3-bit priorities,
 * pending bits, per-context enables, thresholds and claim/complete.
 *
 * Contexts are numbered as on the common virt board: hart0 M, hart0 S,
 * hart1 M, ... The PLIC knows nothing about harts: it reports each
 * context's output level through a callback (the machine maps it to
 * MEIP/SEIP), so it is unit-testable on its own.
 *
 * Thread-safe: devices call plic_set_irq (through irq_line) from any
 * thread; one mutex per PLIC guards the state.
 */
#ifndef DOMUS_BOARD_PLIC_H
#define DOMUS_BOARD_PLIC_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "board/irq.h"
#include "cpu/bus.h"

#define PLIC_NR_SRC 1024	/* source ids 0..1023; 0 means "none" */
#define PLIC_MAX_SRC (PLIC_NR_SRC - 1)
#define PLIC_WORDS (PLIC_NR_SRC / 32)
#define PLIC_MAX_CTX 128	/* 64 harts x (M, S) */
#define PLIC_PRIO_MASK 7u
#define PLIC_MMIO_SIZE 0x600000ULL

/* Register offsets (PLIC spec). */
#define PLIC_PRIORITY_BASE 0x0
#define PLIC_PENDING_BASE 0x1000
#define PLIC_ENABLE_BASE 0x2000
#define PLIC_ENABLE_STRIDE 0x80
#define PLIC_CONTEXT_BASE 0x200000
#define PLIC_CONTEXT_STRIDE 0x1000

struct plic_ctx {
	uint32_t enable[PLIC_WORDS];
	uint32_t threshold;
	bool out;		/* last level reported */
};

struct plic {
	pthread_mutex_t lock;
	unsigned nr_ctx;
	uint32_t priority[PLIC_NR_SRC];
	uint32_t pending[PLIC_WORDS];
	uint32_t claimed[PLIC_WORDS];	/* in service: gateway closed */
	uint32_t level[PLIC_WORDS];	/* current input line levels */
	struct plic_ctx ctx[PLIC_MAX_CTX];
	/* Output of context ctx changed to level. Called with the lock held:
	 * must not call back into the PLIC. */
	void (*notify)(void *opaque, unsigned ctx, bool level);
	void *opaque;
};

extern const struct mmio_ops plic_mmio_ops;

int plic_init(struct plic *p, unsigned nr_ctx,
	      void (*notify)(void *opaque, unsigned ctx, bool level), void *opaque);
void plic_destroy(struct plic *p);
/* Level of source irq (1..PLIC_MAX_SRC; others ignored). Any thread. */
void plic_set_irq(void *plic, unsigned irq, int level);
/* Current output level of a context (false for a missing one). */
bool plic_context_level(struct plic *p, unsigned ctx);
/* An irq_line for source irq on this PLIC. */
struct irq_line plic_irq_line(struct plic *p, unsigned irq);

#endif
