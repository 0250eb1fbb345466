/* XenStore wire protocol constants (facts from Xen's public io/xs_wire.h and
 * docs/misc/xenstore.txt): message header, message types, error names and
 * the size limits every message and path must respect. */
#ifndef DOMUS_XS_WIRE_H
#define DOMUS_XS_WIRE_H

#include <stdint.h>

/* Every message, in both directions: this header then `len` payload bytes. */
struct xs_msg_hdr {
    uint32_t type;
    uint32_t req_id;
    uint32_t tx_id;
    uint32_t len;
};

enum xs_msg_type {
    XS_CONTROL = 0,
    XS_DIRECTORY = 1,
    XS_READ = 2,
    XS_GET_PERMS = 3,
    XS_WATCH = 4,
    XS_UNWATCH = 5,
    XS_TRANSACTION_START = 6,
    XS_TRANSACTION_END = 7,
    XS_INTRODUCE = 8,
    XS_RELEASE = 9,
    XS_GET_DOMAIN_PATH = 10,
    XS_WRITE = 11,
    XS_MKDIR = 12,
    XS_RM = 13,
    XS_SET_PERMS = 14,
    XS_WATCH_EVENT = 15,
    XS_ERROR = 16,
    XS_IS_DOMAIN_INTRODUCED = 17,
    XS_RESUME = 18,
    XS_SET_TARGET = 19,
    XS_RESTRICT = 20,           /* withdrawn by Xen: answered ENOSYS */
    XS_RESET_WATCHES = 21,
    XS_DIRECTORY_PART = 22,
    XS_GET_FEATURE = 23,
    XS_SET_FEATURE = 24,
    XS_GET_QUOTA = 25,
    XS_SET_QUOTA = 26,
    XS_TYPE_COUNT
};

#define XS_PAYLOAD_MAX 4096u      /* XENSTORE_PAYLOAD_MAX */
#define XS_ABS_PATH_MAX 3072u     /* XENSTORE_ABS_PATH_MAX */
#define XS_REL_PATH_MAX 2048u     /* XENSTORE_REL_PATH_MAX */
#define XS_DOMID_FIRST_RESERVED 0x7FF0u

/* Server feature bits reported by GET_FEATURE. */
#define XS_FEATURE_RECONNECTION 1u
#define XS_FEATURE_ERROR 2u

/* Node permissions: "n<domid>" none, "r" read, "w" write, "b" both. In a
 * permission list entry 0 names the owner and gives the access of every
 * domain not listed after it. */
#define XS_PERM_NONE 0u
#define XS_PERM_READ 1u
#define XS_PERM_WRITE 2u
#define XS_PERM_BOTH 3u
struct xs_perm {
    uint32_t domid;
    uint32_t mode;
};

/* Map an errno value to the name sent in an ERROR reply (Xen's table);
 * anything not in the table is sent as "EINVAL". */
const char *xs_errno_name(int err);
/* Map an ERROR payload name back to an errno value (EINVAL if unknown). */
int xs_errno_from_name(const char *name);
/* Name of a message type for logs ("READ"), or "UNKNOWN". */
const char *xs_type_name(uint32_t type);

#endif
