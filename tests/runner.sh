#!/usr/bin/env bash
# Runs every check given on the command line and prints one summary line.
#
# A check is an executable (script or binary) that prints TAP-style lines:
#   ok - name            one passed case
#   not ok - name        one failed case
# anything else is passed through as commentary. A check that exits non-zero
# without having printed a "not ok" counts as one more failure; one that prints
# no result lines counts as one case, passed or failed by its exit status.
# "san:CHECK" runs CHECK with B pointing at the sanitizer build.
# Environment: B (build dir), SAN_B (sanitizer build dir).
set -u
B=${B:-build}
SAN_B=${SAN_B:-$B/san}
pass=0; fail=0; failed_names=()
for spec in "$@"; do
  bdir=$B; check=$spec; label=$spec
  case $spec in san:*) check=${spec#san:}; bdir=$SAN_B ;; esac
  echo "### $label"
  log=$(mktemp)
  B=$bdir bash -c "$check" 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  p=$(grep -c -E '^ok( |$)' "$log"); f=$(grep -c -E '^not ok( |$)' "$log")
  if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then
    if [ "$rc" -eq 0 ]; then p=1; else f=1; fi
  elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
    echo "not ok - $label exited with status $rc"; f=1
  fi
  [ "$f" -gt 0 ] && failed_names+=("$label")
  pass=$((pass + p)); fail=$((fail + f))
  rm -f "$log"
done
if [ ${#failed_names[@]} -gt 0 ]; then
  echo "failed checks: ${failed_names[*]}"
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
