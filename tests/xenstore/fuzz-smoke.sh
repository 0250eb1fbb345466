#!/usr/bin/env bash
# 30-second libFuzzer run of fuzz/xenstore_wire from the seed corpus (built
# with clang by `make fuzz`); skipped when clang/libFuzzer is unavailable.
set -u
B=${B:-build}
FZ=$B/fuzz/xenstore_wire
if ! make --no-print-directory -s B="$B" "$FZ" >/dev/null 2>&1; then
    echo "ok - # SKIP cannot build $FZ (clang with libFuzzer missing?)"; exit 0
fi
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
python3 "$(dirname "$0")/fuzz_seeds.py" "$T/corpus"
if nice -n 10 "$FZ" -max_total_time=${FUZZ_SECONDS:-30} -detect_leaks=1 -max_len=20000 \
        -rss_limit_mb=1024 "$T/corpus" > "$T/log" 2>&1; then
    echo "ok - xenstore_wire fuzz ${FUZZ_SECONDS:-30}s: $(grep -o '#[0-9]*.*DONE.*' "$T/log" | head -1 | cut -c1-80)"
else
    echo "not ok - xenstore_wire fuzz found a crash or leak"; tail -40 "$T/log"
fi
