#!/usr/bin/env python3
"""Drives `xm console DOM` through ptys for tests/toolstack/xm.sh.

usage: console.py XM DOM            two viewers, type, compare, detach
       console.py XM DOM --type CMD  wait for the shell, type CMD, detach
       console.py XM DOM --pty PATH  the same check on the domain's own pty
       console.py XM DOM --create CFG [KEY=VAL...]  xm create -c, type, detach
Opens two viewers (each on its own pty), waits for the guest's shell,
types a command into viewer 1, checks that both viewers show its output,
then detaches both with Ctrl-] and checks that xm exits 0.
Prints 'RESULT ok' or 'RESULT fail: why'.
"""
import os, pty, select, subprocess, sys, time

TIMEOUT = float(os.environ.get("GUEST_TIMEOUT", "120"))


def spawn(xm, dom, argv=None):
    master, slave = pty.openpty()
    p = subprocess.Popen(argv or [xm, "console", dom], stdin=slave, stdout=slave,
                         stderr=slave, close_fds=True)
    os.close(slave)
    return p, master


def read_until(fds, bufs, want, deadline, idx=None):
    """Reads from all fds; returns when bufs[idx] (or all) contain want."""
    while time.time() < deadline:
        targets = [idx] if idx is not None else range(len(fds))
        if all(want in bufs[i] for i in targets):
            return True
        r, _, _ = select.select(fds, [], [], 0.2)
        for fd in r:
            try:
                data = os.read(fd, 4096)
            except OSError:
                data = b""
            bufs[fds.index(fd)] += data
    return False


def type_cmd(xm, dom, cmd):
    p, m = spawn(xm, dom)
    bufs = [b""]
    # drop the replayed backlog: only a fresh prompt counts
    read_until([m], bufs, b"\0never", time.time() + 1)
    bufs[0] = b""
    deadline = time.time() + TIMEOUT
    ok = False
    while time.time() < deadline and not ok:
        os.write(m, b"\r")
        ok = read_until([m], bufs, b"# ", time.time() + 3)
    if not ok:
        print("RESULT fail: no shell prompt; saw %r" % bufs[0][-300:])
        p.kill()
        return
    os.write(m, cmd.encode() + b"\r")
    time.sleep(1)
    try:
        os.write(m, b"\x1d")
        p.wait(timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        p.kill()
    print("RESULT ok")


def pty_check(path):
    fd = os.open(path, os.O_RDWR | os.O_NOCTTY)
    bufs = [b""]
    deadline = time.time() + TIMEOUT
    ok = False
    while time.time() < deadline and not ok:
        os.write(fd, b"echo pty-$((6*7))\r")
        ok = read_until([fd], bufs, b"pty-42", time.time() + 3)
    os.close(fd)
    print("RESULT ok" if ok else "RESULT fail: saw %r" % bufs[0][-300:])


def create_c(xm, argv):
    p, m = spawn(xm, None, [xm, "create", "-c"] + argv)
    bufs = [b""]
    deadline = time.time() + TIMEOUT
    ok = False
    while time.time() < deadline and not ok:
        os.write(m, b"echo created-$((6*7))\r")
        ok = read_until([m], bufs, b"created-42", time.time() + 3)
    os.write(m, b"\x1d")
    try:
        rc = p.wait(timeout=10)
    except subprocess.TimeoutExpired:
        p.kill()
        rc = -1
    if ok and rc == 0 and b"Started domain" in bufs[0]:
        print("RESULT ok")
    else:
        print("RESULT fail: rc %d, saw %r" % (rc, bufs[0][-300:]))


def main():
    xm, dom = sys.argv[1], sys.argv[2]
    if len(sys.argv) > 4 and sys.argv[3] == "--create":
        return create_c(xm, sys.argv[4:])
    if len(sys.argv) > 4 and sys.argv[3] == "--pty":
        return pty_check(sys.argv[4])
    if len(sys.argv) > 4 and sys.argv[3] == "--type":
        return type_cmd(xm, dom, sys.argv[4])
    p1, m1 = spawn(xm, dom)
    p2, m2 = spawn(xm, dom)
    fds, bufs = [m1, m2], [b"", b""]
    deadline = time.time() + TIMEOUT
    # wait for the shell prompt (the ring replays earlier output too)
    ok = False
    while time.time() < deadline and not ok:
        os.write(m1, b"\r")
        ok = read_until(fds, bufs, b"# ", time.time() + 3, idx=0)
    if not ok:
        print("RESULT fail: no shell prompt; viewer 1 saw %r" % bufs[0][-300:])
        return
    bufs[0] = bufs[1] = b""
    os.write(m1, b"echo console-$((6*7))\r")
    if not read_until(fds, bufs, b"console-42", time.time() + 30):
        print("RESULT fail: command output missing: %r | %r" % (bufs[0][-200:], bufs[1][-200:]))
        return
    for m, p in ((m1, p1), (m2, p2)):
        os.write(m, b"\x1d")
        try:
            rc = p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            p.kill()
            print("RESULT fail: Ctrl-] did not detach")
            return
        if rc != 0:
            print("RESULT fail: xm console exited %d" % rc)
            return
    print("RESULT ok")


main()
