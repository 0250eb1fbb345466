/*
 * The hart's decoded-block cache: invalidation rules seen from outside the
 * hart, and exactness.
 *  - a write the code versions cannot see (another hart's store racing the
 *    decode, modelled by writing host memory directly) is picked up after a
 *    remote fence.i (HART_REQ_FENCEI);
 *  - a device DMA write (bus_dma_ptr) and a slow-path bus write
 *    (bus_store) are visible at once, without any fence;
 *  - another hart on another thread rewriting the code with ordinary
 *    stores, then fence.i on the running hart;
 *  - budgets: hart_run(n) steps exactly n instructions whatever the block
 *    sizes, and minstret/retired stay exact;
 *  - a loop that is one self-chained block still returns on a request;
 *  - harts that have not run keep their block cache unbacked;
 *  - hostile code: pages of random words executed in all privilege modes
 *    with the trap vector into them never crash the host (run under ASan);
 *  - the arena: a half filled to exactly its end must not let the next
 *    block overwrite the other half's live blocks (white box, block.h).
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cpu/bus.h"
#include "cpu/block.h"
#include "cpu/hart.h"

#define RAM 0x80000000ULL
#define ADDI(rd, rs, v) ((uint32_t)(v) << 20 | (rs) << 15 | (rd) << 7 | 0x13)
#define JAL0(off) (((((uint32_t)(off) >> 20) & 1) << 31) | ((((uint32_t)(off) >> 1) & 0x3ff) << 21) | \
		   ((((uint32_t)(off) >> 11) & 1) << 20) | ((((uint32_t)(off) >> 12) & 0xff) << 12) | 0x6f)

static int fails;

static void check(bool ok, const char *what, unsigned long long got, unsigned long long want)
{
	fails += !ok;
	printf("%s - %s (got %llu, want %llu)\n", ok ? "ok" : "not ok", what, got, want);
}

static void put(struct bus *b, uint64_t pa, uint32_t w)
{
	memcpy(bus_ram_ptr(b, pa, 4), &w, 4);
}

/* loop: addi x5, x5, K ; addi x6, x6, 1 ; j loop */
static void loop_prog(struct bus *b, int k)
{
	put(b, RAM, ADDI(5, 5, k));
	put(b, RAM + 4, ADDI(6, 6, 1));
	put(b, RAM + 8, JAL0(-8));
}

static void test_fences(void)
{
	struct bus bus;
	struct hart h;
	if (bus_init(&bus, RAM, 1 << 20) || hart_init(&h, &bus, 0, NULL)) {
		check(false, "init", 0, 0);
		return;
	}
	loop_prog(&bus, 1);
	h.pc = RAM;
	hart_run(&h, 3000);
	check(h.x[5] == 1000 && h.x[6] == 1000, "loop runs (x5)", h.x[5], 1000);

	/* A write no code version saw (raw host memory), then remote fence.i. */
	put(&bus, RAM, ADDI(5, 5, 7));
	hart_request(&h, HART_REQ_FENCEI);
	hart_run(&h, 3000);
	check(h.x[5] == 1000 + 7 * 1000, "unseen write visible after remote fence.i", h.x[5],
	      1000 + 7 * 1000);

	/* Device DMA rewrites the code: visible with no fence. */
	uint8_t *p = bus_dma_ptr(&bus, RAM, 4, true);
	uint32_t w = ADDI(5, 5, 100);
	memcpy(p, &w, 4);
	uint64_t before = h.x[5];
	hart_run(&h, 3000);
	check(h.x[5] == before + 100 * 1000, "DMA write visible without fence", h.x[5] - before,
	      100 * 1000);

	/* Slow-path physical store (another part of the machine). */
	bus_store(&bus, RAM, 4, ADDI(5, 5, 3));
	before = h.x[5];
	hart_run(&h, 3000);
	check(h.x[5] == before + 3 * 1000, "bus_store visible without fence", h.x[5] - before,
	      3 * 1000);

	/* Exact budgets: odd sizes never overrun a block. */
	uint64_t steps = h.steps, ret = h.retired;
	bool exact = true;
	for (uint64_t n = 1; n < 40; n++) {
		uint64_t s0 = h.steps;
		hart_run(&h, n);
		exact = exact && h.steps - s0 == n;
	}
	check(exact, "hart_run(n) steps exactly n (n = 1..39)", h.steps - steps, 39 * 40 / 2);
	check(h.retired - ret == 39 * 40 / 2, "retired exact", h.retired - ret, 39 * 40 / 2);
	hart_destroy(&h);
	bus_destroy(&bus);
}

/* Another hart on its own thread rewrites the running hart's loop with
 * ordinary stores; the running hart picks it up at a fence.i it is sent. */
struct writer {
	struct hart h;
	volatile bool done;
};

static void *writer_run(void *arg)
{
	struct writer *w = arg;
	hart_run(&w->h, 100000);
	w->done = true;
	return NULL;
}

static void test_remote_writer(void)
{
	struct bus bus;
	static struct hart h;
	static struct writer wr;
	if (bus_init(&bus, RAM, 1 << 20) || hart_init(&h, &bus, 0, NULL) ||
	    hart_init(&wr.h, &bus, 1, NULL)) {
		check(false, "init", 0, 0);
		return;
	}
	loop_prog(&bus, 1);
	h.pc = RAM;
	hart_run(&h, 3000);
	/* writer: sw x7, 0(x8) ; wfi ; j . */
	put(&bus, RAM + 0x1000, (7u << 20) | (8u << 15) | (2u << 12) | 0x23);
	put(&bus, RAM + 0x1004, 0x10500073);
	put(&bus, RAM + 0x1008, JAL0(0));
	wr.h.pc = RAM + 0x1000;
	wr.h.x[7] = ADDI(5, 5, 11);
	wr.h.x[8] = RAM;
	pthread_t t;
	pthread_create(&t, NULL, writer_run, &wr);
	pthread_join(t, NULL);
	hart_request(&h, HART_REQ_FENCEI);
	uint64_t before = h.x[5];
	hart_run(&h, 3000);
	check(h.x[5] == before + 11 * 1000, "other hart's store seen after fence.i",
	      h.x[5] - before, 11 * 1000);
	hart_destroy(&wr.h);
	hart_destroy(&h);
	bus_destroy(&bus);
}

/* A tight loop of one chained block (j .) must still see requests from
 * other threads: block boundaries check them. */
struct spinner {
	struct hart h;
	enum hart_exit e;
};

static void *spin_run(void *arg)
{
	struct spinner *sp = arg;
	sp->e = hart_run(&sp->h, 0);
	return NULL;
}

static void test_latency(void)
{
	struct bus bus;
	static struct spinner sp;
	if (bus_init(&bus, RAM, 1 << 20) || hart_init(&sp.h, &bus, 0, NULL)) {
		check(false, "init", 0, 0);
		return;
	}
	put(&bus, RAM, ADDI(5, 5, 1));
	put(&bus, RAM + 4, JAL0(-4));
	sp.h.pc = RAM;
	pthread_t t;
	pthread_create(&t, NULL, spin_run, &sp);
	struct timespec ts = { 0, 20 * 1000 * 1000 };
	nanosleep(&ts, NULL);
	hart_request(&sp.h, HART_REQ_EXIT);
	pthread_join(t, NULL);
	check(sp.e == HART_EXIT_STOP, "a chained loop returns on a request (exit)", sp.e,
	      HART_EXIT_STOP);
	check(sp.h.x[5] > 1000 && sp.h.x[5] == sp.h.retired / 2, "it ran, counts exact (x5)",
	      sp.h.x[5], sp.h.retired / 2);
	hart_destroy(&sp.h);
	bus_destroy(&bus);
}

/* Resident memory of /proc/self/statm, in KiB. */
static long rss_kib(void)
{
	long size = 0, res = 0;
	FILE *f = fopen("/proc/self/statm", "r");
	if (!f)
		return -1;
	if (fscanf(f, "%ld %ld", &size, &res) != 2)
		res = -1;
	fclose(f);
	return res < 0 ? -1 : res * 4;
}

/* Several hundred vCPUs may live in one process: a hart that has not run
 * must not have its block cache (~2.6 MiB) resident. */
static void test_lazy(void)
{
	enum { N = 64 };
	struct bus bus;
	struct hart *hs = calloc(N, sizeof *hs);
	if (!hs || bus_init(&bus, RAM, 1 << 20)) {
		check(false, "init", 0, 0);
		free(hs);
		return;
	}
	long before = rss_kib();
	int ok = 0;
	for (int k = 0; k < N; k++)
		ok += hart_init(&hs[k], &bus, (uint64_t)k, NULL) == 0;
	long grown = rss_kib() - before;
	check(ok == N && before > 0 && grown < N * 128, "64 idle harts stay small (KiB resident)",
	      (unsigned long long)grown, N * 128);
	for (int k = 0; k < N; k++)
		hart_destroy(&hs[k]);
	free(hs);
	bus_destroy(&bus);
}

/* Random code in all modes, traps vectored into the random page itself,
 * translation on with a random satp: must just run (ASan checks bounds). */
static void test_hostile(void)
{
	struct bus bus;
	struct hart h;
	if (bus_init(&bus, RAM, 1 << 20) || hart_init(&h, &bus, 0, NULL)) {
		check(false, "init", 0, 0);
		return;
	}
	uint64_t seed = 0x9e3779b97f4a7c15ULL;
	uint64_t total = 0;
	for (int round = 0; round < 200; round++) {
		for (uint64_t a = 0; a < (1 << 20); a += 4) {
			seed ^= seed << 13;
			seed ^= seed >> 7;
			seed ^= seed << 17;
			uint32_t w = (uint32_t)seed;
			/* bias to valid-looking code: mostly loads/stores/ALU/branches */
			if (round & 1)
				w = (w & ~0x7fu) | (uint32_t[]){ 0x03, 0x13, 0x23, 0x33, 0x63, 0x67,
								 0x6f, 0x73 }[(seed >> 40) & 7];
			put(&bus, RAM + a, w);
		}
		hart_reset(&h);
		h.pc = RAM + ((seed >> 20) & 0xffffc);
		h.mtvec = RAM + ((seed >> 30) & 0xffffc);
		h.priv = (seed >> 50) & 1 ? 3 : 1;
		hart_pmp_allow_all(&h);
		for (int r = 0; r < 32; r++)
			h.x[r] = RAM + ((seed >> r) & 0xfffff);
		uint64_t s0 = h.steps;
		hart_run(&h, 20000);
		total += h.steps - s0;
	}
	check(total > 0, "random code ran without crashing (steps)", total, 1);
	hart_destroy(&h);
	bus_destroy(&bus);
}

/* Build blocks of 63 addi each at distinct pcs (16 pages x 961 offsets, so
 * every pc has its own table set) until the arena has turned twice: half
 * 1 then holds live blocks and half 0 is being filled. Then let half 0
 * fill to exactly its end and build one more block: it must go to a fresh
 * half (dropping half 1's blocks from the table), never on top of a block
 * the table still names. */
static void test_arena_exact_fill(void)
{
	struct bus bus;
	struct hart h;
	static const char labels[OP__COUNT + 2];
	const void *disp[OP__COUNT + 2];
	for (unsigned i = 0; i < OP__COUNT + 2; i++)
		disp[i] = &labels[i];
	if (bus_init(&bus, RAM, 1 << 20) || hart_init(&h, &bus, 0, NULL)) {
		check(false, "init", 0, 0);
		return;
	}
	hart_reset(&h);
	for (uint64_t a = 0; a < 16 * 4096; a += 4)
		put(&bus, RAM + a, ADDI(5, 5, 1));
	struct hart_icache *ic = h.icache;
	ic->jit = false;	/* blocks of exactly the reserved size: no host code */
	const size_t half = BLK_ARENA / 2, one = BLK_BYTES(BLK_MAX, 4 * BLK_MAX);
	unsigned k = 0, turns = 0;
	uint64_t pc_of_k[16 * 961];
#define PC(k) (RAM + ((k) / 961) * 4096 + ((k) % 961) * 4)
	size_t last_used = 0;
	while (turns < 2 && k < 16 * 961) {
		uint64_t pc = PC(k);
		pc_of_k[k] = pc;
		struct blk *b = block_build(&h, pc, (uintptr_t)bus_ram_ptr(&bus, pc, 4), disp);
		if (!b || b->n != BLK_MAX) {
			check(false, "block of 63 instructions built", b ? b->n : 0, BLK_MAX);
			goto out;
		}
		if (ic->used < last_used)
			turns++;
		last_used = ic->used;
		k++;
	}
	check(turns == 2 && ic->fill == 0, "arena turned twice, filling half 0", turns, 2);
	/* A block of half 1 the table still names: the first one built there. */
	struct blk *live = (struct blk *)(void *)(ic->arena + half);
	uint64_t live_pc = 0;
	for (unsigned j = 0; j < k; j++)
		if (blk_set(ic, pc_of_k[j])[0] == live || blk_set(ic, pc_of_k[j])[1] == live)
			live_pc = pc_of_k[j];
	check(live_pc != 0, "half 1 holds a live block", live_pc != 0, 1);
	uintptr_t live_host = (uintptr_t)bus_ram_ptr(&bus, live_pc, 4);
	/* Fill half 0 to exactly its end: one more full-size block does it. */
	ic->used = half - one;
	ic->end[0] = ic->used;
	struct blk *x = block_build(&h, PC(k), (uintptr_t)bus_ram_ptr(&bus, PC(k), 4), disp);
	k++;
	check(x && ic->used == half, "half 0 filled to its end", ic->used, half);
	struct blk *y = block_build(&h, PC(k), (uintptr_t)bus_ram_ptr(&bus, PC(k), 4), disp);
	struct blk **set = blk_set(ic, live_pc);
	bool named = set[0] == live || set[1] == live;
	check(!named || live->host == live_host,
	      "no block overwritten while the table names it", named && live->host != live_host, 0);
	check(y != NULL && (!named || y != live), "next block not placed on a live block", named && y == live, 0);
#undef PC
out:
	hart_destroy(&h);
	bus_destroy(&bus);
}

int main(void)
{
	test_arena_exact_fill();
	test_fences();
	test_remote_writer();
	test_latency();
	test_lazy();
	test_hostile();
	return fails != 0;
}
