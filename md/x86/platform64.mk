# The x86 guest platform's 64-bit build and QEMU facts (long mode), shared by
# the 64-bit x86 backends (md/amd64/backend.mk includes this and adds its own).

# Guest compiler target (clang) and linker emulation (ld.lld).
#
# Code model: the kernel is linked at KERNBASE + 1 MiB = 0xFFFF800000100000,
# the start of the direct map (md/amd64/pmap_md.h), which is in neither
# 2 GiB window the small (0 .. 2 GiB) and kernel (the top 2 GiB) models
# address with 32-bit absolute values.  The other way, position-independent
# code with RIP-relative addressing, would need -fpie after the Makefile's
# common guest flags, which end with -fno-pic -fno-pie and so cancel it
# here.  -mcmodel=large: every address a 64-bit absolute (movabs; calls
# through a register), no GOT, the same static image either way; slower
# code, which a TCG test kernel does not measure.  The assembly (md/x86/
# *_64.S) uses RIP-relative addressing within the image, which any model
# links.
#
# -mno-red-zone: interrupts and exceptions push onto the kernel stack below
# RSP.  -mgeneral-regs-only: no SSE/MMX/x87, which the kernel never enables
# (CR4.OSFXSR, CR0.EM/TS as the firmware left them) nor saves on traps.
GUEST_TARGET_CFLAGS := --target=x86_64-unknown-none-elf -march=x86-64 -mcmodel=large \
	-mno-red-zone -mgeneral-regs-only
GUEST_LDFLAGS       := -m elf_x86_64

# Guest platform directory (PVH entry into long mode, GDT/IDT, COM1, exit
# device) and its 64-bit linker script; host-only parts of the platform are
# md/x86/*_host.c.  The ISA-specific files of md/x86 end in _64 for this
# build and _32 for the 32-bit one (md/x86/platform.mk), which this leaves out.
GUEST_PLATFORM      := x86
GUEST_LDSCRIPT      := md/x86/kernel_64.ld
HOST_MD_INCLUDES    := -Imd/x86
PLAT_EXCLUDE        := %_32.c %_32.S

# QEMU: the binary for `make run`/`make bench`, every binary `make test` boots
# (qemu-system-i386 has no long mode), machine arguments, and the exit status
# that means "all tests passed": isa-debug-exit exits with (value << 1) | 1,
# so the kernel writes 16 for 33 (a triple fault exits 0, hence a non-zero
# pass code).  KERN_EXIT_NOCPU (0x12) gives 37.  QEMU_ARGS_<binary> adds
# arguments for one binary.  QEMU boots the ELF64 kernel by its PVH note.
QEMU_RUN            := qemu-system-x86_64
QEMU_TEST_TARGETS   := qemu-system-x86_64
QEMU_MACHINE_ARGS   := -device isa-debug-exit,iobase=0xf4,iosize=0x04
QEMU_PASS_STATUS    := 33
QEMU_NOCPU_STATUS   := 37

# Rows of the configuration matrix make test runs (scripts/matrix.sh); each
# backend.mk adds its own file.
MATRIX_FILES        := md/x86/matrix64
