/*
 * PAUSE (Zihintpause, FENCE pred=W succ=0): architecturally a no-op that
 * retires. The core ends the slice there and, in a long spin, returns
 * HART_EXIT_PAUSE to its caller; none of that may show to the guest:
 * registers and minstret after a pause loop must be exact, in bare mode
 * and in paravirtual mode (where the spin sleeps), and the loop must end.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cpu/bus.h"
#include "cpu/hart.h"

#define RAM 0x80000000ULL
#define ITERS 2000

static const uint32_t prog[] = {
	0x0100000f,				/* 0: pause */
	(0xfffu << 20) | (5u << 15) | (5u << 7) | 0x13,	/* 4: addi x5, x5, -1 */
	(1u << 20) | (6u << 15) | (6u << 7) | 0x13,	/* 8: addi x6, x6, 1 */
	0xfe029ae3,				/* 12: bne x5, x0, 0 (-12) */
	0x10500073,				/* 16: wfi */
	0x0000006f,				/* 20: j . */
};

static bool no_ecall(struct hart *h, void *opaque)
{
	(void)h;
	(void)opaque;
	return false;
}

static int run_case(const char *name, bool paravirt)
{
	struct bus bus;
	struct hart h;
	struct hart_env env = { .ecall = paravirt ? no_ecall : NULL };
	int fails = 0;

	if (bus_init(&bus, RAM, 1 << 20)) {
		printf("not ok - %s: bus_init\n", name);
		return 1;
	}
	memcpy(bus_ram_ptr(&bus, RAM, sizeof prog), prog, sizeof prog);
	if (hart_init(&h, &bus, 0, &env)) {
		printf("not ok - %s: hart_init\n", name);
		bus_destroy(&bus);
		return 1;
	}
	h.pc = RAM;
	h.x[5] = ITERS;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	/* A long spin returns HART_EXIT_PAUSE (the caller's turn to let other
	 * vCPUs run); resuming must continue exactly where it stopped. */
	enum hart_exit e;
	unsigned pauses = 0;
	while ((e = hart_run(&h, 10 * ITERS - h.steps)) == HART_EXIT_PAUSE &&
	       h.steps < 10 * ITERS)
		pauses++;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double secs = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	bool ok = e == HART_EXIT_WFI && h.pc == RAM + 20;
	fails += !ok;
	printf("%s - %s: pause loop ends in WFI (exit %d)\n", ok ? "ok" : "not ok", name, (int)e);
	ok = h.x[5] == 0 && h.x[6] == ITERS;
	fails += !ok;
	printf("%s - %s: registers exact (x5 %llu, x6 %llu)\n", ok ? "ok" : "not ok", name,
	       (unsigned long long)h.x[5], (unsigned long long)h.x[6]);
	/* 4 instructions per iteration, then the WFI. */
	ok = h.retired == 4ULL * ITERS + 1;
	fails += !ok;
	printf("%s - %s: retired %llu (want %llu)\n", ok ? "ok" : "not ok", name,
	       (unsigned long long)h.retired, 4ULL * ITERS + 1);
	/* Sleeps are 50 us after a 256-slice spin: 2000 pauses stay well
	 * under a second even on a loaded host. */
	ok = pauses > 0;
	fails += !ok;
	printf("%s - %s: the spin returned HART_EXIT_PAUSE (%u times)\n", ok ? "ok" : "not ok",
	       name, pauses);
	ok = secs < 2.0;
	fails += !ok;
	printf("%s - %s: spin took %.3f s\n", ok ? "ok" : "not ok", name, secs);
	hart_destroy(&h);
	bus_destroy(&bus);
	return fails;
}

int main(void)
{
	int fails = run_case("bare", false) + run_case("paravirt", true);
	return fails != 0;
}
