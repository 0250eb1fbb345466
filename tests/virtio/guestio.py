"""A guest console driven over domus-run's stdio, for the virtio end-to-end
checks (uboot.py, linux.py): expect a pattern, send a line, power off."""
import os, select, subprocess, time


class Guest:
    def __init__(self, run, args):
        self.p = subprocess.Popen([run] + args, stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self.buf = b""

    def expect(self, pat, timeout=60, poke=False):
        end = time.time() + timeout
        while pat.encode() not in self.buf:
            left = end - time.time()
            if left <= 0:
                return False
            r, _, _ = select.select([self.p.stdout], [], [], min(left, 0.3))
            if r:
                d = os.read(self.p.stdout.fileno(), 4096)
                if not d:
                    return False
                self.buf += d
            elif poke:
                self.send("\n")   # stop autoboot
        i = self.buf.index(pat.encode()) + len(pat)
        self.seen, self.buf = self.buf[:i], self.buf[i:]
        return True

    def send(self, s):
        try:
            self.p.stdin.write(s.encode())
            self.p.stdin.flush()
        except BrokenPipeError:
            pass

    def cmd(self, c, pat, timeout=60):
        self.send(c + "\n")
        return self.expect(pat, timeout)

    def close(self):
        self.send("poweroff\n")
        try:
            return self.p.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()
            return -1
