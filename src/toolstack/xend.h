/*
 * xend: the process that holds every domain of this host (each a struct
 * machine run on its own threads), Domain-0, the XenStore layout, the
 * control socket for xm, the log and the message ring. See docs/toolstack.md.
 */
#ifndef DOMUS_TOOLSTACK_XEND_H
#define DOMUS_TOOLSTACK_XEND_H

#include <stdbool.h>
#include <stddef.h>

struct xend_opts {
	const char *state_dir;		/* $DOMUS_STATE or the default */
	const char *config;		/* xend config file, NULL: STATE/xend.conf */
	const char *xenstored;		/* xenstored binary, NULL: next to xend */
};

/* Default state directory: $DOMUS_STATE, /var/lib/domus for root,
 * ~/.local/state/domus otherwise. Writes into buf. */
void xend_default_state(char *buf, size_t n);

/* Runs until SIGTERM/SIGINT/SIGHUP. Writes one byte to ready_fd (if >= 0)
 * once the control socket listens; errors before that go to stderr.
 * Returns 0, or a negative errno. */
int xend_run(const struct xend_opts *o, int ready_fd);

#endif
