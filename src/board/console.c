/*
 * The stdio console backend of domus-run: the terminal in raw mode, a
 * reader thread feeding guest input, Ctrl-a x to quit (Ctrl-a Ctrl-a sends
 * a literal Ctrl-a), terminal attributes restored on stop.
 */
#include "board/console.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

_Static_assert(sizeof(struct termios) <= sizeof(((struct console_stdio *)0)->saved_termios),
	       "saved_termios too small");

#define CTRL_A 0x01

static void stdio_write(void *opaque, const uint8_t *buf, size_t len)
{
	struct console_stdio *c = opaque;

	while (len) {
		ssize_t n = write(c->out_fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;		/* output gone: drop, never block the guest */
		buf += n;
		len -= (size_t)n;
	}
}

struct console_backend console_stdio_backend(struct console_stdio *c)
{
	return (struct console_backend){ .write = stdio_write, .opaque = c };
}

static void *stdio_reader(void *opaque)
{
	struct console_stdio *c = opaque;
	bool escape = false;
	uint8_t in[256], out[256];

	for (;;) {
		struct pollfd p[3] = { { c->in_eof ? -1 : c->in_fd, POLLIN, 0 },
				       { c->stop_pipe[0], POLLIN, 0 }, { c->sig_fd, POLLIN, 0 } };
		if (poll(p, c->sig_fd >= 0 ? 3 : 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[1].revents)
			break;
		if (c->sig_fd >= 0 && p[2].revents) {
			struct signalfd_siginfo si;
			if (read(c->sig_fd, &si, sizeof(si)) == (ssize_t)sizeof(si) && c->quit)
				c->quit(c->opaque);
			continue;
		}
		if (!(p[0].revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		ssize_t n = read(c->in_fd, in, sizeof(in));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			c->in_eof = true;	/* the guest keeps running without input */
			continue;
		}
		size_t k = 0;
		for (ssize_t i = 0; i < n; i++) {
			if (escape) {
				escape = false;
				if (in[i] == 'x') {
					if (c->quit)
						c->quit(c->opaque);
					continue;
				}
				if (in[i] != CTRL_A)
					continue;	/* unknown escape: swallow */
			} else if (in[i] == CTRL_A) {
				escape = true;
				continue;
			}
			out[k++] = in[i];
		}
		if (k && c->input)
			c->input(c->opaque, out, k);
	}
	return NULL;
}

int console_stdio_start(struct console_stdio *c, int in_fd, int out_fd,
			void (*input)(void *opaque, const uint8_t *buf, size_t len),
			void (*quit)(void *opaque), void *opaque)
{
	struct termios t;

	memset(c, 0, sizeof(*c));
	c->in_fd = in_fd;
	c->out_fd = out_fd;
	c->input = input;
	c->quit = quit;
	c->opaque = opaque;
	c->sig_fd = -1;
	if (pipe(c->stop_pipe) < 0)
		return -errno;
	/* Termination signals become a clean quit (terminal restored): block
	 * them here, before the caller starts other threads (they inherit the
	 * mask), and read them from a signalfd in the reader thread. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGINT);
	if (pthread_sigmask(SIG_BLOCK, &set, &c->saved_sigmask) == 0) {
		c->sig_fd = signalfd(-1, &set, SFD_CLOEXEC);
		c->sigs_blocked = true;
	}
	if (isatty(in_fd) && tcgetattr(in_fd, &t) == 0) {
		memcpy(c->saved_termios, &t, sizeof(t));
		cfmakeraw(&t);
		if (tcsetattr(in_fd, TCSANOW, &t) == 0)
			c->raw = true;
	}
	if (pthread_create(&c->thread, NULL, stdio_reader, c) != 0) {
		console_stdio_stop(c);
		return -EAGAIN;
	}
	c->started = true;
	return 0;
}

void console_stdio_stop(struct console_stdio *c)
{
	if (c->started) {
		ssize_t r = write(c->stop_pipe[1], "x", 1);
		(void)r;
		pthread_join(c->thread, NULL);
		c->started = false;
	}
	if (c->raw) {
		struct termios t;
		memcpy(&t, c->saved_termios, sizeof(t));
		tcsetattr(c->in_fd, TCSANOW, &t);
		c->raw = false;
	}
	if (c->sig_fd >= 0) {
		close(c->sig_fd);
		c->sig_fd = -1;
	}
	if (c->sigs_blocked) {
		/* A second termination signal sent while we were quitting
		 * (timeout(1) signals the child and then its group) must not
		 * kill us the moment the mask is restored: discard it. */
		sigset_t set;
		struct timespec zero = { 0, 0 };
		sigemptyset(&set);
		sigaddset(&set, SIGTERM);
		sigaddset(&set, SIGHUP);
		sigaddset(&set, SIGINT);
		while (sigtimedwait(&set, NULL, &zero) > 0)
			;
		pthread_sigmask(SIG_SETMASK, &c->saved_sigmask, NULL);
		c->sigs_blocked = false;
	}
	if (c->stop_pipe[0] > 0) {
		close(c->stop_pipe[0]);
		close(c->stop_pipe[1]);
		c->stop_pipe[0] = c->stop_pipe[1] = -1;
	}
}
