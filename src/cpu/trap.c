/*
 * Traps and interrupts: trap entry with delegation and vectored
 * mtvec/stvec, double-fault (trap loop) detection, the timer compares
 * (MTIP from mtimecmp, STIP from stimecmp in paravirtual mode) and the
 * choice of the interrupt to take (MEI > MSI > MTI > SEI > SSI > STI, M-level
 * before S-level). xRET lives with the other instructions in hart.c.
 */
#include "cpu/cpu_internal.h"

/* Take a trap (exception or interrupt) at the current pc. */
void hart_take_trap(struct hart *h, uint64_t cause, uint64_t tval)
{
	bool irq = cause >> 63;
	unsigned code = cause & 63;
	uint64_t deleg = irq ? h->mideleg : h->medeleg;

	if (!irq) {
		if (h->last_trap_instret == h->retired && h->last_trap_pc == h->pc &&
		    h->last_trap_cause == cause) {
			if (++h->trap_repeat >= 3) {
				h->exit_code = HART_EXIT_DOUBLE_FAULT;
				h->slice_end = true;
				return;
			}
		} else {
			h->trap_repeat = 0;
		}
		h->last_trap_pc = h->pc;
		h->last_trap_cause = cause;
		h->last_trap_instret = h->retired;
	}
	if (h->priv <= PRV_S && ((deleg >> code) & 1)) {
		uint64_t s = h->mstatus;
		h->scause = cause;
		h->sepc = h->pc;
		h->stval = tval;
		s = (s & ~MSTATUS_SPIE) | ((s & MSTATUS_SIE) ? MSTATUS_SPIE : 0);
		s = (s & ~MSTATUS_SPP) | (h->priv == PRV_S ? MSTATUS_SPP : 0);
		s &= ~MSTATUS_SIE;
		h->mstatus = s;
		h->priv = PRV_S;
		h->pc = (h->stvec & ~3ULL) + ((irq && (h->stvec & 1)) ? 4 * code : 0);
	} else {
		uint64_t s = h->mstatus;
		h->mcause = cause;
		h->mepc = h->pc;
		h->mtval = tval;
		s = (s & ~MSTATUS_MPIE) | ((s & MSTATUS_MIE) ? MSTATUS_MPIE : 0);
		s = (s & ~MSTATUS_MPP) | ((uint64_t)h->priv << MSTATUS_MPP_SHIFT);
		s &= ~MSTATUS_MIE;
		h->mstatus = s;
		h->priv = PRV_M;
		h->pc = (h->mtvec & ~3ULL) + ((irq && (h->mtvec & 1)) ? 4 * code : 0);
	}
	hart_update_dprv(h);
}

void hart_poll_timers(struct hart *h)
{
	uint64_t now = hart_read_time(h), ip = 0;
	if (now >= h->mtimecmp)
		ip |= MIP_MTIP;
	if (h->env.ecall && now >= h->stimecmp)
		ip |= MIP_STIP;
	h->timer_ip = ip;
}

/* The interrupt to take now, or -1. */
int hart_pending_irq(struct hart *h)
{
	uint64_t pend = (atomic_load_explicit(&h->mip, memory_order_relaxed) | h->timer_ip) & h->mie;
	static const uint8_t order[6] = { IRQ_MEI, IRQ_MSI, IRQ_MTI, IRQ_SEI, IRQ_SSI, IRQ_STI };
	if (!pend)
		return -1;
	uint64_t m = pend & ~h->mideleg, s = pend & h->mideleg;
	bool m_on = h->priv < PRV_M || (h->mstatus & MSTATUS_MIE);
	bool s_on = h->priv < PRV_S || (h->priv == PRV_S && (h->mstatus & MSTATUS_SIE));
	uint64_t take = (m_on ? m : 0);
	if (!take && s_on)
		take = s;
	for (unsigned i = 0; take && i < 6; i++)
		if ((take >> order[i]) & 1)
			return order[i];
	return -1;
}
