#!/usr/bin/env bash
# The client library (test-xenstore-client) against a private xenstored.
set -u
. "$(dirname "$0")/lib.sh"
xs_start || exit 1
"$B/bin/test-xenstore-client" || fails=1
check "daemon alive" xs_alive
exit $((fails > 0))
