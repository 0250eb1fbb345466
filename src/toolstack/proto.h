/*
 * The xm <-> xend control protocol over the unix socket $DOMUS_STATE/xend.sock
 * (see docs/toolstack.md). A frame is a 4-byte little-endian length (at most
 * PROTO_MAX_FRAME) followed by that many bytes. A request is one frame of
 * NUL-terminated strings: the command name then its arguments. The reply is
 * one frame: a status byte (0 ok, 1 error) then text (output or a one-line
 * error). After an ok reply to "console" the connection carries raw console
 * bytes both ways until either side closes it.
 */
#ifndef DOMUS_TOOLSTACK_PROTO_H
#define DOMUS_TOOLSTACK_PROTO_H

#include <stddef.h>
#include <stdint.h>

#define PROTO_MAX_FRAME (2u << 20)
#define PROTO_MAX_ARGS 64

int proto_send_frame(int fd, const void *buf, size_t len);
/* *buf malloc'd (NUL appended, not counted). -EPIPE on a clean EOF. */
int proto_recv_frame(int fd, char **buf, size_t *len);
int proto_send_request(int fd, const char *const *argv, unsigned argc);
/* Splits a request frame in place; argv points into buf. */
int proto_split(char *buf, size_t len, char **argv, unsigned max, unsigned *argc);
int proto_send_reply(int fd, int status, const char *text, size_t len);

#endif
