/* Framing of the xm <-> xend control protocol (see proto.h). */
#include "toolstack/proto.h"
#include "toolstack/xend.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	while (len) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		len -= n;
	}
	return 0;
}

static int read_all(int fd, void *buf, size_t len)
{
	char *p = buf;
	size_t got = 0;
	while (got < len) {
		ssize_t n = read(fd, p + got, len - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return got ? -EPROTO : -EPIPE;
		got += n;
	}
	return 0;
}

int proto_send_frame(int fd, const void *buf, size_t len)
{
	uint8_t h[4];
	int r;
	if (len > PROTO_MAX_FRAME)
		return -E2BIG;
	for (int k = 0; k < 4; k++)
		h[k] = (uint8_t)(len >> (8 * k));
	if ((r = write_all(fd, h, 4)))
		return r;
	return write_all(fd, buf, len);
}

int proto_recv_frame(int fd, char **buf, size_t *len)
{
	uint8_t h[4];
	uint32_t n = 0;
	int r;
	*buf = NULL;
	if ((r = read_all(fd, h, 4)))
		return r;
	for (int k = 0; k < 4; k++)
		n |= (uint32_t)h[k] << (8 * k);
	if (n > PROTO_MAX_FRAME)
		return -E2BIG;
	char *b = malloc(n + 1);
	if (!b)
		return -ENOMEM;
	if ((r = read_all(fd, b, n))) {
		free(b);
		return r == -EPIPE ? -EPROTO : r;
	}
	b[n] = '\0';
	*buf = b;
	*len = n;
	return 0;
}

int proto_send_request(int fd, const char *const *argv, unsigned argc)
{
	size_t len = 0;
	for (unsigned k = 0; k < argc; k++)
		len += strlen(argv[k]) + 1;
	if (len > PROTO_MAX_FRAME)
		return -E2BIG;
	char *b = malloc(len ? len : 1), *p = b;
	if (!b)
		return -ENOMEM;
	for (unsigned k = 0; k < argc; k++) {
		size_t l = strlen(argv[k]) + 1;
		memcpy(p, argv[k], l);
		p += l;
	}
	int r = proto_send_frame(fd, b, len);
	free(b);
	return r;
}

int proto_split(char *buf, size_t len, char **argv, unsigned max, unsigned *argc)
{
	unsigned n = 0;
	size_t k = 0;
	if (len == 0 || buf[len - 1] != '\0')
		return -EPROTO;
	while (k < len) {
		if (n >= max)
			return -E2BIG;
		argv[n++] = buf + k;
		k += strlen(buf + k) + 1;
	}
	*argc = n;
	return 0;
}

int proto_send_reply(int fd, int status, const char *text, size_t len)
{
	if (len + 1 > PROTO_MAX_FRAME)
		len = PROTO_MAX_FRAME - 1;
	char *b = malloc(len + 1);
	if (!b)
		return -ENOMEM;
	b[0] = (char)(status ? 1 : 0);
	if (len)
		memcpy(b + 1, text, len);
	int r = proto_send_frame(fd, b, len + 1);
	free(b);
	return r;
}

/* Here rather than in xend.c so that xm links without the board. */
void xend_default_state(char *buf, size_t n)
{
	const char *e = getenv("DOMUS_STATE");
	if (e && *e)
		snprintf(buf, n, "%s", e);
	else if (geteuid() == 0)
		snprintf(buf, n, "/var/lib/domus");
	else
		snprintf(buf, n, "%s/.local/state/domus", getenv("HOME") ? getenv("HOME") : "/tmp");
}

