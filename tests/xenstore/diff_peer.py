#!/usr/bin/env python3
"""Differential test: the same random request sequence against our xenstored
and a reference daemon (Xen's C xenstored or oxenstored, see
../shared/peers/xenstore); prints the first replies that differ.
usage: diff_peer.py OUR_SOCKET PEER_SOCKET [N=2000] [SEED=1] [--tx] [-v]
Without --tx replies must match exactly. With --tx, transactions are mixed
in: Xen's C xenstored lets a transaction commit after others created nodes
it looked up (phantoms), ours answers EAGAIN (any read-set change), so
commit results and then states may legitimately diverge.
Covers READ/WRITE/MKDIR/RM/DIRECTORY/GET_PERMS/SET_PERMS and transactions
on a small name space so that operations collide."""
import random, socket, struct, sys

T = dict(DIRECTORY=1, READ=2, GET_PERMS=3, TRANSACTION_START=6, TRANSACTION_END=7,
         WRITE=11, MKDIR=12, RM=13, SET_PERMS=14)


class Conn:
    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX)
        self.s.connect(path)
        self.rid = 0

    def recvn(self, n):
        b = b''
        while len(b) < n:
            d = self.s.recv(n - len(b))
            if not d:
                raise EOFError
            b += d
        return b

    def req(self, t, p, tx=0):
        self.rid += 1
        self.s.sendall(struct.pack('<IIII', t, self.rid, tx, len(p)) + p)
        while True:
            typ, rid, rtx, n = struct.unpack('<IIII', self.recvn(16))
            body = self.recvn(n)
            if typ != 15:
                return typ, body


def norm(op, typ, body):
    if typ == 16:
        return 'ERR ' + body.rstrip(b'\0').decode()
    if op == 'DIRECTORY':
        return 'DIR ' + ' '.join(sorted(x.decode() for x in body.split(b'\0') if x))
    if op == 'TRANSACTION_START':
        return 'TX'
    return body.decode(errors='replace')


def main():
    ours, peer = Conn(sys.argv[1]), Conn(sys.argv[2])
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 2000
    rnd = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 1)
    for c in (ours, peer):
        c.req(T['RM'], b'/d\0')
    names = ['a', 'b', 'c']
    txo = txp = 0
    diffs = 0
    hist = []
    for i in range(n):
        depth = rnd.randint(1, 3)
        path = ('/d/' + '/'.join(rnd.choice(names) for _ in range(depth))).encode()
        op = rnd.choice(['READ', 'WRITE', 'WRITE', 'MKDIR', 'RM', 'DIRECTORY', 'GET_PERMS',
                         'SET_PERMS'] + (['TX'] if '--tx' in sys.argv else []))
        if op == 'TX':
            if txo:
                commit = rnd.choice([b'T\0', b'F\0'])
                a = ours.req(T['TRANSACTION_END'], commit, txo)
                b = peer.req(T['TRANSACTION_END'], commit, txp)
                txo = txp = 0
                op = 'TRANSACTION_END'
                use_tx = True
            else:
                a = ours.req(T['TRANSACTION_START'], b'\0')
                b = peer.req(T['TRANSACTION_START'], b'\0')
                txo = int(a[1].rstrip(b'\0') or 0) if a[0] == 6 else 0
                txp = int(b[1].rstrip(b'\0') or 0) if b[0] == 6 else 0
                op = 'TRANSACTION_START'
            use_tx = True
        else:
            use_tx = False
            p = path + b'\0'
            if op == 'WRITE':
                p += b'v%d' % rnd.randint(0, 9)
            elif op == 'SET_PERMS':
                p += rnd.choice([b'n0\0', b'r0\0', b'b0\0n1\0', b'n0\0r1\0w2\0'])
            use_tx = bool(txo) and rnd.random() < 0.5
            a = ours.req(T[op], p, txo if use_tx else 0)
            b = peer.req(T[op], p, txp if use_tx else 0)
        ra, rb = norm(op, *a), norm(op, *b)
        hist.append(f'{i}: {op} {path.decode()} {"in-tx" if use_tx else ""} -> {ra!r}/{rb!r}')
        if ra != rb:
            diffs += 1
            if diffs == 1 and '-v' in sys.argv:
                print('\n'.join('#   ' + h for h in hist[-25:]))
            if diffs <= 15:
                print(f'# step {i}: {op} {path.decode()} ours={ra!r} peer={rb!r}')
    print(f'{"ok" if diffs == 0 else "not ok"} - {n} random requests, {diffs} differing replies')
    return 1 if diffs else 0


sys.exit(main())
