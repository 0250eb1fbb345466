#!/usr/bin/env bash
# Differential FPU check: random, edge-biased cases for every F/D op in every
# rounding mode, executed by the real instructions under qemu-riscv64
# (ref.c, built here) and by fpu_exec (test-fpu --cmp). Prints TAP.
# Env: B (build dir, must hold bin/test-fpu), FPU_SEED, FPU_N (cases per op+rm).
set -u
B=${B:-build}
SEED=${FPU_SEED:-20261124}
N=${FPU_N:-2000}
here=$(dirname "$0")
out=$B/fpu_ref
mkdir -p "$out"
for tool in riscv64-linux-gnu-gcc qemu-riscv64; do
  if ! command -v $tool >/dev/null; then
    echo "not ok - fpu reference comparison: $tool not installed (scripts/install-deps)"
    exit 1
  fi
done
if [ ! -x "$B/bin/test-fpu" ]; then
  echo "not ok - fpu reference comparison: $B/bin/test-fpu not built"; exit 1
fi
if ! riscv64-linux-gnu-gcc -static -O2 -march=rv64gc -Isrc -I"$here" -Wall -Wextra -Werror \
     -o "$out/fref" "$here/ref.c"; then
  echo "not ok - fpu reference program builds"; exit 1
fi
"$B/bin/test-fpu" --gen "$SEED" "$N" "$out/cases.bin" || { echo "not ok - fpu case generation"; exit 1; }
if ! qemu-riscv64 "$out/fref" < "$out/cases.bin" > "$out/ref.bin"; then
  echo "not ok - qemu-riscv64 runs the fpu reference program"; exit 1
fi
echo "# seed $SEED, $N cases per (op, rounding mode)"
"$B/bin/test-fpu" --cmp "$out/cases.bin" "$out/ref.bin"; rc=$?
# The same cases through the binary128 FMA path used on hosts without FMA.
if ${CC:-cc} -std=gnu17 -O1 -frounding-math -ffp-contract=off -DFPU_NO_HW_FMA -Isrc -Itests/unit \
     -o "$out/test-fpu-softfma" tests/unit/test_fpu.c src/cpu/fpu.c -lm; then
  "$out/test-fpu-softfma" --cmp "$out/cases.bin" "$out/ref.bin" "fpu without host FMA" || rc=1
else
  echo "not ok - fpu without host FMA builds"; rc=1
fi
# fpu.c's portable (non-x86: fenv + long double) paths, run as riscv64 code.
if riscv64-linux-gnu-gcc -static -std=gnu17 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -Isrc -Itests/unit \
     -frounding-math -ffp-contract=off -o "$out/test-fpu-rv" tests/unit/test_fpu.c src/cpu/fpu.c -lm; then
  qemu-riscv64 "$out/test-fpu-rv" --cmp "$out/cases.bin" "$out/ref.bin" "fpu portable path (riscv64 build)" || rc=1
  qemu-riscv64 "$out/test-fpu-rv" >"$out/vectors-rv.txt"
  if grep -q '^not ok' "$out/vectors-rv.txt"; then
    grep '^not ok' -A1 "$out/vectors-rv.txt" | sed 's/^/# /'
    echo "not ok - fpu portable path passes the edge vectors"; rc=1
  else
    echo "ok - fpu portable path passes the edge vectors ($(grep -c '^ok' "$out/vectors-rv.txt"))"
  fi
else
  echo "not ok - fpu portable path builds for riscv64"; rc=1
fi
exit $rc
