/*
 * Goldfish RTC ("google,goldfish-rtc"): nanoseconds since the Unix epoch
 * from the host's wall clock plus a guest-set offset, and a one-shot alarm.
 * The alarm is checked whenever the guest touches the device and by
 * rtc_poll() (the machine calls it from its housekeeping tick).
 */
#ifndef DOMUS_BOARD_RTC_H
#define DOMUS_BOARD_RTC_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "board/irq.h"
#include "cpu/bus.h"

#define RTC_MMIO_SIZE 0x1000

struct rtc {
	pthread_mutex_t lock;
	struct irq_line irq;
	int64_t offset_ns;	/* guest time - host time */
	uint32_t time_high_latch;
	uint32_t alarm_high_latch;
	uint64_t alarm_ns;
	bool alarm_armed;
	bool irq_enabled;
	bool irq_pending;
	/* Host clock (CLOCK_REALTIME ns); tests replace it. */
	uint64_t (*now)(void *opaque);
	void *now_opaque;
};

extern const struct mmio_ops rtc_mmio_ops;

int rtc_init(struct rtc *r, struct irq_line irq);
void rtc_destroy(struct rtc *r);
void rtc_poll(struct rtc *r);
/* Nanoseconds until the armed alarm fires (0 if due), or UINT64_MAX. */
uint64_t rtc_next_alarm_ns(struct rtc *r);

#endif
