/*
 * The hart: run loop, instruction execution and memory access through
 * the soft TLB. Decoded blocks (layout, build, invalidation) live in
 * block.c, decode in decode.c, CSRs in csr.c, trap entry and interrupt
 * selection in trap.c, translation and PMP in mmu.c, F/D arithmetic in
 * fpu.c.
 *
 * Hot path: run_slice executes decoded blocks; the next instruction of a
 * block is one load and an indirect jump (each handler ends in its own);
 * at block boundaries it checks h->req and the budget and finds the next
 * block through the previous block's links or the fetch TLB entry and the
 * block table. Timers are polled once per slice, interrupts re-evaluated
 * at slice boundaries; instructions that can enable an interrupt end the
 * slice.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "cpu/block.h"
#include "cpu/cpu_internal.h"
#include "cpu/decode.h"
#include "cpu/fpu.h"
#include "cpu/jit.h"

#define SLICE 4096
#define PAGE_MASK 0xfffULL
/* A spin-wait (consecutive slices ended by PAUSE) this long returns
 * HART_EXIT_PAUSE, so the caller can give the host CPU to the vCPU being
 * waited for (a lock holder, a stop_machine peer) when harts outnumber
 * host CPUs; what to do (yield, sleep, run another vCPU) is its policy. */
#define PAUSE_EXIT 16

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

/* ------------------------------------------------------------------ */
/* TLB */

static inline uint64_t tlb_tag(uint64_t va, unsigned prv)
{
	return ((va >> 12) << 2) | prv;
}

static inline struct tlb_entry *tlb_slot(struct hart *h, uint64_t va)
{
	return &h->tlb[(va >> 12) & (HART_TLB_SIZE - 1)];
}

/* Cache the host address of a RAM page for one access type if the whole
 * page is RAM and PMP allows the whole page (else every access to it takes
 * the slow path, which checks precisely). */
static void tlb_fill(struct hart *h, uint64_t va, uint64_t pa, enum acc acc, unsigned prv)
{
	uint64_t pg = pa & ~PAGE_MASK;
	uint8_t *host = bus_ram_ptr(h->bus, pg, BUS_PAGE_SIZE);
	if (!host || !pmp_check(h, pg, BUS_PAGE_SIZE, acc, prv) ||
	    !bus_page_cacheable(h->bus, pg, acc == ACC_W))
		return;
	struct tlb_entry *e = tlb_slot(h, va);
	uint64_t tag = tlb_tag(va, prv);
	/* Superpages are cached 4 KiB piece by piece: remember the VA span
	 * they cover, where a single-address sfence.vma must flush all. */
	if (h->walk_super) {
		uint64_t lo = va & ~(h->walk_super - 1), hi = lo + h->walk_super - 1;
		if (lo < h->super_lo)
			h->super_lo = lo;
		if (hi > h->super_hi)
			h->super_hi = hi;
	}
	uintptr_t addend = (uintptr_t)host - (va & ~PAGE_MASK);
	if (e->addend != addend) {
		e->vpn_r = e->vpn_w = e->vpn_x = ~0ULL;
		e->addend = addend;
	} else {
		if (e->vpn_r != tag) e->vpn_r = ~0ULL;
		if (e->vpn_w != tag) e->vpn_w = ~0ULL;
		if (e->vpn_x != tag) e->vpn_x = ~0ULL;
	}
	if (acc == ACC_X)
		e->vpn_x = tag;
	else if (acc == ACC_R)
		e->vpn_r = tag;
	else if (pmp_check(h, pg, BUS_PAGE_SIZE, ACC_R, prv)) {
		e->vpn_w = tag;
		e->vpn_r = tag;	/* a writable leaf is readable (W implies R) */
	} else {
		e->vpn_w = tag;
	}
}

/* ------------------------------------------------------------------ */
/* Memory access slow paths. Return 0 or an exception cause, with
 * h->exc_tval set. */

static int access_fault(enum acc acc)
{
	return acc == ACC_R ? EXC_LOAD_ACCESS : acc == ACC_W ? EXC_STORE_ACCESS : EXC_INSN_ACCESS;
}

/* Translate + PMP for an access that stays within one page. */
static int xlate(struct hart *h, uint64_t va, unsigned size, enum acc acc,
		 unsigned prv, uint64_t *pa)
{
	int c = mmu_translate(h, va, acc, prv, pa);
	if (!c && !pmp_check(h, *pa, size, acc, prv))
		c = access_fault(acc);
	if (c)
		h->exc_tval = va;
	return c;
}

static int load_slow(struct hart *h, uint64_t va, unsigned size, uint64_t *val)
{
	uint64_t pa, v = 0;
	int c;
	if ((va & PAGE_MASK) + size > BUS_PAGE_SIZE) {
		/* crosses a page: byte by byte; tval = first byte that faults */
		for (unsigned i = 0; i < size; i++) {
			uint64_t b;
			if ((c = xlate(h, va + i, 1, ACC_R, h->dprv, &pa)))
				return c;
			if (bus_load(h->bus, pa, 1, &b)) {
				h->exc_tval = va + i;
				return EXC_LOAD_ACCESS;
			}
			v |= b << (8 * i);
		}
		*val = v;
		return 0;
	}
	if ((c = xlate(h, va, size, ACC_R, h->dprv, &pa)))
		return c;
	if (bus_load(h->bus, pa, size, &v)) {
		h->exc_tval = va;
		return EXC_LOAD_ACCESS;
	}
	tlb_fill(h, va, pa, ACC_R, h->dprv);
	*val = v;
	return 0;
}

static int store_slow(struct hart *h, uint64_t va, unsigned size, uint64_t val)
{
	uint64_t pa, pa2 = 0;
	int c;
	if ((va & PAGE_MASK) + size > BUS_PAGE_SIZE) {
		/* crosses a page: check both halves before writing anything */
		uint64_t va2 = (va | PAGE_MASK) + 1;
		unsigned n1 = va2 - va;
		if ((c = xlate(h, va, n1, ACC_W, h->dprv, &pa)))
			return c;
		if ((c = xlate(h, va2, size - n1, ACC_W, h->dprv, &pa2)))
			return c;
		for (unsigned i = 0; i < size; i++) {
			uint64_t p = i < n1 ? pa + i : pa2 + (i - n1);
			if (bus_store(h->bus, p, 1, (val >> (8 * i)) & 0xff)) {
				h->exc_tval = va + i;
				return EXC_STORE_ACCESS;
			}
		}
		return 0;
	}
	if ((c = xlate(h, va, size, ACC_W, h->dprv, &pa)))
		return c;
	if (bus_store(h->bus, pa, size, val)) {
		h->exc_tval = va;
		return EXC_STORE_ACCESS;
	}
	if (h->halt)
		h->slice_end = true;	/* a device stopped us (HTIF exit, power-off) */
	h->resv_valid = h->resv_valid && (h->resv_addr & ~7ULL) != (pa & ~7ULL);
	tlb_fill(h, va, pa, ACC_W, h->dprv);
	return 0;
}

/* Fast paths: a TLB hit within one page. The tag compared is that of the
 * access's last byte in the slot of its first: an access that crosses
 * into the next page cannot match (consecutive pages use different
 * slots), so one compare checks both. The slow paths are called by
 * the handlers (which first account the instructions of the block so far:
 * a device may read the counters) and end the block. */
#define DEF_LOAD(name, type)						\
static inline bool name(struct hart *h, uint64_t va, uint64_t *out)	\
{									\
	struct tlb_entry *e = tlb_slot(h, va);				\
	if (likely(e->vpn_r == tlb_tag(va + sizeof(type) - 1, h->dprv))) { \
		type t;							\
		memcpy(&t, (void *)(uintptr_t)(va + e->addend), sizeof t); \
		*out = (uint64_t)t;					\
		return true;						\
	}								\
	return false;							\
}
DEF_LOAD(load_i8, int8_t)
DEF_LOAD(load_u8, uint8_t)
DEF_LOAD(load_i16, int16_t)
DEF_LOAD(load_u16, uint16_t)
DEF_LOAD(load_i32, int32_t)
DEF_LOAD(load_u32, uint32_t)
DEF_LOAD(load_u64, uint64_t)

/* Slow load of size bytes, sign- or zero-extended like type. */
static int load_ext(struct hart *h, uint64_t va, unsigned size, bool sign, uint64_t *out)
{
	uint64_t v = 0;
	int c = load_slow(h, va, size, &v);
	if (!c && size < 8) {
		unsigned sh = 64 - 8 * size;
		v = sign ? (uint64_t)((int64_t)(v << sh) >> sh) : (v << sh) >> sh;
	}
	*out = v;
	return c;
}


enum { STORE_DONE = 0, STORE_CODE = 1, STORE_SLOW = -1 };

/* STORE_DONE; STORE_CODE: done, and the page held decoded code (its
 * blocks, maybe the running one, are stale now); STORE_SLOW: nothing done,
 * use store_slow. */
static inline int store_fast(struct hart *h, uint64_t va, uint64_t val, unsigned size)
{
	struct tlb_entry *e = tlb_slot(h, va);
	if (likely(e->vpn_w == tlb_tag(va + size - 1, h->dprv))) {
		uintptr_t p = va + e->addend;
		memcpy((void *)p, &val, size);
		_Atomic uint32_t *ver = code_ver_of(h, p);
		if (unlikely(atomic_load_explicit(ver, memory_order_relaxed) & 1)) {
			bus_code_bump(ver);
			return STORE_CODE;
		}
		return STORE_DONE;
	}
	return STORE_SLOW;
}

/* Host pointer for an LR/SC/AMO: aligned, RAM only (else access fault). */
static int atomic_ptr(struct hart *h, uint64_t va, unsigned size, enum acc acc,
		      void **ptr, uint64_t *pa_out)
{
	uint64_t pa;
	int c;
	if (va & (size - 1)) {
		h->exc_tval = va;
		return acc == ACC_R ? EXC_LOAD_MISALIGNED : EXC_STORE_MISALIGNED;
	}
	if ((c = xlate(h, va, size, acc, h->dprv, &pa)))
		return c;
	uint8_t *p = bus_ram_ptr(h->bus, pa, size);
	if (!p) {
		h->exc_tval = va;
		return access_fault(acc);
	}
	*ptr = p;
	*pa_out = pa;
	return 0;
}

/* Fetch the instruction bits at pc (16 or 32 bits). */
static int fetch_slow(struct hart *h, uint64_t pc, uint32_t *bits)
{
	uint64_t pa, v;
	int c;
	if ((c = xlate(h, pc, 2, ACC_X, h->priv, &pa)))
		return c;
	/* Only RAM is executable (device regions are not). */
	if (!bus_ram_ptr(h->bus, pa, 2) || bus_load(h->bus, pa, 2, &v)) {
		h->exc_tval = pc;
		return EXC_INSN_ACCESS;
	}
	tlb_fill(h, pc, pa, ACC_X, h->priv);
	if ((v & 3) != 3) {
		*bits = v;
		return 0;
	}
	uint64_t hi, pc2 = pc + 2;
	if ((c = xlate(h, pc2, 2, ACC_X, h->priv, &pa)))
		return c;
	if (!bus_ram_ptr(h->bus, pa, 2) || bus_load(h->bus, pa, 2, &hi)) {
		h->exc_tval = pc2;
		return EXC_INSN_ACCESS;
	}
	*bits = (uint32_t)v | (uint32_t)hi << 16;
	return 0;
}

static inline int fetch(struct hart *h, uint64_t pc, uint32_t *bits)
{
	struct tlb_entry *e = tlb_slot(h, pc);
	if (likely(e->vpn_x == tlb_tag(pc, h->priv) && (pc & PAGE_MASK) <= BUS_PAGE_SIZE - 4)) {
		uint32_t w;
		memcpy(&w, (const void *)(uintptr_t)(pc + e->addend), 4);
		*bits = (w & 3) == 3 ? w : (w & 0xffff);
		return 0;
	}
	return fetch_slow(h, pc, bits);
}

/* ------------------------------------------------------------------ */
/* Execution helpers */

static inline uint64_t sx32(uint64_t v)
{
	return (uint64_t)(int64_t)(int32_t)v;
}

static uint64_t amo_op(unsigned f5, uint64_t old, uint64_t src, bool w)
{
	int64_t so = w ? (int32_t)old : (int64_t)old, ss = w ? (int32_t)src : (int64_t)src;
	uint64_t uo = w ? (uint32_t)old : old, us = w ? (uint32_t)src : src;
	switch (f5) {
	case AMO_SWAP: return src;
	case AMO_ADD: return old + src;
	case AMO_XOR: return old ^ src;
	case AMO_OR: return old | src;
	case AMO_AND: return old & src;
	case AMO_MIN: return so < ss ? old : src;
	case AMO_MAX: return so > ss ? old : src;
	case AMO_MINU: return uo < us ? old : src;
	default: return uo > us ? old : src;	/* AMO_MAXU */
	}
}

static int do_amo(struct hart *h, const struct blk_rec *d)
{
	bool w = d->op == OP_AMO_W;
	unsigned size = w ? 4 : 8;
	void *p;
	uint64_t pa, old, src = h->x[d->rs2];
	int c = atomic_ptr(h, h->x[d->rs1], size, ACC_W, &p, &pa);
	if (c)
		return c;
	if (w) {
		uint32_t cur = __atomic_load_n((uint32_t *)p, __ATOMIC_RELAXED), nv;
		do
			nv = (uint32_t)amo_op(d->aux, cur, src, true);
		while (!__atomic_compare_exchange_n((uint32_t *)p, &cur, nv, true,
						    __ATOMIC_SEQ_CST, __ATOMIC_RELAXED));
		old = sx32(cur);
	} else {
		uint64_t cur = __atomic_load_n((uint64_t *)p, __ATOMIC_RELAXED), nv;
		do
			nv = amo_op(d->aux, cur, src, false);
		while (!__atomic_compare_exchange_n((uint64_t *)p, &cur, nv, true,
						    __ATOMIC_SEQ_CST, __ATOMIC_RELAXED));
		old = cur;
	}
	bus_notify_write(h->bus, pa, size);
	h->x[d->rd] = old;
	return 0;
}

static int do_lr(struct hart *h, const struct blk_rec *d)
{
	bool w = d->op == OP_LR_W;
	unsigned size = w ? 4 : 8;
	void *p;
	uint64_t pa;
	int c = atomic_ptr(h, h->x[d->rs1], size, ACC_R, &p, &pa);
	if (c)
		return c;
	uint64_t v = w ? (uint64_t)__atomic_load_n((uint32_t *)p, __ATOMIC_SEQ_CST)
		       : __atomic_load_n((uint64_t *)p, __ATOMIC_SEQ_CST);
	h->resv_valid = true;
	h->resv_addr = pa;
	h->resv_val = v;
	h->x[d->rd] = w ? sx32(v) : v;
	return 0;
}

static int do_sc(struct hart *h, const struct blk_rec *d)
{
	bool w = d->op == OP_SC_W;
	unsigned size = w ? 4 : 8;
	void *p;
	uint64_t pa;
	int c = atomic_ptr(h, h->x[d->rs1], size, ACC_W, &p, &pa);
	if (c)
		return c;
	bool ok = false;
	if (h->resv_valid && h->resv_addr == pa) {
		if (w) {
			uint32_t expect = (uint32_t)h->resv_val;
			ok = __atomic_compare_exchange_n((uint32_t *)p, &expect,
							 (uint32_t)h->x[d->rs2], false,
							 __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
		} else {
			uint64_t expect = h->resv_val;
			ok = __atomic_compare_exchange_n((uint64_t *)p, &expect, h->x[d->rs2],
							 false, __ATOMIC_SEQ_CST,
							 __ATOMIC_SEQ_CST);
		}
		if (ok)
			bus_notify_write(h->bus, pa, size);
	}
	h->resv_valid = false;
	h->x[d->rd] = !ok;
	return 0;
}

/* CSR instruction; returns 0 or EXC_ILLEGAL. */
static int do_csr(struct hart *h, const struct blk_rec *d)
{
	unsigned csr = d->imm & 0xfff;
	bool imm = d->op >= OP_CSRRWI;
	uint64_t src = imm ? d->rs1 : h->x[d->rs1];
	unsigned kind = (d->op - OP_CSRRW) % 3;	/* 0 write, 1 set, 2 clear */
	bool do_write = kind == 0 || d->rs1 != 0;
	uint64_t old = 0;

	if (csr_read(h, csr, &old))
		return EXC_ILLEGAL;
	if (do_write) {
		uint64_t nv = kind == 0 ? src : kind == 1 ? old | src : old & ~src;
		if (csr_write(h, csr, nv))
			return EXC_ILLEGAL;
	}
	h->x[d->rd] = old;
	return 0;
}

static inline bool fs_off(const struct hart *h)
{
	return !(h->mstatus & MSTATUS_FS);
}

static inline void fs_dirty(struct hart *h)
{
	h->mstatus |= MSTATUS_FS | MSTATUS_SD;
}

static int do_fp(struct hart *h, const struct blk_rec *d)
{
	unsigned rm = d->rm;
	if (fs_off(h))
		return EXC_ILLEGAL;
	if (rm == RM_DYN)
		rm = h->frm;
	if (rm > RM_RMM)
		return EXC_ILLEGAL;
	enum fpu_op op = (enum fpu_op)d->aux;
	if (d->op == OP_FP_FX) {
		h->f[d->rd] = fpu_exec(op, h->x[d->rs1], 0, 0, rm, &h->fflags);
	} else {
		uint64_t r = fpu_exec(op, h->f[d->rs1], h->f[d->rs2], h->f[d->rs3], rm,
				      &h->fflags);
		if (d->op == OP_FP_X)
			h->x[d->rd] = r;
		else
			h->f[d->rd] = r;
	}
	fs_dirty(h);
	return 0;
}

int hart_fp_op(struct hart *h, const struct blk_rec *d)
{
	int c = do_fp(h, d);
	h->x[0] = 0;	/* FP_X may target x0 */
	return c;
}

static void trace_insn(struct hart *h, unsigned prv, uint64_t pc, uint32_t bits,
		       const struct insn *d)
{
	char dis[96], val[64] = "";
	insn_disasm(d, bits, pc, dis, sizeof dis);
	switch (d->op) {
	case OP_BEQ: case OP_BNE: case OP_BLT: case OP_BGE: case OP_BLTU: case OP_BGEU:
	case OP_SB: case OP_SH: case OP_SW: case OP_SD: case OP_FSW: case OP_FSD:
	case OP_FENCE: case OP_FENCE_I: case OP_ECALL: case OP_EBREAK: case OP_MRET:
	case OP_SRET: case OP_WFI: case OP_SFENCE_VMA: case OP_ILLEGAL:
		break;
	case OP_FLW: case OP_FLD: case OP_FP_F: case OP_FP_FX:
		snprintf(val, sizeof val, "   %s <- 0x%016llx", freg_name(d->rd),
			 (unsigned long long)h->f[d->rd]);
		break;
	default:
		if (d->rd)
			snprintf(val, sizeof val, "   %s <- 0x%016llx", reg_name(d->rd),
				 (unsigned long long)h->x[d->rd]);
	}
	if (d->len == 2)
		fprintf(stderr, "core %llu: %u 0x%016llx (0x%04x) %s%s\n",
			(unsigned long long)h->mhartid, prv, (unsigned long long)pc,
			bits & 0xffff, dis, val);
	else
		fprintf(stderr, "core %llu: %u 0x%016llx (0x%08x) %s%s\n",
			(unsigned long long)h->mhartid, prv, (unsigned long long)pc,
			bits, dis, val);
}

/* ------------------------------------------------------------------ */
/* The interpreter loop for one slice: blocks are entered while fewer than
 * n instructions were stepped, and only if they fit in max (the caller's
 * exact budget). Returns instructions stepped. */

__attribute__((optimize("no-crossjumping")))
static uint64_t run_slice(struct hart *h, uint64_t n, uint64_t max)
{
	uint64_t i = 0;		/* instructions stepped (retired + trapped) */
	uint64_t *x = h->x;
	uint64_t pc = h->pc;	/* kept local; h->pc is synced around calls that use it */
	uint64_t bpc = pc;	/* pc of the block's first instruction */
	struct hart_icache *ic = h->icache;
	const bool trace = h->trace;	/* fixed while running */
	h->slice_end = false;
	h->jit_slot = NULL;
	if (unlikely(ic->turn_pending))
		blocks_turn_pending(ic);	/* no block held yet */
	uint64_t t;
	int c;
	struct blk *b = NULL;
	struct blk *pb = NULL;	/* previous block, if the next may be linked to it */
	const struct blk_rec *r, *rb;	/* current record; first one not yet counted */
	struct insn tdec;	/* single-step decode, for trace */
#define d r
	unsigned prv = PRV_M;	/* privilege before the instruction: for trace; the
				 * handlers that need it load it themselves */
	static const void *const dispatch[DISPATCH_NOP + 1] = {
		[OP_ILLEGAL] = &&L_default,
		[OP_LUI] = &&L_OP_LUI,
		[OP_AUIPC] = &&L_OP_AUIPC,
		[OP_JAL] = &&L_OP_JAL,
		[OP_JALR] = &&L_OP_JALR,
		[OP_BEQ] = &&L_OP_BEQ,
		[OP_BNE] = &&L_OP_BNE,
		[OP_BLT] = &&L_OP_BLT,
		[OP_BGE] = &&L_OP_BGE,
		[OP_BLTU] = &&L_OP_BLTU,
		[OP_BGEU] = &&L_OP_BGEU,
		[OP_LB] = &&L_OP_LB,
		[OP_LH] = &&L_OP_LH,
		[OP_LW] = &&L_OP_LW,
		[OP_LD] = &&L_OP_LD,
		[OP_LBU] = &&L_OP_LBU,
		[OP_LHU] = &&L_OP_LHU,
		[OP_LWU] = &&L_OP_LWU,
		[OP_SB] = &&L_OP_SB,
		[OP_SH] = &&L_OP_SH,
		[OP_SW] = &&L_OP_SW,
		[OP_SD] = &&L_OP_SD,
		[OP_ADDI] = &&L_OP_ADDI,
		[OP_SLTI] = &&L_OP_SLTI,
		[OP_SLTIU] = &&L_OP_SLTIU,
		[OP_XORI] = &&L_OP_XORI,
		[OP_ORI] = &&L_OP_ORI,
		[OP_ANDI] = &&L_OP_ANDI,
		[OP_SLLI] = &&L_OP_SLLI,
		[OP_SRLI] = &&L_OP_SRLI,
		[OP_SRAI] = &&L_OP_SRAI,
		[OP_ADD] = &&L_OP_ADD,
		[OP_SUB] = &&L_OP_SUB,
		[OP_SLL] = &&L_OP_SLL,
		[OP_SLT] = &&L_OP_SLT,
		[OP_SLTU] = &&L_OP_SLTU,
		[OP_XOR] = &&L_OP_XOR,
		[OP_SRL] = &&L_OP_SRL,
		[OP_SRA] = &&L_OP_SRA,
		[OP_OR] = &&L_OP_OR,
		[OP_AND] = &&L_OP_AND,
		[OP_ADDIW] = &&L_OP_ADDIW,
		[OP_SLLIW] = &&L_OP_SLLIW,
		[OP_SRLIW] = &&L_OP_SRLIW,
		[OP_SRAIW] = &&L_OP_SRAIW,
		[OP_ADDW] = &&L_OP_ADDW,
		[OP_SUBW] = &&L_OP_SUBW,
		[OP_SLLW] = &&L_OP_SLLW,
		[OP_SRLW] = &&L_OP_SRLW,
		[OP_SRAW] = &&L_OP_SRAW,
		[OP_MUL] = &&L_OP_MUL,
		[OP_MULH] = &&L_OP_MULH,
		[OP_MULHSU] = &&L_OP_MULHSU,
		[OP_MULHU] = &&L_OP_MULHU,
		[OP_DIV] = &&L_OP_DIV,
		[OP_DIVU] = &&L_OP_DIVU,
		[OP_REM] = &&L_OP_REM,
		[OP_REMU] = &&L_OP_REMU,
		[OP_MULW] = &&L_OP_MULW,
		[OP_DIVW] = &&L_OP_DIVW,
		[OP_DIVUW] = &&L_OP_DIVUW,
		[OP_REMW] = &&L_OP_REMW,
		[OP_REMUW] = &&L_OP_REMUW,
		[OP_FENCE] = &&L_OP_FENCE,
		[OP_FENCE_I] = &&L_OP_FENCE_I,
		[OP_ECALL] = &&L_OP_ECALL,
		[OP_EBREAK] = &&L_OP_EBREAK,
		[OP_MRET] = &&L_OP_MRET,
		[OP_SRET] = &&L_OP_SRET,
		[OP_WFI] = &&L_OP_WFI,
		[OP_SFENCE_VMA] = &&L_OP_SFENCE_VMA,
		[OP_CSRRW] = &&L_OP_CSRRW,
		[OP_CSRRS] = &&L_OP_CSRRS,
		[OP_CSRRC] = &&L_OP_CSRRC,
		[OP_CSRRWI] = &&L_OP_CSRRWI,
		[OP_CSRRSI] = &&L_OP_CSRRSI,
		[OP_CSRRCI] = &&L_OP_CSRRCI,
		[OP_LR_W] = &&L_OP_LR_W,
		[OP_LR_D] = &&L_OP_LR_D,
		[OP_SC_W] = &&L_OP_SC_W,
		[OP_SC_D] = &&L_OP_SC_D,
		[OP_AMO_W] = &&L_OP_AMO_W,
		[OP_AMO_D] = &&L_OP_AMO_D,
		[OP_FLW] = &&L_OP_FLW,
		[OP_FLD] = &&L_OP_FLD,
		[OP_FSW] = &&L_OP_FSW,
		[OP_FSD] = &&L_OP_FSD,
		[OP_FP_F] = &&L_OP_FP_F,
		[OP_FP_X] = &&L_OP_FP_X,
		[OP_FP_FX] = &&L_OP_FP_FX,
		[DISPATCH_END] = &&L_END,
		[DISPATCH_NOP] = &&L_NOP,
	};
/* Inside a block the next instruction is the next record: one load and an
 * indirect jump. x0 needs no reset there: ALU ops writing x0 are decoded
 * as L_NOP, and the few other handlers that can write rd = 0 clear x[0]
 * themselves. The pc is only computed where needed: PC is the current
 * instruction's, NPC the next one's. Counters are added per block (done),
 * or up to the current record by SYNC before anything that may look at
 * them (CSRs, traps, device accesses, SBI). */
#define PC (bpc + r->off)
#define NPC (bpc + r[1].off)
#define NEXT do {							\
		r++;							\
		goto *(&&L_END + r->h);					\
	} while (0)
/* Leave the block after the current instruction, at pc target. */
#define JUMP(target) do {						\
		pc = (target);						\
		x[0] = 0;						\
		r++;							\
		goto done;						\
	} while (0)
#define SYNC do {							\
		uint64_t k_ = (uint64_t)(r - rb);			\
		h->retired += k_;					\
		i += k_;						\
		rb = r;							\
	} while (0)
/* Loads and stores: fast path inline; the slow path (TLB miss, MMIO,
 * watched page, page crossing) and a store into a page holding decoded
 * code end the block after the instruction (blk_break). */
#define LOAD(fn, size, sign) do {					\
		uint64_t va_ = x[d->rs1] + d->imm;			\
		if (likely(fn(h, va_, &t))) {				\
			x[d->rd] = t;					\
			x[0] = 0;					\
			NEXT;						\
		}							\
		SYNC;							\
		if ((c = load_ext(h, va_, size, sign, &t)))		\
			goto exc;					\
		x[d->rd] = t;						\
		goto blk_break;						\
	} while (0)
#define STORE(val, size) do {						\
		uint64_t va_ = x[d->rs1] + d->imm;			\
		c = store_fast(h, va_, val, size);			\
		if (likely(c == STORE_DONE))				\
			NEXT;						\
		if (c == STORE_SLOW) {					\
			SYNC;						\
			if ((c = store_slow(h, va_, size, val)))	\
				goto exc;				\
		}							\
		goto blk_break;						\
	} while (0)
	for (;;) {
		if (unlikely(h->slice_end || i >= n ||
			     atomic_load_explicit(&h->req, memory_order_relaxed)))
			break;
		if (unlikely(trace))
			goto single;
		if (pb) {
			/* Chained: the previous block ended in a jump or
			 * branch to this pc. In the same virtual page the
			 * fetch permission it was entered with still holds;
			 * in another page the TLB entry must map pc to the
			 * block's host address (no table probe). */
			struct blk *nb = pb->lpc[0] == pc ? pb->link[0] :
					 pb->lpc[1] == pc ? pb->link[1] : NULL;
			if (likely(nb && nb->key == (ic->epoch |
						     atomic_load_explicit(nb->verp, memory_order_relaxed)) &&
				   nb->n <= max - i)) {
				if (likely(((pc ^ bpc) & ~PAGE_MASK) == 0)) {
					b = nb;
					goto run;
				}
				struct tlb_entry *e = tlb_slot(h, pc);
				if (e->vpn_x == tlb_tag(pc, h->priv) && pc + e->addend == nb->host) {
					b = nb;
					goto run;
				}
			}
		}
		{
			struct tlb_entry *e = tlb_slot(h, pc);
			if (unlikely(e->vpn_x != tlb_tag(pc, h->priv)))
				goto single;	/* fetch_slow fills the TLB */
			uintptr_t hp = pc + e->addend;
			struct blk **set = blk_set(ic, pc);
			struct blk *nb = set[0];
			if (unlikely(nb && nb->host != hp) && set[1] && set[1]->host == hp) {
				set[0] = set[1];	/* most recently used first */
				set[1] = nb;
				nb = set[0];
			}
			if (unlikely(!nb || nb->host != hp ||
				     nb->key != (ic->epoch |
						 atomic_load_explicit(nb->verp, memory_order_relaxed)))) {
				if (!nb || nb->host != hp ||
				    (uint32_t)nb->key != atomic_load_explicit(nb->verp, memory_order_relaxed) ||
				    !block_recheck(ic, nb)) {
					uint64_t fl = ic->flushes;
					nb = block_build(h, pc, hp, dispatch);
					if (ic->flushes != fl)
						pb = NULL;	/* it was in the arena */
					if (!nb)
						goto single;	/* crosses the page end */
				}
			}
			if (pb) {
				/* link pb -> nb */
				unsigned k = pb->lnext;
				pb->lpc[k] = pc;
				pb->link[k] = nb;
				pb->lnext = k ^ 1;
			}
			b = nb;
			if (unlikely(b->n > max - i))
				goto single;	/* exact budget: finish one by one */
		}
run:
		if (unlikely(h->jit_slot)) {
			/* the last host code could not chain to this block:
			 * next time it can (in the same page the slot's code
			 * relies on the host address checked here; in
			 * another it checks the fetch TLB entry itself) */
			if (pb && b->jit && (((pc ^ bpc) & ~PAGE_MASK) != 0 ||
					     b->host == pb->host + (pc - bpc)))
				*(struct blk **)h->jit_slot = b;
			h->jit_slot = NULL;
		}
		bpc = pc;
		pb = b->chain ? b : NULL;
		rb = r = b->r;
		if (unlikely(!b->jit) && b->runs != UINT16_MAX && ++b->runs == ic->hot) {
			block_translate(ic, b);
			if (ic->turn_pending)
				h->slice_end = true;	/* the turn: at the next slice */
		}
		if (b->jit) {
			/* host code runs the leading records, maybe on into
			 * chained blocks (jit.c) */
			jit_fn fn;
			memcpy(&fn, &b->jit, sizeof fn);
			uint64_t lim = (n < max ? n : max) - i;
			if (lim < b->n)
				lim = b->n;	/* b->n <= max - i: checked above */
			h->jit_slot = NULL;
			struct jit_ret jr = fn(h, bpc, lim, b);
			unsigned v = (unsigned)jr.v;
			uint64_t k_ = lim - h->jit_left;
			if (k_) {	/* it went on into chained blocks */
				h->retired += k_;
				i += k_;
				b = jr.b;
				bpc = h->jit_bpc;
				pb = b->chain ? b : NULL;
				rb = r = b->r;
			}
			r += v & (JIT_TAKEN - 1);
			if (v & JIT_TAKEN) {
				pc = PC + r->imm;
				r++;
				goto done;
			}
			if (v & JIT_JUMP) {
				pc = h->jit_pc;
				r++;
				goto done;
			}
		}
		goto *(&&L_END + r->h);

single: {
		/* One instruction through the full fetch path: TLB misses,
		 * page-crossing instructions, budget tails, --trace. */
		uint32_t bits;
		prv = h->priv;
		pb = NULL;
		if (unlikely((c = fetch(h, pc, &bits)))) {
			i++;
			h->pc = pc;
			hart_take_trap(h, c, h->exc_tval);
			pc = h->pc;
			continue;
		}
		b = (struct blk *)(void *)ic->one;
		b->n = 1;
		b->bytes = (uint16_t)insn_length(bits);
		b->chain = false;
		fill_rec(ic, &b->r[0], bits, 0, dispatch);
		end_rec(&b->r[1], b->bytes);
		memcpy((void *)blk_code(b), &bits, b->bytes);
		if (unlikely(trace))
			insn_decode(&tdec, bits);
		bpc = pc;
		rb = r = b->r;
		goto *(&&L_END + r->h);
		}

		L_OP_LUI: x[d->rd] = d->imm; NEXT;
		L_OP_AUIPC: x[d->rd] = PC + d->imm; NEXT;
		L_OP_JAL: t = PC + d->imm; x[d->rd] = NPC; JUMP(t);
		L_OP_JALR:
		t = (x[d->rs1] + d->imm) & ~1ULL;
		x[d->rd] = NPC;
		JUMP(t);
		/* Conditional branches do not end a block: taken, they leave
		 * it (the next block may be chained); not taken, it goes on. */
#define BRANCH(cond) do {						\
		if (cond) {						\
			pc = PC + d->imm;				\
			r++;						\
			goto done;					\
		}							\
		NEXT;							\
	} while (0)
		L_OP_BEQ: BRANCH(x[d->rs1] == x[d->rs2]);
		L_OP_BNE: BRANCH(x[d->rs1] != x[d->rs2]);
		L_OP_BLT: BRANCH((int64_t)x[d->rs1] < (int64_t)x[d->rs2]);
		L_OP_BGE: BRANCH((int64_t)x[d->rs1] >= (int64_t)x[d->rs2]);
		L_OP_BLTU: BRANCH(x[d->rs1] < x[d->rs2]);
		L_OP_BGEU: BRANCH(x[d->rs1] >= x[d->rs2]);
#undef BRANCH

		L_OP_LB: LOAD(load_i8, 1, true);
		L_OP_LH: LOAD(load_i16, 2, true);
		L_OP_LW: LOAD(load_i32, 4, true);
		L_OP_LD: LOAD(load_u64, 8, false);
		L_OP_LBU: LOAD(load_u8, 1, false);
		L_OP_LHU: LOAD(load_u16, 2, false);
		L_OP_LWU: LOAD(load_u32, 4, false);
		L_OP_SB: STORE(x[d->rs2], 1);
		L_OP_SH: STORE(x[d->rs2], 2);
		L_OP_SW: STORE(x[d->rs2], 4);
		L_OP_SD: STORE(x[d->rs2], 8);

		L_OP_ADDI: x[d->rd] = x[d->rs1] + d->imm; NEXT;
		L_OP_SLTI: x[d->rd] = (int64_t)x[d->rs1] < d->imm; NEXT;
		L_OP_SLTIU: x[d->rd] = x[d->rs1] < (uint64_t)d->imm; NEXT;
		L_OP_XORI: x[d->rd] = x[d->rs1] ^ d->imm; NEXT;
		L_OP_ORI: x[d->rd] = x[d->rs1] | d->imm; NEXT;
		L_OP_ANDI: x[d->rd] = x[d->rs1] & d->imm; NEXT;
		L_OP_SLLI: x[d->rd] = x[d->rs1] << d->imm; NEXT;
		L_OP_SRLI: x[d->rd] = x[d->rs1] >> d->imm; NEXT;
		L_OP_SRAI: x[d->rd] = (int64_t)x[d->rs1] >> d->imm; NEXT;
		L_OP_ADD: x[d->rd] = x[d->rs1] + x[d->rs2]; NEXT;
		L_OP_SUB: x[d->rd] = x[d->rs1] - x[d->rs2]; NEXT;
		L_OP_SLL: x[d->rd] = x[d->rs1] << (x[d->rs2] & 63); NEXT;
		L_OP_SLT: x[d->rd] = (int64_t)x[d->rs1] < (int64_t)x[d->rs2]; NEXT;
		L_OP_SLTU: x[d->rd] = x[d->rs1] < x[d->rs2]; NEXT;
		L_OP_XOR: x[d->rd] = x[d->rs1] ^ x[d->rs2]; NEXT;
		L_OP_SRL: x[d->rd] = x[d->rs1] >> (x[d->rs2] & 63); NEXT;
		L_OP_SRA: x[d->rd] = (int64_t)x[d->rs1] >> (x[d->rs2] & 63); NEXT;
		L_OP_OR: x[d->rd] = x[d->rs1] | x[d->rs2]; NEXT;
		L_OP_AND: x[d->rd] = x[d->rs1] & x[d->rs2]; NEXT;
		L_OP_ADDIW: x[d->rd] = sx32(x[d->rs1] + d->imm); NEXT;
		L_OP_SLLIW: x[d->rd] = sx32((uint32_t)x[d->rs1] << d->imm); NEXT;
		L_OP_SRLIW: x[d->rd] = sx32((uint32_t)x[d->rs1] >> d->imm); NEXT;
		L_OP_SRAIW: x[d->rd] = (uint64_t)(int64_t)((int32_t)x[d->rs1] >> d->imm); NEXT;
		L_OP_ADDW: x[d->rd] = sx32(x[d->rs1] + x[d->rs2]); NEXT;
		L_OP_SUBW: x[d->rd] = sx32(x[d->rs1] - x[d->rs2]); NEXT;
		L_OP_SLLW: x[d->rd] = sx32((uint32_t)x[d->rs1] << (x[d->rs2] & 31)); NEXT;
		L_OP_SRLW: x[d->rd] = sx32((uint32_t)x[d->rs1] >> (x[d->rs2] & 31)); NEXT;
		L_OP_SRAW: x[d->rd] = (uint64_t)(int64_t)((int32_t)x[d->rs1] >> (x[d->rs2] & 31)); NEXT;

		L_OP_MUL: x[d->rd] = x[d->rs1] * x[d->rs2]; NEXT;
		L_OP_MULH: 
		x[d->rd] = (uint64_t)(((__int128)(int64_t)x[d->rs1] * (__int128)(int64_t)x[d->rs2]) >> 64);
		NEXT;
		L_OP_MULHSU: 
		x[d->rd] = (uint64_t)(((__int128)(int64_t)x[d->rs1] *
				       (__int128)(unsigned __int128)x[d->rs2]) >> 64);
		NEXT;
		L_OP_MULHU: 
		x[d->rd] = (uint64_t)(((unsigned __int128)x[d->rs1] * x[d->rs2]) >> 64);
		NEXT;
		L_OP_DIV: {
		int64_t a = x[d->rs1], b = x[d->rs2];
		x[d->rd] = b == 0 ? ~0ULL : (a == INT64_MIN && b == -1) ? (uint64_t)a
			   : (uint64_t)(a / b);
		NEXT;
		}
		L_OP_DIVU: x[d->rd] = x[d->rs2] ? x[d->rs1] / x[d->rs2] : ~0ULL; NEXT;
		L_OP_REM: {
		int64_t a = x[d->rs1], b = x[d->rs2];
		x[d->rd] = b == 0 ? (uint64_t)a : (a == INT64_MIN && b == -1) ? 0
			   : (uint64_t)(a % b);
		NEXT;
		}
		L_OP_REMU: x[d->rd] = x[d->rs2] ? x[d->rs1] % x[d->rs2] : x[d->rs1]; NEXT;
		L_OP_MULW: x[d->rd] = sx32(x[d->rs1] * x[d->rs2]); NEXT;
		L_OP_DIVW: {
		int32_t a = x[d->rs1], b = x[d->rs2];
		x[d->rd] = b == 0 ? ~0ULL : (a == INT32_MIN && b == -1) ? sx32(a)
			   : sx32(a / b);
		NEXT;
		}
		L_OP_DIVUW: {
		uint32_t a = x[d->rs1], b = x[d->rs2];
		x[d->rd] = b ? sx32(a / b) : ~0ULL;
		NEXT;
		}
		L_OP_REMW: {
		int32_t a = x[d->rs1], b = x[d->rs2];
		x[d->rd] = b == 0 ? sx32(a) : (a == INT32_MIN && b == -1) ? 0
			   : sx32(a % b);
		NEXT;
		}
		L_OP_REMUW: {
		uint32_t a = x[d->rs1], b = x[d->rs2];
		x[d->rd] = b ? sx32(a % b) : sx32(a);
		NEXT;
		}

		L_OP_FENCE: 
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		if (d->imm == PAUSE_IMM && !d->rd && !d->rs1) {
			/* Zihintpause: the guest spin-waits (cpu_relax).
			 * Leave the slice so hart_run can give the host
			 * CPU to the vCPU being waited for. */
			h->paused = true;
			h->slice_end = true;
		}
		NEXT;
		L_OP_FENCE_I:
		/* Blocks of pages this hart stored to are stale already (the
		 * code version); this also drops what other harts changed. The
		 * current block stays readable until the next build. */
		blocks_fence(ic);
		NEXT;
		L_OP_ECALL:
		SYNC;
		prv = h->priv;
		if (prv == PRV_S && h->env.ecall) {
			h->pc = PC;
			if (h->env.ecall(h, h->env.opaque)) {
				h->slice_end = true;
				JUMP(h->pc + 4);
			}
		}
		c = prv == PRV_U ? EXC_ECALL_U : prv == PRV_S ? EXC_ECALL_S : EXC_ECALL_M;
		h->exc_tval = 0;
		goto exc;
		L_OP_EBREAK:
		c = EXC_BREAKPOINT;
		h->exc_tval = PC;
		goto exc;
		L_OP_MRET: {
		prv = h->priv;
		if (prv != PRV_M)
			goto illegal;
		uint64_t s = h->mstatus;
		unsigned mpp = (s >> MSTATUS_MPP_SHIFT) & 3;
		s = (s & ~MSTATUS_MIE) | ((s & MSTATUS_MPIE) ? MSTATUS_MIE : 0);
		s |= MSTATUS_MPIE;
		s &= ~MSTATUS_MPP;
		if (mpp != PRV_M)
			s &= ~MSTATUS_MPRV;
		h->mstatus = s;
		h->priv = mpp;
		hart_update_dprv(h);
		h->slice_end = true;
		JUMP(h->mepc);
		}
		L_OP_SRET: {
		prv = h->priv;
		if (prv == PRV_U || (prv == PRV_S && (h->mstatus & MSTATUS_TSR)))
			goto illegal;
		uint64_t s = h->mstatus;
		unsigned spp = (s & MSTATUS_SPP) ? PRV_S : PRV_U;
		s = (s & ~MSTATUS_SIE) | ((s & MSTATUS_SPIE) ? MSTATUS_SIE : 0);
		s |= MSTATUS_SPIE;
		s &= ~(MSTATUS_SPP | MSTATUS_MPRV);
		h->mstatus = s;
		h->priv = spp;
		hart_update_dprv(h);
		h->slice_end = true;
		JUMP(h->sepc);
		}
		L_OP_WFI:
		prv = h->priv;
		if (prv == PRV_U || (prv == PRV_S && (h->mstatus & MSTATUS_TW)))
			goto illegal;
		SYNC;	/* bare mode: time follows the retired count */
		h->pc = NPC;
		hart_poll_timers(h);
		if (!((atomic_load(&h->mip) | h->timer_ip) & h->mie)) {
			h->wfi = true;
			h->exit_code = HART_EXIT_WFI;
		}
		h->slice_end = true;
		NEXT;
		L_OP_SFENCE_VMA:
		prv = h->priv;
		if (prv == PRV_U || (prv == PRV_S && (h->mstatus & MSTATUS_TVM)))
			goto illegal;
		if (d->rs1 && (x[d->rs1] < h->super_lo || x[d->rs1] > h->super_hi)) {
			/* One entry per 4 KiB virtual page and va is outside
			 * every cached superpage: only its slot can hold it. */
			struct tlb_entry *e = tlb_slot(h, x[d->rs1]);
			e->vpn_r = e->vpn_w = e->vpn_x = ~0ULL;
		} else {
			tlb_flush(h);
		}
		NEXT;
		L_OP_CSRRW: L_OP_CSRRS: L_OP_CSRRC:
		L_OP_CSRRWI: L_OP_CSRRSI: L_OP_CSRRCI:
		SYNC;	/* counters are exact before the instruction */
		if ((c = do_csr(h, d)))
			goto illegal;
		x[0] = 0;
		NEXT;

		L_OP_LR_W: L_OP_LR_D:
		if ((c = do_lr(h, d))) goto exc;
		x[0] = 0;
		NEXT;
		L_OP_SC_W: L_OP_SC_D:
		SYNC;	/* a watched page may see the write */
		if ((c = do_sc(h, d))) goto exc;
		x[0] = 0;
		NEXT;
		L_OP_AMO_W: L_OP_AMO_D:
		SYNC;
		if ((c = do_amo(h, d))) goto exc;
		x[0] = 0;
		NEXT;

		L_OP_FLW:
		if (fs_off(h)) goto illegal;
		{
			uint64_t va_ = x[d->rs1] + d->imm;
			bool slow = !load_u32(h, va_, &t);
			if (slow) {
				SYNC;
				if ((c = load_ext(h, va_, 4, false, &t)))
					goto exc;
			}
			h->f[d->rd] = t | 0xffffffff00000000ULL;
			fs_dirty(h);
			if (slow)
				goto blk_break;
		}
		NEXT;
		L_OP_FLD:
		if (fs_off(h)) goto illegal;
		{
			uint64_t va_ = x[d->rs1] + d->imm;
			bool slow = !load_u64(h, va_, &t);
			if (slow) {
				SYNC;
				if ((c = load_ext(h, va_, 8, false, &t)))
					goto exc;
			}
			h->f[d->rd] = t;
			fs_dirty(h);
			if (slow)
				goto blk_break;
		}
		NEXT;
		L_OP_FSW:
		if (fs_off(h)) goto illegal;
		STORE(h->f[d->rs2], 4);
		L_OP_FSD:
		if (fs_off(h)) goto illegal;
		STORE(h->f[d->rs2], 8);
		L_OP_FP_F: L_OP_FP_X: L_OP_FP_FX:
		if (do_fp(h, d)) goto illegal;
		x[0] = 0;	/* FP_X may target x0 */
		NEXT;
		L_NOP:	/* an ALU op writing x0 */
		NEXT;
		L_default:
		goto illegal;

blk_break:
		/* The instruction at r completed; the block must not go on
		 * (its code may be stale, or a device was involved). */
		x[0] = 0;
		pc = NPC;
		r++;
		pb = NULL;
		goto done;
L_END:
		/* END record: fall through to the next block. */
		pc = bpc + r->off;
done: {
		uint64_t k_ = (uint64_t)(r - rb);
		h->retired += k_;
		i += k_;
		if (unlikely(trace)) {
			uint32_t w = 0;
			memcpy(&w, blk_code(b), b->bytes);
			trace_insn(h, prv, bpc, w, &tdec);
		}
		continue;
		}
illegal: {
		uint32_t w = 0;
		memcpy(&w, blk_code(b) + r->off, (unsigned)(r[1].off - r->off));
		c = EXC_ILLEGAL;
		h->exc_tval = w;
		}
exc: {
		uint64_t k_ = (uint64_t)(r - rb);
		pc = PC;
		h->retired += k_;
		i += k_ + 1;	/* the trapping instruction is stepped, not retired */
		x[0] = 0;
		pb = NULL;
		if (unlikely(trace))
			fprintf(stderr, "core %llu: exception %d, epc 0x%016llx, tval 0x%016llx\n",
				(unsigned long long)h->mhartid, c, (unsigned long long)pc,
				(unsigned long long)h->exc_tval);
		h->pc = pc;
		hart_take_trap(h, c, h->exc_tval);
		pc = h->pc;
		}
	}
	h->pc = pc;
	return i;
#undef NEXT
#undef JUMP
#undef PC
#undef NPC
#undef SYNC
#undef LOAD
#undef STORE
#undef d
}

/* ------------------------------------------------------------------ */
/* Public interface */

static void handle_requests(struct hart *h, uint32_t req)
{
	if (req & (HART_REQ_TLB | HART_REQ_FENCEI)) {
		if (req & HART_REQ_TLB)
			tlb_flush(h);
		if (req & HART_REQ_FENCEI)
			blocks_fence(h->icache);
		atomic_fetch_add(&h->flush_ack, 1);
	}
}

enum hart_exit hart_run(struct hart *h, uint64_t max_insns)
{
	uint64_t left = max_insns ? max_insns : UINT64_MAX;
	h->exit_code = -1;
	h->wfi = false;
	hart_update_dprv(h);	/* in case the caller changed priv/mstatus */
	while (left) {
		uint32_t req = atomic_exchange_explicit(&h->req, 0, memory_order_acquire);
		if (req) {
			handle_requests(h, req);
			if (req & HART_REQ_EXIT)
				return HART_EXIT_STOP;
		}
		if (h->halt)
			return HART_EXIT_HALT;
		if (atomic_load_explicit(&h->bus->gen, memory_order_relaxed) != h->tlb_gen) {
			tlb_flush(h);
			blocks_flush(h->icache);
		}
		hart_poll_timers(h);
		int irq = hart_pending_irq(h);
		if (irq >= 0) {
			if (unlikely(h->trace))
				fprintf(stderr, "core %llu: interrupt %d, epc 0x%016llx\n",
					(unsigned long long)h->mhartid, irq,
					(unsigned long long)h->pc);
			hart_take_trap(h, (1ULL << 63) | irq, 0);
		}
		h->paused = false;
		uint64_t n = run_slice(h, left < SLICE ? left : SLICE, left);
		left -= n;
		h->steps += n;
		if (unlikely(h->paused)) {
			if (++h->pause_streak >= PAUSE_EXIT && !h->halt &&
			    h->exit_code < 0)
				return HART_EXIT_PAUSE;
		} else {
			h->pause_streak = 0;
		}
		if (h->halt)
			return HART_EXIT_HALT;
		if (h->exit_code >= 0)
			return (enum hart_exit)h->exit_code;
	}
	return HART_EXIT_BUDGET;
}

void hart_reset(struct hart *h)
{
	struct bus *bus = h->bus;
	struct hart_env env = h->env;
	uint64_t id = h->mhartid;
	struct hart_icache *ic = h->icache;
	bool trace = h->trace;

	memset(h->x, 0, sizeof h->x);
	memset(h->f, 0, sizeof h->f);
	h->pc = 0;
	h->priv = PRV_M;
	h->fflags = h->frm = 0;
	h->mstatus = (2ULL << 32) | (2ULL << 34);
	/* rv64 + A C D F I M S U */
	h->misa = (2ULL << 62) | (1 << 0) | (1 << 2) | (1 << 3) | (1 << 5) | (1 << 8) |
		  (1 << 12) | (1 << 18) | (1 << 20);
	h->medeleg = h->mideleg = h->mie = 0;
	atomic_store(&h->mip, 0);
	h->mtvec = h->stvec = h->mepc = h->sepc = 0;
	h->mcause = h->scause = h->mtval = h->stval = 0;
	h->mscratch = h->sscratch = h->satp = 0;
	h->mcounteren = h->scounteren = h->mcountinhibit = 0;
	h->menvcfg = h->senvcfg = 0;
	h->pmpcfg[0] = h->pmpcfg[1] = 0;
	memset(h->pmpaddr, 0, sizeof h->pmpaddr);
	h->mcycle_off = h->minstret_off = 0;
	h->mtimecmp = h->stimecmp = UINT64_MAX;
	h->resv_valid = false;
	h->halt = h->wfi = false;
	h->last_trap_pc = h->last_trap_cause = ~0ULL;
	h->trap_repeat = 0;
	h->timer_ip = 0;
	h->cy_inc = h->ir_inc = 1;
	h->retired = 0;
	h->last_trap_instret = ~0ULL;
	h->exit_code = -1;
	h->pause_streak = 0;
	h->bus = bus;
	h->env = env;
	h->mhartid = id;
	h->icache = ic;
	h->trace = trace;
	/* The bus's code versions, addressable by host page number (RAM is
	 * page aligned): one shift and add on the store fast path. */
	h->cv_base = (uintptr_t)bus->code_ver -
		     ((uintptr_t)bus->ram >> BUS_PAGE_SHIFT) * sizeof(uint32_t);
	hart_update_dprv(h);
	tlb_flush(h);
	if (ic)
		blocks_flush(ic);	/* the loader may have rewritten RAM */
	if (h->env.ecall)
		hart_pmp_allow_all(h);
}

int hart_init(struct hart *h, struct bus *bus, uint64_t hartid,
	      const struct hart_env *env)
{
	memset(h, 0, sizeof *h);
	/* mmap, not calloc: the ~2.6 MiB must stay lazily backed (an idle
	 * vCPU touches a few pages), and malloc may hand out recycled heap
	 * memory that calloc then clears page by page. */
	/* Executable: the arena holds the blocks' host code (jit.c).
	 * DOMUS_JIT=0 keeps the interpreter alone (a mapping without
	 * PROT_EXEC). */
	const char *js = getenv("DOMUS_JIT");
	bool jit = !(js && !strcmp(js, "0"));
	void *ic = mmap(NULL, sizeof *h->icache,
			PROT_READ | PROT_WRITE | (jit ? PROT_EXEC : 0),
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (ic == MAP_FAILED && jit) {	/* W^X enforced by the host: interpret */
		jit = false;
		ic = mmap(NULL, sizeof *h->icache, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	}
	if (ic == MAP_FAILED)
		return -ENOMEM;
	h->icache = ic;
	h->icache->clean = true;
	h->icache->jit = jit;
	/* DOMUS_JIT_HOT=N: translate after N entries (tests use 1, so that
	 * code run once goes through the translator too) */
	const char *hs = getenv("DOMUS_JIT_HOT");
	long hot = hs ? strtol(hs, NULL, 10) : 0;
	h->icache->hot = hot >= 1 && hot <= 65535 ? (uint16_t)hot : JIT_HOT;
	h->bus = bus;
	if (env)
		h->env = *env;
	h->mhartid = hartid;
	pthread_mutex_init(&h->lock, NULL);
	pthread_cond_init(&h->cond, NULL);
	atomic_store(&h->req, 0);
	atomic_store(&h->flush_ack, 0);
	hart_reset(h);
	return 0;
}

void hart_destroy(struct hart *h)
{
	if (h->icache && getenv("DOMUS_BLKSTATS"))
		fprintf(stderr, "hart %llu: builds %llu flushes %llu fences %llu rechecks %llu translated %llu used %zu retired %llu\n",
			(unsigned long long)h->mhartid, (unsigned long long)h->icache->builds,
			(unsigned long long)h->icache->flushes, (unsigned long long)h->icache->fences,
			(unsigned long long)h->icache->rechecks, (unsigned long long)h->icache->translated,
			h->icache->used, (unsigned long long)h->retired);
	if (h->icache)
		munmap(h->icache, sizeof *h->icache);
	h->icache = NULL;
	pthread_mutex_destroy(&h->lock);
	pthread_cond_destroy(&h->cond);
}

void hart_pmp_allow_all(struct hart *h)
{
	h->pmpaddr[0] = (1ULL << 54) - 1;
	h->pmpcfg[0] = (h->pmpcfg[0] & ~0xffULL) | 0x1f;	/* NAPOT, RWX */
	tlb_flush(h);
}

uint64_t hart_next_deadline(struct hart *h)
{
	uint64_t d = h->mtimecmp;
	if (h->env.ecall && h->stimecmp < d)
		d = h->stimecmp;
	return d;
}

void hart_wait(struct hart *h, uint64_t timeout_ns)
{
	struct timespec ts;
	pthread_mutex_lock(&h->lock);
	if (!atomic_load(&h->req)) {
		clock_gettime(CLOCK_REALTIME, &ts);
		uint64_t ns = ts.tv_nsec + (timeout_ns % 1000000000ULL);
		ts.tv_sec += timeout_ns / 1000000000ULL + ns / 1000000000ULL;
		ts.tv_nsec = ns % 1000000000ULL;
		pthread_cond_timedwait(&h->cond, &h->lock, &ts);
	}
	pthread_mutex_unlock(&h->lock);
}

void hart_kick(struct hart *h)
{
	pthread_mutex_lock(&h->lock);
	pthread_cond_broadcast(&h->cond);
	pthread_mutex_unlock(&h->lock);
	if (h->env.kick)
		h->env.kick(h->env.opaque);
}

void hart_request(struct hart *h, uint32_t req)
{
	atomic_fetch_or(&h->req, req);
	hart_kick(h);
}

void hart_set_mip(struct hart *h, uint64_t bits)
{
	atomic_fetch_or(&h->mip, bits);
	hart_request(h, HART_REQ_IRQ);
}

void hart_clear_mip(struct hart *h, uint64_t bits)
{
	atomic_fetch_and(&h->mip, ~bits);
	hart_request(h, HART_REQ_IRQ);
}

int hart_disasm(uint32_t insn, uint64_t pc, char *buf, unsigned len)
{
	struct insn d;
	insn_decode(&d, insn);
	return insn_disasm(&d, insn, pc, buf, len);
}
