#!/usr/bin/env bash
# XenStore throughput: one connection, synchronous requests, 20,000 keys,
# flat directory and fanout 100; our xenstored against Xen's C xenstored
# and oxenstored (run without a hypervisor via ../shared/peers/xenstore).
# Prints writes/s and reads/s per daemon and our ratio to the faster peer.
# Each measurement is repeated REPS times (default 3, daemons interleaved)
# and the best kept: the shared 2-core machine deschedules at will.
# usage: bench/xenstore.sh [N=20000]     (env B = build dir, REPS)
set -u
B=${B:-build}
N=${1:-20000}
REPS=${REPS:-3}
HERE=$(cd "$(dirname "$0")/.." && pwd)
PEERS=${PEERS:-$HERE/../shared/peers/xenstore}
BENCH=$B/bin/xenstore-bench
T=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; rm -rf "$T"; }
trap cleanup EXIT
wait_sock() { for _ in $(seq 100); do [ -S "$1" ] && return 0; sleep 0.05; done; return 1; }

mkdir -p "$T/ours"
"$B/bin/xenstored" -F -s "$T/ours/socket" 2>/dev/null & pids+=($!)
wait_sock "$T/ours/socket" || { echo "our xenstored did not start"; exit 1; }
socks=(ours "$T/ours/socket")
if [ -x "$PEERS/run-cxenstored.sh" ] && [ -x /usr/lib/xen-4.17/bin/xenstored ]; then
    "$PEERS/run-cxenstored.sh" "$T/cxs" >/dev/null 2>&1 & pids+=($!)
    wait_sock "$T/cxs/socket" && socks+=(cxenstored "$T/cxs/socket")
fi
if [ -x "$PEERS/run-oxenstored.sh" ] && [ -x /usr/lib/xen-4.17/bin/oxenstored ]; then
    "$PEERS/run-oxenstored.sh" "$T/oxs" --no-access-log >/dev/null 2>&1 & pids+=($!)
    wait_sock "$T/oxs/socket" && socks+=(oxenstored "$T/oxs/socket")
fi

# Repetitions interleave the daemons so load spikes hit them alike; each
# column keeps its best value, rm time its smallest.
declare -A res rm dir
for ((r = 0; r < REPS; r++)); do
    for ((i = 0; i < ${#socks[@]}; i += 2)); do
        name=${socks[i]}; s=${socks[i+1]}
        read -r fw fr pw pr <<< "${res[$name]:-0 0 0 0}"
        read -r a b c d < <($BENCH "$s" "$N" 0 || echo "0 0 0 error")
        (( a > fw )) && fw=$a; (( b > fr )) && fr=$b
        if [ -z "${rm[$name]:-}" ] || awk -v x="$c" -v y="${rm[$name]}" 'BEGIN { exit !(x < y) }'; then
            rm[$name]=$c
        fi
        dir[$name]=$d
        read -r a b c d < <($BENCH "$s" "$N" 100 || echo "0 0 0 error")
        (( a > pw )) && pw=$a; (( b > pr )) && pr=$b
        res[$name]="$fw $fr $pw $pr"
    done
done
printf '%-12s %12s %12s %12s %12s %10s %10s\n' daemon flat-wr/s flat-rd/s fan100-wr/s fan100-rd/s rm-flat-ms dir-flat
for ((i = 0; i < ${#socks[@]}; i += 2)); do
    name=${socks[i]}
    read -r fw fr pw pr <<< "${res[$name]}"
    printf '%-12s %12s %12s %12s %12s %10s %10s\n' "$name" "$fw" "$fr" "$pw" "$pr" "${rm[$name]}" "${dir[$name]}"
done
# Ratio of ours to the faster peer, per column.
read -r o1 o2 o3 o4 <<< "${res[ours]}"
b1=0 b2=0 b3=0 b4=0
for name in cxenstored oxenstored; do
    [ -n "${res[$name]:-}" ] || continue
    read -r p1 p2 p3 p4 <<< "${res[$name]}"
    b1=$(( p1 > b1 ? p1 : b1 )); b2=$(( p2 > b2 ? p2 : b2 ))
    b3=$(( p3 > b3 ? p3 : b3 )); b4=$(( p4 > b4 ? p4 : b4 ))
done
ratio() { [ "$2" -gt 0 ] && awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", a / b }' || echo n/a; }
printf '%-12s %12s %12s %12s %12s\n' "ours/best" "$(ratio $o1 $b1)" "$(ratio $o2 $b2)" "$(ratio $o3 $b3)" "$(ratio $o4 $b4)"
