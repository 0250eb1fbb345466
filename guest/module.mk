# Guest images for the test domain (see guest/README.md).
#   make guest            -> $(B)/guest/Image and $(B)/guest/initramfs.cpio.gz
# The scripts decide what to rebuild from a hash of their inputs and copy
# results out of ~/.cache/domus/guest (DOMUS_CACHE), so the targets are phony
# and a second run takes seconds. The kernel build is niced and -j2 (JOBS).

.PHONY: guest-kernel guest-initramfs
guest: guest-kernel guest-initramfs

guest-kernel:
	guest/scripts/build-kernel.sh $(B)/guest/Image

guest-initramfs:
	guest/scripts/build-initramfs.sh $(B)/guest/initramfs.cpio.gz

# Fast checks of the image scripts (no network, no kernel build).
CHECKS += guest/tests/scripts.sh
# Boots the images under qemu-system-riscv64 (the reference peer); builds
# them first through `make guest` (cached). Skips when QEMU is absent.
CHECKS += guest/tests/qemu-boot.sh
# vq-garbage against domus-run (skips until domus-run and the images exist).
CHECKS += guest/tests/domus-vq-garbage.sh
