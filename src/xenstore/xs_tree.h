/* XenStore database: the live tree (hash table keyed by full path, children
 * kept as a doubly linked list per node, per-node generation counts) and
 * transactions (a per-transaction overlay of touched paths plus a read set,
 * validated at commit: optimistic concurrency, -EAGAIN on conflict).
 *
 * All xs_db_* operations take a transaction (NULL = operate on the live tree)
 * and absolute, already validated paths. Permission checks, quotas and
 * watches are the caller's business (xs_server.c). */
#ifndef DOMUS_XS_TREE_H
#define DOMUS_XS_TREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xenstore/xs_wire.h"

#define XS_PERMS_HARD_MAX 1024u  /* never more entries than fit a payload */

struct xs_node {
    char *path;                  /* full path, NUL terminated */
    size_t pathlen;
    const char *name;            /* last component, points into path */
    uint8_t *val;
    uint32_t vlen;
    uint32_t nperms;
    struct xs_perm *perms;
    struct xs_node *parent, *first, *last, *next, *prev;
    uint32_t nchildren;
    size_t childbytes;           /* sum of (strlen(name) + 1) over children */
    uint64_t gen;                /* tree generation of the last change */
    uint64_t cgen;               /* tree generation when it was created */
    uint64_t hash;
    struct xs_node *hnext;
    /* DIRECTORY_PART cursor: resume a listing without rescanning. */
    uint64_t cur_gen;
    size_t cur_off;
    struct xs_node *cur_child;
};

/* Node accounting hook: called with +1/-1 when a node owned by domid
 * appears/disappears in the live tree (quota bookkeeping). */
typedef void xs_acct_fn(void *ctx, uint32_t domid, int delta);
/* Change hook used by commit: one call per changed path; `removed` says the
 * path (and everything below it) was deleted. */
typedef void xs_change_fn(void *ctx, const char *path, size_t len, bool removed,
                          const struct xs_perm *perms, uint32_t nperms);

struct xs_tree {
    struct xs_node **buckets;
    size_t nbuckets;
    size_t nnodes;
    uint64_t gen;                /* bumped by every change */
    struct xs_node *root;
    xs_acct_fn *acct;
    void *acct_ctx;
};

struct xs_tnode;
struct xs_rentry;

struct xs_txn {
    uint32_t id;
    uint64_t start_gen;
    bool doomed;                 /* a read saw a change newer than the start */
    size_t nentries, max_entries;
    uint32_t ncreated;           /* nodes created so far (quota estimate) */
    uint64_t seq;                /* overlay creation order, for commit order */
    struct xs_tnode **tb;        /* overlay hash, nbuckets entries */
    struct xs_rentry **rb;       /* read-set hash */
    size_t nbuckets;
    struct xs_tnode *all;        /* every overlay node, for commit */
};

/* What a lookup sees: value and permissions of one existing node. */
struct xs_view {
    const uint8_t *val;
    uint32_t vlen;
    const struct xs_perm *perms;
    uint32_t nperms;
    uint64_t gen;
};

int xs_tree_init(struct xs_tree *t);
void xs_tree_free(struct xs_tree *t);
struct xs_node *xs_tree_get(const struct xs_tree *t, const char *path, size_t len);
uint64_t xs_path_hash(const char *path, size_t len);

int xs_txn_new(struct xs_txn **out, const struct xs_tree *tree, uint32_t id,
               size_t max_entries);
void xs_txn_free(struct xs_txn *txn);
/* Conflict check of the read set alone: 0 or -EAGAIN. */
int xs_txn_check(const struct xs_txn *txn, const struct xs_tree *tree);
/* Nodes a commit would add to the live tree (for the owner's node quota,
 * which must be re-checked at commit: parallel transactions each passed it). */
uint32_t xs_txn_count_new(const struct xs_txn *txn, const struct xs_tree *tree);
/* Validate and apply; -EAGAIN on conflict (nothing applied). */
int xs_txn_commit(struct xs_txn *txn, struct xs_tree *tree, xs_change_fn *fn, void *ctx);

/* Lookup: 0 and *v filled, -ENOENT, or -ENOSPC (transaction too large). */
int xs_db_get(struct xs_tree *tree, struct xs_txn *txn, const char *path, size_t len,
              struct xs_view *v);
/* Children names as NUL-terminated strings from byte offset `off` of the
 * whole list, whole names only, at most `cap` bytes. *end says whether the
 * list was exhausted; *gen is the node generation. */
int xs_db_list(struct xs_tree *tree, struct xs_txn *txn, const char *path, size_t len,
               size_t off, char *buf, size_t cap, size_t *used, bool *end, uint64_t *gen);
/* Ensure the node exists (creating missing ancestors; a new node inherits
 * its parent's permissions, with the owner replaced by `owner` when
 * owner >= 0) and, when val != NULL, set its value. *created counts new nodes. */
int xs_db_write(struct xs_tree *tree, struct xs_txn *txn, const char *path, size_t len,
                const uint8_t *val, uint32_t vlen, int64_t owner, uint32_t *created);
int xs_db_set_perms(struct xs_tree *tree, struct xs_txn *txn, const char *path, size_t len,
                    const struct xs_perm *perms, uint32_t nperms);
/* Remove node and subtree; -ENOENT if absent. Root cannot be removed (-EINVAL). */
int xs_db_rm(struct xs_tree *tree, struct xs_txn *txn, const char *path, size_t len);

/* Live-tree primitives (also used by state reload). */
int xs_tree_ensure(struct xs_tree *t, const char *path, size_t len, int64_t owner,
                   struct xs_node **out, uint32_t *created);
int xs_tree_set_value(struct xs_tree *t, struct xs_node *n, const uint8_t *val, uint32_t vlen);
int xs_tree_set_perms(struct xs_tree *t, struct xs_node *n, const struct xs_perm *p, uint32_t np);
void xs_tree_remove(struct xs_tree *t, struct xs_node *n);

/* Live-tree halves of xs_db_* (internal to xs_tree.c / xs_txn.c). */
int xs_live_get(struct xs_tree *tree, const char *path, size_t len, struct xs_view *v);
int xs_live_list(struct xs_tree *tree, const char *path, size_t len, size_t off, char *buf,
                 size_t cap, size_t *used, bool *end, uint64_t *gen);
int xs_live_write(struct xs_tree *tree, const char *path, size_t len, const uint8_t *val,
                  uint32_t vlen, int64_t owner, uint32_t *created);
int xs_live_set_perms(struct xs_tree *tree, const char *path, size_t len,
                      const struct xs_perm *perms, uint32_t nperms);
int xs_live_rm(struct xs_tree *tree, const char *path, size_t len);

#endif
