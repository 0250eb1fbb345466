#!/usr/bin/env bash
# System test of the credit scheduler through xend (issue 6 acceptance), on
# a pool of two pCPUs (xend config "pcpus 2"), every guest pinned to pCPU 0
# (cpus = "0"):
# - two CPU-bound 1-vCPU guests with weights 256 and 512 get CPU time 1:2
#   within +-10 % over SCHED_TEST_SECS (20) s;
# - an interactive guest next to the two hogs answers a console command (a
#   round trip through its UART and shell) with a median under 200 ms and
#   none over 1 s, over 10 tries;
# - then alone, a cap=25 CPU-bound guest uses at most 27 % of a pCPU (and
#   more than 5 %: it does run);
# - xm sched-credit get/set round trips (table, -d, -s), the settings in xm
#   list -l, and the errors.
# CPU time is read from xm vcpu-list (the scheduler's per-vCPU accounting),
# never wall time, so a loaded host does not skew the ratios. Own mktemp -d
# DOMUS_STATE; skips without $B/bin/{xend,xm,xenstored} or the guest images.
set -u
. "$(cd "$(dirname "$0")" && pwd)/lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
SECS=${SCHED_TEST_SECS:-20}
names="sched-credit-table sched-credit-set sched-credit-list-l sched-credit-global sched-credit-errors
weights-1-2 cap-25 interactive"
skip_all() { for n in $names; do echo "ok - $n # SKIP $1"; done; exit 0; }
[ -x "$XEND" ] && [ -x "$XM" ] && [ -x "$B/bin/xenstored" ] || skip_all "no xend/xm/xenstored in $B"
have_guest || skip_all "no guest image in $GDIR"
command -v python3 >/dev/null || skip_all "no python3"

state_init
printf 'pcpus 2\n' >"$DOMUS_STATE/xend.conf"
$XEND start || { echo "not ok - xend start"; exit 1; }
xsr() { XENSTORED_PATH=$DOMUS_STATE/xenstored.sock /usr/bin/xenstore-read "$@" 2>&1; }
ready() { grep -aq "$2" "$DOMUS_STATE/console/$1.log" 2>/dev/null; }
# CPU seconds of a domain's vCPUs (xm vcpu-list Time(s), summed)
cpu_s() { $XM vcpu-list "$1" | awk -v n="$1" '$1==n{s+=$6} END{printf "%.1f\n", s}'; }
mkcfg() {	# mkcfg NAME EXTRA-CONFIG-LINES
  cat >"$DOMUS_STATE/$1.cfg" <<EOF
name = "$1"
memory = 64
vcpus = 1
kernel = "$IMG"
ramdisk = "$INITRD"
$2
EOF
}
create() { local o; o=$($XM create "$DOMUS_STATE/$1.cfg" 2>&1) || { echo "not ok - create $1"; echo "$o" | sed 's/^/# /'; exit 1; }; }
hog="extra = 'console=ttyS0 quiet domus.run=\"echo BURN-START; cpuburn 86400\"'"

mkcfg hogA "cpus = \"0\"
cpu_weight = 256
$hog"
mkcfg hogB "cpus = \"0\"
cpu_weight = 512
$hog"
mkcfg capC "cpus = \"0\"
cap = 25
$hog"
create hogA; create hogB
o=$($XM create -p "$DOMUS_STATE/capC.cfg" 2>&1) || { echo "not ok - create capC"; echo "$o" | sed 's/^/# /'; exit 1; }

# -- sched-credit get/set (while they boot) -----------------------------------
tab=$($XM sched-credit)
exp_tab=$(printf '%-33s %4s %6s %4s\n%-32s %5s %6s %4s\n%-32s %5s %6s %4s\n%-32s %5s %6s %4s\n%-32s %5s %6s %4s' \
  Name ID Weight Cap Domain-0 0 256 0 hogA 1 256 0 hogB 2 512 0 capC 3 256 25)
t "sched-credit-table: Xen's Name ID Weight Cap table from the configs" "$([ "$tab" = "$exp_tab" ]; echo $?)" "$tab"
$XM sched-credit -d hogA -w 300 && $XM sched-credit -d hogA -c 50 && a=$($XM sched-credit -d hogA | tail -1)
$XM sched-credit -d hogA -w 256 -c 0 && b=$($XM sched-credit -d 1 | tail -1)
t "sched-credit-set: -w, -c, both; -d by name and id" \
  "$([ "$(echo $a)" = "hogA 1 300 50" ] && [ "$(echo $b)" = "hogA 1 256 0" ]; echo $?)" "$a / $b"
$XM sched-credit -d capC -w 700
l=$($XM list -l capC | grep -E '\((cpu_weight|cpu_cap|cpus) ' | awk '{$1=$1; printf "%s ", $0}')
$XM sched-credit -d capC -w 256
t "sched-credit-list-l: cpu_weight, cpu_cap and cpus in the SXP" \
  "$([ "$l" = "(cpus 0) (cpu_weight 700) (cpu_cap 25) " ]; echo $?)" "$l"
g0=$($XM sched-credit -s)
$XM sched-credit -s -t 10 -r 200 && g1=$($XM sched-credit -s)
$XM sched-credit -s -t 30 && $XM sched-credit -s -r 1000 && g2=$($XM sched-credit -s)
t "sched-credit-global: tslice/ratelimit shown and set" \
  "$([ "$g0" = "Cpupool Pool-0: tslice=30ms ratelimit=1000us" ] &&
     [ "$g1" = "Cpupool Pool-0: tslice=10ms ratelimit=200us" ] && [ "$g2" = "$g0" ]; echo $?)" "$g0 / $g1 / $g2"
e=""
chk() {	# chk EXPECTED-REGEX xm-args...: must fail with that one-line error
  local want=$1; shift
  local o; o=$($XM "$@" 2>&1) && e="$e [$* succeeded]"
  grep -Eq "$want" <<<"$o" || e="$e [$*: $o]"
}
chk "^Error: invalid weight '0': expected 1 to 65535\.$" sched-credit -d hogA -w 0
chk "^Error: invalid weight '70000': expected 1 to 65535\.$" sched-credit -d hogA -w 70000
chk "^Error: invalid cap '-1': expected 0 to 100 \(100 per vCPU, 1 vCPUs; 0: no cap\)\.$" sched-credit -d hogA -c -1
chk "^Error: invalid cap '101'" sched-credit -d hogA -c 101
chk "^Error: invalid weight 'x'" sched-credit -d hogA -w x
chk "^Error: Domain 'nosuch' does not exist\.$" sched-credit -d nosuch
chk "^Error: Domain 'nosuch' does not exist\.$" sched-credit -d nosuch -w 5
chk "^Error: No domain given\.$" sched-credit -w 5
chk "^Error: invalid tslice '0': expected 1 to 1000 \(ms\)\.$" sched-credit -s -t 0
chk "^Error: invalid ratelimit '50': expected 0 or 100 to 500000 \(us\)\.$" sched-credit -s -r 50
chk "^Error: ratelimit 2000us is longer than the tslice \(1ms\)\.$" sched-credit -s -t 1 -r 2000
chk "^Error: -s cannot be combined" sched-credit -s -d hogA
chk "^Error: Domain-0 is the host" sched-credit -d Domain-0 -w 5
chk "^Error: unexpected argument '-x'" sched-credit -x
t "sched-credit-errors" "$([ -z "$e" ]; echo $?)" "$e"
[ "$($XM sched-credit)" = "$exp_tab" ] || echo "# errors changed a setting: $($XM sched-credit)"

# -- weights 256:512 ------------------------------------------------------------
for d in hogA hogB; do wait_for "$TIMEOUT" ready $d BURN-START; done
sleep 2	# past the boot
a0=$(cpu_s hogA); b0=$(cpu_s hogB)
sleep "$SECS"
a1=$(cpu_s hogA); b1=$(cpu_s hogB)
read -r ratio da db <<<"$(awk -v a0="$a0" -v a1="$a1" -v b0="$b0" -v b1="$b1" 'BEGIN{
  da = a1 - a0; db = b1 - b0; printf "%.3f %.1f %.1f\n", (da > 0 ? db / da : 0), da, db }')"
echo "# $SECS s: hogA (weight 256) ${da} s, hogB (weight 512) ${db} s of CPU: ratio $ratio"
t "weights-1-2: CPU time ratio 512:256 is 2 +-10 %" \
  "$(awk -v r="$ratio" 'BEGIN{exit !(r >= 1.8 && r <= 2.2)}'; echo $?)" "ratio $ratio ($da s vs $db s)"

# -- an interactive guest next to the two hogs ------------------------------------
mkcfg inter "cpus = \"0\"
extra = 'console=ttyS0 quiet'"
create inter
wait_for "$TIMEOUT" ready inter DOMUS-GUEST-READY
tty=$(xsr "/local/domain/$($XM domid inter)/console/tty")
lat=$(python3 "$HERE/guestcmd.py" "$tty" rtt 10 2>&1)
stat=$(sort -n <<<"$lat" | awk '{v[NR]=$1} END{if (NR < 10) {print "fail"; exit} printf "%.1f %.1f\n", (v[5]+v[6])/2, v[NR]}')
read -r med max <<<"$stat"
echo "# console round trips (ms) next to two hogs: $(echo $lat); median $med, max $max"
t "interactive: console round trip median < 200 ms, max < 1000 ms" \
  "$(awk -v m="${med:-9999}" -v x="${max:-9999}" 'BEGIN{exit !(m < 200 && x < 1000)}'; echo $?)" "$lat"

# -- cap 25 alone ---------------------------------------------------------------------
for d in hogA hogB inter; do $XM destroy $d >/dev/null 2>&1; done
$XM unpause capC
wait_for "$TIMEOUT" ready capC BURN-START
sleep 2
c0=$(cpu_s capC)
sleep "$SECS"
c1=$(cpu_s capC)
read -r capc dc <<<"$(awk -v c0="$c0" -v c1="$c1" -v s="$SECS" 'BEGIN{printf "%.1f %.1f\n", 100 * (c1 - c0) / s, c1 - c0}')"
echo "# $SECS s: capC (cap 25) ${dc} s of CPU = ${capc} % of the pCPU"
t "cap-25: a capped hog uses at most 27 % (and runs: > 5 %)" \
  "$(awk -v c="$capc" 'BEGIN{exit !(c <= 27 && c > 5)}'; echo $?)" "$capc %"
exit $failed
