#!/usr/bin/env python3
"""Talks to a domain's console pty (its path from XenStore console/tty)
for tests/toolstack/vcpus.sh and sched.sh.

usage: guestcmd.py PTY run CMD        run CMD in the console shell, print
                                      its output (stdout) once it is done
       guestcmd.py PTY rtt N          N round trips of a short command:
                                      prints one latency in ms per line
Waits for the shell first (GUEST_TIMEOUT seconds). A command's output is
recognised by a marker computed by the shell ($((...))), so the tty's echo
of what we type never matches. Exit status 1 on a timeout.
"""
import os, select, sys, time

TIMEOUT = float(os.environ.get("GUEST_TIMEOUT", "120"))


def read_until(fd, buf, want, deadline):
    while time.time() < deadline:
        if want in buf[0]:
            return True
        r, _, _ = select.select([fd], [], [], 0.05)
        if r:
            try:
                buf[0] += os.read(fd, 65536)
            except OSError:
                time.sleep(0.05)
    return want in buf[0]


def shell_ready(fd):
    buf = [b""]
    deadline = time.time() + TIMEOUT
    while time.time() < deadline:
        os.write(fd, b"echo ready-$((6*7))\r")
        if read_until(fd, buf, b"ready-42", time.time() + 3):
            return True
    return False


def main():
    path, mode, arg = sys.argv[1], sys.argv[2], sys.argv[3]
    fd = os.open(path, os.O_RDWR | os.O_NOCTTY)
    if not shell_ready(fd):
        print("no shell prompt on %s" % path, file=sys.stderr)
        return 1
    time.sleep(0.2)
    while select.select([fd], [], [], 0.1)[0]:  # drain
        os.read(fd, 65536)
    if mode == "run":
        buf = [b""]
        os.write(fd, b"echo beg-$((1000+1)); " + arg.encode() + b"; echo end-$((1000+2))\r")
        if not read_until(fd, buf, b"end-1002", time.time() + TIMEOUT):
            print("no answer to %r: %r" % (arg, buf[0][-300:]), file=sys.stderr)
            return 1
        out = buf[0].split(b"beg-1001", 1)[-1].split(b"end-1002", 1)[0]
        sys.stdout.write(out.decode(errors="replace").replace("\r", "").strip() + "\n")
        return 0
    for k in range(int(arg)):
        buf = [b""]
        t0 = time.monotonic()
        os.write(fd, b"echo rtt-$((%d+%d))\r" % (5000, k))
        if not read_until(fd, buf, b"rtt-%d" % (5000 + k), time.time() + 30):
            print("no answer to round trip %d" % k, file=sys.stderr)
            return 1
        print("%.1f" % ((time.monotonic() - t0) * 1000))
        sys.stdout.flush()
        time.sleep(0.3)
    return 0


sys.exit(main())
