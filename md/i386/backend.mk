# i386 backend: build and QEMU facts for the top-level Makefile.
# Every md/<backend>/backend.mk defines the same variables.

# Guest compiler target (clang) and linker emulation (ld.lld).
GUEST_TARGET_CFLAGS := --target=i386-unknown-none-elf -march=i686 -mno-sse -mno-mmx -msoft-float
GUEST_LDFLAGS       := -m elf_i386

# Guest platform directory (md/x86: multiboot entry, GDT/IDT, COM1, exit device)
# and its linker script.
GUEST_PLATFORM      := x86
GUEST_LDSCRIPT      := md/x86/kernel.ld

# Extra include directories for the host build.
HOST_MD_INCLUDES    := -Imd/x86

# QEMU: the binary for `make run`/`make bench`, every binary `make test` boots,
# machine arguments, and the exit status that means "all tests passed":
# isa-debug-exit exits with (value << 1) | 1, so the kernel writes 16 for 33
# (a triple fault exits 0, hence a non-zero pass code).
QEMU_RUN            := qemu-system-i386
QEMU_TEST_TARGETS   := qemu-system-i386 qemu-system-x86_64
QEMU_MACHINE_ARGS   := -device isa-debug-exit,iobase=0xf4,iosize=0x04
QEMU_PASS_STATUS    := 33
