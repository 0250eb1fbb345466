# Shared helpers for the XenStore shell checks: start a private xenstored
# on a socket under a fresh mktemp -d, kill it on exit, TAP output helpers.
B=${B:-build}
XSD_BIN=${XSD_BIN:-$B/bin/xenstored}
XS_TMP=$(mktemp -d)
XS_PID=
xs_cleanup() {
    [ -n "$XS_PID" ] && kill "$XS_PID" 2>/dev/null && wait "$XS_PID" 2>/dev/null
    rm -rf "$XS_TMP"
}
trap xs_cleanup EXIT
fails=0
ok() { echo "ok - $*"; }
notok() { echo "not ok - $*"; fails=$((fails + 1)); }
check() { local name=$1; shift; if "$@" >/dev/null 2>&1; then ok "$name"; else notok "$name"; fi; }
check_eq() { if [ "$2" = "$3" ]; then ok "$1"; else notok "$1 (got '$2' want '$3')"; fi; }
# xs_start [extra xenstored args...]: starts the daemon, exports XENSTORED_PATH
xs_start() {
    export XENSTORED_PATH=$XS_TMP/socket
    "$XSD_BIN" -F -s "$XENSTORED_PATH" "$@" 2>>"$XS_TMP/log" &
    XS_PID=$!
    for _ in $(seq 100); do [ -S "$XENSTORED_PATH" ] && return 0; sleep 0.05; done
    echo "xenstored did not start"; cat "$XS_TMP/log"; return 1
}
xs_stop() {
    [ -n "$XS_PID" ] && kill "$XS_PID" && wait "$XS_PID"
    local rc=$?
    XS_PID=
    return $rc
}
xs_alive() { [ -n "$XS_PID" ] && kill -0 "$XS_PID" 2>/dev/null; }
