/* xenstore-bench: one connection, synchronous requests, raw throughput of a
 * XenStore daemon (ours or Xen's): N writes, N reads, a DIRECTORY of the
 * bench root and the removal of the whole tree.
 * usage: xenstore-bench SOCKET [N=20000] [FANOUT=0]
 *   FANOUT 0: flat /bench/k<i>; F > 0: /bench/d<i/F>/k<i>
 * Output: one line "writes/s reads/s rm_ms dir=<entries|error>". */
#include "xenstore/xs_client.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void key(char *buf, size_t cap, long i, long fan)
{
    if (fan)
        snprintf(buf, cap, "/bench/d%ld/k%ld", i / fan, i);
    else
        snprintf(buf, cap, "/bench/k%ld", i);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: xenstore-bench SOCKET [N] [FANOUT]\n");
        return 2;
    }
    long n = argc > 2 ? atol(argv[2]) : 20000, fan = argc > 3 ? atol(argv[3]) : 0;
    struct xs_handle *h;
    int rc = xs_open(argv[1], &h);
    if (rc) {
        fprintf(stderr, "xenstore-bench: connect %s: %d\n", argv[1], rc);
        return 1;
    }
    xs_rm(h, 0, "/bench");
    char k[64], v[32];
    double t0 = now();
    for (long i = 0; i < n; i++) {
        key(k, sizeof(k), i, fan);
        int l = snprintf(v, sizeof(v), "v%ld", i);
        if ((rc = xs_write(h, 0, k, v, (unsigned)l))) {
            fprintf(stderr, "xenstore-bench: %s\n", xs_errmsg(h));
            return 1;
        }
    }
    double t1 = now();
    for (long i = 0; i < n; i++) {
        char *val;
        unsigned len;
        key(k, sizeof(k), i, fan);
        int l = snprintf(v, sizeof(v), "v%ld", i);
        if ((rc = xs_read(h, 0, k, &val, &len)) || len != (unsigned)l || memcmp(val, v, len)) {
            fprintf(stderr, "xenstore-bench: read %s: %s\n", k, rc ? xs_errmsg(h) : "wrong value");
            return 1;
        }
        free(val);
    }
    double t2 = now();
    char **names;
    unsigned num;
    char dir[32];
    if (xs_directory(h, 0, "/bench", &names, &num) == 0) {
        snprintf(dir, sizeof(dir), "%u", num);
        free(names);
    } else {
        snprintf(dir, sizeof(dir), "error");
    }
    double t3 = now();
    xs_rm(h, 0, "/bench");
    double t4 = now();
    printf("%.0f %.0f %.1f dir=%s\n", (double)n / (t1 - t0), (double)n / (t2 - t1),
           (t4 - t3) * 1000, dir);
    xs_close(h);
    return 0;
}
