# Shared helpers for the guest-image scripts (sourced, not executed).
# DOMUS_CACHE: root of the out-of-tree cache (default ~/.cache/domus).

DOMUS_CACHE=${DOMUS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/domus}
GUEST_CACHE=$DOMUS_CACHE/guest
CROSS=${CROSS:-riscv64-linux-gnu-}
KSRC_TARBALL=${KSRC_TARBALL:-/usr/src/linux-source-6.1.tar.xz}

log() { printf 'guest: %s\n' "$*" >&2; }
die() { printf 'guest: error: %s\n' "$*" >&2; exit 1; }

# Version of the installed Debian package $1 (or "none").
pkg_version() { dpkg-query -W -f '${Version}' "$1" 2>/dev/null || echo none; }

# sha256 of everything given on stdin, shortened.
short_hash() { sha256sum | cut -c1-16; }

# Copy $1 to $2 through a temporary name, so readers never see half a file.
install_atomic() {
	cp -- "$1" "$2.tmp.$$" && mv -f -- "$2.tmp.$$" "$2"
}
