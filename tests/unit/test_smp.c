/*
 * SMP atomicity: several harts, each on its own host thread, hammer one
 * word with AMOADD.W and another with an LR/SC increment loop over the
 * same bus. The totals must be exact (AMOs and SC are atomic with respect
 * to other harts), and every hart must end in its WFI.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cpu/bus.h"
#include "cpu/hart.h"

#define RAM 0x80000000ULL
#define NHARTS 4
#define ITERS 1000000

static uint32_t B(int imm, unsigned rs2, unsigned rs1, unsigned f3)
{
	uint32_t u = (uint32_t)imm;
	return ((u >> 12) & 1) << 31 | ((u >> 5) & 0x3f) << 25 | rs2 << 20 | rs1 << 15 |
	       f3 << 12 | ((u >> 1) & 0xf) << 8 | ((u >> 11) & 1) << 7 | 0x63;
}

static const uint32_t prog[] = {
	(0u << 27) | (6u << 20) | (10u << 15) | (2u << 12) | (0u << 7) | 0x2f,	/* 0: amoadd.w x0, x6, (x10) */
	(2u << 27) | (11u << 15) | (2u << 12) | (7u << 7) | 0x2f,		/* 4: lr.w x7, (x11) */
	(1u << 20) | (7u << 15) | (7u << 7) | 0x13,				/* 8: addi x7, x7, 1 */
	(3u << 27) | (7u << 20) | (11u << 15) | (2u << 12) | (28u << 7) | 0x2f,	/* 12: sc.w x28, x7, (x11) */
	0,									/* 16: bne x28, x0, 4 */
	(0xfffu << 20) | (5u << 15) | (5u << 7) | 0x13,				/* 20: addi x5, x5, -1 */
	0,									/* 24: bne x5, x0, 0 */
	0x10500073,								/* 28: wfi */
	0x0000006f,								/* 32: j . */
};

struct worker {
	struct hart h;
	enum hart_exit exit;
};

static void *run(void *arg)
{
	struct worker *w = arg;
	w->exit = hart_run(&w->h, 100000000);
	return NULL;
}

int main(void)
{
	static struct worker w[NHARTS];
	struct bus bus;
	uint32_t code[sizeof prog / 4];
	pthread_t th[NHARTS];
	int fails = 0;

	if (bus_init(&bus, RAM, 1 << 20)) {
		printf("not ok - bus_init\n");
		return 1;
	}
	memcpy(code, prog, sizeof code);
	code[4] = B(-12, 0, 28, 1);
	code[6] = B(-24, 0, 5, 1);
	memcpy(bus_ram_ptr(&bus, RAM, sizeof code), code, sizeof code);
	for (int i = 0; i < NHARTS; i++) {
		struct hart_env env = { 0 };
		if (hart_init(&w[i].h, &bus, i, &env)) {
			printf("not ok - hart_init\n");
			return 1;
		}
		w[i].h.pc = RAM;
		w[i].h.x[5] = ITERS;
		w[i].h.x[6] = 1;
		w[i].h.x[10] = RAM + 0x1000;	/* AMO counter */
		w[i].h.x[11] = RAM + 0x1040;	/* LR/SC counter, another line */
	}
	for (int i = 0; i < NHARTS; i++)
		pthread_create(&th[i], NULL, run, &w[i]);
	for (int i = 0; i < NHARTS; i++)
		pthread_join(th[i], NULL);

	uint32_t amo, lrsc;
	memcpy(&amo, bus_ram_ptr(&bus, RAM + 0x1000, 4), 4);
	memcpy(&lrsc, bus_ram_ptr(&bus, RAM + 0x1040, 4), 4);
	bool all_wfi = true;
	for (int i = 0; i < NHARTS; i++)
		all_wfi &= w[i].exit == HART_EXIT_WFI && w[i].h.pc == RAM + 32;
	printf("%s - %d harts reach WFI\n", all_wfi ? "ok" : "not ok", NHARTS);
	printf("%s - amoadd.w total %u (want %u)\n", amo == NHARTS * ITERS ? "ok" : "not ok",
	       amo, NHARTS * ITERS);
	printf("%s - lr/sc increment total %u (want %u)\n",
	       lrsc == NHARTS * ITERS ? "ok" : "not ok", lrsc, NHARTS * ITERS);
	fails = !all_wfi + (amo != NHARTS * ITERS) + (lrsc != NHARTS * ITERS);
	for (int i = 0; i < NHARTS; i++)
		hart_destroy(&w[i].h);
	bus_destroy(&bus);
	return fails != 0;
}
