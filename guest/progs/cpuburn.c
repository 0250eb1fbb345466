/*
 * cpuburn: a CPU-bound guest program for scheduler tests.
 *   cpuburn [SECONDS [THREADS]]   (defaults: 10 s, 1 thread)
 * Each thread spins on integer arithmetic until the deadline, checking the
 * clock only every few thousand iterations, and the total iteration count is
 * printed at the end (a rough measure of the CPU time the guest was given).
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_THREADS 256

struct burner {
	pthread_t tid;
	double deadline;
	uint64_t iterations;
	uint64_t sink;
};

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *burner_run(void *arg)
{
	struct burner *b = arg;
	uint64_t x = 88172645463325252ull, n = 0;

	do {
		for (int i = 0; i < 4096; i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
		}
		n += 4096;
	} while (now_seconds() < b->deadline);
	b->iterations = n;
	b->sink = x;
	return NULL;
}

static long parse_arg(const char *s, long lo, long hi, const char *what)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 0);
	if (errno || *end || v < lo || v > hi) {
		fprintf(stderr, "cpuburn: bad %s '%s' (%ld..%ld)\n", what, s, lo, hi);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	static struct burner b[MAX_THREADS];
	long secs = 10, nthreads = 1;
	uint64_t total = 0;
	double start;
	int err;

	if (argc > 3 || (argc > 1 && !strcmp(argv[1], "-h"))) {
		fprintf(stderr, "usage: cpuburn [SECONDS [THREADS]]\n");
		return 2;
	}
	if (argc > 1)
		secs = parse_arg(argv[1], 0, 86400, "seconds");
	if (argc > 2)
		nthreads = parse_arg(argv[2], 1, MAX_THREADS, "threads");
	start = now_seconds();
	for (long i = 0; i < nthreads; i++) {
		b[i].deadline = start + (double)secs;
		err = pthread_create(&b[i].tid, NULL, burner_run, &b[i]);
		if (err) {
			fprintf(stderr, "cpuburn: pthread_create: %s\n", strerror(err));
			return 1;
		}
	}
	for (long i = 0; i < nthreads; i++) {
		pthread_join(b[i].tid, NULL);
		total += b[i].iterations;
	}
	printf("cpuburn: %llu iterations in %.2f s on %ld thread(s)\n",
	       (unsigned long long)total, now_seconds() - start, nthreads);
	return 0;
}
