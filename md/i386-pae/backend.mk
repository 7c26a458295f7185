# i386-PAE backend: build and QEMU facts for the top-level Makefile.
include md/x86/platform.mk

# PAE with NX needs -cpu max on qemu-system-i386 (its default qemu32 lacks NX);
# qemu-system-x86_64's default qemu64 has both.
QEMU_ARGS_qemu-system-i386 := -cpu max
# make test also boots these with their default CPU and expects the kernel to
# refuse it (KERN_EXIT_NOCPU) with this message.
QEMU_NOCPU_TARGETS  := qemu-system-i386
QEMU_NOCPU_MESSAGE  := lacks NX

# This backend's rows of the configuration matrix.
MATRIX_FILES        += md/i386-pae/matrix
