#!/usr/bin/env bash
# Short libFuzzer run of the config parser ($B/fuzz/config_parse, from
# `make fuzz`) seeded with examples/ and tests/data/; skips when not built.
set -u
B=${B:-build}
F=$B/fuzz/config_parse
if [ ! -x "$F" ]; then echo "ok - fuzz-config-parse-smoke # SKIP no $F (make fuzz)"; exit 0; fi
corpus=$(mktemp -d); trap 'rm -rf "$corpus"' EXIT
cp examples/*.cfg tests/data/*.cfg "$corpus"/
if "$F" -max_total_time="${FUZZ_SECONDS:-10}" -max_len=4096 "$corpus" >"$corpus/log" 2>&1; then
  echo "ok - fuzz-config-parse-smoke ($(grep -o 'Done [0-9]* runs' "$corpus/log"))"
else
  echo "not ok - fuzz-config-parse-smoke"; tail -30 "$corpus/log" | sed 's/^/# /'; exit 1
fi
