# RISC-V Sv39/Sv48 backend: build and QEMU facts for the top-level Makefile.
include md/riscv/platform64.mk

# This backend's rows of the configuration matrix.
MATRIX_FILES        += md/riscv-sv39/matrix
