/*
 * Unit tests of the board devices through their MMIO ops: PLIC (priority,
 * threshold, claim/complete, gateway, contexts), ns16550a UART (registers,
 * RX/THRE interrupts, loopback), goldfish RTC and the syscon finisher.
 */
#include <stdlib.h>
#include <string.h>

#include "board/plic.h"
#include "board/rtc.h"
#include "board/syscon.h"
#include "board/uart.h"
#include "tap.h"

static bool ctx_out[PLIC_MAX_CTX];
static int ctx_changes;

static void plic_notify(void *opaque, unsigned ctx, bool level)
{
	ctx_out[ctx] = level;
	ctx_changes++;
}

static uint32_t rd(const struct mmio_ops *ops, void *o, uint64_t off, unsigned size)
{
	uint64_t v = 0xdead;
	if (ops->read(o, off, size, &v) != 0)
		return 0xffffffffu;
	return (uint32_t)v;
}

static void wr(const struct mmio_ops *ops, void *o, uint64_t off, unsigned size, uint64_t v)
{
	ops->write(o, off, size, v);
}

#define PR(p, off) rd(&plic_mmio_ops, p, off, 4)
#define PW(p, off, v) wr(&plic_mmio_ops, p, off, 4, v)
#define CLAIM(c) (PLIC_CONTEXT_BASE + PLIC_CONTEXT_STRIDE * (c) + 4)
#define THRESH(c) (PLIC_CONTEXT_BASE + PLIC_CONTEXT_STRIDE * (c))
#define ENABLE(c, w) (PLIC_ENABLE_BASE + PLIC_ENABLE_STRIDE * (c) + 4 * (w))

static void test_plic(void)
{
	struct plic *p = calloc(1, sizeof(*p));

	CHECK(plic_init(p, 4, plic_notify, NULL) == 0, "plic: init 4 contexts");
	CHECK(plic_init(p, 0, plic_notify, NULL) < 0, "plic: 0 contexts refused");
	plic_init(p, 4, plic_notify, NULL);

	PW(p, 4 * 10, 0xff);
	CHECK(PR(p, 4 * 10) == 7, "plic: priority is 3 bits (0xff -> 7)");
	PW(p, 0, 5);
	CHECK(PR(p, 0) == 0, "plic: source 0 priority hard-wired to 0");

	plic_set_irq(p, 10, 1);
	CHECK(PR(p, PLIC_PENDING_BASE) == (1u << 10), "plic: level raises pending bit");
	CHECK(!ctx_out[1], "plic: not enabled -> no context output");
	PW(p, ENABLE(1, 0), 1u << 10 | 1u);
	CHECK(PR(p, ENABLE(1, 0)) == 1u << 10, "plic: enable bit 0 (source 0) reads 0");
	CHECK(ctx_out[1] && !ctx_out[0], "plic: enabled in ctx1 -> ctx1 output only");
	PW(p, THRESH(1), 7);
	CHECK(!ctx_out[1], "plic: threshold 7 masks priority 7");
	PW(p, THRESH(1), 6);
	CHECK(ctx_out[1], "plic: threshold 6 lets priority 7 through");

	/* Second source, lower priority: claim order by priority, then id. */
	PW(p, 4 * 40, 3);
	PW(p, ENABLE(1, 1), 1u << 8);
	PW(p, THRESH(1), 0);
	plic_set_irq(p, 40, 1);
	CHECK(PR(p, CLAIM(1)) == 10, "plic: claim returns highest priority (10)");
	CHECK(PR(p, PLIC_PENDING_BASE) == 0, "plic: claim clears pending");
	CHECK(PR(p, CLAIM(1)) == 40, "plic: next claim returns 40");
	CHECK(PR(p, CLAIM(1)) == 0, "plic: nothing left -> claim 0");
	CHECK(!ctx_out[1], "plic: output drops when all claimed");
	/* Level still high: completion re-pends. */
	PW(p, CLAIM(1), 10);
	CHECK(ctx_out[1] && (PR(p, PLIC_PENDING_BASE) >> 10 & 1), "plic: complete with level high re-pends");
	plic_set_irq(p, 10, 0);
	CHECK(!(PR(p, PLIC_PENDING_BASE) >> 10 & 1) && !ctx_out[1],
	      "plic: level drop withdraws unclaimed request");
	/* Source 40 is in service: new edges do not pend until complete. */
	plic_set_irq(p, 40, 0);
	plic_set_irq(p, 40, 1);
	CHECK(PR(p, PLIC_PENDING_BASE + 4) == 0, "plic: in-service source not re-pended");
	PW(p, CLAIM(2), 40);
	CHECK(PR(p, PLIC_PENDING_BASE + 4) == 0, "plic: complete from a context without enable ignored");
	PW(p, CLAIM(1), 40);
	CHECK(PR(p, PLIC_PENDING_BASE + 4) == 1u << 8, "plic: complete re-pends level source");

	/* Equal priority: lowest id wins. */
	PW(p, 4 * 41, 3);
	PW(p, ENABLE(1, 1), 3u << 8);
	plic_set_irq(p, 41, 1);
	CHECK(PR(p, CLAIM(1)) == 40, "plic: equal priority -> lowest id first");
	CHECK(PR(p, CLAIM(1)) == 41, "plic: then 41");

	/* Out-of-range ids and contexts are harmless. */
	plic_set_irq(p, 0, 1);
	plic_set_irq(p, 5000, 1);
	PW(p, CLAIM(3), 5000);
	CHECK(PR(p, CLAIM(200)) == 0, "plic: claim on missing context reads 0");
	CHECK(PR(p, 0x1000 + 4 * 32) == 0, "plic: reserved offset reads 0");
	CHECK(rd(&plic_mmio_ops, p, 0, 1) == 0xffffffffu, "plic: byte access faults");
	struct irq_line l = plic_irq_line(p, 33);
	PW(p, 4 * 33, 1);
	PW(p, ENABLE(0, 1), 1u << 1);
	irq_line_set(&l, 1);
	CHECK(ctx_out[0], "plic: irq_line drives source 33 to ctx0");
	CHECK(plic_context_level(p, 0) && !plic_context_level(p, 3) && !plic_context_level(p, 999),
	      "plic: context_level reports outputs");
	plic_destroy(p);
	free(p);
}

struct outbuf { char buf[256]; size_t len; };
static void out_write(void *opaque, const uint8_t *b, size_t n)
{
	struct outbuf *o = opaque;
	for (size_t i = 0; i < n && o->len < sizeof(o->buf) - 1; i++)
		o->buf[o->len++] = (char)b[i];
}

static int irq_level[16];
static void rec_irq(void *opaque, unsigned irq, int level) { irq_level[irq] = level; }

#define UR(u, off) rd(&uart_mmio_ops, u, off, 1)
#define UW(u, off, v) wr(&uart_mmio_ops, u, off, 1, v)

static void test_uart(void)
{
	struct uart u;
	struct outbuf o = {0};
	struct irq_line l = { rec_irq, NULL, 10 };

	uart_init(&u, l, (struct console_backend){ out_write, &o });
	CHECK(UR(&u, 5) == 0x60, "uart: LSR idle = THRE|TEMT");
	CHECK((UR(&u, 2) & 0x0f) == 1, "uart: IIR no interrupt");
	UW(&u, 0, 'h');
	UW(&u, 0, 'i');
	CHECK(o.len == 2 && !memcmp(o.buf, "hi", 2), "uart: THR bytes reach the backend");
	UW(&u, 3, 0x83);
	UW(&u, 0, 0x12);
	UW(&u, 1, 0x34);
	CHECK(UR(&u, 0) == 0x12 && UR(&u, 1) == 0x34 && o.len == 2, "uart: DLAB selects divisor latches");
	UW(&u, 3, 0x03);
	CHECK(UR(&u, 1) == 0, "uart: IER back after DLAB cleared");
	UW(&u, 7, 0xa5);
	CHECK(UR(&u, 7) == 0xa5, "uart: scratch register");

	UW(&u, 2, 0x07);
	UW(&u, 1, 0x01);
	CHECK(!irq_level[10], "uart: RX interrupt enabled, no data, line low");
	uart_rx_push(&u, (const uint8_t *)"ab", 2);
	CHECK(irq_level[10] && (UR(&u, 2) & 0x0f) == 4, "uart: RX data raises line, IIR=RDA");
	CHECK((UR(&u, 2) & 0xc0) == 0xc0, "uart: IIR shows FIFOs enabled");
	CHECK(UR(&u, 5) & 1, "uart: LSR.DR set");
	CHECK(UR(&u, 0) == 'a' && UR(&u, 0) == 'b', "uart: RBR returns bytes in order");
	CHECK(!irq_level[10] && !(UR(&u, 5) & 1), "uart: drained -> line low, DR clear");

	UW(&u, 1, 0x03);
	CHECK(irq_level[10] && (UR(&u, 2) & 0x0f) == 2, "uart: enabling THRI raises THRE interrupt");
	CHECK(!irq_level[10] && (UR(&u, 2) & 0x0f) == 1, "uart: reading IIR clears THRE interrupt");
	UW(&u, 0, 'x');
	CHECK(irq_level[10], "uart: THR write re-arms THRE interrupt");
	UW(&u, 1, 0x01);
	CHECK(!irq_level[10], "uart: disabling THRI drops line");

	UW(&u, 4, 0x10 | 0x03);
	CHECK((UR(&u, 6) & 0xf0) == 0x30, "uart: loopback MSR mirrors DTR/RTS");
	UW(&u, 0, 'L');
	CHECK(o.len == 3 && UR(&u, 0) == 'L', "uart: loopback THR -> RBR, not output");
	UW(&u, 4, 0);
	uart_rx_push(&u, (const uint8_t *)"z", 1);
	CHECK(uart_rx_take(&u) == 'z' && uart_rx_take(&u) == -1, "uart: rx_take shares input");
	CHECK(rd(&uart_mmio_ops, &u, 0, 4) == 0 && rd(&uart_mmio_ops, &u, 0x50, 1) == 0,
	      "uart: wide/out-of-range reads are 0");
	uart_destroy(&u);
}

static uint64_t fake_now_ns;
static uint64_t fake_now(void *o) { return fake_now_ns; }

static void test_rtc(void)
{
	struct rtc r;
	struct irq_line l = { rec_irq, NULL, 11 };

	rtc_init(&r, l);
	CHECK(rd(&rtc_mmio_ops, &r, 0, 4) != 0, "rtc: host clock nonzero");
	r.now = fake_now;
	fake_now_ns = 0x123456789abcdefULL;
	uint32_t lo = rd(&rtc_mmio_ops, &r, 0, 4), hi = rd(&rtc_mmio_ops, &r, 4, 4);
	CHECK((((uint64_t)hi << 32) | lo) == fake_now_ns, "rtc: TIME_LOW latches TIME_HIGH");
	wr(&rtc_mmio_ops, &r, 4, 4, 0x2);
	wr(&rtc_mmio_ops, &r, 0, 4, 0x0);
	lo = rd(&rtc_mmio_ops, &r, 0, 4); hi = rd(&rtc_mmio_ops, &r, 4, 4);
	CHECK((((uint64_t)hi << 32) | lo) == 0x200000000ULL, "rtc: guest can set the time");
	wr(&rtc_mmio_ops, &r, 0x10, 4, 1);
	wr(&rtc_mmio_ops, &r, 0x0c, 4, 0x2);
	wr(&rtc_mmio_ops, &r, 0x08, 4, 1000);
	CHECK(rd(&rtc_mmio_ops, &r, 0x18, 4) == 1 && !irq_level[11], "rtc: alarm armed, not yet due");
	CHECK(rtc_next_alarm_ns(&r) == 1000, "rtc: next alarm in 1000 ns");
	fake_now_ns += 1000;
	rtc_poll(&r);
	CHECK(irq_level[11] && rd(&rtc_mmio_ops, &r, 0x18, 4) == 0, "rtc: alarm fires");
	wr(&rtc_mmio_ops, &r, 0x1c, 4, 1);
	CHECK(!irq_level[11], "rtc: CLEAR_INTERRUPT drops line");
	rtc_destroy(&r);
}

static int last_ev = -1;
static uint32_t last_code;
static void ev(void *o, enum board_event e, uint32_t code) { last_ev = (int)e; last_code = code; }

static void test_syscon(void)
{
	struct syscon s = { ev, NULL };

	wr(&syscon_mmio_ops, &s, 0, 4, 0x1234);
	CHECK(last_ev == -1, "syscon: other values ignored");
	wr(&syscon_mmio_ops, &s, 0, 4, 0x5555);
	CHECK(last_ev == BOARD_EV_POWEROFF, "syscon: 0x5555 powers off");
	wr(&syscon_mmio_ops, &s, 0, 4, 0x7777);
	CHECK(last_ev == BOARD_EV_REBOOT, "syscon: 0x7777 reboots");
	wr(&syscon_mmio_ops, &s, 0, 4, (3u << 16) | 0x3333);
	CHECK(last_ev == BOARD_EV_CRASH && last_code == 3, "syscon: 0x3333 fails with code");
}

int main(void)
{
	test_plic();
	test_uart();
	test_rtc();
	test_syscon();
	return tap_failed;
}
