#!/usr/bin/env python3
"""End-to-end virtio check with Linux 6.1's drivers (the `make guest` kernel
and initramfs) under domus-run: ext4 on virtio-blk with discard (fstrim)
and the GET_ID serial, a 300 KB TCP download over virtio-net + TAP (in a
private network namespace), and the guest's vq-garbage program putting
virtio-rng and virtio-blk into DEVICE_NEEDS_RESET while Domus keeps
running and powers off cleanly. Prints TAP lines; skips cleanly without
the guest images, mkfs.ext4, a network namespace or /dev/net/tun."""
import hashlib, http.server, os, re, shutil, socketserver, subprocess, sys, tempfile, threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from guestio import Guest  # noqa: E402

B = os.environ.get("B", "build")
RUN = os.path.join(B, "bin", "domus-run")
# Guest images live in the plain build even when B is the sanitizer build.
GDIR = next((d for d in (os.path.join(B, "guest"), os.path.join(os.path.dirname(B.rstrip("/")), "guest"))
             if os.path.exists(os.path.join(d, "Image"))), None)
fails = 0
MARK = "@@RC="

def tap(ok, name):
    global fails
    print(("ok - " if ok else "not ok - ") + name, flush=True)
    if not ok:
        fails += 1

def run(g, cmd, timeout=120):
    """Runs a shell command in the guest; returns (status, output)."""
    # The quotes keep the typed (echoed) line from matching the marker.
    if not g.cmd(cmd + '; echo "@@R""C=$?@@"', MARK, timeout):
        return -1, ""
    out = g.seen.decode(errors="replace")
    if not g.expect("@@", 10):
        return -1, out
    m = re.match(r"(-?\d+)@@$", g.seen.decode(errors="replace"))
    return (int(m.group(1)) if m else -1), out

def serve(data):
    class H(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        def log_message(self, *a):
            pass
    srv = socketserver.TCPServer(("10.0.2.1", 8765), H)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv

def main(with_net):
    work = tempfile.mkdtemp(prefix="domus-vlinux-")
    try:
        img = os.path.join(work, "disk.img")
        with open(img, "wb") as f:
            f.truncate(64 << 20)
        subprocess.run(["mkfs.ext4", "-q", "-F", img], check=True)
        args = ["--kernel", os.path.join(GDIR, "Image"), "--initrd", os.path.join(GDIR, "initramfs.cpio.gz"),
                "--disk", img, "--append", "console=ttyS0"]
        if with_net:
            subprocess.run(["ip", "link", "set", "lo", "up"])
            args += ["--net", "tap=dtap0"]
        g = Guest(RUN, args)
        up = g.expect("DOMUS-GUEST-READY", 300) and g.expect("# ", 60)
        tap(up, "linux: boots with virtio disk%s" % (" and NIC" if with_net else ""))
        if not up:
            g.close()
            return
        rc, out = run(g, "mkdir -p /mnt && mount -t ext4 /dev/vda /mnt && "
                         "dd if=/dev/zero of=/mnt/z bs=1M count=8 2>/dev/null && sync && rm /mnt/z && "
                         "fstrim -v /mnt && echo domus > /mnt/f && umount /mnt")
        tap(rc == 0 and "bytes trimmed" in out, "linux: ext4 on virtio-blk, fstrim discards (rc %d)" % rc)
        rc, out = run(g, "cat /sys/block/vda/serial")
        tap(rc == 0 and "domus-" in out, "linux: virtio-blk serial from GET_ID")
        if with_net:
            subprocess.run(["ip", "link", "set", "dtap0", "up"])
            subprocess.run(["ip", "addr", "add", "10.0.2.1/24", "dev", "dtap0"])
            data = os.urandom(300000)
            srv = serve(data)
            rc, out = run(g, "ip link set eth0 up && ip addr add 10.0.2.15/24 dev eth0 && "
                             "wget -q -O - http://10.0.2.1:8765/ | md5sum")
            srv.shutdown()
            tap(rc == 0 and hashlib.md5(data).hexdigest() in out,
                "linux: 300 KB over TCP through virtio-net + TAP, intact")
        for dev, mode in ((4, "loop"), (4, "random"), (2, "idx")):
            rc, out = run(g, "vq-garbage -d %d -m %s" % (dev, mode))
            tap(rc == 0 and "DEVICE_NEEDS_RESET" in out,
                "linux: vq-garbage -d %d -m %s -> DEVICE_NEEDS_RESET" % (dev, mode))
        st = g.close()
        tap(st == 0, "linux: Domus survived and powered off (exit %d)" % st)
        r = subprocess.run(["debugfs", "-R", "cat /f", img], capture_output=True, text=True)
        tap(r.stdout.strip() == "domus", "linux: file written by the guest is in the image")
    finally:
        shutil.rmtree(work, ignore_errors=True)

if __name__ == "__main__":
    if not GDIR or not os.access(RUN, os.X_OK) or not shutil.which("mkfs.ext4") or not shutil.which("debugfs"):
        print("ok - linux: skipped, needs %s, guest images (make guest), mkfs.ext4, debugfs # SKIP" % RUN)
        sys.exit(0)
    if sys.argv[1:] == ["inner"]:
        main(True)
    elif os.access("/dev/net/tun", os.R_OK | os.W_OK) and \
            subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode == 0:
        sys.exit(subprocess.run(["unshare", "-n", sys.executable, __file__, "inner"]).returncode)
    else:
        print("ok - linux: virtio-net part skipped, no private network namespace or /dev/net/tun # SKIP")
        main(False)
    sys.exit(1 if fails else 0)
