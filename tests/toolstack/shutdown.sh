#!/usr/bin/env bash
# System test of xm shutdown / xm reboot (issue 5): the toolstack presses
# the power or restart button of the domain's virtio-input device, and the
# unmodified guest kernel + busybox acpid (guest/rootfs/etc/acpi*) power
# off or reboot cleanly. Checks: xm shutdown -w returns within 30 s and the
# console log shows acpid, busybox init's shutdown and the kernel's
# "reboot: Power down"; xm reboot gives a new domid under the same name;
# a press on a paused domain is held until unpause (and control/shutdown
# says "poweroff" meanwhile, as Xen); xm shutdown -a -w stops every guest;
# errors. Own mktemp -d DOMUS_STATE; skips without $B/guest images.
set -u
T_PREFIX="shutdown: "
. "$(cd "$(dirname "$0")" && pwd)/lib.sh"
names="boot-buttons shutdown-w-30s clean-poweroff reboot-new-domid reboot-clean
paused-held paused-xenstore paused-unpause-powers-off shutdown-all errors"
if [ ! -f "$IMG" ] || [ ! -f "$INITRD" ]; then
  for n in $names; do echo "ok - shutdown: $n # SKIP no guest image"; done
  exit 0
fi
state_init
log() { echo "$DOMUS_STATE/console/$1.log"; }
ready() { [ "$(grep -ac DOMUS-GUEST-READY "$(log "$1")" 2>/dev/null)" -ge "${2:-1}" ]; }
gone() { ! $XM domid "$1" >/dev/null 2>&1; }
domid() { $XM domid "$1" 2>/dev/null; }
new_id() { local i; i=$(domid "$1"); [ -n "$i" ] && [ "$i" != "$2" ]; }
xsread() { XENSTORED_PATH=$DOMUS_STATE/xenstored.sock /usr/bin/xenstore-read "$1" 2>&1; }

mkcfg() {	# mkcfg NAME
  cat >"$DOMUS_STATE/$1.cfg" <<CFG
name = "$1"
memory = 96
vcpus = 1
kernel = "$IMG"
ramdisk = "$INITRD"
extra = 'console=ttyS0'
on_poweroff = "destroy"
on_reboot = "restart"
CFG
}
for n in sd1 sd2 sd3 sd4; do mkcfg $n; done

$XEND start || { t "xend start" 1; exit 1; }

# -- power button: xm shutdown -w --------------------------------------------
$XM create "$DOMUS_STATE/sd1.cfg" >/dev/null
wait_for "$TIMEOUT" ready sd1
t "boot-buttons: the guest kernel found the virtio-input buttons" \
  "$(ready sd1 && grep -aq 'input: Domus power buttons' "$(log sd1)"; echo $?)" "$(tail -5 "$(log sd1)")"
sleep 1	# busybox init up, acpid reading /dev/input/event0
s=$SECONDS; $XM shutdown -w sd1; rc=$?; el=$((SECONDS - s))
t "shutdown-w-30s: xm shutdown -w returns 0 within 30 s, domain gone (${el} s)" \
  "$([ $rc = 0 ] && [ $el -le 30 ] && gone sd1; echo $?)" "rc $rc; $($XM list 2>&1)"
L=$(log sd1)
t "clean-poweroff: acpid -> /etc/acpi/power -> init shutdown -> reboot: Power down" \
  "$(grep -aq 'acpid: power' "$L" && grep -aq 'Sent SIGTERM to all processes' "$L" &&
     grep -aq 'reboot: Power down' "$L" && ! grep -aq 'Kernel panic' "$L"; echo $?)" "$(tail -12 "$L")"

# -- restart button: xm reboot ---------------------------------------------------
$XM create "$DOMUS_STATE/sd2.cfg" >/dev/null
wait_for "$TIMEOUT" ready sd2; sleep 1
id=$(domid sd2)
$XM reboot -w sd2; rc=$?
t "reboot-new-domid: xm reboot -w gives a new domid under the same name ($id -> $(domid sd2))" \
  "$([ $rc = 0 ] && new_id sd2 "$id"; echo $?)" "$($XM list 2>&1)"
L=$(log sd2)
wait_for "$TIMEOUT" ready sd2 2
t "reboot-clean: acpid -> /etc/acpi/restart -> reboot: Restarting system, guest up again" \
  "$(grep -aq 'acpid: restart' "$L" && grep -aq 'reboot: Restarting system' "$L" && ready sd2 2; echo $?)" \
  "$(tail -12 "$L")"

# -- a paused domain: the press waits --------------------------------------------
$XM create "$DOMUS_STATE/sd3.cfg" >/dev/null
wait_for "$TIMEOUT" ready sd3; sleep 1
id3=$(domid sd3)
$XM pause sd3
$XM shutdown sd3; rc=$?
sleep 2
t "paused-held: xm shutdown of a paused domain returns 0, the domain stays (paused)" \
  "$([ $rc = 0 ] && [ "$(domid sd3)" = "$id3" ]; echo $?)" "$($XM list 2>&1)"
v=$(xsread "/local/domain/$id3/control/shutdown")
t "paused-xenstore: control/shutdown = poweroff (as Xen)" "$([ "$v" = poweroff ]; echo $?)" "read: $v"
$XM unpause sd3
t "paused-unpause-powers-off: after unpause the held press powers the guest off" \
  "$(wait_for 30 gone sd3 && grep -aq 'reboot: Power down' "$(log sd3)"; echo $?)" "$(tail -8 "$(log sd3)")"

# -- xm shutdown -a -w: every guest ------------------------------------------
$XM create "$DOMUS_STATE/sd4.cfg" >/dev/null
wait_for "$TIMEOUT" ready sd4; wait_for "$TIMEOUT" ready sd2 2; sleep 1
s=$SECONDS; $XM shutdown -a -w; rc=$?; el=$((SECONDS - s))
t "shutdown-all: xm shutdown -a -w stops sd2 and sd4 (${el} s), Domain-0 stays" \
  "$([ $rc = 0 ] && gone sd2 && gone sd4 && [ "$(domid Domain-0)" = 0 ]; echo $?)" "rc $rc; $($XM list 2>&1)"

# -- errors ------------------------------------------------------------------
out=$($XM shutdown nosuch 2>&1); rc1=$?
out2=$($XM reboot nosuch 2>&1); rc2=$?
t "errors: shutdown/reboot of an unknown domain fail with a message" \
  "$([ $rc1 != 0 ] && [ $rc2 != 0 ] && grep -q "does not exist" <<<"$out$out2"; echo $?)" "$out / $out2"

exit $failed
