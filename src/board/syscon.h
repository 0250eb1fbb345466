/*
 * The virt board's system controller ("sifive,test0"-style finisher used
 * through syscon-poweroff / syscon-reboot): one 32-bit register at offset 0.
 * 0x5555 = power off, 0x7777 = reset, (code << 16) | 0x3333 = fail with
 * code (reported as a crash).
 */
#ifndef DOMUS_BOARD_SYSCON_H
#define DOMUS_BOARD_SYSCON_H

#include <stdint.h>

#include "cpu/bus.h"

#define SYSCON_MMIO_SIZE 0x1000
#define SYSCON_POWEROFF 0x5555
#define SYSCON_REBOOT 0x7777
#define SYSCON_FAIL 0x3333

/* What ends or restarts a machine. */
enum board_event {
	BOARD_EV_POWEROFF,
	BOARD_EV_REBOOT,
	BOARD_EV_CRASH,
};

struct syscon {
	void (*event)(void *opaque, enum board_event ev, uint32_t code);
	void *opaque;
};

extern const struct mmio_ops syscon_mmio_ops;

#endif
