/*
 * domus-run's guest mode: builds a machine from the options, connects the
 * stdio console, runs it, and reboots in place or returns its exit status.
 */
#include "board/guest_run.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "backend/backend.h"
#include "board/machine.h"
#include "util/log.h"
#include "virtio/virtio.h"
#include "virtio/virtio_devs.h"

struct runner {
	pthread_mutex_t lock;	/* guards m against the console thread */
	struct machine *m;
	bool quit;
};

static void run_input(void *opaque, const uint8_t *buf, size_t len)
{
	struct runner *r = opaque;

	pthread_mutex_lock(&r->lock);
	if (r->m)
		machine_console_input(r->m, buf, len);
	pthread_mutex_unlock(&r->lock);
}

static void run_quit(void *opaque)
{
	struct runner *r = opaque;

	pthread_mutex_lock(&r->lock);
	r->quit = true;
	if (r->m)
		machine_stop(r->m, MACHINE_EXIT_QUIT);
	pthread_mutex_unlock(&r->lock);
}

int guest_opts_add_disk(struct guest_opts *o, const char *spec)
{
	const char *comma = strrchr(spec, ',');

	if (o->nr_disks >= GUEST_MAX_DISKS)
		return -E2BIG;
	if (!*spec)
		return -EINVAL;
	o->disk_ro[o->nr_disks] = comma && !strcmp(comma, ",ro");
	if (o->disk_ro[o->nr_disks]) {
		char *p = strndup(spec, (size_t)(comma - spec));
		if (!p)
			return -ENOMEM;
		o->disk[o->nr_disks++] = p;	/* lives until exit */
	} else {
		o->disk[o->nr_disks++] = spec;
	}
	return 0;
}

int guest_opts_set_net(struct guest_opts *o, const char *spec)
{
	if (!strcmp(spec, "none")) {
		o->tap = NULL;
		return 0;
	}
	if (!strncmp(spec, "tap=", 4) && spec[4]) {
		o->tap = spec + 4;
		return 0;
	}
	return -EINVAL;
}

static int add_devices(struct machine *m, const struct guest_opts *o)
{
	struct virtio_dev *dev;
	int rc;

	for (unsigned i = 0; i < o->nr_disks; i++) {
		struct blk_backend *be;
		rc = blk_raw_open(o->disk[i], o->disk_ro[i], &be);
		if (rc < 0) {
			fprintf(stderr, "domus-run: %s: %s\n", o->disk[i], strerror(-rc));
			return rc;
		}
		if ((rc = virtio_blk_create(be, &dev)) < 0 || (rc = machine_add_virtio(m, dev)) < 0)
			return rc;
	}
	if (o->tap) {
		struct net_backend *be;
		uint8_t mac[6] = { 0x00, 0x16, 0x3e };	/* Xen's OUI, as xend uses */
		if (getrandom(mac + 3, 3, 0) != 3)
			mac[3] = mac[4] = mac[5] = 1;
		mac[3] &= 0x7f;
		rc = net_tap_open(o->tap, NULL, &be);
		if (rc < 0) {
			fprintf(stderr, "domus-run: tap %s: %s\n", o->tap, strerror(-rc));
			return rc;
		}
		if ((rc = virtio_net_create(mac, be, &dev)) < 0 || (rc = machine_add_virtio(m, dev)) < 0)
			return rc;
	}
	if (!o->no_rng) {
		/* Without an entropy source a small kernel can stall at boot. */
		if ((rc = virtio_rng_create(&dev)) < 0 || (rc = machine_add_virtio(m, dev)) < 0)
			return rc;
	}
	return 0;
}

int guest_run(const struct guest_opts *o)
{
	struct machine_config cfg = {
		.ram_size = o->mem ? o->mem : 256ULL << 20,
		.nr_harts = o->vcpus ? o->vcpus : 1,
		.kernel = o->kernel, .initrd = o->initrd, .append = o->append,
		.bios = o->bios, .detect_panic = true,
	};
	struct runner r = { .lock = PTHREAD_MUTEX_INITIALIZER };
	struct console_stdio con;
	struct sched *pool;
	int status = MACHINE_EXIT_ERROR, rc;

	if (console_stdio_start(&con, STDIN_FILENO, STDOUT_FILENO, run_input, run_quit, &r) < 0) {
		fprintf(stderr, "domus-run: cannot set up the console\n");
		return MACHINE_EXIT_ERROR;
	}
	/* One pool for the process, kept across reboots in place. */
	if ((rc = sched_create(o->pcpus, &pool)) < 0) {
		fprintf(stderr, "domus-run: cannot start the pCPU pool: %s\n", strerror(-rc));
		console_stdio_stop(&con);
		return MACHINE_EXIT_ERROR;
	}
	cfg.sched = pool;
	cfg.console = console_stdio_backend(&con);
	for (;;) {
		struct machine *m;
		rc = machine_create(&cfg, &m);
		if (rc < 0) {
			fprintf(stderr, "domus-run: cannot create the machine: %s\n", strerror(-rc));
			break;
		}
		if ((rc = add_devices(m, o)) < 0 || (rc = machine_load(m, &cfg)) < 0) {
			fprintf(stderr, "domus-run: cannot load the guest: %s\n", strerror(-rc));
			machine_destroy(m);
			break;
		}
		if (o->dump_dtb) {
			rc = machine_dump_dtb(m, o->dump_dtb);
			if (rc < 0)
				fprintf(stderr, "domus-run: %s: %s\n", o->dump_dtb, strerror(-rc));
			machine_destroy(m);
			status = rc < 0 ? MACHINE_EXIT_ERROR : 0;
			break;
		}
		pthread_mutex_lock(&r.lock);
		r.m = m;
		bool quit = r.quit;
		pthread_mutex_unlock(&r.lock);
		if (quit)
			machine_stop(m, MACHINE_EXIT_QUIT);
		status = machine_run(m);
		pthread_mutex_lock(&r.lock);
		r.m = NULL;
		pthread_mutex_unlock(&r.lock);
		machine_destroy(m);
		if (status == MACHINE_EXIT_CRASH)
			fprintf(stderr, "\r\ndomus-run: guest crashed\r\n");
		if (status != MACHINE_EXIT_REBOOT || !o->reboot)
			break;
	}
	console_stdio_stop(&con);
	sched_destroy(pool);
	return status;
}
