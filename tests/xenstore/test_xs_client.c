/* Client library test against a running daemon ($XENSTORED_PATH, started by
 * tests/xenstore/client.sh): every xs_client.h call, its errors and
 * messages, watches interleaved with replies, transactions, big listings. */
#include "xenstore/xs_client.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;

static void tap(int ok, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("%s - ", ok ? "ok" : "not ok");
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
    failures += !ok;
}

static int read_is(struct xs_handle *h, uint32_t tx, const char *p, const char *want)
{
    char *v;
    unsigned len;
    if (xs_read(h, tx, p, &v, &len))
        return 0;
    int ok = len == strlen(want) && !strcmp(v, want);
    free(v);
    return ok;
}

int main(void)
{
    struct xs_handle *h, *h2, *bad;
    tap(xs_open("/nonexistent/socket", &bad) < 0 && bad == NULL, "open of a missing socket fails");
    if (xs_open(NULL, &h) || xs_open(NULL, &h2)) {
        printf("not ok - cannot connect to $XENSTORED_PATH\n");
        return 1;
    }
    tap(xs_write(h, 0, "/c/a", "hello", 5) == 0 && read_is(h, 0, "/c/a", "hello"), "write/read");
    char *v;
    unsigned len;
    int rc = xs_read(h, 0, "/c/missing", &v, &len);
    tap(rc == -ENOENT && strstr(xs_errmsg(h), "ENOENT") && strstr(xs_errmsg(h), "/c/missing"),
        "read error -ENOENT with message '%s'", xs_errmsg(h));
    tap(xs_write(h, 0, "/c//x", "", 0) == -EINVAL, "bad path -EINVAL");
    tap(xs_mkdir(h, 0, "/c/dir") == 0 && read_is(h, 0, "/c/dir", ""), "mkdir");
    char **names;
    unsigned num;
    tap(xs_directory(h, 0, "/c", &names, &num) == 0 && num == 2 && !strcmp(names[0], "a") &&
            !strcmp(names[1], "dir") && names[2] == NULL, "directory");
    free(names);
    struct xs_perm p[2] = { { 3, XS_PERM_NONE }, { 4, XS_PERM_READ } }, *gp;
    tap(xs_set_perms(h, 0, "/c/a", p, 2) == 0 && xs_get_perms(h, 0, "/c/a", &gp, &num) == 0 &&
            num == 2 && gp[0].domid == 3 && gp[1].mode == XS_PERM_READ, "set/get perms");
    free(gp);
    struct xs_perm pp;
    char ps[16];
    tap(xs_perm_parse("b12", &pp) == 0 && pp.domid == 12 && pp.mode == XS_PERM_BOTH &&
            (xs_perm_format(&pp, ps), !strcmp(ps, "b12")) && xs_perm_parse("q1", &pp) == -EINVAL,
        "perm string helpers");

    /* Watches: the event arrives on h while h makes other requests. */
    tap(xs_watch(h, "/c", "tok") == 0, "watch");
    char *buf;
    const char *wp, *wt;
    tap(xs_read_watch(h, &buf, &wp, &wt) == 0 && !strcmp(wp, "/c") && !strcmp(wt, "tok"),
        "initial watch event");
    free(buf);
    xs_write(h2, 0, "/c/b", "1", 1);
    tap(read_is(h, 0, "/c/a", "hello"), "request while an event is pending");
    tap(xs_watch_pending(h), "event queued during the request");
    tap(xs_read_watch(h, &buf, &wp, &wt) == 0 && !strcmp(wp, "/c/b"), "queued event delivered");
    free(buf);
    tap(xs_unwatch(h, "/c", "tok") == 0 && xs_unwatch(h, "/c", "tok") == -ENOENT, "unwatch");

    /* Transactions. */
    uint32_t tx;
    tap(xs_transaction_start(h, &tx) == 0 && tx != 0, "transaction start");
    xs_write(h, tx, "/c/t", "x", 1);
    tap(read_is(h, tx, "/c/t", "x") && !read_is(h2, 0, "/c/t", "x"), "transaction isolation");
    tap(xs_transaction_end(h, tx, false) == 0 && read_is(h2, 0, "/c/t", "x"), "commit");
    xs_transaction_start(h, &tx);
    read_is(h, tx, "/c/t", "x");
    xs_write(h2, 0, "/c/t", "y", 1);
    xs_write(h, tx, "/c/t", "z", 1);
    tap(xs_transaction_end(h, tx, false) == -EAGAIN && read_is(h, 0, "/c/t", "y"),
        "conflicting commit -EAGAIN");
    xs_transaction_start(h, &tx);
    xs_write(h, tx, "/c/gone", "x", 1);
    tap(xs_transaction_end(h, tx, true) == 0 && xs_read(h, 0, "/c/gone", &v, &len) == -ENOENT,
        "abort");

    /* A directory bigger than one payload comes back through DIRECTORY_PART. */
    xs_transaction_start(h, &tx);
    for (int i = 0; i < 3000; i++) {
        char k[64];
        snprintf(k, sizeof(k), "/c/big/some-longer-key-name-%d", i);
        xs_write(h, tx, k, "", 0);
    }
    xs_transaction_end(h, tx, false);
    tap(xs_directory(h, 0, "/c/big", &names, &num) == 0 && num == 3000 &&
            !strcmp(names[2999], "some-longer-key-name-2999"), "directory of 3000 children");
    free(names);
    tap(xs_rm(h, 0, "/c/big") == 0 && xs_rm(h, 0, "/c/big") == 0 && xs_rm(h, 0, "/nope/x") == -ENOENT,
        "rm semantics");

    /* Domain management. */
    char *dp;
    bool yes;
    tap(xs_get_domain_path(h, 5, &dp) == 0 && !strcmp(dp, "/local/domain/5"), "get domain path");
    free(dp);
    tap(xs_watch(h, "@introduceDomain", "i") == 0 && xs_read_watch(h, &buf, &wp, &wt) == 0,
        "watch @introduceDomain");
    free(buf);
    tap(xs_introduce(h, 5, 0x1234, 7) == 0 && xs_read_watch(h, &buf, &wp, &wt) == 0 &&
            !strcmp(wp, "@introduceDomain"), "introduce fires @introduceDomain");
    free(buf);
    tap(xs_is_domain_introduced(h, 5, &yes) == 0 && yes, "domain introduced");
    tap(xs_set_target(h, 6, 5) == 0, "set target");
    tap(xs_release(h, 5) == 0 && xs_is_domain_introduced(h, 5, &yes) == 0 && !yes, "release");
    tap(xs_release(h, 5) == -ENOENT, "second release -ENOENT");

    /* CONTROL and act-as. */
    char *rep;
    const char *args[] = { "8" };
    tap(xs_control(h, "help", NULL, 0, &rep, &len) == 0 && strstr(rep, "act-as"), "control help");
    free(rep);
    tap(xs_control(h2, "act-as", args, 1, &rep, &len) == 0, "act-as 8");
    free(rep);
    tap(xs_read(h2, 0, "/c/a", &v, &len) == -EACCES, "acting domain gets -EACCES");
    tap(xs_write(h2, 0, "x", "1", 1) == -EACCES, "no write under a dom0-owned /local/domain/8");
    xs_close(h2);
    xs_close(h);
    return failures ? 1 : 0;
}
