/*
 * The credit scheduler with synthetic units (no guests): hogs whose run
 * function really burns host CPU, a blocking "interactive" unit, pinned
 * units. Ratios are of CPU time (robust on a loaded host), latencies are
 * checked with generous bounds, states are sampled.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hv/sched.h"

static int failures;

#define CHECK(cond, ...) do { \
	if (cond) { printf("ok - "); } else { printf("not ok - "); failures++; } \
	printf(__VA_ARGS__); printf("\n"); fflush(stdout); \
} while (0)

static uint64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static uint64_t proc_cpu_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) != 0)
		;
}

/* ---- units --------------------------------------------------------- */

struct tunit {
	struct sched_unit *u;
	_Atomic bool stop;		/* next return is DONE */
	_Atomic unsigned runs;
	_Atomic uint64_t allowed;	/* pCPUs it may be seen on (0: any) */
	_Atomic unsigned bad_pcpu;	/* runs seen outside allowed */
	/* interactive */
	_Atomic uint64_t woken_at;	/* when the waker woke it, 0 when consumed */
	uint64_t lat[256];
	_Atomic unsigned nlat;
	_Atomic uint64_t block_for_ns;	/* BLOCK with a deadline this far ahead */
	uint64_t want_at;		/* that deadline */
	/* CPU the hogs got between the wake and the dispatch */
	struct tunit *hogs[2];
	_Atomic uint64_t hog_cpu_at_wake;
	uint64_t hog_lat[256];
	/* lost-wakeup test */
	_Atomic int handshake;
};

static uint64_t hogs_cpu(struct tunit *t);

static void burn_us(unsigned us)
{
	uint64_t end = mono_ns() + us * 1000ULL, x = us;
	while (mono_ns() < end)
		for (int i = 0; i < 200; i++)
			x = x * 6364136223846793005ULL + 1442695040888963407ULL;
	__asm__ volatile("" : : "r"(x));	/* keep the work */
}

static void check_pcpu(struct tunit *t)
{
	struct sched_unit_info info;

	uint64_t allowed = atomic_load(&t->allowed);

	if (!allowed)
		return;
	sched_unit_get_info(t->u, &info);
	if (info.pcpu < 0 || !((allowed >> info.pcpu) & 1))
		atomic_fetch_add(&t->bad_pcpu, 1);
}

static enum sched_run hog_run(void *opaque, struct sched_unit *u, uint64_t *deadline)
{
	struct tunit *t = opaque;

	atomic_fetch_add(&t->runs, 1);
	check_pcpu(t);
	while (!sched_unit_should_yield(u)) {
		if (atomic_load(&t->stop))
			return SCHED_RUN_DONE;
		burn_us(50);
	}
	return SCHED_RUN_PREEMPTED;
}

/* Runs a few microseconds per wake, then blocks (no deadline, or
 * block_for_ns ahead); records wake-to-dispatch latency. */
static enum sched_run inter_run(void *opaque, struct sched_unit *u, uint64_t *deadline)
{
	struct tunit *t = opaque;
	uint64_t now = mono_ns(), w = atomic_exchange(&t->woken_at, 0);

	atomic_fetch_add(&t->runs, 1);
	if (t->block_for_ns && t->want_at)
		w = t->want_at;
	if (w) {
		unsigned n = atomic_load(&t->nlat);
		if (n < 256) {
			t->lat[n] = now > w ? now - w : 0;
			if (t->hogs[0] && !t->block_for_ns) {
				uint64_t c = hogs_cpu(t), c0 = atomic_load(&t->hog_cpu_at_wake);
				t->hog_lat[n] = c > c0 ? c - c0 : 0;
			}
			atomic_store(&t->nlat, n + 1);
		}
	}
	if (atomic_load(&t->stop))
		return SCHED_RUN_DONE;
	burn_us(20);
	if (t->block_for_ns) {
		t->want_at = mono_ns() + t->block_for_ns;
		*deadline = t->want_at;
	}
	return SCHED_RUN_BLOCK;
}

/* First run: tells the main thread, waits until it has called
 * sched_unit_wake (the unit is still in its run function), then blocks.
 * The wake must not be lost: a second run follows. */
static enum sched_run race_run(void *opaque, struct sched_unit *u, uint64_t *deadline)
{
	struct tunit *t = opaque;
	unsigned n = atomic_fetch_add(&t->runs, 1);

	if (atomic_load(&t->stop))
		return SCHED_RUN_DONE;
	if (n == 0) {
		atomic_store(&t->handshake, 1);
		uint64_t end = mono_ns() + 2000000000ULL;
		while (atomic_load(&t->handshake) != 2 && mono_ns() < end)
			;
	}
	return SCHED_RUN_BLOCK;
}

static uint64_t unit_cpu(struct tunit *t);

static uint64_t hogs_cpu(struct tunit *t)
{
	return unit_cpu(t->hogs[0]) + unit_cpu(t->hogs[1]);
}

/* Mixed behaviour for the stress test: burn a little, then preempt-return,
 * yield, block with a short deadline, or block until woken. */
static enum sched_run mixed_run(void *opaque, struct sched_unit *u, uint64_t *deadline)
{
	struct tunit *t = opaque;
	unsigned n = atomic_fetch_add(&t->runs, 1);

	check_pcpu(t);
	if (atomic_load(&t->stop))
		return SCHED_RUN_DONE;
	burn_us(30 + n % 200);
	switch (n % 5) {
	case 0: return SCHED_RUN_PREEMPTED;
	case 1: return SCHED_RUN_YIELD;
	case 2: *deadline = mono_ns() + 200000; return SCHED_RUN_BLOCK;
	case 3: return sched_unit_should_yield(u) ? SCHED_RUN_PREEMPTED : SCHED_RUN_BLOCK;
	default: *deadline = mono_ns() + 1000000; return SCHED_RUN_OFFLINE;
	}
}

static const struct sched_unit_ops mixed_ops = { .run = mixed_run };
static const struct sched_unit_ops hog_ops = { .run = hog_run };
static const struct sched_unit_ops inter_ops = { .run = inter_run };
static const struct sched_unit_ops race_ops = { .run = race_run };

static struct tunit *tunit_new(struct sched_dom *d, const struct sched_unit_ops *ops)
{
	struct tunit *t = calloc(1, sizeof(*t));
	if (!t || sched_unit_create(d, ops, t, &t->u) < 0) {
		fprintf(stderr, "cannot create a unit\n");
		exit(1);
	}
	return t;
}

/* Ends a unit: stop flag, wake, join, destroy. */
static void tunit_end(struct tunit *t)
{
	atomic_store(&t->stop, true);
	sched_unit_wake(t->u);
	sched_unit_join(t->u);
	sched_unit_destroy(t->u);
	free(t);
}

static uint64_t unit_cpu(struct tunit *t)
{
	struct sched_unit_info info;
	sched_unit_get_info(t->u, &info);
	return info.cpu_ns;
}

static struct sched *pool(unsigned n)
{
	struct sched *s;
	if (sched_create(n, &s) < 0) {
		fprintf(stderr, "sched_create(%u) failed\n", n);
		exit(1);
	}
	return s;
}

static struct sched_dom *dom(struct sched *s, unsigned weight, unsigned cap)
{
	struct sched_dom *d;
	if (sched_dom_create(s, &d) < 0 || sched_dom_set(d, weight, cap) < 0) {
		fprintf(stderr, "cannot create a domain\n");
		exit(1);
	}
	return d;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* ---- tests --------------------------------------------------------- */

static void test_params(void)
{
	struct sched *s = pool(2);
	struct sched_dom *d = dom(s, 256, 0);
	struct tunit *t = tunit_new(d, &hog_ops);
	unsigned ts, rl, w, c;

	CHECK(sched_nr_pcpus(s) == 2, "params: pool of 2 pCPUs");
	sched_get_params(s, &ts, &rl);
	CHECK(ts == 30 && rl == 1000, "params: defaults tslice 30 ms, ratelimit 1000 us (%u, %u)", ts, rl);
	CHECK(sched_set_params(s, 0, 0) == -EINVAL && sched_set_params(s, 1001, 1000) == -EINVAL,
	      "params: tslice outside 1..1000 refused");
	CHECK(sched_set_params(s, 30, 99) == -EINVAL && sched_set_params(s, 30, 500001) == -EINVAL,
	      "params: ratelimit outside 0, 100..500000 refused");
	CHECK(sched_set_params(s, 1, 1001) == -EINVAL, "params: ratelimit above tslice refused");
	sched_get_params(s, &ts, &rl);
	CHECK(ts == 30 && rl == 1000, "params: refused calls change nothing");
	CHECK(sched_set_params(s, 5, 0) == 0 && sched_set_params(s, 1000, 500000) == 0 &&
	      sched_set_params(s, 1, 1000) == 0, "params: limits accepted");
	sched_get_params(s, &ts, &rl);
	CHECK(ts == 1 && rl == 1000, "params: set and read back");
	CHECK(sched_dom_set(d, 0, 0) == -EINVAL && sched_dom_set(d, 65536, 0) == -EINVAL &&
	      sched_dom_set(d, 256, 201) == -EINVAL, "params: weight 0/65536, cap > 100 * pCPUs refused");
	CHECK(sched_dom_set(d, 65535, 200) == 0, "params: weight 65535, cap 200 on 2 pCPUs accepted");
	sched_dom_get(d, &w, &c);
	CHECK(w == 65535 && c == 200, "params: domain weight/cap read back");
	CHECK(sched_unit_set_affinity(t->u, 0) == -EINVAL &&
	      sched_unit_set_affinity(t->u, 1ULL << 5) == -EINVAL, "params: affinity without a pool pCPU refused");
	struct sched_unit_info info;
	sched_unit_get_info(t->u, &info);
	CHECK(info.state == '-' && info.pcpu == -1 && info.affinity == 3 && info.cpu_ns == 0,
	      "params: a unit not started is '-' on no pCPU, affinity all");
	struct sched *bad;
	CHECK(sched_create(SCHED_MAX_PCPUS + 1, &bad) == -EINVAL, "params: 65 pCPUs refused");
	tunit_end(t);
	sched_dom_destroy(d);
	sched_destroy(s);
}

/* Two hogs on one pCPU, weights 256 and 512: CPU time 1:2 within 10 %.
 * On a 1-pCPU pool, and pinned to pCPU 0 of a 2-pCPU pool (credit is what
 * was consumed, so the idle pCPU's capacity does not dilute it). */
static void weights_case(unsigned pcpus)
{
	struct sched *s = pool(pcpus);
	struct sched_dom *da = dom(s, 256, 0), *db = dom(s, 512, 0);
	struct tunit *a = tunit_new(da, &hog_ops), *b = tunit_new(db, &hog_ops);

	sched_unit_set_affinity(a->u, 1);
	sched_unit_set_affinity(b->u, 1);
	sched_unit_start(a->u);
	sched_unit_start(b->u);
	sleep_ms(500);		/* settle */
	uint64_t a0 = unit_cpu(a), b0 = unit_cpu(b);
	sleep_ms(3000);
	uint64_t da_ns = unit_cpu(a) - a0, db_ns = unit_cpu(b) - b0;
	double r = da_ns ? (double)db_ns / (double)da_ns : 0;
	CHECK(r >= 1.8 && r <= 2.2, "weights: 512 vs 256 on pCPU 0 of a %u-pCPU pool get CPU %.2f : 1 (want 2 +- 10 %%; %.2f s vs %.2f s)",
	      pcpus, r, db_ns / 1e9, da_ns / 1e9);
	tunit_end(a);
	tunit_end(b);
	sched_dom_destroy(da);
	sched_dom_destroy(db);
	sched_destroy(s);
}

static void test_weights(void)
{
	weights_case(1);
	weights_case(2);
}

/* A cap=25 hog alone uses at most 27 % of a pCPU. */
static void test_cap(void)
{
	struct sched *s = pool(1);
	struct sched_dom *d = dom(s, 256, 25);
	struct tunit *a = tunit_new(d, &hog_ops);

	sched_unit_start(a->u);
	sleep_ms(300);
	uint64_t c0 = unit_cpu(a), t0 = mono_ns();
	sleep_ms(3000);
	double frac = (double)(unit_cpu(a) - c0) / (double)(mono_ns() - t0);
	CHECK(frac <= 0.27 && frac >= 0.05, "cap: cap=25 hog alone uses %.1f %% of a pCPU (want <= 27)", frac * 100);
	/* Parked most of the time while capped; never once the cap is
	 * lifted (sampled states: independent of host load). */
	unsigned on = 0, on_free = 0;
	struct sched_unit_info info;
	for (int i = 0; i < 50; i++) {
		sleep_ms(7);
		sched_unit_get_info(a->u, &info);
		on += info.pcpu == 0;
	}
	sched_dom_set(d, 256, 0);
	sleep_ms(50);
	for (int i = 0; i < 50; i++) {
		sleep_ms(7);
		sched_unit_get_info(a->u, &info);
		on_free += info.pcpu == 0;
	}
	/* (A host giving the pool less than the cap never makes it bite.) */
	CHECK((on < 40 || frac < 0.2) && on_free >= 45,
	      "cap: on its pCPU in %u of 50 samples capped, %u of 50 after the cap is lifted", on, on_free);
	tunit_end(a);
	sched_dom_destroy(d);
	sched_destroy(s);
}

/* A unit woken every 40 ms next to two hogs on one pCPU is dispatched
 * quickly (BOOST preempts, ratelimit 1 ms). Host load delays the pool's
 * threads themselves, so the bound that matters is on the CPU time the
 * hogs got between the wake and the dispatch; wall time is reported and
 * bounded loosely. */
static void test_latency(void)
{
	struct sched *s = pool(1);
	struct sched_dom *dh = dom(s, 256, 0), *di = dom(s, 256, 0);
	struct tunit *h1 = tunit_new(dh, &hog_ops), *h2 = tunit_new(dh, &hog_ops);
	struct tunit *it = tunit_new(di, &inter_ops);
	enum { N = 80 };

	it->hogs[0] = h1;
	it->hogs[1] = h2;
	sched_unit_start(h1->u);
	sched_unit_start(h2->u);
	sched_unit_start(it->u);
	sleep_ms(200);
	atomic_store(&it->nlat, 0);
	unsigned lost = 0;
	for (int i = 0; i < N; i++) {
		sleep_ms(40);
		unsigned runs = atomic_load(&it->runs);
		atomic_store(&it->hog_cpu_at_wake, hogs_cpu(it));
		atomic_store(&it->woken_at, mono_ns());
		sched_unit_wake(it->u);
		/* Each wake is followed by a run (none lost, none merged). */
		uint64_t end = mono_ns() + 1000000000ULL;
		while (atomic_load(&it->runs) == runs && mono_ns() < end)
			sleep_ms(1);
		lost += atomic_load(&it->runs) == runs;
	}
	unsigned n = atomic_load(&it->nlat);
	qsort(it->lat, n, sizeof(it->lat[0]), cmp_u64);
	qsort(it->hog_lat, n, sizeof(it->hog_lat[0]), cmp_u64);
	unsigned k99 = n ? (n * 99) / 100 - (n >= 100 ? 0 : 1) : 0;
	uint64_t p50 = n ? it->lat[n / 2] : 0, p99 = n ? it->lat[k99] : 0;
	uint64_t c50 = n ? it->hog_lat[n / 2] : 0, c99 = n ? it->hog_lat[k99] : 0;
	CHECK(n == N && !lost, "latency: %u of %u wakes dispatched (%u not within 1 s)", n, N, lost);
	CHECK(n && c99 < 5000000ULL, "latency: hog CPU between wake and dispatch p50 %.2f ms, p99 %.2f ms (want < 5)",
	      c50 / 1e6, c99 / 1e6);
	CHECK(n && p50 < 20000000ULL && p99 < 100000000ULL,
	      "latency: wake to dispatch next to two hogs p50 %.2f ms (want < 20), p99 %.2f ms, max %.2f ms",
	      p50 / 1e6, p99 / 1e6, n ? it->lat[n - 1] / 1e6 : 0);
	/* Timer wakes: blocking 20 ms ahead, dispatched close to the deadline. */
	it->block_for_ns = 20000000ULL;
	it->want_at = 0;
	atomic_store(&it->nlat, 0);
	sched_unit_wake(it->u);
	sleep_ms(1000);
	n = atomic_load(&it->nlat);
	if (n > 1) {
		qsort(it->lat, n, sizeof(it->lat[0]), cmp_u64);
		p50 = it->lat[n / 2];
		p99 = it->lat[n - 2];
	}
	CHECK(n >= 20 && p50 < 20000000ULL, "latency: %u timer wakes (20 ms deadline) late by p50 %.2f ms, 2nd worst %.2f ms",
	      n, p50 / 1e6, p99 / 1e6);
	tunit_end(h1);
	tunit_end(h2);
	tunit_end(it);
	sched_dom_destroy(dh);
	sched_dom_destroy(di);
	sched_destroy(s);
}

/* Affinity: a pinned unit only ever runs on its pCPU; re-pinning moves a
 * running unit. */
static void test_affinity(void)
{
	struct sched *s = pool(2);
	struct sched_dom *d = dom(s, 256, 0);
	struct tunit *p = tunit_new(d, &hog_ops), *f1 = tunit_new(d, &hog_ops), *f2 = tunit_new(d, &hog_ops);
	struct sched_unit_info info;
	unsigned seen_bad = 0, samples = 0, on1 = 0;

	p->allowed = 2;
	CHECK(sched_unit_set_affinity(p->u, 2) == 0, "affinity: pin to pCPU 1");
	sched_unit_start(p->u);
	sched_unit_start(f1->u);
	sched_unit_start(f2->u);
	for (int i = 0; i < 100; i++) {
		sleep_ms(10);
		sched_unit_get_info(p->u, &info);
		samples++;
		if (info.pcpu == 0)
			seen_bad++;
		on1 += info.pcpu == 1;
	}
	CHECK(!seen_bad && !atomic_load(&p->bad_pcpu) && on1 > 0,
	      "affinity: pinned unit seen only on pCPU 1 (%u of %u samples there, %u runs outside)",
	      on1, samples, atomic_load(&p->bad_pcpu));
	/* Move it to pCPU 0 while it runs. */
	sched_unit_set_affinity(p->u, 1);
	sleep_ms(50);
	p->allowed = 1;
	atomic_store(&p->bad_pcpu, 0);
	seen_bad = on1 = 0;
	unsigned on0 = 0;
	for (int i = 0; i < 50; i++) {
		sleep_ms(10);
		sched_unit_get_info(p->u, &info);
		seen_bad += info.pcpu == 1;
		on0 += info.pcpu == 0;
	}
	CHECK(!seen_bad && !atomic_load(&p->bad_pcpu) && on0 > 0 && info.affinity == 1,
	      "affinity: re-pinned to pCPU 0, seen there only (%u samples)", on0);
	tunit_end(p);
	tunit_end(f1);
	tunit_end(f2);
	sched_dom_destroy(d);
	sched_destroy(s);
}

/* Stealing: two hogs start queued on pCPU 0 (pinned), then may run
 * anywhere: the idle pCPU 1 takes one. */
static void test_steal(void)
{
	struct sched *s = pool(2);
	struct sched_dom *d = dom(s, 256, 0);
	struct tunit *a = tunit_new(d, &hog_ops), *b = tunit_new(d, &hog_ops);
	struct sched_unit_info ia, ib;
	unsigned both = 0, one_cpu = 0;

	sched_unit_set_affinity(a->u, 1);
	sched_unit_set_affinity(b->u, 1);
	sched_unit_start(a->u);
	sched_unit_start(b->u);
	sleep_ms(100);
	for (int i = 0; i < 20; i++) {
		sleep_ms(5);
		sched_unit_get_info(a->u, &ia);
		sched_unit_get_info(b->u, &ib);
		one_cpu += ia.pcpu != 1 && ib.pcpu != 1;
	}
	sched_unit_set_affinity(a->u, 3);
	sched_unit_set_affinity(b->u, 3);
	sleep_ms(100);
	for (int i = 0; i < 100; i++) {
		sleep_ms(5);
		sched_unit_get_info(a->u, &ia);
		sched_unit_get_info(b->u, &ib);
		both += ia.pcpu >= 0 && ib.pcpu >= 0 && ia.pcpu != ib.pcpu;
	}
	CHECK(one_cpu == 20, "steal: pinned to pCPU 0, pCPU 1 runs neither");
	CHECK(both >= 90, "steal: unpinned, both pCPUs run one hog each (%u of 100 samples)", both);
	tunit_end(a);
	tunit_end(b);
	sched_dom_destroy(d);
	sched_destroy(s);
}

/* Three equal hogs on two pCPUs: the one alone on a pCPU must not keep
 * it (credit goes OVER, the other pCPU's UNDER units are stolen). */
static void test_balance(void)
{
	struct sched *s = pool(2);
	struct sched_dom *d[3];
	struct tunit *t[3];
	uint64_t c0[3], c[3], lo = UINT64_MAX, hi = 0;

	for (int i = 0; i < 3; i++) {
		d[i] = dom(s, 256, 0);
		t[i] = tunit_new(d[i], &hog_ops);
		sched_unit_start(t[i]->u);
	}
	sleep_ms(500);
	for (int i = 0; i < 3; i++)
		c0[i] = unit_cpu(t[i]);
	sleep_ms(3000);
	for (int i = 0; i < 3; i++) {
		c[i] = unit_cpu(t[i]) - c0[i];
		lo = c[i] < lo ? c[i] : lo;
		hi = c[i] > hi ? c[i] : hi;
	}
	double r = lo ? (double)hi / (double)lo : 0;
	CHECK(r > 0 && r < 1.25, "balance: three equal hogs on two pCPUs get %.2f / %.2f / %.2f s (max/min %.2f)",
	      c[0] / 1e9, c[1] / 1e9, c[2] / 1e9, r);
	for (int i = 0; i < 3; i++) {
		tunit_end(t[i]);
		sched_dom_destroy(d[i]);
	}
	sched_destroy(s);
}

/* Everything at once from several threads: pause/unpause, affinity,
 * weight/cap, global parameters and wakes against units that preempt,
 * yield, block and go offline. No deadlock (alarm), every unit ends,
 * a pinned-and-paused domain ran nowhere it was not allowed. */
struct stress {
	struct sched *s;
	struct sched_dom *d[3];
	struct tunit *t[9];
	_Atomic bool stop;
};

static void *stress_pause(void *arg)
{
	struct stress *x = arg;
	for (unsigned i = 0; !atomic_load(&x->stop); i++) {
		sched_dom_pause(x->d[i % 3]);
		sleep_ms(1);
		sched_dom_unpause(x->d[i % 3]);
	}
	return NULL;
}

static void *stress_knobs(void *arg)
{
	struct stress *x = arg;
	for (unsigned i = 0; !atomic_load(&x->stop); i++) {
		struct tunit *t = x->t[i % 9];
		if (!atomic_load(&t->allowed))
			sched_unit_set_affinity(t->u, 1 + i % 3);
		sched_dom_set(x->d[i % 3], 1 + (i * 97) % 1000, (i % 4) * 30);
		sched_set_params(x->s, 1 + i % 50, i % 2 ? 0 : 100 + i % 900);
		sched_unit_wake(x->t[(i * 7) % 9]->u);
		struct sched_unit_info info;
		sched_unit_get_info(x->t[(i * 5) % 9]->u, &info);
		sched_dom_cpu_ns(x->d[i % 3]);
		if (i % 16 == 0)
			sleep_ms(1);
	}
	return NULL;
}

static void test_stress(void)
{
	struct stress x = { .s = pool(2) };
	pthread_t th[2];

	for (int i = 0; i < 3; i++)
		x.d[i] = dom(x.s, 256, 0);
	for (int i = 0; i < 9; i++) {
		x.t[i] = tunit_new(x.d[i % 3], i < 6 ? &mixed_ops : &hog_ops);
		if (i == 8) {	/* pinned, never re-pinned */
			atomic_store(&x.t[i]->allowed, 2);
			sched_unit_set_affinity(x.t[i]->u, 2);
		}
		sched_unit_start(x.t[i]->u);
	}
	pthread_create(&th[0], NULL, stress_pause, &x);
	pthread_create(&th[1], NULL, stress_knobs, &x);
	sleep_ms(2000);
	atomic_store(&x.stop, true);
	pthread_join(th[0], NULL);
	pthread_join(th[1], NULL);
	unsigned runs = 0, bad = atomic_load(&x.t[8]->bad_pcpu);
	for (int i = 0; i < 9; i++) {
		runs += atomic_load(&x.t[i]->runs);
		tunit_end(x.t[i]);	/* joins: a lost unit would hang here */
	}
	CHECK(runs > 100 && !bad, "stress: pause/affinity/weight/cap/params/wakes from two threads: %u runs, all ended, pin kept", runs);
	for (int i = 0; i < 3; i++)
		sched_dom_destroy(x.d[i]);
	sched_destroy(x.s);
}

/* 100 blocked units cost nothing; waking them all runs each once. */
static void test_idle(void)
{
	enum { N = 100 };
	struct sched *s = pool(2);
	struct sched_dom *d = dom(s, 256, 0);
	struct tunit *t[N];
	struct sched_unit_info info;
	unsigned blocked = 0;

	for (int i = 0; i < N; i++) {
		t[i] = tunit_new(d, &inter_ops);
		if (i % 2)
			t[i]->block_for_ns = 60ULL * 1000000000ULL;	/* a far deadline */
		sched_unit_start(t[i]->u);
	}
	sleep_ms(200);
	for (int i = 0; i < N; i++) {
		sched_unit_get_info(t[i]->u, &info);
		blocked += info.state == 'b' && atomic_load(&t[i]->runs) == 1;
	}
	CHECK(blocked == N, "idle: %u of %u units ran once and are blocked", blocked, N);
	uint64_t c0 = proc_cpu_ns(), t0 = mono_ns();
	sleep_ms(1000);
	double frac = (double)(proc_cpu_ns() - c0) / (double)(mono_ns() - t0);
	CHECK(frac < 0.01, "idle: 100 blocked units cost %.3f %% of a CPU", frac * 100);
	for (int i = 0; i < N; i++)
		sched_unit_wake(t[i]->u);
	sleep_ms(200);
	unsigned twice = 0;
	for (int i = 0; i < N; i++)
		twice += atomic_load(&t[i]->runs) == 2;
	CHECK(twice == N, "idle: one wake each, %u of %u ran once more", twice, N);
	for (int i = 0; i < N; i++)
		tunit_end(t[i]);
	sched_dom_destroy(d);
	sched_destroy(s);
}

/* A wake while the unit is still in its run function survives its BLOCK
 * return. */
static void test_lost_wakeup(void)
{
	struct sched *s = pool(1);
	struct sched_dom *d = dom(s, 256, 0);
	struct tunit *t = tunit_new(d, &race_ops);

	sched_unit_start(t->u);
	uint64_t end = mono_ns() + 2000000000ULL;
	while (atomic_load(&t->handshake) != 1 && mono_ns() < end)
		sleep_ms(1);
	sched_unit_wake(t->u);
	atomic_store(&t->handshake, 2);
	while (atomic_load(&t->runs) < 2 && mono_ns() < end)
		sleep_ms(1);
	CHECK(atomic_load(&t->runs) >= 2, "wakeup: a wake during the run is not lost (%u runs)",
	      atomic_load(&t->runs));
	tunit_end(t);
	sched_dom_destroy(d);
	sched_destroy(s);
}

/* Pause: nothing of the domain is on a pCPU, it uses no CPU, shows 'p';
 * unpause resumes it. Also a shutdown ends a paused domain's units. */
static void test_pause(void)
{
	struct sched *s = pool(2);
	struct sched_dom *d = dom(s, 256, 0), *o = dom(s, 256, 0);
	struct tunit *a = tunit_new(d, &hog_ops), *b = tunit_new(d, &hog_ops), *x = tunit_new(o, &hog_ops);
	struct sched_unit_info ia, ib;

	sched_unit_start(a->u);
	sched_unit_start(b->u);
	sched_unit_start(x->u);
	sleep_ms(100);
	sched_dom_pause(d);
	sched_unit_get_info(a->u, &ia);
	sched_unit_get_info(b->u, &ib);
	CHECK(ia.pcpu < 0 && ib.pcpu < 0 && ia.state == 'p' && ib.state == 'p',
	      "pause: paused units are on no pCPU, state %c %c", ia.state, ib.state);
	uint64_t c0 = unit_cpu(a) + unit_cpu(b), x0 = unit_cpu(x);
	sleep_ms(200);
	CHECK(unit_cpu(a) + unit_cpu(b) == c0 && unit_cpu(x) > x0,
	      "pause: the paused domain uses no CPU, the other one runs");
	sched_dom_unpause(d);
	sleep_ms(200);
	CHECK(unit_cpu(a) > ia.cpu_ns && unit_cpu(b) > ib.cpu_ns, "pause: unpaused units run again");
	sched_dom_pause(d);
	atomic_store(&a->stop, true);
	atomic_store(&b->stop, true);
	sched_dom_shutdown(d);
	sched_unit_join(a->u);
	sched_unit_join(b->u);
	CHECK(1, "pause: shutdown runs a paused domain's units to their end");
	tunit_end(a);
	tunit_end(b);
	tunit_end(x);
	sched_dom_destroy(d);
	sched_dom_destroy(o);
	sched_destroy(s);
}

int main(int argc, char **argv)
{
	const char *only = argc > 1 ? argv[1] : NULL;

	alarm(300);	/* a deadlock fails the test (SIGALRM) instead of hanging CI */
	static const struct { const char *name; void (*fn)(void); } tests[] = {
		{ "params", test_params }, { "wakeup", test_lost_wakeup },
		{ "idle", test_idle }, { "pause", test_pause },
		{ "affinity", test_affinity }, { "steal", test_steal }, { "balance", test_balance },
		{ "latency", test_latency }, { "stress", test_stress }, { "cap", test_cap }, { "weights", test_weights },
	};

	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++)
		if (!only || !strcmp(only, tests[i].name))
			tests[i].fn();
	return failures ? 1 : 0;
}
