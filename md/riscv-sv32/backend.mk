# RISC-V sv32 backend: build and QEMU facts for the top-level Makefile.
include md/riscv/platform.mk
