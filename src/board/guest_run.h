/*
 * Running one virt-board guest in the foreground (domus-run --kernel ...):
 * console on stdio, virtio disks/net/rng, reboot in place or exit with the
 * machine's status (enum machine_exit).
 */
#ifndef DOMUS_BOARD_GUEST_RUN_H
#define DOMUS_BOARD_GUEST_RUN_H

#include <stdbool.h>
#include <stdint.h>

#define GUEST_MAX_DISKS 6

struct guest_opts {
	const char *kernel, *initrd, *append, *bios, *dump_dtb;
	uint64_t mem;			/* 0: 256 MiB */
	unsigned vcpus;			/* 0: 1 */
	unsigned pcpus;			/* scheduler pool size; 0: host CPUs */
	const char *disk[GUEST_MAX_DISKS];
	bool disk_ro[GUEST_MAX_DISKS];
	unsigned nr_disks;
	const char *tap;		/* TAP interface name, or NULL: no network */
	bool reboot;			/* reboot in place instead of exiting 2 */
	bool no_rng;			/* leave out the virtio-rng device */
};

/* Parses "PATH[,ro]" into the next disk slot. -EINVAL / -E2BIG. */
int guest_opts_add_disk(struct guest_opts *o, const char *spec);
/* "tap=NAME" or "none". */
int guest_opts_set_net(struct guest_opts *o, const char *spec);
/* Returns the process exit status (enum machine_exit values). */
int guest_run(const struct guest_opts *o);

#endif
