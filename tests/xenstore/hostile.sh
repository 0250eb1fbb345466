#!/usr/bin/env bash
# Hostile clients (hostile.py) against a private xenstored.
set -u
. "$(dirname "$0")/lib.sh"
xs_start || exit 1
python3 "$(dirname "$0")/hostile.py" "$XENSTORED_PATH" || fails=1
check "daemon still alive" xs_alive
exit $((fails > 0))
