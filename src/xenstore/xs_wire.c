/* XenStore wire protocol tables: error names (the set Xen's xs_wire.h
 * lists, sent by name in ERROR replies) and message type names for logs. */
#include "xenstore/xs_wire.h"

#include <errno.h>
#include <string.h>

struct xs_err_name {
    int err;
    const char *name;
};

static const struct xs_err_name xs_err_table[] = {
    { EINVAL, "EINVAL" }, { EACCES, "EACCES" }, { EEXIST, "EEXIST" },
    { EISDIR, "EISDIR" }, { ENOENT, "ENOENT" }, { ENOMEM, "ENOMEM" },
    { ENOSPC, "ENOSPC" }, { EIO, "EIO" }, { ENOTEMPTY, "ENOTEMPTY" },
    { ENOSYS, "ENOSYS" }, { EROFS, "EROFS" }, { EBUSY, "EBUSY" },
    { EAGAIN, "EAGAIN" }, { EISCONN, "EISCONN" }, { E2BIG, "E2BIG" },
    { EPERM, "EPERM" },
};

static const char *const xs_type_names[XS_TYPE_COUNT] = {
    [XS_CONTROL] = "CONTROL", [XS_DIRECTORY] = "DIRECTORY", [XS_READ] = "READ",
    [XS_GET_PERMS] = "GET_PERMS", [XS_WATCH] = "WATCH", [XS_UNWATCH] = "UNWATCH",
    [XS_TRANSACTION_START] = "TRANSACTION_START", [XS_TRANSACTION_END] = "TRANSACTION_END",
    [XS_INTRODUCE] = "INTRODUCE", [XS_RELEASE] = "RELEASE",
    [XS_GET_DOMAIN_PATH] = "GET_DOMAIN_PATH", [XS_WRITE] = "WRITE", [XS_MKDIR] = "MKDIR",
    [XS_RM] = "RM", [XS_SET_PERMS] = "SET_PERMS", [XS_WATCH_EVENT] = "WATCH_EVENT",
    [XS_ERROR] = "ERROR", [XS_IS_DOMAIN_INTRODUCED] = "IS_DOMAIN_INTRODUCED",
    [XS_RESUME] = "RESUME", [XS_SET_TARGET] = "SET_TARGET", [XS_RESTRICT] = "RESTRICT",
    [XS_RESET_WATCHES] = "RESET_WATCHES", [XS_DIRECTORY_PART] = "DIRECTORY_PART",
    [XS_GET_FEATURE] = "GET_FEATURE", [XS_SET_FEATURE] = "SET_FEATURE",
    [XS_GET_QUOTA] = "GET_QUOTA", [XS_SET_QUOTA] = "SET_QUOTA",
};

const char *xs_errno_name(int err)
{
    if (err < 0)
        err = -err;
    for (size_t i = 0; i < sizeof(xs_err_table) / sizeof(xs_err_table[0]); i++)
        if (xs_err_table[i].err == err)
            return xs_err_table[i].name;
    return "EINVAL";
}

int xs_errno_from_name(const char *name)
{
    for (size_t i = 0; i < sizeof(xs_err_table) / sizeof(xs_err_table[0]); i++)
        if (!strcmp(xs_err_table[i].name, name))
            return xs_err_table[i].err;
    return EINVAL;
}

const char *xs_type_name(uint32_t type)
{
    return type < XS_TYPE_COUNT ? xs_type_names[type] : "UNKNOWN";
}
