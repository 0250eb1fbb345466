#!/usr/bin/env bash
# domus-run --bare exit paths: the hello demo, HTIF fail codes, double
# fault, --max-insns, the HTIF syscall proxy and a CLINT timer interrupt.
# Environment: B (build dir). Prints TAP lines.
set -u
cd "$(dirname "$0")/../.."
B=${B:-build}
RUN=$B/bin/domus-run
CC=riscv64-unknown-elf-gcc
command -v $CC >/dev/null 2>&1 || CC=riscv64-linux-gnu-gcc
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

build() {	# name source [defines]
	$CC -march=rv64gc -mabi=lp64d -nostdlib -static -T examples/hello/link.ld \
		-o "$tmp/$1.elf" "${@:3}" "$2"
}

# expect name status stdout-pattern stderr-pattern args...
expect() {
	local name=$1 want=$2 opat=$3 epat=$4; shift 4
	"$RUN" "$@" >"$tmp/out" 2>"$tmp/err"
	local rc=$?
	if [ "$rc" -eq "$want" ] && { [ -z "$opat" ] || grep -q -- "$opat" "$tmp/out"; } &&
	   { [ -z "$epat" ] || grep -q -- "$epat" "$tmp/err"; }; then
		echo "ok - bare $name"
	else
		echo "not ok - bare $name (status $rc, want $want)"
		sed 's/^/#   /' "$tmp/out" "$tmp/err" | head -5
	fi
}

build hello examples/hello/hello.S || exit 1
for c in 1 2 3 4 5 6 7; do build case$c examples/hello/runner_cases.S -DCASE=$c || exit 1; done

expect hello 0 "Hello from a Domus guest" "" --bare "$tmp/hello.elf"
expect trace-format 0 "" "core 0: 3 0x0000000080000000 (0x00000417) auipc s0, 0x0   s0 <- 0x0000000080000000" \
	--bare "$tmp/hello.elf" --trace
expect fail-code 7 "" "FAIL test 7" --bare "$tmp/case1.elf"
expect double-fault 125 "" "double fault.*pc 0x0000000000001000, cause 1" --bare "$tmp/case2.elf"
expect max-insns 124 "" "instruction limit (100000)" --bare "$tmp/case3.elf" --max-insns 100000
expect syscall-proxy 0 "proxy" "" --bare "$tmp/case4.elf"
expect timer-irq 0 "" "" --bare "$tmp/case5.elf" --max-insns 10000000
expect timer-irq-realtime 0 "" "" --bare "$tmp/case5.elf" --realtime --max-insns 100000000
expect riscv-tests-fail 3 "" "FAIL test 3" --bare "$tmp/case6.elf"
expect riscv-tests-pass 0 "" "" --bare "$tmp/case7.elf"
expect bad-elf 126 "" "cannot load" --bare examples/hello/hello.S
expect usage 2 "" "usage" --no-such-option
