/*
 * machine_pause/machine_unpause on a running 2-hart paravirtual machine
 * without a guest image: pause_prog.S makes each hart count in RAM and
 * store rdtime. Checks: created paused, nothing runs and no CPU is used;
 * counters frozen while paused and advancing after unpause; the pause
 * count nests; guest time (mtime) does not jump over a pause; a paused
 * machine can be stopped; machine_sysrq puts BREAK + key on the UART.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "board/machine.h"
#include "pause_prog.h"
#include "tap.h"

#define CNT_ADDR 0x80100000ULL
#define TICKS_PER_MS (VIRT_TIMEBASE_HZ / 1000)

struct run { struct machine *m; enum machine_exit e; };

static void *run_thread(void *opaque)
{
	struct run *r = opaque;
	r->e = machine_run(r->m);
	return NULL;
}

/* Hammers pause/unpause (the pause count nests across threads) while
 * another thread checks that mtime never goes backwards. */
struct hammer { struct machine *m; int rounds; _Atomic bool done; bool backwards; };

static void *hammer_pause(void *opaque)
{
	struct hammer *h = opaque;
	for (int i = 0; i < h->rounds; i++) {
		machine_pause(h->m);
		if (machine_unpause(h->m) < 0)
			h->backwards = true;	/* an unmatched count: flag it too */
	}
	return NULL;
}

static void *watch_time(void *opaque)
{
	struct hammer *h = opaque;
	uint64_t last = machine_read_time(h->m);
	while (!atomic_load(&h->done)) {
		uint64_t t = machine_read_time(h->m);
		if (t < last)
			h->backwards = true;
		last = t;
	}
	return NULL;
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static double cpu_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Hart n's counter (word 0) or last rdtime (word 1). */
static uint64_t guest_word(struct machine *m, unsigned hart, unsigned word)
{
	uint64_t *p = (uint64_t *)(void *)bus_ram_ptr(&m->bus, CNT_ADDR + 16 * hart + 8 * word, 8);
	return p ? __atomic_load_n(p, __ATOMIC_RELAXED) : 0;
}

int main(void)
{
	char path[] = "/tmp/domus-pause-XXXXXX";
	struct machine_config cfg = { .ram_size = 32ULL << 20, .nr_harts = 2, .kernel = path };
	struct run r = { .e = -1 };
	pthread_t th;
	int fd;

	alarm(60);	/* a deadlock fails the test (SIGALRM) */
	fd = mkstemp(path);
	if (fd < 0 || write(fd, pause_prog, sizeof(pause_prog)) != (ssize_t)sizeof(pause_prog)) {
		printf("not ok - pause: temp file\n");
		return 1;
	}
	close(fd);
	if (machine_create(&cfg, &r.m) < 0 || machine_load(r.m, &cfg) < 0) {
		printf("not ok - pause: machine setup\n");
		return 1;
	}
	struct machine *m = r.m;

	/* Created paused (xm create -p): the vCPUs park before running. */
	machine_pause(m);
	CHECK(machine_is_paused(m), "pause: is_paused after pause before run");
	pthread_create(&th, NULL, run_thread, &r);
	sleep_ms(100);
	double c0 = cpu_ms();
	uint64_t t0 = machine_read_time(m);
	sleep_ms(300);
	double used = cpu_ms() - c0;
	CHECK(guest_word(m, 0, 0) == 0 && guest_word(m, 1, 0) == 0,
	      "pause: created paused: no instruction ran (%llu %llu)",
	      (unsigned long long)guest_word(m, 0, 0), (unsigned long long)guest_word(m, 1, 0));
	CHECK(used < 60, "pause: paused machine uses no CPU (%.1f ms in 300 ms)", used);
	CHECK(machine_read_time(m) == t0, "pause: mtime stands still while paused");
	CHECK(machine_unpause(m) == 0, "pause: unpause");
	CHECK(!machine_is_paused(m), "pause: not paused after unpause");
	CHECK(machine_unpause(m) == -EINVAL, "pause: unpause of a running machine is -EINVAL");
	sleep_ms(300);
	CHECK(guest_word(m, 0, 0) > 0 && guest_word(m, 1, 0) > 0,
	      "pause: both harts count after unpause (%llu %llu)",
	      (unsigned long long)guest_word(m, 0, 0), (unsigned long long)guest_word(m, 1, 0));
	/* xm list's Time(s): the vCPU threads' host CPU time, never more than
	 * the whole process used, and more than nothing for two busy harts. */
	uint64_t vc = machine_cpu_ns(m);
	double pc = cpu_ms();
	CHECK(vc > 20000000ULL && vc / 1e6 <= pc + 1,
	      "pause: vCPU CPU time counts what the harts ran (%.1f ms, process %.1f ms)",
	      vc / 1e6, pc);

	/* Pause a running machine: returns with every vCPU parked. */
	for (int round = 0; round < 3; round++) {
		machine_pause(m);
		uint64_t a0 = guest_word(m, 0, 0), a1 = guest_word(m, 1, 0);
		uint64_t gt = guest_word(m, 0, 1);
		struct timespec h0, h1;
		clock_gettime(CLOCK_MONOTONIC, &h0);
		c0 = cpu_ms();
		uint64_t v0 = machine_cpu_ns(m);
		sleep_ms(400);
		used = cpu_ms() - c0;
		CHECK(machine_cpu_ns(m) - v0 < 60000000ULL,
		      "pause: round %d: vCPU CPU time stands still while paused (+%.1f ms)",
		      round, (machine_cpu_ns(m) - v0) / 1e6);
		CHECK(guest_word(m, 0, 0) == a0 && guest_word(m, 1, 0) == a1,
		      "pause: round %d: counters frozen over 400 ms", round);
		CHECK(used < 60, "pause: round %d: no CPU while paused (%.1f ms)", round, used);
		machine_pause(m);	/* nested: needs two unpauses */
		machine_unpause(m);
		sleep_ms(100);
		CHECK(guest_word(m, 0, 0) == a0, "pause: round %d: pause count nests", round);
		machine_unpause(m);
		sleep_ms(100);
		clock_gettime(CLOCK_MONOTONIC, &h1);
		uint64_t host_ms = (uint64_t)((h1.tv_sec - h0.tv_sec) * 1000 +
					      (h1.tv_nsec - h0.tv_nsec) / 1000000);
		uint64_t guest_ms = (guest_word(m, 0, 1) - gt) / TICKS_PER_MS;
		CHECK(guest_word(m, 0, 0) > a0 && guest_word(m, 1, 0) > a1,
		      "pause: round %d: counters advance after unpause", round);
		/* ~100 ms of running time vs ~600 ms of host time. */
		CHECK(guest_ms < 350 && host_ms >= 600,
		      "pause: round %d: guest time did not lurch (guest +%llu ms, host +%llu ms)",
		      round, (unsigned long long)guest_ms, (unsigned long long)host_ms);
	}
	CHECK(machine_paused_ns(m) >= 1500000000ULL, "pause: paused time accounted (%.2f s)",
	      machine_paused_ns(m) / 1e9);

	/* Two threads pausing/unpausing at once, a third reading mtime. */
	struct hammer hm = { .m = m, .rounds = 300 };
	pthread_t hp[2], hw;
	pthread_create(&hw, NULL, watch_time, &hm);
	pthread_create(&hp[0], NULL, hammer_pause, &hm);
	pthread_create(&hp[1], NULL, hammer_pause, &hm);
	pthread_join(hp[0], NULL);
	pthread_join(hp[1], NULL);
	atomic_store(&hm.done, true);
	pthread_join(hw, NULL);
	uint64_t b0 = guest_word(m, 0, 0);
	sleep_ms(100);
	CHECK(!hm.backwards, "pause: 2 x 300 concurrent pause/unpause: mtime never went backwards");
	CHECK(!machine_is_paused(m) && guest_word(m, 0, 0) > b0,
	      "pause: after the concurrent pause/unpause the machine runs");

	/* A paused machine can be destroyed. */
	machine_pause(m);
	machine_stop(m, MACHINE_EXIT_QUIT);
	pthread_join(th, NULL);
	CHECK(r.e == MACHINE_EXIT_QUIT, "pause: stop while paused ends the run (exit %d)", r.e);
	/* sysrq: a BREAK (NUL with LSR.BI at the FIFO head), then the key. */
	machine_sysrq(m, 'h');
	uint64_t lsr1 = 0, rbr1 = 1, lsr2 = 0, rbr2 = 0;
	uart_mmio_ops.read(&m->uart, 5, 1, &lsr1);
	uart_mmio_ops.read(&m->uart, 0, 1, &rbr1);
	uart_mmio_ops.read(&m->uart, 5, 1, &lsr2);
	uart_mmio_ops.read(&m->uart, 0, 1, &rbr2);
	CHECK((lsr1 & 0x11) == 0x11 && rbr1 == 0 && (lsr2 & 0x11) == 0x01 && rbr2 == 'h',
	      "pause: sysrq: LSR %#llx RBR %llu, then LSR %#llx RBR '%c'",
	      (unsigned long long)lsr1, (unsigned long long)rbr1, (unsigned long long)lsr2,
	      (int)rbr2);
	machine_destroy(m);
	unlink(path);
	return tap_failed;
}
