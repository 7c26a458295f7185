# i386 backend: build and QEMU facts for the top-level Makefile.
include md/x86/platform.mk
