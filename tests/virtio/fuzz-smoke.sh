#!/usr/bin/env bash
# Short libFuzzer run of fuzz/virtio_queue from generated seeds (well-formed
# blk and net rings); skipped when clang/libFuzzer is unavailable.
set -u
B=${B:-build}
FZ=$B/fuzz/virtio_queue
if ! make --no-print-directory -s B="$B" "$FZ" >/dev/null 2>&1; then
    echo "ok - # SKIP cannot build $FZ (clang with libFuzzer missing?)"; exit 0
fi
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
python3 "$(dirname "$0")/fuzz_seeds.py" "$T/corpus"
if nice -n 10 "$FZ" -max_total_time=${FUZZ_SECONDS:-20} -timeout=10 -max_len=131074 \
        -rss_limit_mb=1024 "$T/corpus" > "$T/log" 2>&1; then
    echo "ok - virtio_queue fuzz ${FUZZ_SECONDS:-20}s: $(grep -o '#[0-9]*.*DONE.*' "$T/log" | head -1 | cut -c1-80)"
else
    echo "not ok - virtio_queue fuzz found a crash, leak or hang"; tail -40 "$T/log"
fi
