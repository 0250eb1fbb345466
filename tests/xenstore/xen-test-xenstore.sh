#!/usr/bin/env bash
# Xen's own protocol test (test-xenstore from xen-utils-4.17) against our daemon.
set -u
. "$(dirname "$0")/lib.sh"
T=/usr/lib/xen-4.17/bin/test-xenstore
if [ ! -x $T ]; then echo "ok - # SKIP $T missing"; exit 0; fi
xs_start || exit 1
if $T -i 100 > "$XS_TMP/out" 2>&1; then ok "test-xenstore -i 100"; else notok "test-xenstore -i 100"; cat "$XS_TMP/out"; fi
if $T -r 5 > "$XS_TMP/out" 2>&1; then ok "test-xenstore -r 5"; else notok "test-xenstore -r 5"; cat "$XS_TMP/out"; fi
grep -q "Exhaustive" "$XS_TMP/out" && notok "transaction retries exhausted" || ok "no exhausted transaction retries"
check "daemon alive" xs_alive
exit $((fails > 0))
