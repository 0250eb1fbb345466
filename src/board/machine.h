/*
 * One virt-board machine: guest RAM and the bus, 1..64 harts run as
 * scheduling units on a pool of pCPU threads (src/hv/sched.h), the CLINT,
 * PLIC, UART0, RTC, syscon and up to 8 virtio-mmio slots, the device
 * tree, and the boot (paravirtual: Domus is the SBI firmware and the
 * kernel starts in S-mode; or firmware: an M-mode image such as OpenSBI
 * runs first). No global state: a process may hold many machines, on one
 * shared pool or each on its own.
 *
 * Life cycle: machine_create -> machine_add_virtio* -> machine_load ->
 * machine_run (blocks until power-off/reset/crash/stop) -> machine_destroy.
 * machine_pause/machine_unpause (any other thread, any time between
 * create and destroy) park every vCPU and freeze guest time.
 */
#ifndef DOMUS_BOARD_MACHINE_H
#define DOMUS_BOARD_MACHINE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "board/console.h"
#include "board/layout.h"
#include "board/plic.h"
#include "board/rtc.h"
#include "board/syscon.h"
#include "board/uart.h"
#include "cpu/bus.h"
#include "cpu/hart.h"
#include "hv/sched.h"

/* mip/mie bits (privileged spec); cpu/hart.h may already define them. */
#ifndef MIP_SSIP
#define MIP_SSIP (1ULL << 1)
#define MIP_MSIP (1ULL << 3)
#define MIP_STIP (1ULL << 5)
#define MIP_MTIP (1ULL << 7)
#define MIP_SEIP (1ULL << 9)
#define MIP_MEIP (1ULL << 11)
#endif

struct clint;
struct virtio_dev;
struct virtio_mmio;

/* Why machine_run returned; also domus-run's exit status. */
enum machine_exit {
	MACHINE_EXIT_POWEROFF = 0,	/* SRST shutdown, syscon 0x5555 */
	MACHINE_EXIT_ERROR = 1,		/* host-side failure */
	MACHINE_EXIT_REBOOT = 2,	/* SRST reboot, syscon 0x7777 */
	MACHINE_EXIT_CRASH = 3,		/* panic, double fault, SRST/syscon failure */
	MACHINE_EXIT_QUIT = 4,		/* Ctrl-a x, or machine_stop() */
};

/* SBI HSM states (SBI v2.0 chapter 9). */
enum {
	HSM_STARTED = 0, HSM_STOPPED = 1, HSM_START_PENDING = 2,
	HSM_STOP_PENDING = 3, HSM_SUSPENDED = 4, HSM_SUSPEND_PENDING = 5,
	HSM_RESUME_PENDING = 6,
};

struct machine_config {
	uint64_t ram_size;		/* bytes, multiple of 4 KiB */
	unsigned nr_harts;		/* 1..64 */
	const char *kernel;		/* Image, or raw S-mode payload (u-boot.bin) */
	const char *initrd;
	const char *append;		/* kernel command line */
	const char *bios;		/* M-mode firmware (OpenSBI fw_jump/fw_dynamic) */
	bool detect_panic;		/* console "Kernel panic - not syncing" -> crash */
	struct console_backend console;
	/* Scheduler (src/hv/sched.h): the pool the vCPUs run on, or NULL
	 * for a private pool of sched_host_cpus() pCPUs. Initial credit
	 * parameters: weight (0 = 256), cap (percent of a pCPU, 0 = none),
	 * hard affinity of every vCPU (pCPU bitmask, 0 = all). */
	struct sched *sched;
	unsigned sched_weight, sched_cap;
	uint64_t affinity;
};

struct vcpu {
	struct hart hart;
	struct machine *m;
	unsigned id;
	struct sched_unit *unit;	/* runs this vCPU on the machine's pool */
	/* The pCPU thread inside vcpu_run, valid while in_run: its own
	 * kicks (an ecall touching its mip) need no scheduler wake. */
	pthread_t runner;
	_Atomic bool in_run;
	_Atomic int hsm;		/* HSM_* */
	_Atomic bool running;		/* inside hart_run (may hold stale TLB) */
	/* hart_start / non-retentive suspend parameters, under lock. */
	pthread_mutex_t lock;
	uint64_t start_addr, start_opaque;
	bool suspend_nonret;
};

struct machine {
	struct bus bus;
	unsigned nr_harts;
	struct vcpu *vcpus;
	bool paravirt;
	struct clint *clint;
	struct plic plic;
	struct uart uart;
	struct rtc rtc;
	struct syscon syscon;
	struct virtio_mmio *virtio[VIRT_VIRTIO_SLOTS];
	uint32_t virtio_slots;
	struct virtio_dev *balloon;	/* owned by its virtio slot; or NULL */
	struct virtio_dev *input;	/* power/restart buttons; or NULL */
	struct console_backend console;
	/* Guest time: mtime = (now - time_base_ns) / tick, where now is
	 * CLOCK_MONOTONIC, or frozen_ns while paused. Unpause moves the base
	 * forward by the paused duration, so mtime continues where it stopped. */
	_Atomic uint64_t time_base_ns;
	_Atomic uint64_t frozen_ns;	/* 0: time runs */
	_Atomic unsigned time_seq;	/* odd while the two change */

	/* Scheduling: the pool (own_sched if the machine made it) and this
	 * machine's domain on it. */
	struct sched *sched, *own_sched;
	struct sched_dom *sdom;

	/* Boot layout, filled by machine_load. */
	void *fdt;
	int fdt_size;
	uint64_t fdt_addr, kernel_addr, kernel_end, initrd_start, initrd_end;
	uint64_t fw_info_addr;
	char *bootargs;
	bool detect_panic;
	_Atomic unsigned panic_match;	/* bytes of the panic marker matched */

	/* Stop: set once, under state_lock. */
	pthread_mutex_t state_lock;
	pthread_cond_t state_cond;
	_Atomic bool stopping;
	enum machine_exit exit;
	_Atomic uint64_t panic_seen_ns;	/* 0, or when the marker was printed */

	/* Pause (count under state_lock): a count, as Xen's domain pause.
	 * pause_lock orders whole pause/unpause calls, so the scheduler's
	 * pause flag follows the count. */
	pthread_mutex_t pause_lock;
	unsigned pause_count;
	_Atomic bool pause_req;		/* pause_count > 0 */
	uint64_t paused_total_ns;	/* over the machine's life */
};

int machine_create(const struct machine_config *cfg, struct machine **out);
void machine_destroy(struct machine *m);
/* Puts dev into the next free virtio-mmio slot (the machine owns it from
 * then on, also on failure). Before machine_load. */
int machine_add_virtio(struct machine *m, struct virtio_dev *dev);
/* Adds the virtio-balloon (once) and sets its initial target: the guest
 * gives back `bytes` of its RAM as soon as its driver is up (pre-ballooned
 * start). Before machine_load. */
int machine_add_balloon(struct machine *m, uint64_t bytes);
/* Toolstack: ask the guest to hold `bytes` (rounded down to 4 KiB pages,
 * capped at the RAM size) in the balloon. -ENODEV without a balloon. Any
 * thread. */
int machine_balloon_set(struct machine *m, uint64_t bytes);
/* Bytes the guest driver reports as ballooned ("actual"); 0 without one. */
uint64_t machine_balloon_actual(const struct machine *m);
/* Bytes of guest RAM the balloon device has returned to the host. */
uint64_t machine_balloon_held(const struct machine *m);
/* The machine's buttons: a virtio-input device that machine_load() adds to
 * every machine (in the first free virtio slot, after the caller's
 * devices). Pressing one sends the key (KEY_POWER / KEY_RESTART) to the
 * guest, which decides what to do (busybox acpid, systemd-logind: clean
 * power-off / reboot). Presses before the guest driver is up are held
 * (bounded). 0, -ENODEV (no free slot was left for the device) or -ENOSPC
 * (the guest is not reading its events). Any thread. */
enum machine_button {
	MACHINE_BUTTON_POWER,
	MACHINE_BUTTON_RESTART,
};
int machine_press_button(struct machine *m, enum machine_button b);
/* Loads the images, builds the device tree, sets up the boot hart(s). */
int machine_load(struct machine *m, const struct machine_config *cfg);
/* Writes the device tree blob (after machine_load). */
int machine_dump_dtb(struct machine *m, const char *path);
/* Starts the vCPUs on the pool and waits until the machine stops and
 * none of its vCPUs runs any more; returns why. */
enum machine_exit machine_run(struct machine *m);
/* Any thread: end the machine (first reason wins). */
void machine_stop(struct machine *m, enum machine_exit why);
/* Pause: counted (each machine_pause needs its machine_unpause). On the
 * first pause every vCPU leaves its pCPU and is queued nowhere (state 'p');
 * machine_pause returns once none is on a pCPU (or the machine is
 * stopping), so a paused machine runs no guest instruction and uses no
 * CPU. Guest time (mtime, and so every timer deadline) stands still while
 * paused. Devices may still complete I/O into RAM. Works before
 * machine_run too (the vCPUs then wait before their first instruction).
 * machine_stop ends a paused machine. Any thread but the pool's pCPU
 * threads running this machine's vCPUs. */
void machine_pause(struct machine *m);
/* Returns -EINVAL if the machine was not paused. */
int machine_unpause(struct machine *m);
bool machine_is_paused(struct machine *m);
/* Total time spent paused (ns), including a pause in progress. */
uint64_t machine_paused_ns(struct machine *m);
/* Host CPU time all vCPUs have used so far (the pCPU threads' CPU time
 * while they ran them), in ns. Any thread. */
uint64_t machine_cpu_ns(struct machine *m);
/* The machine's scheduler domain (weight/cap, sched_dom_*) and vCPU i's
 * unit (affinity, sched_unit_get_info), NULL if vcpu >= nr_harts. Valid
 * from machine_create to machine_destroy. */
struct sched_dom *machine_sched_dom(struct machine *m);
struct sched_unit *machine_vcpu_unit(struct machine *m, unsigned vcpu);
/* Serial BREAK followed by key on UART0 (Linux 8250: magic SysRq). */
void machine_sysrq(struct machine *m, char key);
/* Host console input for the guest (UART RX). Any thread. */
void machine_console_input(struct machine *m, const uint8_t *buf, size_t len);
/* Guest console output (UART, SBI): to the backend + panic detection. */
void machine_console_output(struct machine *m, const uint8_t *buf, size_t len);
/* mtime (timebase ticks since machine creation). */
uint64_t machine_read_time(void *machine);

/* sbi.c: the paravirtual firmware (struct hart_env.ecall; opaque = vcpu). */
bool sbi_ecall(struct hart *h, void *opaque);
/* Set up a hart to enter S-mode at pc with a0/a1 as SBI requires. */
void sbi_enter_smode(struct hart *h, uint64_t pc, uint64_t a0, uint64_t a1);

#endif
