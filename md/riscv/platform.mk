# The RISC-V (rv32, QEMU virt) guest platform's build and QEMU facts, for
# the riscv backends (each md/<backend>/backend.mk includes this and adds
# its own).

# Guest compiler target (clang 14 takes rv32ima and accepts the Zicsr and
# Zifencei instructions with it) and linker emulation (ld.lld).  lld 14
# cannot relax: -mno-relax.  medany: the kernel is linked at 0xC0000000.
GUEST_TARGET_CFLAGS := --target=riscv32-unknown-elf -march=rv32ima -mabi=ilp32 \
	-mno-relax -mcmodel=medany
GUEST_LDFLAGS       := -m elf32lriscv

# Guest platform directory (M-mode entry and firmware, traps, probes,
# device tree) and its linker script; host-only parts of the platform
# would be md/riscv/*_host.c.
GUEST_PLATFORM      := riscv
GUEST_LDSCRIPT      := md/riscv/kernel.ld
HOST_MD_INCLUDES    := -Imd/riscv

# QEMU: the binary for `make run`/`make bench`, every binary `make test` boots,
# machine arguments, and the exit status that means "all tests passed".  The
# kernel is its own M-mode firmware (-bios none) and exits through virt's
# sifive_test device with FAIL and a code, which QEMU exits with: 16 for
# KERN_EXIT_PASS (the device's PASS exits 0, as some crashes do), 17 fail,
# 18 KERN_EXIT_NOCPU (never: sv32 is always there on virt).
QEMU_RUN            := qemu-system-riscv32
QEMU_TEST_TARGETS   := qemu-system-riscv32
QEMU_MACHINE_ARGS   := -machine virt -bios none
QEMU_PASS_STATUS    := 16
QEMU_NOCPU_STATUS   := 18

# Rows of the configuration matrix make test runs (scripts/matrix.sh); each
# backend.mk adds its own file.
MATRIX_FILES        := md/riscv/matrix
