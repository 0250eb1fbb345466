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
 * translated. The code is a function of type jit_fn. */
size_t jit_translate(const struct blk *b, unsigned char *out, size_t cap);

/* Runs records [0, k) of the block whose first instruction is at bpc and
 * returns k: the record the interpreter continues with; or k | JIT_TAKEN:
 * record k is a conditional branch, done and taken.
 * Or k | JIT_JUMP: record k, the block's JAL/JALR, is done (rd written)
 * and jumps to h->jit_pc. */
#define JIT_TAKEN 0x100u
#define JIT_JUMP 0x200u
typedef unsigned (*jit_fn)(struct hart *h, uint64_t bpc);

#endif
