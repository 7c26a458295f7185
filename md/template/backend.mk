# TODO(port): this backend's build and QEMU facts for the top-level Makefile
# (docs/PORTING.md step 6, "Build and configuration files").
#
# Facts shared by every backend of one guest platform come from the
# platform's file, included first.  TODO: your platform's.  The skeleton
# uses md/riscv's: its host programs take the whole MMU model from this
# directory's mmu_host.c.  (md/x86/platform.mk brings md/x86/cpu_host.c,
# which provides most of the model itself: see mmu_host.c.)  A new machine
# needs its own md/<platform>/ and platform.mk (PORTING.md, "The guest
# platform").
include md/riscv/platform.mk

# What the Makefile reads, and where the skeleton's value comes from.  Set
# here only what differs from the platform's file (md/i386-pae/backend.mk).
#
#   GUEST_TARGET_CFLAGS  guest compiler target                 platform.mk
#   GUEST_LDFLAGS        linker emulation                      platform.mk
#   GUEST_PLATFORM       the md/<platform> directory           platform.mk
#   GUEST_LDSCRIPT       linker script                         platform.mk
#   HOST_MD_INCLUDES     host include flags (-Imd/<platform>)  platform.mk
#   QEMU_RUN             binary for make run and make bench    platform.mk
#   QEMU_TEST_TARGETS    every binary make test boots          platform.mk
#   QEMU_MACHINE_ARGS    arguments for every binary            platform.mk
#   QEMU_ARGS_<binary>   extra arguments for one binary        below
#   QEMU_PASS_STATUS     exit status meaning "all passed"      platform.mk
#   QEMU_NOCPU_STATUS    exit status of a refused CPU          platform.mk
#   QEMU_NOCPU_TARGETS   binaries whose default CPU must be    below
#                        refused
#   QEMU_NOCPU_MESSAGE   what the refusal prints               below
#   MATRIX_FILES         the configuration matrix's rows       platform.mk, += below

# TODO: arguments one QEMU binary needs for this MMU, e.g. a CPU model:
# QEMU_ARGS_qemu-system-riscv32 := -cpu rv32

# TODO: binaries whose default CPU lacks what the backend needs; make test
# boots each with its default CPU and expects QEMU_NOCPU_STATUS and this
# message.  Empty: every target's default CPU will do.
QEMU_NOCPU_TARGETS  :=
QEMU_NOCPU_MESSAGE  :=

# This backend's rows of the configuration matrix.
MATRIX_FILES        += md/template/matrix
