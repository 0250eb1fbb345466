/*
 * Address translation: Sv39/Sv48 page walks with hardware A/D updates
 * (compare-and-swap on the PTE, so harts on other threads see a
 * consistent PTE), permission rules (U/SUM/MXR), superpage alignment, and
 * PMP checks for the walk's implicit accesses and for final accesses.
 */
#include <string.h>

#include "cpu/cpu_internal.h"

#define PTE_V (1ULL << 0)
#define PTE_R (1ULL << 1)
#define PTE_W (1ULL << 2)
#define PTE_X (1ULL << 3)
#define PTE_U (1ULL << 4)
#define PTE_G (1ULL << 5)
#define PTE_A (1ULL << 6)
#define PTE_D (1ULL << 7)
#define PTE_PPN_MASK ((1ULL << 44) - 1)
#define PTE_RESERVED (~0ULL << 54)	/* N, PBMT, reserved: not implemented */

void tlb_flush(struct hart *h)
{
	memset(h->tlb, 0xff, sizeof h->tlb);
	h->super_lo = ~0ULL;
	h->super_hi = 0;
	h->tlb_gen = atomic_load_explicit(&h->bus->gen, memory_order_relaxed);
}

static unsigned pmp_cfg(const struct hart *h, unsigned i)
{
	return (h->pmpcfg[i / 8] >> ((i % 8) * 8)) & 0xff;
}

bool pmp_check(const struct hart *h, uint64_t pa, uint64_t len, enum acc acc,
	       unsigned prv)
{
	uint64_t end = pa + len;	/* exclusive; len >= 1 */
	for (unsigned i = 0; i < 16; i++) {
		unsigned cfg = pmp_cfg(h, i);
		unsigned a = (cfg >> 3) & 3;
		uint64_t lo, hi;
		if (a == 0)
			continue;
		if (a == 1) {		/* TOR */
			lo = i ? h->pmpaddr[i - 1] << 2 : 0;
			hi = h->pmpaddr[i] << 2;
		} else if (a == 2) {	/* NA4 */
			lo = h->pmpaddr[i] << 2;
			hi = lo + 4;
		} else {		/* NAPOT */
			uint64_t addr = h->pmpaddr[i];
			unsigned t = __builtin_ctzll(~addr);	/* trailing ones */
			if (t > 54)
				t = 54;
			lo = (addr & ~((1ULL << t) - 1)) << 2;
			hi = lo + (1ULL << (t + 3));
		}
		if (lo >= hi || end <= lo || pa >= hi)
			continue;	/* empty range or no overlap */
		if (pa < lo || end > hi)
			return false;	/* only part of the access matches */
		if (prv == PRV_M && !(cfg & 0x80))
			return true;
		return (cfg >> (acc == ACC_R ? 0 : acc == ACC_W ? 1 : 2)) & 1;
	}
	return prv == PRV_M;
}

static int fault_page(enum acc acc)
{
	return acc == ACC_X ? EXC_INSN_PAGE : acc == ACC_R ? EXC_LOAD_PAGE : EXC_STORE_PAGE;
}

static int fault_access(enum acc acc)
{
	return acc == ACC_X ? EXC_INSN_ACCESS : acc == ACC_R ? EXC_LOAD_ACCESS : EXC_STORE_ACCESS;
}

int mmu_translate(struct hart *h, uint64_t va, enum acc acc, unsigned prv,
		  uint64_t *pa)
{
	unsigned mode = h->satp >> 60;
	h->walk_super = 0;
	if (prv == PRV_M || mode == 0) {
		*pa = va;
		return 0;
	}
	int levels = mode == 9 ? 4 : 3;
	unsigned vabits = 12 + 9 * levels;
	if ((uint64_t)((int64_t)(va << (64 - vabits)) >> (64 - vabits)) != va)
		return fault_page(acc);

	uint64_t mstatus = h->mstatus;
restart:;
	uint64_t base = (h->satp & PTE_PPN_MASK) << 12;
	for (int lvl = levels - 1; lvl >= 0; lvl--) {
		uint64_t idx = (va >> (12 + 9 * lvl)) & 511;
		uint64_t pte_pa = base + idx * 8;
		if (!pmp_check(h, pte_pa, 8, ACC_R, PRV_S))
			return fault_access(acc);
		uint8_t *p = bus_ram_ptr(h->bus, pte_pa, 8);
		if (!p || (pte_pa & 7))
			return fault_access(acc);
		uint64_t pte = __atomic_load_n((uint64_t *)p, __ATOMIC_ACQUIRE);
		if (!(pte & PTE_V) || (!(pte & PTE_R) && (pte & PTE_W)) ||
		    (pte & PTE_RESERVED))
			return fault_page(acc);
		uint64_t ppn = (pte >> 10) & PTE_PPN_MASK;
		if (!(pte & (PTE_R | PTE_X))) {
			/* pointer to the next level */
			if (lvl == 0 || (pte & (PTE_D | PTE_A | PTE_U)))
				return fault_page(acc);
			base = ppn << 12;
			continue;
		}
		/* leaf */
		if (pte & PTE_U) {
			if (prv == PRV_S && (acc == ACC_X || !(mstatus & MSTATUS_SUM)))
				return fault_page(acc);
		} else if (prv == PRV_U) {
			return fault_page(acc);
		}
		bool ok;
		switch (acc) {
		case ACC_X: ok = pte & PTE_X; break;
		case ACC_R: ok = (pte & PTE_R) || ((mstatus & MSTATUS_MXR) && (pte & PTE_X)); break;
		default: ok = pte & PTE_W; break;
		}
		if (!ok)
			return fault_page(acc);
		uint64_t lowmask = (1ULL << (9 * lvl)) - 1;
		if (ppn & lowmask)
			return fault_page(acc);		/* misaligned superpage */
		uint64_t want = PTE_A | (acc == ACC_W ? PTE_D : 0);
		if ((pte & want) != want) {
			/* The A/D update is a store: PMP must allow it. */
			if (!pmp_check(h, pte_pa, 8, ACC_W, PRV_S))
				return fault_access(acc);
			uint64_t expect = pte;
			if (!__atomic_compare_exchange_n((uint64_t *)p, &expect, pte | want,
							 false, __ATOMIC_ACQ_REL,
							 __ATOMIC_ACQUIRE))
				goto restart;	/* PTE changed under us: walk again */
			bus_mark_dirty(h->bus, pte_pa, 8);
			bus_code_written(h->bus, pte_pa, 8);
		}
		*pa = ((ppn & ~lowmask) << 12) | (va & ((1ULL << (12 + 9 * lvl)) - 1));
		h->walk_super = lvl > 0 ? 1ULL << (12 + 9 * lvl) : 0;
		return 0;
	}
	return fault_page(acc);	/* not reached */
}
