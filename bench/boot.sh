#!/usr/bin/env bash
# bench/boot.sh: boot time of the test guest, launch -> DOMUS-GUEST-READY on
# the console, median of N runs (default 5), for QEMU (`qemu-system-riscv64
# -M virt -bios default`, TCG) and for Domus (`domus-run`), with 1 and 4
# vCPUs, and the Domus/QEMU ratio (goal: <= 0.7).
# The guest is told domus.run=true so it powers itself off after the marker.
#   bench/boot.sh [-n RUNS] [-m MEM]       env: B (build dir, default build)
set -u
cd "$(dirname "$0")/.."
B=${B:-build}
runs=5 mem=256M
while getopts n:m:h o; do
	case $o in
	n) runs=$OPTARG ;;
	m) mem=$OPTARG ;;
	*) echo "usage: bench/boot.sh [-n RUNS] [-m MEM]" >&2; exit 2 ;;
	esac
done
img=$B/guest/Image rd=$B/guest/initramfs.cpio.gz
if [ ! -s "$img" ] || [ ! -s "$rd" ]; then
	make --no-print-directory -s B="$B" guest >&2 || exit 1
fi
append='console=ttyS0 domus.run=true'
to=${BOOT_TIMEOUT:-120}

# time_to_ready CMD...: prints "READY FIRST INIT CPU": seconds from launch to
# the marker line, to the first console line and to the kernel's "Run /init"
# line (the split firmware+kernel / userland shows what dominates), and the
# launcher's CPU time (user+sys, whole run to power-off: less sensitive to a
# loaded machine than wall time); or "fail". Lines are stamped with bash's
# $EPOCHREALTIME as they arrive.
time_to_ready() {
	local t0 first="" init="" ready="" line cpu cpuf
	cpuf=$(mktemp)
	t0=$EPOCHREALTIME
	while IFS= read -r line; do
		[ -z "$first" ] && first=$EPOCHREALTIME
		case $line in
		*"Run /init as init process"*) init=$EPOCHREALTIME ;;
		*DOMUS-GUEST-READY*) ready=$EPOCHREALTIME; break ;;
		esac
	done < <(TIMEFORMAT='%U %S'; { time timeout "$to" "$@" </dev/null 2>&1; } 2>"$cpuf")
	# the guest powers itself off (domus.run=true); wait for that
	wait $! 2>/dev/null
	cpu=$(awk '{ printf "%.3f", $1 + $2 }' "$cpuf")
	rm -f "$cpuf"
	if [ -z "$ready" ]; then echo fail; return; fi
	awk -v a="$t0" -v r="$ready" -v f="$first" -v i="${init:-$ready}" -v c="${cpu:-0}" \
		'BEGIN { printf "%.3f %.3f %.3f %.3f\n", r - a, f - a, i - a, c }'
}

# median_of CMD...: runs time_to_ready $runs times; prints
# "MEDIAN s (all runs) first console line F s, kernel runs /init I s, cpu C s"
# (all medians).
median_of() {
	local all=() v
	for _ in $(seq 1 "$runs"); do
		v=$(time_to_ready "$@")
		[ "$v" = fail ] && { echo "fail"; return; }
		all+=("$v")
	done
	printf '%s\n' "${all[@]}" | awk '
		function med(col,   i, j, t, n, x) {
			n = 0; for (i = 1; i <= NR; i++) x[++n] = v[i, col]
			for (i = 2; i <= n; i++) for (j = i; j > 1 && x[j - 1] > x[j]; j--) {
				t = x[j]; x[j] = x[j - 1]; x[j - 1] = t }
			return (n % 2) ? x[(n + 1) / 2] : (x[n / 2] + x[n / 2 + 1]) / 2
		}
		{ v[NR, 1] = $1; v[NR, 2] = $2; v[NR, 3] = $3; v[NR, 4] = $4; runs = runs " " $1 }
		END { printf "%.3f (%s) first console line %.3f s, kernel runs /init %.3f s, cpu %.3f s\n",
			med(1), substr(runs, 2), med(2), med(3), med(4) }'
}

qemu_cmd() { # qemu_cmd VCPUS
	echo qemu-system-riscv64 -M virt -bios default -nographic -m "$mem" \
		-smp "$1" -kernel "$img" -initrd "$rd"
}
domus=$B/bin/domus-run

echo "boot.sh: launch -> DOMUS-GUEST-READY, median of $runs runs, $mem RAM"
echo "boot.sh: kernel $(stat -c %s "$img") bytes, initramfs $(stat -c %s "$rd") bytes"
for n in 1 4; do
	q=fail d=skip
	if command -v qemu-system-riscv64 >/dev/null; then
		# shellcheck disable=SC2046
		q=$(median_of $(qemu_cmd "$n") -append "$append")
		echo "qemu  ${n} vCPU: ${q/ (/ s (}"
	else
		echo "qemu  ${n} vCPU: skipped (qemu-system-riscv64 not installed)"
	fi
	if [ -x "$domus" ]; then
		d=$(median_of "$domus" --kernel "$img" --initrd "$rd" --mem "$mem" \
			--vcpus "$n" --append "$append")
		echo "domus ${n} vCPU: ${d/ (/ s (}"
	else
		echo "domus ${n} vCPU: skipped ($domus not built yet)"
	fi
	qm=${q%% *} dm=${d%% *} qc=${q##* cpu } dc=${d##* cpu }
	if [[ $qm =~ ^[0-9.]+$ && $dm =~ ^[0-9.]+$ ]]; then
		awk -v d="$dm" -v q="$qm" -v dc="${dc% s}" -v qc="${qc% s}" -v n="$n" \
			'BEGIN { printf "ratio %d vCPU: domus/qemu = %.2f (goal <= 0.70); cpu time %.2f\n", n, d / q, dc / qc }'
	fi
done
