#!/usr/bin/env bash
# Debian's xenstore-utils (Xen's real clients) against our xenstored, and our
# xenstore-* tools' output compared byte for byte with theirs.
set -u
. "$(dirname "$0")/lib.sh"
if ! command -v /usr/bin/xenstore-read >/dev/null; then echo "ok - # SKIP xenstore-utils missing"; exit 0; fi
xs_start || exit 1
D=/usr/bin
check "debian write" $D/xenstore-write /t/a 1 /t/b 'two words' /t/c/d deep
check_eq "debian read" "$($D/xenstore-read /t/b)" "two words"
check_eq "debian read -p" "$($D/xenstore-read -p /t/c/d)" "/t/c/d: deep"
check_eq "debian list" "$($D/xenstore-list /t | tr '\n' ' ')" "a b c "
check "debian exists (present)" $D/xenstore-exists /t/c/d
check "debian exists (absent) fails" bash -c "! $D/xenstore-exists /t/nope"
check "debian chmod" $D/xenstore-chmod /t/a n0 r5 w7
check_eq "debian ls -p shows perms" "$($D/xenstore-ls -p /t | head -1 | sed 's/.*(//')" "n0,r5,w7)"
check_eq "debian ls" "$($D/xenstore-ls /t | tr '\n' '|')" 'a = "1"|b = "two words"|c = ""| d = "deep"|'
check_eq "debian ls -f" "$($D/xenstore-ls -f /t | head -1)" '/t/a = "1"'
check "debian rm" $D/xenstore-rm /t/c
check "debian rm'd node gone" bash -c "! $D/xenstore-exists /t/c/d"
check "debian rm of missing parent fails" bash -c "! $D/xenstore-rm /nope/x"
# watch: initial event + one per change, then exit after -n events
timeout 5 $D/xenstore-watch -n 3 /t > "$XS_TMP/watch" &
wpid=$!
for _ in $(seq 50); do [ -s "$XS_TMP/watch" ] && break; sleep 0.05; done
$D/xenstore-write /t/w x; $D/xenstore-rm /t/w
wait $wpid; check_eq "debian watch events" "$(tr '\n' ' ' < "$XS_TMP/watch")" "/t /t/w /t/w "
# Our tools must print exactly what Xen's do.
$D/xenstore-write /cmp/a 'he"l\lo' /cmp/b "$(printf 'x\ty\001z\\q')" /cmp/c/d/e \
    long_value_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa \
    /cmp/g "$(printf '\xc3\xa9')" /cmp/h/i medium_value_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
$D/xenstore-chmod /cmp/g n0 r5 w7
for args in "ls /" "ls -p /" "ls -f /" "ls -fp /" "ls /cmp" "ls -p /cmp/c" "read /cmp/a /cmp/b /cmp/g" \
            "read -p /cmp/b" "read -R /cmp/b" "list /cmp" "list -p /cmp" "read /nope" "ls /nope"; do
    set -- $args; tool=$1; shift
    if diff <($D/xenstore-$tool "$@" 2>/dev/null; echo "rc=$?") \
            <($B/bin/xenstore-$tool "$@" 2>/dev/null; echo "rc=$?") > "$XS_TMP/diff"; then
        ok "our xenstore-$args matches Xen's"
    else
        notok "our xenstore-$args matches Xen's"; cat "$XS_TMP/diff"
    fi
done
# Our tools, the other commands.
check "our write/read" bash -c "$B/bin/xenstore-write /o/x 'a\\tb' && [ \"\$($D/xenstore-read -R /o/x)\" = \"\$(printf 'a\\tb')\" ]"
check "our exists" $B/bin/xenstore-exists /o/x
check "our chmod -r" bash -c "$B/bin/xenstore-chmod -r /o n0 b3 && [ \"\$($D/xenstore-ls -p /o | sed 's/.*(//')\" = 'n0,b3)' ]"
check "our rm -t tidies empty parents" bash -c "$B/bin/xenstore-write /p/q/r v && $B/bin/xenstore-rm -t /p/q/r && ! $D/xenstore-exists /p"
timeout 5 $B/bin/xenstore-watch -n 2 /o > "$XS_TMP/w2" &
wpid=$!
for _ in $(seq 50); do [ -s "$XS_TMP/w2" ] && break; sleep 0.05; done
$D/xenstore-write /o/y 1; wait $wpid
check_eq "our watch" "$(tr '\n' ' ' < "$XS_TMP/w2")" "/o /o/y "
check "our control help" bash -c "$B/bin/xenstore-control help | grep -q act-as"
check "Xen's xenstore-control help" bash -c "/usr/lib/xen-4.17/bin/xenstore-control help | grep -q quota"
# A 20k-child directory: DIRECTORY is E2BIG, libxenstore falls back to DIRECTORY_PART.
seq 0 19999 | sed 's|.*|/big/k& v|' | xargs -n 2000 $B/bin/xenstore-write
check_eq "debian list of 20k children (DIRECTORY_PART)" "$($D/xenstore-list /big | wc -l)" "20000"
check_eq "our list of 20k children" "$($B/bin/xenstore-list /big | sort | uniq | wc -l)" "20000"
t0=$(date +%s%N); $D/xenstore-rm /big; t1=$(date +%s%N)
check "rm of 20k children under 1 s ($(( (t1 - t0) / 1000000 )) ms incl. process start; C xenstored: ~4 s)" test $(( (t1 - t0) / 1000000 )) -lt 1000
check "daemon alive" xs_alive
exit $((fails > 0))
