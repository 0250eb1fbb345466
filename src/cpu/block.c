/*
 * Decoded blocks: the decode memo, building a block from a code page,
 * the block table and arena (two halves, the older one dropped when
 * full), links, and the FENCE.I re-check. How they run: run_slice in
 * hart.c; the rules: docs/cpu.md.
 */
#include <string.h>

#include "cpu/block.h"
#include "cpu/cpu_internal.h"
#include "cpu/jit.h"

#define PAGE_MASK 0xfffULL

/* Ops after which a block ends: jumps (conditional branches leave the
 * block only when taken), and everything that may
 * change privilege, translation, interrupt state or the code itself, or
 * that calls out of the core. The next block's lookup re-checks the fetch
 * permission through the TLB. */
static const bool op_ends_block[OP__COUNT] = {
	[OP_ILLEGAL] = true,
	[OP_JAL] = true, [OP_JALR] = true,
	[OP_FENCE] = true, [OP_FENCE_I] = true,
	[OP_ECALL] = true, [OP_EBREAK] = true, [OP_MRET] = true, [OP_SRET] = true,
	[OP_WFI] = true, [OP_SFENCE_VMA] = true,
	[OP_CSRRW] = true, [OP_CSRRS] = true, [OP_CSRRC] = true,
	[OP_CSRRWI] = true, [OP_CSRRSI] = true, [OP_CSRRCI] = true,
	[OP_LR_W] = true, [OP_SC_W] = true, [OP_AMO_W] = true,
	[OP_LR_D] = true, [OP_SC_D] = true, [OP_AMO_D] = true,
};


/* FENCE.I (local or remote): every store of this hart, and every write of
 * another hart or device that saw the page marked, has made the blocks of
 * the page stale already; what remains is a write racing with the
 * decode (another hart's store still in its host store buffer). Blocks
 * from before the fence are re-checked against memory at their next use
 * (block_recheck), which is much cheaper than decoding them again. */
void blocks_fence(struct hart_icache *ic)
{
	ic->epoch += 1ULL << 32;
	ic->fences++;
}

/* Forget every decoded block (reset, bus change, arena full). Links only
 * exist between blocks of the arena, so they go too. */
void blocks_flush(struct hart_icache *ic)
{
	if (!ic->clean)		/* keep a never-used cache untouched (lazily backed) */
		memset(ic->tab, 0, sizeof ic->tab);
	ic->clean = true;
	ic->turn_pending = false;
	ic->used = 0;
	ic->fill = 0;
	ic->end[0] = ic->end[1] = 0;
	ic->flushes++;
}

#define HALF (BLK_ARENA / 2)

static bool in_half(const struct hart_icache *ic, const struct blk *b, unsigned half)
{
	uintptr_t lo = (uintptr_t)ic->arena + half * HALF;
	return (uintptr_t)b - lo < HALF;
}

/* The half being filled is full: drop the blocks of the other (older)
 * half and fill that one. The table and the links of the surviving half
 * forget the dropped blocks; recently built ones stay. */
static void blocks_turn(struct hart_icache *ic)
{
	unsigned cur = ic->fill, old = cur ^ 1;
	ic->end[cur] = ic->used;
	for (unsigned k = 0; k < BLK_TAB; k++)
		if (ic->tab[k] && in_half(ic, ic->tab[k], old))
			ic->tab[k] = NULL;
	for (size_t at = cur * HALF; at < ic->end[cur];) {
		struct blk *b = (struct blk *)(void *)(ic->arena + at);
		for (unsigned k = 0; k < 2; k++)
			if (b->link[k] && in_half(ic, b->link[k], old)) {
				b->link[k] = NULL;
				b->lpc[k] = 1;
			}
		if (b->jsz) {	/* a chunk of host code: its chain slots */
			struct blk **sl = jit_slots(b);
			for (unsigned k = 0; k < JIT_SLOTS; k++)
				if (sl[k] && in_half(ic, sl[k], old))
					sl[k] = NULL;
		}
		at += blk_size(b);
	}
	ic->used = old * HALF;
	ic->fill = old;
	ic->end[old] = ic->used;
	ic->flushes++;
}

/* Between blocks (no block running, no link held): the turn that
 * block_translate asked for. */
void blocks_turn_pending(struct hart_icache *ic)
{
	ic->turn_pending = false;
	blocks_turn(ic);
}

/* Record for the instruction bits at byte offset off of its block;
 * returns its length. Records are memoised by the bits alone (the same
 * words recur all over the code, and blocks are rebuilt after a half of
 * the arena is dropped): a full decode only for new words. */
unsigned fill_rec(struct hart_icache *ic, struct blk_rec *r, uint32_t bits,
		  unsigned off, const void *const *dispatch)
{
	uint32_t k = (bits ^ (bits >> 13) ^ (bits >> 21)) & (DCACHE_SIZE - 1);
	typeof(ic->memo[0]) *e = &ic->memo[k];
	uint64_t key = bits | (1ULL << 32);
	if (e->key != key) {
		struct insn d;
		insn_decode(&d, bits);
		if (d.op >= OP__COUNT)	/* cannot happen; the dispatch relies on it */
			d.op = OP_ILLEGAL;
		/* ALU ops writing x0 have no effect at all: run them as
		 * L_NOP, so that the other handlers need not reset x0. */
		bool nop = d.rd == 0 && (d.op == OP_LUI || d.op == OP_AUIPC ||
					 (d.op >= OP_ADDI && d.op <= OP_REMUW));
		const void *hl = dispatch[nop ? DISPATCH_NOP : d.op];
		e->r.h = (int32_t)((const char *)hl - (const char *)dispatch[DISPATCH_END]);
		e->r.imm = (int32_t)d.imm;
		e->r.op = d.op;
		e->r.rd = d.rd;
		e->r.rs1 = d.rs1;
		e->r.rs2 = d.rs2;
		e->r.rs3 = d.rs3;
		e->r.aux = d.aux;
		e->r.rm = d.rm;
		e->r.off = (uint8_t)d.len;	/* the memo keeps the length here */
		e->key = key;
	}
	unsigned len = e->r.off;
	*r = e->r;
	r->off = (uint8_t)off;
	return len;
}

void end_rec(struct blk_rec *r, unsigned off)
{
	memset(r, 0, sizeof *r);	/* h = 0: the END label */
	r->off = (uint8_t)off;
}

/* b was decoded before the last fence and its page version still matches:
 * valid again if memory still holds the same instruction bytes. */
bool block_recheck(struct hart_icache *ic, struct blk *b)
{
	ic->rechecks++;
	if (memcmp((const void *)b->host, blk_code(b), b->bytes))
		return false;
	b->key = ic->epoch | (uint32_t)b->key;
	return true;
}

/* b has become hot: translate it into a chunk at the end of the filling
 * half (see struct blk). Without room there it stays interpreted for now
 * (making room would drop blocks, maybe b itself, while it runs). */
void block_translate(struct hart_icache *ic, struct blk *b)
{
	size_t head = BLK_BYTES(0, JIT_SLOTS * sizeof(struct blk *));
	if (!ic->jit)
		return;
	if (ic->used + head + JIT_MAX > (size_t)(ic->fill + 1) * HALF) {
		/* The half is full: turn the arena before the next block
		 * (blocks_turn_pending; a working set that builds no more
		 * blocks would otherwise never be translated), and try again
		 * after ic->hot more entries. */
		ic->turn_pending = true;
		b->runs = 0;
		return;
	}
	struct blk *c = (struct blk *)(void *)(ic->arena + ic->used);
	memset(c, 0, head);
	c->lpc[0] = c->lpc[1] = 1;
	c->bytes = JIT_SLOTS * sizeof(struct blk *);
	size_t len = jit_translate(b, c, (unsigned char *)c + head, JIT_MAX);
	if (!len) {
		b->runs = UINT16_MAX;	/* never again (run_slice stops counting) */
		return;
	}
	c->jsz = (uint16_t)((len + 15) & ~(size_t)15);
	ic->used += blk_size(c);
	ic->translated++;
	b->jit = (unsigned char *)c + head;
}

/* Decode the block at pc, whose host address (from the fetch TLB entry,
 * so a RAM page) is hp. NULL if its first instruction crosses the page end
 * (the single-step path fetches those). Only bytes of hp's page are read,
 * and at most BLK_BYTES(BLK_MAX, 4 * BLK_MAX) of the arena written. */
struct blk *block_build(struct hart *h, uint64_t pc, uintptr_t hp,
			       const void *const *dispatch)
{
	struct hart_icache *ic = h->icache;
	/* The filling half is tracked explicitly: a half filled to exactly
	 * its end leaves `used` at the other half's start, whose blocks are
	 * still live (in the table and linked): deriving the half from `used`
	 * there overwrote them (a guest-reachable wild jump). */
	if (ic->used + BLK_BYTES(BLK_MAX, 4 * BLK_MAX) > (size_t)(ic->fill + 1) * HALF)
		blocks_turn(ic);
	struct blk *b = (struct blk *)(void *)(ic->arena + ic->used);
	_Atomic uint32_t *verp = code_ver_of(h, hp);
	/* Mark the page as holding code before reading it: a store from now
	 * on bumps the version and the block goes stale. */
	uint32_t ver = atomic_load_explicit(verp, memory_order_acquire);
	if (!(ver & 1))
		ver = atomic_fetch_or(verp, 1) | 1;
	/* Decode from one copy of the bytes (another hart may be writing
	 * them): the block's code copy is exactly what was decoded. */
	unsigned char buf[4 * BLK_MAX];
	unsigned off0 = pc & PAGE_MASK, off = 0, n = 0;
	unsigned avail = BUS_PAGE_SIZE - off0 < sizeof buf ? BUS_PAGE_SIZE - off0 : sizeof buf;
	memcpy(buf, (const void *)hp, avail);
	bool chain = true;
	while (off + 2 <= avail) {
		uint16_t lo, hi = 0;
		memcpy(&lo, buf + off, 2);
		if ((lo & 3) == 3) {
			if (off + 4 > avail)
				break;
			memcpy(&hi, buf + off + 2, 2);
		}
		struct blk_rec *r = &b->r[n++];
		off += fill_rec(ic, r, lo | (uint32_t)hi << 16, off, dispatch);
		if (op_ends_block[r->op]) {
			/* FENCE changes no translation, privilege or PMP:
			 * its successor may be linked (and chained) too */
			chain = r->op == OP_JAL || r->op == OP_JALR || r->op == OP_FENCE ||
				(r->op >= OP_BEQ && r->op <= OP_BGEU);
			break;
		}
		if (n == BLK_MAX)
			break;
	}
	if (!n)
		return NULL;
	end_rec(&b->r[n], off);
	b->host = hp;
	b->verp = verp;
	b->key = ic->epoch | ver;
	b->lpc[0] = b->lpc[1] = 1;	/* odd: never a pc */
	b->link[0] = b->link[1] = NULL;
	b->n = (uint16_t)n;
	b->bytes = (uint16_t)off;
	b->chain = chain;
	b->lnext = 0;
	b->runs = 0;
	b->jit = NULL;
	b->jsz = 0;
	memcpy((void *)blk_code(b), buf, off);
	ic->used += blk_size(b);
	ic->builds++;
	ic->clean = false;
	struct blk **set = blk_set(ic, pc);
	set[1] = set[0];
	set[0] = b;
	return b;
}
