/*
 * Block translation to x86-64 host code (the "JIT"): the leading
 * instructions of a decoded block, as far as they are integer ALU and M
 * ops, integer and F/D loads/stores, conditional branches, FENCE, F/D
 * ops (a call to the interpreter's handler) and a final JAL/JALR, become
 * one host function that runs them against struct hart and returns the
 * index of the first record the interpreter must run (the block's END
 * record when everything ran), after going on into the code of chained
 * blocks where it can. Everything unusual is left to the interpreter by
 * returning early, before the instruction: a TLB miss, a page-crossing
 * access, a store into a page holding decoded code, a division by zero
 * or by -1, the FP unit off, and any other op; a taken branch returns its
 * index with JIT_TAKEN, and a block's final JAL/JALR its index with
 * JIT_JUMP (the target in h->jit_pc): the interpreter leaves the block
 * there, so links and pc work as before. So the translated code never
 * traps, and the interpreter's rules (counters by record index,
 * invalidation, chaining) hold unchanged. Rules: docs/cpu.md.
 */
#include <stddef.h>
#include <string.h>

#include "cpu/block.h"
#include "cpu/cpu_internal.h"
#include "cpu/jit.h"

#if defined(__x86_64__)

/* Host registers: rbx = struct hart *, r12 = pc of the block's first
 * instruction, r13 = data privilege (part of every TLB tag; constant in a
 * block, since only block-ending instructions change it); rax, rcx, rdx,
 * rsi scratch. */
enum { RAX = 0, RCX = 1, RDX = 2, RBX = 3, RSI = 6 };

/* rbx points BIAS bytes into struct hart, so that every x register is
 * within a signed 8-bit displacement (4-byte loads and stores). */
#define BIAS 128
#define HOFF(field) ((int32_t)offsetof(struct hart, field) - BIAS)
#define XOFF(r) (HOFF(x) + 8 * (int32_t)(r))
#define TLBOFF HOFF(tlb)
_Static_assert(offsetof(struct hart, x) == 0, "x[] within disp8 of rbx");

#define INSN_ROOM 160	/* host bytes of one instruction, at most (~120: FLW) */
#define EXIT_ROOM 10	/* bytes of one side exit */

struct emit {
	unsigned char *p, *end;
	bool full;
	struct {
		unsigned char *at;	/* rel32 to patch */
		unsigned k;		/* record index (and flags) to return */
		int slot;		/* chain slot of a taken branch, or -1 */
		unsigned len;		/* instructions of the pass, if chained */
		int32_t delta;		/* its target - the block's pc */
	} fix[3 * BLK_MAX + 2];
	unsigned nfix;
	/* Chaining (see jit_translate): the chunk whose link[] are the
	 * slots, slots handed out so far, the block's page offset. */
	struct blk *chunk;
	unsigned nslot;
	unsigned pgoff;
	unsigned char *epi;
};

/* Unchecked: jit_translate checks room for a whole instruction (at most
 * INSN_ROOM bytes) before emitting it, and for the exits before those. */
static inline void b1(struct emit *e, unsigned v)
{
	*e->p++ = (unsigned char)v;
}

static inline void b4(struct emit *e, uint32_t v)
{
	memcpy(e->p, &v, 4);
	e->p += 4;
}

static inline void bytes(struct emit *e, const char *s, size_t n)
{
	memcpy(e->p, s, n);
	e->p += n;
}
#define BYTES(e, s) bytes(e, s, sizeof(s) - 1)

static void disp(struct emit *e, bool d8, int32_t d)
{
	if (d8)
		b1(e, (unsigned)d & 0xff);
	else
		b4(e, (uint32_t)d);
}

/* op reg, [rbx + d] with REX.W (w) */
static void rbx_mem(struct emit *e, bool w, unsigned op, unsigned reg, int32_t d)
{
	bool d8 = d >= -128 && d <= 127;
	b1(e, 0x40 | (w ? 8 : 0) | ((reg >> 3) << 2));
	b1(e, op);
	b1(e, (d8 ? 0x40 : 0x80) | ((reg & 7) << 3) | RBX);
	disp(e, d8, d);
}

/* op reg, [rbx + rdx + d], REX.W */
static void tlb_mem(struct emit *e, unsigned op, unsigned reg, int32_t d)
{
	bool d8 = d >= -128 && d <= 127;
	b1(e, 0x48);
	b1(e, op);
	b1(e, (d8 ? 0x44 : 0x84) | (reg << 3));
	b1(e, 0x13);	/* SIB: index rdx, base rbx */
	disp(e, d8, d);
}

static void load_x(struct emit *e, unsigned reg, unsigned r)
{
	if (!r) {	/* xor reg32, reg32 */
		b1(e, 0x31);
		b1(e, 0xc0 | (reg << 3) | reg);
	} else {
		rbx_mem(e, true, 0x8b, reg, XOFF(r));
	}
}

static void store_x(struct emit *e, unsigned reg, unsigned r)
{
	if (r)
		rbx_mem(e, true, 0x89, reg, XOFF(r));
}

/* jcc rel32 (cc = the second opcode byte, 0x80..0x8f) to the exit that
 * returns record index k. */
static void exit_if(struct emit *e, unsigned cc, unsigned k)
{
	b1(e, 0x0f);
	b1(e, cc);
	if (e->nfix < sizeof e->fix / sizeof e->fix[0]) {
		e->fix[e->nfix].at = e->p;
		e->fix[e->nfix].k = k;
		e->fix[e->nfix].slot = -1;
		e->nfix++;
	} else {
		e->full = true;	/* cannot happen: three per instruction at most */
	}
	b4(e, 0);
}

enum { JE = 0x84, JNE = 0x85, JB = 0x82, JAE = 0x83, JL = 0x8c, JGE = 0x8d };

/* rax = x[rs1] + imm; the TLB slot offset in rdx; the tag of the access's
 * last byte, or'ed with the data privilege, in tag; compare with the
 * slot's entry at field (vpn_r / vpn_w) and leave at k on a miss (which
 * also catches page-crossing accesses: see DEF_LOAD in hart.c); then
 * rax = host address. */
static void tlb_check(struct emit *e, const struct blk_rec *r, unsigned size,
		      size_t field, unsigned k)
{
	load_x(e, RAX, r->rs1);
	if (r->imm) {
		BYTES(e, "\x48\x05");	/* add rax, imm32 */
		b4(e, (uint32_t)r->imm);
	}
	/* lea rsi, [rax + size - 1] */
	BYTES(e, "\x48\x8d\x70");
	b1(e, size - 1);
	BYTES(e, "\x48\xc1\xee\x0c");	/* shr rsi, 12 */
	BYTES(e, "\x48\xc1\xe6\x02");	/* shl rsi, 2 */
	BYTES(e, "\x4c\x09\xee");	/* or rsi, r13 */
	BYTES(e, "\x48\x89\xc2");	/* mov rdx, rax */
	BYTES(e, "\x48\xc1\xea\x0c");	/* shr rdx, 12 */
	BYTES(e, "\x81\xe2");		/* and edx, HART_TLB_SIZE - 1 */
	b4(e, HART_TLB_SIZE - 1);
	BYTES(e, "\x48\xc1\xe2\x05");	/* shl rdx, 5 (sizeof struct tlb_entry) */
	tlb_mem(e, 0x3b, RSI, TLBOFF + (int32_t)field);	/* cmp rsi, [slot.field] */
	exit_if(e, JNE, k);
	tlb_mem(e, 0x03, RAX, TLBOFF + (int32_t)offsetof(struct tlb_entry, addend));
}

_Static_assert(sizeof(struct tlb_entry) == 32, "tlb_check scales the slot index by 32");
_Static_assert(offsetof(struct blk, host) == 0, "emit_chain compares [rax] with the host address");

/* tlb_check for a store, then leave at k if the page holds decoded code
 * (odd version): the interpreter stores, bumps the version and ends the
 * block. rax = host address. */
static void store_check(struct emit *e, const struct blk_rec *r, unsigned size, unsigned k)
{
	tlb_check(e, r, size, offsetof(struct tlb_entry, vpn_w), k);
	BYTES(e, "\x48\x89\xc2");	/* mov rdx, rax */
	BYTES(e, "\x48\xc1\xea\x0c");	/* shr rdx, 12 */
	BYTES(e, "\x48\xc1\xe2\x02");	/* shl rdx, 2 */
	rbx_mem(e, true, 0x03, RDX, HOFF(cv_base));	/* add rdx, cv_base */
	BYTES(e, "\xf6\x02\x01");	/* test byte [rdx], 1 */
	exit_if(e, JNE, k);
}

static bool emit_load(struct emit *e, const struct blk_rec *r, unsigned k)
{
	static const struct {
		unsigned size;
		const char *code;	/* rax <- [rax], extended */
		unsigned len;
	} ld[] = {
		[OP_LB - OP_LB] = {1, "\x48\x0f\xbe\x00", 4},
		[OP_LH - OP_LB] = {2, "\x48\x0f\xbf\x00", 4},
		[OP_LW - OP_LB] = {4, "\x48\x63\x00", 3},
		[OP_LD - OP_LB] = {8, "\x48\x8b\x00", 3},
		[OP_LBU - OP_LB] = {1, "\x0f\xb6\x00", 3},
		[OP_LHU - OP_LB] = {2, "\x0f\xb7\x00", 3},
		[OP_LWU - OP_LB] = {4, "\x8b\x00", 2},
	};
	unsigned i = r->op - OP_LB;
	tlb_check(e, r, ld[i].size, offsetof(struct tlb_entry, vpn_r), k);
	bytes(e, ld[i].code, ld[i].len);
	store_x(e, RAX, r->rd);
	return true;
}

static bool emit_store(struct emit *e, const struct blk_rec *r, unsigned k)
{
	static const struct {
		unsigned size;
		const char *code;	/* [rax] <- rcx */
		unsigned len;
	} st[] = {
		[OP_SB - OP_SB] = {1, "\x88\x08", 2},
		[OP_SH - OP_SB] = {2, "\x66\x89\x08", 3},
		[OP_SW - OP_SB] = {4, "\x89\x08", 2},
		[OP_SD - OP_SB] = {8, "\x48\x89\x08", 3},
	};
	unsigned i = r->op - OP_SB;
	store_check(e, r, st[i].size, k);
	load_x(e, RCX, r->rs2);
	bytes(e, st[i].code, st[i].len);
	return true;
}

/* F/D: the FP unit must be on (mstatus.FS), else the interpreter raises
 * the illegal-instruction trap. */
static void fs_check(struct emit *e, unsigned k)
{
	rbx_mem(e, true, 0xf7, 0, HOFF(mstatus));	/* test qword [mstatus], imm32 */
	b4(e, (uint32_t)MSTATUS_FS);
	exit_if(e, JE, k);
}

/* mstatus |= FS (dirty) | SD, as fs_dirty in hart.c */
static void fs_dirty_emit(struct emit *e)
{
	BYTES(e, "\x48\xb9");		/* mov rcx, imm64 */
	uint64_t v = MSTATUS_FS | MSTATUS_SD;
	memcpy(e->p, &v, 8);
	e->p += 8;
	rbx_mem(e, true, 0x09, RCX, HOFF(mstatus));	/* or [mstatus], rcx */
}

#define FOFF(r) (HOFF(f) + 8 * (int32_t)(r))

static bool emit_fp_mem(struct emit *e, const struct blk_rec *r, unsigned k)
{
	fs_check(e, k);
	switch (r->op) {
	case OP_FLW:
	case OP_FLD:
		tlb_check(e, r, r->op == OP_FLW ? 4 : 8, offsetof(struct tlb_entry, vpn_r), k);
		if (r->op == OP_FLW) {
			BYTES(e, "\x8b\x00");			/* mov eax, [rax] */
			BYTES(e, "\x48\xb9");			/* mov rcx, NaN-box */
			uint64_t box = 0xffffffff00000000ULL;
			memcpy(e->p, &box, 8);
			e->p += 8;
			BYTES(e, "\x48\x09\xc8");		/* or rax, rcx */
		} else {
			BYTES(e, "\x48\x8b\x00");		/* mov rax, [rax] */
		}
		rbx_mem(e, true, 0x89, RAX, FOFF(r->rd));
		fs_dirty_emit(e);
		return true;
	case OP_FSW:
	case OP_FSD:
		store_check(e, r, r->op == OP_FSW ? 4 : 8, k);
		rbx_mem(e, true, 0x8b, RCX, FOFF(r->rs2));
		if (r->op == OP_FSW)
			BYTES(e, "\x89\x08");			/* mov [rax], ecx */
		else
			BYTES(e, "\x48\x89\x08");		/* mov [rax], rcx */
		return true;
	}
	return false;
}

/* F/D computational ops: a call to hart_fp_op (the interpreter's own
 * code); nonzero (FP unit off, bad rounding mode) leaves at k, where the
 * interpreter raises the trap. The stack is 16-byte aligned here (five
 * pushes after the return address). */
static bool emit_fp_op(struct emit *e, const struct blk *b, unsigned k)
{
	int (*fn)(struct hart *, const struct blk_rec *) = hart_fp_op;
	uint64_t rec = (uint64_t)(uintptr_t)&b->r[k], fa;
	memcpy(&fa, &fn, sizeof fa);
	BYTES(e, "\x48\x8d\xbb");		/* lea rdi, [rbx - BIAS] */
	b4(e, (uint32_t)-BIAS);
	BYTES(e, "\x48\xbe");			/* mov rsi, record */
	memcpy(e->p, &rec, 8);
	e->p += 8;
	BYTES(e, "\x48\xb8");			/* mov rax, hart_fp_op */
	memcpy(e->p, &fa, 8);
	e->p += 8;
	BYTES(e, "\xff\xd0");			/* call rax */
	BYTES(e, "\x85\xc0");			/* test eax, eax */
	exit_if(e, JNE, k);
	return true;
}

/* The chain slot of a taken branch, or -1: slot 0 is kept for the
 * block's end (its fall-through or JAL), the others go to the branches
 * in order. */
static int chain_slot(struct emit *e)
{
	if (!e->chunk || e->nslot + 1 >= JIT_SLOTS)
		return -1;
	return (int)++e->nslot;
}

/* The exit to pc + delta leaves the block's page: the chained code must
 * check the fetch permission through the TLB, as run_slice does. */
static bool crosses(const struct emit *e, int32_t delta)
{
	int64_t t = (int64_t)e->pgoff + delta;
	return t < 0 || t >= (int64_t)BUS_PAGE_SIZE;
}

static void rip_rel(struct emit *e, const void *target)
{
	int32_t rel = (int32_t)((const unsigned char *)target - (e->p + 4));
	b4(e, (uint32_t)rel);
}

static void jmp_epi(struct emit *e)
{
	b1(e, 0xe9);
	rip_rel(e, e->epi);
}

/* Leave with v (mov eax, v; jmp epi). */
static void emit_ret(struct emit *e, unsigned v)
{
	b1(e, 0xb8);
	b4(e, v);
	jmp_epi(e);
}

#define CHAIN_ROOM 320	/* bytes of emit_chain or emit_jalr_chain, at most
			 * (~230; test-jit checks) */

/* Conditional jumps to a chain attempt's failure path, patched at its end. */
struct fails {
	unsigned char *at[8];
	unsigned n;
};

static void fail_if(struct emit *e, struct fails *f, unsigned cc)
{
	b1(e, 0x0f);
	b1(e, cc);
	f->at[f->n++] = e->p;
	b4(e, 0);
}

static void fails_here(struct emit *e, struct fails *f)
{
	for (unsigned i = 0; i < f->n; i++) {
		int32_t rel = (int32_t)(e->p - (f->at[i] + 4));
		memcpy(f->at[i], &rel, 4);
	}
}

/* r8 = host address of the target pc in rdx, through its fetch TLB entry
 * (tag with the hart's privilege: the fetch permission check); fail on a
 * miss. */
static void emit_fetch_host(struct emit *e, struct fails *f)
{
	BYTES(e, "\x48\x89\xd6");		/* mov rsi, rdx */
	BYTES(e, "\x48\xc1\xee\x0c");	/* shr rsi, 12 */
	BYTES(e, "\x48\x89\xf7");		/* mov rdi, rsi */
	BYTES(e, "\x81\xe7");			/* and edi, HART_TLB_SIZE - 1 */
	b4(e, HART_TLB_SIZE - 1);
	BYTES(e, "\x48\xc1\xe7\x05");	/* shl rdi, 5 */
	BYTES(e, "\x48\xc1\xe6\x02");	/* shl rsi, 2 */
	BYTES(e, "\x0f\xb6\x8b");		/* movzx ecx, byte [rbx + priv] */
	b4(e, (uint32_t)HOFF(priv));
	BYTES(e, "\x48\x09\xce");		/* or rsi, rcx */
	BYTES(e, "\x48\x3b\xb4\x3b");	/* cmp rsi, [rbx + rdi + vpn_x] */
	b4(e, (uint32_t)(TLBOFF + (int32_t)offsetof(struct tlb_entry, vpn_x)));
	fail_if(e, f, JNE);
	BYTES(e, "\x4c\x8b\x84\x3b");	/* mov r8, [rbx + rdi + addend] */
	b4(e, (uint32_t)(TLBOFF + (int32_t)offsetof(struct tlb_entry, addend)));
	BYTES(e, "\x49\x01\xd0");		/* add r8, rdx */
}

/* The block in rax may be entered after a pass of len instructions: no
 * request pending, its version and fence epoch still match, it fits the
 * budget (r14) and has host code (left in rcx); else fail. */
static void emit_enter_checks(struct emit *e, struct fails *f, unsigned len)
{
	BYTES(e, "\x83\xbb");			/* cmp dword [rbx + req], 0 */
	b4(e, (uint32_t)HOFF(req));
	b1(e, 0);
	fail_if(e, f, JNE);
	BYTES(e, "\x48\x8b\x48");		/* mov rcx, [rax + verp] */
	b1(e, offsetof(struct blk, verp));
	BYTES(e, "\x8b\x09");			/* mov ecx, [rcx] */
	BYTES(e, "\x48\x8b\xb3");		/* mov rsi, [rbx + icache] */
	b4(e, (uint32_t)HOFF(icache));
	BYTES(e, "\x48\x0b\x8e");		/* or rcx, [rsi + epoch] */
	b4(e, (uint32_t)offsetof(struct hart_icache, epoch));
	BYTES(e, "\x48\x3b\x48");		/* cmp rcx, [rax + key] */
	b1(e, offsetof(struct blk, key));
	fail_if(e, f, JNE);
	BYTES(e, "\x0f\xb7\x48");		/* movzx ecx, word [rax + n] */
	b1(e, offsetof(struct blk, n));
	BYTES(e, "\x48\x81\xc1");		/* add rcx, len */
	b4(e, len);
	BYTES(e, "\x49\x39\xce");		/* cmp r14, rcx */
	fail_if(e, f, JB);
	BYTES(e, "\x48\x8b\x48");		/* mov rcx, [rax + jit] */
	b1(e, offsetof(struct blk, jit));
	BYTES(e, "\x48\x85\xc9");		/* test rcx, rcx */
	fail_if(e, f, JE);
}

/* Enter the block in rax (its code in rcx) after a pass of len
 * instructions; r12 already holds its pc. */
static void emit_enter(struct emit *e, unsigned len)
{
	BYTES(e, "\x49\x81\xee");		/* sub r14, len */
	b4(e, len);
	BYTES(e, "\x49\x89\xc7");		/* mov r15, rax */
	BYTES(e, "\x48\x83\xc1");		/* add rcx, JIT_BODY */
	b1(e, JIT_BODY);
	BYTES(e, "\xff\xe1");			/* jmp rcx */
}

/* The pass of len instructions ends at pc + delta: go on in the host code
 * of the block in chain slot `slot` if emit_enter_checks allow it and, for
 * a target in another page, its fetch TLB entry maps it to that block;
 * else leave with v and the slot's address in h->jit_slot, so that
 * run_slice fills it with the block it finds there. */
static void emit_chain(struct emit *e, int slot, unsigned len, int32_t delta, unsigned v)
{
	const void *sp = &jit_slots(e->chunk)[slot];
	struct fails f = {.n = 0};
	BYTES(e, "\x48\x8b\x05");		/* mov rax, [rip + slot] */
	rip_rel(e, sp);
	BYTES(e, "\x48\x85\xc0");		/* test rax, rax */
	fail_if(e, &f, JE);
	if (crosses(e, delta)) {
		BYTES(e, "\x4c\x89\xe2");		/* mov rdx, r12 */
		BYTES(e, "\x48\x81\xc2");		/* add rdx, delta */
		b4(e, (uint32_t)delta);
		emit_fetch_host(e, &f);
		BYTES(e, "\x4c\x3b\x00");		/* cmp r8, [rax] (host) */
		fail_if(e, &f, JNE);
	}
	emit_enter_checks(e, &f, len);
	BYTES(e, "\x49\x81\xc4");		/* add r12, delta */
	b4(e, (uint32_t)delta);
	emit_enter(e, len);
	fails_here(e, &f);
	BYTES(e, "\x48\x8d\x0d");		/* lea rcx, [rip + slot] */
	rip_rel(e, sp);
	BYTES(e, "\x48\x89\x8b");		/* mov [rbx + jit_slot], rcx */
	b4(e, (uint32_t)HOFF(jit_slot));
	emit_ret(e, v);
}

_Static_assert(offsetof(struct hart_icache, tab) == 0, "emit_jalr_chain indexes the table from ic");

/* After a JALR (the target in h->jit_pc): find the target's block as
 * run_slice's table path does (fetch TLB entry, the table's first way,
 * host address) and go on in its code if emit_enter_checks allow it;
 * else leave with v. */
static void emit_jalr_chain(struct emit *e, unsigned len, unsigned v)
{
	struct fails f = {.n = 0};
	BYTES(e, "\x48\x8b\x93");		/* mov rdx, [rbx + jit_pc] */
	b4(e, (uint32_t)HOFF(jit_pc));
	emit_fetch_host(e, &f);
	BYTES(e, "\x48\x89\xd6");		/* mov rsi, rdx */
	BYTES(e, "\x48\xc1\xee\x02");	/* shr rsi, 2 */
	BYTES(e, "\x81\xe6");			/* and esi, BLK_TAB / 2 - 1 */
	b4(e, BLK_TAB / 2 - 1);
	BYTES(e, "\x48\xc1\xe6\x04");	/* shl rsi, 4 (a set: 2 pointers) */
	BYTES(e, "\x48\x8b\x8b");		/* mov rcx, [rbx + icache] */
	b4(e, (uint32_t)HOFF(icache));
	BYTES(e, "\x48\x8b\x04\x31");	/* mov rax, [rcx + rsi] */
	BYTES(e, "\x48\x85\xc0");		/* test rax, rax */
	fail_if(e, &f, JE);
	BYTES(e, "\x4c\x3b\x00");		/* cmp r8, [rax] (host) */
	fail_if(e, &f, JNE);
	emit_enter_checks(e, &f, len);
	BYTES(e, "\x49\x89\xd4");		/* mov r12, rdx */
	emit_enter(e, len);
	fails_here(e, &f);
	emit_ret(e, v);
}

static bool emit_branch(struct emit *e, const struct blk_rec *r, unsigned k)
{
	static const unsigned char cc[] = {
		[OP_BEQ - OP_BEQ] = JE, [OP_BNE - OP_BEQ] = JNE,
		[OP_BLT - OP_BEQ] = JL, [OP_BGE - OP_BEQ] = JGE,
		[OP_BLTU - OP_BEQ] = JB, [OP_BGEU - OP_BEQ] = JAE,
	};
	load_x(e, RAX, r->rs1);
	load_x(e, RCX, r->rs2);
	BYTES(e, "\x48\x39\xc8");	/* cmp rax, rcx */
	/* taken: chained to the target's host code, or the interpreter
	 * leaves the block at it */
	exit_if(e, cc[r->op - OP_BEQ], k | JIT_TAKEN);
	int32_t delta = (int32_t)r->off + r->imm;
	int slot = chain_slot(e);
	if (slot >= 0 && !e->full) {
		e->fix[e->nfix - 1].slot = slot;
		e->fix[e->nfix - 1].len = k + 1;
		e->fix[e->nfix - 1].delta = delta;
	}
	return true;
}

/* JAL/JALR (the last instruction of a block): the target goes to
 * h->jit_pc, rd gets the next pc, and the code returns k | JIT_JUMP. */
static void emit_jump(struct emit *e, const struct blk_rec *r, unsigned next_off)
{
	if (r->op == OP_JAL) {
		BYTES(e, "\x4c\x89\xe0");	/* mov rax, r12 */
		BYTES(e, "\x48\x05");		/* add rax, imm32 (twice: off + imm
						 * may not fit 32 bits) */
		b4(e, (uint32_t)r->imm);
		BYTES(e, "\x48\x05");
		b4(e, r->off);
	} else {
		load_x(e, RAX, r->rs1);
		BYTES(e, "\x48\x05");
		b4(e, (uint32_t)r->imm);
		BYTES(e, "\x48\x83\xe0\xfe");	/* and rax, -2 */
	}
	rbx_mem(e, true, 0x89, RAX, HOFF(jit_pc));
	if (r->rd) {
		BYTES(e, "\x4c\x89\xe0");	/* mov rax, r12 */
		BYTES(e, "\x48\x05");
		b4(e, next_off);
		store_x(e, RAX, r->rd);
	}
}

static void imm32(struct emit *e, const char *op, size_t n, int32_t imm)
{
	bytes(e, op, n);
	b4(e, (uint32_t)imm);
}

static void shift_imm(struct emit *e, bool w64, unsigned ext, int32_t sh)
{
	if (w64)
		b1(e, 0x48);
	b1(e, 0xc1);
	b1(e, 0xc0 | (ext << 3));
	b1(e, (unsigned)sh & 63);
}

static void shift_cl(struct emit *e, bool w64, unsigned ext)
{
	if (w64)
		b1(e, 0x48);
	b1(e, 0xd3);
	b1(e, 0xc0 | (ext << 3));
}

#define SX32 "\x48\x63\xc0"	/* movsxd rax, eax */

/* Divisions: x86 faults on a zero divisor and on INT_MIN / -1; both (and
 * -1 in general, for simplicity) go to the interpreter. */
static void div_guard(struct emit *e, bool w64, bool sign, unsigned k)
{
	if (w64)
		b1(e, 0x48);
	BYTES(e, "\x85\xc9");	/* test rcx, rcx (ecx) */
	exit_if(e, JE, k);
	if (sign) {
		if (w64)
			b1(e, 0x48);
		BYTES(e, "\x83\xf9\xff");	/* cmp rcx, -1 */
		exit_if(e, JE, k);
	}
}

/* ALU and M ops: false if op is not one of them. */
static bool emit_alu(struct emit *e, const struct blk_rec *r, unsigned k)
{
	unsigned op = r->op;
	if (op != OP_LUI && op != OP_AUIPC && (op < OP_ADDI || op > OP_REMUW))
		return false;
	if (r->rd == 0)		/* no effect (run as L_NOP by the interpreter) */
		return true;
	unsigned out = RAX;
	switch (op) {
	case OP_LUI:
		imm32(e, "\x48\xc7\xc0", 3, r->imm);	/* mov rax, simm32 */
		break;
	case OP_AUIPC:
		BYTES(e, "\x4c\x89\xe0");	/* mov rax, r12 */
		imm32(e, "\x48\x05", 2, r->imm);
		imm32(e, "\x48\x05", 2, r->off);
		break;
	case OP_ADDI: case OP_XORI: case OP_ORI: case OP_ANDI:
	case OP_SLTI: case OP_SLTIU: case OP_ADDIW: {
		static const char *const code[] = {
			[OP_ADDI - OP_ADDI] = "\x48\x05", [OP_SLTI - OP_ADDI] = "\x48\x3d",
			[OP_SLTIU - OP_ADDI] = "\x48\x3d", [OP_XORI - OP_ADDI] = "\x48\x35",
			[OP_ORI - OP_ADDI] = "\x48\x0d", [OP_ANDI - OP_ADDI] = "\x48\x25",
		};
		load_x(e, RAX, r->rs1);
		if (op == OP_ADDIW) {
			imm32(e, "\x05", 1, r->imm);	/* add eax, imm32 */
			BYTES(e, SX32);
			break;
		}
		if (op == OP_ADDI && !r->imm)
			break;	/* mv */
		imm32(e, code[op - OP_ADDI], 2, r->imm);
		if (op == OP_SLTI)
			BYTES(e, "\x0f\x9c\xc0\x0f\xb6\xc0");	/* setl al; movzx eax, al */
		else if (op == OP_SLTIU)
			BYTES(e, "\x0f\x92\xc0\x0f\xb6\xc0");	/* setb al; movzx eax, al */
		break;
	}
	case OP_SLLI: case OP_SRLI: case OP_SRAI:
	case OP_SLLIW: case OP_SRLIW: case OP_SRAIW: {
		bool w64 = op <= OP_SRAI;
		unsigned ext = (op == OP_SLLI || op == OP_SLLIW) ? 4 :
			       (op == OP_SRLI || op == OP_SRLIW) ? 5 : 7;
		load_x(e, RAX, r->rs1);
		shift_imm(e, w64, ext, r->imm);
		if (!w64)
			BYTES(e, SX32);
		break;
	}
	case OP_ADD: case OP_SUB: case OP_XOR: case OP_OR: case OP_AND:
	case OP_SLT: case OP_SLTU: case OP_ADDW: case OP_SUBW: {
		load_x(e, RAX, r->rs1);
		load_x(e, RCX, r->rs2);
		switch (op) {
		case OP_ADD: BYTES(e, "\x48\x01\xc8"); break;
		case OP_SUB: BYTES(e, "\x48\x29\xc8"); break;
		case OP_XOR: BYTES(e, "\x48\x31\xc8"); break;
		case OP_OR: BYTES(e, "\x48\x09\xc8"); break;
		case OP_AND: BYTES(e, "\x48\x21\xc8"); break;
		case OP_SLT: BYTES(e, "\x48\x39\xc8\x0f\x9c\xc0\x0f\xb6\xc0"); break;
		case OP_SLTU: BYTES(e, "\x48\x39\xc8\x0f\x92\xc0\x0f\xb6\xc0"); break;
		case OP_ADDW: BYTES(e, "\x01\xc8" SX32); break;
		case OP_SUBW: BYTES(e, "\x29\xc8" SX32); break;
		}
		break;
	}
	case OP_SLL: case OP_SRL: case OP_SRA:
	case OP_SLLW: case OP_SRLW: case OP_SRAW: {
		/* x86 masks the count in cl to 6 (5 for 32-bit) bits, as RISC-V */
		bool w64 = op <= OP_SRA;
		unsigned ext = (op == OP_SLL || op == OP_SLLW) ? 4 :
			       (op == OP_SRL || op == OP_SRLW) ? 5 : 7;
		load_x(e, RAX, r->rs1);
		load_x(e, RCX, r->rs2);
		shift_cl(e, w64, ext);
		if (!w64)
			BYTES(e, SX32);
		break;
	}
	case OP_MUL:
		load_x(e, RAX, r->rs1);
		load_x(e, RCX, r->rs2);
		BYTES(e, "\x48\x0f\xaf\xc1");	/* imul rax, rcx */
		break;
	case OP_MULW:
		load_x(e, RAX, r->rs1);
		load_x(e, RCX, r->rs2);
		BYTES(e, "\x0f\xaf\xc1" SX32);	/* imul eax, ecx */
		break;
	case OP_MULH:
		load_x(e, RAX, r->rs1);
		load_x(e, RCX, r->rs2);
		BYTES(e, "\x48\xf7\xe9");	/* imul rcx: rdx:rax */
		out = RDX;
		break;
	case OP_MULHU:
		load_x(e, RAX, r->rs1);
		load_x(e, RCX, r->rs2);
		BYTES(e, "\x48\xf7\xe1");	/* mul rcx */
		out = RDX;
		break;
	case OP_MULHSU:
		/* signed x unsigned: the unsigned high part, less rs2 when
		 * rs1 is negative */
		load_x(e, RAX, r->rs1);
		load_x(e, RCX, r->rs2);
		BYTES(e, "\x48\x89\xc6");	/* mov rsi, rax */
		BYTES(e, "\x48\xf7\xe1");	/* mul rcx */
		BYTES(e, "\x48\xc1\xfe\x3f");	/* sar rsi, 63 */
		BYTES(e, "\x48\x21\xce");	/* and rsi, rcx */
		BYTES(e, "\x48\x29\xf2");	/* sub rdx, rsi */
		out = RDX;
		break;
	case OP_DIV: case OP_REM: case OP_DIVU: case OP_REMU:
	case OP_DIVW: case OP_REMW: case OP_DIVUW: case OP_REMUW: {
		bool w64 = op <= OP_REMU;
		bool sign = op == OP_DIV || op == OP_REM || op == OP_DIVW || op == OP_REMW;
		bool rem = op == OP_REM || op == OP_REMU || op == OP_REMW || op == OP_REMUW;
		load_x(e, RAX, r->rs1);
		load_x(e, RCX, r->rs2);
		div_guard(e, w64, sign, k);
		if (sign && w64)
			BYTES(e, "\x48\x99");	/* cqo */
		else if (sign)
			BYTES(e, "\x99");	/* cdq */
		else
			BYTES(e, "\x31\xd2");	/* xor edx, edx */
		if (w64)
			b1(e, 0x48);
		b1(e, 0xf7);
		b1(e, sign ? 0xf9 : 0xf1);	/* idiv / div rcx (ecx) */
		if (w64) {
			out = rem ? RDX : RAX;
		} else {
			BYTES(e, "\x48\x63");	/* movsxd rax, eax / edx */
			b1(e, rem ? 0xc2 : 0xc0);
		}
		break;
	}
	default:
		return false;
	}
	store_x(e, out, r->rd);
	return true;
}

size_t jit_translate(const struct blk *b, struct blk *chunk, unsigned char *out, size_t cap)
{
	struct emit e = {.p = out, .end = out + cap, .chunk = chunk,
			 .pgoff = (unsigned)(b->host & (BUS_PAGE_SIZE - 1))};
	unsigned k = 0;
	if (cap < JIT_BODY + INSN_ROOM + 2 * CHAIN_ROOM)
		return 0;
	/* Entry: push rbx, r12-r15; lea rbx, [rdi + BIAS]; mov r12, rsi (pc);
	 * mov r14, rdx (budget); mov r15, rcx (block); movzx r13d, byte
	 * [rbx + dprv]; jmp body. Every encoding has a fixed size, so the
	 * body (where chained code enters) is at JIT_BODY. */
	BYTES(&e, "\x53\x41\x54\x41\x55\x41\x56\x41\x57\x48\x8d\x9f");
	b4(&e, BIAS);
	BYTES(&e, "\x49\x89\xf4\x49\x89\xd6\x49\x89\xcf\x44\x0f\xb6\xab");
	b4(&e, (uint32_t)HOFF(dprv));
	unsigned char *jmp = e.p;
	BYTES(&e, "\xeb\x00");	/* jmp short body */
	/* Epilogue: hand the final pc, budget and block to run_slice. */
	e.epi = e.p;
	BYTES(&e, "\x4c\x89\xa3");	/* mov [rbx + jit_bpc], r12 */
	b4(&e, (uint32_t)HOFF(jit_bpc));
	BYTES(&e, "\x4c\x89\xb3");	/* mov [rbx + jit_left], r14 */
	b4(&e, (uint32_t)HOFF(jit_left));
	BYTES(&e, "\x4c\x89\xfa");	/* mov rdx, r15 */
	BYTES(&e, "\x41\x5f\x41\x5e\x41\x5d\x41\x5c\x5b\xc3");
	jmp[1] = (unsigned char)(e.p - (jmp + 2));
	if (e.p - out != JIT_BODY)
		return 0;	/* cannot happen: the sizes above are fixed */
	unsigned ret = 0;	/* JIT_JUMP when the block's jump was translated */
	bool jumped = false;
	for (; k < b->n; k++) {
		/* room for this instruction, the exits so far and its two,
		 * and the block's end */
		if ((size_t)(e.end - e.p) <
		    INSN_ROOM + (e.nfix + 3) * EXIT_ROOM + (e.nslot + 2) * CHAIN_ROOM)
			break;
		const struct blk_rec *r = &b->r[k];
		unsigned char *mark = e.p;
		unsigned nfix = e.nfix, nslot = e.nslot;
		bool ok;
		if (r->op == OP_JAL || r->op == OP_JALR) {
			emit_jump(&e, r, b->r[k + 1].off);
			ret = JIT_JUMP;
			jumped = true;
			break;
		}
		if (r->op == OP_FENCE) {
			/* PAUSE (fence w, 0) ends the slice: the interpreter's.
			 * Any other FENCE orders like the interpreter's
			 * sequentially consistent fence; it ends the block, so
			 * the END fall-through (chained) follows. */
			if (r->imm == PAUSE_IMM && !r->rd && !r->rs1)
				break;
			BYTES(&e, "\x0f\xae\xf0");	/* mfence */
			continue;
		}
		if (r->op >= OP_FLW && r->op <= OP_FSD)
			ok = emit_fp_mem(&e, r, k);
		else if (r->op >= OP_FP_F && r->op <= OP_FP_FX)
			ok = emit_fp_op(&e, b, k);
		else if (r->op >= OP_LB && r->op <= OP_LWU)
			ok = emit_load(&e, r, k);
		else if (r->op >= OP_SB && r->op <= OP_SD)
			ok = emit_store(&e, r, k);
		else if (r->op >= OP_BEQ && r->op <= OP_BGEU)
			ok = emit_branch(&e, r, k);
		else
			ok = emit_alu(&e, r, k);
		if (!ok || e.full) {
			e.p = mark;	/* the interpreter runs it */
			e.nfix = nfix;
			e.nslot = nslot;
			break;
		}
	}
	if (k == 0 && !ret)
		return 0;	/* nothing gained */
	/* the loop kept room for this: the end and every exit */
	if ((size_t)(e.end - e.p) < (e.nslot + 1) * CHAIN_ROOM + e.nfix * EXIT_ROOM)
		return 0;
	/* The end of the translated part: the block's end (chained to the
	 * next block in the page), its JAL (chained to the target), its
	 * JALR, or an instruction left to the interpreter. */
	int slot = -1;
	int32_t delta = 0;
	if (jumped && b->r[k].op == OP_JAL)
		delta = (int32_t)b->r[k].off + b->r[k].imm;
	else if (!jumped && k == b->n)
		delta = b->bytes;
	if (chunk && ((jumped && b->r[k].op == OP_JAL) || (!jumped && k == b->n)))
		slot = 0;
	if (slot >= 0)
		emit_chain(&e, slot, k + (jumped ? 1 : 0), delta, k | ret);
	else if (jumped && chunk)	/* JALR */
		emit_jalr_chain(&e, k + 1, k | ret);
	else
		emit_ret(&e, k | ret);
	/* side exits */
	for (unsigned i = 0; i < e.nfix; i++) {
		unsigned char *stub = e.p;
		if (e.fix[i].slot >= 0)
			emit_chain(&e, e.fix[i].slot, e.fix[i].len, e.fix[i].delta, e.fix[i].k);
		else
			emit_ret(&e, e.fix[i].k);
		int32_t rel = (int32_t)(stub - (e.fix[i].at + 4));
		memcpy(e.fix[i].at, &rel, 4);
	}
	return (size_t)(e.p - out);
}

#else

size_t jit_translate(const struct blk *b, struct blk *chunk, unsigned char *out, size_t cap)
{
	(void)b, (void)chunk, (void)out, (void)cap;
	return 0;
}

#endif
