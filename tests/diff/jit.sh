#!/usr/bin/env bash
# The differential test against qemu-riscv64 with every block translated
# to host code at its first entry (DOMUS_JIT_HOT=1), on seeds of its own.
cd "$(dirname "$0")/../.."
for s in 101 102 103 104 105 106 107 108; do
	DOMUS_JIT_HOT=1 tests/diff/run.sh --seed "$s" --count 16000 "$@" | sed -E 's/^(not ok|ok) - /\1 - jit-hot1: /'
done
