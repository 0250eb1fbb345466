/*
 * The generated device tree, parsed back with libfdt: every node the brief
 * and the bindings ask for, with the right properties.
 */
#include <errno.h>
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>

#include "board/fdt.h"
#include "board/layout.h"
#include "tap.h"

static const void *prop(const void *fdt, const char *path, const char *name, int *len)
{
	int off = fdt_path_offset(fdt, path);
	if (off < 0)
		return NULL;
	return fdt_getprop(fdt, off, name, len);
}

static bool has_str(const void *fdt, const char *path, const char *name, const char *want)
{
	int len;
	const char *p = prop(fdt, path, name, &len);
	for (int i = 0; p && i < len; i += (int)strlen(p + i) + 1)
		if (!strcmp(p + i, want))
			return true;
	return false;
}

/* Property cells are only 4-byte aligned: copy before converting. */
static uint64_t u64at(const void *p, int i)
{
	fdt64_t v;
	memcpy(&v, (const char *)p + 8 * i, 8);
	return fdt64_to_cpu(v);
}

static uint32_t u32(const void *fdt, const char *path, const char *name)
{
	int len;
	const fdt32_t *p = prop(fdt, path, name, &len);
	return p && len == 4 ? fdt32_to_cpu(*p) : 0xffffffffu;
}

int main(void)
{
	static uint8_t buf[64 * 1024];
	struct board_desc d = {
		.nr_harts = 4, .ram_base = VIRT_RAM_BASE, .ram_size = 256ULL << 20,
		.mmu_type = "riscv,sv48", .bootargs = "console=ttyS0 quiet",
		.initrd_start = 0x8f000000, .initrd_end = 0x8f123456,
		.virtio_slots = 0x5, .have_rng_seed = true,
	};
	int len, n = board_fdt_build(&d, buf, sizeof(buf));

	CHECK(n > 0 && fdt_check_header(buf) == 0, "fdt: builds a valid blob (%d bytes)", n);
	CHECK(has_str(buf, "/", "compatible", "riscv-virtio"), "fdt: root compatible");
	CHECK(has_str(buf, "/chosen", "bootargs", "console=ttyS0 quiet"), "fdt: bootargs");
	CHECK(has_str(buf, "/chosen", "stdout-path", "/soc/serial@10000000"), "fdt: stdout-path");
	const fdt64_t *p64 = prop(buf, "/chosen", "linux,initrd-start", &len);
	CHECK(p64 && len == 8 && u64at(p64, 0) == 0x8f000000, "fdt: initrd-start");
	p64 = prop(buf, "/chosen", "linux,initrd-end", &len);
	CHECK(p64 && len == 8 && u64at(p64, 0) == 0x8f123456, "fdt: initrd-end");
	CHECK(prop(buf, "/chosen", "rng-seed", &len) && len == 32, "fdt: rng-seed");
	CHECK(u32(buf, "/cpus", "timebase-frequency") == 10000000, "fdt: timebase 10 MHz");
	CHECK(fdt_path_offset(buf, "/cpus/cpu@3") >= 0 && fdt_path_offset(buf, "/cpus/cpu@4") < 0,
	      "fdt: exactly 4 cpus");
	CHECK(u32(buf, "/cpus/cpu@2", "reg") == 2, "fdt: cpu@2 reg");
	CHECK(has_str(buf, "/cpus/cpu@0", "riscv,isa", "rv64imafdc_zicsr_zifencei_zicntr_zihintpause"), "fdt: riscv,isa");
	CHECK(has_str(buf, "/cpus/cpu@0", "riscv,isa-base", "rv64i"), "fdt: riscv,isa-base");
	CHECK(has_str(buf, "/cpus/cpu@1", "riscv,isa-extensions", "zifencei") &&
	      has_str(buf, "/cpus/cpu@1", "riscv,isa-extensions", "c"), "fdt: riscv,isa-extensions");
	CHECK(has_str(buf, "/cpus/cpu@3", "mmu-type", "riscv,sv48"), "fdt: mmu-type");
	CHECK(has_str(buf, "/cpus/cpu@3/interrupt-controller", "compatible", "riscv,cpu-intc"),
	      "fdt: cpu-intc");
	int cpu1 = fdt_path_offset(buf, "/cpus/cpu@1");
	CHECK(u32(buf, "/cpus/cpu-map/cluster0/core1", "cpu") == fdt_get_phandle(buf, cpu1),
	      "fdt: cpu-map core1 -> cpu@1");
	p64 = prop(buf, "/memory@80000000", "reg", &len);
	CHECK(p64 && len == 16 && u64at(p64, 0) == 0x80000000 &&
	      u64at(p64, 1) == 256ULL << 20, "fdt: memory reg");
	CHECK(has_str(buf, "/soc/clint@2000000", "compatible", "riscv,clint0"), "fdt: clint");
	CHECK(has_str(buf, "/soc/plic@c000000", "compatible", "sifive,plic-1.0.0") &&
	      u32(buf, "/soc/plic@c000000", "riscv,ndev") == 1023, "fdt: plic + ndev");
	const fdt32_t *ie = prop(buf, "/soc/plic@c000000", "interrupts-extended", &len);
	int intc2 = fdt_path_offset(buf, "/cpus/cpu@2/interrupt-controller");
	CHECK(ie && len == 4 * 16 && fdt32_to_cpu(ie[8]) == fdt_get_phandle(buf, intc2) &&
	      fdt32_to_cpu(ie[9]) == 11 && fdt32_to_cpu(ie[11]) == 9,
	      "fdt: plic contexts hart2 M (11) then S (9)");
	int plic = fdt_path_offset(buf, "/soc/plic@c000000");
	CHECK(u32(buf, "/soc/serial@10000000", "interrupts") == 10 &&
	      u32(buf, "/soc/serial@10000000", "interrupt-parent") == fdt_get_phandle(buf, plic),
	      "fdt: uart irq 10 on the plic");
	CHECK(has_str(buf, "/soc/serial@10000000", "compatible", "ns16550a"), "fdt: uart ns16550a");
	CHECK(u32(buf, "/soc/rtc@101000", "interrupts") == 11 &&
	      has_str(buf, "/soc/rtc@101000", "compatible", "google,goldfish-rtc"), "fdt: rtc");
	int sys = fdt_path_offset(buf, "/soc/test@100000");
	CHECK(has_str(buf, "/soc/test@100000", "compatible", "syscon"), "fdt: syscon");
	CHECK(u32(buf, "/poweroff", "value") == 0x5555 && u32(buf, "/poweroff", "regmap") == fdt_get_phandle(buf, sys) &&
	      u32(buf, "/reboot", "value") == 0x7777, "fdt: syscon-poweroff/reboot");
	CHECK(u32(buf, "/soc/virtio_mmio@10001000", "interrupts") == 1 &&
	      fdt_path_offset(buf, "/soc/virtio_mmio@10002000") < 0 &&
	      u32(buf, "/soc/virtio_mmio@10003000", "interrupts") == 3,
	      "fdt: virtio nodes only for used slots (irq 1 + slot)");

	struct board_desc d2 = { .nr_harts = 1, .ram_base = VIRT_RAM_BASE, .ram_size = 1 << 20 };
	n = board_fdt_build(&d2, buf, sizeof(buf));
	CHECK(n > 0 && fdt_path_offset(buf, "/chosen") >= 0 && !prop(buf, "/chosen", "linux,initrd-start", &len) &&
	      !prop(buf, "/chosen", "bootargs", &len), "fdt: no initrd/bootargs when not given");
	CHECK(board_fdt_build(&d2, buf, 256) == -ENOSPC, "fdt: small buffer -> -ENOSPC");
	d2.nr_harts = 65;
	CHECK(board_fdt_build(&d2, buf, sizeof(buf)) == -EINVAL, "fdt: 65 harts refused");
	d2.nr_harts = 64;
	n = board_fdt_build(&d2, buf, sizeof(buf));
	CHECK(n > 0 && fdt_path_offset(buf, "/cpus/cpu@63") >= 0, "fdt: 64 harts fit (%d bytes)", n);
	return tap_failed;
}
