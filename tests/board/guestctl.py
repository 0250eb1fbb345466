#!/usr/bin/env python3
"""Drive a domus-run guest over its stdio console for the board boot tests.

usage: guestctl.py SCRIPT -- domus-run ARGS...
SCRIPT is a ';;'-separated list of steps:
  expect:TEXT        wait (timeout) until TEXT appears in the output
  send:TEXT          type TEXT followed by a newline
  keys:TEXT          type TEXT (Python escapes such as \x01 decoded), no newline
  sleep:SECONDS
  cpu:SECONDS:MAXPCT measure domus-run's CPU use over SECONDS, fail above MAXPCT
  date               check the guest's `date +%s` is within 2 s of the host
  exit:STATUS        wait for domus-run to exit with STATUS
Prints 'RESULT ok' or 'RESULT fail: why', the boot time to the first expect,
and exits 0/1. Environment: GUEST_TIMEOUT (seconds per step, default 60),
GUEST_LOG (file for the console transcript).
"""
import os, re, select, subprocess, sys, time

def main():
    sep = sys.argv.index('--')
    steps = ' '.join(sys.argv[1:sep]).split(';;')
    cmd = sys.argv[sep + 1:]
    timeout = float(os.environ.get('GUEST_TIMEOUT', '60'))
    log = open(os.environ['GUEST_LOG'], 'wb') if os.environ.get('GUEST_LOG') else None
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    buf = b''
    pos = 0  # expect searches from here

    def pump(deadline):
        nonlocal buf
        r, _, _ = select.select([p.stdout], [], [], max(0, min(0.2, deadline - time.monotonic())))
        if r:
            d = os.read(p.stdout.fileno(), 65536)
            if not d:
                return False
            buf += d
            if log:
                log.write(d); log.flush()
        return True

    def fail(why):
        print('RESULT fail: ' + why)
        tail = buf[-1500:].decode('utf-8', 'replace')
        print('# ' + '\n# '.join(tail.splitlines()))
        if p.poll() is None:
            p.kill()
        p.wait()
        sys.exit(1)

    def expect(text, tmo=timeout):
        nonlocal pos
        deadline = time.monotonic() + tmo
        while True:
            i = buf.find(text.encode(), pos)
            if i >= 0:
                pos = i + len(text)
                return
            if time.monotonic() > deadline:
                fail('timeout waiting for %r' % text)
            if not pump(deadline) and p.poll() is not None:
                fail('domus-run exited (%s) before %r' % (p.returncode, text))

    first = True
    for st in steps:
        st = st.strip()
        if not st:
            continue
        kind, _, arg = st.partition(':')
        if kind == 'expect':
            expect(arg)
            if first:
                print('# boot time %.2f s' % (time.monotonic() - t0))
                first = False
        elif kind == 'send':
            p.stdin.write(arg.encode() + b'\n'); p.stdin.flush()
        elif kind == 'keys':
            p.stdin.write(arg.encode().decode('unicode_escape').encode('latin-1')); p.stdin.flush()
        elif kind == 'sleep':
            end = time.monotonic() + float(arg)
            while time.monotonic() < end:
                pump(end)
        elif kind == 'cpu':
            secs, maxpct = arg.split(':')
            def ticks():
                f = open('/proc/%d/stat' % p.pid).read().rsplit(')', 1)[1].split()
                return int(f[11]) + int(f[12])
            a = ticks(); end = time.monotonic() + float(secs)
            while time.monotonic() < end:
                pump(end)
            used = (ticks() - a) / os.sysconf('SC_CLK_TCK')
            pct = 100.0 * used / float(secs)
            print('# idle CPU %.2f %% over %s s' % (pct, secs))
            if pct > float(maxpct):
                fail('idle CPU %.2f %% > %s %%' % (pct, maxpct))
        elif kind == 'date':
            mark = 'D%dT' % os.getpid()
            p.stdin.write(('echo %s$(date +%%s)E\n' % mark).encode()); p.stdin.flush()
            expect(mark)  # the echo of the command line
            deadline = time.monotonic() + timeout
            while True:
                m = re.search((mark + r'(\d+)E').encode(), buf[pos - len(mark):])
                if m:
                    host = time.time()
                    diff = abs(host - int(m.group(1)))
                    print('# guest date differs from host by %.1f s' % diff)
                    if diff > 2.5:   # date +%s truncates: allow the fraction
                        fail('guest clock off by %.1f s' % diff)
                    break
                if time.monotonic() > deadline:
                    fail('no date answer')
                pump(deadline)
        elif kind == 'exit':
            deadline = time.monotonic() + timeout
            while p.poll() is None and time.monotonic() < deadline:
                pump(deadline)
            if p.poll() is None:
                fail('domus-run still running')
            while pump(time.monotonic() + 0.1):
                pass
            if p.returncode != int(arg):
                fail('exit status %d, want %s' % (p.returncode, arg))
        else:
            fail('bad step ' + st)
    if p.poll() is None:
        p.kill()
    p.wait()
    print('RESULT ok')

main()
