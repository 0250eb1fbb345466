/*
 * Bare-metal runner (see bare.h): loads the ELF, wires HTIF and the CLINT,
 * runs hart 0 and maps the outcome to an exit status.
 */
#include <errno.h>
#include <sched.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <time.h>

#include "board/bare.h"
#include "board/clint.h"
#include "board/elf.h"
#include "board/htif.h"
#include "cpu/bus.h"
#include "cpu/hart.h"

struct bare {
	struct bus bus;
	struct hart hart;
	struct hart *harts[1];
	struct clint clint;
	struct htif htif;
	bool realtime;
	uint64_t skip;		/* ticks skipped by WFI (deterministic time) */
	struct timespec t0;
};

static uint64_t bare_time(void *opaque)
{
	struct bare *m = opaque;
	if (m->realtime) {
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		int64_t ns = (ts.tv_sec - m->t0.tv_sec) * 1000000000LL + (ts.tv_nsec - m->t0.tv_nsec);
		return (uint64_t)ns / (1000000000ULL / BARE_TIMEBASE_HZ);
	}
	return m->hart.retired / BARE_INSNS_PER_TICK + m->skip;
}

static void bare_htif_exit(void *opaque)
{
	struct bare *m = opaque;
	m->hart.halt = true;
}

static int bare_setup(struct bare *m, const struct bare_opts *o)
{
	struct elf_info ei;
	struct hart_env env = { .ecall = NULL, .read_time = bare_time, .opaque = m };
	int rc;

	rc = bus_init(&m->bus, BARE_RAM_BASE, o->mem_size ? o->mem_size : (128ULL << 20));
	if (rc < 0) {
		fprintf(stderr, "domus-run: cannot allocate guest RAM: %s\n", strerror(-rc));
		return rc;
	}
	rc = elf_load_file(&m->bus, o->elf, &ei);
	if (rc < 0) {
		fprintf(stderr, "domus-run: cannot load %s: %s\n", o->elf,
			rc == -EFAULT ? "segment outside guest RAM" : strerror(-rc));
		return rc;
	}
	rc = hart_init(&m->hart, &m->bus, 0, &env);
	if (rc < 0)
		return rc;
	m->hart.pc = ei.entry;
	m->hart.trace = o->trace;
	m->harts[0] = &m->hart;
	clint_init(&m->clint, m->harts, 1, bare_time, m);
	rc = clint_attach(&m->clint, &m->bus, BARE_CLINT_BASE);
	if (rc < 0)
		return rc;
	if (ei.has_tohost) {
		rc = htif_init(&m->htif, &m->bus, ei.tohost, ei.fromhost, ei.has_fromhost, stdout);
		if (rc < 0) {
			fprintf(stderr, "domus-run: tohost at 0x%" PRIx64 " is not in RAM\n", ei.tohost);
			return rc;
		}
		m->htif.on_exit = bare_htif_exit;
		m->htif.opaque = m;
	} else {
		fprintf(stderr, "domus-run: warning: %s has no tohost symbol\n", o->elf);
	}
	return 0;
}

int bare_run(const struct bare_opts *o)
{
	static const uint64_t chunk = 1 << 22;
	struct bare *m = calloc(1, sizeof *m);
	int status = BARE_EXIT_ERROR;
	if (!m)
		return BARE_EXIT_ERROR;
	m->realtime = o->realtime;
	clock_gettime(CLOCK_MONOTONIC, &m->t0);
	if (bare_setup(m, o) < 0)
		goto out;

	struct hart *h = &m->hart;
	for (;;) {
		uint64_t n = chunk;
		if (o->max_insns) {
			if (h->steps >= o->max_insns) {
				fprintf(stderr, "domus-run: instruction limit (%" PRIu64
					") reached at pc 0x%016" PRIx64 "\n", o->max_insns, h->pc);
				status = BARE_EXIT_TIMEOUT;
				break;
			}
			if (o->max_insns - h->steps < n)
				n = o->max_insns - h->steps;
		}
		enum hart_exit e = hart_run(h, n);
		if (e == HART_EXIT_HALT || m->htif.done) {
			status = m->htif.exit_code;
			if (m->htif.exit_is_fail)
				fprintf(stderr, "FAIL test %" PRIu64 "\n", m->htif.exit_value);
			break;
		}
		if (e == HART_EXIT_DOUBLE_FAULT) {
			fprintf(stderr, "domus-run: double fault: trap loop at pc 0x%016" PRIx64
				", cause %" PRIu64 "\n", h->last_trap_pc, h->last_trap_cause);
			status = BARE_EXIT_DOUBLE_FAULT;
			break;
		}
		if (e == HART_EXIT_PAUSE) {
			/* bare time advances with retired instructions, so
			 * sleeping would only add wall time to a spin */
			sched_yield();
			continue;
		}
		if (e == HART_EXIT_WFI) {
			uint64_t dl = hart_next_deadline(h), now = bare_time(m);
			if (dl == UINT64_MAX || dl <= now)
				continue;	/* nothing to wait for: WFI acts as a nop */
			if (m->realtime)
				hart_wait(h, (dl - now) * (1000000000ULL / BARE_TIMEBASE_HZ));
			else
				m->skip += dl - now;
		}
	}
	if (o->stats) {
		struct timespec t1;
		clock_gettime(CLOCK_MONOTONIC, &t1);
		double secs = (t1.tv_sec - m->t0.tv_sec) + (t1.tv_nsec - m->t0.tv_nsec) / 1e9;
		fprintf(stderr, "domus-run: %" PRIu64 " instructions retired in %.3f s: %.1f MIPS\n",
			h->retired, secs, secs > 0 ? h->retired / secs / 1e6 : 0.0);
	}
	hart_destroy(h);
out:
	bus_destroy(&m->bus);
	free(m);
	return status;
}
