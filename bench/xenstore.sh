#!/usr/bin/env bash
# XenStore throughput: one connection, synchronous requests, 20,000 keys,
# flat directory and fanout 100; our xenstored against Xen's C xenstored
# and oxenstored (run without a hypervisor via ../shared/peers/xenstore),
# and against the socket ceiling: xenstore-echo, a server that speaks the
# xs_wire framing with canned replies and no XenStore work, once blocking
# (echo-blk) and once as an epoll loop like a daemon (echo-epoll).
# The same client (xenstore-bench, our xs_client library: one writev and
# one recv per request) and the same access pattern drive every server.
# Prints writes/s and reads/s per server, each daemon's fraction of the
# ceiling (the faster echo, per column), our ratio to the faster peer and
# the ceiling's ratio to the faster peer: the most any daemon could show on
# this transport.
#
# Placement matters more than anything else here: a request/reply ping-pong
# between two processes on one CPU costs two context switches (~8 us); on
# two CPUs each wake-up has to wake an idle vCPU (~30-60 us on this VM),
# and unpinned the scheduler picks either from run to run. So every server
# and the client are pinned alike (taskset):
#   PIN=same   (default) all on CPU $CPU (default 0)
#   PIN=split  servers on CPU $CPU, client on the other CPU
#   PIN=none   no pinning (what the scheduler does; noisy)
# Each measurement is repeated REPS times (default 3, servers interleaved)
# and the best kept: the shared 2-core machine deschedules at will.
# usage: bench/xenstore.sh [N=20000]     (env B = build dir, REPS, PIN, CPU)
set -u
B=${B:-build}
N=${1:-20000}
REPS=${REPS:-3}
PIN=${PIN:-same}
CPU=${CPU:-0}
HERE=$(cd "$(dirname "$0")/.." && pwd)
PEERS=${PEERS:-$HERE/../shared/peers/xenstore}
BENCH=$B/bin/xenstore-bench
T=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; rm -rf "$T"; }
trap cleanup EXIT
wait_sock() { for _ in $(seq 100); do [ -S "$1" ] && return 0; sleep 0.05; done; return 1; }

ncpu=$(nproc)
case $PIN in
same) SRV=(taskset -c "$CPU"); CLI=(taskset -c "$CPU") ;;
split) other=$(( (CPU + 1) % ncpu ))
       SRV=(taskset -c "$CPU"); CLI=(taskset -c "$other") ;;
none) SRV=(); CLI=() ;;
*) echo "PIN must be same, split or none"; exit 2 ;;
esac

mkdir -p "$T/ours" "$T/eb" "$T/ee"
"${SRV[@]}" "$B/bin/xenstored" -F -s "$T/ours/socket" 2>/dev/null & pids+=($!)
wait_sock "$T/ours/socket" || { echo "our xenstored did not start"; exit 1; }
socks=(ours "$T/ours/socket")
if [ -x "$PEERS/run-cxenstored.sh" ] && [ -x /usr/lib/xen-4.17/bin/xenstored ]; then
    "${SRV[@]}" "$PEERS/run-cxenstored.sh" "$T/cxs" >/dev/null 2>&1 & pids+=($!)
    wait_sock "$T/cxs/socket" && socks+=(cxenstored "$T/cxs/socket")
fi
if [ -x "$PEERS/run-oxenstored.sh" ] && [ -x /usr/lib/xen-4.17/bin/oxenstored ]; then
    "${SRV[@]}" "$PEERS/run-oxenstored.sh" "$T/oxs" --no-access-log >/dev/null 2>&1 & pids+=($!)
    wait_sock "$T/oxs/socket" && socks+=(oxenstored "$T/oxs/socket")
fi
"${SRV[@]}" "$B/bin/xenstore-echo" "$T/eb/socket" & pids+=($!)
"${SRV[@]}" "$B/bin/xenstore-echo" -e "$T/ee/socket" & pids+=($!)
wait_sock "$T/eb/socket" && wait_sock "$T/ee/socket" ||
    { echo "xenstore-echo did not start"; exit 1; }
socks+=(echo-blk "$T/eb/socket" echo-epoll "$T/ee/socket")

# Repetitions interleave the servers so load spikes hit them alike; each
# column keeps its best value, rm time its smallest.
declare -A res rm dir
for ((r = 0; r < REPS; r++)); do
    for ((i = 0; i < ${#socks[@]}; i += 2)); do
        name=${socks[i]}; s=${socks[i+1]}
        read -r fw fr pw pr <<< "${res[$name]:-0 0 0 0}"
        read -r a b c d < <("${CLI[@]}" $BENCH "$s" "$N" 0 || echo "0 0 0 error")
        (( a > fw )) && fw=$a; (( b > fr )) && fr=$b
        if [ -z "${rm[$name]:-}" ] || awk -v x="$c" -v y="${rm[$name]}" 'BEGIN { exit !(x < y) }'; then
            rm[$name]=$c
        fi
        dir[$name]=$d
        read -r a b c d < <("${CLI[@]}" $BENCH "$s" "$N" 100 || echo "0 0 0 error")
        (( a > pw )) && pw=$a; (( b > pr )) && pr=$b
        res[$name]="$fw $fr $pw $pr"
    done
done

echo "# N=$N REPS=$REPS PIN=$PIN (servers: ${SRV[*]:-any CPU}; client: ${CLI[*]:-any CPU})," \
     "load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-12s %12s %12s %12s %12s %10s %10s\n' server flat-wr/s flat-rd/s fan100-wr/s fan100-rd/s rm-flat-ms dir-flat
for ((i = 0; i < ${#socks[@]}; i += 2)); do
    name=${socks[i]}
    read -r fw fr pw pr <<< "${res[$name]}"
    case $name in echo-*) rm[$name]=-; dir[$name]=- ;; esac
    printf '%-12s %12s %12s %12s %12s %10s %10s\n' "$name" "$fw" "$fr" "$pw" "$pr" "${rm[$name]}" "${dir[$name]}"
done
colmax() {   # per-column maximum over the named rows
    local m1=0 m2=0 m3=0 m4=0 p1 p2 p3 p4 n
    for n in "$@"; do
        [ -n "${res[$n]:-}" ] || continue
        read -r p1 p2 p3 p4 <<< "${res[$n]}"
        m1=$(( p1 > m1 ? p1 : m1 )); m2=$(( p2 > m2 ? p2 : m2 ))
        m3=$(( p3 > m3 ? p3 : m3 )); m4=$(( p4 > m4 ? p4 : m4 ))
    done
    echo "$m1 $m2 $m3 $m4"
}
ratio() { [ "$2" -gt 0 ] && awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", a / b }' || echo n/a; }
pct() { [ "$2" -gt 0 ] && awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f%%", 100 * a / b }' || echo n/a; }
read -r c1 c2 c3 c4 <<< "$(colmax echo-blk echo-epoll)"
read -r b1 b2 b3 b4 <<< "$(colmax cxenstored oxenstored)"
echo "# fraction of the socket ceiling (faster echo per column)"
for name in ours cxenstored oxenstored; do
    [ -n "${res[$name]:-}" ] || continue
    read -r o1 o2 o3 o4 <<< "${res[$name]}"
    printf '%-12s %12s %12s %12s %12s\n' "$name" "$(pct $o1 $c1)" "$(pct $o2 $c2)" "$(pct $o3 $c3)" "$(pct $o4 $c4)"
done
echo "# ratio to the faster peer (goal: 3x); ceiling/best = the most any daemon can reach here"
read -r o1 o2 o3 o4 <<< "${res[ours]}"
printf '%-12s %12s %12s %12s %12s\n' "ours/best" "$(ratio $o1 $b1)" "$(ratio $o2 $b2)" "$(ratio $o3 $b3)" "$(ratio $o4 $b4)"
printf '%-12s %12s %12s %12s %12s\n' "ceiling/best" "$(ratio $c1 $b1)" "$(ratio $c2 $b2)" "$(ratio $c3 $b3)" "$(ratio $c4 $b4)"
