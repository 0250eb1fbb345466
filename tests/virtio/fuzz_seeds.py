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
seeds = {}
# blk write: header, 512 bytes, status (direct chain)
seeds["blk_write"] = image(0, 2, [
    (0x0000, desc(RAM + 0x3000, 16, NEXT, 1) + desc(RAM + 0x3100, 512, NEXT, 2) + desc(RAM + 0x3400, 1, WRITE, 0)),
    (0x1000, avail(1, [0])),
    (0x3000, struct.pack("<IIQ", 1, 0, 2)),
], 0x3500)
# blk read through an indirect table, event idx on
seeds["blk_read_indirect"] = image(3, 3, [
    (0x0000, desc(RAM + 0x3800, 48, INDIRECT, 0)),
    (0x1000, avail(1, [0])),
    (0x3000, struct.pack("<IIQ", 0, 0, 2)),
    (0x3800, desc(RAM + 0x3000, 16, NEXT, 1) + desc(RAM + 0x3100, 512, WRITE | NEXT, 2) + desc(RAM + 0x3400, 1, WRITE, 0)),
], 0x3900)
# blk discard + flush
seeds["blk_discard_flush"] = image(0, 2, [
    (0x0000, desc(RAM + 0x3000, 16, NEXT, 1) + desc(RAM + 0x3100, 16, NEXT, 2) + desc(RAM + 0x3400, 1, WRITE, 0)
             + desc(RAM + 0x3200, 16, NEXT, 0) ),
    (0x1000, avail(1, [0])),
    (0x3000, struct.pack("<IIQ", 11, 0, 0)),
    (0x3100, struct.pack("<QII", 8, 8, 0)),
], 0x3500)
# net: one TX frame (queue 1 at 0xC000) and one RX buffer (queue 0 at 0x8000)
frame = bytes([0xff] * 6 + [2, 0, 0, 0, 0, 9, 0x88, 0xb5]) + bytes(46)
seeds["net_tx_rx"] = image(2, 2, [
    (0x8000, desc(RAM + 0xB000, 0x800, WRITE, 0)),
    (0x9000, avail(1, [0])),
    (0xC000, desc(RAM + 0xF000, 12 + len(frame), 0, 0)),
    (0xD000, avail(1, [0])),
    (0xF000, bytes(12) + frame),
], 0x10000)
os.makedirs(here, exist_ok=True)
for name, data in seeds.items():
    with open(os.path.join(here, name), "wb") as f:
        f.write(data)
