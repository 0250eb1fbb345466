#!/usr/bin/env bash
# vq-garbage under Domus: for every garbage mode, a modern virtio-blk device
# of domus-run must end in DEVICE_NEEDS_RESET while Domus keeps running (the
# guest goes on to run a command and powers off with status 0).
# Needs $B/bin/domus-run and the guest images (built by `make guest`).
set -u
cd "$(dirname "$0")/../.."
B=${B:-build}
run=$B/bin/domus-run img=$B/guest/Image rd=$B/guest/initramfs.cpio.gz
if [ ! -x "$run" ] || [ ! -s "$img" ] || [ ! -s "$rd" ]; then
	echo "ok - domus vq-garbage # SKIP needs $run and make guest"
	exit 0
fi
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
truncate -s 1M "$t/scratch.img"
for mode in random loop oob indirect ring idx; do
	timeout "${DOMUS_TIMEOUT:-120}" "$run" --kernel "$img" --initrd "$rd" \
		--disk "$t/scratch.img" \
		--append "console=ttyS0 domus.run=\"vq-garbage -d 2 -m $mode && echo STILL-ALIVE\"" \
		</dev/null 2>&1 | tr -d '\r' > "$t/out"
	rc=${PIPESTATUS[0]}
	if [ "$rc" -eq 0 ] && grep -q 'DEVICE_NEEDS_RESET' "$t/out" &&
		grep -qx STILL-ALIVE "$t/out" && grep -qx DOMUS-RUN-EXIT=0 "$t/out"; then
		echo "ok - domus: vq-garbage -m $mode -> DEVICE_NEEDS_RESET, guest runs on"
	else
		echo "not ok - domus: vq-garbage -m $mode (domus-run status $rc)"
		tail -n 12 "$t/out" | sed 's/^/#   /'
	fi
done
