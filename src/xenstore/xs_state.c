/* XenStore state file: the whole tree (pre-order, so parents come first)
 * and the domain table, written to FILE.tmp then renamed over FILE so a
 * crash mid-save never leaves a torn file; loaded back at start.
 *
 * Format (host byte order): magic "DXSSTAT1", then records:
 *   'N' u32 pathlen u32 vlen u32 nperms path value (u32 domid, u32 mode)*nperms
 *   'D' u32 domid u8 introduced u64 gfn u32 evtchn i64 target u32 features
 *   'E' end of file */
#include "xenstore/xs_server.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char xs_state_magic[8] = { 'D', 'X', 'S', 'S', 'T', 'A', 'T', '1' };

static int put(FILE *f, const void *p, size_t n)
{
    return n && fwrite(p, 1, n, f) != n ? -EIO : 0;
}

static int save_node(FILE *f, const struct xs_node *n)
{
    uint32_t hdr[3] = { (uint32_t)n->pathlen, n->vlen, n->nperms };
    int rc;
    if ((rc = put(f, "N", 1)) || (rc = put(f, hdr, sizeof(hdr))) ||
        (rc = put(f, n->path, n->pathlen)) || (rc = put(f, n->val, n->vlen)) ||
        (rc = put(f, n->perms, sizeof(*n->perms) * n->nperms)))
        return rc;
    return 0;
}

static int save_all(FILE *f, struct xs_server *s)
{
    int rc = put(f, xs_state_magic, sizeof(xs_state_magic));
    /* Iterative pre-order walk. */
    const struct xs_node *n = s->tree.root;
    while (n && !rc) {
        rc = save_node(f, n);
        if (n->first) {
            n = n->first;
            continue;
        }
        while (n && !n->next)
            n = n->parent;
        if (n)
            n = n->next;
    }
    for (unsigned b = 0; b < XS_DOM_BUCKETS && !rc; b++) {
        for (const struct xs_domain *d = s->doms[b]; d && !rc; d = d->next) {
            uint8_t intro = d->introduced;
            if ((rc = put(f, "D", 1)) || (rc = put(f, &d->domid, 4)) || (rc = put(f, &intro, 1)) ||
                (rc = put(f, &d->gfn, 8)) || (rc = put(f, &d->evtchn, 4)) ||
                (rc = put(f, &d->target, 8)) || (rc = put(f, &d->features, 4)))
                break;
        }
    }
    if (!rc)
        rc = put(f, "E", 1);
    return rc;
}

int xs_state_save(struct xs_server *s, const char *file)
{
    char tmp[4096];
    if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", file) >= sizeof(tmp))
        return -ENAMETOOLONG;
    FILE *f = fopen(tmp, "wb");
    if (!f)
        return -errno;
    int rc = save_all(f, s);
    if (fflush(f) || fsync(fileno(f)))
        rc = rc ? rc : -errno;
    if (fclose(f))
        rc = rc ? rc : -EIO;
    if (!rc && rename(tmp, file))
        rc = -errno;
    if (rc)
        unlink(tmp);
    else
        s->saved_gen = s->tree.gen;
    return rc;
}

static int get(FILE *f, void *p, size_t n)
{
    return n && fread(p, 1, n, f) != n ? -EINVAL : 0;
}

static int load_node(FILE *f, struct xs_server *s)
{
    uint32_t hdr[3];
    char *path = NULL;
    uint8_t *val = NULL;
    struct xs_perm *perms = NULL;
    int rc = get(f, hdr, sizeof(hdr));
    if (rc)
        return rc;
    if (!hdr[0] || hdr[0] > XS_ABS_PATH_MAX || hdr[1] > XS_PAYLOAD_MAX || !hdr[2] ||
        hdr[2] > XS_PERMS_HARD_MAX)
        return -EINVAL;
    path = malloc(hdr[0] + 1);
    val = malloc(hdr[1] + 1);
    perms = malloc(sizeof(*perms) * hdr[2]);
    if (!path || !val || !perms) {
        rc = -ENOMEM;
        goto out;
    }
    if ((rc = get(f, path, hdr[0])) || (rc = get(f, val, hdr[1])) ||
        (rc = get(f, perms, sizeof(*perms) * hdr[2])))
        goto out;
    path[hdr[0]] = 0;
    if (path[0] != '/' || memchr(path, 0, hdr[0]) || (hdr[0] > 1 && path[hdr[0] - 1] == '/')) {
        rc = -EINVAL;
        goto out;
    }
    for (uint32_t i = 0; i < hdr[2]; i++)
        perms[i].mode &= XS_PERM_BOTH;
    struct xs_node *n;
    if ((rc = xs_tree_ensure(&s->tree, path, hdr[0], -1, &n, NULL)) ||
        (rc = xs_tree_set_value(&s->tree, n, val, hdr[1])) ||
        (rc = xs_tree_set_perms(&s->tree, n, perms, hdr[2])))
        goto out;
out:
    free(path);
    free(val);
    free(perms);
    return rc;
}

static int load_domain(FILE *f, struct xs_server *s)
{
    uint32_t domid, evtchn, features;
    uint8_t intro;
    uint64_t gfn;
    int64_t target;
    int rc;
    if ((rc = get(f, &domid, 4)) || (rc = get(f, &intro, 1)) || (rc = get(f, &gfn, 8)) ||
        (rc = get(f, &evtchn, 4)) || (rc = get(f, &target, 8)) || (rc = get(f, &features, 4)))
        return rc;
    struct xs_domain *d = xs_server_domain(s, domid, true);
    if (!d)
        return -ENOMEM;
    d->introduced = intro != 0;
    d->gfn = gfn;
    d->evtchn = evtchn;
    d->target = target < -1 || target > 0xFFFF ? -1 : target;
    d->features = features;
    return 0;
}

int xs_state_load(struct xs_server *s, const char *file)
{
    FILE *f = fopen(file, "rb");
    if (!f)
        return -errno;
    char magic[sizeof(xs_state_magic)];
    int rc = get(f, magic, sizeof(magic));
    if (!rc && memcmp(magic, xs_state_magic, sizeof(magic)))
        rc = -EINVAL;
    while (!rc) {
        char kind;
        if ((rc = get(f, &kind, 1)))
            break;
        if (kind == 'E')
            break;
        else if (kind == 'N')
            rc = load_node(f, s);
        else if (kind == 'D')
            rc = load_domain(f, s);
        else
            rc = -EINVAL;
    }
    fclose(f);
    if (!rc)
        s->saved_gen = s->tree.gen;
    return rc;
}
