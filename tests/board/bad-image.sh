#!/usr/bin/env bash
# A kernel Image whose header claims more memory than the guest has (or a
# size that would wrap the address computation) is refused with a one-line
# error naming the file, before anything is placed in RAM.
set -u
B=${B:-build}
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
mk() { # name text_offset image_size
  python3 - "$t/$1" "$2" "$3" <<'PY'
import struct, sys
h = bytearray(4096)
h[8:16] = struct.pack('<Q', int(sys.argv[2], 0))
h[16:24] = struct.pack('<Q', int(sys.argv[3], 0))
h[56:60] = b'RSC\x05'
open(sys.argv[1], 'wb').write(h)
PY
}
mk wrap.Image 0x200000 0xffffffff7fe01000
mk huge.Image 0x200000 0x40000000
mk offset.Image 0xfffffffffff00000 0x1000
for img in wrap huge offset; do
  out=$("$B/bin/domus-run" --kernel "$t/$img.Image" --mem 256M </dev/null 2>&1); rc=$?
  if [ "$rc" -eq 1 ] && grep -q "$img.Image: image header asks for" <<<"$out"; then
    echo "ok - bad-image/$img refused"
  else
    echo "not ok - bad-image/$img: rc=$rc: $out"
  fi
done
