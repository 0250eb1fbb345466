/*
 * End-to-end run of a paravirtual machine with its vCPU threads, without a
 * guest image: smp_prog.S exercises hart_start, an IPI ending a retentive
 * suspend, remote sfence.vma, a timer ending a non-retentive suspend,
 * hart_stop/get_status and SRST; it powers off only if every step
 * behaved. A second image of zeros must end as a crash (double fault).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "board/machine.h"
#include "smp_prog.h"
#include "tap.h"

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

static enum machine_exit run_image(const char *path, unsigned harts)
{
	struct machine_config cfg = { .ram_size = 32ULL << 20, .nr_harts = harts, .kernel = path };
	struct machine *m;
	enum machine_exit e;

	if (machine_create(&cfg, &m) < 0)
		return MACHINE_EXIT_ERROR;
	if (machine_load(m, &cfg) < 0) {
		machine_destroy(m);
		return MACHINE_EXIT_ERROR;
	}
	e = machine_run(m);
	machine_destroy(m);
	return e;
}

struct par { const char *path; enum machine_exit e; };

static void *par_run(void *opaque)
{
	struct par *p = opaque;
	p->e = run_image(p->path, 2);
	return NULL;
}

int main(void)
{
	char p1[] = "/tmp/domus-smp-XXXXXX", p2[] = "/tmp/domus-zero-XXXXXX";
	static unsigned char zeros[4096];
	enum machine_exit e;

	alarm(60);	/* a hang fails the test (SIGALRM) instead of blocking CI */
	if (write_tmp(smp_prog, sizeof(smp_prog), p1) || write_tmp(zeros, sizeof(zeros), p2)) {
		printf("not ok - smp: temp files\n");
		return 1;
	}
	for (int i = 0; i < 5; i++) {
		e = run_image(p1, 2);
		CHECK(e == MACHINE_EXIT_POWEROFF,
		      "smp: run %d: start/IPI-resume/rfence/timer-resume/stop/SRST (exit %d)", i, e);
	}
	/* Several machines in one process, running at the same time. */
	struct par par[3] = { { p1, -1 }, { p1, -1 }, { p2, -1 } };
	pthread_t th[3];
	for (int i = 0; i < 3; i++)
		pthread_create(&th[i], NULL, par_run, &par[i]);
	for (int i = 0; i < 3; i++)
		pthread_join(th[i], NULL);
	CHECK(par[0].e == MACHINE_EXIT_POWEROFF && par[1].e == MACHINE_EXIT_POWEROFF &&
	      par[2].e == MACHINE_EXIT_CRASH,
	      "smp: three machines at once in one process: %d %d %d (one crashing)",
	      par[0].e, par[1].e, par[2].e);
	e = run_image(p2, 1);
	CHECK(e == MACHINE_EXIT_CRASH, "smp: a trap loop ends the machine as a crash (exit %d)", e);
	unlink(p1);
	unlink(p2);
	return tap_failed;
}
