#!/usr/bin/env bash
# Decoder legality against an independent oracle: GNU objdump (binutils'
# RISC-V disassembler, rv64gc) disassembles every 16-bit encoding and
# 400,000 random 32-bit words (half fully random, half with a valid major
# opcode); test-decode --classify says which ones Domus accepts (and, for
# 32-bit words both accept, as which instruction: the names must match).
# Every disagreement must be one the spec explains, else "not ok":
#  - FENCE / FENCE.I with nonzero rd/rs1/imm: the spec says base
#    implementations ignore those fields (binutils rejects them);
#  - C.ADDI16SP with nzimm = 0 is reserved (binutils accepts it);
#  - FCVT.D.S/.D.W/.D.WU with a static rm other than RNE/DYN: valid
#    encodings (exact conversions; binutils 2.40 rejects them).
# Environment: B (build dir).
set -u
cd "$(dirname "$0")/../.."
B=${B:-build}
OD=riscv64-unknown-elf-objdump
command -v $OD >/dev/null 2>&1 || OD=riscv64-linux-gnu-objdump
if ! command -v $OD >/dev/null 2>&1 || ! command -v python3 >/dev/null 2>&1; then
	echo "ok - decode vs objdump # SKIP no riscv64 objdump or python3"
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

python3 - "$tmp" <<'PY'
import random, struct, sys
d = sys.argv[1]
open(d + '/c16.bin', 'wb').write(b''.join(struct.pack('<H', i) for i in range(65536) if i & 3 != 3))
random.seed(20261124)
ops = [0x03, 0x07, 0x0f, 0x13, 0x17, 0x1b, 0x23, 0x27, 0x2f, 0x33, 0x37, 0x3b,
       0x43, 0x47, 0x4b, 0x4f, 0x53, 0x63, 0x67, 0x6f, 0x73]
ws = [random.getrandbits(32) | 3 for _ in range(200000)]
ws += [(random.getrandbits(25) << 7) | random.choice(ops) for _ in range(200000)]
open(d + '/w32.bin', 'wb').write(b''.join(struct.pack('<I', w) for w in ws))
PY

# objdump lines: "addr:<TAB>hex<spaces><TAB>mnemonic<TAB>operands"
dis() {
	$OD -D -b binary -m riscv:rv64 -M no-aliases "$1" |
		awk -F'\t' -v n="$2" 'NF >= 3 { gsub(/ /, "", $2); o = $4; gsub(/ /, "", o)
			if (o == "") o = "-"
			if (length($2) == n) print $2, $3, o }'
}
status=0
for kind in 16 32; do
	if [ $kind = 16 ]; then dis "$tmp/c16.bin" 4 >"$tmp/od"; else dis "$tmp/w32.bin" 8 >"$tmp/od"; fi
	awk '{ print $1 }' "$tmp/od" | "$B/bin/test-decode" --classify >"$tmp/us"
	n=$(wc -l <"$tmp/od")
	paste -d' ' "$tmp/od" "$tmp/us" | awk -v kind=$kind '
		# fields: hex objdump-mnemonic operands hex domus-name
		# 32-bit: accepted by both -> same instruction (aq/rl suffixes aside)
		$2 != ".4byte" && $5 != "ILLEGAL" && kind == 32 {
		  m = $2; sub(/\.(aqrl|aq|rl)$/, "", m)
		  if (m != $5) { print "#   " $1 ": objdump " $2 ", domus " $5; bad++ }
		  next }
		{ od = ($2 == ".2byte" || $2 == ".4byte" || $2 == "c.unimp" || $2 == "unimp") ? "ILL" : "OK"
		  us = ($5 == "ILLEGAL") ? "ILL" : "OK"
		  if (od == us) next
		  if (us == "OK" && ($5 == "fence" || $5 == "fence.i")) next
		  if (us == "ILL" && $2 == "c.addi16sp" && $3 == "sp,0") next
		  if (us == "OK" && $5 ~ /^fcvt\.d\.(s|w|wu)$/) next
		  print "#   " $1 ": objdump " $2 " " $3 ", domus " $5; bad++ }
		END { exit bad > 0 }' >"$tmp/bad"
	if [ $? -eq 0 ] && [ "$n" -gt 1000 ]; then
		echo "ok - decode vs objdump: $n ${kind}-bit encodings agree"
	else
		echo "not ok - decode vs objdump: ${kind}-bit encodings disagree ($n compared)"
		head -20 "$tmp/bad"
		status=1
	fi
done
exit $status
