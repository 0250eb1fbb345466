/*
 * ELF64 little-endian RISC-V loader (see elf.h). Every offset and size in
 * the file is checked against the file length before use.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "board/elf.h"

#ifndef EM_RISCV
#define EM_RISCV 243
#endif

static bool in_file(size_t len, uint64_t off, uint64_t size)
{
	return off <= len && size <= len - off;
}

static void find_symbols(const uint8_t *data, size_t len, const Elf64_Ehdr *eh,
			 struct elf_info *info)
{
	if (!eh->e_shoff || eh->e_shentsize != sizeof(Elf64_Shdr) ||
	    !in_file(len, eh->e_shoff, (uint64_t)eh->e_shnum * sizeof(Elf64_Shdr)))
		return;
	for (unsigned i = 0; i < eh->e_shnum; i++) {
		Elf64_Shdr sh, strh;
		memcpy(&sh, data + eh->e_shoff + i * sizeof sh, sizeof sh);
		if (sh.sh_type != SHT_SYMTAB || sh.sh_link >= eh->e_shnum ||
		    sh.sh_entsize != sizeof(Elf64_Sym) || !in_file(len, sh.sh_offset, sh.sh_size))
			continue;
		memcpy(&strh, data + eh->e_shoff + sh.sh_link * sizeof strh, sizeof strh);
		if (!in_file(len, strh.sh_offset, strh.sh_size))
			continue;
		const char *str = (const char *)data + strh.sh_offset;
		for (uint64_t k = 0; k < sh.sh_size / sizeof(Elf64_Sym); k++) {
			Elf64_Sym s;
			memcpy(&s, data + sh.sh_offset + k * sizeof s, sizeof s);
			if (s.st_name >= strh.sh_size)
				continue;
			const char *name = str + s.st_name;
			size_t maxn = strh.sh_size - s.st_name;
			if (strnlen(name, maxn) == maxn)
				continue;
			if (!strcmp(name, "tohost")) {
				info->tohost = s.st_value;
				info->has_tohost = true;
			} else if (!strcmp(name, "fromhost")) {
				info->fromhost = s.st_value;
				info->has_fromhost = true;
			}
		}
	}
}

int elf_load_mem(struct bus *b, const uint8_t *data, size_t len, struct elf_info *info)
{
	Elf64_Ehdr eh;
	memset(info, 0, sizeof *info);
	if (len < sizeof eh)
		return -ENOEXEC;
	memcpy(&eh, data, sizeof eh);
	if (memcmp(eh.e_ident, ELFMAG, SELFMAG) || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_ident[EI_DATA] != ELFDATA2LSB || eh.e_machine != EM_RISCV ||
	    eh.e_phentsize != sizeof(Elf64_Phdr) ||
	    !in_file(len, eh.e_phoff, (uint64_t)eh.e_phnum * sizeof(Elf64_Phdr)))
		return -ENOEXEC;
	info->entry = eh.e_entry;
	info->lo = UINT64_MAX;
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;
		memcpy(&ph, data + eh.e_phoff + i * sizeof ph, sizeof ph);
		if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
			continue;
		if (ph.p_filesz > ph.p_memsz || !in_file(len, ph.p_offset, ph.p_filesz))
			return -ENOEXEC;
		uint8_t *dst = bus_dma_ptr(b, ph.p_paddr, ph.p_memsz, true);
		if (!dst)
			return -EFAULT;
		memcpy(dst, data + ph.p_offset, ph.p_filesz);
		memset(dst + ph.p_filesz, 0, ph.p_memsz - ph.p_filesz);
		if (ph.p_paddr < info->lo)
			info->lo = ph.p_paddr;
		if (ph.p_paddr + ph.p_memsz > info->hi)
			info->hi = ph.p_paddr + ph.p_memsz;
	}
	if (info->lo == UINT64_MAX)
		return -ENOEXEC;
	find_symbols(data, len, &eh, info);
	return 0;
}

int elf_load_file(struct bus *b, const char *path, struct elf_info *info)
{
	struct stat st;
	int rc, fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		rc = -errno;
		goto out;
	}
	if (st.st_size <= 0) {
		rc = -ENOEXEC;
		goto out;
	}
	void *p = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED) {
		rc = -errno;
		goto out;
	}
	rc = elf_load_mem(b, p, st.st_size, info);
	munmap(p, st.st_size);
out:
	close(fd);
	return rc;
}
