/* xenstore-echo: the socket ceiling for bench/xenstore.sh. A server that
 * speaks the xs_wire framing and does no XenStore work: it reads the 16-byte
 * header and the payload and answers a canned reply of the request's type
 * (WRITE/RM/MKDIR/... -> "OK", READ -> "v<digits after the last 'k' in the
 * path>", the value xenstore-bench wrote and checks, so the reply has the
 * length ours has; DIRECTORY -> no children; anything else -> ERROR ENOSYS).
 * Driven by the same xenstore-bench client over the same kind of socket, it
 * measures what one synchronous connection can carry on this machine.
 *
 * Two loops, both with one read and one write per request in steady state:
 *   default  blocking: connections are served one after another, a blocked
 *            read() is the only wait (the transport's own ceiling);
 *   -e       event loop shaped like a daemon that serves many clients:
 *            non-blocking sockets and epoll_wait before every read.
 * usage: xenstore-echo [-e] SOCKET      (runs until killed) */
#include "xenstore/xs_wire.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define ECHO_MSG_MAX (sizeof(struct xs_msg_hdr) + XS_PAYLOAD_MAX)
#define ECHO_MAX_CONNS 64
#define ECHO_REPLY_MAX (sizeof(struct xs_msg_hdr) + 24)   /* longest canned reply */

struct echo_conn {
    int fd;
    size_t in_len;
    uint8_t in[2 * ECHO_MSG_MAX];
    /* One reply per message, and every message is at least a header. */
    uint8_t out[(2 * ECHO_MSG_MAX / sizeof(struct xs_msg_hdr)) * ECHO_REPLY_MAX];
};

static void die(const char *what)
{
    fprintf(stderr, "xenstore-echo: %s: %s\n", what, strerror(errno));
    exit(1);
}

/* Append one reply to out (room checked by the caller's sizing). */
static size_t echo_reply(const struct xs_msg_hdr *h, const char *p, uint8_t *out)
{
    struct xs_msg_hdr r = *h;
    char *b = (char *)out + sizeof(r);
    switch (h->type) {
    case XS_READ: {
        /* The bench writes "v<i>" to ".../k<i>": answer that, unchecked. */
        size_t n = strnlen(p, h->len), k = n;
        while (k && p[k - 1] != 'k')
            k--;
        size_t d = n - k < 20 ? n - k : 20;
        b[0] = 'v';
        memcpy(b + 1, p + k, d);
        r.len = (uint32_t)(1 + d);
        break;
    }
    case XS_DIRECTORY:
        r.len = 0;
        break;
    case XS_WRITE: case XS_MKDIR: case XS_RM: case XS_SET_PERMS:
    case XS_WATCH: case XS_UNWATCH: case XS_TRANSACTION_END: case XS_RESET_WATCHES:
        memcpy(b, "OK", 3);
        r.len = 3;
        break;
    default:
        r.type = XS_ERROR;
        memcpy(b, "ENOSYS", 7);
        r.len = 7;
        break;
    }
    memcpy(out, &r, sizeof(r));
    return sizeof(r) + r.len;
}

/* Answer every complete message in c->in into c->out; returns the reply
 * bytes, or -1 for a message over the protocol limit. */
static long echo_process(struct echo_conn *c)
{
    size_t off = 0, olen = 0;
    while (c->in_len - off >= sizeof(struct xs_msg_hdr)) {
        struct xs_msg_hdr h;
        memcpy(&h, c->in + off, sizeof(h));
        if (h.len > XS_PAYLOAD_MAX)
            return -1;
        if (c->in_len - off < sizeof(h) + h.len)
            break;
        olen += echo_reply(&h, (const char *)c->in + off + sizeof(h), c->out + olen);
        off += sizeof(h) + h.len;
    }
    memmove(c->in, c->in + off, c->in_len - off);
    c->in_len -= off;
    return (long)olen;
}

/* Write all of buf. A full socket (a client that sends without reading)
 * gets up to a second to drain, then is dropped: no spinning on EAGAIN. */
static int echo_send(int fd, const uint8_t *buf, size_t len)
{
    while (len) {
        ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);
        if (n < 0) {
            struct pollfd pf = { .fd = fd, .events = POLLOUT };
            if (errno == EINTR || (errno == EAGAIN && poll(&pf, 1, 1000) == 1))
                continue;
            return -1;
        }
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}

/* One read, answers, one write; -1 closes the connection. */
static int echo_service(struct echo_conn *c)
{
    ssize_t n = read(c->fd, c->in + c->in_len, sizeof(c->in) - c->in_len);
    if (n == 0)
        return -1;
    if (n < 0)
        return errno == EAGAIN || errno == EINTR ? 0 : -1;
    c->in_len += (size_t)n;
    long olen = echo_process(c);
    if (olen < 0)
        return -1;
    return olen ? echo_send(c->fd, c->out, (size_t)olen) : 0;
}

static void serve_blocking(int lfd, struct echo_conn *c)
{
    for (;;) {
        int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR)
                continue;
            die("accept");
        }
        c->fd = fd;
        c->in_len = 0;
        while (echo_service(c) == 0)
            ;
        close(fd);
    }
}

static void serve_epoll(int lfd)
{
    int ep = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event ev = { .events = EPOLLIN, .data.ptr = NULL };
    if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev))
        die("epoll");
    int nconns = 0;
    for (;;) {
        struct epoll_event evs[16];
        int n = epoll_wait(ep, evs, 16, -1);
        if (n < 0 && errno != EINTR)
            die("epoll_wait");
        for (int i = 0; i < n; i++) {
            struct echo_conn *c = evs[i].data.ptr;
            if (!c) {
                int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
                if (fd < 0)
                    continue;
                c = nconns < ECHO_MAX_CONNS ? malloc(sizeof(*c)) : NULL;
                ev = (struct epoll_event){ .events = EPOLLIN, .data.ptr = c };
                if (!c || epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev)) {
                    free(c);
                    close(fd);
                    continue;
                }
                c->fd = fd;
                c->in_len = 0;
                nconns++;
            } else if (echo_service(c)) {
                close(c->fd);                   /* also leaves the epoll set */
                free(c);
                nconns--;
            }
        }
    }
}

static int listen_unix(const char *path)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    if (strlen(path) >= sizeof(sa.sun_path)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    strcpy(sa.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    /* Bind under a temporary name, rename when listening: the socket file
     * appears only once it accepts (the bench waits for it). */
    char tmp[sizeof(sa.sun_path) + 16];
    if (snprintf(tmp, sizeof(tmp), "%s.%d", path, (int)getpid()) >= (int)sizeof(sa.sun_path))
        snprintf(tmp, sizeof(tmp), "%s", path);
    strcpy(sa.sun_path, tmp);
    unlink(tmp);
    if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 16) ||
        (strcmp(tmp, path) && rename(tmp, path)))
        return -1;
    return fd;
}

int main(int argc, char **argv)
{
    bool ev = argc == 3 && !strcmp(argv[1], "-e");
    if (argc != 2 + ev) {
        fprintf(stderr, "usage: xenstore-echo [-e] SOCKET\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    int lfd = listen_unix(argv[1 + ev]);
    if (lfd < 0)
        die(argv[1 + ev]);
    if (ev) {
        serve_epoll(lfd);
    } else {
        struct echo_conn *c = malloc(sizeof(*c));
        if (!c)
            die("malloc");
        serve_blocking(lfd, c);
    }
    return 0;
}
