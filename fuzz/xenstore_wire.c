/* libFuzzer target over the XenStore wire parser + dispatcher.
 *
 * A fresh server with four connections (two dom0, one acting as domain 5,
 * one as domain 7) per input. The input is a sequence of chunks: 2 bytes
 * (connection = b0 & 3, length = b1 | (b0 >> 2) << 8) then that many bytes
 * fed to the connection as socket input, so messages may be split across
 * chunks and connections interleave (transactions conflict, watches fire
 * across connections). Output is drained and checked: every message the
 * server emits must be a well-formed header with len <= 4096. */
#include "xenstore/xs_server.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void drain_check(struct xs_conn *c)
{
    while (c->out_len > c->out_off) {
        struct xs_msg_hdr h;
        if (c->out_len - c->out_off < sizeof(h))
            abort();                            /* torn message in the queue */
        memcpy(&h, c->out + c->out_off, sizeof(h));
        if (h.len > XS_PAYLOAD_MAX || c->out_len - c->out_off < sizeof(h) + h.len)
            abort();
        xs_conn_consumed(c, sizeof(h) + h.len);
    }
}

static struct xs_conn *conn_make(struct xs_server *s, unsigned idx)
{
    struct xs_conn *c = xs_conn_new(s, -1, 0);
    if (!c || idx < 2)
        return c;
    static const char act5[] = "act-as\0" "5";
    static const char act7[] = "act-as\0" "7";
    const char *p = idx == 2 ? act5 : act7;
    uint8_t msg[sizeof(struct xs_msg_hdr) + sizeof(act5)];
    struct xs_msg_hdr h = { XS_CONTROL, 0, 0, sizeof(act5) };
    memcpy(msg, &h, sizeof(h));
    memcpy(msg + sizeof(h), p, sizeof(act5));
    xs_conn_feed(c, msg, sizeof(msg));
    drain_check(c);
    return c;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct xs_server s;
    struct xs_conn *c[4];
    if (xs_server_init(&s))
        return 0;
    s.quota[XS_Q_NODES] = 50;                   /* reach quota paths quickly */
    for (unsigned i = 0; i < 4; i++)
        c[i] = conn_make(&s, i);
    size_t pos = 0;
    while (pos + 2 <= size) {
        unsigned idx = data[pos] & 3;
        size_t len = data[pos + 1] | (size_t)(data[pos] >> 2) << 8;
        pos += 2;
        if (len > size - pos)
            len = size - pos;
        if (!c[idx])
            break;
        size_t off = 0;
        while (off < len) {
            long n = xs_conn_feed(c[idx], data + pos + off, len - off);
            for (unsigned i = 0; i < 4; i++)
                if (c[i])
                    drain_check(c[i]);
            if (n < 0) {                        /* protocol violation: reconnect */
                xs_conn_free(c[idx]);
                c[idx] = conn_make(&s, idx);
                break;
            }
            if (n == 0) {
                if (xs_conn_process(c[idx]) < 0)
                    break;
                drain_check(c[idx]);
                if (c[idx]->in_len == sizeof(c[idx]->in))
                    break;
            }
            off += (size_t)n;
        }
        pos += len;
    }
    xs_server_free(&s);
    return 0;
}
