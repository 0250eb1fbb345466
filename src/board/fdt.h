/*
 * The flattened device tree a virt-board guest boots with, built with
 * libfdt from a plain description of the board (so it can be tested
 * without a running machine).
 */
#ifndef DOMUS_BOARD_FDT_H
#define DOMUS_BOARD_FDT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct board_desc {
	unsigned nr_harts;		/* 1..VIRT_MAX_HARTS */
	uint64_t ram_base, ram_size;
	const char *mmu_type;		/* "riscv,sv39", "riscv,sv48", ... */
	const char *bootargs;		/* NULL: none */
	uint64_t initrd_start, initrd_end;	/* both 0: no initrd */
	uint32_t virtio_slots;		/* bit i: slot i holds a device */
	uint8_t rng_seed[32];		/* /chosen/rng-seed (if have_rng_seed) */
	bool have_rng_seed;
};

/* Builds the blob into buf (size bytes). Returns its total size or -errno
 * (-ENOSPC if buf is too small). */
int board_fdt_build(const struct board_desc *d, void *buf, size_t size);

#endif
