#!/usr/bin/env bash
# System test of `xm top` / xentop (issue 6): `xm top -b -i 2 -d 2` output
# parses (header lines, titles, one row per domain with every column,
# Domain-0 first); with one CPU-bound guest (cpuburn) its CPU % in the 2nd
# iteration agrees with xend's thread CPU time from /proc/<xend>/task/*/stat
# over the same run within 10 points; VBD_RD/VBD_WR and their sectors grow
# when a guest reads and writes its disk; the full-screen mode on a pty
# redraws, takes the sort key and quits on q; option errors. Network
# counters: xend creates no virtio-net devices yet (NETS 0), they are
# covered by $B/bin/test-virtio-stats. Own mktemp -d DOMUS_STATE; skips
# without $B/guest images.
set -u
T_PREFIX="top: "
. "$(cd "$(dirname "$0")" && pwd)/lib.sh"
names="parse domain-0-first xentop-alias cpu-busy cpu-agrees-with-proc vbd-read vbd-write
vbd-grow state-letters screen-keys errors"
skip_all() { for n in $names; do echo "ok - top: $n # SKIP $1"; done; exit 0; }
[ -x "$XEND" ] && [ -x "$XM" ] && [ -x "$B/bin/xenstored" ] || skip_all "no xend/xm/xenstored in $B"
have_guest || skip_all "no guest image in $GDIR"

state_init
printf 'dom0-memory 256\nguest-memory 1024\n' >"$DOMUS_STATE/xend.conf"
$XEND start || { t "xend start" 1; exit 1; }
XPID=$(cat "$DOMUS_STATE/xend.pid")
log() { echo "$DOMUS_STATE/console/$1.log"; }
ready() { grep -aq DOMUS-GUEST-READY "$(log "$1")" 2>/dev/null; }
mkcfg() {	# mkcfg NAME RUN [extra config lines]
  cat >"$DOMUS_STATE/$1.cfg" <<EOF
name = "$1"
memory = 64
vcpus = 1
kernel = "$IMG"
ramdisk = "$INITRD"
extra = 'console=ttyS0 quiet domus.run="$2"'
on_poweroff = "destroy"
${3:-}
EOF
}

# Checks one `xm top -b` table block (stdin); prints what is wrong.
check_block() {
  awk '
    NR == 1 { if ($0 !~ /^xm top - [0-9:]+ +Domus /) print "line 1: " $0; next }
    NR == 2 { if ($0 !~ /^[0-9]+ domains: [0-9]+ running, [0-9]+ blocked, [0-9]+ paused, [0-9]+ crashed, [0-9]+ dying, [0-9]+ shutdown$/) print "line 2: " $0; n = $1; next }
    NR == 3 { if ($0 !~ /^Mem: [0-9]+k total, [0-9]+k used, [0-9]+k free +CPUs: [0-9]+ @ [0-9]+MHz$/) print "line 3: " $0; next }
    NR == 4 { if ($0 !~ /^ +NAME +STATE +CPU\(sec\) +CPU\(%\) +MEM\(k\) +MEM\(%\) +MAXMEM\(k\) +MAXMEM\(%\) +VCPUS +NETS +NETTX\(k\) +NETRX\(k\) +VBDS +VBD_OO +VBD_RD +VBD_WR +VBD_RSECT +VBD_WSECT$/) print "titles: " $0; next }
    { rows++
      if (NF != 18) print "row with " NF " fields: " $0
      if (rows == 1 && $1 != "Domain-0") print "first row is not Domain-0: " $0
      if (length($2) != 6 || $2 !~ /^[-rbpcsd]+$/) print "state: " $0
      for (i = 3; i <= 18; i++) if ($i !~ /^[0-9]+(\.[0-9])?$/) { print "field " i ": " $0; break } }
    END { if (rows != n) print rows " rows for " n " domains" }'
}
# Field (1-based) of NAME's row in block BLOCK (1-based) of a batch output.
cell() { awk -v b="$2" -v n="$3" -v f="$4" 'BEGIN { RS = ""; FS = "\n" } NR == b {
  for (i = 5; i <= NF; i++) { split($i, a, " +"); if (a[1] == "") { for (j = 1; j < length(a); j++) a[j] = a[j+1] } if (a[1] == n) print a[f] } }' <<<"$1"; }
ticks() { local s=0 x; for x in /proc/"$XPID"/task/*/stat; do
  s=$((s + $(sed 's/.*) //' "$x" | awk '{print $12 + $13}'))); done; echo $s; }

# -- a CPU-bound guest -----------------------------------------------------------
mkcfg burn "cpuburn 600"
$XM create "$DOMUS_STATE/burn.cfg" >/dev/null || { t "create burn" 1; exit 1; }
wait_for "$TIMEOUT" ready burn
sleep 2	# past the marker: cpuburn is running
hz=$(getconf CLK_TCK)
k0=$(ticks); w0=$(date +%s.%N)
OUT=$($XM top -b -i 2 -d 2); rc=$?
k1=$(ticks); w1=$(date +%s.%N)
nblk=$(awk 'BEGIN { RS = "" } END { print NR }' <<<"$OUT")
e=""
for b in 1 2; do
  r=$(awk -v b=$b 'BEGIN { RS = ""; ORS = "" } NR == b' <<<"$OUT" | check_block)
  [ -n "$r" ] && e="$e [block $b: $r]"
done
t "parse: 2 blocks of header, titles and one full row per domain" \
  "$([ $rc = 0 ] && [ "$nblk" = 2 ] && [ -z "$e" ]; echo $?)" "$e
$OUT"
t "domain-0-first: Domain-0 then burn, burn 1 VCPU 65536k" \
  "$([ "$(awk 'NR==5{print $1} NR==6{print $1, $9, $5}' <<<"$OUT" | tr '\n' ' ')" = "Domain-0 burn 1 65536 " ]; echo $?)" \
  "$(head -6 <<<"$OUT")"
p1=$(cell "$OUT" 1 burn 4); p2=$(cell "$OUT" 2 burn 4)
host=$(awk -v a="$k0" -v b="$k1" -v h="$hz" -v s="$w0" -v e="$w1" 'BEGIN { printf "%.1f", (b - a) / h / (e - s) * 100 }')
sum=$(awk 'BEGIN { RS = "" } NR == 2' <<<"$OUT" | awk 'NR > 4 { s += $4 } END { printf "%.1f", s }')
t "cpu-busy: burn's CPU % is 0.0 in the 1st iteration (as xentop) and > 20 in the 2nd" \
  "$(awk -v a="$p1" -v b="$p2" 'BEGIN { exit !(a == 0 && b > 20) }'; echo $?)" "1st $p1 2nd $p2"
t "cpu-agrees-with-proc: burn's CPU % within 10 points of xend's /proc task CPU (and all rows' sum too)" \
  "$(awk -v a="$p2" -v h="$host" -v s="$sum" 'BEGIN { d = a - h; e = s - h
     exit !(d <= 10 && d >= -10 && e <= 10 && e >= -10) }'; echo $?)" \
  "xm top burn $p2 %, all rows $sum %, /proc/$XPID/task $host % over $(awk -v s="$w0" -v e="$w1" 'BEGIN{print e - s}') s"
echo "# burn CPU% $p2, rows sum $sum, xend tasks $host"
XT=$("$B/bin/xentop" -b -i 1 2>&1)
t "xentop-alias: xentop -b -i 1 prints the same table" \
  "$([ -z "$(check_block <<<"$XT")" ] && grep -q ' burn ' <<<"$XT"; echo $?)" "$XT"

# -- full screen on a pty: draws, s changes the sort column, q quits -------------
SCR=$(python3 - "$XM" <<'PY' 2>&1
import os, pty, select, sys, time
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], [sys.argv[1], "top", "-d", "1"])
buf = b""
def read_until(pat, secs):
    global buf
    end = time.time() + secs
    while time.time() < end and pat not in buf:
        r, _, _ = select.select([fd], [], [], 0.2)
        if r:
            try:
                buf += os.read(fd, 65536)
            except OSError:
                break
    return pat in buf
ok = read_until(b"Domain-0", 10) and read_until(b"q quit", 5)
os.write(fd, b"s")	# sort by NAME: its title in reverse video
ok = ok and read_until(b"\x1b[7m      NAME\x1b[0m", 5)
os.write(fd, b"q")
end = time.time() + 5
st = None
while time.time() < end:
    p, st = os.waitpid(pid, os.WNOHANG)
    if p:
        break
    read_until(b"\x00", 0.2)
# what xm wrote just before exiting may still be in the pty: drain it
read_until(b"\x1b[?1049l", 1)
print("drawn+sorted" if ok else "not drawn", "exit", st, "restored" if b"\x1b[?1049l" in buf else "not restored")
PY
)
t "screen-keys: full screen draws, 's' highlights the NAME sort column, 'q' exits 0 and restores the screen" \
  "$([ "$SCR" = "drawn+sorted exit 0 restored" ]; echo $?)" "$SCR"
$XM destroy burn

# -- disk I/O --------------------------------------------------------------------
truncate -s 32M "$DOMUS_STATE/io.img"
mkcfg io "sleep 3; dd if=/dev/vda of=/dev/null bs=64k count=64; dd if=/dev/zero of=/dev/vda bs=64k count=64 seek=128; sync; echo IO-DONE; sleep 600" \
  "disk = ['file:$DOMUS_STATE/io.img,xvda,w']"
$XM create "$DOMUS_STATE/io.cfg" >/dev/null || { t "create io" 1; exit 1; }
wait_for "$TIMEOUT" ready io
A=$($XM top -b -i 1)
early=0; grep -aq IO-DONE "$(log io)" && early=1
done_io() { grep -aq IO-DONE "$(log io)"; }
wait_for "$TIMEOUT" done_io
sleep 0.5
Z=$($XM top -b -i 1)
rd0=$(cell "$A" 1 io 15); wr0=$(cell "$A" 1 io 16); rs0=$(cell "$A" 1 io 17); ws0=$(cell "$A" 1 io 18)
rd=$(cell "$Z" 1 io 15); wr=$(cell "$Z" 1 io 16); rs=$(cell "$Z" 1 io 17); ws=$(cell "$Z" 1 io 18)
vb=$(cell "$Z" 1 io 13); oo=$(cell "$Z" 1 io 14); nets=$(cell "$Z" 1 io 10)
echo "# io: at READY rd $rd0 wr $wr0 rsect $rs0 wsect $ws0; after dd rd $rd wr $wr rsect $rs wsect $ws"
t "vbd-read: VBDS 1, VBD_RSECT >= 8192 after reading 4 MiB, VBD_RD > 0, VBD_OO 0, NETS 0" \
  "$([ "$vb" = 1 ] && [ "${rs:-0}" -ge 8192 ] && [ "${rd:-0}" -gt 0 ] && [ "$oo" = 0 ] && [ "$nets" = 0 ]; echo $?)" "$Z"
t "vbd-write: VBD_WSECT >= 8192 after writing 4 MiB + sync, VBD_WR > 0" \
  "$([ "${ws:-0}" -ge 8192 ] && [ "${wr:-0}" -gt 0 ]; echo $?)" "$Z"
if [ $early = 0 ]; then
  t "vbd-grow: the counters grew over the dd (by >= 8192 sectors each way)" \
    "$([ $((rs - rs0)) -ge 8192 ] && [ $((ws - ws0)) -ge 8192 ] && [ "$rd" -gt "$rd0" ] && [ "$wr" -gt "$wr0" ]; echo $?)" \
    "$A
$Z"
else
  echo "ok - top: vbd-grow # SKIP the guest finished its dd before the first sample"
fi

# -- state letters: busy r, idle b ------------------------------------------------
sb=$(cell "$OUT" 2 burn 2) si=""
for k in 1 2 3 4 5; do	# an idle guest runs ~0.01 % of the time: one sample is enough but be kind
  si=$(cell "$($XM top -b -i 1)" 1 io 2); [ "$si" = "-b----" ] && break; sleep 0.2
done
t "state-letters: the CPU-bound guest was r-----, the idle one (sleep) is -b----" \
  "$([ "$sb" = r----- ] && [ "$si" = -b---- ]; echo $?)" "burn $sb io $si"

# -- option errors ---------------------------------------------------------------
e=""
for a in "-d 0" "-d x" "-i 0" "-i -3" "-z" "-d"; do
  # shellcheck disable=SC2086
  o=$($XM top $a 2>&1) && e="$e [$a succeeded]"
  grep -Eq '^(Error: invalid|Usage: xm top)' <<<"$o" || e="$e [$a: $o]"
done
t "errors: bad -d / -i / unknown options fail with a message" "$([ -z "$e" ]; echo $?)" "$e"
exit $failed
