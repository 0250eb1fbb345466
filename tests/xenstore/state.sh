#!/usr/bin/env bash
# State file: saved atomically on SIGTERM and periodically, reloaded at start.
set -u
. "$(dirname "$0")/lib.sh"
X=$B/bin
ST=$XS_TMP/state
xs_start --state-file "$ST" --save-interval 1 || exit 1
$X/xenstore-write /s/a 1 /s/b "$(printf 'bin\001ary')" /local/domain/3/x y
$X/xenstore-chmod /local/domain/3/x n3 r0
for i in $(seq 300); do echo "/s/many/k$i v$i"; done | xargs $X/xenstore-write
$X/xenstore-control act-as 3 >/dev/null 2>&1   # harmless: that connection ends
sleep 2.2
check "periodic save wrote the state file" test -s "$ST"
check "no temporary file left behind" test ! -e "$ST.tmp"
$X/xenstore-write /s/late z
check "SIGTERM exits cleanly" xs_stop
xs_start --state-file "$ST" || exit 1
check_eq "value survives restart" "$($X/xenstore-read /s/a)" "1"
check_eq "binary value survives restart" "$($X/xenstore-read /s/b)" 'bin\001ary'
check_eq "write just before SIGTERM survives" "$($X/xenstore-read /s/late)" "z"
check_eq "permissions survive restart" "$($X/xenstore-ls -p /local/domain/3 | sed 's/.*(//')" "n3,r0)"
check_eq "300 children survive restart" "$($X/xenstore-list /s/many | wc -l)" "300"
xs_stop
printf 'garbage' > "$ST"
"$XSD_BIN" -F -s "$XS_TMP/s2" --state-file "$ST" 2>/dev/null
check_eq "corrupt state file refused (exit 1)" "$?" "1"
# Quotas from the command line apply to a connection acting as a domain.
XS_PID=
xs_start -q watches=3 -q node-size=10 || exit 1
out=$(python3 - "$XENSTORED_PATH" <<'PY'
import socket, struct, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
def req(t, p, rid=[0]):
    rid[0] += 1
    s.sendall(struct.pack('<IIII', t, rid[0], 0, len(p)) + p)
    while True:
        h = b''
        while len(h) < 16: h += s.recv(16 - len(h))
        typ, r, tx, n = struct.unpack('<IIII', h)
        b = b''
        while len(b) < n: b += s.recv(n - len(b))
        if typ != 15: return b.rstrip(b'\0').decode()
req(0, b'act-as\0' b'5\0')
print(' '.join(req(4, b'/w%d\0t\0' % i) for i in range(4)), req(11, b'd\0' + b'x' * 11))
PY
)
check_eq "command-line quotas (watches=3, node-size=10)" "$out" "OK OK OK E2BIG ENOSPC"
xs_stop

# Daemon mode: forks, writes the pid file, logs requests with -v.
"$XSD_BIN" -s "$XS_TMP/d.sock" --pid-file "$XS_TMP/d.pid" --log-file "$XS_TMP/d.log" -v
for _ in $(seq 100); do [ -s "$XS_TMP/d.pid" ] && [ -S "$XS_TMP/d.sock" ] && break; sleep 0.05; done
dpid=$(cat "$XS_TMP/d.pid" 2>/dev/null)
check "daemon mode writes pid file" test -n "$dpid"
XENSTORED_PATH=$XS_TMP/d.sock $X/xenstore-write /logged yes
check "daemon mode serves and logs requests" grep -q "WRITE /logged" "$XS_TMP/d.log"
[ -n "$dpid" ] && kill "$dpid"
for _ in $(seq 100); do [ -e "$XS_TMP/d.pid" ] || break; sleep 0.05; done
check "pid file removed on SIGTERM" test ! -e "$XS_TMP/d.pid"
exit $((fails > 0))
