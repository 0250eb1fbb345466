/* XenStore client library (see xs_client.h): synchronous requests over a
 * unix socket, reply matching by req_id, queued watch events. */
#include "xenstore/xs_client.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#define XS_CLIENT_MAX_EVENTS 4096u

struct xs_event {
    char *buf;                    /* "path\0token\0" */
    unsigned len;
    struct xs_event *next;
};

struct xs_handle {
    int fd;
    uint32_t req_id;
    /* Receive buffer: one recv() usually brings a whole reply. */
    uint8_t rx[2 * (XS_PAYLOAD_MAX + sizeof(struct xs_msg_hdr))];
    size_t rx_off, rx_len;
    struct xs_event *ev_head, *ev_tail;
    unsigned nevents;
    char err[256];
};

static int fail(struct xs_handle *h, int err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(h->err, sizeof(h->err), fmt, ap);
    va_end(ap);
    if (n >= 0 && (size_t)n < sizeof(h->err))
        snprintf(h->err + n, sizeof(h->err) - (size_t)n, ": %s", xs_errno_name(err));
    return -err;
}

const char *xs_errmsg(const struct xs_handle *h)
{
    return h->err;
}

int xs_fileno(const struct xs_handle *h)
{
    return h->fd;
}

int xs_open(const char *path, struct xs_handle **out)
{
    *out = NULL;
    if (!path)
        path = getenv("XENSTORED_PATH");
    if (!path)
        path = "/run/domus/xenstored/socket";
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    if (strlen(path) >= sizeof(sa.sun_path))
        return -ENAMETOOLONG;
    strcpy(sa.sun_path, path);
    struct xs_handle *h = calloc(1, sizeof(*h));
    if (!h)
        return -ENOMEM;
    h->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (h->fd < 0 || connect(h->fd, (struct sockaddr *)&sa, sizeof(sa))) {
        int e = -errno;
        if (h->fd >= 0)
            close(h->fd);
        free(h);
        return e;
    }
    *out = h;
    return 0;
}

void xs_close(struct xs_handle *h)
{
    if (!h)
        return;
    while (h->ev_head) {
        struct xs_event *e = h->ev_head;
        h->ev_head = e->next;
        free(e->buf);
        free(e);
    }
    close(h->fd);
    free(h);
}

/* Make at least n bytes available in the receive buffer. */
static int rx_fill(struct xs_handle *h, size_t n)
{
    if (h->rx_len - h->rx_off >= n)
        return 0;
    if (h->rx_off) {
        memmove(h->rx, h->rx + h->rx_off, h->rx_len - h->rx_off);
        h->rx_len -= h->rx_off;
        h->rx_off = 0;
    }
    while (h->rx_len < n) {
        ssize_t r = recv(h->fd, h->rx + h->rx_len, sizeof(h->rx) - h->rx_len, 0);
        if (r == 0)
            return -ECONNRESET;
        if (r < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        h->rx_len += (size_t)r;
    }
    return 0;
}

/* Read one message; body malloc'd with a NUL appended. */
static int read_msg(struct xs_handle *h, struct xs_msg_hdr *hdr, char **body)
{
    int rc = rx_fill(h, sizeof(*hdr));
    if (rc)
        return rc;
    memcpy(hdr, h->rx + h->rx_off, sizeof(*hdr));
    if (hdr->len > XS_PAYLOAD_MAX) {
        /* A daemon that ignores the payload limit (oxenstored answers a big
         * DIRECTORY in one piece): skip the reply, keep the stream in sync. */
        size_t left = hdr->len;
        h->rx_off += sizeof(*hdr);
        while (left) {
            if ((rc = rx_fill(h, 1)))
                return rc;
            size_t n = h->rx_len - h->rx_off < left ? h->rx_len - h->rx_off : left;
            h->rx_off += n;
            left -= n;
        }
        return -EMSGSIZE;
    }
    if ((rc = rx_fill(h, sizeof(*hdr) + hdr->len)))
        return rc;
    char *b = malloc(hdr->len + 1);
    if (!b)
        return -ENOMEM;
    memcpy(b, h->rx + h->rx_off + sizeof(*hdr), hdr->len);
    b[hdr->len] = 0;
    h->rx_off += sizeof(*hdr) + hdr->len;
    if (h->rx_off == h->rx_len)
        h->rx_off = h->rx_len = 0;
    *body = b;
    return 0;
}

static void queue_event(struct xs_handle *h, char *body, unsigned len)
{
    struct xs_event *e = malloc(sizeof(*e));
    if (!e || h->nevents >= XS_CLIENT_MAX_EVENTS) {
        free(e);
        free(body);
        return;
    }
    e->buf = body;
    e->len = len;
    e->next = NULL;
    if (h->ev_tail)
        h->ev_tail->next = e;
    else
        h->ev_head = e;
    h->ev_tail = e;
    h->nevents++;
}

static int talk(struct xs_handle *h, uint32_t type, uint32_t tx, const struct iovec *parts,
                int nparts, char **reply, unsigned *rlen)
{
    struct iovec iov[8];
    size_t total = 0;
    if (nparts > 7)
        return fail(h, EINVAL, "%s: too many parts", xs_type_name(type));
    for (int i = 0; i < nparts; i++) {
        iov[i + 1] = parts[i];
        total += parts[i].iov_len;
    }
    if (total > XS_PAYLOAD_MAX)
        return fail(h, E2BIG, "%s: request of %zu bytes", xs_type_name(type), total);
    struct xs_msg_hdr hdr = { type, ++h->req_id, tx, (uint32_t)total };
    iov[0] = (struct iovec){ &hdr, sizeof(hdr) };
    size_t left = total + sizeof(hdr);
    struct iovec *v = iov;
    int nv = nparts + 1;
    while (left) {
        ssize_t n = writev(h->fd, v, nv);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return fail(h, errno, "%s: send", xs_type_name(type));
        }
        left -= (size_t)n;
        while (nv && (size_t)n >= v->iov_len) {
            n -= (ssize_t)v->iov_len;
            v++;
            nv--;
        }
        if (nv && n) {
            v->iov_base = (uint8_t *)v->iov_base + n;
            v->iov_len -= (size_t)n;
        }
    }
    for (;;) {
        struct xs_msg_hdr rh;
        char *body;
        int rc = read_msg(h, &rh, &body);
        if (rc == -EMSGSIZE && rh.type != XS_WATCH_EVENT && rh.req_id == hdr.req_id)
            return fail(h, E2BIG, "%s: reply of %u bytes over the protocol limit",
                        xs_type_name(type), rh.len);
        if (rc == -EMSGSIZE)
            continue;
        if (rc)
            return fail(h, -rc, "%s: receive", xs_type_name(type));
        if (rh.type == XS_WATCH_EVENT) {
            queue_event(h, body, rh.len);
            continue;
        }
        if (rh.req_id != hdr.req_id) {
            free(body);
            continue;                           /* stale reply: skip */
        }
        if (rh.type == XS_ERROR) {
            int e = xs_errno_from_name(body);
            free(body);
            return fail(h, e, "%s", xs_type_name(type));
        }
        if (reply) {
            *reply = body;
            if (rlen)
                *rlen = rh.len;
        } else {
            free(body);
        }
        return 0;
    }
}

static int talk_path(struct xs_handle *h, uint32_t type, uint32_t tx, const char *path,
                     char **reply, unsigned *rlen)
{
    struct iovec v = { (void *)path, strlen(path) + 1 };
    int rc = talk(h, type, tx, &v, 1, reply, rlen);
    if (rc) {
        size_t n = strlen(h->err);
        snprintf(h->err + n, sizeof(h->err) - n, " (%s)", path);
    }
    return rc;
}

int xs_request(struct xs_handle *h, uint32_t type, uint32_t tx, const void *payload,
               unsigned len, char **reply, unsigned *rlen)
{
    struct iovec v = { (void *)payload, len };
    return talk(h, type, tx, &v, 1, reply, rlen);
}

int xs_read(struct xs_handle *h, uint32_t tx, const char *path, char **val, unsigned *len)
{
    return talk_path(h, XS_READ, tx, path, val, len);
}

int xs_write(struct xs_handle *h, uint32_t tx, const char *path, const void *data, unsigned len)
{
    struct iovec v[2] = { { (void *)path, strlen(path) + 1 }, { (void *)data, len } };
    return talk(h, XS_WRITE, tx, v, 2, NULL, NULL);
}

int xs_mkdir(struct xs_handle *h, uint32_t tx, const char *path)
{
    return talk_path(h, XS_MKDIR, tx, path, NULL, NULL);
}

int xs_rm(struct xs_handle *h, uint32_t tx, const char *path)
{
    return talk_path(h, XS_RM, tx, path, NULL, NULL);
}

static int split_names(struct xs_handle *h, const char *s, size_t len, char ***names,
                       unsigned *num)
{
    unsigned n = 0;
    for (size_t i = 0; i < len; i++)
        n += s[i] == 0;
    char **v = malloc(sizeof(char *) * (n + 1) + len + 1);
    if (!v)
        return fail(h, ENOMEM, "DIRECTORY");
    char *str = (char *)(v + n + 1);
    memcpy(str, s, len);
    str[len] = 0;
    unsigned k = 0;
    for (size_t i = 0; i < len && k < n; i += strlen(str + i) + 1)
        v[k++] = str + i;
    v[k] = NULL;
    *names = v;
    *num = k;
    return 0;
}

/* Long listings come in DIRECTORY_PART chunks; restart if the node changes. */
static int directory_part(struct xs_handle *h, uint32_t tx, const char *path, char ***names,
                          unsigned *num)
{
    char *acc = NULL, gen[32] = "";
    size_t used = 0;
    for (int tries = 0; tries < 100;) {
        char off[24];
        snprintf(off, sizeof(off), "%zu", used);
        struct iovec v[2] = { { (void *)path, strlen(path) + 1 }, { off, strlen(off) + 1 } };
        char *rep;
        unsigned rlen;
        int rc = talk(h, XS_DIRECTORY_PART, tx, v, 2, &rep, &rlen);
        if (rc) {
            free(acc);
            return rc;
        }
        size_t glen = strnlen(rep, rlen);
        if (glen >= sizeof(gen) || glen == rlen) {
            free(rep);
            free(acc);
            return fail(h, EPROTO, "DIRECTORY_PART: bad reply");
        }
        if (used && strcmp(gen, rep)) {
            free(rep);
            used = 0;
            tries++;
            continue;
        }
        memcpy(gen, rep, glen + 1);
        size_t dlen = rlen - glen - 1;
        char *na = realloc(acc, used + dlen + 1);
        if (!na) {
            free(rep);
            free(acc);
            return fail(h, ENOMEM, "DIRECTORY_PART");
        }
        acc = na;
        memcpy(acc + used, rep + glen + 1, dlen);
        free(rep);
        bool end = dlen == 0 || (dlen >= 1 && (dlen == 1 || acc[used + dlen - 2] == 0));
        used += dlen;
        if (end) {
            if (used)
                used--;                         /* the terminating empty string */
            int rc2 = split_names(h, acc ? acc : "", used, names, num);
            free(acc);
            return rc2;
        }
    }
    free(acc);
    return fail(h, EAGAIN, "DIRECTORY_PART: node kept changing");
}

int xs_directory(struct xs_handle *h, uint32_t tx, const char *path, char ***names, unsigned *num)
{
    char *rep;
    unsigned rlen;
    int rc = talk_path(h, XS_DIRECTORY, tx, path, &rep, &rlen);
    if (rc == -E2BIG)
        return directory_part(h, tx, path, names, num);
    if (rc)
        return rc;
    rc = split_names(h, rep, rlen, names, num);
    free(rep);
    return rc;
}

int xs_perm_parse(const char *s, struct xs_perm *p)
{
    static const char letters[] = "nrwb";
    const char *l = s[0] ? strchr(letters, s[0]) : NULL;
    if (!l || !s[1])
        return -EINVAL;
    char *end;
    unsigned long d = strtoul(s + 1, &end, 10);
    if (*end || d > 0xFFFF)
        return -EINVAL;
    p->mode = (uint32_t)(l - letters);
    p->domid = (uint32_t)d;
    return 0;
}

void xs_perm_format(const struct xs_perm *p, char buf[16])
{
    snprintf(buf, 16, "%c%u", "nrwb"[p->mode & 3], p->domid);
}

int xs_get_perms(struct xs_handle *h, uint32_t tx, const char *path, struct xs_perm **perms,
                 unsigned *num)
{
    char *rep;
    unsigned rlen, n = 0;
    int rc = talk_path(h, XS_GET_PERMS, tx, path, &rep, &rlen);
    if (rc)
        return rc;
    for (unsigned i = 0; i < rlen; i++)
        n += rep[i] == 0;
    struct xs_perm *p = calloc(n ? n : 1, sizeof(*p));
    if (!p) {
        free(rep);
        return fail(h, ENOMEM, "GET_PERMS");
    }
    unsigned k = 0;
    for (unsigned i = 0; i < rlen && k < n; i += (unsigned)strlen(rep + i) + 1) {
        if (xs_perm_parse(rep + i, &p[k++])) {
            free(rep);
            free(p);
            return fail(h, EPROTO, "GET_PERMS: bad permission in reply");
        }
    }
    free(rep);
    *perms = p;
    *num = k;
    return 0;
}

int xs_set_perms(struct xs_handle *h, uint32_t tx, const char *path, const struct xs_perm *perms,
                 unsigned num)
{
    char buf[XS_PAYLOAD_MAX];
    size_t used = strlen(path) + 1;
    if (used > sizeof(buf) || !num)
        return fail(h, EINVAL, "SET_PERMS");
    memcpy(buf, path, used);
    for (unsigned i = 0; i < num; i++) {
        char s[16];
        xs_perm_format(&perms[i], s);
        size_t l = strlen(s) + 1;
        if (used + l > sizeof(buf))
            return fail(h, E2BIG, "SET_PERMS");
        memcpy(buf + used, s, l);
        used += l;
    }
    return xs_request(h, XS_SET_PERMS, tx, buf, (unsigned)used, NULL, NULL);
}

static int two_strings(struct xs_handle *h, uint32_t type, const char *a, const char *b)
{
    struct iovec v[2] = { { (void *)a, strlen(a) + 1 }, { (void *)b, strlen(b) + 1 } };
    return talk(h, type, 0, v, 2, NULL, NULL);
}

int xs_watch(struct xs_handle *h, const char *path, const char *token)
{
    return two_strings(h, XS_WATCH, path, token);
}

int xs_unwatch(struct xs_handle *h, const char *path, const char *token)
{
    return two_strings(h, XS_UNWATCH, path, token);
}

bool xs_watch_pending(const struct xs_handle *h)
{
    return h->ev_head != NULL || h->rx_len > h->rx_off;
}

int xs_read_watch(struct xs_handle *h, char **buf, const char **path, const char **token)
{
    while (!h->ev_head) {
        struct xs_msg_hdr rh;
        char *body;
        int rc = read_msg(h, &rh, &body);
        if (rc == -EMSGSIZE)
            continue;
        if (rc)
            return fail(h, -rc, "reading watch event");
        if (rh.type == XS_WATCH_EVENT)
            queue_event(h, body, rh.len);
        else
            free(body);
    }
    struct xs_event *e = h->ev_head;
    h->ev_head = e->next;
    if (!h->ev_head)
        h->ev_tail = NULL;
    h->nevents--;
    size_t pl = strnlen(e->buf, e->len);
    *buf = e->buf;
    *path = e->buf;
    *token = pl < e->len ? e->buf + pl + 1 : e->buf + pl;
    free(e);
    return 0;
}

int xs_transaction_start(struct xs_handle *h, uint32_t *tx)
{
    char *rep;
    int rc = talk_path(h, XS_TRANSACTION_START, 0, "", &rep, NULL);
    if (rc)
        return rc;
    *tx = (uint32_t)strtoul(rep, NULL, 10);
    free(rep);
    return 0;
}

int xs_transaction_end(struct xs_handle *h, uint32_t tx, bool abort)
{
    return talk_path(h, XS_TRANSACTION_END, tx, abort ? "F" : "T", NULL, NULL);
}

int xs_introduce(struct xs_handle *h, unsigned domid, uint64_t gfn, unsigned evtchn)
{
    char a[16], b[24], c[16];
    snprintf(a, sizeof(a), "%u", domid);
    snprintf(b, sizeof(b), "%llu", (unsigned long long)gfn);
    snprintf(c, sizeof(c), "%u", evtchn);
    struct iovec v[3] = { { a, strlen(a) + 1 }, { b, strlen(b) + 1 }, { c, strlen(c) + 1 } };
    return talk(h, XS_INTRODUCE, 0, v, 3, NULL, NULL);
}

static int domid_req(struct xs_handle *h, uint32_t type, unsigned domid, char **rep)
{
    char a[16];
    snprintf(a, sizeof(a), "%u", domid);
    return talk_path(h, type, 0, a, rep, NULL);
}

int xs_release(struct xs_handle *h, unsigned domid)
{
    return domid_req(h, XS_RELEASE, domid, NULL);
}

int xs_get_domain_path(struct xs_handle *h, unsigned domid, char **path)
{
    return domid_req(h, XS_GET_DOMAIN_PATH, domid, path);
}

int xs_is_domain_introduced(struct xs_handle *h, unsigned domid, bool *yes)
{
    char *rep;
    int rc = domid_req(h, XS_IS_DOMAIN_INTRODUCED, domid, &rep);
    if (rc)
        return rc;
    *yes = rep[0] == 'T';
    free(rep);
    return 0;
}

int xs_set_target(struct xs_handle *h, unsigned domid, unsigned target)
{
    char a[16], b[16];
    snprintf(a, sizeof(a), "%u", domid);
    snprintf(b, sizeof(b), "%u", target);
    return two_strings(h, XS_SET_TARGET, a, b);
}

int xs_control(struct xs_handle *h, const char *cmd, const char *const *args, int nargs,
               char **reply, unsigned *len)
{
    char buf[XS_PAYLOAD_MAX];
    size_t used = 0;
    for (int i = -1; i < nargs; i++) {
        const char *s = i < 0 ? cmd : args[i];
        size_t l = strlen(s) + 1;
        if (used + l > sizeof(buf))
            return fail(h, E2BIG, "CONTROL");
        memcpy(buf + used, s, l);
        used += l;
    }
    return xs_request(h, XS_CONTROL, 0, buf, (unsigned)used, reply, len);
}
