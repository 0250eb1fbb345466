#!/usr/bin/env python3
"""End-to-end virtio check with a real driver: Debian's S-mode U-Boot
(u-boot-qemu) booted by domus-run drives virtio-blk (read what the host
wrote, write a block the host then reads back) and, inside a private
network namespace, virtio-net over a TAP device (ARP + ping to the host).
Prints TAP lines; skips cleanly when domus-run, U-Boot, unshare or
/dev/net/tun are unavailable."""
import os, subprocess, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from guestio import Guest  # noqa: E402

B = os.environ.get("B", "build")
RUN = os.path.join(B, "bin", "domus-run")
UBOOT = "/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin"
fails = 0

def tap(ok, name):
    global fails
    print(("ok - " if ok else "not ok - ") + name, flush=True)
    if not ok:
        fails += 1

def prompt(g):
    # "Hit any key to stop autoboot": keep poking until the prompt shows.
    return g.expect("Hit any key", 120) and g.expect("=> ", 30, poke=True)

def blk():
    with tempfile.NamedTemporaryFile(prefix="domus-uboot-", suffix=".img") as img:
        img.truncate(16 << 20)
        img.seek(0)
        img.write(b"DOMUSDISK")
        img.flush()
        g = Guest(RUN, ["--kernel", UBOOT, "--disk", img.name])
        up = prompt(g)
        tap(up, "uboot: prompt with a virtio disk attached")
        if not up:
            g.close()
            return
        ok = g.cmd("virtio info", "=> ") and b"Capacity: 16.0 MB" in g.seen and b"32768 x 512" in g.seen
        tap(ok, "uboot: virtio-blk probed, capacity 32768 sectors")
        ok = g.cmd("virtio read 0x84000000 0 1", "=> ") and b"1 blocks read: OK" in g.seen
        ok = ok and g.cmd("md.b 0x84000000 9", "=> ") and b"DOMUSDISK" in g.seen
        tap(ok, "uboot: virtio-blk read sees the host's bytes")
        ok = g.cmd("mw.b 0x84000000 0x5a 0x200", "=> ") and \
            g.cmd("virtio write 0x84000000 8 1", "=> ") and b"1 blocks written: OK" in g.seen
        rc = g.close()
        img.seek(8 * 512)
        tap(ok and img.read(512) == b"\x5a" * 512, "uboot: virtio-blk write reaches the image")
        tap(rc == 0, "uboot: poweroff exits 0 (%d)" % rc)

def net():
    if os.environ.get("DOMUS_IN_NETNS") != "1":
        if subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode != 0 or \
           not os.access("/dev/net/tun", os.R_OK | os.W_OK):
            print("ok - uboot: virtio-net skipped, no private network namespace or /dev/net/tun # SKIP")
            return
        env = dict(os.environ, DOMUS_IN_NETNS="1")
        r = subprocess.run(["unshare", "-n", sys.executable, __file__, "net"], env=env)
        if r.returncode != 0:
            global fails
            fails += 1
        return
    subprocess.run(["ip", "link", "set", "lo", "up"])
    g = Guest(RUN, ["--kernel", UBOOT, "--net", "tap=dtap0"])
    up = g.expect("Hit any key", 120)
    subprocess.run(["ip", "link", "set", "dtap0", "up"])
    subprocess.run(["ip", "addr", "add", "10.0.2.1/24", "dev", "dtap0"])
    up = up and g.expect("=> ", 30, poke=True)
    tap(up, "uboot: prompt with a virtio NIC on dtap0")
    if up:
        g.cmd("setenv ipaddr 10.0.2.15", "=> ")
        g.cmd("setenv netmask 255.255.255.0", "=> ")
        ok = g.cmd("ping 10.0.2.1", "=> ", 60) and b"host 10.0.2.1 is alive" in g.seen
        tap(ok, "uboot: virtio-net ping to the host over TAP")
    g.close()

if __name__ == "__main__":
    if not os.access(RUN, os.X_OK) or not os.path.exists(UBOOT):
        print("ok - uboot: skipped, needs %s and %s # SKIP" % (RUN, UBOOT))
        sys.exit(0)
    if sys.argv[1:] == ["net"]:
        net()
    else:
        blk()
        net()
    sys.exit(1 if fails else 0)
