#!/usr/bin/env bash
# System test of vCPU management (issue 6): xm vcpu-set through the guest
# agent on the control channel (the guest really takes CPUs offline and
# online: /sys/devices/system/cpu/online read on its console; xm vcpu-list
# and XenStore's cpu/N/availability agree), maxvcpus > vcpus at boot,
# xm vcpu-pin moving a busy vCPU (xm vcpu-list shows its CPU and affinity),
# a guest that does not comply, and the errors. Own mktemp -d DOMUS_STATE;
# skips without $B/bin/{xend,xm,xenstored} or the guest images.
set -u
. "$(cd "$(dirname "$0")" && pwd)/lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
names="online-at-boot vcpu-set-1-guest vcpu-set-1-vcpu-list vcpu-set-1-xenstore vcpu-set-4-guest
vcpu-set-4-vcpu-list maxvcpus-boot maxvcpus-vcpu-set-4 vcpu-pin-moves vcpu-pin-affinity
vcpu-pin-all vcpu-set-errors vcpu-pin-errors no-agent xend-responsive agent-error"
skip_all() { for n in $names; do echo "ok - $n # SKIP $1"; done; exit 0; }
[ -x "$XEND" ] && [ -x "$XM" ] && [ -x "$B/bin/xenstored" ] || skip_all "no xend/xm/xenstored in $B"
have_guest || skip_all "no guest image in $GDIR"
command -v python3 >/dev/null || skip_all "no python3"

state_init
printf 'pcpus 2\n' >"$DOMUS_STATE/xend.conf"
$XEND start || { echo "not ok - xend start"; exit 1; }
xsr() { XENSTORED_PATH=$DOMUS_STATE/xenstored.sock /usr/bin/xenstore-read "$@" 2>&1; }
domid() { $XM domid "$1" 2>/dev/null; }
tty_of() { xsr "/local/domain/$(domid "$1")/console/tty"; }
gcmd() { python3 "$HERE/guestcmd.py" "$(tty_of "$1")" run "$2"; }	# gcmd DOM CMD
online() { gcmd "$1" 'cat /sys/devices/system/cpu/online'; }
# vcpu-list lines of DOM: "VCPU CPU STATE AFFINITY"
vlist() { $XM vcpu-list "$1" | awk -v n="$1" '$1==n{a=$7; for(i=8;i<=NF;i++) a=a" "$i; print $3, $4, $5, a}'; }
count_state() { vlist "$1" | awk -v s="$2" '$3==s' | wc -l; }
ready() { grep -aq DOMUS-GUEST-READY "$DOMUS_STATE/console/$1.log" 2>/dev/null; }

mkcfg() {	# mkcfg NAME EXTRA-CONFIG-LINES
  cat >"$DOMUS_STATE/$1.cfg" <<EOF
name = "$1"
memory = 128
kernel = "$IMG"
ramdisk = "$INITRD"
extra = 'console=ttyS0 quiet'
$2
EOF
}
create() { local o; o=$($XM create "$DOMUS_STATE/$1.cfg" 2>&1) || { echo "not ok - create $1"; echo "$o" | sed 's/^/# /'; exit 1; }; }

# -- a 4-vCPU guest: 4 -> 1 -> 4 ---------------------------------------------
mkcfg g4 "vcpus = 4"
create g4
wait_for "$TIMEOUT" ready g4
on=$(online g4)
t "online-at-boot: 4 vCPUs, guest has 0-3 online" "$([ "$on" = 0-3 ]; echo $?)" "online: $on"

out=$($XM vcpu-set g4 1 2>&1); rc=$?
on=$(online g4)
t "vcpu-set-1-guest: exactly cpu 0 online in the guest" "$([ $rc = 0 ] && [ "$on" = 0 ]; echo $?)" \
  "rc $rc: $out / online: $on"
off=$(count_state g4 --p); on1=$(vlist g4 | awk '$1==0 && $3!="--p"' | wc -l)
t "vcpu-set-1-vcpu-list: 3 vCPUs offline (CPU -, State --p), vCPU 0 online" \
  "$([ "$off" = 3 ] && [ "$on1" = 1 ] && [ -z "$(vlist g4 | awk '$3=="--p" && $2!="-"')" ]; echo $?)" \
  "$($XM vcpu-list g4)"
id=$(domid g4)
av="$(xsr /local/domain/$id/cpu/0/availability) $(xsr /local/domain/$id/cpu/3/availability) $(xsr "$(xsr /local/domain/$id/vm)/vcpu_avail")"
t "vcpu-set-1-xenstore: cpu/0 online, cpu/3 offline, vcpu_avail 1" "$([ "$av" = "online offline 1" ]; echo $?)" "$av"

out=$($XM vcpu-set g4 4 2>&1); rc=$?
on=$(online g4)
t "vcpu-set-4-guest: cpus 0-3 back online" "$([ $rc = 0 ] && [ "$on" = 0-3 ]; echo $?)" "rc $rc: $out / online: $on"
t "vcpu-set-4-vcpu-list: none offline, xm list VCPUs 4" \
  "$([ "$(count_state g4 --p)" = 0 ] && [ "$($XM list g4 | awk '$1=="g4"{print $4}')" = 4 ]; echo $?)" \
  "$($XM vcpu-list g4; $XM list g4)"

# -- maxvcpus=4, vcpus=2: boots with 2 online ---------------------------------
mkcfg m2 "vcpus = 2
maxvcpus = 4"
create m2
wait_for "$TIMEOUT" ready m2
on=$(online m2); off=$(count_state m2 --p)
t "maxvcpus-boot: 2 of 4 online in the guest, 2 offline in vcpu-list" \
  "$([ "$on" = 0-1 ] && [ "$off" = 2 ]; echo $?)" "online: $on; $($XM vcpu-list m2)"
out=$($XM vcpu-set m2 4 2>&1); rc=$?
on=$(online m2)
t "maxvcpus-vcpu-set-4: all 4 online" "$([ $rc = 0 ] && [ "$on" = 0-3 ] && [ "$(count_state m2 --p)" = 0 ]; echo $?)" \
  "rc $rc: $out / online: $on"
$XM destroy m2 >/dev/null 2>&1

# -- vcpu-pin: a busy 2-vCPU guest, vCPUs swapped between the 2 pCPUs --------
mkcfg p2 "vcpus = 2
extra = 'console=ttyS0 quiet domus.run=\"cpuburn 600 2\"'"
create p2
wait_for "$TIMEOUT" ready p2
sleep 1
# samples of a vCPU's CPU column: only "want" (or "-": between runs) and
# want at least once, from 0.3 s after the pin on (it moves at its next
# preemption point); the samples go to $samples
cpu_samples() {	# cpu_samples DOM VCPU WANT: 0 if ok
  local seen=0 bad=""
  sleep 0.3
  for _ in $(seq 1 25); do
    c=$(vlist "$1" | awk -v v="$2" '$1==v{print $2}')
    [ "$c" = "$3" ] && seen=$((seen + 1))
    [ "$c" != "$3" ] && [ "$c" != - ] && bad="$bad $c"
    sleep 0.2
  done
  samples="$samples [vCPU $2 on $3: $seen times, elsewhere:${bad:- never}]"
  [ $seen -gt 0 ] && [ -z "$bad" ]
}
samples=""
$XM vcpu-pin p2 0 1 && $XM vcpu-pin p2 1 0
cpu_samples p2 0 1; r1=$?
cpu_samples p2 1 0; r2=$?
aff=$(vlist p2 | awk '{print $4}' | tr '\n' ' ')
t "vcpu-pin-moves: vCPU 0 runs on pCPU 1 and vCPU 1 on pCPU 0 after pinning" \
  "$([ $r1 = 0 ] && [ $r2 = 0 ]; echo $?)" "$samples $($XM vcpu-list p2)"
t "vcpu-pin-affinity: vcpu-list CPU Affinity 1 and 0" "$([ "$aff" = "1 0 " ]; echo $?)" "$aff"
$XM vcpu-pin p2 0 0 && cpu_samples p2 0 0; r1=$?
$XM vcpu-pin p2 all all
aff=$(vlist p2 | awk '{print $4, $5}' | tr '\n' ' ')
t "vcpu-pin-all: back to pCPU 0, then 'any cpu'; xm list -l keeps no cpus" \
  "$([ $r1 = 0 ] && [ "$aff" = "any cpu any cpu " ] && ! $XM list -l p2 | grep -q '(cpus'; echo $?)" \
  "$aff / $samples / $($XM list -l p2 | grep cpus)"
$XM destroy p2 >/dev/null 2>&1

# -- errors ------------------------------------------------------------------
e=""
chk() {	# chk EXPECTED-REGEX xm-args...: must fail with that one-line error
  local want=$1; shift
  local o; o=$($XM "$@" 2>&1) && e="$e [$* succeeded]"
  grep -Eq "$want" <<<"$o" || e="$e [$*: $o]"
}
chk "^Error: invalid number of vCPUs '5': domain 'g4' may have 1 to 4 \(maxvcpus\)\.$" vcpu-set g4 5
chk "^Error: invalid number of vCPUs '0'" vcpu-set g4 0
chk "^Error: invalid number of vCPUs 'x'" vcpu-set g4 x
chk "^Error: Domain 'nosuch' does not exist\.$" vcpu-set nosuch 1
chk "^Error: Domain-0 is the host" vcpu-set Domain-0 1
chk "^Usage: xm vcpu-set" vcpu-set g4
t "vcpu-set-errors" "$([ -z "$e" ]; echo $?)" "$e"
e=""
chk "^Error: Invalid VCPU '4': domain 'g4' has vCPUs 0 to 3 \(or all\)\.$" vcpu-pin g4 4 0
chk "^Error: CPU list '7' names no pCPU of this host \(0-1\)\.$" vcpu-pin g4 0 7
chk "^Error: expected a CPU list like '0-3,\^1' or 'all', got '1-'$" vcpu-pin g4 0 1-
chk "^Error: expected at least one CPU in '0,\^0'$" vcpu-pin g4 0 '0,^0'
chk "^Error: Domain 'nosuch' does not exist\.$" vcpu-pin nosuch 0 0
chk "^Error: Domain-0 is the host" vcpu-pin 0 0 0
chk "^Usage: xm vcpu-pin" vcpu-pin g4 0
chk "^Error: Domain 'nosuch' does not exist\.$" vcpu-list nosuch
chk "^Error: cannot build domain bad: cpus: vCPU 1: no CPU of '5-6' exists on this host \(pCPUs 0-1\)$" \
  create "$DOMUS_STATE/g4.cfg" name=bad vcpus=2 "cpus=['1', '5-6']"
t "vcpu-pin-errors" "$([ -z "$e" ]; echo $?)" "$e"

# -- a guest that does not comply: its agent is gone --------------------------
gcmd g4 'for p in $(ps | awk "/domus-agen[t]/{print \$1}"); do kill $p; done' >/dev/null
DOMUS_VCPU_SET_WAIT=3 $XM vcpu-set g4 2 >"$DOMUS_STATE/vs.out" 2>&1 &
vs=$!
sleep 0.5
t0=$(date +%s%N); $XM list g4 >/dev/null; t1=$(date +%s%N)
wait $vs; rc=$?
out=$(cat "$DOMUS_STATE/vs.out")
t "no-agent: vcpu-set fails within its wait with a clear error" \
  "$([ $rc = 1 ] && grep -q "^Error: Domain 'g4' did not reach 2 online vCPUs within 3 s (no answer from the guest agent)\.$" <<<"$out"; echo $?)" \
  "rc $rc: $out"
ms=$(( (t1 - t0) / 1000000 ))
t "xend-responsive: xm list answers while vcpu-set waits (${ms} ms)" "$([ $ms -lt 1500 ]; echo $?)"

# -- a guest that refuses: a stand-in agent answering errors ------------------
ctl=$(gcmd g4 'for n in 1 2 3 4 5 6 7; do [ -e /sys/class/tty/hvc$n ] && (exec 3<>/dev/hvc$n) 2>/dev/null && { echo /dev/hvc$n; break; }; done' | tail -1)
gcmd g4 "(stty -F $ctl raw -echo; while read -r a b c; do echo \"error cpu \$b refused by the test\"; done <$ctl >$ctl) >/dev/null 2>&1 & true" >/dev/null
sleep 1
out=$(DOMUS_VCPU_SET_WAIT=20 $XM vcpu-set g4 3 2>&1); rc=$?
t "agent-error: the guest's refusal is reported at once" \
  "$([ $rc = 1 ] && grep -Eq "^Error: Domain 'g4' refused vcpu-set 3: guest agent: error cpu [123] refused by the test$" <<<"$out"; echo $?)" \
  "rc $rc: $out (control tty $ctl)"
exit $failed
