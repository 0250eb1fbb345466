/*
 * xend consoles: each domain's console output (log file, replay ring, pty,
 * attached xm console viewers) and input from the pty and the viewers.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "board/machine.h"
#include "toolstack/proto.h"
#include "toolstack/xend_internal.h"

void con_write(void *opaque, const uint8_t *buf, size_t len)
{
	struct domain *d = opaque;

	pthread_mutex_lock(&d->con_lock);
	if (d->log_fd >= 0 && write(d->log_fd, buf, len) < 0) {
		/* a full disk must not stop the guest */
	}
	if (len >= CON_RING) {
		memcpy(d->ring, buf + len - CON_RING, CON_RING);
		d->ring_len = CON_RING;
	} else {
		if (d->ring_len + len > CON_RING) {
			size_t drop = d->ring_len + len - CON_RING;
			memmove(d->ring, d->ring + drop, d->ring_len - drop);
			d->ring_len -= drop;
		}
		memcpy(d->ring + d->ring_len, buf, len);
		d->ring_len += len;
	}
	if (d->pty_master >= 0 && write(d->pty_master, buf, len) < 0) {
		/* nobody reads the pty: its buffer keeps the latest output */
	}
	for (unsigned k = 0; k < MAX_VIEWERS; k++) {
		if (d->viewers[k] < 0)
			continue;
		/* slow viewers lose output rather than stall the vCPU */
		if (send(d->viewers[k], buf, len, MSG_DONTWAIT | MSG_NOSIGNAL) < 0 &&
		    errno != EAGAIN && errno != EWOULDBLOCK) {
			close(d->viewers[k]);
			d->viewers[k] = -1;
		}
	}
	pthread_mutex_unlock(&d->con_lock);
}

void con_close_viewers(struct domain *d)
{
	pthread_mutex_lock(&d->con_lock);
	for (unsigned k = 0; k < MAX_VIEWERS; k++)
		if (d->viewers[k] >= 0) {
			close(d->viewers[k]);
			d->viewers[k] = -1;
		}
	pthread_mutex_unlock(&d->con_lock);
}

/* A raw pty for the domain's console (its path goes to console/tty). */
void pty_open(struct domain *d)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
	if (m < 0)
		return;
	const char *name = NULL;
	if (grantpt(m) || unlockpt(m) || !(name = ptsname(m)) ||
	    strlen(name) >= sizeof(d->pty_path)) {
		close(m);
		return;
	}
	int sl = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
	if (sl < 0) {
		close(m);
		return;
	}
	struct termios t;
	if (tcgetattr(sl, &t) == 0) {
		cfmakeraw(&t);
		tcsetattr(sl, TCSANOW, &t);
	}
	snprintf(d->pty_path, sizeof(d->pty_path), "%s", name);
	chmod(name, 0600);
	d->pty_master = m;
	d->pty_slave = sl;
}

/* Console attach: the client fd becomes a viewer. Returns 1 if kept. */
int do_console(struct xend *x, const char *dom, int cfd, struct obuf *o)
{
	struct domain *d = domain_find(x, dom);
	if (!d) {
		fprintf(o->f, "Error: Domain '%s' does not exist.", dom);
		return -ENOENT;
	}
	pthread_mutex_lock(&d->con_lock);
	int slot = -1;
	for (unsigned k = 0; k < MAX_VIEWERS; k++)
		if (d->viewers[k] < 0) {
			slot = k;
			break;
		}
	if (slot < 0 || d->state != DS_RUNNING) {
		pthread_mutex_unlock(&d->con_lock);
		fprintf(o->f, slot < 0 ? "Error: too many console viewers on '%s'" :
			"Error: Domain '%s' is not running", dom);
		return -EBUSY;
	}
	if (proto_send_reply(cfd, 0, "", 0) < 0) {
		pthread_mutex_unlock(&d->con_lock);
		return -EPIPE;
	}
	/* what the guest printed while nobody watched */
	if (d->ring_len && send(cfd, d->ring, d->ring_len, MSG_DONTWAIT | MSG_NOSIGNAL) < 0) {
		/* viewer gone already; the poll loop notices */
	}
	int fl = fcntl(cfd, F_GETFL);
	fcntl(cfd, F_SETFL, fl | O_NONBLOCK);
	d->viewers[slot] = cfd;
	pthread_mutex_unlock(&d->con_lock);
	return 1;
}

/* Console input from viewers; drops viewers that hung up. */
void viewers_poll_setup(struct xend *x, struct pollfd *p, struct domain **owner,
			unsigned *n, unsigned max)
{
	pthread_mutex_lock(&x->lock);
	for (struct domain *d = x->doms; d; d = d->next) {
		pthread_mutex_lock(&d->con_lock);
		if (d->pty_master >= 0 && d->state == DS_RUNNING && *n < max) {
			p[*n] = (struct pollfd){ .fd = d->pty_master, .events = POLLIN };
			owner[*n] = d;
			(*n)++;
		}
		for (unsigned k = 0; k < MAX_VIEWERS && *n < max; k++)
			if (d->viewers[k] >= 0) {
				p[*n] = (struct pollfd){ .fd = d->viewers[k], .events = POLLIN };
				owner[*n] = d;
				(*n)++;
			}
		pthread_mutex_unlock(&d->con_lock);
	}
	pthread_mutex_unlock(&x->lock);
}

void viewer_input(struct xend *x, struct domain *d, int fd)
{
	uint8_t buf[512];
	ssize_t n = read(fd, buf, sizeof(buf));
	pthread_mutex_lock(&x->lock);
	bool alive = false;
	for (struct domain *e = x->doms; e; e = e->next)
		if (e == d)
			alive = true;
	if (alive && n > 0 && d->m)
		machine_console_input(d->m, buf, n);
	if (alive && fd == d->pty_master) {
		/* the pty stays; its errors only mean nobody is attached */
	} else if (alive && (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))) {
		pthread_mutex_lock(&d->con_lock);
		for (unsigned k = 0; k < MAX_VIEWERS; k++)
			if (d->viewers[k] == fd) {
				close(fd);
				d->viewers[k] = -1;
			}
		pthread_mutex_unlock(&d->con_lock);
	}
	pthread_mutex_unlock(&x->lock);
}
