#!/usr/bin/env bash
# Differential test: random RV64GC blocks from domus-diffgen, run under
# qemu-riscv64 (user mode, the reference) and `domus-run --bare`, outputs
# compared. Each program runs on the target twice: in M-mode (bare.elf) and
# in U-mode under Sv39 paging (bareu.elf). Prints `ok - diff seed=S` /
# `not ok - diff seed=S` per seed.
#
# On a mismatch the seed is re-run with a dump after every unit (--trace) to
# find the first unit whose result differs, then with full dumps around it,
# and the report shows that unit, its input registers, and every register
# (or memory hash) where QEMU and Domus disagree after it.
#
# usage: tests/diff/run.sh [--seed S]... [--count N] [--keep DIR]
#                          [--target domus|spike] [--full]
#   --seed S      run seed S (repeatable) instead of the fixed list
#   --count N     random units per program (default 16000)
#   --keep DIR    keep generated sources, ELFs and outputs in DIR
#   --full        every dump prints all registers, not a hash of them
#   --target T    what runs the bare ELF: domus (default: $B/bin/domus-run)
#                 or spike (qemu-system-riscv64 -M spike: validates the tester)
# Environment: B (build dir, default build).
set -u
cd "$(dirname "$0")/../.."
B=${B:-build}
D=tests/diff

# 16 x 16000 units = 256,000 random units; forward branches skip ~8% of
# them, so ~235,000 units (~330,000 instructions, counting address setup
# and li expansions) execute (README.md has the measurement).
SEEDS_DEFAULT=(1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16)
seeds=()
count=16000
keep=""
target=domus
full=()
while [ $# -gt 0 ]; do
	case $1 in
	--seed) seeds+=("$2"); shift 2 ;;
	--count) count=$2; shift 2 ;;
	--keep) keep=$2; shift 2 ;;
	--target) target=$2; shift 2 ;;
	--full) full=(--full-from 0); shift ;;
	*) echo "usage: $0 [--seed S]... [--count N] [--keep DIR] [--target domus|spike] [--full]" >&2; exit 2 ;;
	esac
done
[ ${#seeds[@]} -gt 0 ] || seeds=("${SEEDS_DEFAULT[@]}")

gen=$B/bin/domus-diffgen
domus=$B/bin/domus-run
CROSS=${CROSS:-riscv64-linux-gnu-}
CC=(${CROSS}gcc -march=rv64gc -mabi=lp64d -mcmodel=medany -fno-pic -fno-pie
    -ffreestanding -fno-builtin -nostdlib -static -O2 -I$D)
LD=(-T $D/link.ld -Wl,--no-relax -Wl,--build-id=none -Wl,--no-warn-rwx-segments)

fail_all() {
	echo "not ok - diff # $1"
	exit 1
}
command -v qemu-riscv64 >/dev/null || fail_all "qemu-riscv64 not installed (qemu-user)"
command -v "${CROSS}gcc" >/dev/null || fail_all "${CROSS}gcc not installed"
[ -x "$gen" ] || fail_all "$gen not built"
case $target in
domus) [ -x "$domus" ] || fail_all "$domus not built" ;;
spike) command -v qemu-system-riscv64 >/dev/null || fail_all "qemu-system-riscv64 not installed" ;;
*) echo "unknown --target $target" >&2; exit 2 ;;
esac

if [ -n "$keep" ]; then
	mkdir -p "$keep" || exit 2
	work=$keep
else
	work=$(mktemp -d)
	trap 'rm -rf "$work"' EXIT
fi

# The runtime is the same for every seed: build it once.
for f in dump.c common.S user.S bare.S; do
	"${CC[@]}" -c $D/$f -o "$work/${f%.*}.o" || fail_all "cannot build $D/$f"
done
"${CC[@]}" -DDIFF_UMODE -c $D/bare.S -o "$work/bareu.o" || fail_all "cannot build $D/bare.S (U-mode)"

# build DIR: DIR/block.s -> DIR/user.elf (qemu-riscv64), DIR/bare.elf
# (M-mode) and DIR/bareu.elf (U-mode under Sv39)
build() {
	"${CC[@]}" -c "$1/block.s" -o "$1/block.o" &&
	"${CC[@]}" "${LD[@]}" "$work/user.o" "$work/common.o" "$work/dump.o" "$1/block.o" -o "$1/user.elf" &&
	"${CC[@]}" "${LD[@]}" "$work/bare.o" "$work/common.o" "$work/dump.o" "$1/block.o" -o "$1/bare.elf" &&
	"${CC[@]}" "${LD[@]}" "$work/bareu.o" "$work/common.o" "$work/dump.o" "$1/block.o" -o "$1/bareu.elf"
}

# run DIR [bare|bareu]: DIR/q.out (QEMU) and DIR/d.out (target running
# DIR/bare.elf or DIR/bareu.elf); statuses in q.rc/d.rc
run() {
	timeout 120 qemu-riscv64 "$1/user.elf" >"$1/q.out" 2>"$1/q.err"
	echo $? >"$1/q.rc"
	run_target "$1" "${2:-bare}"
}

run_target() {
	if [ "$target" = spike ]; then
		timeout 120 qemu-system-riscv64 -M spike -bios none -nographic \
			-kernel "$1/$2.elf" >"$1/d.out" 2>"$1/d.err" </dev/null
	else
		timeout 120 "$domus" --bare "$1/$2.elf" --max-insns 500000000 \
			>"$1/d.out" 2>"$1/d.err" </dev/null
	fi
	echo $? >"$1/d.rc"
	# keep only the tester's own lines: QEMU spike's console may add
	# carriage returns, and the runner may print messages of its own
	mv "$1/d.out" "$1/d.raw"
	sed 's/\r$//' "$1/d.raw" | grep -a -E '^(@|[xf][0-9]+ |fcsr |mem |m[0-9a-f]{3} |TRAP |END$)' >"$1/d.out"
}

# same DIR: both ran to END with identical output and exit status 0 (a
# sanitizer report at exit fails the check too)
same() {
	[ "$(tail -n 1 "$1/q.out")" = END ] && cmp -s "$1/q.out" "$1/d.out" &&
		[ "$(cat "$1/q.rc")" = 0 ] && [ "$(cat "$1/d.rc")" = 0 ]
}

# lastsame DIR: id of the last dump both outputs agree on (before the first
# differing line), or -1
lastsame() {
	awk 'NR == FNR { q[FNR] = $0; nq = FNR; next }
	     { if (FNR > nq || $0 != q[FNR]) exit }
	     /^@/ { if (pend != "") good = pend; pend = "" }
	     /^@[0-9]/ { if (NF == 2) good = substr($1, 2); else pend = substr($1, 2) }
	     END { print (good == "" ? -1 : good) }' "$1/q.out" "$1/d.out"
}

# firstdiff DIR: the first differing line of both outputs, "QEMU | target"
firstdiff() {
	awk 'NR == FNR { q[FNR] = $0; nq = FNR; next }
	     { if (FNR > nq || $0 != q[FNR]) { printf "qemu: %s | target: %s\n", (FNR > nq ? "<end of output>" : q[FNR]), $0; found = 1; exit } }
	     END { if (!found) { if (FNR < nq) printf "qemu: %s | target: <end of output>\n", q[FNR + 1]; } }' "$1/q.out" "$1/d.out"
}

# state DIR FILE ID: "name value" lines of full dump ID in FILE
state() {
	awk -v id="@$3" '$0 == id { on = 1; next } on && /^@/ { exit } on && /^(x|f|fcsr|mem )/ { print }' "$1/$2"
}

# units DIR FROM TO: the source of units FROM+1..TO (between dump FROM and TO)
units() {
	awk -v a="# dump $2" -v b="# dump $3" -v a0="$2" '
		a0 == 0 && /^diff_block:/ { skip = 1; on = 1; next }
		$0 == a { on = 1; skip = 4; next }
		$0 == b { exit }
		on && /^\t(sd x1, -1016\(x2\)|call diff_dump_state|\.word [0-9]+|ld x1, -1016\(x2\))$/ { next }
		on && /^\t\.option/ { next }
		on && a0 == 0 && /^\t(lla x1, diff_init|fld f[0-9]+, [0-9]+\(x1\)|ld x[0-9]+, [0-9]+\(x1\)|fscsr x5|lla x2, diff_scratch)$/ { next }
		on && /^# dump/ { next }
		on && /^\t/ { sub(/^\t/, "    "); print }
		on && /^\.L/ { print "  " $0 }' "$1/block.s"
}

# context DIR ID: the ~10 instruction lines before "# dump ID"
context() {
	awk -v b="# dump $2" '$0 == b { exit }
		/^\t(sd x1, -1016\(x2\)|call diff_dump_state|\.word [0-9]+|ld x1, -1016\(x2\)|\.option.*)$/ { next }
		/^\t/ { sub(/^\t/, "    "); buf[n++ % 10] = $0 }
		END { for (i = (n > 10 ? n - 10 : 0); i < n; i++) print buf[i % 10] }' "$1/block.s"
}

# memrows DIR FILE ID: the "mOFF bytes" lines of full dump ID in FILE
memrows() {
	awk -v id="@$3" '$0 == id { on = 1; next } on && /^@/ { exit } on && /^m[0-9a-f]+ / { print }' "$1/$2"
}

# meminputs UNITFILE STATEFILE MEMFILE: the 16 scratch bytes (from the
# 8-byte boundary at or below the address, byte 0 first) at each
# memory operand of the unit (address = base register value + offset; an
# "addi xB, x2, N" in the unit sets xB first)
meminputs() {
	awk 'function h2n(s,   i, n) { n = 0; s = tolower(s)
		for (i = 1; i <= length(s); i++) n = n * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
		return n }
	FILENAME == ARGV[1] { if ($1 ~ /^x[0-9]+$/) val[$1] = h2n($2); next }
	FILENAME == ARGV[2] { all = all $2; next }
	{ line = $0
	  if (match(line, /addi x[0-9]+, x2, -?[0-9]+/)) {
		split(substr(line, RSTART, RLENGTH), p, /[ ,]+/); val[p[2]] = val["x2"] + p[4]; next }
	  if (!match(line, /-?[0-9]*\(x[0-9]+\)/)) next
	  op = substr(line, RSTART, RLENGTH); split(op, p, /[()]/)
	  addr = val[p[2]] + (p[1] == "" ? 0 : p[1]); off = addr - val["x2"]
	  if (off < 0 || off >= 2048) next
	  base = off - off % 8
	  printf "mem[sp+0x%03x..+16] %s  (operand %s, address sp+0x%03x)\n", base, substr(all, 2 * base + 1, 32), op, off }' \
		"$2" "$3" "$1"
}

# diagnose SEED DIR bare|bareu: shrink a mismatch to one unit and print it
diagnose() {
	local s=$1 dir=$2 t=$2/trace f=$2/full elf=$3
	echo "# first difference: $(firstdiff "$dir")"
	echo "# qemu exit $(cat "$dir/q.rc"), target exit $(cat "$dir/d.rc"); target stderr: $(head -c 300 "$dir/d.err" | tr '\n' ' ')"
	local last; last=$(lastsame "$dir")
	echo "# last agreeing dump: @$last; the 10 instructions before the first differing dump:"
	local nextid; nextid=$(awk -v l="$last" '/^# dump / { if ($3 + 0 > l + 0) { print $3; exit } }' "$dir/block.s")
	[ -n "$nextid" ] && context "$dir" "$nextid" | sed 's/^/#  /'
	# shrink: a dump after every unit finds the first unit that differs
	mkdir -p "$t" "$f"
	"$gen" --seed "$s" --count "$count" --trace -o "$t/block.s" && build "$t" && run "$t" "$elf" || return
	if same "$t"; then
		echo "# (trace build agrees: the difference depends on the dump layout)"
		return
	fi
	local j k
	j=$(lastsame "$t")
	k=$(awk 'NR == FNR { d[FNR] = $0; nd = FNR; next }
		 FNR > nd || $0 != d[FNR] { if ($1 ~ /^@[0-9]/) print substr($1, 2); exit }' "$t/d.out" "$t/q.out")
	[ "$j" = -1 ] && j=0
	[ -n "$k" ] || k=$count
	"$gen" --seed "$s" --count "$count" --trace --full-from "$j" --stop-after "$k" -o "$f/block.s" &&
		build "$f" && run "$f" "$elf" || return
	echo "# shrunk: state agrees after unit $j, differs after unit $k; the unit(s):"
	units "$f" "$j" "$k" >"$f/unit"
	sed 's/^/#  /' "$f/unit"
	local regs; regs=$(grep -o -E '\b[xf][0-9]+\b' "$f/unit" | sort -u)
	echo "# inputs (state before, same on both):"
	state "$f" q.out "$j" >"$f/before"
	memrows "$f" q.out "$j" >"$f/before.mem"
	for r in $regs; do grep -E "^$r " "$f/before"; done | sed 's/^/#    /'
	grep -E '^fcsr ' "$f/before" | sed 's/^/#    /'
	meminputs "$f/unit" "$f/before" "$f/before.mem" | sed 's/^/#    /'
	echo "# after: register  qemu  target"
	state "$f" q.out "$k" >"$f/q.after"
	state "$f" d.out "$k" >"$f/d.after"
	if [ ! -s "$f/d.after" ]; then
		echo "#    target printed no dump @$k; its output ends with:"
		tail -n 3 "$f/d.raw" | sed 's/^/#      /'
		tail -n 3 "$f/d.err" | sed 's/^/#      /'
		return
	fi
	join -j 1 "$f/q.after" "$f/d.after" 2>/dev/null | awk '$2 != $3 { printf "#    %s  %s  %s\n", $1, $2, $3 }'
	join -j 1 <(memrows "$f" q.out "$k") <(memrows "$f" d.out "$k") 2>/dev/null |
		awk '$2 != $3 { printf "#    %s  %s\n#    %s  %s\n", $1, $2, $1, $3 }'
}

# The generator's premises: a seed always gives the same program, and the
# --trace variant (used to shrink mismatches) the same instructions.
strip_dumps() {
	grep -v -E '^(# dump|# domus-diffgen|	sd x1, -1016\(x2\)|	call diff_dump_state|	\.word |	ld x1, -1016\(x2\))' "$1"
}
"$gen" --seed 7 --count 3000 -o "$work/g1.s" && "$gen" --seed 7 --count 3000 -o "$work/g2.s" &&
	cmp -s "$work/g1.s" "$work/g2.s" &&
	echo "ok - diffgen same seed, same program" || echo "not ok - diffgen same seed, same program"
"$gen" --seed 7 --count 3000 --trace -o "$work/g3.s" &&
	cmp -s <(strip_dumps "$work/g1.s") <(strip_dumps "$work/g3.s") &&
	! cmp -s "$work/g1.s" "$work/g3.s" &&
	echo "ok - diffgen --trace adds dumps only" || echo "not ok - diffgen --trace adds dumps only"

fails=0
for s in "${seeds[@]}"; do
	dir=$work/seed-$s
	mkdir -p "$dir"
	if ! "$gen" --seed "$s" --count "$count" ${full[@]+"${full[@]}"} -o "$dir/block.s" || ! build "$dir"; then
		echo "not ok - diff seed=$s # cannot generate/build the program"
		fails=$((fails + 1))
		continue
	fi
	run "$dir" bare
	mode="M-mode"
	if same "$dir"; then
		run_target "$dir" bareu
		mode="U-mode, Sv39"
	fi
	if same "$dir"; then
		echo "ok - diff seed=$s"
	elif [ "$(tail -n 1 "$dir/q.out")" != END ]; then
		echo "not ok - diff seed=$s # QEMU itself did not finish (exit $(cat "$dir/q.rc")): tester bug"
		tail -n 3 "$dir/q.err" | sed 's/^/#  /'
		fails=$((fails + 1))
	else
		echo "not ok - diff seed=$s # $mode"
		case $mode in M*) elf=bare ;; *) elf=bareu ;; esac
		diagnose "$s" "$dir" "$elf"
		fails=$((fails + 1))
	fi
done
echo "# diff: ${#seeds[@]} programs x $count random units, $fails failing"
[ "$fails" -eq 0 ]
