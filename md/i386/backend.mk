# i386 backend: build and QEMU facts for the top-level Makefile.
include md/x86/platform.mk

# This backend's rows of the configuration matrix.
MATRIX_FILES        += md/i386/matrix
