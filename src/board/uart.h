/*
 * ns16550a UART (the virt board's UART0): 8 byte-wide registers
 * (reg-shift 0), a 16-byte-deep view of an RX FIFO, and the RX-data and
 * THR-empty interrupts. Transmission is instantaneous: THR bytes go
 * straight to the console backend. Loopback mode (MCR bit 4) is modelled
 * because 8250 drivers may probe with it. A host-side BREAK is a NUL
 * byte in the RX FIFO flagged so that LSR.BI is set while it is at the
 * head (as a 16550 reports a break), which Linux's 8250 driver turns
 * into the magic SysRq prefix.
 */
#ifndef DOMUS_BOARD_UART_H
#define DOMUS_BOARD_UART_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "board/console.h"
#include "board/irq.h"
#include "cpu/bus.h"

#define UART_MMIO_SIZE 0x100
#define UART_RX_BUF 4096
#define UART_CLOCK_HZ 3686400

struct uart {
	pthread_mutex_t lock;
	struct irq_line irq;
	struct console_backend out;
	uint8_t rx[UART_RX_BUF];
	uint8_t rx_brk[UART_RX_BUF / 8];	/* bit per slot: a BREAK */
	unsigned rx_head, rx_len;
	uint8_t ier, lcr, mcr, scr, dll, dlm, fcr;
	bool thr_ipending;	/* THR-empty interrupt pending */
	bool irq_level;
};

extern const struct mmio_ops uart_mmio_ops;

int uart_init(struct uart *u, struct irq_line irq, struct console_backend out);
void uart_destroy(struct uart *u);
/* Host input for the guest (any thread). Returns bytes accepted. */
size_t uart_rx_push(struct uart *u, const uint8_t *buf, size_t len);
/* A BREAK condition on the line (any thread). Returns 1 if queued. */
size_t uart_rx_break(struct uart *u);
/* Take one received byte without the guest seeing it through the UART
 * (SBI console_getchar / DBCN read share the input). -1 if none. */
int uart_rx_take(struct uart *u);

#endif
