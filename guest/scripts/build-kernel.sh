#!/usr/bin/env bash
# build-kernel.sh OUT_IMAGE
# Builds the Domus test-guest kernel (Linux 6.1 from Debian's linux-source-6.1,
# riscv64, tinyconfig + guest/kernel.config) and installs arch/riscv/boot/Image
# as OUT_IMAGE. The result is cached in $GUEST_CACHE/<hash>/Image, keyed by the
# fragment, these scripts, the source package version and the cross compiler
# version; the object tree is kept in $GUEST_CACHE/kbuild for incremental
# rebuilds after a fragment change. Env: JOBS (default 2), NICE (default 10).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"
out=$1
frag=$here/../kernel.config
jobs=${JOBS:-2}

key=$( {
	echo kernel-v1
	cat "$frag" "$here/build-kernel.sh" "$here/check-config.sh" "$here/common.sh"
	pkg_version linux-source-6.1
	"${CROSS}gcc" --version | head -1
	"${CROSS}ld" --version | head -1
} | short_hash)
cdir=$GUEST_CACHE/kernel-$key
mkdir -p "$GUEST_CACHE" "$(dirname "$out")"

exec 9>"$GUEST_CACHE/kernel.lock"
flock 9
if [ -s "$cdir/Image" ]; then
	log "kernel: cached ($cdir)"
	install_atomic "$cdir/Image" "$out"
	exit 0
fi

[ -r "$KSRC_TARBALL" ] || die "$KSRC_TARBALL missing: apt-get install linux-source-6.1"
srcver=$(pkg_version linux-source-6.1)
src=$GUEST_CACHE/src/linux-source-6.1_$srcver
if [ ! -e "$src/.domus-extracted" ]; then
	log "kernel: extracting $KSRC_TARBALL"
	rm -rf "$src"; mkdir -p "$src"
	tar -xJf "$KSRC_TARBALL" -C "$src" --strip-components=1
	touch "$src/.domus-extracted"
fi

kb=$GUEST_CACHE/kbuild
mkdir -p "$kb"
# Fixed build identity (the source tarball's date, not the build's), so
# rebuilding the same inputs gives the same `uname -v`.
export KBUILD_BUILD_USER=domus KBUILD_BUILD_HOST=guest KBUILD_BUILD_VERSION=1
KBUILD_BUILD_TIMESTAMP=$(date -u -R -r "$KSRC_TARBALL")
export KBUILD_BUILD_TIMESTAMP
km=(make -s -C "$src" O="$kb" ARCH=riscv CROSS_COMPILE="$CROSS")
log "kernel: configuring in $kb"
"${km[@]}" tinyconfig >/dev/null
# Merge: the fragment wins over tinyconfig; olddefconfig resolves the rest.
"$src/scripts/kconfig/merge_config.sh" -m -O "$kb" "$kb/.config" "$frag" >/dev/null
"${km[@]}" olddefconfig >/dev/null
"$here/check-config.sh" "$frag" "$kb/.config"

log "kernel: building Image (make -j$jobs, nice ${NICE:-10}); 2-10 min on 2 busy cores"
start=$(date +%s)
nice -n "${NICE:-10}" "${km[@]}" -j"$jobs" Image
log "kernel: built in $(( $(date +%s) - start )) s"
# The vDSO runs unrelocated in every process: a dynamic relocation in it is
# a pointer that reads as 0 (6.1 without JUMP_LABEL had one; see the fragment).
vdso=$kb/arch/riscv/kernel/vdso/vdso.so
if "${CROSS}readelf" -r "$vdso" | grep -q '^ *[0-9a-f]\{12\} '; then
	"${CROSS}readelf" -r "$vdso" >&2
	die "kernel: the vDSO has dynamic relocations (it would crash user programs)"
fi

mkdir -p "$cdir.tmp"
cp "$kb/arch/riscv/boot/Image" "$kb/.config" "$cdir.tmp/"
rm -rf "$cdir"; mv "$cdir.tmp" "$cdir"
install_atomic "$cdir/Image" "$out"
log "kernel: $out ($(stat -c %s "$out") bytes)"
