# Shared by the xend/xm system tests (source it after `set -u`): the build
# dir's programs, the guest images (the sanitizer build, B=build/san, uses
# the plain build's), a private DOMUS_STATE per run, and the TAP helpers.
# T_PREFIX (set before sourcing) prefixes every case name.
B=${B:-build}
XM=$B/bin/xm
XEND=$B/bin/xend
GDIR=${DOMUS_GUEST_DIR:-$B/guest}
[ -f "$GDIR/Image" ] || [ -n "${DOMUS_GUEST_DIR:-}" ] || GDIR=$(dirname "$B")/guest
IMG=$(realpath -m "$GDIR/Image")
INITRD=$(realpath -m "$GDIR/initramfs.cpio.gz")
export GUEST_TIMEOUT=${GUEST_TIMEOUT:-150}
TIMEOUT=$GUEST_TIMEOUT
T_PREFIX=${T_PREFIX:-}
failed=0

have_guest() { [ -f "$IMG" ] && [ -f "$INITRD" ]; }

# A fresh state directory for this run's xend; xend is stopped at exit.
state_init() {
  DOMUS_STATE=$(mktemp -d)
  export DOMUS_STATE
  trap '$XEND stop >/dev/null 2>&1; rm -rf "$DOMUS_STATE"' EXIT
}

t() {	# t NAME COND-EXIT-STATUS [detail]
  if [ "$2" = 0 ]; then echo "ok - $T_PREFIX$1"; else echo "not ok - $T_PREFIX$1"; failed=1
    [ -n "${3:-}" ] && printf '%s\n' "$3" | sed 's/^/# /'; fi
}

wait_for() {	# wait_for SECONDS COMMAND...: poll until COMMAND succeeds
  local end=$((SECONDS + $1)); shift
  while [ $SECONDS -lt $end ]; do "$@" && return 0; sleep 0.2; done; return 1
}
