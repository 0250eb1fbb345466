#!/usr/bin/env python3
"""Writes seed inputs for fuzz/virtio_queue.c into the directory given as
argv[1]: well-formed rings (see the layout comment in virtio_queue.c) that
the fuzzer then mutates."""
import os, struct, sys

RAM = 0x80000000
here = sys.argv[1]

def image(flags, log2num, writes, size):
    ram = bytearray(size)
    for off, data in writes:
        ram[off:off + len(data)] = data
    return bytes([flags, log2num]) + bytes(ram)

def desc(addr, ln, fl, nxt):
    return struct.pack("<QIHH", addr, ln, fl, nxt)

def avail(idx, heads):
    return struct.pack("<HH", 0, idx) + b"".join(struct.pack("<H", h) for h in heads)

NEXT, WRITE, INDIRECT = 1, 2, 4
AREA = 0x2000          # queue k: desc at k*AREA, avail at +0x1000
BUF = 0x12000          # buffers live from here on (after queue area 8)
def q(k, descs, heads):
    return [(k * AREA, b"".join(descs)), (k * AREA + 0x1000, avail(len(heads), heads))]

seeds = {}
hdr, data, st = RAM + BUF, RAM + BUF + 0x100, RAM + BUF + 0x400
# blk write: header, 512 bytes, status (direct chain)
seeds["blk_write"] = image(0, 2, q(0, [desc(hdr, 16, NEXT, 1), desc(data, 512, NEXT, 2), desc(st, 1, WRITE, 0)], [0])
    + [(BUF, struct.pack("<IIQ", 1, 0, 2))], BUF + 0x500)
# blk read through an indirect table, event idx on
seeds["blk_read_indirect"] = image(3, 3, q(0, [desc(RAM + BUF + 0x800, 48, INDIRECT, 0)], [0])
    + [(BUF, struct.pack("<IIQ", 0, 0, 2)),
       (BUF + 0x800, desc(hdr, 16, NEXT, 1) + desc(data, 512, WRITE | NEXT, 2) + desc(st, 1, WRITE, 0))], BUF + 0x900)
# blk discard
seeds["blk_discard"] = image(0, 2, q(0, [desc(hdr, 16, NEXT, 1), desc(data, 16, NEXT, 2), desc(st, 1, WRITE, 0)], [0])
    + [(BUF, struct.pack("<IIQ", 11, 0, 0)), (BUF + 0x100, struct.pack("<QII", 8, 8, 0))], BUF + 0x500)
# net: one RX buffer (queue area 1) and one TX frame (area 2)
frame = bytes([0xff] * 6 + [2, 0, 0, 0, 0, 9, 0x88, 0xb5]) + bytes(46)
seeds["net_tx_rx"] = image(2, 2, q(1, [desc(RAM + BUF, 0x800, WRITE, 0)], [0])
    + q(2, [desc(RAM + BUF + 0x1000, 12 + len(frame), 0, 0)], [0])
    + [(BUF + 0x1000, bytes(12) + frame)], BUF + 0x1100)
# rng (area 3), balloon inflate (area 4) of 4 pages + stats (area 6), console rx (area 7) + tx (area 8)
pfns = b"".join(struct.pack("<I", ((RAM + BUF) >> 12) + i) for i in range(4))
seeds["rng_balloon_console"] = image(0, 2, q(3, [desc(RAM + BUF, 64, WRITE, 0)], [0])
    + q(4, [desc(RAM + BUF + 0x2000, 16, 0, 0)], [0])
    + q(6, [desc(RAM + BUF + 0x2100, 20, 0, 0)], [0])
    + q(7, [desc(RAM + BUF + 0x3000, 32, WRITE, 0)], [0])
    + q(8, [desc(RAM + BUF + 0x3100, 6, 0, 0)], [0])
    + [(BUF + 0x2000, pfns), (BUF + 0x2100, struct.pack("<HQHQ", 5, 1 << 28, 4, 1 << 27)),
       (BUF + 0x3100, b"hello\n")], BUF + 0x3200)
os.makedirs(here, exist_ok=True)
for name, data in seeds.items():
    with open(os.path.join(here, name), "wb") as f:
        f.write(data)
