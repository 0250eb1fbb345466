/*
 * Declarations shared by the files of src/cpu (hart.c, csr.c, mmu.c,
 * disasm.c). Not for use outside src/cpu.
 */
#ifndef DOMUS_CPU_INTERNAL_H
#define DOMUS_CPU_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu/hart.h"

/* mstatus bits */
#define MSTATUS_SIE  (1ULL << 1)
#define MSTATUS_MIE  (1ULL << 3)
#define MSTATUS_SPIE (1ULL << 5)
#define MSTATUS_UBE  (1ULL << 6)
#define MSTATUS_MPIE (1ULL << 7)
#define MSTATUS_SPP  (1ULL << 8)
#define MSTATUS_VS   (3ULL << 9)
#define MSTATUS_MPP_SHIFT 11
#define MSTATUS_MPP  (3ULL << 11)
#define MSTATUS_FS   (3ULL << 13)
#define MSTATUS_XS   (3ULL << 15)
#define MSTATUS_MPRV (1ULL << 17)
#define MSTATUS_SUM  (1ULL << 18)
#define MSTATUS_MXR  (1ULL << 19)
#define MSTATUS_TVM  (1ULL << 20)
#define MSTATUS_TW   (1ULL << 21)
#define MSTATUS_TSR  (1ULL << 22)
#define MSTATUS_UXL  (3ULL << 32)
#define MSTATUS_SXL  (3ULL << 34)
#define MSTATUS_SD   (1ULL << 63)

/* Exception causes */
enum {
	EXC_INSN_MISALIGNED = 0, EXC_INSN_ACCESS = 1, EXC_ILLEGAL = 2,
	EXC_BREAKPOINT = 3, EXC_LOAD_MISALIGNED = 4, EXC_LOAD_ACCESS = 5,
	EXC_STORE_MISALIGNED = 6, EXC_STORE_ACCESS = 7, EXC_ECALL_U = 8,
	EXC_ECALL_S = 9, EXC_ECALL_M = 11, EXC_INSN_PAGE = 12,
	EXC_LOAD_PAGE = 13, EXC_STORE_PAGE = 15,
};

enum acc { ACC_R = 0, ACC_W = 1, ACC_X = 2 };

/* mmu.c */
/* Translate va for an access of type acc at privilege prv. Returns 0 and
 * *pa, or the exception cause (page fault or access fault on the walk). */
int mmu_translate(struct hart *h, uint64_t va, enum acc acc, unsigned prv,
		  uint64_t *pa);
/* PMP: may [pa, pa+len) be accessed with acc at privilege prv? */
bool pmp_check(const struct hart *h, uint64_t pa, uint64_t len, enum acc acc,
	       unsigned prv);
void tlb_flush(struct hart *h);

/* trap.c */
/* Take an exception (cause) or interrupt (cause with bit 63) at h->pc. */
void hart_take_trap(struct hart *h, uint64_t cause, uint64_t tval);
/* Recompute MTIP/STIP (h->timer_ip) from the current time. */
void hart_poll_timers(struct hart *h);
/* The interrupt to take now (its number), or -1. */
int hart_pending_irq(struct hart *h);

/* csr.c: return 0, or -1 for an illegal access. */
int csr_read(struct hart *h, unsigned csr, uint64_t *val);
int csr_write(struct hart *h, unsigned csr, uint64_t val);
/* Recompute h->dprv after priv or mstatus changes. */
static inline void hart_update_dprv(struct hart *h)
{
	if ((h->mstatus & MSTATUS_MPRV) && h->priv == PRV_M)
		h->dprv = (h->mstatus >> MSTATUS_MPP_SHIFT) & 3;
	else
		h->dprv = h->priv;
}

/* mcycle and minstret as the current instruction sees them (before it
 * retires). Writes: see csr.c. */
static inline uint64_t hart_mcycle(const struct hart *h)
{
	return h->cy_inc ? h->retired + h->mcycle_off : h->mcycle_off;
}

static inline uint64_t hart_minstret(const struct hart *h)
{
	return h->ir_inc ? h->retired + h->minstret_off : h->minstret_off;
}

static inline uint64_t hart_read_time(struct hart *h)
{
	return h->env.read_time ? h->env.read_time(h->env.opaque) : h->retired;
}

/* disasm.c: disassemble a decoded instruction */
struct insn;
int insn_disasm(const struct insn *d, uint32_t bits, uint64_t pc, char *buf,
		unsigned len);
/* Register ABI name */
const char *reg_name(unsigned r);
const char *freg_name(unsigned r);

#endif
