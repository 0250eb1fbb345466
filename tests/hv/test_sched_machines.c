/*
 * Machines on a shared scheduler pool: real vCPUs (hart_run) as units.
 * Spinning guests (a one-instruction `j .` kernel) get CPU by weight and
 * cap; a pinned vCPU stays on its pCPU; pause takes a machine off the pool
 * while its neighbour runs; several SMP machines (tests/board/smp_prog:
 * HSM start/stop/suspend, IPIs, remote fences, SRST) share one pCPU.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "board/machine.h"
#include "hv/sched.h"
#include "smp_prog.h"

static int failures;

#define CHECK(cond, ...) do { \
	if (cond) { printf("ok - "); } else { printf("not ok - "); failures++; } \
	printf(__VA_ARGS__); printf("\n"); fflush(stdout); \
} while (0)

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) != 0)
		;
}

static uint64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static int write_tmp(const void *buf, size_t len, char *path)
{
	int fd = mkstemp(path);
	if (fd < 0)
		return -1;
	if (write(fd, buf, len) != (ssize_t)len) {
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

struct vm {
	struct machine *m;
	pthread_t th;
	enum machine_exit e;
};

static void *vm_thread(void *arg)
{
	struct vm *v = arg;
	v->e = machine_run(v->m);
	return NULL;
}

/* Creates, loads and starts a machine on pool s. */
static int vm_start(struct vm *v, struct sched *s, const char *kernel, unsigned harts,
		    unsigned weight, unsigned cap, uint64_t affinity)
{
	struct machine_config cfg = {
		.ram_size = 32ULL << 20, .nr_harts = harts, .kernel = kernel,
		.sched = s, .sched_weight = weight, .sched_cap = cap, .affinity = affinity,
	};
	if (machine_create(&cfg, &v->m) < 0)
		return -1;
	if (machine_load(v->m, &cfg) < 0 || pthread_create(&v->th, NULL, vm_thread, v) != 0) {
		machine_destroy(v->m);
		return -1;
	}
	return 0;
}

static enum machine_exit vm_end(struct vm *v)
{
	machine_stop(v->m, MACHINE_EXIT_QUIT);
	pthread_join(v->th, NULL);
	machine_destroy(v->m);
	return v->e;
}

static enum machine_exit vm_wait(struct vm *v)
{
	pthread_join(v->th, NULL);
	machine_destroy(v->m);
	return v->e;
}

static struct sched *pool(unsigned n)
{
	struct sched *s;
	if (sched_create(n, &s) < 0) {
		printf("not ok - sched_create(%u)\n", n);
		exit(1);
	}
	return s;
}

int main(void)
{
	char spin[] = "/tmp/domus-spin-XXXXXX", smp[] = "/tmp/domus-smp-XXXXXX";
	static const unsigned char jself[4] = { 0x6f, 0x00, 0x00, 0x00 };	/* j . */
	struct vm a, b, c;
	struct sched *s;

	alarm(120);	/* a hang fails the test instead of blocking CI */
	if (write_tmp(jself, sizeof(jself), spin) || write_tmp(smp_prog, sizeof(smp_prog), smp)) {
		printf("not ok - temp files\n");
		return 1;
	}

	/* Weights: two spinning guests on one pCPU, 256 vs 512. */
	s = pool(1);
	if (vm_start(&a, s, spin, 1, 256, 0, 0) || vm_start(&b, s, spin, 1, 512, 0, 0)) {
		printf("not ok - machines on a shared pool\n");
		return 1;
	}
	sleep_ms(500);
	uint64_t a0 = machine_cpu_ns(a.m), b0 = machine_cpu_ns(b.m);
	sleep_ms(3000);
	uint64_t da = machine_cpu_ns(a.m) - a0, db = machine_cpu_ns(b.m) - b0;
	double r = da ? (double)db / (double)da : 0;
	CHECK(r >= 1.8 && r <= 2.2, "machines: spinning guests weighted 512 and 256 on one pCPU get %.2f : 1 (%.2f s, %.2f s)",
	      r, db / 1e9, da / 1e9);
	unsigned w, cap;
	sched_dom_get(machine_sched_dom(b.m), &w, &cap);
	CHECK(w == 512 && cap == 0, "machines: machine_config weight reaches the domain (%u, %u)", w, cap);

	/* Pause one: it stops using CPU, the other gets the pCPU. */
	machine_pause(a.m);
	struct sched_unit_info info;
	sched_unit_get_info(machine_vcpu_unit(a.m, 0), &info);
	a0 = machine_cpu_ns(a.m);
	b0 = machine_cpu_ns(b.m);
	uint64_t t0 = mono_ns();
	sleep_ms(500);
	da = machine_cpu_ns(a.m) - a0;
	db = machine_cpu_ns(b.m) - b0;
	CHECK(info.state == 'p' && info.pcpu == -1 && da == 0,
	      "machines: a paused machine's vCPU is 'p', on no pCPU, uses no CPU (%c %d %llu ns)",
	      info.state, info.pcpu, (unsigned long long)da);
	CHECK(db > (mono_ns() - t0) / 20, "machines: its neighbour runs meanwhile (%.2f s)", db / 1e9);
	machine_unpause(a.m);
	sleep_ms(200);
	CHECK(machine_cpu_ns(a.m) > a0, "machines: unpaused, it runs again");
	CHECK(machine_vcpu_unit(a.m, 1) == NULL, "machines: no unit for a vCPU it does not have");
	CHECK(vm_end(&a) == MACHINE_EXIT_QUIT && vm_end(&b) == MACHINE_EXIT_QUIT,
	      "machines: stopped");

	/* Cap 25 on an otherwise idle pCPU. */
	if (vm_start(&a, s, spin, 1, 0, 25, 0)) {
		printf("not ok - capped machine\n");
		return 1;
	}
	sleep_ms(300);
	a0 = machine_cpu_ns(a.m);
	t0 = mono_ns();
	sleep_ms(3000);
	double frac = (double)(machine_cpu_ns(a.m) - a0) / (double)(mono_ns() - t0);
	CHECK(frac <= 0.27 && frac > 0.05, "machines: a spinning guest with cap=25 uses %.1f %% of a pCPU", frac * 100);
	vm_end(&a);
	sched_destroy(s);

	/* Affinity: on a 2-pCPU pool, a machine pinned to pCPU 1. */
	s = pool(2);
	if (vm_start(&a, s, spin, 1, 0, 0, 2) || vm_start(&b, s, spin, 1, 0, 0, 0)) {
		printf("not ok - pinned machine\n");
		return 1;
	}
	unsigned on1 = 0, bad = 0;
	for (int i = 0; i < 50; i++) {
		sleep_ms(10);
		sched_unit_get_info(machine_vcpu_unit(a.m, 0), &info);
		on1 += info.pcpu == 1;
		bad += info.pcpu == 0;
	}
	CHECK(!bad && on1 > 0 && info.affinity == 2,
	      "machines: vCPU pinned by machine_config.affinity runs on pCPU 1 only (%u of 50 samples)", on1);
	sched_unit_set_affinity(machine_vcpu_unit(a.m, 0), 1);
	sleep_ms(50);
	bad = 0;
	unsigned on0 = 0;
	for (int i = 0; i < 30; i++) {
		sleep_ms(10);
		sched_unit_get_info(machine_vcpu_unit(a.m, 0), &info);
		on0 += info.pcpu == 0;
		bad += info.pcpu == 1;
	}
	CHECK(!bad && on0 > 0, "machines: re-pinned to pCPU 0, it moved (%u of 30 samples)", on0);
	vm_end(&a);
	vm_end(&b);
	sched_destroy(s);

	/* SMP guests sharing one pCPU: 3 x 2 vCPUs through HSM, IPIs,
	 * remote fences, suspend and SRST. */
	s = pool(1);
	int ok = !vm_start(&a, s, smp, 2, 0, 0, 0) && !vm_start(&b, s, smp, 2, 0, 0, 0) &&
		 !vm_start(&c, s, smp, 2, 0, 0, 0);
	enum machine_exit ea = ok ? vm_wait(&a) : MACHINE_EXIT_ERROR;
	enum machine_exit eb = ok ? vm_wait(&b) : MACHINE_EXIT_ERROR;
	enum machine_exit ec = ok ? vm_wait(&c) : MACHINE_EXIT_ERROR;
	CHECK(ea == MACHINE_EXIT_POWEROFF && eb == MACHINE_EXIT_POWEROFF && ec == MACHINE_EXIT_POWEROFF,
	      "machines: three 2-vCPU SMP guests on one pCPU all pass (%d %d %d)", ea, eb, ec);
	sched_destroy(s);

	unlink(spin);
	unlink(smp);
	return failures ? 1 : 0;
}
