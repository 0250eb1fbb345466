#!/usr/bin/env bash
# System test of xm pause / unpause / create -p / sysrq (issue 5): a guest
# prints a counter and its uptime every 0.2 s on its console; while the
# domain is paused the counter stops, xm list shows --p--- and Time(s)
# stands still; after unpause it counts again and the guest's uptime has
# not jumped over the pause. sysrq h makes the guest kernel print its
# SysRq help. Own mktemp -d DOMUS_STATE; skips without $B/guest images.
set -u
T_PREFIX="pause: "
. "$(cd "$(dirname "$0")" && pwd)/lib.sh"
names="create-p-paused create-p-runs-nothing unpause-boots pause-stops-counter pause-list-state
pause-time-frozen unpause-resumes guest-time-continuous sysrq-help destroy-while-paused errors"
if [ ! -f "$IMG" ] || [ ! -f "$INITRD" ]; then
  for n in $names; do echo "ok - pause: $n # SKIP no guest image"; done
  exit 0
fi
state_init
LOG=$DOMUS_STATE/console/pz.log
last() { grep -ao 'CNT=[0-9]* UP=[0-9.]*' "$LOG" 2>/dev/null | tail -1; }
cnt() { last | sed -n 's/CNT=\([0-9]*\).*/\1/p'; }
up() { last | sed -n 's/.*UP=//p'; }
state() { $XM list pz 2>/dev/null | awk '$1=="pz"{print $5}'; }
tsec() { $XM list pz 2>/dev/null | awk '$1=="pz"{print $6}'; }
cnt_above() { local c; c=$(cnt); [ -n "$c" ] && [ "$c" -gt "$1" ]; }

cat >"$DOMUS_STATE/pz.cfg" <<CFG
name = "pz"
memory = 96
vcpus = 2
kernel = "$IMG"
ramdisk = "$INITRD"
extra = 'console=ttyS0 domus.run="i=0; while :; do i=\$((i+1)); read u r </proc/uptime; echo CNT=\$i UP=\$u; sleep 0.2; done"'
on_poweroff = "destroy"
CFG

$XEND start || { t "xend start" 1; exit 1; }

# -- created paused: nothing runs ------------------------------------------
$XM create -p "$DOMUS_STATE/pz.cfg" >/dev/null; rc=$?
t "create-p-paused: xm create -p shows --p--- right away" \
  "$([ $rc = 0 ] && [ "$(state)" = "--p---" ]; echo $?)" "$($XM list 2>&1)"
sleep 1.5
sz=$(stat -c %s "$LOG" 2>/dev/null || echo 0)
ts=$(tsec)
t "create-p-runs-nothing: no console output, Time(s) 0 after 1.5 s paused" \
  "$([ "$sz" = 0 ] && [ "$ts" = 0.0 ]; echo $?)" "log $sz bytes, Time(s) $ts"
$XM unpause pz
t "unpause-boots: the guest boots and counts after xm unpause" \
  "$([ "$(state)" = r----- ] && wait_for "$TIMEOUT" cnt_above 3; echo $?)" "$($XM list; tail -5 "$LOG")"

# -- pause a running guest ----------------------------------------------------
$XM pause pz; rc=$?
sleep 0.3	# the last line printed before the pause reaches the log
c1=$(cnt); u1=$(up); t1=$(tsec); s1=$(date +%s.%N)
sleep 2
c2=$(cnt); t2=$(tsec)
t "pause-stops-counter: the counter does not advance over 2 s paused" \
  "$([ $rc = 0 ] && [ -n "$c1" ] && [ "$c1" = "$c2" ]; echo $?)" "before $c1 after $c2"
t "pause-list-state: xm list shows --p---" "$([ "$(state)" = "--p---" ]; echo $?)" "$($XM list)"
t "pause-time-frozen: Time(s) does not count paused time" \
  "$(awk -v a="$t1" -v b="$t2" 'BEGIN{exit !(b - a < 0.35)}'; echo $?)" "Time(s) $t1 -> $t2"
$XM pause pz	# already paused: still one unpause resumes it (Xen's controller pause)
$XM unpause pz
t "unpause-resumes: the counter advances again, state r-----" \
  "$(wait_for 10 cnt_above "$c2" && [ "$(state)" = r----- ]; echo $?)" "$($XM list; tail -3 "$LOG")"
# Guest uptime from the last line before the pause to the first after it:
# ~0.2 s of running time, while >= 2.3 s passed on the host.
first=$(grep -ao "CNT=$((c2 + 1)) UP=[0-9.]*" "$LOG" | head -1 | sed 's/.*UP=//')
s2=$(date +%s.%N)
t "guest-time-continuous: guest uptime +<1.5 s across a >=2 s pause" \
  "$([ -n "$first" ] && awk -v a="$u1" -v b="$first" -v h1="$s1" -v h2="$s2" \
      'BEGIN{exit !(b - a < 1.5 && h2 - h1 >= 2)}'; echo $?)" "uptime $u1 -> $first"

# -- sysrq: BREAK + key on the serial console ---------------------------------
$XM sysrq pz h
t "sysrq-help: xm sysrq pz h makes the guest print its SysRq help" \
  "$(wait_for 15 grep -aq 'sysrq: HELP' "$LOG"; echo $?)" "$(tail -5 "$LOG")"

out=$( { $XM pause nosuch; $XM sysrq pz ab; $XM unpause 0; } 2>&1); rc=$?
t "errors: unknown domain, a sysrq key of two letters, Domain-0" \
  "$([ $rc = 1 ] && grep -q "Error: Domain 'nosuch' does not exist." <<<"$out" &&
     grep -q 'sysrq key must be one printable character' <<<"$out" &&
     [ "$(grep -c '^Error' <<<"$out")" = 3 ]; echo $?)" "$out"

# -- destroy while paused -----------------------------------------------------
$XM pause pz
$XM destroy pz; rc=$?
t "destroy-while-paused: immediate, the domain is gone" \
  "$([ $rc = 0 ] && wait_for 5 bash -c "! $XM domid pz >/dev/null 2>&1"; echo $?)" "$($XM list)"
exit $failed
