# RISC-V sv32 backend: build and QEMU facts for the top-level Makefile.
include md/riscv/platform.mk

# This backend's rows of the configuration matrix.
MATRIX_FILES        += md/riscv-sv32/matrix
