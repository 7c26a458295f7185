# RISC-V Sv39/Sv48 backend: build and QEMU facts for the top-level Makefile.
include md/riscv/platform64.mk

# This backend's rows of the configuration matrix.
MATRIX_FILES        += md/riscv-sv39/matrix

# A hart with the extensions the pmap uses where it has them (Kconfig
# RISCV_QEMU_SVEXT; QEMU's default rv64 has none): before QEMU_EXTRA and a
# matrix row's arguments, whose -cpu wins.
SV39_QEMU_SVEXT_CPU := -cpu rv64,svpbmt=on,svinval=on,svnapot=on
QEMU_ARGS_qemu-system-riscv64 := $(if $(CONFIG_RISCV_QEMU_SVEXT),$(SV39_QEMU_SVEXT_CPU))
