/*
 * Domain core dumps: an ELF64 core file (ET_CORE, EM_RISCV) of a guest
 * machine, written by xend for on_crash=coredump-* and xm dump-core.
 *
 * Layout (docs/toolstack.md "Core dumps"): the ELF header; program headers
 * PT_NOTE then one PT_LOAD per guest RAM region (p_paddr = p_vaddr = the
 * guest-physical address, p_filesz = p_memsz = its size, page-aligned
 * p_offset); the note segment holds one NT_PRSTATUS note ("CORE") per vCPU
 * in Linux's 64-bit elf_prstatus layout (376 bytes): pr_pid (offset 32) =
 * vCPU number + 1, pr_reg (offset 112) = pc, x1..x31 as 8-byte
 * little-endian words, as RISC-V Linux's user_regs_struct. All-zero RAM
 * pages are left as holes (sparse file).
 */
#ifndef DOMUS_TOOLSTACK_COREDUMP_H
#define DOMUS_TOOLSTACK_COREDUMP_H

#include <stddef.h>
#include <stdint.h>

struct machine;

struct coredump_region {
	uint64_t paddr;
	const uint8_t *data;
	uint64_t size;
};

struct coredump_vcpu {
	uint64_t pc;
	uint64_t x[32];		/* x[0] is not written (always 0) */
};

/* Writes the core to path through a temporary file in the same directory
 * renamed into place. 0 or -errno; on error err holds one line naming the
 * path and the errno. */
int coredump_write(const char *path, const struct coredump_region *regions, unsigned nr_regions,
		   const struct coredump_vcpu *vcpus, unsigned nr_vcpus, char *err, size_t errlen);

/* Dumps machine m (its RAM and every vCPU's pc/x registers). With pause,
 * the machine is paused for the dump (a running machine); without, the
 * caller guarantees no vCPU runs (machine_run has returned). */
int coredump_machine(struct machine *m, const char *path, int pause, char *err, size_t errlen);

#endif
