#!/usr/bin/env python3
"""Write seed inputs for fuzz/xenstore_wire into DIR: realistic request
sequences in the fuzzer's chunk framing (2-byte header: conn | len<<?)."""
import os, struct, sys

def msg(t, payload, rid=1, tx=0):
    return struct.pack('<IIII', t, rid, tx, len(payload)) + payload

def chunk(conn, data):
    out = b''
    while data:
        part, data = data[:1000], data[1000:]
        n = len(part)
        out += bytes([(conn & 3) | ((n >> 8) << 2), n & 0xff]) + part
    return out

W, R, D, RM, MK, SP, GP, WA, UW, TS, TE, DP, CT, IN, RE = 11, 2, 1, 13, 12, 14, 3, 4, 5, 6, 7, 22, 0, 8, 9
seeds = {
    'rw': chunk(0, msg(W, b'/a/b\0val') + msg(R, b'/a/b\0') + msg(D, b'/a\0') + msg(RM, b'/a\0')),
    'perms': chunk(0, msg(W, b'/local/domain/5/x\0v') + msg(SP, b'/local/domain/5\0n5\0r7\0'))
             + chunk(2, msg(W, b'x\0y') + msg(R, b'/local/domain/5/x\0') + msg(SP, b'x\0n5\0b7\0'))
             + chunk(3, msg(R, b'/local/domain/5/x\0') + msg(GP, b'/local/domain/5/x\0')),
    'watch': chunk(1, msg(WA, b'/w\0tok\0') + msg(WA, b'@introduceDomain\0i\0'))
             + chunk(0, msg(W, b'/w/x\0' ) + msg(IN, b'3\0' b'99\0' b'1\0') + msg(RE, b'3\0') + msg(RM, b'/w\0'))
             + chunk(1, msg(UW, b'/w\0tok\0')),
    'txn': chunk(0, msg(TS, b'\0') + msg(R, b'/t\0', tx=1) + msg(W, b'/t/a\0x', tx=1))
           + chunk(1, msg(W, b'/t\0c')) + chunk(0, msg(RM, b'/t\0', tx=1) + msg(W, b'/t/q\0z', tx=1) + msg(TE, b'T\0', tx=1)),
    'bigdir': chunk(0, b''.join(msg(W, b'/big/k%d\0' % i) for i in range(400)) + msg(D, b'/big\0') + msg(DP, b'/big\0' b'0\0') + msg(DP, b'/big\0' b'2000\0')),
    'control': chunk(0, msg(CT, b'help\0') + msg(CT, b'quota\0') + msg(25, b'nodes\0') + msg(26, b'5\0nodes\0' b'3\0') + msg(CT, b'log\0on\0') + msg(CT, b'act-as\0' b'9\0') + msg(W, b'x\0y')),
    'split': chunk(0, msg(W, b'/s\0' + b'v' * 3000)[:7]) + chunk(1, msg(R, b'/\0')) + chunk(0, msg(W, b'/s\0' + b'v' * 3000)[7:]),
}
d = sys.argv[1]
os.makedirs(d, exist_ok=True)
for k, v in seeds.items():
    open(os.path.join(d, k), 'wb').write(v)
