/* xenstore-{read,write,ls,list,rm,exists,chmod,watch,control}: one source,
 * the tool is chosen by the program name. Options and output formats follow
 * Xen's tools (xenstore-ls prints indented `name = "value"`, -f full paths,
 * -p permissions; values are escaped unless -R). Connects to
 * $XENSTORED_PATH (default /run/domus/xenstored/socket). */
#include "xenstore/xs_client.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define LS_WIDTH_DEFAULT 80
#define LS_PERM_COLUMN 60

struct tool_opts {
    bool prefix, raw, full, perms, tidy, recurse, update;
    int width;                    /* xenstore-ls line width: terminal or 80 */
    long count;
};

/* Escape a value for display: \\ for backslash, C escapes for the usual
 * controls, octal for other controls, \xNN for bytes >= 0x7f. */
static char *escape(const char *v, unsigned len)
{
    char *o = malloc((size_t)len * 4 + 1), *p = o;
    if (!o)
        return NULL;
    for (unsigned i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)v[i];
        const char *e = NULL;
        switch (ch) {
        case '\t': e = "\\t"; break;
        case '\n': e = "\\n"; break;
        case '\r': e = "\\r"; break;
        case '\a': e = "\\a"; break;
        case '\b': e = "\\b"; break;
        case '\f': e = "\\f"; break;
        case '\v': e = "\\v"; break;
        case '\\': e = "\\\\"; break;
        default: break;
        }
        if (e)
            p += sprintf(p, "%s", e);
        else if (ch < 0x20)
            p += sprintf(p, "\\%03o", ch);
        else if (ch >= 0x7f)
            p += sprintf(p, "\\x%02x", ch);
        else
            *p++ = (char)ch;
    }
    *p = 0;
    return o;
}

/* Undo escape() (plus \NNN octal and \xNN hex); unknown escapes keep the char. */
static size_t unescape(const char *s, char *o)
{
    size_t n = 0;
    while (*s) {
        if (*s != '\\' || !s[1]) {
            o[n++] = *s++;
            continue;
        }
        s++;
        char ch = *s++;
        switch (ch) {
        case 't': o[n++] = '\t'; break;
        case 'n': o[n++] = '\n'; break;
        case 'r': o[n++] = '\r'; break;
        case 'a': o[n++] = '\a'; break;
        case 'b': o[n++] = '\b'; break;
        case 'f': o[n++] = '\f'; break;
        case 'v': o[n++] = '\v'; break;
        case 'x': {
            unsigned v = 0, k = 0;
            while (k < 2 && s[k] && strchr("0123456789abcdefABCDEF", s[k])) {
                char c = s[k++];
                v = v * 16 + (unsigned)(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
            }
            s += k;
            o[n++] = k ? (char)v : 'x';
            break;
        }
        default:
            if (ch >= '0' && ch <= '7') {
                unsigned v = (unsigned)(ch - '0'), k = 0;
                while (k < 2 && *s >= '0' && *s <= '7')
                    v = v * 8 + (unsigned)(*s++ - '0'), k++;
                o[n++] = (char)v;
            } else {
                o[n++] = ch;
            }
        }
    }
    o[n] = 0;
    return n;
}

static void perms_string(const struct xs_perm *p, unsigned n, char *buf, size_t cap)
{
    size_t u = 0;
    buf[0] = 0;
    for (unsigned i = 0; i < n && u + 16 < cap; i++) {
        char s[16];
        xs_perm_format(&p[i], s);
        u += (size_t)snprintf(buf + u, cap - u, "%s%s", i ? "," : "", s);
    }
}

static int ls_node(struct xs_handle *h, const char *path, int depth, const struct tool_opts *o)
{
    char **names;
    unsigned num;
    int rc = xs_directory(h, 0, path, &names, &num);
    if (rc)
        return rc;
    for (unsigned i = 0; i < num; i++) {
        char child[4096];
        snprintf(child, sizeof(child), "%s%s%s", strcmp(path, "/") ? path : "",
                 "/", names[i]);
        char *val = NULL;
        unsigned vlen = 0;
        if (xs_read(h, 0, child, &val, &vlen))
            continue;                           /* unreadable or gone: skip */
        char *esc = escape(val, vlen);
        free(val);
        if (!esc)
            return -ENOMEM;
        char line[8192];
        int w;
        if (o->full)
            w = snprintf(line, sizeof(line), "%s = \"%s\"", child, esc);
        else {
            w = snprintf(line, sizeof(line), "%*s%s = ", depth, "", names[i]);
            int room = o->width - 5 - w;
            if (room < 0)
                room = 0;
            if ((int)strlen(esc) + w + 2 > o->width - (o->perms ? 4 : 3))
                w += snprintf(line + w, sizeof(line) - (size_t)w, "\"%.*s\\...\"", room, esc);
            else
                w += snprintf(line + w, sizeof(line) - (size_t)w, "\"%s\"", esc);
        }
        free(esc);
        fputs(line, stdout);
        if (o->perms) {
            struct xs_perm *p;
            unsigned np;
            char ps[1024];
            if (xs_get_perms(h, 0, child, &p, &np) == 0) {
                perms_string(p, np, ps, sizeof(ps));
                free(p);
            } else {
                strcpy(ps, "?");
            }
            bool truncated = !o->full && strstr(line, "\\...\"") &&
                             line[strlen(line) - 1] == '"' && w >= o->width - 6;
            if (!truncated) {
                putchar(' ');
                if (!o->full)
                    for (int col = w + 1; col < LS_PERM_COLUMN; col++)
                        putchar(col & 1 ? '.' : ' ');
            }
            printf("  (%s)", ps);
        }
        putchar('\n');
        rc = ls_node(h, child, depth + 1, o);
        if (rc && rc != -EACCES && rc != -ENOENT) {
            free(names);
            return rc;
        }
    }
    free(names);
    return 0;
}

static int chmod_one(struct xs_handle *h, const char *path, const struct xs_perm *p,
                     unsigned n, const struct tool_opts *o)
{
    int rc;
    if (o->update) {
        struct xs_perm *old, merged[256];
        unsigned on, mn;
        if ((rc = xs_get_perms(h, 0, path, &old, &on)))
            return rc;
        mn = on < 256 ? on : 256;
        memcpy(merged, old, sizeof(*old) * mn);
        free(old);
        for (unsigned i = 0; i < n; i++) {
            unsigned j = 1;
            while (j < mn && merged[j].domid != p[i].domid)
                j++;
            if (j < mn)
                merged[j] = p[i];
            else if (mn < 256)
                merged[mn++] = p[i];
        }
        rc = xs_set_perms(h, 0, path, merged, mn);
    } else {
        rc = xs_set_perms(h, 0, path, p, n);
    }
    if (rc || !o->recurse)
        return rc;
    char **names;
    unsigned num;
    if ((rc = xs_directory(h, 0, path, &names, &num)))
        return rc;
    for (unsigned i = 0; i < num && !rc; i++) {
        char child[4096];
        snprintf(child, sizeof(child), "%s/%s", strcmp(path, "/") ? path : "", names[i]);
        rc = chmod_one(h, child, p, n, o);
    }
    free(names);
    return rc;
}

static int usage(const char *tool)
{
    static const struct { const char *name, *use; } u[] = {
        { "xenstore-read", "[-h] [-p] [-s] [-R] key [...]" },
        { "xenstore-write", "[-h] [-s] [-R] key value [...]" },
        { "xenstore-rm", "[-h] [-s] [-t] key [...]" },
        { "xenstore-exists", "[-h] [-p] [-s] key [...]" },
        { "xenstore-list", "[-h] [-p] [-s] key [...]" },
        { "xenstore-ls", "[-h] [-f] [-p] [-s] [path]" },
        { "xenstore-chmod", "[-h] [-u] [-r] [-s] key <mode [modes...]>" },
        { "xenstore-watch", "[-h] [-n NR] key" },
        { "xenstore-control", "[-h] command [args...]" },
    };
    for (size_t i = 0; i < sizeof(u) / sizeof(u[0]); i++)
        if (!strcmp(tool, u[i].name))
            fprintf(stderr, "%s: Usage: %s %s\n", tool, tool, u[i].use);
    return 2;
}

static int run(struct xs_handle *h, const char *tool, int argc, char **argv,
               const struct tool_opts *o)
{
    int rc = 0;
    if (!strcmp(tool, "xenstore-read")) {
        for (int i = 0; i < argc; i++) {
            char *val;
            unsigned len;
            if (xs_read(h, 0, argv[i], &val, &len)) {
                fprintf(stderr, "%s: couldn't read path %s\n", tool, argv[i]);
                return 1;
            }
            char *out = o->raw ? NULL : escape(val, len);
            if (o->prefix)
                printf("%s: ", argv[i]);
            if (out)
                fputs(out, stdout);
            else
                fwrite(val, 1, len, stdout);
            if (!o->raw)
                putchar('\n');
            free(out);
            free(val);
        }
    } else if (!strcmp(tool, "xenstore-write")) {
        if (argc % 2)
            return usage(tool);
        uint32_t tx;
        if (xs_transaction_start(h, &tx))
            tx = 0;
        for (int i = 0; i < argc; i += 2) {
            char *buf = malloc(strlen(argv[i + 1]) + 1);
            if (!buf)
                return 1;
            size_t len = o->raw ? (strcpy(buf, argv[i + 1]), strlen(buf)) : unescape(argv[i + 1], buf);
            rc = xs_write(h, tx, argv[i], buf, (unsigned)len);
            free(buf);
            if (rc) {
                fprintf(stderr, "%s: could not write path %s\n", tool, argv[i]);
                if (tx)
                    xs_transaction_end(h, tx, true);
                return 1;
            }
        }
        if (tx && (rc = xs_transaction_end(h, tx, false))) {
            fprintf(stderr, "%s: %s\n", tool, xs_errmsg(h));
            return 1;
        }
    } else if (!strcmp(tool, "xenstore-rm")) {
        for (int i = 0; i < argc; i++) {
            if (xs_rm(h, 0, argv[i])) {
                fprintf(stderr, "%s: could not remove path %s\n", tool, argv[i]);
                return 1;
            }
            if (!o->tidy)
                continue;
            char p[4096];
            snprintf(p, sizeof(p), "%s", argv[i]);
            for (char *s = strrchr(p, '/'); s && s > p; s = strrchr(p, '/')) {
                *s = 0;
                char **names;
                unsigned num;
                if (xs_directory(h, 0, p, &names, &num))
                    break;
                free(names);
                if (num || xs_rm(h, 0, p))
                    break;
            }
        }
    } else if (!strcmp(tool, "xenstore-exists")) {
        for (int i = 0; i < argc; i++) {
            char *val;
            unsigned len;
            if (xs_read(h, 0, argv[i], &val, &len))
                return 1;
            free(val);
        }
    } else if (!strcmp(tool, "xenstore-list")) {
        for (int i = 0; i < argc; i++) {
            char **names;
            unsigned num;
            if (xs_directory(h, 0, argv[i], &names, &num)) {
                fprintf(stderr, "%s: couldn't list path %s\n", tool, argv[i]);
                return 1;
            }
            for (unsigned k = 0; k < num; k++) {
                if (o->prefix)
                    printf("%s/", strcmp(argv[i], "/") ? argv[i] : "");
                printf("%s\n", names[k]);
            }
            free(names);
        }
    } else if (!strcmp(tool, "xenstore-ls")) {
        if (argc > 1)
            return usage(tool);
        const char *path = argc ? argv[0] : "/";
        if ((rc = ls_node(h, path, 0, o))) {
            fprintf(stderr, "%s: could not access path %s: %s\n", tool, path, xs_errmsg(h));
            return 1;
        }
    } else if (!strcmp(tool, "xenstore-chmod")) {
        if (argc < 2)
            return usage(tool);
        struct xs_perm p[256];
        unsigned n = 0;
        for (int i = 1; i < argc && n < 256; i++) {
            if (xs_perm_parse(argv[i], &p[n++])) {
                fprintf(stderr, "%s: bad permission %s\n", tool, argv[i]);
                return 1;
            }
        }
        if (chmod_one(h, argv[0], p, n, o)) {
            fprintf(stderr, "%s: could not set permissions on %s: %s\n", tool, argv[0],
                    xs_errmsg(h));
            return 1;
        }
    } else if (!strcmp(tool, "xenstore-watch")) {
        if (argc != 1)
            return usage(tool);
        if (xs_watch(h, argv[0], "xenstore-watch")) {
            fprintf(stderr, "%s: %s\n", tool, xs_errmsg(h));
            return 1;
        }
        for (long k = 0; o->count <= 0 || k < o->count; k++) {
            char *buf;
            const char *path, *tok;
            if (xs_read_watch(h, &buf, &path, &tok)) {
                fprintf(stderr, "%s: %s\n", tool, xs_errmsg(h));
                return 1;
            }
            printf("%s\n", path);
            fflush(stdout);
            free(buf);
        }
    } else if (!strcmp(tool, "xenstore-control")) {
        if (argc < 1)
            return usage(tool);
        char *rep;
        unsigned len;
        if (xs_control(h, argv[0], (const char *const *)argv + 1, argc - 1, &rep, &len)) {
            fprintf(stderr, "%s: %s\n", tool, xs_errmsg(h));
            return 3;
        }
        for (unsigned i = 0; i < len; i++)
            if (!rep[i])
                rep[i] = i + 1 < len ? '\n' : 0;
        printf("%s%s", rep, len && rep[strlen(rep) ? strlen(rep) - 1 : 0] == '\n' ? "" : "\n");
        free(rep);
    } else {
        fprintf(stderr, "unknown tool name %s\n", tool);
        return 2;
    }
    return 0;
}

int main(int argc, char **argv)
{
    const char *tool = strrchr(argv[0], '/');
    tool = tool ? tool + 1 : argv[0];
    struct tool_opts o = { 0 };
    int opt;
    const char *optstr = !strcmp(tool, "xenstore-control") ? "+h" : "+hpsRftrun:";
    while ((opt = getopt(argc, argv, optstr)) != -1) {
        switch (opt) {
        case 'p': o.prefix = o.perms = true; break;
        case 's': break;                          /* socket is the only transport */
        case 'R': o.raw = true; break;
        case 'f': o.full = true; break;
        case 't': o.tidy = true; break;
        case 'r': o.recurse = true; break;
        case 'u': o.update = true; break;
        case 'n': o.count = strtol(optarg, NULL, 10); break;
        case 'h': usage(tool); return 0;
        default: return usage(tool);
        }
    }
    argc -= optind;
    argv += optind;
    struct winsize ws;
    o.width = LS_WIDTH_DEFAULT;
    if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 20)
        o.width = ws.ws_col;
    if (!argc && strcmp(tool, "xenstore-ls"))
        return usage(tool);
    struct xs_handle *h;
    int rc = xs_open(NULL, &h);
    if (rc) {
        fprintf(stderr, "%s: cannot connect to xenstored: %s\n", tool, strerror(-rc));
        return 1;
    }
    rc = run(h, tool, argc, argv, &o);
    xs_close(h);
    return rc;
}
