# amd64 backend: build and QEMU facts for the top-level Makefile.
include md/x86/platform64.mk

# This backend's rows of the configuration matrix.
MATRIX_FILES        += md/amd64/matrix

# 5-level paging needs LA57, which QEMU 7.2 offers in -cpu max only; the
# default qemu64 must be refused (the no-CPU check below).
ifeq ($(CONFIG_AMD64_LA57),y)
QEMU_ARGS_qemu-system-x86_64 := -cpu max
QEMU_NOCPU_TARGETS  := qemu-system-x86_64
QEMU_NOCPU_MESSAGE  := lacks LA57
endif
