# amd64 backend: build and QEMU facts for the top-level Makefile.
include md/x86/platform64.mk

# This backend's rows of the configuration matrix.
MATRIX_FILES        += md/amd64/matrix
