#!/usr/bin/env bash
# State file: saved atomically on SIGTERM and periodically, reloaded at start.
set -u
. "$(dirname "$0")/lib.sh"
X=$B/bin
ST=$XS_TMP/state
xs_start --state-file "$ST" --save-interval 1 || exit 1
$X/xenstore-write /s/a 1 /s/b "$(printf 'bin\001ary')" /local/domain/3/x y
$X/xenstore-chmod /local/domain/3/x n3 r0
for i in $(seq 300); do echo "/s/many/k$i v$i"; done | xargs $X/xenstore-write
$X/xenstore-control act-as 3 >/dev/null 2>&1   # harmless: that connection ends
sleep 2.2
check "periodic save wrote the state file" test -s "$ST"
check "no temporary file left behind" test ! -e "$ST.tmp"
$X/xenstore-write /s/late z
check "SIGTERM exits cleanly" xs_stop
xs_start --state-file "$ST" || exit 1
check_eq "value survives restart" "$($X/xenstore-read /s/a)" "1"
check_eq "binary value survives restart" "$($X/xenstore-read /s/b)" 'bin\001ary'
check_eq "write just before SIGTERM survives" "$($X/xenstore-read /s/late)" "z"
check_eq "permissions survive restart" "$($X/xenstore-ls -p /local/domain/3 | sed 's/.*(//')" "n3,r0)"
check_eq "300 children survive restart" "$($X/xenstore-list /s/many | wc -l)" "300"
xs_stop
printf 'garbage' > "$ST"
"$XSD_BIN" -F -s "$XS_TMP/s2" --state-file "$ST" 2>/dev/null
check_eq "corrupt state file refused (exit 1)" "$?" "1"
exit $((fails > 0))
