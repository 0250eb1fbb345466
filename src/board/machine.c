/*
 * The virt machine: creation (RAM, devices, harts), image loading and the
 * two boot protocols, the vCPUs as scheduling units (their run function:
 * HSM states, hart_run, WFI -> blocked with a wake deadline) and the
 * stop/reset/crash path.
 */
#include "board/machine.h"

#include <errno.h>
#include <inttypes.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "board/clint.h"
#include "board/fdt.h"
#include "util/log.h"
#include "virtio/virtio.h"
#include "virtio/virtio_devs.h"
#include "virtio/virtio_mmio.h"

#define FDT_MAX (64 * 1024)
#define NS_PER_TICK (1000000000ULL / VIRT_TIMEBASE_HZ)
#define IDLE_MAX_NS 1000000000ULL	/* longest sleep without a deadline */
#define PANIC_GRACE_NS 300000000ULL	/* let the panic message finish */

/* fw_dynamic_info (OpenSBI firmware docs, fw_dynamic): six XLEN words. */
#define FW_DYNAMIC_MAGIC 0x4942534fULL	/* "OSBI" */
#define FW_DYNAMIC_VERSION 2

static const char panic_marker[] = "Kernel panic - not syncing";

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

uint64_t machine_read_time(void *opaque)
{
	struct machine *m = opaque;
	uint64_t base, now;
	unsigned seq;

	/* time_seq: odd while pause/unpause update base and frozen. The
	 * clock is read inside the loop: a pause + unpause between it and
	 * the base would otherwise make time jump forward and then back. */
	do {
		while ((seq = atomic_load(&m->time_seq)) & 1)
			;
		base = atomic_load(&m->time_base_ns);
		now = atomic_load(&m->frozen_ns);
		if (!now)
			now = mono_ns();
	} while (atomic_load(&m->time_seq) != seq);
	return now > base ? (now - base) / NS_PER_TICK : 0;
}

static uint64_t vcpu_read_time(void *opaque)
{
	struct vcpu *v = opaque;

	return machine_read_time(v->m);
}

/* ---- interrupts and events ---------------------------------------- */

/* PLIC context 2i is hart i's M-mode external interrupt, 2i+1 its S-mode. */
static void plic_to_hart(void *opaque, unsigned ctx, bool level)
{
	struct machine *m = opaque;
	struct hart *h = &m->vcpus[ctx / 2].hart;
	uint64_t bit = ctx & 1 ? MIP_SEIP : MIP_MEIP;

	if (level)
		hart_set_mip(h, bit);	/* posts HART_REQ_IRQ and kicks */
	else
		hart_clear_mip(h, bit);
}

void machine_stop(struct machine *m, enum machine_exit why)
{
	pthread_mutex_lock(&m->state_lock);
	if (!atomic_load(&m->stopping)) {
		/* A reset or shutdown right after a panic message is the
		 * panic's own restart (panic=N): report the crash. */
		if (atomic_load(&m->panic_seen_ns) && why != MACHINE_EXIT_QUIT)
			why = MACHINE_EXIT_CRASH;
		m->exit = why;
		atomic_store(&m->stopping, true);
		/* Out of hart_run (the kick wakes blocked vCPUs), and run
		 * even if paused: each then sees `stopping` and ends. */
		for (unsigned i = 0; i < m->nr_harts; i++)
			hart_request(&m->vcpus[i].hart, HART_REQ_EXIT);
		sched_dom_shutdown(m->sdom);
		pthread_cond_broadcast(&m->state_cond);
	}
	pthread_mutex_unlock(&m->state_lock);
}

/* ---- pause --------------------------------------------------------- */

void machine_pause(struct machine *m)
{
	bool first;

	pthread_mutex_lock(&m->pause_lock);
	pthread_mutex_lock(&m->state_lock);
	first = m->pause_count++ == 0;
	if (first) {
		atomic_fetch_add(&m->time_seq, 1);
		atomic_store(&m->frozen_ns, mono_ns());
		atomic_fetch_add(&m->time_seq, 1);
		atomic_store(&m->pause_req, true);
	}
	pthread_mutex_unlock(&m->state_lock);
	/* Outside state_lock: a vCPU may need it (machine_stop) on its way
	 * off the pCPU. Returns early if the machine is stopping. */
	if (first)
		sched_dom_pause(m->sdom);
	pthread_mutex_unlock(&m->pause_lock);
}

int machine_unpause(struct machine *m)
{
	bool last = false;
	int rc = 0;

	pthread_mutex_lock(&m->pause_lock);
	pthread_mutex_lock(&m->state_lock);
	if (!m->pause_count) {
		rc = -EINVAL;
	} else if (--m->pause_count == 0) {
		uint64_t frozen = atomic_load(&m->frozen_ns), d = mono_ns() - frozen;
		m->paused_total_ns += d;
		atomic_fetch_add(&m->time_seq, 1);
		atomic_fetch_add(&m->time_base_ns, d);
		atomic_store(&m->frozen_ns, 0);
		atomic_fetch_add(&m->time_seq, 1);
		atomic_store(&m->pause_req, false);
		last = true;
	}
	pthread_mutex_unlock(&m->state_lock);
	if (last)
		sched_dom_unpause(m->sdom);
	pthread_mutex_unlock(&m->pause_lock);
	return rc;
}

uint64_t machine_cpu_ns(struct machine *m)
{
	return sched_dom_cpu_ns(m->sdom);
}

struct sched_dom *machine_sched_dom(struct machine *m)
{
	return m->sdom;
}

struct sched_unit *machine_vcpu_unit(struct machine *m, unsigned vcpu)
{
	return vcpu < m->nr_harts ? m->vcpus[vcpu].unit : NULL;
}

bool machine_is_paused(struct machine *m)
{
	return atomic_load(&m->pause_req);
}

uint64_t machine_paused_ns(struct machine *m)
{
	uint64_t t;

	pthread_mutex_lock(&m->state_lock);
	t = m->paused_total_ns;
	if (m->pause_count)
		t += mono_ns() - atomic_load(&m->frozen_ns);
	pthread_mutex_unlock(&m->state_lock);
	return t;
}

static void syscon_event(void *opaque, enum board_event ev, uint32_t code)
{
	struct machine *m = opaque;

	if (ev == BOARD_EV_CRASH)
		log_warn("machine", "guest reported failure (code %u)", code);
	machine_stop(m, ev == BOARD_EV_POWEROFF ? MACHINE_EXIT_POWEROFF :
		     ev == BOARD_EV_REBOOT ? MACHINE_EXIT_REBOOT : MACHINE_EXIT_CRASH);
}

void machine_console_output(struct machine *m, const uint8_t *buf, size_t len)
{
	if (m->detect_panic) {
		/* Matcher state is only touched by the vCPU that prints; a
		 * torn match across harts just misses (heuristic). */
		unsigned k = m->panic_match;
		for (size_t i = 0; i < len; i++) {
			if (buf[i] == (uint8_t)panic_marker[k])
				k++;
			else
				k = buf[i] == (uint8_t)panic_marker[0];
			if (k == sizeof(panic_marker) - 1) {
				uint64_t zero = 0;
				atomic_compare_exchange_strong(&m->panic_seen_ns, &zero, mono_ns());
				k = 0;
			}
		}
		m->panic_match = k;
	}
	if (m->console.write && len)
		m->console.write(m->console.opaque, buf, len);
}

static void uart_out(void *opaque, const uint8_t *buf, size_t len)
{
	machine_console_output(opaque, buf, len);
}

void machine_console_input(struct machine *m, const uint8_t *buf, size_t len)
{
	uart_rx_push(&m->uart, buf, len);
}

void machine_sysrq(struct machine *m, char key)
{
	uint8_t k = (uint8_t)key;

	/* Linux's 8250 driver takes the byte after a BREAK (within 5 s) as
	 * the SysRq command key when the port is its console. */
	uart_rx_break(&m->uart);
	uart_rx_push(&m->uart, &k, 1);
}

/* ---- scheduling ---------------------------------------------------- */

static enum sched_run vcpu_run(void *opaque, struct sched_unit *u, uint64_t *deadline_ns);

/* Called under the scheduler's lock: only a flag, no kick (the vCPU is
 * inside its run function, and hart_run polls req every slice). */
static void vcpu_preempt(void *opaque)
{
	struct vcpu *v = opaque;

	atomic_fetch_or(&v->hart.req, HART_REQ_EXIT);
}

static const struct sched_unit_ops vcpu_ops = {
	.run = vcpu_run,
	.preempt = vcpu_preempt,
};

/* hart_env.kick: an interrupt, IPI, request or HSM start for the vCPU
 * makes it runnable if it is blocked (or keeps the wake for its current
 * run). */
static void vcpu_kick(void *opaque)
{
	struct vcpu *v = opaque;

	/* The vCPU's own thread sees its req bits before it can block. */
	if (atomic_load(&v->in_run) && pthread_equal(v->runner, pthread_self()))
		return;
	if (v->unit)
		sched_unit_wake(v->unit);
}

/* The pool (shared, or a private one of the host's CPU count), the
 * machine's domain with its weight/cap, a unit per vCPU. */
static int machine_sched_setup(struct machine *m, const struct machine_config *cfg)
{
	int rc;

	m->sched = cfg->sched;
	if (!m->sched) {
		if ((rc = sched_create(0, &m->own_sched)) < 0)
			return rc;
		m->sched = m->own_sched;
	}
	if ((rc = sched_dom_create(m->sched, &m->sdom)) < 0)
		return rc;
	rc = sched_dom_set(m->sdom, cfg->sched_weight ? cfg->sched_weight : SCHED_WEIGHT_DEFAULT,
			   cfg->sched_cap);
	if (rc < 0)
		return rc;
	for (unsigned i = 0; i < m->nr_harts; i++) {
		struct vcpu *v = &m->vcpus[i];
		if ((rc = sched_unit_create(m->sdom, &vcpu_ops, v, &v->unit)) < 0)
			return rc;
		if (cfg->affinity && (rc = sched_unit_set_affinity(v->unit, cfg->affinity)) < 0)
			return rc;
	}
	return 0;
}

static void machine_sched_teardown(struct machine *m)
{
	for (unsigned i = 0; i < m->nr_harts; i++) {
		sched_unit_destroy(m->vcpus[i].unit);
		m->vcpus[i].unit = NULL;
	}
	sched_dom_destroy(m->sdom);
	m->sdom = NULL;
	sched_destroy(m->own_sched);
	m->own_sched = NULL;
}

/* ---- creation ------------------------------------------------------ */

int machine_create(const struct machine_config *cfg, struct machine **out)
{
	struct machine *m;
	int rc;

	*out = NULL;
	if (cfg->nr_harts < 1 || cfg->nr_harts > VIRT_MAX_HARTS)
		return -EINVAL;
	if (cfg->ram_size < (16ULL << 20) || cfg->ram_size % BUS_PAGE_SIZE ||
	    cfg->ram_size > (1ULL << 40))
		return -EINVAL;
	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	m->vcpus = calloc(cfg->nr_harts, sizeof(*m->vcpus));
	m->clint = calloc(1, sizeof(*m->clint));
	if (!m->vcpus || !m->clint) {
		free(m->vcpus);
		free(m->clint);
		free(m);
		return -ENOMEM;
	}
	m->nr_harts = cfg->nr_harts;
	m->paravirt = cfg->bios == NULL;
	m->console = cfg->console;
	m->detect_panic = cfg->detect_panic;
	atomic_store(&m->time_base_ns, mono_ns());
	pthread_mutex_init(&m->state_lock, NULL);
	pthread_cond_init(&m->state_cond, NULL);
	pthread_mutex_init(&m->pause_lock, NULL);
	for (unsigned i = 0; i < m->nr_harts; i++) {
		m->vcpus[i].m = m;
		m->vcpus[i].id = i;
		pthread_mutex_init(&m->vcpus[i].lock, NULL);
	}

	rc = machine_sched_setup(m, cfg);
	if (rc < 0)
		goto fail_bus;
	rc = bus_init(&m->bus, VIRT_RAM_BASE, cfg->ram_size);
	if (rc < 0)
		goto fail_bus;

	struct hart_env env = {
		.ecall = m->paravirt ? sbi_ecall : NULL,
		.read_time = vcpu_read_time,
		.kick = vcpu_kick,
	};
	for (unsigned i = 0; i < m->nr_harts; i++) {
		struct vcpu *v = &m->vcpus[i];
		env.opaque = v;
		rc = hart_init(&v->hart, &m->bus, i, &env);
		if (rc < 0) {
			for (unsigned j = 0; j < i; j++)
				hart_destroy(&m->vcpus[j].hart);
			goto fail_harts;
		}
		atomic_store(&v->hsm, HSM_STOPPED);
		/* DOMUS_TRACE=1: the core prints every retired instruction. */
		v->hart.trace = getenv("DOMUS_TRACE") != NULL;
	}

	struct hart **hp = calloc(m->nr_harts, sizeof(*hp));
	if (!hp) {
		rc = -ENOMEM;
		goto fail_devs;
	}
	for (unsigned i = 0; i < m->nr_harts; i++)
		hp[i] = &m->vcpus[i].hart;
	clint_init(m->clint, hp, m->nr_harts, machine_read_time, m);
	rc = plic_init(&m->plic, 2 * m->nr_harts, plic_to_hart, m);
	if (rc < 0)
		goto fail_devs;
	rc = uart_init(&m->uart, plic_irq_line(&m->plic, VIRT_IRQ_UART0),
		       (struct console_backend){ uart_out, m });
	if (rc < 0)
		goto fail_devs;
	rc = rtc_init(&m->rtc, plic_irq_line(&m->plic, VIRT_IRQ_RTC));
	if (rc < 0)
		goto fail_devs;
	m->syscon = (struct syscon){ syscon_event, m };

	if ((rc = clint_attach(m->clint, &m->bus, VIRT_CLINT_BASE)) < 0 ||
	    (rc = bus_add_mmio(&m->bus, VIRT_PLIC_BASE, PLIC_MMIO_SIZE, &plic_mmio_ops, &m->plic)) < 0 ||
	    (rc = bus_add_mmio(&m->bus, VIRT_UART0_BASE, UART_MMIO_SIZE, &uart_mmio_ops, &m->uart)) < 0 ||
	    (rc = bus_add_mmio(&m->bus, VIRT_RTC_BASE, RTC_MMIO_SIZE, &rtc_mmio_ops, &m->rtc)) < 0 ||
	    (rc = bus_add_mmio(&m->bus, VIRT_SYSCON_BASE, SYSCON_MMIO_SIZE, &syscon_mmio_ops, &m->syscon)) < 0)
		goto fail_devs;
	*out = m;
	return 0;

fail_devs:
	/* The partially initialised devices hold no resources but mutexes. */
	for (unsigned i = 0; i < m->nr_harts; i++)
		hart_destroy(&m->vcpus[i].hart);
fail_harts:
	bus_destroy(&m->bus);
fail_bus:
	machine_sched_teardown(m);
	for (unsigned i = 0; i < m->nr_harts; i++)
		pthread_mutex_destroy(&m->vcpus[i].lock);
	pthread_mutex_destroy(&m->state_lock);
	pthread_mutex_destroy(&m->pause_lock);
	pthread_cond_destroy(&m->state_cond);
	if (m->clint)
		free(m->clint->harts);
	free(m->clint);
	free(m->vcpus);
	free(m);
	return rc;
}

void machine_destroy(struct machine *m)
{
	if (!m)
		return;
	for (unsigned i = 0; i < VIRT_VIRTIO_SLOTS; i++)
		virtio_mmio_destroy(m->virtio[i]);
	/* The vCPUs are DONE (machine_run joined them) or never ran. */
	machine_sched_teardown(m);
	for (unsigned i = 0; i < m->nr_harts; i++) {
		hart_destroy(&m->vcpus[i].hart);
		pthread_mutex_destroy(&m->vcpus[i].lock);
	}
	plic_destroy(&m->plic);
	uart_destroy(&m->uart);
	rtc_destroy(&m->rtc);
	bus_destroy(&m->bus);
	free(m->clint->harts);
	free(m->clint);
	free(m->vcpus);
	free(m->fdt);
	free(m->bootargs);
	pthread_mutex_destroy(&m->state_lock);
	pthread_cond_destroy(&m->state_cond);
	pthread_mutex_destroy(&m->pause_lock);
	free(m);
}

int machine_add_virtio(struct machine *m, struct virtio_dev *dev)
{
	for (unsigned i = 0; i < VIRT_VIRTIO_SLOTS; i++) {
		if (m->virtio_slots & (1u << i))
			continue;
		int rc = virtio_mmio_create(&m->bus, VIRT_VIRTIO_BASE + VIRT_VIRTIO_STRIDE * i,
					    plic_irq_line(&m->plic, VIRT_IRQ_VIRTIO0 + i),
					    dev, &m->virtio[i]);
		if (rc < 0) {
			virtio_dev_destroy(dev);
			return rc;
		}
		m->virtio_slots |= 1u << i;
		return 0;
	}
	virtio_dev_destroy(dev);
	return -ENOSPC;
}

/* ---- balloon ------------------------------------------------------- */

#define BALLOON_PAGE 4096ULL

static uint32_t balloon_pages(const struct machine *m, uint64_t bytes)
{
	if (bytes > m->bus.ram_size)
		bytes = m->bus.ram_size;
	uint64_t pages = bytes / BALLOON_PAGE;
	return pages > UINT32_MAX ? UINT32_MAX : (uint32_t)pages;
}

int machine_add_balloon(struct machine *m, uint64_t bytes)
{
	struct virtio_dev *dev;
	int rc;

	if (m->balloon)
		return -EEXIST;
	if ((rc = virtio_balloon_create(&dev)) < 0)
		return rc;
	/* num_pages is read by the driver at probe: set before it can run. */
	virtio_balloon_set_target(dev, balloon_pages(m, bytes));
	if ((rc = machine_add_virtio(m, dev)) < 0)
		return rc;
	m->balloon = dev;
	return 0;
}

int machine_balloon_set(struct machine *m, uint64_t bytes)
{
	if (!m->balloon)
		return -ENODEV;
	virtio_balloon_set_target(m->balloon, balloon_pages(m, bytes));
	return 0;
}

uint64_t machine_balloon_actual(const struct machine *m)
{
	return m->balloon ? virtio_balloon_actual(m->balloon) * BALLOON_PAGE : 0;
}

uint64_t machine_balloon_held(const struct machine *m)
{
	return m->balloon ? virtio_balloon_held(m->balloon) * BALLOON_PAGE : 0;
}

/* ---- loading ------------------------------------------------------- */

/* Reads a whole file into guest RAM at pa. Returns its size or -errno. */
static int64_t load_file(struct machine *m, const char *path, uint64_t pa, uint64_t limit)
{
	struct stat st;
	int64_t rc;
	uint8_t *dst;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		rc = -errno;
		goto out;
	}
	if ((uint64_t)st.st_size > limit || !(dst = bus_ram_ptr(&m->bus, pa, (uint64_t)st.st_size))) {
		rc = -EFBIG;
		goto out;
	}
	for (off_t done = 0; done < st.st_size;) {
		ssize_t n = read(fd, dst + done, (size_t)(st.st_size - done));
		if (n <= 0) {
			rc = n < 0 ? -errno : -EIO;
			goto out;
		}
		done += n;
	}
	bus_mark_dirty(&m->bus, pa, (uint64_t)st.st_size);
	rc = st.st_size;
out:
	close(fd);
	return rc;
}

static int64_t file_size(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return -errno;
	return st.st_size;
}

/* RISC-V Linux Image header (Documentation/riscv/boot-image-header.rst):
 * u64 text_offset at 8, u64 image_size at 16, magic2 "RSC\x05" at 56. */
static void image_header(struct machine *m, uint64_t pa, uint64_t file_len,
			 uint64_t *text_offset, uint64_t *mem_size)
{
	uint8_t *p = bus_ram_ptr(&m->bus, pa, 64);

	*text_offset = VIRT_KERNEL_OFFSET;
	*mem_size = file_len;
	if (file_len >= 64 && p && !memcmp(p + 56, "RSC\x05", 4)) {
		uint64_t to, sz;
		memcpy(&to, p + 8, 8);
		memcpy(&sz, p + 16, 8);
		if (to)
			*text_offset = to;
		if (sz > file_len)
			*mem_size = sz;
	}
}

static bool is_fw_jump(const char *path)
{
	const char *base = strrchr(path, '/');

	return strstr(base ? base + 1 : path, "fw_jump") != NULL;
}

static uint64_t align_down(uint64_t x, uint64_t a)
{
	return x & ~(a - 1);
}

/* ---- buttons (virtio-input) ------------------------------------------ */

/* Adds the buttons in the first free slot; none left is not fatal. */
static void machine_add_buttons(struct machine *m)
{
	struct virtio_dev *dev;
	if (m->input || m->virtio_slots == (1u << VIRT_VIRTIO_SLOTS) - 1)
		return;
	if (virtio_input_create(&dev) < 0 || machine_add_virtio(m, dev) < 0)
		return;
	m->input = dev;
}

int machine_press_button(struct machine *m, enum machine_button b)
{
	if (!m->input)
		return -ENODEV;
	return virtio_input_key(m->input, b == MACHINE_BUTTON_RESTART ? VIRTIO_INPUT_KEY_RESTART
								  : VIRTIO_INPUT_KEY_POWER);
}

int machine_load(struct machine *m, const struct machine_config *cfg)
{
	machine_add_buttons(m);
	uint64_t ram_end = VIRT_RAM_BASE + m->bus.ram_size;
	struct board_desc d = {
		.nr_harts = m->nr_harts, .ram_base = VIRT_RAM_BASE,
		.ram_size = m->bus.ram_size, .mmu_type = "riscv,sv48",
		.virtio_slots = m->virtio_slots,
	};
	int64_t n;
	int rc;

	m->fdt = malloc(FDT_MAX);
	if (!m->fdt)
		return -ENOMEM;

	/* Payload: the kernel (or S-mode U-Boot) at RAM + text_offset. */
	m->kernel_addr = VIRT_RAM_BASE + VIRT_KERNEL_OFFSET;
	m->kernel_end = m->kernel_addr;
	if (cfg->kernel) {
		uint64_t to, sz;
		n = load_file(m, cfg->kernel, m->kernel_addr, m->bus.ram_size / 2);
		if (n < 0) {
			log_error("machine", "%s: %s", cfg->kernel, strerror((int)-n));
			return (int)n;
		}
		image_header(m, m->kernel_addr, (uint64_t)n, &to, &sz);
		/* The header is image data, not trusted: both fields must fit
		 * in RAM before any address is computed from them. */
		if (to >= m->bus.ram_size || sz > m->bus.ram_size - to) {
			log_error("machine", "%s: image header asks for text_offset 0x%" PRIx64
				  " + image_size 0x%" PRIx64 ", more than the %" PRIu64 " MiB of RAM",
				  cfg->kernel, to, sz, m->bus.ram_size >> 20);
			return -EFBIG;
		}
		if (to != VIRT_KERNEL_OFFSET) {
			/* Rare: move it where its header says it wants to run. */
			uint8_t *src = bus_ram_ptr(&m->bus, m->kernel_addr, (uint64_t)n);
			uint8_t *dst = bus_ram_ptr(&m->bus, VIRT_RAM_BASE + to, (uint64_t)n);
			if (!dst)
				return -EFBIG;
			memmove(dst, src, (size_t)n);
			m->kernel_addr = VIRT_RAM_BASE + to;
		}
		m->kernel_end = m->kernel_addr + sz;
	}

	/* Device tree at the top of RAM (2 MiB aligned), or where fw_jump
	 * expects it. The fw_dynamic_info block follows the blob. */
	m->fdt_addr = align_down(ram_end - FDT_MAX - 64, 2ULL << 20);
	if (cfg->bios && is_fw_jump(cfg->bios))
		m->fdt_addr = VIRT_FW_JUMP_FDT_ADDR;
	if (m->fdt_addr < m->kernel_end || m->fdt_addr + FDT_MAX + 64 > ram_end) {
		log_error("machine", "not enough RAM for kernel + device tree");
		return -ENOMEM;
	}

	if (cfg->initrd) {
		n = file_size(cfg->initrd);
		if (n < 0) {
			log_error("machine", "%s: %s", cfg->initrd, strerror((int)-n));
			return (int)n;
		}
		uint64_t top = m->fdt_addr < ram_end && m->fdt_addr > m->kernel_end ?
			       m->fdt_addr : ram_end;
		if ((uint64_t)n + (4ULL << 20) > top - m->kernel_end) {
			log_error("machine", "initrd does not fit in RAM");
			return -ENOMEM;
		}
		m->initrd_start = align_down(top - (uint64_t)n, 4096);
		n = load_file(m, cfg->initrd, m->initrd_start, (uint64_t)n);
		if (n < 0)
			return (int)n;
		m->initrd_end = m->initrd_start + (uint64_t)n;
		d.initrd_start = m->initrd_start;
		d.initrd_end = m->initrd_end;
	}

	if (cfg->append) {
		m->bootargs = strdup(cfg->append);
		if (!m->bootargs)
			return -ENOMEM;
	}
	d.bootargs = m->bootargs;
	d.have_rng_seed = getrandom(d.rng_seed, sizeof(d.rng_seed), GRND_NONBLOCK) ==
			  (ssize_t)sizeof(d.rng_seed);
	rc = board_fdt_build(&d, m->fdt, FDT_MAX);
	if (rc < 0)
		return rc;
	m->fdt_size = rc;
	memcpy(bus_ram_ptr(&m->bus, m->fdt_addr, (uint64_t)rc), m->fdt, (size_t)rc);

	if (m->paravirt) {
		if (!cfg->kernel)
			return -EINVAL;
		struct vcpu *v = &m->vcpus[0];
		for (unsigned i = 0; i < m->nr_harts; i++) {
			struct hart *h = &m->vcpus[i].hart;
			/* What OpenSBI leaves for the kernel: delegate every
			 * exception except ECALLs from S/M and all S-level
			 * interrupts; counters visible; PMP open. */
			h->medeleg = 0xb1ff;	/* 0-8, 12, 13, 15 */
			h->mideleg = MIP_SSIP | MIP_STIP | MIP_SEIP;
			h->mcounteren = 0xffffffffu;
			/* U-mode rdtime/rdcycle/rdinstret work, as under OpenSBI (which
			 * emulates them when scounteren denies them). */
			h->scounteren = 7;
			hart_pmp_allow_all(h);
		}
		sbi_enter_smode(&v->hart, m->kernel_addr, 0, m->fdt_addr);
		atomic_store(&v->hsm, HSM_STARTED);
	} else {
		n = load_file(m, cfg->bios, VIRT_RAM_BASE, VIRT_KERNEL_OFFSET);
		if (n < 0) {
			log_error("machine", "%s: %s", cfg->bios, strerror((int)-n));
			return (int)n;
		}
		m->fw_info_addr = m->fdt_addr + (((uint64_t)m->fdt_size + 7) & ~7ULL);
		uint64_t info[6] = {
			FW_DYNAMIC_MAGIC, FW_DYNAMIC_VERSION,
			m->kernel_addr, PRV_S, 0, UINT64_MAX,	/* boot_hart: any */
		};
		uint8_t *p = bus_ram_ptr(&m->bus, m->fw_info_addr, sizeof(info));
		if (!p)
			return -ENOMEM;
		memcpy(p, info, sizeof(info));
		for (unsigned i = 0; i < m->nr_harts; i++) {
			struct hart *h = &m->vcpus[i].hart;
			h->pc = VIRT_RAM_BASE;
			h->x[10] = i;
			h->x[11] = m->fdt_addr;
			h->x[12] = m->fw_info_addr;
			atomic_store(&m->vcpus[i].hsm, HSM_STARTED);
		}
	}
	return 0;
}

int machine_dump_dtb(struct machine *m, const char *path)
{
	FILE *f;
	int rc = 0;

	if (!m->fdt || !m->fdt_size)
		return -EINVAL;
	f = fopen(path, "wb");
	if (!f)
		return -errno;
	if (fwrite(m->fdt, 1, (size_t)m->fdt_size, f) != (size_t)m->fdt_size)
		rc = -EIO;
	if (fclose(f) != 0 && !rc)
		rc = -errno;
	return rc;
}

/* ---- vCPUs on the pool -------------------------------------------- */

/* When a blocked vCPU must run again for its timers (only timers whose
 * interrupt is enabled can end a wait): 0 if one is due now, else a
 * CLOCK_MONOTONIC time, at most IDLE_MAX_NS ahead (a safety net). */
static uint64_t vcpu_wake_deadline(struct vcpu *v)
{
	struct hart *h = &v->hart;
	uint64_t dl = UINT64_MAX, now = machine_read_time(v->m);
	uint64_t ns = IDLE_MAX_NS;

	if (h->mie & MIP_MTIP)
		dl = h->mtimecmp;
	if (v->m->paravirt && (h->mie & MIP_STIP) && h->stimecmp < dl)
		dl = h->stimecmp;
	if (dl != UINT64_MAX) {
		if (dl <= now)
			return 0;
		if ((dl - now) < IDLE_MAX_NS / NS_PER_TICK)
			ns = (dl - now) * NS_PER_TICK;
	}
	return mono_ns() + ns;
}

/* HSM START_PENDING -> STARTED: reset and enter S-mode at start_addr. */
static void vcpu_start(struct vcpu *v)
{
	struct machine *m = v->m;
	struct hart *h = &v->hart;

	pthread_mutex_lock(&v->lock);
	hart_reset(h);
	/* The reset cleared mip: external interrupt lines the PLIC still
	 * asserts for this hart are only reported on change. */
	if (plic_context_level(&m->plic, 2 * v->id))
		hart_set_mip(h, MIP_MEIP);
	if (plic_context_level(&m->plic, 2 * v->id + 1))
		hart_set_mip(h, MIP_SEIP);
	h->medeleg = 0xb1ff;
	h->mideleg = MIP_SSIP | MIP_STIP | MIP_SEIP;
	h->mcounteren = 0xffffffffu;
	/* U-mode rdtime/rdcycle/rdinstret work, as under OpenSBI (which
	 * emulates them when scounteren denies them). */
	h->scounteren = 7;
	hart_pmp_allow_all(h);
	sbi_enter_smode(h, v->start_addr, v->id, v->start_opaque);
	atomic_store(&v->hsm, HSM_STARTED);
	pthread_mutex_unlock(&v->lock);
}

/* HSM suspend ends when an S-level interrupt is pending and enabled in
 * sie (sstatus.SIE does not matter). */
static bool vcpu_resume_due(struct vcpu *v)
{
	struct hart *h = &v->hart;
	uint64_t pend = atomic_load(&h->mip), now = machine_read_time(v->m);

	if (v->m->paravirt && now >= h->stimecmp)
		pend |= MIP_STIP;
	if (now >= h->mtimecmp)
		pend |= MIP_MTIP;
	return (pend & h->mie) != 0;
}

/* The vCPU's run function (struct sched_unit_ops), on a pCPU thread:
 * HSM transitions, then the guest until it idles (WFI: blocked until a
 * kick or its timer), spins (PAUSE: yield), is preempted (the
 * scheduler's HART_REQ_EXIT) or the machine ends (DONE). A kick between
 * hart_run's WFI and the BLOCK return is kept by the scheduler. */
static enum sched_run vcpu_run_inner(struct vcpu *v, struct sched_unit *u, uint64_t *deadline_ns);

static enum sched_run vcpu_run(void *opaque, struct sched_unit *u, uint64_t *deadline_ns)
{
	struct vcpu *v = opaque;
	enum sched_run r;

	v->runner = pthread_self();
	atomic_store(&v->in_run, true);
	r = vcpu_run_inner(v, u, deadline_ns);
	atomic_store(&v->in_run, false);
	return r;
}

static enum sched_run vcpu_run_inner(struct vcpu *v, struct sched_unit *u, uint64_t *deadline_ns)
{
	struct machine *m = v->m;
	struct hart *h = &v->hart;

	/* An exit request posted after the last hart_run had returned is
	 * stale; should_yield tells whether a preemption is live. */
	atomic_fetch_and(&h->req, ~HART_REQ_EXIT);
	for (;;) {
		if (atomic_load(&m->stopping))
			return SCHED_RUN_DONE;
		if (sched_unit_should_yield(u))
			return SCHED_RUN_PREEMPTED;
		switch (atomic_load(&v->hsm)) {
		case HSM_STOPPED:
			return SCHED_RUN_OFFLINE;	/* hart_start wakes it */
		case HSM_START_PENDING:
			vcpu_start(v);
			continue;
		case HSM_STOP_PENDING:
			atomic_store(&v->hsm, HSM_STOPPED);
			continue;
		case HSM_SUSPEND_PENDING:
			atomic_store(&v->hsm, HSM_SUSPENDED);
			continue;
		case HSM_SUSPENDED:
			/* Consumed here: re-checked just below; a later one
			 * kicks (and so wakes) us again. */
			atomic_fetch_and(&h->req, ~HART_REQ_IRQ);
			if (vcpu_resume_due(v)) {
				pthread_mutex_lock(&v->lock);
				if (v->suspend_nonret)
					sbi_enter_smode(h, v->start_addr, v->id, v->start_opaque);
				pthread_mutex_unlock(&v->lock);
				atomic_store(&v->hsm, HSM_STARTED);
				continue;
			}
			if (!(*deadline_ns = vcpu_wake_deadline(v)))
				continue;
			return SCHED_RUN_BLOCK;
		default:
			break;
		}
		atomic_store(&v->running, true);
		enum hart_exit e = hart_run(h, 0);
		atomic_store(&v->running, false);
		switch (e) {
		case HART_EXIT_WFI:
			/* Something arrived after hart_run looked: run on. */
			if (atomic_load(&h->req) & ~HART_REQ_EXIT)
				continue;
			if (!(*deadline_ns = vcpu_wake_deadline(v)))
				continue;
			return SCHED_RUN_BLOCK;
		case HART_EXIT_HALT:
			h->halt = false;	/* HSM or stop: handled above */
			break;
		case HART_EXIT_PAUSE:
			/* A spin-wait: let a waiting vCPU (the lock holder,
			 * perhaps) have this pCPU; with nothing waiting the
			 * holder already runs elsewhere, so spin on. */
			if (sched_unit_contended(u))
				return SCHED_RUN_YIELD;
			break;
		case HART_EXIT_DOUBLE_FAULT:
			log_error("machine", "hart %u: double fault at pc 0x%llx (cause %llu)",
				  v->id, (unsigned long long)h->last_trap_pc,
				  (unsigned long long)h->last_trap_cause);
			machine_stop(m, MACHINE_EXIT_CRASH);
			break;
		default:	/* STOP (preempted: checked above), BUDGET */
			break;
		}
	}
}

/* DOMUS_PROFILE=FILE: a debugging aid that samples every running hart's
 * pc every 100 us and writes "hart pc priv" lines to FILE (map them with
 * the kernel's System.map). The reads race with the vCPU threads on
 * purpose: a sample may be stale, never unsafe (aligned 64-bit loads). */
struct profiler {
	struct machine *m;
	FILE *f;
	pthread_t thread;
};

static void *profiler_thread(void *opaque)
{
	struct profiler *p = opaque;
	struct machine *m = p->m;
	struct timespec ts = { 0, 100000 };

	while (!atomic_load(&m->stopping)) {
		for (unsigned i = 0; i < m->nr_harts; i++) {
			struct vcpu *v = &m->vcpus[i];
			if (!atomic_load(&v->running))
				continue;
			uint64_t pc = __atomic_load_n(&v->hart.pc, __ATOMIC_RELAXED);
			unsigned prv = __atomic_load_n(&v->hart.priv, __ATOMIC_RELAXED);
			fprintf(p->f, "%u %llx %u\n", i, (unsigned long long)pc, prv);
		}
		nanosleep(&ts, NULL);
	}
	return NULL;
}

enum machine_exit machine_run(struct machine *m)
{
	enum machine_exit why;
	struct profiler prof = { .m = m };
	const char *pfile = getenv("DOMUS_PROFILE");

	if (pfile && (prof.f = fopen(pfile, "w")) != NULL &&
	    pthread_create(&prof.thread, NULL, profiler_thread, &prof) != 0) {
		fclose(prof.f);
		prof.f = NULL;
	}

	for (unsigned i = 0; i < m->nr_harts; i++)
		sched_unit_start(m->vcpus[i].unit);

	/* Housekeeping: RTC alarms and the panic grace period. */
	pthread_mutex_lock(&m->state_lock);
	while (!atomic_load(&m->stopping)) {
		uint64_t wait = IDLE_MAX_NS, alarm = rtc_next_alarm_ns(&m->rtc);
		uint64_t panic = atomic_load(&m->panic_seen_ns);
		if (alarm < wait)
			wait = alarm;
		if (panic) {
			uint64_t now = mono_ns();
			if (now - panic >= PANIC_GRACE_NS) {
				pthread_mutex_unlock(&m->state_lock);
				machine_stop(m, MACHINE_EXIT_CRASH);
				pthread_mutex_lock(&m->state_lock);
				continue;
			}
			if (PANIC_GRACE_NS - (now - panic) < wait)
				wait = PANIC_GRACE_NS - (now - panic);
		}
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		uint64_t t = (uint64_t)ts.tv_nsec + wait + 1000;
		ts.tv_sec += (time_t)(t / 1000000000ULL);
		ts.tv_nsec = (long)(t % 1000000000ULL);
		pthread_cond_timedwait(&m->state_cond, &m->state_lock, &ts);
		pthread_mutex_unlock(&m->state_lock);
		rtc_poll(&m->rtc);
		pthread_mutex_lock(&m->state_lock);
	}
	why = m->exit;
	pthread_mutex_unlock(&m->state_lock);

	for (unsigned i = 0; i < m->nr_harts; i++)
		sched_unit_join(m->vcpus[i].unit);
	if (prof.f) {
		pthread_join(prof.thread, NULL);
		fclose(prof.f);
	}
	return why;
}
