/* XenStore transactions without copying the tree.
 *
 * A transaction keeps an overlay of the paths it touched (xs_tnode: a copy
 * of value/permissions taken on first access, so reads are repeatable, plus
 * tombstones and, for directories it changed, a materialised child-name
 * list) and a read set (path -> live generation seen, 0 = absent). Reading a
 * live node newer than the transaction start dooms it. Commit re-checks the
 * read set against the live tree and applies the dirty overlay entries
 * parents-first; any mismatch is -EAGAIN with nothing applied. Also the
 * xs_db_* entry points, which route to the live tree when txn is NULL. */
#include "xenstore/xs_tree.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct xs_tnode {
    char *path;
    size_t len;
    uint64_t hash;
    bool exists, dirty, kids_valid, kids_dirty;
    bool fire;                   /* explicit target of a request: watches fire */
    bool fresh;                  /* (re)created in the tx: kids list is the whole truth */
    uint8_t *val;
    uint32_t vlen;
    struct xs_perm *perms;
    uint32_t nperms;
    uint64_t live_gen;           /* generation of the live node copied, 0 if none */
    uint64_t seq;
    char **kids;
    uint32_t nkids, capkids;
    struct xs_tnode *hnext, *anext;
};

struct xs_rentry {
    char *path;
    size_t len;
    uint64_t hash;
    uint64_t gen;
    struct xs_rentry *hnext;
};

int xs_txn_new(struct xs_txn **out, const struct xs_tree *tree, uint32_t id, size_t max_entries)
{
    struct xs_txn *t = calloc(1, sizeof(*t));
    if (!t)
        return -ENOMEM;
    t->id = id;
    t->start_gen = tree->gen;
    t->max_entries = max_entries;
    t->nbuckets = max_entries > 2048 ? 4096 : 256;
    t->tb = calloc(t->nbuckets, sizeof(*t->tb));
    t->rb = calloc(t->nbuckets, sizeof(*t->rb));
    if (!t->tb || !t->rb) {
        free(t->tb);
        free(t->rb);
        free(t);
        return -ENOMEM;
    }
    *out = t;
    return 0;
}

static void kids_clear(struct xs_tnode *tn)
{
    for (uint32_t i = 0; i < tn->nkids; i++)
        free(tn->kids[i]);
    free(tn->kids);
    tn->kids = NULL;
    tn->nkids = tn->capkids = 0;
    tn->kids_valid = false;
}

void xs_txn_free(struct xs_txn *t)
{
    if (!t)
        return;
    struct xs_tnode *tn = t->all;
    while (tn) {
        struct xs_tnode *nx = tn->anext;
        kids_clear(tn);
        free(tn->path);
        free(tn->val);
        free(tn->perms);
        free(tn);
        tn = nx;
    }
    for (size_t i = 0; i < t->nbuckets; i++) {
        struct xs_rentry *r = t->rb[i];
        while (r) {
            struct xs_rentry *nx = r->hnext;
            free(r->path);
            free(r);
            r = nx;
        }
    }
    free(t->tb);
    free(t->rb);
    free(t);
}

static struct xs_tnode *tn_find(struct xs_txn *t, const char *path, size_t len, uint64_t h)
{
    for (struct xs_tnode *tn = t->tb[h & (t->nbuckets - 1)]; tn; tn = tn->hnext)
        if (tn->hash == h && tn->len == len && !memcmp(tn->path, path, len))
            return tn;
    return NULL;
}

static int tn_new(struct xs_txn *t, const char *path, size_t len, uint64_t h,
                  struct xs_tnode **out)
{
    if (t->nentries >= t->max_entries)
        return -ENOSPC;
    struct xs_tnode *tn = calloc(1, sizeof(*tn));
    if (!tn)
        return -ENOMEM;
    tn->path = malloc(len + 1);
    if (!tn->path) {
        free(tn);
        return -ENOMEM;
    }
    memcpy(tn->path, path, len);
    tn->path[len] = 0;
    tn->len = len;
    tn->hash = h;
    tn->seq = t->seq++;
    size_t b = h & (t->nbuckets - 1);
    tn->hnext = t->tb[b];
    t->tb[b] = tn;
    tn->anext = t->all;
    t->all = tn;
    t->nentries++;
    *out = tn;
    return 0;
}

static int rs_add(struct xs_txn *t, const char *path, size_t len, uint64_t h, uint64_t gen)
{
    size_t b = h & (t->nbuckets - 1);
    for (struct xs_rentry *r = t->rb[b]; r; r = r->hnext)
        if (r->hash == h && r->len == len && !memcmp(r->path, path, len))
            return 0;                           /* first observation counts */
    if (t->nentries >= t->max_entries)
        return -ENOSPC;
    struct xs_rentry *r = calloc(1, sizeof(*r));
    if (!r || !(r->path = malloc(len))) {
        free(r);
        return -ENOMEM;
    }
    memcpy(r->path, path, len);
    r->len = len;
    r->hash = h;
    r->gen = gen;
    r->hnext = t->rb[b];
    t->rb[b] = r;
    t->nentries++;
    return 0;
}

static int tn_set_val(struct xs_tnode *tn, const uint8_t *val, uint32_t vlen)
{
    uint8_t *nv = NULL;
    if (vlen) {
        nv = malloc(vlen);
        if (!nv)
            return -ENOMEM;
        memcpy(nv, val, vlen);
    }
    free(tn->val);
    tn->val = nv;
    tn->vlen = vlen;
    return 0;
}

static int tn_set_perms(struct xs_tnode *tn, const struct xs_perm *p, uint32_t np)
{
    if (!np || np > XS_PERMS_HARD_MAX)
        return -EINVAL;
    struct xs_perm *npm = malloc(sizeof(*p) * np);
    if (!npm)
        return -ENOMEM;
    memcpy(npm, p, sizeof(*p) * np);
    free(tn->perms);
    tn->perms = npm;
    tn->nperms = np;
    return 0;
}

static size_t parent_len(const char *path, size_t len)
{
    const char *s = memrchr(path, '/', len);
    if (!s || s == path)
        return 1;
    return (size_t)(s - path);
}

static bool kids_has(const struct xs_tnode *tn, const char *name, size_t nlen)
{
    for (uint32_t i = 0; i < tn->nkids; i++)
        if (!strncmp(tn->kids[i], name, nlen) && tn->kids[i][nlen] == 0)
            return true;
    return false;
}

/* Find the tx view of `path`: an existing overlay node, or -ENOENT. */
static int tx_resolve(struct xs_tree *tree, struct xs_txn *t, const char *path, size_t len,
                      struct xs_tnode **out)
{
    uint64_t h = xs_path_hash(path, len);
    struct xs_tnode *tn = tn_find(t, path, len, h);
    if (tn) {
        if (!tn->exists)
            return -ENOENT;
        *out = tn;
        return 0;
    }
    /* Nearest ancestor present in the overlay decides (removed in the tx, or
     * its materialised child list lacks our next component). */
    if (t->all && len > 1) {
        for (size_t plen = parent_len(path, len);; plen = parent_len(path, plen)) {
            struct xs_tnode *a = tn_find(t, path, plen, xs_path_hash(path, plen));
            if (a) {
                if (!a->exists)
                    return -ENOENT;
                /* Only a node (re)created in the transaction hides live
                 * children by its list; tx removals leave tombstones. */
                if (a->kids_valid && a->fresh) {
                    size_t c0 = plen == 1 ? 1 : plen + 1;
                    const char *e = memchr(path + c0, '/', len - c0);
                    size_t clen = e ? (size_t)(e - path) - c0 : len - c0;
                    if (!kids_has(a, path + c0, clen))
                        return -ENOENT;
                }
                break;
            }
            if (plen == 1)
                break;
        }
    }
    struct xs_node *live = xs_tree_get(tree, path, len);
    if (live && live->cgen > t->start_gen) {
        /* Created after our start: absent in our snapshot; the read set
         * records "absent" so the commit fails. */
        int rc = rs_add(t, path, len, h, 0);
        if (rc || (rc = tn_new(t, path, len, h, &tn)))
            return rc;
        t->doomed = true;
        return -ENOENT;
    }
    int rc = rs_add(t, path, len, h, live ? live->gen : 0);
    if (rc)
        return rc;
    if (!live) {
        /* Absent now: if it vanished after our start, the ancestor that lost
         * it carries a newer generation. */
        size_t plen = len;
        struct xs_node *a = NULL;
        while (!a && plen > 1) {
            plen = parent_len(path, plen);
            a = xs_tree_get(tree, path, plen);
        }
        if (a && a->gen > t->start_gen)
            t->doomed = true;
        return -ENOENT;
    }
    if (live->gen > t->start_gen)
        t->doomed = true;
    rc = tn_new(t, path, len, h, &tn);
    if (rc)
        return rc;
    tn->exists = true;
    tn->live_gen = live->gen;
    if ((rc = tn_set_val(tn, live->val, live->vlen)) ||
        (rc = tn_set_perms(tn, live->perms, live->nperms)))
        return rc;
    *out = tn;
    return 0;
}

static int kids_add(struct xs_tnode *tn, const char *name, size_t nlen)
{
    if (tn->nkids == tn->capkids) {
        uint32_t nc = tn->capkids ? tn->capkids * 2 : 8;
        char **nk = realloc(tn->kids, sizeof(*nk) * nc);
        if (!nk)
            return -ENOMEM;
        tn->kids = nk;
        tn->capkids = nc;
    }
    char *s = strndup(name, nlen);
    if (!s)
        return -ENOMEM;
    tn->kids[tn->nkids++] = s;
    return 0;
}

/* Give an existing overlay node its own copy of the child-name list. */
static int kids_materialise(struct xs_tree *tree, struct xs_txn *t, struct xs_tnode *tn)
{
    if (tn->kids_valid)
        return 0;
    struct xs_node *live = xs_tree_get(tree, tn->path, tn->len);
    if (!live || live->gen != tn->live_gen)
        t->doomed = true;
    tn->kids_valid = true;
    for (struct xs_node *c = live ? live->first : NULL; c; c = c->next) {
        if (c->cgen > t->start_gen)
            continue;                           /* not in our snapshot */
        int rc = kids_add(tn, c->name, strlen(c->name));
        if (rc)
            return rc;
    }
    return 0;
}

static int txn_get(struct xs_tree *tree, struct xs_txn *t, const char *path, size_t len,
                   struct xs_view *v)
{
    struct xs_tnode *tn;
    int rc = tx_resolve(tree, t, path, len, &tn);
    if (rc)
        return rc;
    v->val = tn->val;
    v->vlen = tn->vlen;
    v->perms = tn->perms;
    v->nperms = tn->nperms;
    v->gen = tn->live_gen;
    return 0;
}

static int txn_list(struct xs_tree *tree, struct xs_txn *t, const char *path, size_t len,
                    size_t off, char *buf, size_t cap, size_t *used, bool *end, uint64_t *gen)
{
    struct xs_tnode *tn;
    int rc = tx_resolve(tree, t, path, len, &tn);
    if (rc)
        return rc;
    if (!tn->kids_valid) {
        struct xs_node *live = xs_tree_get(tree, path, len);
        if (live && live->gen == tn->live_gen && live->gen <= t->start_gen)
            return xs_live_list(tree, path, len, off, buf, cap, used, end, gen);
        if ((rc = kids_materialise(tree, t, tn)))
            return rc;
    }
    size_t pos = 0, u = 0;
    uint32_t i = 0;
    for (; i < tn->nkids && pos < off; i++)
        pos += strlen(tn->kids[i]) + 1;
    for (; i < tn->nkids; i++) {
        size_t l = strlen(tn->kids[i]) + 1;
        if (u + l > cap)
            break;
        memcpy(buf + u, tn->kids[i], l);
        u += l;
    }
    *used = u;
    *end = i == tn->nkids;
    *gen = tn->live_gen ^ (uint64_t)t->id << 40;
    return 0;
}

static int txn_create_child(struct xs_tree *tree, struct xs_txn *t, struct xs_tnode *p,
                            const char *path, size_t clen, int64_t owner, struct xs_tnode **out)
{
    size_t c0 = p->len == 1 ? 1 : p->len + 1;
    int rc = kids_materialise(tree, t, p);
    if (rc)
        return rc;
    /* Overlay entry first: its quota check must fail before the parent's
     * list grows, or every refused write would leave a duplicate name. */
    uint64_t h = xs_path_hash(path, clen);
    struct xs_tnode *tn = tn_find(t, path, clen, h);
    if (!tn && (rc = tn_new(t, path, clen, h, &tn)))
        return rc;
    if (!kids_has(p, path + c0, clen - c0) && (rc = kids_add(p, path + c0, clen - c0)))
        return rc;
    p->kids_dirty = true;
    kids_clear(tn);
    tn->exists = tn->dirty = tn->kids_valid = tn->kids_dirty = tn->fresh = true;
    tn->fire = false;
    if ((rc = tn_set_val(tn, NULL, 0)) || (rc = tn_set_perms(tn, p->perms, p->nperms)))
        return rc;
    if (owner >= 0)
        tn->perms[0].domid = (uint32_t)owner;
    t->ncreated++;
    *out = tn;
    return 0;
}

static int txn_write(struct xs_tree *tree, struct xs_txn *t, const char *path, size_t len,
                     const uint8_t *val, uint32_t vlen, int64_t owner, uint32_t *created)
{
    struct xs_tnode *tn;
    int rc = tx_resolve(tree, t, path, len, &tn);
    if (rc == -ENOENT) {
        size_t plen = len;
        struct xs_tnode *p = NULL;
        do {
            plen = parent_len(path, plen);
            rc = tx_resolve(tree, t, path, plen, &p);
            if (rc && rc != -ENOENT)
                return rc;
        } while (rc == -ENOENT && plen > 1);
        if (rc)
            return rc;                          /* even "/" is missing: impossible */
        while (plen < len) {
            size_t c0 = plen == 1 ? 1 : plen + 1;
            const char *e = memchr(path + c0, '/', len - c0);
            size_t clen = e ? (size_t)(e - path) : len;
            if ((rc = txn_create_child(tree, t, p, path, clen, owner, &p)))
                return rc;
            if (created)
                (*created)++;
            plen = clen;
        }
        tn = p;
        tn->fire = true;
    } else if (rc) {
        return rc;
    }
    if (!val)
        return 0;
    tn->dirty = tn->fire = true;
    return tn_set_val(tn, val, vlen);
}

static int txn_set_perms(struct xs_tree *tree, struct xs_txn *t, const char *path, size_t len,
                         const struct xs_perm *perms, uint32_t nperms)
{
    struct xs_tnode *tn;
    int rc = tx_resolve(tree, t, path, len, &tn);
    if (rc)
        return rc;
    tn->dirty = tn->fire = true;
    return tn_set_perms(tn, perms, nperms);
}

static int txn_rm(struct xs_tree *tree, struct xs_txn *t, const char *path, size_t len)
{
    struct xs_tnode *tn, *p;
    if (len == 1)
        return -EINVAL;
    int rc = tx_resolve(tree, t, path, len, &tn);
    if (rc)
        return rc;
    size_t plen = parent_len(path, len);
    if ((rc = tx_resolve(tree, t, path, plen, &p)) || (rc = kids_materialise(tree, t, p)))
        return rc;
    size_t c0 = plen == 1 ? 1 : plen + 1;
    for (uint32_t i = 0; i < p->nkids; i++) {
        if (!strncmp(p->kids[i], path + c0, len - c0) && p->kids[i][len - c0] == 0) {
            free(p->kids[i]);
            p->kids[i] = p->kids[--p->nkids];
            break;
        }
    }
    p->kids_dirty = true;
    tn->exists = false;
    tn->dirty = tn->fire = true;
    kids_clear(tn);
    /* Everything the overlay holds below is gone with it. */
    for (struct xs_tnode *d = t->all; d; d = d->anext) {
        if (d->len > len && !memcmp(d->path, path, len) && d->path[len] == '/') {
            d->exists = d->dirty = d->kids_dirty = d->fire = false;
            kids_clear(d);
        }
    }
    return 0;
}

static int cmp_len(const void *a, const void *b)
{
    const struct xs_tnode *x = *(struct xs_tnode *const *)a, *y = *(struct xs_tnode *const *)b;
    if (x->len != y->len)
        return x->len < y->len ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Apply one dirty overlay node to the live tree. */
static int commit_one(struct xs_tree *tree, struct xs_tnode *tn, xs_change_fn *fn, void *ctx)
{
    struct xs_node *live = xs_tree_get(tree, tn->path, tn->len);
    if (!tn->exists) {
        if (tn->dirty && live && live != tree->root) {
            if (fn && tn->fire)
                fn(ctx, tn->path, tn->len, true, live->perms, live->nperms);
            xs_tree_remove(tree, live);
        }
        return 0;
    }
    int rc;
    if (!live && (rc = xs_tree_ensure(tree, tn->path, tn->len, -1, &live, NULL)))
        return rc;
    if (tn->dirty) {
        if ((rc = xs_tree_set_value(tree, live, tn->val, tn->vlen)) ||
            (rc = xs_tree_set_perms(tree, live, tn->perms, tn->nperms)))
            return rc;
        if (fn && tn->fire)
            fn(ctx, tn->path, tn->len, false, tn->perms, tn->nperms);
    }
    if (tn->kids_dirty && live->first) {
        char **sorted = malloc(sizeof(char *) * (tn->nkids ? tn->nkids : 1));
        if (!sorted)
            return -ENOMEM;
        memcpy(sorted, tn->kids, sizeof(char *) * tn->nkids);
        qsort(sorted, tn->nkids, sizeof(char *), cmp_str);
        struct xs_node *c = live->first;
        while (c) {
            struct xs_node *nx = c->next;
            const char *nm = c->name;
            if (!bsearch(&nm, sorted, tn->nkids, sizeof(char *), cmp_str)) {
                if (fn)
                    fn(ctx, c->path, c->pathlen, true, c->perms, c->nperms);
                xs_tree_remove(tree, c);
            }
            c = nx;
        }
        free(sorted);
    }
    return 0;
}

int xs_txn_check(const struct xs_txn *t, const struct xs_tree *tree)
{
    if (t->doomed)
        return -EAGAIN;
    for (size_t i = 0; i < t->nbuckets; i++) {
        for (struct xs_rentry *r = t->rb[i]; r; r = r->hnext) {
            struct xs_node *live = xs_tree_get(tree, r->path, r->len);
            if ((live ? live->gen : 0) != r->gen)
                return -EAGAIN;
        }
    }
    return 0;
}

uint32_t xs_txn_count_new(const struct xs_txn *t, const struct xs_tree *tree)
{
    uint32_t n = 0;
    for (const struct xs_tnode *tn = t->all; tn; tn = tn->anext)
        n += tn->exists && !xs_tree_get(tree, tn->path, tn->len);
    return n;
}

int xs_txn_commit(struct xs_txn *t, struct xs_tree *tree, xs_change_fn *fn, void *ctx)
{
    int rc = xs_txn_check(t, tree);
    if (rc)
        return rc;
    size_t n = 0;
    for (struct xs_tnode *tn = t->all; tn; tn = tn->anext)
        n += tn->dirty || tn->kids_dirty;
    if (!n)
        return 0;
    struct xs_tnode **v = malloc(sizeof(*v) * n);
    if (!v)
        return -ENOMEM;
    n = 0;
    for (struct xs_tnode *tn = t->all; tn; tn = tn->anext)
        if (tn->dirty || tn->kids_dirty)
            v[n++] = tn;
    qsort(v, n, sizeof(*v), cmp_len);
    for (size_t i = 0; i < n && !rc; i++)
        rc = commit_one(tree, v[i], fn, ctx);
    free(v);
    return rc;
}

/* ---- entry points ---- */

int xs_db_get(struct xs_tree *tree, struct xs_txn *txn, const char *path, size_t len,
              struct xs_view *v)
{
    return txn ? txn_get(tree, txn, path, len, v) : xs_live_get(tree, path, len, v);
}

int xs_db_list(struct xs_tree *tree, struct xs_txn *txn, const char *path, size_t len,
               size_t off, char *buf, size_t cap, size_t *used, bool *end, uint64_t *gen)
{
    return txn ? txn_list(tree, txn, path, len, off, buf, cap, used, end, gen)
               : xs_live_list(tree, path, len, off, buf, cap, used, end, gen);
}

int xs_db_write(struct xs_tree *tree, struct xs_txn *txn, const char *path, size_t len,
                const uint8_t *val, uint32_t vlen, int64_t owner, uint32_t *created)
{
    return txn ? txn_write(tree, txn, path, len, val, vlen, owner, created)
               : xs_live_write(tree, path, len, val, vlen, owner, created);
}

int xs_db_set_perms(struct xs_tree *tree, struct xs_txn *txn, const char *path, size_t len,
                    const struct xs_perm *perms, uint32_t nperms)
{
    return txn ? txn_set_perms(tree, txn, path, len, perms, nperms)
               : xs_live_set_perms(tree, path, len, perms, nperms);
}

int xs_db_rm(struct xs_tree *tree, struct xs_txn *txn, const char *path, size_t len)
{
    return txn ? txn_rm(tree, txn, path, len) : xs_live_rm(tree, path, len);
}
