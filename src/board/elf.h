/*
 * Static ELF64 RISC-V loader: copies PT_LOAD segments to their physical
 * addresses in guest RAM and looks up the HTIF symbols.
 */
#ifndef DOMUS_BOARD_ELF_H
#define DOMUS_BOARD_ELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cpu/bus.h"

struct elf_info {
	uint64_t entry;
	uint64_t lo, hi;		/* physical extent of the loaded segments */
	uint64_t tohost, fromhost;	/* symbol addresses, valid if has_* */
	bool has_tohost, has_fromhost;
};

/* Load an ELF image held in memory. Returns 0 or -errno (-ENOEXEC for a
 * malformed or non-riscv64 file, -EFAULT if a segment is outside RAM). */
int elf_load_mem(struct bus *b, const uint8_t *data, size_t len, struct elf_info *info);
/* Same, from a file. */
int elf_load_file(struct bus *b, const char *path, struct elf_info *info);

#endif
