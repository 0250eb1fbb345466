/*
 * ELF64 core files of guest machines (layout in coredump.h). Facts from
 * the ELF gABI (header, program header, note formats), the RISC-V ELF
 * psABI (EM_RISCV = 243, e_flags) and Linux's elf_prstatus layout.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "board/machine.h"
#include "toolstack/coredump.h"

#define CD_PAGE 4096u
#define EHDR_SIZE 64u
#define PHDR_SIZE 56u
#define PRSTATUS_SIZE 376u	/* Linux elf_prstatus, 64-bit, 32 registers */
#define PRSTATUS_PID 32u
#define PRSTATUS_REG 112u
#define NOTE_SIZE (12u + 8u + PRSTATUS_SIZE)	/* header, "CORE\0" padded, desc */
#define CD_MAX_REGIONS 16u
#define CD_MAX_VCPUS 64u

static void put16(uint8_t *p, uint16_t v) { p[0] = v; p[1] = v >> 8; }
static void put32(uint8_t *p, uint32_t v) { put16(p, v); put16(p + 2, v >> 16); }
static void put64(uint8_t *p, uint64_t v) { put32(p, v); put32(p + 4, v >> 32); }

static int page_is_zero(const uint8_t *p, size_t n)
{
	const uint64_t *w = (const uint64_t *)p;
	for (size_t k = 0; k < n / 8; k++)
		if (w[k])
			return 0;
	for (size_t k = n & ~(size_t)7; k < n; k++)
		if (p[k])
			return 0;
	return 1;
}

static int pwrite_all(int fd, const uint8_t *p, size_t n, uint64_t off)
{
	while (n) {
		ssize_t w = pwrite(fd, p, n, (off_t)off);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += w;
		n -= (size_t)w;
		off += (uint64_t)w;
	}
	return 0;
}

/* Writes the non-zero runs of data at file offset off; zero pages stay
 * holes. */
static int write_sparse(int fd, const uint8_t *data, uint64_t size, uint64_t off)
{
	uint64_t k = 0;
	while (k < size) {
		uint64_t n = size - k < CD_PAGE ? size - k : CD_PAGE;
		if (page_is_zero(data + k, n)) {
			k += n;
			continue;
		}
		uint64_t start = k;
		while (k < size) {
			n = size - k < CD_PAGE ? size - k : CD_PAGE;
			if (page_is_zero(data + k, n) || k - start >= (64u << 20))
				break;
			k += n;
		}
		int r = pwrite_all(fd, data + start, k - start, off + start);
		if (r)
			return r;
	}
	return 0;
}

int coredump_write(const char *path, const struct coredump_region *regions, unsigned nr_regions,
		   const struct coredump_vcpu *vcpus, unsigned nr_vcpus, char *err, size_t errlen)
{
	char tmp[PATH_MAX];
	uint8_t *hdr = NULL;
	int fd = -1, r;

	if (nr_regions > CD_MAX_REGIONS || nr_vcpus > CD_MAX_VCPUS) {
		snprintf(err, errlen, "cannot write core dump %s: %s", path, strerror(EINVAL));
		return -EINVAL;
	}
	if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= (int)sizeof(tmp)) {
		snprintf(err, errlen, "cannot write core dump %s: %s", path, strerror(ENAMETOOLONG));
		return -ENAMETOOLONG;
	}
	unsigned phnum = 1 + nr_regions;
	uint64_t note_off = EHDR_SIZE + (uint64_t)phnum * PHDR_SIZE;
	uint64_t note_size = (uint64_t)nr_vcpus * NOTE_SIZE;
	uint64_t hdr_size = note_off + note_size;
	uint64_t data_off = (hdr_size + CD_PAGE - 1) & ~(uint64_t)(CD_PAGE - 1);

	hdr = calloc(1, hdr_size);
	if (!hdr) {
		r = -ENOMEM;
		snprintf(err, errlen, "cannot write core dump %s: %s", path, strerror(-r));
		return r;
	}
	/* ELF header */
	memcpy(hdr, "\177ELF", 4);
	hdr[4] = 2;		/* ELFCLASS64 */
	hdr[5] = 1;		/* ELFDATA2LSB */
	hdr[6] = 1;		/* EV_CURRENT */
	put16(hdr + 16, 4);	/* ET_CORE */
	put16(hdr + 18, 243);	/* EM_RISCV */
	put32(hdr + 20, 1);
	put64(hdr + 32, EHDR_SIZE);	/* e_phoff */
	put32(hdr + 48, 0x5);	/* EF_RISCV_RVC | EF_RISCV_FLOAT_ABI_DOUBLE (rv64gc) */
	put16(hdr + 52, EHDR_SIZE);
	put16(hdr + 54, PHDR_SIZE);
	put16(hdr + 56, phnum);
	put16(hdr + 58, 64);	/* e_shentsize; no sections */
	/* PT_NOTE */
	uint8_t *ph = hdr + EHDR_SIZE;
	put32(ph, 4);
	put64(ph + 8, note_off);
	put64(ph + 32, note_size);
	put64(ph + 40, note_size);
	put64(ph + 48, 4);
	/* PT_LOAD per region */
	uint64_t off = data_off;
	for (unsigned k = 0; k < nr_regions; k++) {
		ph = hdr + EHDR_SIZE + (1 + k) * PHDR_SIZE;
		put32(ph, 1);		/* PT_LOAD */
		put32(ph + 4, 7);	/* PF_R | PF_W | PF_X */
		put64(ph + 8, off);
		put64(ph + 16, regions[k].paddr);
		put64(ph + 24, regions[k].paddr);
		put64(ph + 32, regions[k].size);
		put64(ph + 40, regions[k].size);
		put64(ph + 48, CD_PAGE);
		off += (regions[k].size + CD_PAGE - 1) & ~(uint64_t)(CD_PAGE - 1);
	}
	uint64_t total = off;
	/* NT_PRSTATUS per vCPU */
	for (unsigned v = 0; v < nr_vcpus; v++) {
		uint8_t *n = hdr + note_off + (uint64_t)v * NOTE_SIZE;
		put32(n, 5);			/* namesz: "CORE\0" */
		put32(n + 4, PRSTATUS_SIZE);
		put32(n + 8, 1);		/* NT_PRSTATUS */
		memcpy(n + 12, "CORE", 5);
		uint8_t *desc = n + 20;
		put32(desc + PRSTATUS_PID, v + 1);
		put64(desc + PRSTATUS_REG, vcpus[v].pc);
		for (unsigned i = 1; i < 32; i++)
			put64(desc + PRSTATUS_REG + 8 * i, vcpus[v].x[i]);
	}

	fd = mkstemp(tmp);
	if (fd < 0) {
		r = -errno;
		snprintf(err, errlen, "cannot write core dump %s: %s", path, strerror(-r));
		goto out;
	}
	if ((r = pwrite_all(fd, hdr, hdr_size, 0)))
		goto fail;
	off = data_off;
	for (unsigned k = 0; k < nr_regions; k++) {
		if ((r = write_sparse(fd, regions[k].data, regions[k].size, off)))
			goto fail;
		off += (regions[k].size + CD_PAGE - 1) & ~(uint64_t)(CD_PAGE - 1);
	}
	/* the file's full length, trailing zero pages as a hole */
	if (ftruncate(fd, (off_t)total) < 0 || fchmod(fd, 0600) < 0) {
		r = -errno;
		goto fail;
	}
	if (close(fd) < 0) {
		fd = -1;
		r = -errno;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) < 0) {
		r = -errno;
		goto fail;
	}
	r = 0;
	goto out;
fail:
	snprintf(err, errlen, "cannot write core dump %s: %s", path, strerror(-r));
	if (fd >= 0)
		close(fd);
	unlink(tmp);
out:
	free(hdr);
	return r;
}

int coredump_machine(struct machine *m, const char *path, int pause, char *err, size_t errlen)
{
	struct coredump_vcpu *v;
	unsigned nv = m->nr_harts;
	int r;

	if (nv > CD_MAX_VCPUS)
		nv = CD_MAX_VCPUS;
	v = calloc(nv ? nv : 1, sizeof(*v));
	if (!v) {
		snprintf(err, errlen, "cannot write core dump %s: %s", path, strerror(ENOMEM));
		return -ENOMEM;
	}
	if (pause)
		machine_pause(m);	/* every vCPU parked: a consistent image */
	for (unsigned k = 0; k < nv; k++) {
		v[k].pc = m->vcpus[k].hart.pc;
		memcpy(v[k].x, m->vcpus[k].hart.x, sizeof(v[k].x));
	}
	struct coredump_region ram = {
		.paddr = m->bus.ram_base, .data = m->bus.ram, .size = m->bus.ram_size,
	};
	r = coredump_write(path, &ram, 1, v, nv, err, errlen);
	if (pause)
		machine_unpause(m);
	free(v);
	return r;
}
