# The RISC-V guest platform's 32-bit build (rv32, QEMU virt) and QEMU
# facts, for the rv32 riscv backends (each md/<backend>/backend.mk includes
# this and adds its own; the rv64 ones include md/riscv/platform64.mk).
# One set of platform sources serves both widths, by __riscv_xlen.

# Guest compiler target (clang 14 takes rv32ima and accepts the Zicsr and
# Zifencei instructions with it) and linker emulation (ld.lld).  lld 14
# cannot relax: -mno-relax.  medany: the kernel is linked at 0xC0000000.
GUEST_TARGET_CFLAGS := --target=riscv32-unknown-elf -march=rv32ima -mabi=ilp32 \
	-mno-relax -mcmodel=medany
GUEST_LDFLAGS       := -m elf32lriscv

# Guest platform directory (M-mode entry and firmware, traps, probes,
# device tree) and its linker script (both widths: KERNBASE comes from
# riscv_guest.h through entry.S); host-only parts of the platform would be
# md/riscv/*_host.c.
GUEST_PLATFORM      := riscv
GUEST_LDSCRIPT      := md/riscv/kernel.ld
HOST_MD_INCLUDES    := -Imd/riscv

# QEMU: the binary for `make run`/`make bench`, every binary `make test` boots,
# machine arguments, and the exit status that means "all tests passed".  The
# kernel is its own M-mode firmware (-bios none) and exits through virt's
# sifive_test device with FAIL and a code, which QEMU exits with: 16 for
# KERN_EXIT_PASS (the device's PASS exits 0, as some crashes do), 17 fail,
# 18 KERN_EXIT_NOCPU: a hart that does not keep the backend's satp mode
# (never on QEMU: every rv32 hart with S-mode has Sv32).
QEMU_RUN            := qemu-system-riscv32
QEMU_TEST_TARGETS   := qemu-system-riscv32
QEMU_MACHINE_ARGS   := -machine virt -bios none
QEMU_PASS_STATUS    := 16
QEMU_NOCPU_STATUS   := 18

# Rows of the configuration matrix make test runs (scripts/matrix.sh); each
# backend.mk adds its own file.
MATRIX_FILES        := md/riscv/matrix
