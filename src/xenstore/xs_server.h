/* XenStore server core: connections (input parsing, output queue), the
 * request dispatcher, permissions, watches, transactions bookkeeping,
 * domains and quotas. No I/O here: the daemon (xenstored_main.c) moves bytes
 * between sockets and xs_conn buffers; the fuzzer and unit tests feed bytes
 * directly. */
#ifndef DOMUS_XS_SERVER_H
#define DOMUS_XS_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "xenstore/xs_tree.h"
#include "xenstore/xs_wire.h"

/* Quotas (Xen C xenstored defaults); apply to unprivileged domains. */
enum xs_quota_id {
    XS_Q_NODES,           /* nodes owned per domain: 1000 */
    XS_Q_NODE_SIZE,       /* bytes of value per node: 2048 */
    XS_Q_WATCHES,         /* watches per connection: 128 */
    XS_Q_TRANSACTIONS,    /* open transactions per connection: 10 */
    XS_Q_OUTSTANDING,     /* unread replies per connection: 20 */
    XS_Q_PERMS,           /* extra permission entries per node: 5 */
    XS_Q_TXN_NODES,       /* nodes touched per transaction: 1024 */
    XS_Q_COUNT
};
const char *xs_quota_name(unsigned id);
int xs_quota_lookup(const char *name);  /* id or -EINVAL */

#define XS_IN_CAP (sizeof(struct xs_msg_hdr) + XS_PAYLOAD_MAX)
#define XS_OUT_SOFT_LIMIT (64u * 1024u)      /* stop reading requests above this */
#define XS_OUT_EVENT_LIMIT (1024u * 1024u)   /* drop watch events above this */

struct xs_watch;
struct xs_conn_txn;
struct xs_server;

struct xs_conn {
    struct xs_server *srv;
    int fd;                       /* owned by the daemon; -1 when in memory */
    uint32_t domid;               /* 0 for dom0 socket clients */
    bool privileged;
    bool dead;                    /* protocol violation: close it */
    uint32_t io_mask;             /* for the transport (daemon: epoll events) */
    uint8_t in[XS_IN_CAP];
    size_t in_len;
    uint8_t *out;
    size_t out_len, out_off, out_cap;
    uint32_t out_msgs;            /* queued replies not yet fully written */
    uint64_t events_dropped;
    struct xs_watch *watches;
    uint32_t nwatches;
    struct xs_conn_txn *txns;
    uint32_t ntxns;
    uint32_t next_txid;
    struct xs_conn *next, *prev;
};

struct xs_domain {
    uint32_t domid;
    bool introduced;
    uint64_t gfn;
    uint32_t evtchn;
    int64_t target;               /* -1: none */
    uint32_t features;
    uint32_t nnodes;
    bool has_quota;
    uint32_t quota[XS_Q_COUNT];
    struct xs_domain *next;
};

#define XS_DOM_BUCKETS 64

struct xs_server {
    struct xs_tree tree;
    struct xs_conn *conns;
    struct xs_domain *doms[XS_DOM_BUCKETS];
    uint32_t ndoms;
    uint32_t quota[XS_Q_COUNT];
    FILE *log;                    /* request log when log_on */
    bool log_on;
    uint64_t requests;
    uint32_t nwatches;            /* over all connections; 0: firing is skipped */
    uint64_t saved_gen;           /* tree generation at last state save */
    /* Transport hooks for domains (set by the embedding program, e.g. the
     * hypervisor side attaching a shared ring as an xs_conn for the domain
     * with xs_conn_new(s, -1, domid)). A non-zero return fails the request
     * with that -errno. NULL: the domain is only recorded. */
    int (*on_introduce)(void *ctx, uint32_t domid, uint64_t gfn, uint32_t evtchn);
    void (*on_release)(void *ctx, uint32_t domid);
    void *hook_ctx;
};

int xs_server_init(struct xs_server *s);
void xs_server_free(struct xs_server *s);
struct xs_domain *xs_server_domain(struct xs_server *s, uint32_t domid, bool create);

struct xs_conn *xs_conn_new(struct xs_server *s, int fd, uint32_t domid);
void xs_conn_free(struct xs_conn *c);
/* Parse and answer every complete request in c->in (stops early while the
 * output queue is over the soft limit). Returns -EPROTO when the connection
 * broke the protocol and must be closed. */
int xs_conn_process(struct xs_conn *c);
/* Append input bytes (at most what fits) then process; returns bytes taken
 * or -EPROTO. */
long xs_conn_feed(struct xs_conn *c, const uint8_t *data, size_t len);
bool xs_conn_wants_input(const struct xs_conn *c);
/* Mark n output bytes as written. */
void xs_conn_consumed(struct xs_conn *c, size_t n);

/* Fire watches for a change at path (removed: the path and its subtree went
 * away). Used by the dispatcher, commit and INTRODUCE/RELEASE. */
void xs_server_fire(struct xs_server *s, const char *path, size_t len, bool removed,
                    const struct xs_perm *perms, uint32_t nperms);

/* State file: atomically save (tmp + rename) / load into an empty server. */
int xs_state_save(struct xs_server *s, const char *file);
int xs_state_load(struct xs_server *s, const char *file);

#endif
