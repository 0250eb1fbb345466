#!/usr/bin/env bash
# A short differential run against the ASan+UBSan build of domus-run
# (SAN_CHECKS): random instruction streams are good at reaching odd paths.
exec "$(dirname "$0")/run.sh" --seed 1001 --seed 1002 --count 6000 "$@"
