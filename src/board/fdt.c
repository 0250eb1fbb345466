/*
 * Device tree generation (libfdt sequential-write API). Node and property
 * names follow the device-tree bindings of each device (RISC-V cpus and
 * cpu-intc, sifive,plic-1.0.0, sifive,clint0, ns16550a, goldfish-rtc,
 * syscon-poweroff/-reboot, virtio,mmio).
 */
#include "board/fdt.h"

#include <errno.h>
#include <libfdt.h>
#include <stdio.h>
#include <string.h>

#include "board/layout.h"
#include "board/plic.h"
#include "board/rtc.h"
#include "board/syscon.h"
#include "board/uart.h"

#define PH_PLIC 1
#define PH_SYSCON 2
#define PH_CPU(i) (3 + 2 * (i))
#define PH_INTC(i) (4 + 2 * (i))

/* The ISA every Domus hart implements. */
static const char isa_string[] = "rv64imafdc_zicsr_zifencei_zicntr_zihintpause";
static const char *const isa_exts[] = { "i", "m", "a", "f", "d", "c",
					"zicsr", "zifencei", "zicntr", "zihintpause" };

#define TRY(x) do { int r_ = (x); if (r_ < 0) return r_; } while (0)

static int prop_reg(void *fdt, uint64_t base, uint64_t size)
{
	fdt64_t v[2] = { cpu_to_fdt64(base), cpu_to_fdt64(size) };
	return fdt_property(fdt, "reg", v, sizeof(v));
}

static int prop_str(void *fdt, const char *name, const char *s)
{
	return fdt_property_string(fdt, name, s);
}

/* A stringlist property from a NULL-free array. */
static int prop_strlist(void *fdt, const char *name, const char *const *s, unsigned n)
{
	char buf[256];
	size_t len = 0;

	for (unsigned i = 0; i < n; i++) {
		size_t l = strlen(s[i]) + 1;
		if (len + l > sizeof(buf))
			return -FDT_ERR_NOSPACE;
		memcpy(buf + len, s[i], l);
		len += l;
	}
	return fdt_property(fdt, name, buf, (int)len);
}

static int add_cpus(void *fdt, const struct board_desc *d)
{
	char name[32];

	TRY(fdt_begin_node(fdt, "cpus"));
	TRY(fdt_property_u32(fdt, "#address-cells", 1));
	TRY(fdt_property_u32(fdt, "#size-cells", 0));
	TRY(fdt_property_u32(fdt, "timebase-frequency", (uint32_t)VIRT_TIMEBASE_HZ));
	for (unsigned i = 0; i < d->nr_harts; i++) {
		snprintf(name, sizeof(name), "cpu@%u", i);
		TRY(fdt_begin_node(fdt, name));
		TRY(fdt_property_u32(fdt, "phandle", PH_CPU(i)));
		TRY(prop_str(fdt, "device_type", "cpu"));
		TRY(fdt_property_u32(fdt, "reg", i));
		TRY(prop_str(fdt, "status", "okay"));
		TRY(prop_str(fdt, "compatible", "riscv"));
		TRY(prop_str(fdt, "riscv,isa", isa_string));
		TRY(prop_str(fdt, "riscv,isa-base", "rv64i"));
		TRY(prop_strlist(fdt, "riscv,isa-extensions", isa_exts,
				 sizeof(isa_exts) / sizeof(isa_exts[0])));
		TRY(prop_str(fdt, "mmu-type", d->mmu_type ? d->mmu_type : "riscv,sv39"));
		TRY(fdt_begin_node(fdt, "interrupt-controller"));
		TRY(fdt_property_u32(fdt, "phandle", PH_INTC(i)));
		TRY(fdt_property_u32(fdt, "#interrupt-cells", 1));
		TRY(fdt_property(fdt, "interrupt-controller", NULL, 0));
		TRY(prop_str(fdt, "compatible", "riscv,cpu-intc"));
		TRY(fdt_end_node(fdt));
		TRY(fdt_end_node(fdt));
	}
	TRY(fdt_begin_node(fdt, "cpu-map"));
	TRY(fdt_begin_node(fdt, "cluster0"));
	for (unsigned i = 0; i < d->nr_harts; i++) {
		snprintf(name, sizeof(name), "core%u", i);
		TRY(fdt_begin_node(fdt, name));
		TRY(fdt_property_u32(fdt, "cpu", PH_CPU(i)));
		TRY(fdt_end_node(fdt));
	}
	TRY(fdt_end_node(fdt));
	TRY(fdt_end_node(fdt));
	return fdt_end_node(fdt);
}

/* interrupts-extended: for each hart, <intc m_cause> then <intc s_cause>. */
static int prop_irqs_ext(void *fdt, unsigned nr_harts, uint32_t m_cause, uint32_t s_cause)
{
	fdt32_t v[VIRT_MAX_HARTS * 4];

	for (unsigned i = 0; i < nr_harts; i++) {
		v[4 * i + 0] = cpu_to_fdt32(PH_INTC(i));
		v[4 * i + 1] = cpu_to_fdt32(m_cause);
		v[4 * i + 2] = cpu_to_fdt32(PH_INTC(i));
		v[4 * i + 3] = cpu_to_fdt32(s_cause);
	}
	return fdt_property(fdt, "interrupts-extended", v, (int)(nr_harts * 16));
}

static int add_dev_irq(void *fdt, uint32_t irq)
{
	TRY(fdt_property_u32(fdt, "interrupts", irq));
	return fdt_property_u32(fdt, "interrupt-parent", PH_PLIC);
}

static int add_soc(void *fdt, const struct board_desc *d)
{
	char name[48];

	TRY(fdt_begin_node(fdt, "soc"));
	TRY(fdt_property_u32(fdt, "#address-cells", 2));
	TRY(fdt_property_u32(fdt, "#size-cells", 2));
	TRY(prop_str(fdt, "compatible", "simple-bus"));
	TRY(fdt_property(fdt, "ranges", NULL, 0));

	snprintf(name, sizeof(name), "clint@%llx", VIRT_CLINT_BASE);
	TRY(fdt_begin_node(fdt, name));
	{
		const char *const c[] = { "sifive,clint0", "riscv,clint0" };
		TRY(prop_strlist(fdt, "compatible", c, 2));
	}
	TRY(prop_reg(fdt, VIRT_CLINT_BASE, VIRT_CLINT_SIZE));
	TRY(prop_irqs_ext(fdt, d->nr_harts, 3, 7));	/* MSIP, MTIP */
	TRY(fdt_end_node(fdt));

	snprintf(name, sizeof(name), "plic@%llx", VIRT_PLIC_BASE);
	TRY(fdt_begin_node(fdt, name));
	TRY(fdt_property_u32(fdt, "phandle", PH_PLIC));
	{
		const char *const c[] = { "sifive,plic-1.0.0", "riscv,plic0" };
		TRY(prop_strlist(fdt, "compatible", c, 2));
	}
	TRY(prop_reg(fdt, VIRT_PLIC_BASE, PLIC_MMIO_SIZE));
	TRY(fdt_property_u32(fdt, "#address-cells", 0));
	TRY(fdt_property_u32(fdt, "#interrupt-cells", 1));
	TRY(fdt_property(fdt, "interrupt-controller", NULL, 0));
	TRY(fdt_property_u32(fdt, "riscv,ndev", VIRT_PLIC_NDEV));
	TRY(prop_irqs_ext(fdt, d->nr_harts, 11, 9));	/* MEIP, SEIP */
	TRY(fdt_end_node(fdt));

	snprintf(name, sizeof(name), "serial@%llx", VIRT_UART0_BASE);
	TRY(fdt_begin_node(fdt, name));
	TRY(prop_str(fdt, "compatible", "ns16550a"));
	TRY(prop_reg(fdt, VIRT_UART0_BASE, UART_MMIO_SIZE));
	TRY(fdt_property_u32(fdt, "clock-frequency", UART_CLOCK_HZ));
	TRY(add_dev_irq(fdt, VIRT_IRQ_UART0));
	TRY(fdt_end_node(fdt));

	snprintf(name, sizeof(name), "rtc@%llx", VIRT_RTC_BASE);
	TRY(fdt_begin_node(fdt, name));
	TRY(prop_str(fdt, "compatible", "google,goldfish-rtc"));
	TRY(prop_reg(fdt, VIRT_RTC_BASE, RTC_MMIO_SIZE));
	TRY(add_dev_irq(fdt, VIRT_IRQ_RTC));
	TRY(fdt_end_node(fdt));

	snprintf(name, sizeof(name), "test@%llx", VIRT_SYSCON_BASE);
	TRY(fdt_begin_node(fdt, name));
	TRY(fdt_property_u32(fdt, "phandle", PH_SYSCON));
	{
		const char *const c[] = { "sifive,test1", "sifive,test0", "syscon" };
		TRY(prop_strlist(fdt, "compatible", c, 3));
	}
	TRY(prop_reg(fdt, VIRT_SYSCON_BASE, SYSCON_MMIO_SIZE));
	TRY(fdt_end_node(fdt));

	for (unsigned i = 0; i < VIRT_VIRTIO_SLOTS; i++) {
		uint64_t base = VIRT_VIRTIO_BASE + VIRT_VIRTIO_STRIDE * i;
		if (!(d->virtio_slots & (1u << i)))
			continue;
		snprintf(name, sizeof(name), "virtio_mmio@%llx", (unsigned long long)base);
		TRY(fdt_begin_node(fdt, name));
		TRY(prop_str(fdt, "compatible", "virtio,mmio"));
		TRY(prop_reg(fdt, base, VIRT_VIRTIO_STRIDE));
		TRY(add_dev_irq(fdt, VIRT_IRQ_VIRTIO0 + i));
		TRY(fdt_end_node(fdt));
	}
	return fdt_end_node(fdt);
}

static int add_syscon_ctl(void *fdt, const char *name, const char *compat, uint32_t value)
{
	TRY(fdt_begin_node(fdt, name));
	TRY(prop_str(fdt, "compatible", compat));
	TRY(fdt_property_u32(fdt, "regmap", PH_SYSCON));
	TRY(fdt_property_u32(fdt, "offset", 0));
	TRY(fdt_property_u32(fdt, "value", value));
	return fdt_end_node(fdt);
}

static int board_fdt_inner(const struct board_desc *d, void *fdt, size_t size)
{
	char name[48];

	TRY(fdt_create(fdt, (int)size));
	TRY(fdt_finish_reservemap(fdt));
	TRY(fdt_begin_node(fdt, ""));
	TRY(fdt_property_u32(fdt, "#address-cells", 2));
	TRY(fdt_property_u32(fdt, "#size-cells", 2));
	{
		const char *const c[] = { "domus,virt", "riscv-virtio" };
		TRY(prop_strlist(fdt, "compatible", c, 2));
	}
	TRY(prop_str(fdt, "model", "Domus virt"));

	TRY(fdt_begin_node(fdt, "chosen"));
	if (d->bootargs)
		TRY(prop_str(fdt, "bootargs", d->bootargs));
	snprintf(name, sizeof(name), "/soc/serial@%llx", VIRT_UART0_BASE);
	TRY(prop_str(fdt, "stdout-path", name));
	if (d->initrd_end > d->initrd_start) {
		TRY(fdt_property_u64(fdt, "linux,initrd-start", d->initrd_start));
		TRY(fdt_property_u64(fdt, "linux,initrd-end", d->initrd_end));
	}
	if (d->have_rng_seed)
		TRY(fdt_property(fdt, "rng-seed", d->rng_seed, sizeof(d->rng_seed)));
	TRY(fdt_end_node(fdt));

	TRY(add_cpus(fdt, d));

	snprintf(name, sizeof(name), "memory@%llx", (unsigned long long)d->ram_base);
	TRY(fdt_begin_node(fdt, name));
	TRY(prop_str(fdt, "device_type", "memory"));
	TRY(prop_reg(fdt, d->ram_base, d->ram_size));
	TRY(fdt_end_node(fdt));

	TRY(add_soc(fdt, d));
	TRY(add_syscon_ctl(fdt, "poweroff", "syscon-poweroff", SYSCON_POWEROFF));
	TRY(add_syscon_ctl(fdt, "reboot", "syscon-reboot", SYSCON_REBOOT));

	TRY(fdt_end_node(fdt));
	TRY(fdt_finish(fdt));
	return fdt_totalsize(fdt);
}

int board_fdt_build(const struct board_desc *d, void *buf, size_t size)
{
	int r;

	if (!d->nr_harts || d->nr_harts > VIRT_MAX_HARTS || size > INT32_MAX)
		return -EINVAL;
	r = board_fdt_inner(d, buf, size);
	if (r == -FDT_ERR_NOSPACE)
		return -ENOSPC;
	return r < 0 ? -EINVAL : r;
}
