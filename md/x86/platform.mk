# The x86 guest platform's build and QEMU facts, shared by the x86 backends
# (each md/<backend>/backend.mk includes this and adds its own).

# Guest compiler target (clang) and linker emulation (ld.lld).
GUEST_TARGET_CFLAGS := --target=i386-unknown-none-elf -march=i686 -mno-sse -mno-mmx -msoft-float
GUEST_LDFLAGS       := -m elf_i386

# Guest platform directory (multiboot entry, GDT/IDT, COM1, exit device) and
# its linker script; host-only parts of the platform are md/x86/*_host.c.
GUEST_PLATFORM      := x86
GUEST_LDSCRIPT      := md/x86/kernel.ld
HOST_MD_INCLUDES    := -Imd/x86
# The platform's 32-bit build: its ISA-specific files end in _32, the
# 64-bit build's (md/x86/platform64.mk) in _64.
PLAT_EXCLUDE        := %_64.c %_64.S

# QEMU: the binary for `make run`/`make bench`, every binary `make test` boots,
# machine arguments, and the exit status that means "all tests passed":
# isa-debug-exit exits with (value << 1) | 1, so the kernel writes 16 for 33
# (a triple fault exits 0, hence a non-zero pass code).  KERN_EXIT_NOCPU
# (0x12) gives 37.  QEMU_ARGS_<binary> adds arguments for one binary.
QEMU_RUN            := qemu-system-i386
QEMU_TEST_TARGETS   := qemu-system-i386 qemu-system-x86_64
QEMU_MACHINE_ARGS   := -device isa-debug-exit,iobase=0xf4,iosize=0x04
QEMU_PASS_STATUS    := 33
QEMU_NOCPU_STATUS   := 37

# Rows of the configuration matrix make test runs (scripts/matrix.sh); each
# backend.mk adds its own file.
MATRIX_FILES        := md/x86/matrix
