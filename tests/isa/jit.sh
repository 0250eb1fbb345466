#!/usr/bin/env bash
# The ISA suite twice more: with every block translated to host code at its
# first entry (DOMUS_JIT_HOT=1: code that runs once goes through the
# translator too), and with the interpreter alone (DOMUS_JIT=0).
cd "$(dirname "$0")/../.."
DOMUS_JIT_HOT=1 tests/isa/run.sh "$@" | sed -E 's/^(not ok|ok) - /\1 - jit-hot1: /'
DOMUS_JIT=0 tests/isa/run.sh "$@" | sed -E 's/^(not ok|ok) - /\1 - interp: /'
