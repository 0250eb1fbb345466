/*
 * One virt-board machine: guest RAM and the bus, 1..64 harts each on its
 * own host thread, the CLINT, PLIC, UART0, RTC, syscon and up to 8
 * virtio-mmio slots, the device tree, and the boot (paravirtual: Domus is
 * the SBI firmware and the kernel starts in S-mode; or firmware: an M-mode
 * image such as OpenSBI runs first). No global state: a process may hold
 * many machines.
 *
 * Life cycle: machine_create -> machine_add_virtio* -> machine_load ->
 * machine_run (blocks until power-off/reset/crash/stop) -> machine_destroy.
 */
#ifndef DOMUS_BOARD_MACHINE_H
#define DOMUS_BOARD_MACHINE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "board/console.h"
#include "board/layout.h"
#include "board/plic.h"
#include "board/rtc.h"
#include "board/syscon.h"
#include "board/uart.h"
#include "cpu/bus.h"
#include "cpu/hart.h"

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
};

struct vcpu {
	struct hart hart;
	struct machine *m;
	unsigned id;
	pthread_t thread;
	bool thread_started;
	_Atomic int hsm;		/* HSM_* */
	_Atomic bool running;		/* inside hart_run (may hold stale TLB) */
	/* hart_start / non-retentive suspend parameters, under lock. */
	pthread_mutex_t lock;
	pthread_cond_t cond;
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
	struct console_backend console;
	uint64_t time_base_ns;		/* CLOCK_MONOTONIC at creation */

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
};

int machine_create(const struct machine_config *cfg, struct machine **out);
void machine_destroy(struct machine *m);
/* Puts dev into the next free virtio-mmio slot (the machine owns it from
 * then on, also on failure). Before machine_load. */
int machine_add_virtio(struct machine *m, struct virtio_dev *dev);
/* Loads the images, builds the device tree, sets up the boot hart(s). */
int machine_load(struct machine *m, const struct machine_config *cfg);
/* Writes the device tree blob (after machine_load). */
int machine_dump_dtb(struct machine *m, const char *path);
/* Runs the vCPU threads until the machine stops; returns why. */
enum machine_exit machine_run(struct machine *m);
/* Any thread: end the machine (first reason wins). */
void machine_stop(struct machine *m, enum machine_exit why);
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
