#!/usr/bin/env bash
# One combined boot case for the ASan+UBSan build (B = sanitizer build dir):
# 2 vCPUs with a disk, reboot in place, CPU hotplug, power-off. Any
# sanitizer report fails it. Guest images from DOMUS_GUEST_DIR, $B/guest or
# the plain build's guest dir next to $B.
set -u
B=${B:-build/san}
here=$(cd "$(dirname "$0")" && pwd)
GDIR=${DOMUS_GUEST_DIR:-$B/guest}
[ -f "$GDIR/Image" ] || GDIR=$(dirname "$B")/guest
if [ ! -f "$GDIR/Image" ] || [ ! -f "$GDIR/initramfs.cpio.gz" ]; then
  echo "ok - san-boot-reboot-hotplug-disk # SKIP no guest image"; exit 0
fi
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
truncate -s 8M "$work/d.img"
out=$(GUEST_TIMEOUT=${GUEST_TIMEOUT:-240} GUEST_LOG=$work/log python3 "$here/guestctl.py" \
  "expect:DOMUS-GUEST-READY;; expect:# ;; send:reboot -f;; expect:DOMUS-GUEST-READY;; expect:# ;; send:echo 0 > /sys/devices/system/cpu/cpu1/online;; expect:CPU1: off;; send:poweroff -f;; exit:0" \
  -- "$B/bin/domus-run" --kernel "$GDIR/Image" --initrd "$GDIR/initramfs.cpio.gz" \
  --append console=ttyS0 --vcpus 2 --reboot --disk "$work/d.img" 2>&1)
echo "$out" | grep '^#'
if echo "$out" | grep -q '^RESULT ok' && ! grep -a -q -E 'Sanitizer|runtime error' "$work/log"; then
  echo "ok - san-boot-reboot-hotplug-disk"
else
  grep -a -E -A5 'Sanitizer|runtime error' "$work/log" | head -40 | sed 's/^/# /'
  echo "not ok - san-boot-reboot-hotplug-disk"; exit 1
fi
