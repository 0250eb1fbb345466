#!/usr/bin/env bash
# Boot tests of the virt board: the test guest (build/guest/Image +
# initramfs) under domus-run, paravirtual and through OpenSBI, and Debian's
# S-mode U-Boot. Each case drives the console with guestctl.py and prints
# one TAP line. Needs $B/bin/domus-run; guest images from $B/guest (or
# DOMUS_GUEST_DIR); skips the cases whose inputs are missing.
set -u
B=${B:-build}
here=$(cd "$(dirname "$0")" && pwd)
RUN=$B/bin/domus-run
GDIR=${DOMUS_GUEST_DIR:-$B/guest}
IMG=$GDIR/Image
INITRD=$GDIR/initramfs.cpio.gz
FW=/usr/lib/riscv64-linux-gnu/opensbi/generic
UBOOT=/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin
CTL="python3 $here/guestctl.py"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export GUEST_TIMEOUT=${GUEST_TIMEOUT:-90}
APPEND="console=ttyS0"
READY="expect:DOMUS-GUEST-READY;; expect:# "

failed=0
# case NAME NEEDS STEPS -- ARGS...   (NEEDS: guest|uboot|none)
case_run() {
  local name=$1 needs=$2 steps=$3; shift 4
  if [ "$needs" = guest ] && { [ ! -f "$IMG" ] || [ ! -f "$INITRD" ]; }; then
    echo "ok - $name # SKIP no guest image"; return; fi
  if [ "$needs" = uboot ] && [ ! -f "$UBOOT" ]; then
    echo "ok - $name # SKIP no u-boot-qemu"; return; fi
  if [ "$needs" = fw ] && [ ! -f "$FW/fw_jump.bin" ]; then
    echo "ok - $name # SKIP no opensbi"; return; fi
  local out
  out=$(GUEST_LOG=$work/$name.log $CTL "$steps" -- "$RUN" "$@" 2>&1)
  echo "$out" | grep '^#' || true
  if echo "$out" | grep -q '^RESULT ok'; then
    echo "ok - $name"
  else
    echo "$out" | grep -v '^RESULT' | grep -v '^#' | sed 's/^/# /'
    echo "$out" | grep '^RESULT' | sed 's/^/# /'
    echo "not ok - $name"; failed=1
  fi
}

if [ ! -x "$RUN" ]; then echo "not ok - domus-run built ($RUN)"; exit 1; fi

K=(--kernel "$IMG" --initrd "$INITRD" --append "$APPEND")

case_run boot-1cpu-command-poweroff guest \
  "$READY;; send:echo HELLO-\$((6*7));; expect:HELLO-42;; send:poweroff -f;; exit:0" -- "${K[@]}"
case_run boot-4cpu guest \
  "$READY;; send:echo CPUS=\$(grep -c ^processor /proc/cpuinfo);; expect:CPUS=4;; send:poweroff -f;; exit:0" \
  -- "${K[@]}" --vcpus 4
case_run guest-date-matches-host guest "$READY;; date;; send:poweroff -f;; exit:0" -- "${K[@]}"
case_run reboot-exit-status-2 guest "$READY;; send:reboot -f;; exit:2" -- "${K[@]}"
case_run reboot-in-place guest \
  "$READY;; send:reboot -f;; $READY;; send:poweroff -f;; exit:0" -- "${K[@]}" --reboot
case_run panic-is-crash-status-3 guest \
  "$READY;; send:echo c > /proc/sysrq-trigger;; exit:3" -- "${K[@]}"
case_run cpu-hotplug-hsm-stop-start guest \
  "$READY;; send:echo 0 > /sys/devices/system/cpu/cpu1/online;; expect:CPU1: off;; send:echo 1 > /sys/devices/system/cpu/cpu1/online; echo ON=\$(cat /sys/devices/system/cpu/online);; expect:ON=0-1;; send:poweroff -f;; exit:0" \
  -- "${K[@]}" --vcpus 2
case_run sbi-console-hvc0-earlycon guest \
  "expect:earlycon: sbi0;; expect:DOMUS-GUEST-READY;; sleep:1;; send:echo HVC-\$((2+3));; expect:HVC-5;; send:poweroff -f;; exit:0" \
  -- --kernel "$IMG" --initrd "$INITRD" --append "console=hvc0 earlycon=sbi"
case_run ctrl-a-x-quits-status-4 guest "$READY;; keys:\\x01x;; exit:4" -- "${K[@]}"
case_run idle-under-2pct-cpu guest \
  "$READY;; sleep:2;; cpu:10:2;; send:poweroff -f;; exit:0" -- "${K[@]}" --vcpus 2

# ext4 on virtio-blk survives a power cycle.
if command -v mkfs.ext4 >/dev/null; then
  truncate -s 32M "$work/disk.img" && mkfs.ext4 -q -F "$work/disk.img"
  M="mkdir -p /mnt && mount -t ext4 /dev/vda /mnt"
  case_run ext4-write-poweroff guest \
    "$READY;; send:$M && echo persist-\$((7*6)) > /mnt/f && sync && umount /mnt && echo W-DONE;; expect:W-DONE;; send:poweroff -f;; exit:0" \
    -- "${K[@]}" --disk "$work/disk.img"
  case_run ext4-read-back guest \
    "$READY;; send:$M && cat /mnt/f;; expect:persist-42;; send:poweroff -f;; exit:0" \
    -- "${K[@]}" --disk "$work/disk.img,ro"
fi

# virtio-net on a TAP device: the guest pings the host (also checks that
# user programs may read the time CSR: ping uses rdtime through the vDSO).
tap=dbt$$
if [ "$(id -u)" = 0 ] && command -v ip >/dev/null && ip tuntap add dev $tap mode tap 2>/dev/null; then
  ip link set $tap up && ip addr add 10.213.77.1/24 dev $tap
  case_run net-tap-ping-host guest \
    "$READY;; send:ip link set eth0 up && ip addr add 10.213.77.2/24 dev eth0 && ping -c 2 10.213.77.1;; expect:2 packets received;; send:poweroff -f;; exit:0" \
    -- "${K[@]}" --net tap=$tap
  ip link del $tap 2>/dev/null
else
  echo "ok - net-tap-ping-host # SKIP needs root and ip tuntap"
fi

case_run opensbi-fw-jump fw \
  "$READY;; send:echo CPUS=\$(grep -c ^processor /proc/cpuinfo);; expect:CPUS=2;; send:poweroff -f;; exit:0" \
  -- --bios "$FW/fw_jump.bin" "${K[@]}" --vcpus 2
case_run opensbi-fw-dynamic fw "$READY;; send:poweroff -f;; exit:0" -- --bios "$FW/fw_dynamic.bin" "${K[@]}"

truncate -s 8M "$work/ub.img"
case_run uboot-smode-virtio-info uboot \
  "expect:=> ;; send:virtio scan;; expect:=> ;; send:virtio info;; expect:VirtIO Block Device;; expect:=> ;; send:poweroff;; exit:0" \
  -- --kernel "$UBOOT" --disk "$work/ub.img"

# SIGTERM ends domus-run cleanly (quit status 4, not killed by the signal).
if [ -f "$IMG" ]; then
  timeout --preserve-status -s TERM 3 "$RUN" "${K[@]}" </dev/null >/dev/null 2>&1; rc=$?
  if [ $rc -eq 4 ]; then echo "ok - sigterm-quits-status-4"; else echo "not ok - sigterm-quits-status-4 (status $rc)"; failed=1; fi
else
  echo "ok - sigterm-quits-status-4 # SKIP no guest image"
fi

# --dump-dtb writes a blob dtc can read.
if [ -f "$IMG" ] && command -v dtc >/dev/null; then
  if "$RUN" "${K[@]}" --vcpus 3 --dump-dtb "$work/virt.dtb" </dev/null >/dev/null 2>&1 &&
     dtc -I dtb -O dts "$work/virt.dtb" 2>/dev/null | grep -q 'cpu@2'; then
    echo "ok - dump-dtb"
  else
    echo "not ok - dump-dtb"; failed=1
  fi
else
  echo "ok - dump-dtb # SKIP no guest image or dtc"
fi
exit $failed
