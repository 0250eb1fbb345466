#!/usr/bin/env bash
# Differential check: random non-transactional requests against our daemon
# and Xen's C xenstored (run without a hypervisor by ../shared/peers); every
# reply must match; then watch events for random changes must match too. Skipped when the peer cannot be started.
set -u
. "$(dirname "$0")/lib.sh"
PEERS=${PEERS:-$(cd "$(dirname "$0")/../.." && pwd)/../shared/peers/xenstore}
if [ ! -x "$PEERS/run-cxenstored.sh" ] || [ ! -x /usr/lib/xen-4.17/bin/xenstored ]; then
    echo "ok - # SKIP Xen's C xenstored peer not available"; exit 0
fi
xs_start || exit 1
env -u XENSTORED_PATH "$PEERS/run-cxenstored.sh" "$XS_TMP/cxs" >/dev/null 2>&1 &
PEER=$!
trap 'kill $PEER 2>/dev/null; wait $PEER 2>/dev/null; xs_cleanup' EXIT
for _ in $(seq 100); do [ -S "$XS_TMP/cxs/socket" ] && break; sleep 0.05; done
if [ ! -S "$XS_TMP/cxs/socket" ]; then echo "ok - # SKIP C xenstored did not start"; exit 0; fi
for seed in 1 2 3; do
    python3 "$(dirname "$0")/diff_peer.py" "$XENSTORED_PATH" "$XS_TMP/cxs/socket" 2000 $seed || fails=1
done
python3 "$(dirname "$0")/diff_peer_watch.py" "$XENSTORED_PATH" "$XS_TMP/cxs/socket" 1500 1 || fails=1
exit $((fails > 0))
