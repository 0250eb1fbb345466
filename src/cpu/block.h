/*
 * Decoded blocks (block.c; executed by run_slice in hart.c): layout, the
 * per-hart cache that holds them, and the build/invalidation operations.
 * Internal to src/cpu.
 */
#ifndef DOMUS_CPU_BLOCK_H
#define DOMUS_CPU_BLOCK_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

#include "cpu/bus.h"
#include "cpu/decode.h"
#include "cpu/hart.h"

#define DCACHE_SIZE 16384	/* record memo entries: by instruction bits */
#define BLK_TAB 32768		/* block table entries (2-way sets, by pc) */
#define BLK_MAX 63		/* instructions per block (latency bound; offsets fit 8 bits) */
#define BLK_ARENA (8u << 20)	/* bytes of decoded blocks and their host
				 * code (two halves; lazily backed) */

/* One decoded instruction of a block (16 bytes): struct insn's fields,
 * the immediate narrowed (every RV64GC immediate fits 32 bits) and the
 * handler as an offset from a label in run_slice. */
struct blk_rec {
	int32_t h;		/* handler label - END label */
	int32_t imm;
	uint8_t op, rd, rs1, rs2, rs3, aux, rm;
	uint8_t off;		/* byte offset in the block (the next record's
				 * off is where this instruction ends) */
};

/* A decoded block: instructions of one page in address order, ending at
 * the first jump or system instruction, at the page end or at BLK_MAX (a
 * taken conditional branch leaves it early); then an END record, then a
 * copy of the instruction bytes.
 * Valid while the TLB maps pc to the same host address (checked at entry,
 * which is also the fetch permission check) and the page's code version
 * and the hart's fence epoch are the ones it was decoded under. */
struct blk {
	uintptr_t host;		/* host address of the first instruction */
	_Atomic uint32_t *verp;	/* the page's code version (bus->code_ver) */
	uint64_t key;		/* hart's fence epoch << 32 | the (odd) version */
	/* Chaining: blocks that followed this one in the same virtual page
	 * (no permission check needed), keyed by their pc. */
	uint64_t lpc[2];
	struct blk *link[2];
	uint16_t n;		/* instructions before the END record */
	uint16_t bytes;		/* code bytes */
	uint8_t chain;		/* ends in a jump or by length: may link */
	uint8_t lnext;		/* link slot to replace next */
	uint16_t runs;		/* entries so far, until translated (JIT_HOT) */
	/* Host code (jit.c), NULL until the block is hot. It lives in a
	 * chunk of the arena half that was filling when it was made: the
	 * block's half or the newer one, so it is dropped no earlier than
	 * the block. A chunk is laid out as a block with n = 0 (never in the
	 * table) whose code bytes are its chain slots (jit_slots) and whose
	 * jsz bytes of code follow them. */
	void *jit;
	uint16_t jsz;		/* chunk only: bytes of host code */
	uint8_t pad[6];
	struct blk_rec r[];	/* n + 1 records, then the code bytes */
};

#define BLK_BYTES(n, bytes) \
	(sizeof(struct blk) + ((n) + 1) * sizeof(struct blk_rec) + (((bytes) + 15) & ~15u))

static inline const unsigned char *blk_code(const struct blk *b)
{
	return (const unsigned char *)&b->r[b->n + 1];
}

/* Arena bytes of b (a block or a chunk of host code). */
static inline size_t blk_size(const struct blk *b)
{
	return BLK_BYTES(b->n, b->bytes) + b->jsz;
}

/* The chain slots of a chunk of host code (jit.c): where a block keeps
 * its code bytes. */
static inline struct blk **jit_slots(struct blk *chunk)
{
	return (struct blk **)(void *)&chunk->r[1];
}

/* Entries of a block before it is translated to host code: code that
 * runs once (most of a kernel's init) is cheaper to interpret. */
#define JIT_HOT 16

struct hart_icache {
	struct blk *tab[BLK_TAB];	/* 2-way sets by pc (blk_set); NULL or in arena */
	size_t used;			/* arena bytes in use (end of the filling half) */
	unsigned fill;			/* the half being filled (used may equal
					 * its start or its end: not derivable) */
	size_t end[2];			/* end of the blocks in each half */
	uint64_t epoch;			/* FENCE.I count << 32 */
	bool clean;			/* no block built since the last flush */
	bool jit;			/* translate blocks to host code (jit.c) */
	uint16_t hot;			/* ... after this many entries (JIT_HOT) */
	bool turn_pending;		/* block_translate found the half full */
	uint64_t builds, flushes, fences, rechecks, translated;	/* statistics */
	/* One-instruction block for the single-step path. */
	_Alignas(64) unsigned char one[BLK_BYTES(1, 4)];
	/* Record memo keyed by the instruction bits (fill_rec). */
	struct {
		uint64_t key;
		struct blk_rec r;
	} memo[DCACHE_SIZE];
	/* Blocks and their host code: the mapping is executable. */
	_Alignas(4096) unsigned char arena[BLK_ARENA];	/* lazily backed */
};

/* The code version of the page holding host address p (a RAM page). */
static inline _Atomic uint32_t *code_ver_of(const struct hart *h, uintptr_t p)
{
	return (_Atomic uint32_t *)(h->cv_base + (p >> BUS_PAGE_SHIFT) * sizeof(uint32_t));
}

/* The block table is 2-way set associative, indexed by pc: a kernel's
 * code is far bigger than the table's reach, and a direct-mapped table
 * kept evicting (and rebuilding) blocks that were still in use. */
static inline struct blk **blk_set(struct hart_icache *ic, uint64_t pc)
{
	return &ic->tab[((pc >> 2) & (BLK_TAB / 2 - 1)) * 2];
}

/* Index of the END handler's offset base and of the no-op handler in the
 * dispatch table run_slice passes: dispatch[OP__COUNT] is the END label
 * (record handler offsets are relative to it), dispatch[OP__COUNT + 1]
 * the handler of ALU ops that write x0. */
#define DISPATCH_END OP__COUNT
#define DISPATCH_NOP (OP__COUNT + 1)

void blocks_fence(struct hart_icache *ic);
void blocks_flush(struct hart_icache *ic);
unsigned fill_rec(struct hart_icache *ic, struct blk_rec *r, uint32_t bits, unsigned off,
		  const void *const *dispatch);
void end_rec(struct blk_rec *r, unsigned off);
bool block_recheck(struct hart_icache *ic, struct blk *b);
void block_translate(struct hart_icache *ic, struct blk *b);
void blocks_turn_pending(struct hart_icache *ic);
struct blk *block_build(struct hart *h, uint64_t pc, uintptr_t hp, const void *const *dispatch);

#endif
