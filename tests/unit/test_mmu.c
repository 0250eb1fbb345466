/*
 * Page-walk unit test: page tables built in a bus's RAM, then
 * mmu_translate for Sv39 and Sv48: 4 KiB pages, 2 MiB / 1 GiB superpages,
 * misaligned superpages, A/D updates, permission faults, SUM/MXR,
 * non-canonical addresses, invalid PTEs, and PMP on the walk.
 */
#include <stdio.h>
#include <string.h>

#include "cpu/cpu_internal.h"

#define RAM 0x80000000ULL
#define PTE_V 0x01
#define PTE_R 0x02
#define PTE_W 0x04
#define PTE_X 0x08
#define PTE_U 0x10
#define PTE_A 0x40
#define PTE_D 0x80

static int fails, count;
static struct bus bus;
static struct hart hart;

static void expect(const char *name, bool ok)
{
	count++;
	printf("%s - %s\n", ok ? "ok" : "not ok", name);
	fails += !ok;
}

static uint64_t *pte_at(uint64_t pa)
{
	return (uint64_t *)bus_ram_ptr(&bus, pa, 8);
}

static void set_pte(uint64_t table, unsigned idx, uint64_t ppn_pa, uint64_t flags)
{
	*pte_at(table + idx * 8) = ((ppn_pa >> 12) << 10) | flags;
}

static int xl(uint64_t va, enum acc acc, unsigned prv, uint64_t *pa)
{
	return mmu_translate(&hart, va, acc, prv, pa);
}

static void check_ok(const char *name, uint64_t va, enum acc acc, unsigned prv, uint64_t want)
{
	uint64_t pa = 0;
	int c = xl(va, acc, prv, &pa);
	if (c || pa != want)
		printf("# %s: cause %d pa 0x%llx want 0x%llx\n", name, c,
		       (unsigned long long)pa, (unsigned long long)want);
	expect(name, c == 0 && pa == want);
}

static void check_fault(const char *name, uint64_t va, enum acc acc, unsigned prv, int cause)
{
	uint64_t pa = 0;
	int c = xl(va, acc, prv, &pa);
	if (c != cause)
		printf("# %s: cause %d want %d\n", name, c, cause);
	expect(name, c == cause);
}

/* Tables: root at RAM+0x10000, level-1 at +0x11000, level-0 at +0x12000. */
static void test_sv39(void)
{
	uint64_t root = RAM + 0x10000, l1 = RAM + 0x11000, l0 = RAM + 0x12000;
	memset(bus_ram_ptr(&bus, root, 0x4000), 0, 0x4000);
	hart.satp = (8ULL << 60) | (root >> 12);
	/* va 0x0000_0000 - 0x3fff_ffff -> l1 */
	set_pte(root, 0, l1, PTE_V);
	set_pte(l1, 0, l0, PTE_V);
	set_pte(l0, 1, RAM + 0x200000, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D);	/* va 0x1000 */
	set_pte(l0, 2, RAM + 0x201000, PTE_V | PTE_R);				/* va 0x2000 no A */
	set_pte(l0, 3, RAM + 0x202000, PTE_V | PTE_R | PTE_W | PTE_A);		/* no D */
	set_pte(l0, 4, RAM + 0x203000, PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D);
	set_pte(l0, 5, RAM + 0x204000, PTE_V | PTE_X | PTE_A);			/* execute-only */
	set_pte(l0, 6, RAM + 0x205000, PTE_V | PTE_W | PTE_A | PTE_D);		/* W without R */
	set_pte(l0, 7, RAM + 0x206000, 0);					/* invalid */
	set_pte(l0, 8, RAM + 0x207000, PTE_V | PTE_R | PTE_X | PTE_U | PTE_A);
	set_pte(l0, 9, RAM + 0x208000, PTE_V | PTE_R | PTE_A | (1ULL << 60));	/* reserved bit */
	set_pte(l0, 10, RAM + 0x209000, PTE_V | PTE_A);				/* non-leaf at level 0 */
	/* 2 MiB superpage at va 0x0020_0000 -> RAM+0x400000 */
	set_pte(l1, 1, RAM + 0x400000, PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D);
	/* misaligned 2 MiB superpage at va 0x0040_0000 */
	set_pte(l1, 2, RAM + 0x401000, PTE_V | PTE_R | PTE_A);
	/* non-leaf with A set (reserved) at va 0x0060_0000 */
	set_pte(l1, 3, l0, PTE_V | PTE_A);
	/* 1 GiB gigapage at va 0x4000_0000 -> 0x8000_0000 */
	set_pte(root, 1, RAM, PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D);
	/* misaligned gigapage at va 0x8000_0000 */
	set_pte(root, 2, RAM + 0x200000, PTE_V | PTE_R | PTE_A);
	/* top half: va 0xffff_ffc0_0000_0000 (root index 256) gigapage */
	set_pte(root, 256, RAM, PTE_V | PTE_R | PTE_A);

	hart.mstatus &= ~(MSTATUS_SUM | MSTATUS_MXR);
	check_ok("sv39 4K read", 0x1234, ACC_R, PRV_S, RAM + 0x200234);
	check_ok("sv39 4K write", 0x1ff8, ACC_W, PRV_S, RAM + 0x200ff8);
	check_fault("sv39 4K fetch of non-X page", 0x1000, ACC_X, PRV_S, EXC_INSN_PAGE);
	check_ok("sv39 read sets A", 0x2000, ACC_R, PRV_S, RAM + 0x201000);
	expect("sv39 A bit now set", (*pte_at(l0 + 2 * 8) & PTE_A) != 0);
	expect("sv39 read leaves D clear", (*pte_at(l0 + 2 * 8) & PTE_D) == 0);
	check_fault("sv39 write to read-only page", 0x2000, ACC_W, PRV_S, EXC_STORE_PAGE);
	check_ok("sv39 write sets D", 0x3008, ACC_W, PRV_S, RAM + 0x202008);
	expect("sv39 D bit now set", (*pte_at(l0 + 3 * 8) & (PTE_D | PTE_A)) == (PTE_D | PTE_A));
	check_fault("S access to U page without SUM", 0x4000, ACC_R, PRV_S, EXC_LOAD_PAGE);
	check_fault("S store to U page without SUM", 0x4000, ACC_W, PRV_S, EXC_STORE_PAGE);
	hart.mstatus |= MSTATUS_SUM;
	check_ok("S access to U page with SUM", 0x4000, ACC_R, PRV_S, RAM + 0x203000);
	check_fault("S fetch from U page even with SUM", 0x8000, ACC_X, PRV_S, EXC_INSN_PAGE);
	hart.mstatus &= ~MSTATUS_SUM;
	check_ok("U access to U page", 0x4010, ACC_W, PRV_U, RAM + 0x203010);
	check_ok("U fetch from U+X page", 0x8000, ACC_X, PRV_U, RAM + 0x207000);
	check_fault("U access to S page", 0x1000, ACC_R, PRV_U, EXC_LOAD_PAGE);
	check_fault("U fetch from S page", 0x1000, ACC_X, PRV_U, EXC_INSN_PAGE);
	check_fault("read of execute-only page without MXR", 0x5000, ACC_R, PRV_S, EXC_LOAD_PAGE);
	check_ok("fetch of execute-only page", 0x5000, ACC_X, PRV_S, RAM + 0x204000);
	hart.mstatus |= MSTATUS_MXR;
	check_ok("read of execute-only page with MXR", 0x5000, ACC_R, PRV_S, RAM + 0x204000);
	hart.mstatus &= ~MSTATUS_MXR;
	check_fault("W without R is reserved", 0x6000, ACC_R, PRV_S, EXC_LOAD_PAGE);
	check_fault("invalid PTE", 0x7000, ACC_W, PRV_S, EXC_STORE_PAGE);
	check_fault("reserved PTE bits", 0x9000, ACC_R, PRV_S, EXC_LOAD_PAGE);
	check_fault("pointer PTE at level 0", 0xa000, ACC_R, PRV_S, EXC_LOAD_PAGE);
	check_ok("2M superpage", 0x2abcde, ACC_X, PRV_S, RAM + 0x4abcde);
	check_fault("misaligned 2M superpage", 0x400000, ACC_R, PRV_S, EXC_LOAD_PAGE);
	check_fault("non-leaf PTE with A set", 0x600000, ACC_R, PRV_S, EXC_LOAD_PAGE);
	check_ok("1G gigapage", 0x40123456, ACC_W, PRV_S, RAM + 0x123456);
	check_fault("misaligned 1G gigapage", 0x80000000, ACC_R, PRV_S, EXC_LOAD_PAGE);
	check_ok("upper-half canonical address", 0xffffffc000000010ULL, ACC_R, PRV_S, RAM + 0x10);
	check_fault("non-canonical address", 0x0000008000000000ULL, ACC_R, PRV_S, EXC_LOAD_PAGE);
	check_fault("non-canonical fetch", 0x8000000000001000ULL, ACC_X, PRV_S, EXC_INSN_PAGE);
	check_ok("M mode ignores satp", 0x1234, ACC_R, PRV_M, 0x1234);

	/* PMP: with no entry allowing S, the walk's implicit access faults */
	uint64_t cfg = hart.pmpcfg[0], addr = hart.pmpaddr[0];
	hart.pmpcfg[0] = 0;
	check_fault("PMP denies the walk -> access fault", 0x1000, ACC_R, PRV_S, EXC_LOAD_ACCESS);
	check_fault("PMP denies the walk (fetch)", 0x1000, ACC_X, PRV_S, EXC_INSN_ACCESS);
	/* TOR region covering only RAM up to the tables: still denied */
	hart.pmpaddr[0] = (RAM + 0x10000) >> 2;
	hart.pmpcfg[0] = 0x08 | 7;
	check_fault("PMP TOR below the table", 0x1000, ACC_W, PRV_S, EXC_STORE_ACCESS);
	hart.pmpcfg[0] = cfg;
	hart.pmpaddr[0] = addr;
	expect("pmp_check NAPOT allow-all", pmp_check(&hart, RAM, 8, ACC_W, PRV_S));
	hart.pmpcfg[0] = 0;
	expect("pmp_check: no match, S denied", !pmp_check(&hart, RAM, 8, ACC_R, PRV_S));
	expect("pmp_check: no match, M allowed", pmp_check(&hart, RAM, 8, ACC_R, PRV_M));
	/* NA4 read-only locked entry applies to M too */
	hart.pmpaddr[0] = RAM >> 2;
	hart.pmpcfg[0] = 0x80 | 0x10 | PTE_V;	/* L, NA4, R */
	expect("locked NA4: M read ok", pmp_check(&hart, RAM, 4, ACC_R, PRV_M));
	expect("locked NA4: M write denied", !pmp_check(&hart, RAM, 4, ACC_W, PRV_M));
	expect("NA4: access straddling the region denied", !pmp_check(&hart, RAM + 2, 4, ACC_R, PRV_M));
	hart.pmpcfg[0] = cfg;
	hart.pmpaddr[0] = addr;
}

static void test_sv48(void)
{
	uint64_t root = RAM + 0x20000, l2 = RAM + 0x21000, l1 = RAM + 0x22000, l0 = RAM + 0x23000;
	memset(bus_ram_ptr(&bus, root, 0x4000), 0, 0x4000);
	hart.satp = (9ULL << 60) | (root >> 12);
	/* va 0x0000_7f80_0000_1000: idx3 = 255, idx2 = 0, idx1 = 0, idx0 = 1 */
	set_pte(root, 255, l2, PTE_V);
	set_pte(l2, 0, l1, PTE_V);
	set_pte(l1, 0, l0, PTE_V);
	set_pte(l0, 1, RAM + 0x300000, PTE_V | PTE_R | PTE_W | PTE_A);
	check_ok("sv48 4K", 0x00007f8000001008ULL, ACC_R, PRV_S, RAM + 0x300008);
	check_ok("sv48 write sets D", 0x00007f8000001008ULL, ACC_W, PRV_S, RAM + 0x300008);
	expect("sv48 D set", (*pte_at(l0 + 8) & PTE_D) != 0);
	/* 512 GiB terapage must be aligned to 2^39 */
	set_pte(root, 1, 0, PTE_V | PTE_R | PTE_A);
	check_ok("sv48 terapage", 0x0000008000000123ULL, ACC_R, PRV_S, 0x123);
	set_pte(root, 2, RAM, PTE_V | PTE_R | PTE_A);
	check_fault("sv48 misaligned terapage", 0x0000010000000000ULL, ACC_R, PRV_S, EXC_LOAD_PAGE);
	check_fault("sv48 non-canonical", 0x0000800000000000ULL, ACC_R, PRV_S, EXC_LOAD_PAGE);
	check_fault("sv48 unmapped", 0x0000000000001000ULL, ACC_R, PRV_S, EXC_LOAD_PAGE);
}

int main(void)
{
	struct hart_env env = { 0 };
	if (bus_init(&bus, RAM, 16 << 20) || hart_init(&hart, &bus, 0, &env)) {
		printf("not ok - setup\n");
		return 1;
	}
	hart_pmp_allow_all(&hart);
	test_sv39();
	test_sv48();
	printf("# %d checks, %d failed\n", count, fails);
	hart_destroy(&hart);
	bus_destroy(&bus);
	return fails != 0;
}
