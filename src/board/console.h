/*
 * Console backends: where a guest's serial console goes. A backend is a
 * struct of callbacks, so the same UART/SBI console code can talk to the
 * caller's stdio (domus-run), a pty or a socket (xend, later) or a buffer
 * (tests). Input flows the other way: the backend's owner pushes bytes into
 * the machine with machine_console_input().
 */
#ifndef DOMUS_BOARD_CONSOLE_H
#define DOMUS_BOARD_CONSOLE_H

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct console_backend {
	/* Guest output. Any vCPU thread; must not block for long. */
	void (*write)(void *opaque, const uint8_t *buf, size_t len);
	void *opaque;
};

/* The stdio console of domus-run: raw terminal mode (restored by
 * console_stdio_stop), a reader thread that forwards input through
 * input(), and Ctrl-a x which calls quit() (also on a pipe). Ctrl-a Ctrl-a
 * sends Ctrl-a. SIGTERM/SIGHUP/SIGINT call quit() too: start the console
 * before creating other threads so that they inherit the blocked mask. */
struct console_stdio {
	int in_fd, out_fd;
	bool raw;		/* terminal attributes were changed */
	bool started;
	bool in_eof;
	int sig_fd;		/* signalfd for SIGTERM/SIGHUP/SIGINT, or -1 */
	bool sigs_blocked;
	sigset_t saved_sigmask;
	int stop_pipe[2];
	pthread_t thread;
	void (*input)(void *opaque, const uint8_t *buf, size_t len);
	void (*quit)(void *opaque);
	void *opaque;
	unsigned char saved_termios[64];	/* struct termios, opaque here */
};

int console_stdio_start(struct console_stdio *c, int in_fd, int out_fd,
			void (*input)(void *opaque, const uint8_t *buf, size_t len),
			void (*quit)(void *opaque), void *opaque);
void console_stdio_stop(struct console_stdio *c);
/* A backend writing to c->out_fd. */
struct console_backend console_stdio_backend(struct console_stdio *c);

#endif
