# md/x86: the x86 guest platform shared by the i386 and i386-pae backends
# (multiboot entry, GDT/IDT/traps, COM1, isa-debug-exit, probes).  Paths are
# relative to the top of the tree; the Makefile compiles these with the
# guest flags and links with X86_LDSCRIPT.
X86_SRCS := \
	md/x86/entry.S \
	md/x86/trap.S \
	md/x86/probe.S \
	md/x86/boot.c \
	md/x86/cons.c \
	md/x86/desc.c \
	md/x86/trap.c \
	md/x86/probe.c
X86_LDSCRIPT := md/x86/kernel.ld
