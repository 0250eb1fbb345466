#!/usr/bin/env bash
# fetch-busybox.sh: prints the path of a cached riscv64 busybox-static .deb
# from Debian stable, fetching it first if needed.
# apt runs against a PRIVATE directory ($DOMUS_CACHE/apt): its own sources
# list, state and cache; the machine's apt configuration is only read (for the
# mirror URL, see debian-mirror.sh), never changed. Once a .deb is cached no
# network is used; DOMUS_REFRESH=1 forces a fresh `apt-get update`.
# Env: DOMUS_DEBIAN_SUITE (default stable: the notes say trixie's index was
# once caught mid-sync while stable was consistent).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"
suite=${DOMUS_DEBIAN_SUITE:-stable}
pkg=busybox-static
apt=$DOMUS_CACHE/apt
debs=$apt/debs
mkdir -p "$debs"

exec 9>"$apt/lock"
flock 9
cached=$(ls -1 "$debs"/${pkg}_*_riscv64.deb 2>/dev/null | sort -V | tail -1 || true)
if [ -n "$cached" ] && [ "${DOMUS_REFRESH:-0}" != 1 ]; then
	echo "$cached"; exit 0
fi

mirror=$("$here/debian-mirror.sh")
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
mkdir -p "$apt/etc/preferences.d" "$apt/state/lists/partial" "$apt/cache/archives/partial"
echo "deb [arch=riscv64 signed-by=$keyring] $mirror $suite main" > "$apt/etc/sources.list"
: > "$apt/state/status"
opts=(
	-o Dir::Etc::SourceList="$apt/etc/sources.list"
	-o Dir::Etc::SourceParts=/dev/null
	-o Dir::Etc::Preferences=/dev/null
	-o Dir::Etc::PreferencesParts="$apt/etc/preferences.d"
	-o Dir::State="$apt/state"
	-o Dir::State::status="$apt/state/status"
	-o Dir::Cache="$apt/cache"
	-o APT::Architecture=riscv64
	-o APT::Architectures=riscv64
	-o APT::Sandbox::User=root
	-o Acquire::Languages=none
	-q
)
log "busybox: apt-get update ($suite, riscv64) in private dir $apt"
apt-get "${opts[@]}" update >&2
tmp=$(mktemp -d "$apt/dl.XXXXXX")
(cd "$tmp" && apt-get "${opts[@]}" download "$pkg" >&2)
deb=$(ls -1 "$tmp"/${pkg}_*_riscv64.deb | head -1)
[ -n "$deb" ] || die "apt-get download $pkg produced nothing"
# apt escapes ':' of an epoch as %3a; keep that file name.
mv -f "$deb" "$debs/"
rm -rf "$tmp"
log "busybox: fetched $(basename "$deb")"
echo "$debs/$(basename "$deb")"
