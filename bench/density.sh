#!/usr/bin/env bash
# bench/density.sh: how many idle test guests (64 MiB, 1 vCPU, the test
# initramfs, no disk) one xend holds on this machine, and what each costs
# the host beyond the guest RAM pages it touched.
#
#   bench/density.sh [-n MAX] [-t SECONDS] [-m MIB] [-r RESERVE_MIB] [-N NICE]
#   env: B (build dir, default build), DOMUS_GUEST_DIR (default $B/guest,
#   else build/guest)
#
# Guests are created one at a time; after each one reaches
# DOMUS-GUEST-READY it is left idle at its shell. The run stops at the first
# of: MAX guests (default 200), a guest not READY within 30 s, `xm list`
# taking more than 1 s, the host's MemAvailable below RESERVE (default
# 2048 MiB), or the time budget (default 900 s). xend runs under nice
# (default 10: the machine is shared).
#
# Memory figures, per step: xend's VmRSS, the guests' RAM resident in the
# host (sum of the `ram` records of `xm top --sample`: xend mincore()s each
# guest's RAM mapping, so these are exactly the touched, not ballooned
# pages), overhead = RSS - guest RAM (decode caches, vCPU stacks, device
# and console buffers, malloc), xenstored's VmRSS and the host's
# MemAvailable (which also sees page tables and kernel stacks). The
# per-guest cost is the growth from the empty xend divided by the guests.
set -u
cd "$(dirname "$0")/.."
B=${B:-build}
max=200 budget=900 mem=64 reserve=2048 nice=10 ready_to=30
while getopts n:t:m:r:N:h o; do
	case $o in
	n) max=$OPTARG ;;
	t) budget=$OPTARG ;;
	m) mem=$OPTARG ;;
	r) reserve=$OPTARG ;;
	N) nice=$OPTARG ;;
	*) echo "usage: bench/density.sh [-n MAX] [-t SECONDS] [-m MIB] [-r RESERVE_MIB] [-N NICE]" >&2; exit 2 ;;
	esac
done
XM=$B/bin/xm XEND=$B/bin/xend
GDIR=${DOMUS_GUEST_DIR:-$B/guest}
[ -f "$GDIR/Image" ] || GDIR=build/guest
IMG=$(realpath -m "$GDIR/Image") INITRD=$(realpath -m "$GDIR/initramfs.cpio.gz")
for f in "$XM" "$XEND" "$B/bin/xenstored" "$IMG" "$INITRD"; do
	[ -e "$f" ] || { echo "density: missing $f (make all guest)" >&2; exit 1; }
done

DOMUS_STATE=$(mktemp -d)
export DOMUS_STATE
trap '$XEND stop >/dev/null 2>&1; rm -rf "$DOMUS_STATE"' EXIT
printf 'dom0-memory 256\nguest-memory %d\n' $((max * mem)) >"$DOMUS_STATE/xend.conf"
nice -n "$nice" "$XEND" start || exit 1
XPID=$(cat "$DOMUS_STATE/xend.pid")
XSPID=$(ps -o pid= --ppid "$XPID" | head -1 | tr -d ' ')
rss() { awk '/^VmRSS:/{print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
avail() { awk '/^MemAvailable:/{print $2}' /proc/meminfo; }
gram() { $XM top --sample | awk '$1 == "ram" { s += $3 } END { print s + 0 }'; }
now_ms() { local t=$EPOCHREALTIME; echo $((${t%.*} * 1000 + 10#${t#*.} / 1000)); }
cpu_ticks() { sed 's/.*) //' "/proc/$XPID/stat" | awk '{print $12 + $13}'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

cat >"$DOMUS_STATE/d.cfg" <<EOF
memory = $mem
vcpus = 1
kernel = "$IMG"
ramdisk = "$INITRD"
extra = 'console=ttyS0 quiet'
EOF

rss0=$(rss "$XPID") xs0=$(rss "$XSPID") av0=$(avail)
t_start=$(now_ms)
echo "# density: xend pid $XPID (nice $nice), xenstored $XSPID, ${mem} MiB guests, max $max, budget ${budget}s, reserve ${reserve} MiB"
echo "# empty xend: RSS $(mib "$rss0") MiB, xenstored $(mib "$xs0") MiB, host MemAvailable $(mib "$av0") MiB"
printf '%6s %8s %8s %10s %10s %10s %9s %12s\n' guests ready_s list_ms xend_MiB guestRAM overhead xs_MiB MemAvail_MiB
row() { printf '%6d %8s %8d %10s %10s %10s %9s %12s\n' "$1" "$2" "$3" "$(mib "$4")" "$(mib "$5")" \
	"$(mib $(($4 - $5)))" "$(mib "$6")" "$(mib "$7")"; }

n=0 reason="" last=""
while :; do
	el=$(( ($(now_ms) - t_start) / 1000 ))
	if [ "$n" -ge "$max" ]; then reason="reached the maximum of $max guests"; break; fi
	if [ "$el" -ge "$budget" ]; then reason="time budget of ${budget}s used"; break; fi
	if [ "$(avail)" -lt $((reserve * 1024)) ]; then reason="host MemAvailable below ${reserve} MiB"; break; fi
	i=$((n + 1))
	t0=$(now_ms)
	if ! out=$($XM create "$DOMUS_STATE/d.cfg" "name='d$i'" 2>&1); then
		reason="xm create d$i failed: $(tr '\n' ' ' <<<"$out")"; break
	fi
	ok=0
	while [ $(( $(now_ms) - t0 )) -lt $((ready_to * 1000)) ]; do
		grep -aq DOMUS-GUEST-READY "$DOMUS_STATE/console/d$i.log" 2>/dev/null && { ok=1; break; }
		sleep 0.1
	done
	rdy=$(awk -v a="$t0" -v b="$(now_ms)" 'BEGIN { printf "%.2f", (b - a) / 1000 }')
	if ! kill -0 "$XPID" 2>/dev/null; then
		reason="xend died while d$i booted (host kernel log: $(dmesg 2>/dev/null | grep -a "xend\[" | tail -1))"
		break
	fi
	if [ $ok = 0 ]; then reason="guest d$i not READY within ${ready_to}s"; break; fi
	n=$i
	t0=$(now_ms); $XM list >/dev/null; lms=$(( $(now_ms) - t0 ))
	r=$(rss "$XPID") g=$(gram) x=$(rss "$XSPID") a=$(avail)
	last="$n $rdy $lms $r $g $x $a"
	shown=0
	case $n in 1|2|5|10|20|30|50|75|100|125|150|175|200|250|300|400|500) row $last; shown=1 ;; esac
	if [ "$lms" -gt 1000 ]; then reason="xm list took ${lms} ms with $n guests"; break; fi
done
el=$(( ($(now_ms) - t_start) / 1000 ))
[ -n "$last" ] && [ "${shown:-0}" = 0 ] && row $last
echo "# stopped after ${el}s: $reason"
[ "$n" -gt 0 ] || exit 1
kill -0 "$XPID" 2>/dev/null || { echo "# xend is gone: no idle figures"; last_only=1; }
# Idle cost: xend's CPU over 10 s with every guest idle at its shell.
c0=0 c1=0 w0=0 w1=1000
if [ -z "${last_only:-}" ]; then
	sleep 2
	c0=$(cpu_ticks); w0=$(now_ms); sleep 10; c1=$(cpu_ticks); w1=$(now_ms)
fi
hz=$(getconf CLK_TCK)
set -- $last
awk -v n="$n" -v r0="$rss0" -v x0="$xs0" -v a0="$av0" -v r="$4" -v g="$5" -v x="$6" -v a="$7" \
    -v c="$((c1 - c0))" -v hz="$hz" -v ms="$((w1 - w0))" -v mem="$mem" 'BEGIN {
	ov = (r - g - r0) / n; tg = g / n; xs = (x - x0) / n; host = (a0 - a) / n
	cpu = c / hz / (ms / 1000) * 100
	printf "guests held: %d\n", n
	printf "per guest: guest RAM touched %.1f MiB of %d MiB; xend overhead beyond it %.2f MiB; xenstored %.3f MiB\n", tg / 1024, mem, ov / 1024, xs / 1024
	printf "per guest: xend RSS growth %.1f MiB; host MemAvailable drop %.1f MiB\n", (r - r0) / n / 1024, host / 1024
	if (c > 0) printf "idle: xend uses %.1f%% of one CPU for %d idle guests (%.3f%% each)\n", cpu, n, cpu / n
	if (host > 0) printf "projection: MemAvailable %.0f MiB / %.1f MiB per guest = ~%d guests by memory\n", a0 / 1024, host / 1024, a0 / host
}'
