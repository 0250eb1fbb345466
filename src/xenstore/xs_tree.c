/* XenStore live tree: nodes in a hash table keyed by full path, children in
 * a per-node doubly linked list so adding/removing one child is O(1) and a
 * subtree removal is linear in the subtree, never in its siblings. Also the
 * live (non-transactional) side of the xs_db_* operations. */
#include "xenstore/xs_tree.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define XS_TREE_MIN_BUCKETS 1024u

uint64_t xs_path_hash(const char *path, size_t len)
{
    uint64_t h = 1469598103934665603ull;       /* FNV-1a */
    for (size_t i = 0; i < len; i++) {
        h ^= (uint8_t)path[i];
        h *= 1099511628211ull;
    }
    return h;
}

static int tree_rehash(struct xs_tree *t, size_t nb)
{
    struct xs_node **nbk = calloc(nb, sizeof(*nbk));
    if (!nbk)
        return -ENOMEM;
    for (size_t i = 0; i < t->nbuckets; i++) {
        struct xs_node *n = t->buckets[i];
        while (n) {
            struct xs_node *nx = n->hnext;
            size_t b = n->hash & (nb - 1);
            n->hnext = nbk[b];
            nbk[b] = n;
            n = nx;
        }
    }
    free(t->buckets);
    t->buckets = nbk;
    t->nbuckets = nb;
    return 0;
}

struct xs_node *xs_tree_get(const struct xs_tree *t, const char *path, size_t len)
{
    uint64_t h = xs_path_hash(path, len);
    for (struct xs_node *n = t->buckets[h & (t->nbuckets - 1)]; n; n = n->hnext)
        if (n->hash == h && n->pathlen == len && !memcmp(n->path, path, len))
            return n;
    return NULL;
}

static void tree_unhash(struct xs_tree *t, struct xs_node *n)
{
    struct xs_node **pp = &t->buckets[n->hash & (t->nbuckets - 1)];
    while (*pp && *pp != n)
        pp = &(*pp)->hnext;
    if (*pp)
        *pp = n->hnext;
    t->nnodes--;
}

static void node_free(struct xs_node *n)
{
    free(n->path);
    free(n->val);
    free(n->perms);
    free(n);
}

/* Allocate a node (not yet linked anywhere). */
static struct xs_node *node_new(const char *path, size_t len, const struct xs_perm *perms,
                                uint32_t nperms)
{
    struct xs_node *n = calloc(1, sizeof(*n));
    if (!n)
        return NULL;
    n->path = malloc(len + 1);
    n->perms = malloc(sizeof(*perms) * (nperms ? nperms : 1));
    if (!n->path || !n->perms) {
        node_free(n);
        return NULL;
    }
    memcpy(n->path, path, len);
    n->path[len] = 0;
    n->pathlen = len;
    const char *slash = memrchr(n->path, '/', len);
    n->name = slash ? slash + 1 : n->path;
    memcpy(n->perms, perms, sizeof(*perms) * nperms);
    n->nperms = nperms;
    n->hash = xs_path_hash(path, len);
    return n;
}

static int tree_insert(struct xs_tree *t, struct xs_node *n)
{
    if (t->nnodes + 1 > t->nbuckets) {
        int rc = tree_rehash(t, t->nbuckets * 2);
        if (rc)
            return rc;
    }
    size_t b = n->hash & (t->nbuckets - 1);
    n->hnext = t->buckets[b];
    t->buckets[b] = n;
    t->nnodes++;
    return 0;
}

int xs_tree_init(struct xs_tree *t)
{
    static const struct xs_perm root_perm = { 0, XS_PERM_NONE };
    memset(t, 0, sizeof(*t));
    t->nbuckets = XS_TREE_MIN_BUCKETS;
    t->buckets = calloc(t->nbuckets, sizeof(*t->buckets));
    if (!t->buckets)
        return -ENOMEM;
    t->root = node_new("/", 1, &root_perm, 1);
    if (!t->root) {
        free(t->buckets);
        return -ENOMEM;
    }
    t->root->name = "";
    t->gen = 1;
    t->root->gen = t->root->cgen = 1;
    return tree_insert(t, t->root);
}

void xs_tree_free(struct xs_tree *t)
{
    if (!t->buckets)
        return;
    for (size_t i = 0; i < t->nbuckets; i++) {
        struct xs_node *n = t->buckets[i];
        while (n) {
            struct xs_node *nx = n->hnext;
            node_free(n);
            n = nx;
        }
    }
    free(t->buckets);
    memset(t, 0, sizeof(*t));
}

static size_t parent_len(const char *path, size_t len)
{
    const char *s = memrchr(path, '/', len);
    if (!s || s == path)
        return 1;                               /* parent is "/" */
    return (size_t)(s - path);
}

/* Create one child node under parent `p` at `path` (which must be absent). */
static int tree_add_child(struct xs_tree *t, struct xs_node *p, const char *path, size_t len,
                          int64_t owner, struct xs_node **out)
{
    struct xs_node *n = node_new(path, len, p->perms, p->nperms);
    if (!n)
        return -ENOMEM;
    if (owner >= 0)
        n->perms[0].domid = (uint32_t)owner;
    int rc = tree_insert(t, n);
    if (rc) {
        node_free(n);
        return rc;
    }
    n->parent = p;
    n->prev = p->last;
    if (p->last)
        p->last->next = n;
    else
        p->first = n;
    p->last = n;
    p->nchildren++;
    p->childbytes += strlen(n->name) + 1;
    n->gen = n->cgen = p->gen = ++t->gen;
    if (t->acct)
        t->acct(t->acct_ctx, n->perms[0].domid, 1);
    *out = n;
    return 0;
}

int xs_tree_ensure(struct xs_tree *t, const char *path, size_t len, int64_t owner,
                   struct xs_node **out, uint32_t *created)
{
    struct xs_node *n = xs_tree_get(t, path, len);
    if (n) {
        *out = n;
        return 0;
    }
    /* Find the deepest existing ancestor, then create downwards. */
    size_t plen = len;
    struct xs_node *p = NULL;
    while (!p) {
        plen = parent_len(path, plen);
        p = xs_tree_get(t, path, plen);
    }
    while (plen < len) {
        size_t next = plen == 1 ? 1 : plen + 1;   /* skip the '/' */
        const char *s = memchr(path + next, '/', len - next);
        size_t clen = s ? (size_t)(s - path) : len;
        int rc = tree_add_child(t, p, path, clen, owner, &p);
        if (rc)
            return rc;
        if (created)
            (*created)++;
        plen = clen;
    }
    *out = p;
    return 0;
}

int xs_tree_set_value(struct xs_tree *t, struct xs_node *n, const uint8_t *val, uint32_t vlen)
{
    uint8_t *nv = NULL;
    if (vlen) {
        nv = malloc(vlen);
        if (!nv)
            return -ENOMEM;
        memcpy(nv, val, vlen);
    }
    free(n->val);
    n->val = nv;
    n->vlen = vlen;
    n->gen = ++t->gen;
    return 0;
}

int xs_tree_set_perms(struct xs_tree *t, struct xs_node *n, const struct xs_perm *p, uint32_t np)
{
    if (!np || np > XS_PERMS_HARD_MAX)
        return -EINVAL;
    struct xs_perm *npm = malloc(sizeof(*p) * np);
    if (!npm)
        return -ENOMEM;
    memcpy(npm, p, sizeof(*p) * np);
    if (t->acct && n->perms[0].domid != p[0].domid) {
        t->acct(t->acct_ctx, n->perms[0].domid, -1);
        t->acct(t->acct_ctx, p[0].domid, 1);
    }
    free(n->perms);
    n->perms = npm;
    n->nperms = np;
    n->gen = ++t->gen;
    return 0;
}

void xs_tree_remove(struct xs_tree *t, struct xs_node *n)
{
    struct xs_node *p = n->parent;
    if (!p)
        return;                                 /* the root stays */
    if (n->prev)
        n->prev->next = n->next;
    else
        p->first = n->next;
    if (n->next)
        n->next->prev = n->prev;
    else
        p->last = n->prev;
    p->nchildren--;
    p->childbytes -= strlen(n->name) + 1;
    p->gen = ++t->gen;
    /* Post-order walk freeing the subtree without recursion. */
    struct xs_node *cur = n;
    for (;;) {
        while (cur->first)
            cur = cur->first;
        struct xs_node *up = cur->parent, *nx = cur->next;
        bool last = cur == n;
        tree_unhash(t, cur);
        if (t->acct)
            t->acct(t->acct_ctx, cur->perms[0].domid, -1);
        node_free(cur);
        if (last)
            break;
        up->first = nx;
        cur = nx ? nx : up;
    }
}

/* ---- live side of the xs_db_* operations ---- */

static void view_of(const struct xs_node *n, struct xs_view *v)
{
    v->val = n->val;
    v->vlen = n->vlen;
    v->perms = n->perms;
    v->nperms = n->nperms;
    v->gen = n->gen;
}

int xs_live_get(struct xs_tree *tree, const char *path, size_t len, struct xs_view *v)
{
    struct xs_node *n = xs_tree_get(tree, path, len);
    if (!n)
        return -ENOENT;
    view_of(n, v);
    return 0;
}

int xs_live_list(struct xs_tree *tree, const char *path, size_t len, size_t off, char *buf,
                 size_t cap, size_t *used, bool *end, uint64_t *gen)
{
    struct xs_node *n = xs_tree_get(tree, path, len);
    if (!n)
        return -ENOENT;
    struct xs_node *c;
    size_t pos;
    if (off && n->cur_gen == n->gen && n->cur_off == off) {
        c = n->cur_child;
        pos = off;
    } else {
        for (c = n->first, pos = 0; c && pos < off; c = c->next)
            pos += strlen(c->name) + 1;
    }
    size_t u = 0;
    for (; c; c = c->next) {
        size_t l = strlen(c->name) + 1;
        if (u + l > cap)
            break;
        memcpy(buf + u, c->name, l);
        u += l;
    }
    n->cur_gen = n->gen;
    n->cur_off = pos + u;
    n->cur_child = c;
    *used = u;
    *end = c == NULL;
    *gen = n->gen;
    return 0;
}

int xs_live_write(struct xs_tree *tree, const char *path, size_t len, const uint8_t *val,
                  uint32_t vlen, int64_t owner, uint32_t *created)
{
    struct xs_node *n;
    int rc = xs_tree_ensure(tree, path, len, owner, &n, created);
    if (rc || !val)
        return rc;
    return xs_tree_set_value(tree, n, val, vlen);
}

int xs_live_set_perms(struct xs_tree *tree, const char *path, size_t len,
                      const struct xs_perm *perms, uint32_t nperms)
{
    struct xs_node *n = xs_tree_get(tree, path, len);
    if (!n)
        return -ENOENT;
    return xs_tree_set_perms(tree, n, perms, nperms);
}

int xs_live_rm(struct xs_tree *tree, const char *path, size_t len)
{
    struct xs_node *n = xs_tree_get(tree, path, len);
    if (!n)
        return -ENOENT;
    if (n == tree->root)
        return -EINVAL;
    xs_tree_remove(tree, n);
    return 0;
}
