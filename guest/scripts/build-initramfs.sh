#!/usr/bin/env bash
# build-initramfs.sh OUT_CPIO_GZ
# Builds the test guest's initramfs: Debian's riscv64 busybox-static (see
# fetch-busybox.sh) with its applet links, guest/init as /init, the files of
# guest/rootfs, /dev/console and /dev/null, and our static guest programs
# (guest/progs/*.c -> /usr/bin/NAME). The archive is written by the kernel's
# own usr/gen_init_cpio (built from linux-source-6.1), so no root is needed.
# Cached in $GUEST_CACHE/initramfs-<hash>/, keyed by every input.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"
out=$1
gdir=$(cd "$here/.." && pwd)
deb=$("$here/fetch-busybox.sh")

key=$( {
	echo initramfs-v1
	sha256sum "$deb" | cut -d' ' -f1
	cd "$gdir"
	find init rootfs progs scripts/build-initramfs.sh scripts/common.sh \
		-type f -print0 | sort -z | xargs -0 sha256sum
	find init rootfs -print0 | sort -z | xargs -0 stat -c '%n %a'
	pkg_version linux-source-6.1
	"${CROSS}gcc" --version | head -1
	command -v qemu-riscv64 >/dev/null && echo applets-listed
} | short_hash)
cdir=$GUEST_CACHE/initramfs-$key
mkdir -p "$GUEST_CACHE" "$(dirname "$out")"
exec 9>"$GUEST_CACHE/initramfs.lock"
flock 9
if [ -s "$cdir/initramfs.cpio.gz" ]; then
	log "initramfs: cached ($cdir)"
	install_atomic "$cdir/initramfs.cpio.gz" "$out"
	exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dpkg-deb -x "$deb" "$work/deb"
bb=$work/deb/usr/bin/busybox
[ -x "$bb" ] || bb=$work/deb/bin/busybox
[ -x "$bb" ] || die "no busybox binary in $deb"

# gen_init_cpio from the kernel source (the extracted tree if there is one).
gsrc=$(ls -d "$GUEST_CACHE"/src/linux-source-6.1_"$(pkg_version linux-source-6.1)"/usr 2>/dev/null || true)
if [ -z "$gsrc" ]; then
	tar -xJf "$KSRC_TARBALL" -C "$work" --wildcards '*/usr/gen_init_cpio.c'
	gsrc=$(dirname "$(find "$work" -name gen_init_cpio.c | head -1)")
fi
cc -O2 -o "$work/gen_init_cpio" "$gsrc/gen_init_cpio.c"

mkdir -p "$work/progs"
for c in "$gdir"/progs/*.c; do
	[ -e "$c" ] || continue
	n=$(basename "$c" .c)
	"${CROSS}gcc" -static -O2 -std=gnu17 -Wall -Wextra -Werror \
		-Wmissing-prototypes -Wstrict-prototypes -pthread -o "$work/progs/$n" "$c"
	"${CROSS}strip" "$work/progs/$n"
done

list=$work/initramfs.list
{
	for d in /bin /sbin /usr /usr/bin /usr/sbin /usr/share /etc /proc /sys \
		/dev /tmp /mnt /root /run /var /var/log; do
		echo "dir $d 0755 0 0"
	done
	echo "nod /dev/console 0600 0 0 c 5 1"
	echo "nod /dev/null 0666 0 0 c 1 3"
	echo "file /bin/busybox $bb 0755 0 0"
	echo "slink /bin/sh /bin/busybox 0777 0 0"
	echo "file /init $gdir/init 0755 0 0"
	if command -v qemu-riscv64 >/dev/null; then
		qemu-riscv64 "$bb" --list-full | while read -r a; do
			[ "/$a" = /bin/sh ] || [ "/$a" = /bin/busybox ] ||
				echo "slink /$a /bin/busybox 0777 0 0"
		done
	fi
	(cd "$gdir/rootfs" && find . -mindepth 1 | sort) | while read -r f; do
		p=${f#.}
		m=$(stat -c %a "$gdir/rootfs/$f")
		if [ -d "$gdir/rootfs/$f" ]; then
			case " /usr /usr/bin /usr/sbin /usr/share /etc " in *" $p "*) continue ;; esac
			echo "dir $p 0$m 0 0"
		else
			echo "file $p $gdir/rootfs/$f 0$m 0 0"
		fi
	done
	for p in "$work"/progs/*; do
		[ -e "$p" ] && echo "file /usr/bin/$(basename "$p") $p 0755 0 0"
	done
} > "$list"
# Applet links that would collide with our own files are dropped.
awk '$1 != "slink" || !seen[$2]++' "$list" > "$list.1"

"$work/gen_init_cpio" -t 0 "$list.1" | gzip -9n > "$work/initramfs.cpio.gz"
mkdir -p "$cdir.tmp"
cp "$work/initramfs.cpio.gz" "$list.1" "$cdir.tmp/"
rm -rf "$cdir"; mv "$cdir.tmp" "$cdir"
install_atomic "$cdir/initramfs.cpio.gz" "$out"
log "initramfs: $out ($(stat -c %s "$out") bytes, $(grep -c . "$list.1") entries)"
