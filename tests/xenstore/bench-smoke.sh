#!/usr/bin/env bash
# The throughput bench and its socket ceiling stay usable: xenstore-echo
# (both loops) answers the xs_wire framing as documented, xenstore-bench
# runs against it and against our daemon (reads are checked by the bench),
# and bench/xenstore.sh prints the ceiling rows and ratios (small N, 1 rep).
set -u
. "$(dirname "$0")/lib.sh"
X=$B/bin
epids=()
for mode in blk epoll; do
    flag=; [ $mode = epoll ] && flag=-e
    $X/xenstore-echo $flag "$XS_TMP/echo-$mode" 2>>"$XS_TMP/log" & epids+=($!)
done
trap 'kill "${epids[@]}" 2>/dev/null; wait "${epids[@]}" 2>/dev/null; xs_cleanup' EXIT
for _ in $(seq 100); do [ -S "$XS_TMP/echo-blk" ] && [ -S "$XS_TMP/echo-epoll" ] && break; sleep 0.05; done

for mode in blk epoll; do
    s=$XS_TMP/echo-$mode
    out=$(python3 - "$s" <<'PY'
import socket, struct, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
def req(t, p, rid=[0], split=False):
    rid[0] += 1
    m = struct.pack('<IIII', t, rid[0], 7, len(p)) + p
    if split:                       # header and payload in separate writes
        s.sendall(m[:16]); s.sendall(m[16:])
    else:
        s.sendall(m)
    h = b''
    while len(h) < 16: h += s.recv(16 - len(h))
    typ, r, tx, n = struct.unpack('<IIII', h)
    b = b''
    while len(b) < n: b += s.recv(n - len(b))
    ok = r == rid[0] and tx == 7
    return '%d:%s%s' % (typ, b.decode().replace('\0', '|'), '' if ok else ':BADID')
print(req(11, b'/bench/k42\0v42'), req(2, b'/bench/d0/k42\0', split=True),
      req(1, b'/bench\0'), req(99, b''))
s.sendall(struct.pack('<IIII', 2, 1, 0, 4097))   # over the payload limit: dropped
print('closed' if s.recv(16) == b'' else 'open')
PY
)
    check_eq "xenstore-echo ($mode): canned replies, oversized message drops the client" \
        "$out" "11:OK| 2:v42 1: 16:ENOSYS|
closed"
    for fan in 0 100; do
        r=$($X/xenstore-bench "$s" 500 $fan 2>&1)
        if [[ $r =~ ^[1-9][0-9]*\ [1-9][0-9]*\ [0-9.]+\ dir=0$ ]]; then
            ok "xenstore-bench against xenstore-echo ($mode, fanout $fan): $r"
        else
            notok "xenstore-bench against xenstore-echo ($mode, fanout $fan): $r"
        fi
    done
done

out=$(REPS=1 bench/xenstore.sh 300 2>&1)
echo "$out" | sed 's/^/# /'
row() { echo "$out" | awk -v n="$1" '$1 == n { print $2, $3, $4, $5; exit }'; }
nonzero() { [[ $1 =~ ^[1-9][0-9]*\ [1-9][0-9]*\ [1-9][0-9]*\ [1-9][0-9]*$ ]]; }
check "bench/xenstore.sh: our daemon measured in every column" nonzero "$(row ours)"
check "bench/xenstore.sh: echo-blk ceiling measured" nonzero "$(row echo-blk)"
check "bench/xenstore.sh: echo-epoll ceiling measured" nonzero "$(row echo-epoll)"
check "bench/xenstore.sh: prints fractions of the ceiling and ceiling/best" \
    grep -q "^ceiling/best" <<< "$out"
exit $((fails > 0))
