/*
 * Goldfish RTC registers (32-bit): 0x00 TIME_LOW (reading it latches
 * TIME_HIGH), 0x04 TIME_HIGH, 0x08 ALARM_LOW (writing it arms the alarm
 * with the previously written ALARM_HIGH), 0x0c ALARM_HIGH, 0x10
 * IRQ_ENABLED, 0x14 CLEAR_ALARM, 0x18 ALARM_STATUS, 0x1c CLEAR_INTERRUPT.
 * Writing TIME_LOW sets the clock (TIME_HIGH written first).
 */
#include "board/rtc.h"

#include <errno.h>
#include <string.h>
#include <time.h>

static uint64_t rtc_host_now(void *opaque)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static uint64_t rtc_time(struct rtc *r)
{
	return r->now(r->now_opaque) + (uint64_t)r->offset_ns;
}

static void rtc_check(struct rtc *r)
{
	if (r->alarm_armed && rtc_time(r) >= r->alarm_ns) {
		r->alarm_armed = false;
		r->irq_pending = true;
	}
	irq_line_set(&r->irq, r->irq_pending && r->irq_enabled);
}

int rtc_init(struct rtc *r, struct irq_line irq)
{
	memset(r, 0, sizeof(*r));
	r->irq = irq;
	r->now = rtc_host_now;
	return -pthread_mutex_init(&r->lock, NULL);
}

void rtc_destroy(struct rtc *r)
{
	pthread_mutex_destroy(&r->lock);
}

void rtc_poll(struct rtc *r)
{
	pthread_mutex_lock(&r->lock);
	if (r->alarm_armed)
		rtc_check(r);
	pthread_mutex_unlock(&r->lock);
}

uint64_t rtc_next_alarm_ns(struct rtc *r)
{
	uint64_t t, now;

	pthread_mutex_lock(&r->lock);
	now = rtc_time(r);
	t = !r->alarm_armed ? UINT64_MAX : r->alarm_ns > now ? r->alarm_ns - now : 0;
	pthread_mutex_unlock(&r->lock);
	return t;
}

static int rtc_read(void *opaque, uint64_t off, unsigned size, uint64_t *val)
{
	struct rtc *r = opaque;
	uint64_t v = 0, t;

	if (size != 4) {
		*val = 0;
		return 0;
	}
	pthread_mutex_lock(&r->lock);
	switch (off) {
	case 0x00:
		t = rtc_time(r);
		r->time_high_latch = (uint32_t)(t >> 32);
		v = (uint32_t)t;
		break;
	case 0x04:
		v = r->time_high_latch;
		break;
	case 0x08:
		v = (uint32_t)r->alarm_ns;
		break;
	case 0x0c:
		v = (uint32_t)(r->alarm_ns >> 32);
		break;
	case 0x10:
		v = r->irq_enabled;
		break;
	case 0x18:
		v = r->alarm_armed;
		break;
	}
	rtc_check(r);
	pthread_mutex_unlock(&r->lock);
	*val = v;
	return 0;
}

static int rtc_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	struct rtc *r = opaque;
	uint32_t v = (uint32_t)val;

	if (size != 4)
		return 0;
	pthread_mutex_lock(&r->lock);
	switch (off) {
	case 0x00: {
		uint64_t want = ((uint64_t)r->time_high_latch << 32) | v;
		r->offset_ns = (int64_t)(want - r->now(r->now_opaque));
		break;
	}
	case 0x04:
		r->time_high_latch = v;
		break;
	case 0x08:
		r->alarm_ns = ((uint64_t)r->alarm_high_latch << 32) | v;
		r->alarm_armed = true;
		break;
	case 0x0c:
		r->alarm_high_latch = v;
		break;
	case 0x10:
		r->irq_enabled = v & 1;
		break;
	case 0x14:
		r->alarm_armed = false;
		break;
	case 0x1c:
		r->irq_pending = false;
		break;
	}
	rtc_check(r);
	pthread_mutex_unlock(&r->lock);
	return 0;
}

const struct mmio_ops rtc_mmio_ops = {
	.name = "goldfish-rtc",
	.read = rtc_read,
	.write = rtc_write,
};
