/*
 * ns16550a register model. Register meanings follow the 16550 data sheet:
 * 0 RBR/THR (DLL when LCR.DLAB), 1 IER (DLM), 2 IIR/FCR, 3 LCR, 4 MCR,
 * 5 LSR, 6 MSR, 7 SCR.
 */
#include "board/uart.h"

#include <errno.h>
#include <string.h>

#define IER_RDI 0x01
#define IER_THRI 0x02
#define IER_RLSI 0x04
#define IER_MSI 0x08
#define IIR_NONE 0x01
#define IIR_THRI 0x02
#define IIR_RDI 0x04
#define IIR_FIFO 0xc0
#define FCR_ENABLE 0x01
#define FCR_CLEAR_RX 0x02
#define LCR_DLAB 0x80
#define MCR_LOOP 0x10
#define LSR_DR 0x01
#define LSR_BI 0x10
#define IIR_RLSI 0x06
#define LSR_THRE 0x20
#define LSR_TEMT 0x40

static bool slot_brk(const struct uart *u, unsigned i)
{
	return u->rx_brk[i / 8] & (1u << (i % 8));
}

static void slot_set_brk(struct uart *u, unsigned i, bool brk)
{
	if (brk)
		u->rx_brk[i / 8] |= (uint8_t)(1u << (i % 8));
	else
		u->rx_brk[i / 8] &= (uint8_t)~(1u << (i % 8));
}

/* The byte at the head of the FIFO came with a BREAK. */
static bool head_brk(const struct uart *u)
{
	return u->rx_len && slot_brk(u, u->rx_head);
}

static uint8_t uart_iir(const struct uart *u)
{
	uint8_t fifo = (u->fcr & FCR_ENABLE) ? IIR_FIFO : 0;

	if ((u->ier & IER_RLSI) && head_brk(u))
		return fifo | IIR_RLSI;
	if ((u->ier & IER_RDI) && u->rx_len)
		return fifo | IIR_RDI;
	if ((u->ier & IER_THRI) && u->thr_ipending)
		return fifo | IIR_THRI;
	return fifo | IIR_NONE;
}

static void uart_update(struct uart *u)
{
	bool level = !(uart_iir(u) & IIR_NONE);

	if (level != u->irq_level) {
		u->irq_level = level;
		irq_line_set(&u->irq, level);
	}
}

int uart_init(struct uart *u, struct irq_line irq, struct console_backend out)
{
	memset(u, 0, sizeof(*u));
	u->irq = irq;
	u->out = out;
	u->lcr = 0x03;
	return -pthread_mutex_init(&u->lock, NULL);
}

void uart_destroy(struct uart *u)
{
	pthread_mutex_destroy(&u->lock);
}

static size_t rx_push_locked(struct uart *u, const uint8_t *buf, size_t len)
{
	size_t n = 0;

	while (n < len && u->rx_len < UART_RX_BUF) {
		unsigned i = (u->rx_head + u->rx_len) % UART_RX_BUF;
		u->rx[i] = buf[n++];
		slot_set_brk(u, i, false);
		u->rx_len++;
	}
	return n;
}

size_t uart_rx_break(struct uart *u)
{
	static const uint8_t nul = 0;
	size_t n;

	pthread_mutex_lock(&u->lock);
	n = rx_push_locked(u, &nul, 1);
	if (n)
		slot_set_brk(u, (u->rx_head + u->rx_len - 1) % UART_RX_BUF, true);
	uart_update(u);
	pthread_mutex_unlock(&u->lock);
	return n;
}

static int rx_pop_locked(struct uart *u)
{
	int c;

	if (!u->rx_len)
		return -1;
	c = u->rx[u->rx_head];
	u->rx_head = (u->rx_head + 1) % UART_RX_BUF;
	u->rx_len--;
	return c;
}

size_t uart_rx_push(struct uart *u, const uint8_t *buf, size_t len)
{
	size_t n;

	pthread_mutex_lock(&u->lock);
	n = rx_push_locked(u, buf, len);
	uart_update(u);
	pthread_mutex_unlock(&u->lock);
	return n;
}

int uart_rx_take(struct uart *u)
{
	int c;

	pthread_mutex_lock(&u->lock);
	c = rx_pop_locked(u);
	uart_update(u);
	pthread_mutex_unlock(&u->lock);
	return c;
}

static int uart_read(void *opaque, uint64_t off, unsigned size, uint64_t *val)
{
	struct uart *u = opaque;
	uint8_t v = 0;

	if (size != 1 || off > 7) {
		*val = 0;	/* wider or out-of-range accesses read as zero */
		return 0;
	}
	pthread_mutex_lock(&u->lock);
	switch (off) {
	case 0:
		if (u->lcr & LCR_DLAB) {
			v = u->dll;
		} else {
			int c = rx_pop_locked(u);
			v = c < 0 ? 0 : (uint8_t)c;
		}
		break;
	case 1:
		v = (u->lcr & LCR_DLAB) ? u->dlm : u->ier;
		break;
	case 2:
		v = uart_iir(u);
		/* Reading IIR while it reports THR empty clears that source. */
		if ((v & 0x0f) == IIR_THRI)
			u->thr_ipending = false;
		break;
	case 3:
		v = u->lcr;
		break;
	case 4:
		v = u->mcr;
		break;
	case 5:
		v = LSR_THRE | LSR_TEMT | (u->rx_len ? LSR_DR : 0) | (head_brk(u) ? LSR_BI : 0);
		break;
	case 6:
		if (u->mcr & MCR_LOOP) {
			/* DTR->DSR, RTS->CTS, OUT1->RI, OUT2->DCD */
			v = (uint8_t)(((u->mcr & 0x01) << 5) | ((u->mcr & 0x02) << 3) |
				      ((u->mcr & 0x04) << 4) | ((u->mcr & 0x08) << 4));
		} else {
			v = 0xb0;	/* DCD, DSR, CTS */
		}
		break;
	case 7:
		v = u->scr;
		break;
	}
	uart_update(u);
	pthread_mutex_unlock(&u->lock);
	*val = v;
	return 0;
}

static int uart_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	struct uart *u = opaque;
	uint8_t v = (uint8_t)val;
	bool out = false;

	if (size != 1 || off > 7)
		return 0;
	pthread_mutex_lock(&u->lock);
	switch (off) {
	case 0:
		if (u->lcr & LCR_DLAB) {
			u->dll = v;
		} else {
			if (u->mcr & MCR_LOOP)
				rx_push_locked(u, &v, 1);
			else
				out = true;
			/* Sent at once: THR is empty again. */
			u->thr_ipending = true;
		}
		break;
	case 1:
		if (u->lcr & LCR_DLAB) {
			u->dlm = v;
		} else {
			/* Enabling THRI while THR is empty raises it. */
			if ((v & IER_THRI) && !(u->ier & IER_THRI))
				u->thr_ipending = true;
			u->ier = v & 0x0f;
		}
		break;
	case 2:
		u->fcr = v & 0xc9;
		if (v & FCR_CLEAR_RX)
			u->rx_len = 0;	/* stale break bits are reset on push */
		break;
	case 3:
		u->lcr = v;
		break;
	case 4:
		u->mcr = v & 0x1f;
		break;
	case 7:
		u->scr = v;
		break;
	default:
		break;		/* LSR/MSR are read-only */
	}
	uart_update(u);
	pthread_mutex_unlock(&u->lock);
	/* Output outside the lock so a slow terminal does not hold up RX. */
	if (out && u->out.write)
		u->out.write(u->out.opaque, &v, 1);
	return 0;
}

const struct mmio_ops uart_mmio_ops = {
	.name = "uart",
	.read = uart_read,
	.write = uart_write,
};
