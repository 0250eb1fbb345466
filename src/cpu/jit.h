/*
 * Translation of decoded blocks to host code (jit.c). Internal to
 * src/cpu: block_build calls jit_translate, run_slice calls the result.
 */
#ifndef DOMUS_CPU_JIT_H
#define DOMUS_CPU_JIT_H

#include <stddef.h>
#include <stdint.h>

struct blk;
struct hart;

/* Bytes a block's host code may take (BLK_MAX instructions and their exits). */
#define JIT_MAX 8192

/* Host code for the leading records of b, written to out (at most cap
 * bytes, executable memory); its length, or 0 when nothing was
 * translated. The code is a function of type jit_fn. chunk (or NULL: no
 * chaining) is the arena chunk holding out: its JIT_SLOTS chain slots
 * (jit_slots: struct blk pointers, NULL or valid; arena turns clear those
 * into the dropped half, as for block links) are the code's. */
size_t jit_translate(const struct blk *b, struct blk *chunk, unsigned char *out, size_t cap);

/* Chain slots of a chunk: its "code bytes" (chunk->bytes = 8 * JIT_SLOTS). */
#define JIT_SLOTS 8

/* Host code calls this for F/D computational ops (hart.c): the
 * interpreter's handler; nonzero: illegal here, nothing done. */
struct blk_rec;
int hart_fp_op(struct hart *h, const struct blk_rec *d);

/* Offset of the body in a block's host code: where chained code enters. */
#define JIT_BODY 62

/* fn(h, bpc, budget, b) runs the leading records of block b, whose first
 * instruction is at bpc, and goes on into the host code of blocks chained
 * to it (same page, valid, within budget instructions, no request
 * pending). It returns the final block (.b; h->jit_bpc its pc) and
 * .v = k: the record of it the interpreter continues with; or
 * k | JIT_TAKEN: record k is a conditional branch, done and taken; or
 * k | JIT_JUMP: record k, the block's JAL/JALR, is done (rd written) and
 * jumps to h->jit_pc. The passes through the blocks before the final one
 * ran budget - h->jit_left instructions. When a chain slot could not be
 * used, h->jit_slot names it. */
#define JIT_TAKEN 0x100u
#define JIT_JUMP 0x200u
struct jit_ret {
	uint64_t v;
	struct blk *b;
};
typedef struct jit_ret (*jit_fn)(struct hart *h, uint64_t bpc, uint64_t budget, struct blk *b);

#endif
