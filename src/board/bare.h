/*
 * Bare-metal runner: one hart in M-mode running a static riscv64 ELF with
 * RAM at 0x80000000, HTIF at the ELF's tohost/fromhost and a CLINT at
 * 0x02000000 (the layout of QEMU's -M spike).
 *
 * Time: unless realtime is set, mtime is deterministic: it advances one
 * tick per BARE_INSNS_PER_TICK retired instructions, and a WFI with no
 * interrupt pending skips ahead to the next timer deadline. With realtime,
 * mtime runs at 10 MHz of host monotonic time.
 */
#ifndef DOMUS_BOARD_BARE_H
#define DOMUS_BOARD_BARE_H

#include <stdbool.h>
#include <stdint.h>

#define BARE_RAM_BASE 0x80000000ULL
#define BARE_CLINT_BASE 0x02000000ULL
#define BARE_INSNS_PER_TICK 100
#define BARE_TIMEBASE_HZ 10000000ULL

/* Exit statuses beyond the guest's own (0 = pass, N = failing test N). */
#define BARE_EXIT_ERROR 126	/* could not load/run */
#define BARE_EXIT_TIMEOUT 124	/* --max-insns reached */
#define BARE_EXIT_DOUBLE_FAULT 125

struct bare_opts {
	const char *elf;
	uint64_t mem_size;	/* default 128 MiB */
	uint64_t max_insns;	/* 0 = unlimited */
	bool trace;
	bool realtime;
	bool stats;	/* print instructions, seconds and MIPS to stderr at exit */
};

/* Run to completion; returns the process exit status. */
int bare_run(const struct bare_opts *o);

#endif
