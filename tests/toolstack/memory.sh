#!/usr/bin/env bash
# System test of xend's memory management (issue 6, "Memory"): a balloon
# in every domain, xm mem-set / mem-max and their errors, xend's
# accounting (xm info, the create check), the guest's MemTotal following
# the balloon and xend's RSS really falling, memory < maxmem pre-ballooned.
# Own mktemp -d DOMUS_STATE. Needs $B/bin/{xend,xm,xenstored}; the guest
# cases need $B/guest/Image + initramfs.cpio.gz (DOMUS_GUEST_DIR) and skip
# without them. Bounds, not timings: the waits are generous.
set -u
. "$(cd "$(dirname "$0")" && pwd)/lib.sh"
WAIT=${MEMORY_TEST_WAIT:-400}	# seconds per wait loop
names="accounting mem-set-errors mem-max-errors guest-touched mem-set-128-memtotal mem-set-128-xenstore
mem-set-128-list mem-set-128-rss mem-set-512-memtotal mem-max-lowers-target preballooned"
skip_all() { for n in $names; do echo "ok - $n # SKIP $1"; done; exit 0; }
[ -x "$XEND" ] && [ -x "$XM" ] && [ -x "$B/bin/xenstored" ] || skip_all "no xend/xm/xenstored in $B"
have_guest || skip_all "no guest image in $GDIR"

state_init
info() { $XM info | awk -v k="$1" '$1==k{print $3}'; }
listmem() { $XM list "$1" 2>/dev/null | awk -v n="$1" '$1==n{print $3}'; }
rss_mib() { awk '/^VmRSS:/{print int($2/1024)}' "/proc/$(cat "$DOMUS_STATE/xend.pid")/status"; }
# last "MemTotal: N kB" the guest printed
memtotal() { grep -a '^MemTotal:' "$DOMUS_STATE/console/$1.log" 2>/dev/null | tail -1 | awk '{print $2}'; }

printf 'dom0-memory 256\nguest-memory 1024\n' >"$DOMUS_STATE/xend.conf"
$XEND start || { echo "not ok - xend start"; exit 1; }

# The guest touches 400 MiB (tmpfs), frees it, then reports MemTotal every
# second until destroyed.
run='mount -o remount,size=480m /dev/shm; dd if=/dev/zero of=/dev/shm/x bs=1M count=400 2>/dev/null; rm /dev/shm/x; echo TOUCHED-DONE; while :; do grep MemTotal /proc/meminfo; sleep 1; done'
cat >"$DOMUS_STATE/memg.cfg" <<EOF
name = "memg"
memory = 512
vcpus = 1
kernel = "$IMG"
ramdisk = "$INITRD"
extra = 'console=ttyS0 quiet domus.run="$run"'
on_poweroff = "destroy"
EOF
out=$($XM create "$DOMUS_STATE/memg.cfg" 2>&1); rc=$?
[ $rc = 0 ] || { echo "not ok - create memg"; echo "$out" | sed 's/^/# /'; exit 1; }

# -- accounting and errors (no guest cooperation needed) ----------------------
tot=$(info total_memory); fr=$(info free_memory)
out=$($XM create "$DOMUS_STATE/memg.cfg" name=big memory=600 2>&1); rc=$?
t "accounting" "$([ "$tot" = 1280 ] && [ "$fr" = 512 ] && [ $rc = 1 ] &&
  grep -q 'Error: Not enough free memory: need 600 MiB, 512 MiB free' <<<"$out"; echo $?)" \
  "total $tot free $fr / $out"

e=""
chk() {	# chk EXPECTED-REGEX xm-args...: must fail with that one-line error
  local want=$1; shift
  local o; o=$($XM "$@" 2>&1) && e="$e [$* succeeded]"
  grep -Eq "$want" <<<"$o" || e="$e [$*: $o]"
}
chk "^Error: 600 MiB is above the maximum of domain 'memg' \(512 MiB; see xm mem-max\)\.$" mem-set memg 600
chk "^Error: 16 MiB is below the minimum of 32 MiB\.$" mem-set memg 16
chk "^Error: invalid memory size '12x'" mem-set memg 12x
chk "^Error: invalid memory size ''" mem-set memg ""
chk "^Error: invalid memory size '-5'" mem-set memg -5
chk "^Error: Domain 'nosuch' does not exist\.$" mem-set nosuch 128
chk "^Error: 2048 MiB is above the maximum" mem-set memg 2g
chk "^Error: 4 MiB is below the minimum" mem-set memg 4096k
chk "^Usage: xm mem-set" mem-set memg
t "mem-set-errors" "$([ -z "$e" ]; echo $?)" "$e"
e=""
chk "^Error: 1024 MiB is above the 512 MiB domain 'memg' was created with\.$" mem-max memg 1g
chk "^Error: 8 MiB is below the minimum of 32 MiB\.$" mem-max memg 8m
t "mem-max-errors" "$([ -z "$e" ]; echo $?)" "$e"

# -- the balloon at work ------------------------------------------------------
touched() { grep -aq TOUCHED-DONE "$DOMUS_STATE/console/memg.log" 2>/dev/null && [ -n "$(memtotal memg)" ]; }
wait_for "$WAIT" touched
t "guest-touched: the guest filled and freed 400 MiB of tmpfs" "$?" \
  "$(tail -5 "$DOMUS_STATE/console/memg.log" 2>&1)"
mt0=$(memtotal memg); rss0=$(rss_mib)
echo "# before: MemTotal ${mt0:-?} kB, xend RSS ${rss0} MiB, xm list Mem $(listmem memg)"

$XM mem-set memg 128
# 384 MiB = 393216 kB leave the guest (a few pages of slack)
shrunk() { local m; m=$(memtotal memg); [ -n "$m" ] && [ -n "$mt0" ] && [ $((mt0 - m)) -ge 393000 ]; }
wait_for "$WAIT" shrunk
mt1=$(memtotal memg)
t "mem-set-128-memtotal: the guest's MemTotal shrinks by 384 MiB" \
  "$([ -n "$mt1" ] && [ $((mt0 - mt1)) -ge 393000 ] && [ $((mt0 - mt1)) -le 393216 ]; echo $?)" \
  "MemTotal $mt0 -> $mt1 kB"
tgt=$(XENSTORED_PATH=$DOMUS_STATE/xenstored.sock /usr/bin/xenstore-read /local/domain/1/memory/target 2>&1)
vmm=$(XENSTORED_PATH=$DOMUS_STATE/xenstored.sock /usr/bin/xenstore-read \
      "$(XENSTORED_PATH=$DOMUS_STATE/xenstored.sock /usr/bin/xenstore-read /local/domain/1/vm)/memory" 2>&1)
t "mem-set-128-xenstore: memory/target 131072 KiB, /vm/<uuid>/memory 128" \
  "$([ "$tgt" = 131072 ] && [ "$vmm" = 128 ]; echo $?)" "target '$tgt' vm/memory '$vmm'"
lm() { [ "$(listmem memg)" = 128 ]; }
wait_for 30 lm
t "mem-set-128-list: xm list Mem 128, free_memory 896" \
  "$([ "$(listmem memg)" = 128 ] && [ "$(info free_memory)" = 896 ]; echo $?)" "$($XM list; $XM info | grep memory)"
rss1=$(rss_mib)
echo "# after mem-set 128: MemTotal $mt1 kB, xend RSS ${rss1} MiB"
t "mem-set-128-rss: xend's RSS fell by at least 300 MiB" \
  "$([ $((rss0 - rss1)) -ge 300 ]; echo $?)" "RSS $rss0 -> $rss1 MiB"

$XM mem-set memg 512
grown() { local m; m=$(memtotal memg); [ -n "$m" ] && [ "$m" -ge $((mt0 - 64)) ]; }
wait_for "$WAIT" grown
mt2=$(memtotal memg)
t "mem-set-512-memtotal: MemTotal comes back, xm list Mem 512" \
  "$([ -n "$mt2" ] && [ "$mt2" -ge $((mt0 - 64)) ] && [ "$mt2" -le "$mt0" ] && [ "$(listmem memg)" = 512 ]; echo $?)" \
  "MemTotal $mt0 -> $mt1 -> $mt2 kB; list $(listmem memg)"

# mem-max below the target lowers the target as well
$XM mem-max memg 256
low() { local m; m=$(memtotal memg); [ -n "$m" ] && [ $((mt0 - m)) -ge 262000 ]; }
wait_for "$WAIT" low
mt3=$(memtotal memg)
o=$($XM mem-set memg 300 2>&1)
t "mem-max-lowers-target: mem-max 256 shrinks the guest; mem-set 300 then refused" \
  "$([ -n "$mt3" ] && [ $((mt0 - mt3)) -ge 262000 ] && [ "$(listmem memg)" = 256 ] &&
     grep -q 'above the maximum of domain .memg. (256 MiB' <<<"$o"; echo $?)" "MemTotal $mt3; $o"
$XM destroy memg

# -- memory < maxmem: pre-ballooned start --------------------------------------
run2='while :; do grep MemTotal /proc/meminfo; sleep 1; done'
cat >"$DOMUS_STATE/pre.cfg" <<EOF
name = "pre"
memory = 64
maxmem = 256
kernel = "$IMG"
ramdisk = "$INITRD"
extra = 'console=ttyS0 quiet domus.run="$run2"'
EOF
$XM create "$DOMUS_STATE/pre.cfg" >/dev/null
fr=$(info free_memory)
# a 256 MiB machine with 192 MiB in the balloon: MemTotal well under 128 MiB
pre() { local m; m=$(memtotal pre); [ -n "$m" ] && [ "$m" -le 131072 ]; }
wait_for "$WAIT" pre
mtp=$(memtotal pre)
o=$($XM mem-set pre 200 2>&1); rc=$?
grow() { local m; m=$(memtotal pre); [ -n "$m" ] && [ $((m - mtp)) -ge 139000 ]; }
[ $rc = 0 ] && wait_for "$WAIT" grow
mtq=$(memtotal pre)
t "preballooned: memory=64 maxmem=256 starts with MemTotal <= 128 MiB, free_memory counts 64; mem-set 200 grows it by 136 MiB" \
  "$([ "$fr" = 960 ] && [ -n "$mtp" ] && [ "$mtp" -le 131072 ] && [ $rc = 0 ] &&
     [ -n "$mtq" ] && [ $((mtq - mtp)) -ge 139000 ]; echo $?)" "free $fr MemTotal $mtp -> $mtq; $o"
$XM destroy pre
exit $failed
