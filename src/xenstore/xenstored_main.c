/* xenstored: Domus's XenStore daemon. Unix-socket listener, epoll event
 * loop moving bytes between sockets and xs_conn buffers (partial reads and
 * writes are normal), signalfd for SIGTERM/SIGINT/SIGHUP, optional state
 * file saved on exit and periodically, pid file, log file, daemon mode. */
#include "xenstore/xs_server.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <sys/epoll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define XS_DEFAULT_SOCKET "/run/domus/xenstored/socket"
#define XSD_MAX_CONNS 4096u          /* bounded memory: ~10 KB per connection */

struct xsd_opts {
    const char *socket;
    const char *state_file;
    const char *pid_file;
    const char *log_file;
    int save_interval;            /* seconds, 0 = only on exit */
    bool foreground;
    bool verbose;
};

static void usage(FILE *f)
{
    fprintf(f,
            "usage: xenstored [options]\n"
            "  -s, --socket PATH        listen here (default $XENSTORED_PATH or " XS_DEFAULT_SOCKET ")\n"
            "  -S, --state-file FILE    load at start, save on SIGTERM/SIGINT and periodically\n"
            "  -i, --save-interval SEC  periodic save interval (default 30, 0 = exit only)\n"
            "  -p, --pid-file FILE      write our pid here\n"
            "  -l, --log-file FILE      log file (request log with -v or CONTROL log on)\n"
            "  -F, --foreground         do not daemonize\n"
            "  -q, --quota NAME=VALUE   set a default quota (nodes, node-size, watches,\n"
            "                           transactions, outstanding, permissions, transaction-nodes)\n"
            "  -v, --verbose            log every request\n");
}

static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "xenstored: ");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

static int listen_unix(const char *path)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    if (strlen(path) >= sizeof(sa.sun_path))
        return -ENAMETOOLONG;
    strcpy(sa.sun_path, path);
    /* Create missing parent directories (the default lives under /run/domus). */
    for (char *s = strchr(sa.sun_path + 1, '/'); s; s = strchr(s + 1, '/')) {
        *s = 0;
        mkdir(sa.sun_path, 0755);
        *s = '/';
    }
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        return -errno;
    /* Bind and listen under a temporary name, then rename: the socket
     * appears only once it accepts connections. */
    char tmp[sizeof(sa.sun_path) + 16];
    snprintf(tmp, sizeof(tmp), "%s.%d", path, (int)getpid());
    bool renamed = strlen(tmp) < sizeof(sa.sun_path);
    if (renamed)
        strcpy(sa.sun_path, tmp);
    unlink(sa.sun_path);
    if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 256) ||
        chmod(sa.sun_path, 0600) || (renamed && rename(tmp, path))) {
        int e = -errno;
        close(fd);
        if (renamed)
            unlink(tmp);
        return e;
    }
    return fd;
}

static void conn_close(struct xs_conn *c)
{
    if (c->fd >= 0)
        close(c->fd);
    xs_conn_free(c);
}

/* Read what fits, answer, write what the socket takes. -1: close it. */
static int conn_service(struct xs_conn *c, short revents)
{
    if (revents & POLLIN) {
        size_t room = sizeof(c->in) - c->in_len;
        if (room) {
            ssize_t n = read(c->fd, c->in + c->in_len, room);
            if (n == 0)
                return -1;
            if (n < 0 && errno != EAGAIN && errno != EINTR)
                return -1;
            if (n > 0)
                c->in_len += (size_t)n;
        }
    } else if (revents & (POLLHUP | POLLERR | POLLNVAL)) {
        return -1;
    }
    if (xs_conn_process(c))
        return -1;
    while (c->out_len > c->out_off) {
        ssize_t n = send(c->fd, c->out + c->out_off, c->out_len - c->out_off, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EAGAIN || errno == EINTR)
                break;
            return -1;
        }
        xs_conn_consumed(c, (size_t)n);
        /* Replies drained below the limit: answer what is already buffered. */
        if (c->in_len >= sizeof(struct xs_msg_hdr) && xs_conn_process(c))
            return -1;
    }
    return 0;
}

static void save_state(struct xs_server *s, const char *file, FILE *log)
{
    int rc = xs_state_save(s, file);
    if (rc && log)
        fprintf(log, "xenstored: saving %s: %s\n", file, strerror(-rc));
}

/* Bring a connection's epoll registration in line with what it needs. */
static void conn_sync(int epfd, struct xs_conn *c)
{
    uint32_t want = (xs_conn_wants_input(c) ? EPOLLIN : 0) |
                    (c->out_len > c->out_off ? EPOLLOUT : 0);
    if (want != c->io_mask) {
        struct epoll_event ev = { .events = want, .data.ptr = c };
        if (epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &ev) == 0)
            c->io_mask = want;
    }
}

static int serve(struct xs_server *s, int lfd, int sfd, const struct xsd_opts *o, FILE *log)
{
    int epfd = epoll_create1(EPOLL_CLOEXEC);
    char ltag, stag, ttag;                      /* addresses tag the special fds */
    struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &ltag };
    if (epfd < 0 || epoll_ctl(epfd, EPOLL_CTL_ADD, lfd, &ev))
        die("epoll: %s", strerror(errno));
    ev.data.ptr = &stag;
    if (epoll_ctl(epfd, EPOLL_CTL_ADD, sfd, &ev))
        die("epoll: %s", strerror(errno));
    /* Periodic saves tick on a timerfd, so epoll_wait sleeps without a
     * timeout: arming a timer on every wait costs ~6% of request rate. */
    int tfd = -1;
    if (o->state_file && o->save_interval > 0) {
        struct itimerspec it = { .it_interval = { o->save_interval, 0 },
                                 .it_value = { o->save_interval, 0 } };
        tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
        ev.data.ptr = &ttag;
        if (tfd < 0 || timerfd_settime(tfd, 0, &it, NULL) ||
            epoll_ctl(epfd, EPOLL_CTL_ADD, tfd, &ev))
            die("timerfd: %s", strerror(errno));
    }
    size_t nconns = 0;
    bool stop = false;
    while (!stop) {
        struct epoll_event evs[64];
        int n = epoll_wait(epfd, evs, 64, -1);
        if (n < 0 && errno != EINTR)
            die("epoll_wait: %s", strerror(errno));
        for (int i = 0; i < n; i++) {
            void *tag = evs[i].data.ptr;
            if (tag == &ttag) {
                uint64_t ticks;
                if (read(tfd, &ticks, sizeof(ticks)) == sizeof(ticks) &&
                    s->tree.gen != s->saved_gen)
                    save_state(s, o->state_file, log);
            } else if (tag == &stag) {
                struct signalfd_siginfo si;
                if (read(sfd, &si, sizeof(si)) == sizeof(si)) {
                    if (si.ssi_signo != SIGHUP)
                        stop = true;
                    else if (o->state_file)
                        save_state(s, o->state_file, log);
                }
            } else if (tag == &ltag) {
                /* Take the backlog; over the connection cap, refuse. */
                for (int k = 0; k < 256; k++) {
                    int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
                    if (fd < 0)
                        break;
                    struct xs_conn *c = nconns < XSD_MAX_CONNS ? xs_conn_new(s, fd, 0) : NULL;
                    struct epoll_event cev = { .events = EPOLLIN, .data.ptr = c };
                    if (!c || epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &cev)) {
                        if (c)
                            xs_conn_free(c);
                        close(fd);
                        continue;
                    }
                    c->io_mask = EPOLLIN;
                    nconns++;
                }
            } else {
                struct xs_conn *c = tag;
                if (!c->dead && conn_service(c, (short)evs[i].events))
                    c->dead = true;             /* freed after this batch */
            }
        }
        /* Flush queued output (watch events for other connections), drop
         * dead connections, resync registrations. */
        struct xs_conn *c = s->conns;
        while (c) {
            struct xs_conn *nx = c->next;
            if (!c->dead && c->out_len > c->out_off && conn_service(c, 0))
                c->dead = true;
            if (c->dead) {
                conn_close(c);
                nconns--;
            } else {
                conn_sync(epfd, c);
            }
            c = nx;
        }
    }
    if (tfd >= 0)
        close(tfd);
    close(epfd);
    return 0;
}

int main(int argc, char **argv)
{
    static const struct option lopts[] = {
        { "socket", 1, NULL, 's' },        { "state-file", 1, NULL, 'S' },
        { "save-interval", 1, NULL, 'i' }, { "pid-file", 1, NULL, 'p' },
        { "log-file", 1, NULL, 'l' },      { "foreground", 0, NULL, 'F' },
        { "quota", 1, NULL, 'q' },         { "verbose", 0, NULL, 'v' },
        { "help", 0, NULL, 'h' },          { NULL, 0, NULL, 0 },
    };
    struct xsd_opts o = { .save_interval = 30 };
    struct xs_server s;
    if (xs_server_init(&s))
        die("out of memory");
    int opt;
    while ((opt = getopt_long(argc, argv, "s:S:i:p:l:Fq:vh", lopts, NULL)) != -1) {
        switch (opt) {
        case 's': o.socket = optarg; break;
        case 'S': o.state_file = optarg; break;
        case 'i': o.save_interval = atoi(optarg); break;
        case 'p': o.pid_file = optarg; break;
        case 'l': o.log_file = optarg; break;
        case 'F': o.foreground = true; break;
        case 'v': o.verbose = true; break;
        case 'q': {
            char *eq = strchr(optarg, '=');
            int q = -1;
            if (eq) {
                *eq = 0;
                q = xs_quota_lookup(optarg);
            }
            if (q < 0)
                die("bad quota '%s'", optarg);
            s.quota[q] = (uint32_t)strtoul(eq + 1, NULL, 0);
            break;
        }
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (!o.socket)
        o.socket = getenv("XENSTORED_PATH") ? getenv("XENSTORED_PATH") : XS_DEFAULT_SOCKET;
    if (o.state_file && access(o.state_file, F_OK) == 0) {
        int rc = xs_state_load(&s, o.state_file);
        if (rc)
            die("cannot load state file %s: %s", o.state_file, strerror(-rc));
    }
    FILE *log = stderr;
    if (o.log_file && !(log = fopen(o.log_file, "a")))
        die("cannot open log file %s: %s", o.log_file, strerror(errno));
    s.log = log;
    s.log_on = o.verbose;

    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGTERM);
    sigaddset(&mask, SIGINT);
    sigaddset(&mask, SIGHUP);
    sigprocmask(SIG_BLOCK, &mask, NULL);
    signal(SIGPIPE, SIG_IGN);
    int sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
    if (sfd < 0)
        die("signalfd: %s", strerror(errno));
    int lfd = listen_unix(o.socket);
    if (lfd < 0)
        die("cannot listen on %s: %s", o.socket, strerror(-lfd));
    if (!o.foreground && daemon(0, o.log_file ? 0 : 1))
        die("daemon: %s", strerror(errno));
    if (o.pid_file) {
        FILE *pf = fopen(o.pid_file, "w");
        if (!pf)
            die("cannot write pid file %s", o.pid_file);
        fprintf(pf, "%d\n", (int)getpid());
        fclose(pf);
    }
    serve(&s, lfd, sfd, &o, log);
    if (o.state_file)
        save_state(&s, o.state_file, log);
    for (struct xs_conn *c = s.conns; c; c = c->next)
        if (c->fd >= 0)
            close(c->fd);
    close(lfd);
    unlink(o.socket);
    if (o.pid_file)
        unlink(o.pid_file);
    xs_server_free(&s);
    if (log != stderr)
        fclose(log);
    return 0;
}
