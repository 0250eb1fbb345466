/*
 * HTIF (host-target interface) at the ELF's tohost/fromhost symbols, the
 * riscv-tests/Spike convention:
 *  tohost = (dev << 56) | (cmd << 48) | payload
 *  dev 0 cmd 0, payload odd: exit with status payload >> 1 (1 = pass);
 *  dev 0 cmd 0, payload even: syscall proxy, payload = address of
 *      magic_mem[4] = { which, a0, a1, a2 }; write(64) to fd 1/2 and
 *      exit(93) are served, the result goes to magic_mem[0], fromhost = 1;
 *  dev 1 cmd 1: print the low byte; fromhost = (1<<56)|(1<<48)|0x100|ch.
 * The device clears tohost to 0 once it has consumed a command.
 */
#ifndef DOMUS_BOARD_HTIF_H
#define DOMUS_BOARD_HTIF_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cpu/bus.h"

struct htif {
	struct bus *bus;
	uint64_t tohost, fromhost;
	bool has_fromhost;
	FILE *out;		/* console output (stdout) */
	bool done;		/* exit requested */
	int exit_code;		/* status requested by the guest */
	uint64_t exit_value;	/* raw payload >> 1 for exits through tohost */
	bool exit_is_fail;	/* exited through tohost with a nonzero code */
	/* Called once when the guest asks to exit (e.g. to halt the hart). */
	void (*on_exit)(void *opaque);
	void *opaque;
};

/* Attach an HTIF device watching tohost (fromhost optional: pass
 * has_fromhost false). Returns 0 or -errno. */
int htif_init(struct htif *t, struct bus *b, uint64_t tohost, uint64_t fromhost,
	      bool has_fromhost, FILE *out);

#endif
