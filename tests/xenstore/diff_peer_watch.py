#!/usr/bin/env python3
"""Differential watch test: one watcher with overlapping watches (some
sharing a token) and one writer per daemon; after every random WRITE/MKDIR/
RM/SET_PERMS the replies and the set of watch events must be identical for
our daemon and the reference daemon.
usage: diff_peer_watch.py OUR_SOCKET PEER_SOCKET [N=1500] [SEED=1]"""
import random, socket, struct, sys


class Conn:
    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX)
        self.s.connect(path)
        self.ev, self.buf = [], b''

    def recvn(self, n):
        while len(self.buf) < n:
            d = self.s.recv(65536)
            if not d:
                raise EOFError
            self.buf += d
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def req(self, t, p):
        self.s.sendall(struct.pack('<IIII', t, 1, 0, len(p)) + p)
        while True:
            typ, r, x, n = struct.unpack('<IIII', self.recvn(16))
            body = self.recvn(n)
            if typ == 15:
                self.ev.append(body)
                continue
            return typ, body

    def events(self):
        self.req(2, b'/\0')                    # a round trip flushes pending events
        ev, self.ev = sorted(self.ev), []
        return ev


def setup(path):
    w, c = Conn(path), Conn(path)
    c.req(13, b'/w\0')
    c.req(11, b'/w\0')
    for wp, tok in [(b'/w', b'tok'), (b'/w/a', b'tok'), (b'/w/a/b/c', b'tok'),
                    (b'/w/x/y', b'other'), (b'/w/x', b'tok'), (b'/w/b', b'b')]:
        w.req(4, wp + b'\0' + tok + b'\0')
    w.events()
    return w, c


def main():
    a, b = setup(sys.argv[1]), setup(sys.argv[2])
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 1500
    rnd = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 1)
    names = [b'a', b'b', b'x', b'y', b'c']
    diffs = 0
    for i in range(n):
        path = b'/w/' + b'/'.join(rnd.choice(names) for _ in range(rnd.randint(1, 4)))
        op = rnd.choice([11, 11, 12, 13, 14])
        p = path + b'\0' + {11: b'v', 14: b'n0\0r1\0'}.get(op, b'')
        ra, rb = a[1].req(op, p), b[1].req(op, p)
        ea, eb = a[0].events(), b[0].events()
        if ra != rb or ea != eb:
            diffs += 1
            if diffs <= 10:
                print(f'# step {i}: op {op} {path.decode()}: ours {ra} {ea} peer {rb} {eb}')
    print(f'{"ok" if diffs == 0 else "not ok"} - watch events: {n} random changes, {diffs} differing')
    return 1 if diffs else 0


sys.exit(main())
