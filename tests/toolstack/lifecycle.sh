#!/usr/bin/env bash
# Lifecycle system tests (issue 5): on_crash=rename-restart (the old
# instance kept as Domain-<uuid>, a new one under the name), on_crash=
# coredump-destroy and xm dump-core (ELF core files checked with readelf).
# Own mktemp -d DOMUS_STATE; guest cases skip without $B/guest images.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
state_init
names="rename-restart rename-restart-kept coredump-destroy dump-core-live dump-core-error"
if [ ! -f "$IMG" ] || [ ! -f "$INITRD" ] || ! command -v readelf >/dev/null; then
  for n in $names; do echo "ok - $n # SKIP no guest image (or readelf)"; done
  exit 0
fi
id_not() { [ "$($XM domid "$1" 2>/dev/null)" != "$2" ] && [ -n "$($XM domid "$1" 2>/dev/null)" ]; }
gone() { ! $XM domid "$1" >/dev/null 2>&1; }
# core_ok FILE MEM_MIB VCPUS: ELF core for RISC-V, one LOAD at 0x80000000
# of MEM_MIB, one NT_PRSTATUS per vCPU; prints what is wrong
core_ok() {
  local h l n size
  [ -s "$1" ] || { echo "no file $1"; return 1; }
  h=$(readelf -h "$1" 2>&1); l=$(readelf -lW "$1" 2>&1); n=$(readelf -n "$1" 2>&1)
  size=$(printf '0x0*%x' $(($2 << 20)))
  grep -Eq 'Type: +CORE' <<<"$h" && grep -Eq 'Machine: +RISC-V' <<<"$h" &&
    grep -Eq "^ +LOAD +0x[0-9a-f]+ 0x0*80000000 0x0*80000000 $size $size RWE" <<<"$l" &&
    [ "$(grep -c NT_PRSTATUS <<<"$n")" = "$3" ] && return 0
  printf '%s\n%s\n%s\n' "$h" "$l" "$n"; return 1
}

G="kernel=$IMG ramdisk=$INITRD"
$XEND start || { for n in $names; do echo "not ok - $n # xend start"; done; exit 1; }
$XM create examples/guest3.cfg $G name=lc-rr memory=80 on_crash=rename-restart >/dev/null
$XM create examples/guest3.cfg $G name=lc-cd memory=80 vcpus=2 on_crash=coredump-destroy >/dev/null
$XM create examples/guest3.cfg $G name=lc-live memory=80 on_crash=destroy >/dev/null
rr_id=$($XM domid lc-rr); cd_id=$($XM domid lc-cd)

# -- on_crash=rename-restart ----------------------------------------------------
python3 "$here/console.py" "$XM" lc-rr --type "echo c > /proc/sysrq-trigger" >/dev/null
wait_for 60 id_not lc-rr "$rr_id"; rc=$?
out=$($XM list)
t "rename-restart: old instance kept as Domain-<uuid> (same domid, state c), new lc-rr runs" \
  "$([ $rc = 0 ] && awk -v id="$rr_id" '$1 ~ /^Domain-[0-9a-f-]+$/ && length($1)==43 && $2==id && $5=="----c-"{f=1} END{exit !f}' <<<"$out" &&
     awk -v id="$rr_id" '$1=="lc-rr" && $2!=id && $5 ~ /^[rb]/{f=1} END{exit !f}' <<<"$out"; echo $?)" "$out"
old=$(awk -v id="$rr_id" '$1 ~ /^Domain-/ && $2==id{print $1}' <<<"$out")
lo=$($XM list -l "$old" 2>&1)
$XM destroy "$old" >/dev/null 2>&1; rc=$?
t "rename-restart-kept: xm list -l shows the kept domain, xm destroy removes it" \
  "$([ -n "$old" ] && grep -q "(name $old)" <<<"$lo" && [ $rc = 0 ] && gone "$old" &&
     [ "$($XM domid lc-rr)" != "$rr_id" ]; echo $?)" "$lo $($XM list)"

# -- on_crash=coredump-destroy --------------------------------------------------
python3 "$here/console.py" "$XM" lc-cd --type "echo c > /proc/sysrq-trigger" >/dev/null
wait_for 60 gone lc-cd; rc=$?
core=$(ls "$DOMUS_STATE"/dump/*-lc-cd."$cd_id".core 2>/dev/null | head -1)
why=$(core_ok "$core" 80 2); ok=$?
t "coredump-destroy: core in \$DOMUS_STATE/dump (CORE, RISC-V, LOAD 0x80000000 80 MiB, 2 vCPU notes), domain gone" \
  "$([ $rc = 0 ] && [ $ok = 0 ]; echo $?)" "$why $(ls -l "$DOMUS_STATE"/dump 2>&1) $($XM list)"

# -- xm dump-core on a running guest ------------------------------------------
python3 "$here/console.py" "$XM" lc-live --type "mkdir -p /dev/shm; echo DOMUS-CORE-MARKER-123 > /dev/shm/m" >/dev/null
# a relative FILENAME is taken against xm's working directory
xm_abs=$(cd "$(dirname "$XM")" && pwd)/xm
out=$(cd "$DOMUS_STATE" && "$xm_abs" dump-core lc-live live.core 2>&1); rc=$?
why=$(core_ok "$DOMUS_STATE/live.core" 80 1); ok=$?
blocks=$(stat -c %b "$DOMUS_STATE/live.core" 2>/dev/null || echo 0)
typed=$(python3 "$here/console.py" "$XM" lc-live --type "echo still-alive" 2>&1)
t "dump-core: running guest dumped (marker in the core, sparse file), keeps running" \
  "$([ $rc = 0 ] && [ $ok = 0 ] && grep -aq DOMUS-CORE-MARKER-123 "$DOMUS_STATE/live.core" &&
     [ $((blocks * 512)) -lt $((80 << 20)) ] && grep -q 'RESULT ok' <<<"$typed" &&
     $XM list lc-live | grep -Eq '^lc-live +[0-9]+ +80 +1 +r-----'; echo $?)" "$out $why blocks=$blocks $typed $($XM list)"
out=$($XM dump-core lc-live /nonexistent-dir/x.core 2>&1); rc=$?
t "dump-core-error: one line naming the path and the errno, guest unaffected" \
  "$([ $rc = 1 ] && [ "$(wc -l <<<"$out")" = 1 ] &&
     grep -q 'Error: cannot write core dump /nonexistent-dir/x.core: No such file or directory' <<<"$out" &&
     $XM list lc-live | grep -q r-----; echo $?)" "$out"
exit $failed
