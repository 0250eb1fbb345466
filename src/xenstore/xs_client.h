/* XenStore client library: a blocking connection to a xenstored unix socket
 * speaking Xen's wire protocol. Every call returns 0 or -errno (the errno of
 * the daemon's ERROR reply, or of the failed system call) and leaves a
 * readable message in xs_errmsg(h). Watch events that arrive while waiting
 * for a reply are queued (bounded) for xs_read_watch. Not thread safe: one
 * handle per thread. */
#ifndef DOMUS_XS_CLIENT_H
#define DOMUS_XS_CLIENT_H

#include <stdbool.h>
#include <stdint.h>

#include "xenstore/xs_wire.h"

struct xs_handle;

#define XS_NO_TXN 0u

/* path NULL: $XENSTORED_PATH, else /run/domus/xenstored/socket. *out is
 * NULL on failure. */
int xs_open(const char *path, struct xs_handle **out);
void xs_close(struct xs_handle *h);
const char *xs_errmsg(const struct xs_handle *h);
int xs_fileno(const struct xs_handle *h);       /* poll for watch events */

/* *val is malloc'd and NUL terminated (len excludes the NUL). */
int xs_read(struct xs_handle *h, uint32_t tx, const char *path, char **val, unsigned *len);
int xs_write(struct xs_handle *h, uint32_t tx, const char *path, const void *data, unsigned len);
int xs_mkdir(struct xs_handle *h, uint32_t tx, const char *path);
int xs_rm(struct xs_handle *h, uint32_t tx, const char *path);
/* *names: one malloc'd block (array of pointers then strings); free(*names). */
int xs_directory(struct xs_handle *h, uint32_t tx, const char *path, char ***names, unsigned *num);
/* *perms malloc'd; entry 0 is the owner. */
int xs_get_perms(struct xs_handle *h, uint32_t tx, const char *path, struct xs_perm **perms,
                 unsigned *num);
int xs_set_perms(struct xs_handle *h, uint32_t tx, const char *path, const struct xs_perm *perms,
                 unsigned num);
int xs_watch(struct xs_handle *h, const char *path, const char *token);
int xs_unwatch(struct xs_handle *h, const char *path, const char *token);
/* Block until a watch event; *path and *token point into *buf (free it). */
int xs_read_watch(struct xs_handle *h, char **buf, const char **path, const char **token);
bool xs_watch_pending(const struct xs_handle *h);
int xs_transaction_start(struct xs_handle *h, uint32_t *tx);
int xs_transaction_end(struct xs_handle *h, uint32_t tx, bool abort);
int xs_introduce(struct xs_handle *h, unsigned domid, uint64_t gfn, unsigned evtchn);
int xs_release(struct xs_handle *h, unsigned domid);
int xs_get_domain_path(struct xs_handle *h, unsigned domid, char **path);
int xs_is_domain_introduced(struct xs_handle *h, unsigned domid, bool *yes);
int xs_set_target(struct xs_handle *h, unsigned domid, unsigned target);
/* CONTROL: cmd followed by nargs NUL-terminated arguments; *reply malloc'd. */
int xs_control(struct xs_handle *h, const char *cmd, const char *const *args, int nargs,
               char **reply, unsigned *len);
/* Raw request: payload sent as is; *reply malloc'd (NUL appended). */
int xs_request(struct xs_handle *h, uint32_t type, uint32_t tx, const void *payload,
               unsigned len, char **reply, unsigned *rlen);

/* Permission string helpers ("r5" <-> {5, READ}). */
int xs_perm_parse(const char *s, struct xs_perm *p);
void xs_perm_format(const struct xs_perm *p, char buf[16]);

#endif
