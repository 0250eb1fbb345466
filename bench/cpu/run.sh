#!/usr/bin/env bash
# bench/cpu: builds bench.c into $B/bench/cpu.elf and runs it 3 times under
# `$B/bin/domus-run --bare` and 3 times under `qemu-system-riscv64 -M spike
# -bios none`, in one go. Prints the min wall time of each, guest MIPS (the
# retired-instruction count is the one the program reads from minstret under
# Domus, which counts exactly; the same ELF retires the same instructions
# under QEMU, whose minstret without -icount is not an instruction count) and
# the Domus/QEMU ratio.
#   bench/cpu/run.sh [-n RUNS] [--per-kernel]
# --per-kernel also times each kernel alone (ELFs built with -DKERNELS=bit).
# Environment: B (build dir, default build).
set -eu
cd "$(dirname "$0")/../.."
B=${B:-build}
runs=3
per_kernel=0
while [ $# -gt 0 ]; do
	case $1 in
	-n) runs=$2; shift 2 ;;
	--per-kernel) per_kernel=1; shift ;;
	*) echo "usage: $0 [-n RUNS] [--per-kernel]"; exit 2 ;;
	esac
done
CROSS=${CROSS:-riscv64-unknown-elf-}
command -v "${CROSS}gcc" >/dev/null 2>&1 || CROSS=riscv64-linux-gnu-
mkdir -p "$B/bench"
# build_elf OUT [CFLAGS...]
build_elf() {
	local out=$1; shift
	if [ ! -e "$out" ] || [ bench/cpu/bench.c -nt "$out" ] || [ bench/cpu/start.S -nt "$out" ] ||
	   [ bench/cpu/link.ld -nt "$out" ]; then
		"${CROSS}gcc" -O2 -march=rv64gc -mabi=lp64d -mcmodel=medany -ffreestanding \
			-fno-builtin -fno-pic -Wl,--build-id=none -nostdlib -nostartfiles -static \
			-Wall -Wextra -Werror "$@" \
			-T bench/cpu/link.ld -o "$out" bench/cpu/start.S bench/cpu/bench.c
	fi
}
elf=$B/bench/cpu.elf
build_elf "$elf"
[ -x "$B/bin/domus-run" ] || { echo "no $B/bin/domus-run (make B=$B $B/bin/domus-run)"; exit 1; }

now() { date +%s.%N; }
# run_min LABEL CMD...: runs CMD $runs times, prints the shortest wall time
# and keeps the output in $B/bench/cpu.LABEL.out
run_min() {
	local label=$1; shift
	local best= out t0 t1 dt
	for _ in $(seq "$runs"); do
		t0=$(now)
		out=$("$@" </dev/null 2>&1) || { echo "$label failed:"; echo "$out"; exit 1; }
		t1=$(now)
		dt=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
		if [ -z "$best" ] || awk -v d="$dt" -v b="$best" 'BEGIN { exit !(d < b) }'; then
			best=$dt
		fi
	done
	printf '%s\n' "$out" > "$B/bench/cpu.$label.out"
	echo "$best"
}
qemu() { timeout 600 qemu-system-riscv64 -M spike -bios none -nographic -monitor none -kernel "$1"; }
domus() { timeout 600 "$B/bin/domus-run" --bare "$1"; }
tq=$(run_min qemu qemu "$elf")
td=$(run_min domus domus "$elf")
sum_d=$(grep '^checksum' "$B/bench/cpu.domus.out")
sum_q=$(grep '^checksum' "$B/bench/cpu.qemu.out")
insns=$(sed -n 's/^insns //p' "$B/bench/cpu.domus.out")
grep ' insns ' "$B/bench/cpu.domus.out" | sed 's/^/  /'
[ "$sum_d" = "$sum_q" ] || { echo "checksum mismatch: domus '$sum_d' qemu '$sum_q'"; exit 1; }
printf '%s, %d instructions, min of %d runs\n' "$sum_d" "$insns" "$runs"
awk -v n="$insns" -v td="$td" -v tq="$tq" 'BEGIN {
	md = n / td / 1e6; mq = n / tq / 1e6
	printf "domus-run --bare : %6.2f s  %7.1f MIPS\n", td, md
	printf "qemu -M spike    : %6.2f s  %7.1f MIPS\n", tq, mq
	printf "ratio domus/qemu : %.2f\n", md / mq
}'

if [ $per_kernel = 1 ]; then
	echo "per kernel (alone, min of $runs; includes its setup loops):"
	for k in 1:crc32 2:sort 4:chase 8:matmul; do
		bit=${k%%:*}; name=${k#*:}
		kelf=$B/bench/cpu-$name.elf
		build_elf "$kelf" -DKERNELS="$bit"
		kq=$(run_min "qemu-$name" qemu "$kelf")
		kd=$(run_min "domus-$name" domus "$kelf")
		kn=$(sed -n 's/^insns //p' "$B/bench/cpu.domus-$name.out")
		awk -v name="$name" -v n="$kn" -v td="$kd" -v tq="$kq" 'BEGIN {
			printf "  %-7s %10d insns  domus %7.1f MIPS  qemu %7.1f MIPS  ratio %.2f\n",
				name, n, n / td / 1e6, n / tq / 1e6, (n / td) / (n / tq)
		}'
	done
fi
