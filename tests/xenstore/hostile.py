#!/usr/bin/env python3
"""Hostile clients against xenstored: truncated header, len > 4096, garbage
types, a half message that stalls, a client that never reads its replies.
After each, the daemon must keep answering a well-behaved client.
usage: hostile.py SOCKET   (TAP output)"""
import os, socket, struct, sys, time

SOCK = sys.argv[1]
fails = 0


def tap(ok, name):
    global fails
    print(("ok - " if ok else "not ok - ") + name)
    fails += 0 if ok else 1


def conn():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(SOCK)
    s.settimeout(5)
    return s


def recvn(s, n):
    b = b''
    while len(b) < n:
        d = s.recv(n - len(b))
        if not d:
            raise EOFError
        b += d
    return b


def req(s, typ, payload, rid=1, tx=0):
    s.sendall(struct.pack('<IIII', typ, rid, tx, len(payload)) + payload)
    t, r, x, ln = struct.unpack('<IIII', recvn(s, 16))
    return t, r, recvn(s, ln)


def healthy(tag):
    try:
        s = conn()
        t, r, body = req(s, 11, b'/hostile/probe\0' + tag.encode())
        t2, r2, body2 = req(s, 2, b'/hostile/probe\0', rid=2)
        s.close()
        return t == 11 and body == b'OK\0' and body2 == tag.encode()
    except Exception as e:
        print('# probe failed:', e)
        return False


# truncated header then close
s = conn(); s.sendall(b'\x02\x00\x00'); s.close()
tap(healthy('a'), 'daemon answers after truncated header + close')

# truncated payload then close
s = conn(); s.sendall(struct.pack('<IIII', 2, 1, 0, 100) + b'/abc'); s.close()
tap(healthy('b'), 'daemon answers after truncated payload + close')

# oversized length: connection is dropped, daemon lives
s = conn(); s.sendall(struct.pack('<IIII', 2, 1, 0, 4097))
try:
    d = s.recv(16)
    tap(d == b'', 'len > 4096 closes that connection')
except Exception:
    tap(False, 'len > 4096 closes that connection')
s.close()
tap(healthy('c'), 'daemon answers after len > 4096')

# huge length near 2^32
s = conn(); s.sendall(struct.pack('<IIII', 11, 1, 0, 0xffffffff)); time.sleep(0.05); s.close()
tap(healthy('d'), 'daemon answers after len = 0xffffffff')

# garbage types get ENOSYS / EINVAL, connection stays usable
s = conn()
t, r, body = req(s, 0x12345678, b'x\0')
tap(t == 16 and body == b'ENOSYS\0', 'unknown type answered ENOSYS')
t, r, body = req(s, 20, b'')
tap(t == 16 and body == b'ENOSYS\0', 'RESTRICT answered ENOSYS')
t, r, body = req(s, 15, b'a\0b\0')
tap(t == 16 and body == b'ENOSYS\0', 'client-sent WATCH_EVENT answered ENOSYS')
t, r, body = req(s, 2, b'no-nul')
tap(t == 16 and body == b'EINVAL\0', 'unterminated path answered EINVAL')
t, r, body = req(s, 2, b'/bad//path\0')
tap(t == 16 and body == b'EINVAL\0', 'double slash answered EINVAL')
t, r, body = req(s, 2, b'/' + b'a' * 3100 + b'\0')
tap(t == 16 and body == b'EINVAL\0', 'path longer than 3072 answered EINVAL')
t, r, body = req(s, 7, b'T\0', tx=999)
tap(t == 16 and body == b'ENOENT\0', 'unknown transaction answered ENOENT')
s.close()

# random garbage bytes
s = conn(); s.sendall(os.urandom(3000)); time.sleep(0.1); s.close()
tap(healthy('e'), 'daemon answers after random garbage')

# half a message that stalls while others get answers
stall = conn(); stall.sendall(struct.pack('<IIII', 11, 1, 0, 50) + b'/hostile/st')
ok = all(healthy('f%d' % i) for i in range(5))
tap(ok, 'others answered while a connection stalls mid-message')
stall.sendall(b'all\0' + b'v' * 35)
t = struct.unpack('<IIII', recvn(stall, 16))[0]
tap(t == 11, 'stalled connection completes later')
stall.close()

# a client that floods requests and never reads replies: daemon must not
# buffer without bound, and must keep serving others
flood = conn(); flood.setblocking(False)
msg = struct.pack('<IIII', 1, 1, 0, 2) + b'/\0'
sent = 0
t0 = time.time()
while time.time() - t0 < 2:
    try:
        sent += flood.send(msg * 256)
    except BlockingIOError:
        break
tap(healthy('g'), 'daemon answers while a client floods without reading (%d bytes sent)' % sent)
flood.close()

# many connections at once
many = [conn() for _ in range(200)]
tap(healthy('h'), 'daemon answers with 200 idle connections open')
for m in many:
    m.close()
tap(healthy('i'), 'daemon answers after 200 connections closed')
sys.exit(1 if fails else 0)
