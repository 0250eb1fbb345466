/*
 * domus-diffgen: writes, from a seed, a riscv64 assembly file holding a
 * block of random but well-defined RV64GC instructions plus its initial
 * register/FP/memory state, for the differential tester (tests/diff/).
 *
 * The block runs identically under qemu-riscv64 (user.S) and under
 * `domus-run --bare` (bare.S); see diff.h for the memory contract and
 * README.md for the design. Every random choice is made in the same order
 * whatever the dump options, so --trace (a dump after every unit) and
 * --full-from produce the same instructions as the plain run: that is how
 * run.sh shrinks a mismatch to the one unit that diverged.
 *
 * A "unit" is one random instruction, or a short group that must stay
 * together (address setup + access, LR...SC, la + jalr). Registers are
 * written by number (x5, f7) so run.sh can find a unit's operands.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"

#define MAX_PENDING 64

struct pending_label {
	unsigned id;
	unsigned left;		/* units still to emit before the label */
	bool compressed;	/* c.beqz/c.bnez: keep the jump short */
};

struct gen {
	uint64_t rng;
	FILE *out;
	unsigned count;		/* random units to emit */
	unsigned every;		/* units per segment (dump at segment end) */
	bool trace;		/* dump after every unit */
	bool misaligned;	/* allow misaligned plain loads/stores */
	unsigned labels;
	struct pending_label pend[MAX_PENDING];
	unsigned npend;
	unsigned seg_left;	/* units left in the current segment */
	unsigned units;		/* units emitted so far */
};

/* ---- randomness ---- */

static uint64_t rnd(struct gen *g)
{
	/* splitmix64: tiny, good enough, and stable across hosts */
	uint64_t z = (g->rng += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static unsigned rn(struct gen *g, unsigned n)
{
	return n ? (unsigned)(rnd(g) % n) : 0;
}

static int rrange(struct gen *g, int lo, int hi)
{
	return lo + (int)rn(g, (unsigned)(hi - lo + 1));
}

static bool chance(struct gen *g, unsigned percent)
{
	return rn(g, 100) < percent;
}

/* ---- output ---- */

static void emit(struct gen *g, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void emit(struct gen *g, const char *fmt, ...)
{
	va_list ap;

	fputc('\t', g->out);
	va_start(ap, fmt);
	vfprintf(g->out, fmt, ap);
	va_end(ap);
	fputc('\n', g->out);
}

/* Compressed instructions need the assembler's C extension on; everything
 * else is assembled with norvc so encodings do not depend on the assembler. */
static void emit_c(struct gen *g, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void emit_c(struct gen *g, const char *fmt, ...)
{
	va_list ap;

	fputs("\t.option rvc\n\t", g->out);
	va_start(ap, fmt);
	vfprintf(g->out, fmt, ap);
	va_end(ap);
	fputs("\n\t.option norvc\n", g->out);
}

/* ---- operands ---- */

/* Destination integer register: never sp (x2, the scratch base). */
static unsigned rd_int(struct gen *g)
{
	if (chance(g, 2))
		return 0;
	for (;;) {
		unsigned r = 1 + rn(g, 31);
		if (r != 2)
			return r;
	}
}

static unsigned rd_int_nz(struct gen *g)
{
	unsigned r;

	do
		r = rd_int(g);
	while (r == 0);
	return r;
}

/* Source integer register: anything, sp included (its value is fixed). */
static unsigned rs_int(struct gen *g)
{
	return rn(g, 32);
}

/* x8..x15, the registers compressed rd'/rs' can name; never sp anyway. */
static unsigned creg(struct gen *g)
{
	return 8 + rn(g, 8);
}

static unsigned freg(struct gen *g)
{
	return rn(g, 32);
}

static const char *const rm_names[8] = {
	"rne", "rtz", "rdn", "rup", "rmm", NULL, NULL, "dyn"
};

static unsigned rm_pick(struct gen *g)
{
	unsigned r = rn(g, 7);
	return r >= 5 ? 7 : r;	/* dyn twice as likely as each static mode */
}

static int imm12(struct gen *g)
{
	static const int edge[] = { 0, 1, -1, 2, 2047, -2048, 2046, -2047, 31, 32, 63, 64 };

	if (chance(g, 30))
		return edge[rn(g, sizeof(edge) / sizeof(edge[0]))];
	if (chance(g, 50))
		return rrange(g, -64, 64);
	return rrange(g, -2048, 2047);
}

/* Interesting 64-bit integers for the initial state and for li. */
static uint64_t int_value(struct gen *g)
{
	static const uint64_t special[] = {
		0, 1, 2, 3, ~0ULL, ~1ULL, 0x8000000000000000ULL,
		0x7fffffffffffffffULL, 0xffffffff80000000ULL, 0x7fffffffULL,
		0x80000000ULL, 0xffffffffULL, 0x100000000ULL, 0xfffffffffffff800ULL,
		0x7ff, 0x800, 0xfff, 0x8000000000000001ULL, 0x00000000ffffffffULL,
		0xffffffff7fffffffULL, 0x5555555555555555ULL, 0xaaaaaaaaaaaaaaaaULL,
	};
	unsigned k = rn(g, 100);

	if (k < 35)
		return rnd(g);
	if (k < 55)
		return special[rn(g, sizeof(special) / sizeof(special[0]))];
	if (k < 70)
		return (uint64_t)(int64_t)rrange(g, -100, 100);
	if (k < 85)
		return (uint64_t)(int64_t)(int32_t)rnd(g);
	unsigned s = rn(g, 64);
	switch (rn(g, 3)) {
	case 0: return 1ULL << s;
	case 1: return (1ULL << s) - 1;
	default: return -(1ULL << s);
	}
}

static uint64_t box32(uint32_t v)
{
	return 0xffffffff00000000ULL | v;
}

/* Random float32 bits biased to the interesting places. */
static uint32_t f32_value(struct gen *g)
{
	static const uint32_t special[] = {
		0x00000000, 0x80000000, 0x3f800000, 0xbf800000, 0x7f800000,
		0xff800000, 0x7fc00000, 0xffc00000, 0x7f800001, 0x7fa00000,
		0xffbfffff, 0x00000001, 0x80000001, 0x007fffff, 0x00800000,
		0x80800000, 0x7f7fffff, 0xff7fffff, 0x3f000000, 0x3fc00000,
		0x40200000, 0x4f000000, 0xcf000000, 0x4f800000, 0x5f000000,
		0xdf000000, 0x5f800000, 0x4effffff, 0xcf000001, 0x3effffff,
		0x34000000, 0x33800000, 0x7fffffff, 0x7fc00001,
	};
	unsigned k = rn(g, 100);

	if (k < 35)
		return special[rn(g, sizeof(special) / sizeof(special[0]))];
	if (k < 50)
		return (uint32_t)rnd(g);
	/* normal number near 1, near the int32/64 limits, or tiny */
	uint32_t sign = chance(g, 40) ? 0x80000000u : 0;
	int e;
	switch (rn(g, 6)) {
	case 0: e = rrange(g, -4, 4); break;
	case 1: e = rrange(g, 20, 66); break;
	case 2: e = rrange(g, -130, -120); break;
	case 3: e = rrange(g, 120, 127); break;		/* near overflow */
	case 4: e = (chance(g, 50) ? 1 : -1) * rrange(g, 60, 66); break; /* products near the limits */
	default: e = rrange(g, -20, 20); break;
	}
	uint32_t mant = (uint32_t)rnd(g) & 0x7fffff;
	if (chance(g, 50))
		mant &= ~((1u << rn(g, 23)) - 1);	/* few significant bits */
	int be = e + 127;
	if (be <= 0)
		return sign | (mant >> 1);		/* subnormal */
	if (be >= 255)
		be = 254;
	return sign | ((uint32_t)be << 23) | mant;
}

static uint64_t f64_value(struct gen *g)
{
	static const uint64_t special[] = {
		0x0000000000000000ULL, 0x8000000000000000ULL, 0x3ff0000000000000ULL,
		0xbff0000000000000ULL, 0x7ff0000000000000ULL, 0xfff0000000000000ULL,
		0x7ff8000000000000ULL, 0xfff8000000000000ULL, 0x7ff0000000000001ULL,
		0x7ff4000000000000ULL, 0xfff7ffffffffffffULL, 0x0000000000000001ULL,
		0x8000000000000001ULL, 0x000fffffffffffffULL, 0x0010000000000000ULL,
		0x8010000000000000ULL, 0x7fefffffffffffffULL, 0xffefffffffffffffULL,
		0x3fe0000000000000ULL, 0x3ff8000000000000ULL, 0x4004000000000000ULL,
		0x41e0000000000000ULL, 0xc1e0000000000000ULL, 0x41f0000000000000ULL,
		0x43e0000000000000ULL, 0xc3e0000000000000ULL, 0x43f0000000000000ULL,
		0x41dfffffffc00000ULL, 0xc1e0000000200000ULL, 0x41efffffffe00000ULL,
		0x43dfffffffffffffULL, 0x3fdfffffffffffffULL, 0x3ca0000000000000ULL,
		0x36a0000000000000ULL, 0x47efffffe0000000ULL, 0x47efffffefffffffULL,
		0x3810000000000000ULL, 0x380fffffffffffffULL, 0x7fffffffffffffffULL,
	};
	unsigned k = rn(g, 100);

	if (k < 35)
		return special[rn(g, sizeof(special) / sizeof(special[0]))];
	if (k < 45)
		return rnd(g);
	uint64_t sign = chance(g, 40) ? 0x8000000000000000ULL : 0;
	int e;
	switch (rn(g, 7)) {
	case 0: e = rrange(g, -4, 4); break;
	case 1: e = rrange(g, 20, 66); break;
	case 2: e = rrange(g, -1040, -1015); break;
	case 3: e = rrange(g, -155, 135); break;	/* float32 range edges */
	case 4: e = rrange(g, 1015, 1023); break;	/* near overflow */
	case 5: e = (chance(g, 50) ? 1 : -1) * rrange(g, 508, 514); break;
	default: e = rrange(g, -30, 30); break;
	}
	uint64_t mant = rnd(g) & 0xfffffffffffffULL;
	if (chance(g, 50))
		mant &= ~((1ULL << rn(g, 52)) - 1);
	int be = e + 1023;
	if (be <= 0)
		return sign | (mant >> 1);
	if (be >= 2047)
		be = 2046;
	return sign | ((uint64_t)be << 52) | mant;
}

/* Raw bits for an f register: boxed singles, doubles, and a few
 * improperly boxed singles (which single-precision ops must see as NaN). */
static uint64_t freg_value(struct gen *g)
{
	unsigned k = rn(g, 100);

	if (k < 45)
		return box32(f32_value(g));
	if (k < 95)
		return f64_value(g);
	return ((rnd(g) & 0xffffffff00000000ULL) ^ 0x100000000ULL) | f32_value(g);
}

/* ---- forward branches ---- */

static unsigned label_new(struct gen *g, unsigned max_skip, bool compressed)
{
	unsigned lim = g->seg_left < max_skip ? g->seg_left : max_skip;

	/* At most max_skip + 1 labels are ever pending, so the table does not
	 * fill up; if it did, branch to the nearest pending label instead
	 * (still forward, still inside the segment). */
	if (g->npend == MAX_PENDING) {
		unsigned best = 0;
		for (unsigned i = 1; i < g->npend; i++)
			if (g->pend[i].left < g->pend[best].left)
				best = i;
		return g->pend[best].id;
	}
	unsigned id = g->labels++;
	g->pend[g->npend++] = (struct pending_label){
		.id = id, .left = rn(g, lim + 1), .compressed = compressed,
	};
	return id;
}

/* Place the labels that are due; all of them at the end of a segment. */
static void labels_place(struct gen *g, bool all)
{
	unsigned j = 0;

	for (unsigned i = 0; i < g->npend; i++) {
		if (all || g->pend[i].left == 0)
			fprintf(g->out, ".Lt%u:\n", g->pend[i].id);
		else
			g->pend[j++] = g->pend[i];
	}
	g->npend = j;
}

static void labels_tick(struct gen *g)
{
	for (unsigned i = 0; i < g->npend; i++)
		if (g->pend[i].left)
			g->pend[i].left--;
}

/* ---- units: integer ---- */

struct opdesc {
	const char *name;
	unsigned weight;
};

static const char *pick_op(struct gen *g, const struct opdesc *t, size_t n)
{
	unsigned total = 0;

	for (size_t i = 0; i < n; i++)
		total += t[i].weight;
	unsigned k = rn(g, total);
	for (size_t i = 0; i < n; i++) {
		if (k < t[i].weight)
			return t[i].name;
		k -= t[i].weight;
	}
	return t[0].name;
}

#define PICK(g, t) pick_op((g), (t), sizeof(t) / sizeof((t)[0]))

static const struct opdesc int_rr_ops[] = {
	{ "add", 2 }, { "sub", 2 }, { "sll", 2 }, { "slt", 2 }, { "sltu", 2 },
	{ "xor", 1 }, { "srl", 2 }, { "sra", 2 }, { "or", 1 }, { "and", 1 },
	{ "addw", 2 }, { "subw", 2 }, { "sllw", 2 }, { "srlw", 2 }, { "sraw", 2 },
	{ "mul", 2 }, { "mulh", 2 }, { "mulhsu", 2 }, { "mulhu", 2 },
	{ "div", 3 }, { "divu", 3 }, { "rem", 3 }, { "remu", 3 },
	{ "mulw", 2 }, { "divw", 3 }, { "divuw", 3 }, { "remw", 3 }, { "remuw", 3 },
};

static void unit_int_rr(struct gen *g)
{
	emit(g, "%s x%u, x%u, x%u", PICK(g, int_rr_ops), rd_int(g), rs_int(g), rs_int(g));
}

/* Division/multiplication edge operands: both inputs set just before,
 * half of the time as a known-hard pair (overflow, /0, -1). */
static void unit_int_edge(struct gen *g)
{
	static const char *const ops[] = {
		"div", "divu", "rem", "remu", "divw", "divuw", "remw", "remuw",
		"mulh", "mulhsu", "mulhu", "mulw",
	};
	static const uint64_t a[] = {
		0x8000000000000000ULL, 0xffffffff80000000ULL, 0x80000000ULL, ~0ULL, 1, 0,
		0x7fffffffffffffffULL, 0x7fffffffULL, 0xffffffffULL,
	};
	static const uint64_t b[] = { ~0ULL, 0, 1, 0xffffffffULL, 0xffffffff00000000ULL, 0x100000000ULL, 2 };
	static const uint64_t pairs[][2] = {
		{ 0x8000000000000000ULL, ~0ULL }, { 0xffffffff80000000ULL, ~0ULL },
		{ 0x1234567880000000ULL, 0xabcdef00ffffffffULL }, { 0x80000000ULL, 0xffffffffULL },
		{ 0x8000000000000000ULL, 0 }, { 0x1234567800000005ULL, 0xffffffff00000000ULL },
		{ ~0ULL, ~0ULL }, { 0x8000000000000000ULL, 0x8000000000000000ULL },
	};
	unsigned r1 = rd_int_nz(g), r2;
	uint64_t va, vb;

	do
		r2 = rd_int_nz(g);
	while (r2 == r1);
	if (chance(g, 50)) {
		unsigned k = rn(g, sizeof(pairs) / sizeof(pairs[0]));
		va = pairs[k][0];
		vb = pairs[k][1];
	} else {
		va = chance(g, 70) ? a[rn(g, 9)] : int_value(g);
		vb = chance(g, 70) ? b[rn(g, 7)] : int_value(g);
	}
	emit(g, "li x%u, 0x%" PRIx64, r1, va);
	emit(g, "li x%u, 0x%" PRIx64, r2, vb);
	emit(g, "%s x%u, x%u, x%u", ops[rn(g, 12)], rd_int(g), r1, r2);
}

static void unit_int_imm(struct gen *g)
{
	static const char *const ops[] = { "addi", "slti", "sltiu", "xori", "ori", "andi", "addiw" };
	static const char *const sh[] = { "slli", "srli", "srai", "slliw", "srliw", "sraiw" };
	unsigned rd = rd_int(g), rs = rs_int(g);

	if (chance(g, 35)) {
		unsigned k = rn(g, 6);
		unsigned s = rn(g, k >= 3 ? 32 : 64);
		emit(g, "%s x%u, x%u, %u", sh[k], rd, rs, s);
	} else {
		emit(g, "%s x%u, x%u, %d", ops[rn(g, 7)], rd, rs, imm12(g));
	}
}

static void unit_upper(struct gen *g)
{
	unsigned imm = chance(g, 30) ? (unsigned)rn(g, 16) << 16 | 0x80000 * rn(g, 2) : (unsigned)rnd(g) & 0xfffff;

	emit(g, "%s x%u, 0x%x", chance(g, 50) ? "lui" : "auipc", rd_int(g), imm);
}

static void unit_li(struct gen *g)
{
	emit(g, "li x%u, 0x%" PRIx64, rd_int_nz(g), int_value(g));
}

/* ---- units: memory ---- */

struct memop {
	const char *name;
	unsigned size;
	bool store, fp;
};

static const struct memop memops[] = {
	{ "lb", 1, false, false }, { "lbu", 1, false, false }, { "lh", 2, false, false },
	{ "lhu", 2, false, false }, { "lw", 4, false, false }, { "lwu", 4, false, false },
	{ "ld", 8, false, false }, { "sb", 1, true, false }, { "sh", 2, true, false },
	{ "sw", 4, true, false }, { "sd", 8, true, false },
	{ "flw", 4, false, true }, { "fld", 8, false, true },
	{ "fsw", 4, true, true }, { "fsd", 8, true, true },
};

/* Offset in the scratch buffer for an access of `size` bytes. */
static int scratch_off(struct gen *g, unsigned size, bool may_misalign)
{
	int off = (int)rn(g, DIFF_SCRATCH - 8);
	if (may_misalign && g->misaligned && chance(g, 15)) {
		/* a third of them straddle the 4 KiB page boundary */
		if (chance(g, 33))
			return DIFF_PAGE_OFF - (int)rn(g, size > 1 ? size - 1 : 1) - (size > 1);
		return off;
	}
	return off & ~(int)(size - 1);
}

static void mem_access(struct gen *g, const struct memop *m, unsigned base, int off)
{
	if (m->store)
		emit(g, "%s %s%u, %d(x%u)", m->name, m->fp ? "f" : "x",
		     m->fp ? freg(g) : rs_int(g), off, base);
	else
		emit(g, "%s %s%u, %d(x%u)", m->name, m->fp ? "f" : "x",
		     m->fp ? freg(g) : rd_int(g), off, base);
}

static void unit_mem_sp(struct gen *g)
{
	const struct memop *m = &memops[rn(g, sizeof(memops) / sizeof(memops[0]))];

	mem_access(g, m, 2, scratch_off(g, m->size, !m->fp || chance(g, 30)));
}

/* addi rB, sp, o1 ; access o2(rB) with o1 + o2 inside the scratch buffer */
static void unit_mem_base(struct gen *g)
{
	const struct memop *m = &memops[rn(g, sizeof(memops) / sizeof(memops[0]))];
	int target = scratch_off(g, m->size, !m->fp);
	int o2 = rrange(g, -2048, 2047);
	int o1 = target - o2;

	if (o1 < -2048 || o1 > 2047) {
		o1 = target;
		o2 = 0;
	}
	unsigned base = rd_int_nz(g);
	emit(g, "addi x%u, x2, %d", base, o1);
	mem_access(g, m, base, o2);
}

static const char *const amo_ops[] = {
	"amoswap", "amoadd", "amoxor", "amoand", "amoor", "amomin", "amomax",
	"amominu", "amomaxu",
};
static const char *const ordering[] = { "", ".aq", ".rl", ".aqrl" };

static void unit_amo(struct gen *g)
{
	bool d = chance(g, 50);
	int off = (int)rn(g, DIFF_SCRATCH) & ~(d ? 7 : 3);
	unsigned base = rd_int_nz(g);

	emit(g, "addi x%u, x2, %d", base, off);
	emit(g, "%s.%s%s x%u, x%u, (x%u)", amo_ops[rn(g, 9)], d ? "d" : "w",
	     ordering[rn(g, 4)], rd_int(g), rs_int(g), base);
}

/* LR ... SC on the same address (succeeds), a lone SC (fails: no
 * reservation), or an SC to another address than the LR (fails). */
static void unit_lrsc(struct gen *g)
{
	bool d = chance(g, 50);
	const char *w = d ? "d" : "w";
	int off = (int)rn(g, DIFF_SCRATCH) & ~(d ? 7 : 3);
	unsigned base = rd_int_nz(g);
	unsigned kind = rn(g, 10);
	unsigned rd;

	emit(g, "addi x%u, x2, %d", base, off);
	if (kind >= 1) {
		do
			rd = rd_int(g);
		while (rd == base);
		emit(g, "lr.%s%s x%u, (x%u)", w, ordering[rn(g, 4)], rd, base);
		for (unsigned n = rn(g, 3); n; n--) {
			unsigned r;
			do
				r = rd_int(g);
			while (r == base);
			emit(g, "%s x%u, x%u, x%u", PICK(g, int_rr_ops), r, rs_int(g), rs_int(g));
		}
		if (kind == 1) {
			int off2 = (int)rn(g, DIFF_SCRATCH) & ~(d ? 7 : 3);
			if (off2 == off)
				off2 ^= 64;
			emit(g, "addi x%u, x2, %d", base, off2);
		}
	}
	emit(g, "sc.%s%s x%u, x%u, (x%u)", w, ordering[rn(g, 4)], rd_int(g), rs_int(g), base);
}

/* ---- units: control flow (forward only, inside the segment) ---- */

static void unit_branch(struct gen *g)
{
	static const char *const ops[] = { "beq", "bne", "blt", "bge", "bltu", "bgeu" };
	unsigned k = rn(g, 100);
	unsigned rs1 = rs_int(g), rs2 = rs_int(g);

	if (k < 70) {
		/* make equality/ordering ties common */
		if (chance(g, 20))
			rs2 = rs1;
		unsigned id = label_new(g, 8, false);
		emit(g, "%s x%u, x%u, .Lt%u", ops[rn(g, 6)], rs1, rs2, id);
	} else if (k < 85) {
		unsigned id = label_new(g, 8, false);
		emit(g, "jal x%u, .Lt%u", rd_int(g), id);
	} else {
		/* jalr: target = rX + imm, bit 0 cleared */
		unsigned id = label_new(g, 8, false);
		unsigned rx = rd_int_nz(g);
		int imm = (int)rn(g, 5) - 2;		/* -2..2, odd ones test bit 0 */
		int bias = imm & ~1;
		emit(g, "lla x%u, .Lt%u%+d", rx, id, -bias);
		emit(g, "jalr x%u, %d(x%u)", rd_int(g), imm, rx);
	}
}

/* ---- units: compressed ---- */

static int cimm6(struct gen *g, bool nonzero)
{
	int v;
	do
		v = rrange(g, -32, 31);
	while (nonzero && v == 0);
	return v;
}

static void unit_compressed(struct gen *g)
{
	unsigned k = rn(g, 34);

	switch (k) {
	case 0: emit_c(g, "c.addi x%u, %d", rd_int_nz(g), cimm6(g, true)); break;
	case 1: emit_c(g, "c.addiw x%u, %d", rd_int_nz(g), cimm6(g, false)); break;
	case 2: emit_c(g, "c.li x%u, %d", rd_int_nz(g), cimm6(g, false)); break;
	case 3: {
		int v = cimm6(g, true);
		emit_c(g, "c.lui x%u, 0x%x", rd_int_nz(g), (unsigned)v & 0xfffff);
		break;
	}
	case 4: emit_c(g, "c.slli x%u, %u", rd_int_nz(g), 1 + rn(g, 63)); break;
	case 5: emit_c(g, "c.srli x%u, %u", creg(g), 1 + rn(g, 63)); break;
	case 6: emit_c(g, "c.srai x%u, %u", creg(g), 1 + rn(g, 63)); break;
	case 7: emit_c(g, "c.andi x%u, %d", creg(g), cimm6(g, false)); break;
	case 8: {
		unsigned rs;
		do
			rs = rs_int(g);
		while (rs == 0);
		emit_c(g, "c.mv x%u, x%u", rd_int_nz(g), rs);
		break;
	}
	case 9: {
		unsigned rs;
		do
			rs = rs_int(g);
		while (rs == 0);
		emit_c(g, "c.add x%u, x%u", rd_int_nz(g), rs);
		break;
	}
	case 10: case 11: case 12: case 13: case 14: case 15: {
		static const char *const ops[] = { "c.sub", "c.xor", "c.or", "c.and", "c.subw", "c.addw" };
		emit_c(g, "%s x%u, x%u", ops[k - 10], creg(g), creg(g));
		break;
	}
	case 16: case 17: case 18: case 19: case 20: case 21: {
		/* c.lw/c.ld/c.sw/c.sd/c.fld/c.fsd through rs1' = sp + o1 */
		static const struct { const char *n; unsigned size; bool fp, st; } t[] = {
			{ "c.lw", 4, false, false }, { "c.ld", 8, false, false },
			{ "c.sw", 4, false, true }, { "c.sd", 8, false, true },
			{ "c.fld", 8, true, false }, { "c.fsd", 8, true, true },
		};
		unsigned i = k - 16;
		unsigned maxo = t[i].size == 4 ? 124 : 248;
		int o2 = (int)(rn(g, maxo / t[i].size + 1) * t[i].size);
		int o1 = (int)rn(g, DIFF_SCRATCH - 256);
		if (!g->misaligned || !chance(g, 15))
			o1 &= ~(int)(t[i].size - 1);	/* else misaligned, maybe page-crossing */
		unsigned base = creg(g);
		emit(g, "addi x%u, x2, %d", base, o1);
		unsigned r = creg(g);	/* x8..x15 or f8..f15 */
		emit_c(g, "%s %s%u, %d(x%u)", t[i].n, t[i].fp ? "f" : "x", r, o2, base);
		break;
	}
	case 22: emit_c(g, "c.lwsp x%u, %u(x2)", rd_int_nz(g), 4 * rn(g, 64)); break;
	case 23: emit_c(g, "c.ldsp x%u, %u(x2)", rd_int_nz(g), 8 * rn(g, 64)); break;
	case 24: emit_c(g, "c.swsp x%u, %u(x2)", rs_int(g), 4 * rn(g, 64)); break;
	case 25: emit_c(g, "c.sdsp x%u, %u(x2)", rs_int(g), 8 * rn(g, 64)); break;
	case 26: emit_c(g, "c.fldsp f%u, %u(x2)", freg(g), 8 * rn(g, 64)); break;
	case 27: emit_c(g, "c.fsdsp f%u, %u(x2)", freg(g), 8 * rn(g, 64)); break;
	case 28: emit_c(g, "c.addi4spn x%u, x2, %u", creg(g), 4 * (1 + rn(g, 255))); break;
	case 29: {
		/* sp moves and comes back: the pair keeps sp reserved */
		int v = 16 * rrange(g, -31, 31);
		if (v == 0)
			v = 16;
		emit_c(g, "c.addi16sp x2, %d", v);
		emit(g, "addi x%u, x2, 0", rd_int_nz(g));
		emit_c(g, "c.addi16sp x2, %d", -v);
		break;
	}
	case 30: {
		unsigned id = label_new(g, 3, true);
		emit_c(g, "%s x%u, .Lt%u", chance(g, 50) ? "c.beqz" : "c.bnez", creg(g), id);
		break;
	}
	case 31: {
		unsigned id = label_new(g, 8, false);
		emit_c(g, "c.j .Lt%u", id);
		break;
	}
	case 32: {
		unsigned id = label_new(g, 8, false);
		unsigned rx = rd_int_nz(g);
		emit(g, "lla x%u, .Lt%u", rx, id);
		emit_c(g, "%s x%u", chance(g, 50) ? "c.jr" : "c.jalr", rx);
		break;
	}
	default:
		emit_c(g, "c.nop");
		break;
	}
}

/* ---- units: floating point ---- */

static char fmt_pick(struct gen *g)
{
	return chance(g, 50) ? 's' : 'd';
}

static void unit_fp_arith(struct gen *g)
{
	static const char *const ops[] = { "fadd", "fsub", "fmul", "fdiv", "fsqrt" };
	unsigned k = rn(g, 5);
	char f = fmt_pick(g);
	unsigned rm = rm_pick(g);

	if (k == 4)
		emit(g, "fsqrt.%c f%u, f%u, %s", f, freg(g), freg(g), rm_names[rm]);
	else
		emit(g, "%s.%c f%u, f%u, f%u, %s", ops[k], f, freg(g), freg(g), freg(g), rm_names[rm]);
}

/* p = a*b rounded, then fmsub a*b - p: the product's rounding error,
 * exact only if the FMA does not round twice; also x-x, x/x. */
static void unit_fp_exact(struct gen *g)
{
	char f = fmt_pick(g);
	unsigned a = freg(g), b = freg(g), p;

	switch (rn(g, 3)) {
	case 0:
		do
			p = freg(g);
		while (p == a || p == b);
		emit(g, "fmul.%c f%u, f%u, f%u, %s", f, p, a, b, rm_names[rm_pick(g)]);
		emit(g, "%s.%c f%u, f%u, f%u, f%u, %s", chance(g, 50) ? "fmsub" : "fnmadd", f,
		     freg(g), a, b, p, rm_names[rm_pick(g)]);
		break;
	case 1:
		emit(g, "%s.%c f%u, f%u, f%u, %s", chance(g, 50) ? "fsub" : "fdiv", f, freg(g), a, a,
		     rm_names[rm_pick(g)]);
		break;
	default:
		/* x + (-x) via sign injection: the sign of an exact zero sum */
		emit(g, "fsgnjn.%c f%u, f%u, f%u", f, b, a, a);
		emit(g, "fadd.%c f%u, f%u, f%u, %s", f, freg(g), a, b, rm_names[rm_pick(g)]);
		break;
	}
}

/* Operands from a small set of hard values (signed zeros, infinities,
 * quiet and signaling NaNs, extreme normals/subnormals, badly boxed), set
 * just before the operation, with fflags cleared before and read after so
 * that the operation's own flags are visible (fflags are sticky). */
static uint64_t hot_value(struct gen *g, char f)
{
	/* last rows: 1-ulp, 1+ulp, min normal, max subnormal, 1.5*2^-126-ish,
	 * 2^64, 1.5*2^127: products/quotients of these land on the
	 * underflow (tininess after rounding) and overflow boundaries */
	static const uint32_t s32[] = {
		0x00000000, 0x80000000, 0x3f800000, 0xbf800000, 0x7f800000, 0xff800000,
		0x7fc00000, 0xffc00000, 0x7f800001, 0xffa00000, 0x00000001, 0x80800000,
		0x7f7fffff, 0x00800000, 0x40000000, 0x3f000000,
		0x3f7fffff, 0x3f800001, 0x00800000, 0x007fffff, 0x00c00000, 0x5f800000,
		0x7f400000, 0xbf7fffff,
	};
	static const uint64_t s64[] = {
		0x0000000000000000ULL, 0x8000000000000000ULL, 0x3ff0000000000000ULL,
		0xbff0000000000000ULL, 0x7ff0000000000000ULL, 0xfff0000000000000ULL,
		0x7ff8000000000000ULL, 0xfff8000000000000ULL, 0x7ff0000000000001ULL,
		0xfff4000000000000ULL, 0x0000000000000001ULL, 0x8010000000000000ULL,
		0x7fefffffffffffffULL, 0x0010000000000000ULL, 0x4000000000000000ULL,
		0x3fe0000000000000ULL,
		0x3fefffffffffffffULL, 0x3ff0000000000001ULL, 0x0010000000000000ULL,
		0x000fffffffffffffULL, 0x0018000000000000ULL, 0x43f0000000000000ULL,
		0x7fe8000000000000ULL, 0xbfefffffffffffffULL,
	};
	const unsigned n = sizeof(s32) / sizeof(s32[0]);
	if (f == 's') {
		if (chance(g, 5))
			return 0x00000000ffffffffULL & s32[rn(g, n)];	/* not boxed */
		return box32(s32[rn(g, n)]);
	}
	return s64[rn(g, n)];
}

static void unit_fp_hot(struct gen *g)
{
	static const char *const bin[] = {
		"fadd", "fsub", "fmul", "fdiv", "fmin", "fmax", "fsgnj", "fsgnjn", "fsgnjx",
		"feq", "flt", "fle", "fmadd", "fnmsub", "fsqrt", "fclass", "fcvt.w", "fcvt.lu",
	};
	char f = fmt_pick(g);
	unsigned fa = freg(g), fb = freg(g), fc = freg(g), t = rd_int_nz(g);
	unsigned k = rn(g, sizeof(bin) / sizeof(bin[0]));
	const char *rm = rm_names[rm_pick(g)];

	uint64_t va = hot_value(g, f), vb = hot_value(g, f);
	unsigned rel = rn(g, 100);

	/* x op -x and x op x: signed-zero and equal-operand rules */
	if (rel < 35)
		vb = va ^ (f == 's' ? 0x80000000ULL : 0x8000000000000000ULL);
	else if (rel < 50)
		vb = va;
	emit(g, "li x%u, 0x%" PRIx64, t, va);
	emit(g, "fmv.d.x f%u, x%u", fa, t);
	emit(g, "li x%u, 0x%" PRIx64, t, vb);
	emit(g, "fmv.d.x f%u, x%u", fb, t);
	emit(g, "csrrwi x%u, fflags, 0", rd_int(g));
	if (k < 4)
		emit(g, "%s.%c f%u, f%u, f%u, %s", bin[k], f, freg(g), fa, fb, rm);
	else if (k < 9)
		emit(g, "%s.%c f%u, f%u, f%u", bin[k], f, freg(g), fa, fb);
	else if (k < 12)
		emit(g, "%s.%c x%u, f%u, f%u", bin[k], f, rd_int(g), fa, fb);
	else if (k < 14)
		emit(g, "%s.%c f%u, f%u, f%u, f%u, %s", bin[k], f, freg(g), fa, fb, fc, rm);
	else if (k == 14)
		emit(g, "fsqrt.%c f%u, f%u, %s", f, freg(g), fa, rm);
	else if (k == 15)
		emit(g, "fclass.%c x%u, f%u", f, rd_int(g), fa);
	else
		emit(g, "%s.%c x%u, f%u, %s", bin[k], f, rd_int(g), fa, rm);
	emit(g, "csrrs x%u, fflags, x0", rd_int(g));
}

static void unit_fp_fma(struct gen *g)
{
	static const char *const ops[] = { "fmadd", "fmsub", "fnmsub", "fnmadd" };
	char f = fmt_pick(g);

	emit(g, "%s.%c f%u, f%u, f%u, f%u, %s", ops[rn(g, 4)], f, freg(g), freg(g),
	     freg(g), freg(g), rm_names[rm_pick(g)]);
}

static void unit_fp_misc(struct gen *g)
{
	static const char *const ff[] = { "fsgnj", "fsgnjn", "fsgnjx", "fmin", "fmax" };
	static const char *const cmp[] = { "feq", "flt", "fle" };
	char f = fmt_pick(g);
	unsigned k = rn(g, 9);

	if (k < 5) {
		unsigned a = freg(g), b = chance(g, 15) ? a : freg(g);
		emit(g, "%s.%c f%u, f%u, f%u", ff[k], f, freg(g), a, b);
	} else if (k < 8) {
		unsigned a = freg(g), b = chance(g, 15) ? a : freg(g);
		emit(g, "%s.%c x%u, f%u, f%u", cmp[k - 5], f, rd_int(g), a, b);
	} else {
		emit(g, "fclass.%c x%u, f%u", f, rd_int(g), freg(g));
	}
}

static void unit_fp_cvt(struct gen *g)
{
	static const char *const ints[] = { "w", "wu", "l", "lu" };
	char f = fmt_pick(g);
	unsigned k = rn(g, 10);
	unsigned rm = rm_pick(g);

	if (k < 4) {
		emit(g, "fcvt.%s.%c x%u, f%u, %s", ints[k], f, rd_int(g), freg(g), rm_names[rm]);
	} else if (k < 8) {
		unsigned i = k - 4;
		unsigned fd = freg(g), rs = rs_int(g);
		if (f == 'd' && i < 2) {
			/* exact: binutils takes no rm, so encode it to vary rm */
			emit(g, ".insn r 0x53, %u, 0x69, f%u, x%u, x%u  # fcvt.d.%s %s",
			     rm, fd, rs, i, ints[i], rm_names[rm]);
		} else {
			emit(g, "fcvt.%c.%s f%u, x%u, %s", f, ints[i], fd, rs, rm_names[rm]);
		}
	} else if (k == 8) {
		emit(g, "fcvt.s.d f%u, f%u, %s", freg(g), freg(g), rm_names[rm]);
	} else {
		emit(g, ".insn r 0x53, %u, 0x21, f%u, f%u, x0  # fcvt.d.s %s",
		     rm, freg(g), freg(g), rm_names[rm]);
	}
}

static void unit_fp_move(struct gen *g)
{
	switch (rn(g, 4)) {
	case 0: emit(g, "fmv.x.w x%u, f%u", rd_int(g), freg(g)); break;
	case 1: emit(g, "fmv.w.x f%u, x%u", freg(g), rs_int(g)); break;
	case 2: emit(g, "fmv.x.d x%u, f%u", rd_int(g), freg(g)); break;
	default: emit(g, "fmv.d.x f%u, x%u", freg(g), rs_int(g)); break;
	}
}

/* li + fmv: put an interesting float in an f register. */
static void unit_fp_value(struct gen *g)
{
	unsigned t = rd_int_nz(g);

	if (chance(g, 50)) {
		emit(g, "li x%u, 0x%" PRIx32, t, f32_value(g));
		emit(g, "fmv.w.x f%u, x%u", freg(g), t);
	} else {
		emit(g, "li x%u, 0x%" PRIx64, t, f64_value(g));
		emit(g, "fmv.d.x f%u, x%u", freg(g), t);
	}
}

/* CSR ops on fflags/frm/fcsr only. frm must stay a valid rounding mode
 * (dynamic-rm instructions would trap otherwise), so a write that may
 * leave 5..7 in frm is followed by an fsrmi. */
static void unit_csr(struct gen *g)
{
	static const char *const csrs[] = { "fflags", "frm", "fcsr" };
	static const char *const ops[] = { "csrrw", "csrrs", "csrrc" };
	unsigned c = rn(g, 3), op = rn(g, 3);
	bool imm = chance(g, 50);
	bool fix;

	if (imm) {
		unsigned v = rn(g, 32);
		if (c == 1 && op == 0)
			v = rn(g, 5);
		emit(g, "%si x%u, %s, %u", ops[op], rd_int(g), csrs[c], v);
		fix = c == 1 && op == 1;
	} else {
		emit(g, "%s x%u, %s, x%u", ops[op], rd_int(g), csrs[c], rs_int(g));
		fix = c != 0 && op != 2;
	}
	if (fix)
		emit(g, "fsrmi x0, %u", rn(g, 5));
}

/* Self-modifying code: store a new instruction over a nop further on,
 * fence.i, execute it. A decoder cache or block cache that kept the nop
 * would differ. The block's section is writable for this. */
static void unit_smc(struct gen *g)
{
	unsigned id = g->labels++;
	unsigned rb = rd_int_nz(g), rt, rd = rd_int_nz(g), rs = rs_int(g);
	int imm = imm12(g);
	static const unsigned f3[] = { 0, 4, 6, 7 };	/* addi xori ori andi */
	uint32_t insn = ((uint32_t)imm & 0xfff) << 20 | rs << 15 | f3[rn(g, 4)] << 12 | rd << 7 | 0x13;

	do
		rt = rd_int_nz(g);
	while (rt == rb);
	emit(g, "lla x%u, .Ls%u", rb, id);
	emit(g, "li x%u, 0x%08x", rt, insn);
	emit(g, "sw x%u, 0(x%u)", rt, rb);
	emit(g, "fence.i");
	emit(g, ".balign 4");
	fprintf(g->out, ".Ls%u:\n", id);
	emit(g, "nop	# becomes .word 0x%08x", insn);
}

/* HINT encodings (rd = x0 forms the assembler will not write): they
 * must execute as no-ops, not trap. Emitted as raw halfwords/words. */
static void unit_hint(struct gen *g)
{
	unsigned imm = rn(g, 64), rs = 1 + rn(g, 31);
	uint32_t lo5 = imm & 31, hi1 = imm >> 5;
	uint16_t h;

	switch (rn(g, 7)) {
	case 0: h = (uint16_t)(0x4001 | hi1 << 12 | lo5 << 2); break;	/* c.li x0 */
	case 1: h = (uint16_t)(0x0001 | hi1 << 12 | (lo5 | 1) << 2); break; /* c.nop imm */
	case 2: h = (uint16_t)(0x8002 | rs << 2); break;		/* c.mv x0 */
	case 3: h = (uint16_t)(0x9002 | rs << 2); break;		/* c.add x0 */
	case 4: h = (uint16_t)(0x0002 | hi1 << 12 | (lo5 | 1) << 2); break; /* c.slli x0 */
	case 5: h = (uint16_t)(0x6001 | 1 << 12 | lo5 << 2); break;	/* c.lui x0 */
	default:
		/* 32-bit: lui/auipc x0, and OP-IMM with rd = x0 */
		emit(g, ".word 0x%08x	# %s x0 hint", (uint32_t)(rnd(g) & 0xfffff000u) |
		     (chance(g, 50) ? 0x37 : 0x17), "lui/auipc");
		return;
	}
	emit(g, ".hword 0x%04x	# compressed hint, rd = x0", h);
}

/* fences are no-ops for a single hart but must decode and retire */
static void unit_fence(struct gen *g)
{
	static const char *const sets[] = { "iorw", "rw", "r", "w", "io", "i", "o", "ow", "ir" };

	switch (rn(g, 4)) {
	case 0: emit(g, "fence.i"); break;
	case 1: emit(g, "fence.tso"); break;
	default: emit(g, "fence %s, %s", sets[rn(g, 9)], sets[rn(g, 9)]); break;
	}
}

/* ---- the block ---- */

typedef void (*unit_fn)(struct gen *g);

/* fp: fflags are sticky, so before these units fflags is sometimes read
 * into an x register and cleared, to keep each operation's flags visible. */
static const struct {
	unit_fn fn;
	unsigned weight;
	bool fp;
} unit_table[] = {
	{ unit_int_rr, 20, false }, { unit_int_edge, 2, false }, { unit_int_imm, 14, false },
	{ unit_upper, 2, false }, { unit_li, 4, false },
	{ unit_mem_sp, 8, false }, { unit_mem_base, 5, false }, { unit_amo, 4, false },
	{ unit_lrsc, 2, false }, { unit_branch, 6, false }, { unit_compressed, 12, false },
	{ unit_fp_arith, 12, true }, { unit_fp_fma, 5, true }, { unit_fp_exact, 3, true },
	{ unit_fp_hot, 8, false }, { unit_fp_misc, 7, true }, { unit_fp_cvt, 9, true },
	{ unit_fp_move, 3, false }, { unit_fp_value, 5, false }, { unit_csr, 3, false },
	{ unit_fence, 1, false }, { unit_smc, 1, false }, { unit_hint, 1, false },
};

static void unit_random(struct gen *g)
{
	unsigned total = 0;

	for (size_t i = 0; i < sizeof(unit_table) / sizeof(unit_table[0]); i++)
		total += unit_table[i].weight;
	unsigned k = rn(g, total);
	for (size_t i = 0; i < sizeof(unit_table) / sizeof(unit_table[0]); i++) {
		if (k < unit_table[i].weight) {
			if (unit_table[i].fp && chance(g, 30))
				emit(g, "csrrwi x%u, fflags, 0", rd_int(g));
			unit_table[i].fn(g);
			return;
		}
		k -= unit_table[i].weight;
	}
}

/* Dump the state: the 32-bit word after the call is the dump id, which
 * diff_dump_state reads and skips. */
static void emit_dump(struct gen *g, unsigned id)
{
	fprintf(g->out, "# dump %u\n", id);
	emit(g, "sd x1, %d(x2)", -DIFF_SAVE + DIFF_SAVE_X + 8);
	emit(g, "call diff_dump_state");
	emit(g, ".word %u", id);
	emit(g, "ld x1, %d(x2)", -DIFF_SAVE + DIFF_SAVE_X + 8);
}

static void emit_data(struct gen *g, uint64_t full_from, uint64_t stop_after)
{
	/* diff_save at page offset 0x800, so the scratch buffer straddles a
	 * 4 KiB page boundary at DIFF_PAGE_OFF (misaligned accesses across it) */
	fprintf(g->out, "\t.section .diffdata, \"aw\", @progbits\n\t.balign 4096\n");
	fprintf(g->out, "\t.space %d\n", 4096 - DIFF_SAVE - DIFF_PAGE_OFF);
	fprintf(g->out, "\t.globl diff_save\ndiff_save:\n");
	fprintf(g->out, "\t.space %d\n", DIFF_SAVE_FULL);
	fprintf(g->out, "\t.dword 0x%" PRIx64 ", 0, 0x%" PRIx64 "\n", full_from, stop_after);
	fprintf(g->out, "\t.space %d\n", DIFF_SAVE - DIFF_SAVE_STOP - 8);
	fprintf(g->out, "\t.globl diff_scratch\ndiff_scratch:\n");
	for (unsigned i = 0; i < DIFF_SCRATCH / 8; i++)
		fprintf(g->out, "\t.dword 0x%016" PRIx64 "\n", chance(g, 30) ? int_value(g) : rnd(g));
	fprintf(g->out, "diff_init:\n");
	for (unsigned i = 0; i < 32; i++)
		fprintf(g->out, "\t.dword 0x%016" PRIx64 "\t# x%u\n", i >= 3 || i == 1 ? int_value(g) : 0, i);
	for (unsigned i = 0; i < 32; i++)
		fprintf(g->out, "\t.dword 0x%016" PRIx64 "\t# f%u\n", freg_value(g), i);
	fprintf(g->out, "\t.dword 0x%02x\t# fcsr\n", (unsigned)(rn(g, 5) << 5 | rn(g, 32)));
}

static void emit_prologue(struct gen *g)
{
	fprintf(g->out, "\t.section .diffblock, \"awx\", @progbits\n\t.balign 4\n");
	fprintf(g->out, "\t.globl diff_block\ndiff_block:\n");
	emit(g, "lla x1, diff_init");
	for (unsigned i = 0; i < 32; i++)
		emit(g, "fld f%u, %u(x1)", i, 256 + 8 * i);
	emit(g, "ld x5, 512(x1)");
	emit(g, "fscsr x5");
	for (unsigned i = 3; i < 32; i++)
		emit(g, "ld x%u, %u(x1)", i, 8 * i);
	emit(g, "lla x2, diff_scratch");
	emit(g, "ld x1, 8(x1)");
}

static int gen_run(struct gen *g, uint64_t seed, uint64_t full_from, uint64_t stop_after)
{
	fprintf(g->out, "# domus-diffgen seed=%" PRIu64 " count=%u every=%u%s%s\n",
		seed, g->count, g->every, g->trace ? " trace" : "",
		g->misaligned ? "" : " no-misaligned");
	fprintf(g->out, "\t.option norvc\n\t.option norelax\n");
	emit_data(g, full_from, stop_after);
	emit_prologue(g);
	g->seg_left = 0;
	for (g->units = 0; g->units < g->count;) {
		if (g->seg_left == 0)
			g->seg_left = g->every;
		g->seg_left--;
		unit_random(g);
		g->units++;
		labels_tick(g);
		bool seg_end = g->seg_left == 0 || g->units == g->count;
		labels_place(g, seg_end);
		if (seg_end || g->trace)
			emit_dump(g, g->units);
	}
	fprintf(g->out, "# final\n");
	emit(g, "sd x1, %d(x2)", -DIFF_SAVE + DIFF_SAVE_X + 8);
	emit(g, "call diff_dump_final");
	return ferror(g->out) ? -EIO : 0;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: domus-diffgen [--seed S] [--count N] [--every K] [--trace]\n"
		"                     [--full-from ID] [--stop-after ID] [--no-misaligned]\n"
		"                     [-o FILE]\n"
		"Writes a random RV64GC test block (assembly) for tests/diff.\n");
}

int main(int argc, char **argv)
{
	struct gen g = { .count = 10000, .every = 50, .misaligned = true, .out = stdout };
	uint64_t seed = 1, full_from = UINT64_MAX, stop_after = UINT64_MAX;
	const char *outpath = NULL;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "--trace")) {
			g.trace = true;
		} else if (!strcmp(a, "--no-misaligned")) {
			g.misaligned = false;
		} else if (v && !strcmp(a, "--seed")) {
			seed = strtoull(v, NULL, 0);
			i++;
		} else if (v && !strcmp(a, "--count")) {
			g.count = (unsigned)strtoul(v, NULL, 0);
			i++;
		} else if (v && !strcmp(a, "--every")) {
			g.every = (unsigned)strtoul(v, NULL, 0);
			i++;
		} else if (v && !strcmp(a, "--full-from")) {
			full_from = strtoull(v, NULL, 0);
			i++;
		} else if (v && !strcmp(a, "--stop-after")) {
			stop_after = strtoull(v, NULL, 0);
			i++;
		} else if (v && !strcmp(a, "-o")) {
			outpath = v;
			i++;
		} else {
			usage();
			return 2;
		}
	}
	if (g.every == 0 || g.count == 0 || g.count > 1000000) {
		usage();
		return 2;
	}
	if (outpath) {
		g.out = fopen(outpath, "w");
		if (!g.out) {
			perror(outpath);
			return 1;
		}
	}
	g.rng = seed * 0x2545f4914f6cdd1dULL + 0x1234567;
	int rc = gen_run(&g, seed, full_from, stop_after);
	if (outpath && fclose(g.out) != 0)
		rc = -EIO;
	if (rc < 0) {
		fprintf(stderr, "domus-diffgen: write failed\n");
		return 1;
	}
	return 0;
}
