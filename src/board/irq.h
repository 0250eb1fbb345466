/*
 * An interrupt line from a device to an interrupt controller (the PLIC on
 * the virt board). Devices hold a struct irq_line and never know which
 * controller is behind it, so device models can be unit-tested with a
 * recording sink. Level-triggered: level 1 = asserted.
 * Callable from any thread (device backends run on their own threads).
 */
#ifndef DOMUS_BOARD_IRQ_H
#define DOMUS_BOARD_IRQ_H

struct irq_line {
	void (*set)(void *opaque, unsigned irq, int level);
	void *opaque;
	unsigned irq;
};

static inline void irq_line_set(const struct irq_line *l, int level)
{
	if (l->set)
		l->set(l->opaque, l->irq, level);
}

#endif
