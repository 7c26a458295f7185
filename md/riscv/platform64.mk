# The RISC-V guest platform's 64-bit build (rv64, QEMU virt) and QEMU
# facts, for the rv64 riscv backends (each md/<backend>/backend.mk includes
# this and adds its own).  The platform's sources are the rv32 build's
# (md/riscv/platform.mk): what differs by the ISA is chosen in them by
# __riscv_xlen, so there is no PLAT_EXCLUDE here.
#
# Guest compiler target and linker emulation (ld.lld).
#
# Code model: the kernel is linked at KERNBASE = 0xFFFFFFC000000000 (the
# start of Sv39's upper half; md/riscv/riscv_guest.h), and its M-mode
# start at the physical 0x80000000.  medlow (the default) reaches only
# absolute addresses within 2 GiB of 0, which neither is; -mcmodel=medany
# addresses everything PC-relative (auipc) within +-2 GiB of the code,
# which the image is, at either address: the same static image, no GOT.
# Data holding addresses (.dword) takes any.  The assembly builds
# addresses PC-relative (lla) or with li, never with lui alone.  lld 14
# cannot relax: -mno-relax.
#
# -march=rv64ima, not rv64imac: the same extensions as the rv32 build
# (rv32ima), so the one platform source assembles to the same kinds of
# instructions in both, and every instruction is 4 bytes, as the code
# that reasons about instruction addresses assumes (the firmware's
# mepc + 4 after an ecall, the probes' single faulting instruction at a
# label, the planted `ret' of EXEC probes and the user-probe trampoline);
# without C a jump to a 2-byte aligned address faults (IALIGN = 32) rather
# than running half an instruction.  Nothing here needs the smaller code,
# and any rv64 hart with M and A runs it (QEMU's default has C too).
# clang 14 accepts the Zicsr and Zifencei instructions with rv64ima.
GUEST_TARGET_CFLAGS := --target=riscv64-unknown-elf -march=rv64ima -mabi=lp64 \
	-mno-relax -mcmodel=medany
GUEST_LDFLAGS       := -m elf64lriscv

# Guest platform directory (M-mode entry and firmware, traps, probes,
# device tree) and its linker script, the rv32 build's: KERNBASE comes
# from riscv_guest.h through entry.S's absolute symbols.
GUEST_PLATFORM      := riscv
GUEST_LDSCRIPT      := md/riscv/kernel.ld
HOST_MD_INCLUDES    := -Imd/riscv

# QEMU: the binary for `make run`/`make bench`, every binary `make test` boots,
# machine arguments, and the exit status that means "all tests passed".  The
# kernel is its own M-mode firmware (-bios none) and exits through virt's
# sifive_test device with FAIL and a code, which QEMU exits with: 16 for
# KERN_EXIT_PASS (the device's PASS exits 0, as some crashes do), 17 fail,
# 18 KERN_EXIT_NOCPU: a hart that does not keep the backend's satp mode
# (QEMU 7.2's rv64 harts all have Sv39 and Sv48; -cpu rv64,mmu=off has
# none: md/riscv/matrix64).  QEMU's rv64 keeps every physical-address bit,
# so RAM above 4 GiB is used.
QEMU_RUN            := qemu-system-riscv64
QEMU_TEST_TARGETS   := qemu-system-riscv64
QEMU_MACHINE_ARGS   := -machine virt -bios none
QEMU_PASS_STATUS    := 16
QEMU_NOCPU_STATUS   := 18

# Rows of the configuration matrix make test runs (scripts/matrix.sh); each
# backend.mk adds its own file.
MATRIX_FILES        := md/riscv/matrix64
