/*
 * test-jit: the block translator (src/cpu/jit.c) never writes past the
 * room it is given, whatever the block: random records of every op, and
 * the worst cases for exits (a branch per instruction, loads and stores
 * everywhere, chain slots used up). Behaviour is checked elsewhere: the
 * ISA and differential suites run with DOMUS_JIT_HOT=1 (tests/isa/jit.sh,
 * tests/diff/jit.sh), so that every block goes through host code.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/block.h"
#include "cpu/jit.h"

static int fails;

static void check(int ok, const char *what, unsigned long long got, unsigned long long want)
{
	fails += !ok;
	printf("%s - %s (got %llu, want %llu)\n", ok ? "ok" : "not ok", what, got, want);
}

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

#define GUARD 4096

static _Alignas(64) unsigned char blkbuf[BLK_BYTES(BLK_MAX, 4 * BLK_MAX)];
static _Alignas(64) unsigned char chunkbuf[BLK_BYTES(0, JIT_SLOTS * 8)];
static unsigned char out[JIT_MAX + GUARD];

/* Translate b with cap bytes; 1 if nothing past cap was written. */
static int translate_ok(struct blk *b, size_t cap, size_t *len)
{
	memset(out, 0xcc, sizeof out);
	*len = jit_translate(b, (struct blk *)(void *)chunkbuf, out, cap);
	for (size_t i = cap; i < sizeof out; i++)
		if (out[i] != 0xcc)
			return 0;
	return *len <= cap;
}

static struct blk *make_block(unsigned n, int (*pick)(unsigned k))
{
	struct blk *b = (struct blk *)(void *)blkbuf;
	memset(blkbuf, 0, sizeof blkbuf);
	unsigned off = 0;
	for (unsigned k = 0; k < n; k++) {
		struct blk_rec *r = &b->r[k];
		r->op = (uint8_t)pick(k);
		r->rd = rnd() % 32;
		r->rs1 = rnd() % 32;
		r->rs2 = rnd() % 32;
		r->imm = (int32_t)rnd();
		if (r->op >= OP_SLLI && r->op <= OP_SRAI)
			r->imm &= 63;
		if (r->op >= OP_SLLIW && r->op <= OP_SRAIW)
			r->imm &= 31;
		r->off = (uint8_t)off;
		off += 4;
	}
	b->r[n].off = (uint8_t)off;
	b->n = (uint16_t)n;
	b->bytes = (uint16_t)off;
	b->host = 0x10000 + (rnd() & 0xffc);
	return b;
}

static int pick_any(unsigned k)
{
	(void)k;
	return 1 + (int)(rnd() % (OP__COUNT - 1));
}

static int pick_branch(unsigned k)
{
	(void)k;
	return OP_BEQ + (int)(rnd() % 6);
}

static int pick_mem(unsigned k)
{
	return k & 1 ? OP_SB + (int)(rnd() % 4) : OP_LB + (int)(rnd() % 7);
}

static int pick_int(unsigned k)
{
	/* translatable ops only, ending in a JAL or JALR */
	static const int ops[] = {OP_ADDI, OP_LD, OP_SD, OP_BNE, OP_DIV, OP_REMUW, OP_MULHSU,
				  OP_SLLW, OP_LUI, OP_AUIPC, OP_SLTIU, OP_LBU, OP_SH};
	(void)k;
	return ops[rnd() % (sizeof ops / sizeof ops[0])];
}

int main(void)
{
	size_t len, maxlen = 0;
	int ok = 1;
	for (unsigned i = 0; i < 20000; i++) {
		int (*pick)(unsigned) = i % 4 == 0 ? pick_any : i % 4 == 1 ? pick_branch :
					i % 4 == 2 ? pick_mem : pick_int;
		unsigned n = 1 + (unsigned)(rnd() % BLK_MAX);
		struct blk *b = make_block(n, pick);
		if (pick == pick_int)
			b->r[n - 1].op = rnd() & 1 ? OP_JAL : OP_JALR;
		size_t cap = i % 3 ? JIT_MAX : 256 + rnd() % JIT_MAX;
		if (!translate_ok(b, cap, &len)) {
			ok = 0;
			printf("# block %u (n %u, cap %zu) wrote past its room\n", i, n, cap);
			break;
		}
		if (len > maxlen)
			maxlen = len;
	}
	check(ok, "20000 random blocks stay within the room given", ok, 1);
	/* the most exits: 63 branches (7 chained, each crossing pages) */
	struct blk *b = make_block(BLK_MAX, pick_branch);
	b->host = 0x10ffc;
	for (unsigned k = 0; k < BLK_MAX; k++)
		b->r[k].imm = 8192;
	int w = translate_ok(b, JIT_MAX, &len);
	check(w && len > 0, "63 crossing branches fit", len, JIT_MAX);
	printf("# largest code: %zu bytes of %d\n", maxlen > len ? maxlen : len, JIT_MAX);
	/* a block the translator cannot start gives no code */
	b = make_block(4, pick_branch);
	b->r[0].op = OP_CSRRW;
	w = translate_ok(b, JIT_MAX, &len);
	check(w && len == 0, "a block starting with a CSR op gets no code", len, 0);
	return fails != 0;
}
