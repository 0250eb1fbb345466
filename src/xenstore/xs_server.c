/* XenStore server core: request parsing and dispatch (one handler per
 * message type in a const table), path rules, permissions, watches,
 * transactions per connection, domains and quotas. Pure state machine: no
 * system calls, so the fuzzer and unit tests drive it byte by byte. */
#include "xenstore/xs_server.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

struct xs_watch {
    char *path;                   /* absolute, or "@..." */
    size_t plen;
    char *token;
    size_t tlen;
    size_t strip;                 /* bytes to strip from event paths (relative watch) */
    struct xs_watch *next;
};

struct xs_conn_txn {
    struct xs_txn *txn;
    struct xs_conn_txn *next;
};

struct xs_req {
    struct xs_conn *c;
    struct xs_msg_hdr h;
    const char *p;
    uint32_t len;
    struct xs_txn *txn;
};

static const uint32_t xs_quota_default[XS_Q_COUNT] = {
    [XS_Q_NODES] = 1000, [XS_Q_NODE_SIZE] = 2048, [XS_Q_WATCHES] = 128,
    [XS_Q_TRANSACTIONS] = 10, [XS_Q_OUTSTANDING] = 20, [XS_Q_PERMS] = 5,
    [XS_Q_TXN_NODES] = 1024,
};
static const char *const xs_quota_names[XS_Q_COUNT] = {
    [XS_Q_NODES] = "nodes", [XS_Q_NODE_SIZE] = "node-size", [XS_Q_WATCHES] = "watches",
    [XS_Q_TRANSACTIONS] = "transactions", [XS_Q_OUTSTANDING] = "outstanding",
    [XS_Q_PERMS] = "permissions", [XS_Q_TXN_NODES] = "transaction-nodes",
};
/* Limits for privileged connections too: nobody allocates without bound. */
#define XS_PRIV_WATCHES 65536u
#define XS_PRIV_TRANSACTIONS 1024u
#define XS_PRIV_TXN_NODES (1u << 20)
#define XS_PRIV_NODES (1u << 22)        /* nodes owned by a privileged domain */

const char *xs_quota_name(unsigned id)
{
    return id < XS_Q_COUNT ? xs_quota_names[id] : "?";
}

int xs_quota_lookup(const char *name)
{
    for (unsigned i = 0; i < XS_Q_COUNT; i++)
        if (!strcmp(name, xs_quota_names[i]))
            return (int)i;
    return -EINVAL;
}

/* ---- domains ---- */

struct xs_domain *xs_server_domain(struct xs_server *s, uint32_t domid, bool create)
{
    struct xs_domain **b = &s->doms[domid % XS_DOM_BUCKETS];
    for (struct xs_domain *d = *b; d; d = d->next)
        if (d->domid == domid)
            return d;
    if (!create)
        return NULL;
    struct xs_domain *d = calloc(1, sizeof(*d));
    if (!d)
        return NULL;
    d->domid = domid;
    d->target = -1;
    d->next = *b;
    *b = d;
    s->ndoms++;
    return d;
}

static void server_acct(void *ctx, uint32_t domid, int delta)
{
    struct xs_domain *d = xs_server_domain(ctx, domid, delta > 0);
    if (d)
        d->nnodes += (uint32_t)delta;
}

static uint32_t quota_of(const struct xs_conn *c, unsigned q)
{
    struct xs_domain *d = xs_server_domain(c->srv, c->domid, false);
    if (d && d->has_quota)
        return d->quota[q];
    return c->srv->quota[q];
}

int xs_server_init(struct xs_server *s)
{
    memset(s, 0, sizeof(*s));
    memcpy(s->quota, xs_quota_default, sizeof(s->quota));
    int rc = xs_tree_init(&s->tree);
    if (rc)
        return rc;
    s->tree.acct = server_acct;
    s->tree.acct_ctx = s;
    server_acct(s, 0, 1);                       /* the root, owned by dom0 */
    return 0;
}

void xs_server_free(struct xs_server *s)
{
    while (s->conns)
        xs_conn_free(s->conns);
    for (unsigned i = 0; i < XS_DOM_BUCKETS; i++) {
        struct xs_domain *d = s->doms[i];
        while (d) {
            struct xs_domain *nx = d->next;
            free(d);
            d = nx;
        }
    }
    xs_tree_free(&s->tree);
    memset(s, 0, sizeof(*s));
}

/* ---- connections and output ---- */

struct xs_conn *xs_conn_new(struct xs_server *s, int fd, uint32_t domid)
{
    struct xs_conn *c = calloc(1, sizeof(*c));
    if (!c)
        return NULL;
    c->srv = s;
    c->fd = fd;
    c->domid = domid;
    c->privileged = domid == 0;
    c->next_txid = 1;
    c->next = s->conns;
    if (s->conns)
        s->conns->prev = c;
    s->conns = c;
    return c;
}

static void conn_drop_watches(struct xs_conn *c)
{
    struct xs_watch *w = c->watches;
    while (w) {
        struct xs_watch *nx = w->next;
        free(w->path);
        free(w->token);
        free(w);
        w = nx;
    }
    c->srv->nwatches -= c->nwatches;
    c->watches = NULL;
    c->nwatches = 0;
}

static void conn_drop_txns(struct xs_conn *c)
{
    struct xs_conn_txn *t = c->txns;
    while (t) {
        struct xs_conn_txn *nx = t->next;
        xs_txn_free(t->txn);
        free(t);
        t = nx;
    }
    c->txns = NULL;
    c->ntxns = 0;
}

void xs_conn_free(struct xs_conn *c)
{
    struct xs_server *s = c->srv;
    if (c->prev)
        c->prev->next = c->next;
    else
        s->conns = c->next;
    if (c->next)
        c->next->prev = c->prev;
    conn_drop_watches(c);
    conn_drop_txns(c);
    free(c->out);
    free(c);
}

static int out_reserve(struct xs_conn *c, size_t n)
{
    if (c->out_off && c->out_off == c->out_len)
        c->out_off = c->out_len = 0;
    if (c->out_len + n <= c->out_cap)
        return 0;
    if (c->out_off) {
        memmove(c->out, c->out + c->out_off, c->out_len - c->out_off);
        c->out_len -= c->out_off;
        c->out_off = 0;
        if (c->out_len + n <= c->out_cap)
            return 0;
    }
    size_t nc = c->out_cap ? c->out_cap : 8192;
    while (nc < c->out_len + n)
        nc *= 2;
    uint8_t *no = realloc(c->out, nc);
    if (!no)
        return -ENOMEM;
    c->out = no;
    c->out_cap = nc;
    return 0;
}

/* Queue one message made of up to three pieces. */
static int conn_send(struct xs_conn *c, uint32_t type, uint32_t req_id, uint32_t tx_id,
                     const void *a, size_t alen, const void *b, size_t blen)
{
    struct xs_msg_hdr h = { type, req_id, tx_id, (uint32_t)(alen + blen) };
    if (alen + blen > XS_PAYLOAD_MAX)
        return -E2BIG;
    int rc = out_reserve(c, sizeof(h) + alen + blen);
    if (rc)
        return rc;
    memcpy(c->out + c->out_len, &h, sizeof(h));
    c->out_len += sizeof(h);
    if (alen)
        memcpy(c->out + c->out_len, a, alen);
    c->out_len += alen;
    if (blen)
        memcpy(c->out + c->out_len, b, blen);
    c->out_len += blen;
    return 0;
}

static int reply(struct xs_req *r, const void *data, size_t len)
{
    return conn_send(r->c, r->h.type, r->h.req_id, r->h.tx_id, data, len, NULL, 0);
}

static int reply_ok(struct xs_req *r)
{
    return reply(r, "OK", 3);
}

static int reply_str(struct xs_req *r, const char *s)
{
    return reply(r, s, strlen(s) + 1);
}

static void reply_error(struct xs_req *r, int err)
{
    const char *n = xs_errno_name(err);
    conn_send(r->c, XS_ERROR, r->h.req_id, r->h.tx_id, n, strlen(n) + 1, NULL, 0);
}

/* Replies not yet written beyond what we accept before reading more
 * requests: the "outstanding requests" quota, counted in full replies. */
static bool out_over_limit(const struct xs_conn *c)
{
    size_t pending = c->out_len - c->out_off;
    size_t limit = c->privileged ? XS_OUT_SOFT_LIMIT
                                 : (size_t)quota_of(c, XS_Q_OUTSTANDING) *
                                       (XS_PAYLOAD_MAX + sizeof(struct xs_msg_hdr));
    return pending >= limit;
}

bool xs_conn_wants_input(const struct xs_conn *c)
{
    return !c->dead && !out_over_limit(c) && c->in_len < sizeof(c->in);
}

void xs_conn_consumed(struct xs_conn *c, size_t n)
{
    c->out_off += n;
    if (c->out_off >= c->out_len)
        c->out_off = c->out_len = 0;
}

/* ---- paths and permissions ---- */

static bool path_char_ok(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           ch == '-' || ch == '/' || ch == '_' || ch == '@';
}

/* Xen's length rule (XENSTORE_REL_PATH_MAX, measured against Xen's C
 * xenstored): under /local/domain/<digits>/ the part after that prefix may
 * have 2048 bytes, any other path 2048 bytes in all. */
static bool path_over_limit(const char *p, size_t n)
{
    static const char dom[] = "/local/domain/";
    size_t off = 0;
    if (n > sizeof(dom) - 1 && !memcmp(p, dom, sizeof(dom) - 1)) {
        size_t i = sizeof(dom) - 1;
        while (i < n && p[i] >= '0' && p[i] <= '9')
            i++;
        if (i > sizeof(dom) - 1 && i < n && p[i] == '/')
            off = i + 1;
    }
    return n - off > XS_REL_PATH_MAX;
}

/* Canonical absolute path of a client path into out (XS_ABS_PATH_MAX + 1).
 * *strip receives the relative prefix length (0 for absolute paths). */
static int path_canon(const struct xs_conn *c, const char *in, char *out, size_t *olen,
                      bool allow_special, size_t *strip)
{
    size_t n = strlen(in), pre = 0;
    *strip = 0;
    if (!n)
        return -EINVAL;
    if (in[0] == '@') {
        if (!allow_special || n > XS_ABS_PATH_MAX)
            return -EINVAL;
        memcpy(out, in, n + 1);
        *olen = n;
        return 0;
    }
    if (in[0] != '/') {
        if (n > XS_REL_PATH_MAX)
            return -EINVAL;
        pre = (size_t)snprintf(out, XS_ABS_PATH_MAX + 1, "/local/domain/%u/", c->domid);
        *strip = pre;
    }
    if (pre + n > XS_ABS_PATH_MAX)
        return -EINVAL;
    if (!pre && path_over_limit(in, n))
        return -EINVAL;
    for (size_t i = 0; i < n; i++) {
        if (!path_char_ok(in[i]))
            return -EINVAL;
        if (in[i] == '/' && i + 1 < n && in[i + 1] == '/')
            return -EINVAL;
    }
    if (n > 1 && in[n - 1] == '/')
        return -EINVAL;
    if (pre && in[n - 1] == '/')
        return -EINVAL;
    memcpy(out + pre, in, n + 1);
    *olen = pre + n;
    return 0;
}

static size_t parent_len(const char *path, size_t len)
{
    const char *s = memrchr(path, '/', len);
    if (!s || s == path)
        return 1;
    return (size_t)(s - path);
}

static uint32_t perm_for(const struct xs_conn *c, const struct xs_perm *p, uint32_t n)
{
    if (c->privileged)
        return XS_PERM_BOTH;
    struct xs_domain *d = xs_server_domain(c->srv, c->domid, false);
    int64_t target = d ? d->target : -1;
    if (p[0].domid == c->domid || (target >= 0 && p[0].domid == (uint64_t)target))
        return XS_PERM_BOTH;
    for (uint32_t i = 1; i < n; i++)
        if (p[i].domid == c->domid)
            return p[i].mode;
    if (target >= 0)
        for (uint32_t i = 1; i < n; i++)
            if (p[i].domid == (uint64_t)target)
                return p[i].mode;
    return p[0].mode;
}

static int check_perm(const struct xs_conn *c, const struct xs_view *v, uint32_t want)
{
    return (perm_for(c, v->perms, v->nperms) & want) == want ? 0 : -EACCES;
}

/* Deepest existing ancestor of a missing path. */
static int ancestor_view(struct xs_req *r, const char *path, size_t len, struct xs_view *v)
{
    size_t plen = len;
    int rc;
    do {
        plen = parent_len(path, plen);
        rc = xs_db_get(&r->c->srv->tree, r->txn, path, plen, v);
    } while (rc == -ENOENT && plen > 1);
    return rc;
}

/* Error for a missing node: EACCES when its closest ancestor is unreadable. */
static int missing_error(struct xs_req *r, const char *path, size_t len)
{
    struct xs_view a;
    if (ancestor_view(r, path, len, &a) == 0 && check_perm(r->c, &a, XS_PERM_READ))
        return -EACCES;
    return -ENOENT;
}

/* ---- watches ---- */

static bool is_child(const char *child, size_t clen, const char *parent, size_t plen)
{
    if (plen == 1 && parent[0] == '/')
        return child[0] == '/';
    return clen >= plen && !memcmp(child, parent, plen) && (clen == plen || child[plen] == '/');
}

static void watch_event(struct xs_conn *c, struct xs_watch *w, const char *epath, size_t elen)
{
    if (c->out_len - c->out_off > XS_OUT_EVENT_LIMIT) {
        c->events_dropped++;
        return;
    }
    char tmp[XS_ABS_PATH_MAX + 2];
    size_t strip = w->strip < elen ? w->strip : 0;
    memcpy(tmp, epath + strip, elen - strip);
    tmp[elen - strip] = 0;
    if (conn_send(c, XS_WATCH_EVENT, 0, 0, tmp, elen - strip + 1, w->token, w->tlen + 1))
        c->events_dropped++;
}

/* The event path a watch sees for a change, or NULL if it does not match.
 * A removal fires watches below the removed node only where a node existed
 * at the watched path (called before the subtree goes away), as Xen does. */
static const char *watch_match(const struct xs_tree *t, const struct xs_watch *w,
                               const char *path, size_t len, bool removed, size_t *elen)
{
    if (path[0] == '@' || w->path[0] == '@') {
        if (w->plen != len || memcmp(w->path, path, len))
            return NULL;
    } else if (!is_child(path, len, w->path, w->plen)) {
        if (!removed || !is_child(w->path, w->plen, path, len) ||
            !xs_tree_get(t, w->path, w->plen))
            return NULL;
        *elen = w->plen;                        /* removal of an ancestor */
        return w->path;
    }
    *elen = len;
    return path;
}

/* Several watches of one connection can produce the very same event (same
 * path and token, e.g. /a and /a/b with one token): it is sent once. */
static bool event_seen_before(const struct xs_tree *t, const struct xs_conn *c,
                              const struct xs_watch *upto,
                              const char *path, size_t len, bool removed,
                              const char *epath, size_t elen)
{
    for (const struct xs_watch *w = c->watches; w != upto; w = w->next) {
        size_t l2;
        const char *e2 = watch_match(t, w, path, len, removed, &l2);
        if (e2 && w->tlen == upto->tlen && !memcmp(w->token, upto->token, w->tlen) &&
            l2 - w->strip == elen - upto->strip && w->strip == upto->strip &&
            !memcmp(e2, epath, elen))
            return true;
    }
    return false;
}

void xs_server_fire(struct xs_server *s, const char *path, size_t len, bool removed,
                    const struct xs_perm *perms, uint32_t nperms)
{
    if (!s->nwatches)
        return;                                 /* nobody watches anything */
    for (struct xs_conn *c = s->conns; c; c = c->next) {
        if (perms && nperms && !(perm_for(c, perms, nperms) & XS_PERM_READ))
            continue;
        unsigned matched = 0;
        for (struct xs_watch *w = c->watches; w; w = w->next) {
            size_t elen;
            const char *epath = watch_match(&s->tree, w, path, len, removed, &elen);
            if (!epath)
                continue;
            /* The duplicate scan only runs once a second watch matched and
             * stops being worth it for huge watch lists. */
            if (matched++ && c->nwatches <= 256 &&
                event_seen_before(&s->tree, c, w, path, len, removed, epath, elen))
                continue;
            watch_event(c, w, epath, elen);
        }
    }
}

static void commit_fire(void *ctx, const char *path, size_t len, bool removed,
                        const struct xs_perm *perms, uint32_t nperms)
{
    xs_server_fire(ctx, path, len, removed, perms, nperms);
}

/* ---- argument helpers ---- */

/* Split the payload into NUL-terminated strings; bytes after the last NUL
 * are an error. Returns the count (at most max). */
static int args_split(const struct xs_req *r, const char **v, int max)
{
    int n = 0;
    uint32_t i = 0;
    while (i < r->len) {
        const char *e = memchr(r->p + i, 0, r->len - i);
        if (!e)
            return -EINVAL;
        if (n < max)
            v[n] = r->p + i;
        n++;
        i = (uint32_t)(e - r->p) + 1;
    }
    return n > max ? max : n;
}

static int parse_u32(const char *s, uint32_t max, uint32_t *out)
{
    if (!*s)
        return -EINVAL;
    uint64_t v = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return -EINVAL;
        v = v * 10 + (uint64_t)(*s - '0');
        if (v > max)
            return -EINVAL;
    }
    *out = (uint32_t)v;
    return 0;
}

static int parse_u64(const char *s, uint64_t *out)
{
    char *end;
    if (!*s || *s == '-')
        return -EINVAL;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (*end || errno)
        return -EINVAL;
    *out = v;
    return 0;
}

/* One path argument, canonicalised. */
static int arg_path(struct xs_req *r, char *path, size_t *len)
{
    const char *v[1];
    size_t strip;
    if (args_split(r, v, 1) < 1)
        return -EINVAL;
    return path_canon(r->c, v[0], path, len, false, &strip);
}

/* ---- request handlers ---- */

static int do_read(struct xs_req *r)
{
    char path[XS_ABS_PATH_MAX + 1];
    size_t len;
    struct xs_view v;
    int rc = arg_path(r, path, &len);
    if (rc)
        return rc;
    rc = xs_db_get(&r->c->srv->tree, r->txn, path, len, &v);
    if (rc == -ENOENT)
        return missing_error(r, path, len);
    if (rc || (rc = check_perm(r->c, &v, XS_PERM_READ)))
        return rc;
    return reply(r, v.val, v.vlen);
}

/* WRITE and MKDIR: val == NULL for MKDIR. */
static int write_common(struct xs_req *r, const char *cpath, const uint8_t *val, uint32_t vlen)
{
    struct xs_conn *c = r->c;
    struct xs_server *s = c->srv;
    char path[XS_ABS_PATH_MAX + 1];
    size_t len, strip;
    struct xs_view v;
    int rc = path_canon(c, cpath, path, &len, false, &strip);
    if (rc)
        return rc;
    if (!c->privileged && val && vlen > quota_of(c, XS_Q_NODE_SIZE))
        return -ENOSPC;
    rc = xs_db_get(&s->tree, r->txn, path, len, &v);
    if (rc == 0) {
        if ((rc = check_perm(c, &v, XS_PERM_WRITE)))
            return rc;
        if (!val)
            return reply_ok(r);                 /* MKDIR of an existing node */
    } else if (rc == -ENOENT) {
        struct xs_view a;
        if ((rc = ancestor_view(r, path, len, &a)) || (rc = check_perm(c, &a, XS_PERM_WRITE)))
            return rc;
        struct xs_domain *d = xs_server_domain(s, c->domid, false);
        uint32_t have = (d ? d->nnodes : 0) + (r->txn ? r->txn->ncreated : 0);
        if (have >= (c->privileged ? XS_PRIV_NODES : quota_of(c, XS_Q_NODES)))
            return -ENOSPC;
    } else {
        return rc;
    }
    uint32_t created = 0;
    rc = xs_db_write(&s->tree, r->txn, path, len, val, vlen,
                     c->privileged ? -1 : (int64_t)c->domid, &created);
    if (!val && rc == 0 && !created)
        return reply_ok(r);
    if (rc)
        return rc;
    if (!r->txn && s->nwatches) {
        struct xs_view nv;
        if (xs_db_get(&s->tree, NULL, path, len, &nv) == 0)
            xs_server_fire(s, path, len, false, nv.perms, nv.nperms);
    }
    return reply_ok(r);
}

static int do_write(struct xs_req *r)
{
    const char *e = memchr(r->p, 0, r->len);
    if (!e)
        return -EINVAL;
    uint32_t off = (uint32_t)(e - r->p) + 1;
    return write_common(r, r->p, (const uint8_t *)r->p + off, r->len - off);
}

static int do_mkdir(struct xs_req *r)
{
    const char *v[1];
    if (args_split(r, v, 1) < 1)
        return -EINVAL;
    return write_common(r, v[0], NULL, 0);
}

static int do_rm(struct xs_req *r)
{
    struct xs_server *s = r->c->srv;
    char path[XS_ABS_PATH_MAX + 1];
    size_t len;
    struct xs_view v;
    int rc = arg_path(r, path, &len);
    if (rc)
        return rc;
    if (len == 1)
        return -EINVAL;
    rc = xs_db_get(&s->tree, r->txn, path, len, &v);
    if (rc == -ENOENT) {
        struct xs_view p;
        rc = xs_db_get(&s->tree, r->txn, path, parent_len(path, len), &p);
        if (rc == -ENOENT)
            return missing_error(r, path, len);
        return rc ? rc : reply_ok(r);
    }
    if (rc || (rc = check_perm(r->c, &v, XS_PERM_WRITE)))
        return rc;
    if (!r->txn)
        xs_server_fire(s, path, len, true, v.perms, v.nperms);
    if ((rc = xs_db_rm(&s->tree, r->txn, path, len)))
        return rc;
    return reply_ok(r);
}

static int do_directory(struct xs_req *r)
{
    char path[XS_ABS_PATH_MAX + 1], buf[XS_PAYLOAD_MAX];
    size_t len, used;
    bool end;
    uint64_t gen;
    struct xs_view v;
    int rc = arg_path(r, path, &len);
    if (rc)
        return rc;
    rc = xs_db_get(&r->c->srv->tree, r->txn, path, len, &v);
    if (rc == -ENOENT)
        return missing_error(r, path, len);
    if (rc || (rc = check_perm(r->c, &v, XS_PERM_READ)))
        return rc;
    rc = xs_db_list(&r->c->srv->tree, r->txn, path, len, 0, buf, sizeof(buf), &used, &end, &gen);
    if (rc)
        return rc;
    if (!end)
        return -E2BIG;
    return reply(r, buf, used);
}

static int do_directory_part(struct xs_req *r)
{
    const char *a[2];
    char path[XS_ABS_PATH_MAX + 1], buf[XS_PAYLOAD_MAX];
    size_t len, strip, used;
    uint32_t off;
    bool end;
    uint64_t gen;
    struct xs_view v;
    int rc;
    if (args_split(r, a, 2) < 2)
        return -EINVAL;
    if ((rc = path_canon(r->c, a[0], path, &len, false, &strip)) ||
        (rc = parse_u32(a[1], UINT32_MAX, &off)))
        return rc;
    rc = xs_db_get(&r->c->srv->tree, r->txn, path, len, &v);
    if (rc == -ENOENT)
        return missing_error(r, path, len);
    if (rc || (rc = check_perm(r->c, &v, XS_PERM_READ)))
        return rc;
    int glen = snprintf(buf, 32, "%" PRIu64, v.gen) + 1;
    size_t cap = sizeof(buf) - (size_t)glen - 1;
    rc = xs_db_list(&r->c->srv->tree, r->txn, path, len, off, buf + glen, cap, &used, &end,
                    &gen);
    if (rc)
        return rc;
    if (end)
        buf[glen + used++] = 0;
    return reply(r, buf, (size_t)glen + used);
}

static int do_get_perms(struct xs_req *r)
{
    char path[XS_ABS_PATH_MAX + 1], buf[XS_PAYLOAD_MAX];
    size_t len, used = 0;
    struct xs_view v;
    int rc = arg_path(r, path, &len);
    if (rc)
        return rc;
    rc = xs_db_get(&r->c->srv->tree, r->txn, path, len, &v);
    if (rc == -ENOENT)
        return missing_error(r, path, len);
    if (rc || (rc = check_perm(r->c, &v, XS_PERM_READ)))
        return rc;
    static const char letters[4] = { 'n', 'r', 'w', 'b' };
    for (uint32_t i = 0; i < v.nperms && used + 16 < sizeof(buf); i++)
        used += (size_t)snprintf(buf + used, sizeof(buf) - used, "%c%u",
                                 letters[v.perms[i].mode & 3], v.perms[i].domid) + 1;
    return reply(r, buf, used);
}

static int parse_perm(const char *s, struct xs_perm *p)
{
    switch (s[0]) {
    case 'n': p->mode = XS_PERM_NONE; break;
    case 'r': p->mode = XS_PERM_READ; break;
    case 'w': p->mode = XS_PERM_WRITE; break;
    case 'b': p->mode = XS_PERM_BOTH; break;
    default: return -EINVAL;
    }
    return parse_u32(s + 1, 0xFFFF, &p->domid);
}

static int do_set_perms(struct xs_req *r)
{
    struct xs_conn *c = r->c;
    struct xs_server *s = c->srv;
    const char *a[XS_PAYLOAD_MAX / 2];
    struct xs_perm perms[XS_PAYLOAD_MAX / 2];
    char path[XS_ABS_PATH_MAX + 1];
    size_t len, strip;
    struct xs_view v;
    int n = args_split(r, a, (int)(sizeof(a) / sizeof(a[0]))), rc;
    if (n < 2)
        return -EINVAL;
    if ((rc = path_canon(c, a[0], path, &len, false, &strip)))
        return rc;
    for (int i = 1; i < n; i++)
        if ((rc = parse_perm(a[i], &perms[i - 1])))
            return rc;
    uint32_t np = (uint32_t)n - 1;
    rc = xs_db_get(&s->tree, r->txn, path, len, &v);
    if (rc == -ENOENT)
        return missing_error(r, path, len);
    if (rc || (rc = check_perm(c, &v, XS_PERM_WRITE)))
        return rc;
    if (!c->privileged) {
        if (perms[0].domid != v.perms[0].domid)
            return -EPERM;
        if (np - 1 > quota_of(c, XS_Q_PERMS))
            return -ENOSPC;
    }
    if (np > XS_PERMS_HARD_MAX)
        return -ENOSPC;
    if ((rc = xs_db_set_perms(&s->tree, r->txn, path, len, perms, np)))
        return rc;
    if (!r->txn)
        xs_server_fire(s, path, len, false, perms, np);
    return reply_ok(r);
}

static int do_watch(struct xs_req *r)
{
    struct xs_conn *c = r->c;
    const char *a[2];
    char path[XS_ABS_PATH_MAX + 1];
    size_t len, strip;
    int rc;
    if (args_split(r, a, 2) < 2)
        return -EINVAL;
    if ((rc = path_canon(c, a[0], path, &len, true, &strip)))
        return rc;
    size_t tlen = strlen(a[1]);
    for (struct xs_watch *w = c->watches; w; w = w->next)
        if (w->plen == len && !memcmp(w->path, path, len) && w->tlen == tlen &&
            !memcmp(w->token, a[1], tlen))
            return -EEXIST;
    uint32_t max = c->privileged ? XS_PRIV_WATCHES : quota_of(c, XS_Q_WATCHES);
    if (c->nwatches >= max)
        return -E2BIG;
    struct xs_watch *w = calloc(1, sizeof(*w));
    if (!w || !(w->path = strndup(path, len)) || !(w->token = strndup(a[1], tlen))) {
        if (w)
            free(w->path);
        free(w);
        return -ENOMEM;
    }
    w->plen = len;
    w->tlen = tlen;
    w->strip = strip;
    w->next = c->watches;
    c->watches = w;
    c->nwatches++;
    c->srv->nwatches++;
    if ((rc = reply_ok(r)))
        return rc;
    watch_event(c, w, w->path, w->plen);        /* fires once when set */
    return 0;
}

static int do_unwatch(struct xs_req *r)
{
    struct xs_conn *c = r->c;
    const char *a[2];
    char path[XS_ABS_PATH_MAX + 1];
    size_t len, strip;
    int rc;
    if (args_split(r, a, 2) < 2)
        return -EINVAL;
    if ((rc = path_canon(c, a[0], path, &len, true, &strip)))
        return rc;
    size_t tlen = strlen(a[1]);
    for (struct xs_watch **pw = &c->watches; *pw; pw = &(*pw)->next) {
        struct xs_watch *w = *pw;
        if (w->plen == len && !memcmp(w->path, path, len) && w->tlen == tlen &&
            !memcmp(w->token, a[1], tlen)) {
            *pw = w->next;
            free(w->path);
            free(w->token);
            free(w);
            c->nwatches--;
            c->srv->nwatches--;
            return reply_ok(r);
        }
    }
    return -ENOENT;
}

static struct xs_conn_txn *txn_find(struct xs_conn *c, uint32_t id, struct xs_conn_txn ***pp)
{
    for (struct xs_conn_txn **p = &c->txns; *p; p = &(*p)->next) {
        if ((*p)->txn->id == id) {
            if (pp)
                *pp = p;
            return *p;
        }
    }
    return NULL;
}

static int do_txn_start(struct xs_req *r)
{
    struct xs_conn *c = r->c;
    if (r->h.tx_id)
        return -EBUSY;
    uint32_t max = c->privileged ? XS_PRIV_TRANSACTIONS : quota_of(c, XS_Q_TRANSACTIONS);
    if (c->ntxns >= max)
        return -ENOSPC;
    uint32_t id = c->next_txid;
    while (!id || txn_find(c, id, NULL))
        id++;
    c->next_txid = id + 1;
    struct xs_conn_txn *ct = calloc(1, sizeof(*ct));
    if (!ct)
        return -ENOMEM;
    size_t maxn = c->privileged ? XS_PRIV_TXN_NODES : quota_of(c, XS_Q_TXN_NODES);
    int rc = xs_txn_new(&ct->txn, &c->srv->tree, id, maxn);
    if (rc) {
        free(ct);
        return rc;
    }
    ct->next = c->txns;
    c->txns = ct;
    c->ntxns++;
    char buf[16];
    snprintf(buf, sizeof(buf), "%u", id);
    return reply_str(r, buf);
}

/* The node quota again at commit: each open transaction was checked against
 * the live count alone, so parallel ones could together overshoot it.
 * Conflicts answer first (EAGAIN), then the quota (ENOSPC, nothing applied). */
static int txn_quota_check(struct xs_conn *c, struct xs_txn *t)
{
    if (c->privileged)
        return 0;
    struct xs_tree *tree = &c->srv->tree;
    int rc = xs_txn_check(t, tree);
    if (rc)
        return rc;
    uint32_t n = xs_txn_count_new(t, tree);
    if (!n)
        return 0;
    struct xs_domain *d = xs_server_domain(c->srv, c->domid, false);
    uint64_t have = (uint64_t)(d ? d->nnodes : 0) + n;
    return have > quota_of(c, XS_Q_NODES) ? -ENOSPC : 0;
}

static int do_txn_end(struct xs_req *r)
{
    struct xs_conn *c = r->c;
    const char *a[1];
    struct xs_conn_txn **pp;
    if (args_split(r, a, 1) < 1 || (strcmp(a[0], "T") && strcmp(a[0], "F")))
        return -EINVAL;
    struct xs_conn_txn *ct = txn_find(c, r->h.tx_id, &pp);
    if (!ct)
        return -ENOENT;
    *pp = ct->next;
    c->ntxns--;
    int rc = 0;
    if (a[0][0] == 'T' && !(rc = txn_quota_check(c, ct->txn)))
        rc = xs_txn_commit(ct->txn, &c->srv->tree, commit_fire, c->srv);
    xs_txn_free(ct->txn);
    free(ct);
    return rc ? rc : reply_ok(r);
}

static int arg_domid(struct xs_req *r, uint32_t *domid)
{
    const char *a[1];
    if (args_split(r, a, 1) < 1)
        return -EINVAL;
    return parse_u32(a[0], 0xFFFF, domid);
}

static int do_introduce(struct xs_req *r)
{
    const char *a[3];
    uint32_t domid, evtchn;
    uint64_t gfn;
    int rc;
    if (args_split(r, a, 3) < 3)
        return -EINVAL;
    if ((rc = parse_u32(a[0], XS_DOMID_FIRST_RESERVED - 1, &domid)) ||
        (rc = parse_u64(a[1], &gfn)) || (rc = parse_u32(a[2], UINT32_MAX, &evtchn)))
        return rc;
    if (domid == 0)
        return -EINVAL;
    struct xs_domain *d = xs_server_domain(r->c->srv, domid, true);
    if (!d)
        return -ENOMEM;
    if (!d->introduced) {
        struct xs_server *s = r->c->srv;
        if (s->on_introduce && (rc = s->on_introduce(s->hook_ctx, domid, gfn, evtchn)))
            return rc;
        d->introduced = true;
        d->gfn = gfn;
        d->evtchn = evtchn;
        xs_server_fire(r->c->srv, "@introduceDomain", 16, false, NULL, 0);
    }
    return reply_ok(r);
}

static int do_release(struct xs_req *r)
{
    uint32_t domid;
    int rc = arg_domid(r, &domid);
    if (rc)
        return rc;
    struct xs_domain *d = xs_server_domain(r->c->srv, domid, false);
    if (!d || !d->introduced)
        return -ENOENT;
    d->introduced = false;
    if (r->c->srv->on_release)
        r->c->srv->on_release(r->c->srv->hook_ctx, domid);
    xs_server_fire(r->c->srv, "@releaseDomain", 14, false, NULL, 0);
    return reply_ok(r);
}

static int do_resume(struct xs_req *r)
{
    uint32_t domid;
    int rc = arg_domid(r, &domid);
    if (rc)
        return rc;
    struct xs_domain *d = xs_server_domain(r->c->srv, domid, false);
    if (!d || !d->introduced)
        return -ENOENT;
    return reply_ok(r);
}

static int do_get_domain_path(struct xs_req *r)
{
    uint32_t domid;
    char buf[32];
    int rc = arg_domid(r, &domid);
    if (rc)
        return rc;
    snprintf(buf, sizeof(buf), "/local/domain/%u", domid);
    return reply_str(r, buf);
}

static int do_is_introduced(struct xs_req *r)
{
    uint32_t domid;
    int rc = arg_domid(r, &domid);
    if (rc)
        return rc;
    struct xs_domain *d = xs_server_domain(r->c->srv, domid, false);
    return reply_str(r, domid == 0 || (d && d->introduced) ? "T" : "F");
}

static int do_set_target(struct xs_req *r)
{
    const char *a[2];
    uint32_t domid, target;
    int rc;
    if (args_split(r, a, 2) < 2)
        return -EINVAL;
    if ((rc = parse_u32(a[0], 0xFFFF, &domid)) || (rc = parse_u32(a[1], 0xFFFF, &target)))
        return rc;
    struct xs_domain *d = xs_server_domain(r->c->srv, domid, true);
    if (!d)
        return -ENOMEM;
    d->target = target;
    return reply_ok(r);
}

static int do_reset_watches(struct xs_req *r)
{
    conn_drop_watches(r->c);
    conn_drop_txns(r->c);
    return reply_ok(r);
}

static int do_get_feature(struct xs_req *r)
{
    const char *a[1];
    uint32_t domid, feat = 0;
    char buf[16];
    int n = args_split(r, a, 1), rc;
    if (n < 0)
        return n;
    if (n == 1 && a[0][0]) {
        if ((rc = parse_u32(a[0], 0xFFFF, &domid)))
            return rc;
        struct xs_domain *d = xs_server_domain(r->c->srv, domid, false);
        feat = d ? d->features : 0;
    }
    snprintf(buf, sizeof(buf), "%u", feat);
    return reply_str(r, buf);
}

static int do_set_feature(struct xs_req *r)
{
    const char *a[2];
    uint32_t domid, feat;
    int rc;
    if (args_split(r, a, 2) < 2)
        return -EINVAL;
    if ((rc = parse_u32(a[0], 0xFFFF, &domid)) || (rc = parse_u32(a[1], UINT32_MAX, &feat)))
        return rc;
    struct xs_domain *d = xs_server_domain(r->c->srv, domid, true);
    if (!d)
        return -ENOMEM;
    d->features = feat;
    return reply_ok(r);
}

static int do_get_quota(struct xs_req *r)
{
    const char *a[2];
    char buf[XS_PAYLOAD_MAX];
    int n = args_split(r, a, 2), q, rc;
    uint32_t domid;
    if (n < 0)
        return n;
    if (n == 0 || (n == 1 && !a[0][0])) {
        size_t used = 0;
        for (unsigned i = 0; i < XS_Q_COUNT; i++)
            used += (size_t)snprintf(buf + used, sizeof(buf) - used, "%s", xs_quota_names[i]) + 1;
        return reply(r, buf, used);
    }
    const char *name = a[n - 1];
    if ((q = xs_quota_lookup(name)) < 0)
        return q;
    uint32_t val = r->c->srv->quota[q];
    if (n == 2) {
        if ((rc = parse_u32(a[0], 0xFFFF, &domid)))
            return rc;
        struct xs_domain *d = xs_server_domain(r->c->srv, domid, false);
        if (!d)
            return -ENOENT;
        if (d->has_quota)
            val = d->quota[q];
    }
    snprintf(buf, sizeof(buf), "%u", val);
    return reply_str(r, buf);
}

static int do_set_quota(struct xs_req *r)
{
    const char *a[3];
    int n = args_split(r, a, 3), q, rc;
    uint32_t domid, val;
    if (n < 2)
        return -EINVAL;
    if ((q = xs_quota_lookup(a[n - 2])) < 0)
        return q;
    if ((rc = parse_u32(a[n - 1], UINT32_MAX, &val)))
        return rc;
    struct xs_server *s = r->c->srv;
    if (n == 2) {
        s->quota[q] = val;
        return reply_ok(r);
    }
    if ((rc = parse_u32(a[0], 0xFFFF, &domid)))
        return rc;
    struct xs_domain *d = xs_server_domain(s, domid, true);
    if (!d)
        return -ENOMEM;
    if (!d->has_quota) {
        memcpy(d->quota, s->quota, sizeof(d->quota));
        d->has_quota = true;
    }
    d->quota[q] = val;
    return reply_ok(r);
}

/* CONTROL: Xen's generic commands plus Domus's "act-as <domid>". */
static int do_control(struct xs_req *r)
{
    struct xs_conn *c = r->c;
    struct xs_server *s = c->srv;
    const char *a[3];
    char buf[XS_PAYLOAD_MAX];
    int n = args_split(r, a, 3);
    if (n < 1)
        return -EINVAL;
    const char *cmd = a[0];
    if (!strcmp(cmd, "help")) {
        return reply_str(r, "act-as <domid>\ncheck\nhelp\nlog [on|off]\nmemreport\n"
                            "print <string>\nquota [<domid>]\n");
    }
    if (!strcmp(cmd, "check"))
        return reply_ok(r);
    if (!strcmp(cmd, "log")) {
        if (n < 2)
            return reply_str(r, s->log_on ? "on" : "off");
        if (!strcmp(a[1], "on"))
            s->log_on = true;
        else if (!strcmp(a[1], "off"))
            s->log_on = false;
        else
            return -EINVAL;
        return reply_ok(r);
    }
    if (!strcmp(cmd, "print")) {
        if (n < 2)
            return -EINVAL;
        if (s->log) {
            fprintf(s->log, "control print: %s\n", a[1]);
            fflush(s->log);
        }
        return reply_ok(r);
    }
    if (!strcmp(cmd, "memreport")) {
        snprintf(buf, sizeof(buf), "nodes: %zu\ndomains: %u\nrequests: %" PRIu64 "\n",
                 s->tree.nnodes, s->ndoms, s->requests);
        return reply_str(r, buf);
    }
    if (!strcmp(cmd, "quota")) {
        size_t used = 0;
        const uint32_t *q = s->quota;
        uint32_t domid = 0;
        struct xs_domain *d = NULL;
        if (n >= 2) {
            int rc = parse_u32(a[1], 0xFFFF, &domid);
            if (rc)
                return rc;
            d = xs_server_domain(s, domid, false);
            if (!d)
                return -ENOENT;
            if (d->has_quota)
                q = d->quota;
            used += (size_t)snprintf(buf, sizeof(buf), "domain %u: %u nodes\n", domid, d->nnodes);
        }
        for (unsigned i = 0; i < XS_Q_COUNT && used < sizeof(buf); i++)
            used += (size_t)snprintf(buf + used, sizeof(buf) - used, "%-18s %u\n",
                                     xs_quota_names[i], q[i]);
        return reply_str(r, buf);
    }
    if (!strcmp(cmd, "act-as")) {
        uint32_t domid;
        int rc;
        if (n < 2 || (rc = parse_u32(a[1], XS_DOMID_FIRST_RESERVED - 1, &domid)))
            return -EINVAL;
        conn_drop_txns(c);
        c->domid = domid;
        c->privileged = domid == 0;
        return reply_ok(r);
    }
    return -EINVAL;
}

static int do_nosys(struct xs_req *r)
{
    return -ENOSYS;
}

struct xs_op {
    int (*fn)(struct xs_req *r);
    bool priv;                    /* dom0 only (EACCES otherwise) */
    bool txn;                     /* honours tx_id */
};

static const struct xs_op xs_ops[XS_TYPE_COUNT] = {
    [XS_CONTROL] = { do_control, true, false },
    [XS_DIRECTORY] = { do_directory, false, true },
    [XS_READ] = { do_read, false, true },
    [XS_GET_PERMS] = { do_get_perms, false, true },
    [XS_WATCH] = { do_watch, false, false },
    [XS_UNWATCH] = { do_unwatch, false, false },
    [XS_TRANSACTION_START] = { do_txn_start, false, false },
    [XS_TRANSACTION_END] = { do_txn_end, false, false },
    [XS_INTRODUCE] = { do_introduce, true, false },
    [XS_RELEASE] = { do_release, true, false },
    [XS_GET_DOMAIN_PATH] = { do_get_domain_path, false, false },
    [XS_WRITE] = { do_write, false, true },
    [XS_MKDIR] = { do_mkdir, false, true },
    [XS_RM] = { do_rm, false, true },
    [XS_SET_PERMS] = { do_set_perms, false, true },
    [XS_WATCH_EVENT] = { do_nosys, false, false },   /* not requests (as Xen) */
    [XS_ERROR] = { do_nosys, false, false },
    [XS_IS_DOMAIN_INTRODUCED] = { do_is_introduced, false, false },
    [XS_RESUME] = { do_resume, true, false },
    [XS_SET_TARGET] = { do_set_target, true, false },
    [XS_RESTRICT] = { do_nosys, false, false },
    [XS_RESET_WATCHES] = { do_reset_watches, false, false },
    [XS_DIRECTORY_PART] = { do_directory_part, false, true },
    [XS_GET_FEATURE] = { do_get_feature, false, false },
    [XS_SET_FEATURE] = { do_set_feature, true, false },
    [XS_GET_QUOTA] = { do_get_quota, true, false },
    [XS_SET_QUOTA] = { do_set_quota, true, false },
};

static void conn_dispatch(struct xs_conn *c, const struct xs_msg_hdr *h, const char *payload)
{
    struct xs_req r = { .c = c, .h = *h, .p = payload, .len = h->len };
    int rc;
    c->srv->requests++;
    if (h->type >= XS_TYPE_COUNT) {
        rc = -ENOSYS;
    } else {
        const struct xs_op *op = &xs_ops[h->type];
        rc = 0;
        if (op->priv && !c->privileged)
            rc = -EACCES;
        if (!rc && op->txn && h->tx_id) {
            struct xs_conn_txn *ct = txn_find(c, h->tx_id, NULL);
            if (ct)
                r.txn = ct->txn;
            else
                rc = -ENOENT;
        }
        if (!rc)
            rc = op->fn(&r);
    }
    if (rc)
        reply_error(&r, rc);
    if (c->srv->log_on && c->srv->log) {
        fprintf(c->srv->log, "dom%u %s %.*s -> %s\n", c->domid, xs_type_name(h->type),
                (int)strnlen(payload, h->len > 128 ? 128 : h->len), payload,
                rc ? xs_errno_name(rc) : "OK");
        fflush(c->srv->log);
    }
}

int xs_conn_process(struct xs_conn *c)
{
    size_t off = 0;
    int rc = 0;
    while (c->in_len - off >= sizeof(struct xs_msg_hdr)) {
        struct xs_msg_hdr h;
        memcpy(&h, c->in + off, sizeof(h));
        if (h.len > XS_PAYLOAD_MAX) {
            c->dead = true;                     /* Xen drops such clients */
            rc = -EPROTO;
            break;
        }
        if (c->in_len - off < sizeof(h) + h.len)
            break;
        /* NUL-terminate a copy so string helpers never run off the end. */
        char payload[XS_PAYLOAD_MAX + 1];
        memcpy(payload, c->in + off + sizeof(h), h.len);
        payload[h.len] = 0;
        off += sizeof(h) + h.len;
        conn_dispatch(c, &h, payload);
        if (out_over_limit(c))
            break;
    }
    if (off) {
        memmove(c->in, c->in + off, c->in_len - off);
        c->in_len -= off;
    }
    return rc;
}

long xs_conn_feed(struct xs_conn *c, const uint8_t *data, size_t len)
{
    size_t room = sizeof(c->in) - c->in_len;
    size_t n = len < room ? len : room;
    memcpy(c->in + c->in_len, data, n);
    c->in_len += n;
    int rc = xs_conn_process(c);
    return rc ? rc : (long)n;
}
